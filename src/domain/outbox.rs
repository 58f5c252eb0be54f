//! Messages to people other than the one talking: alerts, invitations, launch progress. They are
//! written to the store's outbox in the same transaction as the change that caused them, and
//! rendered only when sent, in the recipient's language and with the data as it is then.

use super::schedule::QuietHours;
use super::{Answer, Event, GroupId, Launch, Pause, Pool, PoolState, Registration, Status, UserId};
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
    /// To a launch's families: the coordinator moved or cancelled meetings of the group's
    /// series; one message lists every changed meeting.
    SeriesChanged {
        /// The launch.
        launch: u64,
        /// The changed meetings.
        events: Vec<u64>,
    },
    /// To an attendee, after the event: how was it?
    FeedbackRequest {
        /// The event.
        event: u64,
        /// The event's version when the question was queued: one queued before the event was
        /// moved or edited is dropped (the change queues its own). `None` in questions queued
        /// before versions were kept: they go as before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<u32>,
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
    /// To a parent whose registration has waited `[privacy] renew_months` since they last
    /// confirmed it: are they still interested? ([`super::renewal`])
    RenewalAsk {
        /// The registration's group.
        group: GroupId,
    },
    /// To the other parent of a shared registration: the first parent no longer shares it
    /// with them ([`super::family`]). Neutral; they keep nothing unless they register.
    FamilyUnlinked {
        /// The registration's group.
        group: GroupId,
    },
    /// To the other parent of a shared registration: one of them accepted the family's
    /// invitation; the first meeting's time and place ([`super::family`]).
    FamilyAccepted {
        /// The launch.
        launch: u64,
    },
    /// To the coordinator whose link it was: someone became a facilitator.
    FacilitatorJoined {
        /// The new facilitator.
        user: UserId,
        /// The groups they facilitate now.
        groups: Vec<GroupId>,
    },
    /// To a facilitator a coordinator removed: they no longer facilitate these groups.
    FacilitatorRemoved {
        /// The groups.
        groups: Vec<GroupId>,
    },
    /// To a facilitator the launching coordinator asked: the proposed time and place, yes or no.
    LaunchProposal {
        /// The launch.
        launch: u64,
    },
    /// To the launching coordinator: a facilitator answered the proposal.
    ProposalAnswered {
        /// The launch.
        launch: u64,
        /// The facilitator.
        user: UserId,
        /// Yes or no.
        yes: bool,
    },
    /// To a family who accepted a place in a launch: a message from a facilitator of the
    /// group (`/write`), a broadcast with `facilitator` set.
    GroupMessage {
        /// The broadcast.
        broadcast: u64,
    },
    /// To each coordinator of a group: a facilitator of it asks for support (`/support`).
    Support {
        /// The group.
        group: GroupId,
        /// The facilitator.
        from: UserId,
        /// What they wrote.
        text: String,
    },
    /// To a parent whose child grew too old for a group while waiting ([`super::child::grow`]):
    /// the child no longer counts there; here are the groups that fit now.
    AgedOut {
        /// The registration's group.
        group: GroupId,
        /// The children who aged out.
        children: Vec<super::Child>,
        /// Whether the registration stays, for its other children.
        kept: bool,
    },
}

/// How quiet hours treat a kind of message. Every [`Outgoing`] kind has exactly one, in
/// [`Outgoing::urgency`]; [`when_to_send`] is the one rule that applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Goes at once, at night too: it may be about tomorrow morning (a changed or cancelled
    /// event, a freed seat, a coordinator's broadcast and its report).
    Urgent,
    /// Waits until quiet hours end: nothing in it needs anyone awake at night (alerts,
    /// invitations and everything that follows from them, feedback questions, retention
    /// notices, the renewal question).
    Held,
    /// Already timed by its own rule when it was queued, and goes at that time: reminders, whose
    /// due time [`super::schedule::due`] moved out of quiet hours (the README's reminder rule).
    Timed,
}

impl Outgoing {
    /// The kind's place in the quiet-hours rule. The list is written once, here, with no
    /// catch-all arm: a new kind does not compile until someone decides whether it may wake a
    /// family at night.
    #[must_use]
    pub fn urgency(&self) -> Urgency {
        match self {
            Outgoing::EventChanged { .. }
            | Outgoing::EventCancelled { .. }
            | Outgoing::Promoted { .. }
            | Outgoing::SeriesChanged { .. }
            | Outgoing::Broadcast { .. }
            | Outgoing::BroadcastReport { .. } => Urgency::Urgent,
            Outgoing::Alert { .. }
            | Outgoing::Missed { .. }
            | Outgoing::Invitation { .. }
            | Outgoing::Answered { .. }
            | Outgoing::Expired { .. }
            | Outgoing::FinalList { .. }
            | Outgoing::FeedbackRequest { .. }
            | Outgoing::RetentionNotice { .. }
            | Outgoing::RenewalAsk { .. }
            | Outgoing::FamilyUnlinked { .. }
            | Outgoing::FamilyAccepted { .. }
            | Outgoing::FacilitatorJoined { .. }
            | Outgoing::FacilitatorRemoved { .. }
            | Outgoing::LaunchProposal { .. }
            | Outgoing::ProposalAnswered { .. }
            | Outgoing::GroupMessage { .. }
            | Outgoing::Support { .. }
            | Outgoing::AgedOut { .. } => Urgency::Held,
            Outgoing::Reminder { .. } => Urgency::Timed,
        }
    }
}

