//! Meeting times as a coordinator types them and as kokoon shows them: always Helsinki wall-clock
//! time (`Europe/Helsinki`, EET/EEST), always stored as UTC.
//!
//! [`parse_when`] reads what a Finnish, Swedish or English speaker would type (`15.3. klo 17`,
//! `15.3 kl. 17.30`, `15 Mar 5pm`, ISO 8601) and [`format_when`] / [`format_date`] write a time back
//! the way each language writes it. The output of `format_when` is accepted by `parse_when` and
//! reads back as the same minute (except the second 03:00–03:59 of the night summer time ends,
//! which reads as the first one, see below).
//!
//! Rules the parser keeps:
//! - A date without a year means its next occurrence: this year if that moment is still ahead,
//!   otherwise next year (or the next leap year for `29.2.`).
//! - Only real calendar dates, hours 0–23 and minutes 0–59; a time is required.
//! - Wall-clock times that do not exist (the hour skipped when summer time begins, last Sunday of
//!   March 03:00–03:59) are [`WhenError::NoSuchTime`]; wall-clock times that happen twice (the
//!   hour repeated when summer time ends, last Sunday of October 03:00–03:59) take the earlier,
//!   summer-time instant.
//! - An explicit UTC offset (`2027-03-15T17:00+02:00`, `…Z`) is respected as given.
//! - A leading weekday word (`ti`, `tis`, `Tue`, `tiistaina`, …) is ignored, even when it does not
//!   match the date: the date is what counts.
//! - The result must be after `now` and at most two years (24 calendar months) after it.
//!
//! Everything is pure: the current time is always a parameter.

use crate::domain::Lang;
use chrono::{
    DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc,
};

/// The time zone every meeting time is read and shown in: the groups meet in Hyvinkää.
pub const TZ: chrono_tz::Tz = chrono_tz::Europe::Helsinki;

/// How far ahead a meeting may be set, in calendar months; further is almost surely a typo.
const MAX_AHEAD_MONTHS: u32 = 24;

/// Longer input is not a date anyone typed; rejecting it early keeps the parser cheap.
const MAX_INPUT_BYTES: usize = 200;

/// Why a typed meeting time was not accepted, so the bot can tell the coordinator what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    /// The text is not a date and time in any accepted form (or names an impossible date such
    /// as 31.2., or an hour or minute out of range).
    #[error("not a date and time kokoon can read")]
    Unreadable,
    /// The moment is not after `now`.
    #[error("that time has already passed")]
    InThePast,
    /// The wall-clock time is skipped in Helsinki when summer time begins (last Sunday of March,
    /// 03:00–03:59).
    #[error("that time does not exist in Helsinki: the clocks skip it when summer time begins")]
    NoSuchTime,
    /// The moment is more than two years after `now`.
    #[error("that time is more than two years ahead")]
    TooFar,
}

/// Reads a meeting time typed by a coordinator, in Helsinki time unless it carries an explicit
/// offset, and checks it lies after `now` and no more than two years ahead.
///
/// Accepted forms (case and surrounding whitespace ignored, an optional leading weekday word in
/// fi/sv/en ignored, commas treated as spaces):
/// - `15.3. klo 17`, `15.3. klo 17.30`, `15.3 klo 17:30`, `15.3. 17`, `15.3.2027 17:30`,
///   `15.3.27 17.00` (two-digit years are 20xx), `klo 17.` (a sentence-ending dot after a whole
///   hour); `klo`/`klo.`/`kello`/`kl.`/`kl`/`at`/`@` optional, also glued on (`klo17`);
/// - `15.3 kl. 17`, `15.3 kl 17.30`, `15 mars kl. 17`, `15. maaliskuuta klo 17`;
/// - `15 Mar 5pm`, `15 Mar, 5:30 pm`, `March 15 2027 at 17:00`, `15th March 5 p.m.`;
/// - ISO 8601: `2027-03-15 17:00`, `2027-03-15T17:00`, `2027-03-15T17:00:00`,
///   `2027-03-15T17:00:00+02:00`, `2027-03-15T15:00Z` (seconds and fractions kept).
///
/// Deliberately refused as unreadable: a date without a time, slash dates (`15/3` is day/month
/// in Sweden but month/day in the US), time ranges (`17–19`: the end would be silently lost),
/// relative words (`huomenna`, `tomorrow`), and anything over 200 bytes.
///
/// # Errors
/// [`WhenError::Unreadable`] for anything else, [`WhenError::NoSuchTime`] for a Helsinki time
/// skipped by the spring clock change, [`WhenError::InThePast`] when the moment is not after
/// `now`, [`WhenError::TooFar`] when it is more than 24 months after `now`.
pub fn parse_when(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, WhenError> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_INPUT_BYTES {
        return Err(WhenError::Unreadable);
    }
    let lower = text.to_lowercase();
    let parsed = parse_iso(&lower)
        .or_else(|| parse_words(&lower))
        .ok_or(WhenError::Unreadable)?;
    let t = resolve(parsed, now)?;
    if t <= now {
        return Err(WhenError::InThePast);
    }
    match now.checked_add_months(Months::new(MAX_AHEAD_MONTHS)) {
        Some(limit) if t <= limit => Ok(t),
        _ => Err(WhenError::TooFar),
    }
}

