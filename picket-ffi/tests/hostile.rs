//! Hostile input through the C ABI: every exported function that takes bytes is given
//! empty input, 1 MiB, every single byte value, invalid UTF-8 and long runs of `%@:/[]`
//! (the inputs of picket-test-support), each alone and inside a real URI's path.
//! Each must return exactly the code picket-core gives for the same bytes (never
//! `PICKET_RESULT_PANIC`), and outputs must agree with the core.
//!
//! Every `unsafe` block calls an exported function with pointers to live Rust values of
//! the stated lengths.
#![allow(clippy::undocumented_unsafe_blocks)]

use picket::*;
use picket_core::{
    parse_authorization, redact_bytes, validate_redirect_uri, verify_pkce, ApiKey, HeaderOptions,
    KeyDigest, KeyKind, Mode, RedirectOptions, RegistryBuilder, Requirement,
};

use picket_test_support::hostile::{hostile_inputs, in_uri_path};

/// The shared hostile inputs, each also inside a real URI's path (which reaches the
/// redirect rules past the first character).
fn inputs() -> Vec<Vec<u8>> {
    hostile_inputs()
        .into_iter()
        .flat_map(|input| {
            let uri = in_uri_path(&input);
            [input, uri]
        })
        .collect()
}

/// The C ABI's code for a core result: 0 on success, else the core error's code.
fn code<T, E>(r: Result<T, E>, code_of: impl Fn(&E) -> u32) -> u32 {
    r.err().map_or(0, |e| code_of(&e))
}

