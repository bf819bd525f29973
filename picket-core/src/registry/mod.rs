//! The in-memory registry a server builds from its database: key digests, projects and
//! their redirect URI whitelists.
//!
//! Build it once with a [`RegistryBuilder`]; the [`Registry`] is then immutable,
//! `Send + Sync`, and shared across threads (wrap it in an `Arc`). To change it (a key
//! issued, rolled or revoked), make a new one from it with [`Registry::with_projects`]
//! (only the changed projects are replaced) or build a new one, and swap it in.
//!
//! Rooms: `errors.rs` (why a request or a build is refused), `builder.rs`, `index.rs` (the
//! constant-time key index, the one file to audit for timing), and here the policy:
//! authentication and the OAuth authorize check.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use subtle::{Choice, ConstantTimeEq};

use crate::digest::KeyDigest;
use crate::header::{with_key_text, HeaderOptions};
use crate::key::{ApiKey, KeyKind, KEY_LEN};
use crate::redirect::Whitelist;

mod builder;
mod errors;
mod index;
mod update;

pub use builder::RegistryBuilder;
pub use errors::{AuthError, AuthorizeError, BuildError};
use index::Index;

/// A project's identifier: the server's own database id.
pub type ProjectId = u64;

/// Which kinds of key an endpoint accepts.
///
/// ```
/// use picket_core::{KeyKind, Requirement};
/// assert!(Requirement::Any.allows(KeyKind::Secret));
/// assert!(!Requirement::Secret.allows(KeyKind::Publishable));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Requirement {
    /// Client-side endpoints: publishable keys only.
    Publishable = 1,
    /// Server-side endpoints: secret keys only.
    Secret = 2,
    /// Either kind.
    Any = 3,
}

impl Requirement {
    /// Whether a key of `kind` satisfies this requirement.
    ///
    /// ```
    /// assert!(picket_core::Requirement::Publishable.allows(picket_core::KeyKind::Publishable));
    /// ```
    pub const fn allows(self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (Requirement::Any, _)
                | (Requirement::Publishable, KeyKind::Publishable)
                | (Requirement::Secret, KeyKind::Secret)
        )
    }
}

/// The `WWW-Authenticate` challenge sent with every 401 (RFC 7617, RFC 9110 §11.6.1).
pub const WWW_AUTHENTICATE: &str = "Basic realm=\"picket\"";

/// A request that authenticated: the key's project and kind.
///
/// ```
/// # use picket_core::*;
/// # let key = ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24").unwrap();
/// # let mut b = RegistryBuilder::new();
/// # b.add_project(1, Mode::Production, RedirectOptions::default()).unwrap();
/// # b.add_key(key.digest(), 1, KeyKind::Secret, None).unwrap();
/// # let reg = b.build().unwrap();
/// let auth = reg.authenticate(b"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6", 0, Requirement::Secret)?;
/// assert_eq!(auth, Authenticated { project: 1, kind: KeyKind::Secret });
/// # Ok::<(), AuthError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Authenticated {
    /// The project the key belongs to.
    pub project: ProjectId,
    /// The key's kind.
    pub kind: KeyKind,
}

/// The immutable, thread-safe index of keys and projects.
///
/// Keys are held only as digests, placed by their own bits in a bucketed table (see
/// `registry/index.rs`): a lookup reads the same two buckets' worth of memory and compares
/// the same eight digests in constant time with a thousand keys or a million, present key
/// or absent.
///
/// # Examples
/// ```
/// use picket_core::*;
/// let sk = ApiKey::parse(b"sk_e1f767d29fa6e533f2e5c62342fb9e24")?;
/// let mut b = RegistryBuilder::new();
/// b.add_project(1, Mode::Production, RedirectOptions::default())?;
/// b.add_key(sk.digest(), 1, KeyKind::Secret, None)?;
/// let registry = b.build()?;
/// // What `curl -u sk_e1f767d29fa6e533f2e5c62342fb9e24:` sends:
/// let header = b"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6";
/// let auth = registry.authenticate(header, 1_700_000_000, Requirement::Secret)?;
/// assert_eq!(auth.project, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Registry {
    header_options: HeaderOptions,
    index: Index,
    /// Shared with the registries made from this one by [`Registry::with_projects`].
    projects: HashMap<ProjectId, Arc<Whitelist>>,
}

