//! # picket-ffi: the C ABI of picket
//!
//! The library `picket` (`libpicket.so`, `libpicket.a`) with the header `include/picket.h`,
//! generated from this crate by cbindgen. It has no logic of its own: each function checks
//! and converts its arguments, calls picket-core and maps the result.
//!
//! ## API conventions
//!
//! These hold for every function; a function's own documentation says only what is
//! particular to it.
//!
//! - **Names.** Everything is prefixed `picket_` (`PICKET_` for constants); functions are
//!   named `picket_<type>_<verb>`. `picket_registry_builder` and `picket_registry` are
//!   opaque; each has a `_free` function, and `_free(NULL)` does nothing.
//! - **Results.** Fallible functions return a `picket_result`: `PICKET_RESULT_OK` (0) on
//!   success, a non-zero code otherwise. `picket_result_text` gives each code's static
//!   message.
//! - **Inputs** are `const uint8_t *` plus a `size_t` length. The bytes need not be
//!   NUL-terminated, and a NUL byte inside is data like any other. `(NULL, 0)` is accepted
//!   everywhere as the empty input; NULL with a non-zero length is
//!   `PICKET_RESULT_NULL_PARAMETER`. A length above `PTRDIFF_MAX` is
//!   `PICKET_RESULT_INVALID_PARAMETER`. Fixed-size inputs (`random16`, `digest`) have no
//!   length argument: the pointer must point to exactly that many bytes and must not be
//!   NULL. Inputs are only read, and only during the call.
//! - **Outputs** come last and are written only on success. Every output pointer is
//!   required (NULL is `PICKET_RESULT_NULL_PARAMETER`) and needs no particular alignment.
//! - **Strings out** go into a caller's buffer `(buf, len)` with a `size_t *out_len`: on
//!   success `*out_len` is the number of bytes written; no NUL terminator is added. When
//!   the buffer is too small the call returns `PICKET_RESULT_BUFFER_TOO_SMALL`, writes the
//!   size needed to `*out_len` and leaves the buffer untouched; `(NULL, 0)` therefore asks
//!   for the size. An output buffer must not overlap an input buffer
//!   (`PICKET_RESULT_INVALID_PARAMETER`), except where a function says otherwise. No
//!   string allocated by picket crosses the boundary, so there is nothing to free.
//! - **Enums and options** are passed as `uint32_t`. A value that is not one of the enum's
//!   constants, or an option bit the function does not use, is
//!   `PICKET_RESULT_INVALID_PARAMETER`.
//! - **Errors in detail.** Every call that returns a code other than `PICKET_RESULT_OK`
//!   records a message naming the rule that was broken (it never contains a key or other
//!   secret), read with `picket_last_error_message`. The message is per OS thread and is
//!   replaced by the next failing call on the same thread; successful calls leave it
//!   alone. (From Go: call `runtime.LockOSThread` around the call and the read.)
//! - **Panics** never cross the boundary: a panic inside picket (a bug) is caught and
//!   returned as `PICKET_RESULT_PANIC`, or as the fallback value a function documents.
//! - **Threads.** Functions without a handle may be called from any thread at any time. A
//!   `picket_registry` is immutable: any number of threads may use one at once. A
//!   `picket_registry_builder` must be used by one thread at a time.
//!
//! The Rust functions are `unsafe` where they take pointers: their safety contract is the
//! conventions above (every non-NULL pointer valid for its stated length for the duration
//! of the call).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::all, clippy::undocumented_unsafe_blocks)]

mod boundary;
mod io;

pub mod auth;
pub mod keys;
pub mod pkce;
pub mod redirect;
pub mod registry;
pub mod result;

pub use auth::*;
pub use keys::*;
pub use pkce::*;
pub use redirect::*;
pub use registry::*;
pub use result::picket_result;

use std::ffi::c_char;

use picket_core::{HeaderOptions, KeyKind, Mode, RedirectOptions, Requirement};

use boundary::{ffi_result, ffi_result_keep_message, ffi_value, last_error_message, Failure};
use io::OutBuf;

