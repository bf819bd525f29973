//! The text as the search sees it once its escapes are undone, with the offset in the text
//! of each byte: the escapes a log line may hold a key through.
//!
//! - `%XX` (URL encoding), `=XX` (RFC 2047 Q-encoding of mail headers, RFC 2045
//!   quoted-printable) and `\xHH` (Python's `bytes` repr, C and shell escapes): the byte;
//! - `\uXXXX` (JSON, JavaScript, Python's `json.dumps` and `repr`, Go's `%q`) and
//!   `\u{XXXX}` (Rust's `{:?}`): the character, when it is ASCII (`\u005f`) or invisible
//!   (below);
//! - `\` before `_`, `/`, `+` or `-` (Markdown's `sk\_…` and escaped base64, JSON's
//!   `\/`): the character (not before `%` or `=`, which start escapes of their own);
//! - invisible format characters a copy and paste can leave inside a key, removed: the
//!   soft hyphen U+00AD, U+200B–U+200F (zero-width space, non-joiner, joiner, the
//!   left-to-right and right-to-left marks), U+2060–U+2064 (word joiner and the invisible
//!   operators) and U+FEFF (zero-width no-break space, a byte order mark); raw, or escaped
//!   whole by one of the escapes above, as a tool writes one it was given: `%E2%80%8B`
//!   (a browser's request line, an access log), `=E2=80=8B`, `\xe2\x80\x8b` (a `bytes`
//!   repr), `\u200b` (`json.dumps`, Python's default for a JSON log, and `repr`),
//!   `\u{200b}` (Rust's `{:?}`), and a soft hyphen escaped alone in Latin-1 (`\xad`, as
//!   Python's `repr` of a `str` writes it; `%AD`).
//!
//! Each escape is undone once: `%255F` stays `%5F`. A quoted-printable soft line break (`=`
//! at the end of a line) is not undone: a padded base64 line ends the same way, and joining
//! it to the next line would mask that line's first word with it.

use std::borrow::Cow;

use zeroize::Zeroize;

/// The decoded text and where each of its bytes comes from.
pub(super) struct View<'a> {
    pub(super) bytes: Cow<'a, [u8]>,
    /// `starts[j]` is where view byte `j` begins in the text; one more entry for the end.
    /// `None`: the view is the text itself.
    starts: Option<Vec<usize>>,
}

/// What the escape at `text[i]` stands for (`None`: nothing, a removed character), and
/// its length; `None` when no escape starts there. Without `escapes`, only invisible
/// characters count.
fn escape_at(text: &[u8], i: usize, escapes: bool) -> Option<(Option<u8>, usize)> {
    let next = |k: usize| text.get(i + k).copied();
    if let Some(len) = invisible_at(&text[i..]) {
        return Some((None, len));
    }
    if !escapes {
        return None;
    }
    if let Some((byte, len)) = escaped_byte(&text[i..]) {
        // A soft hyphen in Latin-1: Python's `repr` of a `str` writes U+00AD as `\xad`.
        if byte == 0xAD {
            return Some((None, len));
        }
        // An invisible character escaped byte by byte, with one kind of escape.
        let lead = &text[i..i + len - 2];
        let mut bytes = [byte, 0, 0];
        let mut at = len;
        for slot in bytes.iter_mut().take(utf8_len(byte)).skip(1) {
            match escaped_byte(&text[i + at..]) {
                Some((b, l)) if l == len && text[i + at..].starts_with(lead) => {
                    *slot = b;
                    at += l;
                }
                _ => return Some((Some(byte), len)),
            }
        }
        if at > len && invisible_at(&bytes[..utf8_len(byte)]).is_some() {
            return Some((None, at));
        }
        return Some((Some(byte), len));
    }
    match text[i] {
        b'\\' if next(1) == Some(b'u') => unicode_escape(&text[i + 2..]).map(|(b, n)| (b, 2 + n)),
        b'\\' => next(1)
            .filter(|p| matches!(p, b'_' | b'/' | b'+' | b'-'))
            .map(|p| (Some(p), 2)),
        _ => None,
    }
}

