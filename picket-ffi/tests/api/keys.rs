//! Keys, digests, verification and redaction: `picket_key_*`, `picket_redact*`.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;

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
