//! Events: an Eron edessä evening, a partner visit at Pikku-Veturi, a launched group's first
//! meeting. People sign up (or queue when it is full), are reminded, and are asked for
//! feedback afterwards.
//!
//! The rules live here as pure functions, each taking the event as stored and `now` and
//! returning the event to store and the messages to queue: [`access`] (who may see or join),
//! [`rsvp`] (sign-up, waiting list, cancelling, promotion, reminder queueing), [`update`] and
//! [`cancel`] (and the notices they send), [`strike`] (someone erased). The store's
//! transaction reads the event, calls one of them and writes what it returns; the engine calls
//! the same function for what it answers.

use super::launch::Answer;
use super::{GroupId, Lang, Launch, OutboxItem, Outgoing, Rules, UserId};
use chrono::{DateTime, Duration, Utc};
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
    /// Who may see it: everyone, or only the people of one launch. Explicit, never inferred
    /// from `group`. Records from before it existed are public, except a launch's first
    /// meeting, which the store's migration marks as the launch's.
    #[serde(default)]
    pub visibility: Visibility,
    /// For a launch's meeting: the unguessable part of its link (`start=event-<token>`), so
    /// that knowing (or guessing) the small numeric id opens nothing.
    #[serde(default)]
    pub token: Option<String>,
    /// Bumped on every change (a sign-up too, unlike `version`): a decision taken on the
    /// event as it was is applied only while it still is.
    #[serde(default)]
    pub revision: u64,
    /// The series it is a meeting of (a config key such as `eron-edessa-kevat-2027`), so that
    /// the feedback of a series' meetings can be reported together.
    #[serde(default)]
    pub series: Option<String>,
    /// Who came, as the coordinator marked it after the meeting began (a launch's meetings):
    /// counted per meeting in `/report`, shown to each family in their `/mydata`.
    #[serde(default)]
    pub came: Vec<UserId>,
    /// The facilitators leading it (a launch's meeting): they get its reminders ([`lead`]),
    /// not its feedback question, and take no seat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facilitators: Vec<UserId>,
    /// The other parents of shared families ([`super::family`]) whose family is signed up (a
    /// launch's meeting: the family's seat is its registration holder's, in `attendees`).
    /// They get its reminders and its news ([`co_parent`]), take no seat, are not counted or
    /// marked as coming, and get no feedback question (the family answers it once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_parents: Vec<UserId>,
}

/// Who may see an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "visible", rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone: listed in `/events`, linked as `event-<id>`.
    #[default]
    Public,
    /// Only the people of one launch: the families who accepted, the families invited who may
    /// still answer, and the group's coordinators.
    Launch {
        /// The launch.
        launch: u64,
    },
}

/// What someone may do with an event, as [`access`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Nothing: to them the event does not exist.
    None,
    /// See it (its card, its calendar file), but not sign up.
    See,
    /// See it and sign up.
    Join,
}

/// Who is asking about an event, with what [`access`] needs to know about them.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The person.
    pub user: UserId,
    /// The coordinators of the event's group (and of the launch's group).
    pub coordinators: &'a [UserId],
    /// The launch the event belongs to, if it is a launch's meeting and the launch is stored.
    pub launch: Option<&'a Launch>,
    /// How long an invitation may be answered.
    pub invite_timeout: Duration,
    /// Whether the person is a facilitator of the launch (they facilitate its group and, if
    /// the coordinator asked facilitators to take it, said yes).
    pub facilitator: bool,
}

/// Who may see and who may join an event: the one rule for every path (the list, a link, a
/// button, the calendar file, a reminder, a feedback question, a broadcast to attendees).
///
/// A public event: anyone may join. A launch's meeting: the families who accepted may join
/// (accepting signs them up); families invited and not yet answered may see it until their
/// time to answer runs out; the group's coordinators, the event's organiser and the launch's
/// facilitators may see it; nobody else learns it exists.
#[must_use]
pub fn access(e: &Event, who: &Asker<'_>, now: DateTime<Utc>) -> Access {
    let Visibility::Launch { launch } = e.visibility else {
        return Access::Join;
    };
    if who.coordinators.contains(&who.user) || e.organiser == who.user || who.facilitator {
        return Access::See;
    }
    let Some(l) = who.launch.filter(|l| l.id == launch) else {
        return Access::None;
    };
    // The other parent of a shared family answers (and sees) the family's invitation; the
    // family's seat is the holder's, so they see the meeting but never sign up a second time.
    match l.family_invitation(who.user) {
        Some(i) if i.answer == Answer::Accepted && i.user == who.user => Access::Join,
        Some(i) if i.answer == Answer::Accepted => Access::See,
        Some(i) if i.answer == Answer::Pending && now < i.sent_at + who.invite_timeout => {
            Access::See
        }
        _ => Access::None,
    }
}

impl Event {
    /// Whether anyone may see it (the list, its plain `event-<id>` link, a public web page).
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }
}

/// A launch's first meeting as an event: seen only by the launch's people ([`access`]); the
/// store gives it its id and its link token.
#[must_use]
pub fn first_meeting(req: &super::launch::LaunchRequest, launch: u64) -> Event {
    Event {
        id: 0,
        title: req.title.clone(),
        description: None,
        group: Some(req.pool.group.clone()),
        start: req.start,
        end: req.end,
        place: req.place.clone(),
        capacity: None,
        organiser: req.coordinator,
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: Visibility::Launch { launch },
        token: None,
        revision: 0,
        series: None,
        came: Vec::new(),
        facilitators: Vec::new(),
        co_parents: Vec::new(),
    }
}

