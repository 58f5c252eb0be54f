//! Online backups: a consistent copy of every tree, written as one encrypted file with a
//! checksum; restore into an empty directory; compaction into a fresh one.
//!
//! **Consistency.** Every change that spans trees goes through [`Store::transaction`], which
//! holds the store's gate for reading; a backup (and [`Store::snapshot`]) holds it for writing
//! while it reads every tree and the files beside the store ([`BESIDE`]), so a backup falls
//! between transactions: a registration is there with its counters, a crossing with its alert,
//! a sealed value with its data key. The few single-key writes outside transactions (an outbox
//! row marked sent, an update's kept replies) are at-least-once bookkeeping: a snapshot that
//! has such a row from just before it was removed sends the message again after a restore, as
//! a crash would.
//!
//! **What the gate's hold covers, and for how long.** A backup streams: under the gate it reads
//! the trees entry by entry and the files beside the store in pieces, encodes each record into
//! the chunk in hand, seals each full chunk and writes it through a buffer into the hidden
//! temporary file — into the page cache, not to the disk. The file's `fsync`, its rename and the
//! directory's `fsync` come after the gate is released. So commits wait for one pass over the
//! store plus encryption and `write(2)`s, and memory does not grow with the store (one chunk,
//! the write buffer and sled's own cache). At 100,000 registrations (`cargo bench --bench
//! backup`: a backup file of 89 MB, the keyring 18.6 MB of it) the gate is held 0.6–1.6 s on
//! two busy cores, nearly all of the backup's time; copying the store into memory, all that
//! version 1 held it for, takes 0.45–0.55 s there, so sealing and writing under the gate cost
//! commits about 0.2–0.3 s more once a backup. The process's peak memory goes from 70 MB after
//! opening to 100 MB (sled's cache filling as every page is read); version 1, built whole in
//! memory, took it to 454 MB. [`backup`] returns how long the gate was held and the bot logs
//! it.
//!
//! **The file (version 2).** `MAGIC ‖ nonce prefix (7 random bytes) ‖ chunk₀ ‖ … ‖ chunkₙ ‖
//! SHA-256(all before)`. The payload is cut into chunks of 64 KiB (`CHUNK`) of plain text (the
//! last one shorter, possibly empty), each sealed with ChaCha20-Poly1305 (its tag after it, the
//! magic as associated data) under the nonce `prefix ‖ chunk counter (4 bytes, big-endian) ‖
//! 1 for the last chunk, 0 for the others` — the STREAM construction: a chunk moved, dropped or
//! repeated, or a file cut at a chunk's end, does not open. The cipher's key is derived from the
//! master key under its own HKDF label, so a backup is no more readable than the store; sealed
//! values inside stay sealed as in the store. The checksum, summed as the file is written, finds
//! a damaged or truncated file without the key; the cipher's tags find any change with it. The
//! payload is a list of records: a tree entry (tree, key, value), a file kept beside the store
//! (name, bytes) — see [`BESIDE`] — and when the backup was taken.
//!
//! **Version 1** (`KOKOON-BACKUP-1`: `MAGIC ‖ nonce ‖ ChaCha20-Poly1305(whole payload) ‖
//! SHA-256`), written before 6 December 2026, sealed the whole payload at once and so held
//! several copies of the store in memory; it is still restored. A restore checks the checksum
//! in one pass over the file, then reads it again chunk by chunk into the snapshot it writes.
//!
//! **Never a partial file under the final name.** The file is written to a hidden temporary
//! name in the same directory, synced, renamed, and the directory synced. A kill at any moment
//! leaves at most a `.tmp` file, removed by the next backup (or by the failed one itself).

use super::{Key, Store, StoreError};
use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// The first bytes of every backup file written now (format version 2: sealed in chunks).
const MAGIC: &[u8; 16] = b"KOKOON-BACKUP-2\n";
/// The first bytes of a version-1 backup (one sealed payload), still restored.
const MAGIC_1: &[u8; 16] = b"KOKOON-BACKUP-1\n";
/// Version 1's nonce.
const NONCE: usize = 12;
/// Version 2's nonce prefix, random, written once after the magic.
const STREAM_PREFIX: usize = 7;
/// Version 2's plain text per chunk (the last may be shorter, even empty).
const CHUNK: usize = 64 * 1024;
/// The cipher's tag after each chunk.
const TAG: usize = 16;
const SUM: usize = 32;
/// HKDF label of the backup cipher's key.
const LABEL_BACKUP: &[u8] = b"kokoon/v2/backup-file";

/// Files kept beside the store, inside the data directory, that belong in every backup and are
/// put back by a restore (names relative to the data directory). Add a file here and it is
/// backed up and restored; a file listed but missing is skipped. The keyring holds the data keys
/// every personal value is sealed under: a store restored without it opens nothing; the erasure
/// list goes along so a restored store still knows whom it must not bring back.
pub const BESIDE: &[&str] = &[super::keyring::FILE, super::erasures::FILE];

/// The copy of the live erasure list the running bot keeps in the backup directory (beside the
/// backups, apart from the data directory): a restore erases again, before anyone is served,
/// everyone it names as erased after the snapshot ([`restore`]).
pub const LIVE_ERASURES: &str = "erasures";

