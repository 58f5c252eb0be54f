//! Families without Telegram: a coordinator adds a registration by hand (`/add`) for a family
//! who asked by phone, on paper or in person. It counts in demand like any other and is invited
//! in its turn; whatever would be sent to the family goes to the coordinator who added it, who
//! answers for the family.
//!
//! Such a registration belongs to a **synthetic id**: [`ADDED_BASE`] plus a number the store
//! assigns. Telegram's user ids have at most 52 significant bits, so a synthetic id can never be
//! someone's Telegram id, and nothing is ever sent to one ([`recipient`] names who gets the
//! family's messages instead).

use super::{Registration, UserId};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The first synthetic id (2^60): above every Telegram user id (at most 52 bits), below
/// `i64::MAX`, so it survives any conversion to a chat id unchanged — and is still refused.
pub const ADDED_BASE: u64 = 1 << 60;

/// The longest label a coordinator gives a family they add.
pub const MAX_LABEL_CHARS: usize = 40;

impl UserId {
    /// The synthetic id of the `n`th family added by hand.
    #[must_use]
    pub fn added(n: u64) -> UserId {
        UserId(ADDED_BASE.saturating_add(n % ADDED_BASE))
    }

    /// Whether this is the synthetic id of a family added by hand (never a Telegram user).
    #[must_use]
    pub fn is_added(self) -> bool {
        self.0 >= ADDED_BASE
    }
}

/// How the family gave their consent to the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentHow {
    /// On the phone.
    Phone,
    /// On a paper form.
    Paper,
    /// Face to face.
    InPerson,
}

impl ConsentHow {
    /// Every way, in the order offered.
    pub const ALL: [ConsentHow; 3] = [ConsentHow::Phone, ConsentHow::Paper, ConsentHow::InPerson];

    /// A short code for callback data.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ConsentHow::Phone => "p",
            ConsentHow::Paper => "w",
            ConsentHow::InPerson => "i",
        }
    }

    /// Parses [`ConsentHow::code`].
    #[must_use]
    pub fn from_code(s: &str) -> Option<ConsentHow> {
        Self::ALL.into_iter().find(|h| h.code() == s)
    }
}

/// What marks a registration as added by a coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    /// The coordinator who added it: they get the family's messages and answer for it.
    pub by: UserId,
    /// A short label for the coordinator to recognise the family by ("Virtanen, Kipinä");
    /// personal data, sealed with the registration.
    pub label: String,
    /// How the family consented.
    pub how: ConsentHow,
    /// The day they consented (Helsinki time).
    pub on: NaiveDate,
}

/// Who gets what kokoon would send to `to`: the person themself, or, for a family added by
/// hand, the coordinator who added it (read from the family's registrations). `None` when a
/// synthetic id has no registration left that says who added it: then nothing is sent.
#[must_use]
pub fn recipient(to: UserId, family: &[Registration]) -> Option<UserId> {
    if !to.is_added() {
        return Some(to);
    }
    family
        .iter()
        .filter(|r| r.user == to)
        .find_map(|r| r.added.as_ref().map(|a| a.by))
        .filter(|by| !by.is_added())
}

/// Whether `coordinator` answers for the family of this registration (they added it).
#[must_use]
pub fn answers_for(r: &Registration, coordinator: UserId) -> bool {
    r.user.is_added() && r.added.as_ref().is_some_and(|a| a.by == coordinator)
}

/// A typed label as it is kept: cleaned of invisible controls, trimmed, one line; `None` when
/// empty or longer than [`MAX_LABEL_CHARS`].
#[must_use]
pub fn label(typed: &str) -> Option<String> {
    let cleaned = super::text::clean(typed);
    let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = one_line.chars().count();
    (1..=MAX_LABEL_CHARS).contains(&n).then_some(one_line)
}

/// Today in Helsinki, `days_ago` days back.
#[must_use]
pub fn day(now: DateTime<Utc>, days_ago: u32) -> NaiveDate {
    now.with_timezone(&super::when::TZ).date_naive() - Duration::days(i64::from(days_ago))
}

