//! The crash harness: the real `kokoon` binary against the fake Telegram server, many parents
//! registering, confirming, withdrawing and signing up for an event at once, while the process
//! is killed with SIGKILL at random moments (seeded) and started again, many times.
//!
//! After every kill the data directory is opened with [`Store::open_with`] and checked against
//! what the parents saw:
//! - every registration whose confirmation reached Telegram is stored, and every withdrawal
//!   that was confirmed is gone; one registration per parent and group;
//! - the demand counters equal the waiting registrations added up, pool by pool;
//! - `crossings(pool)` equals the number of times demand rose through the threshold by the
//!   confirmations and withdrawals the parents drove (pool-changing taps are serialised per
//!   pool, so their order is known), and every crossing's alert to each coordinator of the
//!   pool was delivered, is still queued, or was dropped because the pool fell below the
//!   threshold before it went (the store counts those; no more than the pool fell);
//! - everyone signed up for the event has their reminder and feedback question queued;
//! - parents who were told they joined or left the event are (or are not) in it.
//!
//! An action whose update was in flight at the kill is judged by whether the store recorded its
//! update id. Replies are expected at least once: a parent waits for the reply to each step and
//! skips anything else, counting copies of messages it already had (duplicates).
//!
//! Shared by the short CI test (`tests/e2e/crash.rs`) and the long run
//! (`cargo run --release --example crash -- --cycles 1000`).
#![allow(dead_code)]

use crate::fake_telegram::{FakeTelegram, FakeUser, SentMessage};
use kokoon::config::Config;
use kokoon::domain::{
    AreaId, Event, EventText, GroupId, Lang, OutboxItem, Outgoing, Pool, Registration, Status,
    UserId,
};
use kokoon::flow::Effect;
use kokoon::store::{Key, Store, UserRecord};

/// The encryption key of the harness's data directories (a test key, never for production).
const CRASH_KEY_HEX: &str = "6b6f6b6f6f6e2074657374206b65792c206e6f7420666f722070726f64756374";

fn crash_key() -> Key {
    Key::from_hex(CRASH_KEY_HEX, "the crash harness key").expect("a valid key")
}
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a run does.
#[derive(Debug, Clone)]
pub struct Options {
    /// Kill-and-restart cycles.
    pub cycles: usize,
    /// Simulated parents (at least 6).
    pub parents: usize,
    /// The seed of every random choice (kill moments, parents' actions).
    pub seed: u64,
    /// The `kokoon` binary.
    pub bin: PathBuf,
    /// The config (the shipped example).
    pub config: PathBuf,
    /// How long the bot lives at least / at most before a kill, in milliseconds.
    pub alive_ms: (u64, u64),
    /// Print a line per cycle.
    pub verbose: bool,
    /// Take updates by webhook (a new port at each start) rather than long polling.
    pub webhook: bool,
}

impl Options {
    /// The short run CI does: 30 cycles, 24 parents.
    pub fn short(bin: PathBuf, config: PathBuf) -> Options {
        Options {
            cycles: 30,
            parents: 24,
            seed: seed_from_env(),
            bin,
            config,
            alive_ms: (150, 1200),
            verbose: false,
            webhook: false,
        }
    }
}

