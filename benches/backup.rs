//! What an online backup costs at scale: a data directory of N registrations (made with the
//! benchmark's own generator, `benches/kokoon/data.rs`, and kept in `target/tmp` for the next
//! run), then, in a fresh process (so that making the data does not count), the store opened as
//! `kokoon run` opens it and one `backup::backup` taken. Prints the process's peak memory
//! (VmHWM) after opening and after the backup, the backup's time and how long the store's gate
//! was held (commits wait that long).
//!
//! ```text
//! cargo bench --bench backup              # 100,000 registrations
//! cargo bench --bench backup -- --smoke   # 1,000, seconds
//! ```

#[allow(dead_code)]
#[path = "kokoon/data.rs"]
mod data;

use kokoon::config::Config;
use kokoon::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// sled's cache, as `kokoon run` sets it.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

fn config() -> Arc<Config> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kokoon.toml");
    Arc::new(Config::load(&path).expect("config/kokoon.toml is valid"))
}

/// Peak resident memory of this process so far, in MB (VmHWM).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn size_mb(path: &Path) -> f64 {
    let mut bytes = 0u64;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let m = e.metadata().expect("metadata");
            bytes += if m.is_dir() {
                (size_mb(&e.path()) * 1e6) as u64
            } else {
                m.len()
            };
        }
    } else if let Ok(m) = std::fs::metadata(path) {
        bytes = m.len();
    }
    bytes as f64 / 1e6
}

/// The bot's malloc settings (`limit_heap` in main.rs).
fn limit_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets malloc's tuning parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The child: open, back up once, print the figures.
fn measure(data: &Path) {
    limit_heap();
    let store = Store::open_with(data, CACHE_BYTES, &data::bench_key(), config()).expect("open");
    let opened = peak_mb();
    let out = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a backup directory");
    let began = Instant::now();
    let written = kokoon::store::backup::backup(
        &store,
        &data::bench_key(),
        out.path(),
        1,
        chrono::Utc::now(),
    )
    .expect("backup");
    let took = began.elapsed();
    let after = peak_mb();
    let file = kokoon::store::backup::list(out.path()).expect("list")[0]
        .1
        .clone();
    println!(
        "backup: store {:.1} MB (keyring {:.1} MB), file {:.1} MB; peak memory {opened:.1} MB \
         after opening, {after:.1} MB after the backup; backup {:.2} s, gate held {:.2} s",
        size_mb(data),
        size_mb(&data.join(kokoon::store::keyring::FILE)),
        size_mb(&file),
        took.as_secs_f64(),
        written.gate_held.as_secs_f64(),
    );
}

/// The child for the comparison: how long the gate is held to copy the store into memory
/// (`Store::snapshot`, the same pass as a backup without sealing and writing; what a
/// version-1 backup held the gate for).
fn measure_snapshot(data: &Path) {
    limit_heap();
    let store = Store::open_with(data, CACHE_BYTES, &data::bench_key(), config()).expect("open");
    let began = Instant::now();
    let snap = store.snapshot().expect("snapshot");
    println!(
        "snapshot in memory (the gate's hold of a version-1 backup): {:.2} s, {} entries",
        began.elapsed().as_secs_f64(),
        snap.entries.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        measure(Path::new(&args[i + 1]));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--measure-snapshot") {
        measure_snapshot(Path::new(&args[i + 1]));
        return;
    }
    let n: usize = if args.iter().any(|a| a == "--smoke") {
        1_000
    } else {
        100_000
    };
    let data: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("backup-bench-{n}"));
    let done = data.with_extension("done");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&data);
        let began = Instant::now();
        tokio::runtime::Runtime::new()
            .expect("a runtime")
            .block_on(data::registrations(&data, &config(), n, 1, None));
        std::fs::write(&done, b"").expect("done");
        eprintln!("bench: {n} registrations made in {:?}", began.elapsed());
    }
    // A fresh process: the generator's memory does not count.
    for how in ["--measure", "--measure-snapshot"] {
        let status = std::process::Command::new(std::env::current_exe().expect("this program"))
            .arg(how)
            .arg(&data)
            .status()
            .expect("the measuring process");
        assert!(status.success(), "the measuring process failed");
    }
}