/// Backup files are named `kokoon-<UTC time>.backup`; anything else in the directory is left
/// alone.
const PREFIX: &str = "kokoon-";
const SUFFIX: &str = ".backup";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%.3fZ";

/// Errors of backups, restores and compaction.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a backup file, or a truncated or damaged one.
    #[error("{0}: not a complete kokoon backup (truncated or damaged)")]
    Damaged(String),
    /// The file is whole but does not open with this key.
    #[error(
        "{0}: the backup does not open with this key (it was made with another key, or changed)"
    )]
    WrongKey(String),
    /// A restore target that is not empty.
    #[error("{0} is not empty: restore into a new or empty directory")]
    NotEmpty(String),
    /// No erasure list beside the backup to apply again after it.
    #[error("{0}: no erasure list here; it is kept beside the backups (`erasures` in the backup directory). Give its place with --erasures, or --without-erasures if it is truly lost (then everyone erased after the snapshot comes back)")]
    NoErasureList(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn random<const N: usize>() -> Result<[u8; N], BackupError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| BackupError::Io {
        path: "the random number generator".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(bytes)
}

/// A consistent copy of a store: every tree's entries and the files beside it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// (tree, key, value), tree by tree.
    pub entries: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    /// (name relative to the data directory, contents).
    pub files: Vec<(String, Vec<u8>)>,
    /// When it was taken (by the bot's clock): what a restore erases again is what was erased
    /// after this.
    pub taken_at: Option<DateTime<Utc>>,
}

/// Where a store's records go as they are read: a [`Snapshot`] in memory, or a backup file
/// being written.
pub(super) trait Sink {
    /// One entry of a tree.
    fn entry(&mut self, tree: &[u8], key: &[u8], value: &[u8]) -> Result<(), BackupError>;
    /// A file beside the store (`name` in [`BESIDE`], at `path`) of exactly `len` bytes, read
    /// from `from`.
    fn file(
        &mut self,
        name: &str,
        path: &Path,
        len: u64,
        from: &mut dyn Read,
    ) -> Result<(), BackupError>;
}

impl Sink for Snapshot {
    fn entry(&mut self, tree: &[u8], key: &[u8], value: &[u8]) -> Result<(), BackupError> {
        self.entries
            .push((tree.to_vec(), key.to_vec(), value.to_vec()));
        Ok(())
    }

    fn file(
        &mut self,
        name: &str,
        path: &Path,
        len: u64,
        from: &mut dyn Read,
    ) -> Result<(), BackupError> {
        let mut bytes = Vec::new();
        from.take(len).read_to_end(&mut bytes).map_err(io(path))?;
        if bytes.len() as u64 != len {
            return Err(io(path)(std::io::ErrorKind::UnexpectedEof.into()));
        }
        self.files.push((name.to_owned(), bytes));
        Ok(())
    }
}

impl Store {
    /// A consistent copy of the whole store and the files beside it ([`BESIDE`], read under
    /// the same gate, so they match the trees), in memory. See the module's notes. Blocking:
    /// call it from a blocking thread. A backup does not make one: it streams ([`backup`]).
    pub fn snapshot(&self) -> Result<Snapshot, BackupError> {
        let mut snap = Snapshot::default();
        self.read_all(&mut snap)?;
        Ok(snap)
    }

    /// Gives `sink` every tree's entries, then the files beside the store, holding the gate for
    /// writing all along: no transaction commits meanwhile. Returns how long the gate was held.
    pub(super) fn read_all(&self, sink: &mut dyn Sink) -> Result<Duration, BackupError> {
        let _gate = self
            .gate
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = Instant::now();
        copy_trees(&self.db, sink)?;
        add_beside(sink, &self.path)?;
        Ok(held.elapsed())
    }

    /// The directory the store lives in.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.path
    }
}

fn copy_trees(db: &sled::Db, sink: &mut dyn Sink) -> Result<(), BackupError> {
    for name in db.tree_names() {
        let tree = db.open_tree(&name).map_err(StoreError::from)?;
        for item in tree.iter() {
            let (k, v) = item.map_err(StoreError::from)?;
            sink.entry(&name, &k, &v)?;
        }
    }
    Ok(())
}

/// Gives `sink` the files of [`BESIDE`] found in `data`, each read in pieces from one open
/// handle (a file replaced meanwhile is read as it was when opened; one appended to, up to its
/// length then).
fn add_beside(sink: &mut dyn Sink, data: &Path) -> Result<(), BackupError> {
    for name in BESIDE {
        let path = data.join(name);
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(&path)(e)),
        };
        let len = file.metadata().map_err(io(&path))?.len();
        sink.file(name, &path, len, &mut file)?;
    }
    Ok(())
}

fn cipher(key: &Key) -> ChaCha20Poly1305 {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"kokoon"), key.bytes());
    let mut k = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit, so expanding cannot fail.
    let _ = hk.expand(LABEL_BACKUP, k.as_mut());
    ChaCha20Poly1305::new(&(*k).into())
}

