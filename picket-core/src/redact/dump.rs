//! Keys in byte dumps: the bytes of a key (or of a header carrying it) printed as numbers,
//! as loggers print a byte array or buffer:
//!
//! - decimal, space-separated: Go's `%v` of a `[]byte` (`[115 107 95 …]`);
//! - decimal, comma-separated: Rust's `{:?}` of a `Vec<u8>`, Python's `list(b)`, Java's
//!   `Arrays.toString` (`[115, 107, 95, …]`), JSON arrays such as a Node Buffer's `toJSON`
//!   (`"data":[115,107,95,…]`); and over several lines, padded into columns or one a line:
//!   Node's `console.log` of an `Array` or `Uint8Array`, Rust's `{:#?}` (`dbg!`), Python's
//!   `pprint`;
//! - hex pairs, separated by spaces, colons or dashes: Node's `<Buffer 73 6b 5f …>`,
//!   `od -An -tx1`, Python's `bytes.hex(':')`, .NET's `BitConverter.ToString`
//!   (`73-6B-5F`);
//! - `0x` hex, comma-separated: Rust's `{:x?}` and `{:#x?}`, C initialisers and `xxd -i`
//!   (`0x73, 0x6b, …`);
//! - hex pairs back to back: Go's `%x`, Python's `bytes.hex()`, `xxd -p` (`736b5f…`);
//! - lines of an offset and hex groups (`lines`): `hexdump -C`, `xxd`, `hexdump`, `od`.
//!
//! Each run of byte tokens with one separator is decoded and searched like base64's
//! decodings (a key, a fragment, or base64 carrying one: Node shows the first 50 bytes of a
//! Buffer holding `Basic c2tf…`).

use zeroize::Zeroize;

use super::carrier::secret_in;
use super::secret::{Secret, MIN_EXPOSING_LEN};

/// The punctuation a separator between tokens may start with; whitespace follows it or
/// stands alone. A run keeps its punctuation (or its lack of one) throughout, while the
/// whitespace may vary: Node pads numbers to align them in columns and wraps long arrays,
/// Rust's `{:#?}` (`dbg!`) and Python's `pprint` put each byte on a line of its own.
const PUNCTUATION: [u8; 3] = [b',', b':', b'-'];

/// A token's value and length at the start of `text`, if one starts there.
type Token = fn(&[u8]) -> Option<(u8, usize)>;

/// `0`–`255` in decimal, without a further digit.
fn decimal(text: &[u8]) -> Option<(u8, usize)> {
    let n = text
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(1..=3).contains(&n) {
        return None;
    }
    let value = text[..n]
        .iter()
        .fold(0u16, |v, d| v * 10 + u16::from(d - b'0'));
    u8::try_from(value).ok().map(|v| (v, n))
}

/// Two hex digits, without a third.
fn hex_pair(text: &[u8]) -> Option<(u8, usize)> {
    let n = text
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    if n != 2 {
        return None;
    }
    let mut byte = [0u8; 1];
    hex::decode_to_slice(&text[..2], &mut byte).ok()?;
    Some((byte[0], 2))
}

/// `0x` and one or two hex digits, without a third.
fn prefixed_hex(text: &[u8]) -> Option<(u8, usize)> {
    if !(text.starts_with(b"0x") || text.starts_with(b"0X")) {
        return None;
    }
    let digits = &text[2..];
    let n = digits
        .iter()
        .take(3)
        .take_while(|b| b.is_ascii_hexdigit())
        .count();
    if !(1..=2).contains(&n) {
        return None;
    }
    let value = digits[..n].iter().fold(0u8, |v, d| {
        let d = char::from(*d).to_digit(16).unwrap_or(0) as u8;
        v.wrapping_mul(16).wrapping_add(d)
    });
    Some((value, 2 + n))
}

