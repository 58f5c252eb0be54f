//! kokoon's benchmark: how fast, how lean, how close to the limits — each figure measured beside
//! its reference in the same run, and printed as one table.
//!
//! ```sh
//! cargo bench --bench kokoon              # the full run (a few minutes)
//! cargo bench --bench kokoon -- --smoke   # seconds: that it builds and works (CI)
//! ```
//!
//! It drives the real `kokoon` binary (built by cargo for this bench: `CARGO_BIN_EXE_kokoon`,
//! the release profile under `cargo bench`) through the fake Telegram Bot API server of the
//! tests (`tests/support/fake_telegram.rs`) on 127.0.0.1. The reference bot is a bare teloxide
//! echo bot ([`echo_bot`]), which is this binary started again with `--echo-bot <url>`.
//!
//! Figures (see docs/BENCHMARKS.md for the latest results and what they mean):
//! 1. update handling: updates/s at saturation and CPU per update (rate limiter off), latency at
//!    a fixed offered load — against the echo bot on the same workload;
//! 2. durable writes: what the confirming step (which stores the registration) costs over an
//!    ordinary step — against a raw sled insert + flush in this process, same disk;
//! 3. scale: start-up, memory and `/demand` with 0, 10,000 and 100,000 registrations;
//! 4. a broadcast to 1,000 families under Telegram's limits, enforced by the fake;
//! 5. reminders: how late they go out, spread out and 1,000 at once;
//! 6. under Telegram's limits (in kokoon and in the fake): another chat's reply during a
//!    40-message flood, `/demand` complete at the biggest size, steps under 10 % injected 500s.
//! 7. the public web page: page views per second from its cache, and what a flood of them does
//!    to the bot's update latency.

#[path = "../../tests/support/fake_telegram.rs"]
mod fake_telegram;

mod data;
mod driver;
mod echo_bot;
mod procs;
mod table;
mod web;

use chrono::{DateTime, Utc};
use driver::{Driver, Sample, CONFIRM_STEP, STEPS_PER_REGISTRATION};
use fake_telegram::{FakeTelegram, FakeUser, Observed, Stamped};
use kokoon::config::Config;
use procs::{Bot, Kind, KokoonArgs};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use table::{Row, Target, Unit, Value};
use tokio::sync::mpsc::UnboundedReceiver;

/// The coordinators of config/kokoon.toml (placeholder ids, made real chats in the fake).
const COORDINATOR_TILLI: i64 = 100_000_001;
const COORDINATOR_ALL: i64 = 100_000_002;

/// Telegram's limits, enforced by the fake in figures 4 and 5.
const PER_CHAT_PER_SEC: u32 = 1;
const OVERALL_PER_SEC: u32 = 30;

/// How big each part of the run is.
struct Plan {
    smoke: bool,
    /// Parents at once when saturating.
    parents: usize,
    warmup: Duration,
    measure: Duration,
    /// The fixed offered load for latencies, updates per second.
    rate: f64,
    rate_for: Duration,
    /// Registrations done one at a time (durable writes).
    sequential: usize,
    /// Raw sled insert + flush rounds (the floor).
    floor_rounds: usize,
    /// Stored registrations for the scale figures.
    scale: [usize; 3],
    /// Start-ups per size (the median is reported).
    starts: usize,
    /// `/demand` requests per size (the median is reported).
    demands: usize,
    broadcast: usize,
    spread: usize,
    burst: usize,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            smoke: false,
            parents: 64,
            warmup: Duration::from_secs(3),
            measure: Duration::from_secs(15),
            rate: 100.0,
            rate_for: Duration::from_secs(15),
            sequential: 30,
            floor_rounds: 400,
            scale: [0, 10_000, 100_000],
            starts: 3,
            demands: 5,
            broadcast: 1000,
            spread: 30,
            burst: 1000,
        }
    }

    fn smoke() -> Plan {
        Plan {
            smoke: true,
            parents: 8,
            warmup: Duration::from_millis(500),
            measure: Duration::from_millis(1500),
            rate: 20.0,
            rate_for: Duration::from_millis(1500),
            sequential: 2,
            floor_rounds: 20,
            scale: [0, 100, 1000],
            starts: 1,
            demands: 2,
            broadcast: 20,
            spread: 3,
            burst: 20,
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--echo-bot") {
        let url = args.get(i + 1).expect("--echo-bot <api url>");
        let token = std::env::var("TELOXIDE_TOKEN").expect("TELOXIDE_TOKEN");
        echo_bot::run(url, &token);
        return;
    }
    let smoke = args.iter().any(|a| a == "--smoke")
        || std::env::var("KOKOON_BENCH").is_ok_and(|v| v == "smoke");
    let plan = if smoke { Plan::smoke() } else { Plan::full() };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let ok = runtime.block_on(run(&plan));
    if !ok {
        std::process::exit(1);
    }
}

