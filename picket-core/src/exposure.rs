//! A secret key that reached a browser.
//!
//! An OAuth `client_id` travels in a URL, through the browser, its history and every proxy
//! log on the way. If it holds a secret key in any form, the key is exposed whether or not
//! the rest of the value is well formed, and the operator must be told to roll it
//! ([`AuthorizeError::SecretKeyExposed`]) rather than that the client_id is malformed.
//!
//! "Holds a secret key" is the rule of [`redact`](crate::redact): a live secret key is
//! recoverable from the value by a trivial transformation. For a client_id that is
//!
//! - the key with anything before or after it: surrounding whitespace or a newline
//!   (`sk_…\n`, ` sk_…`, `sk_… `), extra characters (`sk_…x`, `xsk_…`, `pk_…sk_…`), an extra
//!   hex digit (`sk_` + 33 digits holds `sk_` + the first 32);
//! - the key in any letter case (`SK_…`, upper-case hex);
//! - the key URL-encoded once (`sk%5F…`, `%20sk_…`);
//! - a base64 run of 47 characters or more that decodes to text holding the key.
//!
//! A value that only looks like part of a key (`sk_` and 31 digits, `sk_` and a non-hex
//! digit) exposes no live key: it is an [`AuthorizeError::InvalidClientId`].

use crate::key::ApiKey;
use crate::redact::holds_secret_key;
use crate::AuthorizeError;

/// The publishable key a `client_id` names, checking first that it exposes no secret key.
///
/// # Errors
/// [`AuthorizeError::SecretKeyExposed`] if `client_id` holds a secret key in any form
/// listed in the module documentation; otherwise [`AuthorizeError::InvalidClientId`] with
/// the [`KeyError`](crate::KeyError) of [`ApiKey::parse`] if it is not a well-formed key.
pub(crate) fn client_id_key(client_id: &[u8]) -> Result<ApiKey, AuthorizeError> {
    if holds_secret_key(client_id) {
        return Err(AuthorizeError::SecretKeyExposed);
    }
    ApiKey::parse(client_id).map_err(AuthorizeError::InvalidClientId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeyError, KeyKind};
    use base64::Engine as _;

    const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";
    const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";

    #[test]
    fn near_misses_of_a_secret_key_are_exposed() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{SK}:"));
        for id in [
            SK.to_string(),
            format!("{SK}\n"),
            format!(" {SK}"),
            format!("{SK} "),
            format!("\t{SK}\r\n"),
            format!("{SK}x"),
            format!("{SK}0"),
            format!("x{SK}"),
            format!("{PK}{SK}"),
            SK.to_uppercase(),
            format!("sk_{}", SK[3..].to_uppercase()),
            SK.replace('_', "%5F"),
            format!("%20{SK}"),
            format!("{SK}%0A"),
            b64,
        ] {
            assert_eq!(
                client_id_key(id.as_bytes()).err(),
                Some(AuthorizeError::SecretKeyExposed),
                "{id:?}"
            );
        }
    }

    #[test]
    fn other_values_are_parsed_strictly() {
        assert_eq!(
            client_id_key(PK.as_bytes()).map(|k| k.kind()),
            Ok(KeyKind::Publishable)
        );
        for (id, err) in [
            (&SK[..34], KeyError::WrongLength { found: 31 }),
            (&format!("{PK}\n")[..], KeyError::SurroundingWhitespace),
            (
                "sk_e1f767d29fa6e533f2e5c62342fb9e2g",
                KeyError::NonHex { position: 34 },
            ),
            ("", KeyError::Empty),
        ] {
            assert_eq!(
                client_id_key(id.as_bytes()).err(),
                Some(AuthorizeError::InvalidClientId(err)),
                "{id:?}"
            );
        }
    }
}
