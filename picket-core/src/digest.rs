//! SHA-256 key digests and their constant-time comparison.
//!
//! A server stores the [`KeyDigest`] of each key, never the key. Digests are compared only
//! in constant time, on fixed-size values.

use core::fmt;
use core::str::FromStr;

use sha2::{Digest as _, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use thiserror::Error;

use crate::ct::ct_eq_32;
use crate::key::{ApiKey, KEY_LEN};

/// Length in bytes of a digest.
pub const DIGEST_LEN: usize = 32;
/// Length of a digest's lowercase hexadecimal form.
pub const DIGEST_HEX_LEN: usize = 64;

/// The SHA-256 digest of a key's ASCII text: what a database stores instead of the key.
///
/// `==` on digests is constant time. `Debug` and `Display` print the 64-digit lowercase
/// hex form (a digest reveals nothing usable about the key).
///
/// # Examples
/// ```
/// use picket_core::{ApiKey, KeyDigest};
/// let key = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
/// let stored = KeyDigest::of(&key).to_hex();
/// let loaded: KeyDigest = stored.parse()?;
/// assert!(loaded.verify(&key));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct KeyDigest([u8; DIGEST_LEN]);

/// Why a string is not a valid hexadecimal digest.
///
/// ```
/// use picket_core::{DigestError, KeyDigest};
/// assert_eq!(KeyDigest::from_hex(b"00").unwrap_err(), DigestError::WrongLength { found: 2 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The hex text is not 64 characters long.
    #[error("digest must be 64 hex digits, found {found} characters")]
    WrongLength {
        /// How many bytes were given.
        found: usize,
    },
    /// A character is not a lowercase hex digit.
    #[error("digest has a character that is not a lowercase hex digit at position {position}")]
    InvalidCharacter {
        /// Zero-based byte offset.
        position: usize,
    },
}

impl KeyDigest {
    /// SHA-256 of the key's 35-byte text.
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// let d = picket_core::KeyDigest::of(&key);
    /// assert_eq!(d.as_bytes().len(), 32);
    /// ```
    pub fn of(key: &ApiKey) -> KeyDigest {
        KeyDigest::of_text(key.as_bytes())
    }

    /// The digest of a key's text.
    #[inline]
    pub(crate) fn of_text(text: &[u8; KEY_LEN]) -> KeyDigest {
        KeyDigest(Sha256::digest(text).into())
    }

    /// Wraps 32 raw digest bytes (as read from a `BYTEA`/`BLOB` column).
    ///
    /// ```
    /// let d = picket_core::KeyDigest::from_bytes([7; 32]);
    /// assert_eq!(d.as_bytes(), &[7; 32]);
    /// ```
    pub const fn from_bytes(bytes: [u8; DIGEST_LEN]) -> KeyDigest {
        KeyDigest(bytes)
    }

    /// The raw 32 bytes.
    ///
    /// ```
    /// assert_eq!(picket_core::KeyDigest::from_bytes([0; 32]).as_bytes(), &[0; 32]);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; DIGEST_LEN] {
        &self.0
    }

    /// Parses the 64-digit lowercase hex form. Uppercase is refused: a stored digest has one
    /// spelling, like a key.
    ///
    /// # Errors
    /// [`DigestError::WrongLength`] or [`DigestError::InvalidCharacter`].
    ///
    /// ```
    /// use picket_core::{DigestError, KeyDigest};
    /// let hex = "ab".repeat(32);
    /// assert_eq!(KeyDigest::from_hex(hex.as_bytes()).unwrap().as_bytes(), &[0xab; 32]);
    /// assert_eq!(
    ///     KeyDigest::from_hex("AB".repeat(32).as_bytes()).unwrap_err(),
    ///     DigestError::InvalidCharacter { position: 0 }
    /// );
    /// ```
    pub fn from_hex(hex_text: &[u8]) -> Result<KeyDigest, DigestError> {
        if hex_text.len() != DIGEST_HEX_LEN {
            return Err(DigestError::WrongLength {
                found: hex_text.len(),
            });
        }
        if let Some(position) = hex_text
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(DigestError::InvalidCharacter { position });
        }
        let mut out = [0u8; DIGEST_LEN];
        hex::decode_to_slice(hex_text, &mut out)
            .map_err(|_| DigestError::InvalidCharacter { position: 0 })?;
        Ok(KeyDigest(out))
    }

    /// The 64-digit lowercase hex form, without allocating.
    ///
    /// ```
    /// let d = picket_core::KeyDigest::from_bytes([0xff; 32]);
    /// assert_eq!(&d.to_hex_bytes()[..4], b"ffff");
    /// ```
    pub fn to_hex_bytes(&self) -> [u8; DIGEST_HEX_LEN] {
        let mut out = [0u8; DIGEST_HEX_LEN];
        // Fixed lengths: the encoding cannot fail.
        let encoded = hex::encode_to_slice(self.0, &mut out);
        debug_assert!(encoded.is_ok());
        out
    }

    /// The 64-digit lowercase hex form, for storage.
    ///
    /// ```
    /// let d = picket_core::KeyDigest::from_bytes([0x0f; 32]);
    /// assert_eq!(d.to_hex(), "0f".repeat(32));
    /// ```
    pub fn to_hex(&self) -> String {
        String::from_utf8_lossy(&self.to_hex_bytes()).into_owned()
    }

    /// Constant-time equality.
    ///
    /// The 32 bytes are folded into one 64-bit word (XOR, then OR of the four words) and
    /// only that word goes through `subtle`'s optimisation barrier: one barrier rather than
    /// one per byte, and no branch on the data.
    ///
    /// ```
    /// use picket_core::KeyDigest;
    /// let a = KeyDigest::from_bytes([1; 32]);
    /// assert!(bool::from(a.ct_eq(&KeyDigest::from_bytes([1; 32]))));
    /// assert!(!bool::from(a.ct_eq(&KeyDigest::from_bytes([2; 32]))));
    /// ```
    #[inline]
    pub fn ct_eq(&self, other: &KeyDigest) -> Choice {
        ct_eq_32(&self.0, &other.0)
    }

    /// Whether `key` is the key this digest was made from. Hashes the key, then compares in
    /// constant time.
    ///
    /// ```
    /// use picket_core::{ApiKey, KeyDigest};
    /// let key = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// let other = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8855").unwrap();
    /// assert!(key.digest().verify(&key));
    /// assert!(!key.digest().verify(&other));
    /// ```
    pub fn verify(&self, key: &ApiKey) -> bool {
        bool::from(KeyDigest::of(key).ct_eq(self))
    }
}

