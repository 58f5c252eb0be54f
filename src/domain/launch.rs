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
    /// Accepted, then withdrew the registration: the family's seats are free for the
    /// meetings to come, and the meetings held before stay as they were (they came to them).
    Withdrawn,
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
    /// The answer so far: the family's, when both parents share the registration.
    pub answer: Answer,
    /// When both parents share the registration ([`super::family`]): each parent's own
    /// answer, the registration's holder first. The family's answer is `Accepted` once
    /// either accepts, `Declined` only when both declined ([`family_answer`]). Empty for a
    /// family with one parent in kokoon.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<(UserId, Answer)>,
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
    /// Every meeting of the launch's series, in order, the first one included; empty for a
    /// launch from before series (its only meeting is `event`).
    #[serde(default)]
    pub meetings: Vec<u64>,
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

    /// Everyone a message to the families whose answer is `answer` reaches: each family's
    /// parent, and the other parent of a family both parents share ([`Invitation::parents`]).
    /// Counting families is [`Launch::answered`]'s.
    #[must_use]
    pub fn reached(&self, answer: Answer) -> Vec<UserId> {
        let mut out = Vec::new();
        for i in self.invitations.iter().filter(|i| i.answer == answer) {
            out.push(i.user);
            for (u, _) in &i.parents {
                if !out.contains(u) {
                    out.push(*u);
                }
            }
        }
        out
    }

    /// The ids of every meeting of the launch, in order.
    #[must_use]
    pub fn meeting_ids(&self) -> Vec<u64> {
        if self.meetings.is_empty() {
            self.event.into_iter().collect()
        } else {
            self.meetings.clone()
        }
    }

    /// The invitation of one parent, if they were invited.
    #[must_use]
    pub fn invitation(&self, user: UserId) -> Option<&Invitation> {
        self.invitations.iter().find(|i| i.user == user)
    }

    /// The invitation a parent answers: their own, or their family's when the other parent
    /// holds the registration.
    #[must_use]
    pub fn family_invitation(&self, user: UserId) -> Option<&Invitation> {
        self.invitation(user).or_else(|| {
            self.invitations
                .iter()
                .find(|i| i.parents.iter().any(|(u, _)| *u == user))
        })
    }

    /// A parent's own answer to the invitation they answer: for a shared family their own,
    /// otherwise the invitation's.
    #[must_use]
    pub fn own_answer(&self, user: UserId) -> Option<Answer> {
        let inv = self.family_invitation(user)?;
        Some(
            inv.parents
                .iter()
                .find(|(u, _)| *u == user)
                .map_or(inv.answer, |(_, a)| *a),
        )
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
    /// Parents to sign up for the launch's meetings (those who accepted).
    pub join_event: Vec<UserId>,
    /// The other parents of shared families to sign up beside their family for every meeting
    /// of the launch (`true`: their family's yes) or to take off them (`false`: they left the
    /// family), by [`super::event::co_parent`].
    pub co_parents: Vec<(UserId, bool)>,
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
            // Neither parent of a shared family accepted in time: both their answers end.
            for (_, a) in &mut inv.parents {
                if *a == Answer::Pending {
                    *a = Answer::Expired;
                }
            }
            statuses.push((
                *user,
                Status::Paused {
                    why: Pause::InvitationExpired { launch: l.id },
                },
            ));
            messages.push((*user, Outgoing::Expired { launch: l.id }));
            // The other parent of a shared family is told too.
            for (u, _) in &inv.parents {
                if u != user {
                    messages.push((*u, Outgoing::Expired { launch: l.id }));
                }
            }
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
            parents: Vec::new(),
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
        co_parents: Vec::new(),
    })
}

