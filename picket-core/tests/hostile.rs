//! Hostile input: every public entry point given empty input, 1 MiB, every single byte
//! value, invalid UTF-8 and long runs of URI/credential metacharacters. Each must return a
//! specific error (or a plain "no"), never panic, and check its length limit before any
//! other work.

use picket_core::*;

use picket_test_support::hostile::{hostile_inputs, in_uri_path, MIB};

fn registry() -> Registry {
    let mut b = RegistryBuilder::new();
    b.add_project(
        1,
        Mode::Development,
        RedirectOptions {
            loopback_any_port: true,
            allow_private_use_schemes: true,
        },
    )
    .unwrap();
    b.add_redirect_uri(1, b"http://127.0.0.1/cb").unwrap();
    b.add_key(
        ApiKey::from_random_bytes(KeyKind::Publishable, [1; 16]).digest(),
        1,
        KeyKind::Publishable,
        None,
    )
    .unwrap();
    b.build().unwrap()
}

#[test]
fn every_entry_point_refuses_hostile_input() {
    let reg = registry();
    let all_opts = RedirectOptions {
        loopback_any_port: true,
        allow_private_use_schemes: true,
    };
    for input in hostile_inputs() {
        // Keys: only a 35-byte input can be a key.
        assert!(ApiKey::parse(&input).is_err());
        assert!(KeyDigest::from_hex(&input).is_err());
        assert!(parse_authorization(
            &input,
            HeaderOptions {
                accept_bearer: true
            }
        )
        .is_err());
        assert!(reg.authenticate(&input, 0, Requirement::Any).is_err());
        assert!(reg.authorize_redirect(&input, &input, 0).is_err());
        for mode in [Mode::Development, Mode::Production] {
            let r = validate_redirect_uri(&input, mode, all_opts);
            // A single letter is not a URI either; nothing here is a valid redirect URI.
            assert!(r.is_err(), "{:?}", &input[..input.len().min(16)]);
            assert!(!match_redirect_uri(
                &[b"https://example.com/"],
                &input,
                mode,
                all_opts
            ));
        }
        // The same runs inside a real URI's path: whatever the answer, it is an answer.
        let uri = in_uri_path(&input);
        for mode in [Mode::Development, Mode::Production] {
            let _ = validate_redirect_uri(&uri, mode, all_opts);
        }
        assert!(verify_pkce(&input, &input, b"S256").is_err());
        assert!(verify_pkce(&input, &input, &input).is_err());
        // Redaction accepts anything; hostile input has no key, so it comes back unchanged.
        assert_eq!(&redact_bytes(&input)[..], &input[..]);
    }
}

#[test]
fn length_limits_come_before_any_other_check() {
    // Each input is over the limit AND breaks an earlier-looking rule at byte 0: the error
    // must be the length one, which shows the length was checked first.
    let mut header = vec![0u8; MAX_HEADER_LEN + 1];
    header[1..6].copy_from_slice(b"Basic");
    assert_eq!(
        parse_authorization(&header, HeaderOptions::default()).unwrap_err(),
        HeaderError::TooLong
    );
    assert_eq!(
        parse_authorization(&vec![0u8; MIB], HeaderOptions::default()).unwrap_err(),
        HeaderError::TooLong
    );

    let uri = vec![b' '; MAX_REDIRECT_URI_LEN + 1];
    assert_eq!(
        validate_redirect_uri(&uri, Mode::Production, RedirectOptions::default()),
        Err(RedirectError::TooLong)
    );

    assert_eq!(
        ApiKey::parse(&vec![b'x'; MIB]).unwrap_err(),
        KeyError::UnknownPrefix
    );
    let mut long_key = b"sk_".to_vec();
    long_key.extend(vec![0u8; MIB]);
    assert_eq!(
        ApiKey::parse(&long_key).unwrap_err(),
        KeyError::WrongLength { found: MIB }
    );

    assert_eq!(
        KeyDigest::from_hex(&vec![b'g'; MIB]).unwrap_err(),
        DigestError::WrongLength { found: MIB }
    );

    let verifier = vec![b' '; MIB];
    assert_eq!(
        verify_pkce(&verifier, b"", b"S256"),
        Err(PkceError::VerifierLength { found: MIB })
    );
    let ok_verifier = [b'a'; 43];
    assert_eq!(
        verify_pkce(&ok_verifier, &vec![b' '; MIB], b"S256"),
        Err(PkceError::ChallengeLength { found: MIB })
    );
}

#[test]
fn errors_are_specific() {
    // Each hostile class gets the error that names its rule, not a generic failure.
    assert_eq!(
        parse_authorization(b"Basic \xff", HeaderOptions::default()).unwrap_err(),
        HeaderError::NonAscii { position: 6 }
    );
    assert_eq!(
        parse_authorization(b"Basic a\0b", HeaderOptions::default()).unwrap_err(),
        HeaderError::ControlCharacter {
            byte: 0,
            position: 7
        }
    );
    assert_eq!(
        validate_redirect_uri(
            b"https://a/%%%%",
            Mode::Production,
            RedirectOptions::default()
        ),
        Err(RedirectError::BadPercentEncoding { position: 10 })
    );
    assert_eq!(
        validate_redirect_uri(
            b"https://@@@@/",
            Mode::Production,
            RedirectOptions::default()
        ),
        Err(RedirectError::Userinfo)
    );
    assert_eq!(
        validate_redirect_uri(
            b"https://[[[[/",
            Mode::Production,
            RedirectOptions::default()
        ),
        Err(RedirectError::InvalidUrl(
            url::ParseError::InvalidIpv6Address
        ))
    );
    assert_eq!(
        validate_redirect_uri(b"::::", Mode::Production, RedirectOptions::default()),
        Err(RedirectError::MissingScheme)
    );
    assert_eq!(
        validate_redirect_uri(b"https:////", Mode::Production, RedirectOptions::default()),
        Err(RedirectError::EmptyHost)
    );
}
