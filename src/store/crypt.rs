//! Encryption at rest, owned by the store.
//!
//! One 32-byte master [`Key`] lives outside the data directory. Two subkeys are derived from it
//! with HKDF-SHA256 (RFC 5869), each under its own label, so neither use can stand in for the
//! other:
//!
//! - an AEAD key: every value of a tree that holds personal data is sealed with
//!   ChaCha20-Poly1305 (RFC 8439) under a fresh random 96-bit nonce and stored as
//!   `nonce ‖ ciphertext ‖ tag`. The tree's name and the value's key are the associated data,
//!   so a sealed value cannot be moved to another key or tree without failing to open;
//! - a hashing key: wherever a user id is part of a key, it is replaced by HMAC-SHA256 of the id
//!   truncated to 16 bytes ([`Crypt::user_tag`]), so look-ups by user still work but the keys
//!   do not say who. 16 bytes keep collisions out of reach (2⁻⁶⁴ at four billion users).
//!
//! A known constant sealed when the store is created ([`Crypt::check_value`]) tells a wrong key
//! from corrupt data at start, before anything is misread.
//!
//! # Sealed values (schema 3)
//!
//! Every sealed value starts with a recognisable header, so that a scan of the raw files can
//! find them ([`scan_files`]) and so that each names the key it was sealed under:
//!
//! ```text
//! "KKs3" (4) ‖ key id (16) ‖ context (16) ‖ body length (4, big-endian) ‖ nonce (12) ‖ body
//! ```
//!
//! The body is the ChaCha20-Poly1305 ciphertext and tag. The *context* is SHA-256 of the
//! tree's name and the value's key, cut to 16 bytes; the associated data is the key id and the
//! context, so a value moved to another key or tree, or relabelled with another key id, fails to
//! open. Key id zero is the master AEAD key (values shared by many: events, launches, the
//! outbox, counters); any other id names a data key in the [`Keyring`](super::keyring::Keyring)
//! — one per person, one per registration or feedback, later one per shared family. Destroying
//! a data key makes every copy of every value sealed under it unreadable, wherever sled's log
//! still keeps one: that is what erasure means on disk.

use crate::domain::UserId;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::{Zeroize, Zeroizing};

/// Bytes of a nonce.
const NONCE: usize = 12;
/// Bytes of the Poly1305 tag.
const TAG: usize = 16;
/// Bytes of a user tag.
pub const USER_TAG: usize = 16;

/// The first bytes of every sealed value (schema 3).
pub const MAGIC: [u8; 4] = *b"KKs3";
/// Bytes of a key id.
pub const KEY_ID: usize = 16;
/// Bytes of a value's context.
const CONTEXT: usize = 16;
/// Bytes before the body: magic, key id, context, body length, nonce.
pub const HEADER: usize = 4 + KEY_ID + CONTEXT + 4 + NONCE;

/// Which key a value is sealed under: zero for the master key, otherwise a data key's id.
pub type KeyId = [u8; KEY_ID];
/// The key id of the master AEAD key.
pub const MASTER_ID: KeyId = [0; KEY_ID];

/// HKDF labels: one per derived key. Changing one makes every store unreadable.
const LABEL_AEAD: &[u8] = b"kokoon/v2/value-encryption";
const LABEL_USER: &[u8] = b"kokoon/v2/user-id-hash";
/// The key that seals the keyring's entries.
const LABEL_RING: &[u8] = b"kokoon/v3/keyring";
/// The key that seals the erasure list.
const LABEL_ERASURES: &[u8] = b"kokoon/v3/erasure-list";
/// HKDF salt: fixed (the master key is already uniformly random; RFC 5869 §3.1).
const SALT: &[u8] = b"kokoon";
/// What [`Crypt::check_value`] seals.
const CHECK_PLAIN: &[u8] = b"kokoon key check";

/// The master key: 32 random bytes. Never printed (its `Debug` says only `Key(..)`) and wiped
/// from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

/// Why a key could not be made, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The operating system's random source failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    /// The text is not 64 hexadecimal characters.
    #[error("{0} is not a key: expected 64 hexadecimal characters (32 bytes), as `kokoon keygen` writes")]
    Format(String),
    /// Reading or writing the key file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// `keygen` will not replace an existing key: the data it protects would be lost.
    #[error("{0} already exists; kokoon keygen never overwrites a key (the data encrypted with it would become unreadable)")]
    Exists(String),
}

