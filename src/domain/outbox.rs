//! Messages to people other than the one talking: alerts, invitations, launch progress. They are
//! written to the store's outbox in the same transaction as the change that caused them, and
//! rendered only when sent, in the recipient's language and with the data as it is then.

use super::{GroupId, Pool, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a queued message says, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outgoing {
    /// To a coordinator: demand in a pool reached the threshold.
    Alert {
        /// The pool.
        pool: Pool,
    },
    /// To a coordinator: another coordinator of the group could not be reached with an alert.
    Missed {
        /// The pool of the alert.
        pool: Pool,
        /// The unreachable coordinator's config name.
        coordinator: String,
    },
    /// To a parent: a place in a launched group.
    Invitation {
        /// The launch.
        launch: u64,
    },
    /// To the launching coordinator: a family answered.
    Answered {
        /// The launch.
        launch: u64,
        /// Who answered.
        user: UserId,
        /// Yes or no.
        accepted: bool,
    },
    /// To a parent: their invitation ran out and the seat passed on.
    Expired {
        /// The launch.
        launch: u64,
    },
    /// To the launching coordinator: everyone has answered; the final list.
    FinalList {
        /// The launch.
        launch: u64,
    },
    /// To an attendee: an event is coming. Skipped if the event changed since (`version`), was
    /// cancelled, has started, or the person is no longer signed up.
    Reminder {
        /// The event.
        event: u64,
        /// The event's version when this reminder was queued.
        version: u32,
    },
    /// To attendees and the waiting list: the time, place or text of an event changed.
    EventChanged {
        /// The event.
        event: u64,
    },
    /// To attendees and the waiting list: an event was cancelled.
    EventCancelled {
        /// The event.
        event: u64,
    },
    /// To the first in the waiting list: a seat was freed and is now theirs.
    Promoted {
        /// The event.
        event: u64,
    },
    /// To an attendee, after the event: how was it?
    FeedbackRequest {
        /// The event.
        event: u64,
    },
    /// To one recipient of a coordinator's broadcast.
    Broadcast {
        /// The broadcast.
        broadcast: u64,
    },
    /// To the coordinator, once every recipient was tried: sent, unreachable, failed.
    BroadcastReport {
        /// The broadcast.
        broadcast: u64,
    },
    /// To a parent, a week before their registration reaches the end of the retention period:
    /// it will be deleted unless they confirm it again.
    RetentionNotice {
        /// The registration's group.
        group: GroupId,
    },
}

impl Outgoing {
    /// Whether the message may wake someone at night. Quiet hours hold back everything else:
    /// alerts, invitations and their expiry, answers and lists, feedback questions. A changed or
    /// cancelled event and a coordinator's broadcast go at once (they may be about tomorrow
    /// morning); reminders have their own rule and are already timed.
    #[must_use]
    pub fn urgent(&self) -> bool {
        matches!(
            self,
            Outgoing::EventChanged { .. }
                | Outgoing::EventCancelled { .. }
                | Outgoing::Promoted { .. }
                | Outgoing::Broadcast { .. }
                | Outgoing::BroadcastReport { .. }
                | Outgoing::Reminder { .. }
        )
    }
}

/// One queued message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// The recipient.
    pub to: UserId,
    /// Not before this time (retries are pushed later).
    pub due: DateTime<Utc>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// What it says.
    pub message: Outgoing,
}
