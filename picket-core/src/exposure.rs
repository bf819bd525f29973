//! A secret key that reached a browser.
//!
//! An OAuth `client_id` travels in a URL, through the browser, its history and every proxy
//! log on the way. If it holds a secret key in any form, the key is exposed whether or not
//! the rest of the value is well formed, and the operator must be told to roll it
//! ([`AuthorizeError::SecretKeyExposed`]) rather than that the client_id is malformed.
//!
//! "Holds a secret key" is the rule of [`redact`](crate::redact): a live secret key, or a
//! fragment of one long enough that the rest is cheap to guess, is recoverable from the
//! value by a trivial transformation. For a client_id that is
//!
//! - the key with anything before or after it: surrounding whitespace or a newline
//!   (`sk_…\n`, ` sk_…`, `sk_… `), extra characters (`sk_…x`, `xsk_…`, `pk_…sk_…`), an extra
//!   hex digit (`sk_` + 33 digits holds `sk_` + the first 32);
//! - `sk_` and at least [`MIN_EXPOSED_DIGITS`](crate::MIN_EXPOSED_DIGITS) (20) of its
//!   digits: a key one digit short (`sk_` + 31 digits) leaves 16 guesses;
//! - the key in any letter case (`SK_…`, upper-case hex);
//! - the key escaped once (`sk%5F…`, `%20sk_…`, `sk=5F…`, `sk\_…`), or with an invisible
//!   character inside it from a copy and paste (a zero-width space, a soft hyphen);
//! - base64 (or base64 of base64) that decodes to text holding the key or a fragment, or a
//!   byte dump of it (`[115 107 95 …]`, `<Buffer 73 6b 5f …>`).
//!
//! A value that only looks like a short part of a key (`sk_` and 19 digits or fewer)
//! exposes no live key: it is an [`AuthorizeError::InvalidClientId`].

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
    fn fragments_and_new_encodings_are_exposed() {
        for id in [
            SK[..34].to_string(),
            SK[..23].to_string(),
            "sk_e1f767d29fa6e533f2e5c62342fb9e2g".to_string(),
            SK.replace('_', "=5F"),
            SK.replace('_', "\\_"),
            format!("{}\u{200b}{}", &SK[..12], &SK[12..]),
            format!("{}\u{ad}{}", &SK[..12], &SK[12..]),
            SK.bytes()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join(" "),
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
            (&SK[..22], KeyError::WrongLength { found: 19 }),
            (&format!("{PK}\n")[..], KeyError::SurroundingWhitespace),
            (
                "sk_e1f767d29fa6e533f2g5c62342fb9e24",
                KeyError::NonHex { position: 21 },
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
