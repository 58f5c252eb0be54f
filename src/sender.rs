//! The outbox's one consumer. Messages to people other than the one talking (alerts,
//! invitations, answers, final lists) were queued in the same transaction as the change that
//! caused them; here they are composed in the recipient's language, delivered through the front
//! end's [`Deliver`], and removed only after delivery succeeded — so delivery is at least once.
//! The one way to get a duplicate is a crash after Telegram accepted a message and before its
//! outbox row was removed.
//!
//! This is also where launches move on: expired invitations pass their seats on and free seats
//! go to the next families in line ([`tick`]); and where the daily privacy jobs run
//! ([`housekeeping`]): parents who blocked the bot are erased after the grace period;
//! registrations, sign-ups, comments and broadcasts after their retention periods; user records
//! with nothing else stored, unfinished conversations, handled update ids and erasure-list
//! entries after theirs; and the keyring is compacted.

use crate::app::App;
use crate::domain::{added, launch, outbox};
use crate::domain::{Lang, OutboxItem, Outgoing, UserId};
use crate::flow::{notify, Reply};
use crate::store::{Delivery, Queued, Retention, RetentionReport, StoreError, UserExpiry};
use chrono::{DateTime, Duration, Utc};
use futures::stream::{FuturesUnordered, StreamExt};
use std::future::Future;

/// Failed attempts after which a message is given up (with backoff, about two days).
pub const MAX_ATTEMPTS: u32 = 12;

/// How many due messages one round takes.
const BATCH: usize = 200;

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// The recipient blocked the bot or never started it (403, "chat not found").
    Unreachable(String),
    /// Telegram asks to slow down.
    RetryAfter(std::time::Duration),
    /// Anything else (network, server error): worth retrying later.
    Failed(String),
}

/// A front end's way of delivering a message to someone.
pub trait Deliver: Send + Sync {
    /// Delivers one composed message in the recipient's language.
    fn deliver(
        &self,
        to: UserId,
        lang: Lang,
        reply: &Reply,
    ) -> impl Future<Output = Result<(), DeliveryError>> + Send;
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Delivered and removed.
    pub sent: usize,
    /// Put back to try later.
    pub retried: usize,
    /// Given up (unreachable parent, too many attempts, or no longer relevant).
    pub dropped: usize,
}

/// How often the privacy jobs run.
pub const HOUSEKEEPING_EVERY: Duration = Duration::days(1);

/// How long before a registration is deleted its parent is told.
pub const RETENTION_NOTICE: Duration = Duration::days(7);

/// One round: the daily jobs when due, move launches on, then deliver everything due.
pub async fn tick<D: Deliver>(app: &App, d: &D) -> Result<Report, StoreError> {
    housekeeping(app).await?;
    reconcile(app).await?;
    drain(app, d).await
}

/// What one run of the daily jobs did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Housekeeping {
    /// Parents erased after being unreachable for longer than the grace period.
    pub erased: usize,
    /// What retention did.
    pub retention: RetentionReport,
    /// User records erased after `[privacy] user_months` with nothing else stored.
    pub users_expired: usize,
    /// Unfinished conversations whose answers were dropped after `state_days`.
    pub states_dropped: usize,
    /// Handled update ids forgotten after `update_hours`.
    pub updates_forgotten: usize,
    /// Data keys destroyed by the keyring's compaction (left behind by a crash).
    pub keys_compacted: usize,
    /// Records of people who never consented, deleted a day after their last message.
    pub unconsented: usize,
    /// Registrations left before their consent, dropped a day after the last message.
    pub drafts: usize,
    /// Children taken out of a group they grew too old for while waiting.
    pub grown: usize,
}

