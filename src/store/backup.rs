//! Online backups: a consistent copy of every tree, written as one encrypted file with a
//! checksum; restore into an empty directory; compaction into a fresh one.
//!
//! **Consistency.** Every change that spans trees goes through [`Store::transaction`], which
//! holds the store's gate for reading; [`Store::snapshot`] holds it for writing while it copies,
//! so a snapshot falls between transactions: a registration is there with its counters, a
//! crossing with its alert. Commits wait while the copy runs (it reads memory-sized data: a
//! municipality's store is megabytes). The few single-key writes outside transactions (an
//! outbox row marked sent, an update's kept replies) are at-least-once bookkeeping: a snapshot
//! that has such a row from just before it was removed sends the message again after a
//! restore, as a crash would.
//!
//! **The file.** `MAGIC ‖ nonce ‖ ChaCha20-Poly1305(payload) ‖ SHA-256(all before)`. The
//! cipher's key is derived from the master key under its own HKDF label, so a backup is no
//! more readable than the store; sealed values inside stay sealed as in the store. The checksum
//! finds a damaged or truncated file without the key; the cipher's tag finds any change with it.
//! The payload is a list of records: a tree entry (tree, key, value) or a file kept beside the
//! store (name, bytes) — see [`BESIDE`].
//!
//! **Never a partial file under the final name.** The file is written to a hidden temporary
//! name in the same directory, synced, renamed, and the directory synced. A kill at any moment
//! leaves at most a `.tmp` file, removed by the next backup.

use super::{Key, Store, StoreError};
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The first bytes of every backup file (format version 1).
const MAGIC: &[u8; 16] = b"KOKOON-BACKUP-1\n";
const NONCE: usize = 12;
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
    #[error(
        "{0}: not a complete kokoon backup (the checksum does not match: truncated or damaged)"
    )]
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

impl Store {
    /// A consistent copy of the whole store and the files beside it ([`BESIDE`], read under
    /// the same gate, so they match the trees). See the module's notes. Blocking: call it from
    /// a blocking thread.
    pub fn snapshot(&self) -> Result<Snapshot, BackupError> {
        let _gate = self
            .gate
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut snap = copy_trees(&self.db)?;
        add_beside(&mut snap, &self.path)?;
        Ok(snap)
    }

    /// The directory the store lives in.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.path
    }
}

fn copy_trees(db: &sled::Db) -> Result<Snapshot, StoreError> {
    let mut snap = Snapshot::default();
    for name in db.tree_names() {
        let tree = db.open_tree(&name)?;
        for item in tree.iter() {
            let (k, v) = item?;
            snap.entries.push((name.to_vec(), k.to_vec(), v.to_vec()));
        }
    }
    Ok(snap)
}

/// Adds the files of [`BESIDE`] found in `data`.
fn add_beside(snap: &mut Snapshot, data: &Path) -> Result<(), BackupError> {
    for name in BESIDE {
        let path = data.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => snap.files.push(((*name).to_owned(), bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
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

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn take<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = input.split_first_chunk::<8>()?;
    let len = usize::try_from(u64::from_be_bytes(*len)).ok()?;
    if rest.len() < len {
        return None;
    }
    let (bytes, rest) = rest.split_at(len);
    *input = rest;
    Some(bytes)
}

/// Encodes and encrypts a snapshot into the bytes of a backup file.
pub fn seal(snap: &Snapshot, key: &Key) -> Result<Vec<u8>, BackupError> {
    let mut payload = Zeroizing::new(Vec::new());
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
    let mut nonce = [0u8; NONCE];
    getrandom::fill(&mut nonce).map_err(|e| BackupError::Io {
        path: "the random number generator".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let sealed = cipher(key)
        .encrypt(
            &nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: &payload,
                aad: MAGIC,
            },
        )
        .map_err(|_| BackupError::Damaged("encryption".into()))?;
    let mut out = Vec::with_capacity(MAGIC.len() + NONCE + sealed.len() + SUM);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    Ok(out)
}

/// Checks the checksum (no key needed); the bytes before it if it matches.
pub fn check(bytes: &[u8], name: &str) -> Result<(), BackupError> {
    let damaged = || BackupError::Damaged(name.to_owned());
    if bytes.len() < MAGIC.len() + NONCE + 16 + SUM || !bytes.starts_with(MAGIC) {
        return Err(damaged());
    }
    let (body, sum) = bytes.split_at(bytes.len() - SUM);
    if Sha256::digest(body).as_slice() != sum {
        return Err(damaged());
    }
    Ok(())
}

/// Checks and decrypts the bytes of a backup file.
pub fn open(bytes: &[u8], key: &Key, name: &str) -> Result<Snapshot, BackupError> {
    check(bytes, name)?;
    let body = &bytes[MAGIC.len()..bytes.len() - SUM];
    let (nonce, sealed) = body.split_at(NONCE);
    let nonce: [u8; NONCE] = nonce
        .try_into()
        .map_err(|_| BackupError::Damaged(name.into()))?;
    let payload = Zeroizing::new(
        cipher(key)
            .decrypt(
                &nonce.into(),
                chacha20poly1305::aead::Payload {
                    msg: sealed,
                    aad: MAGIC,
                },
            )
            .map_err(|_| BackupError::WrongKey(name.to_owned()))?,
    );
    let mut input: &[u8] = &payload;
    let mut snap = Snapshot::default();
    let damaged = || BackupError::Damaged(name.to_owned());
    while let Some((&kind, rest)) = input.split_first() {
        input = rest;
        match kind {
            0 => {
                let tree = take(&mut input).ok_or_else(damaged)?.to_vec();
                let k = take(&mut input).ok_or_else(damaged)?.to_vec();
                let v = take(&mut input).ok_or_else(damaged)?.to_vec();
                snap.entries.push((tree, k, v));
            }
            1 => {
                let file = take(&mut input).ok_or_else(damaged)?;
                let file = String::from_utf8(file.to_vec()).map_err(|_| damaged())?;
                let bytes = take(&mut input).ok_or_else(damaged)?.to_vec();
                snap.files.push((file, bytes));
            }
            2 => {
                let t = take(&mut input).ok_or_else(damaged)?;
                let ms = <[u8; 8]>::try_from(t).map_err(|_| damaged())?;
                snap.taken_at = DateTime::from_timestamp_millis(i64::from_be_bytes(ms));
            }
            _ => return Err(damaged()),
        }
    }
    Ok(snap)
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

/// Writes `bytes` to `dir/name` so that the name never holds a partial file: a temporary file,
/// synced, renamed, and the directory synced.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, BackupError> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(io(&tmp))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(path)
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

/// Takes a consistent snapshot of the running store and writes it to `dir` as one encrypted
/// file named for `now`; then keeps only the newest `keep`. Blocking: call it from a blocking
/// thread. Returns the file.
pub fn backup(
    store: &Store,
    key: &Key,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<PathBuf, BackupError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut snap = store.snapshot()?;
    snap.taken_at = Some(now);
    let bytes = seal(&snap, key)?;
    let path = write_atomically(dir, &file_name(now), &bytes)?;
    prune(dir, keep.max(1))?;
    Ok(path)
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
    let bytes = std::fs::read(file).map_err(io(file))?;
    let mut snap = open(&bytes, key, &file.display().to_string())?;
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
    let mut snap = copy_trees(&db)?;
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
