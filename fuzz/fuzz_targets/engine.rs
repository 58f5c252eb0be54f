//! The conversation engine on arbitrary input. The fuzz bytes are read as a sequence of inputs
//! from a few users, two of them coordinators: text, commands, `/start` payloads (events' links
//! with their tokens too), presses of the buttons of the last message they got, forged callback
//! data, stickers, and the clock moving on. Each input runs through the pure `flow::step`
//! against a small in-memory model of the store (no sled, so it is fast) that applies every
//! effect with the same domain rules the store calls — registrations, pauses and resumes,
//! launches and their invitations, answers and expiry, events with sign-ups and waiting lists,
//! feedback, broadcasts, threshold crossings — and queues the messages they send in an outbox
//! that goes out when they are due (quiet hours included) and is composed, as the sender does,
//! only if its reason still holds.
//!
//! Every reply, and every message composed for someone else, must be something Telegram
//! accepts — valid HTML of `<b>`/`<i>` only, parts of at most 4096 UTF-16 units, callback data
//! of 1–64 bytes, non-empty labels — and nobody but a coordinator may get a coordinator's
//! buttons or files. After every input the model's invariants are checked: statuses and
//! invitations agree, no launch holds more seats than it has, a launch's meeting has only
//! families who accepted as attendees, nobody waits for an event with a free seat, nobody
//! learns the link token of a meeting they may not see, a broadcast goes to its audience only,
//! and the engine's sign-up decisions are taken on the event as it is.
//!
//! Every 1,000,000 engine inputs the running total is written to stderr (`engine inputs: N`),
//! so a run can be reported in inputs as well as in libFuzzer's executions.

#![no_main]

use chrono::{DateTime, Duration, Utc};
use kokoon::config::Config;
use kokoon::domain::event::{self, Access, Asker, Audience, Broadcast, Event, Visibility};
use kokoon::domain::feedback::{self, Feedback};
use kokoon::domain::launch::{self, Applied, Plan};
use kokoon::domain::outbox::{self, OutboxItem};
use kokoon::domain::remit::Scope;
use kokoon::domain::{
    pool, Answer, Demand, GroupId, Lang, Launch, Outgoing, Pool, PoolState, PoolStats,
    Registration, Rules, Status, UserId,
};
use kokoon::flow::{self, Attachment, Callback, Ctx, Effect, Input, Person, Reply, State, View};
use kokoon::i18n::{I18n, Markup};
use kokoon::msg::Msg;
use kokoon::telegram::{split_text, MAX_TEXT};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The coordinator of two groups, the coordinator of all groups, three parents.
const USERS: [u64; 5] = [100_000_001, 100_000_002, 1001, 1002, 1003];

const TEXTS: &[&str] = &[
    "5",
    "4 v",
    "17",
    "18",
    "2",
    "20",
    "Hyvinkää",
    "hyvinge",
    "15.3. klo 17",
    "2027-03-15 17:00",
    "1.1.2020 klo 12",
    "29.3.2027 klo 3.30",
    "19.30",
    "2 h",
    "90 min",
    "Pikku-Veturi, Hyvinkää",
    "Vertaisilta",
    "<b>x</b> & \"y\" <3",
    "&amp;",
    "\u{202e}5",
    "",
];

const COMMANDS: &[&str] = &[
    "start",
    "mine",
    "lang",
    "kieli",
    "sprak",
    "cancel",
    "peru",
    "forget",
    "privacy",
    "help",
    "mydata",
    "events",
    "tapahtumat",
    "demand",
    "export",
    "launch",
    "qr",
    "newevent",
    "broadcast",
    "feedback",
    "nope",
    "",
];

const PAYLOADS: &[&str] = &[
    "tilli-toukka",
    "koululaiset",
    "eron-edessa",
    "yhteinen-vanhemmuus",
    "tilli-toukka__pikkuveturi",
    "eron-edessa__neuvola",
    "event-1",
    "event-2",
    "event-3",
    "event-42",
    "no-such-group",
    "tilli-toukka__bad!",
];

/// Engine inputs run so far, in this process.
static STEPS: AtomicU64 = AtomicU64::new(0);

struct Fixed {
    config: Config,
    i18n: I18n,
}

fn fixed() -> &'static Fixed {
    static F: OnceLock<Fixed> = OnceLock::new();
    F.get_or_init(|| Fixed {
        config: Config::parse(
            "config/kokoon.toml",
            include_str!("../../config/kokoon.toml"),
        )
        .expect("the example config is valid"),
        i18n: I18n::new().expect("the locales load"),
    })
}

