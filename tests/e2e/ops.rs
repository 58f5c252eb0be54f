//! Running kokoon as a service, with the real binary against the fake Bot API server: secrets
//! from systemd's credentials directory and files.

use crate::fake_telegram::{FakeTelegram, FakeUser};
use crate::telegram::WAIT;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `kokoon run` started with exactly the environment a test gives it: no token or key is
/// inherited.
pub struct Service {
    pub child: Child,
    pub log: PathBuf,
}

impl Service {
    /// Starts `kokoon run --data DATA` with `args` and `env`, without waiting for anything.
    pub fn spawn(fake: &FakeTelegram, data: &Path, args: &[&str], env: &[(&str, &str)]) -> Service {
        let config = crate::crash_harness::daytime_config(
            Path::new("config/kokoon.toml"),
            &data.with_extension("toml"),
        )
        .expect("test config");
        Service::spawn_with_config(fake, data, &config, args, env)
    }

    /// [`Service::spawn`] with a config file of the test's own.
    pub fn spawn_with_config(
        fake: &FakeTelegram,
        data: &Path,
        config: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Service {
        let log = data.with_extension("log");
        let log_file = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kokoon"));
        cmd.arg("--config")
            .arg(config)
            .args(["run", "--data"])
            .arg(data)
            .args(["--api-url", &fake.api_url()])
            .args(args);
        for var in [
            "TELOXIDE_TOKEN",
            "KOKOON_KEY",
            "KOKOON_KEY_FILE",
            "KOKOON_TOKEN_FILE",
            "CREDENTIALS_DIRECTORY",
            "TELOXIDE_API_URL",
            "KOKOON_CONFIG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("RUST_LOG", "info").env("KOKOON_RATE_LIMIT", "off");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("kokoon starts");
        Service { child, log }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the bot polls (it read its token and key and the store opened).
    pub async fn polling(&mut self, fake: &FakeTelegram, polls_before: usize) {
        let polling = fake
            .wait_until(WAIT, |f| f.get_updates_calls() > polls_before)
            .await;
        assert!(
            polling,
            "kokoon did not start polling; log:\n{}",
            self.log_text()
        );
        assert!(
            self.child.try_wait().expect("status").is_none(),
            "kokoon exited"
        );
    }

    /// Waits for the process to exit on its own; returns whether it succeeded.
    pub async fn exits(&mut self) -> bool {
        for _ in 0..400 {
            if let Some(status) = self.child.try_wait().expect("status") {
                return status.success();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("kokoon did not exit; log:\n{}", self.log_text());
    }

    /// Sends a signal ("TERM", "HUP", ...).
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
    }

    /// SIGTERM, and wait for a clean exit.
    pub async fn terminate(mut self) {
        self.signal("TERM");
        assert!(
            self.exits().await,
            "unclean exit; log:\n{}",
            self.log_text()
        );
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory laid out as systemd's `LoadCredential=` lays it out.
fn credentials(dir: &Path, token: &str, key: &str) -> PathBuf {
    let creds = dir.join("credentials");
    std::fs::create_dir(&creds).expect("mkdir");
    std::fs::write(creds.join("token"), format!("{token}\n")).expect("token");
    std::fs::write(creds.join("key"), format!("{key}\n")).expect("key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["token", "key"] {
            std::fs::set_permissions(creds.join(f), std::fs::Permissions::from_mode(0o400))
                .expect("chmod");
        }
    }
    creds
}

#[tokio::test]
async fn token_and_key_come_from_systemd_credentials_and_never_the_environment() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let creds = credentials(dir.path(), FakeTelegram::TOKEN, crate::chat::TEST_KEY_HEX);
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = Service::spawn(
        &fake,
        &data,
        &[],
        &[("CREDENTIALS_DIRECTORY", creds.to_str().expect("utf-8"))],
    );
    bot.polling(&fake, polls).await;
    let user = FakeUser::new(4242, "Maija", "fi");
    fake.send_text(&user, "/start");
    let got = fake.wait_for(user.id, 1, WAIT).await;
    assert_eq!(got.len(), 1, "a reply to /start; log:\n{}", bot.log_text());
    let log = bot.log_text();
    assert!(
        log.contains("the bot token comes from the systemd credential"),
        "{log}"
    );
    assert!(
        log.contains("the encryption key comes from the systemd credential"),
        "{log}"
    );
    assert!(
        !log.contains(FakeTelegram::TOKEN),
        "the token was logged:\n{log}"
    );
    bot.terminate().await;
}

#[tokio::test]
async fn a_token_file_is_read_and_a_missing_token_stops_the_start_with_every_way_named() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let token = dir.path().join("token");
    std::fs::write(&token, FakeTelegram::TOKEN).expect("token");
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = Service::spawn(
        &fake,
        &data,
        &["--token-file", token.to_str().expect("utf-8")],
        &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)],
    );
    bot.polling(&fake, polls).await;
    assert!(bot.log_text().contains("the bot token comes from the file"));
    bot.terminate().await;

    let mut bot = Service::spawn(
        &fake,
        &data,
        &[],
        &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)],
    );
    assert!(!bot.exits().await, "started without a token");
    let log = bot.log_text();
    assert!(
        log.contains("--token-file") && log.contains("LoadCredential"),
        "{log}"
    );
}

