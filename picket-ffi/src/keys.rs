//! API keys: parse, format, generate, digest, verify, redact; and redaction of log text.

use picket_core::{redact_bytes, verify_any, ApiKey, KeyDigest};

use crate::boundary::{ffi_result, Failure};
use crate::io::{input, input_array, Out, OutArray, OutBuf};
use crate::result::picket_result;
use crate::{key_kind, key_kind_value, PICKET_DIGEST_LEN, PICKET_KEY_RANDOM_LEN};

/// Parses and classifies an API key: `pk_` or `sk_` followed by exactly 32 lowercase hex
/// digits, with nothing around it (no trimming, no case folding). On success writes its
/// kind (a `picket_key_kind`) to `*out_kind`.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_KEY_*` (100-105): the first rule the key breaks;
/// - `PICKET_RESULT_NULL_PARAMETER`: `key` NULL with a length, or `out_kind` NULL;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `key_len` above `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0) and
/// `out_kind` for writes of one `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_parse(
    key: *const u8,
    key_len: usize,
    out_kind: *mut u32,
) -> picket_result {
    ffi_result("picket_key_parse", || {
        // SAFETY: the caller guarantees `key` and `out_kind` (function contract).
        let (key, out_kind) =
            unsafe { (input(key, key_len, "key")?, Out::new(out_kind, "out_kind")?) };
        let parsed = ApiKey::parse(key)?;
        out_kind.write(key_kind_value(parsed.kind()));
        Ok(())
    })
}

/// Formats a key of kind `kind` (a `picket_key_kind`) from `PICKET_KEY_RANDOM_LEN` (16)
/// random bytes the caller drew from a CSPRNG, writing its `PICKET_KEY_LEN` (35) bytes of
/// text into `(buf, len)` and 35 to `*out_len`. For a secret key the text is the secret:
/// hand it to its owner and store only its digest.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: 35 in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `random16` or `out_len` NULL, or `buf` NULL with a
///   length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `kind`, `buf` overlapping `random16`, or
///   `len` above `PTRDIFF_MAX`.
///
/// # Safety
/// `random16` must be valid for reads of 16 bytes, `buf` for writes of `len` bytes (or NULL
/// with `len` 0) and `out_len` for one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_format(
    kind: u32,
    random16: *const u8,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_key_format", || {
        // SAFETY: the caller guarantees `random16`, `buf` and `out_len` (function contract).
        let (random, out) = unsafe {
            (
                input_array::<PICKET_KEY_RANDOM_LEN>(random16, "random16")?,
                OutBuf::new(buf, len, out_len, "buf", "out_len")?,
            )
        };
        out.disjoint_from(random, "random16")?;
        let key = ApiKey::from_random_bytes(key_kind(kind)?, *random);
        out.write(key.as_bytes())
    })
}

/// Generates a new key of kind `kind` (a `picket_key_kind`) from the operating system's
/// CSPRNG, writing its `PICKET_KEY_LEN` (35) bytes of text into `(buf, len)` and 35 to
/// `*out_len`. For a secret key the text is the secret: hand it to its owner and store
/// only its digest (`picket_key_digest`).
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_RANDOM_UNAVAILABLE`: the operating system's CSPRNG failed;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: 35 in `*out_len`; the key drawn is discarded, so
///   nothing was issued;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `buf` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `kind`, or `len` above `PTRDIFF_MAX`.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes (or NULL with `len` 0) and `out_len` for
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_generate(
    kind: u32,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_key_generate", || {
        // SAFETY: the caller guarantees `buf` and `out_len` (function contract).
        let out = unsafe { OutBuf::new(buf, len, out_len, "buf", "out_len") }?;
        let kind = key_kind(kind)?;
        let key = ApiKey::generate(kind).map_err(|e| {
            Failure::new(
                picket_result::RandomUnavailable,
                format!("the operating system's random number generator failed: {e}"),
            )
        })?;
        out.write(key.as_bytes())
    })
}

/// Parses `key` (as `picket_key_parse` does) and writes its SHA-256 digest, the value a
/// database stores instead of the key, as `PICKET_DIGEST_LEN` (32) raw bytes to `out`.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_KEY_*` (100-105): the first rule the key breaks;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out` NULL, or `key` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `out` overlapping `key`, or `key_len` above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0) and `out`
/// for writes of 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn picket_key_digest(
    key: *const u8,
    key_len: usize,
    out: *mut u8,
) -> picket_result {
    ffi_result("picket_key_digest", || {
        // SAFETY: the caller guarantees `key` and `out` (function contract).
        let (key, out) = unsafe {
            (
                input(key, key_len, "key")?,
                OutArray::<PICKET_DIGEST_LEN>::new(out, "out")?,
            )
        };
        out.disjoint_from(key, "`out` and `key`")?;
        let digest = ApiKey::parse(key)?.digest();
        out.write(digest.as_bytes());
        Ok(())
    })
}

/// Parses `key` and writes its SHA-256 digest as `PICKET_DIGEST_HEX_LEN` (64) lowercase
/// hex digits into `(buf, len)`, and 64 to `*out_len`: the form to store in a text column.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_KEY_*` (100-105): the first rule the key breaks;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: 64 in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `key` or `buf` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `buf` overlapping `key`, or a length above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0), `buf` for
/// writes of `len` bytes (or NULL with `len` 0) and `out_len` for one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_digest_hex(
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_key_digest_hex", || {
        // SAFETY: the caller guarantees `key`, `buf` and `out_len` (function contract).
        let (key, out) = unsafe {
            (
                input(key, key_len, "key")?,
                OutBuf::new(buf, len, out_len, "buf", "out_len")?,
            )
        };
        out.disjoint_from(key, "key")?;
        let digest = ApiKey::parse(key)?.digest();
        out.write(&digest.to_hex_bytes())
    })
}

