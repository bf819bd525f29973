//! The messages of a failure: `picket_result_text` (each code's static text),
//! `picket_result_name` (its rule name) and `picket_last_error_message` (the detailed
//! message of this thread's last failure).

use crate::boundary::{ffi_result, ffi_result_keep_message, last_error_message, Failure};
use crate::io::OutBuf;
use crate::result::picket_result;

/// Writes the static message of the result code `result` (for example `"api key is
/// empty"` for `PICKET_RESULT_KEY_EMPTY`) into `(buf, len)`, and its length to `*out_len`.
/// The message is lowercase ASCII (or UTF-8), without a NUL terminator.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: the needed size is in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `buf` NULL with a non-zero `len`;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `result` is not a `picket_result` value, or `len`
///   is above `PTRDIFF_MAX`.
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
        unsafe { write_of_code(result, buf, len, out_len, picket_result::text) }
    })
}

/// Writes the rule name of the result code `result` into `(buf, len)`, and its length to
/// `*out_len`: the constant's name without `PICKET_RESULT_`, lowercase
/// (`"auth_unknown_key"` for `PICKET_RESULT_AUTH_UNKNOWN_KEY`, `"ok"` for
/// `PICKET_RESULT_OK`), the name Go's `Code.String()`, Python's `Code` and picket-server's
/// error bodies use. Lowercase ASCII, without a NUL terminator; every name fits in 64
/// bytes.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: the needed size is in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `buf` NULL with a non-zero `len`;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `result` is not a `picket_result` value, or `len`
///   is above `PTRDIFF_MAX`.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (or NULL with `len` 0) and `out_len` for
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_result_name(
    result: u32,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_result_name", || {
        // SAFETY: the caller guarantees `buf` and `out_len` (function contract).
        unsafe { write_of_code(result, buf, len, out_len, picket_result::name) }
    })
}

/// Writes `of(code)` for the code whose value is `result` into `(buf, len)`.
///
/// # Safety
/// As `picket_result_text`.
unsafe fn write_of_code(
    result: u32,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
    of: fn(picket_result) -> &'static str,
) -> Result<(), Failure> {
    // SAFETY: passed on from this function's caller.
    let out = unsafe { OutBuf::new(buf, len, out_len, "buf", "out_len") }?;
    let code = picket_result::from_code(result).ok_or_else(|| {
        Failure::invalid(format!(
            "`result` is {result}, which is not a picket_result"
        ))
    })?;
    out.write(of(code).as_bytes())
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
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: the needed size is in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `buf` NULL with a non-zero `len`;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `len` is above `PTRDIFF_MAX`.
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
