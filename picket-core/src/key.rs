//! API keys: parsing, classification, formatting and redaction.
//!
//! A key is `pk_` (publishable) or `sk_` (secret) followed by exactly 32 lowercase
//! hexadecimal digits (128 bits). A key has exactly one spelling: parsing never trims
//! and never folds case.

use core::fmt;
use core::str::FromStr;

use thiserror::Error;
use zeroize::Zeroize;

use crate::ct::lower_hex_flags;

/// Length in bytes of a key's text: a 3-byte prefix and 32 hex digits.
pub const KEY_LEN: usize = 35;
/// Number of hex digits in a key's body.
pub const KEY_HEX_DIGITS: usize = 32;
/// Number of random bytes a key encodes.
pub const KEY_RANDOM_BYTES: usize = 16;
/// Length in bytes of [`ApiKey::redacted`]'s output for any key (`sk_…9e24`; `…` is 3 bytes).
pub const REDACTED_LEN: usize = 10;

const PREFIX_LEN: usize = 3;

/// The two kinds of API key a project has.
///
/// # Examples
/// ```
/// use picket_core::KeyKind;
/// assert_eq!(KeyKind::Secret.prefix(), "sk_");
/// assert_eq!(KeyKind::Publishable.to_string(), "publishable");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum KeyKind {
    /// `pk_`: used client-side, by a browser SDK; safe to expose.
    Publishable = 1,
    /// `sk_`: used server-side only; must be kept secret.
    Secret = 2,
}

impl KeyKind {
    /// The three-byte prefix keys of this kind start with.
    ///
    /// ```
    /// assert_eq!(picket_core::KeyKind::Publishable.prefix(), "pk_");
    /// ```
    pub const fn prefix(self) -> &'static str {
        match self {
            KeyKind::Publishable => "pk_",
            KeyKind::Secret => "sk_",
        }
    }

    /// The lowercase name of the kind, as used in vectors and messages.
    ///
    /// ```
    /// assert_eq!(picket_core::KeyKind::Secret.name(), "secret");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            KeyKind::Publishable => "publishable",
            KeyKind::Secret => "secret",
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a string is not a well-formed API key.
///
/// Messages name the rule that was broken and never contain the key.
///
/// # Examples
/// ```
/// use picket_core::{ApiKey, KeyError};
/// let err = ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24\n").unwrap_err();
/// assert_eq!(err, KeyError::SurroundingWhitespace);
/// assert_eq!(err.code(), 104);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input was empty.
    #[error("api key is empty")]
    Empty,
    /// The input does not start with `pk_` or `sk_`.
    #[error("api key has an unknown prefix: expected \"pk_\" or \"sk_\"")]
    UnknownPrefix,
    /// The body after the prefix is not 32 characters long.
    #[error("api key must have 32 hex digits after the prefix, found {found} characters")]
    WrongLength {
        /// How many bytes follow the prefix.
        found: usize,
    },
    /// The input starts or ends with whitespace (a trailing newline from `echo` or a `.env` file).
    #[error("api key has leading or trailing whitespace (a trailing newline?): remove it")]
    SurroundingWhitespace,
    /// A byte of the body is not a hexadecimal digit.
    #[error("api key has a non-hex character at position {position}")]
    NonHex {
        /// Zero-based byte offset in the whole input.
        position: usize,
    },
    /// A hex digit of the body is uppercase; keys are lowercase only.
    #[error("api key has an uppercase hex digit at position {position}: keys are lowercase")]
    Uppercase {
        /// Zero-based byte offset in the whole input.
        position: usize,
    },
}

/// A well-formed API key: its kind and its 35-byte text.
///
/// The text is held in a fixed-size array of five 8-byte words (the last five bytes zero)
/// that is zeroized on drop: five word stores rather than 35 byte stores. A secret key's
/// [`Debug`](fmt::Debug) and [`Display`](fmt::Display) show only its redacted form
/// (`sk_…9e24`); a publishable key prints in full. Use [`ApiKey::expose`] when the full
/// text is really needed (to hand a newly issued key to its owner).
///
/// # Examples
/// ```
/// use picket_core::{ApiKey, KeyKind};
/// let key: ApiKey = "sk_e1f767d29fa6e533f2e5c62342fb9e24".parse()?;
/// assert_eq!(key.kind(), KeyKind::Secret);
/// assert_eq!(key.to_string(), "sk_…9e24");
/// assert_eq!(format!("{key:?}"), "ApiKey(sk_…9e24)");
/// # Ok::<(), picket_core::KeyError>(())
/// ```
#[derive(Clone)]
pub struct ApiKey {
    /// The text; its first byte (`p` or `s`) says the kind.
    words: [u64; KEY_WORDS],
}

/// 8-byte words holding a key's text: 40 bytes, of which the last five are zero.
const KEY_WORDS: usize = KEY_LEN.div_ceil(8);

