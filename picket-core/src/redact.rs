//! Masking secret keys in text that is about to be logged.
//!
//! [`redact`] replaces every secret key with its redacted form (`sk_…9e24`) and every
//! `Basic` credential that decodes to something containing a secret key with
//! `[REDACTED sk_…9e24]`. Publishable keys and text without secret keys are left
//! byte-for-byte unchanged. One pass, linear in the input; the output is never longer
//! than the input.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroize;

use crate::header::MAX_CREDENTIALS_LEN;
use crate::key::{ApiKey, KeyKind, KEY_LEN, REDACTED_LEN};

/// Length of the text that replaces a Basic credential: `[REDACTED ` + redacted key + `]`.
const CREDENTIAL_MASK_LEN: usize = 10 + REDACTED_LEN + 1;
/// Longest base64 token decoded in search of a key (what [`MAX_CREDENTIALS_LEN`] encodes to).
const MAX_TOKEN_LEN: usize = MAX_CREDENTIALS_LEN.div_ceil(3) * 4;

/// If `text` starts with a secret key (by the key rules of [`ApiKey::parse`]), that key.
fn secret_key_at(text: &[u8]) -> Option<ApiKey> {
    let key = ApiKey::parse(text.get(..KEY_LEN)?).ok()?;
    (key.kind() == KeyKind::Secret).then_some(key)
}

/// The first secret key anywhere in `bytes`.
fn find_secret_key(bytes: &[u8]) -> Option<ApiKey> {
    (0..bytes.len()).find_map(|i| secret_key_at(&bytes[i..]))
}

/// One replacement: bytes `start..end` of the input become `mask[..mask_len]`.
struct Span {
    start: usize,
    end: usize,
    mask: [u8; CREDENTIAL_MASK_LEN],
    mask_len: usize,
}

impl Span {
    fn key(start: usize, key: &ApiKey) -> Span {
        let mut mask = [0u8; CREDENTIAL_MASK_LEN];
        mask[..REDACTED_LEN].copy_from_slice(key.redacted().as_bytes());
        Span {
            start,
            end: start + KEY_LEN,
            mask,
            mask_len: REDACTED_LEN,
        }
    }

    fn credential(start: usize, end: usize, key: &ApiKey) -> Span {
        let mut mask = [0u8; CREDENTIAL_MASK_LEN];
        mask[..10].copy_from_slice(b"[REDACTED ");
        mask[10..10 + REDACTED_LEN].copy_from_slice(key.redacted().as_bytes());
        mask[CREDENTIAL_MASK_LEN - 1] = b']';
        Span {
            start,
            end,
            mask,
            mask_len: CREDENTIAL_MASK_LEN,
        }
    }
}

/// If a Basic credential starts at `i` (`basic` in any case, after a non-alphanumeric byte,
/// then spaces, then a base64 token whose decoding contains a secret key), its mask span.
/// Otherwise the offset to resume scanning from.
fn basic_credential_at(text: &[u8], i: usize) -> Result<Span, usize> {
    let word_end = i + 5;
    let starts_word = i == 0 || !text[i - 1].is_ascii_alphanumeric();
    match text.get(i..word_end) {
        Some(w) if starts_word && w.eq_ignore_ascii_case(b"basic") => {}
        _ => return Err(i + 1),
    }
    let token_start = word_end + text[word_end..].iter().take_while(|&&b| b == b' ').count();
    if token_start == word_end {
        return Err(word_end);
    }
    let token_len = text[token_start..]
        .iter()
        .take(MAX_TOKEN_LEN + 1)
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    let token = &text[token_start..token_start + token_len];
    // A key is 35 bytes: its base64 is at least 48 characters. Longer tokens than any
    // credential are not decoded.
    if !(48..=MAX_TOKEN_LEN).contains(&token_len) {
        return Err(token_start);
    }
    let mut buf = [0u8; MAX_TOKEN_LEN / 4 * 3];
    let found = match STANDARD.decode_slice(token, &mut buf) {
        Ok(n) => find_secret_key(&buf[..n])
            .map(|key| Span::credential(token_start, token_start + token_len, &key)),
        Err(_) => None,
    };
    buf.zeroize();
    found.ok_or(token_start)
}