/// `KOKOON_CRASH_SEED` if set (to replay a run), else from the clock.
pub fn seed_from_env() -> u64 {
    std::env::var("KOKOON_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// The seed.
    pub seed: u64,
    /// Kills (SIGKILL) and restarts.
    pub cycles: usize,
    /// Parents.
    pub parents: usize,
    /// Updates the parents and coordinators sent.
    pub updates_sent: usize,
    /// Registrations confirmed to a parent ("… is saved").
    pub registrations_confirmed: usize,
    /// Withdrawals confirmed to a parent.
    pub withdrawals_confirmed: usize,
    /// Event sign-ups and cancellations confirmed.
    pub rsvps_confirmed: usize,
    /// Threshold crossings recorded (all pools).
    pub crossings: u32,
    /// Alerts the coordinators received (each crossing alerts every coordinator of the pool).
    pub alerts_received: usize,
    /// Alerts expected: crossings times coordinators of the pool, less those dropped.
    pub alerts_expected: usize,
    /// Alerts dropped unsent because their pool fell below its threshold before they went.
    pub alerts_dropped: u32,
    /// Alerts received more than once.
    pub duplicate_alerts: usize,
    /// Replies a parent received again (a copy of a message it already had).
    pub duplicate_replies: usize,
    /// Messages that came only after a restart, sent from the store's unsent replies (from the
    /// bots' logs).
    pub replies_resent: usize,
    /// Store checks done (one per kill, one at the end).
    pub store_checks: usize,
    /// Kills that came while the bot was still catching up after the previous start.
    pub kills_during_catch_up: usize,
    /// Longest time from starting the process to having confirmed every update that was
    /// waiting when it started.
    pub max_recovery: Duration,
    /// Mean of the same.
    pub mean_recovery: Duration,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "crash harness, seed {}", self.seed)?;
        writeln!(
            f,
            "  cycles (SIGKILL + restart)   {} ({} during catch-up)",
            self.cycles, self.kills_during_catch_up
        )?;
        writeln!(f, "  parents                      {}", self.parents)?;
        writeln!(f, "  updates sent                 {}", self.updates_sent)?;
        writeln!(
            f,
            "  registrations confirmed      {}",
            self.registrations_confirmed
        )?;
        writeln!(
            f,
            "  withdrawals confirmed        {}",
            self.withdrawals_confirmed
        )?;
        writeln!(f, "  event sign-ups/cancellations {}", self.rsvps_confirmed)?;
        writeln!(f, "  threshold crossings          {}", self.crossings)?;
        writeln!(
            f,
            "  alerts received / expected   {} / {} ({} duplicates; {} dropped as their pool fell first)",
            self.alerts_received, self.alerts_expected, self.duplicate_alerts, self.alerts_dropped
        )?;
        writeln!(
            f,
            "  duplicate replies observed   {}",
            self.duplicate_replies
        )?;
        writeln!(f, "  replies resent after restart {}", self.replies_resent)?;
        writeln!(f, "  store checks passed          {}", self.store_checks)?;
        write!(
            f,
            "  recovery (start → caught up) max {} ms, mean {} ms\n  elapsed                      {:.1} s",
            self.max_recovery.as_millis(),
            self.mean_recovery.as_millis(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// A small seeded generator (splitmix64): reproducible runs without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }
}

const COORDINATORS: [i64; 2] = [100_000_001, 100_000_002];
const FIRST_PARENT: i64 = 7_000_001;
/// How long a parent waits for a reply before the run fails.
const REPLY_TIMEOUT: Duration = Duration::from_secs(20);

/// The pools the parents register in, with the text that names each in a (Finnish) alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PoolId {
    TilliFi,
    TilliSv,
    Eron,
}

const POOLS: [PoolId; 3] = [PoolId::TilliFi, PoolId::TilliSv, PoolId::Eron];

impl PoolId {
    fn pool(self) -> Pool {
        let area = AreaId::parse("hyvinkaa").expect("area");
        match self {
            PoolId::TilliFi => Pool {
                group: GroupId::parse("tilli-toukka").expect("group"),
                area,
                lang: Some(Lang::Fi),
            },
            PoolId::TilliSv => Pool {
                group: GroupId::parse("tilli-toukka").expect("group"),
                area,
                lang: Some(Lang::Sv),
            },
            PoolId::Eron => Pool {
                group: GroupId::parse("eron-edessa").expect("group"),
                area,
                lang: None,
            },
        }
    }

    fn group(self) -> &'static str {
        match self {
            PoolId::TilliFi | PoolId::TilliSv => "tilli-toukka",
            PoolId::Eron => "eron-edessa",
        }
    }

    fn children(self) -> bool {
        self != PoolId::Eron
    }

    /// The start of a Finnish alert about this pool.
    fn alert_marker(self) -> &'static str {
        match self {
            PoolId::TilliFi => "Tilli Toukka, Hyvinkää (suomi): kynnys täyttyi",
            PoolId::TilliSv => "Tilli Toukka, Hyvinkää (ruotsi): kynnys täyttyi",
            PoolId::Eron => "Eron edessä -ilta, Hyvinkää: kynnys täyttyi",
        }
    }

    fn coordinators(self) -> &'static [i64] {
        match self {
            PoolId::TilliFi | PoolId::TilliSv => &COORDINATORS,
            PoolId::Eron => &COORDINATORS[1..],
        }
    }
}

/// Button labels and reply texts in a parent's language.
struct Words {
    children_done: &'static str,
    area: &'static str,
    lang_fi: &'static str,
    lang_sv: &'static str,
    time: &'static str,
    times_done: &'static str,
    consent: &'static str,
    share_no: &'static str,
    no_note: &'static str,
    confirm: &'static str,
    saved: &'static str,
    withdraw: &'static str,
    withdraw_yes: &'static str,
    withdrawn: &'static str,
    join: &'static str,
    queue: &'static str,
    leave: &'static str,
    leave_queue: &'static str,
    joined: &'static str,
    queued: &'static str,
    left: &'static str,
}

fn words(lang: &str) -> &'static Words {
    match lang {
        "sv" => &Words {
            children_done: "Inga fler, fortsätt",
            area: "Hyvinge",
            lang_fi: "finska",
            lang_sv: "svenska",
            time: "Vardagskvällar",
            times_done: "Klar",
            consent: "Jag godkänner",
            share_no: "Nej tack",
            no_note: "Hoppa över",
            confirm: "Bekräfta",
            saved: "är sparad.",
            withdraw: "Återkalla anmälan",
            withdraw_yes: "Ja, återkalla",
            withdrawn: "är återkallad",
            join: "Anmäl mig",
            queue: "Ställ mig i kö",
            leave: "Avboka",
            leave_queue: "Lämna kön",
            joined: "Din anmälan är sparad:",
            queued: "står i kö",
            left: "Du är avbokad",
        },
        "en" => &Words {
            children_done: "No more, continue",
            area: "Hyvinkää",
            lang_fi: "Finnish",
            lang_sv: "Swedish",
            time: "Weekday evenings",
            times_done: "Done",
            consent: "I agree",
            share_no: "No, thanks",
            no_note: "Skip",
            confirm: "Confirm",
            saved: "is saved",
            withdraw: "Withdraw",
            withdraw_yes: "Yes, withdraw",
            withdrawn: "has been withdrawn",
            join: "Sign up",
            queue: "Join the waiting list",
            leave: "Cancel my place",
            leave_queue: "Leave the waiting list",
            joined: "You're signed up",
            queued: "in the waiting list",
            left: "Your place is cancelled",
        },
        _ => &Words {
            children_done: "Ei muita, jatketaan",
            area: "Hyvinkää",
            lang_fi: "suomi",
            lang_sv: "ruotsi",
            time: "Arki-iltaisin",
            times_done: "Valmis",
            consent: "Hyväksyn tallennuksen",
            share_no: "Ei, kiitos",
            no_note: "Ohita",
            confirm: "Vahvista",
            saved: "on tallennettu",
            withdraw: "Peru ilmoittautuminen",
            withdraw_yes: "Kyllä, peru",
            withdrawn: "on peruttu",
            join: "Ilmoittaudu",
            queue: "Jonoon",
            leave: "Peru osallistuminen",
            leave_queue: "Poistu jonosta",
            joined: "Ilmoittautuminen tallennettu",
            queued: "olet jonossa",
            left: "Osallistumisesi peruttiin",
        },
    }
}

