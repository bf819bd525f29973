//! PKCE (RFC 7636): checking a `code_verifier` against the stored `code_challenge`.
//!
//! Only the `S256` method is accepted: `plain` sends the secret in the clear and is refused
//! (RFC 9700 §2.1.1).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use crate::ct::ct_eq_32;

/// Shortest `code_verifier` (RFC 7636 §4.1).
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest `code_verifier` (RFC 7636 §4.1).
pub const MAX_VERIFIER_LEN: usize = 128;
/// Length of an S256 `code_challenge`: base64url of 32 bytes, no padding.
pub const CHALLENGE_LEN: usize = 43;

/// Why a PKCE check failed.
///
/// ```
/// use picket_core::{verify_pkce, PkceError};
/// let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// assert_eq!(verify_pkce(v.as_bytes(), v.as_bytes(), b"plain"), Err(PkceError::PlainRefused));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PkceError {
    /// `code_challenge_method=plain`, refused.
    #[error("code_challenge_method \"plain\" is not allowed: use S256")]
    PlainRefused,
    /// A method other than `S256` (names are case-sensitive).
    #[error("unsupported code_challenge_method: only \"S256\" is accepted")]
    UnsupportedMethod,
    /// The verifier is not 43 to 128 characters long.
    #[error("code_verifier must be 43 to 128 characters, found {found}")]
    VerifierLength {
        /// The length given.
        found: usize,
    },
    /// A verifier character outside `[A-Za-z0-9-._~]`.
    #[error("code_verifier has a character outside [A-Za-z0-9-._~] at position {position}")]
    VerifierCharacter {
        /// Zero-based byte offset.
        position: usize,
    },
    /// The challenge is not 43 characters long.
    #[error("code_challenge must be 43 base64url characters without padding, found {found}")]
    ChallengeLength {
        /// The length given.
        found: usize,
    },
    /// A challenge character outside the base64url alphabet.
    #[error(
        "code_challenge has a character outside the base64url alphabet at position {position}"
    )]
    ChallengeCharacter {
        /// Zero-based byte offset.
        position: usize,
    },
    /// The challenge's last character has non-zero unused bits: no SHA-256 encodes to it.
    #[error("code_challenge is not canonical base64url (non-zero trailing bits)")]
    ChallengeNotCanonical,
    /// The verifier does not hash to the challenge.
    #[error("code_verifier does not match code_challenge")]
    Mismatch,
}

fn check_verifier(verifier: &[u8]) -> Result<(), PkceError> {
    if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&verifier.len()) {
        return Err(PkceError::VerifierLength {
            found: verifier.len(),
        });
    }
    match verifier
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')))
    {
        Some(position) => Err(PkceError::VerifierCharacter { position }),
        None => Ok(()),
    }
}

/// The S256 `code_challenge` of a verifier: `BASE64URL-NOPAD(SHA-256(verifier))`.
///
/// # Errors
/// [`PkceError::VerifierLength`] or [`PkceError::VerifierCharacter`].
///
/// ```
/// // RFC 7636 Appendix B.
/// let c = picket_core::pkce_challenge(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(&c, b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// # Ok::<(), picket_core::PkceError>(())
/// ```
pub fn pkce_challenge(verifier: &[u8]) -> Result<[u8; CHALLENGE_LEN], PkceError> {
    check_verifier(verifier)?;
    let hash: [u8; 32] = Sha256::digest(verifier).into();
    let mut out = [0u8; CHALLENGE_LEN];
    // 32 bytes always encode to 43 characters; the slice is exactly that long.
    let written = URL_SAFE_NO_PAD.encode_slice(hash, &mut out);
    debug_assert_eq!(written, Ok(CHALLENGE_LEN));
    Ok(out)
}

/// Verifies a `code_verifier` against the `code_challenge` and `code_challenge_method`
/// stored with the authorization code.
///
/// Order of checks: method, verifier, challenge, then a constant-time comparison of the
/// verifier's SHA-256 with the decoded challenge.
///
/// # Errors
/// A [`PkceError`] naming the rule broken.
///
/// ```
/// use picket_core::{verify_pkce, PkceError};
/// let verifier = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// let challenge = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// assert_eq!(verify_pkce(verifier, challenge, b"S256"), Ok(()));
/// assert_eq!(verify_pkce(verifier, challenge, b"s256"), Err(PkceError::UnsupportedMethod));
/// ```
pub fn verify_pkce(verifier: &[u8], challenge: &[u8], method: &[u8]) -> Result<(), PkceError> {
    match method {
        b"S256" => {}
        b"plain" => return Err(PkceError::PlainRefused),
        _ => return Err(PkceError::UnsupportedMethod),
    }
    check_verifier(verifier)?;
    if challenge.len() != CHALLENGE_LEN {
        return Err(PkceError::ChallengeLength {
            found: challenge.len(),
        });
    }
    if let Some(position) = challenge
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return Err(PkceError::ChallengeCharacter { position });
    }
    let mut expected = [0u8; 32];
    match URL_SAFE_NO_PAD.decode_slice(challenge, &mut expected) {
        Ok(32) => {}
        _ => return Err(PkceError::ChallengeNotCanonical),
    }
    let actual: [u8; 32] = Sha256::digest(verifier).into();
    if bool::from(ct_eq_32(&actual, &expected)) {
        Ok(())
    } else {
        Err(PkceError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &[u8] = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const C: &[u8] = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(verify_pkce(V, C, b"S256"), Ok(()));
    }

    #[test]
    fn each_rule_has_its_error() {
        let mut other = C.to_vec();
        other[0] = b'F';
        let mut non_canonical = C.to_vec();
        non_canonical[42] = b'N'; // 'M' = 12 (low bits 00), 'N' = 13 (low bits 01)
        type Case<'a> = (&'a [u8], &'a [u8], &'a [u8], PkceError);
        let cases: &[Case] = &[
            (V, V, b"plain", PkceError::PlainRefused),
            (V, C, b"", PkceError::UnsupportedMethod),
            (V, C, b"S256 ", PkceError::UnsupportedMethod),
            (
                &V[..42],
                C,
                b"S256",
                PkceError::VerifierLength { found: 42 },
            ),
            (
                &[b'a'; 129],
                C,
                b"S256",
                PkceError::VerifierLength { found: 129 },
            ),
            (
                b"dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                C,
                b"S256",
                PkceError::VerifierCharacter { position: 12 },
            ),
            (
                V,
                &C[..42],
                b"S256",
                PkceError::ChallengeLength { found: 42 },
            ),
            (
                V,
                b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",
                b"S256",
                PkceError::ChallengeCharacter { position: 40 },
            ),
            (V, &non_canonical, b"S256", PkceError::ChallengeNotCanonical),
            (V, &other, b"S256", PkceError::Mismatch),
        ];
        for (v, c, m, want) in cases {
            assert_eq!(verify_pkce(v, c, m), Err(*want));
        }
    }

    #[test]
    fn challenge_of_appendix_b() {
        assert_eq!(&pkce_challenge(V).unwrap()[..], C);
    }
}
