//! The registry functions, and the version.

use std::ffi::CStr;
use std::ptr;

use picket::*;
use picket_core::{ApiKey, HeaderOptions, RegistryBuilder, KEY_LEN};

use super::harness::*;
use crate::Reader;

/// A registry built through the C ABI and through picket-core with the same operations;
/// every answer compared.
pub(crate) fn registry(call: &mut Call, n: u64) {
    let mut core_builder = RegistryBuilder::new();
    // SAFETY: no arguments.
    let builder = picket_registry_builder_new();
    assert!(!builder.is_null());
    let accept_bearer = n & 1 == 1;
    core_builder.header_options(HeaderOptions { accept_bearer });
    // SAFETY: `builder` is live and used by this thread only.
    let r = unsafe { picket_registry_builder_set_options(builder, u32::from(accept_bearer)) };
    assert_eq!(r, picket_result::Ok);
    // SAFETY: as above; unknown option bits are refused.
    let r = unsafe { picket_registry_builder_set_options(builder, 2) };
    assert_eq!(r, picket_result::InvalidParameter);
    // SAFETY: NULL builder is refused.
    let r = unsafe { picket_registry_builder_set_options(ptr::null_mut(), 0) };
    assert_eq!(r, picket_result::NullParameter);

    let fields = call.fields.clone();
    let mut keys: Vec<ApiKey> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let Some((&tag, body)) = field.split_first() else {
            continue;
        };
        let project = u64::from(tag >> 4 & 3);
        let mut nr = Reader::new(body);
        match tag % 4 {
            0 => {
                let (mode, mode_bits) = mode_of(u64::from(tag >> 2));
                let (options, option_bits) = redirect_options_of(u64::from(tag >> 5));
                let want = core_builder
                    .add_project(project, mode, options)
                    .map_err(|e| e.code());
                // SAFETY: `builder` is live.
                let got = unsafe {
                    picket_registry_builder_add_project(builder, project, mode_bits, option_bits)
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
                listed("picket_registry_builder_add_project", got);
                // SAFETY: unknown mode is refused.
                let bad = unsafe { picket_registry_builder_add_project(builder, 99, 0, 0) };
                assert_eq!(bad, picket_result::InvalidParameter);
            }
            1 => {
                let want = core_builder
                    .add_redirect_uri(project, body)
                    .map_err(|e| e.code());
                // SAFETY: `builder` is live; `body` is a live slice.
                let got = unsafe {
                    picket_registry_builder_add_redirect_uri(
                        builder,
                        project,
                        body.as_ptr(),
                        body.len(),
                    )
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
                listed("picket_registry_builder_add_redirect_uri", got);
            }
            2 => {
                let (kind, kind_bits) = kind_of(u64::from(tag >> 2));
                let key = ApiKey::from_random_bytes(kind, nr.array());
                let expiry = nr.u64();
                let expires_at = (expiry != 0).then_some(expiry);
                let want = core_builder
                    .add_key(key.digest(), project, kind, expires_at)
                    .map_err(|e| e.code());
                let digest = *key.digest().as_bytes();
                // SAFETY: `builder` is live; `digest` has 32 bytes.
                let got = unsafe {
                    picket_registry_builder_add_key(
                        builder,
                        digest.as_ptr(),
                        project,
                        kind_bits,
                        expires_at.unwrap_or(PICKET_NO_EXPIRY),
                    )
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
                listed("picket_registry_builder_add_key", got);
                if i % 3 == 0 {
                    // The same key again: a duplicate found at build time.
                    let want = core_builder
                        .add_key(key.digest(), project, kind, None)
                        .map_err(|e| e.code());
                    // SAFETY: as above.
                    let got = unsafe {
                        picket_registry_builder_add_key(
                            builder,
                            digest.as_ptr(),
                            project,
                            kind_bits,
                            PICKET_NO_EXPIRY,
                        )
                    };
                    assert_eq!(got as u32, want.err().unwrap_or(OK));
                }
                keys.push(key);
            }
            _ => {}
        }
    }

    if n >> 40 & 1 == 1 {
        // No place for the registry: the builder is consumed all the same (LeakSanitizer
        // would report it otherwise).
        // SAFETY: `builder` is live and consumed here.
        let got = unsafe { picket_registry_builder_build(builder, ptr::null_mut()) };
        assert_eq!(got, picket_result::NullParameter);
        return;
    }
    let core_registry = core_builder.build().map_err(|e| e.code());
    let mut registry: *mut picket_registry = ptr::null_mut();
    // SAFETY: `builder` is live and consumed here; `registry` is a live pointer slot.
    let got = unsafe { picket_registry_builder_build(builder, &mut registry) };
    listed("picket_registry_builder_build", got);
    let core_registry = match core_registry {
        Err(code) => {
            assert_eq!(got as u32, code);
            assert!(registry.is_null(), "out_registry written on failure");
            return;
        }
        Ok(r) => {
            assert_eq!(got, picket_result::Ok);
            assert!(!registry.is_null());
            r
        }
    };

    let now = n >> 2;
    let headers: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| {
            use base64::Engine as _;
            let creds = base64::engine::general_purpose::STANDARD
                .encode([&k.as_bytes()[..], b":"].concat());
            format!("Basic {creds}").into_bytes()
        })
        .chain(
            fields
                .iter()
                .filter(|f| f.first() == Some(&b'H'))
                .map(|f| f[1..].to_vec()),
        )
        .collect();
    for (i, header) in headers.iter().enumerate() {
        let (req, req_bits) = requirement_of(n >> (i % 8));
        let want = core_registry
            .authenticate(header, now, req)
            .map(|a| (a.project, kind_code(a.kind)))
            .map_err(|e| e.code());
        let mut project = u64::MAX - 1;
        let mut kind = u32::MAX;
        let before = last_message();
        // SAFETY: `registry` is live; `header` is a live slice; outputs are live.
        let got = unsafe {
            picket_registry_authenticate(
                registry,
                header.as_ptr(),
                header.len(),
                now,
                req_bits,
                &mut project,
                &mut kind,
            )
        };
        check_scalar(
            &Call::plain(),
            got,
            (project, kind),
            (u64::MAX - 1, u32::MAX),
            want,
        );
        check_message("picket_registry_authenticate", got, &before);
    }
    for (i, key) in keys.iter().enumerate() {
        let uri: &[u8] = fields.get(i).copied().unwrap_or_default();
        let want = core_registry
            .authorize_redirect(key.as_bytes(), uri, now)
            .map_err(|e| e.code());
        let mut project = u64::MAX - 1;
        // SAFETY: `registry` is live; inputs are live slices; the output is live.
        let got = unsafe {
            picket_registry_authorize_redirect(
                registry,
                key.as_bytes().as_ptr(),
                KEY_LEN,
                uri.as_ptr(),
                uri.len(),
                now,
                &mut project,
            )
        };
        check_scalar(&Call::plain(), got, project, u64::MAX - 1, want);
        listed("picket_registry_authorize_redirect", got);
    }
    let mut project = 0u64;
    let mut kind = 0u32;
    // SAFETY: a NULL registry must be refused.
    let got = unsafe {
        picket_registry_authenticate(ptr::null(), ptr::null(), 0, now, 3, &mut project, &mut kind)
    };
    assert_eq!(got, picket_result::NullParameter);
    // SAFETY: `registry` is live and freed once; NULL is a no-op; a freed handle stays
    // readable (its shell is kept), so a second free and a use after free are refused.
    unsafe {
        assert_eq!(picket_registry_free(registry), picket_result::Ok);
        assert_eq!(picket_registry_free(registry), picket_result::HandleFreed);
        let got =
            picket_registry_authenticate(registry, ptr::null(), 0, now, 3, &mut project, &mut kind);
        assert_eq!(got, picket_result::HandleFreed);
        assert_eq!(picket_registry_free(ptr::null_mut()), picket_result::Ok);
        assert_eq!(
            picket_registry_builder_free(ptr::null_mut()),
            picket_result::Ok
        );
    }
}

/// `picket_version`.
pub(crate) fn version(_call: &mut Call, _n: u64) {
    // The version: a static NUL-terminated "MAJOR.MINOR.PATCH".
    let v = picket_version();
    assert!(!v.is_null());
    // SAFETY: a non-NULL result is a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(v) }
        .to_str()
        .expect("ASCII version");
    let parts: Vec<&str> = v.split('.').collect();
    assert_eq!(parts.len(), 3, "{v}");
    assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()), "{v}");
}
