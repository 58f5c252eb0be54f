//! The real `kokoon` binary against the fake Telegram Bot API server on 127.0.0.1: every request
//! the bot makes is checked as strictly as Telegram would (HTML, lengths, callback data,
//! commands), and `invalid_requests()` must stay empty.

use crate::fake_telegram::{FakeTelegram, FakeUser, SentMessage};
use kokoon::domain::UserId;
use kokoon::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// How the bot takes its updates. The real-binary tests of registration, redelivery and kill -9
/// run in both modes ([`in_both_modes!`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Long polling with getUpdates.
    Polling,
    /// The fake Telegram POSTs each update to the bot's listener (`--webhook`, `--listen`).
    Webhook,
}

impl Mode {
    /// `kokoon run`'s arguments for this mode: a webhook on a free port of 127.0.0.1 (a new
    /// one at each start; the bot's setWebhook tells the fake).
    pub fn args(self) -> Vec<String> {
        match self {
            Mode::Polling => Vec::new(),
            Mode::Webhook => {
                let port = free_port();
                vec![
                    "--webhook".into(),
                    format!("http://127.0.0.1:{port}/telegram/updates"),
                    "--listen".into(),
                    format!("127.0.0.1:{port}"),
                ]
            }
        }
    }

    /// What the fake has seen of a start so far, to wait on ([`Mode::started`]).
    pub fn mark(self, fake: &FakeTelegram) -> usize {
        match self {
            Mode::Polling => fake.get_updates_calls(),
            Mode::Webhook => fake.received("setWebhook"),
        }
    }

    /// Whether a bot started after `mark` takes updates: it polls, or its webhook is set.
    pub fn started(self, fake: &FakeTelegram, mark: usize) -> bool {
        match self {
            Mode::Polling => fake.get_updates_calls() > mark,
            Mode::Webhook => fake.received("setWebhook") > mark && fake.webhook_url().is_some(),
        }
    }
}

/// A port of 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Runs `async fn $name(mode: Mode)` as two tests, `$name::polling` and `$name::webhook`.
#[macro_export]
macro_rules! in_both_modes {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn polling() {
                super::$name($crate::telegram::Mode::Polling).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn webhook() {
                super::$name($crate::telegram::Mode::Webhook).await;
            }
        }
    )*};
}

/// A running `kokoon run` process.
pub struct Kokoon {
    child: Child,
    log: PathBuf,
}

impl Kokoon {
    /// Starts the bot on `data` with its rate limiter off and waits until it polls.
    pub async fn start(fake: &FakeTelegram, data: &Path) -> Kokoon {
        Kokoon::start_limited(fake, data, "off").await
    }

    /// Starts the bot taking updates as `mode` says, and waits until it takes them.
    pub async fn start_in(mode: Mode, fake: &FakeTelegram, data: &Path) -> Kokoon {
        Kokoon::spawn(mode, fake, data, "off", &[]).await
    }

    /// Starts the bot with `KOKOON_RATE_LIMIT` set to `limit` and waits until it polls.
    pub async fn start_limited(fake: &FakeTelegram, data: &Path, limit: &str) -> Kokoon {
        Kokoon::spawn(Mode::Polling, fake, data, limit, &[]).await
    }

    /// Starts the bot in `mode` with `extra` arguments to `kokoon run`, and waits until it
    /// takes updates.
    pub async fn spawn(
        mode: Mode,
        fake: &FakeTelegram,
        data: &Path,
        limit: &str,
        extra: &[&str],
    ) -> Kokoon {
        let log = data.with_extension("log");
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let mark = mode.mark(fake);
        let config = crate::crash_harness::daytime_config(
            std::path::Path::new("config/kokoon.toml"),
            &data.with_extension("toml"),
        )
        .expect("test config");
        let child = Command::new(env!("CARGO_BIN_EXE_kokoon"))
            .arg("--config")
            .arg(&config)
            .args(["run", "--data"])
            .arg(data)
            .args(["--api-url", &fake.api_url()])
            // Arguments that set the webhook themselves replace the mode's.
            .args(if extra.contains(&"--webhook") {
                Vec::new()
            } else {
                mode.args()
            })
            .args(extra)
            .env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
            .env("KOKOON_KEY", crate::chat::TEST_KEY_HEX)
            .env_remove("KOKOON_KEY_FILE")
            .env("RUST_LOG", "info")
            .env("KOKOON_RATE_LIMIT", limit)
            // Tests drive a chat far faster than anyone types: no per-chat inbound limit.
            .env("KOKOON_INBOUND_LIMIT", "off")
            .env_remove("TELOXIDE_API_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("kokoon starts");
        let mut bot = Kokoon { child, log };
        let started = fake.wait_until(WAIT, |f| mode.started(f, mark)).await;
        assert!(
            started,
            "kokoon did not start taking updates ({mode:?}); log:\n{}",
            bot.log_text()
        );
        assert!(
            bot.child.try_wait().expect("status").is_none(),
            "kokoon exited"
        );
        bot
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("status").is_none()
    }

    /// SIGKILL: no chance to clean up, like a power cut.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Sends `signal` ("TERM", "INT") and waits up to 10 s for the exit; returns the status
    /// and how long it took.
    pub async fn stop_with(mut self, signal: &str) -> (std::process::ExitStatus, Duration) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let began = std::time::Instant::now();
        while began.elapsed() < Duration::from_secs(10) {
            if let Some(status) = self.child.try_wait().expect("status") {
                return (status, began.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "kokoon did not exit within 10 s of SIG{signal}; log:\n{}",
            self.log_text()
        );
    }

    /// SIGTERM, then wait for a clean exit.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().expect("status") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "kokoon did not exit within 5 s of SIGTERM; log:\n{}",
            self.log_text()
        );
    }
}