/// The daily privacy jobs, if a day has passed since they last ran (by the app's clock):
/// erase parents unreachable for longer than `[privacy] blocked_grace_days` (coordinators are
/// kept: they are named in the config), then apply the retention periods. `None` when not due.
pub async fn housekeeping(app: &App) -> Result<Option<Housekeeping>, StoreError> {
    let now = app.clock.now();
    if !app.store.housekeeping_due(now, HOUSEKEEPING_EVERY)? {
        return Ok(None);
    }
    let mut done = Housekeeping::default();
    let cutoff = now - Duration::days(i64::from(app.config.blocked_grace_days));
    for user in app.store.unreachable_before(cutoff)? {
        if app.config.coordinator(user).is_some() {
            continue;
        }
        if app.store.erase_unreachable(user, cutoff, now).await? {
            done.erased += 1;
        }
    }
    let policy = retention(&app.config);
    done.retention = app.store.apply_retention(&policy, now).await?;
    done.grown = app.store.apply_growth(now).await?;
    (done.unconsented, done.drafts) = app
        .store
        .forget_unconsented(now, |u| app.config.coordinator(u).is_some())
        .await?;
    for (user, what) in app.store.expiring_users(&policy, now)? {
        if what == UserExpiry::Erase && app.config.coordinator(user).is_some() {
            continue;
        }
        if app.store.expire_user(user, what, &policy, now).await? {
            match what {
                UserExpiry::Erase => done.users_expired += 1,
                UserExpiry::DropState => done.states_dropped += 1,
            }
        }
    }
    done.updates_forgotten = app
        .store
        .prune_updates_before(now - Duration::hours(i64::from(app.config.update_hours)))?;
    app.store
        .prune_erasures(now - Duration::days(i64::from(app.config.erasure_list_days)))?;
    let audit_cutoff = now
        .checked_sub_months(chrono::Months::new(app.config.audit_months))
        .unwrap_or(now);
    app.store.prune_access_log(audit_cutoff)?;
    done.keys_compacted = app.store.compact_keyring()?;
    app.store.housekeeping_done(now).await?;
    if done != Housekeeping::default() {
        // Counts only: never who.
        let r = done.retention;
        log::info!(
            "housekeeping: {} unreachable users erased; {} asked whether still interested, {} paused unanswered; {} retention notices, {} registrations deleted, {} events' and {} launches' lists cleared, {} comments and {} broadcasts deleted; {} idle user records erased, {} unfinished conversations dropped, {} update ids forgotten, {} stray data keys destroyed; {} unconsented records and {} drafts deleted; {} children grew out of a group",
            done.erased,
            r.renewal_asked,
            r.paused,
            r.noticed,
            r.purged,
            r.events_cleared,
            r.launches_cleared,
            r.comments_cleared,
            r.broadcasts_cleared,
            done.users_expired,
            done.states_dropped,
            done.updates_forgotten,
            done.keys_compacted,
            done.unconsented,
            done.drafts,
            done.grown
        );
        app.outbox_wake.notify_one();
    }
    Ok(Some(done))
}

/// The retention periods of the config.
#[must_use]
pub fn retention(config: &crate::config::Config) -> Retention {
    Retention {
        months: config.retention_months,
        comment_months: config.comment_retention_months,
        notice: RETENTION_NOTICE,
        user_months: config.user_months,
        state: Duration::days(i64::from(config.state_days)),
        broadcast: Duration::days(i64::from(config.broadcast_days)),
        // Renewal stands in for the notice only when it asks before retention would end.
        renewal: (config.renew_months < config.retention_months).then(|| {
            crate::domain::renewal::Policy {
                months: config.renew_months,
                answer: Duration::days(i64::from(config.renew_answer_days)),
            }
        }),
    }
}

/// Applies the next step of every open launch: expiries, invitations, closing.
pub async fn reconcile(app: &App) -> Result<(), StoreError> {
    let now = app.clock.now();
    let timeout = Duration::hours(i64::from(app.config.invite_hours));
    for l in app.store.launches()? {
        if l.closed {
            continue;
        }
        // Held until a facilitator says yes (the coordinator's choice).
        if crate::domain::facilitator::invitations_wait(app.store.crew(l.id)?.as_ref()) {
            continue;
        }
        let waiting = app.store.waiting_in(&l.pool)?;
        let plan = launch::plan(&l, &waiting, now, timeout);
        if !plan.is_empty() {
            app.store.apply_plan(l.id, &plan, now).await?;
        }
    }
    Ok(())
}

/// How many recipients are delivered to at once. Telegram's limits are kept by the front end's
/// rate limiter; this only keeps the pipe full.
const CONCURRENCY: usize = 32;

/// What delivering one recipient's due messages did.
struct GroupResult {
    report: Report,
    /// Telegram asked to slow down: stop this round.
    slow_down: bool,
}

