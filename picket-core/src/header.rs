//! Parsing the HTTP `Authorization` field value that carries an API key.
//!
//! The API key is the Basic-auth username and the password is empty (RFC 7617). Real
//! clients send it in two forms, and both authenticate:
//!
//! - `Basic ` + base64(`KEY:`): Go's `SetBasicAuth(key, "")`, Python `requests`, `curl -u KEY:`;
//! - `Basic  ` + base64(`KEY`) (two spaces, no colon): the official JS and Node SDKs.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;
use zeroize::Zeroize;

use crate::key::{is_key_text, ApiKey, KeyError, KEY_LEN};

/// Longest `Authorization` value accepted, in bytes. Longer values are refused before any
/// other work.
pub const MAX_HEADER_LEN: usize = 8192;

/// Longest decoded Basic credentials looked at, in bytes. A key with an empty password is 36
/// bytes; a `pk:sk` pair is 71. Longer credentials are refused without decoding them.
pub const MAX_CREDENTIALS_LEN: usize = 256;

/// Opt-in behaviours of [`parse_authorization`]. The default accepts Basic only.
///
/// ```
/// let opts = picket_core::HeaderOptions { accept_bearer: true };
/// assert!(!picket_core::HeaderOptions::default().accept_bearer);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HeaderOptions {
    /// Also accept `Bearer <key>` (as Stripe does).
    pub accept_bearer: bool,
}

/// Why an `Authorization` value does not carry a usable API key.
///
/// Every variant maps to HTTP 401 with a `WWW-Authenticate` challenge (see
/// [`AuthError`](crate::AuthError)). Messages never contain the credentials.
///
/// ```
/// use picket_core::{parse_authorization, HeaderError, HeaderOptions};
/// let err = parse_authorization(b"Bearer pk_d9960d04426c1e9f3941bec7e39c8854", HeaderOptions::default());
/// assert_eq!(err.unwrap_err(), HeaderError::BearerNotEnabled);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// No header, or only whitespace.
    #[error("missing api key: send it as the username of HTTP Basic auth")]
    Missing,
    /// The value is longer than [`MAX_HEADER_LEN`].
    #[error("authorization header is longer than 8192 bytes")]
    TooLong,
    /// A control byte (CR, LF, NUL, ...) is in the value.
    #[error("authorization header contains control byte 0x{byte:02x} at position {position}")]
    ControlCharacter {
        /// The byte's value.
        byte: u8,
        /// Zero-based byte offset.
        position: usize,
    },
    /// A byte above 0x7F is in the value.
    #[error("authorization header contains a non-ASCII byte at position {position}")]
    NonAscii {
        /// Zero-based byte offset.
        position: usize,
    },
    /// The scheme is neither `Basic` nor (with the option) `Bearer`.
    #[error("unsupported authorization scheme: use Basic with the api key as the username")]
    UnsupportedScheme,
    /// `Bearer` was used but [`HeaderOptions::accept_bearer`] is off.
    #[error("bearer authorization is not accepted: use Basic with the api key as the username")]
    BearerNotEnabled,
    /// A tab separates the scheme from the credentials; only spaces may.
    #[error("a tab separates the scheme from the credentials: use a space")]
    TabSeparator,
    /// The scheme has nothing after it.
    #[error("authorization header has a scheme but no credentials")]
    MissingCredentials,
    /// The credentials are not RFC 4648 §4 base64 with padding and canonical trailing bits.
    #[error("credentials are not valid base64 (standard alphabet, padded, canonical)")]
    InvalidBase64,
    /// The decoded credentials are longer than [`MAX_CREDENTIALS_LEN`].
    #[error("credentials are longer than 256 bytes: they cannot be an api key")]
    CredentialsTooLong,
    /// The username is empty and so is the password.
    #[error("credentials carry an empty api key")]
    EmptyKey,
    /// The username is empty but the password is not: the key was put in the wrong field.
    #[error("the username is empty: the api key belongs in the username, with an empty password")]
    KeyInPassword,
    /// A password was sent. Only the username may carry a key, so a `pk:sk` pair never
    /// authenticates as either.
    #[error("the password must be empty: send only the api key, as the username")]
    NonEmptyPassword,
    /// The username is not a well-formed key.
    #[error("the username is not a valid api key: {0}")]
    Key(KeyError),
}

impl From<KeyError> for HeaderError {
    fn from(e: KeyError) -> HeaderError {
        HeaderError::Key(e)
    }
}

