//! Properties of the core, checked with proptest over generated inputs.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use picket_core::*;
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = KeyKind> {
    prop_oneof![Just(KeyKind::Publishable), Just(KeyKind::Secret)]
}

fn key() -> impl Strategy<Value = ApiKey> {
    (kind(), any::<[u8; 16]>()).prop_map(|(k, b)| ApiKey::from_random_bytes(k, b))
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Development), Just(Mode::Production)]
}

/// Every `Authorization` form a real client sends for `key`.
fn real_client_headers(key: &ApiKey) -> Vec<String> {
    let k = key.expose();
    vec![
        format!("Basic {}", STANDARD.encode(format!("{k}:"))), // Go SetBasicAuth, requests, curl -u
        format!("Basic  {}", STANDARD.encode(k)),              // official JS / Node SDKs
        format!("basic {}", STANDARD.encode(format!("{k}:"))),
        format!("BASIC {}", STANDARD.encode(k)),
        format!("\t Basic {} \t", STANDARD.encode(format!("{k}:"))),
    ]
}

/// Short URIs built from pieces that exercise the registration rules.
fn uri() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("https://"),
        Just("http://"),
        Just("HTTPS://"),
        Just("https:"),
        Just("com.example.app:/"),
        Just("javascript:"),
    ];
    let host = prop_oneof![
        Just("example.com"),
        Just("localhost"),
        Just("127.0.0.1"),
        Just("[::1]"),
        Just("127.1"),
        Just("app.localhost"),
        Just("user@example.com"),
        Just(""),
    ];
    let port = prop_oneof![
        Just(""),
        Just(":3000"),
        Just(":0"),
        Just(":65536"),
        Just(":")
    ];
    let path = "[a-z/%#*?=.A-F0-9 ]{0,12}";
    (scheme, host, port, path).prop_map(|(s, h, p, path)| format!("{s}{h}{p}/{path}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn format_parse_round_trip(kind in kind(), bytes in any::<[u8; 16]>()) {
        let key = ApiKey::from_random_bytes(kind, bytes);
        let parsed = ApiKey::parse(key.as_bytes()).unwrap();
        prop_assert_eq!(parsed.kind(), kind);
        prop_assert_eq!(parsed.as_bytes(), key.as_bytes());
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        prop_assert_eq!(&key.as_bytes()[3..], hex.as_bytes());
    }

    #[test]
    fn single_byte_change_is_rejected_or_changes_digest(
        key in key(), index in 0usize..KEY_LEN, byte in any::<u8>()
    ) {
        let mut changed = *key.as_bytes();
        prop_assume!(changed[index] != byte);
        changed[index] = byte;
        if let Ok(other) = ApiKey::parse(&changed) {
            prop_assert!(other.digest() != key.digest());
            prop_assert!(!key.digest().verify(&other));
        }
    }

    #[test]
    fn secret_keys_never_print(bytes in any::<[u8; 16]>()) {
        let key = ApiKey::from_random_bytes(KeyKind::Secret, bytes);
        let body = &key.expose()[3..31];
        let shown = [key.to_string(), format!("{:?}", key)];
        prop_assert!(!shown[0].contains(body));
        prop_assert!(!shown[1].contains(body));
    }

    #[test]
    fn every_real_client_form_authenticates(key in key()) {
        for header in real_client_headers(&key) {
            let got = parse_authorization(header.as_bytes(), HeaderOptions::default());
            prop_assert_eq!(got.as_ref().map(|k| k.as_bytes()), Ok(key.as_bytes()), "{}", header);
        }
    }

    /// Issue 10.2: the key's prefix decides its kind. Whatever the row says, a key
    /// authenticates only with the kind its own prefix names; a row of the other kind
    /// refuses it (KindMismatch, 401), in every client form, for every requirement, at any
    /// time, and it is no client_id.
    #[test]
    fn prefix_decides_the_kind(key in key(), stored in kind(), expires_at in any::<Option<u64>>(), now in any::<u64>()) {
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Development, RedirectOptions::default()).unwrap();
        b.add_redirect_uri(1, b"http://localhost:3000/cb").unwrap();
        b.add_key(key.digest(), 1, stored, expires_at).unwrap();
        let reg = b.build().unwrap();
        for header in real_client_headers(&key) {
            for req in [Requirement::Any, Requirement::Publishable, Requirement::Secret] {
                let got = reg.authenticate(header.as_bytes(), now, req);
                if stored != key.kind() {
                    prop_assert_eq!(got, Err(AuthError::KindMismatch));
                } else if let Ok(auth) = got {
                    prop_assert_eq!(auth.kind, key.kind());
                }
            }
        }
        let authorized = reg.authorize_redirect(key.as_bytes(), b"http://localhost:3000/cb", now);
        if authorized.is_ok() {
            prop_assert!(key.kind() == KeyKind::Publishable && stored == KeyKind::Publishable);
        }
    }

    #[test]
    fn other_headers_never_authenticate(key in key(), junk in "[ -~]{0,3}", pos in 0usize..64) {
        // Take a real header and insert junk somewhere: unless the result is still one of
        // the real-client forms of some key, it must be refused.
        let base = real_client_headers(&key)[0].clone();
        let pos = pos.min(base.len());
        let mutated = format!("{}{}{}", &base[..pos], junk, &base[pos..]);
        if let Ok(got) = parse_authorization(mutated.as_bytes(), HeaderOptions::default()) {
            prop_assert!(is_basic_form(&mutated, &got), "{mutated:?} authenticated as a form no client sends");
        }
    }

    #[test]
    fn arbitrary_headers_accepted_only_in_documented_forms(header in "[ -~\t]{0,80}") {
        if let Ok(got) = parse_authorization(header.as_bytes(), HeaderOptions::default()) {
            prop_assert!(is_basic_form(&header, &got), "{header:?}");
        }
    }

    #[test]
    fn matching_is_byte_equality(
        mode in mode(),
        entries in proptest::collection::vec(uri(), 0..6),
        pick in any::<prop::sample::Index>(),
        candidate in uri(),
    ) {
        let mut list = Whitelist::new(mode, RedirectOptions::default());
        let accepted: Vec<&String> = entries.iter().filter(|e| list.register(e.as_bytes()).is_ok()).collect();
        // A candidate drawn from the entries, and an unrelated one.
        let candidates = [entries.get(pick.index(entries.len().max(1))).cloned().unwrap_or_default(), candidate];
        for c in candidates {
            prop_assert_eq!(list.matches(c.as_bytes()), accepted.iter().any(|e| e.as_bytes() == c.as_bytes()), "{:?}", c);
        }
    }

    #[test]
    fn registration_never_accepts_bad_bytes(mode in mode(), uri in uri(), bad in prop_oneof![0u8..0x21, 0x7fu8..=0xff, Just(b'#')], pos in 0usize..40) {
        let mut bytes = uri.into_bytes();
        let pos = pos.min(bytes.len());
        bytes.insert(pos, bad);
        for opts in [RedirectOptions::default(), RedirectOptions { allow_private_use_schemes: true, loopback_any_port: true }] {
            prop_assert!(validate_redirect_uri(&bytes, mode, opts).is_err());
        }
    }

    #[test]
    fn registration_accepts_only_printable_ascii(mode in mode(), uri in uri()) {
        if validate_redirect_uri(uri.as_bytes(), mode, RedirectOptions::default()).is_ok() {
            prop_assert!(uri.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'#' && b != b'*'));
            if mode == Mode::Production {
                prop_assert!(uri.to_ascii_lowercase().starts_with("https://"));
            }
        }
    }

    #[test]
    fn pkce_round_trip(verifier in "[A-Za-z0-9._~-]{43,128}") {
        let challenge = pkce_challenge(verifier.as_bytes()).unwrap();
        prop_assert_eq!(verify_pkce(verifier.as_bytes(), &challenge, b"S256"), Ok(()));
        prop_assert_eq!(verify_pkce(verifier.as_bytes(), &challenge, b"plain"), Err(PkceError::PlainRefused));
        let mut other = challenge;
        other[0] = if other[0] == b'A' { b'B' } else { b'A' };
        prop_assert_eq!(verify_pkce(verifier.as_bytes(), &other, b"S256"), Err(PkceError::Mismatch));
    }
}

/// Whether `header` is `Basic SP+ base64(KEY or KEY:)` for `key`, with optional SP/HTAB
/// around it and any letter case in the scheme: the documented accepted forms.
fn is_basic_form(header: &str, key: &ApiKey) -> bool {
    let h = header.trim_matches([' ', '\t']);
    let Some((scheme, rest)) = h.split_once(' ') else {
        return false;
    };
    let token = rest.trim_start_matches(' ');
    scheme.eq_ignore_ascii_case("basic")
        && (token == STANDARD.encode(key.expose())
            || token == STANDARD.encode(format!("{}:", key.expose())))
}
