//! The erasure list: who was erased and when, as keyed ids, kept beside the store (and, by the
//! operations issue, beside its backups) so that a restore can erase again, before it serves
//! anyone, everyone a backup still holds who was erased after the backup was taken
//! ([`super::Store::reapply_erasures`]).
//!
//! An entry holds no user id: only HMAC-SHA256 of it under the list's own random *id key*, cut
//! to 16 bytes, and the time. The id key lives in the list, not in the master key, so rotating
//! the master key re-seals the list ([`ErasureList::rekey`]) without losing what its entries
//! match. The whole list is one sealed file (`erasures`: `KKeras01` ‖ nonce ‖ sealed JSON),
//! rewritten atomically on every change; it is small (a few lines a day) and pruned after
//! `[privacy] erasure_list_days`, by when no backup that could hold the erased is kept.

use super::keyring::{replace_file, RingError};
use crate::domain::UserId;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::ChaCha20Poly1305;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use zeroize::Zeroizing;

/// The list's file name in the data directory.
pub const FILE: &str = "erasures";
const MAGIC: &[u8; 8] = b"KKeras01";
const AAD: &[u8] = b"kokoon/v3/erasure-list";

/// One erasure: a keyed id and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    /// HMAC-SHA256 of the user id under the list's id key, 16 bytes in hex.
    pub id: String,
    /// When they were erased.
    pub at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Contents {
    /// The id key, hex.
    id_key: String,
    entries: Vec<Erasure>,
}

impl Drop for Contents {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.id_key);
    }
}