/// Runs every figure and prints the table; false if a figure could not be measured at all.
async fn run(plan: &Plan) -> bool {
    let started = Instant::now();
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a work directory");
    let work = tmp.path();
    let config_path = bench_config(work);
    let config = Arc::new(Config::load(&config_path).expect("the bench config is valid"));
    eprintln!(
        "bench: {} run, kokoon at {}, work in {}",
        if plan.smoke { "smoke" } else { "full" },
        env!("CARGO_BIN_EXE_kokoon"),
        work.display()
    );
    let mut rows = Vec::new();
    let ctx = Ctx {
        plan,
        work,
        config_path: &config_path,
        config: &config,
    };
    // `KOKOON_BENCH_ONLY=3,4` runs only those sections (while working on one figure).
    let only = std::env::var("KOKOON_BENCH_ONLY").unwrap_or_default();
    let wanted = |n: &str| only.is_empty() || only.split(',').any(|x| x.trim() == n);
    if wanted("1") || wanted("2") {
        eprintln!("bench: 1–2. update handling and durable writes");
        rows.extend(updates(&ctx).await);
    }
    if wanted("3") {
        eprintln!("bench: 3. scale");
        rows.extend(scale(&ctx).await);
    }
    if wanted("4") {
        eprintln!("bench: 4. broadcast");
        rows.extend(broadcast(&ctx).await);
    }
    if wanted("5") {
        eprintln!("bench: 5. reminders");
        rows.extend(reminders(&ctx).await);
    }
    if wanted("6") {
        eprintln!("bench: 6. under Telegram's limits");
        rows.extend(limits(&ctx).await);
    }
    if wanted("7") {
        eprintln!("bench: 7. public web page");
        rows.extend(web::web(&ctx).await);
    }

    println!();
    println!("{}", machine());
    if plan.smoke {
        println!(
            "Smoke run: tiny sizes, only proves the benchmark works; the figures mean nothing.\n"
        );
    }
    println!("{}", table::markdown(&rows));
    println!("Run took {:.0} s.", started.elapsed().as_secs_f64());
    // `KOKOON_BENCH_KEEP=1` keeps the work directory (stores, bot logs) to look into a figure.
    if std::env::var("KOKOON_BENCH_KEEP").is_ok_and(|v| v == "1") {
        eprintln!("bench: work kept in {}", tmp.keep().display());
    }
    rows.iter().all(|r| r.verdict() != "FAILED")
}

struct Ctx<'a> {
    plan: &'a Plan,
    work: &'a Path,
    config_path: &'a Path,
    config: &'a Arc<Config>,
}

/// config/kokoon.toml with reminders one minute before an event and no quiet hours, so that
/// reminders fall due during the run whatever the time of day.
fn bench_config(work: &Path) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kokoon.toml");
    let text = std::fs::read_to_string(&base).expect("config/kokoon.toml");
    let mut doc: toml::Table = text.parse().expect("config/kokoon.toml is TOML");
    let mut reminders = toml::Table::new();
    reminders.insert("offsets".into(), toml::Value::Array(vec!["1m".into()]));
    reminders.insert("quiet_hours".into(), "none".into());
    doc.insert("reminders".into(), toml::Value::Table(reminders));
    let path = work.join("bench.toml");
    std::fs::write(&path, toml::to_string(&doc).expect("TOML")).expect("bench.toml written");
    path
}

/// nproc, CPU model, memory, load and the date.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("?", |m| m.trim_start_matches([' ', '\t', ':']));
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "Machine: {} cores ({model}), {:.1} GB memory, load average {} — {}\n",
        std::thread::available_parallelism().map_or(0, usize::from),
        mem_kb as f64 / 1024.0 / 1024.0,
        load.join(" "),
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `q` quantile (0..=1) of `v`, nearest rank.
fn quantile(v: &[f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Some(s[rank - 1])
}

fn latencies_ms(samples: &[Sample], keep: impl Fn(&Sample) -> bool) -> Vec<f64> {
    samples
        .iter()
        .filter(|s| keep(s))
        .map(|s| ms(s.latency))
        .collect()
}

fn value(v: Option<f64>, unit: Unit) -> Value {
    v.map_or(Value::none(unit), |v| Value::new(v, unit))
}

/// A fake server with the coordinators' chats, and the events it sees.
async fn fake_server() -> (FakeTelegram, Recorder) {
    let fake = FakeTelegram::start().await;
    for id in [COORDINATOR_TILLI, COORDINATOR_ALL] {
        fake.add_private_chat(&FakeUser::new(id, "Koordinaattori", "fi"));
    }
    let rec = Recorder::new(fake.observe());
    (fake, rec)
}

/// Everything the fake saw, kept in order, with waits on it.
struct Recorder {
    rx: UnboundedReceiver<Stamped>,
    seen: Vec<Stamped>,
}

impl Recorder {
    fn new(rx: UnboundedReceiver<Stamped>) -> Recorder {
        Recorder {
            rx,
            seen: Vec::new(),
        }
    }

    /// The index of the first event from `from` on that satisfies `f`, waiting up to `timeout`.
    async fn until(
        &mut self,
        from: usize,
        timeout: Duration,
        f: impl Fn(&Stamped) -> bool,
    ) -> Option<usize> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut i = from;
        loop {
            while i < self.seen.len() {
                if f(&self.seen[i]) {
                    return Some(i);
                }
                i += 1;
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(ev)) => self.seen.push(ev),
                _ => return None,
            }
        }
    }

    /// Takes events until none came for `quiet` (or `max` passed).
    async fn quiet(&mut self, quiet: Duration, max: Duration) {
        let deadline = tokio::time::Instant::now() + max;
        while tokio::time::Instant::now() < deadline {
            match tokio::time::timeout(quiet, self.rx.recv()).await {
                Ok(Some(ev)) => self.seen.push(ev),
                _ => return,
            }
        }
    }

    /// Messages and edits accepted for `chat` from index `from` on.
    fn accepted_to(&self, from: usize, chat: i64) -> Vec<(Instant, SystemTime, String)> {
        self.seen[from.min(self.seen.len())..]
            .iter()
            .filter_map(|s| match &s.what {
                Observed::Accepted(m) if m.chat_id == chat => Some((s.at, s.wall, m.text.clone())),
                _ => None,
            })
            .collect()
    }

    /// Requests rejected with 429 from index `from` on.
    fn too_many(&self, from: usize) -> usize {
        self.seen[from.min(self.seen.len())..]
            .iter()
            .filter(|s| matches!(&s.what, Observed::Rejected(r) if r.error_code == 429))
            .count()
    }
}