/// What the store would hold, in memory.
#[derive(Default)]
struct Mem {
    regs: BTreeMap<(UserId, GroupId), Registration>,
    launches: Vec<Launch>,
    pools: BTreeMap<Pool, PoolState>,
    events: BTreeMap<u64, Event>,
    feedback: BTreeMap<(u64, UserId), Feedback>,
    broadcasts: BTreeMap<u64, Broadcast>,
    /// Queued messages, in the order queued (sent in order of due time).
    outbox: Vec<OutboxItem>,
    /// Ids handed out for events and broadcasts (one sequence, as in the store).
    next_id: u64,
    /// Link tokens handed out, counted so each is new.
    tokens: u64,
}

struct MemView<'a> {
    mem: &'a Mem,
    config: &'a Config,
}

impl View for MemView<'_> {
    fn demand(&self, pool: &Pool) -> Demand {
        let mut d = Demand::default();
        for r in self.mem.regs.values() {
            if r.status == Status::Waiting && &self.config.pool_of(r) == pool {
                d.add(r);
            }
        }
        d
    }

    fn waiting(&self, group: &GroupId) -> Vec<Registration> {
        let mut v: Vec<Registration> = self
            .mem
            .regs
            .values()
            .filter(|r| &r.group == group && r.status == Status::Waiting)
            .cloned()
            .collect();
        launch::registration_order(&mut v);
        v
    }

    fn launch(&self, id: u64) -> Option<Launch> {
        self.mem.launches.iter().find(|l| l.id == id).cloned()
    }

    fn launches(&self) -> Vec<Launch> {
        self.mem.launches.clone()
    }

    fn registration(&self, user: UserId, group: &GroupId) -> Option<Registration> {
        self.mem.regs.get(&(user, group.clone())).cloned()
    }

    fn pools(&self, group: &GroupId) -> Vec<(Pool, PoolStats)> {
        let mut pools: BTreeMap<Pool, PoolStats> = BTreeMap::new();
        for r in self.waiting(group) {
            pools.entry(self.config.pool_of(&r)).or_default().add(&r);
        }
        pools.into_iter().collect()
    }

    fn events(&self) -> Vec<Event> {
        self.mem.events.values().cloned().collect()
    }

    fn event(&self, id: u64) -> Option<Event> {
        self.mem.events.get(&id).cloned()
    }

    fn feedback(&self, id: u64) -> Vec<Feedback> {
        self.mem
            .feedback
            .iter()
            .filter(|((e, _), _)| *e == id)
            .map(|(_, f)| f.clone())
            .collect()
    }

    fn feedback_of(&self, id: u64, user: UserId) -> Option<Feedback> {
        self.mem.feedback.get(&(id, user)).cloned()
    }

    fn broadcast(&self, id: u64) -> Option<Broadcast> {
        self.mem.broadcasts.get(&id).cloned()
    }

    fn pool_state(&self, pool: &Pool) -> PoolState {
        self.mem.pools.get(pool).copied().unwrap_or_default()
    }
}

impl Mem {
    fn view<'a>(&'a self, config: &'a Config) -> MemView<'a> {
        MemView { mem: self, config }
    }

    fn launch_mut(&mut self, id: u64) -> Option<&mut Launch> {
        self.launches.iter_mut().find(|l| l.id == id)
    }

    /// Queues a message as `Tx::send_at` does: a held kind not before quiet hours end.
    fn send_at(
        &mut self,
        config: &Config,
        to: UserId,
        due: DateTime<Utc>,
        message: Outgoing,
        now: DateTime<Utc>,
    ) {
        let due = outbox::when_to_send(&message, due, &config.quiet_hours(), now);
        self.outbox.push(OutboxItem {
            to,
            due,
            attempts: 0,
            message,
        });
    }

    fn send(&mut self, config: &Config, to: UserId, message: Outgoing, now: DateTime<Utc>) {
        self.send_at(config, to, now, message, now);
    }

    /// Writes what an event rule returned (`Tx::apply`).
    fn write_change(&mut self, c: event::Change) {
        self.events.insert(c.event.id, c.event);
        self.outbox.extend(c.queue);
    }

    fn rsvp(&mut self, config: &Config, user: UserId, id: u64, join: bool, now: DateTime<Utc>) {
        let Some(e) = self.events.get(&id) else {
            return;
        };
        if let (Some(c), _) = event::rsvp(e, user, join, now, config) {
            self.write_change(c);
        }
    }

