//! The in-memory registry a server builds from its database: key digests, projects and
//! their redirect URI whitelists.
//!
//! Build it once with a [`RegistryBuilder`]; the [`Registry`] is then immutable,
//! `Send + Sync`, and shared across threads (wrap it in an `Arc`). To change it (a key
//! issued, rolled or revoked), build a new one and swap it in.

use std::collections::HashMap;
use std::fmt;

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use thiserror::Error;

use crate::digest::KeyDigest;
use crate::header::{parse_authorization, HeaderError, HeaderOptions};
use crate::key::{ApiKey, KeyError, KeyKind};
use crate::redirect::{Mode, RedirectError, RedirectOptions, Whitelist};

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

/// Why a request did not authenticate, and the HTTP answer it deserves.
///
/// ```
/// use picket_core::{AuthError, HeaderError};
/// assert_eq!(AuthError::Header(HeaderError::Missing).status(), 401);
/// assert_eq!(AuthError::UnknownKey.www_authenticate(), Some("Basic realm=\"picket\""));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The `Authorization` header is missing or malformed.
    #[error(transparent)]
    Header(HeaderError),
    /// The key is well-formed but no project has it (never issued, or revoked).
    #[error("unknown api key")]
    UnknownKey,
    /// The key has expired (it was rolled and its grace period is over).
    #[error("api key has expired: use the project's current key")]
    Expired,
    /// A valid key of the wrong kind for this endpoint.
    #[error("this endpoint requires a {required} key, but a {presented} key was sent")]
    WrongKind {
        /// What the endpoint requires (never [`Requirement::Any`]).
        required: KeyKind,
        /// What was sent.
        presented: KeyKind,
    },
}

impl AuthError {
    /// The HTTP status a server should answer: 403 for a valid key of the wrong kind, 401
    /// for everything else.
    ///
    /// ```
    /// use picket_core::{AuthError, KeyKind};
    /// let e = AuthError::WrongKind { required: KeyKind::Secret, presented: KeyKind::Publishable };
    /// assert_eq!(e.status(), 403);
    /// ```
    pub const fn status(&self) -> u16 {
        match self {
            AuthError::WrongKind { .. } => 403,
            _ => 401,
        }
    }

    /// The `WWW-Authenticate` value to send with a 401; `None` for a 403.
    ///
    /// ```
    /// assert!(picket_core::AuthError::Expired.www_authenticate().is_some());
    /// ```
    pub const fn www_authenticate(&self) -> Option<&'static str> {
        match self.status() {
            401 => Some(WWW_AUTHENTICATE),
            _ => None,
        }
    }
}

impl From<HeaderError> for AuthError {
    fn from(e: HeaderError) -> AuthError {
        AuthError::Header(e)
    }
}

/// Why an OAuth authorize request (`client_id`, `redirect_uri`) is refused. The server must
/// not redirect; it answers 400 with the message.
///
/// ```
/// assert_eq!(picket_core::AuthorizeError::SecretKeyExposed.code(), 521);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthorizeError {
    /// `client_id` is not a well-formed key.
    #[error("client_id is not a valid publishable key: {0}")]
    InvalidClientId(KeyError),
    /// `client_id` is a secret key: it has been exposed in a browser and must be rolled.
    #[error("client_id is a secret key: it has been exposed and must be rolled now; use the publishable key in client-side flows")]
    SecretKeyExposed,
    /// No project has this publishable key.
    #[error("client_id is not a known publishable key")]
    UnknownClient,
    /// The publishable key has expired.
    #[error("client_id has expired: use the project's current publishable key")]
    Expired,
    /// The redirect URI is not byte-identical to one the project registered.
    #[error("redirect_uri is not registered for this project (matching is exact, trailing slashes included)")]
    RedirectNotRegistered,
}

