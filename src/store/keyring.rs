//! The data keys: one per person, one per registration and per feedback, and (with shared
//! families) one per family — each a random ChaCha20-Poly1305 key, kept **outside sled's log**
//! in one file beside it (`keyring` in the data directory), each entry sealed under a subkey of
//! the master key.
//!
//! Destroying a key is what erasure means on disk: sled keeps superseded values in its log
//! until it rewrites their segments, but a value sealed under a destroyed key cannot be opened
//! by anyone, master key or not. So destroying never edits the file in place: it writes the
//! remaining entries to `keyring.tmp`, `fsync`s it, renames it over `keyring` and `fsync`s the
//! directory ([`Keyring::destroy`]) — the old file, and with it the key, is gone from the
//! directory when `destroy` returns. A new key is appended and `fsync`ed before anything is
//! sealed under it ([`Keyring::ensure`]), so no value is ever written under a key that a crash
//! could lose.
//!
//! An entry names its *owner* ([`Owner`]): who or what the key is for. Owners are derived from
//! what the store already knows (a user tag, a value's tree and key), so a new kind of owner —
//! a family shared by two parents — is just another [`Kind`]; its key goes when the last parent
//! goes.
//!
//! File format: `KKring01`, then entries of [`RECORD`] bytes: nonce (12) ‖ sealed(kind (1) ‖
//! owner id (16) ‖ key id (16) ‖ key (32)) ‖ tag (16). A torn last entry (a crash while
//! appending) is cut off when the file is opened: nothing was sealed under it yet.

use super::crypt::{random_nonce, KeyId, KEY_ID, MASTER_ID};
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use zeroize::Zeroizing;

/// The keyring's file name in the data directory.
pub const FILE: &str = "keyring";
/// The first bytes of the file.
const MAGIC: &[u8; 8] = b"KKring01";
/// Bytes of an entry's plain text.
const PLAIN: usize = 1 + 16 + KEY_ID + 32;
/// Bytes of an entry in the file.
pub const RECORD: usize = 12 + PLAIN + 16;
/// Associated data of every entry.
const AAD: &[u8] = b"kokoon/v3/keyring-entry";

/// What a data key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A person: their user record and the replies kept for them. Destroyed when they are
    /// erased (`/forget`, blocked-parent purge, user-record expiry).
    Person,
    /// One stored record (a registration, a feedback): destroyed when the record is deleted
    /// (withdrawal, retention, erasure of its person).
    Record,
    /// A family shared by several parents (the families issue): destroyed when the last of them
    /// goes.
    Family,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Person => 1,
            Kind::Record => 2,
            Kind::Family => 3,
        }
    }

    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Person),
            2 => Some(Kind::Record),
            3 => Some(Kind::Family),
            _ => None,
        }
    }
}

/// Who or what a data key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// The kind of owner.
    pub kind: Kind,
    /// The owner's id: a user tag, or a hash of a record's tree and key, or a family id.
    pub id: [u8; 16],
}

impl Owner {
    /// A person, by user tag.
    #[must_use]
    pub fn person(tag: &[u8; 16]) -> Owner {
        Owner {
            kind: Kind::Person,
            id: *tag,
        }
    }

    /// One record, by its tree and key.
    #[must_use]
    pub fn record(tree: &str, key: &[u8]) -> Owner {
        let mut h = Sha256::new();
        h.update(b"kokoon/v3/record\0");
        h.update(tree.as_bytes());
        h.update([0]);
        h.update(key);
        let mut id = [0u8; 16];
        id.copy_from_slice(&h.finalize()[..16]);
        Owner {
            kind: Kind::Record,
            id,
        }
    }

    /// A family shared by several parents.
    #[must_use]
    pub fn family(id: [u8; 16]) -> Owner {
        Owner {
            kind: Kind::Family,
            id,
        }
    }
}

/// Why the keyring could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RingError {
    /// Reading or writing the file failed.
    #[error("keyring {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// An entry did not open: the file was changed, or belongs to another master key.
    #[error(
        "keyring {0}: an entry cannot be decrypted (changed on disk, or made with another key)"
    )]
    Corrupt(String),
}

