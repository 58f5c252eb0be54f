//! Launching a group: invitations in registration order up to capacity, answers, seats passed
//! on, and when a launch is complete. The rules are pure; the store applies the plan.

use super::{Outgoing, Pause, Pool, Registration, Status, UserId};
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

    /// The parents whose invitations have the answer `answer` (a broadcast's audience).
    #[must_use]
    pub fn answered(&self, answer: Answer) -> Vec<UserId> {
        self.invitations
            .iter()
            .filter(|i| i.answer == answer)
            .map(|i| i.user)
            .collect()
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

/// What applying a plan or an answer changes: the launch, registrations' statuses, and the
/// messages to queue. The store writes exactly this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The launch after the change.
    pub launch: Launch,
    /// New statuses of registrations in the launch's group, by parent.
    pub statuses: Vec<(UserId, Status)>,
    /// Messages to queue.
    pub messages: Vec<(UserId, Outgoing)>,
    /// Parents to sign up for the first meeting (those who accepted).
    pub join_event: Vec<UserId>,
}

/// Applies a plan made by [`plan`] to the launch as it is now. Expired invitations pause their
/// registrations (the parent is asked whether they are still interested); invitations go to
/// the planned families whose registrations (`current`, in the launch's pool by `in_pool`) are
/// still waiting, with the answer time counted from `invite_at` (when quiet hours let them go);
/// a launch with nothing pending and nobody newly invited closes with a final list. `None`
/// when nothing changes.
#[must_use]
pub fn apply(
    l: &Launch,
    plan: &Plan,
    current: &[Registration],
    in_pool: impl Fn(&Registration) -> bool,
    invite_at: DateTime<Utc>,
) -> Option<Applied> {
    if l.closed {
        return None;
    }
    let mut next = l.clone();
    let mut statuses = Vec::new();
    let mut messages = Vec::new();
    for user in &plan.expire {
        if let Some(inv) = next
            .invitations
            .iter_mut()
            .find(|i| i.user == *user && i.answer == Answer::Pending)
        {
            inv.answer = Answer::Expired;
            statuses.push((
                *user,
                Status::Paused {
                    why: Pause::InvitationExpired { launch: l.id },
                },
            ));
            messages.push((*user, Outgoing::Expired { launch: l.id }));
        }
    }
    let mut invited = 0;
    for (user, seats) in &plan.invite {
        let waiting = current
            .iter()
            .any(|r| r.user == *user && r.status == Status::Waiting && in_pool(r));
        if !waiting || next.invitation(*user).is_some() {
            continue;
        }
        statuses.push((*user, Status::Invited { launch: l.id }));
        next.invitations.push(Invitation {
            user: *user,
            participants: *seats,
            sent_at: invite_at,
            answer: Answer::Pending,
        });
        messages.push((*user, Outgoing::Invitation { launch: l.id }));
        invited += 1;
    }
    let pending = next.invitations.iter().any(|i| i.answer == Answer::Pending);
    if plan.close && invited == 0 && !pending {
        next.closed = true;
        messages.push((l.coordinator, Outgoing::FinalList { launch: l.id }));
    }
    (next != *l).then_some(Applied {
        launch: next,
        statuses,
        messages,
        join_event: Vec::new(),
    })
}

/// A parent's answer to a pending invitation (`Accepted` or `Declined`). The seat of a
/// declined invitation goes back to the launch and the registration waits again (it counts
/// towards the next round); after a yes it is taken into the launch and signed up for the first
/// meeting. The coordinator is told. `None` when the answer changes nothing (answered or
/// expired already, or never invited): the parent is told the invitation is closed.
#[must_use]
pub fn answer(l: &Launch, user: UserId, answer: Answer, tell: bool) -> Option<Applied> {
    let pending = l
        .invitation(user)
        .is_some_and(|i| i.answer == Answer::Pending);
    if !pending {
        return None;
    }
    settle_answer(l, user, answer, tell)
}