/// Version 2's nonce of chunk `counter`: the file's random prefix ‖ the counter (big-endian) ‖
/// 1 for the last chunk, 0 for the others (the STREAM construction). A chunk moved, dropped,
/// repeated, or a file cut at a chunk's end, opens under none of its nonces.
fn chunk_nonce(prefix: &[u8; STREAM_PREFIX], counter: u32, last: bool) -> [u8; NONCE] {
    let mut nonce = [0u8; NONCE];
    nonce[..STREAM_PREFIX].copy_from_slice(prefix);
    nonce[STREAM_PREFIX..NONCE - 1].copy_from_slice(&counter.to_be_bytes());
    nonce[NONCE - 1] = u8::from(last);
    nonce
}

/// Writes a version-2 backup into `out` as records come: `MAGIC ‖ nonce prefix`, then the
/// payload in sealed chunks of [`CHUNK`] bytes (a full chunk is sealed when the next byte
/// comes, so the last one, sealed by [`Sealer::finish`], is never followed by another), then
/// the SHA-256 of all of it, summed as it is written. Holds one chunk of plain text.
struct Sealer<W: Write> {
    out: W,
    /// The file being written, for errors.
    path: PathBuf,
    sum: Sha256,
    cipher: ChaCha20Poly1305,
    prefix: [u8; STREAM_PREFIX],
    counter: u32,
    chunk: Zeroizing<Vec<u8>>,
}

impl<W: Write> Sealer<W> {
    fn new(out: W, path: &Path, key: &Key) -> Result<Sealer<W>, BackupError> {
        let mut s = Sealer {
            out,
            path: path.to_owned(),
            sum: Sha256::new(),
            cipher: cipher(key),
            prefix: random()?,
            counter: 0,
            chunk: Zeroizing::new(Vec::with_capacity(CHUNK)),
        };
        let prefix = s.prefix;
        s.emit(MAGIC)?;
        s.emit(&prefix)?;
        Ok(s)
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.sum.update(bytes);
        self.out.write_all(bytes).map_err(io(&self.path))
    }

    /// Seals the chunk in hand and writes it.
    fn seal(&mut self, last: bool) -> Result<(), BackupError> {
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        let tag = self
            .cipher
            .encrypt_inout_detached(&nonce.into(), MAGIC, self.chunk.as_mut_slice().into())
            .map_err(|_| BackupError::Damaged("encryption".into()))?;
        self.counter = self.counter.checked_add(1).ok_or_else(|| BackupError::Io {
            path: self.path.display().to_string(),
            source: std::io::Error::other("too large for one backup file"),
        })?;
        let sealed = std::mem::take(&mut *self.chunk);
        let result = self.emit(&sealed).and_then(|()| self.emit(&tag));
        self.chunk = Zeroizing::new(sealed);
        self.chunk.clear();
        result
    }

    /// Room in the chunk in hand, sealing it first if it is full.
    fn room(&mut self) -> Result<usize, BackupError> {
        if self.chunk.len() == CHUNK {
            self.seal(false)?;
        }
        Ok(CHUNK - self.chunk.len())
    }

    fn write(&mut self, mut bytes: &[u8]) -> Result<(), BackupError> {
        while !bytes.is_empty() {
            let n = self.room()?.min(bytes.len());
            self.chunk.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.write(&(bytes.len() as u64).to_be_bytes())?;
        self.write(bytes)
    }

    fn taken_at(&mut self, at: DateTime<Utc>) -> Result<(), BackupError> {
        self.write(&[2])?;
        self.put(&at.timestamp_millis().to_be_bytes())
    }

    /// Seals the last chunk, writes the checksum; the writer back (not flushed to disk).
    fn finish(mut self) -> Result<W, BackupError> {
        self.seal(true)?;
        let sum = self.sum.clone().finalize();
        self.out.write_all(&sum).map_err(io(&self.path))?;
        self.out.flush().map_err(io(&self.path))?;
        Ok(self.out)
    }
}

impl<W: Write> Sink for Sealer<W> {
    fn entry(&mut self, tree: &[u8], key: &[u8], value: &[u8]) -> Result<(), BackupError> {
        self.write(&[0])?;
        self.put(tree)?;
        self.put(key)?;
        self.put(value)
    }

