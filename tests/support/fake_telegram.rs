//! A fake Telegram Bot API server for integration tests.
//!
//! It speaks the real HTTP protocol (`{api_url}/bot{token}/{method}`, JSON /
//! multipart / urlencoded / query parameters, `{"ok":..}` envelopes) and is as
//! strict as Telegram where bots usually go wrong: HTML parse mode, lengths in
//! UTF-16 units after parsing, inline keyboards, "message is not modified",
//! stale callback queries, unknown chats, flood limits, competing pollers.
//! Error texts are the real server's (telegram-bot-api `Client.cpp`, TDLib), so
//! teloxide maps them to the same `ApiError` variants as in production.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

/// Handle to a running fake Bot API server, so tests can drive a real bot
/// without the network. Clones share the server; it stops when the last is dropped.
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _guard: Arc<ShutdownGuard>,
}

/// A simulated Telegram user, so tests can speak to the bot as distinct people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    /// User id, which is also the id of the private chat with the bot.
    pub id: i64,
    /// The user's first name.
    pub first_name: String,
    /// Optional username (without `@`).
    pub username: Option<String>,
    /// Language the user's client reports, e.g. `"en"`.
    pub language_code: Option<String>,
}

impl FakeUser {
    /// A user without username whose client uses language `lang` ("" = none).
    pub fn new(id: i64, first_name: &str, lang: &str) -> Self {
        let language_code = (!lang.is_empty()).then(|| lang.to_string());
        let first_name = first_name.to_string();
        FakeUser {
            id,
            first_name,
            username: None,
            language_code,
        }
    }

    fn json(&self) -> Value {
        let mut u = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(name) = &self.username {
            u["username"] = json!(name);
        }
        if let Some(lang) = &self.language_code {
            u["language_code"] = json!(lang);
        }
        u
    }

    fn chat(&self) -> Value {
        let mut c = json!({"id": self.id, "type": "private", "first_name": self.first_name});
        if let Some(name) = &self.username {
            c["username"] = json!(name);
        }
        c
    }
}

/// A message or edit the server accepted from the bot: what tests assert on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// Canonical method name: `sendMessage`, `editMessageText`, ...
    pub method: String,
    /// Target chat.
    pub chat_id: i64,
    /// Id of the new or edited message.
    pub message_id: i64,
    /// Text (caption for media) after HTML parsing and trimming, as users see it.
    pub text: String,
    /// Text (caption) exactly as the bot sent it.
    pub html: String,
    /// Button rows of `(label, callback_data or url)`; reply-keyboard buttons have "".
    pub buttons: Vec<Vec<(String, String)>>,
    /// Name of the uploaded file, if it had one.
    pub file_name: Option<String>,
    /// Uploaded bytes (None when sent by file_id or URL).
    pub file_bytes: Option<Vec<u8>>,
}

impl SentMessage {
    /// Callback data (or URL) of the first button whose label contains `label_contains`.
    pub fn button(&self, label_contains: &str) -> Option<String> {
        let mut all = self.buttons.iter().flatten();
        all.find(|(l, _)| l.contains(label_contains))
            .map(|(_, d)| d.clone())
    }

    /// All button labels, rows flattened.
    pub fn labels(&self) -> Vec<String> {
        self.buttons
            .iter()
            .flatten()
            .map(|(l, _)| l.clone())
            .collect()
    }
}

/// A bot command list as `(command, description)` pairs (keeps signatures readable).
pub type Commands = Vec<(String, String)>;

/// A request answered with an error, kept so tests can prove the bot sent none.
#[derive(Clone, Debug)]
pub struct Rejection {
    /// Method name (canonical spelling when known).
    pub method: String,
    /// HTTP status and `error_code`.
    pub error_code: u16,
    /// The `description` sent back.
    pub description: String,
    /// Request parameters (uploads replaced by a summary).
    pub body: Value,
    /// True if the test provoked it (fail_next, block_user, set_limits).
    pub injected: bool,
}

/// Something the server saw, for benchmarks that time the bot from the outside
/// (see [`FakeTelegram::observe`]).
#[derive(Clone, Debug)]
pub enum Observed {
    /// A request arrived, before it was handled: its method (canonical spelling when known).
    Request(String),
    /// A message or edit was accepted (the same record [`FakeTelegram::sent`] keeps).
    Accepted(SentMessage),
    /// A request was answered with an error (the same record [`FakeTelegram::rejected`] keeps).
    Rejected(Rejection),
}

/// One [`Observed`] event and when it happened, on both clocks.
#[derive(Clone, Debug)]
pub struct Stamped {
    /// Monotonic time, for latencies measured against `Instant`s taken by the caller.
    pub at: Instant,
    /// Wall-clock time, for comparing with times the bot computed (reminders' due times).
    pub wall: SystemTime,
    /// What happened.
    pub what: Observed,
}

const METHODS: &str =
    "getMe getUpdates getWebhookInfo setWebhook deleteWebhook setMyCommands getMyCommands \
    deleteMyCommands sendMessage sendDocument sendPhoto sendChatAction answerCallbackQuery \
    editMessageText editMessageReplyMarkup deleteMessage";
const TOO_OLD: &str = "query is too old and response timeout expired or query ID is invalid";
const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply \
    markup are exactly the same as a current content and reply markup of the message";
const CONFLICT: &str = "Conflict: terminated by other getUpdates request; make sure that only \
    one bot instance is running";
const WEBHOOK_ACTIVE: &str = "Conflict: can't use getUpdates method while webhook is active; use \
    deleteWebhook to delete the webhook first";
/// After a delivery that got no 200, the same update is tried again this much later (Telegram
/// backs off further; a test does not want to wait).
const REDELIVERY: Duration = Duration::from_millis(100);
/// How long a delivery waits for the bot's answer before it counts as not answered.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);
const BUTTON_ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];
const HTML_TAGS: &str =
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote";

struct ShutdownGuard {
    shared: Arc<Shared>,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.updates.notify_waiters();
        if let Some(tx) = lock(&self.stop).take() {
            let _ = tx.send(());
        }
    }
}

struct Shared {
    state: Mutex<St>,
    /// Wakes long polls (new updates, newer poller, shutdown).
    updates: Notify,
    /// Wakes wait_for / wait_until on any change.
    changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, St> {
        lock(&self.state)
    }
}

/// Poison-proof locking: a panicking test thread can never wedge the server.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Chat {
    json: Value,
    last_id: i64,
    /// (sent by the bot, Message JSON)
    messages: Vec<(bool, Value)>,
}

/// A webhook as setWebhook gave it.
#[derive(Clone)]
struct Webhook {
    url: String,
    secret: Option<String>,
    max_connections: usize,
}

struct Failure {
    method: String,
    code: u16,
    description: String,
    remaining: usize,
}

/// Server time: scalable and advanceable, drives callback expiry and flood windows.
struct Clock {
    real: Instant,
    base: f64,
    scale: f64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            real: Instant::now(),
            base: 0.0,
            scale: 1.0,
        }
    }
}

#[derive(Default)]
struct St {
    last_update_id: i64,
    queue: VecDeque<Value>,
    confirmed_offset: i64,
    allowed_updates: Option<Vec<String>>,
    get_updates_calls: usize,
    poll_generation: u64,
    polls_in_flight: usize,
    chats: HashMap<i64, Chat>,
    seen_users: HashSet<i64>,
    sent: Vec<SentMessage>,
    deleted: Vec<(i64, i64)>,
    rejected: Vec<Rejection>,
    /// (scope key, language_code, commands)
    commands: Vec<(String, Option<String>, Commands)>,
    /// callback_query_id -> (issued at, answered)
    callbacks: HashMap<String, (f64, bool)>,
    answered_callbacks: usize,
    limits: (Option<u32>, Option<u32>),
    send_log: VecDeque<(f64, i64)>,
    clock: Clock,
    unix_start: i64,
    failures: Vec<Failure>,
    blocked: HashSet<i64>,
    delay: Duration,
    /// Per-method one-shot delays: (method, delay, remaining).
    method_delays: Vec<(String, Duration, usize)>,
    /// Connections to drop without an answer: (method, remaining, after processing).
    drops: Vec<(String, usize, bool)>,
    /// Requests received per method (counted on arrival, before any delay).
    received: HashMap<String, usize>,
    /// Chats whose sends and edits are held unanswered until released ([`FakeTelegram::hold_chat`]).
    held: HashSet<i64>,
    /// Chats to hold once this many more sends and edits to them have passed
    /// ([`FakeTelegram::hold_chat_after`]).
    hold_after: Vec<(i64, usize)>,
    /// Bumped by [`FakeTelegram::drop_held`]: a held request from an older epoch is dropped.
    hold_epochs: HashMap<i64, u64>,
    /// The chat of each send or edit read and waiting in a hold right now.
    waiting: Vec<i64>,
    /// Per-chat injected failures of sends and edits: (chat, code, description, remaining).
    chat_failures: Vec<(i64, u16, String, usize)>,
    files: u64,
    /// The webhook set by setWebhook; updates go to it instead of getUpdates.
    webhook: Option<Webhook>,
    /// The delivery task runs (started by the first setWebhook).
    delivering: bool,
    /// Updates being delivered (by id).
    in_flight: HashSet<i64>,
    /// Updates whose delivery failed: not tried again before this time.
    retry_at: HashMap<i64, Instant>,
    /// Every delivery's outcome, in order: (update id, HTTP status; 0 when no answer came).
    deliveries: Vec<(i64, u16)>,
    shutdown: bool,
    /// Receivers of [`Stamped`] events (benchmarks); empty in tests, so free there.
    observers: Vec<tokio::sync::mpsc::UnboundedSender<Stamped>>,
}

