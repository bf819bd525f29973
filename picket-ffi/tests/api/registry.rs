//! The registry: building, authenticating, authorizing, errors of the builder, and one
//! registry shared by threads.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;

/// A registry with project 1 (development) and 2 (production).
pub(crate) struct Fixture {
    pub(crate) registry: *mut picket_registry,
}

impl Fixture {
    pub(crate) fn new(options: u32) -> Fixture {
        let b = picket_registry_builder_new();
        assert!(!b.is_null());
        let dev = picket_mode::Development as u32;
        let prod = picket_mode::Production as u32;
        let (_, pk) = digest_of(PK);
        let (_, sk) = digest_of(SK);
        let (_, expiring) = digest_of(b"pk_00000000000000000000000000000001");
        unsafe {
            assert_eq!(
                picket_registry_builder_set_options(b, options),
                picket_result::Ok
            );
            assert_eq!(
                picket_registry_builder_add_project(b, 1, dev, 0),
                picket_result::Ok
            );
            assert_eq!(
                picket_registry_builder_add_project(b, 2, prod, 0),
                picket_result::Ok
            );
            let uri = b"http://localhost:3000/cb";
            assert_eq!(
                picket_registry_builder_add_redirect_uri(b, 1, uri.as_ptr(), uri.len()),
                picket_result::Ok
            );
            assert_eq!(
                picket_registry_builder_add_key(b, pk.as_ptr(), 1, 1, PICKET_NO_EXPIRY),
                picket_result::Ok
            );
            assert_eq!(
                picket_registry_builder_add_key(b, sk.as_ptr(), 2, 2, PICKET_NO_EXPIRY),
                picket_result::Ok
            );
            assert_eq!(
                picket_registry_builder_add_key(b, expiring.as_ptr(), 1, 1, 100),
                picket_result::Ok
            );
            let mut registry = null_mut();
            assert_eq!(
                picket_registry_builder_build(b, &mut registry),
                picket_result::Ok
            );
            assert!(!registry.is_null());
            Fixture { registry }
        }
    }

    pub(crate) fn authenticate(
        &self,
        header: &[u8],
        now: u64,
        requirement: u32,
    ) -> (picket_result, u64, u32) {
        let mut project = u64::MAX;
        let mut kind = u32::MAX;
        let r = unsafe {
            picket_registry_authenticate(
                self.registry,
                header.as_ptr(),
                header.len(),
                now,
                requirement,
                &mut project,
                &mut kind,
            )
        };
        (r, project, kind)
    }

    fn authorize(&self, client_id: &[u8], uri: &[u8], now: u64) -> (picket_result, u64) {
        let mut project = u64::MAX;
        let r = unsafe {
            picket_registry_authorize_redirect(
                self.registry,
                client_id.as_ptr(),
                client_id.len(),
                uri.as_ptr(),
                uri.len(),
                now,
                &mut project,
            )
        };
        (r, project)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        assert_eq!(
            unsafe { picket_registry_free(self.registry) },
            picket_result::Ok
        );
    }
}

