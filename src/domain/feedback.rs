//! Feedback after an event, and the report the municipality gets from it.
//!
//! A group asks the questions its config lists ([`Question`]; by default the ones the spring
//! partner visits at Pikku-Veturi used: was it useful, should it continue, a rating 1–5 and a
//! free comment). A parent answers them one by one; [`record`] folds each answer into their
//! one [`Feedback`] record. [`Report::of`] adds the records of one event, a series or a period
//! up for a coordinator — anonymously: no name and no id is kept beside an answer in the report,
//! comments are sorted (not in the order given), and with fewer than [`MIN_ANSWERS`] answers
//! the report holds the count only, so that no one is singled out.

use super::event::Event;
use super::when::TZ;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

/// Fewer answers than this, and a report shows how many there were, nothing more.
pub const MIN_ANSWERS: usize = 5;

/// Longest feedback comment kept, in characters.
pub const MAX_COMMENT: usize = 1000;

/// One feedback question a group may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Was it useful: yes, partly or no.
    Useful,
    /// Would you want this to continue: yes or no.
    Continue,
    /// A rating from 1 (poor) to 5 (excellent).
    Rating,
    /// A free comment (always asked last).
    Comment,
}

impl Question {
    /// The questions asked when a group's config names none.
    pub const DEFAULT: [Question; 4] = [
        Question::Useful,
        Question::Continue,
        Question::Rating,
        Question::Comment,
    ];

    /// The name in the config (`useful`, `continue`, `rating`, `comment`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Question::Useful => "useful",
            Question::Continue => "continue",
            Question::Rating => "rating",
            Question::Comment => "comment",
        }
    }

    /// Parses a config name.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Question> {
        Question::DEFAULT.into_iter().find(|q| q.name() == s)
    }

    /// One letter in callback data.
    #[must_use]
    pub fn code(self) -> char {
        match self {
            Question::Useful => 'u',
            Question::Continue => 'c',
            Question::Rating => 'r',
            Question::Comment => 't',
        }
    }

    /// Parses a callback letter.
    #[must_use]
    pub fn from_code(c: char) -> Option<Question> {
        Question::DEFAULT.into_iter().find(|q| q.code() == c)
    }

    /// The options of a question answered with a button: their numbers in callback data.
    /// Useful: 0 yes, 1 partly, 2 no; continue: 0 yes, 1 no; rating: 1 to 5. None for a comment.
    #[must_use]
    pub fn options(self) -> &'static [u8] {
        match self {
            Question::Useful => &[0, 1, 2],
            Question::Continue => &[0, 1],
            Question::Rating => &[1, 2, 3, 4, 5],
            Question::Comment => &[],
        }
    }
}

/// The question after `after` in a group's list (the first for `None`); `None` when there is
/// no more to ask.
#[must_use]
pub fn next(questions: &[Question], after: Option<Question>) -> Option<Question> {
    match after {
        None => questions.first().copied(),
        Some(a) => questions
            .iter()
            .position(|q| *q == a)
            .and_then(|i| questions.get(i + 1))
            .copied(),
    }
}

/// Was it useful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Useful {
    /// Yes.
    Yes,
    /// Partly.
    Partly,
    /// No.
    No,
}

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Was it useful.
    Useful(Useful),
    /// Should it continue.
    Continue(bool),
    /// 1 to 5.
    Rating(u8),
    /// A free comment.
    Comment(String),
}

impl Answer {
    /// The answer a button stands for: a question and its option number (see
    /// [`Question::options`]); `None` for an option the question does not have.
    #[must_use]
    pub fn of_option(q: Question, option: u8) -> Option<Answer> {
        match (q, option) {
            (Question::Useful, 0) => Some(Answer::Useful(Useful::Yes)),
            (Question::Useful, 1) => Some(Answer::Useful(Useful::Partly)),
            (Question::Useful, 2) => Some(Answer::Useful(Useful::No)),
            (Question::Continue, 0) => Some(Answer::Continue(true)),
            (Question::Continue, 1) => Some(Answer::Continue(false)),
            (Question::Rating, r @ 1..=5) => Some(Answer::Rating(r)),
            _ => None,
        }
    }

