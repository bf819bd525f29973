//! The exported functions, called directly as C calls them: success paths, NULLs,
//! `(NULL, 0)`, buffers too small (size reported, buffer untouched), embedded NULs, invalid
//! enum values and option bits, overlapping buffers, the last error message, and a registry
//! shared by threads. One file per area, as the crate's modules are.
//!
//! Every `unsafe` block here calls an exported function with pointers to live Rust values
//! of the stated lengths (or NULL, which the function must refuse or treat as empty).
#![allow(clippy::undocumented_unsafe_blocks)]

use std::ptr::{null, null_mut};

use picket::*;

mod handles;
mod header;
mod keys;
mod messages;
mod pkce;
mod redirect;
mod registry;
mod update;

// The fixture keys of picket-test-support.
const PK: &[u8] = picket_test_support::keys::PK.as_bytes();
const SK: &[u8] = picket_test_support::keys::SK.as_bytes();
/// `curl -u SK:`
const SK_BASIC: &[u8] = picket_test_support::keys::SK_BASIC.as_bytes();
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

fn digest_of(key: &[u8]) -> (picket_result, [u8; 32]) {
    let mut out = [SENTINEL; 32];
    let r = unsafe { picket_key_digest(key.as_ptr(), key.len(), out.as_mut_ptr()) };
    (r, out)
}