/// The link payload of an event: `event-<token>` for a launch's meeting, `event-<id>` for a
/// public one (as before). At most 6 + 22 characters of `A-Za-z0-9_-`.
#[must_use]
pub fn link_payload(e: &Event) -> String {
    match &e.token {
        Some(t) => format!("event-{t}"),
        None => format!("event-{}", e.id),
    }
}

/// A link token from 16 random bytes: 22 characters of base64url without padding. Never all
/// digits in practice, and too long for a `u64` anyway, so it cannot be read as an event id.
#[must_use]
pub fn token_from(bytes: [u8; 16]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(22);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(ALPHABET[((acc >> bits) & 63) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (6 - bits)) & 63) as usize]));
    }
    out
}

/// What a sign-up or a cancellation came to, for the answer to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rsvp {
    /// Signed up: a seat is theirs.
    Joined,
    /// The event was full: they are in the waiting list.
    Queued,
    /// They were already signed up or waiting: nothing changed.
    AlreadyIn,
    /// Their seat (or place in the waiting list) was given up.
    Left,
    /// They were neither signed up nor waiting: nothing changed.
    NotIn,
    /// The event is cancelled or has begun: nothing changed.
    Closed,
}

/// An event after a rule was applied, and the messages to queue with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The event to store.
    pub event: Event,
    /// The messages to queue, in the same transaction.
    pub queue: Vec<OutboxItem>,
}

impl Change {
    fn of(e: &Event) -> Change {
        let mut event = e.clone();
        event.revision += 1;
        Change {
            event,
            queue: Vec::new(),
        }
    }

    fn send(&mut self, to: UserId, due: DateTime<Utc>, message: Outgoing) {
        self.queue.push(OutboxItem {
            to,
            due,
            attempts: 0,
            message,
        });
    }
}

/// Signs someone up (`join`; into the waiting list when every seat is taken) or takes them off;
/// a freed seat goes to the first in the waiting list, who is told. Sign-ups are first come,
/// first served: the order the store applies them in. `None` in the change when nothing is to
/// be stored.
#[must_use]
pub fn rsvp(
    e: &Event,
    user: UserId,
    join: bool,
    now: DateTime<Utc>,
    rules: &dyn Rules,
) -> (Option<Change>, Rsvp) {
    if e.cancelled || e.start <= now {
        return (None, Rsvp::Closed);
    }
    if join {
        if e.attending(user) || e.queued(user) {
            return (None, Rsvp::AlreadyIn);
        }
        let mut c = Change::of(e);
        if e.is_full() {
            c.event.waiting.push(user);
            return (Some(c), Rsvp::Queued);
        }
        c.event.attendees.push(user);
        queue_reminders(&mut c, user, now, rules);
        return (Some(c), Rsvp::Joined);
    }
    if !e.attending(user) && !e.queued(user) {
        return (None, Rsvp::NotIn);
    }
    let mut c = Change::of(e);
    c.event.attendees.retain(|u| *u != user);
    c.event.waiting.retain(|u| *u != user);
    promote(&mut c, now, rules);
    (Some(c), Rsvp::Left)
}

/// Gives free seats to the waiting list, first come first served; each promoted person is told
/// and gets their reminders.
fn promote(c: &mut Change, now: DateTime<Utc>, rules: &dyn Rules) {
    while !c.event.is_full() && !c.event.waiting.is_empty() {
        let user = c.event.waiting.remove(0);
        c.event.attendees.push(user);
        c.send(user, now, Outgoing::Promoted { event: c.event.id });
        queue_reminders(c, user, now, rules);
    }
}

/// Queues an attendee's reminders and the feedback question for the event as it is in `c`.
pub(super) fn queue_reminders(c: &mut Change, user: UserId, now: DateTime<Utc>, rules: &dyn Rules) {
    let (id, version) = (c.event.id, c.event.version);
    for due in rules.reminder_times(c.event.start, now) {
        c.send(user, due, Outgoing::Reminder { event: id, version });
    }
    c.send(
        user,
        rules.feedback_time(c.event.end),
        Outgoing::FeedbackRequest {
            event: id,
            version: Some(version),
        },
    );
}

/// Queues a facilitator's reminders for the event as it is in `c` (no feedback question).
pub(super) fn queue_leader_reminders(
    c: &mut Change,
    user: UserId,
    now: DateTime<Utc>,
    rules: &dyn Rules,
) {
    let (id, version) = (c.event.id, c.event.version);
    for due in rules.reminder_times(c.event.start, now) {
        c.send(user, due, Outgoing::Reminder { event: id, version });
    }
}

/// Facilitators take the lead of a launch's meeting: they are listed on it and get its
/// reminders (queued anew when it changes, like an attendee's). `None` for a cancelled or
/// started meeting, or when they all lead it already.
#[must_use]
pub fn lead(e: &Event, users: &[UserId], now: DateTime<Utc>, rules: &dyn Rules) -> Option<Change> {
    if e.cancelled || e.start <= now {
        return None;
    }
    let mut c = Change::of(e);
    for u in users {
        if !c.event.facilitators.contains(u) {
            c.event.facilitators.push(*u);
            queue_leader_reminders(&mut c, *u, now, rules);
        }
    }
    (c.event.facilitators != e.facilitators).then_some(c)
}

/// The other parent of a shared family whose family is signed up for a launch's meeting is
/// signed up beside it (`join`) or taken off: they get its reminders (queued here, like a
/// facilitator's: no feedback question) and its news, and take no seat. `None` when nothing
/// changes, and for joining a cancelled or started meeting or one they attend themselves.
#[must_use]
pub fn co_parent(
    e: &Event,
    user: UserId,
    join: bool,
    now: DateTime<Utc>,
    rules: &dyn Rules,
) -> Option<Change> {
    let mut c = Change::of(e);
    if join {
        if e.cancelled || e.start <= now || e.attending(user) || e.co_parents.contains(&user) {
            return None;
        }
        c.event.co_parents.push(user);
        queue_leader_reminders(&mut c, user, now, rules);
    } else {
        if !e.co_parents.contains(&user) {
            return None;
        }
        c.event.co_parents.retain(|u| *u != user);
    }
    Some(c)
}