impl St {
    /// Hands `what` to every observer, stamped now; closed observers are dropped.
    fn observed(&mut self, what: impl FnOnce() -> Observed) {
        if self.observers.is_empty() {
            return;
        }
        let stamped = Stamped {
            at: Instant::now(),
            wall: SystemTime::now(),
            what: what(),
        };
        self.observers.retain(|o| o.send(stamped.clone()).is_ok());
    }

    fn now(&self) -> f64 {
        self.clock.base + self.clock.real.elapsed().as_secs_f64() * self.clock.scale
    }

    fn date(&self) -> i64 {
        self.unix_start + self.now() as i64
    }

    fn push_update(&mut self, mut update: Value) -> i64 {
        let id = update["update_id"]
            .as_i64()
            .unwrap_or(self.last_update_id + 1);
        update["update_id"] = json!(id);
        self.last_update_id = self.last_update_id.max(id);
        self.queue.push_back(update);
        id
    }

    /// Records an incoming user message in `chat` and returns its JSON.
    fn incoming(&mut self, user: &FakeUser, chat: Value, content: Value) -> Value {
        let date = self.date();
        self.seen_users.insert(user.id);
        let entry = self
            .chats
            .entry(chat["id"].as_i64().unwrap_or(0))
            .or_default();
        entry.json = chat.clone();
        entry.last_id += 1;
        let head =
            json!({"message_id": entry.last_id, "from": user.json(), "chat": chat, "date": date});
        let msg = merged(head, content);
        entry.messages.push((false, msg.clone()));
        msg
    }

    fn message(&self, chat_id: i64, message_id: i64) -> Option<&(bool, Value)> {
        let chat = self.chats.get(&chat_id)?;
        chat.messages
            .iter()
            .find(|(_, m)| m["message_id"] == message_id)
    }
}

fn merged(mut target: Value, extra: Value) -> Value {
    if let (Some(t), Value::Object(e)) = (target.as_object_mut(), extra) {
        t.extend(e);
    }
    target
}

fn group_chat(id: i64) -> Value {
    json!({"id": id, "type": "group", "title": format!("Test group {id}")})
}

fn bot_user() -> Value {
    json!({"id": FakeTelegram::BOT_ID, "is_bot": true, "first_name": "Kokoon Test",
           "username": FakeTelegram::BOT_USERNAME})
}

