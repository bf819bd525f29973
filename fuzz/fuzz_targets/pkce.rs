//! `verify_pkce` and `pkce_challenge` on arbitrary bytes.
//!
//! Input: `verifier \n challenge \n method` (the method may contain further `\n`).
//!
//! Properties:
//! - `verify_pkce` accepts only when the method is exactly `S256`, the verifier is 43–128
//!   bytes of `[A-Za-z0-9-._~]`, and `pkce_challenge(verifier) == challenge`; and then it
//!   does accept;
//! - `pkce_challenge` accepts exactly the valid verifiers and returns 43 base64url
//!   characters;
//! - for a valid verifier built from the input (bytes mapped onto the unreserved alphabet),
//!   the computed challenge verifies, a challenge that differs in any one byte does not,
//!   and `plain` is refused;
//! - error codes are in 700–719.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{
    pkce_challenge, verify_pkce, PkceError, CHALLENGE_LEN, MAX_VERIFIER_LEN, MIN_VERIFIER_LEN,
};

const UNRESERVED: &[u8; 66] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

fn is_valid_verifier(v: &[u8]) -> bool {
    (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&v.len())
        && v.iter().all(|b| UNRESERVED.contains(b))
}

fn check_code(result: Result<(), PkceError>) {
    if let Err(e) = result {
        assert!((700..=719).contains(&e.code()), "pkce code {}", e.code());
    }
}

fuzz_target!(|data: &[u8]| {
    let mut fields = data.splitn(3, |&b| b == b'\n');
    let verifier = fields.next().unwrap_or_default();
    let challenge = fields.next().unwrap_or_default();
    let method = fields.next().unwrap_or_default();

    let computed = pkce_challenge(verifier);
    assert_eq!(computed.is_ok(), is_valid_verifier(verifier));
    if let Ok(c) = &computed {
        assert_eq!(c.len(), CHALLENGE_LEN);
        assert!(c
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'));
    }

    let result = verify_pkce(verifier, challenge, method);
    let should_accept = method == b"S256" && computed.as_ref().is_ok_and(|c| &c[..] == challenge);
    assert_eq!(result.is_ok(), should_accept, "verify_pkce: {result:?}");
    check_code(result);
    if method == b"plain" {
        assert_eq!(result, Err(PkceError::PlainRefused));
    }

    // A valid verifier made from the input always verifies against its own challenge.
    let len = MIN_VERIFIER_LEN + data.len() % (MAX_VERIFIER_LEN - MIN_VERIFIER_LEN + 1);
    let valid: Vec<u8> = (0..len)
        .map(|i| {
            let b = data.get(i).copied().unwrap_or(i as u8);
            UNRESERVED[usize::from(b) % UNRESERVED.len()]
        })
        .collect();
    let c = pkce_challenge(&valid).expect("a valid verifier has a challenge");
    assert_eq!(verify_pkce(&valid, &c, b"S256"), Ok(()));
    assert_eq!(
        verify_pkce(&valid, &c, b"plain"),
        Err(PkceError::PlainRefused)
    );
    // Any single-byte change of the challenge is refused.
    let at = data.first().map_or(0, |&b| usize::from(b) % CHALLENGE_LEN);
    let mut other = c;
    other[at] = if other[at] == b'A' { b'B' } else { b'A' };
    let result = verify_pkce(&valid, &other, b"S256");
    assert!(result.is_err());
    check_code(result);
});