/// Why a registry cannot be built.
///
/// ```
/// use picket_core::{BuildError, RegistryBuilder, KeyDigest, KeyKind};
/// let mut b = RegistryBuilder::new();
/// let err = b.add_key(KeyDigest::from_bytes([0; 32]), 9, KeyKind::Secret, None).unwrap_err();
/// assert_eq!(err, BuildError::UnknownProject { project: 9 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A key or redirect URI names a project that was not added first.
    #[error("project {project} was not added before its keys or redirect uris")]
    UnknownProject {
        /// The project id.
        project: ProjectId,
    },
    /// A project was added twice.
    #[error("project {project} was added twice")]
    DuplicateProject {
        /// The project id.
        project: ProjectId,
    },
    /// The same key digest was added twice.
    #[error("the same key digest was added twice (projects {first} and {second})")]
    DuplicateKey {
        /// The project of one copy.
        first: ProjectId,
        /// The project of the other copy.
        second: ProjectId,
    },
    /// More keys than the registry can index (2^32 - 1).
    #[error("too many keys for one registry")]
    TooManyKeys,
    /// A redirect URI was refused.
    #[error("project {project}: {error}")]
    Redirect {
        /// The project id.
        project: ProjectId,
        /// Why the URI was refused.
        error: RedirectError,
    },
}

/// One key as stored: 56 bytes.
#[derive(Clone, Copy)]
struct Entry {
    digest: KeyDigest,
    project: ProjectId,
    /// Unix seconds; [`NEVER`] when the key does not expire.
    expires_at: u64,
    kind: KeyKind,
}

/// `expires_at` of a key that never expires (valid even at `now == u64::MAX`).
const NEVER: u64 = u64::MAX;

const OUTCOME_OK: u8 = 0;
const OUTCOME_UNKNOWN: u8 = 1;
const OUTCOME_EXPIRED: u8 = 2;
const OUTCOME_WRONG_KIND: u8 = 3;

/// Collects projects, redirect URIs and keys, then builds a [`Registry`].
///
/// Add each project before its keys and redirect URIs.
///
/// # Examples
/// ```
/// use picket_core::*;
/// let pk = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
/// let mut b = RegistryBuilder::new();
/// b.add_project(7, Mode::Development, RedirectOptions::default())?;
/// b.add_redirect_uri(7, b"http://localhost:3000/")?;
/// b.add_key(pk.digest(), 7, KeyKind::Publishable, None)?;
/// let registry = b.build()?;
/// assert_eq!(registry.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/", 0), Ok(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct RegistryBuilder {
    header_options: HeaderOptions,
    projects: HashMap<ProjectId, Whitelist>,
    keys: Vec<Entry>,
}

impl RegistryBuilder {
    /// An empty builder with default options (Basic only).
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert_eq!(reg.key_count(), 0);
    /// ```
    pub fn new() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// Sets the header options [`Registry::authenticate`] uses (e.g. `accept_bearer`).
    ///
    /// ```
    /// let mut b = picket_core::RegistryBuilder::new();
    /// b.header_options(picket_core::HeaderOptions { accept_bearer: true });
    /// ```
    pub fn header_options(&mut self, options: HeaderOptions) -> &mut RegistryBuilder {
        self.header_options = options;
        self
    }

    /// Reserves room for `additional` more keys.
    ///
    /// ```
    /// picket_core::RegistryBuilder::new().reserve_keys(1000);
    /// ```
    pub fn reserve_keys(&mut self, additional: usize) -> &mut RegistryBuilder {
        self.keys.reserve(additional);
        self
    }

    /// Adds a project with its mode and redirect options.
    ///
    /// # Errors
    /// [`BuildError::DuplicateProject`] if `project` was already added.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// assert!(b.add_project(1, Mode::Production, RedirectOptions::default()).is_err());
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_project(
        &mut self,
        project: ProjectId,
        mode: Mode,
        options: RedirectOptions,
    ) -> Result<(), BuildError> {
        if self.projects.contains_key(&project) {
            return Err(BuildError::DuplicateProject { project });
        }
        self.projects.insert(project, Whitelist::new(mode, options));
        Ok(())
    }