/// Message content for `text`, with the `bot_command` entity Telegram adds for `/cmd`.
fn text_content(text: &str) -> Value {
    let mut content = json!({"text": text});
    if text.starts_with('/') {
        let length = utf16_len(text.split(char::is_whitespace).next().unwrap_or(""));
        content["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
    }
    content
}

impl FakeTelegram {
    /// The only accepted token (give it to the bot); any other gets 401 `Unauthorized`.
    pub const TOKEN: &'static str = "123456:TEST-TOKEN";
    /// The bot's user id, reported by getMe and in `from` of its messages.
    pub const BOT_ID: u64 = 123456;
    /// The bot's username, reported by getMe (commands like `/start@kokoon_test_bot`).
    pub const BOT_USERNAME: &'static str = "kokoon_test_bot";

    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let st = St {
            unix_start: since_epoch.as_secs() as i64,
            ..St::default()
        };
        let (updates, changed) = (Notify::new(), Notify::new());
        let shared = Arc::new(Shared {
            state: Mutex::new(st),
            updates,
            changed,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone())
            .layer(DefaultBodyLimit::max(50 << 20));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async move { drop(rx.await) };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await;
        });
        let guard = ShutdownGuard {
            shared: shared.clone(),
            stop: Mutex::new(Some(tx)),
        };
        FakeTelegram {
            shared,
            addr,
            _guard: Arc::new(guard),
        }
    }

    /// Base URL for the bot (`TELOXIDE_API_URL` / `Bot::set_api_url`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<R>(&self, f: impl FnOnce(&mut St) -> R) -> R {
        let r = f(&mut self.shared.lock());
        self.shared.updates.notify_waiters();
        self.shared.changed.notify_waiters();
        r
    }

    fn read<R>(&self, f: impl FnOnce(&St) -> R) -> R {
        f(&self.shared.lock())
    }

    // ----- feeding updates; each returns the update_id used -----

    /// Queues an update as-is; an `update_id` it has is kept (tests may repeat one).
    pub fn push_raw_update(&self, update: Value) -> i64 {
        self.with(|st| {
            for kind in update.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(id) = kind.pointer("/from/id").and_then(Value::as_i64) {
                    st.seen_users.insert(id);
                }
                // Register chats, and give raw messages their ids as if really sent.
                for (i, msg) in [kind, &kind["message"]].into_iter().enumerate() {
                    let Some(chat_id) = msg["chat"]["id"].as_i64() else {
                        continue;
                    };
                    let chat = st.chats.entry(chat_id).or_default();
                    chat.json = msg["chat"].clone();
                    let Some(id) = msg["message_id"].as_i64() else {
                        continue;
                    };
                    chat.last_id = chat.last_id.max(id);
                    if !chat.messages.iter().any(|(_, m)| m["message_id"] == id) {
                        // A callback_query's message is always the bot's own.
                        let from_bot = i == 1 || msg["from"]["id"] == FakeTelegram::BOT_ID;
                        chat.messages.push((from_bot, msg.clone()));
                    }
                }
            }
            st.push_update(update)
        })
    }

    /// The user writes `text` in private; a leading `/cmd` gets a bot_command entity.
    pub fn send_text(&self, user: &FakeUser, text: &str) -> i64 {
        self.private_message(user, text_content(text))
    }

    /// The user sends a sticker: a non-text message the bot must cope with.
    pub fn send_sticker(&self, user: &FakeUser) -> i64 {
        let sticker = json!({"file_id": "sticker-file", "file_unique_id": "sticker-uniq",
            "type": "regular", "width": 512, "height": 512, "is_animated": false,
            "is_video": false, "emoji": "\u{1F44D}"});
        self.private_message(user, json!({"sticker": sticker}))
    }

    /// The user sends a photo without caption: a non-text message.
    pub fn send_photo(&self, user: &FakeUser) -> i64 {
        let size = |w: u32| {
            json!({"file_id": format!("user-photo-{w}"), "file_unique_id": format!("up{w}"),
                   "width": w, "height": w, "file_size": w * 50})
        };
        self.private_message(user, json!({"photo": [size(90), size(320)]}))
    }

    /// The user sends a private message whose JSON gets `content` merged in.
    pub fn private_message(&self, user: &FakeUser, content: Value) -> i64 {
        self.with(|st| {
            let msg = st.incoming(user, user.chat(), content);
            st.push_update(json!({"message": msg}))
        })
    }

    /// The user presses the button with callback `data` under the bot's message
    /// `message_id` in their private chat. Panics if no such button is shown.
    pub fn press_button(&self, user: &FakeUser, message_id: i64, data: &str) -> i64 {
        self.press(user, message_id, data, true)
    }

    /// Like [`Self::press_button`] but forges `data` without checking the buttons.
    pub fn press_button_unchecked(&self, user: &FakeUser, message_id: i64, data: &str) -> i64 {
        self.press(user, message_id, data, false)
    }

    fn press(&self, user: &FakeUser, message_id: i64, data: &str, check: bool) -> i64 {
        let Some((_, message)) = self.read(|st| st.message(user.id, message_id).cloned()) else {
            panic!("press_button: no message {message_id} in chat {}", user.id);
        };
        let buttons = buttons_of(&message["reply_markup"]);
        if check && !buttons.iter().flatten().any(|(_, d)| d == data) {
            panic!("press_button: message {message_id} has no button {data:?}: {buttons:?}");
        }
        self.with(|st| {
            let id = format!("{}{:06}", user.id.unsigned_abs(), st.callbacks.len() + 1);
            st.callbacks.insert(id.clone(), (st.now(), false));
            let query = json!({"id": id, "from": user.json(), "message": message,
                               "chat_instance": format!("ci{}", user.id), "data": data});
            st.push_update(json!({"callback_query": query}))
        })
    }

    /// A private chat with `user` that exists as if they had sent `/start` long ago (nothing is
    /// queued for the bot): the bot may message them. For benchmarks that need many recipients.
    pub fn add_private_chat(&self, user: &FakeUser) {
        self.with(|st| {
            st.seen_users.insert(user.id);
            st.chats.entry(user.id).or_default().json = user.chat();
        });
    }

    /// `by` adds the bot to a basic group: `my_chat_member` from "left" to "member".
    pub fn add_bot_to_group(&self, by: &FakeUser, group_chat_id: i64) -> i64 {
        self.with(|st| {
            let chat = group_chat(group_chat_id);
            st.chats.entry(group_chat_id).or_default().json = chat.clone();
            st.seen_users.insert(by.id);
            let member = |status: &str| json!({"user": bot_user(), "status": status});
            let update = json!({"chat": chat, "from": by.json(), "date": st.date(),
                "old_chat_member": member("left"), "new_chat_member": member("member")});
            st.push_update(json!({"my_chat_member": update}))
        })
    }

    /// The user writes `text` in a group (the bot is taken to be a member).
    pub fn send_group_text(&self, user: &FakeUser, group_chat_id: i64, text: &str) -> i64 {
        self.with(|st| {
            let msg = st.incoming(user, group_chat(group_chat_id), text_content(text));
            st.push_update(json!({"message": msg}))
        })
    }

    // ----- observing what the bot did -----

    /// Every request, accepted message and rejection from now on, stamped as it happens
    /// (monotonic and wall clock), in order. For benchmarks: a latency is the time from an
    /// `Instant` taken just before pushing an update (the push is synchronous, so the update is
    /// available to `getUpdates` from then) to the [`Observed::Accepted`] reply. Costs nothing
    /// while nobody observes.
    pub fn observe(&self) -> tokio::sync::mpsc::UnboundedReceiver<Stamped> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.with(|st| st.observers.push(tx));
        rx
    }

    /// Every accepted outgoing message and edit, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.read(|st| st.sent.clone())
    }

    /// Accepted messages and edits to `chat_id`, in order.
    pub fn messages_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.read(|st| {
            st.sent
                .iter()
                .filter(|m| m.chat_id == chat_id)
                .cloned()
                .collect()
        })
    }

    fn sends_to(&self, chat_id: i64) -> Vec<SentMessage> {
        let mut all = self.messages_to(chat_id);
        all.retain(|m| m.method.starts_with("send"));
        all
    }

    /// Latest state (after edits) of the bot's message `message_id` in `chat_id`.
    pub fn current(&self, chat_id: i64, message_id: i64) -> Option<SentMessage> {
        let all = self.messages_to(chat_id);
        all.into_iter().rev().find(|m| m.message_id == message_id)
    }

    /// Waits until at least `count` messages in total (sends, not edits) have gone
    /// to `chat_id` and returns them all; panics with a state dump on timeout.
    pub async fn wait_for(
        &self,
        chat_id: i64,
        count: usize,
        timeout: Duration,
    ) -> Vec<SentMessage> {
        if self
            .wait_until(timeout, |t| t.sends_to(chat_id).len() >= count)
            .await
        {
            return self.sends_to(chat_id);
        }
        let got = self.sends_to(chat_id);
        panic!(
            "wait_for: wanted {count} messages to chat {chat_id} within {timeout:?}, got {}: \
             {got:#?}\nall sent: {:#?}\nrejected: {:#?}\npending updates: {}, getUpdates calls: {}, \
             polls in flight: {}",
            got.len(),
            self.sent(),
            self.rejected(),
            self.pending_updates(),
            self.get_updates_calls(),
            self.polls_in_flight()
        );
    }

    /// Waits until `f` holds (checked on every change and every 20 ms); false on timeout.
    pub async fn wait_until(&self, timeout: Duration, f: impl Fn(&FakeTelegram) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if f(self) {
                return true;
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return false;
            }
            let tick = (now + Duration::from_millis(20)).min(deadline);
            let _ = tokio::time::timeout_at(tick, notified).await;
        }
    }

    /// Every request answered with an error, injected ones included; tests assert it is empty.
    pub fn rejected(&self) -> Vec<Rejection> {
        self.read(|st| st.rejected.clone())
    }

    /// Rejections the test did not provoke (invalid requests, i.e. bot bugs);
    /// what fault-injection tests assert is empty.
    pub fn invalid_requests(&self) -> Vec<Rejection> {
        let mut all = self.rejected();
        all.retain(|r| !r.injected);
        all
    }

    /// Last setMyCommands of the default scope per language_code (None first).
    pub fn commands(&self) -> Vec<(Option<String>, Commands)> {
        self.commands_in_scope("default")
    }

    /// Like [`Self::commands`] for scope type `scope`; chat scopes are `"chat:<id>"`.
    pub fn commands_in_scope(&self, scope: &str) -> Vec<(Option<String>, Commands)> {
        let mut v: Vec<_> = self.read(|st| {
            let of_scope = st.commands.iter().filter(|(s, _, _)| s == scope);
            of_scope.map(|(_, l, c)| (l.clone(), c.clone())).collect()
        });
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The id of the last update queued (0 before any).
    pub fn last_update_id(&self) -> i64 {
        self.read(|st| st.last_update_id)
    }

    /// Highest offset the bot has confirmed via getUpdates.
    pub fn confirmed_offset(&self) -> i64 {
        self.read(|st| st.confirmed_offset)
    }

    /// Updates not yet confirmed (delivered-but-unconfirmed included).
    pub fn pending_updates(&self) -> usize {
        self.read(|st| st.queue.len())
    }

    /// The webhook's URL, if one is set (setWebhook, and no deleteWebhook since).
    pub fn webhook_url(&self) -> Option<String> {
        self.read(|st| st.webhook.as_ref().map(|w| w.url.clone()))
    }

    /// Every webhook delivery so far: (update id, HTTP status the bot answered; 0 for none).
    pub fn deliveries(&self) -> Vec<(i64, u16)> {
        self.read(|st| st.deliveries.clone())
    }

    /// Successful answerCallbackQuery calls.
    pub fn answered_callbacks(&self) -> usize {
        self.read(|st| st.answered_callbacks)
    }

    /// getUpdates requests received.
    pub fn get_updates_calls(&self) -> usize {
        self.read(|st| st.get_updates_calls)
    }

    /// getUpdates requests held open right now; > 0 tells a test the bot is up and polling.
    pub fn polls_in_flight(&self) -> usize {
        self.read(|st| st.polls_in_flight)
    }

    /// `(chat_id, message_id)` of every message the bot deleted, for cleanup assertions.
    pub fn deleted(&self) -> Vec<(i64, i64)> {
        self.read(|st| st.deleted.clone())
    }

    // ----- behaviour knobs and fault injection -----

    /// Flood limits per sliding second (None = off, the default): sends and
    /// edits beyond them get 429 `Too Many Requests: retry after N`.
    pub fn set_limits(&self, per_chat_per_sec: Option<u32>, global_per_sec: Option<u32>) {
        self.with(|st| st.limits = (per_chat_per_sec, global_per_sec));
    }

    /// Makes server time (callback expiry, flood windows, dates) run `f` times as fast.
    pub fn set_clock_scale(&self, f: f64) {
        self.with(|st| {
            st.clock = Clock {
                real: Instant::now(),
                base: st.now(),
                scale: f.max(0.0),
            }
        });
    }

    /// Moves server time forward, e.g. to expire callback queries at once.
    pub fn advance_clock(&self, d: Duration) {
        self.with(|st| st.clock.base += d.as_secs_f64());
    }

    /// The next `count` calls of `method` (any case) fail with `code` and
    /// `description` ("... retry after N" with 429 also sets retry_after).
    /// Beware: teloxide sleeps 10 s after any 5xx response.
    pub fn fail_next(&self, method: &str, code: u16, description: &str, count: usize) {
        let (method, description) = (method.to_string(), description.to_string());
        self.with(|st| {
            st.failures.push(Failure {
                method,
                code,
                description,
                remaining: count,
            })
        });
    }

    /// The user blocks the bot: sends to `chat_id` get 403
    /// `Forbidden: bot was blocked by the user`.
    pub fn block_user(&self, chat_id: i64) {
        self.with(|st| st.blocked.insert(chat_id));
    }

    /// The user unblocks the bot again (undoes [`Self::block_user`]).
    pub fn unblock_user(&self, chat_id: i64) {
        self.with(|st| st.blocked.remove(&chat_id));
    }

    /// Delays every response by `d`, to test timeouts and a slow network.
    pub fn set_delay(&self, d: Duration) {
        self.with(|st| st.delay = d);
    }

    /// Delays the next `count` calls of `method` (any case) by `d` on top of [`Self::set_delay`]:
    /// a slow answer, or with `d` beyond the client's timeout, a timed-out request. A request
    /// whose client gives up while it waits is never processed (hyper drops it).
    pub fn delay_next(&self, method: &str, d: Duration, count: usize) {
        self.with(|st| st.method_delays.push((method.to_string(), d, count)));
    }

    /// The next `count` calls of `method` (any case) get no answer: the server closes the
    /// connection. With `after_processing` the request takes effect first (a message is sent,
    /// updates are confirmed) and only the answer is lost, as when a connection breaks on the
    /// way back; without it the request is dropped unread.
    pub fn drop_next(&self, method: &str, count: usize, after_processing: bool) {
        self.with(|st| st.drops.push((method.to_string(), count, after_processing)));
    }

    /// Sends and edits to `chat_id` are held without an answer (a slow chat: Telegram taking
    /// its time, or a connection hanging) until [`Self::release_chat`]; other chats flow.
    pub fn hold_chat(&self, chat_id: i64) {
        self.with(|st| st.held.insert(chat_id));
    }

    /// The next `count` sends and edits to `chat_id` fail with `code` and `description`
    /// (as [`Self::fail_next`], but for one chat: the others are answered as usual).
    pub fn fail_chat(&self, chat_id: i64, code: u16, description: &str, count: usize) {
        let description = description.to_string();
        self.with(|st| st.chat_failures.push((chat_id, code, description, count)));
    }

    /// The next `passing` sends and edits to `chat_id` are answered as usual; the ones after
    /// them are held as by [`Self::hold_chat`]: a reply of several messages that stops half-way.
    pub fn hold_chat_after(&self, chat_id: i64, passing: usize) {
        self.with(|st| st.hold_after.push((chat_id, passing)));
    }

    /// Sends and edits to `chat_id` read and held right now.
    pub fn held_requests(&self, chat_id: i64) -> usize {
        self.read(|st| st.waiting.iter().filter(|c| **c == chat_id).count())
    }

    /// Drops the requests held for `chat_id` unread (their connections close, as when the
    /// process that sent them was killed) and lets later ones through.
    pub fn drop_held(&self, chat_id: i64) {
        self.with(|st| {
            *st.hold_epochs.entry(chat_id).or_default() += 1;
            st.held.remove(&chat_id);
        });
    }

    /// Lets the requests held by [`Self::hold_chat`] through.
    pub fn release_chat(&self, chat_id: i64) {
        self.with(|st| st.held.remove(&chat_id));
    }

    /// Requests of `method` (canonical spelling) that have arrived, answered or not.
    pub fn received(&self, method: &str) -> usize {
        self.read(|st| st.received.get(method).copied().unwrap_or(0))
    }

    /// The user blocks the bot in Telegram: a `my_chat_member` update (member → kicked) is
    /// queued and from now on sends to them get 403, as with [`Self::block_user`].
    pub fn user_blocks_bot(&self, user: &FakeUser) -> i64 {
        self.member_update(user, "member", "kicked", true)
    }

    /// The user unblocks (restarts) the bot: `my_chat_member` kicked → member; sends work again.
    pub fn user_unblocks_bot(&self, user: &FakeUser) -> i64 {
        self.member_update(user, "kicked", "member", false)
    }

    fn member_update(&self, user: &FakeUser, old: &str, new: &str, block: bool) -> i64 {
        self.with(|st| {
            if block {
                st.blocked.insert(user.id);
            } else {
                st.blocked.remove(&user.id);
            }
            st.seen_users.insert(user.id);
            let chat = user.chat();
            st.chats.entry(user.id).or_default().json = chat.clone();
            let member = |status: &str| {
                let mut m = json!({"user": bot_user(), "status": status});
                if status == "kicked" {
                    m["until_date"] = json!(0);
                }
                m
            };
            let update = json!({"chat": chat, "from": user.json(), "date": st.date(),
                "old_chat_member": member(old), "new_chat_member": member(new)});
            st.push_update(json!({"my_chat_member": update}))
        })
    }
}