/// The other parent takes over their family's seat (the parent who held it left): off the
/// co-parents and signed up, keeping the reminders queued for them (none twice), with the
/// feedback question the family answers. `None` when they are not a co-parent of `e`, or it
/// is cancelled or has begun.
#[must_use]
pub fn seat_co_parent(
    e: &Event,
    user: UserId,
    now: DateTime<Utc>,
    rules: &dyn Rules,
) -> Option<Change> {
    if e.cancelled || e.start <= now || !e.co_parents.contains(&user) || e.attending(user) {
        return None;
    }
    let mut c = Change::of(e);
    c.event.co_parents.retain(|u| *u != user);
    c.event.attendees.push(user);
    let (id, version) = (c.event.id, c.event.version);
    c.send(
        user,
        rules.feedback_time(c.event.end),
        Outgoing::FeedbackRequest {
            event: id,
            version: Some(version),
        },
    );
    Some(c)
}

/// Replaces an event's details (time, place, texts, capacity) by `edited`'s. Everyone signed up
/// or waiting, and its facilitators, are told; reminders are queued anew for the new time (the
/// old ones are skipped by their version). A larger capacity lets the waiting list in. `None`
/// for a cancelled event.
#[must_use]
pub fn update(e: &Event, edited: &Event, now: DateTime<Utc>, rules: &dyn Rules) -> Option<Change> {
    if e.cancelled {
        return None;
    }
    let mut c = Change::of(e);
    let ev = &mut c.event;
    ev.title = edited.title.clone();
    ev.description = edited.description.clone();
    ev.start = edited.start;
    ev.end = edited.end;
    ev.place = edited.place.clone();
    ev.capacity = edited.capacity;
    ev.series = edited.series.clone();
    ev.key = edited.key.clone().or(ev.key.take());
    ev.version += 1;
    let told: Vec<UserId> = ev
        .attendees
        .iter()
        .chain(ev.waiting.iter())
        .chain(ev.facilitators.iter())
        .chain(ev.co_parents.iter())
        .copied()
        .collect();
    for user in told {
        c.send(user, now, Outgoing::EventChanged { event: e.id });
    }
    for user in c.event.attendees.clone() {
        queue_reminders(&mut c, user, now, rules);
    }
    for user in c
        .event
        .facilitators
        .clone()
        .into_iter()
        .chain(c.event.co_parents.clone())
    {
        queue_leader_reminders(&mut c, user, now, rules);
    }
    promote(&mut c, now, rules);
    Some(c)
}

/// A change made by `by`: when they lead the event (one of its facilitators moved or cancelled a
/// meeting of their launch), the notice of the change is not sent to them — they made it and saw
/// it; its families and its other facilitators are still told once.
#[must_use]
pub fn made_by(mut c: Change, by: UserId) -> Change {
    if c.event.facilitators.contains(&by) {
        c.queue.retain(|i| {
            !(i.to == by
                && matches!(
                    i.message,
                    Outgoing::EventChanged { .. } | Outgoing::EventCancelled { .. }
                ))
        });
    }
    c
}

/// Cancels an event and tells everyone signed up or waiting, and its facilitators. `None` if
/// it was cancelled before.
#[must_use]
pub fn cancel(e: &Event, now: DateTime<Utc>) -> Option<Change> {
    if e.cancelled {
        return None;
    }
    let mut c = Change::of(e);
    c.event.cancelled = true;
    c.event.version += 1;
    let told: Vec<UserId> = e
        .attendees
        .iter()
        .chain(e.waiting.iter())
        .chain(e.facilitators.iter())
        .chain(e.co_parents.iter())
        .copied()
        .collect();
    for user in told {
        c.send(user, now, Outgoing::EventCancelled { event: e.id });
    }
    Some(c)
}

/// Someone erased (`/forget`): off the event, past or cancelled ones too; a seat freed in an
/// event still to come goes to the waiting list. `None` if they were not in it.
#[must_use]
pub fn strike(e: &Event, user: UserId, now: DateTime<Utc>, rules: &dyn Rules) -> Option<Change> {
    if e.facilitators.contains(&user) || e.co_parents.contains(&user) {
        let mut rest = e.clone();
        rest.facilitators.retain(|u| *u != user);
        rest.co_parents.retain(|u| *u != user);
        return Some(strike(&rest, user, now, rules).unwrap_or_else(|| Change::of(&rest)));
    }
    if !e.attending(user) && !e.queued(user) && !e.came.contains(&user) {
        return None;
    }
    if let (Some(mut c), _) = rsvp(e, user, false, now, rules) {
        c.event.came.retain(|u| *u != user);
        return Some(c);
    }
    let mut c = Change::of(e);
    c.event.attendees.retain(|u| *u != user);
    c.event.waiting.retain(|u| *u != user);
    c.event.came.retain(|u| *u != user);
    Some(c)
}

