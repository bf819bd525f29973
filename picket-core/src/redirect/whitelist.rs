//! A project's whitelist of redirect URIs: exact byte matching, and the one relaxation
//! RFC 8252 §7.3 allows for loopback IP literals in development.

use std::collections::HashSet;

use super::host::ANY_PORT_HOSTS;
use super::MAX_REDIRECT_URI_LEN;
use super::{parse_port, validate_redirect_uri, Mode, RedirectError, RedirectOptions};

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

/// For `http://HOST[:port]rest` where HOST is one of [`ANY_PORT_HOSTS`] written exactly
/// (lowercase `http`), the same bytes with `:port` removed. The port, when present, must
/// be valid.
fn strip_loopback_port(uri: &[u8]) -> Option<Vec<u8>> {
    let after_scheme = uri.strip_prefix(b"http://")?;
    let host = ANY_PORT_HOSTS
        .iter()
        .find(|h| after_scheme.starts_with(h.as_bytes()))?;
    let prefix_len = "http://".len() + host.len();
    let rest = &uri[prefix_len..];
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
    let mut out = Vec::with_capacity(prefix_len + tail.len());
    out.extend_from_slice(&uri[..prefix_len]);
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