struct Inner {
    by_owner: HashMap<Owner, KeyId>,
    by_id: HashMap<KeyId, (Owner, Zeroizing<[u8; 32]>)>,
    /// Keys made or sealed under since the last compaction: kept by it, as a transaction
    /// sealing under one may not have committed yet.
    fresh: HashSet<KeyId>,
}

/// The data keys, in memory and (for a store) in their file.
pub struct Keyring {
    path: Option<PathBuf>,
    inner: RwLock<Inner>,
    /// The open file, appended to; held while the file is written.
    file: Mutex<Option<std::fs::File>>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> RingError + '_ {
    move |source| RingError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Keyring {
    /// A keyring kept in memory only (tests and tools).
    #[must_use]
    pub fn in_memory() -> Keyring {
        Keyring {
            path: None,
            inner: RwLock::new(Inner {
                by_owner: HashMap::new(),
                by_id: HashMap::new(),
                fresh: HashSet::new(),
            }),
            file: Mutex::new(None),
        }
    }

    /// Opens (or creates) the keyring file `path`, whose entries are sealed under `ring_key`.
    pub fn open(path: &Path, ring_key: &ChaCha20Poly1305) -> Result<Keyring, RingError> {
        let ring = Keyring {
            path: Some(path.to_path_buf()),
            ..Keyring::in_memory()
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => Zeroizing::new(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_atomically(path, &[])?;
                Zeroizing::new(MAGIC.to_vec())
            }
            Err(e) => return Err(io(path)(e)),
        };
        if !bytes.starts_with(MAGIC) {
            return Err(RingError::Corrupt(path.display().to_string()));
        }
        let body = &bytes[MAGIC.len()..];
        let whole = body.len() / RECORD * RECORD;
        {
            let mut inner = ring.write();
            for rec in body[..whole].chunks_exact(RECORD) {
                let (owner, id, key) = open_entry(rec, ring_key)
                    .ok_or_else(|| RingError::Corrupt(path.display().to_string()))?;
                if let Some(old) = inner.by_owner.insert(owner, id) {
                    inner.by_id.remove(&old);
                }
                inner.by_id.insert(id, (owner, key));
            }
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io(path))?;
        if whole != body.len() {
            log::warn!("store::keyring: a torn last entry (a crash while adding a key) is cut off");
            file.set_len((MAGIC.len() + whole) as u64)
                .and_then(|()| file.sync_all())
                .map_err(io(path))?;
        }
        *ring.lock_file() = Some(file);
        Ok(ring)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_file(&self) -> std::sync::MutexGuard<'_, Option<std::fs::File>> {
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cipher of a key id, if the key exists.
    #[must_use]
    pub fn cipher(&self, id: &KeyId) -> Option<ChaCha20Poly1305> {
        self.read()
            .by_id
            .get(id)
            .map(|(_, k)| ChaCha20Poly1305::new(&(**k).into()))
    }

    /// The cipher of a key id for sealing a new value under it: like [`Keyring::cipher`], and
    /// the key counts as in use, so the next compaction keeps it.
    #[must_use]
    pub fn cipher_for_sealing(&self, id: &KeyId) -> Option<ChaCha20Poly1305> {
        let mut inner = self.write();
        let cipher = inner
            .by_id
            .get(id)
            .map(|(_, k)| ChaCha20Poly1305::new(&(**k).into()))?;
        inner.fresh.insert(*id);
        Some(cipher)
    }

    /// Whether an owner has a key.
    #[must_use]
    pub fn has(&self, owner: &Owner) -> bool {
        self.read().by_owner.contains_key(owner)
    }

    /// How many keys there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.read().by_id.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The owner's key, made and written durably first if there is none.
    pub fn ensure(
        &self,
        owner: &Owner,
        ring_key: &ChaCha20Poly1305,
    ) -> Result<(KeyId, ChaCha20Poly1305), RingError> {
        if let Some(found) = self.lookup(owner) {
            // Used again (a transaction retried after a restart, say): kept by the next
            // compaction as a new key is, since what it seals may not have committed yet.
            if !self.read().fresh.contains(&found.0) {
                self.write().fresh.insert(found.0);
            }
            return Ok(found);
        }
        let made = self.ensure_all(std::slice::from_ref(owner), ring_key)?;
        match (made, self.lookup(owner)) {
            (_, Some(found)) => Ok(found),
            _ => Err(RingError::Corrupt("a key just made is missing".into())),
        }
    }

    /// The owner's key for sealing; it counts as in use (see [`Keyring::compact`]). Found and
    /// marked under one lock, so a compaction either sees the mark or runs first and leaves
    /// nothing to find.
    fn lookup(&self, owner: &Owner) -> Option<(KeyId, ChaCha20Poly1305)> {
        let mut inner = self.write();
        let id = *inner.by_owner.get(owner)?;
        let cipher = inner
            .by_id
            .get(&id)
            .map(|(_, k)| ChaCha20Poly1305::new(&(**k).into()))?;
        inner.fresh.insert(id);
        Some((id, cipher))
    }

    /// Makes a key for every owner that has none, with one `fsync` for all; returns how many
    /// were made.
    pub fn ensure_all(
        &self,
        owners: &[Owner],
        ring_key: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let mut file = self.lock_file();
        let mut new = Vec::new();
        {
            let inner = self.read();
            let mut seen = HashSet::new();
            for o in owners {
                if !inner.by_owner.contains_key(o) && seen.insert(*o) {
                    new.push(*o);
                }
            }
        }
        if new.is_empty() {
            return Ok(0);
        }
        let mut made = Vec::with_capacity(new.len());
        let mut bytes = Vec::with_capacity(new.len() * RECORD);
        for owner in new {
            let mut id = MASTER_ID;
            while id == MASTER_ID {
                fill(&mut id);
            }
            let mut key = Zeroizing::new([0u8; 32]);
            fill(key.as_mut());
            bytes.extend_from_slice(&seal_entry(&owner, &id, &key, ring_key));
            made.push((owner, id, key));
        }
        if let (Some(path), Some(f)) = (&self.path, file.as_mut()) {
            f.write_all(&bytes)
                .and_then(|()| f.sync_data())
                .map_err(io(path))?;
        }
        let n = made.len();
        let mut inner = self.write();
        for (owner, id, key) in made {
            inner.by_owner.insert(owner, id);
            inner.by_id.insert(id, (owner, key));
            inner.fresh.insert(id);
        }
        Ok(n)
    }

    /// Destroys the keys of `owners` (those that have one): they are gone from memory at once,
    /// and from the directory when this returns (the file is rewritten without them and renamed
    /// over the old one). Returns how many were destroyed.
    pub fn destroy(
        &self,
        owners: &[Owner],
        ring_key: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let mut file = self.lock_file();
        let mut n = 0;
        {
            let mut inner = self.write();
            for o in owners {
                if let Some(id) = inner.by_owner.remove(o) {
                    inner.by_id.remove(&id);
                    inner.fresh.remove(&id);
                    n += 1;
                }
            }
        }
        if n > 0 {
            self.rewrite(&mut file, ring_key)?;
        }
        Ok(n)
    }

    /// Takes the keys of `owners` out of use at once (a new value of the same owner gets a new
    /// key; nothing more is sealed under these), but keeps them in the file, and for reading,
    /// until [`Keyring::destroy_retired`]: the change that deleted what they sealed may not be on
    /// disk yet, and a crash before it is brings those values back, which must still open.
    /// Returns the retired keys' ids.
    pub fn retire(&self, owners: &[Owner]) -> Vec<KeyId> {
        let mut inner = self.write();
        let mut ids = Vec::new();
        for o in owners {
            if let Some(id) = inner.by_owner.remove(o) {
                inner.fresh.remove(&id);
                ids.push(id);
            }
        }
        ids
    }

    /// Destroys keys [`Keyring::retire`] took out of use, once what deleted their values is on
    /// disk: gone from memory, and from the directory when this returns. Returns how many.
    pub fn destroy_retired(
        &self,
        ids: &[KeyId],
        ring_key: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let mut file = self.lock_file();
        let mut n = 0;
        {
            let mut inner = self.write();
            for id in ids {
                // Still retired (a reload may have made it an owner's key again: then it stays).
                let owned = inner.by_owner.values().any(|k| k == id);
                if !owned && inner.by_id.remove(id).is_some() {
                    n += 1;
                }
            }
        }
        if n > 0 {
            self.rewrite(&mut file, ring_key)?;
        }
        Ok(n)
    }

    /// Keeps only the keys whose owner `live` says is still in use, and those made or handed
    /// out for sealing since the last compaction (a write may be sealed and not yet committed
    /// when `live` was computed); the rest are destroyed (keys left behind by a crash between an erasure
    /// and its key's destruction). Returns how many were destroyed.
    pub fn compact(
        &self,
        live: impl Fn(&Owner) -> bool,
        ring_key: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let mut file = self.lock_file();
        let n = {
            let mut inner = self.write();
            let dead: Vec<(Owner, KeyId)> = inner
                .by_owner
                .iter()
                .filter(|(o, id)| !inner.fresh.contains(*id) && !live(o))
                .map(|(o, id)| (*o, *id))
                .collect();
            for (o, id) in &dead {
                inner.by_owner.remove(o);
                inner.by_id.remove(id);
            }
            inner.fresh.clear();
            dead.len()
        };
        if n > 0 {
            self.rewrite(&mut file, ring_key)?;
        }
        Ok(n)
    }

    /// Every owner that has a key.
    #[must_use]
    pub fn owners(&self) -> Vec<Owner> {
        self.read().by_owner.keys().copied().collect()
    }

    /// Writes the file anew from memory and reopens it for appending.
    fn rewrite(
        &self,
        file: &mut Option<std::fs::File>,
        ring_key: &ChaCha20Poly1305,
    ) -> Result<(), RingError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let entries: Vec<Vec<u8>> = {
            let inner = self.read();
            inner
                .by_id
                .iter()
                .map(|(id, (owner, key))| seal_entry(owner, id, key, ring_key))
                .collect()
        };
        write_atomically(path, &entries)?;
        *file = Some(
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(io(path))?,
        );
        Ok(())
    }

    /// Re-seals the keyring file in `dir` under a new master key's subkey (key rotation).
    pub fn rekey(
        path: &Path,
        old: &ChaCha20Poly1305,
        new: &ChaCha20Poly1305,
    ) -> Result<usize, RingError> {
        let ring = Keyring::open(path, old)?;
        let mut file = ring.lock_file();
        ring.rewrite(&mut file, new)?;
        Ok(ring.len())
    }
}

/// The subkey of a master key that seals the keyring's entries (for tools and benchmarks that
/// open a keyring without its store).
#[must_use]
pub fn ring_key(master: &super::Key) -> ChaCha20Poly1305 {
    super::crypt::Crypt::new(master).ring_key
}

fn fill(bytes: &mut [u8]) {
    if let Err(e) = getrandom::fill(bytes) {
        panic!("the operating system's random number generator failed: {e}");
    }
}

fn seal_entry(owner: &Owner, id: &KeyId, key: &[u8; 32], ring_key: &ChaCha20Poly1305) -> Vec<u8> {
    let mut plain = Zeroizing::new(Vec::with_capacity(PLAIN));
    plain.push(owner.kind.byte());
    plain.extend_from_slice(&owner.id);
    plain.extend_from_slice(id);
    plain.extend_from_slice(key);
    let nonce = random_nonce();
    let body = ring_key
        .encrypt(
            &nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: &plain,
                aad: AAD,
            },
        )
        .unwrap_or_default();
    let mut out = Vec::with_capacity(RECORD);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out
}

