//! From schema 1 (before encryption) to schema 2: every value of a tree with personal data is
//! sealed, and user ids in keys become user tags. From schema 2 to 3: every sealed value is
//! sealed again with a header naming its key ([`super::crypt`]), under its owner's data key
//! where it has one. One sled transaction does each, so a crash leaves either the old store or
//! the new one, never a mix (data keys made for a migration that a crash undid are never used).
//!
//! sled keeps superseded values in its log files until it rewrites their segments, so bytes of
//! the old plain text may stay on disk for a while after the migration. The README tells how to
//! start from a clean directory for anyone who needs them gone at once.

use super::crypt::Crypt;
use super::{decode, events, reg_key, seal, StoreError, StoredUser, UserRecord};
use crate::domain::child::{today, Child};
use crate::domain::event::Visibility;
use crate::domain::{Lang, UserId};
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

/// The fields of a registration of any schema that its key is made of.
#[derive(Deserialize)]
struct RegistrationKey {
    user: UserId,
    group: crate::domain::GroupId,
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
        let value = seal(
            crypt,
            "users",
            &key,
            &StoredUser {
                id,
                record,
                at: None,
            },
        )?;
        plan[0].remove.push(k.to_vec());
        plan[0].insert.push((key, value));
    }
    for item in regs.iter() {
        let (k, v) = item?;
        // Only who and which group, for the key: the rest is converted by `v3_to_v4`.
        let r: serde_json::Value = decode("registrations", &v)?;
        let who = RegistrationKey::deserialize(&r).map_err(|source| StoreError::Decode {
            tree: "registrations",
            source,
        })?;
        let key = reg_key(crypt, who.user, &who.group);
        let value = seal(crypt, "registrations", &key, &r)?;
        plan[1].remove.push(k.to_vec());
        plan[1].insert.push((key, value));
    }
    for (i, tree, name) in [(2, &outbox, "outbox"), (3, &launches, "launches")] {
        for item in tree.iter() {
            let (k, v) = item?;
            let value: serde_json::Value = decode(name, &v)?;
            plan[i]
                .insert
                .push((k.to_vec(), seal(crypt, name, &k, &value)?));
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
        let value = seal(crypt, "events", &key, &value)?;
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
            meta.insert("schema", &2u64.to_be_bytes())?;
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

/// A value opened for re-sealing: its key and plain text.
type Opened = (Vec<u8>, zeroize::Zeroizing<Vec<u8>>);

/// Re-seals a schema-2 store (or one just converted from schema 1) in the schema-3 format: every
/// sealed value gets a header and, where it has an owner, its owner's data key; and the trees
/// that schema 2 kept in clear are sealed too. Values already in the new format are kept.
pub fn v2_to_v3(db: &sled::Db, crypt: &Crypt) -> Result<(), StoreError> {
    let names: Vec<&'static str> = super::SEALED.to_vec();
    let trees: Vec<sled::Tree> = names
        .iter()
        .map(|n| db.open_tree(n))
        .collect::<Result<_, _>>()?;
    let meta = db.open_tree("meta")?;
    let updates = db.open_tree("updates")?;
    let mut plan: Vec<Vec<(Vec<u8>, Vec<u8>)>> = Vec::new();
    let mut owners = Vec::new();
    let mut opened: Vec<Vec<Opened>> = Vec::new();
    for (tree, name) in trees.iter().zip(&names) {
        let mut values = Vec::new();
        for item in tree.iter() {
            let (k, v) = item?;
            let plain = if super::crypt::parse(&v).is_some_and(|p| p.len() == v.len()) {
                crypt.open(name, &k, &v)
            } else if super::CLEAR_IN_V2.contains(name) {
                Ok(v.to_vec())
            } else {
                crypt.open_v2(name, &k, &v)
            }
            .map_err(|_| StoreError::Unsealed { tree: name })?;
            if let Some(o) = super::owner_of(name, &k) {
                owners.push(o);
            }
            values.push((k.to_vec(), zeroize::Zeroizing::new(plain)));
        }
        opened.push(values);
    }
    // One fsync for every data key the migration needs.
    crypt.ring.ensure_all(&owners, &crypt.ring_key)?;
    for (values, name) in opened.iter().zip(&names) {
        let mut out = Vec::with_capacity(values.len());
        for (k, plain) in values {
            out.push((k.clone(), super::seal_plain(crypt, name, k, plain)?));
        }
        plan.push(out);
    }
    let mut handled = Vec::new();
    for item in updates.iter() {
        let (k, v) = item?;
        if super::crypt::parse(&v).is_some() {
            continue;
        }
        let at = v.get(..8).map(<[u8]>::to_vec).unwrap_or_default();
        let replies = match v.get(8..).filter(|r| !r.is_empty()) {
            Some(r) => Some(zeroize::Zeroizing::new(
                crypt
                    .open_v2(super::REPLIES, &k, r)
                    .map_err(|_| StoreError::Unsealed { tree: "updates" })?,
            )),
            None => None,
        };
        // Whose update it was is not known here: kept replies stay under the master key
        // (they are removed once sent).
        let mut value = crypt.seal("updates", &k, &at);
        if let Some(r) = replies {
            value.extend_from_slice(&crypt.seal(super::REPLIES, &k, &r));
        }
        handled.push((k.to_vec(), value));
    }

    let check = crypt.check_value();
    let mut all: Vec<&sled::Tree> = trees.iter().collect();
    all.push(&updates);
    all.push(&meta);
    let result = all.as_slice().transaction(|ts| {
        for (t, rewrite) in ts.iter().zip(&plan) {
            for (k, v) in rewrite {
                t.insert(k.as_slice(), v.as_slice())?;
            }
        }
        let n = ts.len();
        for (k, v) in &handled {
            ts[n - 2].insert(k.as_slice(), v.as_slice())?;
        }
        ts[n - 1].insert("schema", &super::SCHEMA_VERSION.to_be_bytes())?;
        ts[n - 1].insert("keycheck", check.as_slice())?;
        Ok::<_, ConflictableTransactionError<()>>(())
    });
    match result {
        Ok(()) => {
            log::info!(
                "store: re-sealed a schema-2 data directory in the schema-3 format ({} data keys)",
                crypt.ring.len()
            );
            Ok(())
        }
        Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        Err(TransactionError::Abort(())) => Err(StoreError::Schema { found: 2 }),
    }
}

/// The meta mark of [`launch_meetings_private`].
const LAUNCH_MEETINGS_MARK: &str = "launch-meetings-private";

/// Events stored before events had a visibility read as public. A launch's first meeting was
/// never meant to be: each launch's `event` is marked as the launch's and given a link token,
/// once, in one batch per tree (idempotent: run again, it changes nothing).
pub fn launch_meetings_private(store: &super::Store) -> Result<(), StoreError> {
    if store.meta.get(LAUNCH_MEETINGS_MARK)?.is_some() {
        return Ok(());
    }
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for l in store.launches()? {
        let Some(id) = l.event else { continue };
        let Some(mut e) = store.event(id)? else {
            continue;
        };
        if e.visibility == (Visibility::Launch { launch: l.id }) && e.token.is_some() {
            continue;
        }
        e.visibility = Visibility::Launch { launch: l.id };
        if e.token.is_none() {
            e.token = Some(events::new_token());
        }
        e.revision += 1;
        let key = events::event_key(id);
        batch.insert(key.as_slice(), store.seal("events", &key, &e)?);
        n += 1;
    }
    store.events.apply_batch(batch)?;
    store.meta.insert(LAUNCH_MEETINGS_MARK, &[1u8])?;
    store.db.flush()?;
    if n > 0 {
        log::info!("store::migrate: {n} launch meetings made private");
    }
    Ok(())
}

const FAMILY_INDEX_MARK: &str = "family-index";

/// The `family_users` index (user tag → the shared families they are in) of a store from
/// before it: built once from the family records, in one batch, then kept in step by every
/// transaction that writes a family. Idempotent: built again, it is the same.
pub fn family_index(store: &super::Store) -> Result<(), StoreError> {
    if store.meta.get(FAMILY_INDEX_MARK)?.is_some() {
        return Ok(());
    }
    let families = store.families()?;
    let index = store.family_index_of(&families);
    let mut batch = sled::Batch::default();
    for k in store.family_users.iter().keys() {
        batch.remove(k?);
    }
    for (tag, ids) in &index {
        batch.insert(&tag[..], store.seal("family_users", tag, ids)?);
    }
    store.family_users.apply_batch(batch)?;
    store.meta.insert(FAMILY_INDEX_MARK, &[1u8])?;
    store.db.flush()?;
    if !families.is_empty() {
        log::info!(
            "store::migrate: the index of {} shared families built",
            families.len()
        );
    }
    Ok(())
}

/// A schema-3 child: an age (`5`) as it was on `day`, now a birth year with the month unknown
/// ([`Child::of_age`]: the year of `day` less the age). With the month unknown the child counts
/// as born in January: the age shown on `day` is the one the parent gave, and the child ages
/// out at the earliest the year allows — never counted where they may already be too old.
fn child_of(age: &serde_json::Value, day: chrono::NaiveDate) -> Option<serde_json::Value> {
    let age = u8::try_from(age.as_u64()?).ok()?;
    serde_json::to_value(Child::of_age(age, day)).ok()
}

/// Turns the ages in `children` (and `kept_children`) of `obj` into children born on `day`'s
/// terms. Entries already converted are kept. Whether anything changed.
fn convert_children(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    day: chrono::NaiveDate,
) -> bool {
    let mut changed = false;
    for field in ["children", "kept_children"] {
        if let Some(serde_json::Value::Array(list)) = obj.get_mut(field) {
            for v in list.iter_mut() {
                if let Some(c) = child_of(v, day) {
                    *v = c;
                    changed = true;
                }
            }
        }
    }
    changed
}

/// Every registration draft in a user record (a draft is the object with a `step` and
/// `children`), wherever the conversation state holds it.
fn convert_drafts(v: &mut serde_json::Value, day: chrono::NaiveDate) -> bool {
    match v {
        serde_json::Value::Object(obj) => {
            let mut changed = false;
            if obj.contains_key("step") && obj.contains_key("children") {
                changed |= convert_children(obj, day);
            }
            for (_, inner) in obj.iter_mut() {
                changed |= convert_drafts(inner, day);
            }
            changed
        }
        serde_json::Value::Array(list) => {
            let mut changed = false;
            for inner in list {
                changed |= convert_drafts(inner, day);
            }
            changed
        }
        _ => false,
    }
}

/// From schema 3 to 4: children are kept as birth years, not ages. A stored registration's
/// ages become children born in the year of (`created_at` − age), month unknown
/// ([`child_of`]); an unfinished registration's, counted from `now` (its answers are at most
/// `state_days` old). One transaction with the schema mark, so a crash leaves the old store or
/// the new one. Values whose key is destroyed (erased people) are left alone.
pub fn v3_to_v4(store: &super::Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut regs = Vec::new();
    for item in store.registrations.iter() {
        let (k, v) = item?;
        let mut value: serde_json::Value = match store.open_value("registrations", &k, &v) {
            Err(StoreError::Erased { .. }) => continue,
            other => other?,
        };
        let created: Option<DateTime<Utc>> = value
            .get("created_at")
            .and_then(|t| serde_json::from_value(t.clone()).ok());
        let day = today(created.unwrap_or(now));
        let changed = value
            .as_object_mut()
            .is_some_and(|obj| convert_children(obj, day));
        if changed {
            regs.push((k.to_vec(), store.seal("registrations", &k, &value)?));
        }
    }
    let mut users = Vec::new();
    for item in store.users.iter() {
        let (k, v) = item?;
        let mut value: serde_json::Value = match store.open_value("users", &k, &v) {
            Err(StoreError::Erased { .. }) => continue,
            other => other?,
        };
        if convert_drafts(&mut value, today(now)) {
            users.push((k.to_vec(), store.seal("users", &k, &value)?));
        }
    }
    let result = (&store.registrations, &store.users, &store.meta).transaction(|(r, u, meta)| {
        for (k, v) in &regs {
            r.insert(k.as_slice(), v.as_slice())?;
        }
        for (k, v) in &users {
            u.insert(k.as_slice(), v.as_slice())?;
        }
        meta.insert("schema", &4u64.to_be_bytes())?;
        Ok::<_, ConflictableTransactionError<()>>(())
    });
    match result {
        Ok(()) => {
            store.db.flush()?;
            log::info!(
                "store: children's ages kept as birth years ({} registrations, {} drafts)",
                regs.len(),
                users.len()
            );
            Ok(())
        }
        Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        Err(TransactionError::Abort(())) => Err(StoreError::Schema { found: 3 }),
    }
}