/// A parent's answer to a pending invitation (`Accepted` or `Declined`). The seat of a
/// declined invitation goes back to the launch and the registration waits again (it counts
/// towards the next round); after a yes it is taken into the launch and signed up for the first
/// meeting. The coordinator is told. `None` when the answer changes nothing (answered or
/// expired already, or never invited): the parent is told the invitation is closed.
#[must_use]
pub fn answer(l: &Launch, user: UserId, answer: Answer, tell: bool) -> Option<Applied> {
    let inv = l.family_invitation(user)?;
    if inv.answer != Answer::Pending || l.own_answer(user) != Some(Answer::Pending) {
        return None;
    }
    if inv.parents.is_empty() {
        return settle_answer(l, user, answer, tell);
    }
    if !matches!(answer, Answer::Accepted | Answer::Declined) {
        return None;
    }
    // Both parents of a shared family: each answers for themselves.
    let holder = inv.user;
    let mut next = l.clone();
    let i = next.invitations.iter_mut().find(|i| i.user == holder)?;
    for (u, a) in &mut i.parents {
        if *u == user {
            *a = answer;
        }
    }
    let family = family_answer(&i.parents);
    let parents = i.parents.clone();
    match family {
        Answer::Pending => Some(Applied {
            launch: next,
            statuses: Vec::new(),
            messages: Vec::new(),
            join_event: Vec::new(),
            co_parents: Vec::new(),
        }),
        decided => {
            let mut applied = settle_answer(&next, holder, decided, tell)?;
            if decided == Answer::Accepted {
                // Both receive the meeting's place once one accepts, and both are reminded
                // of every meeting: the holder signed up, the other parent beside them.
                for (u, a) in parents {
                    if u != user && a != Answer::Accepted {
                        applied
                            .messages
                            .push((u, Outgoing::FamilyAccepted { launch: l.id }));
                    }
                    if u != holder {
                        applied.co_parents.push((u, true));
                    }
                }
            }
            Some(applied)
        }
    }
}

/// A shared family's answer from each parent's own: accepted once either accepts, declined
/// only when every parent declined, pending otherwise.
#[must_use]
pub fn family_answer(parents: &[(UserId, Answer)]) -> Answer {
    if parents.iter().any(|(_, a)| *a == Answer::Accepted) {
        Answer::Accepted
    } else if !parents.is_empty() && parents.iter().all(|(_, a)| *a == Answer::Declined) {
        Answer::Declined
    } else {
        Answer::Pending
    }
}

/// Invitations that just went to a registration shared by both parents go to the other
/// parent too (`families`: holder and other parent), each to answer for themselves.
#[must_use]
pub fn invite_families(mut applied: Applied, families: &[(UserId, UserId)]) -> Applied {
    let id = applied.launch.id;
    let invited: Vec<UserId> = applied
        .messages
        .iter()
        .filter(|(_, m)| matches!(m, Outgoing::Invitation { .. }))
        .map(|(u, _)| *u)
        .collect();
    for holder in invited {
        let Some((_, other)) = families.iter().find(|(h, _)| *h == holder) else {
            continue;
        };
        if let Some(inv) = applied
            .launch
            .invitations
            .iter_mut()
            .find(|i| i.user == holder && i.answer == Answer::Pending && i.parents.is_empty())
        {
            inv.parents = vec![(holder, Answer::Pending), (*other, Answer::Pending)];
            applied
                .messages
                .push((*other, Outgoing::Invitation { launch: id }));
        }
    }
    applied
}

/// The other parent joins a family (`other`, through the holder's link) whose registration
/// was invited to `l` before they joined: the invitation becomes both parents'. Still open,
/// they are invited too, to answer for themselves; accepted already, they hear the meeting's
/// time and place and are reminded of every meeting beside the family's seat. `None` when the
/// holder has no open or accepted invitation of `l` of their own.
#[must_use]
pub fn parent_joins(l: &Launch, holder: UserId, other: UserId) -> Option<Applied> {
    let mut next = l.clone();
    let inv = next
        .invitations
        .iter_mut()
        .find(|i| i.user == holder && i.parents.is_empty())?;
    let (message, co_parents) = match inv.answer {
        Answer::Pending => (Outgoing::Invitation { launch: l.id }, Vec::new()),
        Answer::Accepted => (
            Outgoing::FamilyAccepted { launch: l.id },
            vec![(other, true)],
        ),
        Answer::Declined | Answer::Expired | Answer::Withdrawn => return None,
    };
    inv.parents = vec![(holder, inv.answer), (other, Answer::Pending)];
    Some(Applied {
        launch: next,
        statuses: Vec::new(),
        messages: vec![(other, message)],
        join_event: Vec::new(),
        co_parents,
    })
}

