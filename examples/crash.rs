//! The crash harness's long run: the real `kokoon` binary against the fake Telegram server,
//! parents registering, withdrawing and signing up for an event at once, SIGKILL at random
//! moments and a restart, the store checked after every kill (see `tests/support/crash.rs`).
//!
//! ```sh
//! cargo run --release --example crash -- --cycles 1000
//! cargo run --release --example crash -- --cycles 200 --parents 40 --seed 42
//! ```
//!
//! The `kokoon` binary of the same profile is built first (a no-op when it is fresh).

#[path = "../tests/support/fake_telegram.rs"]
mod fake_telegram;

#[path = "../tests/support/crash.rs"]
mod crash_harness;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: crash [--cycles N] [--parents N] [--seed N] [--alive MIN-MAX (ms)] [--bin PATH] [--quiet]";

fn main() -> ExitCode {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut opts =
        crash_harness::Options::short(PathBuf::new(), manifest.join("config/kokoon.toml"));
    opts.cycles = 1000;
    opts.parents = 40;
    opts.verbose = true;
    let mut bin = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let parsed: Result<(), String> = (|| {
            match arg.as_str() {
                "--cycles" => opts.cycles = number(&value("--cycles")?)? as usize,
                "--parents" => opts.parents = (number(&value("--parents")?)? as usize).max(6),
                "--seed" => opts.seed = number(&value("--seed")?)?,
                "--alive" => {
                    let v = value("--alive")?;
                    let (lo, hi) = v.split_once('-').ok_or(format!("--alive {v}: MIN-MAX"))?;
                    opts.alive_ms = (number(lo)?, number(hi)?.max(number(lo)?));
                }
                "--bin" => bin = Some(PathBuf::from(value("--bin")?)),
                "--quiet" => opts.verbose = false,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
            Ok(())
        })();
        if let Err(e) = parsed {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    opts.bin = match bin {
        Some(b) => b,
        None => match build_kokoon(&manifest) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("crash: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    println!(
        "crash harness: {} cycles, {} parents, seed {} (replay with --seed {})",
        opts.cycles, opts.parents, opts.seed, opts.seed
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("crash: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(crash_harness::run(opts)) {
        Ok(figures) => {
            println!("{figures}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn number(s: &str) -> Result<u64, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))
}

/// Builds `kokoon` in this example's profile and target directory; returns its path.
fn build_kokoon(manifest: &std::path::Path) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // <target>/<profile>/examples/crash
    let profile_dir = exe
        .parent()
        .and_then(|p| p.parent())
        .ok_or("cannot tell the target directory")?;
    let target_dir = profile_dir
        .parent()
        .ok_or("cannot tell the target directory")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--bin", "kokoon", "--manifest-path"])
        .arg(manifest.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let status = cmd.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --bin kokoon failed: {status}"));
    }
    let bin = profile_dir.join(format!("kokoon{}", std::env::consts::EXE_SUFFIX));
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!("{} was not built", bin.display()))
    }
}