/// When a message due at `due` goes, seen at `now`: never before `due`; an urgent or timed one
/// at once from then on; a held one not inside quiet hours, but exactly when they end. The one
/// quiet-hours rule for every kind of message: the store uses it to queue, the sender to send,
/// and the engine to tell a coordinator when their action's messages will go.
#[must_use]
pub fn when_to_send(
    message: &Outgoing,
    due: DateTime<Utc>,
    quiet: &QuietHours,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let earliest = due.max(now);
    match message.urgency() {
        Urgency::Urgent | Urgency::Timed => earliest,
        Urgency::Held => quiet.daytime(earliest),
    }
}

/// What is true, when a message is about to go, of the things it is about. The sender's side
/// gathers them (each kind needs only a few); [`still_holds`] decides.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The recipient.
    pub to: UserId,
    /// The time of sending.
    pub now: DateTime<Utc>,
    /// The pool's state (for an alert).
    pub pool: Option<&'a PoolState>,
    /// The pool's launches (for an alert).
    pub pool_launches: &'a [Launch],
    /// The launch the message is about.
    pub launch: Option<&'a Launch>,
    /// The event the message is about.
    pub event: Option<&'a Event>,
    /// The recipient's registration for the group the message is about.
    pub registration: Option<&'a Registration>,
    /// The recipient has given feedback on the event already.
    pub feedback_given: bool,
    /// The broadcast the message is about exists.
    pub broadcast: bool,
}