fn open_entry(
    rec: &[u8],
    ring_key: &ChaCha20Poly1305,
) -> Option<(Owner, KeyId, Zeroizing<[u8; 32]>)> {
    let (nonce, body) = rec.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let plain = Zeroizing::new(
        ring_key
            .decrypt(
                &nonce.into(),
                chacha20poly1305::aead::Payload {
                    msg: body,
                    aad: AAD,
                },
            )
            .ok()?,
    );
    if plain.len() != PLAIN {
        return None;
    }
    let kind = Kind::from_byte(plain[0])?;
    let owner = Owner {
        kind,
        id: plain[1..17].try_into().ok()?,
    };
    let id: KeyId = plain[17..33].try_into().ok()?;
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&plain[33..65]);
    Some((owner, id, key))
}

/// Writes `entries` to `path` through a temporary file: write, `fsync`, rename, `fsync` the
/// directory. Readers see the old file or the new one, never a mix.
fn write_atomically(path: &Path, entries: &[Vec<u8>]) -> Result<(), RingError> {
    let mut bytes = Vec::with_capacity(MAGIC.len() + entries.len() * RECORD);
    bytes.extend_from_slice(MAGIC);
    for e in entries {
        bytes.extend_from_slice(e);
    }
    replace_file(path, &bytes).map_err(io(path))
}