/// Marks whether a family signed up for a meeting came (`came`) or not. Only once the
/// meeting has begun, only for someone signed up, never on a cancelled meeting. `None` when
/// nothing changes.
#[must_use]
pub fn mark_attendance(e: &Event, user: UserId, came: bool, now: DateTime<Utc>) -> Option<Change> {
    if e.cancelled || e.start > now || !e.attending(user) || e.came.contains(&user) == came {
        return None;
    }
    let mut c = Change::of(e);
    if came {
        c.event.came.push(user);
    } else {
        c.event.came.retain(|u| *u != user);
    }
    Some(c)
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
    /// Written by a facilitator of the group to a launch's families ([`group_message`]): its
    /// messages are [`Outgoing::GroupMessage`], held through quiet hours.
    #[serde(default, skip_serializing_if = "is_false")]
    pub facilitator: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Broadcast {
    /// Whether every recipient has been tried to the end.
    #[must_use]
    pub fn done(&self) -> bool {
        self.sent + self.unreachable + self.failed >= self.total
    }
}

/// How one message of a broadcast ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Delivered.
    Sent,
    /// The recipient blocked the bot or never started it.
    Unreachable,
    /// Failed after every retry.
    Failed,
}

/// Starts a coordinator's broadcast with id `id`: the record, one message per recipient in
/// `to`, and the delivery report to the coordinator at once when there is nobody to send to
/// (otherwise [`count_delivery`] queues it when the last recipient is counted).
#[must_use]
pub fn broadcast(
    id: u64,
    from: UserId,
    audience: &Audience,
    text: &str,
    to: &[UserId],
    now: DateTime<Utc>,
) -> (Broadcast, Vec<(UserId, Outgoing)>) {
    let b = Broadcast {
        id,
        from,
        audience: audience.clone(),
        text: text.to_owned(),
        total: u32::try_from(to.len()).unwrap_or(u32::MAX),
        sent: 0,
        unreachable: 0,
        failed: 0,
        at: Some(now),
        facilitator: false,
    };
    let mut messages: Vec<(UserId, Outgoing)> = to
        .iter()
        .map(|u| (*u, Outgoing::Broadcast { broadcast: id }))
        .collect();
    if b.done() {
        messages.push((from, Outgoing::BroadcastReport { broadcast: id }));
    }
    (b, messages)
}

/// Starts a facilitator's message to the families who accepted a place in `launch` (`to`,
/// resolved by the engine): a broadcast like a coordinator's, counted and reported to the
/// facilitator the same way, but each message is an [`Outgoing::GroupMessage`], which waits for
/// the end of quiet hours (a change of a meeting that cannot wait is the coordinator's, and
/// goes as [`Outgoing::EventChanged`]).
#[must_use]
pub fn group_message(
    id: u64,
    from: UserId,
    launch: u64,
    text: &str,
    to: &[UserId],
    now: DateTime<Utc>,
) -> (Broadcast, Vec<(UserId, Outgoing)>) {
    let (mut b, messages) = broadcast(id, from, &Audience::Accepted { launch }, text, to, now);
    b.facilitator = true;
    let messages = messages
        .into_iter()
        .map(|(u, m)| match m {
            Outgoing::Broadcast { broadcast } => (u, Outgoing::GroupMessage { broadcast }),
            other => (u, other),
        })
        .collect();
    (b, messages)
}

