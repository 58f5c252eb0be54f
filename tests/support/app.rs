//! kokoon in process: the library's real Telegram adapter and outbox sender
//! ([`kokoon::telegram::run_counted`]) against the fake Bot API server on 127.0.0.1, on a
//! temporary store and a manual clock. For stories that span days: the test moves the clock and
//! [`TestApp::settle`] waits until everything that became due has been delivered — by waiting
//! on the conditions themselves (the fake server's queue, the sender's rounds, the outbox),
//! never by sleeping. What each person received is kept as a plain-text transcript
//! ([`TestApp::transcript`]), with what they typed and pressed between the bot's messages.
//!
//! The real binary ([`crate::telegram::Kokoon`]) is still what the SIGKILL, SIGTERM and crash
//! tests start: they test the process, not the library.
#![allow(dead_code)]

use crate::fake_telegram::{FakeTelegram, FakeUser, SentMessage};
use chrono::{DateTime, Duration, Utc};
use kokoon::app::App;
use kokoon::clock::{Clock, ManualClock};
use kokoon::config::Config;
use kokoon::i18n::I18n;
use kokoon::sender::Rounds;
use kokoon::store::{Key, Store};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// How long any one condition may take before the test fails with what it saw. Generous: on a
/// busy 2-core machine a round can take a second; a passing test never waits this long.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The key of the in-process stores.
const KEY_HEX: &str = "6b6f6b6f6f6e2074657374206b65792c206e6f7420666f722070726f64756374";

/// The longest step [`TestApp::advance_to`] takes: the sender runs at least once a minute in
/// production, so launch expiry and the daily jobs are seen within this much of their time.
const STEP: Duration = Duration::minutes(10);

/// The example config, as shipped (quiet hours and all: the clock is ours).
#[must_use]
pub fn example_config() -> Config {
    Config::parse(
        "config/kokoon.toml",
        include_str!("../../config/kokoon.toml"),
    )
    .expect("the example config is valid")
}

/// A UTC time from a Helsinki wall-clock time `"2026-11-23 12:00"`.
#[must_use]
pub fn helsinki(s: &str) -> DateTime<Utc> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time");
    kokoon::domain::when::TZ
        .from_local_datetime(&naive)
        .single()
        .expect("an unambiguous Helsinki time")
        .with_timezone(&Utc)
}

/// One person's chat as text: their inputs (`> …`) and what the bot sent, in order.
#[derive(Default)]
struct Transcript {
    lines: Vec<String>,
    /// How many of the fake server's messages to this chat are already in `lines`.
    seen: usize,
    /// The last time stamp written, so one is written only when the clock has moved.
    stamp: String,
    /// The person has just done something: what comes next answers it.
    asked: bool,
    /// Messages that came without the person doing anything just before (alerts,
    /// invitations, reminders…): what a lock screen shows unasked.
    unasked: Vec<SentMessage>,
}

/// kokoon running in this process against the fake Bot API server.
pub struct TestApp {
    /// The app: its store, config, clock.
    pub app: App,
    /// The clock the test moves.
    pub clock: Arc<ManualClock>,
    /// The fake Bot API server.
    pub fake: FakeTelegram,
    rounds: tokio::sync::watch::Receiver<Rounds>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    transcripts: Mutex<BTreeMap<i64, Transcript>>,
    /// Unguessable link tokens seen so far, named in order of appearance, so transcripts
    /// compare across runs.
    tokens: Mutex<Vec<String>>,
    _dir: tempfile::TempDir,
}

/// Starts kokoon in process with the example config at 2026-11-23 12:00 Helsinki time.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(example_config(), helsinki("2026-11-23 12:00")).await
}

/// Starts kokoon in process with `config`, its clock at `start`; returns once it polls.
pub async fn spawn_app_with(config: Config, start: DateTime<Utc>) -> TestApp {
    spawn(config, start, "off").await
}

/// Starts kokoon in process with its rate limiter set as `KOKOON_RATE_LIMIT` would
/// (`"300/10"`: 300 a second overall, 10 per chat).
pub async fn spawn_app_limited(limits: &str) -> TestApp {
    spawn(example_config(), helsinki("2026-11-23 12:00"), limits).await
}