/// A parent who was invited or had accepted withdraws their registration: the invitation
/// counts as declined and its seat goes back to the launch; the coordinator is told unless
/// `tell` is false (the parent is being erased). `None` when they held no seat.
#[must_use]
pub fn withdraw(l: &Launch, user: UserId, tell: bool) -> Option<Applied> {
    let holds = l
        .invitation(user)
        .is_some_and(|i| matches!(i.answer, Answer::Pending | Answer::Accepted));
    if !holds {
        return None;
    }
    settle_answer(l, user, Answer::Declined, tell)
}

/// What withdrawing (or erasing) a registration changes beyond the registration itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Withdrawal {
    /// The launch with the parent's invitation declined and its seat freed, by [`withdraw`];
    /// `None` when they held no seat in it.
    pub launch: Option<Applied>,
    /// The launch's meeting the parent leaves: the store drops their sign-up's consent
    /// records for it. `None` when the registration held no launch or its meeting is gone.
    pub leaves: Option<u64>,
    /// The meeting after they left it, by [`super::event::rsvp`] (a freed seat goes to its
    /// waiting list); `None` when nothing there changes.
    pub event: Option<super::event::Change>,
}

/// A registration `old` is withdrawn (`tell`) or erased (not `tell`): if it was invited to or
/// accepted into launch `l`, the invitation counts as declined ([`withdraw`]) and the parent
/// leaves the launch's meeting `meeting` (its seat goes to the waiting list). `l` and
/// `meeting` are the records the registration's status and the launch point at, as stored
/// now; any other records change nothing.
#[must_use]
pub fn withdraw_registration(
    old: &Registration,
    l: Option<&Launch>,
    meeting: Option<&super::Event>,
    tell: bool,
    now: DateTime<Utc>,
    rules: &dyn super::Rules,
) -> Withdrawal {
    let (Status::Invited { launch } | Status::Accepted { launch }) = old.status else {
        return Withdrawal::default();
    };
    let Some(l) = l.filter(|l| l.id == launch) else {
        return Withdrawal::default();
    };
    let applied = withdraw(l, old.user, tell);
    let meeting = meeting.filter(|e| l.event == Some(e.id));
    Withdrawal {
        launch: applied,
        leaves: meeting.map(|e| e.id),
        event: meeting.and_then(|e| super::event::rsvp(e, old.user, false, now, rules).0),
    }
}