    /// Writes what a launch rule decided (`Tx::write_applied`).
    fn write_applied(
        &mut self,
        config: &Config,
        applied: Applied,
        statuses: bool,
        now: DateTime<Utc>,
    ) {
        let l = applied.launch;
        if statuses {
            for (user, status) in &applied.statuses {
                if let Some(r) = self.regs.get_mut(&(*user, l.pool.group.clone())) {
                    r.status = *status;
                }
            }
        }
        for (to, message) in applied.messages {
            self.send(config, to, message, now);
        }
        if let Some(event) = l.event {
            for user in &applied.join_event {
                self.rsvp(config, *user, event, true, now);
            }
        }
        if let Some(slot) = self.launch_mut(l.id) {
            *slot = l;
        }
    }

    /// Removes a registration (`Tx::take_registration`).
    fn take_registration(
        &mut self,
        config: &Config,
        user: UserId,
        group: &GroupId,
        tell: bool,
        now: DateTime<Utc>,
    ) {
        let Some(old) = self.regs.remove(&(user, group.clone())) else {
            return;
        };
        let l = match old.status {
            Status::Invited { launch: id } | Status::Accepted { launch: id } => {
                self.launches.iter().find(|l| l.id == id).cloned()
            }
            Status::Waiting | Status::Paused { .. } => None,
        };
        let meetings: Vec<Event> = l
            .as_ref()
            .map(Launch::meeting_ids)
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.events.get(id).cloned())
            .collect();
        let w = launch::withdraw_registration(&old, l.as_ref(), &meetings, tell, now, config);
        if let Some(applied) = w.launch {
            self.write_applied(config, applied, false, now);
        }
        for c in w.events {
            self.write_change(c);
        }
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Stores a new event (`Tx::create_event`): its id, and a link token for a launch's meeting.
    fn create_event(&mut self, config: &Config, e: &Event, now: DateTime<Utc>) -> u64 {
        let id = self.new_id();
        let mut e = e.clone();
        e.id = id;
        e.version = 1;
        if !e.is_public() && e.token.is_none() {
            self.tokens += 1;
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&self.tokens.to_be_bytes());
            bytes[8..].copy_from_slice(&id.to_be_bytes());
            e.token = Some(event::token_from(bytes));
        }
        let attendees = std::mem::take(&mut e.attendees);
        self.events.insert(id, e);
        for user in attendees {
            self.rsvp(config, user, id, true, now);
        }
        id
    }

    fn apply(&mut self, config: &Config, user: UserId, effects: Vec<Effect>, now: DateTime<Utc>) {
        for e in effects {
            self.check_effect(config, user, &e, now);
            match e {
                Effect::SaveRegistration(r) => {
                    self.regs.insert((r.user, r.group.clone()), r);
                }
                Effect::Withdraw(g) => self.take_registration(config, user, &g, true, now),
                Effect::Resume(g) => {
                    if let Some(r) = self.regs.get_mut(&(user, g)) {
                        if let Some(resumed) = r.renew(now) {
                            *r = resumed;
                        }
                    }
                }
                Effect::Forget => {
                    let groups: Vec<GroupId> = self
                        .regs
                        .keys()
                        .filter(|(u, _)| *u == user)
                        .map(|(_, g)| g.clone())
                        .collect();
                    for g in groups {
                        self.take_registration(config, user, &g, false, now);
                    }
                    let ids: Vec<u64> = self.events.keys().copied().collect();
                    for id in ids {
                        if let Some(c) = self
                            .events
                            .get(&id)
                            .and_then(|e| event::strike(e, user, now, config))
                        {
                            self.write_change(c);
                        }
                    }
                    for l in &mut self.launches {
                        l.invitations.retain(|i| i.user != user);
                    }
                    self.feedback.retain(|(_, u), _| *u != user);
                    self.outbox.retain(|i| i.to != user);
                }
                Effect::Launch(req) => {
                    let id = self.launches.len() as u64 + 1;
                    let meeting = event::first_meeting(&req, id);
                    let event = self.create_event(config, &meeting, now);
                    self.pools.entry(req.pool.clone()).or_default().launched();
                    self.launches.push(Launch {
                        id,
                        pool: req.pool,
                        start: req.start,
                        place: req.place,
                        coordinator: req.coordinator,
                        capacity: req.capacity,
                        created_at: now,
                        invitations: Vec::new(),
                        closed: false,
                        event: Some(event),
                        meetings: Vec::new(),
                    });
                }
                Effect::Respond { launch: id, accept } => {
                    let answer = if accept {
                        Answer::Accepted
                    } else {
                        Answer::Declined
                    };
                    let l = self.launches.iter().find(|l| l.id == id).cloned();
                    if let Some(applied) = l.and_then(|l| launch::answer(&l, user, answer, true)) {
                        self.write_applied(config, applied, true, now);
                    }
                }
                Effect::CreateEvent(e) => {
                    self.create_event(config, &e, now);
                }
                Effect::UpdateEvent(edited) => {
                    if let Some(c) = self
                        .events
                        .get(&edited.id)
                        .and_then(|e| event::update(e, &edited, now, config))
                    {
                        self.write_change(c);
                    }
                }
                Effect::CancelEvent(id) => {
                    if let Some(c) = self.events.get(&id).and_then(|e| event::cancel(e, now)) {
                        self.write_change(c);
                    }
                }
                Effect::Rsvp { event, join, .. } => self.rsvp(config, user, event, join, now),
                Effect::Feedback { event, answer } => {
                    // `Tx::feedback`: the same domain rule.
                    let old = self.feedback.get(&(event, user)).cloned();
                    if let Some(f) = feedback::record(old, &answer, now) {
                        self.feedback.insert((event, user), f);
                    }
                }
                // Consent records beside a sign-up: personal data the model need not keep.
                Effect::SignUpConsent { .. } | Effect::HideName { .. } => {}
                // Series edits, attendance and shared families are not in this model either
                // (its launches have one meeting; nobody shares a registration).
                Effect::EditSeries { .. } | Effect::MarkAttendance { .. } | Effect::Family(_) => {}
                // Facilitators are not in this model (the engine is never driven as one).
                Effect::InviteFacilitator(_)
                | Effect::BecomeFacilitator { .. }
                | Effect::RemoveFacilitator { .. }
                | Effect::LaunchCrew { .. }
                | Effect::LeadLaunch { .. }
                | Effect::CrewAnswer { .. }
                | Effect::ReleaseInvitations { .. }
                | Effect::GroupMessage { .. }
                | Effect::Support { .. } => {}
                Effect::Broadcast { audience, text, to } => {
                    let id = self.new_id();
                    let (b, messages) = event::broadcast(id, user, &audience, &text, &to, now);
                    self.broadcasts.insert(id, b);
                    for (u, message) in messages {
                        self.send(config, u, message, now);
                    }
                }
                Effect::Audit(_) => {}
                Effect::AddFamily(r) => {
                    let id = UserId::added(self.new_id());
                    self.regs
                        .insert((id, r.group.clone()), Registration { user: id, ..r });
                }
                Effect::ForFamily { family, effect } => {
                    self.apply(config, family, vec![*effect], now);
                }
            }
        }
        self.settle(config, now);
    }

    /// What the engine asked must be what the model allows at this moment: it decides on the
    /// records as they are (the model runs one input at a time, so nothing changed between).
    fn check_effect(&self, config: &Config, user: UserId, e: &Effect, now: DateTime<Utc>) {
        match e {
            Effect::Rsvp { event, seen, join } => {
                let ev = self
                    .events
                    .get(event)
                    .expect("a sign-up for an event that exists");
                assert_eq!(ev.revision, *seen, "a sign-up decided on an old revision");
                if *join {
                    assert_eq!(
                        self.access(config, ev, user, now),
                        Access::Join,
                        "a sign-up by someone who may not join event {event}"
                    );
                }
            }
            Effect::Respond { launch: id, accept } => {
                let l = self
                    .launches
                    .iter()
                    .find(|l| l.id == *id)
                    .expect("the launch exists");
                let answer = if *accept {
                    Answer::Accepted
                } else {
                    Answer::Declined
                };
                assert!(
                    launch::answer(l, user, answer, true).is_some(),
                    "the engine accepted an answer the rule refuses"
                );
            }
            Effect::Broadcast { audience, to, .. } => {
                // (An audience that emptied between the text and "send" gives an empty list: the
                // engine refuses an empty audience before the text is typed, not after.)
                for u in to {
                    let member = match audience {
                        Audience::Event { event } => self.events.get(event).is_some_and(|e| {
                            e.attending(*u) && self.access(config, e, *u, now) != Access::None
                        }),
                        Audience::Waiting { group } => self
                            .regs
                            .get(&(*u, group.clone()))
                            .is_some_and(|r| r.status == Status::Waiting),
                        Audience::Invited { launch } => self
                            .launches
                            .iter()
                            .find(|l| l.id == *launch)
                            .and_then(|l| l.invitation(*u))
                            .is_some_and(|i| i.answer == Answer::Pending),
                        Audience::Accepted { launch } => self
                            .launches
                            .iter()
                            .find(|l| l.id == *launch)
                            .and_then(|l| l.invitation(*u))
                            .is_some_and(|i| i.answer == Answer::Accepted),
                    };
                    assert!(
                        member,
                        "a broadcast to {u} outside its audience {audience:?}"
                    );
                }
            }
            _ => {}
        }
    }

    /// [`event::access`] with the launch and coordinators looked up, as the engine does.
    fn access(&self, config: &Config, e: &Event, user: UserId, now: DateTime<Utc>) -> Access {
        let launch = match e.visibility {
            Visibility::Launch { launch } => self.launches.iter().find(|l| l.id == launch),
            Visibility::Public => None,
        };
        // As the engine's `event_coordinators`: a launch's meeting is its pool's coordinators',
        // a group's event every area's.
        let coordinators = match (launch, &e.group) {
            (Some(l), _) => config.coordinator_ids(Scope::Area(&l.pool.group, &l.pool.area)),
            (None, Some(g)) => config.coordinator_ids(Scope::AllAreas(g)),
            (None, None) => Vec::new(),
        };
        event::access(
            e,
            &Asker {
                user,
                coordinators: &coordinators,
                launch,
                invite_timeout: Duration::hours(i64::from(config.invite_hours)),
                // No facilitators in this model.
                facilitator: false,
            },
            now,
        )
    }

    /// Threshold crossings (`Tx::settle`, over every pool with a threshold and known demand).
    fn settle(&mut self, config: &Config, now: DateTime<Utc>) {
        let mut demand: BTreeMap<Pool, usize> = BTreeMap::new();
        for r in self.regs.values().filter(|r| r.status == Status::Waiting) {
            *demand.entry(config.pool_of(r)).or_default() += r.participants();
        }
        let pools: BTreeSet<Pool> = demand.keys().chain(self.pools.keys()).cloned().collect();
        for p in pools {
            let Some(threshold) = config.threshold(&p.group) else {
                continue;
            };
            let state = self.pools.get(&p).copied().unwrap_or_default();
            let coordinators = config.coordinator_ids(Scope::Area(&p.group, &p.area));
            let n = demand.get(&p).copied().unwrap_or(0);
            if let Some(settled) = pool::settle(
                &p,
                &state,
                n,
                threshold,
                &coordinators,
                config.alert_cooldown(),
                now,
            ) {
                for (to, message) in settled.messages {
                    self.send(config, to, message, now);
                }
                self.pools.insert(p, settled.state);
            }
        }
    }

    /// What the sender does for open launches: plans, expiries, invitations, closing
    /// (`launch::plan`, then `Tx::apply_plan`).
    fn reconcile(&mut self, config: &Config, now: DateTime<Utc>) {
        let timeout = Duration::hours(i64::from(config.invite_hours));
        for i in 0..self.launches.len() {
            let l = self.launches[i].clone();
            if l.closed {
                continue;
            }
            let mut waiting: Vec<Registration> = self
                .regs
                .values()
                .filter(|r| r.status == Status::Waiting && config.pool_of(r) == l.pool)
                .cloned()
                .collect();
            launch::registration_order(&mut waiting);
            let plan: Plan = launch::plan(&l, &waiting, now, timeout);
            if plan.is_empty() {
                continue;
            }
            let current: Vec<Registration> = plan
                .invite
                .iter()
                .filter_map(|(u, _)| self.regs.get(&(*u, l.pool.group.clone())).cloned())
                .collect();
            let invite_at = outbox::when_to_send(
                &Outgoing::Invitation { launch: l.id },
                now,
                &config.quiet_hours(),
                now,
            );
            let in_pool = |r: &Registration| config.pool_of(r) == l.pool;
            if let Some(applied) = launch::apply(&l, &plan, &current, in_pool, invite_at) {
                self.write_applied(config, applied, true, now);
            }
        }
        self.settle(config, now);
    }

    /// The model's invariants, after every input.
    fn check_invariants(&self, now: DateTime<Utc>) {
        for ((user, group), r) in &self.regs {
            match r.status {
                Status::Invited { launch } | Status::Accepted { launch } => {
                    let l = self
                        .launches
                        .iter()
                        .find(|l| l.id == launch)
                        .expect("a status names a stored launch");
                    assert_eq!(&l.pool.group, group, "a launch of another group");
                    let want = if matches!(r.status, Status::Invited { .. }) {
                        Answer::Pending
                    } else {
                        Answer::Accepted
                    };
                    assert_eq!(
                        l.invitation(*user).map(|i| i.answer),
                        Some(want),
                        "status {:?} of {user} disagrees with launch {launch}",
                        r.status
                    );
                }
                Status::Paused { .. } | Status::Waiting => {}
            }
        }
        for l in &self.launches {
            let held = l.accepted_seats()
                + l.invitations
                    .iter()
                    .filter(|i| i.answer == Answer::Pending)
                    .map(|i| i.participants)
                    .sum::<u32>();
            assert!(
                held <= l.capacity,
                "launch {} holds {held} of {} seats",
                l.id,
                l.capacity
            );
            let mut seen = BTreeSet::new();
            for i in &l.invitations {
                assert!(
                    seen.insert(i.user),
                    "{} invited twice to launch {}",
                    i.user,
                    l.id
                );
                if i.answer == Answer::Pending {
                    assert_eq!(
                        self.regs
                            .get(&(i.user, l.pool.group.clone()))
                            .map(|r| r.status),
                        Some(Status::Invited { launch: l.id }),
                        "a pending invitation without its registration"
                    );
                }
            }
        }
        for e in self.events.values() {
            let all: Vec<UserId> = e
                .attendees
                .iter()
                .chain(e.waiting.iter())
                .copied()
                .collect();
            let distinct: BTreeSet<UserId> = all.iter().copied().collect();
            assert_eq!(all.len(), distinct.len(), "someone twice in event {}", e.id);
            if !e.waiting.is_empty() && !e.cancelled && e.start > now {
                assert!(
                    e.is_full(),
                    "event {} has a free seat and a waiting list",
                    e.id
                );
            }
            if let Visibility::Launch { launch } = e.visibility {
                let l = self.launches.iter().find(|l| l.id == launch);
                for u in &e.attendees {
                    assert_eq!(
                        l.and_then(|l| l.invitation(*u)).map(|i| i.answer),
                        Some(Answer::Accepted),
                        "{u} attends launch {launch}'s meeting without having accepted"
                    );
                }
            }
        }
    }

    /// The tokens of the launches' meetings `to` may not see now.
    fn hidden_tokens(&self, config: &Config, to: UserId, now: DateTime<Utc>) -> Vec<String> {
        self.events
            .values()
            .filter(|e| self.access(config, e, to, now) == Access::None)
            .filter_map(|e| e.token.clone())
            .collect()
    }

    /// Sends what is due, oldest due first, as the sender does: composed only if it still
    /// holds; a delivered invitation starts its answer time, a delivered alert its cool-down.
    fn deliver(&mut self, users: &mut [User], now: DateTime<Utc>) {
        let config = &fixed().config;
        while let Some(i) = (0..self.outbox.len())
            .filter(|i| self.outbox[*i].due <= now)
            .min_by_key(|i| (self.outbox[*i].due, *i))
        {
            let item = self.outbox.remove(i);
            let Some(user) = users.iter_mut().find(|u| u.person.user == item.to) else {
                continue;
            };
            let view = self.view(config);
            let composed =
                flow::notify::compose(config, &view, item.to, user.lang, now, &item.message);
            let broadcast = match item.message {
                Outgoing::Broadcast { broadcast } => Some(broadcast),
                _ => None,
            };
            match composed {
                Some(reply) => {
                    check(
                        item.to,
                        user.lang,
                        &reply,
                        &self.hidden_tokens(config, item.to, now),
                    );
                    let buttons: Vec<String> = reply
                        .buttons
                        .iter()
                        .flatten()
                        .map(|b| b.callback.encode())
                        .collect();
                    if !buttons.is_empty() {
                        user.buttons = buttons;
                    }
                    match &item.message {
                        Outgoing::Invitation { launch } => {
                            if let Some(l) = self.launch_mut(*launch) {
                                l.went(item.to, now);
                            }
                        }
                        Outgoing::Alert { pool } => {
                            self.pools
                                .entry(pool.clone())
                                .or_default()
                                .alert_delivered(now);
                        }
                        _ => {}
                    }
                    self.count_broadcast(config, broadcast, true, now);
                }
                None => {
                    if let Outgoing::Alert { pool } = &item.message {
                        self.pools.entry(pool.clone()).or_default().alert_dropped();
                    }
                    self.count_broadcast(config, broadcast, false, now);
                }
            }
        }
    }

    /// One broadcast recipient's outcome (`Tx::broadcast_outcome`).
    fn count_broadcast(
        &mut self,
        config: &Config,
        id: Option<u64>,
        sent: bool,
        now: DateTime<Utc>,
    ) {
        let Some(b) = id.and_then(|id| self.broadcasts.get(&id)) else {
            return;
        };
        let outcome = if sent {
            event::Delivery::Sent
        } else {
            event::Delivery::Failed
        };
        let Some((b, messages)) = event::count_delivery(b, outcome) else {
            return;
        };
        self.broadcasts.insert(b.id, b);
        for (to, message) in messages {
            self.send(config, to, message, now);
        }
    }
}

