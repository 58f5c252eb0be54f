//! Figure 7, the public web page: how many page views a second the bot's own process serves
//! from its cache (beside `/healthz` of the same server, which renders nothing), and what a
//! flood of page views does to the bot's update latency (beside the same load without it).
//!
//! The load comes from this process on 127.0.0.1: keep-alive HTTP/1.1 connections, bounded in
//! time and in count.

use crate::driver::Driver;
use crate::procs::{Bot, Kind, KokoonArgs};
use crate::table::{Row, Target, Unit};
use crate::{fake_server, is_get_updates, latencies_ms, quantile, value, Ctx};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Concurrent connections of the flood.
const CONNECTIONS: usize = 16;

/// What a flood did.
#[derive(Debug, Default, Clone, Copy)]
struct Flood {
    ok: usize,
    errors: usize,
    took: Duration,
}

impl Flood {
    fn per_second(&self) -> Option<f64> {
        (self.ok > 0 && self.errors == 0).then(|| self.ok as f64 / self.took.as_secs_f64())
    }
}

/// One GET on a kept-alive connection; true for a 200 with its whole body.
async fn get(
    stream: &mut BufReader<tokio::net::TcpStream>,
    request: &[u8],
    body: &mut Vec<u8>,
) -> std::io::Result<bool> {
    stream.get_mut().write_all(request).await?;
    let mut line = String::new();
    let mut status_ok = false;
    let mut length = 0usize;
    let mut first = true;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(false);
        }
        if first {
            status_ok = line.starts_with("HTTP/1.1 200");
            first = false;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    body.resize(length, 0);
    stream.read_exact(body).await?;
    Ok(status_ok && length > 0)
}

/// GETs `path` over [`CONNECTIONS`] connections until `stop`, `duration` or `max` requests;
/// at `rate` requests a second overall, or as fast as they are answered.
async fn flood(
    addr: SocketAddr,
    path: &str,
    rate: Option<f64>,
    duration: Duration,
    max: usize,
    stop: Arc<AtomicBool>,
) -> Flood {
    let started = Instant::now();
    let end = started + duration;
    let sent = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Language: fi\r\n\r\n")
            .into_bytes();
        let (sent, stop) = (sent.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut f = Flood::default();
            let Ok(s) = tokio::net::TcpStream::connect(addr).await else {
                f.errors += 1;
                return f;
            };
            let mut s = BufReader::new(s);
            let mut body = Vec::new();
            let mut tick = rate.map(|r| {
                let mut t =
                    tokio::time::interval(Duration::from_secs_f64(CONNECTIONS as f64 / r.max(1.0)));
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                t
            });
            while Instant::now() < end && !stop.load(Ordering::Relaxed) {
                if sent.fetch_add(1, Ordering::Relaxed) >= max {
                    break;
                }
                if let Some(t) = tick.as_mut() {
                    t.tick().await;
                }
                match get(&mut s, &request, &mut body).await {
                    Ok(true) => f.ok += 1,
                    _ => {
                        f.errors += 1;
                        break;
                    }
                }
            }
            f
        }));
    }
    let mut total = Flood::default();
    for t in tasks {
        if let Ok(f) = t.await {
            total.ok += f.ok;
            total.errors += f.errors;
        }
    }
    total.took = started.elapsed();
    total
}

/// A free port on 127.0.0.1 for the bot's web page.
fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address")
}

pub async fn web(ctx: &Ctx<'_>) -> Vec<Row> {
    let plan = ctx.plan;
    let (measure, max, flood_rate) = if plan.smoke {
        (Duration::from_secs(1), 20_000, 200.0)
    } else {
        (Duration::from_secs(10), 2_000_000, 1000.0)
    };
    let (fake, mut rec) = fake_server().await;
    let data = ctx.work.join("web");
    let args = KokoonArgs {
        config: ctx.config_path,
        data: &data,
        rate_limit: "off",
    };
    let addr = free_addr();
    let log = ctx.work.join("web.log");
    let mut bot = Bot::kokoon_with_web(&fake, &args, addr, &log);
    if rec
        .until(0, Duration::from_secs(60), is_get_updates)
        .await
        .is_none()
        || !bot.running()
    {
        panic!("kokoon with --web did not start; log:\n{}", bot.log_tail());
    }
    drop(rec);
    let never = Arc::new(AtomicBool::new(false));
    // Warm up: the first request computes the snapshot and renders the page.
    let _ = flood(
        addr,
        "/fi",
        None,
        Duration::from_millis(300),
        100,
        never.clone(),
    )
    .await;
    let page = flood(addr, "/fi", None, measure, max, never.clone()).await;
    let health = flood(addr, "/healthz", None, measure, max, never.clone()).await;
    eprintln!(
        "bench:   web: /fi {} ok, {} errors in {:.1} s; /healthz {} ok, {} errors",
        page.ok,
        page.errors,
        page.took.as_secs_f64(),
        health.ok,
        health.errors
    );
    // The bot's update latency at the fixed load, without and then during a flood of pages.
    let mut d = Driver::new(&fake, Kind::Kokoon, 3_000_000);
    let quiet = d.open(plan.rate, plan.rate_for).await;
    let stop = Arc::new(AtomicBool::new(false));
    let flooding = tokio::spawn(flood(
        addr,
        "/fi",
        Some(flood_rate),
        plan.rate_for + Duration::from_secs(5),
        max,
        stop.clone(),
    ));
    let flooded = d.open(plan.rate, plan.rate_for).await;
    stop.store(true, Ordering::Relaxed);
    let during = flooding.await.unwrap_or_default();
    eprintln!(
        "bench:   web: during the flood {} pages ({:.0}/s), {} errors; {} errors in the bot's updates",
        during.ok,
        during.per_second().unwrap_or(0.0),
        during.errors,
        d.errors
    );
    bot.stop().await;
    let lat = |s: &[crate::driver::Sample], q: f64| {
        (d.errors == 0)
            .then(|| quantile(&latencies_ms(s, |_| true), q))
            .flatten()
    };
    let mut rows = vec![Row {
        figure: format!("7. Public page /fi, requests/s ({CONNECTIONS} keep-alive connections)"),
        kokoon: value(page.per_second(), Unit::PerSec),
        reference: value(health.per_second(), Unit::PerSec),
        reference_is: "/healthz, same server",
        // For context: /healthz sends 3 bytes, a page about 25 kB.
        target: Target::Info,
    }];
    for (name, q, target) in [
        ("p50", 0.5, Target::Info),
        ("p99", 0.99, Target::RatioAtMost(2.0)),
    ] {
        rows.push(Row {
            figure: format!(
                "7. Update latency {name} at {:.0} updates/s during {flood_rate:.0} page views/s",
                plan.rate
            ),
            kokoon: value(lat(&flooded, q), Unit::Ms),
            reference: value(lat(&quiet, q), Unit::Ms),
            reference_is: "no page views",
            target,
        });
    }
    rows
}