/// What follows a `\u`: four hex digits (JSON, JavaScript, Python's `repr` and `json.dumps`,
/// Go's `%q`) or one to six in braces (Rust's `{:?}`, JavaScript). The character when it is
/// ASCII, nothing when it is invisible; and the length read.
fn unicode_escape(text: &[u8]) -> Option<(Option<u8>, usize)> {
    let (digits, len) = if text.first() == Some(&b'{') {
        let n = text[1..]
            .iter()
            .take(7)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        ((1..=6).contains(&n) && text.get(1 + n) == Some(&b'}'))
            .then_some((&text[1..1 + n], n + 2))?
    } else {
        let digits = text.get(..4)?;
        digits
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then_some((digits, 4))?
    };
    let code = digits.iter().fold(0u32, |v, d| {
        v * 16 + char::from(*d).to_digit(16).unwrap_or(0)
    });
    let c = char::from_u32(code)?;
    let mut utf8 = [0u8; 4];
    if c.is_ascii() {
        Some((Some(c as u8), len))
    } else {
        invisible_at(c.encode_utf8(&mut utf8).as_bytes()).map(|_| (None, len))
    }
}

/// `%XX`, `=XX` or `\xHH` at the start of `text`: the byte and the escape's length.
fn escaped_byte(text: &[u8]) -> Option<(u8, usize)> {
    let lead = match text.first()? {
        b'%' | b'=' => 1,
        b'\\' if text.get(1) == Some(&b'x') => 2,
        _ => return None,
    };
    let mut byte = [0u8; 1];
    hex::decode_to_slice(text.get(lead..lead + 2)?, &mut byte).ok()?;
    Some((byte[0], lead + 2))
}

/// The length of the UTF-8 sequence a lead byte of an invisible character starts (1 for
/// any other byte).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC2 => 2,
        0xE2 | 0xEF => 3,
        _ => 1,
    }
}

/// The length of the invisible format character that `text` starts with, if it does.
fn invisible_at(text: &[u8]) -> Option<usize> {
    match text {
        [0xC2, 0xAD, ..] => Some(2),
        [0xE2, 0x80, 0x8B..=0x8F, ..] | [0xE2, 0x81, 0xA0..=0xA4, ..] => Some(3),
        [0xEF, 0xBB, 0xBF, ..] => Some(3),
        _ => None,
    }
}

/// Whether `b` may start an escape.
fn may_escape(b: u8) -> bool {
    matches!(b, b'%' | b'=' | b'\\' | 0xC2 | 0xE2 | 0xEF)
}

impl<'a> View<'a> {
    /// The view of `text` with every escape undone (`escapes`) or with only its invisible
    /// characters removed: borrowed when that changes nothing.
    ///
    /// Both are searched: an escape character just before a token (`=c2tf…`, `%c2tf…`)
    /// decodes with the token's first two characters and hides the rest, and the text as it
    /// is may hold the token split by invisible characters.
    pub(super) fn of(text: &'a [u8], escapes: bool) -> View<'a> {
        let at = |i: usize| {
            may_escape(text[i])
                .then(|| escape_at(text, i, escapes))
                .flatten()
        };
        // The first escape: its first byte found by a plain scan, then checked.
        let mut from = 0;
        let first = loop {
            let Some(k) = text[from..].iter().position(|&b| may_escape(b)) else {
                break None;
            };
            if at(from + k).is_some() {
                break Some(from + k);
            }
            from += k + 1;
        };
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
            match at(i) {
                Some((decoded, len)) => {
                    if let Some(b) = decoded {
                        starts.push(i);
                        bytes.push(b);
                    }
                    i += len;
                }
                None => {
                    starts.push(i);
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

    /// Whether the view differs from the text.
    pub(super) fn is_decoded(&self) -> bool {
        self.starts.is_some()
    }

    /// Where view bytes `start..end` lie in the text (a removed character between two of
    /// them lies inside).
    pub(super) fn source(&self, start: usize, end: usize) -> (usize, usize) {
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