/// Returns `text` with every secret key masked.
///
/// - a bare `sk_` + 32 lowercase hex digits anywhere (free text, JSON, query strings,
///   URLs) becomes `sk_…` + its last 4 digits;
/// - a `Basic` credential whose base64 decodes to anything containing a secret key (the
///   key alone, `KEY:`, a `pk:sk` pair) has its token replaced with
///   `[REDACTED sk_…9e24]`.
///
/// Text without secret keys is returned borrowed, unchanged. Redacting twice changes
/// nothing more.
///
/// # Examples
/// ```
/// use picket_core::redact;
/// let line = "GET /v1/ping?key=sk_e1f767d29fa6e533f2e5c62342fb9e24 Authorization: Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";
/// assert_eq!(
///     redact(line),
///     "GET /v1/ping?key=sk_…9e24 Authorization: Basic [REDACTED sk_…9e24]"
/// );
/// assert_eq!(redact("pk_d9960d04426c1e9f3941bec7e39c8854"), "pk_d9960d04426c1e9f3941bec7e39c8854");
/// ```
pub fn redact(text: &str) -> Cow<'_, str> {
    match redact_bytes(text.as_bytes()) {
        Cow::Borrowed(_) => Cow::Borrowed(text),
        // Masks are UTF-8 and replace whole ASCII runs, so the result is valid UTF-8.
        Cow::Owned(bytes) => Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// [`redact`] over bytes that need not be UTF-8.
///
/// ```
/// let out = picket_core::redact_bytes(b"\xff sk_e1f767d29fa6e533f2e5c62342fb9e24");
/// let mut want = vec![0xff];
/// want.extend_from_slice(" sk_…9e24".as_bytes());
/// assert_eq!(&out[..], &want[..]);
/// ```
pub fn redact_bytes(text: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let span = match text[i] {
            b's' => match secret_key_at(&text[i..]) {
                Some(key) => Span::key(i, &key),
                None => {
                    i += 1;
                    continue;
                }
            },
            b'b' | b'B' => match basic_credential_at(text, i) {
                Ok(span) => span,
                Err(next) => {
                    i = next;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        let buf = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
        buf.extend_from_slice(&text[copied..span.start]);
        buf.extend_from_slice(&span.mask[..span.mask_len]);
        copied = span.end;
        i = span.end;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.extend_from_slice(&text[copied..]);
            Cow::Owned(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";
    const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";

    fn b64(s: &str) -> String {
        STANDARD.encode(s)
    }

    #[test]
    fn masks_every_form() {
        let cases = [
            (format!("key={SK}&x=1"), "key=sk_…9e24&x=1".to_string()),
            (
                format!("{{\"key\":\"{SK}\"}}"),
                "{\"key\":\"sk_…9e24\"}".to_string(),
            ),
            (
                format!("https://h/cb?k={SK}#f"),
                "https://h/cb?k=sk_…9e24#f".to_string(),
            ),
            (format!("{SK}{SK}"), "sk_…9e24sk_…9e24".to_string()),
            (format!("{SK}0"), "sk_…9e240".to_string()),
            (
                format!("Authorization: Basic {}", b64(&format!("{SK}:"))),
                "Authorization: Basic [REDACTED sk_…9e24]".to_string(),
            ),
            (
                format!("Basic  {}", b64(SK)),
                "Basic  [REDACTED sk_…9e24]".to_string(),
            ),
            (
                format!("basic {}", b64(&format!("{PK}:{SK}"))),
                "basic [REDACTED sk_…9e24]".to_string(),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(redact(&input), want, "{input}");
        }
    }

    #[test]
    fn leaves_other_text_alone() {
        for input in [
            PK.to_string(),
            format!("Basic {}", b64(&format!("{PK}:"))),
            "sk_E1F767D29FA6E533F2E5C62342FB9E24".to_string(),
            "sk_…9e24".to_string(),
            "Basic".to_string(),
            "basic basic basic".to_string(),
            String::new(),
        ] {
            assert!(matches!(redact(&input), Cow::Borrowed(_)), "{input}");
        }
    }

    #[test]
    fn idempotent() {
        let input = format!("a {SK} b Basic {} c", b64(SK));
        let once = redact(&input).into_owned();
        assert_eq!(redact(&once), once);
        assert!(!once.contains(SK));
    }
}