/// A typed day of consent: `5.12.`, `5.12`, `5.12.2026` or `2026-12-05`. Refused when in the
/// future or more than a year back (a consent that old would be asked again).
#[must_use]
pub fn parse_day(typed: &str, now: DateTime<Utc>) -> Option<NaiveDate> {
    let today = day(now, 0);
    let t = typed.trim();
    let parsed = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().or_else(|| {
        let parts: Vec<&str> = t.trim_end_matches('.').split('.').collect();
        let num = |s: &str| s.trim().parse::<u32>().ok();
        match parts.as_slice() {
            [d, m] => {
                let (d, m) = (num(d)?, num(m)?);
                // Without a year: this year's, or last year's if that would be in the future.
                NaiveDate::from_ymd_opt(today.year(), m, d)
                    .filter(|x| *x <= today)
                    .or_else(|| NaiveDate::from_ymd_opt(today.year() - 1, m, d))
            }
            [d, m, y] => NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?),
            _ => None,
        }
    })?;
    (parsed <= today && parsed >= today - Duration::days(366)).then_some(parsed)
}

/// A day as the reader writes it: `5.12.2026` / `5.12.2026` / `5 Dec 2026`.
#[must_use]
pub fn format_day(d: NaiveDate, lang: super::Lang, now: DateTime<Utc>) -> String {
    use chrono::TimeZone;
    let noon = d.and_hms_opt(12, 0, 0).unwrap_or_default();
    let at = super::when::TZ
        .from_local_datetime(&noon)
        .earliest()
        .map_or(now, |t| t.with_timezone(&Utc));
    super::when::format_date(at, lang, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-05T10:00:00Z".parse().unwrap_or_default()
    }

    #[test]
    fn a_synthetic_id_is_never_a_telegram_id() {
        // Telegram user ids have at most 52 significant bits.
        assert!(!UserId((1 << 52) - 1).is_added());
        assert!(!UserId(100_000_001).is_added());
        assert!(UserId::added(0).is_added());
        assert!(UserId::added(u64::MAX).is_added());
        assert!(i64::try_from(UserId::added(u64::MAX).0).is_ok());
    }

    #[test]
    fn a_family_s_messages_go_to_the_coordinator_who_added_it_and_never_to_the_family() {
        let fam = UserId::added(7);
        let mut r: Registration = serde_json::from_value(serde_json::json!({
            "user": fam.0, "group": "tilli-toukka", "children": [], "area": "hyvinkaa",
            "lang": "fi", "times": [], "contact": null, "source": null,
            "created_at": now(), "updated_at": now(),
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(recipient(fam, std::slice::from_ref(&r)), None, "no adder");
        r.added = Some(Added {
            by: UserId(100_000_001),
            label: "Virtanen".into(),
            how: ConsentHow::Phone,
            on: day(now(), 0),
        });
        assert_eq!(
            recipient(fam, std::slice::from_ref(&r)),
            Some(UserId(100_000_001))
        );
        assert!(answers_for(&r, UserId(100_000_001)));
        assert!(!answers_for(&r, UserId(100_000_002)));
        assert_eq!(recipient(UserId(5), &[]), Some(UserId(5)));
    }

    #[test]
    fn labels_and_days_are_read_kindly_and_refused_when_wrong() {
        assert_eq!(
            label("  Virtanen,\u{202E}  Kipinä \n"),
            Some("Virtanen, Kipinä".into())
        );
        assert_eq!(label(" \u{200B} "), None);
        assert_eq!(label(&"a".repeat(41)), None);
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_day("3.12.", now()), d(2026, 12, 3));
        assert_eq!(parse_day("3.12", now()), d(2026, 12, 3));
        assert_eq!(parse_day("24.12.", now()), d(2025, 12, 24), "last year's");
        assert_eq!(parse_day("1.11.2026", now()), d(2026, 11, 1));
        assert_eq!(parse_day("2026-12-05", now()), d(2026, 12, 5));
        assert_eq!(parse_day("6.12.2026", now()), None, "tomorrow");
        assert_eq!(parse_day("1.1.2025", now()), None, "too long ago");
        assert_eq!(parse_day("31.2.", now()), None);
        assert_eq!(parse_day("eilen", now()), None);
        assert_eq!(
            day(now(), 1),
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default()
        );
    }
}