/// Parses an `Authorization` field value, exactly as the server received it, to the API key
/// it carries.
///
/// Grammar: optional SP/HTAB, `Basic` (any case), one or more SP, base64 credentials,
/// optional SP/HTAB. The credentials decode to `KEY` or `KEY:`. With
/// [`HeaderOptions::accept_bearer`], `Bearer` (any case), one or more SP and the key text
/// are accepted too. No heap allocation; the decoded credentials are zeroized.
///
/// # Errors
/// A [`HeaderError`] naming the rule the value breaks.
///
/// # Examples
/// ```
/// use picket_core::{parse_authorization, HeaderError, HeaderOptions};
/// let opts = HeaderOptions::default();
/// // curl -u pk_d9960d04426c1e9f3941bec7e39c8854:
/// let key = parse_authorization(
///     b"Basic cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ6",
///     opts,
/// )?;
/// assert_eq!(key.expose(), "pk_d9960d04426c1e9f3941bec7e39c8854");
/// // The JS SDK: two spaces and no colon.
/// let same = parse_authorization(b"Basic  cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=", opts)?;
/// assert_eq!(key, same);
/// assert_eq!(parse_authorization(b"", opts).unwrap_err(), HeaderError::Missing);
/// # Ok::<(), HeaderError>(())
/// ```
pub fn parse_authorization(value: &[u8], options: HeaderOptions) -> Result<ApiKey, HeaderError> {
    with_key_text(value, options, ApiKey::from_text)
}

/// [`parse_authorization`] without building the key: runs `f` on the key's text where it
/// was decoded, then wipes it. The registry authenticates through this, so that SHA-256
/// reads the decoded bytes directly, as the plain idiom does.
///
/// # Errors
/// Exactly the errors of [`parse_authorization`].
pub(crate) fn with_key_text<R>(
    value: &[u8],
    options: HeaderOptions,
    f: impl FnOnce(&[u8; KEY_LEN]) -> R,
) -> Result<R, HeaderError> {
    if value.len() > MAX_HEADER_LEN {
        return Err(HeaderError::TooLong);
    }
    // What real clients send: `Basic`, one or two spaces, and credentials that decode to a
    // key with or without the colon. Then every rule below would give that same key
    // (base64 has no whitespace, control or non-ASCII byte, and a key has no `:`), so they
    // are skipped; anything else goes through them.
    if let Some(token) = basic_credentials(value) {
        let mut buffer = [0u64; SMALL_BUFFER_WORDS];
        if let Some(text) = key_in_token(token, bytemuck::must_cast_mut(&mut buffer)) {
            let done = f(text);
            buffer.zeroize();
            return Ok(done);
        }
        buffer.zeroize();
    }
    let key = parse_by_the_rules(value, options)?;
    Ok(f(key.as_bytes()))
}

/// The key that `token` decodes to in `buffer`, as `KEY` or `KEY:`, if it does.
#[inline]
fn key_in_token<'b>(
    token: &[u8],
    buffer: &'b mut [u8; SMALL_BUFFER_WORDS * 8],
) -> Option<&'b [u8; KEY_LEN]> {
    let out = buffer.get_mut(..token.len() / 4 * 3)?;
    let n = STANDARD.decode_slice(token, out).ok()?;
    let creds = &buffer[..n];
    let text = match creds {
        [text @ .., b':'] => text,
        _ => creds,
    };
    let text: &[u8; KEY_LEN] = text.try_into().ok()?;
    is_key_text(text).then_some(text)
}

/// The credentials after `Basic ` (any case) and at most one more space, if the value
/// starts so.
fn basic_credentials(value: &[u8]) -> Option<&[u8]> {
    let (&[b, a, s, i, c, space], rest) = value.split_first_chunk::<6>()?;
    // One word compare: a letter with its case bit (0x20) set is lowercase exactly when it
    // was that letter in either case; the space is compared as it is.
    const CASE: u64 = 0x20_20_20_20_20;
    let word = u64::from_le_bytes([b, a, s, i, c, space, 0, 0]);
    if word | CASE != u64::from_le_bytes(*b"basic \0\0") {
        return None;
    }
    Some(rest.strip_prefix(b" ").unwrap_or(rest))
}

