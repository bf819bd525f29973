//! `redact_bytes` / `redact` on arbitrary bytes, and on secret keys the fuzzer writes in
//! any recoverable form inside arbitrary bytes.
//!
//! Properties, on any input:
//! - no secret key (`sk_` and 32 hex digits, any case) is left in the output; in
//!   particular no key present in the input survives, nor any fragment of
//!   `MIN_EXPOSED_DIGITS` (20) or more digits;
//! - an input that cannot hold a key in any form the redactor decodes (no `s`/`S`, no
//!   escape character, no byte above 0x7F, no two digits in a row, no run of 31 base64
//!   characters) is returned unchanged and borrowed;
//! - redacting twice equals redacting once;
//! - the output is never longer than the input;
//! - on UTF-8 input, `redact` agrees with `redact_bytes` and its output is UTF-8;
//! - if the input is an `Authorization` value that yields a secret key, the output no
//!   longer yields a secret key (with or without `accept_bearer`).
//!
//! And on a key the fuzzer places (the first 32 bytes choose the key and its form, with
//! picket-test-support's renderer: letter case, a fragment of 20 to 31 digits, `%XX` or
//! `=XX`, `\xHH`, `\u00XX`, `\/`, `\_`, invisible characters inside it (raw or escaped), the base64 credential's alphabet,
//! padding, trailing bits, cut, scheme, separator, nesting, wrapping and the text around the
//! key inside it, a byte dump on one line or in a dump tool's lines; the rest is the text around it): none of the form's
//! evidence (the key's digits in any case, the base64 characters that encode them alone,
//! their dump) survives, in the output or in a trivial decoding of it (unless the fuzzer
//! planted part of it in the surrounding text itself); the same form of a publishable key
//! leaves the text unchanged.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use picket_core::{
    parse_authorization, redact, redact_bytes, ApiKey, HeaderOptions, KeyKind, MIN_EXPOSED_DIGITS,
};
use picket_fuzz::{contains, secret_keys};
use picket_test_support::forms::{
    Base64Form, Form, DUMPS, ESCAPES, INNER_AFTER, INVISIBLE, SCHEMES, SEPARATORS,
};
use picket_test_support::keys::PK;

fn yields_secret(header: &[u8]) -> bool {
    [false, true].into_iter().any(|accept_bearer| {
        parse_authorization(header, HeaderOptions { accept_bearer })
            .is_ok_and(|k| k.kind() == KeyKind::Secret)
    })
}

/// Whether `text` may hold a key in some form the redactor decodes.
fn may_hold_key(text: &[u8]) -> bool {
    let mut run = 0;
    let mut digits = 0;
    for &b in text {
        if matches!(b, b's' | b'S' | b'%' | b'=' | b'\\') || b >= 0x80 {
            return true;
        }
        run = if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_') {
            run + 1
        } else {
            0
        };
        digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
        if run >= 31 || digits >= 2 {
            return true;
        }
    }
    false
}

/// Whether `text` holds `sk_` (any case) and 20 or more hex digits.
fn fragments(text: &[u8]) -> bool {
    text.windows(3).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"sk_")
            && text[i + 3..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count()
                >= MIN_EXPOSED_DIGITS
    })
}

fn folded_contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `text` with `%XX` and `=XX` decoded once, `\_`, `\/`, `\+` and `\-` unescaped,
/// invisible characters and line breaks removed.
fn url_decoded(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let escaped = text
            .get(i + 1..i + 3)
            .filter(|pair| matches!(text[i], b'%' | b'=') && pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| core::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            _ if text[i] == b'\\' && matches!(text.get(i + 1), Some(b'_' | b'/' | b'+' | b'-')) => {
                out.push(text[i + 1]);
                i += 2;
            }
            _ if matches!(text[i], b'\r' | b'\n') => i += 1,
            _ => match INVISIBLE
                .iter()
                .find(|m| text[i..].starts_with(m.as_bytes()))
            {
                Some(m) => i += m.len(),
                None => {
                    out.push(text[i]);
                    i += 1;
                }
            },
        }
    }
    out
}

fn check_any(data: &[u8]) {
    let out = redact_bytes(data);
    let keys_in = secret_keys(data);
    assert!(
        secret_keys(&out).is_empty(),
        "a secret key is left in the output"
    );
    assert!(
        !fragments(&out),
        "a fragment of a secret key is left in the output"
    );
    for key in &keys_in {
        assert!(!contains(&out, key), "an input secret key survived");
    }
    if !may_hold_key(data) {
        assert!(
            matches!(out, Cow::Borrowed(_)),
            "text without keys was copied"
        );
        assert_eq!(&out[..], data);
    }
    assert!(out.len() <= data.len(), "output longer than input");
    assert_eq!(redact_bytes(&out), out, "redacting twice differs from once");

    if let Ok(text) = core::str::from_utf8(data) {
        let s = redact(text);
        assert_eq!(s.as_bytes(), &out[..], "redact disagrees with redact_bytes");
        assert!(core::str::from_utf8(&out).is_ok());
    }
    if yields_secret(data) {
        assert!(
            !yields_secret(&out),
            "a redacted header still authenticates"
        );
    }
}