    /// Read straight into the chunk in hand, a chunk at a time.
    fn file(
        &mut self,
        name: &str,
        path: &Path,
        len: u64,
        from: &mut dyn Read,
    ) -> Result<(), BackupError> {
        self.write(&[1])?;
        self.put(name.as_bytes())?;
        self.write(&len.to_be_bytes())?;
        let mut left = len;
        while left > 0 {
            let n = self
                .room()?
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            let at = self.chunk.len();
            self.chunk.resize(at + n, 0);
            match from.read(&mut self.chunk[at..]) {
                Ok(0) => {
                    self.chunk.truncate(at);
                    return Err(io(path)(std::io::ErrorKind::UnexpectedEof.into()));
                }
                Ok(k) => {
                    self.chunk.truncate(at + k);
                    left -= k as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.chunk.truncate(at),
                Err(e) => {
                    self.chunk.truncate(at);
                    return Err(io(path)(e));
                }
            }
        }
        Ok(())
    }
}

/// Gives `sink` the records of `snap`.
fn write_snapshot(snap: &Snapshot, sink: &mut dyn Sink) -> Result<(), BackupError> {
    for (tree, k, v) in &snap.entries {
        sink.entry(tree, k, v)?;
    }
    for (name, bytes) in &snap.files {
        sink.file(
            name,
            Path::new(name),
            bytes.len() as u64,
            &mut bytes.as_slice(),
        )?;
    }
    Ok(())
}

/// Encodes and encrypts a snapshot into the bytes of a backup file (version 2), in memory.
pub fn seal(snap: &Snapshot, key: &Key) -> Result<Vec<u8>, BackupError> {
    let mut sealer = Sealer::new(Vec::new(), Path::new("memory"), key)?;
    write_snapshot(snap, &mut sealer)?;
    if let Some(t) = snap.taken_at {
        sealer.taken_at(t)?;
    }
    sealer.finish()
}

/// Version 1: `MAGIC_1 ‖ nonce ‖ ChaCha20-Poly1305(payload) ‖ SHA-256(all before)`, the whole
/// payload sealed at once. Only restored now; this writes one for the tests.
#[cfg(test)]
pub(super) fn seal_v1(snap: &Snapshot, key: &Key) -> Vec<u8> {
    use chacha20poly1305::aead::Aead;
    fn put(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    let mut payload = Vec::new();
    for (tree, k, v) in &snap.entries {
        payload.push(0);
        put(&mut payload, tree);
        put(&mut payload, k);
        put(&mut payload, v);
    }
    for (name, bytes) in &snap.files {
        payload.push(1);
        put(&mut payload, name.as_bytes());
        put(&mut payload, bytes);
    }
    if let Some(t) = snap.taken_at {
        payload.push(2);
        put(&mut payload, &t.timestamp_millis().to_be_bytes());
    }
    let nonce = [5u8; NONCE];
    let sealed = cipher(key)
        .encrypt(
            &nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: &payload,
                aad: MAGIC_1,
            },
        )
        .expect("encrypt");
    let mut out = MAGIC_1.to_vec();
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// Checks the checksum (no key needed) of a backup file's bytes.
pub fn check(bytes: &[u8], name: &str) -> Result<(), BackupError> {
    check_from(&mut std::io::Cursor::new(bytes), bytes.len() as u64, name).map(|_| ())
}

/// Checks the checksum of the `len` bytes of `input`, read in pieces, and its magic; the
/// version found (1 or 2). Leaves `input` anywhere.
fn check_from<R: Read + Seek>(input: &mut R, len: u64, name: &str) -> Result<u8, BackupError> {
    let damaged = || BackupError::Damaged(name.to_owned());
    let read = |e: std::io::Error| BackupError::Io {
        path: name.to_owned(),
        source: e,
    };
    let mut magic = [0u8; 16];
    input.seek(SeekFrom::Start(0)).map_err(read)?;
    if len < 16 {
        return Err(damaged());
    }
    input.read_exact(&mut magic).map_err(read)?;
    let (version, least) = if &magic == MAGIC {
        (2, STREAM_PREFIX + TAG)
    } else if &magic == MAGIC_1 {
        (1, NONCE + TAG)
    } else {
        return Err(damaged());
    };
    if len < (MAGIC.len() + least + SUM) as u64 {
        return Err(damaged());
    }
    let mut sum = Sha256::new();
    sum.update(magic);
    let mut body = input.by_ref().take(len - 16 - SUM as u64);
    let mut piece = vec![0u8; CHUNK];
    loop {
        match body.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => sum.update(&piece[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read(e)),
        }
    }
    let mut expected = [0u8; SUM];
    input.read_exact(&mut expected).map_err(|_| damaged())?;
    if sum.finalize().as_slice() != expected {
        return Err(damaged());
    }
    Ok(version)
}

/// Checks and decrypts the bytes of a backup file (version 1 or 2).
pub fn open(bytes: &[u8], key: &Key, name: &str) -> Result<Snapshot, BackupError> {
    open_from(
        &mut std::io::Cursor::new(bytes),
        bytes.len() as u64,
        key,
        name,
    )
}

/// Checks the checksum of the `len` bytes of `input` (read once in pieces), then decrypts and
/// reads them: version 2 a chunk at a time (one chunk of plain text in hand besides the
/// snapshot), version 1 whole (the file and its payload).
fn open_from<R: Read + Seek>(
    input: &mut R,
    len: u64,
    key: &Key,
    name: &str,
) -> Result<Snapshot, BackupError> {
    let version = check_from(input, len, name)?;
    let read = |e: std::io::Error| BackupError::Io {
        path: name.to_owned(),
        source: e,
    };
    input.seek(SeekFrom::Start(16)).map_err(read)?;
    let body = len - 16 - SUM as u64;
    if version == 1 {
        let mut sealed = Vec::new();
        input.take(body).read_to_end(&mut sealed).map_err(read)?;
        let (nonce, sealed) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce
            .try_into()
            .map_err(|_| BackupError::Damaged(name.into()))?;
        let payload = Zeroizing::new(
            chacha20poly1305::aead::Aead::decrypt(
                &cipher(key),
                &nonce.into(),
                chacha20poly1305::aead::Payload {
                    msg: sealed,
                    aad: MAGIC_1,
                },
            )
            .map_err(|_| BackupError::WrongKey(name.to_owned()))?,
        );
        return records(&mut payload.as_slice(), name);
    }
    let mut prefix = [0u8; STREAM_PREFIX];
    input.read_exact(&mut prefix).map_err(read)?;
    let mut unsealer = Unsealer {
        input,
        cipher: cipher(key),
        prefix,
        counter: 0,
        left: body - STREAM_PREFIX as u64,
        plain: Zeroizing::new(Vec::with_capacity(CHUNK + TAG)),
        at: 0,
        name,
    };
    records(&mut unsealer, name)
}

/// Reads a version-2 payload, opening one chunk at a time.
struct Unsealer<'a, R: Read> {
    input: &'a mut R,
    cipher: ChaCha20Poly1305,
    prefix: [u8; STREAM_PREFIX],
    counter: u32,
    /// Sealed bytes not read yet (the checksum excluded).
    left: u64,
    plain: Zeroizing<Vec<u8>>,
    /// Bytes of `plain` already given out.
    at: usize,
    name: &'a str,
}

impl<R: Read> Unsealer<'_, R> {
    /// Reads and opens the next chunk: the last is the one that ends where the checksum begins.
    /// The first not opening is the wrong key (the checksum matched); a later one, a file
    /// changed.
    fn next_chunk(&mut self) -> Result<(), BackupError> {
        let name = self.name;
        let damaged = || BackupError::Damaged(name.to_owned());
        let len = self.left.min((CHUNK + TAG) as u64);
        let last = len == self.left;
        let len = usize::try_from(len).map_err(|_| damaged())?;
        if len < TAG {
            return Err(damaged());
        }
        self.plain.resize(len, 0);
        self.input
            .read_exact(&mut self.plain)
            .map_err(|_| damaged())?;
        self.left -= len as u64;
        let (text, tag) = self.plain.split_at_mut(len - TAG);
        let tag = <[u8; TAG]>::try_from(&*tag).map_err(|_| damaged())?;
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        if self
            .cipher
            .decrypt_inout_detached(&nonce.into(), MAGIC, text.into(), &tag.into())
            .is_err()
        {
            return Err(if self.counter == 0 {
                BackupError::WrongKey(name.to_owned())
            } else {
                damaged()
            });
        }
        self.plain.truncate(len - TAG);
        self.at = 0;
        self.counter = self.counter.checked_add(1).ok_or_else(damaged)?;
        Ok(())
    }
}

impl<R: Read> Read for Unsealer<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.plain.len() {
            if self.left == 0 {
                return Ok(0);
            }
            self.next_chunk().map_err(std::io::Error::other)?;
        }
        let n = buf.len().min(self.plain.len() - self.at);
        buf[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The records of a payload, read to its end.
fn records(input: &mut dyn Read, name: &str) -> Result<Snapshot, BackupError> {
    let fail = |e: std::io::Error| match e.into_inner().map(|e| e.downcast::<BackupError>()) {
        Some(Ok(e)) => *e,
        _ => BackupError::Damaged(name.to_owned()),
    };
    let damaged = || BackupError::Damaged(name.to_owned());
    let take = |input: &mut dyn Read| -> Result<Vec<u8>, BackupError> {
        let mut len = [0u8; 8];
        input.read_exact(&mut len).map_err(fail)?;
        let len = u64::from_be_bytes(len);
        let mut bytes = Vec::new();
        input.take(len).read_to_end(&mut bytes).map_err(fail)?;
        if bytes.len() as u64 != len {
            return Err(damaged());
        }
        Ok(bytes)
    };
    let mut snap = Snapshot::default();
    loop {
        let mut kind = [0u8; 1];
        match input.read(&mut kind) {
            Ok(0) => return Ok(snap),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(fail(e)),
        }
        match kind[0] {
            0 => {
                let tree = take(input)?;
                let k = take(input)?;
                let v = take(input)?;
                snap.entries.push((tree, k, v));
            }
            1 => {
                let file = String::from_utf8(take(input)?).map_err(|_| damaged())?;
                let bytes = take(input)?;
                snap.files.push((file, bytes));
            }
            2 => {
                let ms = <[u8; 8]>::try_from(take(input)?).map_err(|_| damaged())?;
                snap.taken_at = DateTime::from_timestamp_millis(i64::from_be_bytes(ms));
            }
            _ => return Err(damaged()),
        }
    }
}

/// The file name of a backup completed at `at`.
#[must_use]
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format(TIME_FORMAT))
}