impl Drop for Kokoon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One parent in a Telegram chat with the bot.
pub struct Parent<'a> {
    pub fake: &'a FakeTelegram,
    pub user: FakeUser,
    pub seen: usize,
}

impl<'a> Parent<'a> {
    pub fn new(fake: &'a FakeTelegram, id: i64, lang: &str) -> Self {
        let mut user = FakeUser::new(id, "Maija", lang);
        user.username = Some(format!("maija{id}"));
        Parent {
            fake,
            user,
            seen: 0,
        }
    }

    /// The parent sends text and waits for the next new message from the bot.
    pub async fn says(&mut self, text: &str) -> SentMessage {
        self.fake.send_text(&self.user, text);
        self.next().await
    }

    /// The parent presses a button on `msg` (by label) and waits for the next new message.
    pub async fn taps(&mut self, msg: &SentMessage, label: &str) -> SentMessage {
        self.press(msg, label);
        self.next().await
    }

    pub fn press(&self, msg: &SentMessage, label: &str) {
        let data = msg
            .button(label)
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", msg.labels()));
        self.fake.press_button(&self.user, msg.message_id, &data);
    }

    /// Waits for the next new message containing `text`, passing over others (a reply sent
    /// again after a restart: at least once).
    pub async fn next_with(&mut self, text: &str) -> SentMessage {
        loop {
            let m = self.next().await;
            if m.text.contains(text) {
                return m;
            }
        }
    }

    pub async fn next(&mut self) -> SentMessage {
        let all = self.fake.wait_for(self.user.id, self.seen + 1, WAIT).await;
        self.seen = all.len();
        all.last().cloned().expect("a message")
    }
}

fn user_regs(data: &Path, user: i64) -> usize {
    let store = Store::open(data, 1 << 20, &crate::chat::test_key())
        .expect("the store reopens after the bot");
    store
        .registrations_of(UserId(u64::try_from(user).expect("positive")))
        .expect("read")
        .len()
}

in_both_modes!(
    a_restart_in_the_middle_of_a_registration_continues_where_it_was,
    the_same_update_delivered_twice_has_its_effect_once,
);

