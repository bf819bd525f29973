//! # picket-core
//!
//! The small, exact core that a Picket-style API server links to authenticate requests and
//! guard its OAuth login flow. No I/O: no network, no files, no clock (the caller passes
//! `now`).
//!
//! - **Keys** ([`ApiKey`]): `pk_` (publishable, client-side) or `sk_` (secret, server-side)
//!   followed by exactly 32 lowercase hex digits. One spelling; no trimming, no case folding.
//!   A secret key never appears in `Debug`/`Display` output (`sk_…9e24`) and is zeroized on
//!   drop.
//! - **Digests** ([`KeyDigest`]): SHA-256 of the key's text, what a database stores.
//!   Compared only in constant time.
//! - **Authorization headers** ([`parse_authorization`]): HTTP Basic with the key as the
//!   username and an empty password, in every form real clients send.
//! - **Redirect URIs** ([`validate_redirect_uri`], [`Whitelist`]): registration rules for
//!   development and production, and byte-exact matching.
//! - **Registry** ([`RegistryBuilder`], [`Registry`]): the in-memory index a server builds
//!   from its database and shares across threads.
//! - **PKCE** ([`verify_pkce`]) and **redaction** of secret keys in log lines ([`redact`]).
//!
//! Every error is a `#[non_exhaustive]`, `Copy` enum whose message names the rule that was
//! broken and never contains a secret; each has a stable numeric [`code`](KeyError::code).
//!
//! **Constant time, and its limits.** The comparison of digests (and of PKCE hashes) is
//! constant time, on fixed-size values, through `subtle`. The validation of a key's 32-digit
//! body has no data-dependent branch. A registry lookup reads the same two buckets' worth
//! of memory and compares the same number of digests whether the key is present or not and
//! wherever it sits. Everything else (header parsing, which two buckets a digest maps to,
//! the outcome decided after the lookup, redirect URI matching) may take time that depends
//! on its input, which is either public, a SHA-256 output of the attacker's own key, or
//! what the response states anyway. Like `subtle`, this is best effort:
//! the compiler is not bound to preserve it, so it is measured (see the README).
//!
//! # A tour
//!
//! ```
//! use picket_core::*;
//!
//! // Issue keys (the caller draws the 16 bytes from a CSPRNG, or enables the
//! // `getrandom` feature and calls `ApiKey::generate`).
//! let pk = ApiKey::from_random_bytes(KeyKind::Publishable, [0x11; 16]);
//! let sk = ApiKey::from_random_bytes(KeyKind::Secret, [0x22; 16]);
//! assert_eq!(sk.to_string(), "sk_…2222"); // never printed in full
//!
//! // The database stores digests, not keys.
//! let mut builder = RegistryBuilder::new();
//! builder.add_project(1, Mode::Development, RedirectOptions::default())?;
//! builder.add_redirect_uri(1, b"http://localhost:3000/callback")?;
//! builder.add_key(pk.digest(), 1, KeyKind::Publishable, None)?;
//! builder.add_key(sk.digest(), 1, KeyKind::Secret, None)?;
//! let registry = builder.build()?;
//!
//! // A request as `curl -u sk_2222...2222:` sends it.
//! use base64::Engine as _;
//! let creds = base64::engine::general_purpose::STANDARD.encode(format!("{}:", sk.expose()));
//! let header = format!("Basic {creds}");
//! let auth = registry.authenticate(header.as_bytes(), 1_700_000_000, Requirement::Secret)?;
//! assert_eq!(auth, Authenticated { project: 1, kind: KeyKind::Secret });
//!
//! // A missing key is a 401 with a challenge.
//! let err = registry.authenticate(b"", 0, Requirement::Any).unwrap_err();
//! assert_eq!((err.status(), err.www_authenticate()), (401, Some(WWW_AUTHENTICATE)));
//!
//! // The OAuth authorize endpoint: exact redirect URI matching.
//! assert_eq!(registry.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/callback", 0), Ok(1));
//! assert_eq!(
//!     registry.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/callback/", 0),
//!     Err(AuthorizeError::RedirectNotRegistered)
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

mod codes;
mod ct;
mod digest;
mod exposure;
mod header;
mod key;
mod pkce;
mod redact;
mod redirect;
mod registry;

pub use digest::{verify_any, DigestError, KeyDigest, DIGEST_HEX_LEN, DIGEST_LEN};
pub use header::{
    parse_authorization, HeaderError, HeaderOptions, MAX_CREDENTIALS_LEN, MAX_HEADER_LEN,
};
pub use key::{
    ApiKey, KeyError, KeyKind, Redacted, KEY_HEX_DIGITS, KEY_LEN, KEY_RANDOM_BYTES, REDACTED_LEN,
};
pub use pkce::{
    pkce_challenge, verify_pkce, PkceError, CHALLENGE_LEN, MAX_VERIFIER_LEN, MIN_VERIFIER_LEN,
};
pub use redact::{redact, redact_bytes, MIN_EXPOSED_DIGITS};
pub use redirect::{
    match_redirect_uri, validate_redirect_uri, Mode, RedirectError, RedirectOptions, Whitelist,
    MAX_REDIRECT_URI_LEN,
};
pub use registry::{
    AuthError, Authenticated, AuthorizeError, BuildError, ProjectId, Registry, RegistryBuilder,
    Requirement, WWW_AUTHENTICATE,
};