/// The address the bot's log says `/metrics` listens on.
pub async fn metrics_addr(bot: &Service) -> String {
    for _ in 0..400 {
        if let Some(rest) = bot
            .log_text()
            .split("/healthz and /metrics on http://")
            .nth(1)
        {
            return rest.lines().next().unwrap_or_default().trim().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no metrics address in the log:\n{}", bot.log_text());
}

/// A plain HTTP/1.0 GET: status and body.
pub async fn get(addr: &str, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut text = String::new();
    s.read_to_string(&mut text).await.expect("read");
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Scrapes `/metrics` until `done` holds (or [`WAIT`] passes); returns the last scrape.
pub async fn scrape_until(addr: &str, done: impl Fn(&str) -> bool) -> String {
    let began = std::time::Instant::now();
    loop {
        let (status, body) = get(addr, "/metrics").await;
        assert_eq!(status, 200);
        if done(&body) || began.elapsed() > WAIT {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// One metric's value from a scrape.
pub fn value(scrape: &str, name: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{scrape}"))
}

#[tokio::test]
async fn metrics_move_as_parents_write_and_healthz_tells_live_and_ready() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = Service::spawn(
        &fake,
        &data,
        &["--metrics", "127.0.0.1:0"],
        &[
            ("TELOXIDE_TOKEN", FakeTelegram::TOKEN),
            ("KOKOON_KEY", crate::chat::TEST_KEY_HEX),
        ],
    );
    bot.polling(&fake, polls).await;
    let addr = metrics_addr(&bot).await;
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    // The sender goes round at start; Telegram answered the first poll.
    let mut health = (0, String::new());
    for _ in 0..200 {
        health = get(&addr, "/healthz").await;
        if health.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(health.0, 200, "{}", health.1);
    assert!(health.1.contains("live: ok") && health.1.contains("ready: ok"));

    let (status, before) = get(&addr, "/metrics").await;
    assert_eq!(status, 200);
    let sent_before = value(&before, "kokoon_messages_sent_total");
    assert_eq!(
        value(&before, "kokoon_updates_handled_total"),
        0.0,
        "{before}"
    );
    assert!(value(&before, "kokoon_store_bytes") > 0.0);

    let parents: Vec<FakeUser> = (0..3)
        .map(|i| FakeUser::new(5000 + i, "Maija", "fi"))
        .collect();
    for p in &parents {
        fake.send_text(p, "/start");
    }
    for p in &parents {
        assert_eq!(fake.wait_for(p.id, 1, WAIT).await.len(), 1);
    }
    // Telegram shows a message before its answer reaches the bot: wait for the count.
    let after = scrape_until(&addr, |s| {
        value(s, "kokoon_messages_sent_total") >= sent_before + 3.0
    })
    .await;
    assert_eq!(
        value(&after, "kokoon_updates_handled_total"),
        3.0,
        "{after}"
    );
    assert_eq!(value(&after, "kokoon_up"), 1.0);
    for id in parents.iter().map(|p| p.id.to_string()) {
        assert!(!after.contains(&id), "a user id in the metrics:\n{after}");
    }

    // Telegram says 429 once: counted, and the reply is sent again.
    assert_eq!(value(&after, "kokoon_telegram_429_total"), 0.0);
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", 1);
    let late = FakeUser::new(5100, "Maija", "fi");
    fake.send_text(&late, "/start");
    assert_eq!(fake.wait_for(late.id, 1, WAIT).await.len(), 1);
    let slowed = scrape_until(&addr, |s| value(s, "kokoon_telegram_retries_total") >= 1.0).await;
    assert_eq!(value(&slowed, "kokoon_telegram_429_total"), 1.0, "{slowed}");
    assert_eq!(
        value(&slowed, "kokoon_telegram_retries_total"),
        1.0,
        "{slowed}"
    );
    bot.terminate().await;
}

/// Waits until the log contains `text` `n` times.
async fn log_shows(bot: &Service, text: &str, n: usize) -> bool {
    for _ in 0..400 {
        if bot.log_text().matches(text).count() >= n {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn sighup_installs_a_new_coordinator_and_keeps_the_running_config_when_the_file_is_invalid() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = crate::crash_harness::daytime_config(
        Path::new("config/kokoon.toml"),
        &dir.path().join("kokoon.toml"),
    )
    .expect("config");
    let polls = fake.get_updates_calls();
    let mut bot = Service::spawn_with_config(
        &fake,
        &data,
        &config,
        &[],
        &[
            ("TELOXIDE_TOKEN", FakeTelegram::TOKEN),
            ("KOKOON_KEY", crate::chat::TEST_KEY_HEX),
        ],
    );
    bot.polling(&fake, polls).await;
    let newcomer = FakeUser::new(100_000_077, "Uusi", "fi");
    let mut seen = 0;
    let mut says = async |text: &str| {
        fake.send_text(&newcomer, text);
        let all = fake.wait_for(newcomer.id, seen + 1, WAIT).await;
        seen = all.len();
        all.last().map(|m| m.text.clone()).unwrap_or_default()
    };
    let before = says("/demand").await;
    assert!(before.contains("En tunne tuota komentoa"), "{before}");

    let original = std::fs::read_to_string(&config).expect("read");
    let with_newcomer = format!(
        "{original}\n[[coordinators]]\nname = \"Uusi koordinaattori\"\ntelegram_id = 100000077\ngroups = [\"*\"]\n"
    );
    std::fs::write(&config, &with_newcomer).expect("write");
    bot.signal("HUP");
    assert!(log_shows(&bot, "reload: ", 1).await, "{}", bot.log_text());
    assert!(
        bot.log_text().contains(&format!(
            "installed; {} coordinators",
            crate::chat::example_config().coordinators.len() + 1
        )),
        "{}",
        bot.log_text()
    );
    let after = says("/demand").await;
    assert!(!after.contains("En tunne tuota komentoa"), "{after}");

    // A broken file: the newcomer stays a coordinator, and the log says why.
    std::fs::write(
        &config,
        format!("{with_newcomer}\n[[groups]]\nid = \"Bad Id\"\n"),
    )
    .expect("write");
    bot.signal("HUP");
    assert!(
        log_shows(&bot, "the running one is kept", 1).await,
        "{}",
        bot.log_text()
    );
    let still = says("/demand").await;
    assert!(!still.contains("En tunne tuota komentoa"), "{still}");
    assert!(
        bot.child.try_wait().expect("status").is_none(),
        "SIGHUP ended kokoon"
    );
    bot.terminate().await;
}

/// `kokoon ARGS` to completion: success and stdout + stderr.
fn kokoon(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kokoon"));
    cmd.args(args)
        .env_remove("KOKOON_KEY")
        .env_remove("KOKOON_KEY_FILE")
        .env_remove("CREDENTIALS_DIRECTORY")
        .env_remove("KOKOON_DATA");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("kokoon runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn started(fake: &FakeTelegram, data: &Path) -> Service {
    Service::spawn(
        fake,
        data,
        &[],
        &[
            ("TELOXIDE_TOKEN", FakeTelegram::TOKEN),
            ("KOKOON_KEY", crate::chat::TEST_KEY_HEX),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_twenty_parents_register_restores_everything_acknowledged_before_it() {
    use kokoon::domain::{GroupId, Rules, Status, UserId};
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = started(&fake, &data);
    bot.polling(&fake, polls).await;

    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    for id in (0..20).map(|i| 760_000_000 + i) {
        let (fake, acked) = (fake.clone(), acked.clone());
        tasks.spawn(async move {
            let mut p = crate::telegram::Parent::new(&fake, id, "fi");
            crate::coordinators_e2e::register_tilli(&mut p, true).await;
            acked.lock().expect("lock").push(id);
        });
    }
    // Some are through, the rest are on their way: take the backup now.
    let some = fake
        .wait_until(WAIT, |_| acked.lock().expect("lock").len() >= 5)
        .await;
    assert!(
        some,
        "no registrations went through; log:\n{}",
        bot.log_text()
    );
    let before: Vec<i64> = acked.lock().expect("lock").clone();
    let data_arg = data.to_str().expect("utf-8").to_owned();
    let (ok, out) =
        tokio::task::spawn_blocking(move || kokoon(&["backup", "--data", &data_arg], &[]))
            .await
            .expect("join");
    assert!(ok, "kokoon backup: {out}\nlog:\n{}", bot.log_text());
    while let Some(r) = tasks.join_next().await {
        r.expect("a parent's registration");
    }
    let file = PathBuf::from(out.trim());
    assert!(file.exists(), "{out}");
    assert!(
        file.starts_with(dir.path().join("data-backups")),
        "{}",
        file.display()
    );

    let restored = dir.path().join("restored");
    let (ok, out) = kokoon(
        &[
            "restore",
            file.to_str().expect("utf-8"),
            "--data",
            restored.to_str().expect("utf-8"),
        ],
        &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)],
    );
    assert!(ok, "kokoon restore: {out}");
    // Restoring over data is refused.
    let (ok, out) = kokoon(
        &[
            "restore",
            file.to_str().expect("utf-8"),
            "--data",
            restored.to_str().expect("utf-8"),
        ],
        &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)],
    );
    assert!(!ok && out.contains("not empty"), "{out}");

    let config =
        crate::crash_harness::load_config(Path::new("config/kokoon.toml")).expect("config");
    let store = kokoon::store::Store::open_with(
        &restored,
        1 << 20,
        &crate::chat::test_key(),
        config.clone(),
    )
    .expect("the restored store opens");
    let tilli = GroupId::parse("tilli-toukka").expect("id");
    for id in &before {
        let regs = store.registrations_of(UserId(*id as u64)).expect("read");
        assert!(
            regs.iter().any(|r| r.group == tilli),
            "parent {id} was told their registration was saved before the backup began, but the backup lacks it"
        );
    }
    // The counters are those of the registrations in the snapshot, pool by pool.
    let mut sums: BTreeMap<Vec<u8>, (usize, usize)> = BTreeMap::new();
    for r in store.all_registrations() {
        let r = r.expect("read");
        if r.status == Status::Waiting {
            let e = sums.entry(config.pool_of(&r).key()).or_default();
            e.0 += 1;
            e.1 += r.participants();
        }
    }
    let stored = store.pools_of(&tilli).expect("pools");
    assert!(!stored.is_empty());
    for (pool, stats) in &stored {
        let counted = sums.get(&pool.key()).copied().unwrap_or_default();
        assert_eq!(
            (stats.families, stats.participants),
            counted,
            "pool {pool:?}"
        );
    }
    let total: usize = stored.iter().map(|(_, s)| s.families).sum();
    assert!(
        total >= before.len() && total <= 20,
        "{total} registrations"
    );
    drop(store);
    bot.terminate().await;

    // Compaction copies the stopped store entry for entry.
    let compacted = dir.path().join("compacted");
    let (ok, out) = kokoon(
        &[
            "compact",
            "--data",
            data.to_str().expect("utf-8"),
            "--out",
            compacted.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(ok, "kokoon compact: {out}");
    let open = |d: &Path| {
        kokoon::store::Store::open_with(d, 1 << 20, &crate::chat::test_key(), config.clone())
            .expect("opens")
            .dump()
            .expect("dump")
    };
    // Entry for entry, whatever order sled lists its trees in.
    let sorted = |mut d: Vec<_>| {
        d.sort();
        d
    };
    let old = sorted(open(&data));
    let new = sorted(open(&compacted));
    assert_eq!(old.len(), new.len());
    assert!(old == new, "the compacted copy differs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_a_backup_never_leaves_a_file_under_a_final_name() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let backups = dir.path().join("data-backups");
    let key = crate::chat::test_key();
    for cycle in 0..4u64 {
        let polls = fake.get_updates_calls();
        let mut bot = started(&fake, &data);
        bot.polling(&fake, polls).await;
        let data_arg = data.to_str().expect("utf-8").to_owned();
        let asked =
            tokio::task::spawn_blocking(move || kokoon(&["backup", "--data", &data_arg], &[]));
        // Kill at a different moment each cycle: before, during and after the snapshot.
        tokio::time::sleep(std::time::Duration::from_millis(cycle * 7)).await;
        bot.child.kill().expect("kill -9");
        bot.child.wait().expect("wait");
        let _ = asked.await;
        for (_, file) in kokoon::store::backup::list(&backups).expect("list") {
            let bytes = std::fs::read(&file).expect("read");
            kokoon::store::backup::open(&bytes, &key, &file.display().to_string())
                .unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        }
    }
    // The next start's backup removes what a killed one left.
    let polls = fake.get_updates_calls();
    let mut bot = started(&fake, &data);
    bot.polling(&fake, polls).await;
    let data_arg = data.to_str().expect("utf-8").to_owned();
    let (ok, out) =
        tokio::task::spawn_blocking(move || kokoon(&["backup", "--data", &data_arg], &[]))
            .await
            .expect("join");
    assert!(ok, "{out}");
    let leftovers: Vec<String> = std::fs::read_dir(&backups)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    bot.terminate().await;
}

/// Restore of a snapshot from before a `/forget` does not bring the parent back: the running
/// bot keeps its erasure list beside the backups, and `kokoon restore` erases again, before the
/// restored store is used, everyone it names as erased after the snapshot. Nothing of theirs
/// can then be read from the restored raw files, even with the key; another parent stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_of_a_snapshot_from_before_a_forget_does_not_bring_the_parent_back() {
    use kokoon::domain::UserId;
    const GONE: i64 = 771_234_567;
    const STAYS: i64 = 771_234_568;
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = started(&fake, &data);
    bot.polling(&fake, polls).await;
    let mut gone = crate::telegram::Parent::new(&fake, GONE, "fi");
    crate::coordinators_e2e::register_tilli(&mut gone, true).await;
    let mut stays = crate::telegram::Parent::new(&fake, STAYS, "fi");
    crate::coordinators_e2e::register_tilli(&mut stays, true).await;

    let data_arg = data.to_str().expect("utf-8").to_owned();
    let (ok, out) =
        tokio::task::spawn_blocking(move || kokoon(&["backup", "--data", &data_arg], &[]))
            .await
            .expect("join");
    assert!(ok, "kokoon backup: {out}\nlog:\n{}", bot.log_text());
    let file = PathBuf::from(out.trim());

    let m = gone.says("/forget").await;
    gone.taps(&m, "Kyllä, poista kaikki").await;
    bot.terminate().await;

    let config =
        crate::crash_harness::load_config(Path::new("config/kokoon.toml")).expect("config");
    let holds = |d: &Path, id: i64| {
        let store =
            kokoon::store::Store::open_with(d, 1 << 20, &crate::chat::test_key(), config.clone())
                .expect("the restored store opens");
        let user = UserId(id as u64);
        let regs = store.registrations_of(user).expect("read").len();
        let record = store.user(user).expect("read") != kokoon::store::UserRecord::default();
        let digits = id.to_string();
        let readable = store
            .scan_files()
            .expect("scan")
            .readable
            .iter()
            .filter(|v| String::from_utf8_lossy(v).contains(&digits))
            .count();
        (regs, record, readable)
    };
    let restore = |to: &Path, extra: &[&str]| {
        let mut args = vec![
            "restore",
            file.to_str().expect("utf-8"),
            "--data",
            to.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        kokoon(&args, &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)])
    };

    // Positive control: the snapshot itself holds the parent, readable with the key.
    let control = dir.path().join("control");
    let (ok, out) = restore(&control, &["--without-erasures"]);
    assert!(ok, "kokoon restore --without-erasures: {out}");
    let (regs, record, readable) = holds(&control, GONE);
    assert!(
        regs == 1 && record && readable > 0,
        "{regs} {record} {readable}"
    );

    // The restore, into an empty directory; then the bot starts on it.
    let restored = dir.path().join("restored");
    let (ok, out) = restore(&restored, &[]);
    assert!(ok, "kokoon restore: {out}");
    assert!(out.contains("1 people erased"), "{out}");
    let polls = fake.get_updates_calls();
    let mut bot = started(&fake, &restored);
    bot.polling(&fake, polls).await;
    bot.terminate().await;
    assert_eq!(
        holds(&restored, GONE),
        (0, false, 0),
        "the parent came back"
    );
    let (regs, record, readable) = holds(&restored, STAYS);
    assert!(
        regs == 1 && record && readable > 0,
        "the other parent stays"
    );

    // Without the list beside the backups, a restore refuses rather than bring them back.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let moved = elsewhere.join(file.file_name().expect("name"));
    std::fs::copy(&file, &moved).expect("copy");
    let (ok, out) = kokoon(
        &[
            "restore",
            moved.to_str().expect("utf-8"),
            "--data",
            dir.path().join("refused").to_str().expect("utf-8"),
        ],
        &[("KOKOON_KEY", crate::chat::TEST_KEY_HEX)],
    );
    assert!(!ok && out.contains("no erasure list"), "{out}");
}

/// Key rotation with the real binary: `kokoon rekey` copies a stopped store under a new key;
/// the bot runs on the copy with the new key, the parent's registration is there, and the old
/// key opens nothing. A wrong old key, or the same key twice, is refused before anything is
/// written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rekey_moves_a_store_to_a_new_key_and_the_bot_runs_on_it() {
    use kokoon::domain::UserId;
    const PARENT: i64 = 772_000_001;
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let polls = fake.get_updates_calls();
    let mut bot = started(&fake, &data);
    bot.polling(&fake, polls).await;
    let mut p = crate::telegram::Parent::new(&fake, PARENT, "fi");
    crate::coordinators_e2e::register_tilli(&mut p, true).await;
    bot.terminate().await;

    let new_key = dir.path().join("new.key");
    let (ok, out) = kokoon(&["keygen", "--out", new_key.to_str().expect("utf-8")], &[]);
    assert!(ok, "{out}");
    let same_key = dir.path().join("same.key");
    std::fs::write(&same_key, crate::chat::TEST_KEY_HEX).expect("key");
    let rekey = |out_dir: &Path, new: &Path, old_hex: &str| {
        kokoon(
            &[
                "--config",
                "config/kokoon.toml",
                "rekey",
                "--data",
                data.to_str().expect("utf-8"),
                "--out",
                out_dir.to_str().expect("utf-8"),
                "--new-key-file",
                new.to_str().expect("utf-8"),
            ],
            &[("KOKOON_KEY", old_hex)],
        )
    };
    let refused = dir.path().join("refused");
    let (ok, out) = rekey(&refused, &same_key, crate::chat::TEST_KEY_HEX);
    assert!(!ok && out.contains("the new key is the old key"), "{out}");
    let (ok, out) = rekey(&refused, &new_key, &"11".repeat(32));
    assert!(!ok, "a wrong old key: {out}");
    assert!(!refused.exists(), "nothing written");

    let rekeyed = dir.path().join("rekeyed");
    let (ok, out) = rekey(&rekeyed, &new_key, crate::chat::TEST_KEY_HEX);
    assert!(ok, "kokoon rekey: {out}");
    assert!(out.contains("sealed again"), "{out}");

    let polls = fake.get_updates_calls();
    let mut bot = Service::spawn(
        &fake,
        &rekeyed,
        &[],
        &[
            ("TELOXIDE_TOKEN", FakeTelegram::TOKEN),
            ("KOKOON_KEY_FILE", new_key.to_str().expect("utf-8")),
        ],
    );
    bot.polling(&fake, polls).await;
    let m = p.says("/help").await;
    assert!(!m.text.is_empty());
    bot.terminate().await;
    let new = kokoon::store::Key::load(&new_key).expect("the new key");
    let store =
        kokoon::store::Store::open(&rekeyed, 1 << 20, &new).expect("opens with the new key");
    assert_eq!(
        store
            .registrations_of(UserId(PARENT as u64))
            .expect("read")
            .len(),
        1
    );
    drop(store);
    assert!(matches!(
        kokoon::store::Store::open(&rekeyed, 1 << 20, &crate::chat::test_key()),
        Err(kokoon::store::StoreError::WrongKey)
    ));
}
