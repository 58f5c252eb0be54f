//! Events: an Eron edessä evening, a partner visit at Pikku-Veturi, a launched group's first
//! meeting. People sign up (or queue when it is full), are reminded, and are asked for
//! feedback afterwards.

use super::{GroupId, Lang, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text written in one language, with optional translations. Shown in the reader's language
/// when there is a translation, else in the language it was written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventText {
    /// The language it was written in.
    pub base: Lang,
    /// The text per language (always has `base`).
    pub texts: BTreeMap<Lang, String>,
}

impl EventText {
    /// A text in one language.
    #[must_use]
    pub fn new(base: Lang, text: &str) -> EventText {
        EventText {
            base,
            texts: BTreeMap::from([(base, text.to_owned())]),
        }
    }

    /// The same text in every language (a group's name from the config).
    #[must_use]
    pub fn all(fi: &str, sv: &str, en: &str) -> EventText {
        EventText {
            base: Lang::Fi,
            texts: BTreeMap::from([
                (Lang::Fi, fi.to_owned()),
                (Lang::Sv, sv.to_owned()),
                (Lang::En, en.to_owned()),
            ]),
        }
    }

    /// The text for a reader.
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        self.texts
            .get(&lang)
            .or_else(|| self.texts.get(&self.base))
            .map_or("", String::as_str)
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id, used in deep links (`start=event-<id>`) and buttons.
    pub id: u64,
    /// The title.
    pub title: EventText,
    /// A short description.
    pub description: Option<EventText>,
    /// The group it belongs to, if any (a launched group's meetings).
    pub group: Option<GroupId>,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Seats; `None` for no limit.
    pub capacity: Option<u32>,
    /// The coordinator who created it.
    pub organiser: UserId,
    /// Cancelled events stay stored (their people were told) but are not shown.
    pub cancelled: bool,
    /// Bumped on every edit: reminders queued for an older version are not sent.
    pub version: u32,
    /// Signed up, in order.
    pub attendees: Vec<UserId>,
    /// Waiting for a seat, in order.
    pub waiting: Vec<UserId>,
    /// For an event from the config, its key there, so a restart updates it instead of
    /// creating it again.
    #[serde(default)]
    pub key: Option<String>,
}

impl Event {
    /// Whether every seat is taken.
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.attendees.len() >= usize::try_from(c).unwrap_or(usize::MAX))
    }

    /// Seats left, if the event has a limit.
    #[must_use]
    pub fn seats_left(&self) -> Option<usize> {
        self.capacity.map(|c| {
            usize::try_from(c)
                .unwrap_or(usize::MAX)
                .saturating_sub(self.attendees.len())
        })
    }

    /// Whether someone has a seat.
    #[must_use]
    pub fn attending(&self, user: UserId) -> bool {
        self.attendees.contains(&user)
    }

    /// Whether someone is in the waiting list.
    #[must_use]
    pub fn queued(&self, user: UserId) -> bool {
        self.waiting.contains(&user)
    }
}

/// A participant's answer to the feedback question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// 1 to 5.
    pub rating: u8,
    /// An optional comment.
    pub comment: Option<String>,
    /// When it was given.
    pub at: DateTime<Utc>,
}

/// Feedback of one event, added up for the coordinator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackSummary {
    /// Answers.
    pub count: usize,
    /// Answers per rating 1..=5 (index 0 is rating 1).
    pub distribution: [usize; 5],
    /// Comments, in the order given.
    pub comments: Vec<String>,
}

impl FeedbackSummary {
    /// Adds up answers.
    #[must_use]
    pub fn of<'a>(answers: impl IntoIterator<Item = &'a Feedback>) -> FeedbackSummary {
        let mut s = FeedbackSummary::default();
        for f in answers {
            if !(1..=5).contains(&f.rating) {
                continue;
            }
            s.count += 1;
            s.distribution[usize::from(f.rating - 1)] += 1;
            if let Some(c) = &f.comment {
                s.comments.push(c.clone());
            }
        }
        s
    }

    /// The mean rating, if anyone answered.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| {
            let total: usize = self
                .distribution
                .iter()
                .enumerate()
                .map(|(i, n)| (i + 1) * n)
                .sum();
            total as f64 / self.count as f64
        })
    }
}

/// Who a coordinator's broadcast goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Audience {
    /// Everyone signed up for an event.
    Event {
        /// The event.
        event: u64,
    },
    /// Every waiting family of a group.
    Waiting {
        /// The group.
        group: GroupId,
    },
    /// The families invited to a launch who have not answered yet.
    Invited {
        /// The launch.
        launch: u64,
    },
    /// The families who accepted a place in a launch.
    Accepted {
        /// The launch.
        launch: u64,
    },
}

/// A coordinator's message to many, and how its delivery went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broadcast {
    /// Stable id.
    pub id: u64,
    /// The coordinator who sent it (gets the delivery report).
    pub from: UserId,
    /// To whom.
    pub audience: Audience,
    /// The message, as written.
    pub text: String,
    /// Recipients.
    pub total: u32,
    /// Delivered.
    pub sent: u32,
    /// Blocked the bot or never started it.
    pub unreachable: u32,
    /// Failed after retries.
    pub failed: u32,
    /// When it was sent; its text is deleted `[privacy] broadcast_days` later. `None` in
    /// broadcasts from before it was kept (the daily job stamps them on first sight).
    #[serde(default)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Broadcast {
    /// Whether every recipient has been tried to the end.
    #[must_use]
    pub fn done(&self) -> bool {
        self.sent + self.unreachable + self.failed >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_falls_back_to_its_base_language() {
        let mut t = EventText::new(Lang::Fi, "Eron edessä -ilta");
        assert_eq!(t.get(Lang::Sv), "Eron edessä -ilta");
        t.texts.insert(Lang::Sv, "Inför skilsmässan".into());
        assert_eq!(t.get(Lang::Sv), "Inför skilsmässan");
        assert_eq!(t.get(Lang::En), "Eron edessä -ilta");
    }

    #[test]
    fn feedback_adds_up() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let f = |rating, comment: Option<&str>| Feedback {
            rating,
            comment: comment.map(str::to_owned),
            at,
        };
        let answers = [
            f(5, Some("Hyvä")),
            f(4, None),
            f(5, None),
            f(2, Some("Kahvi loppui")),
            f(9, None),
        ];
        let s = FeedbackSummary::of(answers.iter());
        assert_eq!(s.count, 4);
        assert_eq!(s.distribution, [0, 1, 0, 1, 2]);
        assert_eq!(s.mean(), Some(4.0));
        assert_eq!(
            s.comments,
            vec!["Hyvä".to_string(), "Kahvi loppui".to_string()]
        );
        assert_eq!(FeedbackSummary::default().mean(), None);
    }
}
