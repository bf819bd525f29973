//! The enums and option bits C passes as `uint32_t` (`picket_key_kind`, `picket_mode`,
//! `picket_requirement`, `PICKET_OPTION_*`), and their checked conversion to picket-core's
//! types: an unknown value or bit is `PICKET_RESULT_INVALID_PARAMETER`, never a transmute.

use picket_core::{HeaderOptions, KeyKind, Mode, RedirectOptions, Requirement};

use crate::boundary::Failure;

/// Option bit: also accept `Authorization: Bearer <key>` (as Stripe does). Used by
/// `picket_authorization_parse` and `picket_registry_builder_set_options`.
pub const PICKET_OPTION_ACCEPT_BEARER: u32 = 1;
/// Option bit: accept RFC 8252 private-use URI schemes for native apps
/// (`com.example.app:/callback`; the scheme must contain a dot). Used by the redirect
/// functions and `picket_registry_builder_add_project`.
pub const PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES: u32 = 2;
/// Option bit: in development, `http://127.0.0.1` and `http://[::1]` entries match a
/// presented URI whatever its port (RFC 8252 §7.3). Used by the redirect functions and
/// `picket_registry_builder_add_project`.
pub const PICKET_OPTION_LOOPBACK_ANY_PORT: u32 = 4;

/// The kind of an API key. Passed and returned as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_key_kind {
    /// `pk_`: used client-side, by a browser SDK; safe to expose.
    Publishable = 1,
    /// `sk_`: used server-side only; must be kept secret.
    Secret = 2,
}

/// Whether a project is in development or production. Passed as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_mode {
    /// Local development: `http://localhost`, `http://127.0.0.1` and `http://[::1]`
    /// redirect URIs are allowed.
    Development = 1,
    /// Production: https only, and no loopback host.
    Production = 2,
}

/// Which kinds of key an endpoint accepts. Passed as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum picket_requirement {
    /// Client-side endpoints: publishable keys only.
    Publishable = 1,
    /// Server-side endpoints: secret keys only.
    Secret = 2,
    /// Either kind.
    Any = 3,
}

/// A `picket_key_kind` value from C, checked.
pub(crate) fn key_kind(value: u32) -> Result<KeyKind, Failure> {
    match value {
        v if v == picket_key_kind::Publishable as u32 => Ok(KeyKind::Publishable),
        v if v == picket_key_kind::Secret as u32 => Ok(KeyKind::Secret),
        v => Err(Failure::invalid(format!(
            "`kind` is {v}: expected PICKET_KEY_KIND_PUBLISHABLE (1) or PICKET_KEY_KIND_SECRET (2)"
        ))),
    }
}

/// The `picket_key_kind` value of a key kind.
pub(crate) fn key_kind_value(kind: KeyKind) -> u32 {
    match kind {
        KeyKind::Publishable => picket_key_kind::Publishable as u32,
        KeyKind::Secret => picket_key_kind::Secret as u32,
    }
}

/// A `picket_mode` value from C, checked.
pub(crate) fn mode(value: u32) -> Result<Mode, Failure> {
    match value {
        v if v == picket_mode::Development as u32 => Ok(Mode::Development),
        v if v == picket_mode::Production as u32 => Ok(Mode::Production),
        v => Err(Failure::invalid(format!(
            "`mode` is {v}: expected PICKET_MODE_DEVELOPMENT (1) or PICKET_MODE_PRODUCTION (2)"
        ))),
    }
}

/// A `picket_requirement` value from C, checked.
pub(crate) fn requirement(value: u32) -> Result<Requirement, Failure> {
    match value {
        v if v == picket_requirement::Publishable as u32 => Ok(Requirement::Publishable),
        v if v == picket_requirement::Secret as u32 => Ok(Requirement::Secret),
        v if v == picket_requirement::Any as u32 => Ok(Requirement::Any),
        v => Err(Failure::invalid(format!(
            "`requirement` is {v}: expected PICKET_REQUIREMENT_PUBLISHABLE (1), \
             PICKET_REQUIREMENT_SECRET (2) or PICKET_REQUIREMENT_ANY (3)"
        ))),
    }
}

/// Refuses option bits outside `allowed`.
fn check_options(options: u32, allowed: u32) -> Result<(), Failure> {
    let unknown = options & !allowed;
    if unknown != 0 {
        return Err(Failure::invalid(format!(
            "`options` has bits 0x{unknown:x} that this function does not use (allowed: 0x{allowed:x})"
        )));
    }
    Ok(())
}

/// `PICKET_OPTION_ACCEPT_BEARER` only, as header options.
pub(crate) fn header_options(options: u32) -> Result<HeaderOptions, Failure> {
    check_options(options, PICKET_OPTION_ACCEPT_BEARER)?;
    Ok(HeaderOptions {
        accept_bearer: options & PICKET_OPTION_ACCEPT_BEARER != 0,
    })
}

/// The redirect option bits, as redirect options.
pub(crate) fn redirect_options(options: u32) -> Result<RedirectOptions, Failure> {
    check_options(
        options,
        PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES | PICKET_OPTION_LOOPBACK_ANY_PORT,
    )?;
    Ok(RedirectOptions {
        allow_private_use_schemes: options & PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES != 0,
        loopback_any_port: options & PICKET_OPTION_LOOPBACK_ANY_PORT != 0,
    })
}
