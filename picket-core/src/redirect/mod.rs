//! OAuth 2.0 redirect URIs: registration rules and exact matching.
//!
//! A project registers the redirect URIs its login flow may return to. Registration checks
//! the raw string and then validates it with the WHATWG URL parser (the `url` crate), but
//! the string is stored and compared exactly as given: `url` normalises (it lowercases
//! hosts, drops `:443`, adds `/`), and two strings that differ in any byte are different
//! redirect URIs here (RFC 6749 §3.1.2, RFC 9700 §4.1.1).

mod host;
mod whitelist;

use thiserror::Error;
use url::Url;

pub use whitelist::{match_redirect_uri, Whitelist};

/// Longest redirect URI accepted for registration, in bytes.
pub const MAX_REDIRECT_URI_LEN: usize = 2048;

/// Whether a project is in development or production.
///
/// ```
/// use picket_core::Mode;
/// assert_eq!(Mode::Production.name(), "production");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Mode {
    /// Local development: `http://localhost`, `http://127.0.0.1` and `http://[::1]` are allowed.
    Development = 1,
    /// Production: https to public domain names only: no loopback or link-local host, no
    /// single-label name.
    Production = 2,
}

impl Mode {
    /// The lowercase name, as used in vectors.
    ///
    /// ```
    /// assert_eq!(picket_core::Mode::Development.name(), "development");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Mode::Development => "development",
            Mode::Production => "production",
        }
    }
}

/// Opt-in behaviours for redirect URIs. The default is the strict behaviour.
///
/// ```
/// let opts = picket_core::RedirectOptions { allow_private_use_schemes: true, ..Default::default() };
/// assert!(!opts.loopback_any_port);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RedirectOptions {
    /// Registration: accept RFC 8252 §7.1 private-use schemes for native apps
    /// (`com.example.app:/callback`); the scheme must contain a dot (reverse DNS).
    pub allow_private_use_schemes: bool,
    /// Matching, development only (RFC 8252 §7.3): for `http://127.0.0.1` and `http://[::1]`
    /// entries the presented port may differ or be absent. `localhost` stays exact.
    pub loopback_any_port: bool,
}

/// Why a redirect URI cannot be registered.
///
/// ```
/// use picket_core::{validate_redirect_uri, Mode, RedirectError, RedirectOptions};
/// let err = validate_redirect_uri(b"http://localhost:3000", Mode::Production, RedirectOptions::default());
/// assert_eq!(err.unwrap_err(), RedirectError::InsecureScheme);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RedirectError {
    /// The URI is empty.
    #[error("redirect uri is empty")]
    Empty,
    /// The URI is longer than [`MAX_REDIRECT_URI_LEN`].
    #[error("redirect uri is longer than 2048 bytes")]
    TooLong,
    /// A byte outside printable ASCII (whitespace, control, raw Unicode).
    #[error("redirect uri has a byte outside printable ASCII at position {position} (spaces and control characters are not allowed; register the punycode form of a Unicode host)")]
    NonPrintable {
        /// Zero-based byte offset.
        position: usize,
    },
    /// One of `"<>\^`{|}`, which must be percent-encoded.
    #[error("redirect uri has the character {character:?} at position {position}, which must be percent-encoded")]
    UnsafeCharacter {
        /// The character.
        character: char,
        /// Zero-based byte offset.
        position: usize,
    },
    /// A `#`: redirect URIs must not have a fragment (RFC 6749 §3.1.2).
    #[error("redirect uri has a fragment ('#'), which is not allowed")]
    Fragment,
    /// A `*`: wildcards are never allowed (RFC 9700 §4.1.3).
    #[error("redirect uri has a '*': wildcards are not allowed, register each uri exactly")]
    Wildcard,
    /// `%` not followed by two hex digits.
    #[error("redirect uri has a malformed percent-encoding at position {position}")]
    BadPercentEncoding {
        /// Zero-based byte offset of the `%`.
        position: usize,
    },
    /// No scheme, or a malformed one.
    #[error("redirect uri has no valid scheme")]
    MissingScheme,
    /// A scheme other than http(s) (and, with the option, a reverse-DNS private-use scheme).
    #[error("redirect uri scheme is not allowed: use https (or a reverse-DNS private-use scheme for native apps, when enabled)")]
    DisallowedScheme,
    /// `http:`/`https:` not followed by `//`.
    #[error("redirect uri must have the form scheme://host[:port][/path]")]
    MissingAuthority,
    /// `@` in the authority.
    #[error("redirect uri must not contain userinfo ('@' in the authority)")]
    Userinfo,
    /// The host is empty.
    #[error("redirect uri has an empty host")]
    EmptyHost,
    /// The port is empty, not a number, or outside 1..=65535.
    #[error("redirect uri has an invalid port: it must be a number from 1 to 65535")]
    InvalidPort,
    /// The URL parser refused the string.
    #[error("redirect uri is not a valid url: {0}")]
    InvalidUrl(url::ParseError),
    /// http where only https is allowed.
    #[error("redirect uri must use https (http is allowed only for localhost, 127.0.0.1 or [::1] in development)")]
    InsecureScheme,
    /// A host that is the local machine or its link, in production: `localhost` and names
    /// under it, the names that operating systems' resolvers and default hosts files map
    /// to the local machine or its link (`localhost.localdomain`, `ip6-localhost`,
    /// `_localdnsstub`, `localhost.my.domain`, names under `.local`, …, in any case, with
    /// trailing dots), 127.0.0.0/8, 0.0.0.0/8, 169.254.0.0/16, `::1`, `::`, fe80::/10 and
    /// their mapped forms.
    #[error("redirect uri host is the local machine or its link (a loopback or link-local address, localhost, or a name such as localhost.localdomain, ip6-localhost, _localdnsstub or NAME.local), which production projects must not allow")]
    LoopbackInProduction,
    /// A host name of a single label (`https://intranet/cb`) in production: only local
    /// resolvers answer it (the machine's own hostname, a hosts file, LLMNR, the search
    /// domains), never public DNS.
    #[error("redirect uri host is a single label (no dot, such as intranet or the machine's own hostname), which only local resolvers answer: production projects must use a public domain name")]
    SingleLabelHost,
}

