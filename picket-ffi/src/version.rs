//! `picket_version`: the library's version, to compare with the header's `PICKET_VERSION`.

use std::ffi::c_char;

use crate::boundary::ffi_value;

/// The library's version, `PICKET_VERSION` of the header it was built with.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the library, as a static NUL-terminated string (`"0.1.0"`). Compare it
/// with `PICKET_VERSION` to detect a header/library mismatch. The string is never freed.
/// Returns NULL only if a panic was caught (never expected).
#[no_mangle]
pub extern "C" fn picket_version() -> *const c_char {
    ffi_value("picket_version", std::ptr::null(), || {
        VERSION.as_ptr().cast::<c_char>()
    })
}
