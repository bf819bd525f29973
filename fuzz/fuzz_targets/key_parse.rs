//! `ApiKey::parse` on arbitrary bytes.
//!
//! Properties:
//! - the input is accepted exactly when it is 35 bytes: `pk_` or `sk_` and 32 lowercase hex
//!   digits; the `FromStr` path agrees with the byte path;
//! - an accepted key re-formats to the input bytes (`as_bytes`, `expose`), re-parses to
//!   itself, is rebuilt by `from_random_bytes` from its decoded body, and its kind agrees
//!   with its prefix;
//! - `Display`/`Debug` of a secret key show `sk_…` and the last 4 digits, never the body;
//!   a publishable key displays in full;
//! - an error has a code in 100–199 and a message that echoes no run of hex digits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{ApiKey, KeyKind, KEY_LEN, KEY_RANDOM_BYTES, REDACTED_LEN};
use picket_fuzz::{contains, has_hex_run, is_key_text};

fuzz_target!(|data: &[u8]| {
    let parsed = ApiKey::parse(data);
    let well_formed = is_key_text(data, b"pk_") || is_key_text(data, b"sk_");
    assert_eq!(
        parsed.is_ok(),
        well_formed,
        "accepted iff prefix + 32 lowercase hex"
    );
    if let Ok(text) = core::str::from_utf8(data) {
        assert!(
            text.parse::<ApiKey>() == parsed,
            "FromStr disagrees with parse"
        );
    }
    let key = match parsed {
        Ok(key) => key,
        Err(e) => {
            assert!(
                (100..=199).contains(&e.code()),
                "key error code {}",
                e.code()
            );
            assert!(!has_hex_run(&e.to_string(), 8), "error message echoes hex");
            return;
        }
    };

    // Re-formatting gives back the same bytes.
    assert_eq!(&key.as_bytes()[..], data);
    assert_eq!(key.expose().as_bytes(), data);
    assert_eq!(key.as_bytes().len(), KEY_LEN);
    assert!(ApiKey::parse(key.as_bytes()).as_ref() == Ok(&key));

    // The kind agrees with the prefix.
    let want_kind = match &data[..3] {
        b"pk_" => KeyKind::Publishable,
        b"sk_" => KeyKind::Secret,
        _ => unreachable!("accepted input without a known prefix"),
    };
    assert_eq!(key.kind(), want_kind);
    assert_eq!(key.kind().prefix().as_bytes(), &data[..3]);

    // The body is the hex of 16 bytes that rebuild the key.
    let mut random = [0u8; KEY_RANDOM_BYTES];
    for (i, byte) in random.iter_mut().enumerate() {
        let pair = core::str::from_utf8(&data[3 + 2 * i..5 + 2 * i]).expect("hex is ASCII");
        *byte = u8::from_str_radix(pair, 16).expect("body is hex");
    }
    assert!(ApiKey::from_random_bytes(key.kind(), random) == key);
    assert!(key.digest().verify(&key));

    // Redaction: prefix, "…", last 4 digits.
    let redacted = key.redacted();
    let want_redacted = [&data[..3], "…".as_bytes(), &data[KEY_LEN - 4..]].concat();
    assert_eq!(&redacted.as_bytes()[..], &want_redacted[..]);
    assert_eq!(redacted.as_bytes().len(), REDACTED_LEN);

    let body = &data[3..];
    let shown = [
        key.to_string(),
        format!("{key:?}"),
        format!("{key:#?}"),
        format!("{redacted}"),
        format!("{redacted:?}"),
    ];
    match key.kind() {
        KeyKind::Secret => {
            for s in &shown {
                // The body without its last 4 digits must not appear, nor any 5 digits of it
                // in a row (only 4 are shown).
                assert!(!contains(s.as_bytes(), body), "secret body printed");
                assert!(
                    !body.windows(5).any(|w| contains(s.as_bytes(), w)),
                    "more than 4 digits of a secret printed"
                );
                assert!(contains(s.as_bytes(), redacted.as_bytes()));
            }
            assert_eq!(shown[0], redacted.as_str());
        }
        KeyKind::Publishable => {
            assert_eq!(shown[0].as_bytes(), data);
        }
    }
});
