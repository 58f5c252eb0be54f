//! The Telegram adapter: our own long-polling loop, update → [`Input`], reply → message.
//!
//! Why not teloxide's dispatcher: its polling listener confirms updates (the next `getUpdates`
//! offset) before the handlers have finished, so a crash would lose updates in flight. Here the
//! offset moves past an update only after its effects are flushed to disk and its replies sent;
//! a redelivered update is recognised by its id and changes nothing.

mod limit;
mod send;

use limit::Limiter;
pub use limit::Limits;
pub use send::{split_text, MAX_TEXT};

use crate::app::App;
use crate::domain::{Lang, UserId};
use crate::files;
use crate::flow::{Command, Input, Person, Reply};
use crate::i18n::{Markup, Msg, Rendered, RenderedButton};
use crate::sender::{self, Deliver, DeliveryError};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use teloxide::payloads::{GetUpdatesSetters, SetMyCommandsSetters};
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, BotCommand, ChatKind, MessageId, Update, UpdateKind};
use teloxide::{ApiError, RequestError};

/// The Bot API with the one rate limiter that every outgoing message shares (direct replies
/// and the outbox alike). Cheap to clone. Requests go out through [`send::retry`], which waits
/// for the limiter and tells it about 429s; everything else (polling, answers to button presses,
/// the command menu) is not a message and goes straight to the [`Bot`] it dereferences to.
#[derive(Clone)]
pub struct Api {
    bot: Bot,
    limiter: Arc<Limiter>,
}

impl Api {
    /// The Bot API with a limiter keeping `limits`.
    #[must_use]
    pub fn new(bot: Bot, limits: Limits) -> Api {
        Api {
            bot,
            limiter: Arc::new(Limiter::new(limits)),
        }
    }
}

impl std::ops::Deref for Api {
    type Target = Bot;
    fn deref(&self) -> &Bot {
        &self.bot
    }
}

/// Seconds a `getUpdates` long poll waits; below the HTTP client's 17-second timeout.
const POLL_TIMEOUT_SECS: u32 = 10;

/// How long updates and outbox messages in hand may take to finish after SIGTERM or Ctrl-C,
/// so the process exits well within the 5 seconds service managers usually allow.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// The shutdown signal, waited on from many places: once it has fired it stays fired.
struct Stop<F> {
    signal: std::pin::Pin<Box<F>>,
    /// When it fired.
    at: Option<std::time::Instant>,
}

impl<F: Future<Output = ()>> Stop<F> {
    async fn wait(&mut self) {
        if self.at.is_none() {
            self.signal.as_mut().await;
            self.at = Some(std::time::Instant::now());
        }
    }
}

/// Errors that stop the adapter from starting.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    /// `getMe` failed: a wrong token or an unreachable API.
    #[error("cannot reach the Telegram Bot API or the token is wrong: {}", loggable(.0))]
    Start(RequestError),
}

/// One update turned into something the app understands.
struct Incoming {
    update_id: u32,
    person: Person,
    telegram_lang: Option<String>,
    input: Input,
    /// The message whose button was pressed, for replies that edit it in place.
    origin: Option<MessageId>,
    /// The callback query to answer, if the input came from a button.
    callback_id: Option<String>,
}

