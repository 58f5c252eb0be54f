//! A fake Telegram Bot API server for integration tests.
//!
//! It speaks the same HTTP protocol as `api.telegram.org` (URL shape
//! `{api_url}/bot{token}/{method}`, JSON / multipart / urlencoded / query
//! parameters, `{"ok":..}` envelopes) and is deliberately as strict as the real
//! server where bots usually get it wrong: HTML parse mode, text lengths in
//! UTF-16 code units, inline keyboard validation, "message is not modified",
//! stale callback queries, unknown chats, flood limits.  Error descriptions are
//! the real server's texts (see telegram-bot-api `Client.cpp` and TDLib), so
//! teloxide maps them to the same `ApiError` variants as in production.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State as AxState};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

/// Handle to a running fake Bot API server; cheap to clone (all clones share
/// one server, which shuts down when the last clone is dropped).
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _guard: Arc<ShutdownGuard>,
}

/// A simulated Telegram user who talks to the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    /// User id; also the id of the private chat with the bot.
    pub id: i64,
    /// Shown as the user's first name.
    pub first_name: String,
    /// Optional @username (without the `@`).
    pub username: Option<String>,
    /// IETF language tag the client reports, e.g. `"en"`.
    pub language_code: Option<String>,
}

impl FakeUser {
    /// A user without a username whose client uses language `lang` (empty = none).
    pub fn new(id: i64, first_name: &str, lang: &str) -> Self {
        let language_code = (!lang.is_empty()).then(|| lang.to_string());
        FakeUser { id, first_name: first_name.to_string(), username: None, language_code }
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
}

/// One message (or edit) the server accepted from the bot, as a test sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// Canonical method name, e.g. `sendMessage`, `editMessageText`.
    pub method: String,
    /// Chat the message went to.
    pub chat_id: i64,
    /// Id of the (new or edited) message.
    pub message_id: i64,
    /// Text (caption for media) after HTML parsing and trimming, as users see it.
    pub text: String,
    /// Raw text (caption) exactly as the bot sent it.
    pub html: String,
    /// Keyboard rows of `(label, callback_data or url)`; reply-keyboard buttons have "".
    pub buttons: Vec<Vec<(String, String)>>,
    /// File name of an uploaded document/photo, if it had one.
    pub file_name: Option<String>,
    /// Bytes of an uploaded document/photo (None when sent by file_id/URL).
    pub file_bytes: Option<Vec<u8>>,
}

impl SentMessage {
    /// Callback data (or URL) of the first button whose label contains `label_contains`.
    pub fn button(&self, label_contains: &str) -> Option<String> {
        self.buttons.iter().flatten().find(|(l, _)| l.contains(label_contains)).map(|(_, d)| d.clone())
    }

    /// All button labels, row by row flattened, for assertions and dumps.
    pub fn labels(&self) -> Vec<String> {
        self.buttons.iter().flatten().map(|(l, _)| l.clone()).collect()
    }
}

/// A request the server answered with an error.
#[derive(Clone, Debug)]
pub struct Rejection {
    /// Method name as the bot sent it (canonical spelling when known).
    pub method: String,
    /// HTTP status / `error_code`.
    pub error_code: u16,
    /// The `description` returned.
    pub description: String,
    /// The request parameters (uploaded files replaced by a short summary).
    pub body: Value,
    /// True when the test caused it on purpose (fail_next, block_user, set_limits).
    pub injected: bool,
}

const METHODS: &[&str] = &[
    "getMe",
    "getUpdates",
    "getWebhookInfo",
    "deleteWebhook",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "answerCallbackQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
];
const TOO_OLD: &str =
    "Bad Request: query is too old and response timeout expired or query ID is invalid";
const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CONFLICT: &str =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const CALLBACK_TTL_SECS: f64 = 15.0;

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
    /// Woken when updates are pushed or pollers must re-check.
    updates: Notify,
    /// Woken on any observable change (for wait_for / wait_until).
    changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, St> {
        lock(&self.state)
    }
}

/// Poison-proof locking: a panicking test thread never wedges the server.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

struct Chat {
    json: Value,
    next_id: i64,
    messages: Vec<Stored>,
}

struct Stored {
    id: i64,
    from_bot: bool,
    json: Value,
    /// Plain text for text messages, None for media.
    text: Option<String>,
    entities: Value,
    markup: Option<Value>,
}

struct Callback {
    issued_at: f64,
    answered: bool,
}

struct Failure {
    method: String,
    code: u16,
    description: String,
    remaining: usize,
}

struct St {
    next_update_id: i64,
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
    commands: Vec<(String, Option<String>, Vec<(String, String)>)>,
    callbacks: HashMap<String, Callback>,
    next_callback: u64,
    answered_callbacks: usize,
    chat_limit: Option<u32>,
    global_limit: Option<u32>,
    send_log: VecDeque<(f64, i64)>,
    clock_real: Instant,
    clock_base: f64,
    clock_scale: f64,
    unix_start: i64,
    failures: Vec<Failure>,
    blocked: HashSet<i64>,
    delay: Duration,
    next_file: u64,
    shutdown: bool,
}

impl St {
    fn now(&self) -> f64 {
        self.clock_base + self.clock_real.elapsed().as_secs_f64() * self.clock_scale
    }

    fn unix_now(&self) -> i64 {
        self.unix_start + self.now() as i64
    }

    fn push_update(&mut self, mut update: Value) -> i64 {
        let id = match update.get("update_id").and_then(Value::as_i64) {
            Some(id) => id,
            None => {
                let id = self.next_update_id;
                update["update_id"] = json!(id);
                id
            }
        };
        self.next_update_id = self.next_update_id.max(id + 1);
        self.queue.push_back(update);
        id
    }

    fn chat_entry(&mut self, id: i64, json: Value) -> &mut Chat {
        let chat = self.chats.entry(id).or_insert_with(|| Chat { json: Value::Null, next_id: 1, messages: vec![] });
        chat.json = json;
        chat
    }

    /// Stores an incoming (user) message and returns its JSON.
    fn incoming(&mut self, user: &FakeUser, chat_id: i64, chat_json: Value, content: Value) -> Value {
        let date = self.unix_now();
        self.seen_users.insert(user.id);
        let chat = self.chat_entry(chat_id, chat_json.clone());
        let id = chat.next_id;
        chat.next_id += 1;
        let mut msg = json!({"message_id": id, "from": user.json(), "chat": chat_json, "date": date});
        merge(&mut msg, content);
        let text = msg.get("text").and_then(Value::as_str).map(str::to_string);
        let stored = Stored { id, from_bot: false, json: msg.clone(), text, entities: json!([]), markup: None };
        chat.messages.push(stored);
        msg
    }

