//! The forms in which a key can sit in a log line and still be recovered by a trivial
//! transformation (picket-core's redaction rule): letter case, a fragment of it, `%XX` and
//! `=XX` escapes, `\/` and `\_`, invisible characters inside it, a lenient base64
//! credential after a scheme and a separator (cut short, wrapped at 76 or 64 columns, or
//! itself in base64), and byte dumps of all that. One renderer for the property tests of
//! picket-core and the `redact` fuzz target, which only choose the [`Form`].
//!
//! ```
//! use picket_test_support::forms::{Base64Form, Form};
//! use picket_test_support::keys::SK;
//! let form = Form {
//!     base64: Some(Base64Form { scheme: "Basic", separator: "  ", ..Base64Form::default() }),
//!     ..Form::default()
//! };
//! let (text, evidence) = form.render(SK);
//! assert!(text.starts_with("Basic  c2tf"));
//! assert!(evidence.iter().all(|e| text.contains(e.as_str())));
//! ```

use base64::alphabet::{Alphabet, STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// The schemes a base64 credential may follow in a log line.
pub const SCHEMES: [&str; 5] = ["", "Basic", "basic", "BASIC", "Authorization: Basic"];
/// The separators between the scheme and the credential.
pub const SEPARATORS: [&str; 7] = ["", " ", "\t", "  ", "+", "%20", " \t "];
/// What may follow the key inside the credential.
pub const INNER_AFTER: [&str; 4] = ["", ":", ":x", "\n"];
/// Invisible format characters a copy and paste can leave inside a key.
pub const INVISIBLE: [&str; 7] = [
    "\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}", "\u{ad}", "\u{200e}",
];

/// One way of writing a key.
#[derive(Clone, Debug, Default)]
pub struct Form {
    /// Bit i set: character i of the key in upper case.
    pub case_mask: u64,
    /// Only `sk_` and this many of the key's digits (a fragment), or the whole key.
    pub digits: Option<usize>,
    /// The key inside a base64 credential, or `None` for the bare key.
    pub base64: Option<Base64Form>,
    /// Bit i (mod 64) set: character i (of the bare key, or of `=+/` in the credential)
    /// escaped as `%XX`, or `=XX` with [`Form::q_encoding`].
    pub percent_mask: u64,
    /// Escapes with upper-case hex digits.
    pub percent_upper: bool,
    /// Escapes as RFC 2047 Q-encoding (`=5F`) rather than URL encoding (`%5F`).
    pub q_encoding: bool,
    /// `/` written as `\/` (PHP's json_encode).
    pub json_slash: bool,
    /// `_` written as `\_` (Markdown).
    pub markdown: bool,
    /// One of [`INVISIBLE`] inserted after each character (of the bare key, or of the
    /// outermost credential) whose bit (mod 64) is set.
    pub invisible: Option<(&'static str, u64)>,
    /// The bytes of all that printed as a byte dump; the escapes, `\/`, `\_` and invisible
    /// characters then do not apply (a dump shows the bytes as they are), nor do nesting
    /// and wrapping of the base64.
    pub dump: Option<Dump>,
}

/// The base64 part of a [`Form`].
#[derive(Clone, Debug, Default)]
pub struct Base64Form {
    /// Before the separator (one of [`SCHEMES`], or any).
    pub scheme: &'static str,
    /// Between the scheme and the credential (one of [`SEPARATORS`], or any).
    pub separator: &'static str,
    /// Text before the key inside the credential (`pk:`, `"x"*300 + ":"`).
    pub inner_before: String,
    /// Text after the key inside the credential (one of [`INNER_AFTER`], or any).
    pub inner_after: &'static str,
    /// The URL-safe alphabet instead of the standard one.
    pub url_safe: bool,
    /// `=` padding.
    pub padded: bool,
    /// The last character replaced by one with its unused low bits set.
    pub trailing_bits: bool,
    /// The credential cut short (a logger's field width) to the characters that carry the
    /// key's `sk_` and this many of its digits; no padding follows a cut.
    pub cut: Option<usize>,
    /// `scheme separator credential` itself in base64 (a Kubernetes Secret's value).
    pub nested: bool,
    /// The outermost base64 wrapped into lines: width (76 or 64) and CRLF or LF. Tools wrap
    /// a base64 text of its own: a redactor finds the lines when the credential starts its
    /// run of base64 characters (a separator `+`, or none after a scheme, joins them).
    pub wrap: Option<(usize, bool)>,
}

/// How a byte dump prints each byte and what it puts between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dump {
    /// Go's `%v` of a `[]byte`: `[115 107 95]`.
    GoDecimal,
    /// Rust's `{:?}` of a `Vec<u8>`: `[115, 107, 95]`.
    RustDecimal,
    /// A JSON array (Node's `Buffer.toJSON`): `[115,107,95]`.
    JsonArray,
    /// Node's `<Buffer 73 6b 5f>`.
    NodeBuffer,
    /// Rust's `{:#x?}`, C initialisers: `[0x73, 0x6b, 0x5f]`.
    PrefixedHex,
    /// Go's `%x`, Python's `bytes.hex()`: `736b5f`.
    Hex,
}

/// Every [`Dump`].
pub const DUMPS: [Dump; 6] = [
    Dump::GoDecimal,
    Dump::RustDecimal,
    Dump::JsonArray,
    Dump::NodeBuffer,
    Dump::PrefixedHex,
    Dump::Hex,
];

impl Dump {
    /// `bytes` printed this way, without the brackets around the list.
    pub fn print(self, bytes: &[u8]) -> String {
        let (sep, each): (&str, fn(&u8) -> String) = match self {
            Dump::GoDecimal => (" ", |b| b.to_string()),
            Dump::RustDecimal => (", ", |b| b.to_string()),
            Dump::JsonArray => (",", |b| b.to_string()),
            Dump::NodeBuffer => (" ", |b| format!("{b:02x}")),
            Dump::PrefixedHex => (", ", |b| format!("{b:#04x}")),
            Dump::Hex => ("", |b| format!("{b:02x}")),
        };
        bytes.iter().map(each).collect::<Vec<_>>().join(sep)
    }

    fn wrap(self, list: &str) -> String {
        match self {
            Dump::NodeBuffer => format!("<Buffer {list}>"),
            Dump::Hex => list.to_string(),
            _ => format!("[{list}]"),
        }
    }
}

/// The base64 characters of `token` that encode nothing but its bytes `from..to`.
fn chars_of(token: &str, from: usize, to: usize) -> String {
    let (first, last) = (from.div_ceil(3) * 4, to / 3 * 4);
    token
        .get(first..last.min(token.len()))
        .unwrap_or("")
        .to_string()
}

fn lenient(alphabet: &Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

impl Form {
    /// The key written in this form, and its evidence: the strings that encode the key's
    /// secret digits (the digits themselves; the base64 characters that encode them alone;
    /// their dump), which a redactor must remove wherever a trivial decoding of the output
    /// could show them (compare them in any letter case). Never an empty string.
    pub fn render(&self, key: &str) -> (String, Vec<String>) {
        let plain = self.dump.is_none();
        // Character i as written: escaped (when `escapable`) or not, then an invisible
        // character or not.
        let write = |i: usize, c: char, escapable: bool| {
            let mut out = if plain && escapable && self.percent_mask >> (i % 64) & 1 == 1 {
                let lead = if self.q_encoding { '=' } else { '%' };
                let e = format!("{lead}{:02x}", c as u32);
                if self.percent_upper {
                    e.to_uppercase()
                } else {
                    e
                }
            } else {
                c.to_string()
            };
            match self.invisible {
                Some((mark, mask)) if plain && mask >> (i % 64) & 1 == 1 => out.push_str(mark),
                _ => {}
            }
            out
        };
        let kept = 3 + self.digits.unwrap_or(32).min(32);
        let key: String = key
            .chars()
            .take(kept)
            .enumerate()
            .map(|(i, c)| {
                if i < 64 && self.case_mask >> i & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        let (mut text, mut evidence) = match &self.base64 {
            None => (
                key.chars()
                    .enumerate()
                    .map(|(i, c)| write(i, c, true))
                    .collect(),
                vec![key[3..].to_string()],
            ),
            Some(b) => self.credential(b, &key, &write),
        };
        if plain {
            if self.json_slash {
                text = text.replace('/', "\\/");
            }
            if self.markdown {
                text = text.replace('_', "\\_");
            }
        }
        if let Some(dump) = self.dump {
            evidence = evidence.iter().map(|e| dump.print(e.as_bytes())).collect();
            text = dump.wrap(&dump.print(text.as_bytes()));
        }
        evidence.retain(|e| !e.is_empty());
        (text, evidence)
    }

    /// A base64 credential carrying `key`, and its evidence.
    fn credential(
        &self,
        b: &Base64Form,
        key: &str,
        write: &dyn Fn(usize, char, bool) -> String,
    ) -> (String, Vec<String>) {
        let plain = self.dump.is_none();
        let alphabet: &Alphabet = if b.url_safe { &URL_SAFE } else { &STANDARD };
        let engine = lenient(alphabet);
        let inner = format!("{}{key}{}", b.inner_before, b.inner_after);
        let mut token = engine.encode(&inner);
        let (key_from, key_to) = (b.inner_before.len() + 3, b.inner_before.len() + key.len());
        if b.trailing_bits && token.len() % 4 != 0 {
            // Another last character that a lenient decoder reads as the same bytes.
            let want = engine.decode(&token).expect("its own encoding decodes");
            let stem = token[..token.len() - 1].to_string();
            if let Some(c) = alphabet
                .as_str()
                .chars()
                .rev()
                .find(|&c| engine.decode(format!("{stem}{c}")).ok().as_ref() == Some(&want))
            {
                token = format!("{stem}{c}");
            }
        }
        let mut key_to = key_to;
        match b.cut {
            Some(digits) => {
                key_to = key_to.min(key_from + digits);
                token.truncate((key_to * 4).div_ceil(3).min(token.len()));
            }
            None if b.padded => {
                while token.len() % 4 != 0 {
                    token.push('=');
                }
            }
            None => {}
        }
        let carrier = chars_of(&token, key_from, key_to);
        let escaped = |token: &str| -> String {
            token
                .chars()
                .enumerate()
                .map(|(i, c)| write(i, c, matches!(c, '=' | '+' | '/')))
                .collect()
        };
        let head = format!("{}{}", b.scheme, b.separator);
        if !plain || !b.nested {
            let text = format!("{head}{}", escaped(&self.wrapped(b, &token)));
            return (text, vec![carrier]);
        }
        // Nested: the escapes and the wrapping apply to the outer base64, the one the log
        // line shows.
        let outer = lenient(&STANDARD).encode(format!("{head}{token}"));
        let from = head.len() + token.find(&carrier).unwrap_or(0);
        let evidence = chars_of(&outer, from, from + carrier.len());
        (escaped(&self.wrapped(b, &outer)), vec![evidence])
    }

    /// The base64 `token` wrapped into lines, when asked for (and not in a dump).
    fn wrapped(&self, b: &Base64Form, token: &str) -> String {
        let Some((width, crlf)) = b.wrap.filter(|_| self.dump.is_none()) else {
            return token.to_string();
        };
        let newline = if crlf { "\r\n" } else { "\n" };
        let lines: Vec<&str> = token
            .as_bytes()
            .chunks(width)
            .map(|c| core::str::from_utf8(c).unwrap_or(""))
            .collect();
        lines.join(newline)
    }
}
