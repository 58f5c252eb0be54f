//! The one owner of sled. Every tree, key layout and encoding lives here, behind typed methods;
//! no other module says `sled`.
//!
//! Trees:
//! - `meta`: the schema version, the key check value, when housekeeping last ran.
//! - `users`: user tag → the user id and their [`UserRecord`] (chosen language and conversation
//!   state).
//! - `registrations`: user tag ‖ group id → [`Registration`]; a prefix scan gives one user's.
//! - `counters`: pool key → demand of the *waiting* registrations in the pool, kept in step
//!   with `registrations` in the same transaction, so demand is read in O(1) and always equals
//!   what the registrations add up to.
//! - `pools`: pool key → whether demand is at or over the threshold now, and how many times it
//!   crossed it: a crossing is recorded exactly once, in the transaction that causes it.
//! - `outbox`: due time ‖ sequence → [`OutboxItem`], written in the same transaction as the
//!   change that causes the message.
//! - `launches`: launch id → [`Launch`].
//! - `events`: `e` ‖ event id → [`Event`]; `f` ‖ event id ‖ user tag → [`Feedback`];
//!   `b` ‖ broadcast id → [`Broadcast`]; `F` ‖ user tag → a facilitator (sealed under the
//!   person's own key); `I` ‖ token → a facilitator's one-time link; `P` ‖ launch id → the
//!   facilitators asked to take a launch and their answers (one tree, so one transaction
//!   covers them all).
//! - `audit`: time ‖ sequence → [`crate::domain::audit::Access`]: which coordinator viewed,
//!   exported or broadcast what, and when; kept `[privacy] audit_months`.
//! - `updates`: Telegram update id → when it was handled (sealed), so a redelivered update
//!   counts once, followed by its replies until they are sent, so a redelivered update whose
//!   replies a crash kept from the user sends them then.
//!
//! Keys are big-endian so scans come out in order. Values are JSON (small and tolerant of added
//! fields).
//!
//! Personal data is encrypted at rest ([`crypt`]): every value of every tree but `meta` is
//! sealed with ChaCha20-Poly1305 — the counters and pool states too, since in a small pool they
//! are one family's answers — and a user id in a key is replaced by its *user tag*, a keyed
//! hash. A person's values are sealed under data keys of their own, kept in a keyring beside
//! sled's files ([`keyring`]), so that erasing them destroys the keys and with them every copy
//! sled's log still keeps. The master key lives outside the data directory; a store opened with
//! another key is refused at once ([`StoreError::WrongKey`]).

pub mod backup;
mod crypt;
mod erasures;
mod events;
mod facilitators;
mod families;
mod flush;
mod housekeeping;
pub mod keyring;
mod migrate;
pub mod rekey;
mod tx;

use crate::domain::{
    AreaId, Broadcast, Demand, Event, Feedback, GroupId, Lang, Launch, OutboxItem, Outgoing, Pool,
    PoolStats, Registration, Rules, Status, UserId,
};
use crate::flow::{Effect, State, View};
use chrono::{DateTime, Duration, Utc};
use crypt::Crypt;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sled::transaction::TransactionError;
use sled::Transactional;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tx::Tx;

pub use crate::domain::event::Delivery;
pub use crypt::{Key, KeyError, Scan};
pub use erasures::Erasure;
pub use families::FamilyIndex;
pub use housekeeping::{user_expiry, Retention, RetentionReport, UserExpiry};
pub use keyring::RingError;

/// The schema this build writes: 3, every sealed value with a header naming its key (see
/// [`crypt`]) and data keys in a keyring beside sled's files ([`keyring`]). A version-1 store
/// (from before encryption) is encrypted, and a version-2 store re-sealed, in place on first
/// open; any other version is refused, never misread.
///
/// 4: children are kept as birth years (and months), not ages; a version-3 store is converted
/// on first open ([`migrate::v3_to_v4`]).
pub const SCHEMA_VERSION: u64 = 4;

/// How the counters tree is laid out; part of the "counted" mark in meta (see
/// `Store::count_again_if_needed`). 2: the whole [`PoolStats`] per pool.
const COUNTERS_FORMAT: &str = "counters 4 (children by birth)";

/// The first byte of a paused-counter key in the counters tree: no group id starts with it, so
/// a scan of a group's pools never meets one.
const PAUSED: u8 = 0xFF;

/// Where the demand of a pool's *paused* registrations is counted: not demand, but the
/// coordinator's `/demand` shows it apart.
#[must_use]
pub(crate) fn paused_key(pool: &Pool) -> Vec<u8> {
    let mut k = vec![PAUSED];
    k.extend_from_slice(&pool.key());
    k
}

/// The label under which an update's kept replies are sealed in the `updates` tree.
const REPLIES: &str = "updates-replies";

/// The trees whose values are sealed (JSON under a header, see [`crypt`]). `updates` is sealed
/// too, in two parts (see [`Store::unsent_replies`]); `meta` holds no personal data.
const SEALED: [&str; 10] = [
    "users",
    "registrations",
    "outbox",
    "launches",
    "events",
    "counters",
    "pools",
    "audit",
    "families",
    "family_users",
];

/// The sealed trees that schema 2 kept in clear: in a small pool, the counters are one
/// family's answers, and their history stays in sled's log.
const CLEAR_IN_V2: [&str; 2] = ["counters", "pools"];

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
    #[error("the data directory was written with schema version {found}, but this kokoon reads version {SCHEMA_VERSION} (and converts versions 1 and 2 on first open); refusing to open it rather than misread it")]
    Schema {
        /// The version found on disk.
        found: u64,
    },
    /// The key is not the one the data directory was created (or encrypted) with.
    #[error("the key does not match this data directory: it was encrypted with another key (give the key it was created with; without it the personal data cannot be read)")]
    WrongKey,
    /// A sealed value did not open although the key matched: it was changed on disk.
    #[error("a value in tree {tree} cannot be decrypted: it was changed or damaged on disk")]
    Unsealed {
        /// Which tree.
        tree: &'static str,
    },
    /// The value was sealed under a data key that has been destroyed: it is erased. Reads treat
    /// it as absent.
    #[error("a value in tree {tree} is erased (its data key was destroyed)")]
    Erased {
        /// Which tree.
        tree: &'static str,
    },
    /// The keyring or the erasure list could not be read or written.
    #[error(transparent)]
    Keyring(#[from] RingError),
    /// A step was decided on a record that changed before its commit: nothing was applied,
    /// and the step is to be run again on the record as it is now.
    #[error("the record changed while the step was decided; run it again")]
    Stale,
    /// A value could not be decoded. The message names the place of the error, never the
    /// value (which may be personal data).
    #[error("corrupt value in tree {tree}: {} error at line {}, column {}", category(source), source.line(), source.column())]
    Decode {
        /// Which tree.
        tree: &'static str,
        /// Why.
        source: serde_json::Error,
    },
}

fn category(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "end-of-input",
    }
}