/// Checks that `uri` may be registered by a project in `mode`.
///
/// # Errors
/// A [`RedirectError`] naming the first rule broken. Checks on the raw bytes come first
/// (length, alphabet, `#`, `*`, percent-encoding, `scheme://host[:port]` shape), then the
/// URL parser, then the mode's scheme and host rules.
///
/// # Examples
/// ```
/// use picket_core::{validate_redirect_uri, Mode, RedirectError, RedirectOptions};
/// let opts = RedirectOptions::default();
/// assert!(validate_redirect_uri(b"https://example.com/callback", Mode::Production, opts).is_ok());
/// assert!(validate_redirect_uri(b"http://localhost:3000/", Mode::Development, opts).is_ok());
/// assert_eq!(
///     validate_redirect_uri(b"https://127.1/cb", Mode::Production, opts).unwrap_err(),
///     RedirectError::LoopbackInProduction
/// );
/// ```
pub fn validate_redirect_uri(
    uri: &[u8],
    mode: Mode,
    options: RedirectOptions,
) -> Result<(), RedirectError> {
    check_raw(uri)?;
    // check_raw guarantees printable ASCII, so this conversion cannot fail.
    let text =
        core::str::from_utf8(uri).map_err(|_| RedirectError::NonPrintable { position: 0 })?;
    let colon = text.find(':').ok_or(RedirectError::MissingScheme)?;
    let scheme = &text[..colon];
    if !is_scheme(scheme) {
        return Err(RedirectError::MissingScheme);
    }
    let https = scheme.eq_ignore_ascii_case("https");
    let http = scheme.eq_ignore_ascii_case("http");
    if !https && !http {
        if options.allow_private_use_schemes && scheme.contains('.') {
            if let Some(rest) = text[colon + 1..].strip_prefix("//") {
                authority(rest)?;
            }
            Url::parse(text).map_err(RedirectError::InvalidUrl)?;
            return Ok(());
        }
        return Err(RedirectError::DisallowedScheme);
    }
    let raw_host = check_authority(&text[colon + 1..])?;
    let url = Url::parse(text).map_err(RedirectError::InvalidUrl)?;
    match mode {
        Mode::Production if !https => Err(RedirectError::InsecureScheme),
        Mode::Production if url.host().is_some_and(|h| host::is_local(&h)) => {
            Err(RedirectError::LoopbackInProduction)
        }
        Mode::Production if url.host().is_some_and(|h| host::is_single_label(&h)) => {
            Err(RedirectError::SingleLabelHost)
        }
        Mode::Development if http && !host::allows_development_http(raw_host) => {
            Err(RedirectError::InsecureScheme)
        }
        _ => Ok(()),
    }
}

/// Raw-byte rules: length, alphabet, reserved characters, percent-encoding.
fn check_raw(uri: &[u8]) -> Result<(), RedirectError> {
    if uri.is_empty() {
        return Err(RedirectError::Empty);
    }
    if uri.len() > MAX_REDIRECT_URI_LEN {
        return Err(RedirectError::TooLong);
    }
    for (position, &b) in uri.iter().enumerate() {
        match b {
            0x21..=0x7e => {}
            _ => return Err(RedirectError::NonPrintable { position }),
        }
        match b {
            b'#' => return Err(RedirectError::Fragment),
            b'*' => return Err(RedirectError::Wildcard),
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' => {
                return Err(RedirectError::UnsafeCharacter {
                    character: b as char,
                    position,
                })
            }
            b'%' => {
                let ok = matches!(uri.get(position + 1..position + 3), Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit());
                if !ok {
                    return Err(RedirectError::BadPercentEncoding { position });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The authority of a hierarchical URI (`rest` follows `//`), up to the path or query;
/// the one place of the userinfo rule: an `@` in it is refused (a redirect to
/// `https://trusted@evil/` goes to `evil`).
fn authority(rest: &str) -> Result<&str, RedirectError> {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(RedirectError::Userinfo);
    }
    Ok(authority)
}

/// Checks `//host[:port]` after an http(s) scheme's colon; returns the host as written.
fn check_authority(after_scheme: &str) -> Result<&str, RedirectError> {
    let rest = after_scheme
        .strip_prefix("//")
        .ok_or(RedirectError::MissingAuthority)?;
    let authority = authority(rest)?;
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => {
                let (h, p) = authority.split_at(close + 1);
                (h, p)
            }
            None => {
                return Err(RedirectError::InvalidUrl(
                    url::ParseError::InvalidIpv6Address,
                ))
            }
        }
    } else {
        match authority.find(':') {
            Some(i) => authority.split_at(i),
            None => (authority, ""),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(RedirectError::EmptyHost);
    }
    if !port.is_empty() {
        let digits = port.strip_prefix(':').ok_or(RedirectError::InvalidPort)?;
        if parse_port(digits).is_none() {
            return Err(RedirectError::InvalidPort);
        }
    }
    Ok(host)
}

/// A port of 1 to 5 ASCII digits with a value from 1 to 65535.
fn parse_port(digits: &str) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<u32>() {
        Ok(v @ 1..=65535) => u16::try_from(v).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