// ============================================================== HTTP layer

#[derive(Debug)]
struct ApiErr {
    code: u16,
    description: String,
    retry_after: Option<u64>,
    injected: bool,
}

type ApiResult = Result<Value, ApiErr>;

fn err(code: u16, description: impl Into<String>) -> ApiErr {
    ApiErr {
        code,
        description: description.into(),
        retry_after: None,
        injected: false,
    }
}

fn bad(tail: impl std::fmt::Display) -> ApiErr {
    err(400, format!("Bad Request: {tail}"))
}

fn reply(code: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Request parameters from query, JSON, urlencoded or multipart, plus uploads.
#[derive(Default)]
struct Params {
    map: Map<String, Value>,
    files: HashMap<String, (String, Vec<u8>)>,
}

impl Params {
    fn str(&self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.map.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A JSON-typed parameter: an object in JSON bodies, JSON text elsewhere.
    fn json(&self, key: &str) -> Result<Option<Value>, ()> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(drop),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    fn summary(&self) -> Value {
        let mut m = self.map.clone();
        for (name, (file, bytes)) in &self.files {
            m.insert(
                name.clone(),
                json!(format!("<file {file:?}, {} bytes>", bytes.len())),
            );
        }
        Value::Object(m)
    }
}

async fn read_params(req: Request) -> Result<Params, ApiErr> {
    let mut p = Params::default();
    let strings = |v: Vec<(String, String)>| v.into_iter().map(|(k, v)| (k, Value::String(v)));
    if let Ok(Query(q)) = Query::<Vec<(String, String)>>::try_from_uri(req.uri()) {
        p.map.extend(strings(q));
    }
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let ctype = ctype.unwrap_or("").to_string();
    let too_large = || err(413, "Request Entity Too Large");
    if ctype.starts_with("multipart/form-data") {
        let bad_multipart = || bad("can't parse multipart/form-data");
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|_| bad_multipart())?;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(_) => return Err(bad_multipart()),
            };
            let name = field.name().unwrap_or("").to_string();
            let file = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|_| too_large())?.to_vec();
            match (file, String::from_utf8(bytes.clone())) {
                (None, Ok(text)) => drop(p.map.insert(name, Value::String(text))),
                (file, _) => drop(p.files.insert(name, (file.unwrap_or_default(), bytes))),
            }
        }
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        let form = axum::Form::<Vec<(String, String)>>::from_request(req, &()).await;
        p.map
            .extend(strings(form.map_err(|_| bad("can't parse form"))?.0));
    } else {
        let body = axum::body::to_bytes(req.into_body(), 50 << 20)
            .await
            .map_err(|_| too_large())?;
        if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice(&body) {
                Ok(Value::Object(m)) => p.map.extend(m),
                _ => return Err(bad("can't parse JSON object")),
            }
        }
    }
    Ok(p)
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let Some((token, method)) = path.strip_prefix("/bot").and_then(|r| r.split_once('/')) else {
        return reply(
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found"}),
        );
    };
    if token != FakeTelegram::TOKEN {
        return reply(
            401,
            json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        );
    }
    let known = METHODS
        .split_whitespace()
        .find(|m| m.eq_ignore_ascii_case(method));
    let method = known.unwrap_or(method).to_string();
    let (delay, drop_mode) = {
        let mut st = shared.lock();
        *st.received.entry(method.clone()).or_default() += 1;
        st.observed(|| Observed::Request(method.clone()));
        let mut delay = st.delay;
        let one_shot = st
            .method_delays
            .iter_mut()
            .find(|(m, _, n)| *n > 0 && m.eq_ignore_ascii_case(&method));
        if let Some((_, d, n)) = one_shot {
            *n -= 1;
            delay += *d;
        }
        let drop_mode = st
            .drops
            .iter_mut()
            .find(|(m, n, _)| *n > 0 && m.eq_ignore_ascii_case(&method))
            .map(|(_, n, after)| {
                *n -= 1;
                *after
            });
        (delay, drop_mode)
    };
    shared.changed.notify_waiters();
    tokio::time::sleep(delay).await;
    if drop_mode == Some(false) {
        return dropped_connection();
    }
    let (result, body) = match read_params(req).await {
        Err(e) => (Err(e), Value::Null),
        Ok(p) => {
            if method.starts_with("send") || method.starts_with("edit") {
                if let Ok(chat) = chat_id(&p) {
                    let epoch = {
                        let mut st = shared.lock();
                        st.waiting.push(chat);
                        if let Some(i) = st.hold_after.iter().position(|(c, _)| *c == chat) {
                            if st.hold_after[i].1 == 0 {
                                st.hold_after.remove(i);
                                st.held.insert(chat);
                            } else {
                                st.hold_after[i].1 -= 1;
                            }
                        }
                        st.hold_epochs.get(&chat).copied().unwrap_or(0)
                    };
                    loop {
                        let released = shared.changed.notified();
                        tokio::pin!(released);
                        released.as_mut().enable();
                        {
                            let st = shared.lock();
                            if st.hold_epochs.get(&chat).copied().unwrap_or(0) != epoch {
                                drop(st);
                                let mut st = shared.lock();
                                if let Some(i) = st.waiting.iter().position(|c| *c == chat) {
                                    st.waiting.remove(i);
                                }
                                return dropped_connection();
                            }
                            if !st.held.contains(&chat) {
                                break;
                            }
                        }
                        released.await;
                    }
                    let mut st = shared.lock();
                    if let Some(i) = st.waiting.iter().position(|c| *c == chat) {
                        st.waiting.remove(i);
                    }
                }
            }
            let mut injected = injected_failure(&mut shared.lock(), &method);
            if injected.is_none() && (method.starts_with("send") || method.starts_with("edit")) {
                if let Ok(chat) = chat_id(&p) {
                    let mut st = shared.lock();
                    let hit = st
                        .chat_failures
                        .iter_mut()
                        .find(|(c, _, _, n)| *c == chat && *n > 0);
                    if let Some((_, code, description, n)) = hit {
                        *n -= 1;
                        injected = Some(ApiErr {
                            retry_after: None,
                            injected: true,
                            ..err(*code, description.clone())
                        });
                    }
                }
            }
            let result = match injected {
                Some(e) => Err(e),
                None if method == "getUpdates" => get_updates(&shared, &p).await,
                None if method == "setWebhook" => set_webhook(&shared, &p),
                None => dispatch(&mut shared.lock(), &method, &p),
            };
            (result, p.summary())
        }
    };
    let response = match result {
        Ok(v) => reply(200, json!({"ok": true, "result": v})),
        Err(e) => {
            let mut out = json!({"ok": false, "error_code": e.code, "description": e.description});
            if let Some(n) = e.retry_after {
                out["parameters"] = json!({"retry_after": n});
            }
            let (error_code, description, injected) = (e.code, e.description, e.injected);
            let rejection = Rejection {
                method,
                error_code,
                description,
                body,
                injected,
            };
            let mut st = shared.lock();
            st.observed(|| Observed::Rejected(rejection.clone()));
            st.rejected.push(rejection);
            drop(st);
            reply(error_code, out)
        }
    };
    shared.changed.notify_waiters();
    if drop_mode == Some(true) {
        return dropped_connection();
    }
    response
}