fn settle_answer(l: &Launch, user: UserId, answer: Answer, tell: bool) -> Option<Applied> {
    let mut next = l.clone();
    let inv = next.invitations.iter_mut().find(|i| i.user == user)?;
    if !matches!(answer, Answer::Accepted | Answer::Declined) {
        return None;
    }
    inv.answer = answer;
    let accepted = answer == Answer::Accepted;
    let mut messages = Vec::new();
    if tell {
        messages.push((
            l.coordinator,
            Outgoing::Answered {
                launch: l.id,
                user,
                accepted,
            },
        ));
    }
    Some(Applied {
        launch: next,
        statuses: vec![(
            user,
            if accepted {
                Status::Accepted { launch: l.id }
            } else {
                Status::Waiting
            },
        )],
        messages,
        join_event: if accepted { vec![user] } else { Vec::new() },
    })
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
    /// When the first meeting ends.
    pub end: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Seats, in participants.
    pub capacity: u32,
    /// Who launches it (gets the answers and the final list).
    pub coordinator: UserId,
    /// The first meeting's title (the group's name in every language).
    pub title: super::EventText,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AreaId, GroupId, Lang};
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap() + Duration::hours(h)
    }

    fn pool() -> Pool {
        Pool {
            group: GroupId::parse("tilli-toukka").unwrap(),
            area: AreaId::parse("hyvinkaa").unwrap(),
            lang: Some(Lang::Fi),
        }
    }

    fn reg(user: u64, at: i64) -> Registration {
        Registration {
            user: UserId(user),
            group: pool().group,
            children: vec![crate::domain::Child {
                year: 2021,
                month: None,
            }],
            area: pool().area,
            lang: Lang::Fi,
            times: vec![],
            contact: None,
            source: None,
            created_at: t(at),
            updated_at: t(at),
            status: Status::Waiting,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        }
    }

    fn launch(capacity: u32) -> Launch {
        Launch {
            id: 3,
            pool: pool(),
            start: t(24 * 30),
            place: "Pikku-Veturi".into(),
            coordinator: UserId(99),
            capacity,
            created_at: t(0),
            invitations: vec![],
            closed: false,
            event: Some(7),
        }
    }

    /// Runs a plan and applies it, as the store does.
    fn step(l: &Launch, regs: &[Registration], now: DateTime<Utc>) -> Option<Applied> {
        let p = plan(l, regs, now, Duration::hours(48));
        apply(l, &p, regs, |_| true, now)
    }

    #[test]
    fn invitations_go_in_order_expire_into_a_pause_and_a_closed_launch_lists() {
        let regs: Vec<_> = (1..=3).map(|u| reg(u, u as i64)).collect();
        let first = step(&launch(2), &regs, t(0)).expect("invites");
        let invited: Vec<_> = first.messages.iter().map(|(u, _)| u.0).collect();
        assert_eq!(invited, vec![1, 2]);
        assert!(first
            .statuses
            .iter()
            .all(|(_, s)| *s == Status::Invited { launch: 3 }));
        // One accepts; the other lets it expire: paused, told, and the seat goes to the third.
        let yes = answer(&first.launch, UserId(1), Answer::Accepted, true).expect("answer");
        assert_eq!(yes.join_event, vec![UserId(1)]);
        assert_eq!(yes.messages.len(), 1, "the coordinator hears");
        assert!(answer(&yes.launch, UserId(1), Answer::Accepted, true).is_none());
        assert!(answer(&yes.launch, UserId(1), Answer::Declined, true).is_none());
        let gone = withdraw(&yes.launch, UserId(1), false).expect("seat freed");
        assert!(
            gone.messages.is_empty(),
            "erased: the coordinator hears nothing"
        );
        assert_eq!(
            gone.launch.invitation(UserId(1)).map(|i| i.answer),
            Some(Answer::Declined)
        );
        let regs = vec![regs[2].clone()];
        let later = step(&yes.launch, &regs, t(49)).expect("expiry");
        assert!(later.statuses.contains(&(
            UserId(2),
            Status::Paused {
                why: Pause::InvitationExpired { launch: 3 }
            }
        )));
        assert!(later
            .messages
            .contains(&(UserId(2), Outgoing::Expired { launch: 3 })));
        assert!(later
            .messages
            .contains(&(UserId(3), Outgoing::Invitation { launch: 3 })));
        // The third declines: nothing pending, nobody left: the final list.
        let no = answer(&later.launch, UserId(3), Answer::Declined, true).expect("answer");
        assert_eq!(no.statuses, vec![(UserId(3), Status::Waiting)]);
        let last = step(&no.launch, &[], t(50)).expect("closes");
        assert!(last.launch.closed);
        assert_eq!(
            last.messages,
            vec![(UserId(99), Outgoing::FinalList { launch: 3 })]
        );
        assert!(step(&last.launch, &[], t(51)).is_none());
    }

    #[test]
    fn the_answer_time_counts_from_when_the_invitation_went() {
        let regs = vec![reg(1, 0)];
        let l = launch(2);
        let p = plan(&l, &regs, t(0), Duration::hours(48));
        // Launched at night; the invitation goes ten hours later.
        let mut a = apply(&l, &p, &regs, |_| true, t(10))
            .expect("invites")
            .launch;
        assert!(plan(&a, &[], t(49), Duration::hours(48)).expire.is_empty());
        assert!(a.went(UserId(1), t(11)), "delivered an hour late");
        assert!(plan(&a, &[], t(58), Duration::hours(48)).expire.is_empty());
        assert_eq!(
            plan(&a, &[], t(59), Duration::hours(48)).expire,
            vec![UserId(1)]
        );
    }
}
