//! `parse_authorization` on arbitrary bytes, with and without `accept_bearer`.
//!
//! Properties:
//! - an accepted header is one of the documented real-client forms of the key it yields:
//!   after trimming SP/HTAB at both ends it is `Basic` (any case), one or more SP, and
//!   base64 (standard, padded) of `KEY` or `KEY:`; with `accept_bearer` also `Bearer` (any
//!   case), one or more SP and `KEY`;
//! - turning `accept_bearer` on never rejects a header that was accepted without it and
//!   never changes the key; what it newly accepts was refused as `BearerNotEnabled`;
//! - every error code is a header code (300–399) or a key code (100–199);
//! - conversely, the real-client forms of a key built from the input (scheme case, number
//!   of spaces, surrounding SP/HTAB taken from the input) are all accepted and yield it.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use picket_core::{parse_authorization, ApiKey, HeaderError, HeaderOptions, KeyKind};
use picket_fuzz::{trim_sp_htab, Reader};

const BASIC: HeaderOptions = HeaderOptions {
    accept_bearer: false,
};
const BEARER: HeaderOptions = HeaderOptions {
    accept_bearer: true,
};

/// Splits a trimmed header at its first SP: the scheme and the token after the SP run.
/// `None` when there is no SP.
fn scheme_and_token(header: &[u8]) -> Option<(&[u8], &[u8])> {
    let t = trim_sp_htab(header);
    let sp = t.iter().position(|&b| b == b' ')?;
    let token = &t[sp..];
    let token = &token[token.iter().take_while(|&&b| b == b' ').count()..];
    Some((&t[..sp], token))
}

fn is_basic_form(header: &[u8], key: &ApiKey) -> bool {
    let Some((scheme, token)) = scheme_and_token(header) else {
        return false;
    };
    let with_colon = [&key.as_bytes()[..], b":"].concat();
    scheme.eq_ignore_ascii_case(b"basic")
        && (token == STANDARD.encode(key.as_bytes()).as_bytes()
            || token == STANDARD.encode(with_colon).as_bytes())
}

fn is_bearer_form(header: &[u8], key: &ApiKey) -> bool {
    let Some((scheme, token)) = scheme_and_token(header) else {
        return false;
    };
    scheme.eq_ignore_ascii_case(b"bearer") && token == &key.as_bytes()[..]
}

fn check_code(e: &HeaderError) {
    let code = e.code();
    assert!(
        (300..=399).contains(&code) || (100..=199).contains(&code),
        "header error code {code}"
    );
}

/// `n` bytes of optional whitespace, each SP or HTAB according to the bits of `bits`.
fn ows(n: u8, bits: u8) -> Vec<u8> {
    (0..n % 4)
        .map(|i| if bits >> i & 1 == 1 { b'\t' } else { b' ' })
        .collect()
}

fn real_forms_accepted(data: &[u8]) {
    let mut r = Reader::new(data);
    let shape = r.u8();
    let kind = if shape & 1 == 0 {
        KeyKind::Publishable
    } else {
        KeyKind::Secret
    };
    let key = ApiKey::from_random_bytes(kind, r.array());
    let spaces = vec![b' '; 1 + usize::from(shape >> 1 & 3)];
    let case = r.u8();
    let lead = ows(case, r.u8());
    let trail = ows(case >> 2, r.u8());
    let scheme = |word: &[u8]| -> Vec<u8> {
        word.iter()
            .enumerate()
            .map(|(i, &c)| {
                if case >> (i % 8) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    };
    let with_colon = [&key.as_bytes()[..], b":"].concat();
    for token in [
        STANDARD.encode(key.as_bytes()),
        STANDARD.encode(&with_colon),
    ] {
        let header = [
            &lead[..],
            &scheme(b"basic"),
            &spaces,
            token.as_bytes(),
            &trail,
        ]
        .concat();
        for opts in [BASIC, BEARER] {
            assert!(
                parse_authorization(&header, opts).as_ref() == Ok(&key),
                "a real Basic form was refused"
            );
        }
    }
    let header = [
        &lead[..],
        &scheme(b"bearer"),
        &spaces,
        key.as_bytes(),
        &trail,
    ]
    .concat();
    assert!(parse_authorization(&header, BEARER).as_ref() == Ok(&key));
    assert_eq!(
        parse_authorization(&header, BASIC).err(),
        Some(HeaderError::BearerNotEnabled)
    );
}

fuzz_target!(|data: &[u8]| {
    let basic = parse_authorization(data, BASIC);
    let bearer = parse_authorization(data, BEARER);
    match (&basic, &bearer) {
        (Ok(k), Ok(k2)) => {
            assert!(k == k2, "accept_bearer changed the key");
            assert!(
                is_basic_form(data, k),
                "accepted header is no real Basic form"
            );
        }
        (Ok(_), Err(_)) => panic!("accept_bearer refused a header accepted without it"),
        (Err(e), Ok(k)) => {
            assert_eq!(*e, HeaderError::BearerNotEnabled);
            assert!(
                is_bearer_form(data, k),
                "accepted header is no real Bearer form"
            );
        }
        (Err(e), Err(e2)) => {
            check_code(e);
            check_code(e2);
        }
    }
    real_forms_accepted(data);
});