/// Replaces `path` by `bytes` atomically and durably (temporary file, `fsync`, rename,
/// directory `fsync`), readable by the owner only.
pub(super) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_key() -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&[7u8; 32].into())
    }

    #[test]
    fn keys_persist_and_a_destroyed_key_leaves_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let ring = Keyring::open(&path, &rk).expect("opens");
        let a = Owner::person(&[1; 16]);
        let b = Owner::record("registrations", b"k");
        let (ida, _) = ring.ensure(&a, &rk).expect("a");
        let (idb, _) = ring.ensure(&b, &rk).expect("b");
        assert_eq!(
            ring.ensure(&a, &rk).expect("again").0,
            ida,
            "one key per owner"
        );
        let key_a = ring.read().by_id[&ida].1.to_vec();
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(ring.len(), 2);
        assert!(ring.cipher(&ida).is_some() && ring.cipher(&idb).is_some());
        assert_eq!(std::fs::read(&path).expect("file").len(), 8 + 2 * RECORD);
        assert!(Keyring::open(&path, &ChaCha20Poly1305::new(&[8u8; 32].into())).is_err());

        assert_eq!(ring.destroy(&[a], &rk).expect("destroy"), 1);
        assert!(ring.cipher(&ida).is_none());
        let bytes = std::fs::read(&path).expect("file");
        assert_eq!(bytes.len(), 8 + RECORD);
        assert!(!bytes.windows(32).any(|w| w == key_a.as_slice()));
        assert!(!dir.path().join("keyring.tmp").exists());
        // A new key for the same owner is a new key.
        let (ida2, _) = ring.ensure(&a, &rk).expect("new");
        assert_ne!(ida2, ida);
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert!(ring.cipher(&ida).is_none() && ring.cipher(&ida2).is_some());
    }

    #[test]
    fn a_torn_last_entry_is_cut_off_and_compaction_keeps_live_and_fresh_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let ring = Keyring::open(&path, &rk).expect("opens");
        let owners: Vec<Owner> = (0..4u8).map(|i| Owner::person(&[i; 16])).collect();
        assert_eq!(ring.ensure_all(&owners, &rk).expect("all"), 4);
        drop(ring);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(&[1, 2, 3]).expect("torn");
        drop(f);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(ring.len(), 4);
        assert_eq!(std::fs::read(&path).expect("file").len(), 8 + 4 * RECORD);
        // Loaded keys are not fresh: compaction keeps only the live ones.
        let made = Owner::person(&[9; 16]);
        ring.ensure(&made, &rk).expect("fresh");
        let n = ring.compact(|o| o.id[0] < 2, &rk).expect("compact");
        assert_eq!(n, 2);
        assert!(ring.has(&owners[0]) && ring.has(&owners[1]) && ring.has(&made));
        assert!(!ring.has(&owners[2]));
        // The next compaction no longer counts it as fresh.
        assert_eq!(ring.compact(|o| o.id[0] < 2, &rk).expect("compact"), 1);
        assert!(!ring.has(&made));
    }

    #[test]
    fn a_loaded_key_handed_out_for_sealing_survives_the_next_compaction() {
        // A key made before a kill, whose record was not yet written: after the restart the
        // retried write finds it and seals with it while the startup compaction runs. The
        // compaction scanned before the write landed, so the owner looks dead to it.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let owner = Owner::record("registrations", b"k");
        let ring = Keyring::open(&path, &rk).expect("opens");
        let (id, _) = ring.ensure(&owner, &rk).expect("made");
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(ring.ensure(&owner, &rk).expect("found").0, id);
        assert_eq!(ring.compact(|_| false, &rk).expect("compact"), 0);
        assert!(ring.has(&owner), "a key in use is kept");
        // Sealing again under the key of an old value counts as use too.
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert!(ring.cipher_for_sealing(&id).is_some());
        assert_eq!(ring.compact(|_| false, &rk).expect("compact"), 0);
        assert!(ring.has(&owner));
        // Untouched since the last compaction and not live: destroyed.
        assert_eq!(ring.compact(|_| false, &rk).expect("compact"), 1);
        assert!(!ring.has(&owner));
    }
}
