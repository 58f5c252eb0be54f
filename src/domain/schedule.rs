//! When event reminders go out.
//!
//! A parent who signs up for a meeting gets reminders before it: by default one the day before
//! ([`Offset::Days`]`(1)`) and one two hours before ([`Offset::Minutes`]`(120)`), see
//! [`DEFAULT_OFFSETS`]. Events live in Helsinki wall-clock time (`Europe/Helsinki`, EET/EEST) and
//! are stored as UTC; this module turns an event start and a list of offsets into the UTC instants
//! at which the reminders should be sent.
//!
//! Two steps:
//! 1. [`nominal`]: the moment the offset names. A [`Offset::Days`] offset keeps the local clock
//!    time on the local calendar (the day before a Sunday 17:00 meeting is Saturday 17:00, even
//!    when the clocks change in between); a [`Offset::Minutes`] offset keeps the absolute gap.
//!    A local time that does not exist on the target day (the hour skipped when summer time
//!    begins) moves forward to the first existing minute; one that happens twice (the hour
//!    repeated when summer time ends) takes the earlier instant.
//! 2. [`due`]: the moment it actually goes out, after the quiet-hours rule:
//!
//! > A reminder whose nominal time falls inside quiet hours goes out when the quiet hours end, if
//! > that is still at least `MARGIN` (one hour) before the event starts; otherwise it goes out
//! > just before the quiet hours began (one minute before their start, on the evening before the
//! > nominal time). A reminder is never sent at or after the event's start: then it is dropped.
//! > A nominal time outside quiet hours is kept as is (if it is before the start).
//!
//! "At least" is inclusive: quiet hours ending exactly one hour before the start still count.
//! Quiet hours are Helsinki wall-clock times, by default 21:00–08:00; they include their start
//! minute and exclude their end minute (a reminder at 08:00 sharp is not held back).
//!
//! [`reminder_times`] does both steps for a whole list of offsets and also drops reminders that
//! are already past when the person signs up (they have just seen the event) and duplicates.
//!
//! Everything is pure: the current time is always a parameter.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The time zone events, reminders and quiet hours are read in: the groups meet in Hyvinkää.
const TZ: Tz = chrono_tz::Europe::Helsinki;

/// How long before the start a reminder still counts as "well before the event": a reminder held
/// back by quiet hours goes out when they end only if that leaves at least this much time.
pub const MARGIN: Duration = Duration::hours(1);

/// The reminders a person gets unless configured otherwise: the day before at the same clock
/// time, and two hours before.
pub const DEFAULT_OFFSETS: [Offset; 2] = [Offset::Days(1), Offset::Minutes(120)];

/// The longest offset [`Offset::parse`] accepts (366 days, in minutes): anything longer is
/// surely a typo, and meetings are set at most two years ahead anyway.
const MAX_OFFSET_MINUTES: u64 = 366 * 24 * 60;

/// The longest spring-forward gap searched for the first existing minute; real ones are an hour.
const MAX_GAP_MINUTES: i64 = 24 * 60;

/// 21:00, the default start of quiet hours (checked when compiling).
const DEFAULT_QUIET_START: NaiveTime = match NaiveTime::from_hms_opt(21, 0, 0) {
    Some(t) => t,
    None => panic!("21:00 is a valid time"),
};

/// 08:00, the default end of quiet hours (checked when compiling).
const DEFAULT_QUIET_END: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("08:00 is a valid time"),
};

/// Why a reminder offset or quiet-hours setting was not accepted, so the configuration loader can
/// say what to fix. The messages name neither the input nor examples: callers add both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The text is not a whole number followed by `d`, `h` or `m` (such as `1d`, `2h`, `90m`).
    #[error("not a reminder offset: expected a whole number followed by d, h or m")]
    BadOffset,
    /// The offset is zero: a reminder at the start of the event is never sent.
    #[error("a reminder offset must be more than zero")]
    ZeroOffset,
    /// The offset is longer than 366 days.
    #[error("a reminder offset can be at most 366 days")]
    OffsetTooLarge,
    /// The text is not quiet hours such as `21:00-08:00`, `21-8` or `none`.
    #[error("not quiet hours: expected start-end as hours or hours:minutes, or none")]
    BadQuietHours,
}

/// How long before an event a reminder is meant to go out, as configured (`1d`, `2h`, `30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// The same local clock time this many calendar days before (so "the day before" stays at
    /// the meeting's clock time across a daylight-saving change).
    Days(u32),
    /// This absolute duration, in minutes, before the start (`2h` is `Minutes(120)`).
    Minutes(u32),
}

impl Offset {
    /// Reads an offset as written in the configuration: a whole number and a unit, `d` (days),
    /// `h` (hours) or `m` (minutes), e.g. `1d`, `2h`, `30m`, `90m`. Case and surrounding
    /// whitespace are ignored; hours become [`Offset::Minutes`].
    ///
    /// # Errors
    /// [`ScheduleError::BadOffset`] if the text is not of that form,
    /// [`ScheduleError::ZeroOffset`] for a zero offset, [`ScheduleError::OffsetTooLarge`] for
    /// more than 366 days.
    pub fn parse(s: &str) -> Result<Offset, ScheduleError> {
        let bad = || ScheduleError::BadOffset;
        let text = s.trim();
        let unit = text.chars().last().ok_or_else(bad)?;
        let digits = &text[..text.len() - unit.len_utf8()];
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u64 = digits.parse().map_err(|_| bad())?;
        let minutes_per_unit: u64 = match unit.to_ascii_lowercase() {
            'd' => 24 * 60,
            'h' => 60,
            'm' => 1,
            _ => return Err(bad()),
        };
        if n == 0 {
            return Err(ScheduleError::ZeroOffset);
        }
        let total = n * minutes_per_unit;
        if total > MAX_OFFSET_MINUTES {
            return Err(ScheduleError::OffsetTooLarge);
        }
        // Both fit in u32: total ≤ 527 040.
        let n = u32::try_from(n).map_err(|_| ScheduleError::OffsetTooLarge)?;
        let total = u32::try_from(total).map_err(|_| ScheduleError::OffsetTooLarge)?;
        Ok(if minutes_per_unit == 24 * 60 {
            Offset::Days(n)
        } else {
            Offset::Minutes(total)
        })
    }
}