/// Length in bytes of an API key's text (`pk_` or `sk_` and 32 hex digits).
pub const PICKET_KEY_LEN: usize = 35;
/// Number of random bytes a key encodes (the input of `picket_key_format`).
pub const PICKET_KEY_RANDOM_LEN: usize = 16;
/// Length in bytes of a key digest (SHA-256).
pub const PICKET_DIGEST_LEN: usize = 32;
/// Length of a digest's lowercase hexadecimal form.
pub const PICKET_DIGEST_HEX_LEN: usize = 64;
/// Length in bytes of a redacted key (`sk_…9e24`: the `…` is 3 bytes of UTF-8).
pub const PICKET_REDACTED_LEN: usize = 10;
/// Longest `Authorization` value accepted, in bytes; longer values are refused with
/// `PICKET_RESULT_HEADER_TOO_LONG` before any other work.
pub const PICKET_MAX_HEADER_LEN: usize = 8192;
/// Longest redirect URI accepted for registration, in bytes.
pub const PICKET_MAX_REDIRECT_URI_LEN: usize = 2048;
/// `expires_at` value of a key that never expires (valid for every `now`). Any other key is
/// valid while `now < expires_at`.
pub const PICKET_NO_EXPIRY: u64 = u64::MAX;

/// Option bit: also accept `Authorization: Bearer <key>` (as Stripe does). Used by
/// `picket_authorization_parse` and `picket_registry_builder_set_options`.
pub const PICKET_OPTION_ACCEPT_BEARER: u32 = 1;
/// Option bit: accept RFC 8252 private-use URI schemes for native apps
/// (`com.example.app:/callback`; the scheme must contain a dot). Used by the redirect
/// functions and `picket_registry_builder_add_project`.
pub const PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES: u32 = 2;
/// Option bit: in development, `http://127.0.0.1` and `http://[::1]` entries match a
/// presented URI whatever its port (RFC 8252 §7.3). Used by the redirect functions and
/// `picket_registry_builder_add_project`.
pub const PICKET_OPTION_LOOPBACK_ANY_PORT: u32 = 4;

const _: () = {
    assert!(PICKET_KEY_LEN == picket_core::KEY_LEN);
    assert!(PICKET_KEY_RANDOM_LEN == picket_core::KEY_RANDOM_BYTES);
    assert!(PICKET_DIGEST_LEN == picket_core::DIGEST_LEN);
    assert!(PICKET_DIGEST_HEX_LEN == picket_core::DIGEST_HEX_LEN);
    assert!(PICKET_REDACTED_LEN == picket_core::REDACTED_LEN);
    assert!(PICKET_MAX_HEADER_LEN == picket_core::MAX_HEADER_LEN);
    assert!(PICKET_MAX_REDIRECT_URI_LEN == picket_core::MAX_REDIRECT_URI_LEN);
};

/// The kind of an API key. Passed and returned as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_key_kind {
    /// `pk_`: used client-side, by a browser SDK; safe to expose.
    Publishable = 1,
    /// `sk_`: used server-side only; must be kept secret.
    Secret = 2,
}

/// Whether a project is in development or production. Passed as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_mode {
    /// Local development: `http://localhost`, `http://127.0.0.1` and `http://[::1]`
    /// redirect URIs are allowed.
    Development = 1,
    /// Production: https only, and no loopback host.
    Production = 2,
}

/// Which kinds of key an endpoint accepts. Passed as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_requirement {
    /// Client-side endpoints: publishable keys only.
    Publishable = 1,
    /// Server-side endpoints: secret keys only.
    Secret = 2,
    /// Either kind.
    Any = 3,
}

/// A `picket_key_kind` value from C, checked.
fn key_kind(value: u32) -> Result<KeyKind, Failure> {
    match value {
        v if v == picket_key_kind::Publishable as u32 => Ok(KeyKind::Publishable),
        v if v == picket_key_kind::Secret as u32 => Ok(KeyKind::Secret),
        v => Err(Failure::invalid(format!(
            "`kind` is {v}: expected PICKET_KEY_KIND_PUBLISHABLE (1) or PICKET_KEY_KIND_SECRET (2)"
        ))),
    }
}

/// The `picket_key_kind` value of a key kind.
fn key_kind_value(kind: KeyKind) -> u32 {
    match kind {
        KeyKind::Publishable => picket_key_kind::Publishable as u32,
        KeyKind::Secret => picket_key_kind::Secret as u32,
    }
}

/// A `picket_mode` value from C, checked.
fn mode(value: u32) -> Result<Mode, Failure> {
    match value {
        v if v == picket_mode::Development as u32 => Ok(Mode::Development),
        v if v == picket_mode::Production as u32 => Ok(Mode::Production),
        v => Err(Failure::invalid(format!(
            "`mode` is {v}: expected PICKET_MODE_DEVELOPMENT (1) or PICKET_MODE_PRODUCTION (2)"
        ))),
    }
}