pub(crate) fn basic(key: &[u8]) -> Vec<u8> {
    // Only for keys of the form used here: base64 through the test's own tiny encoder.
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let creds = [key, b":"].concat();
    let mut out = b"Basic ".to_vec();
    for chunk in creds.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

#[test]
fn registry_authenticate() {
    assert_eq!(basic(SK), SK_BASIC);
    let f = Fixture::new(0);
    let any = picket_requirement::Any as u32;
    let secret = picket_requirement::Secret as u32;
    assert_eq!(
        f.authenticate(SK_BASIC, 0, secret),
        (picket_result::Ok, 2, 2)
    );
    assert_eq!(
        f.authenticate(PK_BASIC_JS, 0, any),
        (picket_result::Ok, 1, 1)
    );
    let (r, project, kind) = f.authenticate(PK_BASIC_JS, 0, secret);
    assert_eq!(
        (r, project, kind),
        (picket_result::AuthWrongKind, u64::MAX, u32::MAX)
    );
    assert_eq!(picket_auth_http_status(r as u32), 403);
    assert_eq!(
        last_error(),
        "this endpoint requires a secret key, but a publishable key was sent"
    );
    let expiring = basic(b"pk_00000000000000000000000000000001");
    assert_eq!(f.authenticate(&expiring, 99, any).0, picket_result::Ok);
    assert_eq!(
        f.authenticate(&expiring, 100, any).0,
        picket_result::AuthExpired
    );
    assert_eq!(
        f.authenticate(SK_BASIC, u64::MAX - 1, any).0,
        picket_result::Ok
    );
    // PICKET_NO_EXPIRY means never, even at the end of time.
    assert_eq!(f.authenticate(SK_BASIC, u64::MAX, any).0, picket_result::Ok);
    let unknown = basic(b"sk_00000000000000000000000000000009");
    let (r, _, _) = f.authenticate(&unknown, 0, any);
    assert_eq!(r, picket_result::AuthUnknownKey);
    assert_eq!(picket_auth_http_status(r as u32), 401);
    let bearer = [b"Bearer ", SK].concat();
    assert_eq!(
        f.authenticate(&bearer, 0, any).0,
        picket_result::HeaderBearerNotEnabled
    );
    assert_eq!(
        Fixture::new(PICKET_OPTION_ACCEPT_BEARER)
            .authenticate(&bearer, 0, any)
            .0,
        picket_result::Ok
    );
    for requirement in [0, 4, u32::MAX] {
        assert_eq!(
            f.authenticate(SK_BASIC, 0, requirement).0,
            picket_result::InvalidParameter
        );
    }

    let mut project = 0;
    let mut kind = 0;
    unsafe {
        // (NULL, 0): a request without the header.
        assert_eq!(
            picket_registry_authenticate(f.registry, null(), 0, 0, any, &mut project, &mut kind),
            picket_result::HeaderMissing
        );
        assert_eq!(
            picket_registry_authenticate(
                null(),
                SK_BASIC.as_ptr(),
                SK_BASIC.len(),
                0,
                any,
                &mut project,
                &mut kind
            ),
            picket_result::NullParameter
        );
        assert_eq!(
            last_error(),
            "picket_registry_authenticate: `registry` is NULL"
        );
        assert_eq!(
            picket_registry_authenticate(
                f.registry,
                SK_BASIC.as_ptr(),
                SK_BASIC.len(),
                0,
                any,
                null_mut(),
                &mut kind
            ),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_authenticate(
                f.registry,
                SK_BASIC.as_ptr(),
                SK_BASIC.len(),
                0,
                any,
                &mut project,
                null_mut()
            ),
            picket_result::NullParameter
        );
    }
    assert_eq!((project, kind), (0, 0), "outputs written on failure");
}

#[test]
fn registry_authorize_redirect() {
    let f = Fixture::new(0);
    let uri = b"http://localhost:3000/cb";
    assert_eq!(f.authorize(PK, uri, 0), (picket_result::Ok, 1));
    assert_eq!(
        f.authorize(PK, b"http://localhost:3000/cb/", 0),
        (picket_result::AuthorizeRedirectNotRegistered, u64::MAX)
    );
    assert_eq!(
        f.authorize(SK, uri, 0).0,
        picket_result::AuthorizeSecretKeyExposed
    );
    assert_eq!(
        f.authorize(b"pk_00000000000000000000000000000002", uri, 0)
            .0,
        picket_result::AuthorizeUnknownClient
    );
    assert_eq!(
        f.authorize(b"pk_00000000000000000000000000000001", uri, 100)
            .0,
        picket_result::AuthorizeExpired
    );
    assert_eq!(
        f.authorize(b"pk_x", uri, 0).0,
        picket_result::KeyWrongLength
    );
    assert_eq!(
        last_error(),
        "client_id is not a valid publishable key: api key must have 32 hex digits after the prefix, found 1 characters"
    );
    assert_eq!(f.authorize(b"", b"", 0).0, picket_result::KeyEmpty);
    let mut project = 0;
    let r = unsafe {
        picket_registry_authorize_redirect(
            f.registry,
            PK.as_ptr(),
            PK.len(),
            null(),
            4,
            0,
            &mut project,
        )
    };
    assert_eq!(r, picket_result::NullParameter);
    let r = unsafe {
        picket_registry_authorize_redirect(
            null(),
            PK.as_ptr(),
            PK.len(),
            uri.as_ptr(),
            uri.len(),
            0,
            &mut project,
        )
    };
    assert_eq!(r, picket_result::NullParameter);
}

#[test]
fn registry_builder_errors() {
    let dev = picket_mode::Development as u32;
    let prod = picket_mode::Production as u32;
    let (_, digest) = digest_of(PK);
    unsafe {
        // _free(NULL) is a no-op; every builder function refuses NULL.
        picket_registry_builder_free(null_mut());
        picket_registry_free(null_mut());
        assert_eq!(
            picket_registry_builder_set_options(null_mut(), 0),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_builder_add_project(null_mut(), 1, dev, 0),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_builder_add_redirect_uri(null_mut(), 1, b"x".as_ptr(), 1),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_builder_add_key(null_mut(), digest.as_ptr(), 1, 1, 0),
            picket_result::NullParameter
        );
        let mut registry = null_mut();
        assert_eq!(
            picket_registry_builder_build(null_mut(), &mut registry),
            picket_result::NullParameter
        );
        assert!(registry.is_null());

        let b = picket_registry_builder_new();
        assert_eq!(
            picket_registry_builder_set_options(b, 2),
            picket_result::InvalidParameter
        );
        assert_eq!(
            picket_registry_builder_add_project(b, 1, 0, 0),
            picket_result::InvalidParameter
        );
        assert_eq!(
            picket_registry_builder_add_project(b, 1, dev, 1),
            picket_result::InvalidParameter
        );
        assert_eq!(
            picket_registry_builder_add_project(b, 1, prod, 0),
            picket_result::Ok
        );
        assert_eq!(
            picket_registry_builder_add_project(b, 1, dev, 0),
            picket_result::BuildDuplicateProject
        );
        assert_eq!(last_error(), "project 1 was added twice");
        let insecure = b"http://localhost:3000/";
        assert_eq!(
            picket_registry_builder_add_redirect_uri(b, 1, insecure.as_ptr(), insecure.len()),
            picket_result::RedirectInsecureScheme
        );
        assert!(
            last_error().starts_with("project 1: redirect uri must use https"),
            "{}",
            last_error()
        );
        assert_eq!(
            picket_registry_builder_add_redirect_uri(b, 1, null(), 0),
            picket_result::RedirectEmpty
        );
        assert_eq!(
            picket_registry_builder_add_redirect_uri(b, 9, b"https://a.example/".as_ptr(), 18),
            picket_result::BuildUnknownProject
        );
        assert_eq!(
            picket_registry_builder_add_key(b, digest.as_ptr(), 9, 1, 0),
            picket_result::BuildUnknownProject
        );
        assert_eq!(
            picket_registry_builder_add_key(b, digest.as_ptr(), 1, 3, 0),
            picket_result::InvalidParameter
        );
        assert_eq!(
            picket_registry_builder_add_key(b, null(), 1, 1, 0),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_builder_add_key(b, digest.as_ptr(), 1, 1, 0),
            picket_result::Ok
        );
        assert_eq!(
            picket_registry_builder_add_key(b, digest.as_ptr(), 1, 2, 0),
            picket_result::Ok
        );
        // The duplicate is found by build, which consumes the builder anyway.
        let mut registry = null_mut();
        assert_eq!(
            picket_registry_builder_build(b, &mut registry),
            picket_result::BuildDuplicateKey
        );
        assert!(registry.is_null());

        // A NULL output still consumes the builder (checked for leaks by the C tests).
        let b = picket_registry_builder_new();
        assert_eq!(
            picket_registry_builder_build(b, null_mut()),
            picket_result::NullParameter
        );
        // A builder that is never built is freed.
        let b = picket_registry_builder_new();
        assert_eq!(
            picket_registry_builder_add_project(b, 1, prod, 0),
            picket_result::Ok
        );
        picket_registry_builder_free(b);
    }
}

struct Shared(*const picket_registry);
// SAFETY: a picket_registry is immutable and documented as usable from any number of
// threads at once (picket_core::Registry is Send + Sync).
unsafe impl Sync for Shared {}

#[test]
fn one_registry_shared_by_eight_threads() {
    let f = Fixture::new(0);
    let shared = Shared(f.registry);
    let any = picket_requirement::Any as u32;
    std::thread::scope(|s| {
        for t in 0..8u64 {
            let shared = &shared;
            s.spawn(move || {
                for i in 0..500u64 {
                    let (header, want): (&[u8], (picket_result, u64, u32)) = match (t + i) % 3 {
                        0 => (SK_BASIC, (picket_result::Ok, 2, 2)),
                        1 => (PK_BASIC_JS, (picket_result::Ok, 1, 1)),
                        _ => (
                            b"Basic",
                            (picket_result::HeaderMissingCredentials, u64::MAX, u32::MAX),
                        ),
                    };
                    let mut project = u64::MAX;
                    let mut kind = u32::MAX;
                    let r = unsafe {
                        picket_registry_authenticate(
                            shared.0,
                            header.as_ptr(),
                            header.len(),
                            i,
                            any,
                            &mut project,
                            &mut kind,
                        )
                    };
                    assert_eq!((r, project, kind), want, "thread {t}, request {i}");
                    if r != picket_result::Ok {
                        // The message is this thread's own.
                        assert_eq!(
                            last_error(),
                            "authorization header has a scheme but no credentials"
                        );
                    }
                }
            });
        }
    });
}
