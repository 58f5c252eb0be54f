//! What per-person data keys cost at scale (issue 12): a keyring of N people (a person key
//! and a registration key each), then
//!
//! - opening the store (the keyring is read and opened whole),
//! - a new person's first write (`commit` with flush: their keys are appended to the keyring
//!   and `fsync`ed before the sled transaction and its flush),
//! - the same person's next write (keys already there: the usual case),
//! - a `/forget` (the keyring rewritten without their keys: temp file, `fsync`, rename).
//!
//! Before the store, the keyring alone: opened (time, and the process's memory: resident
//! before, peak while opening, resident after, from `/proc/self/status` on Linux), and one
//! `destroy` (a key destroyed: the whole file written anew).
//!
//! ```text
//! cargo bench --bench keyring                        # 100,000 people
//! cargo bench --bench keyring -- --smoke             # 1,000 people, seconds
//! cargo bench --bench keyring -- --people 85000      # 170,000 keys
//! ```

use chrono::{DateTime, Utc};
use kokoon::domain::{AreaId, GroupId, Lang, Registration, Status, TimeId, UserId};
use kokoon::flow::{Effect, State};
use kokoon::store::keyring::{ring_key, Keyring, Owner};
use kokoon::store::{Key, Store, StoreError, UserRecord};
use std::path::Path;
use std::time::{Duration, Instant};

const SAMPLES: usize = 100;

fn open(dir: &Path, key: &Key) -> Store {
    for _ in 0..500 {
        match Store::open(dir, 64 << 20, key) {
            Ok(s) => return s,
            Err(StoreError::Locked(_)) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("open: {e}"),
        }
    }
    panic!("the store stayed locked")
}

fn registration(user: u64, now: DateTime<Utc>) -> Registration {
    Registration {
        user: UserId(user),
        group: GroupId::parse("tilli-toukka").expect("id"),
        children: vec![kokoon::domain::Child {
            year: 2021,
            month: None,
        }],
        area: AreaId::parse("hyvinkaa").expect("id"),
        lang: Lang::Fi,
        times: vec![TimeId::parse("weekday-evening").expect("id")],
        contact: None,
        source: None,
        created_at: now,
        updated_at: now,
        status: Status::Waiting,
        expiry_notice: None,
        consents: Default::default(),
        renewed_at: None,
        renewal_asked: None,
        note: None,
        added: None,
    }
}

fn record() -> UserRecord {
    UserRecord {
        lang: None,
        seen_lang: Some(Lang::Fi),
        unreachable_since: None,
        state: State::Idle,
        seen_at: None,
    }
}

/// A field of `/proc/self/status` in MB (`VmRSS`, `VmHWM`), where there is one.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The time this thread has run on a CPU (Linux `schedstat`), which a busy machine does not
/// inflate as it does the wall-clock time.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        stat.split_whitespace().next()?.parse().ok()?,
    ))
}

/// Wall-clock and CPU time of `f`, as text, and its result.
fn timed<T>(f: impl FnOnce() -> T) -> (String, T) {
    let cpu = cpu_time();
    let began = Instant::now();
    let out = f();
    let wall = began.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    let text = format!(
        "{:.1} ms (CPU {})",
        wall.as_secs_f64() * 1e3,
        cpu.map_or_else(
            || "?".into(),
            |c| format!("{:.1} ms", c.as_secs_f64() * 1e3)
        )
    );
    (text, out)
}

/// Sets the process's peak resident size back to its current one (Linux `clear_refs`), so
/// that `VmHWM` afterwards is the peak of what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mb(v: Option<f64>) -> String {
    v.map_or_else(|| "?".into(), |v| format!("{v:.1} MB"))
}

/// Opens the keyring at `path` alone: how long, and the process's memory around it.
fn measure_open(path: &Path, rk: &chacha20poly1305::ChaCha20Poly1305) -> String {
    let before = status_mb("VmRSS:");
    let peaked = reset_peak();
    let (opened, ring) = timed(|| Keyring::open(path, rk).expect("keyring"));
    let peak = if peaked { status_mb("VmHWM:") } else { None };
    let after = status_mb("VmRSS:");
    let keys = ring.len();
    drop(ring);
    format!(
        "{keys} keys opened in {opened} (resident {} before, peak {} while opening, {} after)",
        mb(before),
        mb(peak),
        mb(after)
    )
}