async fn a_restart_in_the_middle_of_a_registration_continues_where_it_was(mode: Mode) {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bot = Kokoon::start_in(mode, &fake, &data).await;
    let mut p = Parent::new(&fake, 5004, "en");
    let m = p.says("/start eron-edessa").await;
    let m = p.taps(&m, "I agree").await;
    let m = p.taps(&m, "Hyvinkää").await;
    assert!(m.text.contains("In which language"), "{}", m.text);
    // Killed once the bot has finished the batch and confirmed it (a kill inside that moment
    // may send the last reply twice: the documented at-least-once window).
    let confirmed = fake.wait_until(WAIT, |f| f.pending_updates() == 0).await;
    assert!(confirmed);
    bot.kill();

    let bot = Kokoon::start_in(mode, &fake, &data).await;
    // The button on the message from before the restart still works. (The question may come
    // again first: killed right after it reached Telegram, before it was recorded as sent.)
    p.press(&m, "Swedish");
    let m = p.next_with("Which times suit you?").await;
    p.press(&m, "Weekday evenings");
    let edited = fake
        .wait_until(WAIT, |f| {
            f.current(p.user.id, m.message_id)
                .is_some_and(|c| c.labels().iter().any(|l| l.starts_with('✓')))
        })
        .await;
    assert!(edited);
    let m = p.taps(&m, "Done").await;
    let m = p.taps(&m, "Yes").await;
    let m = p.taps(&m, "Skip").await;
    assert!(m.text.contains("Group language: Swedish"), "{}", m.text);
    let m = p.taps(&m, "Confirm").await;
    assert!(m.text.contains("is saved"), "{}", m.text);
    bot.kill();
    assert_eq!(
        user_regs(&data, 5004),
        1,
        "confirmed means on disk, even after SIGKILL"
    );
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

async fn the_same_update_delivered_twice_has_its_effect_once(mode: Mode) {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let mut p = Parent::new(&fake, 5005, "fi");
    // Both copies are waiting before the bot starts, so they arrive in one batch.
    let update = serde_json::json!({
        "update_id": 777,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": {"id": 5005, "type": "private", "first_name": "Maija"},
            "from": {"id": 5005, "is_bot": false, "first_name": "Maija", "language_code": "fi"},
            "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
        }
    });
    fake.push_raw_update(update.clone());
    fake.push_raw_update(update);
    let bot = Kokoon::start_in(mode, &fake, &data).await;
    let m = p.next().await;
    assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);
    // Something later proves the bot went past both copies.
    let m = p.says("/help").await;
    assert!(m.text.contains("Näin käytät bottia"), "{}", m.text);
    assert_eq!(
        fake.messages_to(5005).len(),
        2,
        "one welcome, one help: the copy changed nothing"
    );
    bot.kill();
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_nobody_and_repeats_nothing_typed() {
    const ID: i64 = 7_431_902_265;
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bot = Kokoon::start(&fake, &data).await;
    let mut user = FakeUser::new(ID, "Maija Meikäläinen", "fi");
    user.username = Some("maija_meikalainen".into());
    let mut p = Parent {
        fake: &fake,
        user,
        seen: 0,
    };
    let m = p.says("/start tilli-toukka").await;
    let m = p.taps(&m, "Hyväksyn tallennuksen").await;
    assert!(m.text.contains("Minkä ikäinen"), "{}", m.text);
    let m = p.says("5 vuotta").await;
    assert!(m.text.contains("Lisätty: 5 v"), "{}", m.text);
    p.taps(&m, "Ei muita, jatketaan").await;
    let m = p.says("Hyvinkää").await;
    let m = p.taps(&m, "suomi").await;
    p.press(&m, "Arki-iltaisin");
    let toggled = fake
        .wait_until(WAIT, |f| {
            f.current(p.user.id, m.message_id)
                .is_some_and(|c| c.labels().iter().any(|l| l == "✓ Arki-iltaisin"))
        })
        .await;
    assert!(toggled);
    let m = fake.current(p.user.id, m.message_id).expect("edited");
    let m = p.taps(&m, "Valmis").await;
    let m = p.taps(&m, "Kyllä, saa nähdä").await;
    let m = p.taps(&m, "Ohita").await;
    let m = p.taps(&m, "Vahvista").await;
    assert!(m.text.contains("on tallennettu"), "{}", m.text);
    // Telegram's own error texts can quote what was sent and to whom: they stay out of the log
    // (above debug), whether a poll or a reply fails.
    let quoted = "Bad Request: message to Maija Meikäläinen (@maija_meikalainen): Erosimme";
    fake.fail_next("getUpdates", 400, quoted, 1);
    let before = fake.received("sendMessage");
    fake.fail_next("sendMessage", 400, quoted, 1);
    fake.send_text(&p.user, "Erosimme keväällä, lapset asuvat vuoroviikoin");
    let tried = fake
        .wait_until(WAIT, |f| f.received("sendMessage") > before)
        .await;
    assert!(tried, "the reply was tried and refused");
    let m = p.says("/forget").await;
    let m = p.taps(&m, "Kyllä, poista kaikki").await;
    assert!(!m.text.is_empty());
    assert!(bot.terminate().await.success());

    let log = std::fs::read_to_string(data.with_extension("log")).expect("the log");
    assert!(log.contains("polling as @"), "the log is there:\n{log}");
    for needle in [
        ID.to_string().as_str(),
        "Maija",
        "Meikäläinen",
        "maija_meikalainen",
        "5 vuotta",
        "Erosimme",
        "vuoroviikoin",
    ] {
        assert!(!log.contains(needle), "the log holds {needle:?}:\n{log}");
    }
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

#[test]
fn run_without_a_key_fails_at_start_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let run = |key_file: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kokoon"));
        cmd.args(["--config", "config/kokoon.toml", "run", "--data"])
            .arg(&data)
            .args(["--api-url", "http://127.0.0.1:9"])
            .env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
            .env_remove("KOKOON_KEY")
            .env_remove("KOKOON_KEY_FILE")
            .stdin(Stdio::null());
        if let Some(k) = key_file {
            cmd.arg("--key-file").arg(k);
        }
        let out = cmd.output().expect("kokoon runs");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = run(None);
    assert!(err.contains("no encryption key"), "{err}");
    assert!(err.contains("kokoon keygen"), "{err}");
    assert!(!data.exists(), "nothing was created without a key");

    // keygen writes a key once and refuses to overwrite it.
    let key = dir.path().join("kokoon.key");
    let keygen = || {
        Command::new(env!("CARGO_BIN_EXE_kokoon"))
            .args(["keygen", "--out"])
            .arg(&key)
            .output()
            .expect("kokoon runs")
    };
    assert!(keygen().status.success());
    let first = std::fs::read_to_string(&key).expect("key");
    let again = keygen();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&key).expect("key"), first);

    // A key file inside the data directory is refused.
    std::fs::create_dir_all(&data).expect("mkdir");
    let inside = data.join("kokoon.key");
    std::fs::copy(&key, &inside).expect("copy");
    let err = run(Some(&inside));
    assert!(err.contains("inside the data directory"), "{err}");
}

