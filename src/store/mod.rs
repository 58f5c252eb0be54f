//! The one owner of sled. Every tree, key layout and encoding lives here, behind typed methods;
//! no other module says `sled`.
//!
//! Trees:
//! - `meta`: the schema version.
//! - `users`: user id → [`UserRecord`] (chosen language and conversation state).
//! - `registrations`: user id ‖ group id → [`Registration`]; a prefix scan gives one user's.
//! - `counters`: pool key → demand of the *waiting* registrations in the pool, kept in step
//!   with `registrations` in the same transaction, so demand is read in O(1) and always equals
//!   what the registrations add up to.
//! - `pools`: pool key → whether demand is at or over the threshold now, and how many times it
//!   crossed it: a crossing is recorded exactly once, in the transaction that causes it.
//! - `outbox`: due time ‖ sequence → [`OutboxItem`], written in the same transaction as the
//!   change that causes the message.
//! - `launches`: launch id → [`Launch`].
//! - `events`: `e` ‖ event id → [`Event`]; `f` ‖ event id ‖ user id → [`Feedback`];
//!   `b` ‖ broadcast id → [`Broadcast`] (one tree, so one transaction covers them all).
//! - `updates`: Telegram update id → when it was handled (8 bytes), so a redelivered update
//!   counts once, followed by its replies until they are sent, so a redelivered update whose
//!   replies a crash kept from the user sends them then.
//!
//! Keys are big-endian so scans come out in order. Values are JSON (small, readable in a debug
//! dump, and tolerant of added fields).

mod events;
mod tx;

use crate::domain::{
    AreaId, Broadcast, Demand, Event, Feedback, GroupId, Lang, Launch, OutboxItem, Pool,
    Registration, Rules, Status, UserId,
};
use crate::flow::{Effect, State, View};
use chrono::{DateTime, Duration, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;
use std::path::Path;
use std::sync::Arc;
use tx::Tx;

pub use events::Delivery;
pub use tx::Counter;

/// The schema this build writes. A store with another version is refused, never misread.
pub const SCHEMA_VERSION: u64 = 1;

/// How long handled update ids are remembered. Telegram keeps undelivered updates for 24 hours,
/// so a redelivery can only come within that; twice that is a safe margin.
pub const UPDATE_MEMORY: Duration = Duration::hours(48);

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed (I/O, corruption).
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    /// Another process holds the data directory.
    #[error("the data directory {0} is already in use by another kokoon process (sled allows one process per directory)")]
    Locked(String),
    /// The store was written by a newer or unknown version.
    #[error("the data directory was written with schema version {found}, but this kokoon reads version {SCHEMA_VERSION}; refusing to open it rather than misread it")]
    Schema {
        /// The version found on disk.
        found: u64,
    },
    /// A value could not be decoded.
    #[error("corrupt value in tree {tree}: {source}")]
    Decode {
        /// Which tree.
        tree: &'static str,
        /// Why.
        source: serde_json::Error,
    },
}

/// What is kept per user besides registrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// The language the user chose with `/lang`; `None` follows Telegram's language.
    pub lang: Option<Lang>,
    /// The language their Telegram had when they last wrote, for messages sent later.
    #[serde(default)]
    pub seen_lang: Option<Lang>,
    /// They blocked the bot: nothing is sent to them until they write again.
    #[serde(default)]
    pub unreachable: bool,
    /// Where they are in the conversation.
    pub state: State,
}

/// Whether a commit took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// Applied and flushed to disk.
    Applied,
    /// The update id was handled before: nothing was changed.
    Duplicate,
}

/// What `/forget` must remove besides the user's own records.
#[derive(Default)]
struct Traces {
    registrations: Vec<sled::IVec>,
    events: Vec<u64>,
    launches: Vec<u64>,
    other_keys: Vec<(&'static str, Vec<u8>)>,
}

/// Rules for a store opened without a config (tests, tools): every language together, no
/// thresholds, no coordinators.
struct NoRules;

impl Rules for NoRules {
    fn pool_of(&self, r: &Registration) -> Pool {
        Pool {
            group: r.group.clone(),
            area: r.area.clone(),
            lang: None,
        }
    }
    fn threshold(&self, _: &GroupId) -> Option<u32> {
        None
    }
    fn coordinator_ids(&self, _: &GroupId) -> Vec<UserId> {
        Vec::new()
    }
}

/// The store. Cheap to clone: sled handles are reference-counted.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    users: sled::Tree,
    registrations: sled::Tree,
    counters: sled::Tree,
    pools: sled::Tree,
    outbox: sled::Tree,
    launches: sled::Tree,
    events: sled::Tree,
    updates: sled::Tree,
    rules: Arc<dyn Rules + Send>,
}

