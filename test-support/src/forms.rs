//! The forms in which a key can sit in a log line and still be recovered by a trivial
//! transformation (picket-core's redaction rule): letter case, `%XX` escapes, `\/`, and a
//! lenient base64 credential after a scheme and a separator. One renderer for the property
//! tests of picket-core and the `redact` fuzz target, which only choose the [`Form`].
//!
//! ```
//! use picket_test_support::forms::{Base64Form, Form};
//! use picket_test_support::keys::SK;
//! let form = Form {
//!     base64: Some(Base64Form { scheme: "Basic", separator: "  ", ..Base64Form::default() }),
//!     ..Form::default()
//! };
//! let (text, carrier) = form.render(SK);
//! assert!(text.starts_with("Basic  c2tf"));
//! assert!(text.contains(&carrier.unwrap()));
//! ```

use base64::alphabet::{Alphabet, STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// The length of a key: the prefix and 32 hex digits.
const KEY_LEN: usize = 35;

/// The schemes a base64 credential may follow in a log line.
pub const SCHEMES: [&str; 5] = ["", "Basic", "basic", "BASIC", "Authorization: Basic"];
/// The separators between the scheme and the credential.
pub const SEPARATORS: [&str; 7] = ["", " ", "\t", "  ", "+", "%20", " \t "];
/// What may follow the key inside the credential.
pub const INNER_AFTER: [&str; 4] = ["", ":", ":x", "\n"];

/// One way of writing a key.
#[derive(Clone, Debug, Default)]
pub struct Form {
    /// Bit i set: character i of the key in upper case.
    pub case_mask: u64,
    /// The key inside a base64 credential, or `None` for the bare key.
    pub base64: Option<Base64Form>,
    /// Bit i (mod 64) set: character i (of the bare key, or of `=+/` in the credential)
    /// written as `%XX`.
    pub percent_mask: u64,
    /// `%XX` with upper-case hex digits.
    pub percent_upper: bool,
    /// `/` written as `\/` (PHP's json_encode).
    pub json_slash: bool,
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
}

impl Form {
    /// The key written in this form, and for a base64 form the characters of the
    /// credential that encode the key's body alone (the carrier a redactor must remove).
    pub fn render(&self, key: &str) -> (String, Option<String>) {
        let percent = |i: usize, c: char| {
            if self.percent_mask >> (i % 64) & 1 == 1 {
                let e = format!("%{:02x}", c as u32);
                if self.percent_upper {
                    e.to_uppercase()
                } else {
                    e
                }
            } else {
                c.to_string()
            }
        };
        let key: String = key
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i < 64 && self.case_mask >> i & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        let Some(b) = &self.base64 else {
            return (
                key.chars()
                    .enumerate()
                    .map(|(i, c)| percent(i, c))
                    .collect(),
                None,
            );
        };
        let alphabet: &Alphabet = if b.url_safe { &URL_SAFE } else { &STANDARD };
        let lenient = GeneralPurpose::new(
            alphabet,
            GeneralPurposeConfig::new()
                .with_encode_padding(false)
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let mut token = lenient.encode(format!("{}{key}{}", b.inner_before, b.inner_after));
        // The base64 groups that encode nothing but the key's body.
        let first = (b.inner_before.len() + 3).div_ceil(3) * 4;
        let last = (b.inner_before.len() + KEY_LEN) / 3 * 4;
        let carrier = token[first..last].to_string();
        if b.trailing_bits && token.len() % 4 != 0 {
            // Another last character that a lenient decoder reads as the same bytes.
            let want = lenient.decode(&token).expect("its own encoding decodes");
            let stem = token[..token.len() - 1].to_string();
            if let Some(c) = alphabet
                .as_str()
                .chars()
                .rev()
                .find(|&c| lenient.decode(format!("{stem}{c}")).ok().as_ref() == Some(&want))
            {
                token = format!("{stem}{c}");
            }
        }
        if b.padded {
            while token.len() % 4 != 0 {
                token.push('=');
            }
        }
        let token: String = token
            .chars()
            .enumerate()
            .map(|(i, c)| match c {
                '=' | '+' | '/' => percent(i, c),
                _ => c.to_string(),
            })
            .collect();
        let mut text = format!("{}{}{token}", b.scheme, b.separator);
        if self.json_slash {
            text = text.replace('/', "\\/");
        }
        (text, Some(carrier))
    }
}