/// Counts one recipient's outcome; the report goes to the coordinator when the last one is
/// counted. `None` when the broadcast was already done (a late or repeated outcome).
#[must_use]
pub fn count_delivery(
    b: &Broadcast,
    outcome: Delivery,
) -> Option<(Broadcast, Vec<(UserId, Outgoing)>)> {
    if b.done() {
        return None;
    }
    let mut next = b.clone();
    match outcome {
        Delivery::Sent => next.sent += 1,
        Delivery::Unreachable => next.unreachable += 1,
        Delivery::Failed => next.failed += 1,
    }
    let mut messages = Vec::new();
    if next.done() {
        messages.push((next.from, Outgoing::BroadcastReport { broadcast: next.id }));
    }
    Some((next, messages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broadcast_queues_one_message_each_and_the_report_only_at_the_end() {
        let to = [UserId(7), UserId(8)];
        let aud = Audience::Event { event: 3 };
        let (b, msgs) = broadcast(5, UserId(1), &aud, "hei", &to, t(9));
        assert_eq!(
            (b.id, b.from, b.total, b.text.as_str()),
            (5, UserId(1), 2, "hei")
        );
        assert_eq!(b.audience, aud);
        assert_eq!(b.at, Some(t(9)));
        assert_eq!(
            msgs,
            vec![
                (UserId(7), Outgoing::Broadcast { broadcast: 5 }),
                (UserId(8), Outgoing::Broadcast { broadcast: 5 }),
            ]
        );
        let (b, msgs) = count_delivery(&b, Delivery::Sent).unwrap_or_else(|| panic!("counted"));
        assert_eq!((b.sent, b.unreachable, b.failed), (1, 0, 0));
        assert!(msgs.is_empty(), "no report before the last one: {msgs:?}");
        let (b, msgs) =
            count_delivery(&b, Delivery::Unreachable).unwrap_or_else(|| panic!("counted"));
        assert_eq!((b.sent, b.unreachable, b.failed), (1, 1, 0));
        assert_eq!(
            msgs,
            vec![(UserId(1), Outgoing::BroadcastReport { broadcast: 5 })]
        );
        assert_eq!(
            count_delivery(&b, Delivery::Failed),
            None,
            "done stays done"
        );
    }

    #[test]
    fn a_facilitators_message_goes_as_group_messages_and_reports_to_them() {
        let to = [UserId(7), UserId(8)];
        let (b, msgs) = group_message(5, UserId(3), 2, "hei", &to, t(9));
        assert!(b.facilitator);
        assert_eq!(b.audience, Audience::Accepted { launch: 2 });
        assert_eq!(
            msgs,
            vec![
                (UserId(7), Outgoing::GroupMessage { broadcast: 5 }),
                (UserId(8), Outgoing::GroupMessage { broadcast: 5 }),
            ]
        );
        let (b, _) = count_delivery(&b, Delivery::Sent).unwrap();
        let (_, msgs) = count_delivery(&b, Delivery::Failed).unwrap();
        assert_eq!(
            msgs,
            vec![(UserId(3), Outgoing::BroadcastReport { broadcast: 5 })]
        );
        let (_, msgs) = group_message(6, UserId(3), 2, "x", &[], t(9));
        assert_eq!(
            msgs,
            vec![(UserId(3), Outgoing::BroadcastReport { broadcast: 6 })]
        );
    }

    #[test]
    fn a_broadcast_to_nobody_reports_at_once() {
        let aud = Audience::Waiting {
            group: GroupId::parse("eroperheet").unwrap_or_else(|e| panic!("{e}")),
        };
        let (b, msgs) = broadcast(9, UserId(2), &aud, "x", &[], t(10));
        assert_eq!(b.total, 0);
        assert!(b.done());
        assert_eq!(
            msgs,
            vec![(UserId(2), Outgoing::BroadcastReport { broadcast: 9 })]
        );
    }
    use crate::domain::{Invitation, Pool, Registration};

    /// One reminder a day before, feedback an hour after.
    struct R;
    impl Rules for R {
        fn pool_of(&self, r: &Registration) -> Pool {
            Pool {
                group: r.group.clone(),
                area: r.area.clone(),
                lang: None,
            }
        }
        fn threshold(&self, _: &GroupId) -> Option<u32> {
            None
        }
        fn coordinator_ids(&self, _: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
            Vec::new()
        }
        fn reminder_times(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
            let t = start - Duration::days(1);
            if t > now {
                vec![t]
            } else {
                Vec::new()
            }
        }
        fn feedback_time(&self, end: DateTime<Utc>) -> DateTime<Utc> {
            end + Duration::hours(1)
        }
    }

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(h)
    }

    fn ev(capacity: Option<u32>) -> Event {
        Event {
            id: 7,
            title: EventText::new(Lang::Fi, "Ilta"),
            description: None,
            group: None,
            start: t(100),
            end: t(102),
            place: "Pikku-Veturi".into(),
            capacity,
            organiser: UserId(1),
            cancelled: false,
            version: 3,
            attendees: Vec::new(),
            waiting: Vec::new(),
            key: None,
            visibility: Visibility::Public,
            token: None,
            revision: 0,
            series: None,
            came: Vec::new(),
            facilitators: Vec::new(),
            co_parents: Vec::new(),
        }
    }

    fn messages(c: &Change) -> Vec<(u64, Outgoing)> {
        c.queue
            .iter()
            .map(|i| (i.to.0, i.message.clone()))
            .collect()
    }

    #[test]
    fn facilitators_who_lead_a_meeting_get_its_reminders_again_when_it_changes() {
        let e = ev(Some(1));
        let c = lead(&e, &[UserId(30), UserId(30)], t(0), &R).expect("a change");
        assert_eq!(c.event.facilitators, vec![UserId(30)]);
        assert!(c.event.attendees.is_empty(), "no seat taken");
        let reminder = Outgoing::Reminder {
            event: 7,
            version: 3,
        };
        assert_eq!(messages(&c), vec![(30, reminder)], "no feedback question");
        assert!(lead(&c.event, &[UserId(30)], t(1), &R).is_none());
        let mut edited = c.event.clone();
        edited.start = t(120);
        let u = update(&c.event, &edited, t(2), &R).expect("updated");
        assert!(messages(&u).contains(&(
            30,
            Outgoing::Reminder {
                event: 7,
                version: 4
            }
        )));
        // Started: too late to lead it.
        assert!(lead(&e, &[UserId(31)], t(100), &R).is_none());
        // Erased: off the list.
        let s = strike(&c.event, UserId(30), t(3), &R).expect("struck");
        assert!(s.event.facilitators.is_empty());
    }

    #[test]
    fn last_seat_first_come_then_waiting_list_then_promotion() {
        let e = ev(Some(1));
        let (c, o) = rsvp(&e, UserId(10), true, t(0), &R);
        assert_eq!(o, Rsvp::Joined);
        let c = c.expect("a change");
        assert_eq!(c.event.attendees, vec![UserId(10)]);
        assert_eq!(c.event.revision, 1);
        assert_eq!(
            messages(&c),
            vec![
                (
                    10,
                    Outgoing::Reminder {
                        event: 7,
                        version: 3
                    }
                ),
                (
                    10,
                    Outgoing::FeedbackRequest {
                        event: 7,
                        version: Some(3)
                    }
                ),
            ]
        );
        assert_eq!(c.queue[0].due, t(76));
        assert_eq!(c.queue[1].due, t(103));
        let (c2, o) = rsvp(&c.event, UserId(11), true, t(1), &R);
        assert_eq!(o, Rsvp::Queued);
        let c2 = c2.expect("a change");
        assert_eq!(c2.event.waiting, vec![UserId(11)]);
        assert!(c2.queue.is_empty(), "no reminders in the waiting list");
        assert_eq!(
            rsvp(&c2.event, UserId(11), true, t(2), &R),
            (None, Rsvp::AlreadyIn)
        );
        assert_eq!(
            rsvp(&c2.event, UserId(12), false, t(2), &R),
            (None, Rsvp::NotIn)
        );
        // The seat freed goes to the first in line, who is told and reminded.
        let (c3, o) = rsvp(&c2.event, UserId(10), false, t(3), &R);
        assert_eq!(o, Rsvp::Left);
        let c3 = c3.expect("a change");
        assert_eq!(c3.event.attendees, vec![UserId(11)]);
        assert!(c3.event.waiting.is_empty());
        assert_eq!(c3.event.revision, 3);
        assert_eq!(
            messages(&c3),
            vec![
                (11, Outgoing::Promoted { event: 7 }),
                (
                    11,
                    Outgoing::Reminder {
                        event: 7,
                        version: 3
                    }
                ),
                (
                    11,
                    Outgoing::FeedbackRequest {
                        event: 7,
                        version: Some(3)
                    }
                ),
            ]
        );
    }

    #[test]
    fn nothing_changes_once_begun_or_cancelled() {
        let e = ev(None);
        assert_eq!(rsvp(&e, UserId(10), true, t(100), &R), (None, Rsvp::Closed));
        let c = cancel(&e, t(0)).expect("cancelled");
        assert!(cancel(&c.event, t(0)).is_none());
        assert_eq!(
            rsvp(&c.event, UserId(10), true, t(0), &R),
            (None, Rsvp::Closed)
        );
        assert!(update(&c.event, &e, t(0), &R).is_none());
    }

    #[test]
    fn an_edit_tells_everyone_requeues_reminders_and_lets_the_waiting_in() {
        let mut e = ev(Some(1));
        e.attendees = vec![UserId(10)];
        e.waiting = vec![UserId(11), UserId(12)];
        let mut edited = e.clone();
        edited.capacity = Some(2);
        edited.place = "Kirjasto".into();
        let c = update(&e, &edited, t(0), &R).expect("updated");
        assert_eq!(c.event.version, 4);
        assert_eq!(c.event.place, "Kirjasto");
        assert_eq!(c.event.attendees, vec![UserId(10), UserId(11)]);
        assert_eq!(c.event.waiting, vec![UserId(12)]);
        let m = messages(&c);
        for u in [10, 11, 12] {
            assert!(
                m.contains(&(u, Outgoing::EventChanged { event: 7 })),
                "{m:?}"
            );
        }
        assert!(m.contains(&(
            10,
            Outgoing::Reminder {
                event: 7,
                version: 4
            }
        )));
        assert!(m.contains(&(11, Outgoing::Promoted { event: 7 })));
        assert!(m.contains(&(
            11,
            Outgoing::Reminder {
                event: 7,
                version: 4
            }
        )));
        assert!(!m
            .iter()
            .any(|(u, o)| *u == 12 && matches!(o, Outgoing::Reminder { .. })));
    }

    #[test]
    fn attendance_is_marked_once_begun_for_those_signed_up_only() {
        let mut e = ev(None);
        e.attendees = vec![UserId(10), UserId(11)];
        assert_eq!(
            mark_attendance(&e, UserId(10), true, t(99)),
            None,
            "not yet"
        );
        let c = mark_attendance(&e, UserId(10), true, t(100)).expect("marked");
        assert_eq!(c.event.came, vec![UserId(10)]);
        assert_eq!(mark_attendance(&c.event, UserId(10), true, t(101)), None);
        assert_eq!(mark_attendance(&c.event, UserId(12), true, t(101)), None);
        let back = mark_attendance(&c.event, UserId(10), false, t(101)).expect("unmarked");
        assert!(back.event.came.is_empty());
        // Erased: off the list of who came too.
        let gone = strike(&c.event, UserId(10), t(200), &R).expect("struck");
        assert!(gone.event.came.is_empty());
    }

    #[test]
    fn a_cancellation_tells_attendees_and_the_waiting_list() {
        let mut e = ev(Some(1));
        e.attendees = vec![UserId(10)];
        e.waiting = vec![UserId(11)];
        let c = cancel(&e, t(0)).expect("cancelled");
        assert!(c.event.cancelled);
        assert_eq!(
            messages(&c),
            vec![
                (10, Outgoing::EventCancelled { event: 7 }),
                (11, Outgoing::EventCancelled { event: 7 }),
            ]
        );
    }

    #[test]
    fn strike_removes_from_past_events_too() {
        let mut e = ev(Some(1));
        e.attendees = vec![UserId(10)];
        e.waiting = vec![UserId(11)];
        let c = strike(&e, UserId(10), t(200), &R).expect("struck");
        assert!(c.event.attendees.is_empty());
        assert_eq!(
            c.event.waiting,
            vec![UserId(11)],
            "no promotion after the event"
        );
        assert!(strike(&c.event, UserId(10), t(200), &R).is_none());
        let c = strike(&e, UserId(10), t(0), &R).expect("struck");
        assert_eq!(c.event.attendees, vec![UserId(11)], "promotion before it");
    }

    fn launch_with(invitations: Vec<Invitation>) -> Launch {
        Launch {
            id: 5,
            pool: Pool {
                group: GroupId::parse("tilli-toukka").expect("id"),
                area: crate::domain::AreaId::parse("hyvinkaa").expect("id"),
                lang: None,
            },
            start: t(100),
            place: "Pikku-Veturi".into(),
            coordinator: UserId(1),
            capacity: 8,
            created_at: t(0),
            invitations,
            closed: false,
            event: Some(7),
            meetings: Vec::new(),
        }
    }

    /// A registration of `user` with `status`, in the group of [`launch_with`].
    fn reg_of(user: u64, status: crate::domain::Status) -> Registration {
        Registration {
            user: UserId(user),
            group: GroupId::parse("tilli-toukka").expect("id"),
            children: vec![crate::domain::Child {
                year: 2021,
                month: None,
            }],
            area: crate::domain::AreaId::parse("hyvinkaa").expect("id"),
            lang: Lang::Fi,
            times: vec![],
            contact: None,
            source: None,
            created_at: t(0),
            updated_at: t(0),
            status,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        }
    }

    #[test]
    fn withdrawing_an_accepted_place_frees_the_seat_and_the_meeting_place() {
        use crate::domain::launch::{withdraw_registration, Withdrawal};
        use crate::domain::Status;
        let inv = |user, answer| Invitation {
            user: UserId(user),
            participants: 1,
            sent_at: t(0),
            answer,
            parents: Vec::new(),
        };
        let l = launch_with(vec![inv(20, Answer::Accepted), inv(21, Answer::Pending)]);
        let mut e = ev(Some(1));
        e.attendees = vec![UserId(20)];
        e.waiting = vec![UserId(30)];
        let old = reg_of(20, Status::Accepted { launch: 5 });
        let w = withdraw_registration(&old, Some(&l), std::slice::from_ref(&e), true, t(10), &R);
        let applied = w.launch.expect("the seat goes back");
        assert_eq!(
            applied.launch.invitation(UserId(20)).map(|i| i.answer),
            Some(Answer::Withdrawn)
        );
        assert_eq!(
            applied.messages,
            vec![(
                UserId(1),
                Outgoing::Answered {
                    launch: 5,
                    user: UserId(20),
                    accepted: false
                }
            )]
        );
        assert_eq!(w.leaves, vec![7]);
        let c = w.events.first().expect("the meeting changes").clone();
        assert_eq!(
            c.event.attendees,
            vec![UserId(30)],
            "the waiting list moves up"
        );
        assert!(messages(&c).contains(&(30, Outgoing::Promoted { event: 7 })));
        // Erased: the same seat is freed, the coordinator hears nothing.
        let quiet =
            withdraw_registration(&old, Some(&l), std::slice::from_ref(&e), false, t(10), &R);
        assert_eq!(quiet.launch.map(|a| a.messages), Some(Vec::new()));
        // Someone waiting holds nothing: nothing changes, even with the records at hand.
        let waiting = reg_of(20, Status::Waiting);
        assert_eq!(
            withdraw_registration(
                &waiting,
                Some(&l),
                std::slice::from_ref(&e),
                true,
                t(10),
                &R
            ),
            Withdrawal::default()
        );
        // An invitation to another launch, or a meeting not the launch's, changes nothing here.
        let other = reg_of(20, Status::Invited { launch: 6 });
        assert_eq!(
            withdraw_registration(&other, Some(&l), std::slice::from_ref(&e), true, t(10), &R),
            Withdrawal::default()
        );
        let mut elsewhere = e.clone();
        elsewhere.id = 8;
        let w = withdraw_registration(
            &old,
            Some(&l),
            std::slice::from_ref(&elsewhere),
            true,
            t(10),
            &R,
        );
        assert!(w.launch.is_some());
        assert_eq!((w.leaves, w.events), (vec![], vec![]));
    }

    /// Found by the property of families' lives with launches: a family who accepted and
    /// withdrew after the first meeting was "declined" in the launch yet still on the meeting.
    /// Now they withdrew: the meeting held keeps them (they were there, and who came stays),
    /// the meetings to come free their seat, and only those drop their sign-up's records.
    #[test]
    fn withdrawing_after_a_meeting_keeps_the_meeting_held_and_leaves_the_ones_to_come() {
        use crate::domain::launch::withdraw_registration;
        use crate::domain::Status;
        let mut l = launch_with(vec![Invitation {
            user: UserId(20),
            participants: 1,
            sent_at: t(0),
            answer: Answer::Accepted,
            parents: Vec::new(),
        }]);
        l.meetings = vec![7, 8];
        let mut held = ev(Some(1));
        held.visibility = Visibility::Launch { launch: 5 };
        held.attendees = vec![UserId(20)];
        held.came = vec![UserId(20)];
        let mut next = held.clone();
        next.id = 8;
        next.start = t(200);
        next.end = t(202);
        next.came.clear();
        next.waiting = vec![UserId(30)];
        let old = reg_of(20, Status::Accepted { launch: 5 });
        let w = withdraw_registration(&old, Some(&l), &[held, next], true, t(150), &R);
        let applied = w.launch.expect("the seat goes back");
        let answer = applied.launch.invitation(UserId(20)).map(|i| i.answer);
        assert_eq!(
            answer,
            Some(Answer::Withdrawn),
            "not \"declined\": they came"
        );
        assert_eq!(applied.launch.accepted_seats(), 0);
        assert_eq!(w.leaves, vec![8], "the records of the meeting held stay");
        assert_eq!(w.events.len(), 1, "the meeting held is not changed");
        let c = &w.events[0];
        assert_eq!(c.event.id, 8);
        assert_eq!(c.event.attendees, vec![UserId(30)], "the seat passes on");
        // The meeting to come is not theirs any more: no reminder, no question after it.
        assert!(!messages(c).iter().any(|(u, _)| *u == 20));
    }

    #[test]
    fn withdrawing_a_pending_invitation_without_a_meeting_only_frees_the_seat() {
        use crate::domain::launch::withdraw_registration;
        use crate::domain::Status;
        let mut l = launch_with(vec![Invitation {
            user: UserId(21),
            participants: 2,
            sent_at: t(0),
            answer: Answer::Pending,
            parents: Vec::new(),
        }]);
        l.event = None;
        let old = reg_of(21, Status::Invited { launch: 5 });
        let w = withdraw_registration(&old, Some(&l), &[], true, t(10), &R);
        let applied = w.launch.expect("seat freed");
        assert_eq!(
            applied.launch.invitation(UserId(21)).map(|i| i.answer),
            Some(Answer::Declined)
        );
        assert!(applied.join_event.is_empty());
        assert_eq!((w.leaves, w.events), (vec![], vec![]));
        // The launch is gone: nothing to change.
        let gone = withdraw_registration(&old, None, &[], true, t(10), &R);
        assert_eq!(gone.launch, None);
    }

    #[test]
    fn a_launch_meeting_is_seen_only_by_its_people() {
        let inv = |user, answer| Invitation {
            user: UserId(user),
            participants: 1,
            sent_at: t(0),
            answer,
            parents: Vec::new(),
        };
        let l = launch_with(vec![
            inv(20, Answer::Accepted),
            inv(21, Answer::Pending),
            inv(22, Answer::Declined),
            inv(23, Answer::Expired),
        ]);
        let mut e = ev(None);
        e.visibility = Visibility::Launch { launch: 5 };
        let coordinators = [UserId(2)];
        let ask = |user, now| {
            access(
                &e,
                &Asker {
                    user: UserId(user),
                    coordinators: &coordinators,
                    launch: Some(&l),
                    invite_timeout: Duration::hours(48),
                    facilitator: user == 30,
                },
                now,
            )
        };
        assert_eq!(ask(20, t(1)), Access::Join);
        assert_eq!(ask(21, t(1)), Access::See);
        assert_eq!(ask(21, t(48)), Access::None, "the time to answer ran out");
        assert_eq!(ask(22, t(1)), Access::None);
        assert_eq!(ask(23, t(1)), Access::None);
        assert_eq!(ask(99, t(1)), Access::None);
        assert_eq!(ask(2, t(1)), Access::See);
        assert_eq!(ask(1, t(1)), Access::See, "the organiser");
        assert_eq!(ask(30, t(1)), Access::See, "a facilitator of the launch");
        // Another launch's record says nothing about this one.
        let other = Launch { id: 6, ..l.clone() };
        let asked = access(
            &e,
            &Asker {
                user: UserId(20),
                coordinators: &coordinators,
                launch: Some(&other),
                invite_timeout: Duration::hours(48),
                facilitator: false,
            },
            t(1),
        );
        assert_eq!(asked, Access::None);
        // A public event: anyone.
        let public = ev(None);
        let asked = access(
            &public,
            &Asker {
                user: UserId(99),
                coordinators: &[],
                launch: None,
                invite_timeout: Duration::hours(48),
                facilitator: false,
            },
            t(1),
        );
        assert_eq!(asked, Access::Join);
    }

    #[test]
    fn the_other_parent_beside_their_family_is_reminded_and_told_but_takes_no_seat() {
        let (e, _) = rsvp(&ev(Some(1)), UserId(10), true, t(0), &R);
        let e = e.expect("signed up").event;
        let c = co_parent(&e, UserId(11), true, t(1), &R).expect("beside");
        assert_eq!(
            c.event.attendees,
            vec![UserId(10)],
            "one seat for the family"
        );
        assert_eq!(c.event.co_parents, vec![UserId(11)]);
        let reminder = Outgoing::Reminder {
            event: 7,
            version: 3,
        };
        assert_eq!(messages(&c), vec![(11, reminder)], "no feedback question");
        assert!(co_parent(&c.event, UserId(11), true, t(1), &R).is_none());
        assert!(
            co_parent(&c.event, UserId(10), true, t(1), &R).is_none(),
            "signed up already"
        );
        // Moved: told, and reminded anew; cancelled: told.
        let mut edited = c.event.clone();
        edited.start = t(120);
        let u = update(&c.event, &edited, t(2), &R).expect("updated");
        assert!(messages(&u).contains(&(11, Outgoing::EventChanged { event: 7 })));
        assert!(messages(&u).contains(&(
            11,
            Outgoing::Reminder {
                event: 7,
                version: 4
            }
        )));
        let x = cancel(&c.event, t(2)).expect("cancelled");
        assert!(messages(&x).contains(&(11, Outgoing::EventCancelled { event: 7 })));
        // They take the family's seat over: no reminder twice, the feedback question once.
        let s = seat_co_parent(&c.event, UserId(11), t(3), &R).expect("seated");
        assert_eq!(s.event.attendees, vec![UserId(10), UserId(11)]);
        assert!(s.event.co_parents.is_empty());
        assert!(messages(&s)
            .iter()
            .all(|(_, m)| matches!(m, Outgoing::FeedbackRequest { .. })));
        // Off, and erased.
        let off = co_parent(&c.event, UserId(11), false, t(3), &R).expect("off");
        assert!(off.event.co_parents.is_empty());
        assert!(co_parent(&off.event, UserId(11), false, t(3), &R).is_none());
        let gone = strike(&c.event, UserId(11), t(3), &R).expect("struck");
        assert!(gone.event.co_parents.is_empty());
        assert_eq!(gone.event.attendees, vec![UserId(10)]);
    }

    #[test]
    fn tokens_fit_start_payloads_and_are_not_ids() {
        let tok = token_from([0xff; 16]);
        assert_eq!(tok.len(), 22);
        assert!(tok
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(token_from([0; 16]), "A".repeat(22));
        assert!(tok.parse::<u64>().is_err());
        let mut e = ev(None);
        assert_eq!(link_payload(&e), "event-7");
        e.token = Some(tok.clone());
        assert_eq!(link_payload(&e), format!("event-{tok}"));
        assert!(matches!(
            crate::domain::StartPayload::parse(&link_payload(&e)),
            Some(crate::domain::StartPayload::Event(t)) if t == tok
        ));
    }

    #[test]
    fn text_falls_back_to_its_base_language() {
        let mut t = EventText::new(Lang::Fi, "Eron edessä -ilta");
        assert_eq!(t.get(Lang::Sv), "Eron edessä -ilta");
        t.texts.insert(Lang::Sv, "Inför skilsmässan".into());
        assert_eq!(t.get(Lang::Sv), "Inför skilsmässan");
        assert_eq!(t.get(Lang::En), "Eron edessä -ilta");
    }
}
