//! Simulated parents. Each completes a full registration for Tilli Toukka — `/start`, then ten
//! button presses — where every step is a real update fetched with `getUpdates`, and the next
//! step is taken only once the bot's answer to the previous one has arrived at the fake server.
//!
//! The echo bot gets the same updates (a text, then ten callback queries) from the same number of
//! parents; its answer to each is one message.
//!
//! Latency is measured from just before the update is pushed to the fake (from then on
//! `getUpdates` returns it) to the first message or edit the bot sends to that parent's chat,
//! as stamped by the fake server when it accepts it.

use crate::fake_telegram::{FakeTelegram, FakeUser, Observed, SentMessage, Stamped};
use crate::procs::{Bot, Kind};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// A step of the registration: what the parent does.
#[derive(Clone, Copy)]
enum Step {
    Text(&'static str),
    Tap(&'static str),
}

/// Areas the parents pick in turn, so the registrations fill several pools.
const AREAS: [&str; 4] = ["Hyvinkää", "Järvenpää", "Tuusula", "Nurmijärvi"];

/// The registration, in Finnish; `Tap("")` stands for the parent's area.
const STEPS: [Step; 12] = [
    Step::Text("/start"),
    Step::Tap("Tilli Toukka"),
    Step::Tap("Hyväksyn"),
    Step::Tap("5"),
    Step::Tap("Ei muita"),
    Step::Tap(""),
    Step::Tap("suomi"),
    Step::Tap("Arki-iltaisin"),
    Step::Tap("Valmis"),
    Step::Tap("Ei, kiitos"),
    Step::Tap("Ohita"),
    Step::Tap("Vahvista"),
];

/// Updates in one registration.
pub const STEPS_PER_REGISTRATION: usize = STEPS.len();

/// The index of the confirming step (the one that stores the registration).
pub const CONFIRM_STEP: usize = STEPS.len() - 1;

/// What the confirmation says when the registration is stored.
const SAVED: &str = "on tallennettu";

/// How long a parent waits for an answer before the step counts as lost.
const LOST: Duration = Duration::from_secs(15);

/// One answered update.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Which step of the registration (0 = `/start`).
    pub step: usize,
    /// From the push to the first message or edit to the parent.
    pub latency: Duration,
}

struct Parent {
    user: FakeUser,
    area: &'static str,
    /// The next step to take, or the one awaiting its answer.
    step: usize,
    /// When the awaited step was pushed.
    pushed: Option<Instant>,
    /// Whether the awaited step's first answer has arrived.
    answered: bool,
    /// The message and callback data of the button for the next step (kokoon).
    tap: Option<(i64, String)>,
    /// The bot's latest message to the parent (the echo bot's, to press "under").
    last_message: i64,
    /// Messages and edits received.
    messages: usize,
}

impl Parent {
    fn label(&self, step: usize) -> &'static str {
        match STEPS[step] {
            Step::Tap("") => self.area,
            Step::Tap(l) | Step::Text(l) => l,
        }
    }
}

/// Throughput of a closed-loop run.
pub struct Throughput {
    /// Updates answered in the measured window.
    pub updates: usize,
    /// The window.
    pub elapsed: Duration,
    /// The bot's CPU time in the window.
    pub cpu: Duration,
}

impl Throughput {
    pub fn per_second(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64()
    }

    pub fn cpu_per_update(&self) -> Duration {
        self.cpu.div_f64(self.updates.max(1) as f64)
    }
}

/// A step finished: the parent's id and whether that was their last.
struct Done {
    id: i64,
    finished: bool,
    at: Instant,
}

/// Drives parents against one bot through one fake server.
pub struct Driver {
    fake: FakeTelegram,
    kind: Kind,
    rx: UnboundedReceiver<Stamped>,
    parents: HashMap<i64, Parent>,
    next_user: i64,
    samples: Vec<Sample>,
    /// Steps that got no answer in time, answers that made no sense, rejected requests.
    pub errors: usize,
    /// Updates pushed and answered, over the driver's life.
    pub answered: usize,
    /// Messages and edits parents received, over the driver's life (kokoon sends one per update).
    pub messages: usize,
}

enum Wake {
    Event(Option<Stamped>),
    Tick,
    Mark,
    End,
}