/// Delivers every message that is due now: recipients concurrently, each recipient's messages
/// in order. A delivery is flushed before its recipient's next message; the rest of a round's
/// bookkeeping is flushed at its end.
pub async fn drain<D: Deliver>(app: &App, d: &D) -> Result<Report, StoreError> {
    let mut report = Report::default();
    loop {
        let now = app.clock.now();
        let due = app.store.due_outbox(now, BATCH)?;
        if due.is_empty() {
            return Ok(report);
        }
        let mut groups: Vec<(UserId, Vec<Queued>)> = Vec::new();
        for (key, item) in due {
            match groups.iter_mut().find(|(u, _)| *u == item.to) {
                Some((_, list)) => list.push((key, item)),
                None => groups.push((item.to, vec![(key, item)])),
            }
        }
        let mut pending = groups.into_iter();
        let mut running = FuturesUnordered::new();
        for g in pending.by_ref().take(CONCURRENCY) {
            running.push(deliver_group(app, d, g.1, now));
        }
        let mut slow_down = false;
        while let Some(result) = running.next().await {
            let r = result?;
            report.sent += r.report.sent;
            report.retried += r.report.retried;
            report.dropped += r.report.dropped;
            crate::ops::metrics::global().outbox(r.report);
            slow_down |= r.slow_down;
            if !slow_down {
                if let Some(g) = pending.next() {
                    running.push(deliver_group(app, d, g.1, now));
                }
            }
        }
        app.store.flush().await?;
        if slow_down {
            return Ok(report);
        }
    }
}

/// Delivers one recipient's due messages in order.
async fn deliver_group<D: Deliver>(
    app: &App,
    d: &D,
    items: Vec<Queued>,
    now: DateTime<Utc>,
) -> Result<GroupResult, StoreError> {
    let mut report = Report::default();
    let mut items = items.into_iter();
    while let Some((key, item)) = items.next() {
        let goes = outbox::when_to_send(&item.message, item.due, &app.config.quiet_hours, now);
        if goes > now {
            // Held back until the quiet hours end (the store queues held kinds for then already;
            // this catches a row queued before quiet hours began, or a retry that fell in them).
            let held = OutboxItem { due: goes, ..item };
            app.store.outbox_requeue(&key, Some(&held), &[], now)?;
            report.retried += 1;
            continue;
        }
        let broadcast = match item.message {
            Outgoing::Broadcast { broadcast } | Outgoing::GroupMessage { broadcast } => {
                Some(broadcast)
            }
            _ => None,
        };
        // A family added by hand has no Telegram: what is for it goes to the coordinator who
        // added it (still a coordinator), and never to its synthetic id.
        let family = if item.to.is_added() {
            Some(app.store.registrations_of(item.to)?)
        } else {
            None
        };
        let to = match &family {
            None => Some(item.to),
            Some(regs) => {
                added::recipient(item.to, regs).filter(|c| app.config.coordinator(*c).is_some())
            }
        };
        let record = match to {
            Some(to) => app.store.user(to)?,
            None => Default::default(),
        };
        let lang = record.lang.or(record.seen_lang).unwrap_or(Lang::Fi);
        let composed = match (&family, to) {
            (_, None) => None,
            (None, Some(_)) => {
                notify::compose(&app.config, &app.store, item.to, lang, now, &item.message)
            }
            (Some(regs), Some(_)) => notify::compose_for_family(
                &app.config,
                &app.store,
                item.to,
                regs,
                lang,
                now,
                &item.message,
            ),
        };
        let (Some(to), Some(reply)) = (to, composed) else {
            app.store.dropped(&key, &item, now)?;
            count(app, broadcast, Delivery::Failed, now)?;
            report.dropped += 1;
            continue;
        };
        // Someone who blocked the bot is not tried again until they write to it.
        let result = if record.unreachable() && app.config.coordinator(to).is_none() {
            Err(DeliveryError::Unreachable("blocked the bot earlier".into()))
        } else {
            d.deliver(to, lang, &reply).await
        };
        match result {
            Ok(()) => {
                crate::ops::metrics::global().delivered(&item, now);
                app.store.delivered(&key, &item, now)?;
                count(app, broadcast, Delivery::Sent, now)?;
                // On disk before this recipient's next message goes (other chats of the round
                // share the fsync: group commit), so that a kill does not repeat what they had
                // already. A recipient's last message is made durable with the round: a flush
                // after each of a broadcast's messages slowed it below Telegram's 30 a second.
                if items.len() > 0 {
                    app.store.flush().await?;
                }
                report.sent += 1;
            }
            Err(DeliveryError::RetryAfter(wait)) => {
                let wait = Duration::from_std(wait).unwrap_or(Duration::seconds(1));
                for (k, it) in std::iter::once((key, item)).chain(items) {
                    let later = OutboxItem {
                        due: now + wait,
                        ..it
                    };
                    app.store.outbox_requeue(&k, Some(&later), &[], now)?;
                    report.retried += 1;
                }
                return Ok(GroupResult {
                    report,
                    slow_down: true,
                });
            }
            Err(e) => {
                let (retry, extra) = failed(app, &item, &e, now);
                let parent_unreachable = matches!(e, DeliveryError::Unreachable(_))
                    && app.config.coordinator(to).is_none();
                if parent_unreachable {
                    app.store.mark_unreachable(to, now)?;
                }
                app.store
                    .outbox_requeue(&key, retry.as_ref(), &extra, now)?;
                if retry.is_some() {
                    report.retried += 1;
                } else {
                    report.dropped += 1;
                    let outcome = if parent_unreachable {
                        Delivery::Unreachable
                    } else {
                        Delivery::Failed
                    };
                    count(app, broadcast, outcome, now)?;
                }
            }
        }
    }
    Ok(GroupResult {
        report,
        slow_down: false,
    })
}

