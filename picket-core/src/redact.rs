//! Masking secret keys in text that is about to be logged.
//!
//! A log holds what clients sent, not what the parser accepts. [`redact`] therefore masks a
//! secret key in every form from which it is recovered by a trivial transformation:
//!
//! - **the key itself, in any letter case**: `sk_` and 32 hex digits, whatever their case
//!   (`SK_E1F7…` lowercases to the live key), becomes `sk_…9e24`;
//! - **URL-encoded**: every `%XX` escape is decoded once before the search (`sk%5Fe1f7…`,
//!   `Basic%20c2tf…%3D`), and so is the JSON escape `\/` (PHP writes base64's `/` so);
//! - **in base64**: every run of at least 47 base64 characters (standard or URL-safe
//!   alphabet, at any of the four alignments, padding absent or present, trailing bits set
//!   or not) is decoded with the `base64` crate's lenient configuration; a run whose decoding
//!   contains a secret key in any case (the key alone, `KEY:`, `pk:sk`, `"x"*300 + ":" + sk`)
//!   is replaced, with the `=` padding after it, by `[REDACTED sk_…9e24]`. The separator
//!   before the run does not matter (SP, HTAB, several spaces, `+`, `%20`, none).
//!
//! Publishable keys and text without a secret key are left byte-for-byte unchanged.
//!
//! **Not covered** (not a trivial transformation of the logged text): doubly URL-encoded
//! text (`%255F`), base64 wrapped across lines or split by separators inside the token, a
//! key encoded twice (base64 of base64), other encodings (hex of the key's bytes, HTML
//! entities, JSON `\u0073` escapes).
//!
//! **Cost.** Linear in the input, whatever it holds: one pass builds the URL-decoded view
//! (only when the text has an escape), one pass finds keys (each candidate costs at most
//! 35 bytes, and candidates do not overlap), and each base64 run is decoded at most eight
//! times (two alphabets, four alignments), runs of one alphabet being disjoint. The output
//! is never longer than the input: every mask is shorter than the 35 or more bytes it
//! replaces.

use std::borrow::Cow;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use zeroize::Zeroize;

use crate::key::{ApiKey, KeyKind, Redacted, KEY_LEN, REDACTED_LEN};

/// The `base64` crate's most lenient decoding: padding optional, trailing bits ignored.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Shortest base64 text that can carry a whole key: 35 bytes need 47 characters.
const MIN_CARRIER_LEN: usize = (KEY_LEN * 4).div_ceil(3);
/// `[REDACTED ` + redacted key + `]`.
const CREDENTIAL_MASK_LEN: usize = 10 + REDACTED_LEN + 1;
// Every span is at least one key long: masking never lengthens the text.
const _: () = assert!(CREDENTIAL_MASK_LEN < KEY_LEN && REDACTED_LEN < KEY_LEN);

/// The text as the search sees it: `%XX` and `\/` decoded once, with the offset in the
/// original text of each byte.
struct View<'a> {
    bytes: Cow<'a, [u8]>,
    /// `starts[j]` is where view byte `j` begins in the text; one more entry for the end.
    /// `None`: the view is the text itself.
    starts: Option<Vec<usize>>,
}

/// The byte an escape starting at `text[i]` stands for, and the escape's length.
fn escape_at(text: &[u8], i: usize) -> Option<(u8, usize)> {
    match text[i] {
        b'%' => {
            let mut byte = [0u8; 1];
            hex::decode_to_slice(text.get(i + 1..i + 3)?, &mut byte).ok()?;
            Some((byte[0], 3))
        }
        b'\\' if text.get(i + 1) == Some(&b'/') => Some((b'/', 2)),
        _ => None,
    }
}

impl<'a> View<'a> {
    fn of(text: &'a [u8]) -> View<'a> {
        let first = text
            .iter()
            .enumerate()
            .position(|(i, &b)| matches!(b, b'%' | b'\\') && escape_at(text, i).is_some());
        let Some(first) = first else {
            return View {
                bytes: Cow::Borrowed(text),
                starts: None,
            };
        };
        let mut bytes = Vec::with_capacity(text.len());
        let mut starts = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(&text[..first]);
        starts.extend(0..first);
        let mut i = first;
        while i < text.len() {
            starts.push(i);
            match escape_at(text, i) {
                Some((b, len)) => {
                    bytes.push(b);
                    i += len;
                }
                None => {
                    bytes.push(text[i]);
                    i += 1;
                }
            }
        }
        starts.push(text.len());
        View {
            bytes: Cow::Owned(bytes),
            starts: Some(starts),
        }
    }

    /// Where view bytes `start..end` lie in the text.
    fn source(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.starts {
            None => (start, end),
            Some(s) => (s[start], s[end]),
        }
    }
}

impl Drop for View<'_> {
    fn drop(&mut self) {
        // A decoded view may hold a key that the text holds only escaped.
        if let Cow::Owned(bytes) = &mut self.bytes {
            bytes.zeroize();
        }
    }
}