/// Writes the offset the way [`Offset::parse`] reads it: `1d`, `2h` for whole hours, `90m`.
impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Offset::Days(n) => write!(f, "{n}d"),
            Offset::Minutes(m) if m != 0 && m % 60 == 0 => write!(f, "{}h", m / 60),
            Offset::Minutes(m) => write!(f, "{m}m"),
        }
    }
}

/// Lets offsets be read with `str::parse`, e.g. by the configuration loader.
impl FromStr for Offset {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Offset::parse(s)
    }
}

/// The Helsinki wall-clock hours in which no reminder is sent, so nobody's phone buzzes at night.
///
/// The window includes `start` and excludes `end`. It wraps midnight when `start > end` (the
/// default, 21:00–08:00); `start == end` means no quiet hours at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuietHours {
    /// The first quiet minute, local time.
    pub start: NaiveTime,
    /// The first minute that is no longer quiet, local time.
    pub end: NaiveTime,
}

/// 21:00–08:00: evenings after the children's bedtime and the night.
impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            start: DEFAULT_QUIET_START,
            end: DEFAULT_QUIET_END,
        }
    }
}

impl QuietHours {
    /// No quiet hours: every reminder goes out at its nominal time.
    pub const NONE: QuietHours = QuietHours {
        start: NaiveTime::MIN,
        end: NaiveTime::MIN,
    };

    /// Whether there are no quiet hours at all (`start == end`).
    pub fn is_none(&self) -> bool {
        self.start == self.end
    }

    /// Reads quiet hours as written in the configuration: `21:00-08:00`, `21-8`, `21.30-7.45`
    /// (a dash or en dash between, minutes optional, `:` or `.` before them) or `none`. Case and
    /// whitespace around the parts are ignored. Equal start and end also mean none.
    ///
    /// # Errors
    /// [`ScheduleError::BadQuietHours`] for anything else, including hours over 23 and minutes
    /// over 59.
    pub fn parse(s: &str) -> Result<QuietHours, ScheduleError> {
        let bad = || ScheduleError::BadQuietHours;
        let text = s.trim();
        if text.eq_ignore_ascii_case("none") {
            return Ok(QuietHours::NONE);
        }
        let (start, end) = text.split_once(['-', '–']).ok_or_else(bad)?;
        let start = parse_clock(start.trim()).ok_or_else(bad)?;
        let end = parse_clock(end.trim()).ok_or_else(bad)?;
        Ok(QuietHours { start, end })
    }

    /// Whether the instant `t` falls inside quiet hours, read on the Helsinki wall clock.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&TZ).time();
        if self.start < self.end {
            self.start <= local && local < self.end
        } else if self.start > self.end {
            local >= self.start || local < self.end
        } else {
            false
        }
    }

    /// The first instant at or after `t` outside quiet hours: `t` itself when it is not quiet,
    /// else the exact end of the quiet period around it (08:00 sharp for the default hours).
    #[must_use]
    pub fn daytime(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.window_around(t).map_or(t, |(_, ends)| ends)
    }

    /// The quiet period that contains `t`, as (the instant it began, the instant it ends), or
    /// `None` when `t` is not in quiet hours.
    fn window_around(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.contains(t) {
            return None;
        }
        let local = t.with_timezone(&TZ).naive_local();
        let date = local.date();
        let (start_date, end_date) = if self.start < self.end {
            (date, date)
        } else if local.time() >= self.start {
            (date, date.succ_opt()?)
        } else {
            (date.pred_opt()?, date)
        };
        let began = resolve(start_date.and_time(self.start))?;
        let ends = resolve_after(end_date.and_time(self.end), t)?;
        Some((began, ends))
    }
}

/// Writes quiet hours the way [`QuietHours::parse`] reads them: `21:00-08:00` or `none`.
impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return f.write_str("none");
        }
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start.hour(),
            self.start.minute(),
            self.end.hour(),
            self.end.minute()
        )
    }
}

/// Lets quiet hours be read with `str::parse`, e.g. by the configuration loader.
impl FromStr for QuietHours {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        QuietHours::parse(s)
    }
}

/// The moment `offset` names before `event_start`, before quiet hours are applied, so callers
/// (and [`reminder_times`]) can reason about "the day before" and "two hours before" directly.
///
/// [`Offset::Days`] goes back that many days on the Helsinki calendar and keeps the local clock
/// time: for a Sunday 2027-03-28 17:00 EEST meeting, one day before is Saturday 2027-03-27
/// 17:00 EET (15:00 UTC), 23 hours earlier because the clocks change in between. A local time
/// that does not exist on that day (the spring gap) moves forward to the first existing minute;
/// one that happens twice takes the earlier instant. [`Offset::Minutes`] is an absolute duration.
///
/// `None` only when the result is outside the range chrono can represent.
pub fn nominal(event_start: DateTime<Utc>, offset: Offset) -> Option<DateTime<Utc>> {
    match offset {
        Offset::Minutes(m) => event_start.checked_sub_signed(Duration::minutes(i64::from(m))),
        Offset::Days(n) => {
            let local = event_start.with_timezone(&TZ).naive_local();
            let day = local
                .date()
                .checked_sub_days(chrono::Days::new(u64::from(n)))?;
            resolve(day.and_time(local.time()))
        }
    }
}