fn is_get_updates(s: &Stamped) -> bool {
    matches!(&s.what, Observed::Request(m) if m == "getUpdates")
}

/// Starts a bot and waits for its first `getUpdates`; returns it with the time that took.
async fn start(
    kind: Kind,
    fake: &FakeTelegram,
    rec: &mut Recorder,
    k: Option<KokoonArgs<'_>>,
    log: &Path,
) -> (Bot, Duration) {
    let from = rec.seen.len();
    let mut bot = match (kind, k) {
        (Kind::Kokoon, Some(args)) => Bot::kokoon(fake, &args, log),
        _ => Bot::echo(fake, log),
    };
    let Some(i) = rec
        .until(from, Duration::from_secs(60), is_get_updates)
        .await
    else {
        panic!(
            "the {kind:?} bot did not poll within 60 s; log:\n{}",
            bot.log_tail()
        );
    };
    assert!(
        bot.running(),
        "the {kind:?} bot exited; log:\n{}",
        bot.log_tail()
    );
    let took = rec.seen[i].at.saturating_duration_since(bot.spawned);
    (bot, took)
}

// ============================================================== 1–2. update handling

struct UpdateRun {
    throughput: driver::Throughput,
    open: Vec<Sample>,
    sequential: Vec<Sample>,
    errors: usize,
    messages_per_update: f64,
}

async fn update_run(ctx: &Ctx<'_>, kind: Kind) -> UpdateRun {
    let plan = ctx.plan;
    let (fake, mut rec) = fake_server().await;
    let data = ctx.work.join(format!("updates-{kind:?}"));
    let args = KokoonArgs {
        config: ctx.config_path,
        data: &data,
        rate_limit: "off",
    };
    let log = ctx.work.join(format!("updates-{kind:?}.log"));
    let (bot, _) = start(kind, &fake, &mut rec, Some(args), &log).await;
    drop(rec);
    let mut d = Driver::new(&fake, kind, 1_000_000);
    let throughput = d
        .closed(&bot, plan.parents, plan.warmup, plan.measure)
        .await;
    eprintln!(
        "bench:   {kind:?}: {:.0} updates/s, {:.3} ms CPU per update",
        throughput.per_second(),
        ms(throughput.cpu_per_update())
    );
    let open = d.open(plan.rate, plan.rate_for).await;
    let sequential = d.sequential(plan.sequential).await;
    let messages_per_update = d.messages as f64 / d.answered.max(1) as f64;
    eprintln!(
        "bench:   {kind:?}: {} updates answered, {:.2} messages per update, {} errors",
        d.answered, messages_per_update, d.errors
    );
    bot.stop().await;
    UpdateRun {
        throughput,
        open,
        sequential,
        errors: d.errors,
        messages_per_update,
    }
}

/// p50 of a raw sled insert (a 300-byte value) + flush, in this process, on the same disk.
async fn sled_floor(work: &Path, rounds: usize) -> Option<f64> {
    let db = sled::Config::new()
        .path(work.join("floor"))
        .cache_capacity(16 * 1024 * 1024)
        .open()
        .ok()?;
    let value = vec![b'x'; 300];
    let mut took = Vec::with_capacity(rounds);
    for i in 0..rounds as u64 {
        let t = Instant::now();
        db.insert(i.to_be_bytes(), value.as_slice()).ok()?;
        db.flush_async().await.ok()?;
        took.push(ms(t.elapsed()));
    }
    quantile(&took, 0.5)
}

async fn updates(ctx: &Ctx<'_>) -> Vec<Row> {
    let plan = ctx.plan;
    let echo = update_run(ctx, Kind::Echo).await;
    let kokoon = update_run(ctx, Kind::Kokoon).await;
    let floor = sled_floor(ctx.work, plan.floor_rounds).await;
    let failed = |r: &UpdateRun| r.errors > 0 || r.throughput.updates == 0;
    let sat = |r: &UpdateRun| (!failed(r)).then(|| r.throughput.per_second());
    let cpu = |r: &UpdateRun| (!failed(r)).then(|| ms(r.throughput.cpu_per_update()));
    let lat = |r: &UpdateRun, q: f64| quantile(&latencies_ms(&r.open, |_| true), q);
    let mut rows = vec![
        Row {
            figure: format!(
                "1. Updates/s at saturation ({} parents, limiter off)",
                plan.parents
            ),
            kokoon: value(sat(&kokoon), Unit::PerSec),
            reference: value(sat(&echo), Unit::PerSec),
            reference_is: "echo bot",
            target: Target::RatioAtLeast(0.5),
        },
        Row {
            figure: "1. CPU time per update".into(),
            kokoon: value(cpu(&kokoon), Unit::Ms),
            reference: value(cpu(&echo), Unit::Ms),
            reference_is: "echo bot",
            target: Target::RatioAtMost(1.3),
        },
    ];
    for (name, q, target) in [
        ("p50", 0.5, Target::Info),
        ("p99", 0.99, Target::AtMost(10.0)),
        ("max", 1.0, Target::Info),
    ] {
        rows.push(Row {
            figure: format!(
                "1. Latency {name}, update → reply, at {:.0} updates/s",
                plan.rate
            ),
            kokoon: value(lat(&kokoon, q), Unit::Ms),
            reference: value(lat(&echo, q), Unit::Ms),
            reference_is: "echo bot",
            target,
        });
    }
    // 2. The confirming step stores the registration (counters, pools, outbox) on top of the
    // state every step stores; both flush before the reply.
    let step_p50 = |r: &UpdateRun, confirm: bool| {
        quantile(
            &latencies_ms(&r.sequential, |s| {
                (s.step == CONFIRM_STEP) == confirm && s.step > 0
            }),
            0.5,
        )
    };
    let confirm = step_p50(&kokoon, true);
    let ordinary = step_p50(&kokoon, false);
    let extra = confirm.zip(ordinary).map(|(c, o)| (c - o).max(0.0));
    eprintln!(
        "bench:   one at a time, p50: kokoon confirm {confirm:?} ms, other steps {ordinary:?} ms; echo {:?} ms; sled floor {floor:?} ms",
        step_p50(&echo, false)
    );
    rows.push(Row {
        figure: "2. Confirmed registration: extra latency over an ordinary step, p50".into(),
        kokoon: value(extra, Unit::Ms),
        reference: value(floor, Unit::Ms),
        reference_is: "sled insert + flush",
        target: Target::RatioAtMost(2.0),
    });
    let over_echo = ordinary
        .zip(step_p50(&echo, false))
        .map(|(k, e)| (k - e).max(0.0));
    rows.push(Row {
        figure: "2. Any step (each is flushed): extra latency over the echo bot, p50".into(),
        kokoon: value(over_echo, Unit::Ms),
        reference: value(floor, Unit::Ms),
        reference_is: "sled insert + flush",
        target: Target::Info,
    });
    eprintln!(
        "bench:   {} updates per registration; messages per update: kokoon {:.2}, echo {:.2}",
        STEPS_PER_REGISTRATION, kokoon.messages_per_update, echo.messages_per_update
    );
    rows
}