/// Parses a digest's 64-digit lowercase hex form (as stored) and writes its 32 raw bytes
/// to `out`. Uppercase is refused: a stored digest has one spelling.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_DIGEST_*` (200-201): not 64 lowercase hex digits;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out` NULL, or `hex` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `out` overlapping `hex`, or `hex_len` above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `hex` must be valid for reads of `hex_len` bytes (or NULL with `hex_len` 0) and `out`
/// for writes of 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn picket_digest_from_hex(
    hex: *const u8,
    hex_len: usize,
    out: *mut u8,
) -> picket_result {
    ffi_result("picket_digest_from_hex", || {
        // SAFETY: the caller guarantees `hex` and `out` (function contract).
        let (hex, out) = unsafe {
            (
                input(hex, hex_len, "hex")?,
                OutArray::<PICKET_DIGEST_LEN>::new(out, "out")?,
            )
        };
        out.disjoint_from(hex, "`out` and `hex`")?;
        let digest = KeyDigest::from_hex(hex)?;
        out.write(digest.as_bytes());
        Ok(())
    })
}

/// Whether `key` is the key the 32-byte `digest` was made from: parses the key, hashes it
/// and compares the digests in constant time.
///
/// Returns:
/// - `PICKET_RESULT_OK`: the key is the digest's;
/// - `PICKET_RESULT_KEY_MISMATCH`: it is not;
/// - `PICKET_RESULT_KEY_*` (100-105): the key is malformed;
/// - `PICKET_RESULT_NULL_PARAMETER`: `digest` NULL, or `key` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `key_len` above `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0) and
/// `digest` for reads of 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn picket_key_verify(
    key: *const u8,
    key_len: usize,
    digest: *const u8,
) -> picket_result {
    ffi_result("picket_key_verify", || {
        // SAFETY: the caller guarantees `key` and `digest` (function contract).
        let (key, digest) = unsafe {
            (
                input(key, key_len, "key")?,
                input_array::<PICKET_DIGEST_LEN>(digest, "digest")?,
            )
        };
        let key = ApiKey::parse(key)?;
        if KeyDigest::from_bytes(*digest).verify(&key) {
            Ok(())
        } else {
            Err(Failure::new(
                picket_result::KeyMismatch,
                "the key does not match the digest",
            ))
        }
    })
}