    /// The question it answers.
    #[must_use]
    pub fn question(&self) -> Question {
        match self {
            Answer::Useful(_) => Question::Useful,
            Answer::Continue(_) => Question::Continue,
            Answer::Rating(_) => Question::Rating,
            Answer::Comment(_) => Question::Comment,
        }
    }
}

/// One participant's feedback on an event. Stored under a keyed tag of the person (so that an
/// answer given twice replaces the first and `/mydata` and `/forget` find it), never shown with
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Was it useful.
    #[serde(default)]
    pub useful: Option<Useful>,
    /// Should it continue.
    #[serde(default, rename = "continue")]
    pub go_on: Option<bool>,
    /// 1 to 5.
    #[serde(default)]
    pub rating: Option<u8>,
    /// A free comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// When it was last answered.
    pub at: DateTime<Utc>,
}

impl Feedback {
    /// A record with no answer yet.
    #[must_use]
    pub fn empty(at: DateTime<Utc>) -> Feedback {
        Feedback {
            useful: None,
            go_on: None,
            rating: None,
            comment: None,
            at,
        }
    }
}

/// Folds one answer into a person's feedback record (a second answer to a question replaces the
/// first). `None` when the answer is not one to keep (a rating out of range, an empty comment).
/// A comment is trimmed and cut to [`MAX_COMMENT`] characters.
#[must_use]
pub fn record(old: Option<Feedback>, answer: &Answer, now: DateTime<Utc>) -> Option<Feedback> {
    let mut f = old.unwrap_or_else(|| Feedback::empty(now));
    f.at = now;
    match answer {
        Answer::Useful(u) => f.useful = Some(*u),
        Answer::Continue(c) => f.go_on = Some(*c),
        Answer::Rating(r) if (1..=5).contains(r) => f.rating = Some(*r),
        Answer::Rating(_) => return None,
        Answer::Comment(t) => {
            let t: String = t.trim().chars().take(MAX_COMMENT).collect();
            if t.is_empty() {
                return None;
            }
            f.comment = Some(t);
        }
    }
    Some(f)
}

/// Longest series key: it travels in callback data (`rp:s:<key>`, at most 64 bytes).
pub const MAX_SERIES_KEY: usize = 48;

/// Whether a series key is well formed: 1 to [`MAX_SERIES_KEY`] lowercase letters and digits,
/// separated by single hyphens.
#[must_use]
pub fn is_series_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SERIES_KEY
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// What a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One event.
    Event(u64),
    /// Every meeting of a series.
    Series(String),
    /// Every event that started in these months (Helsinki time), both included.
    Period {
        /// The first month.
        from: Month,
        /// The last month.
        to: Month,
    },
}

/// A calendar month in Helsinki.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month (in Helsinki) a time falls in.
    #[must_use]
    pub fn of(t: DateTime<Utc>) -> Month {
        let local = t.with_timezone(&TZ);
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    /// `YYYYMM`, for callback data.
    #[must_use]
    pub fn code(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }

    /// Parses `YYYYMM` or `YYYY-MM`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Month> {
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = digits.get(..4)?.parse().ok()?;
        let month = digits.get(4..)?.parse().ok()?;
        ((1..=12).contains(&month) && (2000..=2200).contains(&year))
            .then_some(Month { year, month })
    }
}

/// Whether an event belongs in a report's scope. Cancelled events and events still to come
/// belong to none.
#[must_use]
pub fn in_scope(e: &Event, scope: &Scope, now: DateTime<Utc>) -> bool {
    if e.cancelled || e.start > now {
        return false;
    }
    match scope {
        Scope::Event(id) => e.id == *id,
        Scope::Series(key) => e.series.as_deref() == Some(key.as_str()),
        Scope::Period { from, to } => (*from..=*to).contains(&Month::of(e.start)),
    }
}

/// The answers of one question with buttons, counted per option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally<const N: usize> {
    /// Answers per option, in the order of [`Question::options`].
    pub counts: [usize; N],
}

impl<const N: usize> Default for Tally<N> {
    fn default() -> Self {
        Tally { counts: [0; N] }
    }
}

