//! Children grow: a registration keeps each child's birth year and, where known, month — never
//! an age, which would be wrong a year later. Ages are computed for the day they are shown, in
//! Helsinki ([`Child::age`]); whether a child fits a group is decided for the group's expected
//! start ([`Horizon`]), so a six-year-old turning seven before a group could start is not
//! counted in a group for four- to six-year-olds.
//!
//! A child given as an age (the buttons) has no month. Born "in that year", the child is taken
//! to be born in its January: the oldest the year allows. So the age shown on the day of
//! registration is the age the parent gave, and the child ages out of a group at the earliest
//! the year allows (the worst case: never counted in a group they are already too old for).
//! A known month is counted from its first day, for the same reason.

use super::registration::AgeRange;
use super::{Outgoing, Registration, Status};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Europe::Helsinki;
use serde::{Deserialize, Serialize};

/// The oldest age a child can be registered with (the age buttons go up to it).
pub const MAX_AGE: u8 = 17;

/// One child of a registration, as the birth year and, where the parent told it, the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Child {
    /// The year the child was born.
    pub year: u16,
    /// The month (1–12) the child was born, when the parent typed a birth date; `None` when
    /// they gave an age (then the child counts as born in January: see the module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
}

/// The day in Helsinki at `now`: ages change at Finnish midnight.
#[must_use]
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Helsinki).date_naive()
}

impl Child {
    /// A child who is `age` on `day`, as a parent says with the age buttons: born in the year
    /// `age` years before, month unknown.
    #[must_use]
    pub fn of_age(age: u8, day: NaiveDate) -> Child {
        let year = u16::try_from(day.year()).unwrap_or(0);
        Child {
            year: year.saturating_sub(u16::from(age)),
            month: None,
        }
    }

    /// The child's age on `day`: whole years since the first day of the birth month (January
    /// when the month is not known). 0 before birth.
    #[must_use]
    pub fn age_on(self, day: NaiveDate) -> u8 {
        let month = u32::from(self.month.unwrap_or(1));
        let mut years = day.year() - i32::from(self.year);
        if day.month() < month {
            years -= 1;
        }
        u8::try_from(years.max(0)).unwrap_or(u8::MAX)
    }

    /// The child's age today (in Helsinki).
    #[must_use]
    pub fn age(self, now: DateTime<Utc>) -> u8 {
        self.age_on(today(now))
    }
}

/// The children's ages today, in their order.
#[must_use]
pub fn ages_of(children: &[Child], now: DateTime<Utc>) -> Vec<u8> {
    children.iter().map(|c| c.age(now)).collect()
}

/// A child as the parent gave them: an age with the buttons, or a typed birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// An age in years, today.
    Age(u8),
    /// A birth year and, where typed, month.
    Born(Child),
}

impl Given {
    /// The child, for an age given on `day`.
    #[must_use]
    pub fn child(self, day: NaiveDate) -> Child {
        match self {
            Given::Age(a) => Child::of_age(a, day),
            Given::Born(c) => c,
        }
    }
}

/// How far ahead a group's start is expected: a child fits a group if they are of its ages on
/// the day a group gathered now could start (`[families] start_horizon_months`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// Months from now to a group's expected start.
    pub months: u32,
}

impl Default for Horizon {
    fn default() -> Self {
        Horizon { months: 3 }
    }
}

impl Horizon {
    /// The day a group gathered at `now` is expected to start.
    #[must_use]
    pub fn start(self, now: DateTime<Utc>) -> NaiveDate {
        let day = today(now);
        day.checked_add_months(Months::new(self.months))
            .unwrap_or(day)
    }

    /// The child's age on the expected start.
    #[must_use]
    pub fn age_at_start(self, child: Child, now: DateTime<Utc>) -> u8 {
        child.age_on(self.start(now))
    }

    /// Whether a group for children of `ages` can take the child: they are of its ages at the
    /// expected start. A group for adults takes no children.
    #[must_use]
    pub fn fits(self, ages: Option<AgeRange>, child: Child, now: DateTime<Utc>) -> bool {
        ages.is_some_and(|r| r.contains(self.age_at_start(child, now)))
    }