/// Checks `key` against `count` stored digests (key rolling: the old and the new key are
/// both valid for a while). `digests` holds `count * 32` bytes, the digests one after the
/// other; `(NULL, 0)` is an empty list. Every digest is compared, in constant time, whatever
/// the outcome of the others. On a match writes the index of the matching digest to
/// `*out_index` (the last one if several are equal).
///
/// Returns:
/// - `PICKET_RESULT_OK`: a digest matches;
/// - `PICKET_RESULT_KEY_MISMATCH`: none does;
/// - `PICKET_RESULT_KEY_*` (100-105): the key is malformed;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_index` NULL, or `key` or `digests` NULL with a
///   length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `count * 32` or `key_len` above `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0), `digests`
/// for reads of `count * 32` bytes (or NULL with `count` 0) and `out_index` for writes of
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_verify_any(
    key: *const u8,
    key_len: usize,
    digests: *const u8,
    count: usize,
    out_index: *mut usize,
) -> picket_result {
    ffi_result("picket_key_verify_any", || {
        let bytes = count.checked_mul(PICKET_DIGEST_LEN).ok_or_else(|| {
            Failure::invalid(format!("`count` is {count}: count * 32 overflows size_t"))
        })?;
        // SAFETY: the caller guarantees `key`, `digests` (for `count * 32` bytes) and
        // `out_index` (function contract).
        let (key, digests, out_index) = unsafe {
            (
                input(key, key_len, "key")?,
                input(digests, bytes, "digests")?,
                Out::new(out_index, "out_index")?,
            )
        };
        let key = ApiKey::parse(key)?;
        let stored: Vec<KeyDigest> = digests
            .chunks_exact(PICKET_DIGEST_LEN)
            .map(|chunk| {
                let mut d = [0u8; PICKET_DIGEST_LEN];
                d.copy_from_slice(chunk);
                KeyDigest::from_bytes(d)
            })
            .collect();
        match verify_any(&key, &stored) {
            Some(index) => {
                out_index.write(index);
                Ok(())
            }
            None => Err(Failure::new(
                picket_result::KeyMismatch,
                format!("the key matches none of the {count} digests"),
            )),
        }
    })
}

/// Parses `key` and writes its redacted form, safe to log (`sk_…9e24`: the prefix, `…` and
/// the last 4 digits), as `PICKET_REDACTED_LEN` (10) bytes of UTF-8 into `(buf, len)`, and
/// 10 to `*out_len`.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_KEY_*` (100-105): the first rule the key breaks;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: 10 in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `key` or `buf` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `buf` overlapping `key`, or a length above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `key` must be valid for reads of `key_len` bytes (or NULL with `key_len` 0), `buf` for
/// writes of `len` bytes (or NULL with `len` 0) and `out_len` for one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_key_redacted(
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_key_redacted", || {
        // SAFETY: the caller guarantees `key`, `buf` and `out_len` (function contract).
        let (key, out) = unsafe {
            (
                input(key, key_len, "key")?,
                OutBuf::new(buf, len, out_len, "buf", "out_len")?,
            )
        };
        out.disjoint_from(key, "key")?;
        let redacted = ApiKey::parse(key)?.redacted();
        out.write(redacted.as_bytes())
    })
}

/// Masks secret keys in `text` (a log line, any bytes) and writes the result into
/// `(buf, buf_len)`, its length to `*out_len`. A bare `sk_` key (any case, escaped, with
/// invisible characters inside) becomes `sk_…9e24`, a fragment of 20 or more of its digits
/// `sk_…(partial)`; base64 (cut, wrapped or twice) or a byte dump that carries one becomes
/// `[REDACTED sk_…9e24]`. Publishable keys and all other bytes are copied unchanged (the
/// rules in full: picket-core's `redact`).
///
/// The output is never longer than the input, so `buf_len == text_len` always suffices.
/// `buf` may be `text` itself (in-place redaction) but must not overlap it otherwise.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUFFER_TOO_SMALL`: the needed size is in `*out_len`;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_len` NULL, or `text` or `buf` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `buf` overlapping `text` other than in place, or a
///   length above `PTRDIFF_MAX`.
///
/// # Safety
/// `text` must be valid for reads of `text_len` bytes (or NULL with `text_len` 0), `buf`
/// for writes of `buf_len` bytes (or NULL with `buf_len` 0) and `out_len` for one
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_redact(
    text: *const u8,
    text_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
) -> picket_result {
    ffi_result("picket_redact", || {
        // SAFETY: the caller guarantees `text`, `buf` and `out_len` (function contract).
        // `buf` may be `text`: the slice `text` is last used by `redact_bytes`, or by the
        // write, which copies nothing when the output is already in place.
        let (text, out) = unsafe {
            (
                input(text, text_len, "text")?,
                OutBuf::new(buf, buf_len, out_len, "buf", "out_len")?,
            )
        };
        out.disjoint_or_same(text, "text")?;
        let redacted = redact_bytes(text);
        out.write(&redacted)
    })
}