/// Runs the bot until `shutdown` resolves. Updates being handled when it does are finished and
/// flushed before this returns.
pub async fn run(
    app: App,
    bot: Bot,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Result<(), TelegramError> {
    let rounds = tokio::sync::watch::Sender::new(sender::Rounds::default());
    run_counted(app, bot, limits, shutdown, rounds).await
}

/// [`run`], with the outbox sender counting its rounds in `rounds`: what an in-process test on
/// a manual clock waits on (see [`sender::Rounds`]).
pub async fn run_counted(
    app: App,
    bot: Bot,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    rounds: tokio::sync::watch::Sender<sender::Rounds>,
) -> Result<(), TelegramError> {
    let bot = Api::new(bot, limits);
    let me = bot.get_me().await.map_err(TelegramError::Start)?;
    crate::ops::metrics::global().telegram_answered();
    let username = me.username.clone().unwrap_or_default();
    if !username.eq_ignore_ascii_case(&app.config.bot_username) {
        log::warn!(
            "telegram::run: the bot is @{username} but config bot.username is {}: deep links in posters will point elsewhere",
            app.config.bot_username
        );
    }
    if let Err(e) = bot.delete_webhook().await {
        log::debug!("telegram::run: deleteWebhook failed: {e}");
        log::warn!("telegram::run: deleteWebhook failed: {}", loggable(&e));
    }
    register_commands(&app, &bot).await;
    log::info!("telegram::run: polling as @{username}");

    let (stop_sender, sender_stopped) = tokio::sync::oneshot::channel::<()>();
    let delivery = TelegramDelivery {
        app: app.clone(),
        bot: bot.clone(),
    };
    let sender_app = app.clone();
    let sender_task = tokio::spawn(async move {
        let stopped = async move {
            let _ = sender_stopped.await;
        };
        sender::run_counted(sender_app, delivery, stopped, &rounds).await;
    });

    let mut stop = Stop {
        signal: Box::pin(shutdown),
        at: None,
    };
    let mut offset: i32 = 0;
    let mut backoff = Duration::from_millis(250);
    loop {
        crate::ops::metrics::global().polling();
        let request = bot
            .get_updates()
            .offset(offset)
            .timeout(POLL_TIMEOUT_SECS)
            .allowed_updates(vec![
                AllowedUpdate::Message,
                AllowedUpdate::CallbackQuery,
                AllowedUpdate::MyChatMember,
            ])
            .send();
        let updates = tokio::select! {
            () = stop.wait() => break,
            r = request => r,
        };
        let updates = match updates {
            Ok(u) => {
                crate::ops::metrics::global().telegram_answered();
                backoff = Duration::from_millis(250);
                u
            }
            Err(RequestError::RetryAfter(s)) => {
                tokio::select! {
                    () = stop.wait() => break,
                    () = tokio::time::sleep(s.duration()) => {}
                }
                continue;
            }
            Err(e) => {
                log::debug!("telegram::run: getUpdates failed: {e}");
                log::warn!(
                    "telegram::run: getUpdates failed, retrying in {backoff:?}: {}",
                    loggable(&e)
                );
                tokio::select! {
                    () = stop.wait() => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        let Some(last) = updates.last() else { continue };
        let next = i32::try_from(last.id.0)
            .unwrap_or(i32::MAX)
            .saturating_add(1);
        crate::ops::metrics::Metrics::add(&crate::ops::metrics::global().updates, updates.len());
        let batch = handle_batch(&app, &bot, updates);
        tokio::pin!(batch);
        let complete = tokio::select! {
            c = &mut batch => c,
            () = stop.wait() => {
                // Stop taking updates, but give the ones in hand time to finish. Past that they
                // are dropped unconfirmed: their effects are durable or not applied at all, and
                // unsent replies go out when Telegram delivers them again after the restart.
                match tokio::time::timeout(SHUTDOWN_GRACE, &mut batch).await {
                    Ok(c) => c,
                    Err(_) => {
                        log::warn!("telegram::run: updates still in hand at shutdown are left to the next start");
                        break;
                    }
                }
            }
        };
        if stop.at.is_some() {
            if complete {
                // Confirm the finished batch so it is not handled again after a restart.
                let confirm = bot.get_updates().offset(next).limit(1).timeout(0).send();
                let _ = tokio::time::timeout(Duration::from_secs(1), confirm).await;
            }
            break;
        }
        // Every update's own changes were flushed before its replies went; this one flush per
        // batch makes the marks "these replies were sent" durable before the next poll confirms
        // the batch, so that even a batch delivered again after a crash is not answered twice.
        if let Err(e) = app.store.flush().await {
            log::error!("telegram::run: flush after a batch failed: {e}");
        }
        if complete {
            // Only now, with every update of the batch durable and its replies sent, may the
            // next poll confirm them.
            offset = next;
            continue;
        }
        // Telegram failed in a way worth retrying (429, 5xx, network): poll the same batch
        // again later; the handled updates are recognised and only their unsent replies go.
        log::warn!("telegram::run: some replies could not be sent, retrying in {backoff:?}");
        tokio::select! {
            () = stop.wait() => break,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
    log::info!("telegram::run: shutting down");
    let _ = stop_sender.send(());
    // The sender finishes the message in hand; one still going at the deadline stays in the
    // outbox and is sent after the restart.
    let since = stop.at.map_or(Duration::ZERO, |t| t.elapsed());
    let left = SHUTDOWN_GRACE
        .saturating_sub(since)
        .max(Duration::from_millis(500));
    let abort = sender_task.abort_handle();
    match tokio::time::timeout(left, sender_task).await {
        Ok(Err(e)) if !e.is_cancelled() => {
            log::error!("telegram::run: the sender task failed: {e}");
        }
        Ok(_) => {}
        Err(_) => {
            log::warn!("telegram::run: the outbox message in hand is left to the next start");
            abort.abort();
        }
    }
    if let Err(e) = app.store.flush().await {
        log::error!("telegram::run: final flush failed: {e}");
    }
    Ok(())
}

/// Handles a batch in two phases. First every update is applied (each user's in order,
/// different users concurrently), without a flush; then one flush makes all of them durable
/// (group commit: one fsync for the batch instead of one per update); only then do the replies
/// go out, each user's in order, different users concurrently. Returns false when some reply
/// failed in a way worth retrying; that user's later replies then wait too (they are kept with
/// their updates, which stay unconfirmed).
async fn handle_batch(app: &App, bot: &Api, updates: Vec<Update>) -> bool {
    let mut per_chat: BTreeMap<u64, Vec<Update>> = BTreeMap::new();
    let mut other = Vec::new();
    for u in updates {
        match u.from().map(|f| f.id.0) {
            Some(id) => per_chat.entry(id).or_default().push(u),
            None => other.push(u),
        }
    }
    // Phase 1: apply.
    let mut tasks = tokio::task::JoinSet::new();
    for (_, list) in per_chat {
        let (app, bot) = (app.clone(), bot.clone());
        tasks.spawn(async move {
            let mut done = Vec::with_capacity(list.len());
            for u in list {
                done.push(apply_update(&app, &bot, u).await);
            }
            done
        });
    }
    let mut applied: Vec<Vec<Applied>> = Vec::new();
    for u in other {
        applied.push(vec![apply_update(app, bot, u).await]);
    }
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(list) => applied.push(list),
            Err(e) => log::error!("telegram::handle_batch: a handler task failed: {e}"),
        }
    }
    // Phase 2: make it durable, then let the outbox sender see what the batch queued.
    if applied.iter().flatten().any(Applied::changed) {
        if let Err(e) = app.store.flush().await {
            // Nothing of the batch may be confirmed or answered as if it were stored.
            log::error!("telegram::handle_batch: the batch could not be flushed: {e}");
            return false;
        }
    }
    if applied
        .iter()
        .flatten()
        .any(|a| matches!(a, Applied::Send { effects: true, .. }))
    {
        app.outbox_wake.notify_one();
    }
    // Phase 3: reply.
    let mut tasks = tokio::task::JoinSet::new();
    for list in applied {
        let (app, bot) = (app.clone(), bot.clone());
        tasks.spawn(async move {
            for a in list {
                if !reply(&app, &bot, a).await {
                    return false;
                }
            }
            true
        });
    }
    let mut complete = true;
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(done) => complete &= done,
            Err(e) => log::error!("telegram::handle_batch: a reply task failed: {e}"),
        }
    }
    complete
}

/// What applying one update left to do once the batch is durable.
enum Applied {
    /// Nothing to send.
    Nothing,
    /// A redelivered update: send what of its replies is still unsent.
    Resend { update_id: u32 },
    /// A new update, applied: answer its button press and send its replies.
    Send {
        update_id: u32,
        callback_id: Option<String>,
        unsent: Option<Unsent>,
        effects: bool,
    },
    /// The update could not be stored: say so.
    Failed { chat: ChatId, lang: Lang },
}

impl Applied {
    /// Whether the store changed (and must be flushed before the replies).
    fn changed(&self) -> bool {
        matches!(self, Applied::Send { .. })
    }
}

/// Phase 1 of [`handle_batch`] for one update.
async fn apply_update(app: &App, bot: &Api, update: Update) -> Applied {
    // A redelivered update (the bot stopped before confirming it) was handled already: its
    // effects are stored and its callback query answered (answering again would only earn a
    // 400). What may be left is replies that a crash or a failure kept from the user.
    match app.store.seen_update(update.id.0) {
        Ok(true) => {
            log::debug!("telegram: update {} seen before", update.id.0);
            return Applied::Resend {
                update_id: update.id.0,
            };
        }
        Ok(false) => {}
        Err(e) => log::warn!("telegram: update {} dedup check failed: {e}", update.id.0),
    }
    let Some(incoming) = incoming(app, bot, &update).await else {
        if let Err(e) = app.store.mark_update(update.id.0, app.clock.now()).await {
            log::warn!("telegram: update {} not recorded: {e}", update.id.0);
        }
        return Applied::Nothing;
    };
    let chat = ChatId(i64::try_from(incoming.person.user.0).unwrap_or(i64::MAX));
    // The replies are rendered before the commit and stored with it, so a crash between the
    // commit and the last reply leaves them to be sent when the update comes again.
    let mut unsent = None;
    let handled = app.handle_unflushed(
        Some(incoming.update_id),
        &incoming.person,
        incoming.telegram_lang.as_deref(),
        incoming.input,
        |lang, replies| {
            let u = Unsent::render(app, chat, incoming.origin, lang, replies);
            let bytes = if u.replies.is_empty() {
                Vec::new()
            } else {
                serde_json::to_vec(&u).unwrap_or_default()
            };
            unsent = Some(u);
            bytes
        },
    );
    match handled {
        Ok(h) if h.duplicate => Applied::Nothing,
        Ok(h) => Applied::Send {
            update_id: incoming.update_id,
            callback_id: incoming.callback_id,
            unsent,
            effects: h.effects,
        },
        Err(e) => {
            log::error!("telegram: update {} not stored: {e}", update.id.0);
            Applied::Failed {
                chat,
                lang: Lang::from_telegram(incoming.telegram_lang.as_deref()),
            }
        }
    }
}

/// Phase 3 of [`handle_batch`] for one update; false if its replies met a failure worth
/// retrying and are kept unsent.
async fn reply(app: &App, bot: &Api, applied: Applied) -> bool {
    match applied {
        Applied::Nothing => true,
        Applied::Resend { update_id } => resend_unsent(app, bot, update_id).await,
        Applied::Send {
            update_id,
            callback_id,
            unsent,
            ..
        } => {
            // The button's spinner is stopped while the replies go, not before: one round trip
            // less for every press.
            let answer = async {
                if let Some(id) = callback_id {
                    // "query is too old" after a restart is expected: the press is still handled.
                    if let Err(e) = bot
                        .answer_callback_query(teloxide::types::CallbackQueryId(id))
                        .await
                    {
                        log::debug!("telegram: answerCallbackQuery: {e}");
                    }
                }
            };
            let send = async {
                match unsent {
                    Some(u) => send_unsent(app, bot, update_id, u).await,
                    None => true,
                }
            };
            tokio::join!(answer, send).1
        }
        Applied::Failed { chat, lang } => {
            let text = app.i18n.text(lang, Msg::SomethingWrong, &[], Markup::Html);
            send::send_text(bot, chat, &text).await;
            true
        }
    }
}

/// An update's replies as they go to Telegram, kept with the update until they are sent.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Unsent {
    chat: i64,
    /// The message whose button was pressed, for replies that edit it.
    origin: Option<i32>,
    replies: Vec<Outbound>,
}

/// One rendered reply: HTML text, buttons as (label, callback data), and its file.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Outbound {
    text: String,
    buttons: Vec<Vec<(String, String)>>,
    edit: bool,
    /// The file, as kept until sent.
    file: Option<KeptFile>,
    /// The file's bytes when rendered in this process (not kept: a chart is drawn again from
    /// its description if the reply has to be sent after a restart).
    #[serde(skip)]
    rendered: Option<files::File>,
}

