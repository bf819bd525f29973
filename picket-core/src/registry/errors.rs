//! Why a request, an authorize request or a registry build is refused.

use thiserror::Error;

use crate::header::HeaderError;
use crate::key::{KeyError, KeyKind};
use crate::redirect::RedirectError;
use crate::registry::{ProjectId, WWW_AUTHENTICATE};

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
    /// The registry row of this key names the other kind than the key's own prefix (a
    /// `pk_` key added as secret, or an `sk_` key added as publishable). The prefix is
    /// part of the hashed text, so it decides: the row is wrong and the key never
    /// authenticates until it is re-added with the kind its prefix names.
    #[error("the registry row of this api key names the other kind than the key's own prefix: the row is wrong; re-add the key with the kind its prefix names")]
    KindMismatch,
    /// A valid key of the wrong kind for this endpoint.
    #[error("this endpoint requires a {required} key, but a {presented} key was sent")]
    WrongKind {
        /// What the endpoint requires (never [`Requirement::Any`](crate::Requirement::Any)).
        required: KeyKind,
        /// What was sent.
        presented: KeyKind,
    },
}

impl AuthError {
    /// The HTTP status a server should answer: 403 for a valid key of the wrong kind, 401
    /// for everything else (a [`AuthError::KindMismatch`] included: the key does not
    /// authenticate at all).
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