/// The erasure list of a store.
pub struct ErasureList {
    path: PathBuf,
    contents: Mutex<Contents>,
    /// A second copy kept up to date beside the backups ([`ErasureList::mirror_to`]), so that a
    /// restore finds the erasures made after its snapshot even when the data directory is lost.
    mirror: Mutex<Option<PathBuf>>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> RingError + '_ {
    move |source| RingError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ErasureList {
    /// Opens (or creates, with a new id key) the list at `path`, sealed under `key`.
    pub fn open(path: &Path, key: &ChaCha20Poly1305) -> Result<ErasureList, RingError> {
        let contents = match std::fs::read(path) {
            Ok(bytes) => {
                unseal(&bytes, key).ok_or_else(|| RingError::Corrupt(path.display().to_string()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut id_key = Zeroizing::new([0u8; 32]);
                if let Err(e) = getrandom::fill(id_key.as_mut()) {
                    panic!("the operating system's random number generator failed: {e}");
                }
                let c = Contents {
                    id_key: hex(id_key.as_ref()),
                    entries: Vec::new(),
                };
                replace_file(path, &seal(&c, key)).map_err(io(path))?;
                c
            }
            Err(e) => return Err(io(path)(e)),
        };
        Ok(ErasureList {
            path: path.to_path_buf(),
            contents: Mutex::new(contents),
            mirror: Mutex::new(None),
        })
    }

    /// Keeps a copy of the list at `path` from now on (written now, and again at every change).
    pub fn mirror_to(&self, path: &Path, key: &ChaCha20Poly1305) -> Result<(), RingError> {
        let c = self.lock();
        replace_file(path, &seal(&c, key)).map_err(io(path))?;
        *self
            .mirror
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(path.to_path_buf());
        Ok(())
    }

    /// Writes the list (and its copy beside the backups).
    fn save(&self, c: &Contents, key: &ChaCha20Poly1305) -> Result<(), RingError> {
        let bytes = seal(c, key);
        replace_file(&self.path, &bytes).map_err(io(&self.path))?;
        let mirror = self
            .mirror
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(m) = mirror {
            // The erasure itself is done; a copy that could not be written is the operator's
            // to fix (a restore refuses a list it cannot read).
            if let Err(e) = replace_file(&m, &bytes) {
                log::error!(
                    "store: the erasure list beside the backups ({}) could not be written: {e}",
                    m.display()
                );
            }
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Contents> {
        self.contents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn keyed(c: &Contents, user: UserId) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(c.id_key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(&user.0.to_be_bytes());
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// Records that `users` were erased at `at`, durably.
    pub fn record(
        &self,
        users: &[UserId],
        at: DateTime<Utc>,
        key: &ChaCha20Poly1305,
    ) -> Result<(), RingError> {
        if users.is_empty() {
            return Ok(());
        }
        let mut c = self.lock();
        for u in users {
            let id = Self::keyed(&c, *u);
            c.entries.push(Erasure { id, at });
        }
        self.save(&c, key)
    }

    /// When `user` was last erased at `since` or later, if they were.
    #[must_use]
    pub fn erased_since(&self, user: UserId, since: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let c = self.lock();
        let id = Self::keyed(&c, user);
        c.entries
            .iter()
            .filter(|e| e.id == id && e.at >= since)
            .map(|e| e.at)
            .max()
    }

    /// Every entry, oldest first.
    #[must_use]
    pub fn entries(&self) -> Vec<Erasure> {
        self.lock().entries.clone()
    }

    /// Drops entries older than `before`; returns how many.
    pub fn prune(&self, before: DateTime<Utc>, key: &ChaCha20Poly1305) -> Result<usize, RingError> {
        let mut c = self.lock();
        let n = c.entries.len();
        c.entries.retain(|e| e.at >= before);
        let removed = n - c.entries.len();
        if removed > 0 {
            self.save(&c, key)?;
        }
        Ok(removed)
    }

    /// Re-seals the list at `path` from `old` to `new` (key rotation); its entries and id key
    /// are kept, so they match the same people. Returns how many entries it holds.
    pub fn rekey(
        path: &Path,
        old: &ChaCha20Poly1305,
        new: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        let c =
            unseal(&bytes, old).ok_or_else(|| RingError::Corrupt(path.display().to_string()))?;
        replace_file(path, &seal(&c, new)).map_err(io(path))?;
        Ok(c.entries.len())
    }
}

fn seal(c: &Contents, key: &ChaCha20Poly1305) -> Vec<u8> {
    let plain = Zeroizing::new(serde_json::to_vec(c).unwrap_or_default());
    let nonce = super::crypt::random_nonce();
    let body = key
        .encrypt(
            &nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: &plain,
                aad: AAD,
            },
        )
        .unwrap_or_default();
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out
}

fn unseal(bytes: &[u8], key: &ChaCha20Poly1305) -> Option<Contents> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    if rest.len() < 12 {
        return None;
    }
    let (nonce, body) = rest.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let plain = Zeroizing::new(
        key.decrypt(
            &nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: body,
                aad: AAD,
            },
        )
        .ok()?,
    );
    serde_json::from_slice(&plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20poly1305::KeyInit;
    use chrono::TimeZone;

    #[test]
    fn erasures_are_keyed_durable_and_survive_a_rekey() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let k1 = ChaCha20Poly1305::new(&[1u8; 32].into());
        let k2 = ChaCha20Poly1305::new(&[2u8; 32].into());
        let t = |d| {
            Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0)
                .single()
                .expect("date")
        };
        let list = ErasureList::open(&path, &k1).expect("opens");
        list.record(&[UserId(123_456_789)], t(2), &k1)
            .expect("record");
        let bytes = std::fs::read(&path).expect("file");
        assert!(!bytes.windows(8).any(|w| w == 123_456_789u64.to_be_bytes()));
        assert!(!String::from_utf8_lossy(&bytes).contains("123456789"));
        drop(list);
        assert_eq!(ErasureList::rekey(&path, &k1, &k2).expect("rekey"), 1);
        assert!(
            ErasureList::open(&path, &k1).is_err(),
            "the old key no longer opens it"
        );
        let list = ErasureList::open(&path, &k2).expect("new key");
        assert_eq!(list.erased_since(UserId(123_456_789), t(1)), Some(t(2)));
        assert_eq!(list.erased_since(UserId(123_456_789), t(3)), None);
        assert_eq!(list.erased_since(UserId(5), t(1)), None);
        assert_eq!(list.prune(t(3), &k2).expect("prune"), 1);
        assert!(list.entries().is_empty());
    }
}