/// One parent of a shared family leaves it (unlinked, left, withdrew, `/forget`) while the
/// family has an invitation in `l`: the invitation is `remaining`'s alone from now on, with
/// their own answer. If they had declined and the family's answer was still open (waiting for
/// the one who left), the family declines now: the seat goes back, the registration waits
/// again and the coordinator is told. The registration's status is in `statuses` (by
/// `remaining`). `None` when `leaving` answers no invitation of `l`.
#[must_use]
pub fn parent_leaves(l: &Launch, leaving: UserId, remaining: UserId) -> Option<Applied> {
    let mut next = l.clone();
    let inv = next
        .invitations
        .iter_mut()
        .find(|i| i.parents.iter().any(|(u, _)| *u == leaving))?;
    let own = inv
        .parents
        .iter()
        .find(|(u, _)| *u == remaining)
        .map(|(_, a)| *a);
    inv.user = remaining;
    inv.parents.clear();
    // Whoever leaves is reminded of the launch's meetings no more; the one who stays holds
    // the family's seat (the store moves them into it when the family had accepted).
    let off = vec![(leaving, false)];
    if inv.answer == Answer::Pending && own == Some(Answer::Declined) {
        let mut applied = settle_answer(&next, remaining, Answer::Declined, true)?;
        applied.co_parents = off;
        return Some(applied);
    }
    Some(Applied {
        launch: next,
        statuses: Vec::new(),
        messages: Vec::new(),
        join_event: Vec::new(),
        co_parents: off,
    })
}

/// A parent who was invited or had accepted withdraws their registration: the seat goes back
/// to the launch; the coordinator is told unless `tell` is false (the parent is being erased).
/// A pending invitation counts as declined; an accepted one as [`Answer::Withdrawn`] (the
/// family took part, and leaves the meetings to come). `None` when they held no seat.
#[must_use]
pub fn withdraw(l: &Launch, user: UserId, tell: bool) -> Option<Applied> {
    match l.invitation(user).map(|i| i.answer) {
        Some(Answer::Pending) => settle_answer(l, user, Answer::Declined, tell),
        Some(Answer::Accepted) => {
            let mut applied = settle_answer(l, user, Answer::Declined, tell)?;
            let inv = applied
                .launch
                .invitations
                .iter_mut()
                .find(|i| i.user == user)?;
            inv.answer = Answer::Withdrawn;
            for (_, a) in &mut inv.parents {
                if *a == Answer::Accepted {
                    *a = Answer::Withdrawn;
                }
            }
            Some(applied)
        }
        _ => None,
    }
}

/// What withdrawing (or erasing) a registration changes beyond the registration itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Withdrawal {
    /// The launch with the parent's invitation declined and its seat freed, by [`withdraw`];
    /// `None` when they held no seat in it.
    pub launch: Option<Applied>,
    /// The launch's meetings still to come that the parent leaves: the store drops their
    /// sign-up's consent records for them. Empty when the registration held no launch or its
    /// meetings are gone or past.
    pub leaves: Vec<u64>,
    /// The meetings after they left them, by [`super::event::rsvp`] (a freed seat goes to
    /// the waiting list); only those where something changes.
    pub events: Vec<super::event::Change>,
    /// The other parent of a shared family whose registration it was: they are taken off the
    /// launch's meetings too ([`super::event::co_parent`]).
    pub co_parents: Vec<UserId>,
}