impl Key {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Key, KeyError> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Key(k))
    }

    /// A key from its 32 bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(Zeroizing::new(bytes))
    }

    /// Parses 64 hexadecimal characters (surrounding whitespace is ignored). `what` names the
    /// source in the error, never the text itself.
    pub fn from_hex(text: &str, what: &str) -> Result<Key, KeyError> {
        let t = text.trim().as_bytes();
        let bad = || KeyError::Format(what.to_owned());
        if t.len() != 64 {
            return Err(bad());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        for (i, pair) in t.chunks_exact(2).enumerate() {
            let hi = hex_digit(pair[0]).ok_or_else(bad)?;
            let lo = hex_digit(pair[1]).ok_or_else(bad)?;
            k[i] = hi << 4 | lo;
        }
        Ok(Key(k))
    }

    /// The key's bytes, for deriving subkeys inside the store (backups).
    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as 64 lowercase hexadecimal characters.
    #[must_use]
    pub fn to_hex(&self) -> Zeroizing<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = Zeroizing::new(String::with_capacity(64));
        for b in self.0.iter() {
            s.push(char::from(DIGITS[usize::from(b >> 4)]));
            s.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        s
    }

    /// Reads a key file: 64 hexadecimal characters (what `keygen` writes, with or without a
    /// final newline), or exactly 32 raw bytes (`head -c 32 /dev/urandom > FILE`).
    pub fn load(path: &Path) -> Result<Key, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut bytes = Zeroizing::new(std::fs::read(path).map_err(io)?);
        if let Ok(raw) = <[u8; 32]>::try_from(bytes.as_slice()) {
            let key = Key::from_bytes(raw);
            bytes.zeroize();
            return Ok(key);
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| KeyError::Format(path.display().to_string()))?;
        Key::from_hex(text, &path.display().to_string())
    }

    /// Writes a new random key to `path` as hex, readable by the owner only (0600), and
    /// returns it. Refuses to replace an existing file.
    pub fn create_file(path: &Path) -> Result<Key, KeyError> {
        use std::io::Write;
        let key = Key::generate()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::Exists(path.display().to_string())
            } else {
                KeyError::Io {
                    path: path.display().to_string(),
                    source,
                }
            }
        })?;
        let mut text = key.to_hex();
        text.push('\n');
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::Io {
                path: path.display().to_string(),
                source,
            })?;
        Ok(key)
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A sealed value did not open: the wrong key, or a value that was changed or moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsealed;

/// What opening a sealed value found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The plain text.
    Plain(Vec<u8>),
    /// The value was sealed under a data key that has been destroyed: it is erased.
    Erased,
}

/// A sealed value's parts, as read from its header.
#[derive(Debug, Clone, Copy)]
pub struct Parsed<'a> {
    /// The key it was sealed under.
    pub id: KeyId,
    context: [u8; CONTEXT],
    nonce: [u8; NONCE],
    body: &'a [u8],
}

impl Parsed<'_> {
    /// Bytes of the whole sealed value, header included.
    #[must_use]
    pub(super) fn len(&self) -> usize {
        HEADER + self.body.len()
    }
}

/// Reads a sealed value's header at the start of `bytes`; `None` if it is not one (or is cut
/// short). Bytes after the value are ignored (see [`Parsed::len`]).
#[must_use]
pub fn parse(bytes: &[u8]) -> Option<Parsed<'_>> {
    if bytes.len() < HEADER + TAG || bytes[..4] != MAGIC {
        return None;
    }
    let id: KeyId = bytes[4..20].try_into().ok()?;
    let context: [u8; CONTEXT] = bytes[20..36].try_into().ok()?;
    let len = usize::try_from(u32::from_be_bytes(bytes[36..40].try_into().ok()?)).ok()?;
    let nonce: [u8; NONCE] = bytes[40..HEADER].try_into().ok()?;
    if len < TAG {
        return None;
    }
    let body = bytes.get(HEADER..HEADER.checked_add(len)?)?;
    Some(Parsed {
        id,
        context,
        nonce,
        body,
    })
}