/// A reply's file as it is kept with its update. A chart is kept as the chart to draw (a few
/// hundred bytes rather than its image, written to disk with every `/demand`); text files (CSV,
/// calendar) as text; anything else as bytes.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum KeptFile {
    Chart(crate::chart::Chart),
    Text {
        name: String,
        text: String,
    },
    Bytes {
        name: String,
        bytes: Vec<u8>,
        photo: bool,
    },
}

impl KeptFile {
    /// The file to send: the bytes rendered at hand, else drawn or taken from what was kept.
    fn into_file(self, rendered: Option<files::File>) -> Option<files::File> {
        if rendered.is_some() {
            return rendered;
        }
        match self {
            KeptFile::Chart(chart) => files::chart_file(&chart)
                .map_err(|e| log::error!("telegram: kept chart not drawn: {e}"))
                .ok(),
            KeptFile::Text { name, text } => Some(files::File {
                name,
                bytes: text.into_bytes(),
                kind: files::FileKind::Document,
            }),
            KeptFile::Bytes { name, bytes, photo } => Some(files::File {
                name,
                bytes,
                kind: if photo {
                    files::FileKind::Photo
                } else {
                    files::FileKind::Document
                },
            }),
        }
    }
}

impl Unsent {
    fn render(
        app: &App,
        chat: ChatId,
        origin: Option<MessageId>,
        lang: Lang,
        replies: &[Reply],
    ) -> Unsent {
        let replies = replies
            .iter()
            .map(|reply| {
                let r = app.i18n.render(lang, reply, Markup::Html);
                let (file, rendered) = match &reply.attachment {
                    None => (None, None),
                    Some(a) => kept_file(app, lang, a),
                };
                Outbound {
                    text: r.text,
                    buttons: r
                        .buttons
                        .into_iter()
                        .map(|row| row.into_iter().map(|b| (b.label, b.data)).collect())
                        .collect(),
                    edit: r.edit,
                    file,
                    rendered,
                }
            })
            .collect();
        Unsent {
            chat: chat.0,
            origin: origin.map(|m| m.0),
            replies,
        }
    }
}

