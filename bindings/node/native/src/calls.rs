//! The functions of the C ABI that take no handle: keys, digests, the `Authorization`
//! header, redirect URIs, PKCE, redaction and the result codes. Each converts its
//! arguments ([`Input`]), makes one call of the C ABI and converts the result; no rule of
//! picket is decided here.

use napi::bindgen_prelude::{Buffer, Either, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::input::Input;
use crate::status::{check, refuse, PicketError, INVALID_PARAMETER};

/// `Ok` of a string the C ABI wrote (ASCII or UTF-8 by its contract).
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads `value` as the input `name`, or fails with the `TypeError` of a wrong type.
macro_rules! input {
    ($env:expr, $value:expr, $name:literal) => {{
        let mut input = Input::new();
        input.read($env, &$value, $name).map_err(napi_error)?;
        input
    }};
}

/// A Node-API error (an argument of the wrong type) keeps Node-API's own code
/// (`InvalidArg`), which the JavaScript layer turns into a `TypeError`.
pub(crate) fn napi_error(e: napi::Error) -> PicketError {
    napi::Error::new(e.status.as_ref().to_string(), e.reason.clone())
}

/// The library's version (`picket_version`).
#[napi(catch_unwind)]
pub fn version() -> String {
    let p = picket::picket_version();
    if p.is_null() {
        return String::new();
    }
    // SAFETY: picket_version returns a static NUL-terminated string (or NULL, checked).
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}

/// The static message of a result code (`picket_result_text`), or `null` for a value that
/// is not a result code.
#[napi(catch_unwind)]
pub fn result_text(code: u32) -> Option<String> {
    let mut buf = [0u8; 512];
    let mut len = 0usize;
    // SAFETY: `buf` is valid for writes of its length, `len` for one `usize`.
    let r = unsafe { picket::picket_result_text(code, buf.as_mut_ptr(), buf.len(), &mut len) };
    (r == picket::picket_result::Ok).then(|| text(&buf[..len]))
}

/// The detailed message of the last failing call on this thread.
#[napi(catch_unwind)]
pub fn last_error_message() -> String {
    crate::status::last_error_message()
}

/// `picket_key_parse`: the key's kind (1 publishable, 2 secret).
#[napi(catch_unwind)]
pub fn key_parse(env: &Env, key: Unknown<'_>) -> Result<u32, PicketError> {
    let key = input!(env, key, "key");
    let key = key.bytes();
    let mut kind = 0u32;
    // SAFETY: `key` is valid for its length; `kind` for one u32.
    check(unsafe { picket::picket_key_parse(key.as_ptr(), key.len(), &mut kind) } as u32)?;
    Ok(kind)
}

/// `picket_key_format` from 16 random bytes.
#[napi(catch_unwind)]
pub fn key_format(env: &Env, kind: u32, random16: Unknown<'_>) -> Result<String, PicketError> {
    let random = input!(env, random16, "random16");
    let random = random.bytes();
    if random.len() != picket::PICKET_KEY_RANDOM_LEN {
        return Err(refuse(
            INVALID_PARAMETER,
            format!("`random16` must be 16 bytes, not {}", random.len()),
        ));
    }
    let mut buf = [0u8; picket::PICKET_KEY_LEN];
    let mut len = 0usize;
    // SAFETY: `random` holds 16 bytes (checked); `buf` and `len` are valid outputs.
    check(unsafe {
        picket::picket_key_format(kind, random.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut len)
    } as u32)?;
    Ok(text(&buf[..len]))
}

/// `picket_key_generate`.
#[napi(catch_unwind)]
pub fn key_generate(kind: u32) -> Result<String, PicketError> {
    let mut buf = [0u8; picket::PICKET_KEY_LEN];
    let mut len = 0usize;
    // SAFETY: `buf` and `len` are valid outputs.
    let code = unsafe { picket::picket_key_generate(kind, buf.as_mut_ptr(), buf.len(), &mut len) };
    check(code as u32)?;
    Ok(text(&buf[..len]))
}

/// `picket_key_digest`: 32 bytes.
#[napi(catch_unwind)]
pub fn key_digest(env: &Env, key: Unknown<'_>) -> Result<Buffer, PicketError> {
    let key = input!(env, key, "key");
    let key = key.bytes();
    let mut out = [0u8; picket::PICKET_DIGEST_LEN];
    // SAFETY: `key` is valid for its length; `out` for 32 bytes.
    check(unsafe { picket::picket_key_digest(key.as_ptr(), key.len(), out.as_mut_ptr()) } as u32)?;
    Ok(out.to_vec().into())
}

/// A function of the C ABI that reads an input and writes text into a caller's buffer.
type TextFn =
    unsafe extern "C" fn(*const u8, usize, *mut u8, usize, *mut usize) -> picket::picket_result;

/// Calls `f` on `input` with a buffer of `N` bytes (the size the C ABI documents for it).
fn text_call<const N: usize>(input: &[u8], f: TextFn) -> Result<String, PicketError> {
    let mut buf = [0u8; N];
    let mut len = 0usize;
    // SAFETY: `input` is valid for its length; `buf` and `len` are valid outputs; `f` is a
    // function of the C ABI with exactly that contract.
    let code = unsafe {
        f(
            input.as_ptr(),
            input.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        )
    };
    check(code as u32)?;
    Ok(text(&buf[..len]))
}

/// `picket_key_digest_hex`: 64 lowercase hex digits.
#[napi(catch_unwind)]
pub fn key_digest_hex(env: &Env, key: Unknown<'_>) -> Result<String, PicketError> {
    let key = input!(env, key, "key");
    text_call::<{ picket::PICKET_DIGEST_HEX_LEN }>(key.bytes(), picket::picket_key_digest_hex)
}

/// `picket_digest_from_hex`: 32 bytes.
#[napi(catch_unwind)]
pub fn digest_from_hex(env: &Env, hex: Unknown<'_>) -> Result<Buffer, PicketError> {
    let hex = input!(env, hex, "hex");
    let hex = hex.bytes();
    let mut out = [0u8; picket::PICKET_DIGEST_LEN];
    // SAFETY: `hex` is valid for its length; `out` for 32 bytes.
    let code = unsafe { picket::picket_digest_from_hex(hex.as_ptr(), hex.len(), out.as_mut_ptr()) };
    check(code as u32)?;
    Ok(out.to_vec().into())
}

/// Refuses a digest argument that is not 32 bytes (the C ABI reads exactly 32).
fn digest_arg(digest: &[u8]) -> Result<(), PicketError> {
    if digest.len() != picket::PICKET_DIGEST_LEN {
        return Err(refuse(
            INVALID_PARAMETER,
            format!("`digest` must be 32 bytes, not {}", digest.len()),
        ));
    }
    Ok(())
}

/// `picket_key_verify`: whether the key is the digest's (false on `KEY_MISMATCH`).
#[napi(catch_unwind)]
pub fn key_verify(env: &Env, key: Unknown<'_>, digest: Unknown<'_>) -> Result<bool, PicketError> {
    let key = input!(env, key, "key");
    let digest = input!(env, digest, "digest");
    let (key, digest) = (key.bytes(), digest.bytes());
    digest_arg(digest)?;
    // SAFETY: `key` is valid for its length; `digest` holds 32 bytes (checked).
    let r = unsafe { picket::picket_key_verify(key.as_ptr(), key.len(), digest.as_ptr()) };
    if r == picket::picket_result::KeyMismatch {
        return Ok(false);
    }
    check(r as u32)?;
    Ok(true)
}

/// `picket_key_verify_any` over `digests`, the digests one after the other: the index of
/// the matching one, or -1.
#[napi(catch_unwind)]
pub fn key_verify_any(
    env: &Env,
    key: Unknown<'_>,
    digests: Unknown<'_>,
) -> Result<i64, PicketError> {
    let key = input!(env, key, "key");
    let digests = input!(env, digests, "digests");
    let (key, digests) = (key.bytes(), digests.bytes());
    if digests.len() % picket::PICKET_DIGEST_LEN != 0 {
        return Err(refuse(
            INVALID_PARAMETER,
            format!(
                "`digests` must be 32 bytes each, not {} in all",
                digests.len()
            ),
        ));
    }
    let count = digests.len() / picket::PICKET_DIGEST_LEN;
    let mut index = 0usize;
    // SAFETY: `key` is valid for its length, `digests` for `count * 32` bytes; `index` is
    // a valid output.
    let r = unsafe {
        picket::picket_key_verify_any(key.as_ptr(), key.len(), digests.as_ptr(), count, &mut index)
    };
    if r == picket::picket_result::KeyMismatch {
        return Ok(-1);
    }
    check(r as u32)?;
    Ok(index as i64)
}

/// `picket_key_redacted`: `sk_…9e24`.
#[napi(catch_unwind)]
pub fn key_redacted(env: &Env, key: Unknown<'_>) -> Result<String, PicketError> {
    let key = input!(env, key, "key");
    text_call::<{ picket::PICKET_REDACTED_LEN }>(key.bytes(), picket::picket_key_redacted)
}

/// `picket_redact`: a string for a string, a Buffer for bytes.
#[napi(catch_unwind)]
pub fn redact(env: &Env, text: Unknown<'_>) -> Result<Either<String, Buffer>, PicketError> {
    let input = input!(env, text, "text");
    let bytes = input.bytes();
    let mut out = vec![0u8; bytes.len()];
    let mut len = 0usize;
    // SAFETY: `bytes` is valid for its length; `out` for as many bytes (the output is
    // never longer than the input) and disjoint from it; `len` is a valid output.
    check(unsafe {
        picket::picket_redact(
            bytes.as_ptr(),
            bytes.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut len,
        )
    } as u32)?;
    out.truncate(len);
    if input.was_string {
        // The input was UTF-8 and redaction replaces ASCII runs with ASCII and `…`, so the
        // output is UTF-8: nothing is lost.
        return Ok(Either::A(String::from_utf8_lossy(&out).into_owned()));
    }
    Ok(Either::B(out.into()))
}

/// A key the `Authorization` header carried.
#[napi(object)]
pub struct ParsedKey {
    /// 1 publishable, 2 secret.
    pub kind: u32,
    /// The key's text.
    pub key: String,
}

/// `picket_authorization_parse`.
#[napi(catch_unwind)]
pub fn authorization_parse(
    env: &Env,
    header: Unknown<'_>,
    options: u32,
) -> Result<ParsedKey, PicketError> {
    let header = input!(env, header, "header");
    let header = header.bytes();
    let mut kind = 0u32;
    let mut buf = [0u8; picket::PICKET_KEY_LEN];
    let mut len = 0usize;
    // SAFETY: `header` is valid for its length; the outputs are locals.
    check(unsafe {
        picket::picket_authorization_parse(
            header.as_ptr(),
            header.len(),
            options,
            &mut kind,
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        )
    } as u32)?;
    Ok(ParsedKey {
        kind,
        key: text(&buf[..len]),
    })
}

/// `picket_auth_http_status`: 200, 401 or 403.
#[napi(catch_unwind)]
pub fn auth_http_status(code: u32) -> u32 {
    u32::from(picket::picket_auth_http_status(code))
}

/// `picket_www_authenticate`: the challenge of a 401, else "".
#[napi(catch_unwind)]
pub fn www_authenticate(code: u32) -> Result<String, PicketError> {
    let mut buf = [0u8; 64];
    let mut len = 0usize;
    // SAFETY: `buf` and `len` are valid outputs.
    let r = unsafe { picket::picket_www_authenticate(code, buf.as_mut_ptr(), buf.len(), &mut len) };
    check(r as u32)?;
    Ok(text(&buf[..len]))
}

/// `picket_redirect_validate`.
#[napi(catch_unwind)]
pub fn redirect_validate(
    env: &Env,
    uri: Unknown<'_>,
    mode: u32,
    options: u32,
) -> Result<(), PicketError> {
    let uri = input!(env, uri, "uri");
    let uri = uri.bytes();
    // SAFETY: `uri` is valid for its length.
    check(
        unsafe { picket::picket_redirect_validate(uri.as_ptr(), uri.len(), mode, options) } as u32,
    )
}

/// `picket_redirect_match`.
#[napi(catch_unwind)]
pub fn redirect_match(
    env: &Env,
    registered: Vec<String>,
    candidate: Unknown<'_>,
    mode: u32,
    options: u32,
) -> Result<bool, PicketError> {
    let candidate = input!(env, candidate, "candidate");
    let candidate = candidate.bytes();
    let slices: Vec<picket::picket_slice> = registered
        .iter()
        .map(|s| picket::picket_slice {
            data: s.as_ptr(),
            len: s.len(),
        })
        .collect();
    let mut matched = false;
    // SAFETY: `slices` holds `slices.len()` slices over the strings of `registered`, alive
    // for the call; `candidate` is valid for its length; `matched` is a valid output.
    check(unsafe {
        picket::picket_redirect_match(
            slices.as_ptr(),
            slices.len(),
            candidate.as_ptr(),
            candidate.len(),
            mode,
            options,
            &mut matched,
        )
    } as u32)?;
    Ok(matched)
}

/// `picket_pkce_verify`.
#[napi(catch_unwind)]
pub fn pkce_verify(
    env: &Env,
    verifier: Unknown<'_>,
    challenge: Unknown<'_>,
    method: Unknown<'_>,
) -> Result<(), PicketError> {
    let verifier = input!(env, verifier, "verifier");
    let challenge = input!(env, challenge, "challenge");
    let method = input!(env, method, "method");
    let (v, c, m) = (verifier.bytes(), challenge.bytes(), method.bytes());
    // SAFETY: each input is valid for its length.
    check(unsafe {
        picket::picket_pkce_verify(
            v.as_ptr(),
            v.len(),
            c.as_ptr(),
            c.len(),
            m.as_ptr(),
            m.len(),
        )
    } as u32)
}