/// A registration `old` is withdrawn (`tell`) or erased (not `tell`): if it was invited to or
/// accepted into launch `l`, the invitation is answered for by [`withdraw`] and the parent
/// leaves the launch's meetings `meetings` still to come (their seats go to the waiting lists,
/// and their reminders stop with their place). A meeting already started or held keeps them:
/// they were there, and its list (with who came, and their sign-up's consent records) goes
/// with the meeting's own retention, or with the parent when they are erased. `l` and
/// `meetings` are the records the registration's status and the launch point at, as stored
/// now; any other records change nothing.
#[must_use]
pub fn withdraw_registration(
    old: &Registration,
    l: Option<&Launch>,
    meetings: &[super::Event],
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
    let co_parents = l
        .invitation(old.user)
        .map(|i| {
            i.parents
                .iter()
                .map(|(u, _)| *u)
                .filter(|u| *u != old.user)
                .collect()
        })
        .unwrap_or_default();
    let ids = l.meeting_ids();
    let mine: Vec<&super::Event> = meetings
        .iter()
        .filter(|e| ids.contains(&e.id) && e.start > now)
        .collect();
    Withdrawal {
        launch: applied,
        leaves: mine.iter().map(|e| e.id).collect(),
        events: mine
            .iter()
            .filter_map(|e| super::event::rsvp(e, old.user, false, now, rules).0)
            .collect(),
        co_parents,
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
        co_parents: Vec::new(),
    })
}

/// Retention ends a launch's list (its invitations, `retention` after its first meeting):
/// the registrations `regs` that still name the launch — invited to it or accepted into it —
/// end with it, in the same step, or they would say "accepted" into a list that is gone. The
/// others (declined, expired, withdrawn: waiting, paused or gone since) keep their own
/// retention. Returns the launch with its list cleared and the parents whose registrations
/// go; `None` when there is no list to clear.
#[must_use]
pub fn clear_list(l: &Launch, regs: &[Registration]) -> Option<(Launch, Vec<UserId>)> {
    if l.invitations.is_empty() {
        return None;
    }
    let ending = regs
        .iter()
        .filter(|r| r.group == l.pool.group && l.invitation(r.user).is_some())
        .filter(|r| {
            matches!(r.status, Status::Invited { launch } | Status::Accepted { launch } if launch == l.id)
        })
        .map(|r| r.user)
        .collect();
    let mut cleared = l.clone();
    cleared.invitations.clear();
    Some((cleared, ending))
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
    /// How many meetings the series has (1: the first meeting only).
    #[serde(default = "one")]
    pub count: u32,
    /// Days from one meeting to the next.
    #[serde(default = "weekly")]
    pub every_days: u32,
    /// Weeks (intervals, counted from the first meeting's, which is 1) with no meeting.
    #[serde(default)]
    pub skip: Vec<u32>,
    /// Meetings (1-based) held at another time, with their start.
    #[serde(default)]
    pub moved: Vec<(u32, DateTime<Utc>)>,
}

fn one() -> u32 {
    1
}

fn weekly() -> u32 {
    7
}