/// Renders an attachment, and what of it is kept until it is sent.
fn kept_file(
    app: &App,
    lang: Lang,
    a: &crate::flow::Attachment,
) -> (Option<KeptFile>, Option<files::File>) {
    if let Some(chart) = files::chart_of(&app.i18n, lang, a) {
        return match files::chart_file(&chart) {
            Ok(f) => (Some(KeptFile::Chart(chart)), Some(f)),
            Err(e) => {
                log::error!("telegram: chart not drawn: {e}");
                (None, None)
            }
        };
    }
    match files::render(&app.i18n, lang, a) {
        Ok(f) => {
            let kept = match (f.kind, std::str::from_utf8(&f.bytes)) {
                (files::FileKind::Document, Ok(text)) => KeptFile::Text {
                    name: f.name.clone(),
                    text: text.to_owned(),
                },
                (kind, _) => KeptFile::Bytes {
                    name: f.name.clone(),
                    bytes: f.bytes.clone(),
                    photo: kind == files::FileKind::Photo,
                },
            };
            (Some(kept), Some(f))
        }
        Err(e) => {
            log::error!("telegram: attachment not rendered: {e}");
            (None, None)
        }
    }
}

/// Sends what a redelivered update still has unsent.
async fn resend_unsent(app: &App, bot: &Api, update_id: u32) -> bool {
    let bytes = match app.store.unsent_replies(update_id) {
        Ok(Some(b)) => b,
        Ok(None) => return true,
        Err(e) => {
            log::warn!("telegram: update {update_id}: unsent replies not read: {e}");
            return true;
        }
    };
    match serde_json::from_slice::<Unsent>(&bytes) {
        Ok(u) => {
            log::info!("telegram: sending replies that a restart kept from a user");
            send_unsent(app, bot, update_id, u).await
        }
        Err(e) => {
            log::warn!("telegram: update {update_id}: unsent replies unreadable: {e}");
            true
        }
    }
}

