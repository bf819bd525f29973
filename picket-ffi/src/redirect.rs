//! OAuth redirect URIs without a registry: validate one, match against a list.

use picket_core::{match_redirect_uri, validate_redirect_uri};

use crate::boundary::ffi_result;
use crate::io::{input, input_items, Out};
use crate::redirect_options;
use crate::result::picket_result;

/// A borrowed byte string: `len` bytes at `data`. `(NULL, 0)` is the empty string. Used
/// for lists of inputs; picket only reads it, during the call.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct picket_slice {
    /// The first byte (NULL only when `len` is 0).
    pub data: *const u8,
    /// The number of bytes.
    pub len: usize,
}

/// Checks that `uri` may be registered as a redirect URI by a project in `mode` (a
/// `picket_mode`). `options` may hold `PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES` and
/// `PICKET_OPTION_LOOPBACK_ANY_PORT` (the latter changes only matching).
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_REDIRECT_*` (400-416): the first rule broken (an empty URI is
///   `PICKET_RESULT_REDIRECT_EMPTY`);
/// - `PICKET_RESULT_NULL_PARAMETER`: `uri` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `mode` or option bits, or `uri_len` above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `uri` must be valid for reads of `uri_len` bytes (or NULL with `uri_len` 0).
#[no_mangle]
pub unsafe extern "C" fn picket_redirect_validate(
    uri: *const u8,
    uri_len: usize,
    mode: u32,
    options: u32,
) -> picket_result {
    ffi_result("picket_redirect_validate", || {
        // SAFETY: the caller guarantees `uri` (function contract).
        let uri = unsafe { input(uri, uri_len, "uri") }?;
        validate_redirect_uri(uri, crate::mode(mode)?, redirect_options(options)?)?;
        Ok(())
    })
}

/// Whether `candidate` matches one of the `count` URIs of `registered` for a project in
/// `mode` (a `picket_mode`) with `options` (as for `picket_redirect_validate`). Each entry
/// is first validated for `mode`; entries that registration would refuse are left out and
/// never match. Matching is byte-exact (with `PICKET_OPTION_LOOPBACK_ANY_PORT` in
/// development, the port of a `http://127.0.0.1` or `http://[::1]` entry may differ).
/// `(NULL, 0)` for `registered` is an empty list. On success writes the answer to
/// `*out_matched`.
///
/// Returns:
/// - `PICKET_RESULT_OK`, whether or not it matched;
/// - `PICKET_RESULT_NULL_PARAMETER`: `out_matched` NULL, or `registered`, `candidate` or an
///   entry's `data` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `mode` or option bits, a misaligned
///   `registered`, or a length above `PTRDIFF_MAX`.
///
/// # Safety
/// `registered` must be valid for reads of `count` `picket_slice`s (or NULL with `count`
/// 0), each valid as an input; `candidate` must be valid for reads of `candidate_len`
/// bytes (or NULL with `candidate_len` 0); `out_matched` for writes of one `bool`.
#[no_mangle]
pub unsafe extern "C" fn picket_redirect_match(
    registered: *const picket_slice,
    count: usize,
    candidate: *const u8,
    candidate_len: usize,
    mode: u32,
    options: u32,
    out_matched: *mut bool,
) -> picket_result {
    ffi_result("picket_redirect_match", || {
        // SAFETY: the caller guarantees `registered`, `candidate` and `out_matched`
        // (function contract).
        let (entries, candidate, out_matched) = unsafe {
            (
                input_items(registered, count, "registered")?,
                input(candidate, candidate_len, "candidate")?,
                Out::new(out_matched, "out_matched")?,
            )
        };
        let mut list: Vec<&[u8]> = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            // SAFETY: the caller guarantees each entry's `data` for `len` bytes (function
            // contract).
            let bytes = unsafe { input(entry.data, entry.len, "registered[].data") }
                .map_err(|failure| failure.context(format!("entry {i}")))?;
            list.push(bytes);
        }
        let matched = match_redirect_uri(
            &list,
            candidate,
            crate::mode(mode)?,
            redirect_options(options)?,
        );
        out_matched.write(matched);
        Ok(())
    })
}
