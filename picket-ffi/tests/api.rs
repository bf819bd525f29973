//! The exported functions, called directly as C calls them: success paths, NULLs,
//! `(NULL, 0)`, buffers too small (size reported, buffer untouched), embedded NULs, invalid
//! enum values and option bits, overlapping buffers, the last error message, and a registry
//! shared by threads.
//!
//! Every `unsafe` block here calls an exported function with pointers to live Rust values
//! of the stated lengths (or NULL, which the function must refuse or treat as empty).
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ptr::{null, null_mut};

use picket::*;

const PK: &[u8] = b"pk_d9960d04426c1e9f3941bec7e39c8854";
const SK: &[u8] = b"sk_e1f767d29fa6e533f2e5c62342fb9e24";
/// `curl -u sk_e1f767d29fa6e533f2e5c62342fb9e24:`
const SK_BASIC: &[u8] = b"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";
/// The JS SDK's form for PK: two spaces, no colon.
const PK_BASIC_JS: &[u8] = b"Basic  cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=";
/// sha256(PK), computed independently (picket-core's known-answer test).
const PK_DIGEST_HEX: &[u8] = b"ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3";
/// A secret, as the part of it a message must never show.
const SK_BODY: &str = "e1f767d29fa6e533f2e5c62342fb";

const SENTINEL: u8 = 0xAA;
const TOO_LONG: usize = isize::MAX as usize + 1;