/// Seals `plain` under `cipher`, whose id is `id`, for `key` in `tree`.
fn seal_with(
    cipher: &ChaCha20Poly1305,
    id: KeyId,
    tree: &str,
    key: &[u8],
    plain: &[u8],
) -> Vec<u8> {
    let nonce = random_nonce();
    let context = context(tree, key);
    let aad = associated(&id, &context);
    let payload = chacha20poly1305::aead::Payload {
        msg: plain,
        aad: &aad,
    };
    // Encryption fails only for inputs of gigabytes; kokoon's values are kilobytes.
    let body = cipher.encrypt(&nonce.into(), payload).unwrap_or_default();
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&id);
    out.extend_from_slice(&context);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out
}

/// Opens a parsed value with `cipher`, trusting the context in its header (the caller checked
/// it, or is a scan that does not know the tree and key).
fn open_parsed(cipher: &ChaCha20Poly1305, p: &Parsed<'_>) -> Result<Vec<u8>, Unsealed> {
    let aad = associated(&p.id, &p.context);
    cipher
        .decrypt(
            &p.nonce.into(),
            chacha20poly1305::aead::Payload {
                msg: p.body,
                aad: &aad,
            },
        )
        .map_err(|_| Unsealed)
}

/// A fresh random nonce.
pub(super) fn random_nonce() -> [u8; NONCE] {
    let mut nonce = [0u8; NONCE];
    // The OS generator does not fail on the systems kokoon runs on; should it ever, a
    // nonce from the clock and a counter would be unsafe to fall back on, so stop instead.
    if let Err(e) = getrandom::fill(&mut nonce) {
        panic!("the operating system's random number generator failed: {e}");
    }
    nonce
}

/// The derived keys and the keyring, ready to use. Cheap to share behind an `Arc`.
pub struct Crypt {
    aead: ChaCha20Poly1305,
    user_mac: Hmac<Sha256>,
    /// The key that seals the keyring's entries.
    pub(super) ring_key: ChaCha20Poly1305,
    /// The key that seals the erasure list.
    pub(super) erasures_key: ChaCha20Poly1305,
    /// The data keys.
    pub(super) ring: super::keyring::Keyring,
}

/// Derives one 32-byte subkey of the master key.
fn derive(key: &Key, label: &[u8]) -> Zeroizing<[u8; 32]> {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(SALT), key.0.as_ref());
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit of 255 × 32, so expanding cannot fail.
    let _ = hk.expand(label, out.as_mut());
    out
}

/// The key of the user-tag hash derived from a master key: what a store keeps (sealed) when
/// its master key is rotated, so that its user tags stay the same ([`super::rekey`]).
pub(super) fn user_key(key: &Key) -> Zeroizing<[u8; 32]> {
    derive(key, LABEL_USER)
}

impl Crypt {
    /// Hashes user ids with `key` (a tag key kept from an earlier master key) instead of the
    /// one derived from the current master key.
    pub(super) fn use_tag_key(&mut self, key: &[u8]) {
        self.user_mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    }

    /// Derives the subkeys from the master key, with an empty keyring kept in memory only
    /// (tests and tools; a store opens its keyring file with [`Crypt::with_ring`]).
    #[must_use]
    pub fn new(key: &Key) -> Crypt {
        Crypt::with_ring(key, super::keyring::Keyring::in_memory())
    }

