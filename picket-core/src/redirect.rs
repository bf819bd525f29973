//! OAuth 2.0 redirect URIs: registration rules and exact matching.
//!
//! A project registers the redirect URIs its login flow may return to. Registration checks
//! the raw string and then validates it with the WHATWG URL parser (the `url` crate), but
//! the string is stored and compared exactly as given: `url` normalises (it lowercases
//! hosts, drops `:443`, adds `/`), and two strings that differ in any byte are different
//! redirect URIs here (RFC 6749 §3.1.2, RFC 9700 §4.1.1).

use std::collections::HashSet;

use std::net::Ipv4Addr;

use thiserror::Error;
use url::{Host, Url};

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
    /// Production: trusted https hosts only; no loopback host.
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
    /// A loopback host (`localhost`, `127.0.0.0/8`, `::1`) in production.
    #[error("redirect uri host is a loopback address, which production projects must not allow")]
    LoopbackInProduction,
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
                let end = rest.find(['/', '?']).unwrap_or(rest.len());
                if rest[..end].contains('@') {
                    return Err(RedirectError::Userinfo);
                }
            }
            Url::parse(text).map_err(RedirectError::InvalidUrl)?;
            return Ok(());
        }
        return Err(RedirectError::DisallowedScheme);
    }
    let raw_host = check_authority(&text[colon + 1..])?;
    let url = Url::parse(text).map_err(RedirectError::InvalidUrl)?;
    let loopback = url.host().is_some_and(|h| is_loopback_host(&h));
    match mode {
        Mode::Production if !https => Err(RedirectError::InsecureScheme),
        Mode::Production if loopback => Err(RedirectError::LoopbackInProduction),
        Mode::Development if http && !matches!(raw_host, "localhost" | "127.0.0.1" | "[::1]") => {
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

/// Checks `//host[:port]` after an http(s) scheme's colon; returns the host as written.
fn check_authority(after_scheme: &str) -> Result<&str, RedirectError> {
    let rest = after_scheme
        .strip_prefix("//")
        .ok_or(RedirectError::MissingAuthority)?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(RedirectError::Userinfo);
    }
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

/// Loopback-class hosts: the hosts that reach the user's own machine.
///
/// `localhost` and `*.localhost` (trailing dots ignored); 127.0.0.0/8 and 0.0.0.0/8 (Linux
/// and macOS deliver `0.0.0.0` to the local host); `::1` and `::`; the IPv4-mapped form
/// (`::ffff:a.b.c.d`) of those IPv4 ranges and the IPv4-compatible form (`::127.x.y.z`) of
/// 127.0.0.0/8, which `Ipv6Addr::is_loopback` misses.
fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            // `.localhost` itself (an empty first label, also spelled `%2elocalhost`) counts:
            // browsers resolve every name ending in `.localhost` to loopback.
            d.eq_ignore_ascii_case("localhost")
                || d.len() >= ".localhost".len()
                    && d[d.len() - ".localhost".len()..].eq_ignore_ascii_case(".localhost")
        }
        Host::Ipv4(a) => is_local_v4(*a),
        Host::Ipv6(a) => {
            a.is_loopback()
                || a.is_unspecified()
                || a.to_ipv4_mapped().is_some_and(is_local_v4)
                || a.to_ipv4().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn is_local_v4(a: Ipv4Addr) -> bool {
    a.is_loopback() || a.octets()[0] == 0
}

/// A project's redirect URI whitelist: exact byte matching in constant expected time,
/// whatever the number of entries.
///
/// Only URIs that [`validate_redirect_uri`] accepts can be added.
///
/// # Examples
/// ```
/// use picket_core::{Mode, RedirectOptions, Whitelist};
/// let mut list = Whitelist::new(Mode::Development, RedirectOptions::default());
/// list.register(b"http://localhost:3000/")?;
/// assert!(list.matches(b"http://localhost:3000/"));
/// assert!(!list.matches(b"http://localhost:3000")); // trailing slashes matter
/// # Ok::<(), picket_core::RedirectError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Whitelist {
    mode: Mode,
    options: RedirectOptions,
    exact: HashSet<Box<[u8]>>,
    /// With `loopback_any_port` in development: http loopback entries with their port cut out.
    portless: HashSet<Box<[u8]>>,
}

const LOOPBACK_PREFIXES: [&[u8]; 2] = [b"http://127.0.0.1", b"http://[::1]"];

impl Whitelist {
    /// An empty whitelist for a project in `mode`.
    ///
    /// ```
    /// let list = picket_core::Whitelist::new(picket_core::Mode::Production, Default::default());
    /// assert!(list.is_empty());
    /// ```
    pub fn new(mode: Mode, options: RedirectOptions) -> Whitelist {
        Whitelist {
            mode,
            options,
            exact: HashSet::new(),
            portless: HashSet::new(),
        }
    }

    /// The project's mode.
    ///
    /// ```
    /// let list = picket_core::Whitelist::new(picket_core::Mode::Production, Default::default());
    /// assert_eq!(list.mode(), picket_core::Mode::Production);
    /// ```
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Validates `uri` with the whitelist's mode and options and adds it. Adding an entry
    /// twice is not an error.
    ///
    /// # Errors
    /// The [`RedirectError`] of [`validate_redirect_uri`]; the whitelist is unchanged.
    ///
    /// ```
    /// use picket_core::{Mode, RedirectError, Whitelist};
    /// let mut list = Whitelist::new(Mode::Production, Default::default());
    /// assert_eq!(list.register(b"https://example.com/#").unwrap_err(), RedirectError::Fragment);
    /// assert!(list.is_empty());
    /// ```
    pub fn register(&mut self, uri: &[u8]) -> Result<(), RedirectError> {
        validate_redirect_uri(uri, self.mode, self.options)?;
        if self.loopback_any_port() {
            if let Some(portless) = strip_loopback_port(uri) {
                self.portless.insert(portless.into_boxed_slice());
            }
        }
        self.exact.insert(uri.into());
        Ok(())
    }

    /// Whether `candidate` is byte-identical to a registered entry (or, with
    /// `loopback_any_port` in development, identical but for the port of a
    /// `http://127.0.0.1` / `http://[::1]` entry). Nothing is trimmed, decoded,
    /// case-folded or parsed. A candidate longer than [`MAX_REDIRECT_URI_LEN`] is refused
    /// before it is hashed. Allocates only in the `loopback_any_port` case.
    ///
    /// ```
    /// use picket_core::{Mode, RedirectOptions, Whitelist};
    /// let opts = RedirectOptions { loopback_any_port: true, ..Default::default() };
    /// let mut list = Whitelist::new(Mode::Development, opts);
    /// list.register(b"http://127.0.0.1/cb")?;
    /// assert!(list.matches(b"http://127.0.0.1:53127/cb"));
    /// assert!(!list.matches(b"http://127.0.0.1:53127/other"));
    /// # Ok::<(), picket_core::RedirectError>(())
    /// ```
    pub fn matches(&self, candidate: &[u8]) -> bool {
        // No entry is longer than the registration limit: refuse longer candidates before
        // hashing them.
        if candidate.len() > MAX_REDIRECT_URI_LEN {
            return false;
        }
        if self.exact.contains(candidate) {
            return true;
        }
        if self.loopback_any_port() && !self.portless.is_empty() {
            if let Some(portless) = strip_loopback_port(candidate) {
                return self.portless.contains(portless.as_slice());
            }
        }
        false
    }

    /// Number of distinct entries.
    ///
    /// ```
    /// let list = picket_core::Whitelist::new(picket_core::Mode::Production, Default::default());
    /// assert_eq!(list.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.exact.len()
    }

    /// Whether no entry is registered.
    ///
    /// ```
    /// let list = picket_core::Whitelist::new(picket_core::Mode::Production, Default::default());
    /// assert!(list.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    fn loopback_any_port(&self) -> bool {
        self.options.loopback_any_port && self.mode == Mode::Development
    }
}