    /// Registers a redirect URI for `project`, validated for the project's mode.
    ///
    /// # Errors
    /// [`BuildError::UnknownProject`], or [`BuildError::Redirect`] with the rule broken.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// let err = b.add_redirect_uri(1, b"http://localhost:3000").unwrap_err();
    /// assert_eq!(err, BuildError::Redirect { project: 1, error: RedirectError::InsecureScheme });
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_redirect_uri(&mut self, project: ProjectId, uri: &[u8]) -> Result<(), BuildError> {
        let list = self
            .projects
            .get_mut(&project)
            .ok_or(BuildError::UnknownProject { project })?;
        list.register(uri)
            .map_err(|error| BuildError::Redirect { project, error })
    }

    /// Adds a key by its digest. `expires_at` (unix seconds) ends its validity: the key is
    /// valid while `now < expires_at`. `None` (or `Some(u64::MAX)`) means it never expires. Several keys per project and kind are allowed, so a
    /// key can be rolled with an overlap.
    ///
    /// # Errors
    /// [`BuildError::UnknownProject`] or [`BuildError::TooManyKeys`]. Duplicates are found by
    /// [`RegistryBuilder::build`].
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, Some(1_900_000_000))?;
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_key(
        &mut self,
        digest: KeyDigest,
        project: ProjectId,
        kind: KeyKind,
        expires_at: Option<u64>,
    ) -> Result<(), BuildError> {
        // A database loads keys grouped by project: skip the map when it is the last one.
        let known = self.keys.last().is_some_and(|last| last.project == project)
            || self.projects.contains_key(&project);
        if !known {
            return Err(BuildError::UnknownProject { project });
        }
        if self.keys.len() >= u32::MAX as usize - 1 {
            return Err(BuildError::TooManyKeys);
        }
        self.keys.push(Entry {
            digest,
            project,
            expires_at: expires_at.unwrap_or(NEVER),
            kind,
        });
        Ok(())
    }

    /// Builds the immutable registry: sorts the keys by digest and indexes them.
    ///
    /// # Errors
    /// [`BuildError::DuplicateKey`] if a digest was added twice.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, None)?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, None)?;
    /// assert_eq!(b.build().unwrap_err(), BuildError::DuplicateKey { first: 1, second: 1 });
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn build(self) -> Result<Registry, BuildError> {
        let mut keys = self.keys;
        // Digests are uniformly distributed: comparing their leading words first settles
        // almost every comparison without a 32-byte memcmp (77% of build time before).
        keys.sort_unstable_by(|a, b| {
            leading_word(&a.digest)
                .cmp(&leading_word(&b.digest))
                .then_with(|| a.digest.as_bytes().cmp(b.digest.as_bytes()))
        });
        if let Some(w) = keys
            .windows(2)
            .find(|w| w[0].digest.as_bytes() == w[1].digest.as_bytes())
        {
            return Err(BuildError::DuplicateKey {
                first: w[0].project,
                second: w[1].project,
            });
        }
        // One directory slot per key on average (rounded up to a power of two): a lookup
        // reads the directory and then usually one or two entries.
        let bits = (usize::BITS - keys.len().leading_zeros()).min(26);
        let slots = 1usize << bits;
        let mut directory = vec![0u32; slots + 1];
        let mut next = 0usize;
        for (slot, start) in directory.iter_mut().enumerate() {
            while next < keys.len() && slot_of(&keys[next].digest, bits) < slot {
                next += 1;
            }
            *start = next as u32;
        }
        // Every lookup reads this many entries (see `Registry::lookup`); 0 when empty.
        let window = directory
            .windows(2)
            .map(|w| (w[1] - w[0]) as usize)
            .max()
            .unwrap_or(0);
        Ok(Registry {
            header_options: self.header_options,
            bits,
            window,
            directory: directory.into_boxed_slice(),
            keys: keys.into_boxed_slice(),
            projects: self.projects,
        })
    }
}

