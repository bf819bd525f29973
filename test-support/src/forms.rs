//! The forms in which a key can sit in a log line and still be recovered by a trivial
//! transformation (picket-core's redaction rule): letter case, a fragment of it, `%XX`,
//! `=XX`, `\u00XX` and `\xHH` escapes, `\/` and `\_`, invisible characters inside it (raw or
//! escaped), a lenient base64
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
/// Invisible format characters a copy and paste can leave inside a key: raw, and escaped
/// as the tools that log them write them (a browser's request line, RFC 2047, Python's
/// `json.dumps`, `repr` of a `str` and of `bytes`, Rust's `{:?}`).
pub const INVISIBLE: [&str; 15] = [
    "\u{200b}",
    "\u{200c}",
    "\u{200d}",
    "\u{2060}",
    "\u{feff}",
    "\u{ad}",
    "\u{200e}",
    "%E2%80%8B",
    "%c2%ad",
    "=E2=80=8B",
    "\\u200b",
    "\\u00ad",
    "\\xe2\\x80\\x8b",
    "\\u{200b}",
    "\\xad",
];

/// How an escaped character is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Escape {
    /// URL encoding: `%5f`.
    #[default]
    Percent,
    /// RFC 2047 Q-encoding, quoted-printable: `=5f`.
    Q,
    /// A JSON `\u` escape: `\u005f`.
    JsonU,
    /// A C or Python `\x` escape: `\x5f`.
    CHex,
}

/// Every [`Escape`].
pub const ESCAPES: [Escape; 4] = [Escape::Percent, Escape::Q, Escape::JsonU, Escape::CHex];

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
    /// escaped as [`Form::escape`] says.
    pub percent_mask: u64,
    /// Escapes with upper-case hex digits.
    pub percent_upper: bool,
    /// How escaped characters are written.
    pub escape: Escape,
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
    /// Rust's `{:#?}` (`dbg!`): one byte a line, indented, each with a comma.
    RustPretty,
    /// Node's `console.log` of an `Array`: rows of 9, each number padded to the widest.
    NodeColumns,
    /// .NET's `BitConverter.ToString`: `73-6B-5F`.
    DotNet,
    /// `hexdump -C`: an offset, 16 pairs (a gap after 8), the text column.
    HexdumpC,
    /// `xxd`: an offset and a colon, 8 groups of two bytes, the text column.
    Xxd,
    /// `hexdump` (`od -x`): an offset, 8 little-endian words of two bytes.
    HexdumpWords,
}

/// Every [`Dump`].
pub const DUMPS: [Dump; 12] = [
    Dump::GoDecimal,
    Dump::RustDecimal,
    Dump::JsonArray,
    Dump::NodeBuffer,
    Dump::PrefixedHex,
    Dump::Hex,
    Dump::RustPretty,
    Dump::NodeColumns,
    Dump::DotNet,
    Dump::HexdumpC,
    Dump::Xxd,
    Dump::HexdumpWords,
];