/// [`parse_authorization`] rule by rule: every value, and the error it earns.
fn parse_by_the_rules(value: &[u8], options: HeaderOptions) -> Result<ApiKey, HeaderError> {
    // One branch-free pass (it vectorises) over the whole value; the offending byte is
    // searched for only when there is one.
    let forbidden = value.iter().fold(false, |acc, &b| acc | is_forbidden(b));
    if forbidden {
        for (position, &byte) in value.iter().enumerate() {
            if byte >= 0x80 {
                return Err(HeaderError::NonAscii { position });
            }
            if is_forbidden(byte) {
                return Err(HeaderError::ControlCharacter { byte, position });
            }
        }
    }
    let value = trim_ows(value);
    if value.is_empty() {
        return Err(HeaderError::Missing);
    }
    let scheme_end = value
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    let is_basic = scheme.eq_ignore_ascii_case(b"basic");
    let is_bearer = scheme.eq_ignore_ascii_case(b"bearer");
    if !is_basic && !is_bearer {
        return Err(HeaderError::UnsupportedScheme);
    }
    if is_bearer && !options.accept_bearer {
        return Err(HeaderError::BearerNotEnabled);
    }
    if rest.is_empty() {
        return Err(HeaderError::MissingCredentials);
    }
    let separator = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
    if separator == 0 || rest.get(separator) == Some(&b'\t') {
        return Err(HeaderError::TabSeparator);
    }
    let token = &rest[separator..];
    // `trim_ows` removed trailing whitespace, so the token is non-empty here.
    if is_bearer {
        return Ok(ApiKey::parse(token)?);
    }
    parse_basic_token(token)
}

/// Bytes never allowed in the value: controls other than HTAB, DEL, and non-ASCII.
#[inline(always)]
fn is_forbidden(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') | (b >= 0x7f)
}

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

fn parse_basic_token(token: &[u8]) -> Result<ApiKey, HeaderError> {
    // Padded base64: 4 characters per 3 bytes. Anything that would decode to more than
    // MAX_CREDENTIALS_LEN bytes cannot hold a key; refuse it before decoding.
    if token.len() % 4 != 0 {
        return Err(HeaderError::InvalidBase64);
    }
    // The decoder writes at most this many bytes; only they can hold credentials.
    let used = token.len() / 4 * 3;
    if used > MAX_CREDENTIALS_LEN + 2 {
        return Err(HeaderError::CredentialsTooLong);
    }
    // Only values the shortcut in `with_key_text` did not take come here (refusals, and
    // rare shapes such as leading whitespace), so one buffer size serves them all.
    let mut buffer = [0u64; LARGE_BUFFER_WORDS];
    let bytes: &mut [u8] = bytemuck::must_cast_slice_mut(&mut buffer[..]);
    let result = match bytes
        .get_mut(..used)
        .map(|out| STANDARD.decode_slice(token, out))
    {
        Some(Ok(n)) => split_credentials(&bytes[..n]),
        _ => Err(HeaderError::InvalidBase64),
    };
    // 8-byte words, so that the wipe is one volatile store a word.
    buffer.zeroize();
    result
}

/// Words of the buffer that decodes a key's credentials in the shortcut (`KEY:` is 36
/// bytes; 48 hold any token of up to 64 characters).
const SMALL_BUFFER_WORDS: usize = 6;
/// Words of the buffer for the longest credentials looked at.
const LARGE_BUFFER_WORDS: usize = (MAX_CREDENTIALS_LEN + 2).div_ceil(8);