// ============================================================== 3. scale

struct ScaleRun {
    registrations: usize,
    startup: Option<f64>,
    rss: f64,
    peak: f64,
    demand_first: Option<f64>,
    demand_all: Option<f64>,
    demand_messages: usize,
}

async fn scale_run(ctx: &Ctx<'_>, n: usize) -> ScaleRun {
    let data = ctx.work.join(format!("scale-{n}"));
    let t = Instant::now();
    data::registrations(&data, ctx.config, n, 1, None).await;
    eprintln!(
        "bench:   {n} registrations stored in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (fake, mut rec) = fake_server().await;
    let log = ctx.work.join(format!("scale-{n}.log"));
    let mut startups = Vec::new();
    let mut bot = None;
    for i in 0..ctx.plan.starts {
        if let Some(b) = bot.take() {
            Bot::stop(b).await;
        }
        let args = KokoonArgs {
            config: ctx.config_path,
            data: &data,
            rate_limit: "off",
        };
        let (b, took) = start(Kind::Kokoon, &fake, &mut rec, Some(args), &log).await;
        eprintln!("bench:   start-up {} at {n}: {:.0} ms", i + 1, ms(took));
        startups.push(ms(took) / 1000.0);
        bot = Some(b);
    }
    let bot = bot.expect("a bot");
    // Let the start settle (the sender's first round) before reading memory.
    rec.quiet(Duration::from_millis(500), Duration::from_secs(5))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let coordinator = FakeUser::new(COORDINATOR_ALL, "Koordinaattori", "fi");
    let (mut first, mut all, mut messages) = (Vec::new(), Vec::new(), 0);
    for _ in 0..ctx.plan.demands {
        rec.quiet(Duration::from_millis(200), Duration::from_secs(5))
            .await;
        let from = rec.seen.len();
        let t0 = Instant::now();
        fake.send_text(&coordinator, "/demand");
        let answered = rec
            .until(
                from,
                Duration::from_secs(30),
                |s| matches!(&s.what, Observed::Accepted(m) if m.chat_id == COORDINATOR_ALL),
            )
            .await;
        if answered.is_none() {
            eprintln!("bench:   /demand got no answer at {n}");
            continue;
        }
        rec.quiet(Duration::from_millis(500), Duration::from_secs(30))
            .await;
        let got = rec.accepted_to(from, COORDINATOR_ALL);
        messages = got.len();
        if let (Some(f), Some(l)) = (got.first(), got.last()) {
            first.push(ms(f.0.saturating_duration_since(t0)));
            all.push(ms(l.0.saturating_duration_since(t0)));
        }
    }
    let (rss, peak) = bot.memory();
    eprintln!(
        "bench:   at {n}: /demand first message {:?} ms, all {messages} {:?} ms; RSS {:.1} MB, peak {:.1} MB",
        quantile(&first, 0.5),
        quantile(&all, 0.5),
        rss as f64 / 1e6,
        peak as f64 / 1e6
    );
    bot.stop().await;
    ScaleRun {
        registrations: n,
        startup: quantile(&startups, 0.5),
        rss: rss as f64 / 1e6,
        peak: peak as f64 / 1e6,
        demand_first: quantile(&first, 0.5),
        demand_all: quantile(&all, 0.5),
        demand_messages: messages,
    }
}

async fn scale(ctx: &Ctx<'_>) -> Vec<Row> {
    let mut runs = Vec::new();
    for n in ctx.plan.scale {
        runs.push(scale_run(ctx, n).await);
    }
    let zero = &runs[0];
    let mut rows = Vec::new();
    for r in &runs[1..] {
        let big = r.registrations == ctx.plan.scale[2];
        let n = r.registrations;
        rows.push(Row {
            figure: format!("3. Start-up to the first getUpdates, {n} registrations"),
            kokoon: value(r.startup, Unit::S),
            reference: value(zero.startup, Unit::S),
            reference_is: "empty store",
            target: if big {
                Target::AtMost(0.5)
            } else {
                Target::Info
            },
        });
        rows.push(Row {
            figure: format!("3. Resident memory (peak, /demand included), {n} registrations"),
            kokoon: Value::new(r.peak, Unit::Mb),
            reference: Value::new(zero.peak, Unit::Mb),
            reference_is: "empty store",
            target: if big {
                Target::AtMost(64.0)
            } else {
                Target::Info
            },
        });
        rows.push(Row {
            // Built: every message of the reply is composed and rendered (charts included) before
            // the first goes, so the first message's arrival is the time to build /demand.
            figure: format!("3. /demand built (to its first message), {n} registrations"),
            kokoon: value(r.demand_first, Unit::Ms),
            reference: value(zero.demand_first, Unit::Ms),
            reference_is: "empty store",
            target: if big {
                Target::AtMost(50.0)
            } else {
                Target::Info
            },
        });
        rows.push(Row {
            // The rest is one round trip per message to one chat (under Telegram's own limit of
            // one message a second per chat it would take that many seconds).
            figure: format!(
                "3. /demand, to the last of its {} messages (limiter off), {n} registrations",
                r.demand_messages
            ),
            kokoon: value(r.demand_all, Unit::Ms),
            reference: value(zero.demand_all, Unit::Ms),
            reference_is: "empty store",
            target: Target::Info,
        });
    }
    let _ = zero.rss;
    rows
}

// ============================================================== 4. broadcast

/// The coordinator's side of a chat: push, then wait for the bot's message with `expect` in its
/// text or a button label.
async fn coordinator_says(
    fake: &FakeTelegram,
    rec: &mut Recorder,
    act: impl FnOnce(&FakeTelegram) -> i64,
    expect: &str,
) -> Option<fake_telegram::SentMessage> {
    let from = rec.seen.len();
    act(fake);
    let i = rec
        .until(from, Duration::from_secs(30), |s| match &s.what {
            Observed::Accepted(m) if m.chat_id == COORDINATOR_ALL => {
                m.text.contains(expect) || m.labels().iter().any(|l| l.contains(expect))
            }
            _ => false,
        })
        .await?;
    match &rec.seen[i].what {
        Observed::Accepted(m) => Some(m.clone()),
        _ => None,
    }
}

/// What marks the broadcast's own messages among others a recipient may get meanwhile.
const BROADCAST_MARK: &str = "torstaina klo 18";

async fn broadcast(ctx: &Ctx<'_>) -> Vec<Row> {
    let n = ctx.plan.broadcast;
    let data = ctx.work.join("broadcast");
    let first_user = 2_000_000u64;
    data::registrations(&data, ctx.config, n, first_user, Some("eron-edessa")).await;
    let (fake, mut rec) = fake_server().await;
    let recipients: HashSet<i64> = (0..n as i64).map(|i| first_user as i64 + i).collect();
    for id in &recipients {
        fake.add_private_chat(&FakeUser::new(*id, "Perhe", "fi"));
    }
    fake.set_limits(Some(PER_CHAT_PER_SEC), Some(OVERALL_PER_SEC));
    let args = KokoonArgs {
        config: ctx.config_path,
        data: &data,
        rate_limit: "telegram",
    };
    let log = ctx.work.join("broadcast.log");
    let (bot, _) = start(Kind::Kokoon, &fake, &mut rec, Some(args), &log).await;
    let from = rec.seen.len();
    let c = FakeUser::new(COORDINATOR_ALL, "Koordinaattori", "fi");
    let group = "Eron edessä -ilta";
    let mut sent_at = None;
    let flow = async {
        // The waiting families of the group, not the config's event of the same name.
        let waiting = format!("Jonossa: {group}");
        let m =
            coordinator_says(&fake, &mut rec, |f| f.send_text(&c, "/broadcast"), &waiting).await?;
        let data = m.button(&waiting)?;
        coordinator_says(
            &fake,
            &mut rec,
            |f| f.press_button(&c, m.message_id, &data),
            "Kirjoita viesti",
        )
        .await?;
        let text =
            format!("Hei! Eron edessä -ilta on {BROADCAST_MARK} Pikku-Veturissa. Tervetuloa!");
        let text = text.as_str();
        let m = coordinator_says(&fake, &mut rec, |f| f.send_text(&c, text), "Lähetä").await?;
        let data = m.button("Lähetä")?;
        let t = Instant::now();
        let queued = coordinator_says(
            &fake,
            &mut rec,
            |f| f.press_button(&c, m.message_id, &data),
            "Viesti lähtee",
        )
        .await?;
        eprintln!("bench:   the coordinator was told: {}", queued.text);
        Some(t)
    };
    if let Some(t) = flow.await {
        sent_at = Some(t);
    } else {
        eprintln!(
            "bench:   the coordinator could not send the broadcast; log:\n{}",
            bot.log_tail()
        );
    }
    let timeout = Duration::from_secs_f64(n as f64 / f64::from(OVERALL_PER_SEC) * 2.0 + 30.0);
    let delivered = |rec: &Recorder| {
        rec.seen[from..]
            .iter()
            .filter_map(|s| match &s.what {
                Observed::Accepted(m)
                    if recipients.contains(&m.chat_id) && m.text.contains(BROADCAST_MARK) =>
                {
                    Some(s.at)
                }
                _ => None,
            })
            .collect::<Vec<Instant>>()
    };
    if sent_at.is_some() {
        let deadline = Instant::now() + timeout;
        while delivered(&rec).len() < n && Instant::now() < deadline {
            let len = rec.seen.len();
            rec.until(len, Duration::from_secs(1), |_| true).await;
        }
    }
    let times = delivered(&rec);
    for s in &rec.seen[from..] {
        if let Observed::Accepted(m) = &s.what {
            if recipients.contains(&m.chat_id) && !m.text.contains(BROADCAST_MARK) {
                eprintln!("bench:   also to a recipient: {:?}", m.text.lines().next());
            }
        }
    }
    let too_many = rec.too_many(from);
    if sent_at.is_some() && times.len() < n {
        eprintln!(
            "bench:   only {} of {n} delivered; log:\n{}",
            times.len(),
            bot.log_tail()
        );
    }
    bot.stop().await;
    let rate = match (times.first(), times.last()) {
        (Some(a), Some(b)) if times.len() == n && n > 1 => {
            Some((n - 1) as f64 / b.saturating_duration_since(*a).as_secs_f64())
        }
        _ => None,
    };
    eprintln!(
        "bench:   broadcast: {} of {n} delivered, {rate:?}/s, {too_many} × 429, {:?} from Send to the last",
        times.len(),
        sent_at.zip(times.last()).map(|(s, l)| l.saturating_duration_since(s))
    );
    vec![
        Row {
            figure: format!("4. Broadcast to {n}: messages/s under 30/s overall, 1/s per chat"),
            kokoon: value(rate, Unit::PerSec),
            reference: Value::new(f64::from(OVERALL_PER_SEC), Unit::PerSec),
            reference_is: "the limit",
            target: Target::RatioAtLeast(0.9),
        },
        Row {
            figure: format!("4. Broadcast to {n}: 429 Too Many Requests"),
            kokoon: value(sent_at.map(|_| too_many as f64), Unit::Count),
            reference: Value::none(Unit::Count),
            reference_is: "",
            target: Target::AtMost(0.0),
        },
    ]
}

// ============================================================== 5. reminders

/// Lateness of each reminder (seconds after its due time), from a bot started on `data`.
async fn reminder_run(
    ctx: &Ctx<'_>,
    name: &str,
    data: &Path,
    due: &[(i64, DateTime<Utc>)],
) -> (Vec<f64>, usize) {
    let (fake, mut rec) = fake_server().await;
    for (id, _) in due {
        fake.add_private_chat(&FakeUser::new(*id, "Perhe", "fi"));
    }
    fake.set_limits(Some(PER_CHAT_PER_SEC), Some(OVERALL_PER_SEC));
    let args = KokoonArgs {
        config: ctx.config_path,
        data,
        rate_limit: "telegram",
    };
    let log = ctx.work.join(format!("{name}.log"));
    let (bot, _) = start(Kind::Kokoon, &fake, &mut rec, Some(args), &log).await;
    let last_due = due.iter().map(|(_, d)| *d).max().unwrap_or_else(Utc::now);
    let allow = Duration::from_secs_f64(due.len() as f64 / f64::from(OVERALL_PER_SEC) * 2.0 + 20.0);
    let deadline = SystemTime::from(last_due) + allow;
    let due_of: std::collections::HashMap<i64, DateTime<Utc>> = due.iter().copied().collect();
    let mut late = Vec::new();
    let mut seen = HashSet::new();
    let mut i = 0;
    while seen.len() < due.len() && SystemTime::now() < deadline {
        let wait = deadline
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let Some(j) = rec
            .until(
                i,
                wait,
                |s| matches!(&s.what, Observed::Accepted(m) if due_of.contains_key(&m.chat_id)),
            )
            .await
        else {
            break;
        };
        if let Observed::Accepted(m) = &rec.seen[j].what {
            if seen.insert(m.chat_id) {
                let due = SystemTime::from(due_of[&m.chat_id]);
                let l = match rec.seen[j].wall.duration_since(due) {
                    Ok(d) => d.as_secs_f64(),
                    Err(e) => -e.duration().as_secs_f64(),
                };
                late.push(l);
            }
        }
        i = j + 1;
    }
    let too_many = rec.too_many(0);
    if late.len() < due.len() {
        eprintln!(
            "bench:   {name}: only {} of {} reminders arrived; log:\n{}",
            late.len(),
            due.len(),
            bot.log_tail()
        );
    }
    bot.stop().await;
    (late, too_many)
}

/// Lateness of a bare tokio timer in this process for the same due times: the floor of "wake
/// up on time" on this (shared, busy) machine.
async fn timer_lateness(due: Vec<DateTime<Utc>>) -> Vec<f64> {
    let tasks: Vec<_> = due
        .into_iter()
        .map(|d| {
            tokio::spawn(async move {
                let target = SystemTime::from(d);
                let wait = target.duration_since(SystemTime::now()).unwrap_or_default();
                tokio::time::sleep(wait).await;
                match SystemTime::now().duration_since(target) {
                    Ok(l) => l.as_secs_f64(),
                    Err(e) => -e.duration().as_secs_f64(),
                }
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        if let Ok(l) = t.await {
            out.push(l);
        }
    }
    out
}

async fn reminders(ctx: &Ctx<'_>) -> Vec<Row> {
    let plan = ctx.plan;
    let lead = chrono::Duration::seconds(if plan.smoke { 3 } else { 5 });
    let offset = chrono::Duration::minutes(1);

    // Spread out: one event a second, one attendee each.
    let data = ctx.work.join("reminders-spread");
    let t0 = Utc::now() + lead;
    let users: Vec<u64> = (0..plan.spread as u64).map(|i| 3_000_000 + i).collect();
    let due: Vec<DateTime<Utc>> = (0..plan.spread as i64)
        .map(|i| t0 + chrono::Duration::seconds(i))
        .collect();
    let starts: Vec<DateTime<Utc>> = due.iter().map(|d| *d + offset).collect();
    let attendees: Vec<Vec<u64>> = users.iter().map(|u| vec![*u]).collect();
    data::events(
        &data,
        ctx.config,
        COORDINATOR_ALL as u64,
        &starts,
        &attendees,
    )
    .await;
    let queued = data::reminders_in(&data, ctx.config).len();
    assert_eq!(queued, plan.spread, "one reminder queued per attendee");
    let pairs: Vec<(i64, DateTime<Utc>)> = users
        .iter()
        .map(|u| *u as i64)
        .zip(due.iter().copied())
        .collect();
    let timer = tokio::spawn(timer_lateness(due.clone()));
    let (late, spread_429) = reminder_run(ctx, "reminders-spread", &data, &pairs).await;
    let timer = timer.await.unwrap_or_default();
    eprintln!(
        "bench:   spread: {} reminders, late p50 {:?} p99 {:?} max {:?} s; timer p99 {:?} s; {spread_429} × 429",
        late.len(),
        quantile(&late, 0.5),
        quantile(&late, 0.99),
        quantile(&late, 1.0),
        quantile(&timer, 0.99)
    );
    let spread_p99 = (late.len() == plan.spread)
        .then(|| quantile(&late, 0.99))
        .flatten();

    // At once: one event, everyone signed up, all reminders due at the same moment.
    let data = ctx.work.join("reminders-burst");
    let t0 = Utc::now() + lead;
    let users: Vec<u64> = (0..plan.burst as u64).map(|i| 4_000_000 + i).collect();
    data::events(
        &data,
        ctx.config,
        COORDINATOR_ALL as u64,
        &[t0 + offset],
        std::slice::from_ref(&users),
    )
    .await;
    let queued = data::reminders_in(&data, ctx.config).len();
    assert_eq!(queued, plan.burst, "one reminder queued per attendee");
    let pairs: Vec<(i64, DateTime<Utc>)> = users.iter().map(|u| (*u as i64, t0)).collect();
    let (late, burst_429) = reminder_run(ctx, "reminders-burst", &data, &pairs).await;
    let last = (late.len() == plan.burst)
        .then(|| quantile(&late, 1.0))
        .flatten();
    let allowed = plan.burst as f64 / f64::from(OVERALL_PER_SEC);
    eprintln!(
        "bench:   at once: {} reminders, first {:?} s, last {last:?} s late (the limit allows {allowed:.1} s); {burst_429} × 429",
        late.len(),
        late.iter().copied().reduce(f64::min),
    );
    vec![
        Row {
            figure: format!("5. Reminders one a second ({}): p99 late", plan.spread),
            kokoon: value(spread_p99, Unit::S),
            reference: value(quantile(&timer, 0.99), Unit::S),
            reference_is: "tokio timer",
            target: Target::AtMost(1.0),
        },
        Row {
            figure: format!(
                "5. {} reminders due at once: the last goes out after",
                plan.burst
            ),
            kokoon: value(last, Unit::S),
            reference: Value::new(allowed, Unit::S),
            reference_is: "N / 30 per s",
            target: Target::RatioAtMost(1.1),
        },
        Row {
            figure: "5. Reminders: 429 Too Many Requests".into(),
            kokoon: Value::new((spread_429 + burst_429) as f64, Unit::Count),
            reference: Value::none(Unit::Count),
            reference_is: "",
            target: Target::AtMost(0.0),
        },
    ]
}

// ============================================================== 6. under Telegram's limits

/// Chats answered right after a flood, and steps taken under injected 500s.
const QUIET_CHATS: i64 = 20;
const FLOOD: usize = 40;

/// Starts kokoon with Telegram's limits on, in kokoon and in the fake.
async fn limited(ctx: &Ctx<'_>, data: &Path, name: &str) -> (FakeTelegram, Recorder, Bot) {
    let (fake, mut rec) = fake_server().await;
    fake.set_limits(Some(PER_CHAT_PER_SEC), Some(OVERALL_PER_SEC));
    let args = KokoonArgs {
        config: ctx.config_path,
        data,
        rate_limit: "telegram",
    };
    let log = ctx.work.join(format!("{name}.log"));
    let (bot, _) = start(Kind::Kokoon, &fake, &mut rec, Some(args), &log).await;
    rec.quiet(Duration::from_millis(300), Duration::from_secs(5))
        .await;
    (fake, rec, bot)
}

/// Latencies (ms) of 20 quiet chats writing `/help` 100 ms apart, right after one chat sent
/// `flood` messages at once.
async fn quiet_chats(fake: &FakeTelegram, rec: &mut Recorder, flood: usize, base: i64) -> Vec<f64> {
    let flooder = FakeUser::new(base, "Tulva", "fi");
    for _ in 0..flood {
        fake.send_text(&flooder, "/help");
    }
    let from = rec.seen.len();
    let mut sent = Vec::new();
    for i in 1..=QUIET_CHATS {
        let user = FakeUser::new(base + i, "Hiljainen", "fi");
        sent.push((user.id, Instant::now()));
        fake.send_text(&user, "/help");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ids: HashSet<i64> = sent.iter().map(|(id, _)| *id).collect();
    let all_answered = |r: &Recorder| ids.iter().all(|id| !r.accepted_to(from, *id).is_empty());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !all_answered(rec) && Instant::now() < deadline {
        rec.until(rec.seen.len(), Duration::from_millis(200), |_| true)
            .await;
    }
    let mut out = Vec::new();
    for (id, t0) in sent {
        if let Some((at, _, _)) = rec.accepted_to(from, id).first() {
            out.push(ms(at.saturating_duration_since(t0)));
        }
    }
    // Let the flood drain before the next measurement.
    rec.quiet(Duration::from_millis(1500), Duration::from_secs(60))
        .await;
    out
}

/// Latencies (ms) of `/help` from `steps` chats one after another, every tenth of which meets
/// a 500 on its first try.
async fn steps_under_500s(
    fake: &FakeTelegram,
    rec: &mut Recorder,
    steps: i64,
    base: i64,
) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 0..steps {
        let user = FakeUser::new(base + i, "Maija", "fi");
        if i % 10 == 5 {
            fake.fail_chat(user.id, 500, "Internal Server Error", 1);
        }
        let from = rec.seen.len();
        let t0 = Instant::now();
        fake.send_text(&user, "/help");
        let got = rec
            .until(
                from,
                Duration::from_secs(30),
                |s| matches!(&s.what, Observed::Accepted(m) if m.chat_id == user.id),
            )
            .await;
        if let Some(i) = got {
            out.push(ms(rec.seen[i].at.saturating_duration_since(t0)));
        }
    }
    out
}

async fn limits(ctx: &Ctx<'_>) -> Vec<Row> {
    let plan = ctx.plan;
    let data = ctx.work.join("limits");
    let (fake, mut rec, bot) = limited(ctx, &data, "limits").await;
    let calm = quiet_chats(&fake, &mut rec, 0, 4_000_000).await;
    let flooded = quiet_chats(&fake, &mut rec, FLOOD, 4_100_000).await;
    let steps = if plan.smoke { 20 } else { 100 };
    let clean = steps_under_500s(&fake, &mut rec, steps, 4_200_000).await;
    eprintln!(
        "bench:   quiet chats p50/p99 {:?}/{:?} ms calm, {:?}/{:?} ms during a {FLOOD}-message flood",
        quantile(&calm, 0.5),
        quantile(&calm, 0.99),
        quantile(&flooded, 0.5),
        quantile(&flooded, 0.99)
    );
    eprintln!(
        "bench:   steps under 10 % 500s p50/p99 {:?}/{:?} ms",
        quantile(&clean, 0.5),
        quantile(&clean, 0.99)
    );
    bot.stop().await;

    // /demand at the biggest size, to its last message, with the limits on.
    // A store of its own: the one section 3 used remembers the update ids of that section's
    // fake server, which a new fake numbers again from 1 (its /demand would be taken for one
    // already handled, and answered with nothing).
    let n = plan.scale[2];
    let big = ctx.work.join(format!("limits-scale-{n}"));
    if !big.exists() {
        data::registrations(&big, ctx.config, n, 1, None).await;
    }
    let (fake, mut rec, bot) = limited(ctx, &big, "limits-demand").await;
    let coordinator = FakeUser::new(COORDINATOR_ALL, "Koordinaattori", "fi");
    let (mut last, mut messages) = (Vec::new(), 0);
    for _ in 0..plan.demands {
        rec.quiet(Duration::from_millis(1500), Duration::from_secs(10))
            .await;
        let from = rec.seen.len();
        let t0 = Instant::now();
        fake.send_text(&coordinator, "/demand");
        rec.until(
            from,
            Duration::from_secs(30),
            |s| matches!(&s.what, Observed::Accepted(m) if m.chat_id == COORDINATOR_ALL),
        )
        .await;
        rec.quiet(Duration::from_millis(1500), Duration::from_secs(30))
            .await;
        let got = rec.accepted_to(from, COORDINATOR_ALL);
        messages = got.len();
        if let Some(l) = got.last() {
            last.push(ms(l.0.saturating_duration_since(t0)));
        }
    }
    eprintln!(
        "bench:   /demand at {n} with the limits on: {messages} messages, last after {:?} ms",
        quantile(&last, 0.5)
    );
    bot.stop().await;

    let calm99 = quantile(&calm, 0.99);
    vec![
        Row {
            figure: format!(
                "6. Another chat's reply during a {FLOOD}-message flood, p50 ({QUIET_CHATS} chats, limits on)"
            ),
            kokoon: value(quantile(&flooded, 0.5), Unit::Ms),
            reference: value(quantile(&calm, 0.5), Unit::Ms),
            reference_is: "no flood",
            target: Target::Info,
        },
        Row {
            figure: format!(
                "6. Another chat's reply during a {FLOOD}-message flood, p99 ({QUIET_CHATS} chats, limits on)"
            ),
            kokoon: value(quantile(&flooded, 0.99), Unit::Ms),
            reference: value(calm99, Unit::Ms),
            reference_is: "no flood",
            target: Target::AtMost(calm99.unwrap_or(0.0) + 100.0),
        },
        Row {
            figure: format!("6. /demand complete (its last of {messages} messages), {n} registrations, limits on"),
            kokoon: value(quantile(&last, 0.5), Unit::Ms),
            reference: Value::none(Unit::Ms),
            reference_is: "",
            target: Target::AtMost(2000.0),
        },
        Row {
            figure: "6. Step latency p50 under 10 % injected 500s (limits on)".into(),
            kokoon: value(quantile(&clean, 0.5), Unit::Ms),
            reference: Value::none(Unit::Ms),
            reference_is: "",
            target: Target::Info,
        },
        Row {
            figure: "6. Step latency p99 under 10 % injected 500s (limits on)".into(),
            kokoon: value(quantile(&clean, 0.99), Unit::Ms),
            reference: Value::none(Unit::Ms),
            reference_is: "",
            target: Target::Info,
        },
    ]
}
