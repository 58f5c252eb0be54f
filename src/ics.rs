//! An `.ics` file (iCalendar, RFC 5545) for one meeting, so a parent can add it to their phone's
//! calendar with one tap, and have it updated or struck out when the meeting changes.
//!
//! [`render`] writes a `VCALENDAR` with `METHOD:PUBLISH` and a single `VEVENT`. Times are written
//! in UTC (`20270315T150000Z`), so no `VTIMEZONE` is needed and every calendar app shows the
//! meeting in its own zone. Calendar apps match updates by `UID`: send the same `uid` with a
//! higher `sequence` when a meeting moves, and `cancelled: true` when it is called off.
//!
//! Output rules kept (RFC 5545 §3.1, §3.3.11):
//! - Every line ends with CRLF, including the last.
//! - Text values escape `\` `;` `,` and turn every line break (`\r\n`, `\n`, `\r`) into `\n`;
//!   other control characters (which TEXT may not contain) are dropped, tabs kept.
//! - Lines longer than 75 octets are folded: the rest continues on the next line after one
//!   space. A fold never splits a UTF-8 character, and never leaves a space or tab at the end of
//!   a physical line (some readers trim trailing whitespace while unfolding and would lose it);
//!   it moves the fold point back to before the whitespace instead.
//!
//! Pure: the stamp is a field, not read from a clock.

use chrono::{DateTime, Utc};

/// The `PRODID` of every file kokoon writes: who made it, in the form RFC 5545 suggests.
const PRODID: &str = "-//kokoon//kokoon//FI";

/// The longest physical line RFC 5545 allows, in octets, not counting the CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// One meeting as it goes into a calendar file; the caller fills it from the group and the
/// meeting, so this module knows nothing of kokoon's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable id of the meeting; written as `UID:<uid>@kokoon`. Must stay the same across
    /// updates and cancellation so calendars replace the event rather than add a second one.
    pub uid: String,
    /// The meeting's name (`SUMMARY`).
    pub title: String,
    /// Longer text shown with the event (`DESCRIPTION`); left out when `None` or empty.
    pub description: Option<String>,
    /// Where the meeting is held (`LOCATION`).
    pub location: String,
    /// When the meeting starts (`DTSTART`).
    pub start: DateTime<Utc>,
    /// When the meeting ends (`DTEND`); left out unless after `start`, since RFC 5545 requires
    /// `DTEND` to be later than `DTSTART` (without it the event ends when it starts).
    pub end: DateTime<Utc>,
    /// When this version of the file was made (`DTSTAMP`), passed in to keep rendering pure.
    pub stamp: DateTime<Utc>,
    /// Revision number (`SEQUENCE`): raise it each time the meeting changes, so calendars take
    /// the new version over the old one.
    pub sequence: u32,
    /// Whether the meeting is called off (`STATUS:CANCELLED` instead of `STATUS:CONFIRMED`).
    pub cancelled: bool,
}

/// Writes `e` as a complete `.ics` file (CRLF line endings, folded at 75 octets), ready to be
/// sent as a document with MIME type `text/calendar`.
pub fn render(e: &IcsEvent) -> String {
    render_calendar(std::slice::from_ref(e))
}

