//! Keys carried in base64: every run of base64 characters long enough to carry a fragment
//! of a key is decoded, leniently, at each of its four alignments, in both alphabets, and
//! searched for a key (and, once more, for base64 inside: a key encoded twice, as a
//! Kubernetes Secret holds an `Authorization` value).
//!
//! A run continues across a line break (`\n` or `\r\n`) that ends a line of exactly 76 or
//! 64 of its characters: base64 wrapped as MIME, the `base64` tool and Python wrap it (76),
//! or as PEM and OpenSSL do (64).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use zeroize::Zeroize;

use super::secret::{first_secret, Secret, MIN_EXPOSING_LEN};

/// The `base64` crate's most lenient decoding: padding optional, trailing bits ignored.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Shortest base64 text that can carry a fragment: `sk_` and 20 digits need 31 characters.
pub(super) const MIN_CARRIER_LEN: usize = (MIN_EXPOSING_LEN * 4).div_ceil(3);

/// The widths at which tools wrap base64 into lines.
const LINE_WIDTHS: [usize; 2] = [76, 64];

/// Layers of base64 searched: a key in base64, and in base64 of base64.
pub(super) const LAYERS: u8 = 2;

/// One of the two alphabets.
struct Alphabet {
    engine: &'static GeneralPurpose,
    /// `member[b]`: whether byte `b` is in the alphabet.
    member: [bool; 256],
    /// Whether a run is worth decoding in this alphabet: a URL-safe run without `-` or `_`
    /// is all letters and digits, so it lies inside a standard run, whose four alignments
    /// decode every byte it carries; the URL-safe pass skips it.
    worth: fn(&[u8]) -> bool,
    /// What a run must hold to be worth decoding, per layers left: 1, the encoding of `sk_`
    /// in any case; 2, that or the encoding of such an encoding (in either alphabet).
    patterns: [Patterns; 2],
}

/// Characters of a base64 text that depend only on the bytes a pattern stands for, not on
/// the bytes around them.
#[derive(Clone, Copy)]
struct Pattern {
    chars: [u8; 5],
    len: usize,
}

/// A set of [`Pattern`]s, indexed by first character and by first two.
struct Patterns {
    list: [Pattern; 84],
    len: usize,
    /// Bit k of `starts[c]`: pattern k starts with `c`.
    starts: [u128; 256],
    /// Bit `b` of `pairs[a]`: a pattern starts with the characters of values `a` and `b`.
    pairs: [u64; 64],
    /// The value of each character of the alphabet (64 for the others).
    value: [u8; 256],
}

impl Patterns {
    /// Whether `chars` (characters of the alphabet) hold one of the patterns.
    fn found_in(&self, chars: &[u8]) -> bool {
        (0..chars.len().saturating_sub(2)).any(|i| {
            let (a, b) = (
                self.value[usize::from(chars[i])],
                self.value[usize::from(chars[i + 1])],
            );
            if a >= 64 || b >= 64 || self.pairs[usize::from(a)] >> b & 1 == 0 {
                return false;
            }
            let mut mask = self.starts[usize::from(chars[i])];
            while mask != 0 {
                let p = &self.list[mask.trailing_zeros() as usize];
                // At most five bytes: compared in place (a call to memcmp costs more).
                if chars.len() - i >= p.len && (1..p.len).all(|k| chars[i + k] == p.chars[k]) {
                    return true;
                }
                mask &= mask - 1;
            }
            false
        })
    }
}

/// The characters of the base64 (alphabet `table`) of a stream that holds `bytes[..m]` at
/// byte `align` of a group of three, that depend on those bytes alone: the characters
/// whose six bits lie inside them.
const fn fixed(bytes: &[u8; 5], m: usize, align: usize, table: &[u8; 64]) -> Pattern {
    let (start, end) = (8 * align, 8 * align + 8 * m);
    let mut p = Pattern {
        chars: [0; 5],
        len: 0,
    };
    let mut j = start.div_ceil(6);
    while 6 * j + 6 <= end {
        let mut v = 0usize;
        let mut b = 0;
        while b < 6 {
            let bit = 6 * j + b - start;
            v = v << 1 | (bytes[bit / 8] >> (7 - bit % 8) & 1) as usize;
            b += 1;
        }
        p.chars[p.len] = table[v];
        p.len += 1;
        j += 1;
    }
    p
}