/// When a backup of this file name was taken, if it is one.
#[must_use]
pub fn taken_at(name: &str) -> Option<DateTime<Utc>> {
    let t = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    chrono::NaiveDateTime::parse_from_str(t, TIME_FORMAT)
        .ok()
        .map(|n| n.and_utc())
}

/// The backups in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<(DateTime<Utc>, PathBuf)>, BackupError> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(dir))?;
        if let Some(at) = entry.file_name().to_str().and_then(taken_at) {
            out.push((at, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// A new file under the hidden temporary name of `dir/name` (readable by the owner only).
fn create_hidden(dir: &Path, name: &str) -> Result<(std::fs::File, PathBuf), BackupError> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&tmp).map_err(io(&tmp))?;
    Ok((file, tmp))
}

/// Syncs `file`, written at `tmp`, renames it to `dir/name` and syncs the directory.
fn put_in_place(
    file: std::fs::File,
    tmp: &Path,
    dir: &Path,
    name: &str,
) -> Result<PathBuf, BackupError> {
    file.sync_all().map_err(io(tmp))?;
    drop(file);
    let path = dir.join(name);
    std::fs::rename(tmp, &path).map_err(io(&path))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(path)
}

/// Writes `bytes` to `dir/name` so that the name never holds a partial file: a temporary file,
/// synced, renamed, and the directory synced.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, BackupError> {
    let (mut file, tmp) = create_hidden(dir, name)?;
    file.write_all(bytes).map_err(io(&tmp))?;
    put_in_place(file, &tmp, dir, name)
}

