//! The Telegram adapter: our own long-polling loop, update → [`Input`], reply → message.
//!
//! Why not teloxide's dispatcher: its polling listener confirms updates (the next `getUpdates`
//! offset) before the handlers have finished, so a crash would lose updates in flight. Here the
//! offset moves past an update only after its effects and its rendered replies are flushed to
//! disk; a redelivered update is recognised by its id and changes nothing. The replies are sent
//! by a dispatcher beside the loop ([`queue`] decides the order), so one chat's replies never
//! hold up another's or the next batch; those still unsent when the process stops are read from
//! the store and sent at the next start.

mod inbound;
mod limit;
mod queue;
mod send;
mod webhook;

pub use inbound::InboundLimit;
use inbound::{Admit, Inbound};
use limit::Limiter;
pub use limit::Limits;
use queue::{Next, Queue, Sent};
pub use send::{layout, split_text, visible_len, Layout, MAX_CAPTION, MAX_TEXT};
pub use webhook::{Secret, Webhook, SECRET_HEADER};

use crate::app::App;
use crate::domain::{Lang, UserId};
use crate::files;
use crate::flow::{Command, Input, Person, Reply};
use crate::i18n::{Markup, Rendered, RenderedButton};
use crate::msg::Msg;
use crate::sender::{self, Deliver, DeliveryError};
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::payloads::{GetUpdatesSetters, SetMyCommandsSetters};
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, BotCommand, ChatKind, MessageId, Update, UpdateKind};
use teloxide::{ApiError, RequestError};
use tokio::sync::Notify;

/// The Bot API with the one rate limiter that every outgoing message shares (direct replies
/// and the outbox alike). Cheap to clone. Requests go out through [`send::retry`], which waits
/// for the limiter and tells it about 429s; everything else (polling, answers to button presses,
/// the command menu) is not a message and goes straight to the [`Bot`] it dereferences to.
#[derive(Clone)]
pub struct Api {
    bot: Bot,
    limiter: Arc<Limiter>,
    /// Whose messages these are: replies go before the outbox's ([`limit::Priority`]).
    priority: limit::Priority,
}

impl Api {
    /// The Bot API with a limiter keeping `limits`, for replies.
    #[must_use]
    pub fn new(bot: Bot, limits: Limits) -> Api {
        Api {
            bot,
            limiter: Arc::new(Limiter::new(limits)),
            priority: limit::Priority::Reply,
        }
    }