async fn spawn(config: Config, start: DateTime<Utc>, limits: &str) -> TestApp {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Arc::new(config);
    let key = Key::from_hex(KEY_HEX, "the test key").expect("a valid key");
    let store = Store::open_with(dir.path(), 1 << 20, &key, config.clone()).expect("store opens");
    let clock = Arc::new(ManualClock::new(start));
    let app = App {
        config: config.into(),
        store,
        i18n: Arc::new(I18n::new().expect("locales load")),
        clock: clock.clone(),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    };
    // As `kokoon run` does before it polls.
    kokoon::app::sync_config_events(&app)
        .await
        .expect("config events");
    let bot = teloxide::Bot::new(FakeTelegram::TOKEN)
        .set_api_url(fake.api_url().parse().expect("the fake's URL"));
    let limits = kokoon::telegram::Limits::parse(limits).expect("limits");
    let (rounds_tx, rounds) = tokio::sync::watch::channel(Rounds::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let polls_before = fake.get_updates_calls();
    let task = tokio::spawn({
        let app = app.clone();
        async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) =
                kokoon::telegram::run_counted(app, bot, limits, shutdown, rounds_tx).await
            {
                panic!("kokoon did not start: {e}");
            }
        }
    });
    let polling = fake
        .wait_until(WAIT, |f| f.get_updates_calls() > polls_before)
        .await;
    assert!(polling, "kokoon did not start polling");
    let t = TestApp {
        app,
        clock,
        fake,
        rounds,
        stop: Some(stop),
        task: Some(task),
        transcripts: Mutex::new(BTreeMap::new()),
        tokens: Mutex::new(Vec::new()),
        _dir: dir,
    };
    t.settle().await;
    t
}

impl TestApp {
    /// Now, by the app's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Stores a public event, as a coordinator's `/newevent` would make it, starting `days`
    /// after now and lasting two hours, organised by the all-groups coordinator, with
    /// `attendees` signed up already; returns its id. (The one place the tests spell out an
    /// [`kokoon::domain::Event`].)
    pub async fn add_public_event(
        &self,
        title: kokoon::domain::EventText,
        days: i64,
        capacity: Option<u32>,
        attendees: Vec<kokoon::domain::UserId>,
    ) -> u64 {
        let start = self.now() + Duration::days(days);
        let event = kokoon::domain::Event {
            id: 0,
            title,
            description: None,
            group: None,
            start,
            end: start + Duration::hours(2),
            place: "Pikku-Veturi".into(),
            capacity,
            organiser: kokoon::domain::UserId(100_000_002),
            cancelled: false,
            version: 1,
            attendees,
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
        let before: Vec<u64> = self
            .app
            .store
            .events()
            .expect("store")
            .iter()
            .map(|e| e.id)
            .collect();
        self.app
            .store
            .apply_event_effects(&[kokoon::flow::Effect::CreateEvent(event)], self.now())
            .await
            .expect("the event is stored");
        self.app.outbox_wake.notify_one();
        let after = self.app.store.events().expect("store");
        after
            .iter()
            .map(|e| e.id)
            .find(|id| !before.contains(id))
            .expect("a new event")
    }

    /// A person with a private chat with the bot, whose Telegram is in `lang` ("" = none).
    #[must_use]
    pub fn user(&self, id: i64, first_name: &str, lang: &str) -> User<'_> {
        self.transcripts
            .lock()
            .expect("lock")
            .entry(id)
            .or_default();
        User {
            t: self,
            user: FakeUser::new(id, first_name, lang),
        }
    }

    /// Waits until kokoon is idle: every update handled, its replies sent and confirmed; a
    /// round of the outbox sender begun after that has finished (launches moved on, daily jobs
    /// done); and nothing in the outbox is due by the clock. Then the transcripts catch up.
    pub async fn settle(&self) {
        for _ in 0..1000 {
            let handled = self
                .fake
                .wait_until(WAIT, |f| f.pending_updates() == 0)
                .await;
            assert!(
                handled,
                "kokoon did not handle {} updates in {WAIT:?}; sent: {:#?}",
                self.fake.pending_updates(),
                self.fake.sent()
            );
            let began = self.rounds.borrow().began;
            self.app.outbox_wake.notify_one();
            let mut rounds = self.rounds.clone();
            let round = tokio::time::timeout(WAIT, rounds.wait_for(|r| r.finished > began)).await;
            assert!(
                matches!(round, Ok(Ok(_))),
                "the outbox sender did not finish a round in {WAIT:?}"
            );
            let now = self.now();
            let due = self.app.store.next_due().expect("the store works");
            if self.fake.pending_updates() == 0 && due.is_none_or(|t| t > now) {
                self.catch_up();
                return;
            }
        }
        panic!("kokoon never became idle: the outbox keeps something due");
    }

    /// Moves the clock to `t` (Helsinki time `"2026-11-24 08:00"` via [`helsinki`]), in steps
    /// of at most ten minutes and exactly to every queued message's time, settling after each
    /// step: what falls due on the way goes at its own time, as it would in production.
    pub async fn advance_to(&self, t: DateTime<Utc>) {
        self.settle().await;
        while self.now() < t {
            let now = self.now();
            let mut next = (now + STEP).min(t);
            if let Some(due) = self.app.store.next_due().expect("the store works") {
                if due > now && due < next {
                    next = due;
                }
            }
            self.clock.set(next);
            self.settle().await;
        }
    }

