//! The `Authorization` header and the HTTP answer: `picket_authorization_parse`,
//! `picket_auth_http_status`, `picket_www_authenticate`.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;

pub(crate) fn authorization(header: &[u8], options: u32) -> (picket_result, u32, Vec<u8>, usize) {
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
