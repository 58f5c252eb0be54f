//! Key rotation (`kokoon rekey`): a copy of a store, not in use, in which nothing opens with the
//! old master key any more.
//!
//! What the master key protects, and what a rotation does to each:
//! - values sealed under the master key itself (key id zero: counters, events, the outbox...):
//!   opened with the old key and sealed again under the new one;
//! - values sealed under a data key (a person's, a record's): left as they are; their data keys
//!   live in the keyring, whose entries are sealed again under the new key's subkey;
//! - the erasure list: sealed again (its own id key is kept, so it matches the same people);
//! - the key check value: made again for the new key;
//! - user tags (the keyed hash standing for a user id in keys): the keys of every tree are made
//!   of them, so they must not change. The hash key derived from the *first* master key is kept,
//!   sealed under the current one (`meta/tagkey`), and used from then on instead of a new
//!   derivation; it opens nothing by itself.
//!
//! The copy goes into a new directory, as [`super::backup::compact`] does: the old directory is
//! untouched until the operator swaps them, so a failure half way loses nothing, and sled's old
//! log segments (with copies sealed under the old key) stay behind with it.

use super::backup::{self, BackupError, Snapshot};
use super::crypt::{self, Crypt, Opened, MASTER_ID};
use super::{Key, StoreError, SCHEMA_VERSION};
use std::path::Path;

/// What a rotation did, for the operator.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rekeyed {
    /// Values sealed again under the new master key.
    pub resealed: usize,
    /// Values under data keys, left as they were (their keys were sealed again).
    pub under_data_keys: usize,
    /// Entries copied as they were (not sealed: schema, counters' format...).
    pub plain: usize,
}

/// The meta key of the user-tag hash key, sealed under the master key.
pub(super) const TAG_KEY: &[u8] = b"tagkey";

/// Copies the store in `from` (not in use, already at the current schema: open it once with
/// this kokoon first) into `to` (new or empty) under the master key `new`: see the module's
/// notes. The copy is flushed before this returns; open it with `new` to use it.
pub fn rekey(from: &Path, to: &Path, old: &Key, new: &Key) -> Result<Rekeyed, BackupError> {
    let (snap, _) = backup::read_stopped(from)?;
    let (old_c, new_c) = (Crypt::new(old), Crypt::new(new));
    let meta = |k: &[u8]| {
        snap.entries
            .iter()
            .find(|(t, key, _)| t == b"meta" && key == k)
            .map(|(_, _, v)| v.clone())
    };
    let schema = meta(b"schema")
        .and_then(|v| <[u8; 8]>::try_from(v.as_slice()).ok())
        .map(u64::from_be_bytes);
    if schema != Some(SCHEMA_VERSION) {
        return Err(StoreError::Schema {
            found: schema.unwrap_or(0),
        }
        .into());
    }
    if !meta(b"keycheck").is_some_and(|c| old_c.verify(&c)) {
        return Err(StoreError::WrongKey.into());
    }
    let mut out = Snapshot {
        entries: Vec::with_capacity(snap.entries.len() + 1),
        files: snap.files.clone(),
        taken_at: None,
    };
    let mut done = Rekeyed::default();
    let mut has_tag_key = false;
    for (tree, k, v) in &snap.entries {
        let name = String::from_utf8_lossy(tree);
        if tree == b"meta" && k == b"keycheck" {
            out.entries
                .push((tree.clone(), k.clone(), new_c.check_value()));
            done.resealed += 1;
            continue;
        }
        has_tag_key |= tree == b"meta" && k == TAG_KEY;
        let value = match crypt::parse(v) {
            Some(p) if p.len() == v.len() && p.id == MASTER_ID => {
                match old_c.open_checked(&name, k, v) {
                    Ok(Opened::Plain(plain)) => {
                        let plain = zeroize::Zeroizing::new(plain);
                        done.resealed += 1;
                        new_c.seal(&name, k, &plain)
                    }
                    // Not sealed for this place: leave it as it is (it opens nowhere).
                    _ => {
                        done.plain += 1;
                        v.clone()
                    }
                }
            }
            Some(p) if p.len() == v.len() => {
                done.under_data_keys += 1;
                v.clone()
            }
            _ => {
                done.plain += 1;
                v.clone()
            }
        };
        out.entries.push((tree.clone(), k.clone(), value));
    }
    if !has_tag_key {
        // The first rotation: keep the tags the first key made.
        let tag_key = crypt::user_key(old);
        out.entries.push((
            b"meta".to_vec(),
            TAG_KEY.to_vec(),
            new_c.seal("meta", TAG_KEY, tag_key.as_ref()),
        ));
        done.resealed += 1;
    }
    backup::write_store(&out, to)?;
    super::rekey_side_files(to, old, new)?;
    Ok(done)
}