impl<const N: usize> Tally<N> {
    /// How many answered the question.
    #[must_use]
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Each option's share of the answers, in whole percent (rounded half up); all zero when no
    /// one answered.
    #[must_use]
    pub fn percents(&self) -> [usize; N] {
        let total = self.total();
        self.counts.map(|n| percent(n, total))
    }
}

/// `part` of `whole` in whole percent, rounded half up; 0 of nothing.
#[must_use]
pub fn percent(part: usize, whole: usize) -> usize {
    if whole == 0 {
        return 0;
    }
    (part * 200 + whole) / (whole * 2)
}

/// The figures a report may show once there are [`MIN_ANSWERS`] answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Was it useful: yes, partly, no.
    pub useful: Tally<3>,
    /// Should it continue: yes, no.
    pub go_on: Tally<2>,
    /// Ratings 1 to 5 (index 0 is 1).
    pub ratings: Tally<5>,
    /// The comments, sorted (so their order tells nothing of who gave them or when).
    pub comments: Vec<String>,
}

impl Figures {
    /// The mean rating, if anyone rated.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        let n = self.ratings.total();
        (n > 0).then(|| {
            let sum: usize = (1..=5).zip(self.ratings.counts).map(|(r, c)| r * c).sum();
            sum as f64 / n as f64
        })
    }
}

/// Feedback added up for a coordinator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// How many people answered (at least one question).
    pub answers: usize,
    /// The shares, the mean and the comments; `None` with fewer than [`MIN_ANSWERS`] answers.
    pub figures: Option<Figures>,
}

