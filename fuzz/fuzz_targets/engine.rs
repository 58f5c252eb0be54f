//! The conversation engine on arbitrary input. The fuzz bytes are read as a sequence of inputs
//! from a few users, two of them coordinators: text, commands, `/start` payloads, presses of the
//! buttons of the last reply, forged callback data, stickers, and the clock moving on. Each input
//! runs through the pure `flow::step` against a small in-memory store (no sled, so it is fast)
//! that applies the effects, launches included. Every reply, and every message composed for
//! someone else, must be something Telegram accepts — valid HTML of `<b>`/`<i>` only, parts of at
//! most 4096 UTF-16 units, callback data of 1–64 bytes, non-empty labels — and nobody but a
//! coordinator may get a coordinator's buttons or files.

#![no_main]

use chrono::{DateTime, Duration, Utc};
use kokoon::config::Config;
use kokoon::domain::launch;
use kokoon::domain::{
    Answer, Demand, GroupId, Invitation, Lang, Launch, Outgoing, Pool, Registration, Rules, Status,
    UserId,
};
use kokoon::flow::{self, Callback, Ctx, Effect, Input, Person, Reply, State, View};
use kokoon::i18n::{I18n, Markup};
use kokoon::telegram::{split_text, MAX_TEXT};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The coordinator of two groups, the coordinator of all groups, two parents.
const USERS: [u64; 4] = [100_000_001, 100_000_002, 1001, 1002];

const TEXTS: &[&str] = &[
    "5",
    "4 v",
    "17",
    "18",
    "Hyvinkää",
    "hyvinge",
    "15.3. klo 17",
    "2027-03-15 17:00",
    "1.1.2020 klo 12",
    "29.3.2027 klo 3.30",
    "Pikku-Veturi, Hyvinkää",
    "<b>x</b> & \"y\" <3",
    "&amp;",
    "\u{202e}5",
    "",
];

const COMMANDS: &[&str] = &[
    "start", "mine", "lang", "kieli", "sprak", "cancel", "peru", "forget", "privacy", "help",
    "demand", "export", "launch", "qr", "nope", "",
];

const PAYLOADS: &[&str] = &[
    "tilli-toukka",
    "koululaiset",
    "eron-edessa",
    "yhteinen-vanhemmuus",
    "tilli-toukka__pikkuveturi",
    "eron-edessa__neuvola",
    "event-42",
    "no-such-group",
    "tilli-toukka__bad!",
];

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
    /// Pools at or over their threshold (alerted once per crossing).
    crossed: BTreeSet<Pool>,
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

    fn pools(&self, group: &GroupId) -> Vec<(Pool, kokoon::domain::PoolStats)> {
        let mut pools: BTreeMap<Pool, kokoon::domain::PoolStats> = BTreeMap::new();
        for r in self.waiting(group) {
            pools.entry(self.config.pool_of(&r)).or_default().add(&r);
        }
        pools.into_iter().collect()
    }

    // The model has no events: the engine's event paths are exercised by the end-to-end tests.
    fn events(&self) -> Vec<kokoon::domain::Event> {
        Vec::new()
    }

    fn event(&self, _: u64) -> Option<kokoon::domain::Event> {
        None
    }

    fn feedback(&self, _: u64) -> Vec<kokoon::domain::Feedback> {
        Vec::new()
    }

    fn feedback_of(&self, _: u64, _: UserId) -> Option<kokoon::domain::Feedback> {
        None
    }

    fn broadcast(&self, _: u64) -> Option<kokoon::domain::Broadcast> {
        None
    }
}

impl Mem {
    fn view<'a>(&'a self, config: &'a Config) -> MemView<'a> {
        MemView { mem: self, config }
    }

    fn set_status(&mut self, user: UserId, group: &GroupId, status: Status) {
        if let Some(r) = self.regs.get_mut(&(user, group.clone())) {
            r.status = status;
        }
    }