/// A response whose body fails at once: hyper closes the connection without a complete answer,
/// and the client sees a network error.
fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Vec<u8>, std::io::Error>(std::io::Error::other("connection dropped by the fake"))
    });
    Response::new(axum::body::Body::from_stream(failing))
}

fn injected_failure(st: &mut St, method: &str) -> Option<ApiErr> {
    let f = st
        .failures
        .iter_mut()
        .find(|f| f.remaining > 0 && f.method.eq_ignore_ascii_case(method))?;
    f.remaining -= 1;
    let retry = f
        .description
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok());
    let retry_after = (f.code == 429).then(|| retry.unwrap_or(1));
    Some(ApiErr {
        retry_after,
        injected: true,
        ..err(f.code, &f.description)
    })
}

fn dispatch(st: &mut St, method: &str, p: &Params) -> ApiResult {
    match method {
        "getMe" => Ok(merged(
            bot_user(),
            json!({"can_join_groups": true, "can_read_all_group_messages": false,
                   "supports_inline_queries": false, "can_connect_to_business": false,
                   "has_main_web_app": false}),
        )),
        "getWebhookInfo" => {
            let pending = st.queue.len();
            let url = st
                .webhook
                .as_ref()
                .map(|w| w.url.clone())
                .unwrap_or_default();
            Ok(
                json!({"url": url, "has_custom_certificate": false, "pending_update_count": pending}),
            )
        }
        "deleteWebhook" => {
            st.webhook = None;
            if p.str("drop_pending_updates").as_deref() == Some("true") {
                st.queue.clear();
            }
            Ok(json!(true))
        }
        "setMyCommands" => set_my_commands(st, p),
        "getMyCommands" | "deleteMyCommands" => {
            let key = command_key(p)?;
            let pos = st
                .commands
                .iter()
                .position(|(s, l, _)| (s, l) == (&key.0, &key.1));
            match pos {
                Some(i) if method == "deleteMyCommands" => drop(st.commands.remove(i)),
                None if method == "deleteMyCommands" => {}
                _ => {
                    let cmds = pos.map(|i| st.commands[i].2.clone()).unwrap_or_default();
                    let cmd = |(c, d): &(String, String)| json!({"command": c, "description": d});
                    return Ok(cmds.iter().map(cmd).collect());
                }
            }
            Ok(json!(true))
        }
        "sendMessage" | "sendDocument" | "sendPhoto" => send(st, method, p),
        "sendChatAction" => check_target(st, chat_id(p)?).map(|_| json!(true)),
        "answerCallbackQuery" => answer_callback(st, p),
        "editMessageText" | "editMessageReplyMarkup" => edit(st, method, p),
        "deleteMessage" => {
            let (chat_id, id) = (chat_id(p)?, p.int("message_id").unwrap_or(0));
            let chat = st
                .chats
                .get_mut(&chat_id)
                .ok_or_else(|| bad("chat not found"))?;
            let before = chat.messages.len();
            chat.messages.retain(|(_, m)| m["message_id"] != id);
            if chat.messages.len() == before {
                return Err(bad("message to delete not found"));
            }
            st.deleted.push((chat_id, id));
            Ok(json!(true))
        }
        _ => Err(err(404, "Not Found")),
    }
}

// ============================================================== getUpdates

struct PollGuard(Arc<Shared>);

impl Drop for PollGuard {
    fn drop(&mut self) {
        self.0.lock().polls_in_flight -= 1;
    }
}

/// Applies `offset` (confirming every update with a smaller id, or keeping only
/// the last -offset ones) and returns up to `limit` pending updates in push order.
fn take_updates(st: &mut St, offset: i64, limit: usize) -> Vec<Value> {
    if offset < 0 {
        let drop_n = st
            .queue
            .len()
            .saturating_sub(offset.unsigned_abs() as usize);
        st.queue.drain(..drop_n);
    } else if offset > 0 {
        st.queue
            .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
        st.confirmed_offset = st.confirmed_offset.max(offset);
    }
    // Kinds outside allowed_updates are never delivered; the default excludes these three.
    let allowed = st.allowed_updates.clone();
    st.queue.retain(|u| {
        let obj = u.as_object();
        let kind = obj
            .and_then(|o| o.keys().find(|k| *k != "update_id"))
            .cloned()
            .unwrap_or_default();
        match &allowed {
            Some(list) => list.contains(&kind),
            None => {
                !["chat_member", "message_reaction", "message_reaction_count"].contains(&&*kind)
            }
        }
    });
    st.queue.iter().take(limit).cloned().collect()
}

async fn get_updates(shared: &Arc<Shared>, p: &Params) -> ApiResult {
    let offset = p.int("offset").unwrap_or(0);
    let limit = p.int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = p.int("timeout").unwrap_or(0).clamp(0, 50) as u64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let generation = {
        let mut st = shared.lock();
        st.get_updates_calls += 1;
        st.poll_generation += 1;
        if let Ok(Some(list)) = p.json("allowed_updates") {
            let list = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            let list: Vec<String> = list.map(str::to_string).collect();
            st.allowed_updates = (!list.is_empty()).then_some(list);
        }
        st.polls_in_flight += 1;
        st.poll_generation
    };
    let _guard = PollGuard(shared.clone());
    shared.updates.notify_waiters(); // a newer getUpdates terminates a pending long poll
    loop {
        let notified = shared.updates.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut st = shared.lock();
            if st.webhook.is_some() {
                return Err(err(409, WEBHOOK_ACTIVE));
            }
            if st.poll_generation != generation {
                return Err(err(409, CONFLICT));
            }
            let updates = take_updates(&mut st, offset, limit);
            let expired = tokio::time::Instant::now() >= deadline;
            if !updates.is_empty() || expired || st.shutdown {
                return Ok(Value::Array(updates));
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

// ============================================================== webhook

/// setWebhook: an empty url removes the webhook; otherwise updates go to it from now on, by
/// POST with the secret in `X-Telegram-Bot-Api-Secret-Token`, until deleteWebhook.
fn set_webhook(shared: &Arc<Shared>, p: &Params) -> ApiResult {
    let url = p.str("url").unwrap_or_default();
    let mut st = shared.lock();
    if url.is_empty() {
        st.webhook = None;
        return Ok(json!(true));
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(bad(
            "bad webhook: An HTTPS URL must be provided for webhook",
        ));
    }
    let secret = p.str("secret_token").filter(|s| !s.is_empty());
    if let Some(s) = &secret {
        let ok = s.len() <= 256
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(bad("secret token contains unallowed characters"));
        }
    }
    if let Ok(Some(list)) = p.json("allowed_updates") {
        let list: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        st.allowed_updates = (!list.is_empty()).then_some(list);
    }
    let max_connections = p.int("max_connections").unwrap_or(40).clamp(1, 100) as usize;
    st.webhook = Some(Webhook {
        url,
        secret,
        max_connections,
    });
    st.retry_at.clear();
    if !st.delivering {
        st.delivering = true;
        tokio::spawn(deliver_loop(shared.clone()));
    }
    drop(st);
    shared.updates.notify_waiters();
    Ok(json!(true))
}

/// The chat an update belongs to: a chat's updates are delivered one at a time, in order.
fn chat_of(update: &Value) -> i64 {
    let kind = update
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| *k != "update_id").map(|(_, v)| v));
    let Some(kind) = kind else {
        return -update["update_id"].as_i64().unwrap_or(0);
    };
    [
        kind.pointer("/chat/id"),
        kind.pointer("/message/chat/id"),
        kind.pointer("/from/id"),
    ]
    .into_iter()
    .flatten()
    .find_map(Value::as_i64)
    .unwrap_or_else(|| -update["update_id"].as_i64().unwrap_or(0))
}