/// Telegram's HTML parse mode, strictly: only `<b>` and `<i>` without attributes, balanced and
/// nested; no bare `>`; every `&` starts one of the four named entities or a numeric one.
fn check_html(s: &str) -> std::result::Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let end = s[i..]
                    .find('>')
                    .map(|e| i + e)
                    .ok_or_else(|| format!("unclosed tag at byte {i}"))?;
                let tag = &s[i + 1..end];
                match tag {
                    "b" | "i" => open.push(tag),
                    "/b" | "/i" if open.pop() == Some(&tag[1..]) => {}
                    _ => return Err(format!("tag <{tag}> at byte {i}")),
                }
                i = end + 1;
            }
            b'>' => return Err(format!("bare '>' at byte {i}")),
            b'&' => {
                let rest = &s[i..];
                let named = ["&lt;", "&gt;", "&amp;", "&quot;"]
                    .into_iter()
                    .find(|e| rest.starts_with(e))
                    .map(str::len);
                let numeric = || {
                    let body = rest.strip_prefix("&#")?;
                    let (digits, hex) = match body.strip_prefix(['x', 'X']) {
                        Some(h) => (h, true),
                        None => (body, false),
                    };
                    let n = digits
                        .bytes()
                        .take_while(|c| {
                            if hex {
                                c.is_ascii_hexdigit()
                            } else {
                                c.is_ascii_digit()
                            }
                        })
                        .count();
                    (n > 0 && digits.as_bytes().get(n) == Some(&b';'))
                        .then(|| rest.len() - digits.len() + n + 1)
                };
                i += named
                    .or_else(numeric)
                    .ok_or_else(|| format!("'&' at byte {i} starts no entity"))?;
            }
            _ => i += 1,
        }
    }
    match open.last() {
        Some(tag) => Err(format!("<{tag}> is never closed")),
        None => Ok(()),
    }
}