/// The digest's first 8 bytes as a big-endian word: sorting by it agrees with sorting
/// the bytes.
#[inline]
fn leading_word(digest: &KeyDigest) -> u64 {
    let b = digest.as_bytes();
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[inline]
fn slot_of(digest: &KeyDigest, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        (leading_word(digest) >> (64 - bits)) as usize
    }
}

/// The immutable, thread-safe index of keys and projects.
///
/// Keys are held only as digests, sorted and indexed by their leading bits: a lookup costs
/// the same with a thousand keys or a million. The digests in the looked-up slot (usually
/// one or two) are all compared in constant time.
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
    bits: u32,
    /// Entries compared by every lookup: the fullest slot's occupancy (0 when empty).
    window: usize,
    directory: Box<[u32]>,
    keys: Box<[Entry]>,
    projects: HashMap<ProjectId, Whitelist>,
}

impl Registry {
    /// Authenticates a request from its `Authorization` value.
    ///
    /// In order: parse the header, parse the key, SHA-256, look up by digest with a
    /// constant-time compare of the full digest, check expiry against `now` (unix seconds,
    /// supplied by the caller: the core has no clock), check the kind against
    /// `requirement`. No heap allocation.
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
        let key = parse_authorization(header, self.header_options)?;
        self.authenticate_key(&key, now, requirement)
    }

    /// Authenticates an already-parsed key (for keys that do not arrive in an
    /// `Authorization` header). Same checks as [`Registry::authenticate`] after the header.
    ///
    /// # Errors
    /// [`AuthError::UnknownKey`], [`AuthError::Expired`] or [`AuthError::WrongKind`].
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
        let found = self.lookup(&key.digest());
        // The outcome is settled without branches, so a present and an absent key take the
        // same time up to the final match on the outcome itself (which the response reveals
        // anyway). Precedence: unknown, then expired, then wrong kind.
        let kind_ok = match requirement {
            Requirement::Any => Choice::from(1),
            Requirement::Publishable => found.kind.ct_eq(&(KeyKind::Publishable as u8)),
            Requirement::Secret => found.kind.ct_eq(&(KeyKind::Secret as u8)),
        };
        let mut outcome = OUTCOME_OK;
        outcome.conditional_assign(&OUTCOME_WRONG_KIND, !kind_ok);
        outcome.conditional_assign(&OUTCOME_EXPIRED, found.expired(now));
        outcome.conditional_assign(&OUTCOME_UNKNOWN, !found.present);
        match outcome {
            OUTCOME_OK => Ok(Authenticated {
                project: found.project,
                kind: found.kind(),
            }),
            OUTCOME_EXPIRED => Err(AuthError::Expired),
            OUTCOME_WRONG_KIND => Err(AuthError::WrongKind {
                required: match requirement {
                    Requirement::Secret => KeyKind::Secret,
                    _ => KeyKind::Publishable,
                },
                presented: found.kind(),
            }),
            _ => Err(AuthError::UnknownKey),
        }
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
        let key = crate::exposure::client_id_key(client_id)?;
        if key.kind() == KeyKind::Secret {
            return Err(AuthorizeError::SecretKeyExposed);
        }
        let found = self.lookup(&key.digest());
        if !bool::from(found.present) {
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
        self.keys.len()
    }

    /// A project's redirect URI whitelist, if the project exists.
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert!(reg.whitelist(1).is_none());
    /// ```
    pub fn whitelist(&self, project: ProjectId) -> Option<&Whitelist> {
        self.projects.get(&project)
    }

    /// Heap bytes held by the key index (entries and directory), for capacity planning.
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert!(reg.key_index_bytes() < 64);
    /// ```
    pub fn key_index_bytes(&self) -> usize {
        core::mem::size_of_val(&*self.keys) + core::mem::size_of_val(&*self.directory)
    }

    /// Looks `digest` up without revealing, through timing, whether it is present.
    ///
    /// Every lookup compares exactly `window` digests (the fullest slot's occupancy, fixed
    /// at build) starting at the digest's slot, in constant time and with no early exit,
    /// and copies the matching entry's fields with conditional selects. A present and an
    /// absent key therefore read the same number of entries and do the same work;
    /// comparing a neighbouring slot's entries is harmless, as a match needs all 32 bytes.
    #[inline]
    fn lookup(&self, digest: &KeyDigest) -> Found {
        let slot = slot_of(digest, self.bits);
        // The window holds the whole slot: its entries start at directory[slot] and number
        // at most `window`; near the end of the table the window slides back.
        let start = (self.directory[slot] as usize).min(self.keys.len() - self.window);
        let mut found = Found {
            present: Choice::from(0),
            project: 0,
            expires_at: NEVER,
            kind: 0,
        };
        for entry in &self.keys[start..start + self.window] {
            let eq = entry.digest.ct_eq(digest);
            found.project.conditional_assign(&entry.project, eq);
            found.expires_at.conditional_assign(&entry.expires_at, eq);
            found.kind.conditional_assign(&(entry.kind as u8), eq);
            found.present |= eq;
        }
        found
    }
}