/// Sends an update's replies in order, recording each as sent. Stops at a failure worth
/// retrying (returning false, the rest kept); other failures are logged and skipped, and a
/// user who blocked the bot is marked unreachable.
async fn send_unsent(app: &App, bot: &Api, update_id: u32, mut u: Unsent) -> bool {
    let chat = ChatId(u.chat);
    let origin = u.origin.map(MessageId);
    while !u.replies.is_empty() {
        let o = u.replies.remove(0);
        let rendered = Rendered {
            text: o.text,
            buttons: o
                .buttons
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|(label, data)| RenderedButton { label, data })
                        .collect()
                })
                .collect(),
            edit: o.edit,
        };
        let file = o.file.and_then(|k| k.into_file(o.rendered));
        if let Err(e) = send::send_reply(bot, chat, &rendered, file.as_ref(), origin).await {
            log::debug!("telegram: a reply was not sent: {e}");
            if retryable(&e) {
                log::warn!("telegram: a reply could not be sent yet: {}", loggable(&e));
                return false;
            }
            log::warn!("telegram: a reply could not be sent: {}", loggable(&e));
            if let RequestError::Api(api) = &e {
                if unreachable(api) {
                    if let Ok(user) = u64::try_from(u.chat) {
                        if let Err(e) = app.store.mark_unreachable(UserId(user), app.clock.now()) {
                            log::warn!("telegram: could not mark a user unreachable: {e}");
                        }
                    }
                }
            }
        }
        let rest = if u.replies.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&u).unwrap_or_default()
        };
        if let Err(e) = app.store.replies_sent(update_id, &rest) {
            log::warn!("telegram: update {update_id}: sent replies not recorded: {e}");
        }
    }
    // The marks are flushed once for the whole batch (see `run`): a crash before that sends
    // these replies again (at least once); a flush per update would cost a second fsync.
    true
}