/// What is kept per user besides registrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// The language the user chose with `/lang`; `None` follows Telegram's language.
    pub lang: Option<Lang>,
    /// The language their Telegram had when they last wrote, for messages sent later.
    #[serde(default)]
    pub seen_lang: Option<Lang>,
    /// Since when they have blocked the bot: nothing is sent to them until they write again,
    /// and after the grace period (`[privacy] blocked_grace_days`) everything about them is
    /// erased as with `/forget`.
    #[serde(default)]
    pub unreachable_since: Option<DateTime<Utc>>,
    /// When they last wrote, so that a conversation that never reached a consent is deleted a
    /// day later ([`crate::domain::privacy::unconsented`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_at: Option<DateTime<Utc>>,
    /// Where they are in the conversation.
    pub state: State,
}

impl UserRecord {
    /// Whether they blocked the bot (and have not written since).
    #[must_use]
    pub fn unreachable(&self) -> bool {
        self.unreachable_since.is_some()
    }
}

/// A users-tree value: the key is only a tag, so the id is kept inside (sealed) for the jobs
/// that go through every user.
#[derive(Serialize, Deserialize)]
struct StoredUser {
    id: UserId,
    record: UserRecord,
    /// When they last wrote to the bot: user records with nothing else stored, and unfinished
    /// conversations, expire counted from it. `None` in records from before it was kept (the
    /// daily job stamps them on first sight).
    #[serde(default)]
    at: Option<DateTime<Utc>>,
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

impl Traces {
    /// Whether nothing besides the user record is stored about them.
    fn is_empty(&self) -> bool {
        self.registrations.is_empty()
            && self.events.is_empty()
            && self.launches.is_empty()
            && self.other_keys.is_empty()
    }

    /// The data keys that go with an erasure: the person's, and their records'.
    fn owners(&self, tag: [u8; crypt::USER_TAG]) -> Vec<keyring::Owner> {
        let mut out = vec![keyring::Owner::person(&tag)];
        out.extend(
            self.registrations
                .iter()
                .map(|k| keyring::Owner::record("registrations", k)),
        );
        out.extend(
            self.other_keys
                .iter()
                .filter(|(tree, _)| *tree == "events")
                .map(|(tree, k)| keyring::Owner::record(tree, k)),
        );
        out
    }
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
    fn coordinator_ids(&self, _: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
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
    meta: sled::Tree,
    /// The access log: time ‖ sequence → [`crate::domain::audit::Access`], sealed.
    audit: sled::Tree,
    /// Registrations shared by both parents: family id → [`crate::domain::family::Family`],
    /// sealed under the family's own key.
    families: sled::Tree,
    /// Which shared families each parent is in: user tag → the family ids, sealed (under the
    /// master key: ids only). Written in the same transaction as the family records
    /// ([`Tx::put_family`](tx::Tx)), so a parent's families are read without a scan.
    family_users: sled::Tree,
    crypt: Arc<Crypt>,
    /// Who was erased, for a restore to erase again ([`erasures`]).
    erasures: Arc<erasures::ErasureList>,
    /// The data directory (sled's files, the keyring, the erasure list).
    dir: Arc<std::path::PathBuf>,
    rules: Arc<dyn Rules + Send>,
    group: Arc<flush::GroupCommit>,
    /// Held for reading by every transaction and for writing by [`Store::snapshot`], so a
    /// snapshot falls between transactions ([`backup`]).
    gate: Arc<std::sync::RwLock<()>>,
    /// The data directory.
    path: std::path::PathBuf,
}

/// One raw entry of [`Store::dump`]: tree name, key, value.
pub type DumpEntry = (String, Vec<u8>, Vec<u8>);

/// A queued message with its key, as [`Store::due_outbox`] returns it.
pub type Queued = (Vec<u8>, OutboxItem);

impl Store {
    /// Opens (or creates) a store without a config: every language counted together, no
    /// thresholds. `cache_bytes` caps sled's page cache.
    pub fn open(path: &Path, cache_bytes: u64, key: &Key) -> Result<Store, StoreError> {
        Store::open_with(path, cache_bytes, key, Arc::new(NoRules))
    }

    /// Opens (or creates) a store that counts demand and crossings by `rules` (the config).
    /// A new store records the schema version and a key check value; an existing one must have
    /// been created with `key` ([`StoreError::WrongKey`] otherwise). A version-1 store, from
    /// before encryption, is encrypted in place with `key` first.
    pub fn open_with(
        path: &Path,
        cache_bytes: u64,
        key: &Key,
        rules: Arc<dyn Rules + Send>,
    ) -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .mode(sled::Mode::HighThroughput)
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
        let mut crypt = Crypt::new(key);
        let meta = db.open_tree("meta")?;
        let ring_path = path.join(keyring::FILE);
        // Schema 3 and older keep children as ages: converted once the store is open.
        let mut ages_to_births = false;
        match meta.get("schema")? {
            Some(v) => {
                let found = v
                    .as_ref()
                    .try_into()
                    .map(u64::from_be_bytes)
                    .unwrap_or(u64::MAX);
                ages_to_births = found < SCHEMA_VERSION;
                match found {
                    3 | SCHEMA_VERSION => match meta.get("keycheck")? {
                        Some(check) if crypt.verify(&check) => {
                            if !ring_path.exists() {
                                return Err(StoreError::Keyring(RingError::Io {
                                    path: ring_path.display().to_string(),
                                    source: std::io::Error::new(
                                        std::io::ErrorKind::NotFound,
                                        "the keyring of this data directory is missing (without it the personal data cannot be read)",
                                    ),
                                }));
                            }
                            crypt.ring = keyring::Keyring::open(&ring_path, &crypt.ring_key)?;
                        }
                        _ => return Err(StoreError::WrongKey),
                    },
                    1 | 2 => {
                        if found == 2 && !meta.get("keycheck")?.is_some_and(|c| crypt.verify(&c)) {
                            return Err(StoreError::WrongKey);
                        }
                        crypt.ring = keyring::Keyring::open(&ring_path, &crypt.ring_key)?;
                        if found == 1 {
                            migrate::v1_to_v2(&db, &crypt, Utc::now())?;
                        }
                        migrate::v2_to_v3(&db, &crypt)?;
                        db.flush()?;
                    }
                    found => return Err(StoreError::Schema { found }),
                }
            }
            None => {
                crypt.ring = keyring::Keyring::open(&ring_path, &crypt.ring_key)?;
                let mut batch = sled::Batch::default();
                batch.insert("schema", &SCHEMA_VERSION.to_be_bytes());
                batch.insert("keycheck", crypt.check_value());
                meta.apply_batch(batch)?;
                db.flush()?;
            }
        }
        // A store whose master key was rotated keeps hashing user ids as it always did.
        if let Some(sealed) = meta.get(rekey::TAG_KEY)? {
            let tag_key = zeroize::Zeroizing::new(
                crypt
                    .open("meta", rekey::TAG_KEY, &sealed)
                    .map_err(|_| StoreError::WrongKey)?,
            );
            crypt.use_tag_key(&tag_key);
        }
        let erasures =
            erasures::ErasureList::open(&path.join(erasures::FILE), &crypt.erasures_key)?;
        let crypt = Arc::new(crypt);
        let store = Store {
            users: db.open_tree("users")?,
            registrations: db.open_tree("registrations")?,
            counters: db.open_tree("counters")?,
            pools: db.open_tree("pools")?,
            outbox: db.open_tree("outbox")?,
            launches: db.open_tree("launches")?,
            events: db.open_tree("events")?,
            updates: db.open_tree("updates")?,
            audit: db.open_tree("audit")?,
            families: db.open_tree("families")?,
            family_users: db.open_tree("family_users")?,
            meta,
            db,
            crypt,
            erasures: Arc::new(erasures),
            dir: Arc::new(path.to_path_buf()),
            rules,
            group: Arc::new(flush::GroupCommit::default()),
            gate: Arc::default(),
            path: path.to_owned(),
        };
        if ages_to_births {
            migrate::v3_to_v4(&store, Utc::now())?;
        }
        store.count_again_if_needed()?;
        migrate::launch_meetings_private(&store)?;
        migrate::family_index(&store)?;
        Ok(store)
    }