/// Delivers pending updates to the webhook as Telegram does: up to `max_connections` at once,
/// one chat's in order and one at a time; an update is done (gone from the queue) only when
/// the bot answers 200, and tried again after [`REDELIVERY`] when it answers anything else or
/// nothing.
async fn deliver_loop(shared: Arc<Shared>) {
    let client = match reqwest::Client::builder().timeout(DELIVERY_TIMEOUT).build() {
        Ok(c) => c,
        Err(_) => return,
    };
    loop {
        let notified = shared.updates.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let jobs = {
            let mut st = shared.lock();
            if st.shutdown {
                return;
            }
            match st.webhook.clone() {
                // Polling meanwhile: nothing to deliver.
                None => Vec::new(),
                Some(hook) => {
                    let pending = take_updates(&mut st, 0, usize::MAX);
                    let now = Instant::now();
                    let mut chats = HashSet::new();
                    let mut jobs = Vec::new();
                    let room = hook.max_connections.saturating_sub(st.in_flight.len());
                    for u in pending {
                        let id = u["update_id"].as_i64().unwrap_or(0);
                        // Only the first pending update of each chat may go.
                        if !chats.insert(chat_of(&u)) {
                            continue;
                        }
                        let later = st.retry_at.get(&id).is_some_and(|t| *t > now);
                        if st.in_flight.contains(&id) || later {
                            continue;
                        }
                        if jobs.len() >= room {
                            break;
                        }
                        jobs.push((id, u, hook.clone()));
                    }
                    for (id, _, _) in &jobs {
                        st.in_flight.insert(*id);
                    }
                    jobs
                }
            }
        };
        for (id, update, hook) in jobs {
            let (shared, client) = (shared.clone(), client.clone());
            tokio::spawn(async move {
                let mut request = client
                    .post(&hook.url)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(update.to_string());
                if let Some(secret) = &hook.secret {
                    request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
                }
                let status = match request.send().await {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                {
                    let mut st = shared.lock();
                    st.in_flight.remove(&id);
                    st.deliveries.push((id, status));
                    if status == 200 {
                        st.queue.retain(|u| u["update_id"].as_i64() != Some(id));
                        st.confirmed_offset = st.confirmed_offset.max(id + 1);
                        st.retry_at.remove(&id);
                    } else {
                        st.retry_at.insert(id, Instant::now() + REDELIVERY);
                    }
                }
                shared.updates.notify_waiters();
                shared.changed.notify_waiters();
            });
        }
        let _ = tokio::time::timeout(REDELIVERY / 2, notified).await;
    }
}

// ============================================================== validation

fn chat_id(p: &Params) -> Result<i64, ApiErr> {
    let raw = p
        .str("chat_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("chat_id is empty"))?;
    raw.trim().parse().map_err(|_| bad("chat not found"))
}

fn check_target(st: &St, chat_id: i64) -> Result<(), ApiErr> {
    if st.blocked.contains(&chat_id) {
        Err(ApiErr {
            injected: true,
            ..err(403, "Forbidden: bot was blocked by the user")
        })
    } else if st.chats.contains_key(&chat_id) {
        Ok(())
    } else if st.seen_users.contains(&chat_id) {
        Err(err(
            403,
            "Forbidden: bot can't initiate conversation with a user",
        ))
    } else {
        Err(bad("chat not found"))
    }
}

/// Sliding one-second flood windows per chat and globally; records the send if allowed.
fn check_rate(st: &mut St, chat_id: i64) -> Result<(), ApiErr> {
    let now = st.now();
    st.send_log.retain(|(t, _)| now - t < 1.0);
    let in_chat: Vec<f64> = st
        .send_log
        .iter()
        .filter(|(_, c)| *c == chat_id)
        .map(|(t, _)| *t)
        .collect();
    let all: Vec<f64> = st.send_log.iter().map(|(t, _)| *t).collect();
    for (limit, window) in [(st.limits.0, in_chat), (st.limits.1, all)] {
        if limit.is_some_and(|l| window.len() >= l as usize) {
            let oldest = window.first().copied().unwrap_or(now);
            let n = ((oldest + 1.0 - now).ceil() as u64).max(1);
            let e = err(429, format!("Too Many Requests: retry after {n}"));
            return Err(ApiErr {
                retry_after: Some(n),
                injected: true,
                ..e
            });
        }
    }
    st.send_log.push_back((now, chat_id));
    Ok(())
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Parses `raw` per parse_mode into (plain text, entities), trimmed like Telegram.
/// Markdown modes are taken as plain text (not validated by this fake).
fn format_text(raw: &str, p: &Params, entities_key: &str) -> Result<(String, Value), ApiErr> {
    let (text, entities) = match p
        .str("parse_mode")
        .unwrap_or_default()
        .to_lowercase()
        .as_str()
    {
        "html" => parse_html(raw).map_err(|tail| bad(format!("can't parse entities: {tail}")))?,
        _ => {
            let given = p
                .json(entities_key)
                .ok()
                .flatten()
                .and_then(|v| v.as_array().cloned());
            (raw.to_string(), given.unwrap_or_default())
        }
    };
    let trimmed = text.trim_start();
    let lead = utf16_len(&text[..text.len() - trimmed.len()]) as i64;
    let plain = trimmed.trim_end().to_string();
    let total = utf16_len(&plain) as i64;
    let shift = |mut e: Value| {
        let start = e["offset"].as_i64()? - lead;
        let end = (start + e["length"].as_i64()?).min(total);
        let start = start.max(0);
        e["offset"] = json!(start);
        e["length"] = json!(end - start);
        (end > start).then_some(e)
    };
    Ok((plain, entities.into_iter().filter_map(shift).collect()))
}

type Buttons = Vec<Vec<(String, String)>>;

/// Validates reply_markup; returns (inline keyboard stored on the message, button rows).
fn parse_markup(p: &Params, inline_only: bool) -> Result<(Option<Value>, Buttons), ApiErr> {
    let markup = match p.json("reply_markup") {
        Err(()) => return Err(bad("can't parse reply keyboard markup JSON object")),
        Ok(None) => return Ok((None, vec![])),
        Ok(Some(m)) => m,
    };
    let Some(obj) = markup.as_object() else {
        return Err(bad("object expected as reply markup"));
    };
    let Some(rows) = obj.get("inline_keyboard") else {
        if inline_only {
            return Err(bad("inline keyboard expected"));
        }
        let rows = obj
            .get("keyboard")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let label = |b: &Value| b.as_str().or(b["text"].as_str()).unwrap_or("").to_string();
        let row = |r: &Value| {
            r.as_array()
                .into_iter()
                .flatten()
                .map(|b| (label(b), String::new()))
                .collect()
        };
        return Ok((None, rows.iter().map(row).collect()));
    };
    let kb_err =
        || bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    let mut out_rows = vec![];
    for row in rows.as_array().ok_or_else(kb_err)? {
        let mut out = vec![];
        for b in row.as_array().ok_or_else(kb_err)? {
            let fail = |m: &str| bad(format!("can't parse inline keyboard button: {m}"));
            let b = b
                .as_object()
                .ok_or_else(|| fail("InlineKeyboardButton must be an Object"))?;
            let text = b.get("text").and_then(Value::as_str);
            let text = text.ok_or_else(|| fail("Field \"text\" must be of type String"))?;
            // Telegram silently drops such buttons; rejecting catches the bug.
            if text.is_empty() {
                return Err(fail("Inline keyboard button text must be non-empty"));
            }
            let set = |k: &&str| {
                b.get(*k)
                    .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
            };
            let action = BUTTON_ACTIONS.iter().copied().find(set);
            let action =
                action.ok_or_else(|| fail("Text buttons are unallowed in the inline keyboard"))?;
            let value = b[action].clone();
            if action == "callback_data" && value.as_str().is_none_or(|d| d.len() > 64) {
                return Err(bad("BUTTON_DATA_INVALID"));
            }
            let url = value.as_str().unwrap_or("");
            let schemes = ["http://", "https://", "tg://"];
            if action == "url" && (url.len() < 9 || !schemes.iter().any(|s| url.starts_with(s))) {
                return Err(bad("BUTTON_URL_INVALID"));
            }
            out.push(json!({"text": text, action: value}));
        }
        if !out.is_empty() {
            out_rows.push(Value::Array(out));
        }
    }
    if out_rows.is_empty() {
        return Ok((None, vec![]));
    }
    let markup = json!({"inline_keyboard": out_rows});
    Ok((Some(markup.clone()), buttons_of(&markup)))
}

fn buttons_of(markup: &Value) -> Buttons {
    let pair = |b: &Value| {
        let data = BUTTON_ACTIONS.iter().find_map(|k| b.get(*k));
        let data = data.map(|v| v.as_str().map_or(v.to_string(), str::to_string));
        (
            b["text"].as_str().unwrap_or("").to_string(),
            data.unwrap_or_default(),
        )
    };
    let rows = markup["inline_keyboard"].as_array().into_iter().flatten();
    rows.map(|r| r.as_array().into_iter().flatten().map(pair).collect())
        .collect()
}

// ============================================================== methods

fn command_key(p: &Params) -> Result<(String, Option<String>), ApiErr> {
    let scope = p
        .json("scope")
        .map_err(|_| bad("can't parse BotCommandScope JSON object"))?;
    let scope = scope.map_or("default".into(), |s| {
        let kind = s["type"].as_str().unwrap_or("default").to_string();
        match (s.get("chat_id"), s.get("user_id")) {
            (Some(c), Some(u)) => format!("{kind}:{c}:{u}"),
            (Some(c), None) => format!("{kind}:{c}"),
            _ => kind,
        }
    });
    let lang = p.str("language_code").filter(|l| !l.is_empty());
    if lang
        .as_ref()
        .is_some_and(|l| l.len() != 2 || !l.bytes().all(|c| c.is_ascii_lowercase()))
    {
        return Err(bad("invalid language code specified"));
    }
    Ok((scope, lang))
}

fn set_my_commands(st: &mut St, p: &Params) -> ApiResult {
    let key = command_key(p)?;
    let list = p
        .json("commands")
        .map_err(|_| bad("can't parse commands JSON object"))?;
    let list = list.unwrap_or(json!([]));
    let list = list
        .as_array()
        .ok_or_else(|| bad("expected an Array of BotCommand"))?;
    let mut cmds = vec![];
    for c in list {
        let field = |k: &str| {
            let v = c
                .get(k)
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string());
            v.ok_or_else(|| {
                bad(format!(
                    "can't parse BotCommand: Field \"{k}\" must be of type String"
                ))
            })
        };
        let (command, description) = (field("command")?, field("description")?);
        let command = command.strip_prefix('/').unwrap_or(&command).to_string();
        let valid = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
        match (command.chars().count(), description.chars().count()) {
            (0, _) => return Err(bad("command must be non-empty")),
            (33.., _) => return Err(bad("command length must not exceed 32")),
            _ if !command.bytes().all(valid) => return Err(bad("BOT_COMMAND_INVALID")),
            (_, 0) => return Err(bad("command description must be non-empty")),
            (_, 257..) => return Err(bad("command description length must not exceed 256")),
            _ => cmds.push((command, description)),
        }
    }
    if cmds.len() > 100 {
        return Err(bad("BOT_COMMANDS_TOO_MUCH"));
    }
    st.commands.retain(|(s, l, _)| (s, l) != (&key.0, &key.1));
    if !cmds.is_empty() {
        st.commands.push((key.0, key.1, cmds));
    }
    Ok(json!(true))
}

fn is_image(b: &[u8]) -> bool {
    let webp = b.len() > 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP";
    let magic: [&[u8]; 4] = [b"\x89PNG\r\n\x1a\n", b"\xFF\xD8\xFF", b"GIF8", b"BM"];
    webp || magic.iter().any(|m| b.starts_with(m))
}

/// Drops null, empty-string and empty-array fields, as Telegram omits them.
fn clean(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !(x.is_null() || x == &json!("") || x == &json!([])));
    }
    v
}

