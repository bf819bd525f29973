//! The fixture keys. They are test data, published in the README and the vectors: never
//! issue them.

/// The README's publishable key.
///
/// ```
/// assert_eq!(picket_test_support::keys::PK.len(), 35);
/// ```
pub const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";

/// The README's secret key (redacted `sk_…9e24`).
///
/// ```
/// assert!(picket_test_support::keys::SK.ends_with("9e24"));
/// ```
pub const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";

/// `Basic base64(SK + ":")`: what `curl -u SK:` sends for [`SK`].
///
/// ```
/// assert!(picket_test_support::keys::SK_BASIC.starts_with("Basic "));
/// ```
pub const SK_BASIC: &str = "Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_key_format() {
        for (key, prefix) in [(PK, "pk_"), (SK, "sk_")] {
            let body = key.strip_prefix(prefix).unwrap();
            assert_eq!(body.len(), 32);
            assert!(body
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }
}