    /// The counters hold each pool's [`PoolStats`], formed by the rules' pools. A store whose
    /// counters were added up some other way — by an older kokoon that kept only two numbers
    /// per pool, or under a config that formed pools differently — is counted again from its
    /// registrations, once; after that the transactions keep the counters in step.
    fn count_again_if_needed(&self) -> Result<(), StoreError> {
        let how = format!("{COUNTERS_FORMAT}; {}", self.rules.counting());
        if self.meta.get("counted")?.as_deref() == Some(how.as_bytes()) {
            return Ok(());
        }
        let began = std::time::Instant::now();
        let mut pools: BTreeMap<Vec<u8>, PoolStats> = BTreeMap::new();
        for r in self.all_registrations() {
            let r = r?;
            let pool = self.rules.pool_of(&r);
            let key = match r.status {
                Status::Waiting => pool.key(),
                Status::Paused { .. } => paused_key(&pool),
                _ => continue,
            };
            pools.entry(key).or_default().add(&r);
        }
        let mut batch = sled::Batch::default();
        for k in self.counters.iter().keys() {
            batch.remove(k?);
        }
        for (k, stats) in &pools {
            batch.insert(k.as_slice(), self.seal("counters", k, stats)?);
        }
        self.counters.apply_batch(batch)?;
        self.meta.insert("counted", how.as_bytes())?;
        self.db.flush()?;
        log::info!(
            "store: demand counted again for {} pools in {:?}",
            pools.len(),
            began.elapsed()
        );
        Ok(())
    }

    /// Seals a value for a tree (if the tree is sealed) under its key.
    fn seal<T: Serialize>(
        &self,
        tree: &'static str,
        key: &[u8],
        v: &T,
    ) -> Result<Vec<u8>, StoreError> {
        seal(&self.crypt, tree, key, v)
    }

    /// Opens and decodes a value read from a tree under its key.
    fn open_value<T: DeserializeOwned>(
        &self,
        tree: &'static str,
        key: &[u8],
        v: &[u8],
    ) -> Result<T, StoreError> {
        open_value(&self.crypt, tree, key, v)
    }

    /// Every value of a tree (or of the part of it under `prefix`), opened and decoded.
    fn values<T: DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        name: &'static str,
        prefix: &[u8],
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for item in tree.scan_prefix(prefix) {
            let (k, v) = item?;
            match self.open_value(name, &k, &v) {
                Err(StoreError::Erased { .. }) => {}
                other => out.push(other?),
            }
        }
        Ok(out)
    }

    fn users_key(&self, user: UserId) -> [u8; crypt::USER_TAG] {
        self.crypt.user_tag(user)
    }

    /// A user's record; the default for someone never seen.
    pub fn user(&self, user: UserId) -> Result<UserRecord, StoreError> {
        let key = self.users_key(user);
        Ok(match self.get::<StoredUser>(&self.users, "users", &key)? {
            Some(u) => u.record,
            None => UserRecord::default(),
        })
    }

    /// A user's registrations, in group-id order.
    pub fn registrations_of(&self, user: UserId) -> Result<Vec<Registration>, StoreError> {
        self.values(&self.registrations, "registrations", &self.users_key(user))
    }