fn quantiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:>8.2} ms   p95 {:>8.2} ms",
        q(0.5).as_secs_f64() * 1e3,
        q(0.95).as_secs_f64() * 1e3
    )
}

#[tokio::main]
async fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let args: Vec<String> = std::env::args().collect();
    let people: u64 = args
        .iter()
        .position(|a| a == "--people")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(if smoke { 1_000 } else { 100_000 });
    let dir = tempfile::tempdir().expect("temp dir");
    let key = Key::from_bytes([0x42; 32]);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
        .expect("time")
        .into();
    drop(open(dir.path(), &key));

    // The keyring of `people` people, as their registrations would have made it.
    let began = Instant::now();
    {
        let rk = ring_key(&key);
        let ring =
            Keyring::open(&dir.path().join(kokoon::store::keyring::FILE), &rk).expect("keyring");
        let owners: Vec<Owner> = (0..people)
            .flat_map(|i| {
                let mut id = [0u8; 16];
                id[..8].copy_from_slice(&i.to_be_bytes());
                [Owner::person(&id), Owner::record("registrations", &id)]
            })
            .collect();
        ring.ensure_all(&owners, &rk).expect("keys");
    }
    let made = began.elapsed();
    let file = std::fs::metadata(dir.path().join(kokoon::store::keyring::FILE))
        .expect("keyring file")
        .len();

    // The keyring alone: opened as made (every key appended on its own), one key destroyed
    // (the file written anew), and opened again as written.
    let rk = ring_key(&key);
    let path = dir.path().join(kokoon::store::keyring::FILE);
    let as_made = measure_open(&path, &rk);
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(people / 2).to_be_bytes());
    let ring_destroyed = {
        let ring = Keyring::open(&path, &rk).expect("keyring");
        let (took, n) = timed(|| ring.destroy(&[Owner::person(&id)], &rk).expect("destroy"));
        assert_eq!(n, 1);
        took
    };
    let rewritten_file = std::fs::metadata(&path).expect("keyring file").len();
    let as_rewritten = measure_open(&path, &rk);

    let began = Instant::now();
    let store = open(dir.path(), &key);
    let opened = began.elapsed();

    let mut first = Vec::new();
    let mut again = Vec::new();
    for i in 0..SAMPLES as u64 {
        let user = UserId(1_000_000_000 + i);
        let effects = [Effect::SaveRegistration(registration(user.0, now))];
        let t = Instant::now();
        store
            .commit(user, None, &record(), &effects, now)
            .await
            .expect("commit");
        first.push(t.elapsed());
        let t = Instant::now();
        store
            .commit(user, None, &record(), &effects, now)
            .await
            .expect("commit");
        again.push(t.elapsed());
    }
    let mut forget = Vec::new();
    for i in 0..(SAMPLES as u64 / 5) {
        let user = UserId(1_000_000_000 + i);
        let t = Instant::now();
        store
            .commit(user, None, &record(), &[Effect::Forget], now)
            .await
            .expect("forget");
        forget.push(t.elapsed());
    }

    println!(
        "keyring: {people} people ({} keys, {:.1} MB file, made in {:.1} s); store opened in {:.0} ms",
        people * 2,
        file as f64 / 1e6,
        made.as_secs_f64(),
        opened.as_secs_f64() * 1e3
    );
    println!("  keyring alone, as made (every key appended): {as_made}");
    println!(
        "  one key destroyed (the file written anew, {:.1} MB): {ring_destroyed}",
        rewritten_file as f64 / 1e6,
    );
    println!("  keyring alone, as written by the destroy:     {as_rewritten}");
    println!(
        "  new person's first write (keys appended + fsync, commit + flush): {}",
        quantiles(first)
    );
    println!(
        "  the same person's next write (commit + flush):                    {}",
        quantiles(again)
    );
    println!(
        "  /forget (keyring rewritten: temp + fsync + rename):                {}",
        quantiles(forget)
    );
}