/// Failures that may pass: Telegram asking to wait, a server error, a broken connection.
fn retryable(e: &RequestError) -> bool {
    match e {
        RequestError::RetryAfter(_)
        | RequestError::Network(_)
        | RequestError::Io(_)
        | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(s)) => {
            let s = s.to_ascii_lowercase();
            [
                "internal server error",
                "bad gateway",
                "service unavailable",
                "gateway timeout",
            ]
            .iter()
            .any(|p| s.contains(p))
        }
        _ => false,
    }
}

/// Turns an update into input, or handles it here when it is not a conversation step.
async fn incoming(app: &App, bot: &Api, update: &Update) -> Option<Incoming> {
    let update_id = update.id.0;
    match &update.kind {
        UpdateKind::Message(m) => {
            if !m.chat.is_private() {
                return None; // kokoon talks in private chats only; see MyChatMember below
            }
            let from = m.from.as_ref()?;
            let input = match m.text() {
                Some(t) => Input::from_text(t),
                None => Input::Unsupported,
            };
            Some(Incoming {
                update_id,
                person: person(from),
                telegram_lang: from.language_code.clone(),
                input,
                origin: None,
                callback_id: None,
            })
        }
        UpdateKind::CallbackQuery(q) => {
            let origin = q
                .message
                .as_ref()
                .filter(|m| m.chat().is_private())
                .map(|m| m.id());
            Some(Incoming {
                update_id,
                person: person(&q.from),
                telegram_lang: q.from.language_code.clone(),
                input: Input::Button(q.data.clone().unwrap_or_default()),
                origin,
                callback_id: Some(q.id.0.clone()),
            })
        }
        UpdateKind::MyChatMember(m) => {
            let joined = !m.old_chat_member.is_present() && m.new_chat_member.is_present();
            if joined && matches!(m.chat.kind, ChatKind::Public(_)) {
                // Added to a group: say once, briefly, to write privately. Nothing is stored.
                let lang = Lang::from_telegram(m.from.language_code.as_deref());
                let text = app.i18n.text(lang, Msg::GroupChatOnly, &[], Markup::Html);
                send::send_text(bot, m.chat.id, &text).await;
            } else if m.chat.is_private() && m.new_chat_member.is_banned() {
                log::info!("telegram: a user blocked the bot");
                let marked = app
                    .store
                    .mark_unreachable(UserId(m.from.id.0), app.clock.now());
                let flushed = app.store.flush().await;
                if let Err(e) = marked.and(flushed) {
                    log::warn!("telegram: could not mark a user unreachable: {e}");
                }
            }
            None
        }
        _ => None,
    }
}