    /// Every registration (for coordinators' views and exports).
    pub fn all_registrations(&self) -> impl Iterator<Item = Result<Registration, StoreError>> + '_ {
        self.registrations.iter().filter_map(|item| {
            let (k, v) = match item {
                Ok(kv) => kv,
                Err(e) => return Some(Err(e.into())),
            };
            match self.open_value("registrations", &k, &v) {
                Err(StoreError::Erased { .. }) => None,
                other => Some(other),
            }
        })
    }

    /// The registrations a coordinator added by hand, in registration order.
    pub fn added_by(&self, coordinator: UserId) -> Result<Vec<Registration>, StoreError> {
        let mut out = Vec::new();
        for r in self.all_registrations() {
            let r = r?;
            if crate::domain::added::answers_for(&r, coordinator) {
                out.push(r);
            }
        }
        out.sort_by_key(|r| r.created_at);
        Ok(out)
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
        for item in self.counters.scan_prefix(prefix) {
            let (k, v) = item?;
            let c: PoolStats = self.open_value("counters", &k, &v)?;
            d.families += c.families;
            d.participants += c.participants;
        }
        Ok(d)
    }

    /// Demand of waiting registrations in one pool.
    pub fn demand_in(&self, pool: &Pool) -> Result<Demand, StoreError> {
        Ok(self.stats_in(pool)?.demand())
    }

    /// What the families waiting in a pool have told, added up.
    pub fn stats_in(&self, pool: &Pool) -> Result<PoolStats, StoreError> {
        Ok(self
            .get(&self.counters, "counters", &pool.key())?
            .unwrap_or_default())
    }

    /// What the paused registrations of one pool have told, added up (counted apart from its
    /// demand).
    pub fn paused_in(&self, pool: &Pool) -> Result<PoolStats, StoreError> {
        Ok(self
            .get(&self.counters, "counters", &paused_key(pool))?
            .unwrap_or_default())
    }

    /// What the paused registrations of a group tell, added up over its pools, from the
    /// counters.
    pub fn paused_of(&self, group: &GroupId) -> Result<PoolStats, StoreError> {
        let mut prefix = vec![PAUSED];
        prefix.extend_from_slice(group.as_str().as_bytes());
        prefix.push(0);
        let mut out = PoolStats::default();
        for item in self.counters.scan_prefix(prefix) {
            let (k, v) = item?;
            let c: PoolStats = self.open_value("counters", &k, &v)?;
            out.families += c.families;
            out.participants += c.participants;
        }
        Ok(out)
    }

    /// Every pool of a group that has families waiting, with what they have told, added up:
    /// read from the counters, without touching a single registration.
    pub fn pools_of(&self, group: &GroupId) -> Result<Vec<(Pool, PoolStats)>, StoreError> {
        let mut prefix = group.as_str().as_bytes().to_vec();
        prefix.push(0);
        let mut out = Vec::new();
        for item in self.counters.scan_prefix(prefix) {
            let (k, v) = item?;
            match Pool::from_key(&k) {
                Some(pool) => out.push((pool, self.open_value("counters", &k, &v)?)),
                None => log::warn!("store::pools_of: a counter key is not a pool"),
            }
        }
        Ok(out)
    }

    /// How many times demand in a pool has crossed its threshold.
    pub fn crossings(&self, pool: &Pool) -> Result<u32, StoreError> {
        Ok(self
            .get::<crate::domain::PoolState>(&self.pools, "pools", &pool.key())?
            .map_or(0, |p| p.crossings))
    }

    /// How many alerts of a pool were dropped unsent because their reason passed before they
    /// went (one per coordinator's alert; see [`crate::domain::pool::alert_holds`]).
    pub fn alerts_dropped(&self, pool: &Pool) -> Result<u32, StoreError> {
        Ok(self
            .get::<crate::domain::PoolState>(&self.pools, "pools", &pool.key())?
            .map_or(0, |p| p.alerts_dropped))
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
        let committed = self.commit_unflushed(user, update_id, record, effects, now, &[])?;
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
        self.commit_unflushed(user, update_id, record, effects, now, &[])
    }

    /// The transaction of [`Store::commit`], keeping `replies` (the update's rendered replies,
    /// opaque here) with the update id until [`Store::replies_sent`]: replies that a crash kept
    /// from reaching the user are found again when the update is redelivered
    /// ([`Store::unsent_replies`]). Not flushed: the caller flushes ([`Store::flush`], once for
    /// a whole batch) before anything depends on it.
    pub fn commit_unflushed(
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
        // The shared families the step can touch: read now, as a transaction cannot scan.
        let known = self.families_touched(user, effects)?;
        let user_key = self.users_key(user);
        let user_value = self.seal(
            "users",
            &user_key,
            &StoredUser {
                id: user,
                record: record.clone(),
                at: Some(now),
            },
        )?;
        let handled = match update_id {
            Some(id) => Some(self.handled_value(id, now, replies, Some(user))?),
            None => None,
        };
        // The data keys that go with what this step deletes.
        let mut doomed = self.families_doomed(user, effects, &known);
        for effect in effects {
            match effect {
                Effect::Withdraw(g) => doomed.push(keyring::Owner::record(
                    "registrations",
                    &reg_key(&self.crypt, user, g),
                )),
                // A coordinator withdrawing a family they added: the family's registration.
                Effect::ForFamily { family, effect } => {
                    if let Effect::Withdraw(g) = effect.as_ref() {
                        doomed.push(keyring::Owner::record(
                            "registrations",
                            &reg_key(&self.crypt, *family, g),
                        ));
                    }
                }
                Effect::Forget => doomed.extend(forget.owners(user_key)),
                _ => {}
            }
        }
        let committed = self.transaction(now, |tx| {
            // The launch made in this step, for its crew (`Effect::LaunchCrew` follows it).
            let mut launched = None;
            if let (Some(id), Some(handled)) = (update_id, &handled) {
                if tx.updates.get(id.to_be_bytes())?.is_some() {
                    return Ok(Committed::Duplicate);
                }
                tx.updates.insert(&id.to_be_bytes(), handled.as_slice())?;
            }
            for effect in effects {
                // What a coordinator does for a family added by hand is applied as the
                // family's own step; only these effects can be (the engine asks no others).
                let (user, effect) = match effect {
                    Effect::ForFamily { family, effect } if family.is_added() => {
                        match effect.as_ref() {
                            Effect::SaveRegistration(r) if r.user == *family => {}
                            Effect::Withdraw(_) | Effect::Resume(_) | Effect::Respond { .. } => {}
                            _ => continue,
                        }
                        (*family, effect.as_ref())
                    }
                    other => (user, other),
                };
                match effect {
                    Effect::SaveRegistration(r) => {
                        tx.save_registration(r)?;
                        // A shared family shows the other parent the children as they are now.
                        tx.follow_registration(r, &known)?;
                    }
                    Effect::AddFamily(r) => {
                        // A synthetic id of its own: never a Telegram user's.
                        let id = UserId::added(tx.regs.generate_id()?);
                        tx.save_registration(&Registration {
                            user: id,
                            ..r.clone()
                        })?;
                    }
                    Effect::ForFamily { .. } => {}
                    Effect::Withdraw(g) => {
                        tx.leave_families(user, Some(g), &known)?;
                        tx.remove_registration(&reg_key(&self.crypt, user, g))?;
                    }
                    Effect::Forget => {
                        tx.leave_families(user, None, &known)?;
                        for key in forget_keys {
                            tx.erase_registration(key)?;
                        }
                        tx.erase(user, &forget.events, &forget.launches, &forget.other_keys)?;
                    }
                    Effect::Resume(g) => tx.resume(user, g)?,
                    Effect::Launch(req) => launched = Some(tx.create_launch(req)?),
                    Effect::LaunchCrew { facilitators, hold } => {
                        if let Some(id) = launched {
                            tx.create_crew(id, facilitators, *hold)?;
                        }
                    }
                    Effect::LeadLaunch { facilitators } => {
                        if let Some(id) = launched {
                            tx.lead_launch(id, facilitators)?;
                        }
                    }
                    Effect::CrewAnswer { launch, yes } => tx.answer_crew(user, *launch, *yes)?,
                    Effect::ReleaseInvitations { launch } => tx.release_crew(*launch)?,
                    Effect::Respond { launch, accept } => tx.respond(user, *launch, *accept)?,
                    Effect::CreateEvent(e) => {
                        tx.create_event(e)?;
                    }
                    Effect::UpdateEvent(e) => tx.update_event(e, Some(user))?,
                    Effect::CancelEvent(id) => tx.cancel_event(*id, Some(user))?,
                    Effect::Rsvp { event, join, seen } => {
                        tx.rsvp_seen(user, *event, *join, *seen)?;
                    }
                    Effect::SignUpConsent { event, record } => {
                        tx.save_signup(user, *event, record)?;
                    }
                    Effect::HideName { event } => tx.hide_name(user, *event)?,
                    Effect::EditSeries { launch, edit } => tx.edit_series(*launch, *edit)?,
                    Effect::MarkAttendance { event, user, came } => {
                        tx.mark_attendance(*event, *user, *came)?;
                    }
                    Effect::InviteFacilitator(invite) => tx.save_invite(invite)?,
                    Effect::BecomeFacilitator {
                        token,
                        name,
                        consent,
                    } => tx.become_facilitator(user, token, name, *consent)?,
                    Effect::RemoveFacilitator { user: who, groups } => {
                        tx.remove_facilitator(*who, groups)?;
                    }
                    Effect::Support { group, text } => {
                        let scope = crate::domain::remit::Scope::Group(group);
                        for to in tx.rules().coordinator_ids(scope) {
                            tx.send(
                                to,
                                Outgoing::Support {
                                    group: group.clone(),
                                    from: user,
                                    text: text.clone(),
                                },
                            )?;
                        }
                    }
                    Effect::Feedback { event, answer } => tx.feedback(user, *event, answer)?,
                    Effect::Broadcast { audience, text, to } => {
                        tx.broadcast(user, audience, text, to)?;
                    }
                    Effect::GroupMessage { launch, text, to } => {
                        tx.group_message(user, *launch, text, to)?;
                    }
                    // Logged once the step is applied (below): the log is not part of the
                    // transaction's trees.
                    Effect::Audit(_) => {}
                    Effect::Family(change) => tx.family_change(user, change, &known)?,
                }
            }
            if forgetting && record.state == State::Idle {
                tx.users.remove(&user_key)?;
            } else {
                tx.users.insert(&user_key, user_value.clone())?;
            }
            Ok(Committed::Applied)
        })?;
        if committed == Committed::Applied {
            for effect in effects {
                if let Effect::Audit(access) = effect {
                    self.log_access(access)?;
                }
            }
        }
        if committed == Committed::Applied && !doomed.is_empty() {
            // The deletion goes to disk first (one `fsync`, on these rare steps only): a kill
            // after the keys' destruction must not bring back, from sled's last flush, a
            // record still counted and sealed under a key that no longer exists.
            self.db.flush()?;
            // Then destroyed at once: the keyring file is rewritten without them before this
            // returns, so the copies sled's log keeps can no longer be opened.
            self.crypt.ring.destroy(&doomed, &self.crypt.ring_key)?;
            if forgetting {
                self.erasures
                    .record(&[user], now, &self.crypt.erasures_key)?;
                if record.state != State::Idle {
                    // Their conversation goes on (a step after /forget): its state, sealed
                    // anew under a new key.
                    let value = self.seal(
                        "users",
                        &user_key,
                        &StoredUser {
                            id: user,
                            record: record.clone(),
                            at: Some(now),
                        },
                    )?;
                    self.users.insert(user_key, value)?;
                }
            }
        }
        Ok(committed)
    }

    /// Everything stored about a user outside their own records, found by scanning (which a
    /// transaction cannot do): their registrations' keys, the events and launches that list
    /// them, and their feedback and queued messages.
    fn traces_of(&self, user: UserId) -> Result<Traces, StoreError> {
        let tag = self.users_key(user);
        let mut t = Traces {
            registrations: self
                .registrations
                .scan_prefix(tag)
                .keys()
                .collect::<Result<_, _>>()?,
            ..Traces::default()
        };
        for e in self.events()? {
            if e.attending(user)
                || e.queued(user)
                || e.came.contains(&user)
                || e.facilitators.contains(&user)
                || e.co_parents.contains(&user)
            {
                t.events.push(e.id);
            }
        }
        for l in self.launches()? {
            let asked = self
                .crew(l.id)?
                .is_some_and(|c| c.asked.iter().any(|a| a.user == user));
            if l.invitation(user).is_some() || asked {
                t.launches.push(l.id);
            }
        }
        for prefix in [b"f", b"s"] {
            for item in self.events.scan_prefix(prefix) {
                let (k, _) = item?;
                if k.ends_with(&tag) {
                    t.other_keys.push(("events", k.to_vec()));
                }
            }
        }
        // A facilitator's messages to families (text and report), like their other records.
        for item in self.events.scan_prefix([b'b']) {
            let (k, v) = item?;
            let b: Broadcast = self.open_value("events", &k, &v)?;
            if b.facilitator && b.from == user {
                t.other_keys.push(("events", k.to_vec()));
            }
        }
        let fkey = facilitators::facilitator_key(&tag);
        if self.events.contains_key(&fkey)? {
            t.other_keys.push(("events", fkey));
        }
        for item in self.outbox.iter() {
            let (k, v) = item?;
            let item: OutboxItem = self.open_value("outbox", &k, &v)?;
            // Messages to them, and news of their answer to a coordinator.
            let about = matches!(item.message,
                Outgoing::Answered { user: u, .. }
                | Outgoing::FacilitatorJoined { user: u, .. }
                | Outgoing::ProposalAnswered { user: u, .. }
                | Outgoing::Support { from: u, .. } if u == user);
            if item.to == user || about {
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
            &self.families,
            &self.family_users,
        );
        let _gate = self
            .gate
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = trees.transaction(
            |(
                users,
                regs,
                counters,
                pools,
                outbox,
                launches,
                events,
                updates,
                families,
                family_users,
            )| {
                let tx = Tx::new(
                    [
                        users,
                        regs,
                        counters,
                        pools,
                        outbox,
                        launches,
                        events,
                        updates,
                        families,
                        family_users,
                    ],
                    &self.crypt,
                    self.rules.as_ref(),
                    now,
                );
                let value = f(&tx)?;
                tx.settle()?;
                Ok(value)
            },
        );
        result.map_err(|e| match e {
            TransactionError::Abort(e) => e.into(),
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    /// Applies event changes that come from no user (events in the config), durably.
    pub async fn apply_event_effects(
        &self,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| {
            for effect in effects {
                match effect {
                    Effect::CreateEvent(e) => {
                        tx.create_event(e)?;
                    }
                    Effect::UpdateEvent(e) => tx.update_event(e, None)?,
                    Effect::CancelEvent(id) => tx.cancel_event(*id, None)?,
                    _ => {}
                }
            }
            Ok(())
        })?;
        self.flush_to_disk().await
    }

    /// Applies a launch plan (expiries, invitations, closing) in one transaction and flushes.
    /// Invitations for registrations that are no longer waiting are skipped.
    pub async fn apply_plan(
        &self,
        launch: u64,
        plan: &crate::domain::launch::Plan,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Shared families are invited with both parents: read first, as a transaction cannot
        // scan.
        let families = self.families()?;
        self.transaction(now, |tx| tx.apply_plan(launch, plan, &families))?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Passes events and launches on to other coordinators ([`crate::domain::handover`]), in
    /// one transaction, durably. Nobody is messaged.
    pub async fn hand_over(
        &self,
        moves: &[crate::domain::handover::Handover],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use crate::domain::handover::Handover;
        self.transaction(now, |tx| {
            for m in moves {
                match *m {
                    Handover::Event { id, to } => {
                        if let Some(mut e) = tx.event(id)? {
                            e.organiser = to;
                            tx.save_event(&e)?;
                        }
                    }
                    Handover::Launch { id, to } => {
                        if let Some(mut l) = tx.load_launch(id)? {
                            l.coordinator = to;
                            tx.save_launch(&l)?;
                        }
                    }
                }
            }
            Ok(())
        })?;
        self.flush_to_disk().await
    }

    /// Every facilitator added through the chat.
    pub fn facilitators(&self) -> Result<Vec<crate::domain::facilitator::Facilitator>, StoreError> {
        let mut out = Vec::new();
        for item in self.events.scan_prefix([facilitators::FACILITATOR]) {
            let (k, v) = item?;
            match self.open_value("events", &k, &v) {
                Ok(f) => out.push(f),
                Err(StoreError::Erased { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The facilitators asked to take a launch, and their answers.
    pub fn crew(
        &self,
        launch: u64,
    ) -> Result<Option<crate::domain::facilitator::Crew>, StoreError> {
        self.get(&self.events, "events", &facilitators::crew_key(launch))
    }

    /// A facilitator's invitation link by its token.
    pub fn facilitator_invite(
        &self,
        token: &str,
    ) -> Result<Option<crate::domain::facilitator::FacilitatorInvite>, StoreError> {
        self.get(&self.events, "events", &facilitators::invite_key(token))
    }

    /// Every event, by id.
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.values(&self.events, "events", b"e")
    }

    /// One value of a tree by key, opened and decoded.
    fn get<T: DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        name: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        match tree.get(key)? {
            Some(v) => match self.open_value(name, key, &v) {
                Err(StoreError::Erased { .. }) => Ok(None),
                other => other.map(Some),
            },
            None => Ok(None),
        }
    }

    /// One event.
    pub fn event(&self, id: u64) -> Result<Option<Event>, StoreError> {
        self.get(&self.events, "events", &events::event_key(id))
    }

    /// Every feedback on an event.
    pub fn feedback_on(&self, event: u64) -> Result<Vec<Feedback>, StoreError> {
        self.values(&self.events, "events", &events::feedback_prefix(event))
    }

    /// A broadcast.
    pub fn broadcast(&self, id: u64) -> Result<Option<Broadcast>, StoreError> {
        self.get(&self.events, "events", &events::broadcast_key(id))
    }

    /// Counts one broadcast recipient's outcome (and queues the report after the last). Not
    /// flushed here: the sender flushes (see [`crate::sender`]).
    pub fn broadcast_outcome(
        &self,
        id: u64,
        outcome: Delivery,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| tx.broadcast_outcome(id, outcome))
    }

    /// Marks a user as unreachable (blocked the bot) from `now`: nothing more is sent to them
    /// until they write again, and after the grace period they are erased. Someone already
    /// marked keeps their first date. Flushed with the sender's round, or with the caller's
    /// next commit.
    pub fn mark_unreachable(&self, user: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let key = self.users_key(user);
        let mut u = self
            .get::<StoredUser>(&self.users, "users", &key)?
            .unwrap_or(StoredUser {
                id: user,
                record: UserRecord::default(),
                at: None,
            });
        if u.record.unreachable_since.is_none() {
            u.record.unreachable_since = Some(now);
            let value = self.seal("users", &key, &u)?;
            self.users.insert(key, value)?;
        }
        Ok(())
    }

    /// A launch by id.
    pub fn launch(&self, id: u64) -> Result<Option<Launch>, StoreError> {
        self.get(&self.launches, "launches", &id.to_be_bytes())
    }

    /// Every launch, oldest first.
    pub fn launches(&self) -> Result<Vec<Launch>, StoreError> {
        self.values(&self.launches, "launches", b"")
    }

    /// Queued messages due at `now`, earliest first, at most `limit`.
    pub fn due_outbox(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Queued>, StoreError> {
        let end = tx::outbox_key(now, u64::MAX);
        let mut out = Vec::new();
        for item in self.outbox.range(..=end).take(limit) {
            let (k, v) = item?;
            let item = self.open_value("outbox", &k, &v)?;
            out.push((k.to_vec(), item));
        }
        Ok(out)
    }

    /// When the next queued message is due, if any.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(match self.outbox.first()? {
            Some((k, v)) => Some(self.open_value::<OutboxItem>("outbox", &k, &v)?.due),
            None => None,
        })
    }

    /// How many messages are queued.
    #[must_use]
    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    /// Removes a sent message. Not flushed here: the sender flushes a delivery before the
    /// recipient's next message and the rest with its round (at-least-once delivery).
    pub fn outbox_done(&self, key: &[u8]) -> Result<(), StoreError> {
        self.outbox.remove(key)?;
        Ok(())
    }

    /// Removes a message Telegram accepted and records what its delivery starts: an
    /// invitation's answer time counts from now. Flushed with the sender's round.
    pub fn delivered(
        &self,
        key: &[u8],
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| {
            tx.outbox.remove(key)?;
            tx.delivered(item)
        })
    }

    /// Removes a message whose reason passed before it went (see
    /// [`crate::domain::outbox::still_holds`]). Flushed with the sender's round.
    pub fn dropped(
        &self,
        key: &[u8],
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| {
            tx.outbox.remove(key)?;
            tx.dropped(item)
        })
    }

    /// Replaces a queued message (to retry it later) and queues `extra` messages, atomically.
    /// Flushed with the sender's round.
    pub fn outbox_requeue(
        &self,
        key: &[u8],
        retry: Option<&OutboxItem>,
        extra: &[OutboxItem],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.transaction(now, |tx| {
            if retry.is_none() {
                if let Some(given_up) = tx.get::<OutboxItem>(tx.outbox, "outbox", key)? {
                    tx.given_up(&given_up)?;
                }
            }
            tx.outbox.remove(key)?;
            if let Some(item) = retry {
                tx.enqueue(item.clone())?;
            }
            for item in extra {
                tx.enqueue(item.clone())?;
            }
            Ok(())
        })
    }

    /// An `updates` value: when the update was handled, sealed; then, if there are any, its
    /// rendered replies (which carry names and answers), sealed too.
    /// The replies are sealed under the data key of the person they were for, so they go with
    /// that person's erasure.
    fn handled_value(
        &self,
        id: u32,
        at: DateTime<Utc>,
        replies: &[u8],
        user: Option<UserId>,
    ) -> Result<Vec<u8>, StoreError> {
        let key = id.to_be_bytes();
        let mut value = self
            .crypt
            .seal("updates", &key, &at.timestamp_millis().to_be_bytes());
        if !replies.is_empty() {
            value.extend_from_slice(&match user {
                Some(u) => self.crypt.seal_for(
                    &keyring::Owner::person(&self.users_key(u)),
                    REPLIES,
                    &key,
                    replies,
                )?,
                None => self.crypt.seal(REPLIES, &key, replies),
            });
        }
        Ok(value)
    }

    /// When an update was handled (ms), from its `updates` value.
    fn handled_at(&self, key: &[u8], v: &[u8]) -> Option<i64> {
        let first = &v[..crypt::parse(v)?.len()];
        let at = self.crypt.open("updates", key, first).ok()?;
        at.as_slice().try_into().ok().map(i64::from_be_bytes)
    }

    /// The replies kept with a handled update that were not yet marked sent, if any.
    pub fn unsent_replies(&self, update_id: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let key = update_id.to_be_bytes();
        let Some(v) = self.updates.get(key)? else {
            return Ok(None);
        };
        let head = crypt::parse(&v).map_or(v.len(), |p| p.len());
        let rest = &v[head..];
        if rest.is_empty() {
            return Ok(None);
        }
        match self
            .crypt
            .open_checked(REPLIES, &key, rest)
            .map_err(|_| StoreError::Unsealed { tree: "updates" })?
        {
            crypt::Opened::Plain(p) => Ok(Some(p)),
            crypt::Opened::Erased => Ok(None),
        }
    }

    /// Every handled update that still keeps unsent replies, in update order, with the replies.
    /// A front end reads them once when it starts and sends them, so that it may confirm an
    /// update to Telegram as soon as its effects and replies are durable, before they are sent:
    /// replies owed when the process stopped are found here, not by waiting for a redelivery.
    pub fn kept_replies(&self) -> Result<Vec<(u32, Vec<u8>)>, StoreError> {
        let mut out = Vec::new();
        for item in self.updates.iter() {
            let (k, _) = item?;
            let Ok(key) = <[u8; 4]>::try_from(k.as_ref()) else {
                continue;
            };
            let update_id = u32::from_be_bytes(key);
            // The same reading as a redelivery's: replies whose person was erased since are gone.
            if let Some(replies) = self.unsent_replies(update_id)? {
                out.push((update_id, replies));
            }
        }
        Ok(out)
    }

    /// Replaces the replies kept with an update by what is still to send (`rest`; empty when
    /// everything was sent). Not flushed: if a crash loses this, the replies are sent again
    /// when the update is redelivered (at least once), and once the offset confirmed the
    /// update it is never redelivered.
    pub fn replies_sent(&self, update_id: u32, rest: &[u8]) -> Result<(), StoreError> {
        let key = update_id.to_be_bytes();
        if let Some(v) = self.updates.get(key)? {
            let head = crypt::parse(&v).map_or(v.len(), |p| p.len());
            if v.len() > head {
                let mut value = v[..head].to_vec();
                if !rest.is_empty() {
                    // Under the same key as before; if that is destroyed, they are erased.
                    if let Some(again) = self.crypt.reseal_like(&v[head..], REPLIES, &key, rest) {
                        value.extend_from_slice(&again);
                    }
                }
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
            self.handled_value(update_id, now, &[], None)?,
        )?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Forgets handled update ids older than [`UPDATE_MEMORY`]; returns how many were removed.
    pub fn prune_updates(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.prune_updates_before(now - UPDATE_MEMORY)
    }

    /// Forgets handled update ids handled before `cutoff`; returns how many were removed.
    pub fn prune_updates_before(&self, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = cutoff.timestamp_millis();
        let mut removed = 0;
        for item in self.updates.iter() {
            let (k, v) = item?;
            let at = self.handled_at(&k, &v).unwrap_or(0);
            if at < cutoff {
                self.updates.remove(k)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Bytes the store takes on disk, for `/metrics`.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
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
    ///
    /// Concurrent calls share flushes ([`flush::GroupCommit`]): one `fsync` makes the writes of
    /// every caller that came before it durable.
    async fn flush_to_disk(&self) -> Result<(), StoreError> {
        let db = self.db.clone();
        self.group
            .flush(move || db.flush().map(|_| ()).map_err(StoreError::Sled))
            .await
    }

    /// Every erasure recorded (keyed ids and times), oldest first: the list a restore
    /// re-applies ([`Store::reapply_erasures`]).
    #[must_use]
    pub fn erasures(&self) -> Vec<Erasure> {
        self.erasures.entries()
    }

    /// When `user` was last erased at `since` or later, if they were.
    #[must_use]
    pub fn erased_since(&self, user: UserId, since: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.erasures.erased_since(user, since)
    }

    /// Logs a coordinator's access (a view of a list, an export, a broadcast), sealed. Durable
    /// with the next flush; from the engine, an [`Effect::Audit`] is logged with its step's
    /// commit.
    pub fn log_access(&self, access: &crate::domain::audit::Access) -> Result<(), StoreError> {
        let ms = u64::try_from(access.at.timestamp_millis()).unwrap_or(0);
        let mut key = ms.to_be_bytes().to_vec();
        key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        let value = self.seal("audit", &key, access)?;
        self.audit.insert(key, value)?;
        Ok(())
    }

    /// The access log from `from` to `to` (inclusive), oldest first.
    pub fn access_log(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<crate::domain::audit::Access>, StoreError> {
        let ms = |t: DateTime<Utc>| u64::try_from(t.timestamp_millis()).unwrap_or(0);
        let start = ms(from).to_be_bytes().to_vec();
        let mut end = ms(to).to_be_bytes().to_vec();
        end.extend_from_slice(&u64::MAX.to_be_bytes());
        let mut out = Vec::new();
        for item in self.audit.range(start..=end) {
            let (k, v) = item?;
            out.push(self.open_value("audit", &k, &v)?);
        }
        Ok(out)
    }

    /// Deletes access-log entries from before `before`; returns how many.
    pub fn prune_access_log(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        let end = u64::try_from(before.timestamp_millis())
            .unwrap_or(0)
            .to_be_bytes();
        let mut n = 0;
        for k in self.audit.range(..end).keys() {
            self.audit.remove(k?)?;
            n += 1;
        }
        Ok(n)
    }

    /// What the raw files of the data directory (sled's log and snapshots, old copies
    /// included) hold that the master key and the keyring still open, and how many sealed
    /// values they hold whose data key is destroyed: what anyone with the key and a copy of the
    /// directory could read. The erasure test and a data protection officer's audit use it.
    pub fn scan_files(&self) -> Result<Scan, StoreError> {
        crypt::scan_files(&self.dir, &self.crypt).map_err(|e| StoreError::Sled(sled::Error::Io(e)))
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

/// Re-seals the keyring and the erasure list of the data directory `dir` from master key `old`
/// to `new`, each file replaced atomically: the side files' part of a key rotation (`kokoon
/// rekey` re-seals the values of sled's trees too). The store must not be open.
pub fn rekey_side_files(dir: &Path, old: &Key, new: &Key) -> Result<(), StoreError> {
    let (old, new) = (Crypt::new(old), Crypt::new(new));
    keyring::Keyring::rekey(&dir.join(keyring::FILE), &old.ring_key, &new.ring_key)?;
    erasures::ErasureList::rekey(
        &dir.join(erasures::FILE),
        &old.erasures_key,
        &new.erasures_key,
    )?;
    Ok(())
}

/// A read-only view for the engine. Store failures read as empty: what the engine shows from
/// here is informational, and the commit that follows reports the real error.
impl View for Store {
    fn access_log(&self) -> Vec<crate::domain::audit::Access> {
        self.access_log(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
            .unwrap_or_else(|e| {
                log::warn!("store::access_log: {e}");
                Vec::new()
            })
    }
    fn demand(&self, pool: &Pool) -> Demand {
        self.demand_in(pool).unwrap_or_else(|e| {
            log::warn!("store::demand: {e}");
            Demand::default()
        })
    }

    fn added_by(&self, coordinator: UserId) -> Vec<Registration> {
        Store::added_by(self, coordinator).unwrap_or_else(|e| {
            log::warn!("store::added_by: {e}");
            Vec::new()
        })
    }

    fn waiting(&self, group: &GroupId) -> Vec<Registration> {
        self.waiting_in_group(group).unwrap_or_else(|e| {
            log::warn!("store::waiting: {e}");
            Vec::new()
        })
    }

    fn pools(&self, group: &GroupId) -> Vec<(Pool, PoolStats)> {
        self.pools_of(group).unwrap_or_else(|e| {
            log::warn!("store::pools: {e}");
            Vec::new()
        })
    }

    fn paused(&self, group: &GroupId) -> Demand {
        self.paused_of(group).map_or_else(
            |e| {
                log::warn!("store::paused: {e}");
                Demand::default()
            },
            |s| s.demand(),
        )
    }

    fn launch(&self, id: u64) -> Option<Launch> {
        Store::launch(self, id).unwrap_or_else(|e| {
            log::warn!("store::launch: {e}");
            None
        })
    }

    fn family_by_token(&self, token: &str) -> Option<crate::domain::family::Family> {
        self.family_with_token(token).unwrap_or_else(|e| {
            log::warn!("store::family_by_token: {e}");
            None
        })
    }

    fn families_of(&self, user: UserId) -> Vec<crate::domain::family::Family> {
        self.families_with(user).unwrap_or_else(|e| {
            log::warn!("store::families_of: {e}");
            Vec::new()
        })
    }

    fn families_in(&self, group: &GroupId) -> Vec<crate::domain::family::Family> {
        self.families()
            .map(|mut all| {
                all.retain(|f| &f.group == group);
                all
            })
            .unwrap_or_else(|e| {
                log::warn!("store::families_in: {e}");
                Vec::new()
            })
    }

    fn fresh(&self) -> Option<[u8; 32]> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).ok().map(|()| b)
    }

    fn registration(&self, user: UserId, group: &GroupId) -> Option<Registration> {
        self.get(
            &self.registrations,
            "registrations",
            &reg_key(&self.crypt, user, group),
        )
        .unwrap_or_else(|e| {
            log::warn!("store::registration: {e}");
            None
        })
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

    fn signup_of(&self, event: u64, user: UserId) -> Option<crate::domain::privacy::SignUp> {
        let key = events::signup_key(event, &self.users_key(user));
        self.get(&self.events, "events", &key).unwrap_or_else(|e| {
            log::warn!("store::signup_of: {e}");
            None
        })
    }

    fn feedback_of(&self, event: u64, user: UserId) -> Option<Feedback> {
        let key = events::feedback_key(event, &self.users_key(user));
        self.get(&self.events, "events", &key).unwrap_or_else(|e| {
            log::warn!("store::feedback_of: {e}");
            None
        })
    }

    fn pool_state(&self, pool: &Pool) -> crate::domain::PoolState {
        self.get(&self.pools, "pools", &pool.key())
            .map(Option::unwrap_or_default)
            .unwrap_or_else(|e| {
                log::warn!("store::pool_state: {e}");
                crate::domain::PoolState::default()
            })
    }

    fn broadcast(&self, id: u64) -> Option<Broadcast> {
        Store::broadcast(self, id).unwrap_or_else(|e| {
            log::warn!("store::broadcast: {e}");
            None
        })
    }

    fn facilitators(&self) -> Vec<crate::domain::facilitator::Facilitator> {
        Store::facilitators(self).unwrap_or_else(|e| {
            log::error!("store: reading facilitators: {e}");
            Vec::new()
        })
    }

    fn facilitator_invite(
        &self,
        token: &str,
    ) -> Option<crate::domain::facilitator::FacilitatorInvite> {
        Store::facilitator_invite(self, token).unwrap_or_else(|e| {
            log::error!("store: reading a facilitator link: {e}");
            None
        })
    }

    fn crew(&self, launch: u64) -> Option<crate::domain::facilitator::Crew> {
        Store::crew(self, launch).unwrap_or_else(|e| {
            log::error!("store: reading a launch's crew: {e}");
            None
        })
    }

    fn new_token(&self) -> Option<String> {
        Some(events::new_token())
    }

    fn launches(&self) -> Vec<Launch> {
        Store::launches(self).unwrap_or_else(|e| {
            log::warn!("store::launches: {e}");
            Vec::new()
        })
    }
}

/// The key of a user's registration for a group: their tag, then the group id.
fn reg_key(crypt: &Crypt, user: UserId, group: &GroupId) -> Vec<u8> {
    let mut k = crypt.user_tag(user).to_vec();
    k.extend_from_slice(group.as_str().as_bytes());
    k
}

fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising these plain structs to JSON cannot fail (no maps with non-string keys).
    serde_json::to_vec(v).unwrap_or_default()
}

/// Which data key a value is sealed under; `None` for the master key.
///
/// - a user record: its person's key (key = user tag);
/// - a registration, a feedback: a key of the record's own, so that deleting one record (a
///   withdrawal, retention) destroys its key while the person stays;
/// - everything shared by several people (events and their lists, launches and their
///   invitations, the outbox, counters, pool states, the audit log): the master key. These
///   hold user ids and numbers, never names or answers; a person is struck from them on
///   erasure, and their older copies stay in sled's log until it rewrites the segment (or
///   `kokoon compact`).
///
/// A child shared by two parents (the families issue) is sealed under a family key
/// ([`keyring::Owner::family`]), destroyed when the last parent goes.
fn owner_of(tree: &str, key: &[u8]) -> Option<keyring::Owner> {
    match tree {
        "users" => <[u8; crypt::USER_TAG]>::try_from(key)
            .ok()
            .map(|tag| keyring::Owner::person(&tag)),
        "registrations" => Some(keyring::Owner::record(tree, key)),
        "families" => <[u8; 16]>::try_from(key).ok().map(keyring::Owner::family),
        // A facilitator's record is theirs: sealed under their person key, gone with them.
        "events"
            if key.first() == Some(&facilitators::FACILITATOR)
                && key.len() == 1 + crypt::USER_TAG =>
        {
            <[u8; crypt::USER_TAG]>::try_from(&key[1..])
                .ok()
                .map(|tag| keyring::Owner::person(&tag))
        }
        "events"
            if matches!(key.first(), Some(b'f' | b's')) && key.len() == 1 + 8 + crypt::USER_TAG =>
        {
            Some(keyring::Owner::record(tree, key))
        }
        _ => None,
    }
}

/// Encodes a value as JSON and, in a sealed tree, seals it under its key.
fn seal<T: Serialize>(
    crypt: &Crypt,
    tree: &'static str,
    key: &[u8],
    v: &T,
) -> Result<Vec<u8>, StoreError> {
    let plain = zeroize::Zeroizing::new(encode(v));
    seal_plain(crypt, tree, key, &plain)
}

/// Seals encoded bytes, in a sealed tree, under the data key of the value's owner (made if it
/// has none yet) or the master key.
fn seal_plain(
    crypt: &Crypt,
    tree: &'static str,
    key: &[u8],
    plain: &[u8],
) -> Result<Vec<u8>, StoreError> {
    if !SEALED.contains(&tree) {
        return Ok(plain.to_vec());
    }
    Ok(match owner_of(tree, key) {
        Some(owner) => crypt.seal_for(&owner, tree, key, plain)?,
        None => crypt.seal(tree, key, plain),
    })
}

/// Opens (in a sealed tree) and decodes a value read under `key`.
fn open_value<T: DeserializeOwned>(
    crypt: &Crypt,
    tree: &'static str,
    key: &[u8],
    v: &[u8],
) -> Result<T, StoreError> {
    if SEALED.contains(&tree) {
        match crypt
            .open_checked(tree, key, v)
            .map_err(|_| StoreError::Unsealed { tree })?
        {
            crypt::Opened::Plain(plain) => decode(tree, &zeroize::Zeroizing::new(plain)),
            crypt::Opened::Erased => Err(StoreError::Erased { tree }),
        }
    } else {
        decode(tree, v)
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> StoreError {
        StoreError::Sled(sled::Error::Io(std::io::Error::other(format!(
            "the flush did not finish: {e}"
        ))))
    }
}

impl From<tx::TxError> for StoreError {
    fn from(e: tx::TxError) -> StoreError {
        match e {
            tx::TxError::Decode(tree, source) => StoreError::Decode { tree, source },
            tx::TxError::Unsealed(tree) => StoreError::Unsealed { tree },
            tx::TxError::Keyring(e) => StoreError::Keyring(e),
            tx::TxError::Stale => StoreError::Stale,
        }
    }
}

fn decode<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|source| StoreError::Decode { tree, source })
}

#[cfg(test)]
mod tests;