    /// The same API and limiter for the outbox: its messages give way to replies.
    #[must_use]
    pub fn background(&self) -> Api {
        Api {
            priority: limit::Priority::Background,
            ..self.clone()
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
    /// The webhook's listener could not be bound.
    #[error("{0}")]
    Listen(String),
    /// Telegram refused `setWebhook` (an address it does not accept, say).
    #[error("Telegram refused the webhook: {}", loggable(.0))]
    SetWebhook(RequestError),
}

/// Where updates come from.
#[derive(Debug, Clone, Default)]
pub enum Source {
    /// Long polling with `getUpdates` (the webhook, if one was set, is deleted).
    #[default]
    Polling,
    /// Telegram delivers to our listener ([`webhook`]).
    Webhook(Webhook),
}

/// The kinds of update the bot handles, asked for by polling and by `setWebhook` alike.
const ALLOWED: &[AllowedUpdate] = &[
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MyChatMember,
];

/// In webhook mode, how often Telegram is asked how the webhook fares (`getWebhookInfo`): it
/// keeps readiness honest when nobody writes, and logs the errors Telegram met delivering.
const WEBHOOK_CHECK: Duration = Duration::from_secs(60);

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

/// Runs the bot until `shutdown` resolves, with the per-chat inbound limit `KOKOON_INBOUND_LIMIT`
/// sets (checked by `kokoon run` before it starts; [`InboundLimit::DEFAULT`] if unset). See
/// [`run_with`].
pub async fn run(
    app: App,
    bot: Bot,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Result<(), TelegramError> {
    let inbound = InboundLimit::parse(&std::env::var("KOKOON_INBOUND_LIMIT").unwrap_or_default())
        .unwrap_or_else(|e| {
            log::warn!("telegram::run: KOKOON_INBOUND_LIMIT {e}: the default is used");
            InboundLimit::DEFAULT
        });
    let rounds = tokio::sync::watch::Sender::new(sender::Rounds::default());
    run_with(app, bot, limits, inbound, shutdown, rounds).await
}

/// [`run`], with updates coming from `source`: long polling or a webhook.
pub async fn run_from(
    app: App,
    bot: Bot,
    limits: Limits,
    source: Source,
    shutdown: impl Future<Output = ()>,
) -> Result<(), TelegramError> {
    let inbound = InboundLimit::parse(&std::env::var("KOKOON_INBOUND_LIMIT").unwrap_or_default())
        .unwrap_or_else(|e| {
            log::warn!("telegram::run: KOKOON_INBOUND_LIMIT {e}: the default is used");
            InboundLimit::DEFAULT
        });
    let rounds = tokio::sync::watch::Sender::new(sender::Rounds::default());
    run_inner(app, bot, limits, inbound, source, shutdown, rounds, false).await
}

/// [`run`], with the outbox sender counting its rounds in `rounds`: what an in-process test on
/// a manual clock waits on (see [`sender::Rounds`]). Without the per-chat inbound limit: tests
/// drive a chat far faster than anyone types (`kokoon run` sets the limit with [`run_with`]).
pub async fn run_counted(
    app: App,
    bot: Bot,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    rounds: tokio::sync::watch::Sender<sender::Rounds>,
) -> Result<(), TelegramError> {
    run_inner(
        app,
        bot,
        limits,
        InboundLimit::Off,
        Source::Polling,
        shutdown,
        rounds,
        true,
    )
    .await
}

/// Runs the bot until `shutdown` resolves, the outbox sender counting its rounds in `rounds`.
/// Updates being handled when it does are finished and flushed before this returns; replies
/// still waiting then stay kept in the store and go after the restart.
///
/// The polling loop and the replies are apart. The loop takes a batch, applies it, flushes it
/// (the updates' effects and their rendered replies, kept with them), queues the replies and
/// at once asks for the next batch, which confirms this one to Telegram. A dispatcher sends
/// the queued replies ([`queue`]): each chat's in order at its own pace, every chat beside the
/// others. Replies owed when the process stopped are read from the store at the start and
/// queued first; they hold up nothing new.
pub async fn run_with(
    app: App,
    bot: Bot,
    limits: Limits,
    inbound: InboundLimit,
    shutdown: impl Future<Output = ()>,
    rounds: tokio::sync::watch::Sender<sender::Rounds>,
) -> Result<(), TelegramError> {
    run_inner(
        app,
        bot,
        limits,
        inbound,
        Source::Polling,
        shutdown,
        rounds,
        false,
    )
    .await
}

/// [`run_with`]; with `lockstep` the next poll waits until the batch's replies went, so that a
/// batch confirmed to Telegram has been answered: what the in-process tests' harness takes
/// as "kokoon is idle" ([`run_counted`]). Updates come from `source`.
#[allow(clippy::too_many_arguments)]
async fn run_inner(
    app: App,
    bot: Bot,
    limits: Limits,
    inbound: InboundLimit,
    source: Source,
    shutdown: impl Future<Output = ()>,
    rounds: tokio::sync::watch::Sender<sender::Rounds>,
    lockstep: bool,
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
    // Polling: a webhook left from a webhook run would make every getUpdates fail. Webhook: the
    // listener is up before Telegram is told where it is.
    let mut listening = None;
    match &source {
        Source::Polling => {
            if let Err(e) = bot.delete_webhook().await {
                log::debug!("telegram::run: deleteWebhook failed: {e}");
                log::warn!("telegram::run: deleteWebhook failed: {}", loggable(&e));
            }
        }
        Source::Webhook(hook) => {
            let l = webhook::listen(hook).await.map_err(TelegramError::Listen)?;
            if let Err(e) = webhook::register(&bot, hook).await {
                l.stop().await;
                return Err(TelegramError::SetWebhook(e));
            }
            log::info!(
                "telegram::run: webhook set; listening on {} for deliveries",
                l.bound
            );
            listening = Some(l);
        }
    }
    // The command menu is not needed to answer anyone: set it beside the polling, so that a
    // start (after a crash, say) answers what waits as soon as it can.
    tokio::spawn({
        let (app, bot) = (app.clone(), bot.clone());
        async move { register_commands(&app, &bot).await }
    });
    match &source {
        Source::Polling => log::info!("telegram::run: polling as @{username}"),
        Source::Webhook(_) => log::info!("telegram::run: taking webhook deliveries as @{username}"),
    }

    let (stop_sender, sender_stopped) = tokio::sync::oneshot::channel::<()>();
    let delivery = TelegramDelivery {
        app: app.clone(),
        bot: bot.background(),
    };
    let sender_app = app.clone();
    let sender_task = tokio::spawn(async move {
        let stopped = async move {
            let _ = sender_stopped.await;
        };
        sender::run_counted(sender_app, delivery, stopped, &rounds).await;
    });

    // Replies owed from before: queued before the first poll, so that each chat's come before
    // the replies to its new updates.
    let out = Arc::new(Outgoing::new());
    queue_kept_replies(&app, &out);
    let dispatcher = tokio::spawn(dispatch(app.clone(), bot.clone(), out.clone()));
    let mut inbound = Inbound::new(inbound);

    let mut stop = Stop {
        signal: Box::pin(shutdown),
        at: None,
    };
    match (listening, &source) {
        (Some(l), Source::Webhook(hook)) => {
            take_deliveries(&app, &bot, &out, &mut inbound, &mut stop, l, hook).await;
        }
        _ => poll(&app, &bot, &out, &mut inbound, &mut stop, lockstep).await,
    }
    log::info!("telegram::run: shutting down");
    let _ = stop_sender.send(());
    // The replies waiting and the outbox message in hand get what is left of the grace; what
    // is still going at the deadline stays kept and is sent after the restart.
    let since = stop.at.map_or(Duration::ZERO, |t| t.elapsed());
    let left = SHUTDOWN_GRACE
        .saturating_sub(since)
        .max(Duration::from_millis(500));
    let deadline = tokio::time::Instant::now() + left;
    let drained = out.drained();
    if tokio::time::timeout_at(deadline, drained).await.is_err() {
        log::warn!("telegram::run: replies still waiting are left to the next start");
    }
    dispatcher.abort();
    let abort = sender_task.abort_handle();
    match tokio::time::timeout_at(deadline, sender_task).await {
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

/// The polling loop: takes a batch, applies it, and asks for the next batch (which confirms
/// this one) only once it is durable. Returns when `stop` fires.
async fn poll<F: Future<Output = ()>>(
    app: &App,
    bot: &Api,
    out: &Arc<Outgoing>,
    inbound: &mut Inbound,
    stop: &mut Stop<F>,
    lockstep: bool,
) {
    let mut offset: i32 = 0;
    let mut backoff = Duration::from_millis(250);
    // The offset Telegram last answered a poll for: every update before it is confirmed.
    let mut confirmed: i32 = 0;
    loop {
        crate::ops::metrics::global().polling();
        let request = bot
            .get_updates()
            .offset(offset)
            .timeout(POLL_TIMEOUT_SECS)
            .allowed_updates(ALLOWED.to_vec())
            .send();
        let updates = tokio::select! {
            () = stop.wait() => break,
            r = request => r,
        };
        let updates = match updates {
            Ok(u) => {
                crate::ops::metrics::global().telegram_answered();
                backoff = Duration::from_millis(250);
                confirmed = offset;
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
        let updates = admit(app, bot, out, inbound, updates);
        let batch = handle_batch(app, bot, out, updates);
        tokio::pin!(batch);
        let durable = tokio::select! {
            c = &mut batch => c,
            () = stop.wait() => {
                // Stop taking updates, but give the ones in hand time to finish. Past that they
                // are dropped unconfirmed: their effects are durable or not applied at all, and
                // their replies are kept in the store and go after the restart.
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
            if durable {
                offset = next; // confirmed below, on the way out
            }
            break;
        }
        if durable {
            // The batch's effects and replies are on disk: the next poll may confirm it, and
            // its replies go whatever happens to this process.
            if lockstep {
                tokio::select! {
                    () = stop.wait() => {}
                    () = out.drained() => {}
                }
            }
            offset = next;
            continue;
        }
        log::warn!("telegram::run: a batch could not be stored, retrying in {backoff:?}");
        tokio::select! {
            () = stop.wait() => break,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
    // A handled batch is confirmed by the next poll. A stop that comes before that poll reached
    // Telegram would leave the batch to be delivered again after the restart: harmless against
    // this store (it knows the ids), but not against one restored from a backup older than them
    // (an erased parent's last button press would be handled again and bring a record back).
    if offset > confirmed {
        let confirm = bot.get_updates().offset(offset).limit(1).timeout(0).send();
        let _ = tokio::time::timeout(Duration::from_secs(1), confirm).await;
    }
}

/// The webhook's loop: takes what the listener was given (as many deliveries as are waiting, as
/// one batch: one flush), applies it like a polled batch, and only then lets the listener
/// answer Telegram: 200 if the batch is durable, 503 if not (Telegram delivers it again).
/// Returns when `stop` fires; deliveries still waiting then get a 503.
async fn take_deliveries<F: Future<Output = ()>>(
    app: &App,
    bot: &Api,
    out: &Arc<Outgoing>,
    inbound: &mut Inbound,
    stop: &mut Stop<F>,
    mut listening: webhook::Listening,
    hook: &Webhook,
) {
    let mut waiting = Vec::new();
    let mut check = tokio::time::interval(WEBHOOK_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        crate::ops::metrics::global().polling();
        let n = tokio::select! {
            () = stop.wait() => break,
            n = listening.rx.recv_many(&mut waiting, 100) => n,
            _ = check.tick() => {
                check_webhook(app, bot, hook).await;
                continue;
            }
        };
        if n == 0 {
            break;
        }
        // A delivery with our secret is Telegram answering.
        crate::ops::metrics::global().telegram_answered();
        crate::ops::metrics::Metrics::add(&crate::ops::metrics::global().updates, n);
        let (updates, done): (Vec<Update>, Vec<_>) = waiting
            .drain(..)
            .map(|d: webhook::Delivery| (d.update, d.done))
            .unzip();
        let updates = admit(app, bot, out, inbound, updates);
        let batch = handle_batch(app, bot, out, updates);
        tokio::pin!(batch);
        let durable = tokio::select! {
            c = &mut batch => c,
            () = stop.wait() => {
                match tokio::time::timeout(SHUTDOWN_GRACE, &mut batch).await {
                    Ok(c) => c,
                    Err(_) => {
                        log::warn!("telegram::run: updates still in hand at shutdown are left to Telegram's redelivery");
                        false
                    }
                }
            }
        };
        // Dropped (flooding) updates are confirmed with their batch, as when polling.
        for d in done {
            let _ = d.send(durable);
        }
        if !durable {
            log::warn!("telegram::run: a batch could not be stored; Telegram delivers it again");
        }
        if stop.at.is_some() {
            break;
        }
    }
    listening.stop().await;
}

/// Asks Telegram how the webhook fares: an answer counts for readiness; an error Telegram met
/// delivering lately, or the webhook pointing elsewhere (another instance), is logged.
async fn check_webhook(app: &App, bot: &Api, hook: &Webhook) {
    match bot.get_webhook_info().await {
        Ok(info) => {
            crate::ops::metrics::global().telegram_answered();
            if info.url.as_ref().map(reqwest::Url::as_str) != Some(hook.url.as_str()) {
                log::warn!(
                    "telegram::webhook: Telegram delivers to {} rather than to this process's {}: is another kokoon running with this token?",
                    info.url.as_ref().map_or("nowhere (no webhook)", reqwest::Url::as_str),
                    hook.url
                );
            }
            if let (Some(at), Some(why)) = (info.last_error_date, info.last_error_message) {
                let lately =
                    app.clock.now() - chrono::Duration::seconds(2 * WEBHOOK_CHECK.as_secs() as i64);
                if at >= lately {
                    log::warn!(
                        "telegram::webhook: Telegram could not deliver lately ({} waiting): {why}",
                        info.pending_update_count
                    );
                }
            }
        }
        Err(e) => {
            log::debug!("telegram::webhook: getWebhookInfo failed: {e}");
            log::warn!("telegram::webhook: getWebhookInfo failed: {}", loggable(&e));
        }
    }
}

/// The replies waiting to go, shared by the polling loop (which queues them) and the
/// dispatcher (which sends them).
struct Outgoing {
    queue: Mutex<Queue<Job>>,
    /// Updates whose kept replies are queued or being sent: a redelivery of one of them must
    /// not queue them a second time.
    owed: Mutex<HashSet<u32>>,
    /// Something was queued or finished.
    wake: Notify,
    /// Replies were marked sent since the last flush.
    dirty: AtomicBool,
}

/// Waiting jobs one chat may have before its further updates are dropped: with the inbound
/// limit (20 updates in 10 s) and Telegram's pace (one message a second) a chat reaches this
/// only by flooding.
const QUEUED_PER_CHAT: usize = 40;

/// Sends at once, all chats: the rate limiter spaces them; this bounds connections.
const MAX_IN_FLIGHT: usize = 64;

impl Outgoing {
    fn new() -> Outgoing {
        Outgoing {
            queue: Mutex::new(
                Queue::new(QUEUED_PER_CHAT, MAX_IN_FLIGHT).after_tries(send::QUICK_TRIES),
            ),
            owed: Mutex::new(HashSet::new()),
            wake: Notify::new(),
            dirty: AtomicBool::new(false),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Queue<Job>) -> T) -> T {
        let mut q = self
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut q)
    }

    fn owed<T>(&self, f: impl FnOnce(&mut HashSet<u32>) -> T) -> T {
        let mut o = self
            .owed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut o)
    }

    /// Queues an update's kept replies.
    fn push_kept(&self, update_id: u32, unsent: Unsent) {
        if unsent.replies.is_empty() {
            return;
        }
        self.owed(|o| o.insert(update_id));
        let chat = unsent.chat;
        self.with(|q| q.push(chat, Job::Kept { update_id, unsent }));
        self.wake.notify_one();
    }

    /// Queues a note kept with no update.
    fn push_note(&self, chat: i64, text: String) {
        self.with(|q| q.push(chat, Job::Note { text }));
        self.wake.notify_one();
    }

    /// Resolves once nothing is waiting or being sent (at shutdown). It looks every 2 ms
    /// rather than waiting on `wake`, whose wake-ups are the dispatcher's.
    async fn drained(&self) {
        while !self.with(|q| q.is_empty()) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// What the dispatcher sends for a chat.
enum Job {
    /// An update's replies, kept with it in the store until sent.
    Kept { update_id: u32, unsent: Unsent },
    /// A short note kept nowhere (the store failed; slow down).
    Note { text: String },
}

/// Reads the replies a previous run owed and queues them.
fn queue_kept_replies(app: &App, out: &Outgoing) {
    let kept = match app.store.kept_replies() {
        Ok(k) => k,
        Err(e) => {
            log::error!("telegram: the replies kept from before could not be read: {e}");
            return;
        }
    };
    for (update_id, bytes) in kept {
        match serde_json::from_slice::<Unsent>(&bytes) {
            Ok(u) => {
                log::info!("telegram: sending replies that a restart kept from a user");
                out.push_kept(update_id, u);
            }
            Err(e) => log::warn!("telegram: update {update_id}: unsent replies unreadable: {e}"),
        }
    }
}

/// Sends the queued replies as [`Queue::next`] decides, each job in a task of its own.
async fn dispatch(app: App, bot: Api, out: Arc<Outgoing>) {
    loop {
        let notified = out.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let now = limit::now();
        let next = out.with(|q| q.next(now, |chat| bot.limiter.chat_ready(chat, now)));
        let until = match next {
            Next::Send(chat, job) => {
                let (app, bot, out) = (app.clone(), bot.clone(), out.clone());
                tokio::spawn(async move {
                    let sent = send_job(&app, &bot, &out, chat, job).await;
                    out.dirty.store(true, Ordering::Release);
                    out.with(|q| q.finished(chat, sent, limit::now()));
                    out.wake.notify_one();
                });
                continue;
            }
            Next::At(t) => Some(t),
            Next::Idle => None,
        };
        // Nothing to send right now: make the marks of what was sent durable (so that a crash
        // does not send it again), then wait.
        if out.dirty.swap(false, Ordering::AcqRel) {
            if let Err(e) = app.store.flush().await {
                log::warn!("telegram: flushing the sent marks failed: {e}");
            }
        }
        match until {
            Some(t) => {
                tokio::select! {
                    () = &mut notified => {}
                    () = tokio::time::sleep_until(t.into()) => {}
                }
            }
            None => notified.await,
        }
    }
}

/// Sends one job; what is left of it if it met a failure worth retrying.
async fn send_job(app: &App, bot: &Api, out: &Outgoing, chat: i64, job: Job) -> Sent<Job> {
    match job {
        Job::Kept { update_id, unsent } => match send_unsent(app, bot, update_id, unsent).await {
            Ok(()) => {
                out.owed(|o| o.remove(&update_id));
                Sent::Done
            }
            Err(rest) => Sent::Retry(Job::Kept {
                update_id,
                unsent: rest,
            }),
        },
        Job::Note { text } => {
            send::send_text(bot, ChatId(chat), &text).await;
            Sent::Done
        }
    }
}

/// The per-chat inbound limit and the bound on a chat's queue, applied to a batch: returns the
/// updates to handle. A chat over its limit gets one "slow down" note; its further updates in
/// that window, and those of a chat whose replies fill its queue, are dropped here (confirmed
/// with the batch, never applied), and a dropped button press is answered so its spinner stops.
fn admit(
    app: &App,
    bot: &Api,
    out: &Outgoing,
    inbound: &mut Inbound,
    updates: Vec<Update>,
) -> Vec<Update> {
    let now = limit::now();
    updates
        .into_iter()
        .filter(|u| {
            let Some(from) = u.from() else { return true };
            let Ok(chat) = i64::try_from(from.id.0) else {
                return true;
            };
            // Only conversation steps count: a blocked bot or a group joined is no flood.
            if !matches!(
                u.kind,
                UpdateKind::Message(_) | UpdateKind::CallbackQuery(_)
            ) {
                return true;
            }
            let verdict = inbound.admit(chat, now);
            if verdict == Admit::Yes && !out.with(|q| q.full(chat)) {
                return true;
            }
            log::debug!("telegram: update {} from a flooding chat dropped", u.id.0);
            if verdict == Admit::SlowDown {
                let lang = app
                    .lang_of(UserId(from.id.0), from.language_code.as_deref())
                    .unwrap_or(Lang::Fi);
                out.push_note(chat, app.i18n.text(lang, Msg::SlowDown, &[], Markup::Html));
            }
            if let UpdateKind::CallbackQuery(q) = &u.kind {
                let (bot, id) = (bot.clone(), q.id.clone());
                tokio::spawn(async move {
                    let _ = bot.answer_callback_query(id).await;
                });
            }
            false
        })
        .collect()
}

/// Handles a batch: every update is applied, one at a time in `update_id` order (the order
/// Telegram numbered them: two presses for an event's last seat are decided first come, first
/// served, whoever's chat they come from), without a flush; then one flush makes all of them
/// durable (group commit: one fsync for the batch instead of one per update); only then are
/// button presses answered and the replies queued. Returns false if the batch could not be made
/// durable: it must not be confirmed, and its replies are not queued (they are found again when
/// Telegram delivers the batch again).
async fn handle_batch(app: &App, bot: &Api, out: &Outgoing, mut updates: Vec<Update>) -> bool {
    updates.sort_by_key(|u| u.id.0);
    let mut per_chat: BTreeMap<u64, Vec<Applied>> = BTreeMap::new();
    let mut applied: Vec<Vec<Applied>> = Vec::new();
    for u in updates {
        let chat = u.from().map(|f| f.id.0);
        let a = apply_update(app, bot, u).await;
        match chat {
            Some(id) => per_chat.entry(id).or_default().push(a),
            None => applied.push(vec![a]),
        }
    }
    applied.extend(per_chat.into_values());
    // Make it durable (with the marks of replies sent meanwhile), then let the outbox sender
    // see what the batch queued.
    let changed = applied.iter().flatten().any(Applied::changed);
    if changed || out.dirty.swap(false, Ordering::AcqRel) {
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
    // Answer and queue.
    for a in applied.into_iter().flatten() {
        reply(app, bot, out, a);
    }
    true
}

/// What applying one update left to do once the batch is durable.
enum Applied {
    /// Nothing to send.
    Nothing,
    /// A redelivered update: queue what of its replies is still unsent, unless queued already.
    Resend { update_id: u32 },
    /// A new update, applied: answer its button press and queue its replies.
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

/// The first step of [`handle_batch`] for one update.
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
        Ok(h) => {
            // A menu is not an answer: set beside it.
            for user in h.menus {
                let (app, bot) = (app.clone(), bot.clone());
                tokio::spawn(async move { register_menu(&app, &bot, user).await });
            }
            Applied::Send {
                update_id: incoming.update_id,
                callback_id: incoming.callback_id,
                unsent,
                effects: h.effects,
            }
        }
        Err(e) => {
            log::error!("telegram: update {} not stored: {e}", update.id.0);
            Applied::Failed {
                chat,
                lang: Lang::from_telegram(incoming.telegram_lang.as_deref()),
            }
        }
    }
}

/// The last step of [`handle_batch`] for one update, once it is durable: answer the button
/// press (not a message: it does not wait for the queue) and queue the replies.
fn reply(app: &App, bot: &Api, out: &Outgoing, applied: Applied) {
    match applied {
        Applied::Nothing => {}
        Applied::Resend { update_id } => {
            if out.owed(|o| o.contains(&update_id)) {
                return;
            }
            match app.store.unsent_replies(update_id) {
                Ok(Some(bytes)) => match serde_json::from_slice::<Unsent>(&bytes) {
                    Ok(u) => out.push_kept(update_id, u),
                    Err(e) => {
                        log::warn!("telegram: update {update_id}: unsent replies unreadable: {e}");
                    }
                },
                Ok(None) => {}
                Err(e) => log::warn!("telegram: update {update_id}: unsent replies not read: {e}"),
            }
        }
        Applied::Send {
            update_id,
            callback_id,
            unsent,
            ..
        } => {
            if let Some(id) = callback_id {
                let bot = bot.clone();
                tokio::spawn(async move {
                    // "query is too old" after a restart is expected: the press is still handled.
                    if let Err(e) = bot
                        .answer_callback_query(teloxide::types::CallbackQueryId(id))
                        .await
                    {
                        log::debug!("telegram: answerCallbackQuery: {e}");
                    }
                });
            }
            if let Some(u) = unsent {
                out.push_kept(update_id, u);
            }
        }
        Applied::Failed { chat, lang } => {
            let text = app.i18n.text(lang, Msg::SomethingWrong, &[], Markup::Html);
            out.push_note(chat.0, text);
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
    /// One chart (kept by versions that drew one chart per group).
    Chart(crate::chart::Chart),
    /// Charts drawn one below the other in one image.
    Charts(Vec<crate::chart::Chart>),
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
    #[cfg(test)]
    fn into_file(self, rendered: Option<files::File>) -> Option<files::File> {
        if rendered.is_some() {
            return rendered;
        }
        self.to_file()
    }

    /// The file drawn or taken from what was kept.
    fn to_file(&self) -> Option<files::File> {
        match self {
            KeptFile::Chart(chart) => files::chart_file(chart)
                .map_err(|e| log::error!("telegram: kept chart not drawn: {e}"))
                .ok(),
            KeptFile::Charts(charts) => files::charts_file(charts)
                .map_err(|e| log::error!("telegram: kept charts not drawn: {e}"))
                .ok(),
            KeptFile::Text { name, text } => Some(files::File {
                name: name.clone(),
                bytes: text.clone().into_bytes(),
                kind: files::FileKind::Document,
            }),
            KeptFile::Bytes { name, bytes, photo } => Some(files::File {
                name: name.clone(),
                bytes: bytes.clone(),
                kind: if *photo {
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
    if let Some(charts) = files::charts_of(&app.i18n, lang, a) {
        return match files::charts_file(&charts) {
            Ok(f) => (Some(KeptFile::Charts(charts)), Some(f)),
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

/// Sends an update's replies in order, recording each as sent. Stops at a failure worth
/// retrying and returns what is left (the failed reply first); other failures are logged and
/// skipped, and a user who blocked the bot is marked unreachable.
async fn send_unsent(app: &App, bot: &Api, update_id: u32, mut u: Unsent) -> Result<(), Unsent> {
    let chat = ChatId(u.chat);
    let origin = u.origin.map(MessageId);
    while let Some(o) = u.replies.first_mut() {
        let rendered = Rendered {
            text: o.text.clone(),
            buttons: o
                .buttons
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|(label, data)| RenderedButton {
                            label: label.clone(),
                            data: data.clone(),
                        })
                        .collect()
                })
                .collect(),
            edit: o.edit,
        };
        if o.rendered.is_none() {
            o.rendered = o.file.as_ref().and_then(KeptFile::to_file);
        }
        if let Err(e) = send::send_reply(bot, chat, &rendered, o.rendered.as_ref(), origin).await {
            log::debug!("telegram: a reply was not sent: {e}");
            if retryable(&e) {
                log::warn!("telegram: a reply could not be sent yet: {}", loggable(&e));
                return Err(u);
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
        u.replies.remove(0);
        let rest = if u.replies.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&u).unwrap_or_default()
        };
        if let Err(e) = app.store.replies_sent(update_id, &rest) {
            log::warn!("telegram: update {update_id}: sent replies not recorded: {e}");
        }
        // The mark is on disk before the reply's next message goes: a kill while its later
        // messages wait for their turn (a second each in one chat) must not send the earlier
        // ones again at the next start. Concurrent marks of other chats share the flush (group
        // commit); in one chat it falls within the pause Telegram's pace asks for anyway. The
        // last message's mark goes with the next flush (the next batch's, or the dispatcher's
        // when it has nothing to send: milliseconds): a flush after every reply would put an
        // `fsync` beside every batch's and halve the updates handled a second.
        if !u.replies.is_empty() {
            if let Err(e) = app.store.flush().await {
                log::warn!("telegram: update {update_id}: sent replies not flushed: {e}");
            }
        }
    }
    Ok(())
}

/// Failures that may pass: Telegram asking to wait, a server error, a broken connection.
fn retryable(e: &RequestError) -> bool {
    match e {
        RequestError::RetryAfter(_)
        | RequestError::Network(_)
        | RequestError::Io(_)
        | RequestError::InvalidJson { .. } => true,
        other => send::server_error(other),
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
        // A family added by hand has no Telegram: the sender never gives its synthetic id here
        // (it goes to the coordinator instead); should it ever, nothing is sent.
        if to.is_added() {
            return Err(DeliveryError::Failed("a family added by hand".into()));
        }
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
        Command::Group => Msg::CmdGroup,
        Command::Write => Msg::CmdWrite,
        Command::Support => Msg::CmdSupport,
        Command::Attendance => Msg::CmdAttendance,
        Command::Help
        | Command::Demand
        | Command::Export
        | Command::Launch
        | Command::Qr
        | Command::NewEvent
        | Command::Broadcast
        | Command::Feedback
        | Command::Report
        | Command::Facilitators
        | Command::Add => Msg::CmdHelp,
    }
}

/// The menu in `lang`: `/start`, everyone's commands, then `extra` (a role's).
fn menu(app: &App, lang: Lang, extra: &[Command]) -> Vec<BotCommand> {
    let desc = |m: Msg| app.i18n.text(lang, m, &[], Markup::Plain);
    let mut list = vec![BotCommand::new("start", desc(Msg::CmdStart))];
    list.extend(
        Command::ALL
            .iter()
            .chain(extra)
            .map(|c| BotCommand::new(c.name(), desc(command_msg(*c)))),
    );
    list
}

/// The commands a person's own menu has beyond everyone's: a facilitator's (their
/// `/attendance` too). Coordinators' commands are not in any menu.
fn role_commands(app: &App, user: UserId) -> Vec<Command> {
    let stored = app.store.facilitators().unwrap_or_else(|e| {
        log::warn!("telegram: the facilitators not read for a menu: {e}");
        Vec::new()
    });
    let listed = app.config.listed_facilitators();
    let facilitation = crate::domain::facilitator::Facilitation {
        stored: &stored,
        listed: &listed,
    };
    if facilitation.is_facilitator(user) {
        let mut v = Command::FACILITATOR.to_vec();
        v.push(Command::Attendance);
        v
    } else {
        Vec::new()
    }
}

/// Sets one person's own menu (the chat scope of their private chat) in each language, or
/// takes it away when they have no role's commands (they see everyone's menu then).
async fn register_menu(app: &App, bot: &Api, user: UserId) {
    use teloxide::payloads::DeleteMyCommandsSetters;
    use teloxide::types::{BotCommandScope, Recipient};
    let extra = role_commands(app, user);
    let Ok(chat) = i64::try_from(user.0) else {
        return;
    };
    let scope = BotCommandScope::Chat {
        chat_id: Recipient::Id(ChatId(chat)),
    };
    for lang in std::iter::once(None).chain(Lang::ALL.into_iter().map(Some)) {
        let result = if extra.is_empty() {
            let mut req = bot.delete_my_commands().scope(scope.clone());
            if let Some(l) = lang {
                req = req.language_code(l.code());
            }
            req.await.map(|_| ())
        } else {
            let mut req = bot
                .set_my_commands(menu(app, lang.unwrap_or(Lang::Fi), &extra))
                .scope(scope.clone());
            if let Some(l) = lang {
                req = req.language_code(l.code());
            }
            req.await.map(|_| ())
        };
        if let Err(e) = result {
            log::debug!("telegram: a person's menu for user {}: {e}", user.0);
            log::warn!("telegram: a person's menu not set: {}", loggable(&e));
        }
    }
}

/// Registers the command list in each language, and Finnish as the default for the rest; then
/// each facilitator's own menu.
async fn register_commands(app: &App, bot: &Api) {
    let commands = |lang: Lang| menu(app, lang, &[]);
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
    let mut people: Vec<UserId> = app
        .store
        .facilitators()
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.user)
        .chain(app.config.listed_facilitators().into_iter().map(|(u, _)| u))
        .collect();
    people.sort_unstable_by_key(|u| u.0);
    people.dedup();
    for user in people {
        register_menu(app, bot, user).await;
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
