//! Redirect URIs: `picket_redirect_uri_validate` and `picket_redirect_uri_match`.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;

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