/// One raw entry of [`Store::dump`]: tree name, key, value.
pub type DumpEntry = (String, Vec<u8>, Vec<u8>);

/// A queued message with its key, as [`Store::due_outbox`] returns it.
pub type Queued = (Vec<u8>, OutboxItem);

impl Store {
    /// Opens (or creates) a store without a config: every language counted together, no
    /// thresholds. `cache_bytes` caps sled's page cache.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        Store::open_with(path, cache_bytes, Arc::new(NoRules))
    }

    /// Opens (or creates) a store that counts demand and crossings by `rules` (the config).
    pub fn open_with(
        path: &Path,
        cache_bytes: u64,
        rules: Arc<dyn Rules + Send>,
    ) -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("lock") =>
                {
                    StoreError::Locked(path.display().to_string())
                }
                other => StoreError::Sled(other),
            })?;
        let meta = db.open_tree("meta")?;
        match meta.get("schema")? {
            Some(v) => {
                let found = v
                    .as_ref()
                    .try_into()
                    .map(u64::from_be_bytes)
                    .unwrap_or(u64::MAX);
                if found != SCHEMA_VERSION {
                    return Err(StoreError::Schema { found });
                }
            }
            None => {
                meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
            }
        }
        Ok(Store {
            users: db.open_tree("users")?,
            registrations: db.open_tree("registrations")?,
            counters: db.open_tree("counters")?,
            pools: db.open_tree("pools")?,
            outbox: db.open_tree("outbox")?,
            launches: db.open_tree("launches")?,
            events: db.open_tree("events")?,
            updates: db.open_tree("updates")?,
            db,
            rules,
        })
    }

    /// A user's record; the default for someone never seen.
    pub fn user(&self, user: UserId) -> Result<UserRecord, StoreError> {
        Ok(match self.users.get(user.0.to_be_bytes())? {
            Some(v) => decode("users", &v)?,
            None => UserRecord::default(),
        })
    }

    /// A user's registrations, in group-id order.
    pub fn registrations_of(&self, user: UserId) -> Result<Vec<Registration>, StoreError> {
        self.registrations
            .scan_prefix(user.0.to_be_bytes())
            .values()
            .map(|v| decode("registrations", &v?))
            .collect()
    }

    /// Every registration (for coordinators' views and exports).
    pub fn all_registrations(&self) -> impl Iterator<Item = Result<Registration, StoreError>> + '_ {
        self.registrations
            .iter()
            .values()
            .map(|v| decode("registrations", &v?))
    }

    /// The waiting registrations of a group, in registration order (first registered first).
    pub fn waiting_in_group(&self, group: &GroupId) -> Result<Vec<Registration>, StoreError> {
        let mut out = Vec::new();
        for r in self.all_registrations() {
            let r = r?;
            if &r.group == group && r.status == Status::Waiting {
                out.push(r);
            }
        }
        crate::domain::launch::registration_order(&mut out);
        Ok(out)
    }

    /// The waiting registrations of a pool, in registration order.
    pub fn waiting_in(&self, pool: &Pool) -> Result<Vec<Registration>, StoreError> {
        let mut regs = self.waiting_in_group(&pool.group)?;
        regs.retain(|r| &self.rules.pool_of(r) == pool);
        Ok(regs)
    }

    /// How many registrations are stored.
    #[must_use]
    pub fn registration_count(&self) -> usize {
        self.registrations.len()
    }

    /// Demand of waiting registrations for a group in an area, all languages together.
    pub fn demand_of(&self, group: &GroupId, area: &AreaId) -> Result<Demand, StoreError> {
        let mut prefix = group.as_str().as_bytes().to_vec();
        prefix.push(0);
        prefix.extend_from_slice(area.as_str().as_bytes());
        prefix.push(0);
        let mut d = Demand::default();
        for v in self.counters.scan_prefix(prefix).values() {
            let c: Counter = decode("counters", &v?)?;
            d.families += usize::try_from(c.families).unwrap_or(usize::MAX);
            d.participants += usize::try_from(c.participants).unwrap_or(usize::MAX);
        }
        Ok(d)
    }

    /// Demand of waiting registrations in one pool.
    pub fn demand_in(&self, pool: &Pool) -> Result<Demand, StoreError> {
        let c: Counter = match self.counters.get(pool.key())? {
            Some(v) => decode("counters", &v)?,
            None => Counter::default(),
        };
        Ok(c.demand())
    }

    /// How many times demand in a pool has crossed its threshold.
    pub fn crossings(&self, pool: &Pool) -> Result<u32, StoreError> {
        Ok(match self.pools.get(pool.key())? {
            Some(v) => decode::<tx::PoolState>("pools", &v)?.crossings,
            None => 0,
        })
    }

    /// Whether an update id was handled already.
    pub fn seen_update(&self, update_id: u32) -> Result<bool, StoreError> {
        Ok(self.updates.contains_key(update_id.to_be_bytes())?)
    }

    /// Applies one step durably: the user's new record, the effects and the update id, in one
    /// transaction, then flushes to disk. Returns once the change would survive a crash.
    pub async fn commit(
        &self,
        user: UserId,
        update_id: Option<u32>,
        record: &UserRecord,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<Committed, StoreError> {
        self.commit_with_replies(user, update_id, record, effects, now, &[])
            .await
    }

    /// [`Store::commit`], keeping `replies` (the update's rendered replies, opaque here) with
    /// the update id in the same transaction, until [`Store::replies_sent`]: replies that a
    /// crash kept from reaching the user are found again when the update is redelivered
    /// ([`Store::unsent_replies`]).
    pub async fn commit_with_replies(
        &self,
        user: UserId,
        update_id: Option<u32>,
        record: &UserRecord,
        effects: &[Effect],
        now: DateTime<Utc>,
        replies: &[u8],
    ) -> Result<Committed, StoreError> {
        let committed = self.commit_tx(user, update_id, record, effects, now, replies)?;
        if committed == Committed::Applied {
            self.flush_to_disk().await?;
        }
        Ok(committed)
    }

    /// The transaction of [`Store::commit`], without the flush.
    pub fn commit_sync(
        &self,
        user: UserId,
        update_id: Option<u32>,
        record: &UserRecord,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<Committed, StoreError> {
        self.commit_tx(user, update_id, record, effects, now, &[])
    }

    fn commit_tx(
        &self,
        user: UserId,
        update_id: Option<u32>,
        record: &UserRecord,
        effects: &[Effect],
        now: DateTime<Utc>,
        replies: &[u8],
    ) -> Result<Committed, StoreError> {
        // Transactions cannot scan, so the keys `Forget` removes are listed first. A user's
        // updates are handled one at a time, so the list cannot go stale before the commit.
        let forgetting = effects.contains(&Effect::Forget);
        let forget = if forgetting {
            self.traces_of(user)?
        } else {
            Traces::default()
        };
        let forget_keys = &forget.registrations;
        let user_key = user.0.to_be_bytes();
        let user_value = encode(record);
        self.transaction(now, |tx| {
            if let Some(id) = update_id {
                if tx.updates.get(id.to_be_bytes())?.is_some() {
                    return Ok(Committed::Duplicate);
                }
                let mut value = now.timestamp_millis().to_be_bytes().to_vec();
                value.extend_from_slice(replies);
                tx.updates.insert(&id.to_be_bytes(), value)?;
            }
            for effect in effects {
                match effect {
                    Effect::SaveRegistration(r) => tx.save_registration(r)?,
                    Effect::Withdraw(g) => tx.remove_registration(&reg_key(user, g))?,
                    Effect::Forget => {
                        for key in forget_keys {
                            tx.remove_registration(key)?;
                        }
                        tx.erase(user, &forget.events, &forget.launches, &forget.other_keys)?;
                    }
                    Effect::Launch(req) => tx.create_launch(req)?,
                    Effect::Respond { launch, accept } => tx.respond(user, *launch, *accept)?,
                    Effect::CreateEvent(e) => {
                        tx.create_event(e)?;
                    }
                    Effect::UpdateEvent(e) => tx.update_event(e)?,
                    Effect::CancelEvent(id) => tx.cancel_event(*id)?,
                    Effect::Rsvp { event, join } => tx.rsvp(user, *event, *join)?,
                    Effect::Feedback { event, rating } => tx.feedback(user, *event, *rating)?,
                    Effect::FeedbackComment { event, text } => {
                        tx.feedback_comment(user, *event, text)?;
                    }
                    Effect::Broadcast { audience, text, to } => {
                        tx.broadcast(user, audience, text, to)?;
                    }
                }
            }
            if forgetting && record.state == State::Idle {
                tx.users.remove(&user_key)?;
            } else {
                tx.users.insert(&user_key, user_value.clone())?;
            }
            Ok(Committed::Applied)
        })
    }

    /// Everything stored about a user outside their own records, found by scanning (which a
    /// transaction cannot do): their registrations' keys, the events and launches that list
    /// them, and their feedback and queued messages.
    fn traces_of(&self, user: UserId) -> Result<Traces, StoreError> {
        let mut t = Traces {
            registrations: self
                .registrations
                .scan_prefix(user.0.to_be_bytes())
                .keys()
                .collect::<Result<_, _>>()?,
            ..Traces::default()
        };
        for e in self.events()? {
            if e.attending(user) || e.queued(user) {
                t.events.push(e.id);
            }
        }
        for l in self.launches()? {
            if l.invitation(user).is_some() {
                t.launches.push(l.id);
            }
        }
        let id = user.0.to_be_bytes();
        for item in self.events.scan_prefix(b"f") {
            let (k, _) = item?;
            if k.ends_with(&id) {
                t.other_keys.push(("events", k.to_vec()));
            }
        }
        for item in self.outbox.iter() {
            let (k, v) = item?;
            if decode::<OutboxItem>("outbox", &v)?.to == user {
                t.other_keys.push(("outbox", k.to_vec()));
            }
        }
        Ok(t)
    }

    /// Runs `f` in one transaction over every tree that changes together, then settles the
    /// pools it touched (threshold crossings and their alerts).
    fn transaction<T>(
        &self,
        now: DateTime<Utc>,
        f: impl Fn(&Tx<'_>) -> tx::TxResult<T>,
    ) -> Result<T, StoreError> {
        let trees = (
            &self.users,
            &self.registrations,
            &self.counters,
            &self.pools,
            &self.outbox,
            &self.launches,
            &self.events,
            &self.updates,
        );
        let result = trees.transaction(
            |(users, regs, counters, pools, outbox, launches, events, updates)| {
                let tx = Tx::new(
                    [
                        users, regs, counters, pools, outbox, launches, events, updates,
                    ],
                    self.rules.as_ref(),
                    now,
                );
                let value = f(&tx)?;
                tx.settle()?;
                Ok(value)
            },
        );
        result.map_err(|e| match e {
            TransactionError::Abort(e) => e.into_store(),
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    /// Applies a launch plan (expiries, invitations, closing) in one transaction and flushes.
    /// Invitations for registrations that are no longer waiting are skipped.
    pub async fn apply_plan(
        &self,
        launch: u64,
        plan: &crate::domain::launch::Plan,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| tx.apply_plan(launch, plan))?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Every event, by id.
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.events
            .scan_prefix(b"e")
            .values()
            .map(|v| decode("events", &v?))
            .collect()
    }

    /// One event.
    pub fn event(&self, id: u64) -> Result<Option<Event>, StoreError> {
        self.events
            .get(events::event_key(id))?
            .map(|v| decode("events", &v))
            .transpose()
    }

    /// Every feedback on an event.
    pub fn feedback_on(&self, event: u64) -> Result<Vec<Feedback>, StoreError> {
        self.events
            .scan_prefix(events::feedback_prefix(event))
            .values()
            .map(|v| decode("events", &v?))
            .collect()
    }

    /// A broadcast.
    pub fn broadcast(&self, id: u64) -> Result<Option<Broadcast>, StoreError> {
        self.events
            .get(events::broadcast_key(id))?
            .map(|v| decode("events", &v))
            .transpose()
    }

    /// Counts one broadcast recipient's outcome (and queues the report after the last).
    pub async fn broadcast_outcome(
        &self,
        id: u64,
        outcome: Delivery,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| tx.broadcast_outcome(id, outcome))?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Marks a user as unreachable (blocked the bot): nothing more is sent to them until they
    /// write again.
    pub async fn mark_unreachable(&self, user: UserId) -> Result<(), StoreError> {
        let mut r = self.user(user)?;
        if !r.unreachable {
            r.unreachable = true;
            self.users.insert(user.0.to_be_bytes(), encode(&r))?;
            self.flush_to_disk().await?;
        }
        Ok(())
    }

    /// A launch by id.
    pub fn launch(&self, id: u64) -> Result<Option<Launch>, StoreError> {
        self.launches
            .get(id.to_be_bytes())?
            .map(|v| decode("launches", &v))
            .transpose()
    }

    /// Every launch, oldest first.
    pub fn launches(&self) -> Result<Vec<Launch>, StoreError> {
        self.launches
            .iter()
            .values()
            .map(|v| decode("launches", &v?))
            .collect()
    }

    /// Queued messages due at `now`, earliest first, at most `limit`.
    pub fn due_outbox(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Queued>, StoreError> {
        let end = tx::outbox_key(now, u64::MAX);
        let mut out = Vec::new();
        for item in self.outbox.range(..=end).take(limit) {
            let (k, v) = item?;
            out.push((k.to_vec(), decode("outbox", &v)?));
        }
        Ok(out)
    }

    /// When the next queued message is due, if any.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(match self.outbox.first()? {
            Some((_, v)) => Some(decode::<OutboxItem>("outbox", &v)?.due),
            None => None,
        })
    }

    /// How many messages are queued.
    #[must_use]
    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    /// Removes a sent message and flushes, so it is not sent again after a restart.
    pub async fn outbox_done(&self, key: &[u8]) -> Result<(), StoreError> {
        self.outbox.remove(key)?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Replaces a queued message (to retry it later) and queues `extra` messages, atomically.
    pub async fn outbox_requeue(
        &self,
        key: &[u8],
        retry: Option<&OutboxItem>,
        extra: &[OutboxItem],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| {
            tx.outbox.remove(key)?;
            if let Some(item) = retry {
                tx.enqueue(item.clone())?;
            }
            for item in extra {
                tx.enqueue(item.clone())?;
            }
            Ok(())
        })?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// The replies kept with a handled update that were not yet marked sent, if any.
    pub fn unsent_replies(&self, update_id: u32) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .updates
            .get(update_id.to_be_bytes())?
            .filter(|v| v.len() > 8)
            .map(|v| v[8..].to_vec()))
    }

    /// Replaces the replies kept with an update by what is still to send (`rest`; empty when
    /// everything was sent). Not flushed: if a crash loses this, the replies are sent again
    /// when the update is redelivered (at least once), and once the offset confirmed the
    /// update it is never redelivered.
    pub fn replies_sent(&self, update_id: u32, rest: &[u8]) -> Result<(), StoreError> {
        let key = update_id.to_be_bytes();
        if let Some(v) = self.updates.get(key)? {
            if v.len() > 8 {
                let mut value = v[..8].to_vec();
                value.extend_from_slice(rest);
                self.updates.insert(key, value)?;
            }
        }
        Ok(())
    }

    /// Records an update that changed nothing in the store (a note to a group chat), so that a
    /// redelivery of it is recognised too.
    pub async fn mark_update(&self, update_id: u32, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.updates.insert(
            update_id.to_be_bytes(),
            &now.timestamp_millis().to_be_bytes(),
        )?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Forgets handled update ids older than [`UPDATE_MEMORY`]; returns how many were removed.
    pub fn prune_updates(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = (now - UPDATE_MEMORY).timestamp_millis();
        let mut removed = 0;
        for item in self.updates.iter() {
            let (k, v) = item?;
            let at = v
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .map_or(0, i64::from_be_bytes);
            if at < cutoff {
                self.updates.remove(k)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Flushes everything to disk (on shutdown).
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Writes everything so far to disk and waits for it, on tokio's blocking pool. Not sled's
    /// `flush_async`: in sled 0.34 that runs the flush on sled's own small thread pool, and a few
    /// flushes at once (different users' commits, the sender) can take every thread of it while
    /// the log write they wait for is queued behind them on the same pool — a deadlock
    /// (spacejam/sled#1308). A blocking flush leaves sled's pool free to do that write.
    async fn flush_to_disk(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| {
                StoreError::Sled(sled::Error::Io(std::io::Error::other(format!(
                    "the flush did not finish: {e}"
                ))))
            })??;
        Ok(())
    }

    /// Every key and value in every tree, for tests that check nothing of a user is left.
    pub fn dump(&self) -> Result<Vec<DumpEntry>, StoreError> {
        let mut out = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let tname = String::from_utf8_lossy(&name).into_owned();
            for item in tree.iter() {
                let (k, v) = item?;
                out.push((tname.clone(), k.to_vec(), v.to_vec()));
            }
        }
        Ok(out)
    }
}

/// A read-only view for the engine. Store failures read as empty: what the engine shows from
/// here is informational, and the commit that follows reports the real error.
impl View for Store {
    fn demand(&self, pool: &Pool) -> Demand {
        self.demand_in(pool).unwrap_or_else(|e| {
            log::warn!("store::demand: {e}");
            Demand::default()
        })
    }

    fn waiting(&self, group: &GroupId) -> Vec<Registration> {
        self.waiting_in_group(group).unwrap_or_else(|e| {
            log::warn!("store::waiting: {e}");
            Vec::new()
        })
    }

    fn launch(&self, id: u64) -> Option<Launch> {
        Store::launch(self, id).unwrap_or_else(|e| {
            log::warn!("store::launch: {e}");
            None
        })
    }

    fn registration(&self, user: UserId, group: &GroupId) -> Option<Registration> {
        self.registrations
            .get(reg_key(user, group))
            .ok()
            .flatten()
            .and_then(|v| decode("registrations", &v).ok())
    }

    fn events(&self) -> Vec<Event> {
        Store::events(self).unwrap_or_else(|e| {
            log::warn!("store::events: {e}");
            Vec::new()
        })
    }

    fn event(&self, id: u64) -> Option<Event> {
        Store::event(self, id).unwrap_or_else(|e| {
            log::warn!("store::event: {e}");
            None
        })
    }

    fn feedback(&self, event: u64) -> Vec<Feedback> {
        self.feedback_on(event).unwrap_or_else(|e| {
            log::warn!("store::feedback: {e}");
            Vec::new()
        })
    }

    fn feedback_of(&self, event: u64, user: UserId) -> Option<Feedback> {
        self.events
            .get(events::feedback_key(event, user))
            .ok()
            .flatten()
            .and_then(|v| decode("events", &v).ok())
    }

    fn broadcast(&self, id: u64) -> Option<Broadcast> {
        Store::broadcast(self, id).unwrap_or_else(|e| {
            log::warn!("store::broadcast: {e}");
            None
        })
    }

    fn launches(&self) -> Vec<Launch> {
        Store::launches(self).unwrap_or_else(|e| {
            log::warn!("store::launches: {e}");
            Vec::new()
        })
    }
}

fn reg_key(user: UserId, group: &GroupId) -> Vec<u8> {
    let mut k = user.0.to_be_bytes().to_vec();
    k.extend_from_slice(group.as_str().as_bytes());
    k
}

fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising these plain structs to JSON cannot fail (no maps with non-string keys).
    serde_json::to_vec(v).unwrap_or_default()
}

fn decode_tx_err<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> tx::TxResult<T> {
    serde_json::from_slice(v)
        .map_err(|e| ConflictableTransactionError::Abort(tx::TxError::Decode(tree, e)))
}

impl tx::TxError {
    fn into_store(self) -> StoreError {
        match self {
            tx::TxError::Decode(tree, source) => StoreError::Decode { tree, source },
        }
    }
}

fn decode<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|source| StoreError::Decode { tree, source })
}

#[cfg(test)]
mod tests;