/// Whether the reason a message was queued still holds when it is about to go; a message whose
/// reason has passed is dropped, not sent. Checked for every kind (no catch-all arm), so a
/// message held back by quiet hours says nothing that stopped being true overnight.
#[must_use]
pub fn still_holds(message: &Outgoing, f: &Facts<'_>) -> bool {
    let live = |e: &&Event| !e.cancelled && e.start > f.now;
    let invitation = |l: &&Launch| l.own_answer(f.to);
    match message {
        // The pool is still over its threshold and was not launched since it crossed.
        Outgoing::Alert { .. } => f
            .pool
            .is_some_and(|s| super::pool::alert_holds(s, f.pool_launches)),
        // News that a coordinator was missed stays true.
        Outgoing::Missed { .. } => true,
        // Not answered yet (by them, nor for their family by the other parent), and the
        // launch is still open.
        Outgoing::Invitation { .. } => f.launch.is_some_and(|l| {
            !l.closed
                && invitation(&l) == Some(Answer::Pending)
                && l.family_invitation(f.to)
                    .is_some_and(|i| i.answer == Answer::Pending)
        }),
        Outgoing::Answered { .. } => f.launch.is_some(),
        // Expired, and the registration still paused for it (not resumed or withdrawn since).
        // (For a shared family: the family's invitation, whatever either parent said.)
        Outgoing::Expired { launch } => {
            f.launch.is_some_and(|l| {
                l.family_invitation(f.to).map(|i| i.answer) == Some(Answer::Expired)
            }) && f.registration.is_some_and(|r| {
                r.status
                    == Status::Paused {
                        why: Pause::InvitationExpired { launch: *launch },
                    }
            })
        }
        Outgoing::FinalList { .. } => f.launch.is_some_and(|l| l.closed),
        // The event is as it was when the reminder was queued, and they are still coming.
        Outgoing::Reminder { version, .. } => f.event.filter(live).is_some_and(|e| {
            e.version == *version
                && (e.attending(f.to)
                    || e.facilitators.contains(&f.to)
                    || e.co_parents.contains(&f.to))
        }),
        Outgoing::EventChanged { .. } => f.event.filter(live).is_some(),
        Outgoing::EventCancelled { .. } => f.event.is_some_and(|e| e.cancelled),
        // The launch is still there (the meetings are read as they are when it goes).
        Outgoing::SeriesChanged { .. } => f.launch.is_some(),
        Outgoing::Promoted { .. } => f.event.filter(live).is_some_and(|e| e.attending(f.to)),
        // Asked only once the event has ended, and only as queued for the event as it is now:
        // a question queued before a move or an edit gives way to the one the change queued.
        Outgoing::FeedbackRequest { version, .. } => {
            !f.feedback_given
                && f.event.is_some_and(|e| {
                    !e.cancelled
                        && e.end <= f.now
                        && e.attending(f.to)
                        && version.is_none_or(|v| v == e.version)
                })
        }
        Outgoing::Broadcast { .. }
        | Outgoing::BroadcastReport { .. }
        | Outgoing::GroupMessage { .. } => f.broadcast,
        // Confirmed again (or withdrawn) since the notice was queued: nothing to say. Nor for
        // a family added by hand whose children all grew out: nothing can keep it, and its
        // coordinator was told to withdraw it (retention ends it otherwise).
        Outgoing::RetentionNotice { .. } => f
            .registration
            .is_some_and(|r| r.expiry_notice.is_some() && !r.grown_out()),
        // Still asked: not answered, edited, withdrawn or invited since.
        Outgoing::RenewalAsk { .. } => f
            .registration
            .is_some_and(|r| r.status == Status::Waiting && r.renewal_asked.is_some()),
        // News that they were unlinked stays true.
        Outgoing::FamilyUnlinked { .. } => true,
        // The family's place holds: accepted, and the launch's meeting is still ahead.
        Outgoing::FamilyAccepted { .. } => f.launch.is_some_and(|l| {
            l.family_invitation(f.to)
                .is_some_and(|i| i.answer == Answer::Accepted)
        }),
        // News of facilitators, and a request for support, stay true (who may still read them
        // is checked where they are composed).
        Outgoing::FacilitatorJoined { .. }
        | Outgoing::FacilitatorRemoved { .. }
        | Outgoing::Support { .. } => true,
        // The meeting is still ahead (whether they are still asked is checked where it is
        // composed, from the launch's crew).
        Outgoing::LaunchProposal { .. } => f.launch.is_some_and(|l| l.start > f.now),
        Outgoing::ProposalAnswered { .. } => f.launch.is_some(),
        // A fact told once: it holds whatever happened since.
        Outgoing::AgedOut { .. } => true,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AreaId, Lang};
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    /// One message of every kind (the expectations below match them without a catch-all arm).
    fn every_kind() -> Vec<Outgoing> {
        let pool = Pool {
            group: GroupId::parse("tilli-toukka").unwrap(),
            area: AreaId::parse("hyvinkaa").unwrap(),
            lang: Some(Lang::Fi),
        };
        vec![
            Outgoing::Alert { pool: pool.clone() },
            Outgoing::Missed {
                pool,
                coordinator: "Maija".into(),
            },
            Outgoing::Invitation { launch: 1 },
            Outgoing::Answered {
                launch: 1,
                user: UserId(7),
                accepted: true,
            },
            Outgoing::Expired { launch: 1 },
            Outgoing::FinalList { launch: 1 },
            Outgoing::Reminder {
                event: 1,
                version: 1,
            },
            Outgoing::EventChanged { event: 1 },
            Outgoing::EventCancelled { event: 1 },
            Outgoing::Promoted { event: 1 },
            Outgoing::SeriesChanged {
                launch: 1,
                events: vec![1, 2],
            },
            Outgoing::FeedbackRequest {
                event: 1,
                version: Some(1),
            },
            Outgoing::Broadcast { broadcast: 1 },
            Outgoing::BroadcastReport { broadcast: 1 },
            Outgoing::RetentionNotice {
                group: GroupId::parse("tilli-toukka").unwrap(),
            },
            Outgoing::RenewalAsk {
                group: GroupId::parse("tilli-toukka").unwrap(),
            },
            Outgoing::FamilyUnlinked {
                group: GroupId::parse("tilli-toukka").unwrap(),
            },
            Outgoing::FamilyAccepted { launch: 1 },
            Outgoing::FacilitatorJoined {
                user: UserId(7),
                groups: vec![GroupId::parse("tilli-toukka").unwrap()],
            },
            Outgoing::FacilitatorRemoved {
                groups: vec![GroupId::parse("tilli-toukka").unwrap()],
            },
            Outgoing::Support {
                group: GroupId::parse("tilli-toukka").unwrap(),
                from: UserId(7),
                text: "Apua".into(),
            },
            Outgoing::LaunchProposal { launch: 1 },
            Outgoing::GroupMessage { broadcast: 1 },
            Outgoing::ProposalAnswered {
                launch: 1,
                user: UserId(7),
                yes: true,
            },
            Outgoing::AgedOut {
                group: GroupId::parse("tilli-toukka").unwrap(),
                children: vec![super::super::Child {
                    year: 2020,
                    month: None,
                }],
                kept: false,
            },
        ]
    }

    /// Every kind through the one rule, at 23:30 and at 12:00 in Helsinki (UTC+2 in November).
    #[test]
    fn every_kind_goes_by_the_one_rule() {
        let quiet = QuietHours::default();
        let night = utc(2026, 11, 23, 21, 30);
        let morning = utc(2026, 11, 24, 6, 0);
        let noon = utc(2026, 11, 24, 10, 0);
        for m in every_kind() {
            let expected_at_night = match m {
                Outgoing::EventChanged { .. }
                | Outgoing::EventCancelled { .. }
                | Outgoing::Promoted { .. }
                | Outgoing::SeriesChanged { .. }
                | Outgoing::Broadcast { .. }
                | Outgoing::BroadcastReport { .. }
                | Outgoing::Reminder { .. } => night,
                Outgoing::Alert { .. }
                | Outgoing::Missed { .. }
                | Outgoing::Invitation { .. }
                | Outgoing::Answered { .. }
                | Outgoing::Expired { .. }
                | Outgoing::FinalList { .. }
                | Outgoing::FeedbackRequest { .. }
                | Outgoing::RetentionNotice { .. }
                | Outgoing::RenewalAsk { .. }
                | Outgoing::FamilyUnlinked { .. }
                | Outgoing::FamilyAccepted { .. }
                | Outgoing::FacilitatorJoined { .. }
                | Outgoing::FacilitatorRemoved { .. }
                | Outgoing::LaunchProposal { .. }
                | Outgoing::ProposalAnswered { .. }
                | Outgoing::GroupMessage { .. }
                | Outgoing::Support { .. }
                | Outgoing::AgedOut { .. } => morning,
            };
            assert_eq!(
                when_to_send(&m, night, &quiet, night),
                expected_at_night,
                "{m:?}"
            );
            assert_eq!(when_to_send(&m, noon, &quiet, noon), noon, "{m:?}");
            // Never before it is due; without quiet hours, at once.
            assert_eq!(when_to_send(&m, noon, &quiet, night), noon, "{m:?}");
            assert_eq!(
                when_to_send(&m, night, &QuietHours::NONE, night),
                night,
                "{m:?}"
            );
        }
    }

    #[test]
    fn a_held_message_goes_at_the_exact_end_of_quiet_hours_across_dst() {
        let quiet = QuietHours::default();
        let alert = Outgoing::FinalList { launch: 1 };
        // The night the clocks go back (2026-10-25): 08:00 EET is 06:00 UTC.
        let t = utc(2026, 10, 24, 22, 7);
        assert_eq!(when_to_send(&alert, t, &quiet, t), utc(2026, 10, 25, 6, 0));
        // A minute before the end, and at the end.
        let t = utc(2026, 11, 24, 5, 59);
        assert_eq!(when_to_send(&alert, t, &quiet, t), utc(2026, 11, 24, 6, 0));
        let t = utc(2026, 11, 24, 6, 0);
        assert_eq!(when_to_send(&alert, t, &quiet, t), t);
    }

    /// A feedback question goes once the event has ended, to someone still on it who has not
    /// answered, and only as queued for the event as it is now: one queued before the event
    /// was moved or edited is dropped (the change queued its own), so nobody is asked twice.
    #[test]
    fn a_feedback_question_queued_before_a_change_is_dropped() {
        use crate::domain::event::{EventText, Visibility};
        let start = Utc.with_ymd_and_hms(2027, 2, 18, 15, 0, 0).unwrap();
        let e = Event {
            id: 3,
            title: EventText::new(Lang::Fi, "Tilli Toukka"),
            description: None,
            group: None,
            start,
            end: start + chrono::Duration::minutes(90),
            place: "Pikku-Veturi".into(),
            capacity: None,
            organiser: UserId(9),
            cancelled: false,
            version: 2,
            attendees: vec![UserId(1)],
            waiting: Vec::new(),
            key: None,
            visibility: Visibility::Launch { launch: 1 },
            token: None,
            revision: 0,
            series: Some("launch-1".into()),
            came: Vec::new(),
            facilitators: Vec::new(),
            co_parents: Vec::new(),
        };
        let after = e.end + chrono::Duration::minutes(30);
        let facts = |now, feedback_given| Facts {
            to: UserId(1),
            now,
            pool: None,
            pool_launches: &[],
            launch: None,
            event: Some(&e),
            registration: None,
            feedback_given,
            broadcast: false,
        };
        let asked = |version| Outgoing::FeedbackRequest { event: 3, version };
        assert!(still_holds(&asked(Some(2)), &facts(after, false)));
        assert!(
            !still_holds(&asked(Some(1)), &facts(after, false)),
            "queued before the move"
        );
        assert!(
            still_holds(&asked(None), &facts(after, false)),
            "queued before versions"
        );
        assert!(
            !still_holds(&asked(Some(2)), &facts(start, false)),
            "not over yet"
        );
        assert!(
            !still_holds(&asked(Some(2)), &facts(after, true)),
            "answered"
        );
    }
}