    /// [`Self::advance_to`] `now + d`.
    pub async fn advance(&self, d: Duration) {
        self.advance_to(self.now() + d).await;
    }

    /// Brings every transcript up to date with what the fake server received.
    fn catch_up(&self) {
        let stamp = stamp(self.now());
        let mut all = self.transcripts.lock().expect("lock");
        for (&chat, t) in all.iter_mut() {
            let messages = self.fake.messages_to(chat);
            for m in messages.iter().skip(t.seen) {
                if t.stamp != stamp {
                    t.lines.push(format!("[{stamp}]"));
                    t.stamp.clone_from(&stamp);
                }
                t.lines.push(self.render(m));
                if !t.asked && m.method.starts_with("send") {
                    t.unasked.push(m.clone());
                }
            }
            t.seen = messages.len();
            t.asked = false;
        }
    }

    /// Notes in `chat`'s transcript what its person did.
    fn note(&self, chat: i64, what: &str) {
        self.catch_up();
        let stamp = stamp(self.now());
        let mut all = self.transcripts.lock().expect("lock");
        let t = all.entry(chat).or_default();
        if t.stamp != stamp {
            t.lines.push(format!("[{stamp}]"));
            t.stamp.clone_from(&stamp);
        }
        t.lines.push(format!("> {}", self.normalise(what)));
        t.asked = true;
    }

    /// One message as its reader sees it: the text, then the buttons row by row.
    fn render(&self, m: &SentMessage) -> String {
        let mut out = match m.method.as_str() {
            "sendMessage" => String::new(),
            "editMessageText" | "editMessageCaption" | "editMessageReplyMarkup" => {
                format!("(edits message {}) ", m.message_id)
            }
            other => format!(
                "({other}{}) ",
                m.file_name
                    .as_ref()
                    .map_or(String::new(), |f| format!(" {f}"))
            ),
        };
        out.push_str(&self.normalise(&m.text));
        for row in &m.buttons {
            let labels: Vec<String> = row.iter().map(|(l, _)| format!("[{l}]")).collect();
            out.push('\n');
            out.push_str(&labels.join(" "));
        }
        out
    }

    /// Replaces unguessable link tokens (`start=event-` and 22 random characters) by
    /// `<token N>`, numbered in order of appearance.
    fn normalise(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("start=") {
            let (head, tail) = rest.split_at(i + "start=".len());
            out.push_str(head);
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(tail.len());
            let payload = &tail[..end];
            // A group's, a source's or a public event's link is kept as it is; a launch's
            // meeting link is `event-` and 22 characters of base64url (`event::token_from`).
            let random = payload
                .strip_prefix("event-")
                .is_some_and(|t| t.len() == 22 && !t.bytes().all(|b| b.is_ascii_digit()));
            if random {
                let mut tokens = self.tokens.lock().expect("lock");
                let n = match tokens.iter().position(|t| t == payload) {
                    Some(n) => n + 1,
                    None => {
                        tokens.push(payload.to_owned());
                        tokens.len()
                    }
                };
                out.push_str(&format!("<token {n}>"));
            } else {
                out.push_str(payload);
            }
            rest = &tail[end..];
        }
        out.push_str(rest);
        out
    }

    /// Everything `chat` received and did, as text.
    #[must_use]
    pub fn transcript(&self, chat: i64) -> String {
        self.catch_up();
        let all = self.transcripts.lock().expect("lock");
        let mut text = all
            .get(&chat)
            .map(|t| t.lines.join("\n"))
            .unwrap_or_default();
        text.push('\n');
        text
    }

    /// The messages `chat` got without having just written or pressed anything, in order.
    #[must_use]
    pub fn unasked(&self, chat: i64) -> Vec<SentMessage> {
        self.catch_up();
        let all = self.transcripts.lock().expect("lock");
        all.get(&chat)
            .map(|t| t.unasked.clone())
            .unwrap_or_default()
    }

    /// Every message the bot sent to `chat` (sends and edits), in order.
    #[must_use]
    pub fn messages_to(&self, chat: i64) -> Vec<SentMessage> {
        self.fake.messages_to(chat)
    }

    /// Stops kokoon and waits for it to finish what it had in hand.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("kokoon's task");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A time stamp for transcripts: the Helsinki weekday, date and time.
fn stamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&kokoon::domain::when::TZ)
        .format("%a %Y-%m-%d %H:%M")
        .to_string()
}

/// One person talking to the in-process kokoon.
pub struct User<'a> {
    t: &'a TestApp,
    /// Who they are to Telegram.
    pub user: FakeUser,
}