impl Driver {
    /// A driver for `kind` on `fake`; the parents get user ids from `first_user` on.
    pub fn new(fake: &FakeTelegram, kind: Kind, first_user: i64) -> Driver {
        Driver {
            rx: fake.observe(),
            fake: fake.clone(),
            kind,
            parents: HashMap::new(),
            next_user: first_user,
            samples: Vec::new(),
            errors: 0,
            answered: 0,
            messages: 0,
        }
    }

    fn new_parent(&mut self) -> i64 {
        let id = self.next_user;
        self.next_user += 1;
        let mut user = FakeUser::new(id, "Maija", "fi");
        user.username = Some(format!("maija{id}"));
        let area = AREAS[usize::try_from(id).unwrap_or(0) % AREAS.len()];
        self.parents.insert(
            id,
            Parent {
                user,
                area,
                step: 0,
                pushed: None,
                answered: false,
                tap: None,
                last_message: 0,
                messages: 0,
            },
        );
        id
    }

    /// Pushes the parent's next step.
    fn push(&mut self, id: i64) {
        let Some(p) = self.parents.get_mut(&id) else {
            return;
        };
        let label = p.label(p.step);
        p.answered = false;
        let now = Instant::now();
        match (STEPS[p.step], self.kind) {
            (Step::Text(t), _) => {
                self.fake.send_text(&p.user, t);
            }
            (Step::Tap(_), Kind::Kokoon) => {
                let Some((message, data)) = p.tap.take() else {
                    self.errors += 1;
                    self.parents.remove(&id);
                    return;
                };
                self.fake.press_button(&p.user, message, &data);
            }
            (Step::Tap(_), Kind::Echo) => {
                let data = format!("bench:{label}");
                self.fake
                    .press_button_unchecked(&p.user, p.last_message, &data);
            }
        }
        p.pushed = Some(now);
    }

    /// Takes in what the fake saw; returns the step it finished, if any.
    fn on(&mut self, ev: Stamped) -> Option<Done> {
        let msg: SentMessage = match ev.what {
            Observed::Accepted(m) => m,
            Observed::Rejected(r) => {
                eprintln!(
                    "bench: the fake rejected {} ({}): {}",
                    r.method, r.error_code, r.description
                );
                self.errors += 1;
                return None;
            }
            Observed::Request(_) => return None,
        };
        let id = msg.chat_id;
        let p = self.parents.get_mut(&id)?;
        p.last_message = msg.message_id;
        p.messages += 1;
        self.messages += 1;
        let pushed = p.pushed?;
        if !p.answered {
            p.answered = true;
            self.samples.push(Sample {
                step: p.step,
                latency: ev.at.saturating_duration_since(pushed),
            });
        }
        let last = p.step + 1 == STEPS.len();
        let done = match self.kind {
            Kind::Echo => true,
            Kind::Kokoon if last => {
                if !msg.text.contains(SAVED) {
                    eprintln!("bench: the confirmation was {:?}", msg.text);
                    self.errors += 1;
                }
                true
            }
            Kind::Kokoon => {
                let next = p.label(p.step + 1);
                let all = msg.buttons.iter().flatten();
                let exact = all.clone().find(|(l, _)| l == next);
                let found = exact.or_else(|| all.clone().find(|(l, _)| l.contains(next)));
                match found {
                    Some((_, data)) => {
                        p.tap = Some((msg.message_id, data.clone()));
                        true
                    }
                    None => false,
                }
            }
        };
        if !done {
            return None;
        }
        p.pushed = None;
        p.step += 1;
        self.answered += 1;
        let finished = p.step == STEPS.len();
        if finished {
            self.parents.remove(&id);
        }
        Some(Done {
            id,
            finished,
            at: ev.at,
        })
    }

    /// Drops parents whose step got no answer within [`LOST`]; returns how many.
    fn reap(&mut self) -> usize {
        let lost: Vec<i64> = self
            .parents
            .iter()
            .filter(|(_, p)| p.pushed.is_some_and(|t| t.elapsed() > LOST))
            .map(|(id, _)| *id)
            .collect();
        for id in &lost {
            eprintln!("bench: parent {id} got no answer within {LOST:?}");
            self.parents.remove(id);
        }
        self.errors += lost.len();
        lost.len()
    }

    fn outstanding(&self) -> usize {
        self.parents.values().filter(|p| p.pushed.is_some()).count()
    }