    /// Whether the child has grown too old for a group of `ages` by its expected start: the
    /// daily job takes such a child out of the group's count.
    #[must_use]
    pub fn aged_out(self, ages: Option<AgeRange>, child: Child, now: DateTime<Utc>) -> bool {
        ages.is_some_and(|r| self.age_at_start(child, now) > r.max)
    }
}

/// What the daily job does with a registration whose children may have grown out of its group
/// (of `ages`): the children who aged out ([`Horizon::aged_out`]) leave it — the registration
/// itself when no child is left (`None`) — and the parent is told once, with the children who
/// left ([`Outgoing::AgedOut`]). Only registrations still waiting for a group (or paused) are
/// looked at: one invited or accepted is answering for a group that is starting. A family added
/// by hand by a coordinator whose every child grew out is not ended but paused as grown out
/// ([`super::Pause::AgedOut`]): the notice goes to the coordinator through the registration
/// (its label, the family's answers for the group that fits now), and it is not looked at
/// again. `None` when nothing changes.
#[must_use]
pub fn grow(
    r: &Registration,
    ages: Option<AgeRange>,
    horizon: Horizon,
    now: DateTime<Utc>,
) -> Option<(Option<Registration>, Outgoing)> {
    if !matches!(r.status, Status::Waiting | Status::Paused { .. }) || r.grown_out() {
        return None;
    }
    let (out, kept): (Vec<Child>, Vec<Child>) = r
        .children
        .iter()
        .partition(|c| horizon.aged_out(ages, **c, now));
    if out.is_empty() {
        return None;
    }
    let message = Outgoing::AgedOut {
        group: r.group.clone(),
        children: out,
        kept: !kept.is_empty(),
    };
    let rest = if !kept.is_empty() {
        Some(Registration {
            children: kept,
            ..r.clone()
        })
    } else if r.user.is_added() {
        Some(Registration {
            status: Status::Paused {
                why: super::Pause::AgedOut,
            },
            ..r.clone()
        })
    } else {
        None
    };
    Some((rest, message))
}

/// Why a typed birth date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthError {
    /// A date after today.
    Future,
    /// A child older than [`MAX_AGE`] (or a year no child was born in).
    TooOld,
}

/// Month names: the Finnish stem (matched as the start of a word: "maaliskuussa",
/// "maaliskuuta") and the Swedish and English names (a word of three letters or more that
/// starts one of them: "mar", "sept", "mars", "March").
const MONTHS: [(&str, [&str; 2]); 12] = [
    ("tammi", ["januari", "january"]),
    ("helmi", ["februari", "february"]),
    ("maalis", ["mars", "march"]),
    ("huhti", ["april", "april"]),
    ("touko", ["maj", "may"]),
    ("kesä", ["juni", "june"]),
    ("heinä", ["juli", "july"]),
    ("elo", ["augusti", "august"]),
    ("syys", ["september", "september"]),
    ("loka", ["oktober", "october"]),
    ("marras", ["november", "november"]),
    ("joulu", ["december", "december"]),
];

/// Words that may stand around a birth date ("syntynyt 3/2021", "född i mars 2021").
const FILLER: [&str; 12] = [
    "syntynyt", "syntyi", "synt", "s", "vuonna", "född", "f", "i", "år", "born", "in", "on",
];