/// When a reminder with the given nominal time actually goes out, after the quiet-hours rule in
/// the module docs; `None` when it would not be before `event_start` and is therefore dropped.
///
/// Kept separate from [`nominal`] so the rule can be tested and explained on its own.
pub fn due(
    nominal: DateTime<Utc>,
    event_start: DateTime<Utc>,
    quiet: &QuietHours,
) -> Option<DateTime<Utc>> {
    if nominal >= event_start {
        return None;
    }
    let at = match quiet.window_around(nominal) {
        None => nominal,
        Some((_, ends)) if event_start.signed_duration_since(ends) >= MARGIN => ends,
        Some((began, _)) => began.checked_sub_signed(Duration::minutes(1))?,
    };
    (at < event_start).then_some(at)
}

/// The reminders to schedule when a person signs up at `now` for an event starting at
/// `event_start`, as (index into `offsets`, when it goes out), sorted by time.
///
/// Each offset goes through [`nominal`] and [`due`]. Reminders due at or before `now` are dropped
/// (the person has just seen the event), as are those at or after the start. When two offsets
/// land in the same minute only the one listed first is kept, so nobody gets the same reminder
/// twice.
pub fn reminder_times(
    event_start: DateTime<Utc>,
    offsets: &[Offset],
    quiet: &QuietHours,
    now: DateTime<Utc>,
) -> Vec<(usize, DateTime<Utc>)> {
    let mut out: Vec<(usize, DateTime<Utc>)> = Vec::with_capacity(offsets.len());
    for (index, &offset) in offsets.iter().enumerate() {
        let Some(at) = nominal(event_start, offset).and_then(|n| due(n, event_start, quiet)) else {
            continue;
        };
        if at <= now || at >= event_start {
            continue;
        }
        if out.iter().any(|&(_, seen)| same_minute(seen, at)) {
            continue;
        }
        out.push((index, at));
    }
    out.sort_by_key(|&(index, at)| (at, index));
    out
}

/// Whether two instants fall in the same UTC minute (and so would arrive as one reminder).
fn same_minute(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    a.timestamp().div_euclid(60) == b.timestamp().div_euclid(60)
}