/// Removes temporary files a killed backup left, and all but the newest `keep` backups.
pub fn prune(dir: &Path, keep: usize) -> Result<usize, BackupError> {
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&format!(".{PREFIX}")) && name.ends_with(".tmp") {
                std::fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
            }
        }
    }
    let all = list(dir)?;
    for (_, path) in all.iter().take(all.len().saturating_sub(keep)) {
        std::fs::remove_file(path).map_err(io(path))?;
        removed += 1;
    }
    Ok(removed)
}

/// A backup written: the file, and how long commits waited for it (the gate's hold).
#[derive(Debug, Clone)]
pub struct Written {
    /// The backup file.
    pub path: PathBuf,
    /// How long the store's gate was held (no transaction committed meanwhile).
    pub gate_held: Duration,
}

/// Takes a consistent snapshot of the running store and writes it to `dir` as one encrypted
/// file named for `now`, streaming (see the module's notes); then keeps only the newest `keep`.
/// Blocking: call it from a blocking thread.
pub fn backup(
    store: &Store,
    key: &Key,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<Written, BackupError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = file_name(now);
    let (file, tmp) = create_hidden(dir, &name)?;
    let written = (|| -> Result<Written, BackupError> {
        let out = std::io::BufWriter::with_capacity(4 * CHUNK, file);
        let mut sealer = Sealer::new(out, &tmp, key)?;
        let gate_held = store.read_all(&mut sealer)?;
        sealer.taken_at(now)?;
        let file = sealer
            .finish()?
            .into_inner()
            .map_err(|e| io(&tmp)(e.into_error()))?;
        let path = put_in_place(file, &tmp, dir, &name)?;
        Ok(Written { path, gate_held })
    })();
    if written.is_err() {
        // Best effort: the next backup's prune removes it otherwise.
        let _ = std::fs::remove_file(&tmp);
    }
    let written = written?;
    prune(dir, keep.max(1))?;
    Ok(written)
}

/// Writes a snapshot into `dir`, which must be empty or not exist: every tree, then the files
/// beside the store; flushed before it returns.
pub(super) fn write_store(snap: &Snapshot, dir: &Path) -> Result<(), BackupError> {
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(BackupError::NotEmpty(dir.display().to_string()));
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let db = sled::Config::new()
        .path(dir)
        .open()
        .map_err(StoreError::from)?;
    let mut tree_name: Option<&[u8]> = None;
    let mut batch = sled::Batch::default();
    let mut tree = db.open_tree(b"__sled__default").map_err(StoreError::from)?;
    for (t, k, v) in &snap.entries {
        if tree_name != Some(t.as_slice()) {
            tree.apply_batch(std::mem::take(&mut batch))
                .map_err(StoreError::from)?;
            tree = db.open_tree(t).map_err(StoreError::from)?;
            tree_name = Some(t);
        }
        batch.insert(k.as_slice(), v.as_slice());
    }
    tree.apply_batch(batch).map_err(StoreError::from)?;
    db.flush().map_err(StoreError::from)?;
    drop(db);
    for (name, bytes) in &snap.files {
        write_atomically(dir, name, bytes)?;
    }
    Ok(())
}

/// Restores the backup `file` into `dir` (new or empty), with the live erasure list
/// `erasures` (kept beside the backups: [`LIVE_ERASURES`]) in place of the snapshot's own, so
/// that the store knows everyone erased after the snapshot. `None` restores the snapshot's own
/// list (the live one is lost). The store is not opened: open it with the same key and run
/// [`Store::reapply_erasures`] from [`Snapshot::taken_at`] before anyone is served (`kokoon
/// restore` does); the check value inside tells a wrong key at once.
pub fn restore(
    file: &Path,
    key: &Key,
    dir: &Path,
    erasures: Option<&Path>,
) -> Result<Snapshot, BackupError> {
    let mut input = std::fs::File::open(file).map_err(io(file))?;
    let len = input.metadata().map_err(io(file))?.len();
    let mut snap = open_from(&mut input, len, key, &file.display().to_string())?;
    drop(input);
    if snap.taken_at.is_none() {
        // Made before backups carried their time: the name says it.
        snap.taken_at = file.file_name().and_then(|n| n.to_str()).and_then(taken_at);
    }
    let live = match erasures {
        Some(path) => match std::fs::read(path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::NoErasureList(path.display().to_string()))
            }
            Err(e) => return Err(io(path)(e)),
        },
        None => None,
    };
    write_store(&snap, dir)?;
    if let Some(live) = live {
        super::keyring::replace_file(&dir.join(super::erasures::FILE), &live)
            .map_err(io(&dir.join(super::erasures::FILE)))?;
    }
    Ok(snap)
}