fn month_word(w: &str) -> Option<u8> {
    let w = w.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|(fi, names)| {
            w.starts_with(fi) || (w.chars().count() >= 3 && names.iter().any(|n| n.starts_with(w)))
        })
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// A two- or four-digit year: `21` is 2021 (a child's birth year is never in the last century
/// for a two-digit answer).
fn year_of(s: &str) -> Option<u16> {
    match s.len() {
        4 => s.parse().ok(),
        2 => s.parse::<u16>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

fn number(s: &str) -> Option<u16> {
    (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Reads a typed birth date: `3/2021`, `03/2021`, `3.2021`, `2021-03`, `15.3.2021`,
/// `maaliskuu 2021`, `mars 2021`, `March 2021`, or a year alone (`2021`, month unknown). A day,
/// when given, is checked and then not kept. `None` when the text is not a birth date at all;
/// an error when it is one no child of a group can have (after today, or older than
/// [`MAX_AGE`]).
#[must_use]
pub fn parse_birth(t: &str, today: NaiveDate) -> Option<Result<Child, BirthError>> {
    let t = t.trim().to_lowercase();
    let mut month: Option<u8> = None;
    let mut numbers: Vec<&str> = Vec::new();
    for word in t.split(|c: char| c.is_whitespace() || matches!(c, '/' | '.' | '-' | ',')) {
        if word.is_empty() || FILLER.contains(&word) {
            continue;
        }
        if word.chars().all(|c| c.is_ascii_digit()) {
            numbers.push(word);
        } else if let (None, Some(m)) = (month, month_word(word)) {
            month = Some(m);
        } else {
            return None;
        }
    }
    let (year, month, day) = match (month, numbers.as_slice()) {
        // "maaliskuu 2021", "15. maaliskuuta 2021"
        (Some(m), [y]) => (year_of(y)?, Some(m), None),
        (Some(m), [d, y]) => (year_of(y)?, Some(m), Some(number(d)?)),
        (Some(_), _) => return None,
        // "2021"
        (None, [y]) if y.len() == 4 => (year_of(y)?, None, None),
        // "2021-03", "2021-03-15"
        (None, [y, m]) if y.len() == 4 => (year_of(y)?, Some(month_number(m)?), None),
        (None, [y, m, d]) if y.len() == 4 => {
            (year_of(y)?, Some(month_number(m)?), Some(number(d)?))
        }
        // "3/2021", "03/21", "15.3.2021"
        (None, [m, y]) => (year_of(y)?, Some(month_number(m)?), None),
        (None, [d, m, y]) => (year_of(y)?, Some(month_number(m)?), Some(number(d)?)),
        (None, _) => return None,
    };
    if let (Some(m), Some(d)) = (month, day) {
        NaiveDate::from_ymd_opt(i32::from(year), u32::from(m), u32::from(d))?;
    }
    let child = Child { year, month };
    let born = (i32::from(year), u32::from(month.unwrap_or(1)));
    if born > (today.year(), today.month())
        || day.is_some_and(|d| born == (today.year(), today.month()) && u32::from(d) > today.day())
    {
        return Some(Err(BirthError::Future));
    }
    // A year alone counts from its January: one that could still be a child's is kept.
    if child.age_on(today) > MAX_AGE {
        return Some(Err(BirthError::TooOld));
    }
    Some(Ok(child))
}

fn month_number(s: &str) -> Option<u8> {
    (s.len() <= 2)
        .then(|| s.parse::<u8>().ok())
        .flatten()
        .filter(|m| (1..=12).contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 12, 5);

    fn born(year: u16, month: Option<u8>) -> Child {
        Child { year, month }
    }

    #[test]
    fn birth_dates_typed_in_every_usual_way() {
        for (t, c) in [
            ("3/2021", born(2021, Some(3))),
            ("03/2021", born(2021, Some(3))),
            (" 3.2021 ", born(2021, Some(3))),
            ("3-2021", born(2021, Some(3))),
            ("03/21", born(2021, Some(3))),
            ("2021-03", born(2021, Some(3))),
            ("2021-03-15", born(2021, Some(3))),
            ("15.3.2021", born(2021, Some(3))),
            ("maaliskuu 2021", born(2021, Some(3))),
            ("Maaliskuussa 2021", born(2021, Some(3))),
            ("15. maaliskuuta 2021", born(2021, Some(3))),
            ("syntynyt maaliskuussa 2021", born(2021, Some(3))),
            ("mars 2021", born(2021, Some(3))),
            ("född i mars 2021", born(2021, Some(3))),
            ("March 2021", born(2021, Some(3))),
            ("Mar 2021", born(2021, Some(3))),
            ("march, 2021", born(2021, Some(3))),
            ("syyskuu 2020", born(2020, Some(9))),
            ("sept 2020", born(2020, Some(9))),
            ("joulukuu 2019", born(2019, Some(12))),
            ("kesäkuu 2022", born(2022, Some(6))),
            ("2021", born(2021, None)),
            ("12/2026", born(2026, Some(12))),
        ] {
            assert_eq!(parse_birth(t, TODAY()), Some(Ok(c)), "{t:?}");
        }
    }

    #[test]
    fn nonsense_is_not_a_birth_date_and_impossible_ones_say_why() {
        for t in [
            "",
            "hello",
            "5",
            "13/2021",
            "0/2021",
            "3/20211",
            "31.2.2021",
            "maaliskuu",
            "3/4/5/2021",
            "maaliskuu huhtikuu 2021",
            "mars x 2021",
            "5 ja 6",
            "2021 2022",
            "marsu 2021",
        ] {
            assert_eq!(parse_birth(t, TODAY()), None, "{t:?}");
        }
        for t in ["1/2027", "2030", "tammikuu 2027", "31.12.2026"] {
            assert_eq!(
                parse_birth(t, TODAY()),
                Some(Err(BirthError::Future)),
                "{t:?}"
            );
        }
        for t in ["3/2001", "1990", "11/2008", "2008"] {
            assert_eq!(
                parse_birth(t, TODAY()),
                Some(Err(BirthError::TooOld)),
                "{t:?}"
            );
        }
        assert_eq!(
            parse_birth("1/2009", TODAY()),
            Some(Ok(born(2009, Some(1))))
        );
        assert_eq!(
            parse_birth("12/2008", TODAY()),
            Some(Err(BirthError::TooOld))
        );
    }

    #[test]
    fn an_age_is_counted_from_the_first_of_the_birth_month_or_from_january() {
        let c = born(2020, Some(6));
        assert_eq!(c.age_on(day(2026, 5, 31)), 5);
        assert_eq!(c.age_on(day(2026, 6, 1)), 6);
        assert_eq!(c.age_on(day(2019, 1, 1)), 0, "not born yet");
        let y = born(2020, None);
        assert_eq!(y.age_on(day(2026, 12, 31)), 6);
        assert_eq!(
            y.age_on(day(2027, 1, 1)),
            7,
            "the worst case: born in January"
        );
    }

    #[test]
    fn an_age_given_with_the_buttons_reads_back_the_same_that_day() {
        for age in 0..=MAX_AGE {
            for d in [day(2026, 1, 1), day(2026, 7, 15), day(2026, 12, 31)] {
                assert_eq!(Child::of_age(age, d).age_on(d), age);
            }
        }
    }

    #[test]
    fn today_is_the_day_in_helsinki() {
        // 22:30 UTC on 31 December is already New Year in Helsinki.
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 22, 30, 0).unwrap();
        assert_eq!(today(now), day(2027, 1, 1));
        assert_eq!(born(2020, None).age(now), 7);
    }

    #[test]
    fn a_six_year_old_who_turns_seven_before_the_start_does_not_fit_a_group_for_four_to_six() {
        let small = Some(AgeRange { min: 4, max: 6 });
        let school = Some(AgeRange { min: 7, max: 12 });
        let h = Horizon::default();
        let now = Utc.with_ymd_and_hms(2026, 10, 5, 10, 0, 0).unwrap();
        // Born in December 2019: six now, seven in December, before a January start.
        let c = born(2019, Some(12));
        assert_eq!(c.age(now), 6);
        assert!(!h.fits(small, c, now));
        assert!(h.aged_out(small, c, now));
        assert!(h.fits(school, c, now));
        // Born in March 2020: six until March, so a January start still fits.
        let c = born(2020, Some(3));
        assert!(h.fits(small, c, now));
        assert!(!h.aged_out(small, c, now));
        // A three-year-old who is four by the start fits already.
        assert!(h.fits(small, born(2022, Some(11)), now));
        assert!(
            !h.fits(None, c, now),
            "a group for adults takes no children"
        );
        // Without a horizon, only today counts.
        assert!(Horizon { months: 0 }.fits(small, born(2019, Some(12)), now));
    }

    fn reg(children: Vec<Child>, status: Status) -> Registration {
        let at = Utc.with_ymd_and_hms(2026, 1, 10, 9, 0, 0).unwrap();
        Registration {
            user: super::super::UserId(7),
            group: super::super::GroupId::parse("tilli-toukka").unwrap(),
            children,
            area: super::super::AreaId::parse("hyvinkaa").unwrap(),
            lang: super::super::Lang::Fi,
            times: Vec::new(),
            contact: None,
            source: None,
            created_at: at,
            updated_at: at,
            status,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        }
    }

    #[test]
    fn a_child_who_aged_out_leaves_the_registration_and_the_last_one_takes_it_along() {
        let small = Some(AgeRange { min: 4, max: 6 });
        let h = Horizon::default();
        let now = Utc.with_ymd_and_hms(2027, 1, 10, 9, 0, 0).unwrap();
        let (six, four) = (born(2020, None), born(2022, Some(5)));
        assert_eq!(six.age(now), 7, "registered at six a year ago");
        let r = reg(vec![six, four], Status::Waiting);
        let (rest, message) = grow(&r, small, h, now).expect("grown");
        assert_eq!(rest.map(|r| r.children), Some(vec![four]));
        assert_eq!(
            message,
            Outgoing::AgedOut {
                group: r.group.clone(),
                children: vec![six],
                kept: true,
            }
        );
        let alone = reg(
            vec![six],
            Status::Paused {
                why: super::super::Pause::Unrenewed,
            },
        );
        let (rest, message) = grow(&alone, small, h, now).expect("grown");
        assert_eq!(rest, None);
        assert!(matches!(message, Outgoing::AgedOut { kept: false, .. }));
        // Nothing for a child still of age, an invited family, or a group for adults.
        assert_eq!(grow(&reg(vec![four], Status::Waiting), small, h, now), None);
        assert_eq!(
            grow(
                &reg(vec![six], Status::Invited { launch: 1 }),
                small,
                h,
                now
            ),
            None
        );
        assert_eq!(grow(&reg(vec![], Status::Waiting), None, h, now), None);
    }

    #[test]
    fn a_family_added_by_hand_whose_every_child_grew_out_waits_for_its_coordinator_once() {
        let small = Some(AgeRange { min: 4, max: 6 });
        let h = Horizon::default();
        let now = Utc.with_ymd_and_hms(2027, 1, 10, 9, 0, 0).unwrap();
        let six = born(2020, None);
        let added = Registration {
            user: super::super::UserId::added(3),
            ..reg(vec![six], Status::Waiting)
        };
        let (rest, message) = grow(&added, small, h, now).expect("grown");
        let rest = rest.expect("kept for the coordinator");
        assert_eq!(
            rest.status,
            Status::Paused {
                why: super::super::Pause::AgedOut
            }
        );
        assert_eq!(rest.children, vec![six], "the children as they were");
        assert!(matches!(message, Outgoing::AgedOut { kept: false, .. }));
        assert_eq!(rest.renew(now), None, "not to be taken up again");
        assert_eq!(grow(&rest, small, h, now), None, "told once");
    }

    proptest! {
        #[test]
        fn a_typed_month_and_year_reads_back_and_ages_never_go_back(
            year in 2009u16..=2026, month in 1u8..=12, days in 0u32..4000, sep in 0usize..4,
        ) {
            let today = TODAY();
            let text = format!("{month}{}{year}", ["/", ".", "-", " / "][sep]);
            let parsed = parse_birth(&text, today);
            let c = born(year, Some(month));
            if (i32::from(year), u32::from(month)) > (today.year(), today.month()) {
                prop_assert_eq!(parsed, Some(Err(BirthError::Future)));
            } else if c.age_on(today) > MAX_AGE {
                prop_assert_eq!(parsed, Some(Err(BirthError::TooOld)));
            } else {
                prop_assert_eq!(parsed, Some(Ok(c)));
            }
            let later = today + chrono::Duration::days(i64::from(days));
            prop_assert!(c.age_on(later) >= c.age_on(today));
            prop_assert!(c.age_on(later) - c.age_on(today) <= u8::try_from(days / 365 + 1).unwrap());
        }
    }
}
