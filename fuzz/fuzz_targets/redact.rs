//! `redact_bytes` / `redact` on arbitrary bytes, and on secret keys the fuzzer writes in
//! any recoverable form inside arbitrary bytes.
//!
//! Properties, on any input:
//! - no secret key (`sk_` and 32 hex digits, any case) is left in the output; in
//!   particular no key present in the input survives;
//! - an input with no `s`/`S`, no escape (`%`, `\`) and no run of 47 base64 characters
//!   cannot hold a key: it is returned unchanged and borrowed;
//! - redacting twice equals redacting once;
//! - the output is never longer than the input;
//! - on UTF-8 input, `redact` agrees with `redact_bytes` and its output is UTF-8;
//! - if the input is an `Authorization` value that yields a secret key, the output no
//!   longer yields a secret key (with or without `accept_bearer`).
//!
//! And on a key the fuzzer places (the first 24 bytes choose the key and its form: letter
//! case, `%XX`, base64 alphabet, padding, trailing bits, scheme, separator, text around it
//! inside the credential; the rest is the text around it): neither the key's 32-digit body
//! in any case nor the base64 characters that encode it survive, in the output or in its
//! URL-decoded form (unless the fuzzer planted them in the surrounding text itself); the
//! same form of a publishable key leaves the text unchanged.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use picket_core::{parse_authorization, redact, redact_bytes, ApiKey, HeaderOptions, KeyKind};
use picket_fuzz::{contains, secret_keys};
use picket_test_support::forms::{Base64Form, Form, INNER_AFTER, SCHEMES, SEPARATORS};
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
    for &b in text {
        if matches!(b, b's' | b'S' | b'%' | b'\\') {
            return true;
        }
        run = if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_') {
            run + 1
        } else {
            0
        };
        if run >= 47 {
            return true;
        }
    }
    false
}

fn folded_contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `text` with `%XX` decoded once and `\/` unescaped.
fn url_decoded(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let escaped = text
            .get(i + 1..i + 3)
            .filter(|pair| text[i] == b'%' && pair.iter().all(u8::is_ascii_hexdigit))
            .and_then(|pair| core::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            _ if text[i] == b'\\' && text.get(i + 1) == Some(&b'/') => {
                out.push(b'/');
                i += 2;
            }
            _ => {
                out.push(text[i]);
                i += 1;
            }
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

/// The form of a key that `choice` selects (the renderer is picket-test-support's, shared
/// with the core's property tests): bits 0..35 the letter case of each character, 35..38
/// which characters are %-encoded (every k-th, or none), 38 base64 or bare, and the rest
/// the base64 credential's alphabet, padding, trailing bits, `\/`, scheme, separator and
/// the text around the key inside it.
fn form(choice: u64) -> Form {
    let bit = |n: u32| choice >> n & 1 == 1;
    let field = |shift: u32, modulus: u64| ((choice >> shift) % modulus) as usize;
    let every = field(35, 8);
    let percent_mask = if every == 0 {
        0
    } else {
        (0..64)
            .filter(|i| i % every == 0)
            .fold(0u64, |m, i| m | 1 << i)
    };
    let base64 = bit(38).then(|| Base64Form {
        scheme: SCHEMES[field(43, SCHEMES.len() as u64)],
        separator: SEPARATORS[field(46, SEPARATORS.len() as u64)],
        inner_before: match field(51, 4) {
            0 => String::new(),
            1 => format!("{PK}:"),
            n => format!("{}:", "x".repeat(field(53, 400) + n)),
        },
        inner_after: INNER_AFTER[field(49, INNER_AFTER.len() as u64)],
        url_safe: bit(39),
        padded: bit(40),
        trailing_bits: bit(41),
    });
    Form {
        case_mask: choice & ((1 << 35) - 1),
        base64,
        percent_mask,
        percent_upper: true,
        json_slash: bit(42),
    }
}

/// The key written in the form `choice` selects; for a base64 form, also the characters
/// that encode the key's body alone.
fn render(key: &str, choice: u64) -> (Vec<u8>, Option<String>) {
    let (text, carrier) = form(choice).render(key);
    (text.into_bytes(), carrier)
}

fn check_form(data: &[u8]) {
    let (head, text) = data.split_at(24);
    let random: [u8; 16] = head[..16].try_into().expect("16 bytes");
    let choice = u64::from_le_bytes(head[16..24].try_into().expect("8 bytes"));
    let (before, after) = text.split_at(text.len() / 2);

    let sk = ApiKey::from_random_bytes(KeyKind::Secret, random);
    let (carried, carrier) = render(sk.expose(), choice);
    let input = [before, &carried, after].concat();
    let out = redact_bytes(&input);
    assert!(out.len() <= input.len(), "output longer than input");
    let body = &sk.expose().as_bytes()[3..];
    // The text around the key is the fuzzer's: it may plant the body or the carrier there
    // itself (it learns them from the comparisons below). The 32 digits alone, or their
    // base64, carry no `sk_` and are left alone by design (a hex digest looks the same),
    // so only the key the form placed is judged. The mask keeps the key's last 4 digits
    // (`sk_…9e24`), so text that holds the other 28 can complete the body next to it.
    let planted = [before, after].iter().any(|t| {
        [t.to_vec(), url_decoded(t)].iter().any(|t| {
            folded_contains(t, &body[4..])
                || carrier.as_ref().is_some_and(|c| contains(t, c.as_bytes()))
        })
    });
    for text in [out.to_vec(), url_decoded(&out)] {
        if planted {
            break;
        }
        assert!(!folded_contains(&text, body), "the key's body survived");
        if let Some(c) = &carrier {
            assert!(
                !contains(&text, c.as_bytes()),
                "the base64 carrier survived"
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
        let (carried, _) = render(pk.expose(), choice);
        let harmless = [before, &carried, after].concat();
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
    if data.len() >= 24 {
        check_form(data);
    }
});