/// Webhook mode: a delivery without Telegram's secret header is refused (401), one with another
/// secret too (403), and neither changes anything; a delivery with the secret is answered 200
/// only once it is on disk (a SIGKILL right after the 200 loses nothing); the secret never
/// reaches the log; and going back to polling deletes the webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_takes_only_telegrams_deliveries_and_answers_once_they_are_durable() {
    const SECRET: &str = "kokoon-test_webhook-secret-0123456789";
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let secret_file = dir.path().join("webhook-secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).expect("secret");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/telegram/updates");
    let listen = format!("127.0.0.1:{port}");
    let args = [
        "--webhook",
        url.as_str(),
        "--listen",
        listen.as_str(),
        "--webhook-secret-file",
        secret_file.to_str().expect("utf-8 path"),
    ];
    let bot = Kokoon::spawn(Mode::Webhook, &fake, &data, "off", &args).await;
    assert_eq!(fake.webhook_url().as_deref(), Some(url.as_str()));
    assert_eq!(fake.get_updates_calls(), 0, "a webhook bot does not poll");

    let update = |id: i64, user: i64| {
        serde_json::json!({
            "update_id": id,
            "message": {
                "message_id": 1, "date": 1_700_000_000,
                "chat": {"id": user, "type": "private", "first_name": "Maija"},
                "from": {"id": user, "is_bot": false, "first_name": "Maija", "language_code": "fi"},
                "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
            }
        })
        .to_string()
    };
    // Telegram knows both chats; only the bot's listener is talked to directly.
    fake.add_private_chat(&FakeUser::new(5301, "Maija", "fi"));
    fake.add_private_chat(&FakeUser::new(5302, "Maija", "fi"));
    let client = reqwest::Client::new();
    let post = |body: String, secret: Option<&str>| {
        let mut r = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = secret {
            r = r.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        r.send()
    };
    let status = post(update(90_001, 5301), None)
        .await
        .expect("answer")
        .status();
    assert_eq!(status.as_u16(), 401, "no secret");
    let status = post(update(90_001, 5301), Some("not-the-secret"))
        .await
        .expect("answer")
        .status();
    assert_eq!(status.as_u16(), 403, "a wrong secret");
    let status = post(update(90_002, 5302), Some(SECRET))
        .await
        .expect("answer")
        .status();
    assert_eq!(status.as_u16(), 200, "the secret");
    // Killed the moment the 200 came: the update is on disk all the same.
    bot.kill();
    {
        let store = Store::open(&data, 1 << 20, &crate::chat::test_key()).expect("reopens");
        assert!(
            store.seen_update(90_002).expect("read"),
            "answered 200 means stored"
        );
        assert!(
            !store.seen_update(90_001).expect("read"),
            "a refused delivery did nothing"
        );
        assert_ne!(
            store.user(UserId(5302)).expect("user"),
            kokoon::store::UserRecord::default(),
            "the parent's conversation began"
        );
        assert_eq!(
            store.user(UserId(5301)).expect("user"),
            kokoon::store::UserRecord::default(),
            "nothing of the refused sender"
        );
    }
    let log = std::fs::read_to_string(data.with_extension("log")).expect("the log");
    assert!(!log.contains(SECRET), "the secret is in the log:\n{log}");
    assert!(log.contains("wrong secret"), "{log}");

    // Back to polling: the webhook is deleted, and the reply the kill kept is sent.
    let bot = Kokoon::start_in(Mode::Polling, &fake, &data).await;
    assert_eq!(fake.webhook_url(), None);
    let replied = fake
        .wait_until(WAIT, |f| !f.messages_to(5302).is_empty())
        .await;
    assert!(replied, "no reply; log:\n{}", bot.log_text());
    let sent = fake.messages_to(5302);
    assert!(sent[0].text.contains("Mistä ryhmästä"), "{}", sent[0].text);
    assert!(fake.messages_to(5301).is_empty());
    let _ = bot.terminate().await;
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}