/// If `text` starts with `sk_` and 32 hex digits in any letter case, the redacted form of
/// the key they fold to (by the key rules of [`ApiKey::parse`]).
fn secret_key_at(text: &[u8]) -> Option<Redacted> {
    let candidate = text.get(..KEY_LEN)?;
    if !candidate[..3].eq_ignore_ascii_case(b"sk_") {
        return None;
    }
    let mut folded = [0u8; KEY_LEN];
    for (f, b) in folded.iter_mut().zip(candidate) {
        *f = b.to_ascii_lowercase();
    }
    let found = ApiKey::parse(&folded)
        .ok()
        .filter(|k| k.kind() == KeyKind::Secret)
        .map(|k| k.redacted());
    folded.zeroize();
    found
}

/// One replacement, in view coordinates.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    key: Redacted,
    /// A base64 carrier (masked as `[REDACTED …]`) rather than the key itself.
    carrier: bool,
}

/// Every non-overlapping secret key in `view`, left to right.
fn key_spans(view: &[u8], each: &mut impl FnMut(Span)) {
    let mut i = 0;
    while i + KEY_LEN <= view.len() {
        if view[i].eq_ignore_ascii_case(&b's') {
            if let Some(key) = secret_key_at(&view[i..]) {
                each(Span {
                    start: i,
                    end: i + KEY_LEN,
                    key,
                    carrier: false,
                });
                i += KEY_LEN;
                continue;
            }
        }
        i += 1;
    }
}

/// The first secret key carried by the base64 `run`, at any of the four alignments.
/// `buf` is scratch space, left zeroed.
fn key_in_base64(run: &[u8], engine: &GeneralPurpose, buf: &mut Vec<u8>) -> Option<Redacted> {
    let mut found = None;
    for offset in 0..4 {
        let mut chars = &run[offset..];
        // A lone last character carries no whole byte: the decoder refuses it.
        if chars.len() % 4 == 1 {
            chars = &chars[..chars.len() - 1];
        }
        buf.resize(chars.len().div_ceil(4) * 3, 0);
        if let Ok(n) = engine.decode_slice(chars, &mut buf[..]) {
            key_spans(&buf[..n], &mut |s| {
                found.get_or_insert(s.key);
            });
        }
        buf.zeroize();
        if found.is_some() {
            break;
        }
    }
    found
}