#[test]
fn every_input_taking_function_agrees_with_the_core() {
    let pk = ApiKey::from_random_bytes(KeyKind::Publishable, [3; 16]);
    let digest = *pk.digest().as_bytes();
    let core_reg = {
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Development, RedirectOptions::default())
            .unwrap();
        b.add_redirect_uri(1, b"https://example.com/").unwrap();
        b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
            .unwrap();
        b.build().unwrap()
    };
    let builder = picket_registry_builder_new();
    assert!(!builder.is_null());
    unsafe {
        assert_eq!(
            picket_registry_builder_add_project(builder, 1, 1, 0),
            picket_result::Ok
        );
        assert_eq!(
            picket_registry_builder_add_key(builder, digest.as_ptr(), 1, 1, PICKET_NO_EXPIRY),
            picket_result::Ok
        );
        let uri = b"https://example.com/";
        assert_eq!(
            picket_registry_builder_add_redirect_uri(builder, 1, uri.as_ptr(), uri.len()),
            picket_result::Ok
        );
    }
    let mut reg = std::ptr::null_mut();
    assert_eq!(
        unsafe { picket_registry_builder_build(builder, &mut reg) },
        picket_result::Ok
    );

    for input in inputs() {
        let (p, n) = (input.as_ptr(), input.len());
        let what = format!("{} bytes starting {:?}", n, &input[..n.min(8)]);
        let key_code = code(ApiKey::parse(&input), |e| e.code());
        let mut kind = 0u32;
        let mut out = [0u8; 64];
        let mut out_len = 0usize;
        let mut big = vec![0u8; n];
        unsafe {
            assert_eq!(
                picket_key_parse(p, n, &mut kind) as u32,
                key_code,
                "key_parse {what}"
            );
            assert_eq!(
                picket_key_digest(p, n, out.as_mut_ptr()) as u32,
                key_code,
                "key_digest {what}"
            );
            assert_eq!(
                picket_key_digest_hex(p, n, out.as_mut_ptr(), out.len(), &mut out_len) as u32,
                key_code,
                "key_digest_hex {what}"
            );
            assert_eq!(
                picket_key_verify(p, n, digest.as_ptr()) as u32,
                key_code,
                "key_verify {what}"
            );
            assert_eq!(
                picket_key_verify_any(p, n, digest.as_ptr(), 1, &mut out_len) as u32,
                key_code,
                "key_verify_any {what}"
            );
            assert_eq!(
                picket_key_redacted(p, n, out.as_mut_ptr(), out.len(), &mut out_len) as u32,
                key_code,
                "key_redacted {what}"
            );
            assert_eq!(
                picket_digest_from_hex(p, n, out.as_mut_ptr()) as u32,
                code(KeyDigest::from_hex(&input), |e| e.code()),
                "digest_from_hex {what}"
            );

            assert_eq!(
                picket_redact(p, n, big.as_mut_ptr(), big.len(), &mut out_len),
                picket_result::Ok,
                "redact {what}"
            );
            assert_eq!(&big[..out_len], &redact_bytes(&input)[..], "redact {what}");

            for (options, accept_bearer) in [(0, false), (PICKET_OPTION_ACCEPT_BEARER, true)] {
                assert_eq!(
                    picket_authorization_parse(
                        p,
                        n,
                        options,
                        &mut kind,
                        out.as_mut_ptr(),
                        out.len(),
                        &mut out_len
                    ) as u32,
                    code(
                        parse_authorization(&input, HeaderOptions { accept_bearer }),
                        |e| e.code()
                    ),
                    "authorization_parse {what}"
                );
            }

            for (mode_value, mode) in [(1u32, Mode::Development), (2, Mode::Production)] {
                let opts =
                    PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES | PICKET_OPTION_LOOPBACK_ANY_PORT;
                let core_opts = RedirectOptions {
                    allow_private_use_schemes: true,
                    loopback_any_port: true,
                };
                assert_eq!(
                    picket_redirect_validate(p, n, mode_value, opts) as u32,
                    code(validate_redirect_uri(&input, mode, core_opts), |e| e.code()),
                    "redirect_validate {what}"
                );
                let entries = [picket_slice { data: p, len: n }];
                let mut matched = false;
                assert_eq!(
                    picket_redirect_match(
                        entries.as_ptr(),
                        1,
                        p,
                        n,
                        mode_value,
                        opts,
                        &mut matched
                    ),
                    picket_result::Ok,
                    "redirect_match {what}"
                );
                assert_eq!(
                    matched,
                    validate_redirect_uri(&input, mode, core_opts).is_ok(),
                    "an accepted entry matches itself, a rejected one never: {what}"
                );
            }

            let mut project = 0u64;
            for (req_value, req) in [(1u32, Requirement::Publishable), (3, Requirement::Any)] {
                assert_eq!(
                    picket_registry_authenticate(reg, p, n, 0, req_value, &mut project, &mut kind)
                        as u32,
                    code(core_reg.authenticate(&input, 0, req), |e| e.code()),
                    "registry_authenticate {what}"
                );
            }
            assert_eq!(
                picket_registry_authorize_redirect(reg, p, n, p, n, 0, &mut project) as u32,
                code(core_reg.authorize_redirect(&input, &input, 0), |e| e.code()),
                "registry_authorize_redirect {what}"
            );
            for method in [&b"S256"[..], &input[..]] {
                assert_eq!(
                    picket_pkce_verify(p, n, p, n, method.as_ptr(), method.len()) as u32,
                    code(verify_pkce(&input, &input, method), |e| e.code()),
                    "pkce_verify {what}"
                );
            }
        }
    }
    unsafe { picket_registry_free(reg) };
}

#[test]
fn hostile_redirect_uris_are_refused_by_the_builder_with_the_core_code() {
    for input in inputs() {
        let builder = picket_registry_builder_new();
        unsafe {
            assert_eq!(
                picket_registry_builder_add_project(builder, 7, 2, 0),
                picket_result::Ok
            );
            let r =
                picket_registry_builder_add_redirect_uri(builder, 7, input.as_ptr(), input.len());
            let want = code(
                validate_redirect_uri(&input, Mode::Production, RedirectOptions::default()),
                |e| e.code(),
            );
            assert_eq!(r as u32, want, "{} bytes", input.len());
            picket_registry_builder_free(builder);
        }
    }
}