/// Everything one message to one user must be.
fn check(to: UserId, lang: Lang, reply: &Reply, hidden: &[String]) {
    let f = fixed();
    let r = f.i18n.render(lang, reply, Markup::Html);
    if let Err(e) = check_html(&r.text) {
        panic!("invalid HTML to {to}: {e}: {:?}", r.text);
    }
    assert!(
        reply.attachment.is_some() || !kokoon::i18n::strip_html(&r.text).trim().is_empty(),
        "an empty message to {to}"
    );
    for part in split_text(&r.text, MAX_TEXT) {
        assert!(
            part.encode_utf16().count() <= MAX_TEXT,
            "a part over {MAX_TEXT}"
        );
        if let Err(e) = check_html(&part) {
            panic!("invalid HTML in a split part to {to}: {e}: {part:?}");
        }
    }
    for t in hidden {
        assert!(
            !r.text.contains(t.as_str())
                && r.buttons
                    .iter()
                    .flatten()
                    .all(|b| !b.data.contains(t.as_str())),
            "{to} was shown the link of a meeting they may not see"
        );
    }
    for b in r.buttons.iter().flatten() {
        assert!(
            !b.data.is_empty() && b.data.len() <= 64,
            "callback data of {} bytes",
            b.data.len()
        );
        assert!(
            !b.label.trim().is_empty(),
            "an empty label for {:?}",
            b.data
        );
    }
    if f.config.coordinator(to).is_none() {
        // A parent's only files: an event's calendar file, and their own data (`/mydata`).
        let own_data = reply
            .lines
            .first()
            .is_some_and(|l| matches!(l.msg, Msg::MydataCaption | Msg::MydataJsonCaption));
        assert!(
            match &reply.attachment {
                None | Some(Attachment::Ics { .. }) => true,
                Some(Attachment::TextFile { .. } | Attachment::JsonFile { .. }) => own_data,
                Some(_) => false,
            },
            "a parent got a file: {:?}",
            reply.attachment
        );
        for b in reply.buttons.iter().flatten() {
            assert!(
                !matches!(
                    b.callback,
                    Callback::PoolList(_)
                        | Callback::PoolLaunch(_)
                        | Callback::LaunchConfirm
                        | Callback::Qr(_)
                        | Callback::ExportLaunch(_)
                        | Callback::Manage(..)
                        | Callback::EditField(..)
                        | Callback::DraftGroup(_)
                        | Callback::DraftCreate
                        | Callback::BroadcastWaiting(_)
                        | Callback::BroadcastLaunch(..)
                        | Callback::BroadcastSend
                ),
                "a parent got a coordinator's button {:?}",
                b.callback
            );
        }
    }
}