/// Writes a meeting time in Helsinki time the way `lang` writes it, for messages to users:
/// fi `15.3. klo 17` / `15.3. klo 17.30`, sv `15.3 kl. 17` / `15.3 kl. 17.30`, en `15 Mar, 5 pm` /
/// `15 Mar, 5:30 pm`. The year is added (`15.3.2028 klo 17`, `15.3.2028 kl. 17`,
/// `15 Mar 2028, 5 pm`) only when it differs from the Helsinki year of `now`. Seconds are not
/// shown.
#[must_use]
pub fn format_when(t: DateTime<Utc>, lang: Lang, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&TZ);
    let date = format_date(t, lang, now);
    let (h, m) = (local.hour(), local.minute());
    match lang {
        Lang::Fi => format!("{date} klo {}", clock_dotted(h, m)),
        Lang::Sv => format!("{date} kl. {}", clock_dotted(h, m)),
        Lang::En => format!("{date}, {}", clock_english(h, m)),
    }
}

/// Writes only the Helsinki clock time of `t` (an event's end on the same day): fi `klo 19`,
/// sv `kl. 19`, en `7 pm`.
#[must_use]
pub fn format_clock(t: DateTime<Utc>, lang: Lang) -> String {
    let local = t.with_timezone(&TZ);
    let (h, m) = (local.hour(), local.minute());
    match lang {
        Lang::Fi => format!("klo {}", clock_dotted(h, m)),
        Lang::Sv => format!("kl. {}", clock_dotted(h, m)),
        Lang::En => clock_english(h, m),
    }
}

/// Writes only the Helsinki date of `t`, for lists and summaries where the hour does not matter:
/// fi `15.3.`, sv `15.3`, en `15 Mar`; with the year (`15.3.2028`, `15.3.2028`, `15 Mar 2028`)
/// only when it differs from the Helsinki year of `now`.
#[must_use]
pub fn format_date(t: DateTime<Utc>, lang: Lang, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&TZ);
    let (d, m, y) = (local.day(), local.month(), local.year());
    let year = (y != now.with_timezone(&TZ).year()).then_some(y);
    match (lang, year) {
        (Lang::Fi, None) => format!("{d}.{m}."),
        (Lang::Sv, None) => format!("{d}.{m}"),
        (Lang::Fi | Lang::Sv, Some(y)) => format!("{d}.{m}.{y}"),
        (Lang::En, None) => format!("{d} {}", month_abbr(m)),
        (Lang::En, Some(y)) => format!("{d} {} {y}", month_abbr(m)),
    }
}

/// `17`, `17.30`, `9.05`: the Finnish and Swedish way, minutes only when there are some.
fn clock_dotted(h: u32, m: u32) -> String {
    if m == 0 {
        h.to_string()
    } else {
        format!("{h}.{m:02}")
    }
}

/// `5 pm`, `5:30 pm`, `12 am` (midnight), `12 pm` (noon).
fn clock_english(h: u32, m: u32) -> String {
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    let suffix = if h < 12 { "am" } else { "pm" };
    if m == 0 {
        format!("{h12} {suffix}")
    } else {
        format!("{h12}:{m:02} {suffix}")
    }
}

/// English month abbreviations, 1-based.
fn month_abbr(m: u32) -> &'static str {
    const ABBR: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    usize::try_from(m)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| ABBR.get(i))
        .copied()
        .unwrap_or("?")
}

/// What the text said, before it is placed on the time line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parsed {
    /// A Helsinki wall-clock time; the day and month are not yet checked against the calendar.
    Local {
        day: u32,
        month: u32,
        year: Option<i32>,
        time: NaiveTime,
    },
    /// An instant with an explicit offset.
    Fixed(DateTime<FixedOffset>),
}

/// How far back a date without a year is still read as this year's (and so as past).
const RECENT_DAYS: i64 = 60;

/// Places a parsed time on the UTC time line (year inference, DST gap and overlap).
fn resolve(parsed: Parsed, now: DateTime<Utc>) -> Result<DateTime<Utc>, WhenError> {
    let (day, month, year, time) = match parsed {
        Parsed::Fixed(t) => return Ok(t.with_timezone(&Utc)),
        Parsed::Local {
            day,
            month,
            year,
            time,
        } => (day, month, year, time),
    };
    if let Some(y) = year {
        let date = NaiveDate::from_ymd_opt(y, month, day).ok_or(WhenError::Unreadable)?;
        return helsinki(date.and_time(time)).ok_or(WhenError::NoSuchTime);
    }
    // No year: the first occurrence after `now`. Five years always include a leap year, so a
    // day and month that exist at all (29.2. too) are found; 31.2. never is. A date of this
    // year that passed less than [`RECENT_DAYS`] ago is taken as that date, so a time typed for
    // today or last week is reported as past instead of silently moving a year ahead.
    let now_local = now.with_timezone(&TZ).naive_local();
    let this_year = now_local.year();
    if let Some(t) =
        NaiveDate::from_ymd_opt(this_year, month, day).and_then(|d| helsinki(d.and_time(time)))
    {
        if t <= now && now - t < chrono::Duration::days(RECENT_DAYS) {
            return Ok(t);
        }
    }
    for y in this_year..=this_year.saturating_add(4) {
        let Some(date) = NaiveDate::from_ymd_opt(y, month, day) else {
            continue;
        };
        let naive = date.and_time(time);
        match helsinki(naive) {
            Some(t) if t > now => return Ok(t),
            Some(_) => {}
            // Skipped by the spring change: an error if this is the occurrence meant, but a
            // skipped hour already behind us just means next year's date.
            None if naive > now_local => return Err(WhenError::NoSuchTime),
            None => {}
        }
    }
    Err(WhenError::Unreadable)
}