    async fn wake(
        &mut self,
        tick: &mut tokio::time::Interval,
        mark: Option<Instant>,
        end: Instant,
    ) -> Wake {
        let mark = mark.unwrap_or(end + Duration::from_secs(3600));
        tokio::select! {
            biased;
            ev = self.rx.recv() => Wake::Event(ev),
            () = tokio::time::sleep_until(mark.into()) => Wake::Mark,
            () = tokio::time::sleep_until(end.into()) => Wake::End,
            _ = tick.tick() => Wake::Tick,
        }
    }

    /// Lets the steps in flight finish (up to `timeout`), then forgets every parent.
    async fn settle(&mut self, timeout: Duration) {
        let end = Instant::now() + timeout;
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        while self.outstanding() > 0 && Instant::now() < end {
            if let Wake::Event(Some(ev)) = self.wake(&mut tick, None, end).await {
                self.on(ev);
            }
        }
        self.reap();
        self.parents.clear();
    }

    /// Saturation: `parents` parents at once, each taking the next step as soon as the previous
    /// one is answered (a parent who finishes is replaced by a new one). Updates are counted over
    /// `measure` after `warmup`, with the bot's CPU time over the same window.
    pub async fn closed(
        &mut self,
        bot: &Bot,
        parents: usize,
        warmup: Duration,
        measure: Duration,
    ) -> Throughput {
        for _ in 0..parents {
            let id = self.new_parent();
            self.push(id);
        }
        let start = Instant::now() + warmup;
        let end = start + measure;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let (mut updates, mut cpu0, mut cpu1) = (0, None, Duration::ZERO);
        loop {
            let mark = if cpu0.is_none() { Some(start) } else { None };
            match self.wake(&mut tick, mark, end).await {
                Wake::Event(None) => break,
                Wake::Event(Some(ev)) => {
                    let Some(done) = self.on(ev) else { continue };
                    if done.at >= start && done.at < end {
                        updates += 1;
                    }
                    if done.finished {
                        let id = self.new_parent();
                        self.push(id);
                    } else {
                        self.push(done.id);
                    }
                }
                Wake::Mark => cpu0 = Some(bot.cpu()),
                Wake::Tick => {
                    for _ in 0..self.reap() {
                        let id = self.new_parent();
                        self.push(id);
                    }
                }
                Wake::End => {
                    cpu1 = bot.cpu();
                    break;
                }
            }
        }
        self.settle(Duration::from_secs(20)).await;
        Throughput {
            updates,
            elapsed: measure,
            cpu: cpu1.saturating_sub(cpu0.unwrap_or(cpu1)),
        }
    }

    /// A fixed offered load: one update every `1/rate` seconds for `duration`, each from a parent
    /// whose previous step has been answered (a new parent when none is free). Returns every
    /// answered update's latency.
    pub async fn open(&mut self, rate: f64, duration: Duration) -> Vec<Sample> {
        self.samples.clear();
        let mut ready: VecDeque<i64> = VecDeque::new();
        let end = Instant::now() + duration;
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        loop {
            match self.wake(&mut tick, None, end).await {
                Wake::Event(None) | Wake::End => break,
                Wake::Event(Some(ev)) => {
                    if let Some(done) = self.on(ev) {
                        if !done.finished {
                            ready.push_back(done.id);
                        }
                    }
                }
                Wake::Tick => {
                    let id = ready.pop_front().unwrap_or_else(|| self.new_parent());
                    self.push(id);
                }
                Wake::Mark => {}
            }
        }
        self.settle(Duration::from_secs(20)).await;
        self.reap();
        std::mem::take(&mut self.samples)
    }

    /// One parent at a time, `registrations` times over: every update meets an idle bot.
    pub async fn sequential(&mut self, registrations: usize) -> Vec<Sample> {
        self.samples.clear();
        let deadline = Instant::now() + LOST * u32::try_from(registrations).unwrap_or(1);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        for _ in 0..registrations {
            let id = self.new_parent();
            self.push(id);
            while self.parents.contains_key(&id) && Instant::now() < deadline {
                match self.wake(&mut tick, None, deadline).await {
                    Wake::Event(Some(ev)) => {
                        if let Some(done) = self.on(ev) {
                            if !done.finished {
                                self.push(done.id);
                            }
                        }
                    }
                    Wake::Tick => {
                        self.reap();
                    }
                    _ => break,
                }
            }
        }
        self.settle(Duration::from_secs(5)).await;
        std::mem::take(&mut self.samples)
    }
}