/// Every tree and the files beside it of the store in `from`, which no running kokoon uses,
/// and the size sled gives for it on disk.
pub(super) fn read_stopped(from: &Path) -> Result<(Snapshot, u64), BackupError> {
    let db = sled::Config::new()
        .path(from)
        .create_new(false)
        .open()
        .map_err(|e| match e {
            sled::Error::Io(ref io_err) if io_err.kind() == std::io::ErrorKind::WouldBlock => {
                StoreError::Locked(from.display().to_string())
            }
            other => StoreError::from(other),
        })?;
    let size = db.size_on_disk().map_err(StoreError::from)?;
    let mut snap = Snapshot::default();
    copy_trees(&db, &mut snap)?;
    drop(db);
    add_beside(&mut snap, from)?;
    Ok((snap, size))
}

/// Copies the store in `from` (not in use by a running kokoon) into `to` (new or empty),
/// entry by entry: the copy has none of the old log segments, nor whatever old values they
/// still hold. No key is needed: values are copied sealed.
pub fn compact(from: &Path, to: &Path) -> Result<(u64, u64), BackupError> {
    let (snap, before) = read_stopped(from)?;
    write_store(&snap, to)?;
    let db = sled::Config::new()
        .path(to)
        .open()
        .map_err(StoreError::from)?;
    let after = db.size_on_disk().map_err(StoreError::from)?;
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> Snapshot {
        Snapshot {
            entries: vec![
                (b"meta".to_vec(), b"schema".to_vec(), vec![0, 0, 0, 2]),
                (b"users".to_vec(), vec![1; 16], b"sealed".to_vec()),
            ],
            files: vec![("keyring".into(), b"ring".to_vec())],
            taken_at: DateTime::from_timestamp_millis(1_780_000_000_123),
        }
    }

    #[test]
    fn a_sealed_snapshot_opens_with_its_key_only_and_any_damage_is_found() {
        let key = Key::from_bytes([7; 32]);
        let bytes = seal(&snap(), &key).expect("seal");
        assert!(bytes.starts_with(b"KOKOON-BACKUP-2\n"));
        assert_eq!(open(&bytes, &key, "f").expect("open"), snap());
        assert!(matches!(
            open(&bytes, &Key::from_bytes([8; 32]), "f"),
            Err(BackupError::WrongKey(_))
        ));
        for cut in [1, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(
                open(&bytes[..cut], &key, "f"),
                Err(BackupError::Damaged(_))
            ));
        }
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(matches!(check(&flipped, "f"), Err(BackupError::Damaged(_))));
    }

    /// A snapshot whose payload is `chunks` chunks and a half, with a value and a file each
    /// longer than a chunk (so records span chunk boundaries).
    fn big(chunks: usize) -> Snapshot {
        let mut s = snap();
        for i in 0..chunks * 2 {
            let value: Vec<u8> = (0..CHUNK / 2 - 40).map(|j| (i * 7 + j) as u8).collect();
            s.entries
                .push((b"events".to_vec(), (i as u64).to_be_bytes().to_vec(), value));
        }
        s.entries.push((
            b"big".to_vec(),
            b"k".to_vec(),
            (0..CHUNK + 999).map(|j| (j % 251) as u8).collect(),
        ));
        s.files
            .push(("ring".into(), (0..CHUNK * 2 + 5).map(|j| j as u8).collect()));
        s
    }

    /// The start of chunk `i` of a version-2 file.
    fn chunk_at(i: usize) -> usize {
        MAGIC.len() + STREAM_PREFIX + i * (CHUNK + TAG)
    }

    /// The bytes with their checksum made right again: what is left to find is the cipher's.
    fn resummed(mut bytes: Vec<u8>) -> Vec<u8> {
        bytes.truncate(bytes.len() - SUM);
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        bytes
    }

    #[test]
    fn a_payload_of_many_chunks_round_trips_with_records_across_their_boundaries() {
        let key = Key::from_bytes([7; 32]);
        let s = big(4);
        let bytes = seal(&s, &key).expect("seal");
        let chunks = (bytes.len() - MAGIC.len() - STREAM_PREFIX - SUM).div_ceil(CHUNK + TAG);
        assert!(chunks >= 8, "{chunks} chunks");
        assert_eq!(open(&bytes, &key, "f").expect("open"), s);

        // A payload of exactly two chunks: the last chunk is a full one.
        let mut exact = Snapshot::default();
        exact
            .entries
            .push((b"t".to_vec(), Vec::new(), vec![9; 2 * CHUNK - 26]));
        let bytes = seal(&exact, &key).expect("seal");
        assert_eq!(bytes.len(), chunk_at(2) + SUM);
        assert_eq!(open(&bytes, &key, "f").expect("open"), exact);
        // Nothing at all: one empty last chunk.
        let bytes = seal(&Snapshot::default(), &key).expect("seal");
        assert_eq!(bytes.len(), chunk_at(0) + TAG + SUM);
        assert_eq!(open(&bytes, &key, "f").expect("open"), Snapshot::default());
    }

    #[test]
    fn chunks_cut_off_dropped_swapped_repeated_or_changed_are_refused_even_with_a_right_checksum() {
        let key = Key::from_bytes([7; 32]);
        let bytes = seal(&big(3), &key).expect("seal");
        let end = bytes.len() - SUM;
        let chunk = |i: usize| bytes[chunk_at(i)..chunk_at(i + 1)].to_vec();
        let refused = |changed: Vec<u8>, what: &str| {
            // The checksum finds each change without the key...
            assert!(
                matches!(check(&changed, "f"), Err(BackupError::Damaged(_))),
                "{what}: the checksum"
            );
            // ...and the cipher finds it when the checksum was made to match.
            let result = open(&resummed(changed), &key, "f");
            assert!(
                matches!(result, Err(BackupError::Damaged(_))),
                "{what}: {result:?}"
            );
        };
        // Cut at a chunk's end (the one before the last, and one in the middle).
        let last = (end - chunk_at(0)).div_ceil(CHUNK + TAG) - 1;
        for keep in [last, 2] {
            let mut cut = bytes[..chunk_at(keep)].to_vec();
            cut.extend_from_slice(&bytes[end..]);
            refused(cut, &format!("cut after {keep} chunks"));
        }
        // A middle chunk dropped.
        let mut dropped = bytes[..chunk_at(2)].to_vec();
        dropped.extend_from_slice(&bytes[chunk_at(3)..]);
        refused(dropped, "chunk 2 dropped");
        // Two swapped.
        let mut swapped = bytes[..chunk_at(1)].to_vec();
        swapped.extend_from_slice(&chunk(2));
        swapped.extend_from_slice(&chunk(1));
        swapped.extend_from_slice(&bytes[chunk_at(3)..]);
        refused(swapped, "chunks 1 and 2 swapped");
        // One repeated.
        let mut repeated = bytes[..chunk_at(2)].to_vec();
        repeated.extend_from_slice(&chunk(1));
        repeated.extend_from_slice(&bytes[chunk_at(2)..]);
        refused(repeated, "chunk 1 repeated");
        // A byte changed in a middle chunk, and in the last one.
        for at in [chunk_at(2) + 100, end - 3] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            refused(flipped, &format!("byte {at} flipped"));
        }
        // The first chunk changed, or cut off after it, reads as the wrong key (or a changed
        // file: the message says both).
        let mut first = bytes[..chunk_at(1)].to_vec();
        first.extend_from_slice(&bytes[end..]);
        assert!(matches!(
            open(&resummed(first), &key, "f"),
            Err(BackupError::WrongKey(_))
        ));
        // The nonce prefix changed.
        let mut prefix = bytes.clone();
        prefix[MAGIC.len()] ^= 1;
        assert!(matches!(
            open(&resummed(prefix), &key, "f"),
            Err(BackupError::WrongKey(_))
        ));
        // A version-1 magic on a version-2 body.
        let mut relabelled = bytes.clone();
        relabelled[..MAGIC.len()].copy_from_slice(MAGIC_1);
        assert!(open(&resummed(relabelled), &key, "f").is_err());
    }

    #[test]
    fn a_version_1_backup_still_opens_and_restores() {
        let key = Key::from_bytes([7; 32]);
        let v1 = seal_v1(&snap(), &key);
        assert!(v1.starts_with(b"KOKOON-BACKUP-1\n"));
        assert_eq!(open(&v1, &key, "f").expect("open"), snap());
        assert!(matches!(
            open(&v1, &Key::from_bytes([8; 32]), "f"),
            Err(BackupError::WrongKey(_))
        ));
        let mut flipped = v1.clone();
        flipped[40] ^= 1;
        assert!(matches!(
            open(&flipped, &key, "f"),
            Err(BackupError::Damaged(_))
        ));

        let dir = tempfile::tempdir().expect("dir");
        let big = big(2);
        let file = dir.path().join(file_name(Utc::now()));
        std::fs::write(&file, seal_v1(&big, &key)).expect("write");
        let restored = restore(&file, &key, &dir.path().join("data"), None).expect("restore");
        assert_eq!(restored, big);
        assert_eq!(
            std::fs::read(dir.path().join("data").join("ring")).expect("the file beside"),
            big.files[1].1
        );
    }

    #[test]
    fn file_names_carry_their_time_and_prune_keeps_the_newest() {
        let dir = tempfile::tempdir().expect("dir");
        let t0 = DateTime::UNIX_EPOCH + chrono::Duration::days(20_000);
        for i in 0..5 {
            let name = file_name(t0 + chrono::Duration::hours(i));
            assert_eq!(taken_at(&name), Some(t0 + chrono::Duration::hours(i)));
            write_atomically(dir.path(), &name, b"x").expect("write");
        }
        std::fs::write(dir.path().join(".kokoon-x.backup.tmp"), b"partial").expect("tmp");
        std::fs::write(dir.path().join("notes.txt"), b"mine").expect("other");
        assert_eq!(prune(dir.path(), 2).expect("prune"), 3);
        let left: Vec<DateTime<Utc>> = list(dir.path())
            .expect("list")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(
            left,
            vec![
                t0 + chrono::Duration::hours(3),
                t0 + chrono::Duration::hours(4)
            ]
        );
        assert!(!dir.path().join(".kokoon-x.backup.tmp").exists());
        assert!(
            dir.path().join("notes.txt").exists(),
            "other files are left alone"
        );
    }
}