/// Checks one key against several stored digests (key rolling: the old and the new key are
/// both valid for a while).
///
/// Every digest is compared, whatever the outcome of the others; no early exit. Returns the
/// index of the matching digest (the last one if several are equal).
///
/// # Examples
/// ```
/// use picket_core::{verify_any, ApiKey, KeyDigest};
/// let old = ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24").unwrap();
/// let new = ApiKey::parse(b"sk_00000000000000000000000000000001").unwrap();
/// let stored = [old.digest(), new.digest()];
/// assert_eq!(verify_any(&new, &stored), Some(1));
/// assert_eq!(verify_any(&ApiKey::parse(b"sk_00000000000000000000000000000002").unwrap(), &stored), None);
/// ```
pub fn verify_any(key: &ApiKey, stored: &[KeyDigest]) -> Option<usize> {
    let presented = KeyDigest::of(key);
    let mut found = Choice::from(0);
    let mut index = 0u64;
    for (i, d) in stored.iter().enumerate() {
        let eq = presented.ct_eq(d);
        index = u64::conditional_select(&index, &(i as u64), eq);
        found |= eq;
    }
    if bool::from(found) {
        Some(index as usize)
    } else {
        None
    }
}

impl ApiKey {
    /// The SHA-256 digest of the key's text, as stored in a database. (Defined here, with
    /// the digest, so that `key.rs` does not depend on `digest.rs`.)
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// assert_eq!(key.digest(), picket_core::KeyDigest::of(&key));
    /// ```
    pub fn digest(&self) -> KeyDigest {
        KeyDigest::of(self)
    }
}

impl PartialEq for KeyDigest {
    /// Constant time: see [`KeyDigest::ct_eq`].
    fn eq(&self, other: &KeyDigest) -> bool {
        bool::from(self.ct_eq(other))
    }
}

impl Eq for KeyDigest {}

impl core::hash::Hash for KeyDigest {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl ConstantTimeEq for KeyDigest {
    fn ct_eq(&self, other: &KeyDigest) -> Choice {
        KeyDigest::ct_eq(self, other)
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyDigest({self})")
    }
}

impl fmt::Display for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(core::str::from_utf8(&self.to_hex_bytes()).unwrap_or(""))
    }
}

impl FromStr for KeyDigest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<KeyDigest, DigestError> {
        KeyDigest::from_hex(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // sha256("pk_d9960d04426c1e9f3941bec7e39c8854"), computed independently with coreutils.
        let key = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
        assert_eq!(
            key.digest().to_hex(),
            "ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3"
        );
    }

    #[test]
    fn ct_eq_sees_every_byte() {
        let base = KeyDigest::from_bytes([0x5a; 32]);
        for i in 0..32 {
            for bit in 0..8 {
                let mut b = [0x5a; 32];
                b[i] ^= 1 << bit;
                assert!(
                    !bool::from(base.ct_eq(&KeyDigest::from_bytes(b))),
                    "{i}/{bit}"
                );
            }
        }
        assert!(bool::from(base.ct_eq(&KeyDigest::from_bytes([0x5a; 32]))));
    }

    #[test]
    fn hex_round_trip_and_errors() {
        let d = KeyDigest::from_bytes(core::array::from_fn(|i| i as u8 * 7));
        assert_eq!(KeyDigest::from_hex(d.to_hex().as_bytes()).unwrap(), d);
        assert_eq!(
            KeyDigest::from_hex(&[b'0'; 63]).unwrap_err(),
            DigestError::WrongLength { found: 63 }
        );
        let mut bad = [b'0'; 64];
        bad[40] = b'g';
        assert_eq!(
            KeyDigest::from_hex(&bad).unwrap_err(),
            DigestError::InvalidCharacter { position: 40 }
        );
    }

    #[test]
    fn verify_any_checks_all() {
        let k = |s: &[u8]| ApiKey::parse(s).unwrap();
        let a = k(b"sk_00000000000000000000000000000001");
        let b = k(b"sk_00000000000000000000000000000002");
        let c = k(b"sk_00000000000000000000000000000003");
        let stored = [a.digest(), b.digest()];
        assert_eq!(verify_any(&a, &stored), Some(0));
        assert_eq!(verify_any(&b, &stored), Some(1));
        assert_eq!(verify_any(&c, &stored), None);
        assert_eq!(verify_any(&c, &[]), None);
    }
}
