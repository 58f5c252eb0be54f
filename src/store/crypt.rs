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

use crate::domain::UserId;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;
use zeroize::{Zeroize, Zeroizing};

/// Bytes of a nonce.
const NONCE: usize = 12;
/// Bytes of the Poly1305 tag.
const TAG: usize = 16;
/// Bytes of a user tag.
pub const USER_TAG: usize = 16;

/// HKDF labels: one per derived key. Changing one makes every store unreadable.
const LABEL_AEAD: &[u8] = b"kokoon/v2/value-encryption";
const LABEL_USER: &[u8] = b"kokoon/v2/user-id-hash";
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

/// The derived keys, ready to use. Cheap to share behind an `Arc`.
pub struct Crypt {
    aead: ChaCha20Poly1305,
    user_mac: Hmac<Sha256>,
}

impl Crypt {
    /// Derives the subkeys from the master key.
    #[must_use]
    pub fn new(key: &Key) -> Crypt {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(SALT), key.0.as_ref());
        let mut aead_key = Zeroizing::new([0u8; 32]);
        let mut user_key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 255 × 32, so expanding cannot fail.
        let _ = hk.expand(LABEL_AEAD, aead_key.as_mut());
        let _ = hk.expand(LABEL_USER, user_key.as_mut());
        let aead = ChaCha20Poly1305::new(&(*aead_key).into());
        // HMAC takes a key of any length; 32 bytes is what HMAC-SHA256 is meant to have.
        let user_mac = <Hmac<Sha256> as KeyInit>::new_from_slice(user_key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Crypt { aead, user_mac }
    }

    /// Seals `plain` for `key` in `tree`: a fresh random nonce, then the ciphertext and tag.
    #[must_use]
    pub fn seal(&self, tree: &str, key: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE];
        // The OS generator does not fail on the systems kokoon runs on; should it ever, a
        // nonce from the clock and a counter would be unsafe to fall back on, so stop instead.
        if let Err(e) = getrandom::fill(&mut nonce) {
            panic!("the operating system's random number generator failed: {e}");
        }
        let aad = associated(tree, key);
        let payload = chacha20poly1305::aead::Payload {
            msg: plain,
            aad: &aad,
        };
        // Encryption fails only for inputs of gigabytes; kokoon's values are kilobytes.
        let sealed = self
            .aead
            .encrypt(&nonce.into(), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a value sealed by [`Crypt::seal`] for the same tree and key.
    pub fn open(&self, tree: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Unsealed> {
        if sealed.len() < NONCE + TAG {
            return Err(Unsealed);
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| Unsealed)?;
        let aad = associated(tree, key);
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

    /// Whether a stored key check value was made with this key.
    #[must_use]
    pub fn verify(&self, stored: &[u8]) -> bool {
        self.open("meta", b"keycheck", stored)
            .is_ok_and(|p| p == CHECK_PLAIN)
    }
}

/// The associated data of a value: the tree's name, a zero byte, the value's key.
fn associated(tree: &str, key: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(tree.len() + 1 + key.len());
    aad.extend_from_slice(tree.as_bytes());
    aad.push(0);
    aad.extend_from_slice(key);
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
        assert_eq!(s.len(), NONCE + 5 + TAG);
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
        flipped[NONCE + 1] ^= 1;
        assert_eq!(c.open("users", b"k1", &flipped), Err(Unsealed), "tampered");
        assert_eq!(c.open("users", b"k1", &s[..10]), Err(Unsealed), "truncated");
    }

    #[test]
    fn every_seal_uses_a_new_nonce() {
        let c = Crypt::new(&key(1));
        let a = c.seal("users", b"k", b"same");
        let b = c.seal("users", b"k", b"same");
        assert_ne!(a, b);
        assert_ne!(a[..NONCE], b[..NONCE]);
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