/// What `sk_`, `sK_`, `Sk_` and `SK_` encode to at each of the three alignments in the
/// alphabet `table`: 4 characters when the prefix starts a group, 3 otherwise.
const fn prefix_patterns(table: &[u8; 64]) -> [Pattern; 12] {
    let mut out = [Pattern {
        chars: [0; 5],
        len: 0,
    }; 12];
    let mut k = 0;
    while k < 12 {
        let (variant, align) = (k / 3, k % 3);
        let s = if variant & 1 == 0 { b's' } else { b'S' };
        let c = if variant & 2 == 0 { b'k' } else { b'K' };
        out[k] = fixed(&[s, c, b'_', 0, 0], 3, align, table);
        k += 1;
    }
    out
}

/// The patterns worth decoding for `layers` (1 or 2) left, in the alphabet `table`.
const fn patterns(table: &[u8; 64], layers: usize) -> Patterns {
    let mut p = Patterns {
        list: [Pattern {
            chars: [0; 5],
            len: 0,
        }; 84],
        len: 0,
        starts: [0; 256],
        pairs: [0; 64],
        value: [64; 256],
    };
    let mut v = 0;
    while v < 64 {
        p.value[table[v] as usize] = v as u8;
        v += 1;
    }
    let direct = prefix_patterns(table);
    let mut k = 0;
    while k < 12 {
        p.list[p.len] = direct[k];
        p.len += 1;
        k += 1;
    }
    if layers > 1 {
        // A prefix pattern of either alphabet, as bytes, at each alignment of this one.
        let inner = [
            prefix_patterns(STANDARD_TABLE),
            prefix_patterns(URL_SAFE_TABLE),
        ];
        let mut a = 0;
        while a < 2 {
            let mut k = 0;
            while k < 12 {
                let mut align = 0;
                while align < 3 {
                    let q = inner[a][k];
                    p.list[p.len] = fixed(&q.chars, q.len, align, table);
                    p.len += 1;
                    align += 1;
                }
                k += 1;
            }
            a += 1;
        }
    }
    let mut k = 0;
    while k < p.len {
        let [c0, c1, ..] = p.list[k].chars;
        p.starts[c0 as usize] |= 1 << k;
        p.pairs[p.value[c0 as usize] as usize] |= 1 << p.value[c1 as usize];
        k += 1;
    }
    p
}

/// The membership table of an alphabet.
const fn members(table: &[u8; 64]) -> [bool; 256] {
    let mut out = [false; 256];
    let mut i = 0;
    while i < 64 {
        out[table[i] as usize] = true;
        i += 1;
    }
    out
}

const STANDARD_TABLE: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE_TABLE: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static ALPHABETS: [Alphabet; 2] = [
    Alphabet {
        engine: &STANDARD_LENIENT,
        member: members(STANDARD_TABLE),
        worth: |_| true,
        patterns: [patterns(STANDARD_TABLE, 1), patterns(STANDARD_TABLE, 2)],
    },
    Alphabet {
        engine: &URL_SAFE_LENIENT,
        member: members(URL_SAFE_TABLE),
        worth: |run| run.iter().any(|&b| matches!(b, b'-' | b'_')),
        patterns: [patterns(URL_SAFE_TABLE, 1), patterns(URL_SAFE_TABLE, 2)],
    },
];

impl Alphabet {
    /// Whether the run `chars` can carry a key within `layers` layers of base64: only if
    /// it holds a pattern (a cheap test that spares decoding the runs of ordinary text).
    fn may_carry(&self, chars: &[u8], layers: u8) -> bool {
        let p = &self.patterns[usize::from(layers.clamp(1, 2)) - 1];
        p.found_in(chars)
    }
}

/// Every maximal base64 run in `bytes` that carries a secret, with the `=` padding after
/// it, per alphabet and left to right: `each(start, end, secret)`. `layers` is how many
/// layers of base64 to undo (at least 1).
///
/// Linear: runs of one alphabet are disjoint, each is decoded at most four times, and what
/// a decoding yields is searched once more only while `layers` lasts.
pub(super) fn carriers(bytes: &[u8], layers: u8, each: &mut impl FnMut(usize, usize, Secret)) {
    if bytes.len() < MIN_CARRIER_LEN {
        return;
    }
    for alphabet in ALPHABETS.iter() {
        runs(bytes, &alphabet.member, &mut |start, end, chars| {
            if chars.len() < MIN_CARRIER_LEN
                || !(alphabet.worth)(chars)
                || !alphabet.may_carry(chars, layers)
            {
                return end;
            }
            match carried(chars, alphabet.engine, layers) {
                Some(secret) => {
                    let end = end + bytes[end..].iter().take_while(|&&b| b == b'=').count();
                    each(start, end, secret);
                    end
                }
                None => end,
            }
        });
    }
}