impl LaunchRequest {
    /// The series the request plans, for [`super::series::meetings`].
    #[must_use]
    pub fn series_plan(&self) -> super::series::SeriesPlan {
        super::series::SeriesPlan {
            start: self.start,
            end: self.end,
            every_days: self.every_days,
            count: self.count,
            skip: self.skip.clone(),
            moved: self.moved.clone(),
        }
    }
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
            meetings: Vec::new(),
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
            Some(Answer::Withdrawn),
            "accepted, then withdrew"
        );
        assert_eq!(gone.launch.accepted_seats(), 0);
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

    /// Families 1 (shared with parent 11) and 2, both invited to a launch of two seats.
    fn shared_launch() -> Applied {
        let regs = vec![reg(1, 0), reg(2, 1)];
        let l = launch(2);
        let p = plan(&l, &regs, t(0), Duration::hours(48));
        let applied = apply(&l, &p, &regs, |_| true, t(0)).expect("invites");
        invite_families(applied, &[(UserId(1), UserId(11)), (UserId(3), UserId(13))])
    }

    #[test]
    fn both_parents_are_invited_and_the_seat_holds_until_both_decline() {
        let a = shared_launch();
        assert_eq!(
            a.messages
                .iter()
                .filter(|(_, m)| matches!(m, Outgoing::Invitation { .. }))
                .map(|(u, _)| u.0)
                .collect::<Vec<_>>(),
            vec![1, 2, 11],
            "the other parent is invited too; a family not invited is not"
        );
        assert_eq!(a.launch.invitations.len(), 2, "one invitation per family");
        assert_eq!(a.launch.held_seats(), 2);
        assert_eq!(
            a.launch.family_invitation(UserId(11)).map(|i| i.user),
            Some(UserId(1))
        );
        // The holder declines: the other parent may still come, the seat holds, nobody hears.
        let no = answer(&a.launch, UserId(1), Answer::Declined, true).expect("answered");
        assert!(no.statuses.is_empty() && no.messages.is_empty());
        assert_eq!(no.launch.held_seats(), 2);
        assert_eq!(no.launch.own_answer(UserId(1)), Some(Answer::Declined));
        assert_eq!(no.launch.own_answer(UserId(11)), Some(Answer::Pending));
        assert!(
            answer(&no.launch, UserId(1), Answer::Accepted, true).is_none(),
            "each answers once"
        );
        // The other declines too: the family declines, the seat goes back.
        let both = answer(&no.launch, UserId(11), Answer::Declined, true).expect("answered");
        assert_eq!(both.statuses, vec![(UserId(1), Status::Waiting)]);
        assert_eq!(both.launch.held_seats(), 1);
        assert_eq!(
            both.messages,
            vec![(
                UserId(99),
                Outgoing::Answered {
                    launch: 3,
                    user: UserId(1),
                    accepted: false
                }
            )]
        );
    }

    #[test]
    fn either_parents_yes_takes_the_seat_and_both_hear_the_place() {
        let a = shared_launch();
        let no = answer(&a.launch, UserId(1), Answer::Declined, true).expect("answered");
        let yes = answer(&no.launch, UserId(11), Answer::Accepted, true).expect("answered");
        assert_eq!(
            yes.launch.reached(Answer::Accepted),
            vec![UserId(1), UserId(11)],
            "a message to the families who come reaches both parents"
        );
        assert_eq!(yes.launch.answered(Answer::Accepted), vec![UserId(1)]);
        assert_eq!(
            yes.statuses,
            vec![(UserId(1), Status::Accepted { launch: 3 })]
        );
        assert_eq!(yes.launch.accepted_seats(), 1);
        assert_eq!(yes.join_event, vec![UserId(1)], "the holder takes the seat");
        assert_eq!(
            yes.co_parents,
            vec![(UserId(11), true)],
            "the other parent is reminded beside it"
        );
        assert!(yes
            .messages
            .contains(&(UserId(1), Outgoing::FamilyAccepted { launch: 3 })));
        assert!(!yes
            .messages
            .iter()
            .any(|(u, m)| *u == UserId(11) && matches!(m, Outgoing::FamilyAccepted { .. })));
        // Once the family accepted, the other parent's answer changes nothing.
        let a = shared_launch();
        let yes = answer(&a.launch, UserId(1), Answer::Accepted, true).expect("answered");
        assert!(yes
            .messages
            .contains(&(UserId(11), Outgoing::FamilyAccepted { launch: 3 })));
        assert!(answer(&yes.launch, UserId(11), Answer::Declined, true).is_none());
        assert!(answer(&yes.launch, UserId(11), Answer::Accepted, true).is_none());
        assert_eq!(family_answer(&[]), Answer::Pending);
    }

    #[test]
    fn without_an_accept_by_the_deadline_the_family_seat_is_released() {
        let a = shared_launch();
        let no = answer(&a.launch, UserId(1), Answer::Declined, true).expect("answered");
        let p = plan(&no.launch, &[], t(48), Duration::hours(48));
        assert_eq!(p.expire, vec![UserId(1), UserId(2)]);
        let later = apply(&no.launch, &p, &[], |_| true, t(48)).expect("expires");
        assert_eq!(later.launch.held_seats(), 0);
        assert_eq!(later.launch.own_answer(UserId(11)), Some(Answer::Expired));
        for parent in [UserId(1), UserId(11)] {
            assert!(
                later
                    .messages
                    .contains(&(parent, Outgoing::Expired { launch: 3 })),
                "both parents are told: {:?}",
                later.messages
            );
        }
        assert!(later.statuses.contains(&(
            UserId(1),
            Status::Paused {
                why: Pause::InvitationExpired { launch: 3 }
            }
        )));
    }

    #[test]
    fn a_parent_who_leaves_leaves_the_invitation_to_the_other_with_their_own_answer() {
        let a = shared_launch();
        // The other parent leaves before anyone answered: the holder answers alone.
        let left = parent_leaves(&a.launch, UserId(11), UserId(1)).expect("theirs");
        assert!(left.statuses.is_empty());
        assert_eq!(
            left.co_parents,
            vec![(UserId(11), false)],
            "reminded no more"
        );
        assert!(left.launch.invitations[0].parents.is_empty());
        assert!(answer(&left.launch, UserId(11), Answer::Accepted, true).is_none());
        // The holder had declined and the other parent leaves: the family declines.
        let no = answer(&a.launch, UserId(1), Answer::Declined, true).expect("answered");
        let left = parent_leaves(&no.launch, UserId(11), UserId(1)).expect("theirs");
        assert_eq!(left.statuses, vec![(UserId(1), Status::Waiting)]);
        assert_eq!(left.launch.held_seats(), 1);
        // The holder leaves and the other parent takes the invitation over, still to answer.
        let over = parent_leaves(&no.launch, UserId(1), UserId(11)).expect("theirs");
        assert_eq!(over.launch.invitations[0].user, UserId(11));
        assert!(over.statuses.is_empty());
        assert_eq!(over.launch.held_seats(), 2);
        assert!(answer(&over.launch, UserId(11), Answer::Accepted, true).is_some());
        assert!(parent_leaves(&a.launch, UserId(2), UserId(1)).is_none());
    }

    #[test]
    fn a_parent_who_joins_after_the_invitation_shares_it() {
        let regs = vec![reg(1, 0)];
        let l = launch(2);
        let p = plan(&l, &regs, t(0), Duration::hours(48));
        let invited = apply(&l, &p, &regs, |_| true, t(0)).expect("invites");
        // Still open: the other parent is invited too, and answers for themselves.
        let j = parent_joins(&invited.launch, UserId(1), UserId(11)).expect("shared");
        assert_eq!(
            j.messages,
            vec![(UserId(11), Outgoing::Invitation { launch: 3 })]
        );
        assert!(j.co_parents.is_empty());
        assert!(answer(&j.launch, UserId(11), Answer::Accepted, true).is_some());
        assert!(
            parent_joins(&j.launch, UserId(1), UserId(12)).is_none(),
            "shared already"
        );
        // Accepted already: told the place, reminded beside the family's seat.
        let yes = answer(&invited.launch, UserId(1), Answer::Accepted, true).expect("yes");
        let j = parent_joins(&yes.launch, UserId(1), UserId(11)).expect("shared");
        assert_eq!(
            j.messages,
            vec![(UserId(11), Outgoing::FamilyAccepted { launch: 3 })]
        );
        assert_eq!(j.co_parents, vec![(UserId(11), true)]);
        assert_eq!(
            j.launch.family_invitation(UserId(11)).map(|i| i.user),
            Some(UserId(1))
        );
        assert_eq!(j.launch.accepted_seats(), 1, "still one seat");
        let no = answer(&invited.launch, UserId(1), Answer::Declined, true).expect("no");
        assert!(parent_joins(&no.launch, UserId(1), UserId(11)).is_none());
    }

    #[test]
    fn a_cleared_list_takes_the_registrations_that_still_name_the_launch() {
        let regs: Vec<_> = (1..=3).map(|u| reg(u, u as i64)).collect();
        let first = step(&launch(3), &regs, t(0)).expect("invites");
        let yes = answer(&first.launch, UserId(1), Answer::Accepted, true).expect("answer");
        let no = answer(&yes.launch, UserId(2), Answer::Declined, true).expect("answer");
        let mut stored = regs.clone();
        stored[0].status = Status::Accepted { launch: 3 };
        stored[1].status = Status::Waiting;
        stored[2].status = Status::Invited { launch: 3 };
        // Someone else's registration naming the launch but never invited: not theirs to end.
        let mut stranger = reg(9, 9);
        stranger.status = Status::Accepted { launch: 3 };
        stored.push(stranger);
        let (cleared, ending) = clear_list(&no.launch, &stored).expect("a list");
        assert!(cleared.invitations.is_empty());
        assert_eq!(ending, vec![UserId(1), UserId(3)]);
        assert!(
            clear_list(&cleared, &stored).is_none(),
            "nothing left to clear"
        );
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