impl ApiKey {
    /// Parses and classifies a key from the bytes a client sent.
    ///
    /// Checks, in order: empty; surrounding whitespace; prefix; length; hex alphabet;
    /// lowercase. The validation of the 32-digit body runs over every digit whatever
    /// their values, with no data-dependent branch; only on failure is the offending
    /// position searched for.
    ///
    /// # Errors
    /// A [`KeyError`] naming the first rule the input breaks.
    ///
    /// # Examples
    /// ```
    /// use picket_core::{ApiKey, KeyError, KeyKind};
    /// let key = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
    /// assert_eq!(key.kind(), KeyKind::Publishable);
    /// assert_eq!(
    ///     ApiKey::parse(b"pk_D9960d04426c1e9f3941bec7e39c8854").unwrap_err(),
    ///     KeyError::Uppercase { position: 3 }
    /// );
    /// # Ok::<(), KeyError>(())
    /// ```
    pub fn parse(input: &[u8]) -> Result<ApiKey, KeyError> {
        let (first, last) = match (input.first(), input.last()) {
            (Some(&f), Some(&l)) => (f, l),
            _ => return Err(KeyError::Empty),
        };
        if is_space(first) || is_space(last) {
            return Err(KeyError::SurroundingWhitespace);
        }
        if !matches!(input.get(..PREFIX_LEN), Some(b"pk_" | b"sk_")) {
            return Err(KeyError::UnknownPrefix);
        }
        let text: &[u8; KEY_LEN] = match input.try_into() {
            Ok(t) => t,
            Err(_) => {
                return Err(KeyError::WrongLength {
                    found: input.len() - PREFIX_LEN,
                })
            }
        };
        if is_key_text(text) {
            Ok(ApiKey::from_text(text))
        } else {
            Err(locate_body_error(text))
        }
    }

    /// Holds `text`, already validated.
    #[inline]
    pub(crate) fn from_text(text: &[u8; KEY_LEN]) -> ApiKey {
        // Each word built whole and stored once.
        let t = text;
        let word = |i: usize| {
            let b = &t[8 * i..8 * i + 8];
            u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        };
        ApiKey {
            words: [
                word(0),
                word(1),
                word(2),
                word(3),
                u64::from_ne_bytes([t[32], t[33], t[34], 0, 0, 0, 0, 0]),
            ],
        }
    }

    /// The words of the text as 40 bytes.
    fn bytes_mut(&mut self) -> &mut [u8; KEY_WORDS * 8] {
        bytemuck::must_cast_mut(&mut self.words)
    }

    /// Formats a key of `kind` from 16 random bytes supplied by the caller.
    ///
    /// The core does no I/O; the caller draws the bytes from a CSPRNG (or uses
    /// `ApiKey::generate` with the `getrandom` feature).
    ///
    /// ```
    /// use picket_core::{ApiKey, KeyKind};
    /// let key = ApiKey::from_random_bytes(KeyKind::Publishable, [0xab; 16]);
    /// assert_eq!(key.expose(), "pk_abababababababababababababababab");
    /// ```
    pub fn from_random_bytes(kind: KeyKind, mut bytes: [u8; KEY_RANDOM_BYTES]) -> ApiKey {
        let mut key = ApiKey {
            words: [0; KEY_WORDS],
        };
        let text = key.bytes_mut();
        text[..PREFIX_LEN].copy_from_slice(kind.prefix().as_bytes());
        // `encode_to_slice` only fails on a wrong output length, which is fixed here.
        let encoded = hex::encode_to_slice(bytes, &mut text[PREFIX_LEN..KEY_LEN]);
        debug_assert!(encoded.is_ok());
        bytes.zeroize();
        key
    }

    /// Generates a new key of `kind` from the operating system's CSPRNG.
    ///
    /// Only with the `getrandom` feature (off by default: the core does no I/O otherwise).
    ///
    /// # Errors
    /// The operating system's error when it cannot supply random bytes.
    ///
    /// ```
    /// # #[cfg(feature = "getrandom")] {
    /// use picket_core::{ApiKey, KeyKind};
    /// let key = ApiKey::generate(KeyKind::Secret).unwrap();
    /// assert!(key.expose().starts_with("sk_"));
    /// # }
    /// ```
    #[cfg(feature = "getrandom")]
    pub fn generate(kind: KeyKind) -> Result<ApiKey, getrandom::Error> {
        let mut bytes = [0u8; KEY_RANDOM_BYTES];
        getrandom::getrandom(&mut bytes)?;
        Ok(ApiKey::from_random_bytes(kind, bytes))
    }

    /// The kind of this key, from its prefix.
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24").unwrap();
    /// assert_eq!(key.kind(), picket_core::KeyKind::Secret);
    /// ```
    pub fn kind(&self) -> KeyKind {
        KeyKind::of_text(self.as_bytes())
    }