/// The text column of a line of `hexdump -C` and `xxd`.
fn text_column(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

impl Dump {
    /// `bytes` printed this way, and the span in it of each byte's token (two bytes of a
    /// group share their group's).
    pub fn layout(self, bytes: &[u8]) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut spans = Vec::with_capacity(bytes.len());
        let mut token = |out: &mut String, text: &str, n: usize| {
            let start = out.len();
            out.push_str(text);
            spans.extend(std::iter::repeat_n((start, out.len()), n));
        };
        let simple = |sep: &str, each: fn(&u8) -> String| (sep.to_string(), each);
        // Dumps in lines: bytes a line, the offset as printed, groups of two bytes.
        type Lined = (usize, fn(usize) -> String, bool);
        let lined: Option<Lined> = match self {
            Dump::HexdumpC => Some((16, |o| format!("{o:08x}  "), false)),
            Dump::Xxd => Some((16, |o| format!("{o:08x}: "), true)),
            Dump::HexdumpWords => Some((16, |o| format!("{o:07x} "), true)),
            _ => None,
        };
        if let Some((per_line, offset, words)) = lined {
            for (row, chunk) in bytes.chunks(per_line).enumerate() {
                if row > 0 {
                    out.push('\n');
                }
                out.push_str(&offset(row * per_line));
                if words {
                    for (k, pair) in chunk.chunks(2).enumerate() {
                        if k > 0 {
                            out.push(' ');
                        }
                        let text = match (self, pair) {
                            (Dump::HexdumpWords, [a, b]) => format!("{b:02x}{a:02x}"),
                            (Dump::HexdumpWords, [a]) => format!("00{a:02x}"),
                            (_, p) => p.iter().map(|b| format!("{b:02x}")).collect(),
                        };
                        token(&mut out, &text, pair.len());
                    }
                } else {
                    for (k, b) in chunk.iter().enumerate() {
                        if k > 0 {
                            out.push_str(if k == 8 { "  " } else { " " });
                        }
                        token(&mut out, &format!("{b:02x}"), 1);
                    }
                }
                match self {
                    Dump::HexdumpC => out.push_str(&format!("  |{}|", text_column(chunk))),
                    Dump::Xxd => out.push_str(&format!("  {}", text_column(chunk))),
                    _ => {}
                }
            }
            return (out, spans);
        }
        let (sep, each) = match self {
            Dump::GoDecimal => simple(" ", |b| b.to_string()),
            Dump::RustDecimal => simple(", ", |b| b.to_string()),
            Dump::JsonArray => simple(",", |b| b.to_string()),
            Dump::NodeBuffer => simple(" ", |b| format!("{b:02x}")),
            Dump::PrefixedHex => simple(", ", |b| format!("{b:#04x}")),
            Dump::Hex => simple("", |b| format!("{b:02x}")),
            Dump::RustPretty => simple(",\n    ", |b| b.to_string()),
            Dump::DotNet => simple("-", |b| format!("{b:02X}")),
            _ => simple(", ", |b| b.to_string()),
        };
        let width = bytes.iter().map(|b| b.to_string().len()).max().unwrap_or(1);
        for (k, b) in bytes.iter().enumerate() {
            if self == Dump::NodeColumns {
                if k > 0 {
                    out.push_str(if k % 9 == 0 { ",\n  " } else { ", " });
                }
                out.push_str(&" ".repeat(width - b.to_string().len()));
            } else if k > 0 {
                out.push_str(&sep);
            }
            token(&mut out, &each(b), 1);
        }
        (out, spans)
    }

    /// `bytes` printed this way, without the brackets around the list.
    pub fn print(self, bytes: &[u8]) -> String {
        self.layout(bytes).0
    }

    fn wrap(self, list: &str) -> String {
        match self {
            Dump::NodeBuffer => format!("<Buffer {list}>"),
            Dump::RustPretty => format!("[\n    {list},\n]"),
            Dump::NodeColumns => format!("[\n  {list}\n]"),
            // .NET's string stands between separators, as a logger puts a value.
            Dump::DotNet => format!(" {list} "),
            // The dump tools end every line, the last too.
            Dump::HexdumpC | Dump::Xxd | Dump::HexdumpWords => format!("{list}\n"),
            Dump::Hex => list.to_string(),
            _ => format!("[{list}]"),
        }
    }

    /// The evidence `e`, found in `text` before it was dumped, as the dump of `text`
    /// shows it: the text from its first byte's token to its last's (what survives if the
    /// dump is not masked at all), and the tokens of its bytes on each line they lie on
    /// (what survives if only some lines are; a line holding fewer than three of them is
    /// left out: too short to tell from other text).
    fn evidence(self, text: &str, e: &str) -> Vec<String> {
        let Some(from) = text.find(e) else {
            return vec![self.print(e.as_bytes())];
        };
        let (out, spans) = self.layout(text.as_bytes());
        let spans = &spans[from..from + e.len()];
        let mut pieces = vec![out[spans[0].0..spans[spans.len() - 1].1].to_string()];
        let mut line = Vec::new();
        for (k, span) in spans.iter().enumerate() {
            line.push(*span);
            let breaks = spans
                .get(k + 1)
                .is_none_or(|next| next.0 > span.1 && out[span.1..next.0].contains('\n'));
            if breaks {
                if line.len() >= 3 {
                    pieces.push(out[line[0].0..line[line.len() - 1].1].to_string());
                }
                line.clear();
            }
        }
        pieces
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
                let (lead, digits) = match self.escape {
                    Escape::Percent => ("%", 2),
                    Escape::Q => ("=", 2),
                    Escape::JsonU => ("\\u", 4),
                    Escape::CHex => ("\\x", 2),
                };
                let hex = format!("{:0digits$x}", c as u32);
                let hex = if self.percent_upper {
                    hex.to_uppercase()
                } else {
                    hex
                };
                format!("{lead}{hex}")
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
            evidence = evidence
                .iter()
                .flat_map(|e| dump.evidence(&text, e))
                .collect();
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
