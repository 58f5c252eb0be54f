//! Launching a group: invitations in registration order up to capacity, answers, seats passed
//! on, and when a launch is complete. The rules are pure; the store applies the plan.

use super::{Pool, Registration, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A parent's answer to an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Not answered yet.
    Pending,
    /// Coming.
    Accepted,
    /// Not this time: the seat passes on.
    Declined,
    /// No answer in time: the seat passes on.
    Expired,
}

/// One family invited to a launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The parent.
    pub user: UserId,
    /// Seats the family needs (its participants).
    pub participants: u32,
    /// When the invitation went (planned when it was made, past quiet hours; set again when
    /// it was delivered); it expires `invite_hours` later.
    pub sent_at: DateTime<Utc>,
    /// The answer so far.
    pub answer: Answer,
}

impl Invitation {
    /// When a pending invitation's answer time ends.
    #[must_use]
    pub fn deadline(&self, timeout: Duration) -> DateTime<Utc> {
        self.sent_at + timeout
    }
}

/// A group being launched in one pool: its first meeting and its invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    /// Stable id, carried in invitation buttons.
    pub id: u64,
    /// Which group, area and language.
    pub pool: Pool,
    /// The first meeting.
    pub start: DateTime<Utc>,
    /// Where it is.
    pub place: String,
    /// The coordinator who launched it.
    pub coordinator: UserId,
    /// Seats, in participants.
    pub capacity: u32,
    /// When it was launched.
    pub created_at: DateTime<Utc>,
    /// Invitations in the order they were made.
    pub invitations: Vec<Invitation>,
    /// Set when every seat is answered for or nobody is left to invite; the final list is sent.
    pub closed: bool,
    /// The first meeting as an event: those who accept are signed up, so reminders cover it.
    #[serde(default)]
    pub event: Option<u64>,
}

impl Launch {
    /// Seats taken by accepted families.
    #[must_use]
    pub fn accepted_seats(&self) -> u32 {
        self.seats(|a| a == Answer::Accepted)
    }

    /// Seats held by accepted and pending invitations.
    #[must_use]
    pub fn held_seats(&self) -> u32 {
        self.seats(|a| matches!(a, Answer::Accepted | Answer::Pending))
    }

    fn seats(&self, f: impl Fn(Answer) -> bool) -> u32 {
        self.invitations
            .iter()
            .filter(|i| f(i.answer))
            .map(|i| i.participants)
            .sum()
    }

    /// Records that a parent's invitation went at `at`: a pending invitation's answer time
    /// counts from when it actually went (held overnight, it went in the morning). Returns
    /// whether anything changed.
    pub fn went(&mut self, user: UserId, at: DateTime<Utc>) -> bool {
        match self
            .invitations
            .iter_mut()
            .find(|i| i.user == user && i.answer == Answer::Pending)
        {
            Some(inv) if inv.sent_at != at => {
                inv.sent_at = at;
                true
            }
            _ => false,
        }
    }

    /// The invitation of one parent, if they were invited.
    #[must_use]
    pub fn invitation(&self, user: UserId) -> Option<&Invitation> {
        self.invitations.iter().find(|i| i.user == user)
    }
}

/// What to do next for a launch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pending invitations whose time ran out.
    pub expire: Vec<UserId>,
    /// Families to invite now, with their seats.
    pub invite: Vec<(UserId, u32)>,
    /// Nothing is pending after this: the launch is complete.
    pub close: bool,
}

impl Plan {
    /// Whether the plan changes anything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.expire.is_empty() && self.invite.is_empty() && !self.close
    }
}

/// Plans the next step of a launch. `waiting` are the pool's waiting registrations in
/// registration order. Expired invitations free their seats; free seats go to the next families
/// in line that fit; a family that was invited once is not invited again to the same launch.
#[must_use]
pub fn plan(l: &Launch, waiting: &[Registration], now: DateTime<Utc>, timeout: Duration) -> Plan {
    if l.closed {
        return Plan::default();
    }
    let expire: Vec<UserId> = l
        .invitations
        .iter()
        .filter(|i| i.answer == Answer::Pending && i.deadline(timeout) <= now)
        .map(|i| i.user)
        .collect();
    let pending_kept = l
        .invitations
        .iter()
        .filter(|i| i.answer == Answer::Pending && !expire.contains(&i.user))
        .count();
    let held = l.accepted_seats()
        + l.invitations
            .iter()
            .filter(|i| i.answer == Answer::Pending && !expire.contains(&i.user))
            .map(|i| i.participants)
            .sum::<u32>();
    let mut free = l.capacity.saturating_sub(held);
    let mut invite = Vec::new();
    for r in waiting {
        if free == 0 {
            break;
        }
        let seats = u32::try_from(r.participants()).unwrap_or(u32::MAX);
        if l.invitation(r.user).is_some() || seats > free || r.group != l.pool.group {
            continue;
        }
        invite.push((r.user, seats));
        free -= seats;
    }
    let close = pending_kept == 0 && invite.is_empty();
    Plan {
        expire,
        invite,
        close,
    }
}

/// Orders registrations as invitations go out: first registered, first invited.
pub fn registration_order(regs: &mut [Registration]) {
    regs.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.user.cmp(&b.user)));
}

/// A coordinator's decision to launch a group in a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchRequest {
    /// Which group, area and language.
    pub pool: Pool,
    /// The first meeting.
    pub start: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Seats, in participants.
    pub capacity: u32,
    /// Who launches it (gets the answers and the final list).
    pub coordinator: UserId,
    /// The first meeting's title (the group's name in every language).
    pub title: super::EventText,
}