    fn new_file_id(&mut self, kind: &str) -> (String, String) {
        self.next_file += 1;
        (format!("{kind}-file-{}", self.next_file), format!("{kind}-uniq-{}", self.next_file))
    }
}

fn merge(target: &mut Value, extra: Value) {
    if let (Some(t), Value::Object(e)) = (target.as_object_mut(), extra) {
        t.extend(e);
    }
}

fn private_chat_json(user: &FakeUser) -> Value {
    let mut c = json!({"id": user.id, "type": "private", "first_name": user.first_name});
    if let Some(name) = &user.username {
        c["username"] = json!(name);
    }
    c
}

fn group_chat_json(id: i64) -> Value {
    json!({"id": id, "type": "group", "title": format!("Test group {id}")})
}

fn bot_user_json() -> Value {
    json!({"id": FakeTelegram::BOT_ID, "is_bot": true, "first_name": "Kokoon Test",
           "username": FakeTelegram::BOT_USERNAME})
}

/// Text entity for a leading `/command`, as Telegram adds it to incoming messages.
fn command_content(text: &str) -> Value {
    let mut content = json!({"text": text});
    if text.starts_with('/') {
        let cmd = text.split(char::is_whitespace).next().unwrap_or("");
        let length: usize = cmd.encode_utf16().count();
        content["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
    }
    content
}

impl FakeTelegram {
    /// The only token the server accepts; any other gets 401 `Unauthorized`.
    pub const TOKEN: &'static str = "123456:TEST-TOKEN";
    /// The bot's user id (`getMe`, `from` of every bot message).
    pub const BOT_ID: u64 = 123456;
    /// The bot's username (`getMe`).
    pub const BOT_USERNAME: &'static str = "kokoon_test_bot";

    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake telegram");
        let addr = listener.local_addr().expect("local addr");
        let unix_start = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let st = St {
            next_update_id: 1,
            queue: VecDeque::new(),
            confirmed_offset: 0,
            allowed_updates: None,
            get_updates_calls: 0,
            poll_generation: 0,
            polls_in_flight: 0,
            chats: HashMap::new(),
            seen_users: HashSet::new(),
            sent: vec![],
            deleted: vec![],
            rejected: vec![],
            commands: vec![],
            callbacks: HashMap::new(),
            next_callback: 0,
            answered_callbacks: 0,
            chat_limit: None,
            global_limit: None,
            send_log: VecDeque::new(),
            clock_real: Instant::now(),
            clock_base: 0.0,
            clock_scale: 1.0,
            unix_start,
            failures: vec![],
            blocked: HashSet::new(),
            delay: Duration::ZERO,
            next_file: 0,
            shutdown: false,
        };
        let shared = Arc::new(Shared { state: Mutex::new(st), updates: Notify::new(), changed: Notify::new() });
        let app = Router::new()
            .fallback(handle)
            .with_state(shared.clone())
            .layer(DefaultBodyLimit::max(50 * 1024 * 1024));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        let guard = ShutdownGuard { shared: shared.clone(), stop: Mutex::new(Some(tx)) };
        FakeTelegram { shared, addr, _guard: Arc::new(guard) }
    }

    /// Base URL to give the bot (`TELOXIDE_API_URL` / `Bot::set_api_url`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<R>(&self, f: impl FnOnce(&mut St) -> R) -> R {
        let r = f(&mut self.shared.lock());
        self.shared.updates.notify_waiters();
        self.shared.changed.notify_waiters();
        r
    }

    // ----- feeding updates -----

    /// Queues an update as-is (an `update_id` it carries is kept, so a test can
    /// deliver the same id twice); returns the update_id used.
    pub fn push_raw_update(&self, update: Value) -> i64 {
        self.with(|st| {
            for kind in update.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(id) = kind.pointer("/chat/id").and_then(Value::as_i64) {
                    let chat = kind["chat"].clone();
                    st.chats.entry(id).or_insert_with(|| Chat { json: chat, next_id: 1, messages: vec![] });
                }
                if let Some(id) = kind.pointer("/from/id").and_then(Value::as_i64) {
                    st.seen_users.insert(id);
                }
            }
            st.push_update(update)
        })
    }

    /// The user writes `text` to the bot in private (a leading `/command` gets a
    /// `bot_command` entity, as Telegram adds).
    pub fn send_text(&self, user: &FakeUser, text: &str) -> i64 {
        self.private_message(user, command_content(text))
    }

    /// The user sends a sticker (a non-text message).
    pub fn send_sticker(&self, user: &FakeUser) -> i64 {
        let sticker = json!({"sticker": {"file_id": "sticker-file", "file_unique_id": "sticker-uniq",
            "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false,
            "emoji": "\u{1F44D}", "file_size": 1024}});
        self.private_message(user, sticker)
    }

    /// The user sends a photo without caption (a non-text message).
    pub fn send_photo(&self, user: &FakeUser) -> i64 {
        let size = |w: u32, s: u32| {
            json!({"file_id": format!("user-photo-{w}"), "file_unique_id": format!("user-photo-u{w}"),
                   "width": w, "height": w, "file_size": s})
        };
        self.private_message(user, json!({"photo": [size(90, 1500), size(320, 15000)]}))
    }

    /// Sends arbitrary message content (merged into the Message JSON) from the
    /// user in the private chat, e.g. `json!({"document": {...}})`.
    pub fn private_message(&self, user: &FakeUser, content: Value) -> i64 {
        self.with(|st| {
            let msg = st.incoming(user, user.id, private_chat_json(user), content);
            st.push_update(json!({"message": msg}))
        })
    }

    /// The user presses the inline button with callback `data` under the bot's
    /// message `message_id` in their private chat. Panics if that message has no
    /// such button (a real user can only press what is shown); use
    /// [`Self::press_button_unchecked`] to forge callback data.
    pub fn press_button(&self, user: &FakeUser, message_id: i64, data: &str) -> i64 {
        self.press(user, message_id, data, true)
    }

    /// Like [`Self::press_button`] but without checking the button exists.
    pub fn press_button_unchecked(&self, user: &FakeUser, message_id: i64, data: &str) -> i64 {
        self.press(user, message_id, data, false)
    }

    fn press(&self, user: &FakeUser, message_id: i64, data: &str, check: bool) -> i64 {
        let update = {
            let mut st = self.shared.lock();
            let Some(msg) = st.chats.get(&user.id).and_then(|c| c.messages.iter().find(|m| m.id == message_id))
            else {
                drop(st);
                panic!("press_button: no message {message_id} in chat {}; sent: {:#?}", user.id, self.sent());
            };
            let has = msg.markup.iter().flat_map(|m| buttons_of(m)).flatten().any(|(_, d)| d == data);
            if check && !has {
                let markup = msg.markup.clone();
                drop(st);
                panic!("press_button: message {message_id} has no button with data {data:?}: {markup:?}");
            }
            let message = msg.json.clone();
            st.next_callback += 1;
            let id = format!("{}{:06}", user.id.unsigned_abs(), st.next_callback);
            let issued_at = st.now();
            st.callbacks.insert(id.clone(), Callback { issued_at, answered: false });
            st.seen_users.insert(user.id);
            json!({"callback_query": {"id": id, "from": user.json(), "message": message,
                   "chat_instance": format!("ci{}", user.id), "data": data}})
        };
        self.with(|st| st.push_update(update))
    }

    /// `by` adds the bot to a basic group: a `my_chat_member` update left -> member.
    pub fn add_bot_to_group(&self, by: &FakeUser, group_chat_id: i64) -> i64 {
        self.with(|st| {
            let chat = group_chat_json(group_chat_id);
            st.chat_entry(group_chat_id, chat.clone());
            st.seen_users.insert(by.id);
            let date = st.unix_now();
            st.push_update(json!({"my_chat_member": {"chat": chat, "from": by.json(), "date": date,
                "old_chat_member": {"user": bot_user_json(), "status": "left"},
                "new_chat_member": {"user": bot_user_json(), "status": "member"}}}))
        })
    }

    /// The user writes `text` in a group (the bot is assumed to be a member).
    pub fn send_group_text(&self, user: &FakeUser, group_chat_id: i64, text: &str) -> i64 {
        self.with(|st| {
            let chat = group_chat_json(group_chat_id);
            let msg = st.incoming(user, group_chat_id, chat, command_content(text));
            st.push_update(json!({"message": msg}))
        })
    }

    // ----- observing -----

    /// Every accepted outgoing message and edit, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.shared.lock().sent.clone()
    }

    /// Accepted messages and edits addressed to `chat_id`, in order.
    pub fn messages_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.sent().into_iter().filter(|m| m.chat_id == chat_id).collect()
    }

    fn sends_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.messages_to(chat_id).into_iter().filter(|m| m.method.starts_with("send")).collect()
    }

    /// Current state (after edits) of the bot's message `message_id` in `chat_id`.
    pub fn current(&self, chat_id: i64, message_id: i64) -> Option<SentMessage> {
        self.sent().into_iter().rev().find(|m| m.chat_id == chat_id && m.message_id == message_id)
    }

    /// Waits until at least `count` new messages (sendMessage/sendDocument/
    /// sendPhoto, not edits) went to `chat_id` and returns all of them; panics
    /// with a dump of the server state on timeout.
    pub async fn wait_for(&self, chat_id: i64, count: usize, timeout: Duration) -> Vec<SentMessage> {
        if self.wait_until(timeout, |t| t.sends_to(chat_id).len() >= count).await {
            return self.sends_to(chat_id);
        }
        panic!(
            "wait_for: expected {count} messages to chat {chat_id} within {timeout:?}, got {}:\n{:#?}\n\
             all sent: {:#?}\nrejected: {:#?}\npending updates: {}, getUpdates calls: {}, polls in flight: {}",
            self.sends_to(chat_id).len(),
            self.sends_to(chat_id),
            self.sent(),
            self.rejected(),
            self.pending_updates(),
            self.get_updates_calls(),
            self.polls_in_flight()
        );
    }

    /// Waits until `f` holds (re-checked on every server change and every
    /// 20 ms); returns false on timeout.
    pub async fn wait_until(&self, timeout: Duration, f: impl Fn(&FakeTelegram) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if f(self) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            let tick = (tokio::time::Instant::now() + Duration::from_millis(20)).min(deadline);
            let _ = tokio::time::timeout_at(tick, notified).await;
        }
    }

    /// Every request answered with an error, injected ones included.
    pub fn rejected(&self) -> Vec<Rejection> {
        self.shared.lock().rejected.clone()
    }

    /// Rejections the test did not cause on purpose: bugs in the bot's requests.
    pub fn invalid_requests(&self) -> Vec<Rejection> {
        self.rejected().into_iter().filter(|r| !r.injected).collect()
    }

    /// Last `setMyCommands` for the default scope, per language_code (None first).
    pub fn commands(&self) -> Vec<(Option<String>, Vec<(String, String)>)> {
        self.commands_in_scope("default")
    }

    /// Like [`Self::commands`] for another scope type, e.g. `"all_private_chats"`
    /// (chat scopes are keyed `"chat:<id>"`).
    pub fn commands_in_scope(&self, scope: &str) -> Vec<(Option<String>, Vec<(String, String)>)> {
        let st = self.shared.lock();
        let mut v: Vec<_> =
            st.commands.iter().filter(|(s, _, _)| s == scope).map(|(_, l, c)| (l.clone(), c.clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Highest offset the bot has confirmed via getUpdates.
    pub fn confirmed_offset(&self) -> i64 {
        self.shared.lock().confirmed_offset
    }

    /// Updates queued and not yet confirmed (delivered-but-unconfirmed included).
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Number of successful answerCallbackQuery calls.
    pub fn answered_callbacks(&self) -> usize {
        self.shared.lock().answered_callbacks
    }

    /// Number of getUpdates requests received.
    pub fn get_updates_calls(&self) -> usize {
        self.shared.lock().get_updates_calls
    }

    /// getUpdates requests currently held open (long polling); > 0 means the bot
    /// is up and polling.
    pub fn polls_in_flight(&self) -> usize {
        self.shared.lock().polls_in_flight
    }

    /// `(chat_id, message_id)` of every message deleted via deleteMessage.
    pub fn deleted(&self) -> Vec<(i64, i64)> {
        self.shared.lock().deleted.clone()
    }

    // ----- behaviour knobs and fault injection -----

    /// Flood limits over a sliding 1 s window (None = off, the default); sends
    /// and edits over a limit get 429 `Too Many Requests: retry after N`.
    pub fn set_limits(&self, per_chat_per_sec: Option<u32>, global_per_sec: Option<u32>) {
        self.with(|st| {
            st.chat_limit = per_chat_per_sec;
            st.global_limit = global_per_sec;
        });
    }

    /// Makes server time (callback expiry, flood windows, dates) run `f` times
    /// faster than real time.
    pub fn set_clock_scale(&self, f: f64) {
        self.with(|st| {
            st.clock_base = st.now();
            st.clock_real = Instant::now();
            st.clock_scale = f.max(0.0);
        });
    }

    /// Jumps server time forward, e.g. to expire callback queries instantly.
    pub fn advance_clock(&self, d: Duration) {
        self.with(|st| st.clock_base += d.as_secs_f64());
    }

    /// The next `count` calls of `method` (case-insensitive) fail with
    /// `code`/`description` (a 429 description "... retry after N" also gets
    /// `retry_after`). Note teloxide sleeps 10 s after any 5xx response.
    pub fn fail_next(&self, method: &str, code: u16, description: &str, count: usize) {
        self.with(|st| {
            st.failures.push(Failure {
                method: method.to_ascii_lowercase(),
                code,
                description: description.to_string(),
                remaining: count,
            })
        });
    }

    /// The user blocks the bot: sends to `chat_id` get 403 `Forbidden: bot was blocked by the user`.
    pub fn block_user(&self, chat_id: i64) {
        self.with(|st| st.blocked.insert(chat_id));
    }

    /// The user unblocks the bot again.
    pub fn unblock_user(&self, chat_id: i64) {
        self.with(|st| st.blocked.remove(&chat_id));
    }

    /// Delays every response by `d` (a slow network / server).
    pub fn set_delay(&self, d: Duration) {
        self.with(|st| st.delay = d);
    }
}

// ===================================================================== HTTP

#[derive(Debug)]
struct ApiErr {
    code: u16,
    description: String,
    retry_after: Option<u64>,
    injected: bool,
}

type ApiResult = Result<Value, ApiErr>;

fn err(code: u16, description: impl Into<String>) -> ApiErr {
    ApiErr { code, description: description.into(), retry_after: None, injected: false }
}

fn bad(tail: impl std::fmt::Display) -> ApiErr {
    err(400, format!("Bad Request: {tail}"))
}

fn reply(code: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn error_body(e: &ApiErr) -> Value {
    let mut body = json!({"ok": false, "error_code": e.code, "description": e.description});
    if let Some(n) = e.retry_after {
        body["parameters"] = json!({"retry_after": n});
    }
    body
}

/// Request parameters (from query, JSON, urlencoded or multipart) and uploaded files.
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

    /// A JSON-typed parameter: objects in JSON bodies, JSON text elsewhere.
    fn json(&self, key: &str) -> Result<Option<Value>, ()> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(|_| ()),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    fn summary(&self) -> Value {
        let mut m = self.map.clone();
        for (name, (file_name, bytes)) in &self.files {
            m.insert(name.clone(), json!(format!("<file {file_name:?}, {} bytes>", bytes.len())));
        }
        Value::Object(m)
    }
}

async fn read_params(req: Request) -> Result<Params, ApiErr> {
    let mut p = Params::default();
    if let Ok(Query(q)) = Query::<Vec<(String, String)>>::try_from_uri(req.uri()) {
        p.map.extend(q.into_iter().map(|(k, v)| (k, Value::String(v))));
    }
    let ctype = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let too_large = || err(413, "Request Entity Too Large");
    if ctype.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, &()).await.map_err(|_| bad("can't parse multipart"))?;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(_) => return Err(bad("can't parse multipart/form-data body")),
            };
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|_| too_large())?.to_vec();
            match (file_name, String::from_utf8(bytes.clone())) {
                (None, Ok(text)) => drop(p.map.insert(name, Value::String(text))),
                (file_name, _) => drop(p.files.insert(name, (file_name.unwrap_or_default(), bytes))),
            }
        }
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        let axum::Form(form) =
            axum::Form::<Vec<(String, String)>>::from_request(req, &()).await.map_err(|_| bad("can't parse form"))?;
        p.map.extend(form.into_iter().map(|(k, v)| (k, Value::String(v))));
    } else {
        let body = axum::body::to_bytes(req.into_body(), 50 * 1024 * 1024).await.map_err(|_| too_large())?;
        if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(m)) => p.map.extend(m),
                _ => return Err(bad("can't parse JSON object")),
            }
        }
    }
    Ok(p)
}

