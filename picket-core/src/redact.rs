//! Masking secret keys in text that is about to be logged.
//!
//! A log holds what clients sent and what tools printed, not what the parser accepts.
//! [`redact`] therefore masks a secret key wherever it can be recovered by a trivial
//! transformation of the text, and a fragment of one long enough that the rest is cheap to
//! guess:
//!
//! - **the key in any letter case** (`SK_E1F7…` lowercases to the live key): `sk_…9e24`;
//! - **a fragment**: `sk_` and at least [`MIN_EXPOSED_DIGITS`] (20) hex digits, a key cut
//!   short by a logger's field width or a paste (`secret` has the arithmetic):
//!   `sk_…(partial)`;
//! - **escaped** (`view`): `%XX`, `=XX` and `\xHH` (URL, RFC 2047 Q-encoding,
//!   quoted-printable, C), `\u00XX` (JSON), `\` before punctuation (Markdown's `sk\_…`,
//!   JSON's `\/`), and invisible format characters inside it (zero-width space, soft
//!   hyphen, …), raw or escaped (`%E2%80%8B`, `\u200b`), each undone once;
//! - **in base64** (`carrier`): a run of 31 or more base64 characters, either alphabet, any
//!   alignment, padding or not, trailing bits or not, wrapped at 76 or 64 columns or not,
//!   whose decoding holds a key or fragment, or holds such a run again (base64 of base64);
//! - **in a byte dump** (`dump`, `lines`): the key's bytes as decimal or hex numbers, as Go,
//!   Rust, Node, Python, .NET, JSON and the hex dump tools print byte arrays, on one line
//!   or several.
//!
//! A run or dump that carries one becomes `[REDACTED sk_…9e24]` (`[REDACTED sk_…(partial)]`).
//! Publishable keys and text without a secret key are left byte-for-byte unchanged.
//!
//! **Not covered** (no tool writes it of a key it is given, or it is not the key): an
//! escape applied twice (`%255F`), three layers of base64, base64 split by other separators
//! than a wrapped line, HTML entities, look-alike characters (fullwidth `ｓｋ＿`), a key
//! split by a line break into pieces shorter than a fragment, a fragment without its `sk_`
//! (indistinguishable from a digest), and fewer than 20 digits.
//!
//! **Cost.** Linear in the input, whatever it holds: one pass builds the decoded view (only
//! when the text has an escape); the search runs over the text and the view: one pass finds
//! keys (the digits after a `sk_` are counted once), each base64 run (runs of one alphabet
//! are disjoint) is decoded at most four times per layer, and each kind of byte dump is one
//! pass. The output is never longer than the input: every mask is shorter than the text it
//! replaces (checked at compile time below).

mod carrier;
mod dump;
mod lines;
mod secret;
mod view;

use std::borrow::Cow;

use self::secret::{Secret, FRAGMENT_MASK, MIN_EXPOSING_LEN};
use self::view::View;
use crate::key::{KEY_LEN, REDACTED_LEN};

pub use self::secret::MIN_EXPOSED_DIGITS;

/// `[REDACTED ` + mask + `]`.
const WRAPPED_EXTRA: usize = "[REDACTED ]".len();
// Every span is longer than its mask: masking never lengthens the text. A bare key is 35
// bytes, a fragment 23 or more; a carrier 31 characters or more; a dump two characters or
// more a byte.
const _: () = assert!(REDACTED_LEN < KEY_LEN && FRAGMENT_MASK.len() < MIN_EXPOSING_LEN);
const _: () = assert!(WRAPPED_EXTRA + FRAGMENT_MASK.len() < carrier::MIN_CARRIER_LEN);
const _: () = assert!(WRAPPED_EXTRA + REDACTED_LEN < carrier::MIN_CARRIER_LEN);
const _: () = assert!(WRAPPED_EXTRA + FRAGMENT_MASK.len() < 2 * MIN_EXPOSING_LEN);

/// One replacement.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    secret: Secret,
    /// Found decoded (base64, a dump): masked as `[REDACTED …]`.
    wrapped: bool,
}

/// Every span to mask in `bytes`, sorted by start (they may overlap).
fn spans(bytes: &[u8]) -> Vec<Span> {
    let span = |wrapped| {
        move |start, end, secret| Span {
            start,
            end,
            secret,
            wrapped,
        }
    };
    let (bare_span, wrapped_span) = (span(false), span(true));
    let mut bare = Vec::new();
    secret::secrets(bytes, &mut |a, b, s| bare.push(bare_span(a, b, s)));
    let mut carriers = Vec::new();
    carrier::carriers(bytes, carrier::LAYERS, &mut |a, b, s| {
        carriers.push(wrapped_span(a, b, s))
    });
    let mut dumps = Vec::new();
    dump::dumps(bytes, &mut |a, b, s| dumps.push(wrapped_span(a, b, s)));
    lines::line_dumps(bytes, &mut |a, b, s| dumps.push(wrapped_span(a, b, s)));
    // Each list is the work of a few left-to-right passes: a few sorted runs.
    merge(
        [bare, carriers, dumps]
            .into_iter()
            .flat_map(sorted_runs)
            .collect(),
    )
}

/// A list found by several passes, each left to right, split into its sorted runs.
fn sorted_runs(list: Vec<Span>) -> Vec<Vec<Span>> {
    let mut out: Vec<Vec<Span>> = Vec::new();
    for span in list {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|l| l.start <= span.start) => run.push(span),
            _ => out.push(vec![span]),
        }
    }
    out
}

/// Sorted lists merged into one sorted list: linear in their total length for a fixed
/// number of lists (a handful: one per pass), unlike a sort.
fn merge(lists: Vec<Vec<Span>>) -> Vec<Span> {
    let mut out = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut heads = vec![0usize; lists.len()];
    loop {
        let next = (0..lists.len())
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
/// The search runs over the text as it is and over its decoded views: with every escape
/// undone and invisible characters removed, and with invisible characters removed only
/// (see [`View::of`]); a stray `%` before a token (`%c2tf…`) would otherwise hide a key
/// that the text holds in plain sight.
fn text_spans(text: &[u8]) -> Vec<Span> {
    let mut lists = vec![spans(text)];
    for escapes in [true, false] {
        let view = View::of(text, escapes);
        if !view.is_decoded() {
            // Without escapes there is nothing the other view removes either.
            if escapes {
                break;
            }
            continue;
        }
        let decoded = spans(&view.bytes)
            .into_iter()
            .map(|s| {
                let (start, end) = view.source(s.start, s.end);
                Span { start, end, ..s }
            })
            .collect();
        lists.push(decoded);
    }
    merge(lists)
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
            span.secret = span.secret.or(spans[next].secret);
            span.wrapped |= spans[next].wrapped;
            next += 1;
        }
        out.extend_from_slice(&text[copied..span.start]);
        if span.wrapped {
            out.extend_from_slice(b"[REDACTED ");
            out.extend_from_slice(span.secret.mask());
            out.push(b']');
        } else {
            out.extend_from_slice(span.secret.mask());
        }
        copied = span.end;
    }
    out.extend_from_slice(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