/// Every run of byte tokens in `text` that holds a secret: `each(start, end, secret)`
/// with the span of the tokens that hold it, left to right.
///
/// Linear: one pass over the words (runs of letters and digits); a token run starts only
/// at a word and the pass goes on at the last token of the longest run found there (each
/// token starts at most one more run); a word is searched once for runs of 46 or more hex
/// digits.
pub(super) fn dumps(text: &[u8], each: &mut impl FnMut(usize, usize, Secret)) {
    if text.len() < MIN_EXPOSING_LEN * 2 {
        return;
    }
    let mut values = Vec::new();
    let mut spans = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let word_end = i + text[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let mut next = word_end;
        if word_end - i >= MIN_EXPOSING_LEN * 2 {
            hex_runs(text, i, word_end, &mut values, &mut |a, b, s| {
                found.push((a, b, s))
            });
        }
        // A token is a word of its own, of at most four characters.
        if word_end - i <= 4 && text[i].is_ascii_hexdigit() {
            for token in [decimal as Token, hex_pair, prefixed_hex] {
                let last = separated(text, i, token, &mut values, &mut spans, &mut |a, b, s| {
                    found.push((a, b, s))
                });
                next = next.max(last);
            }
        }
        // What one word starts is reported in order, before anything after it.
        found.sort_by_key(|f| f.0);
        for (a, b, secret) in found.drain(..) {
            each(a, b, secret);
        }
        i = next;
    }
    values.zeroize();
}

/// The run of `token`s that starts at `text[i]`, with one of [`PUNCTUATION`] or none throughout,
/// decoded and searched; returns where its last token starts (`i` when it has one or none),
/// where the next run may start.
fn separated(
    text: &[u8],
    i: usize,
    token: Token,
    values: &mut Vec<u8>,
    spans: &mut Vec<(usize, usize)>,
    each: &mut impl FnMut(usize, usize, Secret),
) -> usize {
    let Some((v, n)) = token(&text[i..]) else {
        return i;
    };
    values.clear();
    spans.clear();
    values.push(v);
    spans.push((i, i + n));
    let mut j = i + n;
    // The run's punctuation, once its first separator is seen: `Some(None)` for none.
    let mut punctuation: Option<Option<u8>> = None;
    while let Some(&first) = text.get(j) {
        let mark = PUNCTUATION.contains(&first).then_some(first);
        if punctuation.is_some_and(|p| p != mark) {
            break;
        }
        let after = j + usize::from(mark.is_some());
        let blank = text[after..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count();
        if mark.is_none() && blank == 0 {
            break;
        }
        let Some((v, n)) = token(&text[after + blank..]) else {
            break;
        };
        punctuation = Some(mark);
        values.push(v);
        spans.push((after + blank, after + blank + n));
        j = after + blank + n;
    }
    report(values, spans, each);
    // The last token may start a run with another separator (`0 73-6B-…`).
    spans.last().map_or(i, |s| s.0)
}

/// The runs of 46 or more hex digits inside the word `text[from..to]`, decoded as pairs
/// from either of their first two digits; each secret reported once, in order.
fn hex_runs(
    text: &[u8],
    from: usize,
    to: usize,
    values: &mut Vec<u8>,
    each: &mut impl FnMut(usize, usize, Secret),
) {
    let mut i = from;
    while i < to {
        let n = text[i..to]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if n < MIN_EXPOSING_LEN * 2 {
            i += n.max(1);
            continue;
        }
        for offset in 0..2 {
            let digits = &text[i + offset..i + n];
            values.clear();
            values.resize(digits.len() / 2, 0);
            if hex::decode_to_slice(&digits[..values.len() * 2], values).is_ok() {
                let at = |v: usize| i + offset + 2 * v;
                secret_spans(values, &mut |a, b, s| each(at(a), at(b), s));
            }
        }
        i += n;
    }
}

/// Reports the secrets a run of decoded `values` holds, over the spans of their tokens.
pub(super) fn report(
    values: &[u8],
    spans: &[(usize, usize)],
    each: &mut impl FnMut(usize, usize, Secret),
) {
    if values.len() < MIN_EXPOSING_LEN {
        return;
    }
    secret_spans(values, &mut |a, b, s| each(spans[a].0, spans[b - 1].1, s));
}

/// The bytes `a..b` of `values` that hold a secret, each, left to right; or all of them
/// when what they hold is base64 carrying one (a carrier is masked whole).
fn secret_spans(values: &[u8], each: &mut impl FnMut(usize, usize, Secret)) {
    let mut bare = false;
    super::secret::secrets(values, &mut |a, b, s| {
        bare = true;
        each(a, b, s);
    });
    if !bare {
        if let Some(s) = secret_in(values, 1) {
            each(0, values.len(), s);
        }
    }
}