async fn handle(AxState(shared): AxState<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let Some((token, method)) = path.strip_prefix("/bot").and_then(|r| r.split_once('/')) else {
        return reply(404, json!({"ok": false, "error_code": 404, "description": "Not Found"}));
    };
    if token != FakeTelegram::TOKEN {
        return reply(401, json!({"ok": false, "error_code": 401, "description": "Unauthorized"}));
    }
    let method = METHODS.iter().find(|m| m.eq_ignore_ascii_case(method)).map_or(method.to_string(), |m| m.to_string());
    let delay = shared.lock().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (result, body) = match read_params(req).await {
        Err(e) => (Err(e), Value::Null),
        Ok(p) => {
            let result = match injected_failure(&shared, &method) {
                Some(e) => Err(e),
                None if method == "getUpdates" => get_updates(&shared, &p).await,
                None => dispatch(&mut shared.lock(), &method, &p),
            };
            (result, p.summary())
        }
    };
    let response = match result {
        Ok(v) => reply(200, json!({"ok": true, "result": v})),
        Err(e) => {
            let response = reply(e.code, error_body(&e));
            shared.lock().rejected.push(Rejection {
                method,
                error_code: e.code,
                description: e.description,
                body,
                injected: e.injected,
            });
            response
        }
    };
    shared.changed.notify_waiters();
    response
}

