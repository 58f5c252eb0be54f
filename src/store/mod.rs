//! The one owner of sled. Every tree, key layout and encoding lives here, behind typed methods;
//! no other module says `sled`.
//!
//! Trees:
//! - `meta`: the schema version.
//! - `users`: user id → [`UserRecord`] (chosen language and conversation state).
//! - `registrations`: user id ‖ group id → [`Registration`]; a prefix scan gives one user's.
//! - `counters`: group id ‖ 0 ‖ area id → demand, kept in step with `registrations` in the same
//!   transaction, so demand is read in O(1) and always equals what the registrations add up to.
//! - `updates`: Telegram update id → when it was handled, so a redelivered update counts once.
//!
//! Keys are big-endian so scans come out in order. Values are JSON (small, readable in a debug
//! dump, and tolerant of added fields).

use crate::domain::{AreaId, Demand, GroupId, Lang, Registration, UserId};
use crate::flow::{Effect, State, View};
use chrono::{DateTime, Duration, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;
use std::path::Path;

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

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Counter {
    families: u64,
    participants: u64,
}

/// One raw entry of [`Store::dump`]: tree name, key, value.
pub type DumpEntry = (String, Vec<u8>, Vec<u8>);

/// The store. Cheap to clone: sled handles are reference-counted.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    users: sled::Tree,
    registrations: sled::Tree,
    counters: sled::Tree,
    updates: sled::Tree,
}

impl Store {
    /// Opens (or creates) a store in a directory. `cache_bytes` caps sled's page cache.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
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
            updates: db.open_tree("updates")?,
            db,
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

    /// How many registrations are stored.
    #[must_use]
    pub fn registration_count(&self) -> usize {
        self.registrations.len()
    }