    /// Sets an invitation's answer if it may change; whether it did.
    fn answer(
        &mut self,
        id: u64,
        user: UserId,
        answer: Answer,
        out: &mut Vec<(UserId, Outgoing)>,
    ) -> bool {
        let Some(l) = self.launches.iter_mut().find(|l| l.id == id) else {
            return false;
        };
        let Some(inv) = l.invitations.iter_mut().find(|i| i.user == user) else {
            return false;
        };
        let changeable = inv.answer == Answer::Pending
            || (inv.answer == Answer::Accepted && answer == Answer::Declined);
        if !changeable {
            return false;
        }
        inv.answer = answer;
        out.push((
            l.coordinator,
            Outgoing::Answered {
                launch: id,
                user,
                accepted: answer == Answer::Accepted,
            },
        ));
        true
    }

    fn remove(&mut self, user: UserId, group: &GroupId, out: &mut Vec<(UserId, Outgoing)>) {
        if let Some(r) = self.regs.remove(&(user, group.clone())) {
            if let Status::Invited { launch } | Status::Accepted { launch } = r.status {
                self.answer(launch, user, Answer::Declined, out);
            }
        }
    }

    fn apply(
        &mut self,
        config: &Config,
        user: UserId,
        effects: Vec<Effect>,
        now: DateTime<Utc>,
        out: &mut Vec<(UserId, Outgoing)>,
    ) {
        for e in effects {
            match e {
                Effect::SaveRegistration(r) => {
                    self.regs.insert((r.user, r.group.clone()), r);
                }
                Effect::Withdraw(g) => self.remove(user, &g, out),
                Effect::Forget => {
                    let groups: Vec<GroupId> = self
                        .regs
                        .keys()
                        .filter(|(u, _)| *u == user)
                        .map(|(_, g)| g.clone())
                        .collect();
                    for g in groups {
                        self.remove(user, &g, out);
                    }
                }
                Effect::Launch(req) => {
                    let id = self.launches.len() as u64 + 1;
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
                        event: None,
                    });
                }
                Effect::Respond { launch, accept } => {
                    let answer = if accept {
                        Answer::Accepted
                    } else {
                        Answer::Declined
                    };
                    let group = self
                        .launches
                        .iter()
                        .find(|l| l.id == launch)
                        .map(|l| l.pool.group.clone());
                    if let Some(g) = group {
                        if self.answer(launch, user, answer, out) {
                            let status = if accept {
                                Status::Accepted { launch }
                            } else {
                                Status::Waiting
                            };
                            self.set_status(user, &g, status);
                        }
                    }
                }
                // Events, sign-ups, feedback and broadcasts are not modelled here (the view has
                // no events); the end-to-end tests cover them.
                _ => {}
            }
        }
        self.settle(config, out);
    }

    /// Alerts for pools that reached their threshold.
    fn settle(&mut self, config: &Config, out: &mut Vec<(UserId, Outgoing)>) {
        let mut pools: BTreeMap<Pool, usize> = BTreeMap::new();
        for r in self.regs.values().filter(|r| r.status == Status::Waiting) {
            *pools.entry(config.pool_of(r)).or_default() += r.participants();
        }
        let over: BTreeSet<Pool> = pools
            .into_iter()
            .filter(|(p, n)| config.threshold(&p.group).is_some_and(|t| *n >= t as usize))
            .map(|(p, _)| p)
            .collect();
        for p in over.difference(&self.crossed) {
            for c in config.coordinator_ids(&p.group) {
                out.push((c, Outgoing::Alert { pool: p.clone() }));
            }
        }
        self.crossed = over;
    }

    /// What the sender does for open launches: expiries, invitations, closing.
    fn reconcile(
        &mut self,
        config: &Config,
        now: DateTime<Utc>,
        out: &mut Vec<(UserId, Outgoing)>,
    ) {
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
            let plan = launch::plan(&l, &waiting, now, timeout);
            for user in &plan.expire {
                if let Some(inv) = self.launches[i]
                    .invitations
                    .iter_mut()
                    .find(|x| x.user == *user && x.answer == Answer::Pending)
                {
                    inv.answer = Answer::Expired;
                    self.set_status(*user, &l.pool.group, Status::Waiting);
                    out.push((*user, Outgoing::Expired { launch: l.id }));
                }
            }
            let mut invited = 0;
            for (user, seats) in &plan.invite {
                self.set_status(*user, &l.pool.group, Status::Invited { launch: l.id });
                self.launches[i].invitations.push(Invitation {
                    user: *user,
                    participants: *seats,
                    sent_at: now,
                    answer: Answer::Pending,
                });
                out.push((*user, Outgoing::Invitation { launch: l.id }));
                invited += 1;
            }
            let pending = self.launches[i]
                .invitations
                .iter()
                .any(|x| x.answer == Answer::Pending);
            if plan.close && invited == 0 && !pending {
                self.launches[i].closed = true;
                out.push((l.coordinator, Outgoing::FinalList { launch: l.id }));
            }
        }
        self.settle(config, out);
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
fn check(to: UserId, lang: Lang, reply: &Reply) {
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
        assert!(
            reply.attachment.is_none(),
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
    for _ in 0..64 {
        if u.is_empty() {
            break;
        }
        let who = u.choose_index(users.len())?;
        let input = match u.int_in_range(0u8..=12)? {
            0 | 1 => Input::from_text(u.arbitrary::<&str>()?),
            2 => Input::from_text(u.choose(TEXTS)?),
            3 => Input::from_text(&format!(
                "/{}{}{}",
                u.choose(COMMANDS)?,
                u.choose(&["", "@kokoon_hyvinkaa_bot", "@x"])?,
                u.choose(&["", " junk", " tilli-toukka"])?,
            )),
            4 => Input::Start(Some(u.arbitrary()?)),
            5 => Input::Start(Some((*u.choose(PAYLOADS)?).to_owned())),
            6..=9 => match users[who].buttons.len() {
                0 => Input::Start(None),
                n => Input::Button(users[who].buttons[u.choose_index(n)?].clone()),
            },
            10 => Input::Button(u.arbitrary()?),
            11 => Input::Unsupported,
            _ => {
                now += Duration::minutes(u.int_in_range(1..=5000)?);
                let mut out = Vec::new();
                mem.reconcile(config, now, &mut out);
                deliver(&mem, &mut users, now, out);
                continue;
            }
        };
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
        for reply in &outcome.replies {
            check(user.person.user, outcome.lang, reply);
        }
        let buttons: Vec<String> = outcome
            .replies
            .iter()
            .flat_map(|r| r.buttons.iter().flatten())
            .map(|b| b.callback.encode())
            .collect();
        let me = user.person.user;
        let user = &mut users[who];
        user.state = outcome.state;
        user.lang = outcome.lang;
        if !buttons.is_empty() {
            user.buttons = buttons;
        }
        let mut out = Vec::new();
        mem.apply(config, me, outcome.effects, now, &mut out);
        mem.reconcile(config, now, &mut out);
        deliver(&mem, &mut users, now, out);
    }
    Ok(())
}

/// Composes and checks messages to others, as the sender would; their buttons become the
/// recipient's.
fn deliver(mem: &Mem, users: &mut [User], now: DateTime<Utc>, out: Vec<(UserId, Outgoing)>) {
    let config = &fixed().config;
    for (to, message) in out {
        let Some(user) = users.iter_mut().find(|u| u.person.user == to) else {
            continue;
        };
        let view = mem.view(config);
        let Some(reply) = flow::notify::compose(config, &view, to, user.lang, now, &message) else {
            continue;
        };
        check(to, user.lang, &reply);
        let buttons: Vec<String> = reply
            .buttons
            .iter()
            .flatten()
            .map(|b| b.callback.encode())
            .collect();
        if !buttons.is_empty() {
            user.buttons = buttons;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