fn injected_failure(shared: &Shared, method: &str) -> Option<ApiErr> {
    let mut st = shared.lock();
    let f = st.failures.iter_mut().find(|f| f.remaining > 0 && f.method.eq_ignore_ascii_case(method))?;
    f.remaining -= 1;
    let retry_after = (f.code == 429)
        .then(|| f.description.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(1));
    Some(ApiErr { code: f.code, description: f.description.clone(), retry_after, injected: true })
}

fn dispatch(st: &mut St, method: &str, p: &Params) -> ApiResult {
    match method {
        "getMe" => {
            let mut me = bot_user_json();
            merge(&mut me, json!({"can_join_groups": true, "can_read_all_group_messages": false,
                "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false}));
            Ok(me)
        }
        "getWebhookInfo" => Ok(json!({"url": "", "has_custom_certificate": false,
            "pending_update_count": st.queue.len()})),
        "deleteWebhook" => {
            if p.str("drop_pending_updates").as_deref() == Some("true") {
                st.queue.clear();
            }
            Ok(json!(true))
        }
        "setMyCommands" => set_my_commands(st, p),
        "getMyCommands" | "deleteMyCommands" => {
            let key = command_key(p)?;
            let pos = st.commands.iter().position(|(s, l, _)| (s, l) == (&key.0, &key.1));
            if method == "deleteMyCommands" {
                if let Some(i) = pos {
                    st.commands.remove(i);
                }
                return Ok(json!(true));
            }
            let cmds = pos.map(|i| st.commands[i].2.clone()).unwrap_or_default();
            Ok(cmds.iter().map(|(c, d)| json!({"command": c, "description": d})).collect())
        }
        "sendMessage" | "sendDocument" | "sendPhoto" => send(st, method, p),
        "sendChatAction" => {
            let chat_id = chat_id(p)?;
            check_target(st, chat_id)?;
            Ok(json!(true))
        }
        "answerCallbackQuery" => answer_callback(st, p),
        "editMessageText" | "editMessageReplyMarkup" => edit(st, method, p),
        "deleteMessage" => {
            let chat_id = chat_id(p)?;
            let id = p.int("message_id").unwrap_or(0);
            let chat = st.chats.get_mut(&chat_id).ok_or_else(|| bad("chat not found"))?;
            let pos = chat.messages.iter().position(|m| m.id == id);
            let pos = pos.ok_or_else(|| bad("message to delete not found"))?;
            chat.messages.remove(pos);
            st.deleted.push((chat_id, id));
            Ok(json!(true))
        }
        _ => Err(err(404, "Not Found")),
    }
}

// ================================================================ getUpdates

struct PollGuard(Arc<Shared>);

impl Drop for PollGuard {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.polls_in_flight = st.polls_in_flight.saturating_sub(1);
    }
}

fn take_updates(st: &mut St, offset: i64, limit: usize) -> Vec<Value> {
    let id_of = |u: &Value| u.get("update_id").and_then(Value::as_i64).unwrap_or(0);
    if offset < 0 {
        let keep = offset.unsigned_abs() as usize;
        while st.queue.len() > keep {
            st.queue.pop_front();
        }
    } else if offset > 0 {
        st.queue.retain(|u| id_of(u) >= offset);
        st.confirmed_offset = st.confirmed_offset.max(offset);
    }
    // Types not in allowed_updates are never delivered (by default: all but
    // chat_member, message_reaction and message_reaction_count).
    let allowed = st.allowed_updates.clone();
    st.queue.retain(|u| {
        let kind = u.as_object().and_then(|o| o.keys().find(|k| *k != "update_id").cloned()).unwrap_or_default();
        match &allowed {
            Some(list) => list.contains(&kind),
            None => !["chat_member", "message_reaction", "message_reaction_count"].contains(&kind.as_str()),
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
            let list: Vec<String> =
                list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect();
            st.allowed_updates = (!list.is_empty()).then_some(list);
        }
        st.polls_in_flight += 1;
        st.poll_generation
    };
    let _guard = PollGuard(shared.clone());
    // A newer getUpdates terminates a pending long poll, as on the real server.
    shared.updates.notify_waiters();
    loop {
        let notified = shared.updates.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut st = shared.lock();
            if st.poll_generation != generation {
                return Err(err(409, CONFLICT));
            }
            let updates = take_updates(&mut st, offset, limit);
            if !updates.is_empty() || timeout == 0 || st.shutdown || tokio::time::Instant::now() >= deadline {
                return Ok(Value::Array(updates));
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

// ============================================================== validation

fn chat_id(p: &Params) -> Result<i64, ApiErr> {
    let raw = p.str("chat_id").filter(|s| !s.is_empty()).ok_or_else(|| bad("chat_id is empty"))?;
    raw.trim().parse().map_err(|_| bad("chat not found"))
}

fn check_target(st: &St, chat_id: i64) -> Result<(), ApiErr> {
    if st.blocked.contains(&chat_id) {
        return Err(ApiErr { injected: true, ..err(403, "Forbidden: bot was blocked by the user") });
    }
    if st.chats.contains_key(&chat_id) {
        Ok(())
    } else if st.seen_users.contains(&chat_id) {
        Err(err(403, "Forbidden: bot can't initiate conversation with a user"))
    } else {
        Err(bad("chat not found"))
    }
}

fn check_rate(st: &mut St, chat_id: i64) -> Result<(), ApiErr> {
    let now = st.now();
    while st.send_log.front().is_some_and(|(t, _)| now - t >= 1.0) {
        st.send_log.pop_front();
    }
    let flood = |oldest: f64| {
        let n = ((oldest + 1.0 - now).ceil() as u64).max(1);
        ApiErr { retry_after: Some(n), injected: true, ..err(429, format!("Too Many Requests: retry after {n}")) }
    };
    if let Some(limit) = st.global_limit {
        if st.send_log.len() >= limit as usize {
            return Err(flood(st.send_log[0].0));
        }
    }
    if let Some(limit) = st.chat_limit {
        let in_chat: Vec<f64> = st.send_log.iter().filter(|(_, c)| *c == chat_id).map(|(t, _)| *t).collect();
        if in_chat.len() >= limit as usize {
            return Err(flood(in_chat[0]));
        }
    }
    st.send_log.push_back((now, chat_id));
    Ok(())
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Parses text per parse_mode into (plain text, entities), trimmed like Telegram does.
fn format_text(raw: &str, p: &Params, entities_key: &str) -> Result<(String, Value), ApiErr> {
    let mode = p.str("parse_mode").unwrap_or_default().to_ascii_lowercase();
    let (text, entities) = match mode.as_str() {
        "html" => parse_html(raw).map_err(|tail| bad(format!("can't parse entities: {tail}")))?,
        // Markdown modes are accepted as plain text (not validated by this fake).
        _ => {
            let entities = p.json(entities_key).ok().flatten().and_then(|v| v.as_array().cloned());
            (raw.to_string(), entities.unwrap_or_default())
        }
    };
    // Telegram strips leading and trailing whitespace; shift entities accordingly.
    let trimmed_start = text.trim_start();
    let lead = utf16_len(&text[..text.len() - trimmed_start.len()]) as i64;
    let plain = trimmed_start.trim_end().to_string();
    let total = utf16_len(&plain) as i64;
    let entities: Vec<Value> = entities
        .into_iter()
        .filter_map(|mut e| {
            let off = e["offset"].as_i64()? - lead;
            let end = (off + e["length"].as_i64()?).min(total);
            let off = off.max(0);
            (end > off).then(|| {
                e["offset"] = json!(off);
                e["length"] = json!(end - off);
                e
            })
        })
        .collect();
    Ok((plain, Value::Array(entities)))
}

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

/// Validates and normalizes reply_markup; returns (inline markup stored on the
/// message, button rows for SentMessage).
#[allow(clippy::type_complexity)]
fn parse_markup(p: &Params, inline_only: bool) -> Result<(Option<Value>, Vec<Vec<(String, String)>>), ApiErr> {
    let markup = match p.json("reply_markup") {
        Err(()) => return Err(bad("can't parse reply keyboard markup JSON object")),
        Ok(None) => return Ok((None, vec![])),
        Ok(Some(m)) => m,
    };
    let Some(obj) = markup.as_object() else { return Err(bad("object expected as reply markup")) };
    if let Some(rows) = obj.get("inline_keyboard") {
        let kb_err = || bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
        let mut out_rows = vec![];
        for row in rows.as_array().ok_or_else(kb_err)? {
            let mut out = vec![];
            for b in row.as_array().ok_or_else(kb_err)? {
                let fail = |m: &str| bad(format!("can't parse inline keyboard button: {m}"));
                let b = b.as_object().ok_or_else(|| fail("InlineKeyboardButton must be an Object"))?;
                let text = b.get("text").and_then(Value::as_str);
                let text = text.ok_or_else(|| fail("Field \"text\" must be of type String"))?;
                // Real Telegram silently drops buttons with empty text; reject to catch the bug.
                if text.is_empty() {
                    return Err(fail("Inline keyboard button text must be non-empty"));
                }
                let non_empty = |k: &&str| b.get(*k).is_some_and(|v| v.as_str() != Some("") && !v.is_null());
                let action = BUTTON_ACTIONS.iter().copied().find(non_empty);
                let action = action.ok_or_else(|| fail("Text buttons are unallowed in the inline keyboard"))?;
                let value = b[action].clone();
                if action == "callback_data" && value.as_str().is_none_or(|d| d.len() > 64) {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
                if action == "url" {
                    let url = value.as_str().unwrap_or("");
                    if !["http://", "https://", "tg://"].iter().any(|s| url.starts_with(s)) || url.len() < 9 {
                        return Err(bad("BUTTON_URL_INVALID"));
                    }
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
        let buttons = buttons_of(&markup);
        return Ok((Some(markup), buttons));
    }
    if inline_only {
        return Err(bad("inline keyboard expected"));
    }
    let rows = obj.get("keyboard").and_then(Value::as_array).cloned().unwrap_or_default();
    let label = |b: &Value| b.as_str().or_else(|| b["text"].as_str()).unwrap_or("").to_string();
    let buttons = rows
        .iter()
        .map(|r| r.as_array().into_iter().flatten().map(|b| (label(b), String::new())).collect())
        .collect();
    Ok((None, buttons))
}

fn buttons_of(markup: &Value) -> Vec<Vec<(String, String)>> {
    let rows = markup["inline_keyboard"].as_array().cloned().unwrap_or_default();
    let pair = |b: &Value| {
        let data = BUTTON_ACTIONS.iter().find_map(|k| b.get(*k)).map(|v| v.as_str().map_or(v.to_string(), str::to_string));
        (b["text"].as_str().unwrap_or("").to_string(), data.unwrap_or_default())
    };
    rows.iter().map(|r| r.as_array().into_iter().flatten().map(pair).collect()).collect()
}

// ================================================================== methods

fn scope_key(scope: &Value) -> String {
    let kind = scope["type"].as_str().unwrap_or("default").to_string();
    match (scope.get("chat_id"), scope.get("user_id")) {
        (Some(c), Some(u)) => format!("{kind}:{c}:{u}"),
        (Some(c), None) => format!("{kind}:{c}"),
        _ => kind,
    }
}

fn command_key(p: &Params) -> Result<(String, Option<String>), ApiErr> {
    let scope = p.json("scope").map_err(|_| bad("can't parse BotCommandScope JSON object"))?;
    let scope = scope.map(|s| scope_key(&s)).unwrap_or_else(|| "default".to_string());
    let lang = p.str("language_code").filter(|l| !l.is_empty());
    if let Some(l) = &lang {
        if l.len() != 2 || !l.bytes().all(|c| c.is_ascii_lowercase()) {
            return Err(bad("invalid language code specified"));
        }
    }
    Ok((scope, lang))
}

fn set_my_commands(st: &mut St, p: &Params) -> ApiResult {
    let key = command_key(p)?;
    let list = p.json("commands").map_err(|_| bad("can't parse commands JSON object"))?.unwrap_or(json!([]));
    let list = list.as_array().ok_or_else(|| bad("expected an Array of BotCommand"))?;
    let mut cmds = vec![];
    for c in list {
        let field = |k: &str| {
            c.get(k).and_then(Value::as_str).map(|s| s.trim().to_string()).ok_or_else(|| {
                bad(format!("can't parse BotCommand: Field \"{k}\" must be of type String"))
            })
        };
        let (command, description) = (field("command")?, field("description")?);
        let command = command.strip_prefix('/').unwrap_or(&command).to_string();
        if command.is_empty() {
            return Err(bad("command must be non-empty"));
        }
        if command.chars().count() > 32 {
            return Err(bad("command length must not exceed 32"));
        }
        if !command.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(bad("BOT_COMMAND_INVALID"));
        }
        if description.is_empty() {
            return Err(bad("command description must be non-empty"));
        }
        if description.chars().count() > 256 {
            return Err(bad("command description length must not exceed 256"));
        }
        cmds.push((command, description));
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
    b.starts_with(b"\x89PNG\r\n\x1a\n")
        || b.starts_with(&[0xFF, 0xD8, 0xFF])
        || b.starts_with(b"GIF8")
        || b.starts_with(b"BM")
        || (b.len() > 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP")
}

fn send(st: &mut St, method: &str, p: &Params) -> ApiResult {
    let chat_id = chat_id(p)?;
    let media = match method {
        "sendDocument" => Some("document"),
        "sendPhoto" => Some("photo"),
        _ => None,
    };
    // The file: an uploaded part (directly or via "attach://name") or a file_id/URL string.
    let mut file: Option<(Option<String>, Option<Vec<u8>>)> = None;
    if let Some(field) = media {
        let named = p.str(field).unwrap_or_default();
        let part = named.strip_prefix("attach://").unwrap_or(field);
        file = match (p.files.get(part), named.is_empty()) {
            (Some((name, bytes)), _) => Some(((!name.is_empty()).then(|| name.clone()), Some(bytes.clone()))),
            (None, false) if !named.starts_with("attach://") => Some((None, None)),
            _ => return Err(bad(format!("there is no {field} in the request"))),
        };
    }
    let raw = if media.is_some() { p.str("caption").unwrap_or_default() } else { p.str("text").unwrap_or_default() };
    if media.is_none() && raw.is_empty() {
        return Err(bad("message text is empty"));
    }
    let entities_key = if media.is_some() { "caption_entities" } else { "entities" };
    let (plain, entities) = format_text(&raw, p, entities_key)?;
    let (markup, buttons) = parse_markup(p, false)?;
    check_target(st, chat_id)?;
    let len = utf16_len(&plain);
    match media {
        None if plain.is_empty() => return Err(bad("message text is empty")),
        None if len > 4096 => return Err(bad("message is too long")),
        Some(_) if len > 1024 => return Err(bad("message caption is too long")),
        _ => {}
    }
    let (file_name, file_bytes) = file.unwrap_or((None, None));
    if let Some(bytes) = &file_bytes {
        if bytes.is_empty() {
            return Err(bad("file must be non-empty"));
        }
        if media == Some("photo") && !is_image(bytes) {
            return Err(bad("IMAGE_PROCESS_FAILED"));
        }
    }
    check_rate(st, chat_id)?;
    let size = file_bytes.as_ref().map_or(4096, Vec::len);
    let mut content = json!({});
    let text_key = if media.is_some() { "caption" } else { "text" };
    if !plain.is_empty() {
        content[text_key] = json!(plain);
    }
    if entities.as_array().is_some_and(|e| !e.is_empty()) {
        content[if media.is_some() { "caption_entities" } else { "entities" }] = entities.clone();
    }
    match media {
        Some("document") => {
            let (id, uniq) = st.new_file_id("doc");
            let mut doc = json!({"file_id": id, "file_unique_id": uniq, "file_size": size});
            if let Some(name) = &file_name {
                doc["file_name"] = json!(name);
            }
            content["document"] = doc;
        }
        Some(_) => {
            let (id, uniq) = st.new_file_id("photo");
            let photo = |w: u32, s: usize| {
                json!({"file_id": format!("{id}-{w}"), "file_unique_id": format!("{uniq}-{w}"),
                       "width": w, "height": w * 3 / 4, "file_size": s})
            };
            content["photo"] = json!([photo(90, size / 20 + 1), photo(320, size / 4 + 1), photo(800, size)]);
        }
        None => {}
    }
    if let Some(m) = &markup {
        content["reply_markup"] = m.clone();
    }
    let date = st.unix_now();
    let chat = st.chats.get_mut(&chat_id).ok_or_else(|| bad("chat not found"))?;
    let id = chat.next_id;
    chat.next_id += 1;
    let mut msg = json!({"message_id": id, "from": bot_user_json(), "chat": chat.json, "date": date});
    merge(&mut msg, content);
    let text = media.is_none().then(|| plain.clone());
    chat.messages.push(Stored { id, from_bot: true, json: msg.clone(), text, entities, markup });
    st.sent.push(SentMessage {
        method: method.to_string(),
        chat_id,
        message_id: id,
        text: plain,
        html: raw,
        buttons,
        file_name,
        file_bytes,
    });
    Ok(msg)
}

fn answer_callback(st: &mut St, p: &Params) -> ApiResult {
    let id = p.str("callback_query_id").unwrap_or_default();
    let now = st.now();
    let valid = st.callbacks.get(&id).is_some_and(|c| !c.answered && now - c.issued_at <= CALLBACK_TTL_SECS);
    if !valid {
        return Err(bad(TOO_OLD.trim_start_matches("Bad Request: ")));
    }
    if p.str("text").is_some_and(|t| utf16_len(&t) > 200) {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    if let Some(c) = st.callbacks.get_mut(&id) {
        c.answered = true;
    }
    st.answered_callbacks += 1;
    Ok(json!(true))
}

fn edit(st: &mut St, method: &str, p: &Params) -> ApiResult {
    if p.str("chat_id").is_none() && p.str("inline_message_id").is_none() {
        return Err(bad("message identifier is not specified"));
    }
    let chat_id = chat_id(p)?;
    let message_id = p.int("message_id").unwrap_or(0);
    let is_text = method == "editMessageText";
    let raw = p.str("text").unwrap_or_default();
    let new_text = if is_text {
        if raw.is_empty() {
            return Err(bad("message text is empty"));
        }
        Some(format_text(&raw, p, "entities")?)
    } else {
        None
    };
    let (markup, buttons) = parse_markup(p, true)?;
    if !st.chats.contains_key(&chat_id) {
        return Err(bad("chat not found"));
    }
    if let Some((plain, _)) = &new_text {
        if plain.is_empty() {
            return Err(bad("message text is empty"));
        }
        if utf16_len(plain) > 4096 {
            return Err(bad("MESSAGE_TOO_LONG"));
        }
    }
    let now = st.unix_now();
    let chat = st.chats.get_mut(&chat_id).ok_or_else(|| bad("chat not found"))?;
    let msg = chat.messages.iter_mut().find(|m| m.id == message_id).ok_or_else(|| bad("message to edit not found"))?;
    if !msg.from_bot {
        return Err(bad("message can't be edited"));
    }
    if is_text && msg.text.is_none() {
        return Err(bad("there is no text in the message to edit"));
    }
    let (text, entities) = new_text.clone().unwrap_or((msg.text.clone().unwrap_or_default(), msg.entities.clone()));
    if msg.text.as_ref().is_none_or(|t| *t == text) && msg.entities == entities && msg.markup == markup {
        return Err(bad(NOT_MODIFIED.trim_start_matches("Bad Request: ")));
    }
    let obj = msg.json.as_object_mut().ok_or_else(|| bad("message to edit not found"))?;
    if is_text {
        obj.insert("text".into(), json!(text));
        obj.remove("entities");
        if entities.as_array().is_some_and(|e| !e.is_empty()) {
            obj.insert("entities".into(), entities.clone());
        }
        msg.text = Some(text.clone());
        msg.entities = entities;
    }
    obj.remove("reply_markup");
    if let Some(m) = &markup {
        obj.insert("reply_markup".into(), m.clone());
    }
    obj.insert("edit_date".into(), json!(now));
    msg.markup = markup;
    let result = msg.json.clone();
    let shown = msg.json.get("caption").and_then(Value::as_str).map(str::to_string);
    let prev = st.sent.iter().rev().find(|s| s.chat_id == chat_id && s.message_id == message_id).cloned();
    st.sent.push(SentMessage {
        method: method.to_string(),
        chat_id,
        message_id,
        text: if is_text { text } else { shown.unwrap_or(text) },
        html: if is_text { raw } else { prev.as_ref().map(|s| s.html.clone()).unwrap_or_default() },
        buttons,
        file_name: prev.as_ref().and_then(|s| s.file_name.clone()),
        file_bytes: None,
    });
    Ok(result)
}

// ===================================================================== HTML

/// Decodes an HTML character reference at `pos` like TDLib does (`&lt;` `&gt;`
/// `&amp;` `&quot;` `&#NN;` `&#xHH;`, the `;` optional); returns (char, next pos).
fn decode_entity(b: &[u8], pos: usize) -> Option<(char, usize)> {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut end = pos + 1;
    let code: u32 = if at(pos + 1) == b'#' {
        end += 1;
        let mut res: u64 = 0;
        let radix = if at(pos + 2) == b'x' {
            end += 1;
            16
        } else {
            10
        };
        while let Some(d) = (at(end) as char).to_digit(radix) {
            res = (res * radix as u64 + d as u64).min(u64::from(u32::MAX));
            end += 1;
        }
        if res == 0 || res >= 0x10ffff || end - pos >= 10 {
            return None;
        }
        res as u32
    } else {
        while at(end).is_ascii_alphabetic() {
            end += 1;
        }
        match &b[pos + 1..end] {
            b"lt" => '<' as u32,
            b"gt" => '>' as u32,
            b"amp" => '&' as u32,
            b"quot" => '"' as u32,
            _ => return None,
        }
    };
    let next = if at(end) == b';' { end + 1 } else { end };
    char::from_u32(code).map(|c| (c, next))
}

const HTML_TAGS: &[&str] = &[
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code",
    "blockquote",
];

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
}

/// Telegram's HTML parse mode (a port of TDLib's `parse_html`, with the same
/// error texts). Stricter than Telegram in one way: a `&` that does not start a
/// known character reference is an error instead of a literal `&`.
fn parse_html(text: &str) -> Result<(String, Vec<Value>), String> {
    struct Open {
        tag: String,
        arg: String,
        start: usize,
    }
    let b = text.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let lossy = |r: std::ops::Range<usize>| String::from_utf8_lossy(&b[r]).to_string();
    let (mut out, mut pos16, mut i) = (String::new(), 0usize, 0usize);
    let mut stack: Vec<Open> = vec![];
    let mut entities = vec![];
    while i < b.len() {
        if b[i] == b'&' {
            let (ch, next) = decode_entity(b, i).ok_or_else(|| {
                format!("Unescaped \"&\" at byte offset {i} (fake server is strict: write &amp;amp;)")
            })?;
            out.push(ch);
            pos16 += ch.len_utf16();
            i = next;
            continue;
        }
        if b[i] != b'<' {
            let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
            out.push(ch);
            pos16 += ch.len_utf16();
            i += ch.len_utf8().max(1);
            continue;
        }
        let begin = i;
        i += 1;
        if at(i) != b'/' {
            let mut tag_end = i;
            while at(tag_end) != 0 && !is_space(at(tag_end)) && at(tag_end) != b'>' {
                tag_end += 1;
            }
            if at(tag_end) == 0 {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }
            let tag = lossy(i..tag_end).to_lowercase();
            if !HTML_TAGS.contains(&tag.as_str()) {
                return Err(format!("Unsupported start tag \"{tag}\" at byte offset {begin}"));
            }
            let mut arg = String::new();
            i = tag_end;
            while at(i) != b'>' {
                while at(i) != 0 && is_space(at(i)) {
                    i += 1;
                }
                if at(i) == b'>' {
                    break;
                }
                let name_begin = i;
                while at(i) != 0 && !is_space(at(i)) && at(i) != b'=' && at(i) != b'>' {
                    i += 1;
                }
                let name = lossy(name_begin..i);
                if name.is_empty() {
                    return Err(format!("Empty attribute name in the tag \"{tag}\" at byte offset {begin}"));
                }
                while at(i) != 0 && is_space(at(i)) {
                    i += 1;
                }
                if at(i) != b'=' {
                    if tag == "blockquote" && name == "expandable" {
                        arg = "1".into();
                        continue;
                    }
                    return Err(format!(
                        "Expected equal sign in declaration of an attribute of the tag \"{tag}\" at byte offset {begin}"
                    ));
                }
                i += 1;
                while at(i) != 0 && is_space(at(i)) {
                    i += 1;
                }
                if at(i) == 0 {
                    return Err(format!("Unclosed start tag \"{tag}\" at byte offset {begin}"));
                }
                let value = if at(i) != b'\'' && at(i) != b'"' {
                    let token_begin = i;
                    while at(i).is_ascii_alphanumeric() || at(i) == b'.' || at(i) == b'-' {
                        i += 1;
                    }
                    if !is_space(at(i)) && at(i) != b'>' {
                        return Err(format!("Unexpected end of name token at byte offset {token_begin}"));
                    }
                    lossy(token_begin..i).to_lowercase()
                } else {
                    let quote = at(i);
                    i += 1;
                    let mut v = vec![];
                    while at(i) != quote && at(i) != 0 {
                        if let Some((ch, next)) = (at(i) == b'&').then(|| decode_entity(b, i)).flatten() {
                            v.extend_from_slice(ch.to_string().as_bytes());
                            i = next;
                        } else {
                            v.push(at(i));
                            i += 1;
                        }
                    }
                    if at(i) == quote {
                        i += 1;
                    }
                    String::from_utf8_lossy(&v).to_string()
                };
                if at(i) == 0 {
                    return Err(format!("Unclosed start tag at byte offset {begin}"));
                }
                match (tag.as_str(), name.as_str()) {
                    ("a", "href") | ("tg-emoji", "emoji-id") => arg = value,
                    ("code", "class") if value.starts_with("language-") => arg = value[9..].to_string(),
                    ("span", "class") if value.starts_with("tg-") => arg = value[3..].to_string(),
                    _ => {}
                }
            }
            if tag == "span" && arg != "spoiler" {
                return Err(format!("Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"));
            }
            if tag == "tg-emoji" && arg.parse::<i64>().map_or(true, |id| id == 0) {
                return Err("Invalid custom emoji identifier specified".into());
            }
            stack.push(Open { tag, arg, start: pos16 });
            i += 1;
        } else {
            let Some(open) = stack.pop() else {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            };
            while at(i) != 0 && !is_space(at(i)) && at(i) != b'>' {
                i += 1;
            }
            let end_name = lossy(begin + 2..i);
            while at(i) != 0 && is_space(at(i)) {
                i += 1;
            }
            if at(i) != b'>' {
                return Err(format!("Unclosed end tag at byte offset {begin}"));
            }
            if !end_name.is_empty() && end_name != open.tag {
                return Err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                    open.tag
                ));
            }
            i += 1;
            if pos16 > open.start {
                let (offset, length) = (open.start, pos16 - open.start);
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
                // <pre><code class="language-x">..</code></pre> is one pre entity with a language.
                if kind == "code" {
                    if let Some(parent) = stack.last_mut().filter(|p| p.tag == "pre" && p.start == open.start) {
                        parent.arg = open.arg;
                        continue;
                    }
                }
                let mut e = json!({"type": kind, "offset": offset, "length": length});
                match kind {
                    "text_link" => e["url"] = json!(open.arg),
                    "custom_emoji" => e["custom_emoji_id"] = json!(open.arg),
                    "pre" if !open.arg.is_empty() => e["language"] = json!(open.arg),
                    _ => {}
                }
                entities.push(e);
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("Can't find end tag corresponding to start tag \"{}\"", open.tag));
    }
    entities.sort_by_key(|e| (e["offset"].as_u64(), std::cmp::Reverse(e["length"].as_u64())));
    Ok((out, entities))
}