/// Every maximal run of `alphabet` characters in `view` that carries a secret key in
/// base64, with the `=` padding that follows it, left to right.
fn carrier_spans(
    view: &[u8],
    engine: &GeneralPurpose,
    in_alphabet: fn(&u8) -> bool,
    worth_decoding: fn(&[u8]) -> bool,
    buf: &mut Vec<u8>,
    each: &mut impl FnMut(Span),
) {
    let mut i = 0;
    while i < view.len() {
        if !in_alphabet(&view[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i += view[i..].iter().take_while(|b| in_alphabet(b)).count();
        if i - start < MIN_CARRIER_LEN || !worth_decoding(&view[start..i]) {
            continue;
        }
        if let Some(key) = key_in_base64(&view[start..i], engine, buf) {
            let end = i + view[i..].iter().take_while(|&&b| b == b'=').count();
            each(Span {
                start,
                end,
                key,
                carrier: true,
            });
            i = end;
        }
    }
}

/// The two passes decode the runs of each alphabet. A URL-safe run without `-` or `_` is
/// all letters and digits, so it lies inside a standard run, whose four alignments decode
/// every byte it carries (a partial last group yields the same whole bytes either way):
/// the URL-safe pass skips it.
fn standard_run_worth_decoding(_: &[u8]) -> bool {
    true
}

fn url_safe_run_worth_decoding(run: &[u8]) -> bool {
    run.iter().any(|&b| matches!(b, b'-' | b'_'))
}

fn standard_alphabet(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/')
}

fn url_safe_alphabet(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Every span to mask in `view`, sorted by start (they may overlap).
fn spans(view: &[u8]) -> Vec<Span> {
    let mut lists: [Vec<Span>; 3] = Default::default();
    let mut buf = Vec::new();
    let [keys, standard, url_safe] = &mut lists;
    key_spans(view, &mut |s| keys.push(s));
    if view.len() >= MIN_CARRIER_LEN {
        carrier_spans(
            view,
            &STANDARD_LENIENT,
            standard_alphabet,
            standard_run_worth_decoding,
            &mut buf,
            &mut |s| standard.push(s),
        );
        carrier_spans(
            view,
            &URL_SAFE_LENIENT,
            url_safe_alphabet,
            url_safe_run_worth_decoding,
            &mut buf,
            &mut |s| url_safe.push(s),
        );
    }
    // Merge three sorted lists: linear, unlike a sort.
    let mut out = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut heads = [0usize; 3];
    loop {
        let next = (0..3)
            .filter(|&l| heads[l] < lists[l].len())
            .min_by_key(|&l| lists[l][heads[l]].start);
        let Some(l) = next else { break };
        out.push(lists[l][heads[l]]);
        heads[l] += 1;
    }
    out
}

/// Every span to mask in `text`, in text coordinates, sorted by start (they may overlap).
///
/// The search runs over the text as it is and, when it has escapes, over its decoded view
/// too: a stray `%` before a token (`%c2tf…`) would otherwise hide a key that the text
/// holds in plain sight.
fn text_spans(text: &[u8]) -> Vec<Span> {
    let plain = spans(text);
    let view = View::of(text);
    if view.starts.is_none() {
        return plain;
    }
    let decoded = spans(&view.bytes).into_iter().map(|s| {
        let (start, end) = view.source(s.start, s.end);
        Span { start, end, ..s }
    });
    let mut out = Vec::with_capacity(plain.len());
    let mut plain = plain.into_iter().peekable();
    let mut decoded = decoded.peekable();
    loop {
        let next = match (plain.peek(), decoded.peek()) {
            (Some(a), Some(b)) if b.start < a.start => decoded.next(),
            (Some(_), _) => plain.next(),
            (None, _) => decoded.next(),
        };
        match next {
            Some(s) => out.push(s),
            None => break,
        }
    }
    out
}

/// Whether `text` holds a secret key in any form that [`redact`] masks.
pub(crate) fn holds_secret_key(text: &[u8]) -> bool {
    !text_spans(text).is_empty()
}

/// Returns `text` with every secret key masked, in every form listed in the module
/// documentation: the key in any case becomes `sk_…` and its last 4 digits; a base64 run
/// carrying it becomes `[REDACTED sk_…9e24]`.
///
/// Text without secret keys is returned borrowed, unchanged. Redacting twice changes
/// nothing more. The output is never longer than the input.
///
/// # Examples
/// ```
/// use picket_core::redact;
/// let line = "GET /v1/ping?key=sk_e1f767d29fa6e533f2e5c62342fb9e24 Authorization: Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";
/// assert_eq!(
///     redact(line),
///     "GET /v1/ping?key=sk_…9e24 Authorization: Basic [REDACTED sk_…9e24]"
/// );
/// // Upper case, URL-encoded, unpadded base64 after a tab: all recoverable, all masked.
/// assert_eq!(redact("k=SK%5FE1F767D29FA6E533F2E5C62342FB9E24"), "k=sk_…9e24");
/// assert_eq!(
///     redact("Basic\tc2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ"),
///     "Basic\t[REDACTED sk_…9e24]"
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
    let spans = text_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut copied = 0;
    let mut next = 0;
    while next < spans.len() {
        // Overlapping spans (a key inside a base64 run) are masked once, as one.
        let mut span = spans[next];
        next += 1;
        while next < spans.len() && spans[next].start < span.end {
            span.end = span.end.max(spans[next].end);
            span.carrier |= spans[next].carrier;
            next += 1;
        }
        out.extend_from_slice(&text[copied..span.start]);
        if span.carrier {
            out.extend_from_slice(b"[REDACTED ");
            out.extend_from_slice(span.key.as_bytes());
            out.push(b']');
        } else {
            out.extend_from_slice(span.key.as_bytes());
        }
        copied = span.end;
    }
    out.extend_from_slice(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