impl Report {
    /// Adds up feedback records.
    #[must_use]
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Feedback>) -> Report {
        let mut answers = 0;
        let mut f = Figures::default();
        for r in records {
            answers += 1;
            match r.useful {
                Some(Useful::Yes) => f.useful.counts[0] += 1,
                Some(Useful::Partly) => f.useful.counts[1] += 1,
                Some(Useful::No) => f.useful.counts[2] += 1,
                None => {}
            }
            match r.go_on {
                Some(true) => f.go_on.counts[0] += 1,
                Some(false) => f.go_on.counts[1] += 1,
                None => {}
            }
            if let Some(n @ 1..=5) = r.rating {
                f.ratings.counts[usize::from(n - 1)] += 1;
            }
            if let Some(c) = &r.comment {
                f.comments.push(c.clone());
            }
        }
        f.comments.sort();
        Report {
            answers,
            figures: (answers >= MIN_ANSWERS).then_some(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 16, 18, 0, 0)
            .single()
            .expect("time")
    }

    fn fb(useful: Option<Useful>, go_on: Option<bool>, rating: Option<u8>, c: &str) -> Feedback {
        Feedback {
            useful,
            go_on,
            rating,
            comment: (!c.is_empty()).then(|| c.to_owned()),
            at: at(),
        }
    }

    #[test]
    fn the_next_question_follows_the_groups_list() {
        let qs = Question::DEFAULT;
        assert_eq!(next(&qs, None), Some(Question::Useful));
        assert_eq!(next(&qs, Some(Question::Useful)), Some(Question::Continue));
        assert_eq!(next(&qs, Some(Question::Rating)), Some(Question::Comment));
        assert_eq!(next(&qs, Some(Question::Comment)), None);
        let short = [Question::Rating];
        assert_eq!(next(&short, Some(Question::Rating)), None);
        assert_eq!(next(&short, Some(Question::Useful)), None, "not asked");
        assert_eq!(next(&[], None), None);
    }

    #[test]
    fn answers_fold_into_one_record_and_a_second_answer_replaces_the_first() {
        let f = record(None, &Answer::Useful(Useful::Partly), at()).expect("kept");
        let f = record(Some(f), &Answer::Rating(4), at()).expect("kept");
        let f = record(Some(f), &Answer::Rating(2), at()).expect("kept");
        let f = record(Some(f), &Answer::Comment("  Kiitos!  ".into()), at()).expect("kept");
        assert_eq!(f, fb(Some(Useful::Partly), None, Some(2), "Kiitos!"));
        assert_eq!(record(Some(f.clone()), &Answer::Rating(6), at()), None);
        assert_eq!(record(Some(f), &Answer::Comment("   ".into()), at()), None);
        let long = "ä".repeat(MAX_COMMENT + 10);
        let kept = record(None, &Answer::Comment(long), at()).expect("kept");
        assert_eq!(kept.comment.map(|c| c.chars().count()), Some(MAX_COMMENT));
    }

    #[test]
    fn buttons_map_to_answers_and_nothing_else() {
        assert_eq!(
            Answer::of_option(Question::Useful, 1),
            Some(Answer::Useful(Useful::Partly))
        );
        assert_eq!(
            Answer::of_option(Question::Continue, 1),
            Some(Answer::Continue(false))
        );
        assert_eq!(
            Answer::of_option(Question::Rating, 5),
            Some(Answer::Rating(5))
        );
        for (q, bad) in [
            (Question::Useful, 3),
            (Question::Continue, 2),
            (Question::Rating, 0),
            (Question::Rating, 6),
            (Question::Comment, 0),
        ] {
            assert_eq!(Answer::of_option(q, bad), None, "{q:?} {bad}");
        }
        for q in Question::DEFAULT {
            assert_eq!(Question::from_code(q.code()), Some(q));
            assert_eq!(Question::from_name(q.name()), Some(q));
            for o in q.options() {
                assert_eq!(Answer::of_option(q, *o).map(|a| a.question()), Some(q));
            }
        }
    }

    #[test]
    fn fewer_than_five_answers_give_the_count_only() {
        let four: Vec<Feedback> = (0..4)
            .map(|_| fb(Some(Useful::Yes), Some(true), Some(5), "hyvä"))
            .collect();
        let r = Report::of(four.iter());
        assert_eq!(r.answers, 4);
        assert_eq!(r.figures, None);
        assert_eq!(Report::of([].iter()), Report::default());
    }

    #[test]
    fn a_report_counts_shares_mean_and_sorted_comments() {
        let records = [
            fb(Some(Useful::Yes), Some(true), Some(5), "Kahvi oli hyvää."),
            fb(Some(Useful::Yes), Some(true), Some(4), ""),
            fb(Some(Useful::Partly), Some(true), Some(4), "Aika oli lyhyt."),
            fb(Some(Useful::Yes), Some(false), None, ""),
            fb(None, Some(true), Some(3), ""),
            fb(Some(Useful::No), None, Some(5), "Bra kväll."),
        ];
        let r = Report::of(records.iter());
        assert_eq!(r.answers, 6);
        let f = r.figures.expect("six answers show figures");
        assert_eq!(f.useful.counts, [3, 1, 1]);
        assert_eq!(f.useful.percents(), [60, 20, 20]);
        assert_eq!(f.go_on.counts, [4, 1]);
        assert_eq!(f.go_on.percents(), [80, 20]);
        assert_eq!(f.ratings.counts, [0, 0, 1, 2, 2]);
        assert_eq!(f.mean(), Some(4.2));
        assert_eq!(
            f.comments,
            vec!["Aika oli lyhyt.", "Bra kväll.", "Kahvi oli hyvää."]
        );
    }

    #[test]
    fn series_keys_are_short_lowercase_words() {
        assert!(is_series_key("eron-edessa-kevat-2027"));
        assert!(is_series_key(&"s".repeat(MAX_SERIES_KEY)));
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Kevät",
            "a b",
            &"s".repeat(MAX_SERIES_KEY + 1),
        ] {
            assert!(!is_series_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn percents_round_half_up() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(7, 7), 100);
    }

    #[test]
    fn months_parse_and_contain_helsinki_times() {
        assert_eq!(
            Month::parse("2027-03"),
            Some(Month {
                year: 2027,
                month: 3
            })
        );
        assert_eq!(
            Month::parse("202705").map(Month::code).as_deref(),
            Some("202705")
        );
        for bad in ["2027-13", "2027-3", "27-03", "x02703", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        // 31 March 23:30 UTC is already 1 April in Helsinki (summer time, +3).
        let t = Utc
            .with_ymd_and_hms(2027, 3, 31, 23, 30, 0)
            .single()
            .expect("time");
        assert_eq!(
            Month::of(t),
            Month {
                year: 2027,
                month: 4
            }
        );
    }
}
