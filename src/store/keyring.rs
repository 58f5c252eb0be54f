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
//! File format (`KKring02`): the magic `KKring02`, then one *block* — the number of its
//! entries `n` (8, little-endian) ‖ nonce (12) ‖ sealed(`n` plain entries) ‖ tag (16), sealed
//! once, as one message (associated data: [`BLOCK_AAD`] ‖ `n`) — then *appended entries* of
//! [`RECORD`] bytes each: nonce (12) ‖ sealed(one plain entry) ‖ tag (16). A plain entry is
//! kind (1) ‖ owner id (16) ‖ key id (16) ‖ key (32). Every rewrite ([`Keyring::destroy`],
//! [`Keyring::compact`], [`Keyring::rekey`]) puts all the keys in the block, so opening costs
//! one decryption, not one per key; a key made later ([`Keyring::ensure_all`]) is appended as
//! an entry of its own, and `fsync`ed before anything is sealed under it. A later entry for
//! an owner replaces an earlier one. A torn last entry (a crash while appending) is cut off
//! when the file is opened: nothing was sealed under it yet. When more than [`FOLD`] entries
//! have been appended, opening the file or the next compaction writes it anew, with them in
//! the block.
//!
//! The first format, `KKring01` (stores made before December 2026), is the magic and appended
//! entries only, with no block; it is still read, and the next rewrite writes `KKring02`.

use super::crypt::{random_nonce, KeyId, KEY_ID, MASTER_ID};
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{AeadInOut, ChaCha20Poly1305, KeyInit, Tag};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use zeroize::Zeroizing;

/// The keyring's file name in the data directory.
pub const FILE: &str = "keyring";
/// The first bytes of the file.
const MAGIC: &[u8; 8] = b"KKring02";
/// The first bytes of a file in the first format (appended entries only), still read.
const MAGIC_V1: &[u8; 8] = b"KKring01";
/// Bytes of an entry's plain text.
const PLAIN: usize = 1 + 16 + KEY_ID + 32;
/// Bytes of an appended entry in the file.
pub const RECORD: usize = 12 + PLAIN + 16;
/// Bytes of a file whose block is empty and that has no appended entries: magic, entry count,
/// nonce, tag. A block of `n` entries adds `n` × 65 bytes.
pub const EMPTY: usize = 8 + 8 + 12 + 16;
/// Associated data of every appended entry.
const AAD: &[u8] = b"kokoon/v3/keyring-entry";
/// Associated data of the block (followed by its entry count, little-endian).
pub const BLOCK_AAD: &[u8] = b"kokoon/v3/keyring-block";
/// How many appended entries the next compaction folds into the block, rewriting the file
/// even when it destroys nothing.
pub const FOLD: usize = 4096;

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

/// A hasher for keys that are uniformly random already: key ids (random), owner ids (a keyed
/// hash of a user id, a SHA-256 of a record's tree and key, a random family id). SipHash's
/// protection against chosen keys buys nothing there, so each 8 bytes are mixed in by one
/// multiply–xorshift round (which also spreads keys that are not random, such as tests' and
/// benchmarks' counters, over the whole hash, as the table uses both its low and high bits).
#[derive(Default, Clone, Copy)]
pub struct Uniform(u64);

impl Uniform {
    fn mix(&mut self, word: u64) {
        let x = (self.0 ^ word).rotate_left(29);
        let x = (x ^ (x >> 32)).wrapping_mul(0xd6e8_feb8_6659_fd93);
        self.0 = x ^ (x >> 32);
    }
}

impl Hasher for Uniform {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`Uniform`] hashers: for maps and sets of owners or key ids.
pub type UniformState = BuildHasherDefault<Uniform>;

/// A set of owners hashed with [`Uniform`].
pub type OwnerSet = HashSet<Owner, UniformState>;