/// A Helsinki wall-clock time as UTC: the earlier instant when it happens twice, `None` when it
/// does not happen at all.
fn helsinki(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    TZ.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A small byte cursor for the fixed-shape parts (numbers, separators). Works on bytes, so
/// non-ASCII input simply fails to match; it never slices a `str`.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Consumes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes any ASCII whitespace; tells whether there was some.
    fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Reads `min..=max` ASCII digits (greedy, at most `max`) and returns their value and count.
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let start = self.pos;
        let mut value: u32 = 0;
        while self.pos - start < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        let count = self.pos - start;
        if count < min {
            return None;
        }
        // Refuse a longer run than allowed rather than splitting it.
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((value, count))
    }

    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        self.digits(min, max).map(|(v, _)| v)
    }
}

/// ISO 8601: `YYYY-MM-DD` then `T` or spaces, `HH:MM[:SS[.fff]]`, optional `Z` or `±HH[:MM]`.
fn parse_iso(s: &str) -> Option<Parsed> {
    let mut c = Cursor::new(s);
    let (year, month, day) = iso_date(&mut c)?;
    if !(c.eat(b't') || c.skip_ws()) {
        return None;
    }
    c.skip_ws();
    let hour = c.number(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.number(2, 2)?;
    let (second, nano) = if c.eat(b':') {
        let second = c.number(2, 2)?;
        let nano = if c.eat(b'.') || c.eat(b',') {
            let (frac, count) = c.digits(1, 9)?;
            let scale = 10u32.checked_pow(u32::try_from(9 - count).ok()?)?;
            frac.checked_mul(scale)?
        } else {
            0
        };
        (second, nano)
    } else {
        (0, 0)
    };
    // from_hms_nano_opt would accept a leap second through nano >= 1e9; digits(1, 9) keeps it
    // below, and second 60 is refused.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?;
    c.skip_ws();
    if c.done() {
        return Some(Parsed::Local {
            day,
            month,
            year: Some(year),
            time,
        });
    }
    let offset_secs = if c.eat(b'z') {
        0
    } else {
        let sign: i32 = if c.eat(b'+') {
            1
        } else if c.eat(b'-') {
            -1
        } else {
            return None;
        };
        // `+02`, `+02:00` or `+0200`.
        let (oh, om) = match c.digits(2, 4)? {
            (hh, 2) if c.eat(b':') => (hh, c.number(2, 2)?),
            (hh, 2) => (hh, 0),
            (hhmm, 4) => (hhmm / 100, hhmm % 100),
            _ => return None,
        };
        if oh > 23 || om > 59 {
            return None;
        }
        sign * i32::try_from(oh * 3600 + om * 60).ok()?
    };
    if !c.done() {
        return None;
    }
    let offset = FixedOffset::east_opt(offset_secs)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let t = offset.from_local_datetime(&date.and_time(time)).single()?;
    Some(Parsed::Fixed(t))
}

/// `YYYY-MM-DD` at the cursor.
fn iso_date(c: &mut Cursor<'_>) -> Option<(i32, u32, u32)> {
    let year = i32::try_from(c.number(4, 4)?).ok()?;
    if !c.eat(b'-') {
        return None;
    }
    let month = c.number(2, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.number(2, 2)?;
    Some((year, month, day))
}

/// The everyday forms: `[weekday] date [connector] time`, as whitespace-separated words.
fn parse_words(s: &str) -> Option<Parsed> {
    let spaced = s.replace(',', " ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut words = words.as_slice();
    if let [first, rest @ ..] = words {
        if !rest.is_empty() && is_weekday(first) {
            words = rest;
        }
    }
    let (day, month, year, rest) = parse_date(words)?;
    let time = parse_time(rest)?;
    Some(Parsed::Local {
        day,
        month,
        year,
        time,
    })
}

/// A date at the start of `words`, and the words after it.
fn parse_date<'w, 's>(words: &'w [&'s str]) -> Option<(u32, u32, Option<i32>, &'w [&'s str])> {
    let (first, rest) = words.split_first()?;
    if let Some((day, month, year)) = numeric_date(first) {
        return Some((day, month, year, rest));
    }
    // `15 Mar`, `15. maaliskuuta`, `15th March` — or `March 15`, `Mar 15th`.
    let (second, rest) = rest.split_first()?;
    let (day, month) = match (day_word(first), month_word(second)) {
        (Some(d), Some(m)) => (d, m),
        _ => (day_word(second)?, month_word(first)?),
    };
    // An optional four-digit year; a two-digit number here is the hour (`15 Mar 17`).
    match rest.split_first() {
        Some((y, after)) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => {
            let year = y.parse::<i32>().ok()?;
            Some((day, month, Some(year), after))
        }
        _ => Some((day, month, None, rest)),
    }
}

/// `15.3`, `15.3.`, `15.3.27`, `15.3.2027`, or an ISO date `2027-03-15`.
fn numeric_date(word: &str) -> Option<(u32, u32, Option<i32>)> {
    let mut c = Cursor::new(word);
    if let Some((year, month, day)) = iso_date(&mut c).filter(|_| c.done()) {
        return Some((day, month, Some(year)));
    }
    let mut c = Cursor::new(word);
    let day = c.number(1, 2)?;
    if !c.eat(b'.') {
        return None;
    }
    let month = c.number(1, 2)?;
    if c.done() || (c.eat(b'.') && c.done()) {
        return Some((day, month, None));
    }
    let (y, count) = c.digits(2, 4)?;
    if !c.done() {
        return None;
    }
    let year = match count {
        2 => 2000 + y,
        4 => y,
        _ => return None,
    };
    Some((day, month, Some(i32::try_from(year).ok()?)))
}

/// A day of the month as a word of its own: `15`, `15.`, `15th`, `1st`, `15:e`.
fn day_word(word: &str) -> Option<u32> {
    let mut c = Cursor::new(word);
    let day = c.number(1, 2)?;
    let rest = word.get(c.pos..)?;
    matches!(rest, "" | "." | "st" | "nd" | "rd" | "th" | ":e" | ":a").then_some(day)
}

/// A month name in English, Swedish or Finnish (full, common abbreviation, or Finnish
/// partitive as in `15. maaliskuuta`), with an optional trailing dot.
fn month_word(word: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &["jan", "january", "januari", "tammikuu", "tammikuuta"],
        &["feb", "february", "februari", "helmikuu", "helmikuuta"],
        &["mar", "march", "mars", "maaliskuu", "maaliskuuta"],
        &["apr", "april", "huhtikuu", "huhtikuuta"],
        &["may", "maj", "toukokuu", "toukokuuta"],
        &["jun", "june", "juni", "kesäkuu", "kesäkuuta"],
        &["jul", "july", "juli", "heinäkuu", "heinäkuuta"],
        &["aug", "august", "augusti", "elokuu", "elokuuta"],
        &["sep", "sept", "september", "syyskuu", "syyskuuta"],
        &["oct", "okt", "october", "oktober", "lokakuu", "lokakuuta"],
        &["nov", "november", "marraskuu", "marraskuuta"],
        &["dec", "december", "joulukuu", "joulukuuta"],
    ];
    let word = word.strip_suffix('.').unwrap_or(word);
    let index = MONTHS.iter().position(|names| names.contains(&word))?;
    u32::try_from(index + 1).ok()
}

