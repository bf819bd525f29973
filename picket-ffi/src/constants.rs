//! The sizes and limits of the C ABI (`PICKET_*_LEN`, `PICKET_MAX_*`, `PICKET_NO_EXPIRY`),
//! each equal to picket-core's (checked at compile time).

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

const _: () = {
    assert!(PICKET_KEY_LEN == picket_core::KEY_LEN);
    assert!(PICKET_KEY_RANDOM_LEN == picket_core::KEY_RANDOM_BYTES);
    assert!(PICKET_DIGEST_LEN == picket_core::DIGEST_LEN);
    assert!(PICKET_DIGEST_HEX_LEN == picket_core::DIGEST_HEX_LEN);
    assert!(PICKET_REDACTED_LEN == picket_core::REDACTED_LEN);
    assert!(PICKET_MAX_HEADER_LEN == picket_core::MAX_HEADER_LEN);
    assert!(PICKET_MAX_REDIRECT_URI_LEN == picket_core::MAX_REDIRECT_URI_LEN);
};