struct Inner {
    by_owner: HashMap<Owner, KeyId, UniformState>,
    by_id: HashMap<KeyId, (Owner, Zeroizing<[u8; 32]>), UniformState>,
    /// Keys made or sealed under since the last compaction: kept by it, as a transaction
    /// sealing under one may not have committed yet.
    fresh: HashSet<KeyId, UniformState>,
    /// Entries in the file after its block (each sealed on its own).
    appended: usize,
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
                by_owner: HashMap::default(),
                by_id: HashMap::default(),
                fresh: HashSet::default(),
                appended: 0,
            }),
            file: Mutex::new(None),
        }
    }

    /// Opens (or creates) the keyring file `path`, whose entries are sealed under `ring_key`.
    /// Reads both formats (see the module's documentation); writes the file anew in the current
    /// format when more than [`FOLD`] entries were appended to it.
    pub fn open(path: &Path, ring_key: &ChaCha20Poly1305) -> Result<Keyring, RingError> {
        let ring = Keyring {
            path: Some(path.to_path_buf()),
            ..Keyring::in_memory()
        };
        let corrupt = || RingError::Corrupt(path.display().to_string());
        let mut bytes = match std::fs::read(path) {
            Ok(b) => Zeroizing::new(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let empty = encode(std::iter::empty(), 0, ring_key)?;
                replace_file(path, &empty).map_err(io(path))?;
                empty
            }
            Err(e) => return Err(io(path)(e)),
        };
        // Where the appended entries begin, and the block's plain entries.
        let (start, block) = if bytes.starts_with(MAGIC_V1) {
            (MAGIC_V1.len(), 0..0)
        } else if bytes.starts_with(MAGIC) {
            let count = bytes
                .get(8..16)
                .and_then(|c| <[u8; 8]>::try_from(c).ok())
                .map(u64::from_le_bytes)
                .ok_or_else(corrupt)?;
            let plain_len = usize::try_from(count)
                .ok()
                .and_then(|n| n.checked_mul(PLAIN))
                .ok_or_else(corrupt)?;
            let begin = 8 + 8 + 12;
            if bytes.len().saturating_sub(begin + 16) < plain_len {
                return Err(corrupt());
            }
            let end = begin + plain_len;
            let nonce: [u8; 12] = bytes[16..begin].try_into().map_err(|_| corrupt())?;
            let tag: [u8; 16] = bytes[end..end + 16].try_into().map_err(|_| corrupt())?;
            ring_key
                .decrypt_inout_detached(
                    &nonce.into(),
                    &block_aad(count),
                    (&mut bytes[begin..end]).into(),
                    &Tag::from(tag),
                )
                .map_err(|_| corrupt())?;
            (end + 16, begin..end)
        } else {
            return Err(corrupt());
        };
        let body = &bytes[start..];
        let whole = body.len() / RECORD * RECORD;
        {
            let mut inner = ring.write();
            let n = block.len() / PLAIN + whole / RECORD;
            inner.by_owner.reserve(n);
            inner.by_id.reserve(n);
            inner.appended = whole / RECORD;
            for plain in bytes[block].chunks_exact(PLAIN) {
                let (owner, id, key) = parse_entry(plain).ok_or_else(corrupt)?;
                inner.insert(owner, id, key);
            }
            for rec in body[..whole].chunks_exact(RECORD) {
                let (owner, id, key) = open_entry(rec, ring_key).ok_or_else(corrupt)?;
                inner.insert(owner, id, key);
            }
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io(path))?;
        if whole != body.len() {
            log::warn!("store::keyring: a torn last entry (a crash while adding a key) is cut off");
            file.set_len((start + whole) as u64)
                .and_then(|()| file.sync_all())
                .map_err(io(path))?;
        }
        drop(bytes);
        let mut file = Some(file);
        if ring.read().appended > FOLD {
            // Many keys appended since the file was last written (a store that only grew, or
            // one in the first format): written anew with them in the block, so that the next
            // start opens it at once. The old file stays whole if this fails.
            if let Err(e) = ring.rewrite(&mut file, ring_key) {
                log::warn!("store::keyring: appended keys not folded into the block: {e}");
            }
        }
        *ring.lock_file() = file;
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
            let mut seen =
                OwnerSet::with_capacity_and_hasher(owners.len(), UniformState::default());
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
        inner.appended += n;
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

    /// Keeps only the keys whose owner `live` says is still in use, and those made or handed
    /// out for sealing since the last compaction (a write may be sealed and not yet committed
    /// when `live` was computed); the rest are destroyed (keys left behind by a crash between an erasure
    /// and its key's destruction). Returns how many were destroyed. The file is written anew
    /// when a key was destroyed, or when more than [`FOLD`] entries were appended since it
    /// was last written (they go into its block).
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
        let fold = self.read().appended > FOLD;
        if n > 0 || fold {
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
        {
            let inner = self.read();
            let bytes = encode(
                inner
                    .by_id
                    .iter()
                    .map(|(id, (owner, key))| (owner, id, &**key)),
                inner.by_id.len(),
                ring_key,
            )?;
            replace_file(path, &bytes).map_err(io(path))?;
        }
        self.write().appended = 0;
        *file = Some(
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .map_err(io(path))?,
        );
        Ok(())
    }

    /// Re-seals the keyring file in `dir` under a new master key's subkey (key rotation), in
    /// the current format.
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

impl Inner {
    /// Adds an entry read from the file; a later entry for an owner replaces an earlier one.
    fn insert(&mut self, owner: Owner, id: KeyId, key: Zeroizing<[u8; 32]>) {
        if let Some(old) = self.by_owner.insert(owner, id) {
            if old != id {
                self.by_id.remove(&old);
            }
        }
        self.by_id.insert(id, (owner, key));
    }
}

/// The block's associated data.
fn block_aad(count: u64) -> Vec<u8> {
    let mut aad = Vec::with_capacity(BLOCK_AAD.len() + 8);
    aad.extend_from_slice(BLOCK_AAD);
    aad.extend_from_slice(&count.to_le_bytes());
    aad
}

/// A plain entry.
fn plain_entry(out: &mut Vec<u8>, owner: &Owner, id: &KeyId, key: &[u8; 32]) {
    out.push(owner.kind.byte());
    out.extend_from_slice(&owner.id);
    out.extend_from_slice(id);
    out.extend_from_slice(key);
}

/// The whole file in the current format: the `n` entries of `entries` in its block, sealed as
/// one message, and nothing appended.
fn encode<'a>(
    entries: impl Iterator<Item = (&'a Owner, &'a KeyId, &'a [u8; 32])>,
    n: usize,
    ring_key: &ChaCha20Poly1305,
) -> Result<Zeroizing<Vec<u8>>, RingError> {
    let failed = || RingError::Corrupt("the keyring's block could not be sealed".into());
    // Sized once: a buffer that grew would leave plain keys behind in the memory it left.
    let mut out = Zeroizing::new(Vec::with_capacity(EMPTY + n * PLAIN));
    let nonce = random_nonce();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(n as u64).to_le_bytes());
    out.extend_from_slice(&nonce);
    let begin = out.len();
    for (owner, id, key) in entries.take(n) {
        plain_entry(&mut out, owner, id, key);
    }
    if out.len() != begin + n * PLAIN {
        return Err(failed());
    }
    let tag = ring_key
        .encrypt_inout_detached(
            &nonce.into(),
            &block_aad(n as u64),
            (&mut out[begin..]).into(),
        )
        .map_err(|_| failed())?;
    out.extend_from_slice(&tag);
    Ok(out)
}