/// A weekday name or abbreviation in Finnish, Swedish or English, with an optional trailing dot.
fn is_weekday(word: &str) -> bool {
    const WEEKDAYS: &[&str] = &[
        // Finnish
        "ma",
        "ti",
        "ke",
        "to",
        "pe",
        "la",
        "su",
        "maanantai",
        "tiistai",
        "keskiviikko",
        "torstai",
        "perjantai",
        "lauantai",
        "sunnuntai",
        "maanantaina",
        "tiistaina",
        "keskiviikkona",
        "torstaina",
        "perjantaina",
        "lauantaina",
        "sunnuntaina",
        // Swedish
        "må",
        "mån",
        "tis",
        "on",
        "ons",
        "tor",
        "tors",
        "fr",
        "fre",
        "lö",
        "lör",
        "sö",
        "sön",
        "måndag",
        "tisdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lördag",
        "söndag",
        "måndagen",
        "tisdagen",
        "onsdagen",
        "torsdagen",
        "fredagen",
        "lördagen",
        "söndagen",
        // English
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let word = word.strip_suffix('.').unwrap_or(word);
    WEEKDAYS.contains(&word)
}

/// The time after the date: an optional connector (`klo`, `kello`, `kl.`, `kl`, `at`, `@`, also
/// glued on as in `klo17`), then `17`, `17.30`, `17:30`, `5pm`, `5:30 pm`, `5 p.m.`. All words
/// must be used.
fn parse_time(words: &[&str]) -> Option<NaiveTime> {
    const CONNECTORS: [&str; 7] = ["kello", "klo.", "klo", "kl.", "kl", "at", "@"];
    let (first, rest) = words.split_first()?;
    let mut glued = None;
    let mut words = words;
    for connector in CONNECTORS {
        if *first == connector {
            words = rest;
            break;
        }
        if let Some(tail) = first.strip_prefix(connector) {
            if tail.starts_with(|c: char| c.is_ascii_digit()) {
                glued = Some(tail);
                break;
            }
        }
    }
    let (head, rest) = match glued {
        Some(tail) => (tail, words.get(1..)?),
        None => {
            let (head, rest) = words.split_first()?;
            (*head, rest)
        }
    };
    match rest {
        [] => {
            for (suffix, pm) in MERIDIEM {
                if let Some(clock) = head.strip_suffix(suffix) {
                    return clock_12(clock, pm);
                }
            }
            clock_24(head)
        }
        [word] => {
            let pm = MERIDIEM.iter().find(|(s, _)| s == word)?.1;
            clock_12(head, pm)
        }
        _ => None,
    }
}

/// `am` / `pm` spellings and whether they mean the afternoon; longest first for suffix matching.
const MERIDIEM: [(&str, bool); 6] = [
    ("a.m.", false),
    ("p.m.", true),
    ("a.m", false),
    ("p.m", true),
    ("am", false),
    ("pm", true),
];

/// `H`, `HH`, `H.`, `HH.`, `H.MM`, `H:MM`, `HH.MM`, `HH:MM` as hour and minute (not
/// range-checked).
fn clock_parts(s: &str) -> Option<(u32, u32)> {
    let mut c = Cursor::new(s);
    let hour = c.number(1, 2)?;
    if c.done() {
        return Some((hour, 0));
    }
    if !(c.eat(b'.') || c.eat(b':')) {
        return None;
    }
    // `klo 17.` at the end of a sentence.
    if c.done() && c.bytes.last() == Some(&b'.') {
        return Some((hour, 0));
    }
    let minute = c.number(2, 2)?;
    c.done().then_some((hour, minute))
}

/// A 24-hour clock time, 0–23 h.
fn clock_24(s: &str) -> Option<NaiveTime> {
    let (h, m) = clock_parts(s)?;
    NaiveTime::from_hms_opt(h, m, 0)
}

/// A 12-hour clock time, 1–12 h; `12 am` is midnight and `12 pm` noon.
fn clock_12(s: &str, pm: bool) -> Option<NaiveTime> {
    let (h, m) = clock_parts(s)?;
    if !(1..=12).contains(&h) {
        return None;
    }
    let h24 = h % 12 + if pm { 12 } else { 0 };
    NaiveTime::from_hms_opt(h24, m, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    /// The usual "now" of these tests: Monday 23 November 2026, 14:00 in Helsinki.
    fn now() -> DateTime<Utc> {
        utc(2026, 11, 23, 12, 0)
    }

    fn ok(text: &str, now: DateTime<Utc>) -> DateTime<Utc> {
        match parse_when(text, now) {
            Ok(t) => t,
            Err(e) => panic!("{text:?} at {now}: {e:?}"),
        }
    }

    fn err(text: &str, now: DateTime<Utc>) -> WhenError {
        match parse_when(text, now) {
            Ok(t) => panic!("{text:?} at {now} gave {t}"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_finnish_and_swedish_form() {
        let five = utc(2027, 3, 15, 15, 0);
        let half = utc(2027, 3, 15, 15, 30);
        let cases = [
            ("15.3. klo 17", five),
            ("15.3. klo 17.30", half),
            ("15.3 klo 17:30", half),
            ("15.3.2027 klo 17", five),
            ("15.3.2027 17:30", half),
            ("15.3. 17", five),
            ("15.3.27 17.00", five),
            ("15.03. klo 17.00", five),
            ("15.3. kello 17", five),
            ("15.3. klo 17.", five),
            ("15.3. klo17", five),
            ("15.3. klo. 17", five),
            ("15.3. @ 17", five),
            ("ma 15.3. klo 17", five),
            ("ma. 15.3. klo 17", five),
            ("maanantaina 15.3. klo 17", five),
            ("15. maaliskuuta klo 17", five),
            ("15.3 kl. 17", five),
            ("15.3 kl 17.30", half),
            ("15.3 kl.17.30", half),
            ("mån 15.3 kl. 17", five),
            ("måndag 15.3 kl 17:30", half),
            ("15 mars kl. 17", five),
            ("15 mars 2027 kl. 17.30", half),
            ("15:e mars kl 17", five),
        ];
        for (text, want) in cases {
            assert_eq!(ok(text, now()), want, "{text:?}");
        }
    }

    #[test]
    fn a_leading_weekday_is_ignored_even_when_it_does_not_match() {
        // 15.3.2027 is a Monday.
        for text in [
            "ti 15.3. klo 17",
            "Tue 15.3. klo 17",
            "tis 15.3 kl. 17",
            "tiistai 15.3. 17",
        ] {
            assert_eq!(ok(text, now()), utc(2027, 3, 15, 15, 0), "{text:?}");
        }
        // A weekday alone, or in place of the date, is not a date.
        assert_eq!(err("ti", now()), WhenError::Unreadable);
        assert_eq!(err("ti klo 17", now()), WhenError::Unreadable);
    }

    #[test]
    fn english_forms() {
        let five = utc(2027, 3, 15, 15, 0);
        let half = utc(2027, 3, 15, 15, 30);
        let cases = [
            ("15 Mar 5pm", five),
            ("15 Mar, 5 pm", five),
            ("15 Mar, 5:30 pm", half),
            ("15 Mar 2027, 5 pm", five),
            ("Mon 15 Mar 5.30pm", half),
            ("Monday, 15 March at 5 p.m.", five),
            ("March 15 5pm", five),
            ("Mar 15th, 2027 at 17:00", five),
            ("15th March 17:30", half),
            ("15 mar. 17", five),
        ];
        for (text, want) in cases {
            assert_eq!(ok(text, now()), want, "{text:?}");
        }
        assert_eq!(ok("15 Mar 12 am", now()), utc(2027, 3, 14, 22, 0));
        assert_eq!(ok("15 Mar 12pm", now()), utc(2027, 3, 15, 10, 0));
        assert_eq!(ok("15 Mar 12:15am", now()), utc(2027, 3, 14, 22, 15));
        for bad in ["15 Mar 13pm", "15 Mar 0am", "15 Mar 17 pm", "15 Mar pm"] {
            assert_eq!(err(bad, now()), WhenError::Unreadable, "{bad:?}");
        }
    }

    #[test]
    fn iso_forms_and_explicit_offsets() {
        let five = utc(2027, 3, 15, 15, 0);
        let cases = [
            ("2027-03-15 17:00", five),
            ("2027-03-15T17:00", five),
            ("2027-03-15t17:00", five),
            ("2027-03-15T17:00:00", five),
            ("2027-03-15 klo 17", five),
            ("2027-03-15T17:00:00+02:00", five),
            ("2027-03-15T17:00+0200", five),
            ("2027-03-15T17:00+02", five),
            ("2027-03-15T15:00Z", five),
            ("2027-03-15T15:00:00.000Z", five),
            // The offset is respected even when it is not Helsinki's.
            ("2027-03-15T17:00:00+03:00", utc(2027, 3, 15, 14, 0)),
            ("2027-03-15T10:00:00-05:00", five),
            // An explicit offset names a real instant even inside the spring gap.
            ("2027-03-28T03:30:00+02:00", utc(2027, 3, 28, 1, 30)),
        ];
        for (text, want) in cases {
            assert_eq!(ok(text, now()), want, "{text:?}");
        }
        assert_eq!(
            ok("2027-03-15T17:00:30", now()),
            utc(2027, 3, 15, 15, 0) + chrono::Duration::seconds(30)
        );
        for bad in [
            "2027-03-15",
            "2027-02-30T10:00",
            "2027-03-15T24:00",
            "2027-03-15T17:00:60",
            "2027-03-15T17:00+25:00",
            "2027-03-15T17:00+02:00x",
            "2027-3-15 17:00",
            "20270315T1700",
        ] {
            assert_eq!(err(bad, now()), WhenError::Unreadable, "{bad:?}");
        }
    }

    #[test]
    fn whitespace_and_case_are_ignored() {
        for text in [
            "  15.3. klo 17  ",
            "15.3. KLO 17",
            "TI 15.3. Klo 17",
            "\t15.3.\u{a0}klo 17\n",
            "15.3.   klo   17",
            "15 MAR 5PM",
            "2027-03-15T15:00Z",
        ] {
            assert_eq!(ok(text, now()), utc(2027, 3, 15, 15, 0), "{text:?}");
        }
    }

    #[test]
    fn a_date_without_a_year_is_its_next_occurrence() {
        // On 23 November 2026, 15 March is next year's.
        assert_eq!(ok("15.3. klo 9", now()).year(), 2027);
        assert_eq!(ok("15.3. klo 17", now()), utc(2027, 3, 15, 15, 0));
        // Later this year stays this year.
        assert_eq!(ok("24.12. klo 17", now()), utc(2026, 12, 24, 15, 0));
        // On 16 March 2027, 15 March has just passed: a typo for a past date, not 2028.
        let march16 = utc(2027, 3, 16, 10, 0);
        assert_eq!(err("15.3. klo 17", march16), WhenError::InThePast);
        // Months later, the date without a year is next year's again.
        let june = utc(2027, 6, 1, 10, 0);
        assert_eq!(ok("15.3. klo 17", june), utc(2028, 3, 15, 15, 0));
        // The same day counts while the hour is still ahead, and not once it has come.
        let same_day = utc(2027, 3, 15, 14, 59);
        assert_eq!(ok("15.3. klo 17", same_day), utc(2027, 3, 15, 15, 0));
        let exactly = utc(2027, 3, 15, 15, 0);
        assert_eq!(err("15.3. klo 17", exactly), WhenError::InThePast);
        // The Helsinki year decides: 31.12.2026 22:30 UTC is already 2027 in Helsinki.
        let new_year = utc(2026, 12, 31, 22, 30);
        assert_eq!(ok("1.1. klo 1", new_year), utc(2026, 12, 31, 23, 0));
        assert_eq!(err("1.1. klo 0.15", new_year), WhenError::InThePast);
        // 29.2. is the next leap day.
        assert_eq!(ok("29.2. klo 12", now()), utc(2028, 2, 29, 10, 0));
        // The day after a leap day, 29.2. has just passed.
        assert_eq!(
            err("29.2. klo 12", utc(2028, 3, 1, 0, 0)),
            WhenError::InThePast
        );
        // Later that year, the next leap day is more than two years ahead.
        assert_eq!(
            err("29.2. klo 12", utc(2028, 6, 1, 0, 0)),
            WhenError::TooFar
        );
    }

    #[test]
    fn past_times_are_refused() {
        assert_eq!(
            err("15.3.2027 klo 17", utc(2027, 3, 16, 0, 0)),
            WhenError::InThePast
        );
        assert_eq!(
            err("15.3.2027 klo 17", utc(2027, 3, 15, 15, 0)),
            WhenError::InThePast
        );
        assert_eq!(err("1.1.2020 klo 17", now()), WhenError::InThePast);
        // Without a year, a date that passed recently is past, not next year's.
        assert_eq!(err("23.11. klo 9", now()), WhenError::InThePast);
        assert_eq!(err("20.11. klo 17", now()), WhenError::InThePast);
        assert!(parse_when("1.9. klo 17", now()).is_ok_and(|t| t.year() == 2027));
        assert_eq!(err("2026-11-23T12:00Z", now()), WhenError::InThePast);
        assert_eq!(ok("2026-11-23T12:01Z", now()), utc(2026, 11, 23, 12, 1));
        assert_eq!(err("15.3.17 klo 17", now()), WhenError::InThePast);
    }

    #[test]
    fn more_than_two_years_ahead_is_refused() {
        assert_eq!(err("15.3.2029 klo 17", now()), WhenError::TooFar);
        assert_eq!(err("24.11.2028 klo 17", now()), WhenError::TooFar);
        assert_eq!(err("15.3.99 klo 17", now()), WhenError::TooFar);
        assert_eq!(err("1.1.9999 klo 17", now()), WhenError::TooFar);
        assert_eq!(ok("1.11.2028 klo 12", now()), utc(2028, 11, 1, 10, 0));
        // Exactly 24 months is still fine; a minute more is not.
        assert_eq!(ok("2028-11-23T12:00Z", now()), utc(2028, 11, 23, 12, 0));
        assert_eq!(err("2028-11-23T12:01Z", now()), WhenError::TooFar);
    }

    #[test]
    fn spring_forward_2027() {
        // Clocks go from 03:00 EET to 04:00 EEST on Sunday 28 March 2027.
        assert_eq!(ok("27.3. klo 17", now()), utc(2027, 3, 27, 15, 0));
        assert_eq!(ok("28.3. klo 17", now()), utc(2027, 3, 28, 14, 0));
        assert_eq!(ok("28.3.2027 klo 2.59", now()), utc(2027, 3, 28, 0, 59));
        assert_eq!(ok("28.3.2027 klo 4", now()), utc(2027, 3, 28, 1, 0));
        for gap in [
            "28.3.2027 klo 3",
            "28.3. klo 3.30",
            "28.3. klo 3.59",
            "2027-03-28T03:30",
            "su 28.3. kl. 3.15",
        ] {
            assert_eq!(err(gap, now()), WhenError::NoSuchTime, "{gap:?}");
        }
        // Once this year's gap is behind us, "28.3." means next year's ordinary Tuesday.
        let april = utc(2027, 4, 1, 0, 0);
        assert_eq!(ok("28.3. klo 3.30", april), utc(2028, 3, 28, 0, 30));
    }

    #[test]
    fn fall_back_2026() {
        // Clocks go from 04:00 EEST back to 03:00 EET on Sunday 25 October 2026.
        let october = utc(2026, 10, 1, 12, 0);
        assert_eq!(ok("24.10. klo 17", october), utc(2026, 10, 24, 14, 0));
        assert_eq!(ok("25.10. klo 17", october), utc(2026, 10, 25, 15, 0));
        assert_eq!(ok("25.10. klo 2.59", october), utc(2026, 10, 24, 23, 59));
        // 03:30 happens twice: the earlier, summer-time one is taken.
        assert_eq!(ok("25.10. klo 3.30", october), utc(2026, 10, 25, 0, 30));
        assert_eq!(ok("2026-10-25 03:30", october), utc(2026, 10, 25, 0, 30));
        assert_eq!(ok("25.10. klo 4", october), utc(2026, 10, 25, 2, 0));
        // With an explicit offset, the later one can still be named.
        assert_eq!(
            ok("2026-10-25T03:30+02:00", october),
            utc(2026, 10, 25, 1, 30)
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        for bad in [
            "",
            "   ",
            "huomenna",
            "tomorrow at 5",
            "32.1.",
            "32.1. klo 17",
            "15.3. klo 25",
            "15.3. klo 24",
            "15.3. klo 17.60",
            "15.3. klo 17.5",
            "15.3. klo 17.30.",
            "15.3. klo 17:",
            "15.3. klo 17-19",
            "15.3. klo 17.30–19",
            "15.3. klo 017",
            "31.2. klo 17",
            "30.2.",
            "29.2.2027 klo 17",
            "15.3.",
            "15.3",
            "klo 17",
            "17",
            "15.13. klo 17",
            "0.3. klo 17",
            "15.0. klo 17",
            "15.3.2027 klo 17 extra",
            "15.3. klo 17 18",
            "15/3 17:00",
            "3/15 5pm",
            "15.3.202 17",
            "15.3.20277 17",
            "15.3.. 17",
            "15..3. 17",
            "115.3. 17",
            "15.3. klo",
            "15.3. klo -17",
            "15.3. klo 17,30",
            "15 17",
            "mar 17",
            "15 foo 17",
            "ma ti 15.3. klo 17",
            "15.3. klo 17:30:00",
            "15.3. klo 1７",
            "１５.３. klo 17",
            "99999999999999999999.3. 17",
            "15.99999999999999999999. 17",
        ] {
            assert_eq!(err(bad, now()), WhenError::Unreadable, "{bad:?}");
        }
    }

    /// A tiny deterministic generator (xorshift64*), so the fuzz tests need no extra crates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }
    }

    #[test]
    fn ten_thousand_random_chars_do_not_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let text: String = (0..10_000)
            .map(|_| {
                let code = u32::try_from(rng.next() % 0x11_0000).unwrap();
                char::from_u32(code).unwrap_or('\u{fffd}')
            })
            .collect();
        assert_eq!(parse_when(&text, now()), Err(WhenError::Unreadable));
        let digits: String = (0..10_000)
            .map(|_| ['1', '.', ' ', ':'][rng.below(4)])
            .collect();
        assert_eq!(parse_when(&digits, now()), Err(WhenError::Unreadable));
    }

    #[test]
    fn random_near_misses_never_panic_and_stay_in_range() {
        // Short strings from the alphabet of real inputs hit the parser's edge cases.
        const PIECES: [&str; 32] = [
            "0", "1", "2", "3", "5", "9", "12", "15", "29", "31", ".", ".", ":", "-", " ", " ",
            "klo", "kl.", "t", "z", "+", "am", "pm", "ti", "mar", "2027", "ä", "\u{a0}", "@",
            "28.3.", "25.10.", "1ö",
        ];
        let mut rng = Rng(42);
        let start = now();
        let limit = start.checked_add_months(Months::new(24)).unwrap();
        let mut accepted = 0;
        for _ in 0..50_000 {
            let len = 1 + rng.below(9);
            let text: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            if let Ok(t) = parse_when(&text, start) {
                assert!(t > start && t <= limit, "{text:?} gave {t}");
                accepted += 1;
            }
        }
        assert!(accepted > 0, "the generator should hit some valid times");
        // Short strings of arbitrary code points.
        for _ in 0..20_000 {
            let len = 1 + rng.below(20);
            let text: String = (0..len)
                .map(|_| {
                    let code = u32::try_from(rng.next() % 0x11_0000).unwrap();
                    char::from_u32(code).unwrap_or('\u{fffd}')
                })
                .collect();
            let _ = parse_when(&text, start);
        }
    }

    #[test]
    fn format_when_in_each_language() {
        let now27 = utc(2027, 1, 10, 12, 0);
        let five = utc(2027, 3, 15, 15, 0);
        let half = utc(2027, 3, 15, 15, 30);
        assert_eq!(format_when(five, Lang::Fi, now27), "15.3. klo 17");
        assert_eq!(format_when(half, Lang::Fi, now27), "15.3. klo 17.30");
        assert_eq!(format_when(five, Lang::Sv, now27), "15.3 kl. 17");
        assert_eq!(format_when(half, Lang::Sv, now27), "15.3 kl. 17.30");
        assert_eq!(format_when(five, Lang::En, now27), "15 Mar, 5 pm");
        assert_eq!(format_when(half, Lang::En, now27), "15 Mar, 5:30 pm");
        // Another year is spelled out.
        let next = utc(2028, 3, 15, 15, 0);
        assert_eq!(format_when(next, Lang::Fi, now27), "15.3.2028 klo 17");
        assert_eq!(format_when(next, Lang::Sv, now27), "15.3.2028 kl. 17");
        assert_eq!(format_when(next, Lang::En, now27), "15 Mar 2028, 5 pm");
        // Minutes are zero-padded, hours are not; midnight and noon in English.
        let early = utc(2027, 6, 1, 6, 5); // 09:05 EEST
        assert_eq!(format_when(early, Lang::Fi, now27), "1.6. klo 9.05");
        assert_eq!(format_when(early, Lang::En, now27), "1 Jun, 9:05 am");
        let midnight = utc(2027, 6, 1, 21, 0); // 00:00 EEST on 2 June
        assert_eq!(format_when(midnight, Lang::En, now27), "2 Jun, 12 am");
        assert_eq!(format_when(midnight, Lang::Sv, now27), "2.6 kl. 0");
        let noon = utc(2027, 6, 1, 9, 30);
        assert_eq!(format_when(noon, Lang::En, now27), "1 Jun, 12:30 pm");
        // Summer and winter time both show Helsinki's wall clock.
        assert_eq!(
            format_when(utc(2027, 3, 28, 14, 0), Lang::Fi, now27),
            "28.3. klo 17"
        );
        assert_eq!(
            format_when(utc(2027, 3, 27, 15, 0), Lang::Fi, now27),
            "27.3. klo 17"
        );
    }

    #[test]
    fn the_year_is_helsinkis() {
        // 31.12.2026 22:30 UTC is 1.1.2027 00:30 in Helsinki.
        let t = utc(2026, 12, 31, 22, 30);
        assert_eq!(
            format_when(t, Lang::Fi, utc(2027, 1, 1, 12, 0)),
            "1.1. klo 0.30"
        );
        assert_eq!(
            format_when(t, Lang::Fi, utc(2026, 12, 1, 12, 0)),
            "1.1.2027 klo 0.30"
        );
        // 21:59 UTC is still 2026 in Helsinki, 22:00 UTC is 2027.
        assert_eq!(
            format_date(t, Lang::En, utc(2026, 12, 31, 21, 59)),
            "1 Jan 2027"
        );
        assert_eq!(format_date(t, Lang::En, utc(2026, 12, 31, 22, 0)), "1 Jan");
    }

    #[test]
    fn format_date_in_each_language() {
        let now27 = utc(2027, 1, 10, 12, 0);
        let t = utc(2027, 3, 15, 15, 0);
        assert_eq!(format_date(t, Lang::Fi, now27), "15.3.");
        assert_eq!(format_date(t, Lang::Sv, now27), "15.3");
        assert_eq!(format_date(t, Lang::En, now27), "15 Mar");
        let t = utc(2028, 12, 5, 10, 0);
        assert_eq!(format_date(t, Lang::Fi, now27), "5.12.2028");
        assert_eq!(format_date(t, Lang::Sv, now27), "5.12.2028");
        assert_eq!(format_date(t, Lang::En, now27), "5 Dec 2028");
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_minute() {
        for start in [now(), utc(2027, 3, 16, 10, 0), utc(2026, 12, 31, 21, 59)] {
            let end = start.checked_add_months(Months::new(24)).unwrap();
            let mut t = start + chrono::Duration::minutes(1);
            let mut checked = 0;
            while t <= end {
                let naive = t.with_timezone(&TZ).naive_local();
                // The second pass through the repeated October hour reads as the first.
                let repeated =
                    TZ.from_local_datetime(&naive).earliest() != Some(t.with_timezone(&TZ));
                if !repeated {
                    for lang in Lang::ALL {
                        let text = format_when(t, lang, start);
                        assert_eq!(parse_when(&text, start), Ok(t), "{text:?} at {start}");
                        checked += 1;
                    }
                }
                t += chrono::Duration::minutes(53);
            }
            assert!(checked > 50_000);
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            WhenError::NoSuchTime.to_string(),
            "that time does not exist in Helsinki: the clocks skip it when summer time begins"
        );
        assert_eq!(
            WhenError::TooFar.to_string(),
            "that time is more than two years ahead"
        );
    }
}