    /// Demand for a group in an area.
    pub fn demand_of(&self, group: &GroupId, area: &AreaId) -> Result<Demand, StoreError> {
        let c: Counter = match self.counters.get(counter_key(group, area))? {
            Some(v) => decode("counters", &v)?,
            None => Counter::default(),
        };
        Ok(Demand {
            families: usize::try_from(c.families).unwrap_or(usize::MAX),
            participants: usize::try_from(c.participants).unwrap_or(usize::MAX),
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
        let committed = self.commit_sync(user, update_id, record, effects, now)?;
        if committed == Committed::Applied {
            self.db.flush_async().await?;
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
        // Transactions cannot scan, so the keys `Forget` removes are listed first. A user's
        // updates are handled one at a time, so the list cannot go stale before the commit.
        let forget_keys: Vec<sled::IVec> = if effects.contains(&Effect::Forget) {
            self.registrations
                .scan_prefix(user.0.to_be_bytes())
                .keys()
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let user_key = user.0.to_be_bytes();
        let user_value = encode(record);
        let forgetting = effects.contains(&Effect::Forget);
        let result = (
            &self.users,
            &self.registrations,
            &self.counters,
            &self.updates,
        )
            .transaction(|(users, regs, counters, updates)| {
                if let Some(id) = update_id {
                    if updates.get(id.to_be_bytes())?.is_some() {
                        return Ok(Committed::Duplicate);
                    }
                    updates.insert(&id.to_be_bytes(), &now.timestamp_millis().to_be_bytes())?;
                }
                for effect in effects {
                    match effect {
                        Effect::SaveRegistration(r) => {
                            let key = reg_key(user, &r.group);
                            if let Some(old) = regs.get(&key)? {
                                let old: Registration = decode_tx("registrations", &old)?;
                                bump(counters, &old, -1)?;
                            }
                            regs.insert(key, encode(r))?;
                            bump(counters, r, 1)?;
                        }
                        Effect::Withdraw(g) => remove_reg(regs, counters, &reg_key(user, g))?,
                        Effect::Forget => {
                            for key in &forget_keys {
                                remove_reg(regs, counters, key)?;
                            }
                        }
                    }
                }
                if forgetting && record.state == State::Idle {
                    users.remove(&user_key)?;
                } else {
                    users.insert(&user_key, user_value.clone())?;
                }
                Ok(Committed::Applied)
            });
        result.map_err(|e| match e {
            TransactionError::Abort(e) => e.into_store(),
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    /// Records an update that changed nothing in the store (a note to a group chat), so that a
    /// redelivery of it is recognised too.
    pub async fn mark_update(&self, update_id: u32, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.updates.insert(
            update_id.to_be_bytes(),
            &now.timestamp_millis().to_be_bytes(),
        )?;
        self.db.flush_async().await?;
        Ok(())
    }

    /// Forgets handled update ids older than [`UPDATE_MEMORY`]; returns how many were removed.
    pub fn prune_updates(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = (now - UPDATE_MEMORY).timestamp_millis();
        let mut removed = 0;
        for item in self.updates.iter() {
            let (k, v) = item?;
            let at = v.as_ref().try_into().map(i64::from_be_bytes).unwrap_or(0);
            if at < cutoff {
                self.updates.remove(k)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Flushes everything to disk (on shutdown).
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
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

/// A read-only view for the engine. Store failures read as zero demand: the count is only shown
/// to the user, and the commit that follows reports the real error.
impl View for Store {
    fn demand(&self, group: &GroupId, area: &AreaId) -> Demand {
        self.demand_of(group, area).unwrap_or_else(|e| {
            log::warn!("store::demand: {e}");
            Demand::default()
        })
    }
}

/// An error inside a transaction: a decode failure aborts it, a storage error passes through.
#[derive(Debug)]
enum TxError {
    Decode(&'static str, serde_json::Error),
    Sled(sled::Error),
}

impl TxError {
    fn into_store(self) -> StoreError {
        match self {
            TxError::Decode(tree, source) => StoreError::Decode { tree, source },
            TxError::Sled(e) => StoreError::Sled(e),
        }
    }
}

impl From<TxError> for StoreError {
    fn from(e: TxError) -> Self {
        e.into_store()
    }
}

impl From<sled::Error> for TxError {
    fn from(e: sled::Error) -> Self {
        TxError::Sled(e)
    }
}

type TxResult<T> = Result<T, ConflictableTransactionError<TxError>>;

fn decode_tx<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> TxResult<T> {
    serde_json::from_slice(v)
        .map_err(|e| ConflictableTransactionError::Abort(TxError::Decode(tree, e)))
}

fn remove_reg(regs: &TransactionalTree, counters: &TransactionalTree, key: &[u8]) -> TxResult<()> {
    if let Some(old) = regs.remove(key)? {
        let old: Registration = decode_tx("registrations", &old)?;
        bump(counters, &old, -1)?;
    }
    Ok(())
}

fn bump(counters: &TransactionalTree, r: &Registration, sign: i64) -> TxResult<()> {
    let key = counter_key(&r.group, &r.area);
    let mut c: Counter = match counters.get(&key)? {
        Some(v) => decode_tx("counters", &v)?,
        None => Counter::default(),
    };
    let p = r.participants() as u64;
    if sign > 0 {
        c.families += 1;
        c.participants += p;
    } else {
        c.families = c.families.saturating_sub(1);
        c.participants = c.participants.saturating_sub(p);
    }
    if c.families == 0 {
        counters.remove(key)?;
    } else {
        counters.insert(key, encode(&c))?;
    }
    Ok(())
}

fn reg_key(user: UserId, group: &GroupId) -> Vec<u8> {
    let mut k = user.0.to_be_bytes().to_vec();
    k.extend_from_slice(group.as_str().as_bytes());
    k
}

fn counter_key(group: &GroupId, area: &AreaId) -> Vec<u8> {
    let mut k = group.as_str().as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(area.as_str().as_bytes());
    k
}

fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising these plain structs to JSON cannot fail (no maps with non-string keys).
    serde_json::to_vec(v).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(tree: &'static str, v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(|source| StoreError::Decode { tree, source })
}

#[cfg(test)]
mod tests;