type File = (Option<String>, Option<Vec<u8>>);

fn record(st: &mut St, method: &str, msg: &Value, html: String, buttons: Buttons, file: File) {
    let text = msg
        .get("text")
        .or(msg.get("caption"))
        .and_then(Value::as_str);
    let sent = SentMessage {
        method: method.to_string(),
        chat_id: msg["chat"]["id"].as_i64().unwrap_or(0),
        message_id: msg["message_id"].as_i64().unwrap_or(0),
        text: text.unwrap_or("").to_string(),
        html,
        buttons,
        file_name: file.0,
        file_bytes: file.1,
    };
    st.observed(|| Observed::Accepted(sent.clone()));
    st.sent.push(sent);
}

fn send(st: &mut St, method: &str, p: &Params) -> ApiResult {
    let chat_id = chat_id(p)?;
    let media = [("sendDocument", "document"), ("sendPhoto", "photo")];
    let media = media.iter().find(|(m, _)| *m == method).map(|(_, f)| *f);
    // The file: an uploaded part (by its own name or "attach://<part>") or a file_id / URL.
    let mut file: File = (None, None);
    if let Some(field) = media {
        let value = p.str(field).unwrap_or_default();
        let part = value.strip_prefix("attach://").unwrap_or(field);
        let as_text = p
            .str(part)
            .filter(|_| part != field)
            .map(|s| (String::new(), s.into()));
        file = match p.files.get(part).cloned().or(as_text) {
            Some((name, bytes)) => ((!name.is_empty()).then_some(name), Some(bytes)),
            None if !value.is_empty() && part == field => (None, None),
            None => return Err(bad(format!("there is no {field} in the request"))),
        };
    }
    let (text_key, entities_key, max) = match media {
        Some(_) => ("caption", "caption_entities", 1024),
        None => ("text", "entities", 4096),
    };
    let raw = p.str(text_key).unwrap_or_default();
    if media.is_none() && raw.is_empty() {
        return Err(bad("message text is empty"));
    }
    let (plain, entities) = format_text(&raw, p, entities_key)?;
    let (markup, buttons) = parse_markup(p, false)?;
    check_target(st, chat_id)?;
    match (media, utf16_len(&plain)) {
        (None, 0) => return Err(bad("message text is empty")),
        (None, n) if n > max => return Err(bad("message is too long")),
        (Some(_), n) if n > max => return Err(bad("message caption is too long")),
        _ => {}
    }
    match &file.1 {
        Some(bytes) if bytes.is_empty() => return Err(bad("file must be non-empty")),
        Some(bytes) if media == Some("photo") && !is_image(bytes) => {
            return Err(bad("IMAGE_PROCESS_FAILED"))
        }
        _ => {}
    }
    check_rate(st, chat_id)?;
    st.files += 1;
    let (file_id, size) = (
        format!("file-{}", st.files),
        file.1.as_ref().map_or(4096, Vec::len),
    );
    let document = media.filter(|m| *m == "document").map(|_| {
        let document = json!({"file_id": file_id, "file_unique_id": format!("u{file_id}"),
                              "file_size": size, "file_name": file.0});
        clean(document)
    });
    let photo = media.filter(|m| *m == "photo").map(|_| {
        let size = |w: usize| {
            json!({"file_id": format!("{file_id}-{w}"), "file_unique_id": format!("u{file_id}-{w}"),
                   "width": w, "height": w * 3 / 4, "file_size": size * w / 800 + 1})
        };
        json!([size(90), size(320), size(800)])
    });
    let date = st.date();
    let chat = st
        .chats
        .get_mut(&chat_id)
        .ok_or_else(|| bad("chat not found"))?;
    chat.last_id += 1;
    let msg = clean(
        json!({"message_id": chat.last_id, "from": bot_user(), "chat": chat.json,
        "date": date, text_key: plain, entities_key: entities, "document": document,
        "photo": photo, "reply_markup": markup}),
    );
    chat.messages.push((true, msg.clone()));
    record(st, method, &msg, raw, buttons, file);
    Ok(msg)
}

