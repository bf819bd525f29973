//! PKCE (RFC 7636): checking a code_verifier against the stored code_challenge.

use picket_core::verify_pkce;

use crate::boundary::ffi_result;
use crate::io::input;
use crate::result::picket_result;

/// Verifies a `code_verifier` against the `code_challenge` and `code_challenge_method`
/// stored with the authorization code. Only `S256` is accepted (`plain` is refused). The
/// hashes are compared in constant time.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_PKCE_*` (700-707): the rule broken; a wrong verifier is
///   `PICKET_RESULT_PKCE_MISMATCH`;
/// - `PICKET_RESULT_NULL_PARAMETER`: an input NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: a length above `PTRDIFF_MAX`.
///
/// # Safety
/// `verifier`, `challenge` and `method` must each be valid for reads of their lengths (or
/// NULL with length 0).
#[no_mangle]
pub unsafe extern "C" fn picket_pkce_verify(
    verifier: *const u8,
    verifier_len: usize,
    challenge: *const u8,
    challenge_len: usize,
    method: *const u8,
    method_len: usize,
) -> picket_result {
    ffi_result("picket_pkce_verify", || {
        // SAFETY: the caller guarantees `verifier`, `challenge` and `method` (function
        // contract).
        let (verifier, challenge, method) = unsafe {
            (
                input(verifier, verifier_len, "verifier")?,
                input(challenge, challenge_len, "challenge")?,
                input(method, method_len, "method")?,
            )
        };
        verify_pkce(verifier, challenge, method)?;
        Ok(())
    })
}