impl Registry {
    /// Authenticates a request from its `Authorization` value.
    ///
    /// In order: parse the header, parse the key, SHA-256, look up by digest with a
    /// constant-time compare of the full digest, check that the stored kind is the one the
    /// key's prefix names ([`AuthError::KindMismatch`] otherwise), check expiry against
    /// `now` (unix seconds, supplied by the caller: the core has no clock), check the kind
    /// against `requirement`. No heap allocation.
    ///
    /// # Errors
    /// An [`AuthError`]; [`AuthError::status`] and [`AuthError::www_authenticate`] give the
    /// HTTP answer.
    ///
    /// ```
    /// use picket_core::*;
    /// let pk = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// b.add_key(pk.digest(), 1, KeyKind::Publishable, None)?;
    /// let reg = b.build()?;
    /// let js_sdk = b"Basic  cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ=";
    /// let err = reg.authenticate(js_sdk, 0, Requirement::Secret).unwrap_err();
    /// assert_eq!(err.status(), 403);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authenticate(
        &self,
        header: &[u8],
        now: u64,
        requirement: Requirement,
    ) -> Result<Authenticated, AuthError> {
        // SHA-256 reads the key where the header was decoded: no copy to wait for.
        with_key_text(header, self.header_options, |text| {
            self.settle(text, now, requirement)
        })?
    }

    /// Authenticates an already-parsed key (for keys that do not arrive in an
    /// `Authorization` header). Same checks as [`Registry::authenticate`] after the header.
    ///
    /// # Errors
    /// [`AuthError::UnknownKey`], [`AuthError::KindMismatch`], [`AuthError::Expired`] or
    /// [`AuthError::WrongKind`].
    ///
    /// ```
    /// use picket_core::*;
    /// let reg = RegistryBuilder::new().build()?;
    /// let key = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
    /// assert_eq!(reg.authenticate_key(&key, 0, Requirement::Any), Err(AuthError::UnknownKey));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authenticate_key(
        &self,
        key: &ApiKey,
        now: u64,
        requirement: Requirement,
    ) -> Result<Authenticated, AuthError> {
        self.settle(key.as_bytes(), now, requirement)
    }

    /// Looks up a well-formed key's text and settles the outcome.
    #[inline]
    fn settle(
        &self,
        text: &[u8; KEY_LEN],
        now: u64,
        requirement: Requirement,
    ) -> Result<Authenticated, AuthError> {
        let found = self.index.lookup(&KeyDigest::of_text(text));
        // What is secret is settled in the lookup (see `index.rs`): how close an absent
        // key's digest is to a stored one, and where a stored key sits. What is decided
        // here (present or absent, a row whose kind contradicts the key, expired, wrong
        // kind for the endpoint) is what the response says anyway, so it is decided with
        // plain branches, in that order of precedence. The key's own kind (its prefix,
        // chosen by the sender) decides the requirement; the stored kind is only compared
        // with it.
        let own = KeyKind::of_text(text);
        if found.present == 0 {
            return Err(AuthError::UnknownKey);
        }
        if found.kind != own as u8 {
            return Err(AuthError::KindMismatch);
        }
        if found.expired_bit(now) == 1 {
            return Err(AuthError::Expired);
        }
        if !requirement.allows(own) {
            return Err(AuthError::WrongKind {
                required: match requirement {
                    Requirement::Secret => KeyKind::Secret,
                    _ => KeyKind::Publishable,
                },
                presented: own,
            });
        }
        Ok(Authenticated {
            project: found.project,
            kind: own,
        })
    }

    /// Checks an OAuth authorize request: `client_id` must be a live publishable key of a
    /// project whose whitelist matches `redirect_uri` exactly. Returns the project.
    ///
    /// # Errors
    /// An [`AuthorizeError`]; a secret key as `client_id` is
    /// [`AuthorizeError::SecretKeyExposed`] whether or not it is known.
    ///
    /// ```
    /// use picket_core::*;
    /// let pk = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Development, RedirectOptions::default())?;
    /// b.add_redirect_uri(1, b"http://localhost:3000/callback")?;
    /// b.add_key(pk.digest(), 1, KeyKind::Publishable, None)?;
    /// let reg = b.build()?;
    /// assert_eq!(reg.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/callback", 0), Ok(1));
    /// assert_eq!(
    ///     reg.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/callback/", 0),
    ///     Err(AuthorizeError::RedirectNotRegistered)
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authorize_redirect(
        &self,
        client_id: &[u8],
        redirect_uri: &[u8],
        now: u64,
    ) -> Result<ProjectId, AuthorizeError> {
        // A secret key in any near-miss form is refused here, before the strict parse.
        let key = crate::exposure::client_id_key(client_id)?;
        let found = self.index.lookup(&key.digest());
        // A row that says secret for this `pk_` key is no publishable key of any project
        // (see `AuthError::KindMismatch`): refused as unknown.
        let publishable = found.kind.ct_eq(&(KeyKind::Publishable as u8));
        if !bool::from(Choice::from(found.present) & publishable) {
            return Err(AuthorizeError::UnknownClient);
        }
        if bool::from(found.expired(now)) {
            return Err(AuthorizeError::Expired);
        }
        let allowed = self
            .projects
            .get(&found.project)
            .is_some_and(|list| list.matches(redirect_uri));
        if !allowed {
            return Err(AuthorizeError::RedirectNotRegistered);
        }
        Ok(found.project)
    }

    /// The number of keys.
    ///
    /// ```
    /// assert_eq!(picket_core::RegistryBuilder::new().build().unwrap().key_count(), 0);
    /// ```
    pub fn key_count(&self) -> usize {
        self.index.len()
    }

    /// A project's redirect URI whitelist, if the project exists.
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert!(reg.whitelist(1).is_none());
    /// ```
    pub fn whitelist(&self, project: ProjectId) -> Option<&Whitelist> {
        self.projects.get(&project).map(|list| &**list)
    }

    /// Heap bytes held by the key index (digests, metadata and kinds of every slot), for
    /// capacity planning.
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert!(reg.key_index_bytes() <= 256); // one empty bucket
    /// ```
    pub fn key_index_bytes(&self) -> usize {
        self.index.heap_bytes()
    }

    /// Slots in each bucket of the key index. Not part of the API: for the timing harness
    /// (`ct/`), which draws stored keys from the first and the last slot.
    ///
    /// ```
    /// assert_eq!(picket_core::Registry::SLOTS_PER_BUCKET, 4);
    /// ```
    #[doc(hidden)]
    pub const SLOTS_PER_BUCKET: usize = index::SLOTS;

    /// Where a stored digest sits in the index: (which of its two candidate buckets, slot
    /// within the bucket), or `None` if absent. Not constant time: for the timing harness
    /// (`ct/`), which measures keys at different positions.
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert_eq!(reg.key_position(&picket_core::KeyDigest::from_bytes([1; 32])), None);
    /// ```
    #[doc(hidden)]
    pub fn key_position(&self, digest: &KeyDigest) -> Option<(usize, usize)> {
        self.index.position(digest)
    }

    /// Whether a row holds `digest`, by the same constant-time lookup `authenticate` uses
    /// (both buckets read, all eight slots compared in full, one barrier). For the timing
    /// harness (`ct/`), which measures the lookup on digests it builds: a near-miss of a
    /// stored digest, or one that shares only its buckets. A server authenticates keys,
    /// not digests: use [`Registry::authenticate`].
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert!(!reg.digest_is_stored(&picket_core::KeyDigest::from_bytes([1; 32])));
    /// ```
    #[doc(hidden)]
    pub fn digest_is_stored(&self, digest: &KeyDigest) -> bool {
        bool::from(Choice::from(self.index.lookup(digest).present))
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("keys", &self.index.len())
            .field("projects", &self.projects.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