/// Counts a broadcast recipient's outcome, if the message was part of a broadcast.
fn count(
    app: &App,
    broadcast: Option<u64>,
    outcome: Delivery,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match broadcast {
        Some(id) => app.store.broadcast_outcome(id, outcome, now),
        None => Ok(()),
    }
}

/// Decides what follows a failed delivery: a retry with backoff, and for an alert that could
/// not reach a coordinator, a note to the group's other coordinators (once).
fn failed(
    app: &App,
    item: &OutboxItem,
    e: &DeliveryError,
    now: DateTime<Utc>,
) -> (Option<OutboxItem>, Vec<OutboxItem>) {
    let coordinator = app.config.coordinator(item.to);
    let mut extra = Vec::new();
    match (e, coordinator) {
        (DeliveryError::Unreachable(why), Some(c)) => {
            log::warn!(
                "sender: coordinator {:?} could not be reached ({why}); retrying later",
                c.name
            );
            if let (Outgoing::Alert { pool }, 0) = (&item.message, item.attempts) {
                let scope = crate::domain::remit::Scope::Area(&pool.group, &pool.area);
                for other in app.config.coordinators_seeing(scope) {
                    if other.telegram_id != item.to {
                        extra.push(OutboxItem {
                            to: other.telegram_id,
                            due: now,
                            attempts: 0,
                            message: Outgoing::Missed {
                                pool: pool.clone(),
                                coordinator: c.name.clone(),
                            },
                        });
                    }
                }
            }
        }
        (DeliveryError::Unreachable(why), None) => {
            log::info!("sender: a parent could not be reached ({why}); message dropped");
            return (None, extra);
        }
        (DeliveryError::Failed(why), _) => log::warn!("sender: delivery failed, retrying: {why}"),
        (DeliveryError::RetryAfter(_), _) => {}
    }
    if item.attempts + 1 >= MAX_ATTEMPTS {
        log::error!("sender: a message was given up after {MAX_ATTEMPTS} attempts");
        return (None, extra);
    }
    let backoff = Duration::minutes(1 << item.attempts.min(11));
    let retry = OutboxItem {
        due: now + backoff,
        attempts: item.attempts + 1,
        ..item.clone()
    };
    (Some(retry), extra)
}

/// How many rounds ([`tick`]s) the sender has begun and finished. Whoever changed something
/// the sender acts on (moved a manual clock, queued a message) and wants to see it acted on
/// notes `began`, wakes the sender ([`App::outbox_wake`]), and waits until `finished` passes
/// the noted value: that round began after the change. Tests on a manual clock wait on this
/// instead of sleeping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rounds {
    /// Rounds begun.
    pub began: u64,
    /// Rounds finished (each after the one begun before it).
    pub finished: u64,
}

/// Runs [`tick`] until `shutdown`: whenever the app signals new outbox rows, when the next
/// row falls due, and at least once a minute (launch timeouts).
pub async fn run<D: Deliver>(app: App, d: D, shutdown: impl Future<Output = ()>) {
    run_counted(
        app,
        d,
        shutdown,
        &tokio::sync::watch::Sender::new(Rounds::default()),
    )
    .await;
}

/// [`run`], counting its rounds in `rounds`.
pub async fn run_counted<D: Deliver>(
    app: App,
    d: D,
    shutdown: impl Future<Output = ()>,
    rounds: &tokio::sync::watch::Sender<Rounds>,
) {
    tokio::pin!(shutdown);
    loop {
        rounds.send_modify(|r| r.began += 1);
        crate::ops::metrics::global().sender();
        if let Err(e) = tick(&app, &d).await {
            log::error!("sender: {e}");
        }
        rounds.send_modify(|r| r.finished += 1);
        let now = app.clock.now();
        let next = app.store.next_due().ok().flatten();
        let wait = next
            .map(|t| (t - now).to_std().unwrap_or_default())
            .unwrap_or(std::time::Duration::from_secs(60))
            .min(std::time::Duration::from_secs(60));
        tokio::select! {
            () = &mut shutdown => break,
            () = app.outbox_wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}
