//! The text as the search sees it once its escapes are undone, with the offset in the text
//! of each byte: the escapes a log line may hold a key through.
//!
//! - `%XX` (URL encoding) and `=XX` (RFC 2047 Q-encoding of mail headers, RFC 2045
//!   quoted-printable): the byte;
//! - `\` before `_`, `/`, `+` or `-` (Markdown's `sk\_…` and escaped base64, JSON's
//!   `\/`): the character (not before `%` or `=`, which start escapes of their own);
//! - invisible format characters a copy and paste can leave inside a key, removed: the
//!   soft hyphen U+00AD, U+200B–U+200F (zero-width space, non-joiner, joiner, the
//!   left-to-right and right-to-left marks), U+2060–U+2064 (word joiner and the invisible
//!   operators) and U+FEFF (zero-width no-break space, a byte order mark).
//!
//! Each escape is undone once: `%255F` stays `%5F`.

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
    match text[i] {
        b'%' | b'=' | b'\\' if !escapes => None,
        b'%' | b'=' => {
            let mut byte = [0u8; 1];
            hex::decode_to_slice(text.get(i + 1..i + 3)?, &mut byte).ok()?;
            Some((Some(byte[0]), 3))
        }
        b'\\' => next(1)
            .filter(|p| matches!(p, b'_' | b'/' | b'+' | b'-'))
            .map(|p| (Some(p), 2)),
        0xC2 if next(1) == Some(0xAD) => Some((None, 2)),
        0xE2 => match (next(1), next(2)) {
            (Some(0x80), Some(0x8B..=0x8F)) | (Some(0x81), Some(0xA0..=0xA4)) => Some((None, 3)),
            _ => None,
        },
        0xEF if next(1) == Some(0xBB) && next(2) == Some(0xBF) => Some((None, 3)),
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