    /// Derives the subkeys from the master key and takes the store's keyring.
    #[must_use]
    pub fn with_ring(key: &Key, ring: super::keyring::Keyring) -> Crypt {
        let aead = ChaCha20Poly1305::new(&(*derive(key, LABEL_AEAD)).into());
        // HMAC takes a key of any length; 32 bytes is what HMAC-SHA256 is meant to have.
        let user_mac = <Hmac<Sha256> as KeyInit>::new_from_slice(derive(key, LABEL_USER).as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Crypt {
            aead,
            user_mac,
            ring_key: ChaCha20Poly1305::new(&(*derive(key, LABEL_RING)).into()),
            erasures_key: ChaCha20Poly1305::new(&(*derive(key, LABEL_ERASURES)).into()),
            ring,
        }
    }

    /// Seals `plain` for `key` in `tree` under the master key.
    #[must_use]
    pub fn seal(&self, tree: &str, key: &[u8], plain: &[u8]) -> Vec<u8> {
        seal_with(&self.aead, MASTER_ID, tree, key, plain)
    }

    /// Seals `plain` for `key` in `tree` under `owner`'s data key, made (and written to the
    /// keyring durably) if it has none yet.
    pub fn seal_for(
        &self,
        owner: &super::keyring::Owner,
        tree: &str,
        key: &[u8],
        plain: &[u8],
    ) -> Result<Vec<u8>, super::keyring::RingError> {
        let (id, cipher) = self.ring.ensure(owner, &self.ring_key)?;
        Ok(seal_with(&cipher, id, tree, key, plain))
    }

    /// Seals `plain` under the key `old` (a sealed value) was sealed under; `None` if that key
    /// is destroyed or `old` is not a sealed value.
    #[must_use]
    pub fn reseal_like(&self, old: &[u8], tree: &str, key: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
        let id = parse(old)?.id;
        if id == MASTER_ID {
            return Some(self.seal(tree, key, plain));
        }
        let cipher = self.ring.cipher_for_sealing(&id)?;
        Some(seal_with(&cipher, id, tree, key, plain))
    }

    /// Opens a value sealed by [`Crypt::seal`] or [`Crypt::seal_for`] for the same tree and
    /// key. A value whose data key was destroyed is [`Opened::Erased`].
    pub fn open_checked(&self, tree: &str, key: &[u8], sealed: &[u8]) -> Result<Opened, Unsealed> {
        let p = parse(sealed).ok_or(Unsealed)?;
        if p.len() != sealed.len() || p.context != context(tree, key) {
            return Err(Unsealed);
        }
        self.open_one(&p)
    }

    /// Opens a parsed value (its context already checked, or unknown to a scan).
    fn open_one(&self, p: &Parsed<'_>) -> Result<Opened, Unsealed> {
        if p.id == MASTER_ID {
            return open_parsed(&self.aead, p).map(Opened::Plain);
        }
        match self.ring.cipher(&p.id) {
            Some(cipher) => open_parsed(&cipher, p).map(Opened::Plain),
            None => Ok(Opened::Erased),
        }
    }

    /// Opens a value; a destroyed key reads as [`Unsealed`] here.
    pub fn open(&self, tree: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unsealed> {
        match self.open_checked(tree, key, sealed)? {
            Opened::Plain(p) => Ok(p),
            Opened::Erased => Err(Unsealed),
        }
    }

    /// Opens a value sealed by schema 2 (no header, master key only): for the migration.
    pub fn open_v2(&self, tree: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unsealed> {
        if sealed.len() < NONCE + TAG {
            return Err(Unsealed);
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| Unsealed)?;
        let mut aad = Vec::with_capacity(tree.len() + 1 + key.len());
        aad.extend_from_slice(tree.as_bytes());
        aad.push(0);
        aad.extend_from_slice(key);
        self.aead
            .decrypt(
                &nonce.into(),
                chacha20poly1305::aead::Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| Unsealed)
    }

    /// Seals as schema 2 did (for the migration's tests).
    #[cfg(test)]
    pub(super) fn seal_v2(&self, tree: &str, key: &[u8], plain: &[u8]) -> Vec<u8> {
        let nonce = random_nonce();
        let mut aad = tree.as_bytes().to_vec();
        aad.push(0);
        aad.extend_from_slice(key);
        let mut out = nonce.to_vec();
        out.extend_from_slice(
            &self
                .aead
                .encrypt(
                    &nonce.into(),
                    chacha20poly1305::aead::Payload {
                        msg: plain,
                        aad: &aad,
                    },
                )
                .unwrap_or_default(),
        );
        out
    }

    /// The keyed hash that stands for a user id in keys.
    #[must_use]
    pub fn user_tag(&self, user: UserId) -> [u8; USER_TAG] {
        let mut mac = self.user_mac.clone();
        mac.update(&user.0.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; USER_TAG];
        tag.copy_from_slice(&full[..USER_TAG]);
        tag
    }

    /// The key check value stored in `meta` when a store is created.
    #[must_use]
    pub fn check_value(&self) -> Vec<u8> {
        self.seal("meta", b"keycheck", CHECK_PLAIN)
    }

    /// Whether a stored key check value was made with this key (either schema's format).
    #[must_use]
    pub fn verify(&self, stored: &[u8]) -> bool {
        self.open("meta", b"keycheck", stored)
            .or_else(|_| self.open_v2("meta", b"keycheck", stored))
            .is_ok_and(|p| p == CHECK_PLAIN)
    }

    /// Every sealed value found anywhere in `bytes` that opens with the master key or a data
    /// key of the keyring, as plain text; and how many sealed values were found whose key is
    /// gone (erased).
    #[must_use]
    pub fn scan(&self, bytes: &[u8]) -> (Vec<Vec<u8>>, usize) {
        let mut found = Vec::new();
        let mut erased = 0;
        let mut at = 0;
        while let Some(i) = find(&bytes[at..], &MAGIC) {
            let start = at + i;
            at = start + 1;
            let Some(p) = parse(&bytes[start..]) else {
                continue;
            };
            match self.open_one(&p) {
                Ok(Opened::Plain(plain)) => found.push(plain),
                Ok(Opened::Erased) => erased += 1,
                Err(Unsealed) => {}
            }
        }
        (found, erased)
    }
}

/// What a scan of a data directory's raw files found ([`scan_files`]).
#[derive(Debug, Default)]
pub struct Scan {
    /// The plain text of every sealed value that still opens, wherever it lies in the files
    /// (current or superseded copies in sled's log alike).
    pub readable: Vec<Vec<u8>>,
    /// Sealed values found whose data key is gone.
    pub erased: usize,
    /// How many bytes were read.
    pub bytes: usize,
}

/// Reads every file of a data directory (sled's log and snapshots; the keyring and the erasure
/// list themselves excepted) and opens every sealed value in it that the master key and the
/// keyring still open: what someone holding the key and a copy of the directory could read.
pub fn scan_files(dir: &Path, crypt: &Crypt) -> std::io::Result<Scan> {
    let mut scan = Scan::default();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            // The control socket of a running (or killed) kokoon is no file to read.
            if !path.is_file() {
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with(super::keyring::FILE) || name.starts_with(super::erasures::FILE) {
                continue;
            }
            let bytes = std::fs::read(&path)?;
            scan.bytes += bytes.len();
            let (readable, erased) = crypt.scan(&bytes);
            scan.readable.extend(readable);
            scan.erased += erased;
        }
    }
    Ok(scan)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A value's context: SHA-256 of the tree's name, a zero byte and the value's key, cut short.
fn context(tree: &str, key: &[u8]) -> [u8; CONTEXT] {
    let mut h = Sha256::new();
    h.update(b"kokoon/v3/context\0");
    h.update(tree.as_bytes());
    h.update([0]);
    h.update(key);
    let full = h.finalize();
    let mut out = [0u8; CONTEXT];
    out.copy_from_slice(&full[..CONTEXT]);
    out
}

/// The associated data of a value: its key id and context.
fn associated(id: &KeyId, context: &[u8; CONTEXT]) -> [u8; KEY_ID + CONTEXT] {
    let mut aad = [0u8; KEY_ID + CONTEXT];
    aad[..KEY_ID].copy_from_slice(id);
    aad[KEY_ID..].copy_from_slice(context);
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Key {
        Key::from_bytes([b; 32])
    }

    #[test]
    fn a_sealed_value_opens_with_the_same_key_tree_and_key_only() {
        let c = Crypt::new(&key(1));
        let s = c.seal("users", b"k1", b"Maija");
        assert_eq!(c.open("users", b"k1", &s), Ok(b"Maija".to_vec()));
        assert_eq!(s.len(), HEADER + 5 + TAG);
        assert!(s.starts_with(&MAGIC), "a recognisable header");
        assert_eq!(s[4..20], MASTER_ID, "names the master key");
        assert!(!s.windows(5).any(|w| w == b"Maija"));
        assert_eq!(
            c.open("users", b"k2", &s),
            Err(Unsealed),
            "moved to another key"
        );
        assert_eq!(
            c.open("events", b"k1", &s),
            Err(Unsealed),
            "moved to another tree"
        );
        assert_eq!(
            Crypt::new(&key(2)).open("users", b"k1", &s),
            Err(Unsealed),
            "another key"
        );
        let mut flipped = s.clone();
        flipped[HEADER + 1] ^= 1;
        assert_eq!(c.open("users", b"k1", &flipped), Err(Unsealed), "tampered");
        assert_eq!(c.open("users", b"k1", &s[..10]), Err(Unsealed), "truncated");
        let mut relabelled = s.clone();
        relabelled[4] ^= 1;
        assert_eq!(
            c.open("users", b"k1", &relabelled),
            Err(Unsealed),
            "another key id"
        );
    }

    #[test]
    fn a_value_under_a_data_key_opens_until_the_key_is_destroyed_and_a_scan_finds_it() {
        let c = Crypt::new(&key(1));
        let owner = super::super::keyring::Owner::person(&[3; 16]);
        let s = c.seal_for(&owner, "users", b"k", b"Maija").expect("sealed");
        assert_ne!(s[4..20], MASTER_ID);
        assert_eq!(c.open("users", b"k", &s), Ok(b"Maija".to_vec()));
        let mut file = b"sled log bytes".to_vec();
        file.extend_from_slice(&s);
        file.extend_from_slice(&c.seal("events", b"e", b"shared"));
        file.extend_from_slice(b"KKs3 but not a value");
        let (found, erased) = c.scan(&file);
        assert_eq!(
            (found, erased),
            (vec![b"Maija".to_vec(), b"shared".to_vec()], 0)
        );
        c.ring.destroy(&[owner], &c.ring_key).expect("destroyed");
        assert_eq!(c.open_checked("users", b"k", &s), Ok(Opened::Erased));
        assert_eq!(c.scan(&file), (vec![b"shared".to_vec()], 1));
    }

    #[test]
    fn every_seal_uses_a_new_nonce() {
        let c = Crypt::new(&key(1));
        let a = c.seal("users", b"k", b"same");
        let b = c.seal("users", b"k", b"same");
        assert_ne!(a, b);
        assert_ne!(a[40..HEADER], b[40..HEADER]);
    }

    #[test]
    fn user_tags_are_keyed_stable_and_distinct() {
        let c = Crypt::new(&key(1));
        let t = c.user_tag(UserId(42));
        assert_eq!(t, c.user_tag(UserId(42)));
        assert_ne!(t, c.user_tag(UserId(43)));
        assert_ne!(t, Crypt::new(&key(2)).user_tag(UserId(42)));
        assert!(!t.windows(8).any(|w| w == 42u64.to_be_bytes()));
    }

    #[test]
    fn the_check_value_tells_the_right_key() {
        let c = Crypt::new(&key(1));
        let v = c.check_value();
        assert!(c.verify(&v));
        assert!(!Crypt::new(&key(2)).verify(&v));
        assert!(!c.verify(b"garbage"));
    }

    #[test]
    fn hex_round_trips_and_bad_text_is_refused_without_echoing_it() {
        let k = Key::generate().expect("random");
        let hex = k.to_hex();
        assert_eq!(hex.len(), 64);
        let back = Key::from_hex(&format!("  {}\n", hex.as_str()), "test").expect("parses");
        assert_eq!(back.0.as_ref(), k.0.as_ref());
        let upper = Key::from_hex(&hex.to_uppercase(), "test").expect("upper case parses");
        assert_eq!(upper.0.as_ref(), k.0.as_ref());
        for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"0".repeat(66)] {
            let e = Key::from_hex(bad, "KOKOON_KEY").expect_err("refused");
            assert!(e.to_string().starts_with("KOKOON_KEY is not a key"), "{e}");
        }
        assert_eq!(format!("{k:?}"), "Key(..)");
    }

    #[test]
    fn a_key_file_is_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k.key");
        let k = Key::create_file(&path).expect("created");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.trim_end(), k.to_hex().as_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            Key::load(&path).expect("loads").0.as_ref(),
            k.0.as_ref(),
            "hex file"
        );
        match Key::create_file(&path) {
            Err(KeyError::Exists(_)) => {}
            other => panic!("expected Exists, got {other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            text,
            "not overwritten"
        );
        let raw = dir.path().join("raw.key");
        std::fs::write(&raw, [7u8; 32]).expect("write");
        assert_eq!(Key::load(&raw).expect("raw").0.as_ref(), &[7u8; 32]);
        std::fs::write(&raw, b"not a key").expect("write");
        assert!(matches!(Key::load(&raw), Err(KeyError::Format(_))));
    }
}