/// Applies the username/password rules to decoded credentials.
fn split_credentials(creds: &[u8]) -> Result<ApiKey, HeaderError> {
    if creds.len() > MAX_CREDENTIALS_LEN {
        return Err(HeaderError::CredentialsTooLong);
    }
    let (user, password) = match creds.iter().position(|&b| b == b':') {
        Some(i) => (&creds[..i], &creds[i + 1..]),
        None => (creds, &[][..]),
    };
    match (user.is_empty(), password.is_empty()) {
        (true, true) => Err(HeaderError::EmptyKey),
        (true, false) => Err(HeaderError::KeyInPassword),
        (false, false) => Err(HeaderError::NonEmptyPassword),
        (false, true) => Ok(ApiKey::parse(user)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";
    const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";

    fn basic(creds: &str) -> String {
        format!("Basic {}", STANDARD.encode(creds))
    }

    fn parse(v: &str) -> Result<ApiKey, HeaderError> {
        parse_authorization(v.as_bytes(), HeaderOptions::default())
    }

    #[test]
    fn real_client_forms() {
        for v in [
            basic(&format!("{PK}:")),
            format!("Basic  {}", STANDARD.encode(PK)),
            format!("basic {}", STANDARD.encode(PK)),
            format!("BASIC {}", STANDARD.encode(PK)),
            format!(" \tBasic {}\t ", STANDARD.encode(PK)),
        ] {
            assert_eq!(parse(&v).unwrap().expose(), PK, "{v}");
        }
    }

    #[test]
    fn each_rule_has_its_error() {
        let long = "a".repeat(MAX_HEADER_LEN + 1);
        let cases: Vec<(String, HeaderError)> = vec![
            (String::new(), HeaderError::Missing),
            ("  \t ".into(), HeaderError::Missing),
            (long, HeaderError::TooLong),
            (
                format!("Basic {}\r\n", STANDARD.encode(PK)),
                HeaderError::ControlCharacter {
                    byte: b'\r',
                    position: 54,
                },
            ),
            ("Basic \u{e9}".into(), HeaderError::NonAscii { position: 6 }),
            ("Digest abc".into(), HeaderError::UnsupportedScheme),
            (PK.into(), HeaderError::UnsupportedScheme),
            (format!("Bearer {PK}"), HeaderError::BearerNotEnabled),
            (
                format!("Basic\t{}", STANDARD.encode(PK)),
                HeaderError::TabSeparator,
            ),
            (
                format!("Basic \t{}", STANDARD.encode(PK)),
                HeaderError::TabSeparator,
            ),
            ("Basic".into(), HeaderError::MissingCredentials),
            ("Basic   ".into(), HeaderError::MissingCredentials),
            (
                "Basic cGtf".into(),
                HeaderError::Key(KeyError::WrongLength { found: 0 }),
            ),
            ("Basic cGtfZA".into(), HeaderError::InvalidBase64),
            ("Basic cGtfZB==".into(), HeaderError::InvalidBase64),
            (basic(&"x".repeat(300)), HeaderError::CredentialsTooLong),
            (basic(""), HeaderError::MissingCredentials),
            (basic(":"), HeaderError::EmptyKey),
            (basic(&format!(":{PK}")), HeaderError::KeyInPassword),
            (basic(&format!("{PK}:{SK}")), HeaderError::NonEmptyPassword),
            (
                basic(&format!("{PK}\n")),
                HeaderError::Key(KeyError::SurroundingWhitespace),
            ),
        ];
        for (v, want) in cases {
            assert_eq!(parse(&v).unwrap_err(), want, "{v:?}");
        }
    }

    #[test]
    fn the_shortcut_agrees_with_the_rules() {
        let pk = STANDARD.encode(format!("{PK}:"));
        let js = STANDARD.encode(PK);
        let mut values: Vec<Vec<u8>> = Vec::new();
        for scheme in ["Basic", "basic", "BASIC", "bAsIc", "Bearer", "Basi"] {
            for gap in ["", " ", "  ", "   ", "\t", " \t"] {
                for token in [&pk, &js, &pk[..44], &format!("{pk}="), &format!("{pk} ")] {
                    values.push(format!("{scheme}{gap}{token}").into_bytes());
                }
            }
        }
        // Every single-byte change of the real forms, at every position.
        for base in [format!("Basic {pk}"), format!("Basic  {js}")] {
            for i in 0..base.len() {
                for b in [
                    0u8, b'\t', b'\n', b' ', b':', b'=', b'A', b'z', 0x7f, 0x80, 0xff,
                ] {
                    let mut v = base.clone().into_bytes();
                    v[i] = b;
                    values.push(v);
                }
            }
        }
        for v in values {
            for accept_bearer in [false, true] {
                let opts = HeaderOptions { accept_bearer };
                assert_eq!(
                    parse_authorization(&v, opts),
                    parse_by_the_rules(&v, opts),
                    "{:?}",
                    String::from_utf8_lossy(&v)
                );
            }
        }
    }

    #[test]
    fn bearer_when_enabled() {
        let opts = HeaderOptions {
            accept_bearer: true,
        };
        let key = parse_authorization(format!("bearer  {SK}").as_bytes(), opts).unwrap();
        assert_eq!(key.expose(), SK);
        assert_eq!(
            parse_authorization(b"Bearer", opts).unwrap_err(),
            HeaderError::MissingCredentials
        );
    }

    #[test]
    fn messages_never_contain_credentials() {
        for v in [
            basic(&format!("{PK}:{SK}")),
            basic(&format!("{SK}x")),
            format!("Bearer {SK}"),
        ] {
            let msg = parse(&v).unwrap_err().to_string();
            assert!(!msg.contains("e1f767"), "{msg}");
        }
    }
}