struct User {
    person: Person,
    state: State,
    lang: Lang,
    buttons: Vec<String>,
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let f = fixed();
    let config = &f.config;
    let mut now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
        .expect("time")
        .into();
    let mut mem = Mem::default();
    let mut users: Vec<User> = Vec::new();
    for id in USERS {
        users.push(User {
            person: Person {
                user: UserId(id),
                name: u.arbitrary()?,
                username: u.arbitrary()?,
            },
            state: State::Idle,
            lang: *u.choose(&Lang::ALL)?,
            buttons: Vec::new(),
        });
    }
    for _ in 0..96 {
        if u.is_empty() {
            break;
        }
        let who = u.choose_index(users.len())?;
        let input = match u.int_in_range(0u8..=14)? {
            0 | 1 => Input::from_text(u.arbitrary::<&str>()?),
            2 => Input::from_text(u.choose(TEXTS)?),
            3 => Input::from_text(&format!(
                "/{}{}{}",
                u.choose(COMMANDS)?,
                u.choose(&["", "@kokoon_hyvinkaa_bot", "@x"])?,
                u.choose(&["", " junk", " tilli-toukka", " 1", " 2"])?,
            )),
            4 => Input::Start(Some(u.arbitrary()?)),
            5 => Input::Start(Some((*u.choose(PAYLOADS)?).to_owned())),
            // An event's link as the store made it (a launch's meeting's carries its token),
            // whoever follows it.
            6 => match mem.events.len() {
                0 => Input::Start(None),
                n => {
                    let e = mem
                        .events
                        .values()
                        .nth(u.choose_index(n)?)
                        .expect("in range");
                    Input::Start(Some(event::link_payload(e)))
                }
            },
            7..=10 => match users[who].buttons.len() {
                0 => Input::Start(None),
                n => Input::Button(users[who].buttons[u.choose_index(n)?].clone()),
            },
            11 => Input::Button(u.arbitrary()?),
            12 => Input::Unsupported,
            _ => {
                now += Duration::minutes(u.int_in_range(1..=5000)?);
                mem.reconcile(config, now);
                mem.deliver(&mut users, now);
                mem.check_invariants(now);
                continue;
            }
        };
        STEPS.fetch_add(1, Ordering::Relaxed);
        let user = &users[who];
        let registrations: Vec<Registration> = mem
            .regs
            .values()
            .filter(|r| r.user == user.person.user)
            .cloned()
            .collect();
        let view = mem.view(config);
        let ctx = Ctx {
            config,
            person: &user.person,
            lang: user.lang,
            registrations: &registrations,
            view: &view,
            now,
        };
        let outcome = flow::step(user.state.clone(), input, &ctx);
        let me = user.person.user;
        let hidden = mem.hidden_tokens(config, me, now);
        for reply in &outcome.replies {
            check(me, outcome.lang, reply, &hidden);
        }
        let buttons: Vec<String> = outcome
            .replies
            .iter()
            .flat_map(|r| r.buttons.iter().flatten())
            .map(|b| b.callback.encode())
            .collect();
        let user = &mut users[who];
        user.state = outcome.state;
        user.lang = outcome.lang;
        if !buttons.is_empty() {
            user.buttons = buttons;
        }
        mem.apply(config, me, outcome.effects, now);
        mem.reconcile(config, now);
        mem.deliver(&mut users, now);
        mem.check_invariants(now);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let before = STEPS.load(Ordering::Relaxed);
    let _ = run(&mut Unstructured::new(data));
    let after = STEPS.load(Ordering::Relaxed);
    if after / 1_000_000 > before / 1_000_000 {
        eprintln!("engine inputs: {after}");
    }
});