/// The earliest instant at which Helsinki clocks show `local`; if they skip it (spring gap), the
/// first existing minute after it.
fn resolve(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(t) = TZ.from_local_datetime(&local).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    let minute = local.with_second(0)?.with_nanosecond(0)?;
    (1..=MAX_GAP_MINUTES).find_map(|k| {
        let candidate = minute.checked_add_signed(Duration::minutes(k))?;
        TZ.from_local_datetime(&candidate)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// Like [`resolve`], but when Helsinki clocks show `local` twice, the first of those instants
/// that is after `after` (the end of a quiet period must come after the moment inside it).
fn resolve_after(local: NaiveDateTime, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match TZ.from_local_datetime(&local) {
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            let (first, second) = if a <= b { (a, b) } else { (b, a) };
            Some(if first > after { first } else { second })
        }
        _ => resolve(local),
    }
}

/// Reads `21`, `8`, `21:00`, `08:00` or `7.45` as a wall-clock time.
fn parse_clock(s: &str) -> Option<NaiveTime> {
    let (hours, minutes) = match s.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None => (s, "00"),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if hours.is_empty() || hours.len() > 2 || !all_digits(hours) || !all_digits(minutes) {
        return None;
    }
    NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A UTC instant, minute precision.
    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn quiet(s: &str) -> QuietHours {
        QuietHours::parse(s).unwrap()
    }

    /// `nominal` then `due`, as `reminder_times` does for one offset.
    fn due_for(start: DateTime<Utc>, offset: Offset, q: &QuietHours) -> Option<DateTime<Utc>> {
        due(nominal(start, offset).unwrap(), start, q)
    }

    /// Long before any test event, so `now` filters nothing.
    fn long_ago() -> DateTime<Utc> {
        utc(2020, 1, 1, 0, 0)
    }

    // ---- Offset ----

    #[test]
    fn offset_parses_the_configured_forms() {
        assert_eq!(Offset::parse("1d"), Ok(Offset::Days(1)));
        assert_eq!(Offset::parse("2h"), Ok(Offset::Minutes(120)));
        assert_eq!(Offset::parse("30m"), Ok(Offset::Minutes(30)));
        assert_eq!(Offset::parse("90m"), Ok(Offset::Minutes(90)));
        assert_eq!(Offset::parse(" 7D "), Ok(Offset::Days(7)));
        assert_eq!(Offset::parse("03H"), Ok(Offset::Minutes(180)));
        assert_eq!(Offset::parse("366d"), Ok(Offset::Days(366)));
        assert_eq!(Offset::parse("8784h"), Ok(Offset::Minutes(527_040)));
        assert_eq!("2h".parse::<Offset>(), Ok(Offset::Minutes(120)));
    }

    #[test]
    fn offset_rejects_everything_else() {
        for s in [
            "",
            " ",
            "d",
            "h",
            "1",
            "12",
            "1x",
            "-1d",
            "+1d",
            "1.5h",
            "1 d",
            "1dd",
            "d1",
            "1ä",
            "ä",
            "1,5h",
            "2 h",
            "1d2h",
            "١d",
            "1234567890m",
        ] {
            assert!(
                matches!(Offset::parse(s), Err(ScheduleError::BadOffset)),
                "{s:?} should be BadOffset, got {:?}",
                Offset::parse(s)
            );
        }
        assert_eq!(Offset::parse("0d"), Err(ScheduleError::ZeroOffset));
        assert_eq!(Offset::parse("0m"), Err(ScheduleError::ZeroOffset));
        assert_eq!(Offset::parse("00h"), Err(ScheduleError::ZeroOffset));
        assert_eq!(Offset::parse("367d"), Err(ScheduleError::OffsetTooLarge));
        assert_eq!(Offset::parse("8785h"), Err(ScheduleError::OffsetTooLarge));
        assert_eq!(Offset::parse("527041m"), Err(ScheduleError::OffsetTooLarge));
        assert_eq!(
            Offset::parse("999999999d"),
            Err(ScheduleError::OffsetTooLarge)
        );
    }

    #[test]
    fn errors_read_well_after_the_config_loader_adds_the_input() {
        assert_eq!(
            Offset::parse(&"x".repeat(500)),
            Err(ScheduleError::BadOffset)
        );
        assert_eq!(
            Offset::parse("soon").unwrap_err().to_string(),
            "not a reminder offset: expected a whole number followed by d, h or m"
        );
        assert_eq!(
            QuietHours::parse("yöllä").unwrap_err().to_string(),
            "not quiet hours: expected start-end as hours or hours:minutes, or none"
        );
    }

    #[test]
    fn offset_displays_as_it_parses() {
        assert_eq!(Offset::Days(1).to_string(), "1d");
        assert_eq!(Offset::Minutes(120).to_string(), "2h");
        assert_eq!(Offset::Minutes(30).to_string(), "30m");
        assert_eq!(Offset::Minutes(90).to_string(), "90m");
        assert_eq!(Offset::Minutes(0).to_string(), "0m");
        for s in [
            "1d", "2h", "30m", "90m", "366d", "8784h", "1m", "59m", "61m",
        ] {
            let o = Offset::parse(s).unwrap();
            assert_eq!(o.to_string(), s);
            assert_eq!(Offset::parse(&o.to_string()), Ok(o));
        }
        assert_eq!(Offset::parse("120m").unwrap().to_string(), "2h");
    }

    // ---- QuietHours ----

    #[test]
    fn quiet_hours_parse_forms() {
        let default = QuietHours {
            start: hm(21, 0),
            end: hm(8, 0),
        };
        assert_eq!(QuietHours::default(), default);
        assert_eq!(quiet("21:00-08:00"), default);
        assert_eq!(quiet("21-8"), default);
        assert_eq!(quiet(" 21 - 08 "), default);
        assert_eq!(quiet("21.00–8.00"), default);
        assert_eq!(
            quiet("22:30-7:15"),
            QuietHours {
                start: hm(22, 30),
                end: hm(7, 15)
            }
        );
        assert_eq!(
            quiet("12:00-13:00"),
            QuietHours {
                start: hm(12, 0),
                end: hm(13, 0)
            }
        );
        assert_eq!(quiet("none"), QuietHours::NONE);
        assert_eq!(quiet("NONE"), QuietHours::NONE);
        assert!(quiet("none").is_none());
        assert!(quiet("8-8").is_none());
        assert!(!QuietHours::default().is_none());
        assert_eq!("21-8".parse::<QuietHours>(), Ok(default));
    }

    #[test]
    fn quiet_hours_reject_everything_else() {
        for s in [
            "",
            "21",
            "21-",
            "-8",
            "21:00",
            "24-8",
            "21-24",
            "25-8",
            "21:60-8",
            "21:0-8",
            "21:000-8",
            "021-8",
            "21:00-08:00-09:00",
            "abc",
            "nothing",
            "21–",
            "21h-8h",
            "21:00:00-08:00:00",
            "-1-8",
            "21 :00-8",
        ] {
            assert!(
                matches!(QuietHours::parse(s), Err(ScheduleError::BadQuietHours)),
                "{s:?} should be BadQuietHours, got {:?}",
                QuietHours::parse(s)
            );
        }
    }

    #[test]
    fn quiet_hours_display_as_they_parse() {
        assert_eq!(QuietHours::default().to_string(), "21:00-08:00");
        assert_eq!(QuietHours::NONE.to_string(), "none");
        assert_eq!(quiet("7.45-9").to_string(), "07:45-09:00");
        assert!(QuietHours::parse("7.5-9").is_err());
        for s in ["21:00-08:00", "12:00-13:00", "00:00-06:30", "none"] {
            assert_eq!(quiet(s).to_string(), s);
            assert_eq!(quiet(&quiet(s).to_string()), quiet(s));
        }
    }

    #[test]
    fn contains_reads_the_helsinki_wall_clock() {
        let q = QuietHours::default();
        // Winter, EET = UTC+2.
        assert!(!q.contains(utc(2027, 1, 15, 18, 59))); // 20:59
        assert!(q.contains(utc(2027, 1, 15, 19, 0))); // 21:00, start included
        assert!(q.contains(utc(2027, 1, 15, 22, 0))); // 00:00
        assert!(q.contains(utc(2027, 1, 16, 5, 59))); // 07:59
        assert!(!q.contains(utc(2027, 1, 16, 6, 0))); // 08:00, end excluded
        assert!(!q.contains(utc(2027, 1, 16, 10, 0))); // 12:00
                                                       // Summer, EEST = UTC+3.
        assert!(q.contains(utc(2027, 7, 1, 18, 0))); // 21:00
        assert!(!q.contains(utc(2027, 7, 1, 17, 59))); // 20:59
        assert!(!q.contains(utc(2027, 7, 2, 5, 0))); // 08:00
        assert!(q.contains(utc(2027, 7, 2, 4, 59))); // 07:59
    }

    #[test]
    fn contains_non_wrapping_and_none() {
        let lunch = quiet("12:00-13:00");
        assert!(!lunch.contains(utc(2027, 1, 15, 9, 59))); // 11:59
        assert!(lunch.contains(utc(2027, 1, 15, 10, 0))); // 12:00
        assert!(lunch.contains(utc(2027, 1, 15, 10, 59))); // 12:59
        assert!(!lunch.contains(utc(2027, 1, 15, 11, 0))); // 13:00
        assert!(!lunch.contains(utc(2027, 1, 15, 22, 0))); // 00:00
        for h in 0..24 {
            assert!(!QuietHours::NONE.contains(utc(2027, 1, 15, h, 30)));
        }
    }

    // ---- nominal ----

    #[test]
    fn default_offsets_for_an_evening_event() {
        // Thursday 2027-01-14 18:00 EET = 16:00 UTC.
        let start = utc(2027, 1, 14, 16, 0);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 1, 13, 16, 0))
        );
        assert_eq!(
            nominal(start, Offset::Minutes(120)),
            Some(utc(2027, 1, 14, 14, 0))
        );
        assert_eq!(
            reminder_times(
                start,
                &DEFAULT_OFFSETS,
                &QuietHours::default(),
                utc(2027, 1, 1, 12, 0)
            ),
            vec![(0, utc(2027, 1, 13, 16, 0)), (1, utc(2027, 1, 14, 14, 0))]
        );
    }

    #[test]
    fn october_dst_change_days_keep_the_clock_time() {
        // Summer time ends Sunday 2026-10-25 04:00 EEST → 03:00 EET (01:00 UTC).
        // Event Sunday 17:00 EET = 15:00 UTC; the day before is Saturday 17:00 EEST = 14:00 UTC:
        // 25 hours earlier.
        let start = utc(2026, 10, 25, 15, 0);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2026, 10, 24, 14, 0))
        );
        // Event Monday 17:00 EET = 15:00 UTC; the day before is Sunday 17:00 EET, 24 h earlier.
        let monday = utc(2026, 10, 26, 15, 0);
        assert_eq!(
            nominal(monday, Offset::Days(1)),
            Some(utc(2026, 10, 25, 15, 0))
        );
        // A week before the Monday meeting: Monday 2026-10-19 17:00 EEST = 14:00 UTC.
        assert_eq!(
            nominal(monday, Offset::Days(7)),
            Some(utc(2026, 10, 19, 14, 0))
        );
    }

    #[test]
    fn october_dst_change_minutes_keep_the_gap() {
        // Event Sunday 2026-10-25 17:00 EET = 15:00 UTC: two hours before is 13:00 UTC.
        let start = utc(2026, 10, 25, 15, 0);
        assert_eq!(
            nominal(start, Offset::Minutes(120)),
            Some(utc(2026, 10, 25, 13, 0))
        );
        // Across the change itself: event 04:30 EET (02:30 UTC); 2 h before is 00:30 UTC,
        // which the clocks show as 03:30 EEST: one wall-clock hour, two real ones.
        let early = utc(2026, 10, 25, 2, 30);
        assert_eq!(
            nominal(early, Offset::Minutes(120)),
            Some(utc(2026, 10, 25, 0, 30))
        );
        // 24 hours before a Monday 17:00 EET event is Sunday 17:00 EET too (same offset)...
        let monday = utc(2026, 10, 26, 15, 0);
        assert_eq!(
            nominal(monday, Offset::Minutes(24 * 60)),
            Some(utc(2026, 10, 25, 15, 0))
        );
        // ...but 24 hours before a Sunday 17:00 EET event is Saturday 18:00 EEST, not 17:00.
        assert_eq!(
            nominal(start, Offset::Minutes(24 * 60)),
            Some(utc(2026, 10, 24, 15, 0))
        );
    }

    #[test]
    fn october_ambiguous_local_time_takes_the_earlier() {
        // Event Monday 2026-10-26 03:30 EET (01:30 UTC). Sunday 03:30 happens twice: first
        // 03:30 EEST (00:30 UTC), then 03:30 EET (01:30 UTC). The earlier one wins.
        let start = utc(2026, 10, 26, 1, 30);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2026, 10, 25, 0, 30))
        );
    }

    #[test]
    fn march_dst_change_days_keep_the_clock_time() {
        // Summer time begins Sunday 2027-03-28 03:00 EET → 04:00 EEST (01:00 UTC).
        // Event Sunday 17:00 EEST = 14:00 UTC; the day before is Saturday 17:00 EET = 15:00 UTC:
        // only 23 hours earlier.
        let start = utc(2027, 3, 28, 14, 0);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 3, 27, 15, 0))
        );
        // Event Monday 17:00 EEST; the day before is Sunday 17:00 EEST, 24 h earlier.
        let monday = utc(2027, 3, 29, 14, 0);
        assert_eq!(
            nominal(monday, Offset::Days(1)),
            Some(utc(2027, 3, 28, 14, 0))
        );
    }

    #[test]
    fn march_dst_change_minutes_keep_the_gap() {
        let start = utc(2027, 3, 28, 14, 0); // Sunday 17:00 EEST
        assert_eq!(
            nominal(start, Offset::Minutes(120)),
            Some(utc(2027, 3, 28, 12, 0))
        );
        assert_eq!(
            nominal(start, Offset::Minutes(24 * 60)),
            Some(utc(2027, 3, 27, 14, 0)) // Saturday 16:00 EET
        );
        // Across the change itself: event 05:00 EEST (02:00 UTC); 2 h before is 00:00 UTC,
        // which the clocks show as 02:00 EET: three wall-clock hours, two real ones.
        let early = utc(2027, 3, 28, 2, 0);
        assert_eq!(
            nominal(early, Offset::Minutes(120)),
            Some(utc(2027, 3, 28, 0, 0))
        );
    }

    #[test]
    fn march_nonexistent_local_time_moves_to_the_first_existing_minute() {
        // Event Monday 2027-03-29 03:30 EEST (00:30 UTC). Sunday 03:30 does not exist; the
        // first minute that does is 04:00 EEST = 01:00 UTC.
        let start = utc(2027, 3, 29, 0, 30);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 3, 28, 1, 0))
        );
        // 03:00 sharp does not exist either.
        let start = utc(2027, 3, 29, 0, 0);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 3, 28, 1, 0))
        );
        // Seconds in the event time do not survive the jump: the first existing minute is 04:00.
        let start = Utc.with_ymd_and_hms(2027, 3, 29, 0, 59, 30).unwrap(); // 03:59:30 EEST
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 3, 28, 1, 0))
        );
        // 02:59 exists (EET) and 04:00 exists (EEST).
        let start = utc(2027, 3, 28, 23, 59); // Monday 02:59 EEST
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 3, 28, 0, 59))
        );
    }

    #[test]
    fn days_keep_seconds_and_handle_month_and_year_ends() {
        let start = Utc.with_ymd_and_hms(2027, 1, 1, 16, 0, 45).unwrap(); // 18:00:45 EET
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 45).unwrap())
        );
        // 2028 is a leap year.
        let start = utc(2028, 3, 1, 16, 0);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2028, 2, 29, 16, 0))
        );
        assert_eq!(
            nominal(start, Offset::Days(366)),
            Some(utc(2027, 3, 1, 16, 0))
        );
    }

    #[test]
    fn nominal_out_of_range_is_none() {
        let start = DateTime::<Utc>::MIN_UTC + Duration::days(2);
        assert_eq!(nominal(start, Offset::Days(u32::MAX)), None);
        assert_eq!(nominal(start, Offset::Minutes(u32::MAX)), None);
    }

    // ---- due: the quiet-hours rule ----

    #[test]
    fn outside_quiet_hours_the_nominal_time_is_kept() {
        let q = QuietHours::default();
        let start = utc(2027, 1, 15, 16, 0); // 18:00
        let n = utc(2027, 1, 15, 14, 0); // 16:00
        assert_eq!(due(n, start, &q), Some(n));
        // The quiet end itself (08:00) is not quiet.
        let start = utc(2027, 1, 15, 8, 0); // 10:00
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 6, 0))
        );
        // 20:59 is not quiet.
        let start = utc(2027, 1, 15, 20, 59); // 22:59
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 18, 59))
        );
    }

    #[test]
    fn quiet_end_exactly_margin_before_the_start_is_allowed() {
        let q = QuietHours::default();
        // Event 09:00 EET (07:00 UTC). 2 h before is 07:00, quiet; quiet hours end 08:00,
        // exactly MARGIN before the start: allowed (">=").
        let start = utc(2027, 1, 15, 7, 0);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 6, 0))
        );
        // Event 09:01: 61 minutes, allowed.
        let start = utc(2027, 1, 15, 7, 1);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 6, 0))
        );
    }

    #[test]
    fn quiet_end_less_than_margin_before_the_start_falls_back_to_the_evening_before() {
        let q = QuietHours::default();
        // Event 08:59 EET (06:59 UTC): nominal 06:59 is quiet, 08:00 is only 59 min before, so
        // the reminder goes out at 20:59 the evening before (18:59 UTC).
        let start = utc(2027, 1, 15, 6, 59);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 14, 18, 59))
        );
        // Event 08:30 EET (06:30 UTC): nominal 06:30, quiet; 08:00 is 30 min before → 20:59.
        let start = utc(2027, 1, 15, 6, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 14, 18, 59))
        );
        // Event 07:00 EET: quiet hours end after the start → 20:59 the evening before.
        let start = utc(2027, 1, 15, 5, 0);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 14, 18, 59))
        );
    }

    #[test]
    fn a_day_before_reminder_in_the_early_morning_moves_to_eight() {
        let q = QuietHours::default();
        // Event 06:30 EET (04:30 UTC) on the 15th. The day before, 06:30 on the 14th, is quiet;
        // quiet hours end 08:00 on the 14th (06:00 UTC), well before the event.
        let start = utc(2027, 1, 15, 4, 30);
        assert_eq!(
            nominal(start, Offset::Days(1)),
            Some(utc(2027, 1, 14, 4, 30))
        );
        assert_eq!(
            due_for(start, Offset::Days(1), &q),
            Some(utc(2027, 1, 14, 6, 0))
        );
    }

    #[test]
    fn late_evening_nominal_times() {
        let q = QuietHours::default();
        // Event 22:30 EET (20:30 UTC), 1 h before is 21:30, quiet; quiet hours end the next
        // morning, after the event → 20:59 the same evening (18:59 UTC).
        let start = utc(2027, 1, 15, 20, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(60), &q),
            Some(utc(2027, 1, 15, 18, 59))
        );
        // Event 10:00 EET the next morning, 12 h before is 22:00, quiet; 08:00 is two hours
        // before the event → 08:00.
        let start = utc(2027, 1, 16, 8, 0);
        assert_eq!(
            due_for(start, Offset::Minutes(12 * 60), &q),
            Some(utc(2027, 1, 16, 6, 0))
        );
        // Exactly 21:00 is quiet.
        let start = utc(2027, 1, 15, 21, 0); // 23:00
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 18, 59))
        );
    }

    #[test]
    fn quiet_hours_across_the_dst_changes() {
        let q = QuietHours::default();
        // Event Sunday 2026-10-25 08:30 EET (06:30 UTC); 2 h before is 04:30 UTC = 06:30 EET,
        // quiet; the fallback is Saturday 20:59 EEST = 17:59 UTC.
        let start = utc(2026, 10, 25, 6, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2026, 10, 24, 17, 59))
        );
        // Event Sunday 2027-03-28 10:00 EEST (07:00 UTC); 4 h before is 03:00 UTC = 06:00 EEST,
        // quiet; quiet hours end 08:00 EEST = 05:00 UTC, two hours before the event.
        let start = utc(2027, 3, 28, 7, 0);
        assert_eq!(
            due_for(start, Offset::Minutes(240), &q),
            Some(utc(2027, 3, 28, 5, 0))
        );
        // Event Sunday 2027-03-28 08:30 EEST; 2 h before, quiet; the fallback is Saturday 20:59
        // EET = 18:59 UTC.
        let start = utc(2027, 3, 28, 5, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 3, 27, 18, 59))
        );
    }

    #[test]
    fn no_quiet_hours_keeps_every_nominal_time() {
        let q = quiet("none");
        let start = utc(2027, 1, 15, 6, 30); // 08:30
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 4, 30)) // 06:30
        );
        let start = utc(2027, 1, 15, 1, 0); // 03:00
        assert_eq!(
            due_for(start, Offset::Days(1), &q),
            Some(utc(2027, 1, 14, 1, 0))
        );
    }

    #[test]
    fn non_wrapping_quiet_hours() {
        let q = quiet("12:00-13:00");
        // Event 14:30 EET (12:30 UTC), 2 h before is 12:30, quiet; 13:00 is 1.5 h before.
        let start = utc(2027, 1, 15, 12, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 11, 0))
        );
        // Event 14:00, nominal 12:00 (the start minute is quiet), 13:00 is exactly MARGIN.
        let start = utc(2027, 1, 15, 12, 0);
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 11, 0))
        );
        // Event 13:30, 1 h before is 12:30; 13:00 is only 30 min before → 11:59 the same day.
        let start = utc(2027, 1, 15, 11, 30);
        assert_eq!(
            due_for(start, Offset::Minutes(60), &q),
            Some(utc(2027, 1, 15, 9, 59))
        );
        // Outside: 11:59 and 13:00 are kept.
        let start = utc(2027, 1, 15, 11, 59); // 13:59
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 9, 59))
        );
        let start = utc(2027, 1, 15, 13, 0); // 15:00
        assert_eq!(
            due_for(start, Offset::Minutes(120), &q),
            Some(utc(2027, 1, 15, 11, 0))
        );
    }

    #[test]
    fn due_never_at_or_after_the_start() {
        let q = QuietHours::default();
        let start = utc(2027, 1, 15, 12, 0);
        assert_eq!(due(start, start, &q), None);
        assert_eq!(due(start + Duration::minutes(1), start, &q), None);
        assert_eq!(
            due(start - Duration::minutes(1), start, &q),
            Some(start - Duration::minutes(1))
        );
        assert_eq!(due_for(start, Offset::Minutes(0), &q), None);
        assert_eq!(due_for(start, Offset::Days(0), &QuietHours::NONE), None);
        // The event itself inside quiet hours: the fallback one minute before they began is
        // still before the start.
        let q = quiet("12:00-13:00");
        let start = utc(2027, 1, 15, 10, 30); // 12:30
        assert_eq!(
            due_for(start, Offset::Minutes(10), &q),
            Some(utc(2027, 1, 15, 9, 59))
        );
    }

    #[test]
    fn quiet_hours_ending_in_the_repeated_hour_end_after_the_nominal_time() {
        // Quiet 01:00–03:30 on the night summer time ends. A nominal time in the second 03:15
        // (EET, 01:15 UTC) is quiet; it ends at the second 03:30 (01:30 UTC), not the first.
        let q = quiet("01:00-03:30");
        let n = utc(2026, 10, 25, 1, 15);
        assert!(q.contains(n));
        let start = utc(2026, 10, 25, 6, 0);
        assert_eq!(due(n, start, &q), Some(utc(2026, 10, 25, 1, 30)));
        // In the first 03:15 (EEST, 00:15 UTC) it ends at the first 03:30 (00:30 UTC).
        let n = utc(2026, 10, 25, 0, 15);
        assert_eq!(due(n, start, &q), Some(utc(2026, 10, 25, 0, 30)));
    }

    #[test]
    fn quiet_hours_ending_in_the_spring_gap_end_at_the_first_existing_minute() {
        // Quiet 01:00–03:30 on the night summer time begins: 03:30 does not exist, so quiet
        // hours end at 04:00 EEST (01:00 UTC).
        let q = quiet("01:00-03:30");
        let n = utc(2027, 3, 28, 0, 30); // 02:30 EET
        let start = utc(2027, 3, 28, 6, 0);
        assert_eq!(due(n, start, &q), Some(utc(2027, 3, 28, 1, 0)));
    }

    // ---- reminder_times ----

    #[test]
    fn reminder_times_drop_the_past() {
        let q = QuietHours::default();
        // Event Friday 2027-01-15 07:00 EET (05:00 UTC) with a 2 h reminder: nominal 05:00 is
        // quiet, 08:00 is after the start, so it falls back to Thursday 20:59 (18:59 UTC).
        let start = utc(2027, 1, 15, 5, 0);
        let offsets = [Offset::Minutes(120)];
        // Signed up Thursday 18:00 EET: the fallback is still ahead.
        assert_eq!(
            reminder_times(start, &offsets, &q, utc(2027, 1, 14, 16, 0)),
            vec![(0, utc(2027, 1, 14, 18, 59))]
        );
        // Signed up Thursday 22:00 EET: the fallback has passed, so nothing is sent.
        assert_eq!(
            reminder_times(start, &offsets, &q, utc(2027, 1, 14, 20, 0)),
            vec![]
        );
        // Signed up exactly at the fallback minute: "<= now" is dropped.
        assert_eq!(
            reminder_times(start, &offsets, &q, utc(2027, 1, 14, 18, 59)),
            vec![]
        );
        // One second before it: kept.
        assert_eq!(
            reminder_times(
                start,
                &offsets,
                &q,
                utc(2027, 1, 14, 18, 59) - Duration::seconds(1)
            ),
            vec![(0, utc(2027, 1, 14, 18, 59))]
        );
    }

    #[test]
    fn reminder_times_keep_a_held_back_reminder_whose_nominal_time_has_passed() {
        let q = QuietHours::default();
        // Event 10:00 EET (08:00 UTC) with a 4 h reminder: nominal 06:00, quiet → 08:00.
        // Signed up at 07:00: the nominal time has passed but 08:00 has not.
        let start = utc(2027, 1, 15, 8, 0);
        assert_eq!(
            reminder_times(start, &[Offset::Minutes(240)], &q, utc(2027, 1, 15, 5, 0)),
            vec![(0, utc(2027, 1, 15, 6, 0))]
        );
    }

    #[test]
    fn reminder_times_drop_duplicates_keeping_the_first_index() {
        let q = QuietHours::default();
        // Event 09:30 EET (07:30 UTC): 2 h and 3 h before are 07:30 and 06:30, both quiet, both
        // held to 08:00. The first listed offset keeps it.
        let start = utc(2027, 1, 15, 7, 30);
        let offsets = [Offset::Minutes(180), Offset::Minutes(120), Offset::Days(1)];
        assert_eq!(
            reminder_times(start, &offsets, &q, long_ago()),
            vec![(2, utc(2027, 1, 14, 7, 30)), (0, utc(2027, 1, 15, 6, 0))]
        );
        // Written the other way round, the other index is kept.
        let offsets = [Offset::Days(1), Offset::Minutes(120), Offset::Minutes(180)];
        assert_eq!(
            reminder_times(start, &offsets, &q, long_ago()),
            vec![(0, utc(2027, 1, 14, 7, 30)), (1, utc(2027, 1, 15, 6, 0))]
        );
        // The same offset twice, and 1d next to 24h on a day without a clock change.
        let start = utc(2027, 1, 15, 16, 0);
        let offsets = [
            Offset::Minutes(24 * 60),
            Offset::Days(1),
            Offset::Minutes(120),
            Offset::Minutes(120),
        ];
        assert_eq!(
            reminder_times(start, &offsets, &q, long_ago()),
            vec![(0, utc(2027, 1, 14, 16, 0)), (2, utc(2027, 1, 15, 14, 0))]
        );
        // Seconds apart in the same minute counts as the same minute. Quiet 15:00–16:00 EET;
        // event 18:00:30 EET (16:00:30 UTC): 2 h before is 16:00:30, kept as is; 2.5 h before
        // is 15:30:30, held to 16:00:00.
        let q = quiet("15:00-16:00");
        let start = Utc.with_ymd_and_hms(2027, 1, 15, 16, 0, 30).unwrap();
        assert_eq!(
            reminder_times(
                start,
                &[Offset::Minutes(120), Offset::Minutes(150)],
                &q,
                long_ago()
            ),
            vec![(0, Utc.with_ymd_and_hms(2027, 1, 15, 14, 0, 30).unwrap())]
        );
        assert_eq!(
            reminder_times(
                start,
                &[Offset::Minutes(150), Offset::Minutes(120)],
                &q,
                long_ago()
            ),
            vec![(0, utc(2027, 1, 15, 14, 0))]
        );
    }

    #[test]
    fn reminder_times_sorted_by_due_and_drop_the_unsendable() {
        let q = QuietHours::default();
        let start = utc(2027, 1, 15, 16, 0); // Friday 18:00 EET
        let offsets = [
            Offset::Minutes(30),
            Offset::Days(7),
            Offset::Minutes(0),
            Offset::Days(1),
            Offset::Minutes(120),
        ];
        assert_eq!(
            reminder_times(start, &offsets, &q, long_ago()),
            vec![
                (1, utc(2027, 1, 8, 16, 0)),
                (3, utc(2027, 1, 14, 16, 0)),
                (4, utc(2027, 1, 15, 14, 0)),
                (0, utc(2027, 1, 15, 15, 30)),
            ]
        );
        // Signed up on Thursday at 19:00: the week-before and day-before ones are past.
        assert_eq!(
            reminder_times(start, &offsets, &q, utc(2027, 1, 14, 17, 0)),
            vec![(4, utc(2027, 1, 15, 14, 0)), (0, utc(2027, 1, 15, 15, 30))]
        );
        // Signed up after the event started: nothing.
        assert_eq!(
            reminder_times(start, &offsets, &q, start + Duration::minutes(5)),
            vec![]
        );
        assert_eq!(reminder_times(start, &[], &q, long_ago()), vec![]);
    }

    /// Property-style: for many starts around both clock changes and through a year, every
    /// offset and several quiet-hour settings, no reminder is due at or after the start, none
    /// falls inside quiet hours, a held-back one keeps MARGIN or comes before the nominal time,
    /// and `reminder_times` is strictly increasing, after `now`, one per minute.
    #[test]
    fn never_due_at_or_after_the_start() {
        let offsets = [
            Offset::Minutes(1),
            Offset::Minutes(30),
            Offset::Minutes(59),
            Offset::Minutes(60),
            Offset::Minutes(61),
            Offset::Minutes(90),
            Offset::Minutes(120),
            Offset::Minutes(11 * 60),
            Offset::Minutes(24 * 60),
            Offset::Days(1),
            Offset::Days(2),
            Offset::Days(7),
        ];
        let quiets = [
            QuietHours::default(),
            QuietHours::NONE,
            quiet("12:00-13:00"),
            quiet("00:00-06:00"),
            quiet("02:30-03:30"),
            quiet("03:15-03:45"),
            quiet("23:59-00:01"),
            quiet("08:01-08:00"),
        ];
        let mut starts = Vec::new();
        // Every 10 minutes across both clock-change weekends.
        for base in [utc(2026, 10, 23, 0, 0), utc(2027, 3, 26, 0, 0)] {
            for k in 0..(4 * 24 * 6) {
                starts.push(base + Duration::minutes(10 * k));
            }
        }
        // Every 61 minutes through a year, with an odd second now and then.
        for k in 0..(366 * 24 * 60 / 61) {
            starts
                .push(utc(2026, 6, 1, 0, 0) + Duration::minutes(61 * k) + Duration::seconds(k % 7));
        }
        let mut checked = 0usize;
        for &start in &starts {
            for q in &quiets {
                for &offset in &offsets {
                    let n = nominal(start, offset).unwrap();
                    assert!(n < start, "{offset} before {start}: nominal {n}");
                    let Some(d) = due(n, start, q) else {
                        continue;
                    };
                    checked += 1;
                    assert!(d < start, "{offset} before {start} with {q}: due {d}");
                    assert!(
                        !q.contains(d),
                        "{offset} before {start} with {q}: due {d} is quiet"
                    );
                    if q.contains(n) {
                        assert!(
                            d < n || start - d >= MARGIN,
                            "{offset} before {start} with {q}: due {d} from {n}"
                        );
                    } else {
                        assert_eq!(d, n);
                    }
                }
                let now = start - Duration::hours(30);
                let times = reminder_times(start, &offsets, q, now);
                assert!(times.windows(2).all(|w| w[0].1 < w[1].1));
                assert!(times.windows(2).all(|w| !same_minute(w[0].1, w[1].1)));
                assert!(times
                    .iter()
                    .all(|&(i, d)| now < d && d < start && i < offsets.len()));
            }
        }
        assert!(checked > 500_000, "checked only {checked}");
    }
}