/// Renders and sends one reply (with its file, if any).
async fn deliver_reply(
    app: &App,
    bot: &Api,
    chat: ChatId,
    lang: Lang,
    reply: &Reply,
    origin: Option<MessageId>,
) -> Result<(), RequestError> {
    let rendered = app.i18n.render(lang, reply, Markup::Html);
    let file = match &reply.attachment {
        Some(a) => match files::render(&app.i18n, lang, a) {
            Ok(f) => Some(f),
            Err(e) => {
                log::error!("telegram: attachment not rendered: {e}");
                None
            }
        },
        None => None,
    };
    send::send_reply(bot, chat, &rendered, file.as_ref(), origin).await
}

/// Delivers outbox messages through the Bot API.
pub struct TelegramDelivery {
    app: App,
    bot: Api,
}

impl Deliver for TelegramDelivery {
    async fn deliver(&self, to: UserId, lang: Lang, reply: &Reply) -> Result<(), DeliveryError> {
        let chat = ChatId(i64::try_from(to.0).unwrap_or(i64::MAX));
        match deliver_reply(&self.app, &self.bot, chat, lang, reply, None).await {
            Ok(()) => Ok(()),
            Err(RequestError::RetryAfter(s)) => Err(DeliveryError::RetryAfter(s.duration())),
            Err(RequestError::Api(e)) if unreachable(&e) => {
                Err(DeliveryError::Unreachable(e.to_string()))
            }
            Err(e) => {
                log::debug!("telegram: delivery failed: {e}");
                Err(DeliveryError::Failed(loggable(&e)))
            }
        }
    }
}

/// Errors that mean the user cannot be messaged until they (re)start the bot.
fn unreachable(e: &ApiError) -> bool {
    match e {
        ApiError::BotBlocked
        | ApiError::ChatNotFound
        | ApiError::UserDeactivated
        | ApiError::CantInitiateConversation
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup => true,
        // teloxide 0.13 expects "Unauthorized: ..." where Telegram now says "Forbidden: ...".
        ApiError::Unknown(s) => s.starts_with("Forbidden:"),
        _ => false,
    }
}

fn person(u: &teloxide::types::User) -> Person {
    let name = match &u.last_name {
        Some(last) => format!("{} {last}", u.first_name),
        None => u.first_name.clone(),
    };
    Person {
        user: UserId(u.id.0),
        name,
        username: u.username.clone(),
    }
}

/// The description of a command in the menu every user sees (coordinators' commands are not
/// listed there: to anyone else they do not exist).
fn command_msg(c: Command) -> Msg {
    match c {
        Command::Mine => Msg::CmdMine,
        Command::Lang => Msg::CmdLang,
        Command::Cancel => Msg::CmdCancel,
        Command::Privacy => Msg::CmdPrivacy,
        Command::MyData => Msg::CmdMyData,
        Command::Forget => Msg::CmdForget,
        Command::Events => Msg::CmdEvents,
        Command::Help
        | Command::Demand
        | Command::Export
        | Command::Launch
        | Command::Qr
        | Command::NewEvent
        | Command::Broadcast
        | Command::Feedback => Msg::CmdHelp,
    }
}