fn seal_entry(owner: &Owner, id: &KeyId, key: &[u8; 32], ring_key: &ChaCha20Poly1305) -> Vec<u8> {
    let mut plain = Zeroizing::new(Vec::with_capacity(PLAIN));
    plain_entry(&mut plain, owner, id, key);
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
    parse_entry(&plain)
}

/// The owner, key id and key of a plain entry.
fn parse_entry(plain: &[u8]) -> Option<(Owner, KeyId, Zeroizing<[u8; 32]>)> {
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
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            EMPTY + 2 * RECORD
        );
        assert!(Keyring::open(&path, &ChaCha20Poly1305::new(&[8u8; 32].into())).is_err());

        assert_eq!(ring.destroy(&[a], &rk).expect("destroy"), 1);
        assert!(ring.cipher(&ida).is_none());
        let bytes = std::fs::read(&path).expect("file");
        assert!(bytes.starts_with(MAGIC));
        assert_eq!(bytes.len(), EMPTY + PLAIN, "the one key left, in the block");
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
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            EMPTY + 4 * RECORD
        );
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

    /// The key bytes of every key, by key id.
    fn keys(ring: &Keyring) -> Vec<(KeyId, Owner, [u8; 32])> {
        let mut v: Vec<_> = ring
            .read()
            .by_id
            .iter()
            .map(|(id, (o, k))| (*id, *o, **k))
            .collect();
        v.sort();
        v
    }

    fn append(path: &Path, bytes: &[u8]) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .expect("open");
        f.write_all(bytes).expect("append");
    }

    #[test]
    fn a_file_in_the_first_format_is_read_and_the_next_rewrite_writes_the_block() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        // A `KKring01` file as earlier versions wrote it: entries sealed one by one, and a
        // torn last one.
        let made: Vec<(KeyId, Owner, [u8; 32])> = (0..3u8)
            .map(|i| ([i + 1; 16], Owner::person(&[i; 16]), [0x40 + i; 32]))
            .collect();
        let mut old = MAGIC_V1.to_vec();
        for (id, o, k) in &made {
            old.extend_from_slice(&seal_entry(o, id, k, &rk));
        }
        std::fs::write(&path, &old).expect("write");
        append(&path, &[9; 7]);
        let ring = Keyring::open(&path, &rk).expect("opens the first format");
        assert_eq!(keys(&ring), made);
        assert_eq!(
            std::fs::read(&path).expect("file"),
            old,
            "the torn entry cut off"
        );
        // Appending goes on in the first format until the file is written anew.
        let (added, _) = ring.ensure(&Owner::family([7; 16]), &rk).expect("made");
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            old.len() + RECORD
        );
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(ring.len(), 4);
        assert!(ring.cipher(&added).is_some());
        assert_eq!(ring.destroy(&[made[1].1], &rk).expect("destroy"), 1);
        let bytes = std::fs::read(&path).expect("file");
        assert!(bytes.starts_with(MAGIC), "written in the current format");
        assert_eq!(bytes.len(), EMPTY + 3 * PLAIN);
        assert!(!bytes.windows(32).any(|w| w == made[1].2));
        assert!(!bytes.windows(32).any(|w| w == made[0].2), "sealed");
        let before = keys(&ring);
        drop(ring);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(keys(&ring), before);
        assert!(!ring.has(&made[1].1) && ring.has(&made[0].1) && ring.cipher(&added).is_some());
    }

    #[test]
    fn keys_appended_after_the_block_persist_and_a_torn_one_is_cut_off() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let ring = Keyring::open(&path, &rk).expect("opens");
        let owners: Vec<Owner> = (0..4u8).map(|i| Owner::person(&[i; 16])).collect();
        ring.ensure_all(&owners, &rk).expect("all");
        assert_eq!(ring.destroy(&owners[..1], &rk).expect("destroy"), 1);
        let later: Vec<Owner> = (0..2u8)
            .map(|i| Owner::record("registrations", &[i]))
            .collect();
        assert_eq!(ring.ensure_all(&later, &rk).expect("later"), 2);
        let len = EMPTY + 3 * PLAIN + 2 * RECORD;
        assert_eq!(std::fs::read(&path).expect("file").len(), len);
        let before = keys(&ring);
        drop(ring);
        append(&path, &[1; RECORD - 1]);
        let ring = Keyring::open(&path, &rk).expect("reopens");
        assert_eq!(keys(&ring), before);
        assert_eq!(std::fs::read(&path).expect("file").len(), len, "cut off");
        // A changed appended entry is refused, as in the first format.
        drop(ring);
        let mut bytes = std::fs::read(&path).expect("file");
        bytes[len - 20] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert!(matches!(
            Keyring::open(&path, &rk),
            Err(RingError::Corrupt(_))
        ));
    }

    #[test]
    fn a_changed_or_shortened_block_is_refused_as_corrupt() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let ring = Keyring::open(&path, &rk).expect("opens");
        let owners: Vec<Owner> = (0..5u8).map(|i| Owner::person(&[i; 16])).collect();
        ring.ensure_all(&owners, &rk).expect("all");
        ring.destroy(&owners[..1], &rk).expect("destroy");
        drop(ring);
        let good = std::fs::read(&path).expect("file");
        assert_eq!(good.len(), EMPTY + 4 * PLAIN);
        let refused = |bytes: &[u8]| {
            std::fs::write(&path, bytes).expect("write");
            matches!(Keyring::open(&path, &rk), Err(RingError::Corrupt(_)))
        };
        for at in [8, 16, 28, 28 + PLAIN + 3, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x80;
            assert!(refused(&bad), "a byte changed at {at}");
        }
        let mut huge = good.clone();
        huge[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(refused(&huge), "a count past the end");
        for len in [10, 20, good.len() - 1] {
            assert!(refused(&good[..len]), "cut to {len} bytes");
        }
        let mut other = good.clone();
        other[..8].copy_from_slice(b"KKring09");
        assert!(refused(&other), "an unknown magic");
        // Another master key's subkey opens nothing.
        std::fs::write(&path, &good).expect("write");
        assert!(matches!(
            Keyring::open(&path, &ChaCha20Poly1305::new(&[8u8; 32].into())),
            Err(RingError::Corrupt(_))
        ));
        assert_eq!(Keyring::open(&path, &rk).expect("intact").len(), 4);
    }

    #[test]
    fn rekey_seals_the_block_and_the_appended_keys_under_the_new_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let (old, new) = (ring_key(), ChaCha20Poly1305::new(&[9u8; 32].into()));
        let ring = Keyring::open(&path, &old).expect("opens");
        let owners: Vec<Owner> = (0..4u8).map(|i| Owner::person(&[i; 16])).collect();
        ring.ensure_all(&owners[..3], &old).expect("some");
        ring.destroy(&owners[..1], &old).expect("destroy");
        ring.ensure(&owners[3], &old).expect("appended");
        let before = keys(&ring);
        drop(ring);
        assert_eq!(Keyring::rekey(&path, &old, &new).expect("rekey"), 3);
        let bytes = std::fs::read(&path).expect("file");
        assert!(bytes.starts_with(MAGIC));
        assert_eq!(bytes.len(), EMPTY + 3 * PLAIN, "all in the block");
        assert!(matches!(
            Keyring::open(&path, &old),
            Err(RingError::Corrupt(_))
        ));
        assert_eq!(keys(&Keyring::open(&path, &new).expect("new key")), before);
    }

    #[test]
    fn compaction_folds_many_appended_keys_into_the_block() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let ring = Keyring::open(&path, &rk).expect("opens");
        let owner = |i: u32| Owner::record("registrations", &i.to_be_bytes());
        let few: Vec<Owner> = (0..FOLD as u32).map(owner).collect();
        ring.ensure_all(&few, &rk).expect("few");
        assert_eq!(ring.compact(|_| true, &rk).expect("compact"), 0);
        let len = EMPTY + FOLD * RECORD;
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            len,
            "not more than FOLD appended: left as they are"
        );
        ring.ensure(&owner(FOLD as u32), &rk).expect("one more");
        assert_eq!(ring.compact(|_| true, &rk).expect("compact"), 0);
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            EMPTY + (FOLD + 1) * PLAIN,
            "folded into the block"
        );
        let before = keys(&ring);
        drop(ring);
        assert_eq!(keys(&Keyring::open(&path, &rk).expect("reopens")), before);
    }

    #[test]
    fn opening_a_file_with_many_appended_keys_folds_them_into_the_block() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE);
        let rk = ring_key();
        let mut old = MAGIC_V1.to_vec();
        for i in 0..=FOLD as u32 {
            let o = Owner::record("registrations", &i.to_be_bytes());
            let mut id = [1u8; 16];
            id[..4].copy_from_slice(&i.to_be_bytes());
            old.extend_from_slice(&seal_entry(&o, &id, &[3; 32], &rk));
        }
        std::fs::write(&path, &old).expect("write");
        let ring = Keyring::open(&path, &rk).expect("opens");
        let bytes = std::fs::read(&path).expect("file");
        assert!(bytes.starts_with(MAGIC), "written in the current format");
        assert_eq!(bytes.len(), EMPTY + (FOLD + 1) * PLAIN, "all in the block");
        // Appending goes on after the block.
        ring.ensure(&Owner::person(&[5; 16]), &rk).expect("made");
        let before = keys(&ring);
        assert_eq!(before.len(), FOLD + 2);
        drop(ring);
        assert_eq!(
            std::fs::read(&path).expect("file").len(),
            EMPTY + (FOLD + 1) * PLAIN + RECORD
        );
        assert_eq!(keys(&Keyring::open(&path, &rk).expect("reopens")), before);
    }

    #[test]
    fn the_uniform_hasher_spreads_counters_over_the_whole_hash() {
        use std::hash::BuildHasher;
        let state = UniformState::default();
        let hashes: HashSet<u64> = (0..10_000u64)
            .map(|i| {
                let mut id = [0u8; 16];
                id[..8].copy_from_slice(&i.to_be_bytes());
                state.hash_one(Owner::person(&id))
            })
            .collect();
        assert_eq!(hashes.len(), 10_000);
        // The table picks a slot by the low bits and tells entries apart by the top 7.
        let low: HashSet<u64> = hashes.iter().map(|h| h & 0xffff).collect();
        let top: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(low.len() > 8_000, "{} distinct low 16 bits", low.len());
        assert_eq!(top.len(), 128);
    }
}