/// For `http://127.0.0.1[:port]rest` or `http://[::1][:port]rest` (exact lowercase spelling),
/// the same bytes with `:port` removed. The port, when present, must be valid.
fn strip_loopback_port(uri: &[u8]) -> Option<Vec<u8>> {
    let prefix = LOOPBACK_PREFIXES.iter().find(|p| uri.starts_with(p))?;
    let rest = &uri[prefix.len()..];
    let tail = match rest.first() {
        None | Some(b'/') | Some(b'?') => rest,
        Some(b':') => {
            let end = rest[1..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(rest.len(), |i| i + 1);
            let digits = core::str::from_utf8(&rest[1..end]).ok()?;
            parse_port(digits)?;
            match rest.get(end) {
                None | Some(b'/') | Some(b'?') => &rest[end..],
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut out = Vec::with_capacity(prefix.len() + tail.len());
    out.extend_from_slice(prefix);
    out.extend_from_slice(tail);
    Some(out)
}

/// Whether `candidate` matches any of `registered` after registering each in `mode`;
/// entries that registration rejects are left out. For one-off checks without a
/// [`Whitelist`].
///
/// ```
/// use picket_core::{match_redirect_uri, Mode, RedirectOptions};
/// let list: [&[u8]; 2] = [b"http://localhost:3000/", b"https://app.example.com/cb"];
/// assert!(match_redirect_uri(&list, b"https://app.example.com/cb", Mode::Development, RedirectOptions::default()));
/// assert!(!match_redirect_uri(&list, b"http://localhost:3000/", Mode::Production, RedirectOptions::default()));
/// ```
pub fn match_redirect_uri(
    registered: &[&[u8]],
    candidate: &[u8],
    mode: Mode,
    options: RedirectOptions,
) -> bool {
    let mut list = Whitelist::new(mode, options);
    for entry in registered {
        let _ = list.register(entry);
    }
    list.matches(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(uri: &str, mode: Mode) -> Result<(), RedirectError> {
        validate_redirect_uri(uri.as_bytes(), mode, RedirectOptions::default())
    }

    #[test]
    fn both_modes() {
        use Mode::*;
        type Outcome = Result<(), RedirectError>;
        let cases: &[(&str, Outcome, Outcome)] = &[
            ("https://example.com/callback", Ok(()), Ok(())),
            ("HTTPS://example.com/callback", Ok(()), Ok(())),
            (
                "http://localhost:3000",
                Ok(()),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://localhost:3000/",
                Ok(()),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://127.0.0.1:8080/cb",
                Ok(()),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://[::1]/cb",
                Ok(()),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://127.1/cb",
                Err(RedirectError::InsecureScheme),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://LOCALHOST/",
                Err(RedirectError::InsecureScheme),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "http://example.com/",
                Err(RedirectError::InsecureScheme),
                Err(RedirectError::InsecureScheme),
            ),
            (
                "https://localhost/cb",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://localhost./cb",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://a.b.localhost/cb",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://127.1/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://2130706433/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://[0:0:0:0:0:0:0:1]/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://[::ffff:127.0.0.1]/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            ("https://localhostx.com/", Ok(()), Ok(())),
            // Found by fuzz/redirect_register: a host of exactly `.localhost`.
            (
                "https://.localhost/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://%2elocalhost/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://.LOCALHOST./",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://localhost../",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://0.0.0.0/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://[::]/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://[::127.0.0.1]/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            (
                "https://[::ffff:0.0.0.0]/",
                Ok(()),
                Err(RedirectError::LoopbackInProduction),
            ),
            ("https://128.0.0.1/", Ok(()), Ok(())),
            (
                "https:example.com/x",
                Err(RedirectError::MissingAuthority),
                Err(RedirectError::MissingAuthority),
            ),
            (
                "https://user@example.com/",
                Err(RedirectError::Userinfo),
                Err(RedirectError::Userinfo),
            ),
            (
                "https://example.com/#",
                Err(RedirectError::Fragment),
                Err(RedirectError::Fragment),
            ),
            (
                "https://*.example.com/",
                Err(RedirectError::Wildcard),
                Err(RedirectError::Wildcard),
            ),
            (
                "https://example.com/%zz",
                Err(RedirectError::BadPercentEncoding { position: 20 }),
                Err(RedirectError::BadPercentEncoding { position: 20 }),
            ),
            (
                "https://example.com:0/",
                Err(RedirectError::InvalidPort),
                Err(RedirectError::InvalidPort),
            ),
            (
                "https://example.com:65536/",
                Err(RedirectError::InvalidPort),
                Err(RedirectError::InvalidPort),
            ),
            (
                "https://example.com:/",
                Err(RedirectError::InvalidPort),
                Err(RedirectError::InvalidPort),
            ),
            (
                "https:///cb",
                Err(RedirectError::EmptyHost),
                Err(RedirectError::EmptyHost),
            ),
            (
                "javascript:alert(1)",
                Err(RedirectError::DisallowedScheme),
                Err(RedirectError::DisallowedScheme),
            ),
            (
                "com.example.app:/cb",
                Err(RedirectError::DisallowedScheme),
                Err(RedirectError::DisallowedScheme),
            ),
            (
                "/cb",
                Err(RedirectError::MissingScheme),
                Err(RedirectError::MissingScheme),
            ),
        ];
        for (uri, dev, prod) in cases {
            assert_eq!(reg(uri, Development), *dev, "{uri} in development");
            assert_eq!(reg(uri, Production), *prod, "{uri} in production");
        }
    }

    #[test]
    fn private_use_schemes_with_option() {
        let opts = RedirectOptions {
            allow_private_use_schemes: true,
            ..Default::default()
        };
        for mode in [Mode::Development, Mode::Production] {
            assert_eq!(
                validate_redirect_uri(b"com.example.app:/cb", mode, opts),
                Ok(())
            );
            assert_eq!(
                validate_redirect_uri(b"myapp:/cb", mode, opts),
                Err(RedirectError::DisallowedScheme)
            );
        }
    }

    #[test]
    fn bytes_outside_printable_ascii() {
        for (uri, pos) in [
            ("https://exa mple.com/", 11),
            ("https://b\u{fc}cher.example/", 9),
            ("https://example.com/\n", 20),
        ] {
            assert_eq!(
                reg(uri, Mode::Production),
                Err(RedirectError::NonPrintable { position: pos }),
                "{uri:?}"
            );
        }
    }

    #[test]
    fn loopback_any_port_rules() {
        let opts = RedirectOptions {
            loopback_any_port: true,
            ..Default::default()
        };
        let mut list = Whitelist::new(Mode::Development, opts);
        list.register(b"http://[::1]:8080/cb").unwrap();
        list.register(b"http://localhost:8080/cb").unwrap();
        assert!(list.matches(b"http://[::1]/cb"));
        assert!(list.matches(b"http://[::1]:9/cb"));
        assert!(!list.matches(b"http://[::1]:0/cb"));
        assert!(!list.matches(b"http://[::1]:65536/cb"));
        assert!(!list.matches(b"http://[::1]:/cb"));
        assert!(!list.matches(b"http://[::1]:9/cb2"));
        assert!(!list.matches(b"http://localhost:9999/cb"));
        assert!(list.matches(b"http://localhost:8080/cb"));
    }
}