/// What [`Registry::lookup`] found: the fields of the matching entry, or of none.
struct Found {
    present: Choice,
    project: ProjectId,
    expires_at: u64,
    /// `KeyKind as u8`, or 0 when nothing matched.
    kind: u8,
}

impl Found {
    /// Whether the entry is expired at `now`, without a branch on its deadline.
    fn expired(&self, now: u64) -> Choice {
        !self.expires_at.ct_eq(&NEVER) & !self.expires_at.ct_gt(&now)
    }

    fn kind(&self) -> KeyKind {
        if self.kind == KeyKind::Secret as u8 {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        }
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("keys", &self.keys.len())
            .field("projects", &self.projects.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RegistryBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryBuilder")
            .field("keys", &self.keys.len())
            .field("projects", &self.projects.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn key(i: u32, kind: KeyKind) -> ApiKey {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        ApiKey::from_random_bytes(kind, bytes)
    }

    fn header(k: &ApiKey) -> Vec<u8> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{}:", k.expose()));
        format!("Basic {b64}").into_bytes()
    }

    #[test]
    fn finds_every_key_among_many() {
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Production, RedirectOptions::default())
            .unwrap();
        b.add_project(2, Mode::Production, RedirectOptions::default())
            .unwrap();
        for i in 0..5000 {
            let kind = if i % 2 == 0 {
                KeyKind::Secret
            } else {
                KeyKind::Publishable
            };
            b.add_key(key(i, kind).digest(), 1 + u64::from(i % 2), kind, None)
                .unwrap();
        }
        let reg = b.build().unwrap();
        for i in 0..5000 {
            let kind = if i % 2 == 0 {
                KeyKind::Secret
            } else {
                KeyKind::Publishable
            };
            let auth = reg
                .authenticate(&header(&key(i, kind)), 0, Requirement::Any)
                .unwrap();
            assert_eq!(auth.project, 1 + u64::from(i % 2));
            assert_eq!(auth.kind, kind);
            // Same body, other kind: a different key, never added.
            let other = if kind == KeyKind::Secret {
                KeyKind::Publishable
            } else {
                KeyKind::Secret
            };
            assert_eq!(
                reg.authenticate(&header(&key(i, other)), 0, Requirement::Any),
                Err(AuthError::UnknownKey)
            );
        }
        assert_eq!(
            reg.authenticate(&header(&key(5000, KeyKind::Secret)), 0, Requirement::Any),
            Err(AuthError::UnknownKey)
        );
    }

    #[test]
    fn expiry_and_kind() {
        let old = key(1, KeyKind::Secret);
        let new = key(2, KeyKind::Secret);
        let pk = key(3, KeyKind::Publishable);
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Production, RedirectOptions::default())
            .unwrap();
        b.add_key(old.digest(), 1, KeyKind::Secret, Some(100))
            .unwrap();
        b.add_key(new.digest(), 1, KeyKind::Secret, None).unwrap();
        b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
            .unwrap();
        let reg = b.build().unwrap();
        assert!(reg
            .authenticate(&header(&old), 99, Requirement::Secret)
            .is_ok());
        assert_eq!(
            reg.authenticate(&header(&old), 100, Requirement::Secret),
            Err(AuthError::Expired)
        );
        assert!(reg
            .authenticate(&header(&new), 100, Requirement::Secret)
            .is_ok());
        let err = reg
            .authenticate(&header(&pk), 0, Requirement::Secret)
            .unwrap_err();
        assert_eq!(
            err,
            AuthError::WrongKind {
                required: KeyKind::Secret,
                presented: KeyKind::Publishable
            }
        );
        assert_eq!(err.status(), 403);
        assert_eq!(err.www_authenticate(), None);
        assert_eq!(
            reg.authenticate(&header(&new), 0, Requirement::Publishable)
                .unwrap_err()
                .status(),
            403
        );
    }