/// A `picket_requirement` value from C, checked.
fn requirement(value: u32) -> Result<Requirement, Failure> {
    match value {
        v if v == picket_requirement::Publishable as u32 => Ok(Requirement::Publishable),
        v if v == picket_requirement::Secret as u32 => Ok(Requirement::Secret),
        v if v == picket_requirement::Any as u32 => Ok(Requirement::Any),
        v => Err(Failure::invalid(format!(
            "`requirement` is {v}: expected PICKET_REQUIREMENT_PUBLISHABLE (1), \
             PICKET_REQUIREMENT_SECRET (2) or PICKET_REQUIREMENT_ANY (3)"
        ))),
    }
}

/// Refuses option bits outside `allowed`.
fn check_options(options: u32, allowed: u32) -> Result<(), Failure> {
    let unknown = options & !allowed;
    if unknown != 0 {
        return Err(Failure::invalid(format!(
            "`options` has bits 0x{unknown:x} that this function does not use (allowed: 0x{allowed:x})"
        )));
    }
    Ok(())
}

/// `PICKET_OPTION_ACCEPT_BEARER` only, as header options.
fn header_options(options: u32) -> Result<HeaderOptions, Failure> {
    check_options(options, PICKET_OPTION_ACCEPT_BEARER)?;
    Ok(HeaderOptions {
        accept_bearer: options & PICKET_OPTION_ACCEPT_BEARER != 0,
    })
}

/// The redirect option bits, as redirect options.
fn redirect_options(options: u32) -> Result<RedirectOptions, Failure> {
    check_options(
        options,
        PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES | PICKET_OPTION_LOOPBACK_ANY_PORT,
    )?;
    Ok(RedirectOptions {
        allow_private_use_schemes: options & PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES != 0,
        loopback_any_port: options & PICKET_OPTION_LOOPBACK_ANY_PORT != 0,
    })
}

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

/// Writes the static message of the result code `result` (for example `"api key is
/// empty"` for `PICKET_RESULT_KEY_EMPTY`) into `(buf, len)`, and its length to `*out_len`.
/// The message is lowercase ASCII (or UTF-8), without a NUL terminator.
///
/// Returns `PICKET_RESULT_OK`, `PICKET_RESULT_BUFFER_TOO_SMALL` (the needed size is in
/// `*out_len`), `PICKET_RESULT_NULL_PARAMETER`, or `PICKET_RESULT_INVALID_PARAMETER` when
/// `result` is not a `picket_result` value.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (or NULL with `len` 0) and `out_len` for
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_result_text(
    result: u32,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_result_text", || {
        // SAFETY: the caller guarantees `buf` and `out_len` (function contract).
        let out = unsafe { OutBuf::new(buf, len, out_len, "buf", "out_len") }?;
        let code = picket_result::from_code(result).ok_or_else(|| {
            Failure::invalid(format!(
                "`result` is {result}, which is not a picket_result"
            ))
        })?;
        out.write(code.text().as_bytes())
    })
}

/// Writes the detailed message of the last failing call on this OS thread into
/// `(buf, len)`, and its length to `*out_len` (0 when no call has failed on this thread).
///
/// The message names the rule that was broken, for example `api key has an uppercase hex
/// digit at position 32: keys are lowercase`, and never contains a key or other secret. It
/// is UTF-8, without a NUL terminator. Every call that returns a code other than
/// `PICKET_RESULT_OK` replaces it, except this function, which never changes it: a call
/// with a buffer too small returns `PICKET_RESULT_BUFFER_TOO_SMALL` with the needed size
/// in `*out_len`, and the message can then be read again.
///
/// The message is per OS thread: read it on the thread that made the failing call, before
/// that thread makes another. A Go caller must hold `runtime.LockOSThread()` from the
/// failing call to this one.
///
/// Returns `PICKET_RESULT_OK`, `PICKET_RESULT_BUFFER_TOO_SMALL` or
/// `PICKET_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (or NULL with `len` 0) and `out_len` for
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_last_error_message(
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result_keep_message("picket_last_error_message", || {
        // SAFETY: the caller guarantees `buf` and `out_len` (function contract).
        let out = unsafe { OutBuf::new(buf, len, out_len, "buf", "out_len") }?;
        out.write(last_error_message().as_bytes())
    })
}