/// Registers the command list in each language, and Finnish as the default for the rest.
async fn register_commands(app: &App, bot: &Api) {
    let commands = |lang: Lang| -> Vec<BotCommand> {
        let desc = |m: Msg| app.i18n.text(lang, m, &[], Markup::Plain);
        let mut list = vec![BotCommand::new("start", desc(Msg::CmdStart))];
        list.extend(
            Command::ALL
                .iter()
                .map(|c| BotCommand::new(c.name(), desc(command_msg(*c)))),
        );
        list
    };
    if let Err(e) = bot.set_my_commands(commands(Lang::Fi)).await {
        log::warn!("telegram: setMyCommands (default) failed: {}", loggable(&e));
    }
    for lang in Lang::ALL {
        if let Err(e) = bot
            .set_my_commands(commands(lang))
            .language_code(lang.code())
            .await
        {
            log::warn!(
                "telegram: setMyCommands ({}) failed: {}",
                lang.code(),
                loggable(&e)
            );
        }
    }
}

/// A Telegram error as it may be logged above debug level: what kind of error it is, never the
/// raw texts in it. Telegram's descriptions (an unknown error, unparsable entities) and an
/// unreadable response can quote the messages and names they were about, and a network error
/// names the request's URL, which holds the bot's token. The whole error goes to the debug log.
#[must_use]
pub fn loggable(e: &RequestError) -> String {
    match e {
        RequestError::Api(ApiError::Unknown(_)) => "an API error kokoon does not know".into(),
        RequestError::Api(ApiError::CantParseEntities(_)) => {
            "Bad Request: can't parse entities".into()
        }
        // The other API errors are Telegram's fixed texts.
        RequestError::Api(api) => format!("API error: {api}"),
        RequestError::MigrateToChatId(_) => "the group was migrated to a supergroup".into(),
        RequestError::RetryAfter(s) => format!("retry after {}s", s.seconds()),
        RequestError::Network(n) => {
            let what = if n.is_timeout() {
                "timed out"
            } else if n.is_connect() {
                "could not connect"
            } else {
                "the connection failed"
            };
            format!("network error: {what}")
        }
        RequestError::InvalidJson { source, .. } => format!(
            "an unreadable answer from Telegram (JSON error at line {}, column {})",
            source.line(),
            source.column()
        ),
        RequestError::Io(io) => format!("I/O error: {:?}", io.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{Bar, Chart};

    fn chart() -> Chart {
        Chart {
            title: "Tilli Toukka".into(),
            bars: vec![Bar {
                label: "Hyvinkää".into(),
                value: 4,
            }],
            threshold: 6,
            threshold_label: "Ryhmä alkaa, kun mukana on 6".into(),
            value_label: "Lapsia".into(),
        }
    }

    /// A kept chart is its description, not its image, and is drawn again after a restart.
    #[test]
    fn a_kept_chart_is_small_and_drawn_again() {
        let u = Unsent {
            chat: 1,
            origin: None,
            replies: vec![Outbound {
                text: "Kysyntä".into(),
                buttons: Vec::new(),
                edit: false,
                file: Some(KeptFile::Chart(chart())),
                rendered: files::chart_file(&chart()).ok(),
            }],
        };
        let image = u.replies[0].rendered.as_ref().map_or(0, |f| f.bytes.len());
        let kept = serde_json::to_vec(&u).expect("json");
        assert!(
            kept.len() < 1000 && image > 1000,
            "kept {} image {image}",
            kept.len()
        );
        let back: Unsent = serde_json::from_slice(&kept).expect("back");
        let o = back.replies.into_iter().next().expect("one reply");
        assert!(o.rendered.is_none());
        let file = o
            .file
            .and_then(|k| k.into_file(o.rendered))
            .expect("a file");
        assert_eq!(file.kind, files::FileKind::Photo);
        assert!(file.bytes.starts_with(b"\x89PNG"));
    }

    #[test]
    fn kept_text_files_stay_text() {
        let k = KeptFile::Text {
            name: "kokoon.csv".into(),
            text: "\u{feff}a;b\n".into(),
        };
        let json = serde_json::to_string(&k).expect("json");
        assert!(json.contains("a;b"));
        let back: KeptFile = serde_json::from_str(&json).expect("back");
        let f = back.into_file(None).expect("a file");
        assert_eq!(f.kind, files::FileKind::Document);
        assert_eq!(f.bytes, "\u{feff}a;b\n".as_bytes());
    }
}
