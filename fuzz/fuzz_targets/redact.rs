//! `redact_bytes` / `redact` on arbitrary bytes.
//!
//! Properties:
//! - no secret key (`sk_` and 32 lowercase hex digits) is left in the output; in
//!   particular no key present in the input survives;
//! - an input with no secret key and no `basic` word (any case) is returned unchanged and
//!   borrowed;
//! - redacting twice equals redacting once;
//! - the output is never longer than the input;
//! - on UTF-8 input, `redact` agrees with `redact_bytes` and its output is UTF-8;
//! - if the input is an `Authorization` value that yields a secret key, the output no
//!   longer yields a secret key (with or without `accept_bearer`).
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use picket_core::{parse_authorization, redact, redact_bytes, HeaderOptions, KeyKind};
use picket_fuzz::{contains, secret_keys};

/// Whether `text` has `basic` (any case) anywhere.
fn has_basic(text: &[u8]) -> bool {
    text.windows(5).any(|w| w.eq_ignore_ascii_case(b"basic"))
}

fn yields_secret(header: &[u8]) -> bool {
    [false, true].into_iter().any(|accept_bearer| {
        parse_authorization(header, HeaderOptions { accept_bearer })
            .is_ok_and(|k| k.kind() == KeyKind::Secret)
    })
}

fuzz_target!(|data: &[u8]| {
    let out = redact_bytes(data);
    let keys_in = secret_keys(data);
    assert!(
        secret_keys(&out).is_empty(),
        "a secret key is left in the output"
    );
    for key in &keys_in {
        assert!(!contains(&out, key), "an input secret key survived");
    }
    if keys_in.is_empty() && !has_basic(data) {
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
});