/// The form of a key that `choice` and `more` select (the renderer is
/// picket-test-support's, shared with the core's property tests): bits 0..35 of `choice`
/// the letter case of each character, 35..38 which characters are escaped (every k-th, or
/// none), 38 base64 or bare, and the rest the base64 credential's alphabet, padding,
/// trailing bits, `\/`, scheme, separator and the text around the key inside it; `more`
/// the cut, nesting and wrapping of the credential, the fragment, the escape style, `\_`,
/// an invisible character and a byte dump.
fn form(choice: u64, more: u64) -> Form {
    let bit = |n: u32| choice >> n & 1 == 1;
    let field = |shift: u32, modulus: u64| ((choice >> shift) % modulus) as usize;
    let more_bit = |n: u32| more >> n & 1 == 1;
    let more_field = |shift: u32, modulus: u64| ((more >> shift) % modulus) as usize;
    let every = field(35, 8);
    let percent_mask = if every == 0 {
        0
    } else {
        (0..64)
            .filter(|i| i % every == 0)
            .fold(0u64, |m, i| m | 1 << i)
    };
    let base64 = bit(38).then(|| {
        let scheme = SCHEMES[field(43, SCHEMES.len() as u64)];
        let separator = SEPARATORS[field(46, SEPARATORS.len() as u64)];
        let nested = more_bit(0);
        // A `+`, or no separator after a scheme, joins the scheme to the credential's run:
        // its first line is then not a full line, and wrapping is not generated.
        let joined = separator == "+" || (separator.is_empty() && !scheme.is_empty());
        Base64Form {
            scheme,
            separator,
            inner_before: match field(51, 4) {
                0 => String::new(),
                1 => format!("{PK}:"),
                n => format!("{}:", "x".repeat(field(53, 400) + n)),
            },
            inner_after: INNER_AFTER[field(49, INNER_AFTER.len() as u64)],
            url_safe: bit(39),
            padded: bit(40),
            trailing_bits: bit(41),
            cut: more_bit(1).then(|| MIN_EXPOSED_DIGITS + more_field(2, 13)),
            nested,
            wrap: (more_bit(6) && (nested || !joined))
                .then(|| (if more_bit(7) { 76 } else { 64 }, more_bit(8))),
        }
    });
    let wrapped = base64.as_ref().is_some_and(|b| b.wrap.is_some());
    Form {
        case_mask: choice & ((1 << 35) - 1),
        digits: more_bit(9).then(|| MIN_EXPOSED_DIGITS + more_field(10, 12)),
        base64,
        percent_mask,
        percent_upper: true,
        escape: ESCAPES[more_field(30, ESCAPES.len() as u64)],
        json_slash: bit(42),
        markdown: more_bit(15),
        invisible: more_bit(16).then(|| {
            (
                INVISIBLE[more_field(17, INVISIBLE.len() as u64)],
                more >> 20,
            )
        }),
        dump: (more_bit(21) && !wrapped).then(|| DUMPS[more_field(22, DUMPS.len() as u64)]),
    }
}

fn check_form(data: &[u8]) {
    let (head, text) = data.split_at(32);
    let random: [u8; 16] = head[..16].try_into().expect("16 bytes");
    let choice = u64::from_le_bytes(head[16..24].try_into().expect("8 bytes"));
    let more = u64::from_le_bytes(head[24..32].try_into().expect("8 bytes"));
    let form = form(choice, more);
    let (before, after) = text.split_at(text.len() / 2);
    // Wrapped lines are found from the start of the credential's run.
    let mut before = before.to_vec();
    if form.base64.as_ref().is_some_and(|b| b.wrap.is_some()) {
        before.push(b' ');
    }
    let before = &before[..];

    let sk = ApiKey::from_random_bytes(KeyKind::Secret, random);
    let (carried, evidence) = form.render(sk.expose());
    let input = [before, carried.as_bytes(), after].concat();
    let out = redact_bytes(&input);
    assert!(out.len() <= input.len(), "output longer than input");
    let body = &sk.expose().as_bytes()[3..];
    // The text around the key is the fuzzer's: it may plant the digits or the evidence
    // there itself (it learns them from the comparisons below). The 32 digits alone, or
    // their base64, carry no `sk_` and are left alone by design (a hex digest looks the
    // same), so only the key the form placed is judged; text that holds part of the digits
    // or of the evidence can complete them next to the mask, and is not judged either.
    let planted = [before, after].iter().any(|t| {
        [t.to_vec(), url_decoded(t)].iter().any(|t| {
            folded_contains(t, &body[4..12])
                || evidence.iter().any(|e| {
                    let e = e.as_bytes();
                    folded_contains(t, &e[..e.len().min(8)])
                })
        })
    });
    for text in [out.to_vec(), url_decoded(&out)] {
        if planted {
            break;
        }
        for e in &evidence {
            assert!(
                !folded_contains(&text, e.as_bytes()),
                "evidence {e:?} survived in {:?}",
                String::from_utf8_lossy(&out)
            );
        }
    }

    // The same form of a publishable key, in text that holds no secret key itself. A base64
    // run of the text that touches the form continues into the form's own base64 (a scheme
    // word such as `BASIC`, or the carrier): the two together can decode to a secret key
    // that neither holds alone, and masking that is right, so such text is not judged.
    let joins = |b: Option<&u8>| {
        b.is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
        })
    };
    if !may_hold_key(before)
        && !may_hold_key(after)
        && !joins(before.last())
        && !joins(after.first())
    {
        let pk = ApiKey::from_random_bytes(KeyKind::Publishable, random);
        let (carried, _) = form.render(pk.expose());
        let harmless = [before, carried.as_bytes(), after].concat();
        let out = redact_bytes(&harmless);
        assert!(
            matches!(out, Cow::Borrowed(_)),
            "a publishable key was masked: {:?} became {:?}",
            String::from_utf8_lossy(&harmless),
            String::from_utf8_lossy(&out)
        );
    }
}

fuzz_target!(|data: &[u8]| {
    check_any(data);
    if data.len() >= 32 {
        check_form(data);
    }
});