    /// The full text of the key. For a secret key this is the secret itself: only hand it
    /// to its owner, never to a log.
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// assert_eq!(key.expose(), "pk_d9960d04426c1e9f3941bec7e39c8854");
    /// ```
    pub fn expose(&self) -> &str {
        // The text is ASCII by construction (prefix + lowercase hex).
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The full text of the key as bytes. See [`ApiKey::expose`].
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// assert_eq!(key.as_bytes().len(), picket_core::KEY_LEN);
    /// ```
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        let bytes: &[u8; KEY_WORDS * 8] = bytemuck::must_cast_ref(&self.words);
        // 40 bytes always have a first chunk of 35; the fallback is never taken.
        bytes.first_chunk().unwrap_or(&[0; KEY_LEN])
    }

    /// The form of the key that is safe to log: the prefix, `…` and the last 4 digits.
    ///
    /// Every key redacts the same way; the [`Display`](fmt::Display) of a publishable key
    /// still prints it in full.
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24").unwrap();
    /// assert_eq!(key.redacted().as_str(), "sk_…9e24");
    /// ```
    pub fn redacted(&self) -> Redacted {
        Redacted::of_text(self.as_bytes())
    }
}

/// The redacted form of a key (`sk_…9e24`), a fixed-size value that needs no allocation.
///
/// ```
/// let key = picket_core::ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24").unwrap();
/// let r = key.redacted();
/// assert_eq!(r.to_string(), "sk_…9e24");
/// assert_eq!(r.as_bytes().len(), picket_core::REDACTED_LEN);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Redacted([u8; REDACTED_LEN]);

impl Redacted {
    /// Builds the redacted form from a key's 35-byte text.
    pub(crate) fn of_text(text: &[u8; KEY_LEN]) -> Redacted {
        let mut out = [0u8; REDACTED_LEN];
        out[..PREFIX_LEN].copy_from_slice(&text[..PREFIX_LEN]);
        out[PREFIX_LEN..PREFIX_LEN + 3].copy_from_slice("…".as_bytes());
        out[PREFIX_LEN + 3..].copy_from_slice(&text[KEY_LEN - 4..]);
        Redacted(out)
    }

    /// The redacted text.
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// assert_eq!(key.redacted().as_str(), "pk_…8854");
    /// ```
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The redacted text as UTF-8 bytes (always [`REDACTED_LEN`] of them).
    ///
    /// ```
    /// let key = picket_core::ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854").unwrap();
    /// assert!(key.redacted().as_bytes().starts_with(b"pk_"));
    /// ```
    pub fn as_bytes(&self) -> &[u8; REDACTED_LEN] {
        &self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `text` is a key: `pk_` or `sk_` and 32 lowercase hex digits, the digits checked
/// without a branch on their bytes.
#[inline]
pub(crate) fn is_key_text(text: &[u8; KEY_LEN]) -> bool {
    let (prefix, body) = text.split_at(PREFIX_LEN);
    // 35 bytes always end in 32; the fallback (NUL bytes, never hex) is never taken and
    // would fail closed.
    let body: &[u8; KEY_HEX_DIGITS] = body.try_into().unwrap_or(&[0; KEY_HEX_DIGITS]);
    (prefix == b"pk_" || prefix == b"sk_") & (lower_hex_flags(body) == 0)
}

impl KeyKind {
    /// The kind of a key's text (see [`is_key_text`]), from its first byte. The prefix is
    /// the sender's own choice, not a secret.
    #[inline]
    pub(crate) fn of_text(text: &[u8; KEY_LEN]) -> KeyKind {
        match text[0] {
            b's' => KeyKind::Secret,
            _ => KeyKind::Publishable,
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Finds the first offending body byte. Runs only on the failure path.
fn locate_body_error(text: &[u8; KEY_LEN]) -> KeyError {
    for (i, &b) in text.iter().enumerate().skip(PREFIX_LEN) {
        if !b.is_ascii_hexdigit() {
            return KeyError::NonHex { position: i };
        }
    }
    for (i, &b) in text.iter().enumerate().skip(PREFIX_LEN) {
        if b.is_ascii_uppercase() {
            return KeyError::Uppercase { position: i };
        }
    }
    // Unreachable when called after a failed classification; report the first body byte.
    KeyError::NonHex {
        position: PREFIX_LEN,
    }
}

impl Drop for ApiKey {
    fn drop(&mut self) {
        self.words.zeroize();
    }
}

impl PartialEq for ApiKey {
    /// Keys compare in constant time.
    fn eq(&self, other: &ApiKey) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.words.ct_eq(&other.words))
    }
}

impl Eq for ApiKey {}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({self})")
    }
}

impl fmt::Display for ApiKey {
    /// A publishable key prints in full; a secret key prints redacted (`sk_…9e24`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            KeyKind::Publishable => f.write_str(self.expose()),
            KeyKind::Secret => f.write_str(self.redacted().as_str()),
        }
    }
}

impl FromStr for ApiKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<ApiKey, KeyError> {
        ApiKey::parse(s.as_bytes())
    }
}

#[cfg(test)]
mod tests;