impl User<'_> {
    /// The id of their chat with the bot.
    #[must_use]
    pub fn id(&self) -> i64 {
        self.user.id
    }

    /// They write `text`; returns what the bot sent their chat in answer (sends and edits).
    pub async fn says(&self, text: &str) -> Vec<SentMessage> {
        let before = self.t.fake.messages_to(self.user.id).len();
        self.t.note(self.user.id, text);
        self.t.fake.send_text(&self.user, text);
        self.t.settle().await;
        self.after(before)
    }

    /// They press the button labelled `label` (see [`Self::button`]) on the latest message that
    /// shows it;
    /// returns what the bot sent their chat in answer.
    pub async fn taps(&self, label: &str) -> Vec<SentMessage> {
        let (message, data, shown) = self.button(label).unwrap_or_else(|| {
            panic!(
                "{}: no button {label:?} in their chat:\n{}",
                self.user.id,
                self.t.transcript(self.user.id)
            )
        });
        self.presses(message, &data, &format!("[{shown}]")).await
    }

    /// They press a button with forged callback `data` on their latest message from the bot
    /// (as a modified client could); returns what the bot sent their chat in answer.
    pub async fn presses_forged(&self, data: &str) -> Vec<SentMessage> {
        let last = self
            .t
            .fake
            .messages_to(self.user.id)
            .last()
            .map_or(0, |m| m.message_id);
        let before = self.t.fake.messages_to(self.user.id).len();
        self.t
            .note(self.user.id, &format!("[forged button: {data}]"));
        self.t.fake.press_button_unchecked(&self.user, last, data);
        self.t.settle().await;
        self.after(before)
    }

    async fn presses(&self, message: i64, data: &str, shown: &str) -> Vec<SentMessage> {
        let before = self.t.fake.messages_to(self.user.id).len();
        self.t.note(self.user.id, shown);
        self.t.fake.press_button(&self.user, message, data);
        self.t.settle().await;
        self.after(before)
    }

    /// The latest message (after edits) with a button labelled `label` (or, failing that, one
    /// whose label starts with `label`): its id, the button's data and its whole label.
    #[must_use]
    pub fn button(&self, label: &str) -> Option<(i64, String, String)> {
        self.button_where(|l| l == label)
            .or_else(|| self.button_where(|l| l.starts_with(label)))
    }

    /// They press `label` on the latest message whose text contains `on` (one card of a
    /// list); returns what the bot sent their chat in answer.
    pub async fn taps_on(&self, on: &str, label: &str) -> Vec<SentMessage> {
        let found = self.button_in(|text| text.contains(on), |l| l == label);
        let (message, data, shown) = found.unwrap_or_else(|| {
            panic!(
                "{}: no message with {on:?} and a button {label:?}:\n{}",
                self.user.id,
                self.t.transcript(self.user.id)
            )
        });
        self.presses(message, &data, &format!("[{shown}]")).await
    }

    fn button_where(&self, matches: impl Fn(&str) -> bool) -> Option<(i64, String, String)> {
        self.button_in(|_| true, matches)
    }

    /// The latest message whose text passes `text` with a button whose label passes `label`.
    fn button_in(
        &self,
        text: impl Fn(&str) -> bool,
        matches: impl Fn(&str) -> bool,
    ) -> Option<(i64, String, String)> {
        let all = self.t.fake.messages_to(self.user.id);
        let mut ids: Vec<i64> = all.iter().map(|m| m.message_id).collect();
        ids.dedup();
        ids.sort_unstable();
        ids.dedup();
        ids.iter().rev().find_map(|&id| {
            let current = self.t.fake.current(self.user.id, id)?;
            if !text(&current.text) {
                return None;
            }
            let mut buttons = current.buttons.iter().flatten();
            buttons
                .find(|(l, _)| matches(l))
                .map(|(l, d)| (id, d.clone(), l.clone()))
        })
    }

    /// Their whole transcript.
    #[must_use]
    pub fn transcript(&self) -> String {
        self.t.transcript(self.user.id)
    }

    /// Every message (sends and edits) the bot sent them.
    #[must_use]
    pub fn messages(&self) -> Vec<SentMessage> {
        self.t.fake.messages_to(self.user.id)
    }

    /// The text of everything the bot sent them since message `n` (sends and edits).
    fn after(&self, n: usize) -> Vec<SentMessage> {
        self.t
            .fake
            .messages_to(self.user.id)
            .into_iter()
            .skip(n)
            .collect()
    }
}

/// Texts of `messages`, joined: for `contains` checks.
#[must_use]
pub fn text_of(messages: &[SentMessage]) -> String {
    let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
    texts.join("\n---\n")
}