fn last_error() -> String {
    let mut buf = [0u8; 1024];
    let mut len = 0usize;
    let r = unsafe { picket_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(r, picket_result::Ok);
    String::from_utf8(buf[..len].to_vec()).unwrap()
}

/// Calls `f(buf, cap, &mut out_len)` with a sentinel-filled buffer of `cap` bytes.
fn with_buf(
    cap: usize,
    f: impl FnOnce(*mut u8, usize, *mut usize) -> picket_result,
) -> (picket_result, Vec<u8>, usize) {
    let mut buf = vec![SENTINEL; cap];
    let mut len = usize::MAX;
    let ptr = if cap == 0 {
        null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let r = f(ptr, cap, &mut len);
    (r, buf, len)
}

/// Checks the buffer protocol of a function whose output is `want`: exact fit, one byte
/// too small (size reported, buffer untouched), the `(NULL, 0)` size query, NULL with a
/// length, NULL `out_len`.
fn check_buffer_protocol(want: &[u8], f: impl Fn(*mut u8, usize, *mut usize) -> picket_result) {
    let (r, buf, len) = with_buf(want.len(), &f);
    assert_eq!(r, picket_result::Ok);
    assert_eq!(&buf[..len], want);
    let (r, buf, len) = with_buf(want.len() + 8, &f);
    assert_eq!(r, picket_result::Ok);
    assert_eq!(&buf[..len], want);
    assert!(
        buf[len..].iter().all(|&b| b == SENTINEL),
        "wrote past the output"
    );
    if !want.is_empty() {
        let (r, buf, len) = with_buf(want.len() - 1, &f);
        assert_eq!(r, picket_result::BufferTooSmall);
        assert_eq!(len, want.len(), "the needed size is reported");
        assert!(buf.iter().all(|&b| b == SENTINEL), "buffer touched");
        let (r, _, len) = with_buf(0, &f);
        assert_eq!(r, picket_result::BufferTooSmall);
        assert_eq!(len, want.len());
    }
    let mut len = usize::MAX;
    assert_eq!(f(null_mut(), 4, &mut len), picket_result::NullParameter);
    assert_eq!(len, usize::MAX, "out_len written on failure");
    let mut buf = vec![SENTINEL; want.len() + 1];
    assert_eq!(
        f(buf.as_mut_ptr(), buf.len(), null_mut()),
        picket_result::NullParameter
    );
    assert!(buf.iter().all(|&b| b == SENTINEL));
}

fn parse(key: &[u8]) -> (picket_result, u32) {
    let mut kind = u32::MAX;
    let r = unsafe { picket_key_parse(key.as_ptr(), key.len(), &mut kind) };
    (r, kind)
}

#[test]
fn key_parse() {
    assert_eq!(
        parse(PK),
        (picket_result::Ok, picket_key_kind::Publishable as u32)
    );
    assert_eq!(
        parse(SK),
        (picket_result::Ok, picket_key_kind::Secret as u32)
    );
    let cases: &[(&[u8], picket_result)] = &[
        (b"", picket_result::KeyEmpty),
        (
            b"rk_e1f767d29fa6e533f2e5c62342fb9e24",
            picket_result::KeyUnknownPrefix,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e2",
            picket_result::KeyWrongLength,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e2\0",
            picket_result::KeyNonHex,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e24\0",
            picket_result::KeyWrongLength,
        ),
        (
            b"\0sk_e1f767d29fa6e533f2e5c62342fb9e24",
            picket_result::KeyUnknownPrefix,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e24\n",
            picket_result::KeySurroundingWhitespace,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9E24",
            picket_result::KeyUppercase,
        ),
    ];
    for (input, want) in cases {
        let (r, kind) = parse(input);
        assert_eq!(r, *want, "{input:?}");
        assert_eq!(kind, u32::MAX, "out_kind written on failure");
        assert!(!last_error().contains(SK_BODY), "{}", last_error());
    }
    // A NUL inside is data: the message names its position.
    parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e2\0");
    assert_eq!(
        last_error(),
        "api key has a non-hex character at position 34"
    );

    let mut kind = u32::MAX;
    // (NULL, 0) is the empty key.
    assert_eq!(
        unsafe { picket_key_parse(null(), 0, &mut kind) },
        picket_result::KeyEmpty
    );
    assert_eq!(
        unsafe { picket_key_parse(null(), 35, &mut kind) },
        picket_result::NullParameter
    );
    assert_eq!(
        last_error(),
        "picket_key_parse: `key` is NULL but its length is 35"
    );
    assert_eq!(
        unsafe { picket_key_parse(PK.as_ptr(), TOO_LONG, &mut kind) },
        picket_result::InvalidParameter
    );
    assert_eq!(
        unsafe { picket_key_parse(PK.as_ptr(), PK.len(), null_mut()) },
        picket_result::NullParameter
    );
    assert_eq!(kind, u32::MAX);
}

#[test]
fn key_format_and_generate() {
    let random = [0xabu8; 16];
    for (kind, want) in [
        (
            picket_key_kind::Publishable as u32,
            b"pk_abababababababababababababababab",
        ),
        (
            picket_key_kind::Secret as u32,
            b"sk_abababababababababababababababab",
        ),
    ] {
        check_buffer_protocol(want, |buf, len, out| unsafe {
            picket_key_format(kind, random.as_ptr(), buf, len, out)
        });
    }
    for kind in [0, 3, u32::MAX] {
        let (r, buf, len) = with_buf(64, |buf, len, out| unsafe {
            picket_key_format(kind, random.as_ptr(), buf, len, out)
        });
        assert_eq!(r, picket_result::InvalidParameter, "{kind}");
        assert!(buf.iter().all(|&b| b == SENTINEL) && len == usize::MAX);
    }
    let (r, _, _) = with_buf(64, |buf, len, out| unsafe {
        picket_key_format(1, null(), buf, len, out)
    });
    assert_eq!(r, picket_result::NullParameter);
    // The output may not overlap the random bytes.
    let mut shared = [0x11u8; 64];
    let mut len = 0;
    let r =
        unsafe { picket_key_format(1, shared.as_ptr(), shared.as_mut_ptr().add(8), 40, &mut len) };
    assert_eq!(r, picket_result::InvalidParameter);

    let mut keys = Vec::new();
    for kind in [picket_key_kind::Publishable, picket_key_kind::Secret] {
        for _ in 0..2 {
            let (r, buf, len) = with_buf(PICKET_KEY_LEN, |buf, len, out| unsafe {
                picket_key_generate(kind as u32, buf, len, out)
            });
            assert_eq!(r, picket_result::Ok);
            assert_eq!(len, PICKET_KEY_LEN);
            assert_eq!(parse(&buf), (picket_result::Ok, kind as u32));
            keys.push(buf);
        }
    }
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 4, "generated keys repeat");
    let (r, buf, len) = with_buf(PICKET_KEY_LEN - 1, |buf, len, out| unsafe {
        picket_key_generate(2, buf, len, out)
    });
    assert_eq!((r, len), (picket_result::BufferTooSmall, PICKET_KEY_LEN));
    assert!(buf.iter().all(|&b| b == SENTINEL));
    let (r, _, _) = with_buf(64, |buf, len, out| unsafe {
        picket_key_generate(7, buf, len, out)
    });
    assert_eq!(r, picket_result::InvalidParameter);
}

fn digest_of(key: &[u8]) -> (picket_result, [u8; 32]) {
    let mut out = [SENTINEL; 32];
    let r = unsafe { picket_key_digest(key.as_ptr(), key.len(), out.as_mut_ptr()) };
    (r, out)
}

#[test]
fn digests() {
    let (r, digest) = digest_of(PK);
    assert_eq!(r, picket_result::Ok);
    check_buffer_protocol(PK_DIGEST_HEX, |buf, len, out| unsafe {
        picket_key_digest_hex(PK.as_ptr(), PK.len(), buf, len, out)
    });
    let mut from_hex = [SENTINEL; 32];
    let r = unsafe {
        picket_digest_from_hex(
            PK_DIGEST_HEX.as_ptr(),
            PK_DIGEST_HEX.len(),
            from_hex.as_mut_ptr(),
        )
    };
    assert_eq!(r, picket_result::Ok);
    assert_eq!(from_hex, digest);

    // A malformed key: its code, nothing written.
    let (r, out) = digest_of(b"pk_x");
    assert_eq!(r, picket_result::KeyWrongLength);
    assert_eq!(out, [SENTINEL; 32]);
    let (r, buf, _) = with_buf(64, |buf, len, out| unsafe {
        picket_key_digest_hex([b's', b'k', b'_', 0].as_ptr(), 4, buf, len, out)
    });
    assert_eq!(r, picket_result::KeyWrongLength);
    assert!(buf.iter().all(|&b| b == SENTINEL));
    assert_eq!(
        unsafe { picket_key_digest(PK.as_ptr(), PK.len(), null_mut()) },
        picket_result::NullParameter
    );

    let upper = PK_DIGEST_HEX.to_ascii_uppercase();
    let mut bad_hex = PK_DIGEST_HEX.to_vec();
    bad_hex[10] = 0;
    for (hex, want) in [
        (&upper[..], picket_result::DigestInvalidCharacter),
        (&bad_hex[..], picket_result::DigestInvalidCharacter),
        (&PK_DIGEST_HEX[..63], picket_result::DigestWrongLength),
        (&[][..], picket_result::DigestWrongLength),
    ] {
        let mut out = [SENTINEL; 32];
        let r = unsafe { picket_digest_from_hex(hex.as_ptr(), hex.len(), out.as_mut_ptr()) };
        assert_eq!(r, want);
        assert_eq!(out, [SENTINEL; 32]);
    }
    assert_eq!(
        last_error(),
        "digest must be 64 hex digits, found 0 characters"
    );
    let mut out = [0u8; 32];
    assert_eq!(
        unsafe { picket_digest_from_hex(null(), 0, out.as_mut_ptr()) },
        picket_result::DigestWrongLength
    );
    // The output may not overlap the input.
    let mut both = [b'a'; 64];
    let r = unsafe { picket_digest_from_hex(both.as_ptr(), 64, both.as_mut_ptr().add(16)) };
    assert_eq!(r, picket_result::InvalidParameter);
}

#[test]
fn verify_and_verify_any() {
    let (_, pk_digest) = digest_of(PK);
    let (_, sk_digest) = digest_of(SK);
    let verify = |key: &[u8], d: &[u8; 32]| unsafe {
        picket_key_verify(key.as_ptr(), key.len(), d.as_ptr())
    };
    assert_eq!(verify(PK, &pk_digest), picket_result::Ok);
    assert_eq!(verify(SK, &pk_digest), picket_result::KeyMismatch);
    assert_eq!(
        last_error(),
        "picket_key_verify: the key does not match the digest"
    );
    assert_eq!(verify(b"sk_", &pk_digest), picket_result::KeyWrongLength);
    assert_eq!(
        unsafe { picket_key_verify(PK.as_ptr(), PK.len(), null()) },
        picket_result::NullParameter
    );

    let stored: Vec<u8> = [pk_digest, [0u8; 32], sk_digest].concat();
    let any = |key: &[u8], digests: *const u8, count: usize| {
        let mut index = usize::MAX;
        let r =
            unsafe { picket_key_verify_any(key.as_ptr(), key.len(), digests, count, &mut index) };
        (r, index)
    };
    assert_eq!(any(PK, stored.as_ptr(), 3), (picket_result::Ok, 0));
    assert_eq!(any(SK, stored.as_ptr(), 3), (picket_result::Ok, 2));
    assert_eq!(
        any(SK, stored.as_ptr(), 2),
        (picket_result::KeyMismatch, usize::MAX)
    );
    assert_eq!(any(SK, null(), 0), (picket_result::KeyMismatch, usize::MAX));
    assert_eq!(
        any(SK, null(), 1),
        (picket_result::NullParameter, usize::MAX)
    );
    assert_eq!(
        any(SK, stored.as_ptr(), usize::MAX / 16),
        (picket_result::InvalidParameter, usize::MAX)
    );
    assert_eq!(
        any(SK, stored.as_ptr(), usize::MAX / 31),
        (picket_result::InvalidParameter, usize::MAX)
    );
    assert_eq!(
        any(b"pk", stored.as_ptr(), 3),
        (picket_result::KeyUnknownPrefix, usize::MAX)
    );
}

#[test]
fn redacted_and_redact() {
    check_buffer_protocol("sk_…9e24".as_bytes(), |buf, len, out| unsafe {
        picket_key_redacted(SK.as_ptr(), SK.len(), buf, len, out)
    });
    assert_eq!(PICKET_REDACTED_LEN, "sk_…9e24".len());
    let (r, _, _) = with_buf(64, |buf, len, out| unsafe {
        picket_key_redacted(b"sk_nope".as_ptr(), 7, buf, len, out)
    });
    assert_eq!(r, picket_result::KeyWrongLength);

    let line = b"GET /v1/ping?key=sk_e1f767d29fa6e533f2e5c62342fb9e24 \0 Authorization: Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";
    let want = "GET /v1/ping?key=sk_…9e24 \0 Authorization: Basic [REDACTED sk_…9e24]".as_bytes();
    check_buffer_protocol(want, |buf, len, out| unsafe {
        picket_redact(line.as_ptr(), line.len(), buf, len, out)
    });
    // Unchanged text is copied unchanged; buf_len == text_len always suffices.
    for text in [&line[..], PK, b"nothing to see", b"", b"Basic", b"sk_\0"] {
        let (r, buf, len) = with_buf(text.len(), |buf, len, out| unsafe {
            picket_redact(text.as_ptr(), text.len(), buf, len, out)
        });
        assert_eq!(r, picket_result::Ok);
        assert!(len <= text.len());
        assert!(!String::from_utf8_lossy(&buf[..len]).contains(SK_BODY));
    }
    // (NULL, 0) in, (NULL, 0) out: nothing to write.
    let mut len = usize::MAX;
    assert_eq!(
        unsafe { picket_redact(null(), 0, null_mut(), 0, &mut len) },
        picket_result::Ok
    );
    assert_eq!(len, 0);
    // In place: buf == text.
    let mut in_place = line.to_vec();
    let r = unsafe {
        picket_redact(
            in_place.as_ptr(),
            in_place.len(),
            in_place.as_mut_ptr(),
            in_place.len(),
            &mut len,
        )
    };
    assert_eq!(r, picket_result::Ok);
    assert_eq!(&in_place[..len], want);
    let mut unchanged = PK.to_vec();
    let r = unsafe {
        picket_redact(
            unchanged.as_ptr(),
            PK.len(),
            unchanged.as_mut_ptr(),
            PK.len(),
            &mut len,
        )
    };
    assert_eq!((r, &unchanged[..len]), (picket_result::Ok, PK));
    // Partial overlap is refused.
    let mut shifted = line.to_vec();
    shifted.extend_from_slice(&[0; 8]);
    let r = unsafe {
        picket_redact(
            shifted.as_ptr(),
            line.len(),
            shifted.as_mut_ptr().add(4),
            line.len(),
            &mut len,
        )
    };
    assert_eq!(r, picket_result::InvalidParameter);
    assert_eq!(last_error(), "picket_redact: `buf` overlaps `text`");
}

fn authorization(header: &[u8], options: u32) -> (picket_result, u32, Vec<u8>, usize) {
    let mut kind = u32::MAX;
    let mut key = vec![SENTINEL; 64];
    let mut len = usize::MAX;
    let r = unsafe {
        picket_authorization_parse(
            header.as_ptr(),
            header.len(),
            options,
            &mut kind,
            key.as_mut_ptr(),
            key.len(),
            &mut len,
        )
    };
    (r, kind, key, len)
}

#[test]
fn authorization_parse() {
    let (r, kind, key, len) = authorization(SK_BASIC, 0);
    assert_eq!(
        (r, kind),
        (picket_result::Ok, picket_key_kind::Secret as u32)
    );
    assert_eq!(&key[..len], SK);
    let (r, kind, key, len) = authorization(PK_BASIC_JS, 0);
    assert_eq!((r, kind, &key[..len]), (picket_result::Ok, 1, PK));

    let bearer = [b"Bearer ", SK].concat();
    assert_eq!(
        authorization(&bearer, 0).0,
        picket_result::HeaderBearerNotEnabled
    );
    let (r, kind, key, len) = authorization(&bearer, PICKET_OPTION_ACCEPT_BEARER);
    assert_eq!((r, kind, &key[..len]), (picket_result::Ok, 2, SK));
    for bad in [2, 4, 8, 1 << 31, u32::MAX] {
        let (r, kind, key, len) = authorization(SK_BASIC, bad);
        assert_eq!(r, picket_result::InvalidParameter, "{bad}");
        assert_eq!((kind, len), (u32::MAX, usize::MAX));
        assert!(key.iter().all(|&b| b == SENTINEL));
    }

    let pair = b"Basic cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ6c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ=";
    let long = vec![b'a'; PICKET_MAX_HEADER_LEN + 1];
    let cases: &[(&[u8], picket_result)] = &[
        (b"", picket_result::HeaderMissing),
        (b"Basic c2tf\0", picket_result::HeaderControlCharacter),
        (&long, picket_result::HeaderTooLong),
        (b"Digest x", picket_result::HeaderUnsupportedScheme),
        (pair, picket_result::HeaderNonEmptyPassword),
        (b"Basic cGtf", picket_result::KeyWrongLength),
    ];
    for (header, want) in cases {
        let (r, kind, key, len) = authorization(header, 0);
        assert_eq!(r, *want);
        assert_eq!((kind, len), (u32::MAX, usize::MAX));
        assert!(key.iter().all(|&b| b == SENTINEL));
        assert!(!last_error().contains(SK_BODY));
    }
    authorization(b"Basic c2tf\0", 0);
    assert_eq!(
        last_error(),
        "authorization header contains control byte 0x00 at position 10"
    );

    // (NULL, 0) is a request without the header.
    let mut kind = u32::MAX;
    let mut key = [SENTINEL; 35];
    let mut len = usize::MAX;
    let r = unsafe {
        picket_authorization_parse(null(), 0, 0, &mut kind, key.as_mut_ptr(), 35, &mut len)
    };
    assert_eq!(r, picket_result::HeaderMissing);
    // A key buffer one byte too small: the size is reported, nothing else written.
    let r = unsafe {
        picket_authorization_parse(
            SK_BASIC.as_ptr(),
            SK_BASIC.len(),
            0,
            &mut kind,
            key.as_mut_ptr(),
            34,
            &mut len,
        )
    };
    assert_eq!(
        (r, len, kind),
        (picket_result::BufferTooSmall, 35, u32::MAX)
    );
    assert_eq!(key, [SENTINEL; 35]);
    let r = unsafe {
        picket_authorization_parse(
            SK_BASIC.as_ptr(),
            SK_BASIC.len(),
            0,
            null_mut(),
            key.as_mut_ptr(),
            35,
            &mut len,
        )
    };
    assert_eq!(r, picket_result::NullParameter);
}

#[test]
fn http_answers() {
    assert_eq!(picket_auth_http_status(picket_result::Ok as u32), 200);
    assert_eq!(
        picket_auth_http_status(picket_result::AuthWrongKind as u32),
        403
    );
    for r in picket_result::all() {
        if !matches!(r, picket_result::Ok | picket_result::AuthWrongKind) {
            assert_eq!(picket_auth_http_status(*r as u32), 401, "{r:?}");
        }
    }
    assert_eq!(picket_auth_http_status(u32::MAX), 401);

    let challenge = |result: picket_result| {
        with_buf(64, |buf, len, out| unsafe {
            picket_www_authenticate(result as u32, buf, len, out)
        })
    };
    let (r, buf, len) = challenge(picket_result::AuthUnknownKey);
    assert_eq!(
        (r, &buf[..len]),
        (picket_result::Ok, &b"Basic realm=\"picket\""[..])
    );
    for r in [picket_result::Ok, picket_result::AuthWrongKind] {
        let (got, buf, len) = challenge(r);
        assert_eq!((got, len), (picket_result::Ok, 0));
        assert!(buf.iter().all(|&b| b == SENTINEL));
    }
    check_buffer_protocol(b"Basic realm=\"picket\"", |buf, len, out| unsafe {
        picket_www_authenticate(picket_result::HeaderMissing as u32, buf, len, out)
    });
    // No challenge: (NULL, 0) is a large enough buffer.
    let mut len = usize::MAX;
    let r = unsafe { picket_www_authenticate(0, null_mut(), 0, &mut len) };
    assert_eq!((r, len), (picket_result::Ok, 0));
}

fn validate(uri: &[u8], mode: u32, options: u32) -> picket_result {
    unsafe { picket_redirect_validate(uri.as_ptr(), uri.len(), mode, options) }
}

#[test]
fn redirect_validate() {
    let dev = picket_mode::Development as u32;
    let prod = picket_mode::Production as u32;
    assert_eq!(
        validate(b"https://app.example.com/cb", prod, 0),
        picket_result::Ok
    );
    assert_eq!(
        validate(b"http://localhost:3000/", dev, 0),
        picket_result::Ok
    );
    assert_eq!(
        validate(b"http://localhost:3000/", prod, 0),
        picket_result::RedirectInsecureScheme
    );
    assert_eq!(
        validate(b"https://127.1/cb", prod, 0),
        picket_result::RedirectLoopbackInProduction
    );
    assert_eq!(
        validate(b"https://a.example/\0", prod, 0),
        picket_result::RedirectNonPrintable
    );
    assert_eq!(
        validate(b"com.example.app:/cb", prod, 0),
        picket_result::RedirectDisallowedScheme
    );
    assert_eq!(
        validate(
            b"com.example.app:/cb",
            prod,
            PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES
        ),
        picket_result::Ok
    );
    assert_eq!(
        validate(
            b"https://a.example/cb",
            dev,
            PICKET_OPTION_LOOPBACK_ANY_PORT
        ),
        picket_result::Ok
    );
    assert_eq!(
        unsafe { picket_redirect_validate(null(), 0, prod, 0) },
        picket_result::RedirectEmpty
    );
    assert_eq!(
        unsafe { picket_redirect_validate(null(), 3, prod, 0) },
        picket_result::NullParameter
    );
    for mode in [0, 3, u32::MAX] {
        assert_eq!(
            validate(b"https://a.example/", mode, 0),
            picket_result::InvalidParameter
        );
    }
    for options in [PICKET_OPTION_ACCEPT_BEARER, 8, u32::MAX] {
        assert_eq!(
            validate(b"https://a.example/", prod, options),
            picket_result::InvalidParameter
        );
    }
    let long = [
        b"https://a.example/".as_slice(),
        &[b'a'; PICKET_MAX_REDIRECT_URI_LEN],
    ]
    .concat();
    assert_eq!(validate(&long, prod, 0), picket_result::RedirectTooLong);
}

fn slices(list: &[&[u8]]) -> Vec<picket_slice> {
    list.iter()
        .map(|s| picket_slice {
            data: s.as_ptr(),
            len: s.len(),
        })
        .collect()
}

fn matches(
    list: &[picket_slice],
    candidate: &[u8],
    mode: u32,
    options: u32,
) -> (picket_result, bool) {
    let mut matched = false;
    let r = unsafe {
        picket_redirect_match(
            list.as_ptr(),
            list.len(),
            candidate.as_ptr(),
            candidate.len(),
            mode,
            options,
            &mut matched,
        )
    };
    (r, matched)
}

#[test]
fn redirect_match() {
    let dev = picket_mode::Development as u32;
    let prod = picket_mode::Production as u32;
    let list = slices(&[
        b"http://localhost:3000/cb",
        b"https://a.example/cb",
        b"http://127.0.0.1/cb",
    ]);
    assert_eq!(
        matches(&list, b"https://a.example/cb", prod, 0),
        (picket_result::Ok, true)
    );
    // Entries that registration refuses in production are left out.
    assert_eq!(
        matches(&list, b"http://localhost:3000/cb", prod, 0),
        (picket_result::Ok, false)
    );
    assert_eq!(
        matches(&list, b"http://localhost:3000/cb", dev, 0),
        (picket_result::Ok, true)
    );
    assert_eq!(
        matches(&list, b"https://a.example/cb/", prod, 0),
        (picket_result::Ok, false)
    );
    assert_eq!(
        matches(&list, b"https://a.example/cb\0", prod, 0),
        (picket_result::Ok, false)
    );
    assert_eq!(
        matches(&list, b"http://127.0.0.1:5555/cb", dev, 0),
        (picket_result::Ok, false)
    );
    assert_eq!(
        matches(
            &list,
            b"http://127.0.0.1:5555/cb",
            dev,
            PICKET_OPTION_LOOPBACK_ANY_PORT
        ),
        (picket_result::Ok, true)
    );

    let mut matched = true;
    // (NULL, 0) lists and candidates are empty.
    let r = unsafe { picket_redirect_match(null(), 0, null(), 0, prod, 0, &mut matched) };
    assert_eq!((r, matched), (picket_result::Ok, false));
    let with_empty = [picket_slice {
        data: null(),
        len: 0,
    }];
    assert_eq!(
        matches(&with_empty, b"", prod, 0),
        (picket_result::Ok, false)
    );
    // Invalid arguments: the answer is not written.
    let with_null = [
        list[0],
        picket_slice {
            data: null(),
            len: 5,
        },
    ];
    let mut matched = true;
    let r = unsafe {
        picket_redirect_match(
            with_null.as_ptr(),
            2,
            b"x".as_ptr(),
            1,
            prod,
            0,
            &mut matched,
        )
    };
    assert_eq!((r, matched), (picket_result::NullParameter, true));
    assert_eq!(
        last_error(),
        "picket_redirect_match: entry 1: `registered[].data` is NULL but its length is 5"
    );
    let r = unsafe { picket_redirect_match(null(), 1, null(), 0, prod, 0, &mut matched) };
    assert_eq!(r, picket_result::NullParameter);
    assert_eq!(
        matches(&list, b"x", 9, 0).0,
        picket_result::InvalidParameter
    );
    assert_eq!(
        matches(&list, b"x", prod, 1).0,
        picket_result::InvalidParameter
    );
    let r = unsafe {
        picket_redirect_match(
            list.as_ptr(),
            list.len(),
            b"x".as_ptr(),
            1,
            prod,
            0,
            null_mut(),
        )
    };
    assert_eq!(r, picket_result::NullParameter);
    // A misaligned array is refused before it is read.
    let storage = [0u64; 8];
    let misaligned = (storage.as_ptr() as *const u8).wrapping_add(1) as *const picket_slice;
    let r = unsafe { picket_redirect_match(misaligned, 1, null(), 0, prod, 0, &mut matched) };
    assert_eq!(r, picket_result::InvalidParameter);
    let r = unsafe {
        picket_redirect_match(
            list.as_ptr(),
            usize::MAX / 8,
            null(),
            0,
            prod,
            0,
            &mut matched,
        )
    };
    assert_eq!(r, picket_result::InvalidParameter);
}

#[test]
fn pkce_verify() {
    let v = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let c = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let verify = |v: &[u8], c: &[u8], m: &[u8]| unsafe {
        picket_pkce_verify(
            v.as_ptr(),
            v.len(),
            c.as_ptr(),
            c.len(),
            m.as_ptr(),
            m.len(),
        )
    };
    assert_eq!(verify(v, c, b"S256"), picket_result::Ok);
    let mut other = *c;
    other[0] = b'F';
    assert_eq!(verify(v, &other, b"S256"), picket_result::PkceMismatch);
    assert_eq!(verify(v, c, b"plain"), picket_result::PkcePlainRefused);
    assert_eq!(
        verify(v, c, b"S256\0"),
        picket_result::PkceUnsupportedMethod
    );
    assert_eq!(
        verify(&v[..42], c, b"S256"),
        picket_result::PkceVerifierLength
    );
    assert_eq!(
        unsafe { picket_pkce_verify(v.as_ptr(), v.len(), c.as_ptr(), c.len(), null(), 0) },
        picket_result::PkceUnsupportedMethod
    );
    assert_eq!(
        unsafe { picket_pkce_verify(null(), 43, c.as_ptr(), c.len(), b"S256".as_ptr(), 4) },
        picket_result::NullParameter
    );
}

/// A registry with project 1 (development) and 2 (production).
struct Fixture {
    registry: *mut picket_registry,
}

impl Fixture {
    fn new(options: u32) -> Fixture {
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

    fn authenticate(&self, header: &[u8], now: u64, requirement: u32) -> (picket_result, u64, u32) {
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
        unsafe { picket_registry_free(self.registry) }
    }
}

fn basic(key: &[u8]) -> Vec<u8> {
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

#[test]
fn last_error_message_rules() {
    // Per thread: a new thread has none.
    let fresh = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(fresh, "");

    parse(b"sk_e1f767d29fa6e533f2e5c62342fb9E24");
    let message = "api key has an uppercase hex digit at position 32: keys are lowercase";
    assert_eq!(last_error(), message);
    // Successful calls leave it alone.
    assert_eq!(parse(PK).0, picket_result::Ok);
    assert_eq!(last_error(), message);
    // Reading it with a buffer too small reports the size and does not change it.
    let mut small = [SENTINEL; 8];
    let mut len = 0;
    let r = unsafe { picket_last_error_message(small.as_mut_ptr(), small.len(), &mut len) };
    assert_eq!((r, len), (picket_result::BufferTooSmall, message.len()));
    assert_eq!(small, [SENTINEL; 8]);
    let r = unsafe { picket_last_error_message(null_mut(), 0, &mut len) };
    assert_eq!((r, len), (picket_result::BufferTooSmall, message.len()));
    let r = unsafe { picket_last_error_message(null_mut(), 0, null_mut()) };
    assert_eq!(r, picket_result::NullParameter);
    let r = unsafe { picket_last_error_message(null_mut(), 3, &mut len) };
    assert_eq!(r, picket_result::NullParameter);
    assert_eq!(last_error(), message);
    // The next failing call replaces it; messages never show a secret key.
    let secret_header = b"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6eA==";
    assert_eq!(
        authorization(secret_header, 0).0,
        picket_result::HeaderNonEmptyPassword
    );
    assert_eq!(
        last_error(),
        "the password must be empty: send only the api key, as the username"
    );
    // Other failing calls replace it too, e.g. picket_result_text.
    let (r, _, _) = with_buf(4, |buf, len, out| unsafe {
        picket_result_text(9999, buf, len, out)
    });
    assert_eq!(r, picket_result::InvalidParameter);
    assert_eq!(
        last_error(),
        "picket_result_text: `result` is 9999, which is not a picket_result"
    );
}
