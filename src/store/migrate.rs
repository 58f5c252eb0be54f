//! From schema 1 (before encryption) to schema 2: every value of a tree with personal data is
//! sealed, and user ids in keys become user tags. One sled transaction does it all, so a crash
//! leaves either the old store or the new one, never a mix.
//!
//! sled keeps superseded values in its log files until it rewrites their segments, so bytes of
//! the old plain text may stay on disk for a while after the migration. The README tells how to
//! start from a clean directory for anyone who needs them gone at once.

use super::crypt::Crypt;
use super::{decode, events, reg_key, seal, StoreError, StoredUser, UserRecord, SCHEMA_VERSION};
use crate::domain::{Lang, Registration, UserId};
use crate::flow::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

/// A users-tree value of schema 1.
#[derive(Deserialize)]
struct UserV1 {
    lang: Option<Lang>,
    #[serde(default)]
    seen_lang: Option<Lang>,
    #[serde(default)]
    unreachable: bool,
    state: State,
}

/// What one tree becomes: keys to remove, then entries to write.
#[derive(Default)]
struct Rewrite {
    remove: Vec<Vec<u8>>,
    insert: Vec<(Vec<u8>, Vec<u8>)>,
}

fn id_of(key: &[u8], tree: &'static str) -> Result<UserId, StoreError> {
    key.try_into()
        .map(|b| UserId(u64::from_be_bytes(b)))
        .map_err(|_| StoreError::Schema { found: 1 })
        .inspect_err(|_| log::error!("store::migrate: a key in {tree} is not a user id"))
}

/// Encrypts a schema-1 store in place. `now` starts the grace period of users who had blocked
/// the bot (schema 1 did not record since when).
pub fn v1_to_v2(db: &sled::Db, crypt: &Crypt, now: DateTime<Utc>) -> Result<(), StoreError> {
    let meta = db.open_tree("meta")?;
    let users = db.open_tree("users")?;
    let regs = db.open_tree("registrations")?;
    let outbox = db.open_tree("outbox")?;
    let launches = db.open_tree("launches")?;
    let events = db.open_tree("events")?;

    let mut plan: [Rewrite; 5] = Default::default();
    for item in users.iter() {
        let (k, v) = item?;
        let id = id_of(&k, "users")?;
        let old: UserV1 = decode("users", &v)?;
        let record = UserRecord {
            lang: old.lang,
            seen_lang: old.seen_lang,
            unreachable_since: old.unreachable.then_some(now),
            seen_at: None,
            state: old.state,
        };
        let key = crypt.user_tag(id).to_vec();
        let value = seal(crypt, "users", &key, &StoredUser { id, record });
        plan[0].remove.push(k.to_vec());
        plan[0].insert.push((key, value));
    }
    for item in regs.iter() {
        let (k, v) = item?;
        let r: Registration = decode("registrations", &v)?;
        let key = reg_key(crypt, r.user, &r.group);
        let value = seal(crypt, "registrations", &key, &r);
        plan[1].remove.push(k.to_vec());
        plan[1].insert.push((key, value));
    }
    for (i, tree, name) in [(2, &outbox, "outbox"), (3, &launches, "launches")] {
        for item in tree.iter() {
            let (k, v) = item?;
            let value: serde_json::Value = decode(name, &v)?;
            plan[i]
                .insert
                .push((k.to_vec(), seal(crypt, name, &k, &value)));
        }
    }
    for item in events.iter() {
        let (k, v) = item?;
        let value: serde_json::Value = decode("events", &v)?;
        // Feedback: `f` ‖ event id ‖ user id becomes `f` ‖ event id ‖ user tag.
        let key = match (k.first(), k.len()) {
            (Some(b'f'), 17) => {
                let event = u64::from_be_bytes(k[1..9].try_into().unwrap_or_default());
                let id = id_of(&k[9..], "events")?;
                plan[4].remove.push(k.to_vec());
                events::feedback_key(event, &crypt.user_tag(id))
            }
            _ => k.to_vec(),
        };
        let value = seal(crypt, "events", &key, &value);
        plan[4].insert.push((key, value));
    }

    let check = crypt.check_value();
    let result = (&meta, &users, &regs, &outbox, &launches, &events).transaction(
        |(meta, users, regs, outbox, launches, events)| {
            for (tree, rewrite) in [users, regs, outbox, launches, events].iter().zip(&plan) {
                for k in &rewrite.remove {
                    tree.remove(k.as_slice())?;
                }
                for (k, v) in &rewrite.insert {
                    tree.insert(k.as_slice(), v.as_slice())?;
                }
            }
            meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
            meta.insert("keycheck", check.as_slice())?;
            Ok::<_, ConflictableTransactionError<()>>(())
        },
    );
    match result {
        Ok(()) => {
            log::info!(
                "store: encrypted a schema-1 data directory ({} users, {} registrations)",
                plan[0].insert.len(),
                plan[1].insert.len()
            );
            Ok(())
        }
        Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        Err(TransactionError::Abort(())) => Err(StoreError::Schema { found: 1 }),
    }
}