fn answer_callback(st: &mut St, p: &Params) -> ApiResult {
    let id = p.str("callback_query_id").unwrap_or_default();
    let now = st.now();
    let valid = |(at, done): &&mut (f64, bool)| !*done && now - *at <= 15.0;
    let Some(entry) = st.callbacks.get_mut(&id).filter(valid) else {
        return Err(bad(TOO_OLD));
    };
    if p.str("text").is_some_and(|t| utf16_len(&t) > 200) {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    entry.1 = true;
    st.answered_callbacks += 1;
    Ok(json!(true))
}

fn edit(st: &mut St, method: &str, p: &Params) -> ApiResult {
    if p.str("chat_id").is_none() && p.str("inline_message_id").is_none() {
        return Err(bad("message identifier is not specified"));
    }
    let (chat_id, message_id) = (chat_id(p)?, p.int("message_id").unwrap_or(0));
    let is_text = method == "editMessageText";
    let raw = p.str("text").unwrap_or_default();
    let new_text = match is_text {
        true if raw.is_empty() => return Err(bad("message text is empty")),
        true => Some(format_text(&raw, p, "entities")?),
        false => None,
    };
    let (markup, buttons) = parse_markup(p, true)?;
    match new_text.as_ref().map(|(t, _)| utf16_len(t)) {
        Some(0) => return Err(bad("message text is empty")),
        Some(4097..) => return Err(bad("MESSAGE_TOO_LONG")),
        _ => {}
    }
    if !st.chats.contains_key(&chat_id) {
        return Err(bad("chat not found"));
    }
    let found = st.message(chat_id, message_id).cloned();
    let (from_bot, old) = found.ok_or_else(|| bad("message to edit not found"))?;
    if !from_bot {
        return Err(bad("message can't be edited"));
    }
    if is_text && old.get("text").is_none() {
        return Err(bad("there is no text in the message to edit"));
    }
    let mut new = merged(
        old.clone(),
        json!({"reply_markup": markup, "edit_date": st.date()}),
    );
    if let Some((text, entities)) = new_text {
        new = merged(new, json!({"text": text, "entities": entities}));
    }
    let new = clean(new);
    if ["text", "entities", "reply_markup"]
        .iter()
        .all(|k| old.get(k) == new.get(k))
    {
        return Err(bad(NOT_MODIFIED));
    }
    check_rate(st, chat_id)?;
    let prev = st
        .sent
        .iter()
        .rev()
        .find(|s| (s.chat_id, s.message_id) == (chat_id, message_id));
    let html = if is_text {
        raw
    } else {
        prev.map(|s| s.html.clone()).unwrap_or_default()
    };
    let file_name = prev.and_then(|s| s.file_name.clone());
    let chat = st
        .chats
        .get_mut(&chat_id)
        .ok_or_else(|| bad("chat not found"))?;
    for (_, m) in chat
        .messages
        .iter_mut()
        .filter(|(_, m)| m["message_id"] == message_id)
    {
        *m = new.clone();
    }
    record(st, method, &new, html, buttons, (file_name, None));
    Ok(new)
}

// ============================================================== HTML

fn byte(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
}

/// Advances `i` while `pred` holds for the byte there (never past the end).
fn scan(b: &[u8], mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && pred(b[i]) {
        i += 1;
    }
    i
}

/// Decodes a character reference at `pos` like TDLib (`&lt;` `&gt;` `&amp;`
/// `&quot;` `&#NN;` `&#xHH;`, `;` optional); returns (char, next position).
fn decode_entity(b: &[u8], pos: usize) -> Option<(char, usize)> {
    let (code, end) = if byte(b, pos + 1) == b'#' {
        let hex = byte(b, pos + 2) == b'x';
        let (radix, start) = if hex { (16, pos + 3) } else { (10, pos + 2) };
        let end = scan(b, start, |c| (c as char).is_digit(radix));
        let digits = std::str::from_utf8(&b[start..end]).ok()?;
        let code = u32::from_str_radix(digits, radix)
            .ok()
            .filter(|c| *c != 0 && *c < 0x10ffff);
        (code.filter(|_| end - pos < 10)?, end)
    } else {
        let end = scan(b, pos + 1, |c| c.is_ascii_alphabetic());
        let code = match &b[pos + 1..end] {
            b"lt" => '<',
            b"gt" => '>',
            b"amp" => '&',
            b"quot" => '"',
            _ => return None,
        };
        (code as u32, end)
    };
    let next = if byte(b, end) == b';' { end + 1 } else { end };
    char::from_u32(code).map(|c| (c, next))
}

/// Telegram's HTML parse mode: a port of TDLib's `parse_html` with its error
/// texts. Stricter in one way: a `&` that starts no known character reference
/// is an error (Telegram would show it literally, usually an escaping bug).
fn parse_html(text: &str) -> Result<(String, Vec<Value>), String> {
    struct Open {
        tag: String,
        arg: String,
        start: usize,
    }
    let b = text.as_bytes();
    let lossy = |r: std::ops::Range<usize>| String::from_utf8_lossy(&b[r]).to_string();
    let (mut out, mut pos16, mut i) = (String::new(), 0usize, 0usize);
    let (mut stack, mut entities): (Vec<Open>, Vec<Value>) = (vec![], vec![]);
    while i < b.len() {
        if b[i] != b'<' {
            let (ch, next) = match b[i] {
                b'&' => decode_entity(b, i).ok_or_else(|| {
                    format!("Unescaped \"&\" at byte offset {i} (strict fake: write &amp;amp;)")
                })?,
                _ => text[i..]
                    .chars()
                    .next()
                    .map(|c| (c, i + c.len_utf8()))
                    .unwrap_or(('?', i + 1)),
            };
            out.push(ch);
            pos16 += ch.len_utf16();
            i = next;
            continue;
        }
        let begin = i;
        if byte(b, i + 1) == b'/' {
            let Some(open) = stack.pop() else {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            };
            let name_end = scan(b, i + 2, |c| !is_space(c) && c != b'>');
            let end_name = lossy(begin + 2..name_end);
            i = scan(b, name_end, is_space);
            if byte(b, i) != b'>' {
                return Err(format!("Unclosed end tag at byte offset {begin}"));
            }
            if !end_name.is_empty() && end_name != open.tag {
                let tag = &open.tag;
                return Err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{tag}>\", found \"</{end_name}>\""
                ));
            }
            i += 1;
            if pos16 == open.start {
                continue;
            }
            let kind = match open.tag.as_str() {
                "b" | "strong" => "bold",
                "i" | "em" => "italic",
                "s" | "strike" | "del" => "strikethrough",
                "u" | "ins" => "underline",
                "tg-spoiler" | "span" => "spoiler",
                "a" if open.arg.is_empty() => continue,
                "a" => "text_link",
                "tg-emoji" => "custom_emoji",
                "blockquote" if open.arg == "1" => "expandable_blockquote",
                "blockquote" => "blockquote",
                "pre" => "pre",
                _ => "code",
            };
            // <pre><code class="language-x">..</code></pre> is a single pre entity with a language.
            if let Some(pre) = stack
                .last_mut()
                .filter(|p| kind == "code" && p.tag == "pre" && p.start == open.start)
            {
                pre.arg = open.arg;
                continue;
            }
            let mut e = json!({"type": kind, "offset": open.start, "length": pos16 - open.start});
            match kind {
                "text_link" => e["url"] = json!(open.arg),
                "custom_emoji" => e["custom_emoji_id"] = json!(open.arg),
                "pre" if !open.arg.is_empty() => e["language"] = json!(open.arg),
                _ => {}
            }
            entities.push(e);
            continue;
        }
        let tag_end = scan(b, i + 1, |c| !is_space(c) && c != b'>');
        if tag_end == b.len() {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        let tag = lossy(i + 1..tag_end).to_lowercase();
        if !HTML_TAGS.split(' ').any(|t| t == tag) {
            return Err(format!(
                "Unsupported start tag \"{tag}\" at byte offset {begin}"
            ));
        }
        let mut arg = String::new();
        i = tag_end;
        loop {
            i = scan(b, i, is_space);
            if byte(b, i) == b'>' {
                break;
            }
            let name_end = scan(b, i, |c| !is_space(c) && c != b'=' && c != b'>');
            let name = lossy(i..name_end);
            if name.is_empty() {
                return Err(format!(
                    "Empty attribute name in the tag \"{tag}\" at byte offset {begin}"
                ));
            }
            i = scan(b, name_end, is_space);
            if byte(b, i) != b'=' {
                if tag == "blockquote" && name == "expandable" {
                    arg = "1".into();
                    continue;
                }
                return Err(format!(
                    "Expected equal sign in declaration of an attribute of the tag \"{tag}\" at byte offset {begin}"
                ));
            }
            i = scan(b, i + 1, is_space);
            if i == b.len() {
                return Err(format!(
                    "Unclosed start tag \"{tag}\" at byte offset {begin}"
                ));
            }
            let value = if b[i] != b'\'' && b[i] != b'"' {
                let token_start = i;
                i = scan(b, i, |c| {
                    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
                });
                if !is_space(byte(b, i)) && byte(b, i) != b'>' {
                    return Err(format!(
                        "Unexpected end of name token at byte offset {token_start}"
                    ));
                }
                lossy(token_start..i).to_lowercase()
            } else {
                let (quote, mut v) = (b[i], String::new());
                i += 1;
                while i < b.len() && b[i] != quote {
                    let ch = (b[i] == b'&').then(|| decode_entity(b, i)).flatten();
                    let (ch, next) = ch.unwrap_or_else(|| {
                        text[i..]
                            .chars()
                            .next()
                            .map(|c| (c, i + c.len_utf8()))
                            .unwrap_or(('?', i + 1))
                    });
                    v.push(ch);
                    i = next;
                }
                i = (i + 1).min(b.len());
                v
            };
            if i == b.len() {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }
            match (tag.as_str(), name.as_str()) {
                ("a", "href") | ("tg-emoji", "emoji-id") => arg = value,
                ("code", "class") => {
                    arg = value.strip_prefix("language-").unwrap_or(&arg).to_string()
                }
                ("span", "class") => arg = value.strip_prefix("tg-").unwrap_or(&arg).to_string(),
                _ => {}
            }
        }
        if tag == "span" && arg != "spoiler" {
            return Err(format!(
                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
            ));
        }
        if tag == "tg-emoji" && arg.parse::<i64>().map_or(true, |id| id == 0) {
            return Err("Invalid custom emoji identifier specified".into());
        }
        stack.push(Open {
            tag,
            arg,
            start: pos16,
        });
        i += 1;
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        ));
    }
    entities.sort_by_key(|e| {
        (
            e["offset"].as_u64(),
            std::cmp::Reverse(e["length"].as_u64()),
        )
    });
    Ok((out, entities))
}