/// What decoded bytes reveal: a secret in them, or in a base64 run inside them while
/// `layers` (of base64 still to undo) lasts.
pub(super) fn secret_in(decoded: &[u8], layers: u8) -> Option<Secret> {
    let mut found = first_secret(decoded);
    if layers > 0 {
        carriers(decoded, layers, &mut |_, _, s| {
            found = Some(found.map_or(s, |f| f.or(s)));
        });
    }
    found
}

/// The most informative secret the base64 `chars` carry at any alignment.
fn carried(chars: &[u8], engine: &GeneralPurpose, layers: u8) -> Option<Secret> {
    let mut found: Option<Secret> = None;
    let mut buf = Vec::new();
    for offset in 0..4 {
        let mut aligned = &chars[offset..];
        // A lone last character carries no whole byte: the decoder refuses it.
        if aligned.len() % 4 == 1 {
            aligned = &aligned[..aligned.len() - 1];
        }
        buf.resize(aligned.len().div_ceil(4) * 3, 0);
        if let Ok(n) = engine.decode_slice(aligned, &mut buf[..]) {
            if let Some(s) = secret_in(&buf[..n], layers - 1) {
                found = Some(found.map_or(s, |f| f.or(s)));
            }
        }
        buf.zeroize();
        if matches!(found, Some(Secret::Key(_))) {
            break;
        }
    }
    found
}

/// Every maximal run of `contains` characters, joined across wrapped lines:
/// `each(start, end, chars)` gets its span in `bytes` and its characters without the line
/// breaks, and returns where the scan goes on.
fn runs(bytes: &[u8], member: &[bool; 256], each: &mut impl FnMut(usize, usize, &[u8]) -> usize) {
    let contains = |b: &u8| member[usize::from(*b)];
    let count = |from: usize| bytes[from..].iter().take_while(|b| contains(b)).count();
    let mut i = 0;
    while i < bytes.len() {
        if !contains(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut line = i;
        let mut joined: Option<Vec<u8>> = None;
        let end = loop {
            let line_end = line + count(line);
            let rest = &bytes[line_end..];
            let newline = if rest.starts_with(b"\r\n") {
                2
            } else {
                usize::from(rest.starts_with(b"\n"))
            };
            let wrapped = newline > 0
                && LINE_WIDTHS.contains(&(line_end - line))
                && bytes.get(line_end + newline).is_some_and(&contains);
            if let Some(j) = joined.as_mut() {
                j.extend_from_slice(&bytes[line..line_end]);
            } else if wrapped {
                joined = Some(bytes[line..line_end].to_vec());
            }
            if !wrapped {
                break line_end;
            }
            line = line_end + newline;
        };
        i = each(start, end, joined.as_deref().unwrap_or(&bytes[start..end]));
        if let Some(mut j) = joined {
            j.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns are what the `base64` crate encodes `sk_` to at each alignment, and
    /// the encodings of those encodings: every carrier holds one.
    #[test]
    fn every_carrier_holds_a_pattern() {
        let engines = [&STANDARD_LENIENT, &URL_SAFE_LENIENT];
        for (alphabet, engine) in ALPHABETS.iter().zip(engines) {
            for prefix in [b"sk_", b"sK_", b"Sk_", b"SK_"] {
                for before in [&b""[..], b"x", b"\xff\xfe"] {
                    let bytes = [before, &prefix[..], b"\xfb\xff"].concat();
                    let text = engine.encode(&bytes);
                    assert!(alphabet.may_carry(text.as_bytes(), 1), "{text}");
                    for inner in engines {
                        for pad in ["", "a", "ab"] {
                            let nested = engine.encode(format!("{pad}{}", inner.encode(&bytes)));
                            assert!(alphabet.may_carry(nested.as_bytes(), 2), "{nested}");
                        }
                    }
                }
            }
            let pk = engine.encode(b"pk_d9960d04426c1e9f3941bec7e39c8854:");
            assert!(!alphabet.may_carry(pk.as_bytes(), 1));
            assert!(!alphabet.may_carry(pk.as_bytes(), 2));
        }
    }
}