    #[test]
    fn authorize_redirect_rules() {
        let pk = key(1, KeyKind::Publishable);
        let other_pk = key(2, KeyKind::Publishable);
        let sk = key(3, KeyKind::Secret);
        let expired = key(4, KeyKind::Publishable);
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Development, RedirectOptions::default())
            .unwrap();
        b.add_project(2, Mode::Production, RedirectOptions::default())
            .unwrap();
        b.add_redirect_uri(1, b"http://localhost:3000/callback")
            .unwrap();
        b.add_redirect_uri(2, b"https://app.example.com/cb")
            .unwrap();
        b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
            .unwrap();
        b.add_key(other_pk.digest(), 2, KeyKind::Publishable, None)
            .unwrap();
        b.add_key(sk.digest(), 1, KeyKind::Secret, None).unwrap();
        b.add_key(expired.digest(), 1, KeyKind::Publishable, Some(10))
            .unwrap();
        let reg = b.build().unwrap();
        let uri = b"http://localhost:3000/callback";
        assert_eq!(reg.authorize_redirect(pk.as_bytes(), uri, 0), Ok(1));
        // Another project's key cannot use this project's redirect URI.
        assert_eq!(
            reg.authorize_redirect(other_pk.as_bytes(), uri, 0),
            Err(AuthorizeError::RedirectNotRegistered)
        );
        assert_eq!(
            reg.authorize_redirect(sk.as_bytes(), uri, 0),
            Err(AuthorizeError::SecretKeyExposed)
        );
        assert_eq!(
            reg.authorize_redirect(expired.as_bytes(), uri, 10),
            Err(AuthorizeError::Expired)
        );
        assert_eq!(
            reg.authorize_redirect(key(9, KeyKind::Publishable).as_bytes(), uri, 0),
            Err(AuthorizeError::UnknownClient)
        );
        assert_eq!(
            reg.authorize_redirect(b"pk_x", uri, 0),
            Err(AuthorizeError::InvalidClientId(KeyError::WrongLength {
                found: 1
            }))
        );
    }

    #[test]
    fn build_errors() {
        let mut b = RegistryBuilder::new();
        assert_eq!(
            b.add_redirect_uri(5, b"https://example.com/"),
            Err(BuildError::UnknownProject { project: 5 })
        );
        b.add_project(5, Mode::Production, RedirectOptions::default())
            .unwrap();
        assert_eq!(
            b.add_project(5, Mode::Production, RedirectOptions::default()),
            Err(BuildError::DuplicateProject { project: 5 })
        );
    }

    #[test]
    fn registry_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Registry>();
    }
}