/// A change whose update was sent but whose reply has not come yet.
#[derive(Debug, Clone, Copy)]
struct InFlight {
    update_id: i64,
    user: i64,
    /// +1 registers, -1 withdraws (a pool change); for the event, +1 joins, -1 leaves.
    delta: i64,
}

/// One pool as the parents' confirmed actions make it.
#[derive(Debug, Default)]
struct PoolModel {
    demand: i64,
    crossings: u32,
    in_flight: Option<InFlight>,
}

/// What the harness knows, from the replies the parents got.
#[derive(Debug, Default)]
struct Model {
    pools: BTreeMap<PoolId, PoolModel>,
    /// Parent → registered (confirmed and not withdrawn since).
    registered: BTreeMap<i64, bool>,
    /// Parent → signed up or in the waiting list of the event.
    in_event: BTreeMap<i64, bool>,
    event_in_flight: BTreeMap<i64, InFlight>,
}

struct Shared {
    fake: FakeTelegram,
    model: Mutex<Model>,
    /// Serialises pool-changing taps per pool, so the order of changes is known.
    pool_locks: BTreeMap<PoolId, tokio::sync::Mutex<()>>,
    thresholds: BTreeMap<PoolId, i64>,
    event_id: u64,
    stop: AtomicBool,
    updates_sent: AtomicUsize,
    confirmed: AtomicUsize,
    withdrawn: AtomicUsize,
    rsvps: AtomicUsize,
    duplicates: AtomicUsize,
    failure: Mutex<Option<String>>,
}

impl Shared {
    fn fail(&self, why: String) {
        let mut f = self.failure.lock().expect("lock");
        if f.is_none() {
            *f = Some(why);
        }
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A simulated parent.
struct Parent {
    shared: Arc<Shared>,
    user: FakeUser,
    lang: &'static str,
    pool: PoolId,
    rng: Rng,
    /// Sends (not edits) to this chat already looked at.
    seen: usize,
}

impl Parent {
    fn words(&self) -> &'static Words {
        words(self.lang)
    }

    fn id(&self) -> i64 {
        self.user.id
    }

    fn text(&mut self, text: &str) -> i64 {
        self.shared.updates_sent.fetch_add(1, Ordering::Relaxed);
        self.shared.fake.send_text(&self.user, text)
    }

    fn press(&mut self, msg: &SentMessage, label: &str) -> Result<i64, String> {
        let data = exact_button(msg, label)
            .ok_or_else(|| format!("no button {label:?} in {:?}", msg.labels()))?;
        self.shared.updates_sent.fetch_add(1, Ordering::Relaxed);
        Ok(self
            .shared
            .fake
            .press_button(&self.user, msg.message_id, &data))
    }

    /// Waits for the next message to this parent that satisfies `want`, skipping others (and
    /// counting those that repeat a message it already had).
    async fn expect(
        &mut self,
        what: &str,
        want: impl Fn(&SentMessage) -> bool,
    ) -> Result<SentMessage, String> {
        let fake = self.shared.fake.clone();
        let id = self.id();
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let sends: Vec<SentMessage> = fake
                .messages_to(id)
                .into_iter()
                .filter(|m| m.method.starts_with("send"))
                .collect();
            while self.seen < sends.len() {
                let m = &sends[self.seen];
                self.seen += 1;
                if want(m) {
                    return Ok(m.clone());
                }
                let copy = sends[..self.seen - 1]
                    .iter()
                    .any(|e| e.html == m.html && e.buttons == m.buttons);
                if copy {
                    self.shared.duplicates.fetch_add(1, Ordering::Relaxed);
                }
            }
            if Instant::now() >= deadline {
                let all = fake.messages_to(id);
                let last: Vec<String> = all
                    .iter()
                    .rev()
                    .take(4)
                    .map(|m| format!("{} {}: {} {:?}", m.method, m.message_id, m.text, m.labels()))
                    .collect();
                return Err(format!(
                    "parent {id} ({}) waited {REPLY_TIMEOUT:?} for {what}; last messages: {last:#?}",
                    self.lang
                ));
            }
            let before = sends.len();
            fake.wait_until(Duration::from_millis(500), |f| {
                f.messages_to(id)
                    .iter()
                    .filter(|m| m.method.starts_with("send"))
                    .count()
                    > before
            })
            .await;
        }
    }

    async fn expect_button(&mut self, label: &'static str) -> Result<SentMessage, String> {
        self.expect(&format!("a message with the button {label:?}"), |m| {
            exact_button(m, label).is_some()
        })
        .await
    }

