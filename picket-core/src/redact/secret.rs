//! What counts as a secret key in bytes: a whole key in any letter case, or a fragment of
//! one long enough that the rest is cheap to guess.
//!
//! **The fragment threshold.** `sk_` followed by `n` hex digits leaves `32 - n` digits, `16
//! ^ (32 - n)` candidates, to guess, and a guess is worth something only online: each is a
//! request the server answers (it stores digests, and a guess must hash to one of them).
//! The most such requests an attacker gets is what a server answers: picket authenticates
//! in about 0.1 µs, but a request costs an HTTP server tens of µs, so 10^5 failed requests a
//! second is a generous ceiling (picket-server's own limit, 60 failures a minute per
//! address, is reached by 65,536 IPv6 /64s of one /48 at about 65,000 a second); for a
//! year that is 10^5 × 3.2 × 10^7 ≈ 2^41.5 guesses. A margin of 2^6 for faster servers and
//! longer-lived keys makes 2^48 the most candidates that count as cheap: 12 unknown digits,
//! so **20 digits known** ([`MIN_EXPOSED_DIGITS`]) expose a key. 19 leave 2^52, 1,400 years
//! at that rate; 31 (a key one digit short) leave 16 guesses.

use zeroize::Zeroize;

use crate::key::{Redacted, KEY_HEX_DIGITS, KEY_LEN};

/// The fewest hex digits after `sk_` that expose a secret key: with 20 of its 32 digits
/// known, the other 12 (2^48 candidates) are within reach of online guessing (see the
/// module documentation for the arithmetic).
///
/// ```
/// assert_eq!(picket_core::MIN_EXPOSED_DIGITS, 20);
/// let fragment = "key=sk_e1f767d29fa6e533f2e5 (truncated)";
/// assert_eq!(picket_core::redact(fragment), "key=sk_…(partial) (truncated)");
/// ```
pub const MIN_EXPOSED_DIGITS: usize = 20;

/// The mask of a fragment: no digit of it is shown (they are not the key's last four).
pub(super) const FRAGMENT_MASK: &str = "sk_…(partial)";

/// The shortest text that exposes a key: `sk_` and [`MIN_EXPOSED_DIGITS`] digits.
pub(super) const MIN_EXPOSING_LEN: usize = 3 + MIN_EXPOSED_DIGITS;

/// A secret found: a whole key (masked with its redacted form) or a fragment.
#[derive(Clone, Copy)]
pub(super) enum Secret {
    Key(Redacted),
    Fragment,
}

impl Secret {
    /// The more informative of two secrets masked as one: a whole key.
    pub(super) fn or(self, other: Secret) -> Secret {
        match (self, other) {
            (Secret::Key(k), _) | (_, Secret::Key(k)) => Secret::Key(k),
            _ => Secret::Fragment,
        }
    }

    /// The mask's text.
    pub(super) fn mask(&self) -> &[u8] {
        match self {
            Secret::Key(k) => k.as_bytes(),
            Secret::Fragment => FRAGMENT_MASK.as_bytes(),
        }
    }
}

/// Every secret in `bytes`, left to right, without overlap: `sk_` in any case, then 32 hex
/// digits (a key: the first 32 of a longer run) or at least [`MIN_EXPOSED_DIGITS`] (a
/// fragment). `each(start, end, secret)`.
///
/// Linear: the hex digits after a `sk_` are counted once, and no `sk_` starts among them
/// (`s`, `k` and `_` are not hex digits).
pub(super) fn secrets(bytes: &[u8], each: &mut impl FnMut(usize, usize, Secret)) {
    let mut i = 0;
    while i + MIN_EXPOSING_LEN <= bytes.len() {
        if !(bytes[i].eq_ignore_ascii_case(&b's')
            && bytes[i + 1].eq_ignore_ascii_case(&b'k')
            && bytes[i + 2] == b'_')
        {
            i += 1;
            continue;
        }
        let digits = bytes[i + 3..]
            .iter()
            .take(KEY_HEX_DIGITS)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if digits < MIN_EXPOSED_DIGITS {
            i += 3 + digits;
            continue;
        }
        let secret = if digits == KEY_HEX_DIGITS {
            let mut folded = [0u8; KEY_LEN];
            for (f, b) in folded.iter_mut().zip(&bytes[i..i + KEY_LEN]) {
                *f = b.to_ascii_lowercase();
            }
            let redacted = Redacted::of_text(&folded);
            folded.zeroize();
            Secret::Key(redacted)
        } else {
            Secret::Fragment
        };
        each(i, i + 3 + digits, secret);
        i += 3 + digits;
    }
}

/// The most informative secret in `bytes`, if any.
pub(super) fn first_secret(bytes: &[u8]) -> Option<Secret> {
    let mut found: Option<Secret> = None;
    secrets(bytes, &mut |_, _, s| {
        found = Some(found.map_or(s, |f| f.or(s)));
    });
    found
}
