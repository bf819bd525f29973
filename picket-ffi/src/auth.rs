//! The `Authorization` header, and the HTTP answer to an authentication failure.

use picket_core::{parse_authorization, AuthError, KeyKind, WWW_AUTHENTICATE};

use crate::boundary::{ffi_result, ffi_value};
use crate::io::{input, Out, OutBuf};
use crate::result::picket_result;
use crate::{header_options, key_kind_value};

/// Parses an `Authorization` field value, exactly as the server received it, to the API
/// key it carries: HTTP Basic with the key as the username and an empty password (both
/// `Basic base64(KEY:)` and the JS SDKs' `Basic  base64(KEY)`), and with
/// `PICKET_OPTION_ACCEPT_BEARER` also `Bearer KEY`. `options` may hold only that bit.
///
/// On success writes the key's kind (a `picket_key_kind`) to `*out_kind`, its
/// `PICKET_KEY_LEN` (35) bytes of text into `(key_buf, key_buf_len)` and 35 to
/// `*out_key_len`. The key is not looked up: use `picket_registry_authenticate` for that.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_HEADER_*` (300-312): the header breaks the rule the code names;
/// - `PICKET_RESULT_KEY_UNKNOWN_PREFIX`, `PICKET_RESULT_KEY_WRONG_LENGTH`,
///   `PICKET_RESULT_KEY_NON_HEX`, `PICKET_RESULT_KEY_SURROUNDING_WHITESPACE`,
///   `PICKET_RESULT_KEY_UPPERCASE`: the credentials carry a malformed key (an empty one is
///   `PICKET_RESULT_HEADER_EMPTY_KEY`);
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: 35 in `*out_key_len`, `*out_kind` untouched;
/// - `PICKET_RESULT_NULL_PARAMETER`: `header` or `key_buf` NULL with a length, or an output
///   pointer NULL;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown option bits, `key_buf` overlapping
///   `header`, or a length above `PTRDIFF_MAX`.
///
/// `picket_auth_http_status` and `picket_www_authenticate` give the HTTP answer to a
/// failure.
///
/// # Safety
/// `header` must be valid for reads of `header_len` bytes (or NULL with `header_len` 0),
/// `key_buf` for writes of `key_buf_len` bytes (or NULL with `key_buf_len` 0), `out_kind`
/// for one `uint32_t` and `out_key_len` for one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_authorization_parse(
    header: *const u8,
    header_len: usize,
    options: u32,
    out_kind: *mut u32,
    key_buf: *mut u8,
    key_buf_len: usize,
    out_key_len: *mut usize,
) -> picket_result {
    ffi_result("picket_authorization_parse", || {
        // SAFETY: the caller guarantees `header`, `out_kind`, `key_buf` and `out_key_len`
        // (function contract).
        let (header, out_kind, out_key) = unsafe {
            (
                input(header, header_len, "header")?,
                Out::new(out_kind, "out_kind")?,
                OutBuf::new(key_buf, key_buf_len, out_key_len, "key_buf", "out_key_len")?,
            )
        };
        out_key.disjoint_from(header, "header")?;
        let key = parse_authorization(header, header_options(options)?)?;
        out_key.write(key.as_bytes())?;
        out_kind.write(key_kind_value(key.kind()));
        Ok(())
    })
}

/// The HTTP status to answer for `result`, a code returned by
/// `picket_registry_authenticate` or `picket_authorization_parse`: 200 for
/// `PICKET_RESULT_OK`, 403 for `PICKET_RESULT_AUTH_WRONG_KIND` (a valid key of the wrong
/// kind), and 401 for every other value, whatever it is (a malformed or unknown key, but
/// also a NULL argument: the request is refused either way). Send a 401 with the
/// `WWW-Authenticate` challenge of `picket_www_authenticate`.
///
/// Never fails. Returns 500 only if a panic was caught (never expected).
#[no_mangle]
pub extern "C" fn picket_auth_http_status(result: u32) -> u16 {
    ffi_value("picket_auth_http_status", 500, || status(result))
}

/// The status of a result, taken from picket-core's `AuthError::status`.
fn status(result: u32) -> u16 {
    let wrong_kind = AuthError::WrongKind {
        required: KeyKind::Secret,
        presented: KeyKind::Publishable,
    };
    if result == picket_result::Ok as u32 {
        200
    } else if result == wrong_kind.code() {
        wrong_kind.status()
    } else {
        AuthError::UnknownKey.status()
    }
}

/// Writes the `WWW-Authenticate` value to send with the answer to `result` (as for
/// `picket_auth_http_status`) into `(buf, len)`, and its length to `*out_len`:
/// `Basic realm="picket"` (20 bytes) when the status is 401, and nothing (`*out_len` = 0)
/// for 200 or 403, which carry no challenge.
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
pub unsafe extern "C" fn picket_www_authenticate(
    result: u32,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_www_authenticate", || {
        // SAFETY: the caller guarantees `buf` and `out_len` (function contract).
        let out = unsafe { OutBuf::new(buf, len, out_len, "buf", "out_len") }?;
        let challenge = match status(result) {
            401 => WWW_AUTHENTICATE,
            _ => "",
        };
        out.write(challenge.as_bytes())
    })
}
