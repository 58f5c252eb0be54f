//! The bots under test as child processes: the real `kokoon` binary and the echo reference,
//! with what /proc says about them (CPU time, resident memory).

use crate::fake_telegram::FakeTelegram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Which bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The real `kokoon run`.
    Kokoon,
    /// The bare teloxide echo bot (the reference).
    Echo,
}

/// A running bot process. Killed when dropped.
pub struct Bot {
    child: Child,
    log: PathBuf,
    /// When it was spawned.
    pub spawned: Instant,
}

/// How a `kokoon run` is started.
pub struct KokoonArgs<'a> {
    pub config: &'a Path,
    pub data: &'a Path,
    /// `KOKOON_RATE_LIMIT`: `off` or `telegram`.
    pub rate_limit: &'a str,
}

impl Bot {
    /// Starts the real bot against `fake`; does not wait for it.
    pub fn kokoon(fake: &FakeTelegram, args: &KokoonArgs<'_>, log: &Path) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kokoon"));
        cmd.arg("--config")
            .arg(args.config)
            .args(["run", "--data"])
            .arg(args.data)
            .args(["--api-url", &fake.api_url()])
            .env("KOKOON_RATE_LIMIT", args.rate_limit)
            // Saturating parents send far faster than people: the per-chat inbound limit stays
            // on only under Telegram's limits (figure 6, where one chat floods on purpose).
            .env(
                "KOKOON_INBOUND_LIMIT",
                if args.rate_limit == "off" { "off" } else { "" },
            )
            .env("RUST_LOG", "info");
        Bot::spawn(cmd, fake, log)
    }

    /// [`Bot::kokoon`] with the public web page on `web` (`--web`).
    pub fn kokoon_with_web(
        fake: &FakeTelegram,
        args: &KokoonArgs<'_>,
        web: std::net::SocketAddr,
        log: &Path,
    ) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kokoon"));
        cmd.arg("--config")
            .arg(args.config)
            .args(["run", "--data"])
            .arg(args.data)
            .args(["--api-url", &fake.api_url()])
            .arg("--web")
            .arg(web.to_string())
            .env("KOKOON_RATE_LIMIT", args.rate_limit)
            .env("RUST_LOG", "info");
        Bot::spawn(cmd, fake, log)
    }

    /// Starts the echo bot (this benchmark binary again, with `--echo-bot`) against `fake`.
    pub fn echo(fake: &FakeTelegram, log: &Path) -> Bot {
        let me = std::env::current_exe().expect("the benchmark's own path");
        let mut cmd = Command::new(me);
        cmd.args(["--echo-bot", &fake.api_url()]);
        Bot::spawn(cmd, fake, log)
    }

    fn spawn(mut cmd: Command, _fake: &FakeTelegram, log: &Path) -> Bot {
        let log_file = std::fs::File::create(log).expect("a log file");
        cmd.env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
            .env("KOKOON_KEY", crate::data::BENCH_KEY_HEX)
            .env_remove("KOKOON_KEY_FILE")
            .env_remove("TELOXIDE_API_URL")
            .env_remove("KOKOON_CONFIG")
            .env_remove("KOKOON_DATA")
            .env_remove("KOKOON_WEB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file);
        let spawned = Instant::now();
        let child = cmd.spawn().expect("the bot starts");
        Bot {
            child,
            log: log.to_owned(),
            spawned,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User + system CPU time of the whole process (all threads) so far.
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name, which is in parentheses and may contain spaces.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<u64> = rest
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0))
            .collect();
        // utime and stime are fields 14 and 15 of the line; `rest` starts at field 3.
        let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
        Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
    }

    /// (VmRSS, VmHWM) in bytes: resident memory now and at its peak.
    pub fn memory(&self) -> (u64, u64) {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The end of its log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// SIGTERM, then up to 10 s for a clean exit, then SIGKILL.
    pub async fn stop(mut self) {
        let pid = self.pid().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..200 {
            if !self.running() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        eprintln!("bench: pid {pid} did not stop within 10 s of SIGTERM; killing it");
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux).
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}