/// Writes several meetings as one `.ics` calendar (the public page's feed of events), with the
/// same rules as [`render`]; an empty slice gives a valid calendar with no events.
pub fn render_calendar(events: &[IcsEvent]) -> String {
    let mut out = String::with_capacity(256 + 512 * events.len());
    let mut line = |content: &str| push_folded(&mut out, content);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODID}"));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@kokoon", escape_text(&e.uid)));
        line(&format!("DTSTAMP:{}", format_utc(e.stamp)));
        line(&format!("DTSTART:{}", format_utc(e.start)));
        if e.end > e.start {
            line(&format!("DTEND:{}", format_utc(e.end)));
        }
        line(&format!("SUMMARY:{}", escape_text(&e.title)));
        line(&format!("LOCATION:{}", escape_text(&e.location)));
        if let Some(description) = e.description.as_deref().filter(|d| !d.is_empty()) {
            line(&format!("DESCRIPTION:{}", escape_text(description)));
        }
        line(&format!("SEQUENCE:{}", e.sequence));
        line(if e.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        });
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// A UTC DATE-TIME value, `20270315T150000Z` (whole seconds).
fn format_utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, any
/// line break becomes `\n`, and control characters TEXT may not hold (all but tab) are dropped.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // "\r\n" is one line break, not two.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() && (c as u32) < 0x80 => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line to `out`, folded into physical lines of at most 75 octets, each
/// ending in CRLF; continuation lines start with a space (which counts toward their 75).
fn push_folded(out: &mut String, content: &str) {
    let mut rest = content;
    let mut first = true;
    loop {
        // Room for content on this physical line: a continuation line spends one on the space.
        let room = if first {
            MAX_LINE_OCTETS
        } else {
            MAX_LINE_OCTETS - 1
        };
        let cut = fold_point(rest, room);
        if !first {
            out.push(' ');
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        rest = &rest[cut..];
        first = false;
        if rest.is_empty() {
            break;
        }
    }
}

/// Where to end the next physical line holding the start of `s` in at most `room` octets: the
/// whole of `s` if it fits, otherwise the last character boundary that fits, moved back before
/// any spaces or tabs it would leave at the line end (unless that leaves nothing). Always at
/// least one character, so folding makes progress.
fn fold_point(s: &str, room: usize) -> usize {
    if s.len() <= room {
        return s.len();
    }
    let mut cut = room;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let trimmed = s[..cut].trim_end_matches([' ', '\t']).len();
    if trimmed > 0 {
        cut = trimmed;
    }
    if cut == 0 {
        // A character longer than the room (cannot happen with room ≥ 4): take it whole.
        cut = s.chars().next().map_or(s.len(), char::len_utf8);
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::io::BufReader;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn event() -> IcsEvent {
        IcsEvent {
            uid: "g42-m7".to_string(),
            title: "Vertaistukiryhmä".to_string(),
            description: Some("Tervetuloa!".to_string()),
            location: "Hyvinkään kirjasto".to_string(),
            start: utc(2027, 3, 15, 15, 0),
            end: utc(2027, 3, 15, 16, 30),
            stamp: utc(2027, 3, 1, 9, 5),
            sequence: 0,
            cancelled: false,
        }
    }

    /// Undoes `escape_text`, as a calendar app reading the file would.
    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The properties of the calendar and of its one event, parsed by the `ical` crate, as
    /// (name, raw value) pairs in order.
    type Props = Vec<(String, String)>;

    fn parse(ics: &str) -> (Props, Props) {
        let mut parser = ical::IcalParser::new(BufReader::new(ics.as_bytes()));
        let cal = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none(), "exactly one calendar");
        assert_eq!(cal.events.len(), 1, "exactly one event");
        let props = |ps: &[ical::property::Property]| -> Props {
            ps.iter()
                .map(|p| {
                    assert!(p.params.is_none(), "no parameters expected on {}", p.name);
                    (p.name.clone(), p.value.clone().unwrap_or_default())
                })
                .collect()
        };
        (props(&cal.properties), props(&cal.events[0].properties))
    }

    /// The value of property `name` in `props`, unescaped.
    fn text(props: &Props, name: &str) -> Option<String> {
        props
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| unescape(v))
    }

    /// Checks the physical form: CRLF only, at most 75 octets a line, continuation lines start
    /// with one space and never end in whitespace-only folds.
    fn assert_well_formed(ics: &str) {
        assert!(ics.ends_with("\r\n"), "ends with CRLF");
        let body = &ics[..ics.len() - 2];
        for line in body.split("\r\n") {
            assert!(
                !line.contains('\r') && !line.contains('\n'),
                "bare CR/LF in {line:?}"
            );
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
            assert!(!line.is_empty(), "empty line");
        }
    }

    /// The logical lines, unfolded by the RFC's rule alone (drop every CRLF + one space).
    fn unfold(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Renders `e`, checks its form, parses it back and checks every property round-trips.
    fn round_trip(e: &IcsEvent) -> String {
        let ics = render(e);
        assert_well_formed(&ics);
        let (cal, ev) = parse(&ics);
        assert_eq!(
            cal,
            vec![
                ("VERSION".to_string(), "2.0".to_string()),
                ("PRODID".to_string(), "-//kokoon//kokoon//FI".to_string()),
                ("CALSCALE".to_string(), "GREGORIAN".to_string()),
                ("METHOD".to_string(), "PUBLISH".to_string()),
            ]
        );
        assert_eq!(text(&ev, "UID"), Some(format!("{}@kokoon", e.uid)));
        assert_eq!(text(&ev, "DTSTAMP"), Some(format_utc(e.stamp)));
        assert_eq!(text(&ev, "DTSTART"), Some(format_utc(e.start)));
        assert_eq!(
            text(&ev, "DTEND"),
            (e.end > e.start).then(|| format_utc(e.end))
        );
        assert_eq!(text(&ev, "SUMMARY"), Some(e.title.clone()));
        assert_eq!(text(&ev, "LOCATION"), Some(e.location.clone()));
        assert_eq!(
            text(&ev, "DESCRIPTION"),
            e.description.clone().filter(|d| !d.is_empty())
        );
        assert_eq!(text(&ev, "SEQUENCE"), Some(e.sequence.to_string()));
        let status = if e.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        assert_eq!(text(&ev, "STATUS"), Some(status.to_string()));
        let names: Vec<&str> = ev.iter().map(|(n, _)| n.as_str()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "no property twice: {names:?}");
        ics
    }

    #[test]
    fn renders_the_expected_file() {
        let ics = render(&event());
        assert_eq!(
            ics,
            "BEGIN:VCALENDAR\r\n\
             VERSION:2.0\r\n\
             PRODID:-//kokoon//kokoon//FI\r\n\
             CALSCALE:GREGORIAN\r\n\
             METHOD:PUBLISH\r\n\
             BEGIN:VEVENT\r\n\
             UID:g42-m7@kokoon\r\n\
             DTSTAMP:20270301T090500Z\r\n\
             DTSTART:20270315T150000Z\r\n\
             DTEND:20270315T163000Z\r\n\
             SUMMARY:Vertaistukiryhmä\r\n\
             LOCATION:Hyvinkään kirjasto\r\n\
             DESCRIPTION:Tervetuloa!\r\n\
             SEQUENCE:0\r\n\
             STATUS:CONFIRMED\r\n\
             END:VEVENT\r\n\
             END:VCALENDAR\r\n"
        );
        round_trip(&event());
    }

    #[test]
    fn finnish_and_swedish_letters_round_trip() {
        let e = IcsEvent {
            title: "Äitien ja isien ryhmä – Föräldrargrupp på svenska, Åbo".to_string(),
            location: "Hyvinkää, Sillankorva; 2. krs".to_string(),
            description: Some("Ööliä ja ääliöitä ei ole; åäö ÅÄÖ".to_string()),
            ..event()
        };
        let ics = round_trip(&e);
        assert!(
            ics.contains("SUMMARY:Äitien ja isien ryhmä – Föräldrargrupp på svenska\\, Åbo\r\n")
        );
        assert!(ics.contains("LOCATION:Hyvinkää\\, Sillankorva\\; 2. krs\r\n"));
    }

    #[test]
    fn commas_semicolons_backslashes_and_newlines_are_escaped() {
        let e = IcsEvent {
            title: "a,b;c\\d".to_string(),
            description: Some("Rivi 1\nRivi 2\r\nRivi 3\rRivi 4\n\nloppu".to_string()),
            location: "Katu 1, 05800 Hyvinkää".to_string(),
            ..event()
        };
        let ics = render(&e);
        assert!(ics.contains("SUMMARY:a\\,b\\;c\\\\d\r\n"));
        assert!(ics.contains("DESCRIPTION:Rivi 1\\nRivi 2\\nRivi 3\\nRivi 4\\n\\nloppu\r\n"));
        assert!(ics.contains("LOCATION:Katu 1\\, 05800 Hyvinkää\r\n"));
        // Every kind of line break reads back as "\n".
        let normalized = IcsEvent {
            description: Some("Rivi 1\nRivi 2\nRivi 3\nRivi 4\n\nloppu".to_string()),
            ..e
        };
        round_trip(&normalized);
        assert_eq!(text(&parse(&ics).1, "DESCRIPTION"), normalized.description);
    }

    #[test]
    fn control_characters_are_dropped_tabs_kept() {
        let e = IcsEvent {
            title: "a\u{0}b\u{7}c\u{1b}d\te\u{7f}f".to_string(),
            ..event()
        };
        let ics = render(&e);
        assert!(ics.contains("SUMMARY:abcd\tef\r\n"));
        let (_, ev) = parse(&ics);
        assert_eq!(text(&ev, "SUMMARY"), Some("abcd\tef".to_string()));
    }

    #[test]
    fn a_long_description_is_folded() {
        let description: String = "Vertaistukea vanhemmille, joiden lapsella on erityisen tuen \
                                   tarve; kahvia ja pullaa tarjolla. "
            .chars()
            .cycle()
            .take(299)
            .chain(['!'])
            .collect();
        assert_eq!(description.chars().count(), 300);
        let e = IcsEvent {
            description: Some(description.clone()),
            ..event()
        };
        let ics = round_trip(&e);
        let physical: Vec<&str> = ics.split("\r\n").collect();
        let start = physical
            .iter()
            .position(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        // "DESCRIPTION:" + 300+ escaped octets needs at least five physical lines.
        let continuation = physical[start + 1..]
            .iter()
            .take_while(|l| l.starts_with(' '))
            .count();
        assert!(continuation >= 4, "{continuation} continuation lines");
        // Unfolding by the RFC's rule alone gives back the one logical line.
        let logical = unfold(&ics);
        let line = logical
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert_eq!(unescape(&line["DESCRIPTION:".len()..]), description);
    }

    #[test]
    fn folding_never_splits_a_character() {
        // "SUMMARY:" is 8 octets; 66 more make 74, so a 4-octet emoji would straddle octet 75
        // and must move whole to the next line.
        let title = format!("{}🎉 juhlat", "a".repeat(66));
        let e = IcsEvent {
            title: title.clone(),
            ..event()
        };
        let ics = round_trip(&e);
        assert!(ics.contains(&format!("SUMMARY:{}\r\n 🎉 juhlat\r\n", "a".repeat(66))));
        // Emoji and ä/ö all the way: every offset of the boundary within a character.
        for pad in 0..8 {
            let title = format!("{}{}", "x".repeat(pad), "🎉ä€ö👨‍👩‍👧".repeat(20));
            let e = IcsEvent {
                title: title.clone(),
                description: Some(format!("{}{}", "y".repeat(pad), "åäö🙂".repeat(40))),
                ..event()
            };
            round_trip(&e);
        }
    }

    #[test]
    fn folding_keeps_whitespace_off_line_ends() {
        // A space exactly at the fold point moves to the next line instead of ending this one.
        let title = format!("{} {}", "a".repeat(66), "b".repeat(20));
        let e = IcsEvent {
            title: title.clone(),
            ..event()
        };
        let ics = round_trip(&e);
        assert!(ics.contains(&format!(
            "SUMMARY:{}\r\n  {}\r\n",
            "a".repeat(66),
            "b".repeat(20)
        )));
        // Many spaces in a row and words of every length still round-trip.
        for pad in 0..12 {
            let description = format!(
                "{}{}",
                "z".repeat(pad),
                "sana  välissä   kolme    neljä\tsarkain ".repeat(12)
            );
            let e = IcsEvent {
                description: Some(description.trim_end().to_string()),
                ..event()
            };
            round_trip(&e);
        }
    }

    #[test]
    fn fold_point_rules() {
        assert_eq!(fold_point("abc", 75), 3);
        assert_eq!(fold_point("abcdef", 4), 4);
        assert_eq!(fold_point("ab cdef", 4), 4); // "ab c" ends in a letter: fine
        assert_eq!(fold_point("abc def", 4), 3); // not "abc " with the space at the end
        assert_eq!(fold_point("a   bcdef", 4), 1);
        assert_eq!(fold_point("    bcdef", 4), 4); // all whitespace: nothing better to do
        assert_eq!(fold_point("aäb", 2), 1); // 'ä' is two octets
        assert_eq!(fold_point("🎉", 2), 4); // a character longer than the room goes whole
    }

    #[test]
    fn every_line_is_at_most_75_octets_and_ends_in_crlf() {
        for n in 0..200 {
            let e = IcsEvent {
                uid: format!("uid-{}", "u".repeat(n)),
                title: "Å".repeat(n),
                location: "Ä,".repeat(n / 2),
                description: Some("ö 🙂;".repeat(n)),
                ..event()
            };
            let ics = round_trip(&e);
            assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
            assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
        }
    }

    #[test]
    fn cancelled_and_sequence() {
        let e = IcsEvent {
            cancelled: true,
            sequence: 3,
            ..event()
        };
        let ics = round_trip(&e);
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(!ics.contains("CONFIRMED"));
        assert!(ics.contains("\r\nSEQUENCE:3\r\n"));
        assert!(ics.contains("\r\nMETHOD:PUBLISH\r\n"));
    }

    #[test]
    fn missing_or_empty_description_is_left_out() {
        for description in [None, Some(String::new())] {
            let e = IcsEvent {
                description,
                ..event()
            };
            let ics = round_trip(&e);
            assert!(!ics.contains("DESCRIPTION"));
        }
    }

    #[test]
    fn end_not_after_start_is_left_out() {
        for end in [utc(2027, 3, 15, 15, 0), utc(2027, 3, 15, 14, 0)] {
            let e = IcsEvent { end, ..event() };
            let ics = round_trip(&e);
            assert!(!ics.contains("DTEND"));
            assert!(ics.contains("\r\nDTSTART:20270315T150000Z\r\n"));
        }
    }

    #[test]
    fn seconds_are_kept_and_fractions_dropped() {
        let e = IcsEvent {
            start: Utc.with_ymd_and_hms(2027, 3, 15, 15, 0, 59).unwrap()
                + chrono::Duration::milliseconds(999),
            ..event()
        };
        assert!(render(&e).contains("\r\nDTSTART:20270315T150059Z\r\n"));
    }

    #[test]
    fn uid_is_escaped_and_suffixed() {
        let e = IcsEvent {
            uid: "a,b;c".to_string(),
            ..event()
        };
        let ics = round_trip(&e);
        assert!(ics.contains("\r\nUID:a\\,b\\;c@kokoon\r\n"));
    }
}