    /// One registration, from the deep link to the confirmation.
    async fn register(&mut self) -> Result<(), String> {
        let w = self.words();
        self.text(&format!("/start {}", self.pool.group()));
        let mut m = self.expect_button(w.consent).await?;
        self.press(&m, w.consent)?;
        if self.pool.children() {
            m = self.expect_button("5").await?;
            self.press(&m, "5")?;
            m = self.expect_button(w.children_done).await?;
            self.press(&m, w.children_done)?;
        }
        m = self.expect_button(w.area).await?;
        self.press(&m, w.area)?;
        let group_lang = match self.pool {
            PoolId::TilliSv => w.lang_sv,
            _ => w.lang_fi,
        };
        m = self.expect_button(group_lang).await?;
        self.press(&m, group_lang)?;
        m = self.expect_button(w.time).await?;
        self.press(&m, w.time)?;
        let checked = format!("✓ {}", w.time);
        let (fake, id, mid) = (self.shared.fake.clone(), self.id(), m.message_id);
        let edited = fake
            .wait_until(REPLY_TIMEOUT, |f| {
                f.current(id, mid)
                    .is_some_and(|c| exact_button(&c, &checked).is_some())
            })
            .await;
        if !edited {
            return Err(format!("parent {id}: the time was never checked"));
        }
        let m = fake.current(id, mid).expect("edited message");
        self.press(&m, w.times_done)?;
        let m = self.expect_button(w.share_no).await?;
        self.press(&m, w.share_no)?;
        let m = self.expect_button(w.no_note).await?;
        self.press(&m, w.no_note)?;
        let m = self.expect_button(w.confirm).await?;
        self.change_pool(1, |p| p.press(&m, w.confirm), w.saved)
            .await?;
        self.shared.confirmed.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Withdraws the parent's registration through /mine.
    async fn withdraw(&mut self) -> Result<(), String> {
        let w = self.words();
        self.text("/mine");
        let m = self.expect_button(w.withdraw).await?;
        self.press(&m, w.withdraw)?;
        let m = self.expect_button(w.withdraw_yes).await?;
        self.change_pool(-1, |p| p.press(&m, w.withdraw_yes), w.withdrawn)
            .await?;
        self.shared.withdrawn.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Sends the update that changes the pool, holding the pool's lock until its reply came.
    async fn change_pool(
        &mut self,
        delta: i64,
        send: impl FnOnce(&mut Parent) -> Result<i64, String>,
        reply: &'static str,
    ) -> Result<(), String> {
        let shared = self.shared.clone();
        let _turn = shared.pool_locks[&self.pool].lock().await;
        {
            // Sent and recorded under the model's lock, so a check never sees one without the other.
            let mut model = shared.model.lock().expect("lock");
            let update_id = send(self)?;
            model.pools.get_mut(&self.pool).expect("pool").in_flight = Some(InFlight {
                update_id,
                user: self.id(),
                delta,
            });
        }
        self.expect(&format!("{reply:?}"), |m| m.text.contains(reply))
            .await?;
        let mut model = shared.model.lock().expect("lock");
        let threshold = shared.thresholds[&self.pool];
        let pool = model.pools.get_mut(&self.pool).expect("pool");
        if pool.demand == threshold - 1 && delta == 1 {
            pool.crossings += 1;
        }
        pool.demand += delta;
        pool.in_flight = None;
        model.registered.insert(self.id(), delta > 0);
        Ok(())
    }

    /// Opens the event by its link and joins it (or its waiting list), or leaves it.
    async fn toggle_event(&mut self) -> Result<(), String> {
        let w = self.words();
        self.text(&format!("/start event-{}", self.shared.event_id));
        let card = self
            .expect("the event card", |m| {
                [w.join, w.queue, w.leave, w.leave_queue]
                    .iter()
                    .any(|l| exact_button(m, l).is_some())
            })
            .await?;
        // A seat shown free may be taken by the time the tap arrives: joined or queued.
        let (label, delta, replies) = if exact_button(&card, w.join).is_some() {
            (w.join, 1, [w.joined, w.queued])
        } else if exact_button(&card, w.queue).is_some() {
            (w.queue, 1, [w.joined, w.queued])
        } else if exact_button(&card, w.leave).is_some() {
            (w.leave, -1, [w.left, w.left])
        } else {
            (w.leave_queue, -1, [w.left, w.left])
        };
        let shared = self.shared.clone();
        {
            let mut model = shared.model.lock().expect("lock");
            let update_id = self.press(&card, label)?;
            model.event_in_flight.insert(
                self.id(),
                InFlight {
                    update_id,
                    user: self.id(),
                    delta,
                },
            );
        }
        self.expect(&format!("{replies:?}"), |m| {
            replies.iter().any(|r| m.text.contains(r))
        })
        .await?;
        let mut model = shared.model.lock().expect("lock");
        model.event_in_flight.remove(&self.id());
        model.in_event.insert(self.id(), delta > 0);
        self.shared.rsvps.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn run(mut self) {
        while !self.shared.stop.load(Ordering::SeqCst) {
            let registered = self
                .shared
                .model
                .lock()
                .expect("lock")
                .registered
                .get(&self.id())
                .copied()
                .unwrap_or(false);
            let result = match self.rng.range(0, 9) {
                0..=2 => self.toggle_event().await,
                _ if registered => self.withdraw().await,
                _ => self.register().await,
            };
            if let Err(e) = result {
                self.shared.fail(e);
                return;
            }
            let pause = self.rng.range(0, 60);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }
}

/// Callback data of the button labelled exactly `label`.
fn exact_button(m: &SentMessage, label: &str) -> Option<String> {
    m.buttons
        .iter()
        .flatten()
        .find(|(l, _)| l == label)
        .map(|(_, d)| d.clone())
}

/// A running `kokoon run`.
struct Process {
    child: Child,
    started: Instant,
}

fn spawn(opts: &Options, fake: &FakeTelegram, data: &Path, log: &Path) -> Result<Process, String> {
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let child = Command::new(&opts.bin)
        .arg("--config")
        .arg(&opts.config)
        .arg("run")
        .arg("--data")
        .arg(data)
        .args(["--api-url", &fake.api_url()])
        .args(webhook_args(opts.webhook))
        .env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
        .env("KOKOON_KEY", CRASH_KEY_HEX)
        .env_remove("KOKOON_KEY_FILE")
        .env(
            "RUST_LOG",
            std::env::var("KOKOON_CRASH_LOG").unwrap_or_else(|_| "info".into()),
        )
        .env("KOKOON_RATE_LIMIT", "off")
        // The simulated parents tap far faster than people: no per-chat inbound limit.
        .env("KOKOON_INBOUND_LIMIT", "off")
        .env_remove("TELOXIDE_API_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("{}: {e}", opts.bin.display()))?;
    Ok(Process {
        child,
        started: Instant::now(),
    })
}

/// `--webhook URL --listen ADDR` on a free port of 127.0.0.1, when `webhook`.
fn webhook_args(webhook: bool) -> Vec<String> {
    if !webhook {
        return Vec::new();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0);
    vec![
        "--webhook".into(),
        format!("http://127.0.0.1:{port}/telegram/updates"),
        "--listen".into(),
        format!("127.0.0.1:{port}"),
    ]
}

impl Process {
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn load_config(path: &Path) -> Result<Arc<Config>, String> {
    Config::load(path)
        .map(Arc::new)
        .map_err(|e| format!("config: {e}"))
}

/// Creates an event (the newest's id is returned), through the store as a coordinator would.
pub fn create_event(data: &Path, config: &Arc<Config>, capacity: u32) -> Result<u64, String> {
    let store =
        Store::open_with(data, 1 << 20, &crash_key(), config.clone()).map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let start = now + chrono::Duration::days(30);
    let event = Event {
        id: 0,
        title: EventText::all("Vanhempien ilta", "Föräldrakväll", "Parents' evening"),
        description: None,
        group: None,
        start,
        end: start + chrono::Duration::hours(2),
        place: "Pikku-Veturi".into(),
        capacity: Some(capacity),
        organiser: UserId(COORDINATORS[1] as u64),
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: kokoon::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    runtime
        .block_on(store.commit(
            UserId(COORDINATORS[1] as u64),
            None,
            &UserRecord::default(),
            &[Effect::CreateEvent(event)],
            now,
        ))
        .map_err(|e| e.to_string())?;
    let events = store.events().map_err(|e| e.to_string())?;
    events
        .iter()
        .map(|e| e.id)
        .max()
        .ok_or_else(|| "the event was not created".to_owned())
}

/// What the store must hold, from the model at the moment of a check.
struct Snapshot {
    pools: BTreeMap<PoolId, (i64, u32, Option<InFlight>)>,
    registered: BTreeMap<i64, bool>,
    in_event: BTreeMap<i64, bool>,
    event_in_flight: BTreeMap<i64, InFlight>,
}

fn snapshot(shared: &Shared) -> Snapshot {
    let m = shared.model.lock().expect("lock");
    Snapshot {
        pools: m
            .pools
            .iter()
            .map(|(k, p)| (*k, (p.demand, p.crossings, p.in_flight)))
            .collect(),
        registered: m.registered.clone(),
        in_event: m.in_event.clone(),
        event_in_flight: m.event_in_flight.clone(),
    }
}

/// Opens the store of a stopped bot and checks it against the snapshot. Returns the crossings
/// and the alerts dropped because their reason passed.
fn check_store(
    data: &Path,
    config: &Arc<Config>,
    shared: &Shared,
    snap: &Snapshot,
    parents: &[(i64, PoolId)],
    final_check: bool,
) -> Result<(u32, u32), String> {
    let store = Store::open_with(data, 1 << 20, &crash_key(), config.clone())
        .map_err(|e| format!("sled did not reopen: {e}"))?;
    let seen = |id: i64| {
        store
            .seen_update(u32::try_from(id).unwrap_or(u32::MAX))
            .unwrap_or(false)
    };
    let err = |e: kokoon::store::StoreError| e.to_string();

    // Counters equal the waiting registrations added up, pool by pool.
    let mut sums: BTreeMap<Pool, (usize, usize)> = BTreeMap::new();
    let mut per_user_group: BTreeMap<(u64, String), usize> = BTreeMap::new();
    let regs: Vec<Registration> = store
        .all_registrations()
        .collect::<Result<_, _>>()
        .map_err(err)?;
    for r in &regs {
        *per_user_group
            .entry((r.user.0, r.group.as_str().to_owned()))
            .or_default() += 1;
        if r.status == Status::Waiting {
            let e = sums
                .entry(kokoon::domain::Rules::pool_of(config.as_ref(), r))
                .or_default();
            e.0 += 1;
            e.1 += r.participants();
        }
    }
    if let Some(((u, g), n)) = per_user_group.iter().find(|(_, n)| **n > 1) {
        return Err(format!("user {u} has {n} registrations for {g}"));
    }
    for id in POOLS {
        sums.entry(id.pool()).or_default();
    }
    for (pool, (families, participants)) in &sums {
        let d = store.demand_in(pool).map_err(err)?;
        if (d.families, d.participants) != (*families, *participants) {
            return Err(format!(
                "pool {pool:?}: counters say {} families / {} participants, the registrations add up to {families} / {participants}",
                d.families, d.participants
            ));
        }
    }

    // Each pool: demand and crossings as the parents' confirmed changes make them.
    let outbox: Vec<OutboxItem> = store
        .due_outbox(chrono::DateTime::<chrono::Utc>::MAX_UTC, usize::MAX)
        .map_err(err)?
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    let mut total_crossings = 0;
    let mut total_dropped = 0;
    for id in POOLS {
        let (mut demand, mut crossings, in_flight) = snap.pools[&id];
        if let Some(f) = in_flight.filter(|f| seen(f.update_id)) {
            if demand == shared.thresholds[&id] - 1 && f.delta == 1 {
                crossings += 1;
            }
            demand += f.delta;
        }
        let pool = id.pool();
        let stored = store.demand_in(&pool).map_err(err)?.participants as i64;
        if stored != demand {
            return Err(format!(
                "pool {id:?}: demand {stored} stored, {demand} confirmed to the parents"
            ));
        }
        let recorded = store.crossings(&pool).map_err(err)?;
        if recorded != crossings {
            return Err(format!(
                "pool {id:?}: {recorded} crossings recorded, demand rose through the threshold {crossings} times"
            ));
        }
        total_crossings += recorded;
        // An alert whose reason passed before it went (the pool fell below its threshold again;
        // the harness launches nothing) is dropped, and the store counts it: every crossing's
        // alert to each coordinator is delivered, still queued or dropped. Only a fall can drop
        // one, so there are at most as many dropped as falls, per coordinator.
        let dropped = store.alerts_dropped(&pool).map_err(err)?;
        total_dropped += dropped;
        let coordinators = id.coordinators();
        let n = coordinators.len() as u32;
        let falls = recorded.saturating_sub(u32::from(demand >= shared.thresholds[&id]));
        if dropped > falls * n {
            return Err(format!(
                "pool {id:?}: {dropped} alerts dropped, but the pool fell below its threshold only {falls} times ({n} coordinators)"
            ));
        }
        let (mut received_all, mut queued_all) = (0, 0);
        for c in coordinators {
            let received = alerts_to(&shared.fake, *c, id);
            let queued = outbox
                .iter()
                .filter(|i| {
                    i.to.0 == *c as u64 && i.message == Outgoing::Alert { pool: pool.clone() }
                })
                .count();
            received_all += received;
            queued_all += queued;
            if received + queued + (dropped as usize) < recorded as usize {
                return Err(format!(
                    "pool {id:?}: coordinator {c} got {received} alerts, {queued} are queued and {dropped} were dropped (all coordinators), for {recorded} crossings"
                ));
            }
            if final_check && received + (dropped as usize) < recorded as usize {
                return Err(format!(
                    "pool {id:?}: coordinator {c} got {received} alerts and {dropped} were dropped (all coordinators), for {recorded} crossings"
                ));
            }
        }
        if received_all + queued_all + (dropped as usize) < (recorded * n) as usize {
            return Err(format!(
                "pool {id:?}: its {n} coordinators got {received_all} alerts, {queued_all} are queued and {dropped} were dropped, for {recorded} crossings"
            ));
        }
    }

    // Each parent's registration as confirmed to them.
    for (user, pool) in parents {
        let mut expected = snap.registered.get(user).copied().unwrap_or(false);
        if let Some(f) = snap.pools[pool].2.filter(|f| f.user == *user) {
            if seen(f.update_id) {
                expected = f.delta > 0;
            }
        }
        let group = GroupId::parse(pool.group()).expect("group");
        let stored = store
            .registrations_of(UserId(*user as u64))
            .map_err(err)?
            .iter()
            .any(|r| r.group == group);
        if stored != expected {
            return Err(format!(
                "parent {user}: registration stored {stored}, confirmed to them {expected}"
            ));
        }
    }

    // The event: the parents in it as told, and reminders queued for everyone signed up.
    let event = store
        .event(shared.event_id)
        .map_err(err)?
        .ok_or("the event is gone")?;
    let mut everyone: Vec<UserId> = event.attendees.clone();
    everyone.extend(event.waiting.iter().copied());
    let n = everyone.len();
    everyone.sort();
    everyone.dedup();
    if everyone.len() != n {
        return Err(format!("someone is in the event twice: {event:?}"));
    }
    if let Some(cap) = event.capacity {
        if event.attendees.len() > cap as usize {
            return Err(format!("the event is over capacity: {event:?}"));
        }
    }
    for (user, _) in parents {
        let mut expected = snap.in_event.get(user).copied().unwrap_or(false);
        if let Some(f) = snap.event_in_flight.get(user) {
            if seen(f.update_id) {
                expected = f.delta > 0;
            }
        }
        let stored = everyone.contains(&UserId(*user as u64));
        if stored != expected {
            return Err(format!(
                "parent {user}: in the event {stored} in the store, {expected} as told"
            ));
        }
    }
    for a in &event.attendees {
        let reminders = outbox.iter().any(|i| {
            i.to == *a
                && i.message
                    == Outgoing::Reminder {
                        event: event.id,
                        version: event.version,
                    }
        });
        let feedback = outbox.iter().any(|i| {
            i.to == *a
                && matches!(i.message, Outgoing::FeedbackRequest { event: e, .. } if e == event.id)
        });
        if !reminders || !feedback {
            return Err(format!(
                "attendee {a}: reminder queued {reminders}, feedback question queued {feedback}"
            ));
        }
    }
    if final_check {
        let now = chrono::Utc::now();
        let due: Vec<&OutboxItem> = outbox.iter().filter(|i| i.due <= now).collect();
        if !due.is_empty() {
            return Err(format!("messages still due at the end: {due:#?}"));
        }
    }
    Ok((total_crossings, total_dropped))
}

fn alerts_to(fake: &FakeTelegram, coordinator: i64, pool: PoolId) -> usize {
    fake.messages_to(coordinator)
        .iter()
        .filter(|m| m.text.contains(pool.alert_marker()))
        .count()
}

/// Runs the harness: `opts.cycles` kills and restarts, a check after each, and a final check
/// after a clean stop. Returns the figures, or what went wrong (with the seed).
pub async fn run(opts: Options) -> Result<Figures, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // The harness counts alerts as they arrive: quiet hours would hold them back whenever the
    // run happens at night in Helsinki, so the bot runs on a copy of the config without them.
    let mut opts = opts;
    opts.config = daytime_config(&opts.config, &dir.path().join("kokoon.toml"))?;
    let result = run_inner(&opts, dir.path()).await;
    if result.is_err() && std::env::var_os("KOKOON_CRASH_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("crash harness: data and log kept in {}", kept.display());
        return result;
    }
    result.map_err(|e| {
        let log = std::fs::read_to_string(dir.path().join("kokoon.log")).unwrap_or_default();
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| !l.contains("polling as") && !l.contains("bot.username is"))
            .collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!(
            "crash harness (seed {seed}, replay with KOKOON_CRASH_SEED={seed}): {e}\nthe bot's log ends:\n{tail}",
            seed = opts.seed
        )
    })
}

/// Writes a copy of the config at `path` to `copy`, with quiet hours and the alert cool-down off: tests on the real
/// clock run at any hour and must not wait for the morning (quiet hours are tested on a manual
/// clock).
pub fn daytime_config(path: &Path, copy: &Path) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let quiet = "quiet_hours = \"21:00-08:00\"";
    if !text.contains(quiet) {
        return Err(format!("{}: no `{quiet}` to turn off", path.display()));
    }
    // Likewise every crossing is to alert: no cool-down between a pool's alerts.
    let cooldown = "alert_cooldown_hours = 24";
    if !text.contains(cooldown) {
        return Err(format!("{}: no `{cooldown}` to turn off", path.display()));
    }
    let text = text
        .replace(quiet, "quiet_hours = \"none\"")
        .replace(cooldown, "alert_cooldown_hours = 0");
    std::fs::write(copy, text).map_err(|e| format!("{}: {e}", copy.display()))?;
    Ok(copy.to_path_buf())
}

async fn run_inner(opts: &Options, dir: &Path) -> Result<Figures, String> {
    let began = Instant::now();
    let mut rng = Rng::new(opts.seed);
    let data = dir.join("data");
    let log = dir.join("kokoon.log");
    let config = load_config(&opts.config)?;
    let capacity = u32::try_from(opts.parents / 4).unwrap_or(4).max(2);
    let event_id = {
        let (data, config) = (data.clone(), config.clone());
        tokio::task::spawn_blocking(move || create_event(&data, &config, capacity))
            .await
            .map_err(|e| e.to_string())??
    };
    let fake = FakeTelegram::start().await;
    let mut thresholds = BTreeMap::new();
    let mut pool_locks = BTreeMap::new();
    let mut model = Model::default();
    for id in POOLS {
        let threshold = config
            .group(&GroupId::parse(id.group()).expect("group"))
            .map(|g| i64::from(g.threshold))
            .ok_or("group missing from the config")?;
        thresholds.insert(id, threshold);
        pool_locks.insert(id, tokio::sync::Mutex::new(()));
        model.pools.insert(id, PoolModel::default());
    }
    let shared = Arc::new(Shared {
        fake: fake.clone(),
        model: Mutex::new(model),
        pool_locks,
        thresholds,
        event_id,
        stop: AtomicBool::new(false),
        updates_sent: AtomicUsize::new(0),
        confirmed: AtomicUsize::new(0),
        withdrawn: AtomicUsize::new(0),
        rsvps: AtomicUsize::new(0),
        duplicates: AtomicUsize::new(0),
        failure: Mutex::new(None),
    });

    let mut bot = Some(spawn(opts, &fake, &data, &log)?);
    // The coordinators start the bot, so alerts can reach them.
    for c in COORDINATORS {
        let user = FakeUser::new(c, "Koordinaattori", "fi");
        fake.send_text(&user, "/start");
        shared.updates_sent.fetch_add(1, Ordering::Relaxed);
        if !fake
            .wait_until(REPLY_TIMEOUT, |f| !f.messages_to(c).is_empty())
            .await
        {
            return Err(format!(
                "coordinator {c} got no welcome; log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ));
        }
    }

    let langs = ["fi", "sv", "en"];
    let mut parents = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..opts.parents {
        let id = FIRST_PARENT + i as i64;
        let pool = POOLS[i % 3];
        let lang = langs[(i / 3) % 3];
        parents.push((id, pool));
        let mut user = FakeUser::new(id, "Vanhempi", lang);
        user.username = Some(format!("parent{id}"));
        let p = Parent {
            shared: shared.clone(),
            user,
            lang,
            pool,
            rng: Rng::new(rng.next_u64()),
            seen: 0,
        };
        tasks.push(tokio::spawn(p.run()));
    }

    let mut figures = Figures {
        seed: opts.seed,
        parents: opts.parents,
        ..Figures::default()
    };
    let mut recoveries: Vec<Duration> = Vec::new();
    for cycle in 1..=opts.cycles {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let process = bot.take().expect("a running bot");
        // Wait for the catch-up (every update queued at the start confirmed), but kill at the
        // chosen moment even if it has not finished.
        let pending_at_start = fake.last_update_id();
        let alive = Duration::from_millis(rng.range(opts.alive_ms.0, opts.alive_ms.1));
        let caught_up = fake
            .wait_until(alive, |f| f.confirmed_offset() > pending_at_start)
            .await;
        if caught_up {
            recoveries.push(process.started.elapsed());
            let rest = alive.saturating_sub(process.started.elapsed());
            tokio::time::sleep(rest).await;
        } else {
            figures.kills_during_catch_up += 1;
        }
        process.kill();
        // Requests the dead bot had sent may still be finishing in the fake.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let snap = snapshot(&shared);
        let checked = {
            let (data, config, shared, parents) = (
                data.clone(),
                config.clone(),
                shared.clone(),
                parents.clone(),
            );
            tokio::task::spawn_blocking(move || {
                check_store(&data, &config, &shared, &snap, &parents, false)
            })
            .await
            .map_err(|e| e.to_string())?
        };
        if let Err(e) = checked {
            shared.fail(format!("after kill {cycle}: {e}"));
            break;
        }
        figures.store_checks += 1;
        figures.cycles = cycle;
        if opts.verbose {
            println!(
                "cycle {cycle}: killed after {} ms, {} updates so far, {} confirmed",
                alive.as_millis(),
                shared.updates_sent.load(Ordering::Relaxed),
                shared.confirmed.load(Ordering::Relaxed)
            );
        }
        bot = Some(spawn(opts, &fake, &data, &log)?);
    }

    // The end: the parents finish what they are doing, the bot catches up and delivers what is
    // due, then stops cleanly, and everything is checked once more.
    shared.stop.store(true, Ordering::SeqCst);
    for t in tasks {
        let _ = t.await;
    }
    if let Some(f) = shared.failure.lock().expect("lock").clone() {
        return Err(f);
    }
    let process = bot.take().ok_or("no bot at the end")?;
    let last = fake.last_update_id();
    if !fake
        .wait_until(REPLY_TIMEOUT, |f| f.confirmed_offset() > last)
        .await
    {
        return Err("the bot did not catch up at the end".into());
    }
    // Alerts are delivered by the sender; give it time to drain what is due.
    let expected_alerts: usize = {
        let m = shared.model.lock().expect("lock");
        POOLS
            .iter()
            .map(|p| m.pools[p].crossings as usize * p.coordinators().len())
            .sum()
    };
    let all_alerts = |f: &FakeTelegram| -> usize {
        POOLS
            .iter()
            .map(|p| {
                p.coordinators()
                    .iter()
                    .map(|c| alerts_to(f, *c, *p))
                    .sum::<usize>()
            })
            .sum()
    };
    fake.wait_until(REPLY_TIMEOUT, |f| all_alerts(f) >= expected_alerts)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(process).await?;
    let snap = snapshot(&shared);
    let (crossings, dropped) = {
        let (data, config, shared, parents) = (
            data.clone(),
            config.clone(),
            shared.clone(),
            parents.clone(),
        );
        tokio::task::spawn_blocking(move || {
            check_store(&data, &config, &shared, &snap, &parents, true)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("at the end: {e}"))?
    };
    figures.store_checks += 1;
    // A callback query answered just before a kill is answered again when its update comes
    // back (the answer goes before the commit): Telegram calls that "too old", as expected.
    let mut invalid = fake.invalid_requests();
    // An edit sent again after a restart changes nothing: "message is not modified", which
    // the bot takes as done.
    invalid.retain(|r| {
        !(r.method == "answerCallbackQuery" && r.description.contains("too old")
            || r.method == "editMessageText" && r.description.contains("not modified"))
    });
    if !invalid.is_empty() {
        let kinds: Vec<String> = invalid
            .iter()
            .map(|r| format!("{} {}: {}", r.method, r.error_code, r.description))
            .collect();
        return Err(format!(
            "the bot sent {} invalid requests: {kinds:#?}\nthe first: {:#?}",
            invalid.len(),
            invalid[0]
        ));
    }

    figures.updates_sent = shared.updates_sent.load(Ordering::Relaxed);
    figures.registrations_confirmed = shared.confirmed.load(Ordering::Relaxed);
    figures.withdrawals_confirmed = shared.withdrawn.load(Ordering::Relaxed);
    figures.rsvps_confirmed = shared.rsvps.load(Ordering::Relaxed);
    figures.crossings = crossings;
    figures.alerts_received = all_alerts(&fake);
    figures.alerts_dropped = dropped;
    figures.alerts_expected = expected_alerts.saturating_sub(dropped as usize);
    figures.duplicate_alerts = figures
        .alerts_received
        .saturating_sub(figures.alerts_expected);
    figures.duplicate_replies = shared.duplicates.load(Ordering::Relaxed);
    figures.replies_resent = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .matches("sending replies that a restart kept from a user")
        .count();
    figures.max_recovery = recoveries.iter().max().copied().unwrap_or_default();
    figures.mean_recovery = if recoveries.is_empty() {
        Duration::ZERO
    } else {
        recoveries.iter().sum::<Duration>() / recoveries.len() as u32
    };
    figures.elapsed = began.elapsed();
    Ok(figures)
}

/// SIGTERM, and a clean exit within 5 seconds.
async fn terminate(mut p: Process) -> Result<(), String> {
    let pid = p.child.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Some(status) = p.child.try_wait().map_err(|e| e.to_string())? {
            return if status.success() {
                Ok(())
            } else {
                Err(format!("the bot exited with {status} on SIGTERM"))
            };
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("the bot did not exit within 5 s of SIGTERM".into())
}
