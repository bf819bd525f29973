//! The registry: a builder, and the immutable index it builds.

use std::collections::VecDeque;
use std::sync::Mutex;

use picket_core::{KeyDigest, Registry, RegistryBuilder};

use crate::boundary::{ffi_result, ffi_value, Failure};
use crate::handle::{self, Kind, Parked, Shell};
use crate::io::{input, input_array, input_items, Out};
use crate::result::picket_result;
use crate::{
    header_options, key_kind, key_kind_value, redirect_options, PICKET_DIGEST_LEN, PICKET_NO_EXPIRY,
};

/// Collects projects, redirect URIs and key digests, then builds a `picket_registry`.
///
/// Opaque. Create with `picket_registry_builder_new`; consume with
/// `picket_registry_builder_build` or release with `picket_registry_builder_free`. Add
/// each project before its keys and redirect URIs. Not thread-safe: use a builder from one
/// thread at a time. Every function that takes one checks its type and state first
/// (`PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`).
#[allow(non_camel_case_types)]
pub struct picket_registry_builder {
    _opaque: [u8; 0],
}

/// The immutable index of key digests and projects a server authenticates against.
///
/// Opaque. Made by `picket_registry_builder_build` (or `picket_registry_update`); release
/// with `picket_registry_free`.
/// Immutable and thread-safe: any number of threads may call `picket_registry_authenticate`
/// and `picket_registry_authorize_redirect` on one registry at once, without locking. To
/// change it (a key issued, rolled or revoked), make a new one with
/// `picket_registry_update` (only the changed projects replaced) or build a new one, swap
/// it in, and free the old one once no thread uses it. Every function that takes one checks its type and
/// state first (`PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`).
#[allow(non_camel_case_types)]
pub struct picket_registry {
    _opaque: [u8; 0],
}

/// The handle type of `picket_registry_builder`.
pub(crate) struct BuilderKind;

impl Kind for BuilderKind {
    type Object = RegistryBuilder;
    const NAME: &'static str = "picket_registry_builder";
    // "picketB" and a state byte.
    const LIVE: u64 = 0x7069_636b_6574_42a1;
    const FREED: u64 = 0x7069_636b_6574_42f5;
    fn quarantine() -> &'static Mutex<VecDeque<Parked>> {
        static Q: Mutex<VecDeque<Parked>> = Mutex::new(VecDeque::new());
        &Q
    }
}

/// The handle type of `picket_registry`.
pub(crate) struct RegistryKind;

impl Kind for RegistryKind {
    type Object = Registry;
    const NAME: &'static str = "picket_registry";
    // "picketR" and a state byte.
    const LIVE: u64 = 0x7069_636b_6574_52a1;
    const FREED: u64 = 0x7069_636b_6574_52f5;
    fn quarantine() -> &'static Mutex<VecDeque<Parked>> {
        static Q: Mutex<VecDeque<Parked>> = Mutex::new(VecDeque::new());
        &Q
    }
}

fn builder_shell(builder: *mut picket_registry_builder) -> *mut Shell<BuilderKind> {
    builder.cast()
}

fn registry_shell(registry: *const picket_registry) -> *mut Shell<RegistryKind> {
    registry.cast_mut().cast()
}

/// The builder behind a pointer, for a mutating call.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned (of any type, live or freed), not
/// used by another thread during `'a`.
unsafe fn builder_mut<'a>(
    builder: *mut picket_registry_builder,
) -> Result<&'a mut RegistryBuilder, Failure> {
    // SAFETY: passed on from this function's caller.
    unsafe { handle::get_mut::<BuilderKind>(builder_shell(builder), "builder") }
}

/// The registry behind a pointer.
///
/// # Safety
/// `registry` must be NULL or a handle picket returned (of any type, live or freed), not
/// freed by another thread during `'a`.
#[inline(always)]
unsafe fn registry_ref<'a>(registry: *const picket_registry) -> Result<&'a Registry, Failure> {
    // SAFETY: passed on from this function's caller.
    unsafe { handle::get::<RegistryKind>(registry_shell(registry), "registry") }
}

/// A new, empty builder (Basic authentication only; no project). The caller owns it and
/// must pass it to `picket_registry_builder_build` or `picket_registry_builder_free`.
/// Returns NULL only if a panic was caught (never expected).
#[no_mangle]
pub extern "C" fn picket_registry_builder_new() -> *mut picket_registry_builder {
    ffi_value("picket_registry_builder_new", std::ptr::null_mut(), || {
        handle::new::<BuilderKind>(RegistryBuilder::new()).cast()
    })
}

/// Frees a builder that was not built. NULL is a no-op.
///
/// Returns:
/// - `PICKET_RESULT_OK`: freed, or NULL;
/// - `PICKET_RESULT_HANDLE_FREED`: freed or built already (nothing is done);
/// - `PICKET_RESULT_WRONG_HANDLE`: not a builder, such as a `picket_registry` (nothing is
///   done: free a registry with `picket_registry_free`).
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread during
/// the call. It must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_free(
    builder: *mut picket_registry_builder,
) -> picket_result {
    ffi_result("picket_registry_builder_free", || {
        // SAFETY: the caller guarantees `builder` (function contract).
        drop(unsafe { handle::free::<BuilderKind>(builder_shell(builder), "builder") }?);
        Ok(())
    })
}

/// Sets the options `picket_registry_authenticate` uses: `options` may hold
/// `PICKET_OPTION_ACCEPT_BEARER` (also accept `Bearer KEY`), or be 0 (Basic only, the
/// default). Replaces any earlier setting.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `builder` is not a live
///   builder (another handle, or freed or built already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `builder` NULL;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown option bits.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_set_options(
    builder: *mut picket_registry_builder,
    options: u32,
) -> picket_result {
    ffi_result("picket_registry_builder_set_options", || {
        // SAFETY: the caller guarantees `builder` (function contract).
        let builder = unsafe { builder_mut(builder) }?;
        builder.header_options(header_options(options)?);
        Ok(())
    })
}

/// Adds project `project` (the server's own id) in `mode` (a `picket_mode`) with
/// `options` for its redirect URIs (`PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES`,
/// `PICKET_OPTION_LOOPBACK_ANY_PORT`, or 0).
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUILD_DUPLICATE_PROJECT`: the project was added before;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `builder` is not a live
///   builder (another handle, or freed or built already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `builder` NULL;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `mode` or option bits.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread during
/// the call.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_add_project(
    builder: *mut picket_registry_builder,
    project: u64,
    mode: u32,
    options: u32,
) -> picket_result {
    ffi_result("picket_registry_builder_add_project", || {
        // SAFETY: the caller guarantees `builder` (function contract).
        let builder = unsafe { builder_mut(builder) }?;
        builder.add_project(project, crate::mode(mode)?, redirect_options(options)?)?;
        Ok(())
    })
}

/// Registers the redirect URI `uri` for project `project`, validated for the project's
/// mode and options (as `picket_redirect_validate` does). Adding a URI twice is not an
/// error.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUILD_UNKNOWN_PROJECT`: the project was not added first;
/// - `PICKET_RESULT_REDIRECT_*` (400-416): the rule the URI breaks (the detailed message
///   names the project);
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `builder` is not a live
///   builder (another handle, or freed or built already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `builder` NULL, or `uri` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `uri_len` above `PTRDIFF_MAX`.
///
/// A refused URI leaves the builder as it was.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread during
/// the call;
/// `uri` must be valid for reads of `uri_len` bytes (or NULL with `uri_len` 0).
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_add_redirect_uri(
    builder: *mut picket_registry_builder,
    project: u64,
    uri: *const u8,
    uri_len: usize,
) -> picket_result {
    ffi_result("picket_registry_builder_add_redirect_uri", || {
        // SAFETY: the caller guarantees `builder` and `uri` (function contract).
        let (builder, uri) = unsafe { (builder_mut(builder)?, input(uri, uri_len, "uri")?) };
        builder.add_redirect_uri(project, uri)?;
        Ok(())
    })
}

/// Adds a key by its 32-byte SHA-256 `digest` (from `picket_key_digest` or
/// `picket_digest_from_hex`) to project `project`, with its `kind` (a `picket_key_kind`)
/// and `expires_at` (unix seconds: the key is valid while `now < expires_at`;
/// `PICKET_NO_EXPIRY` for a key that never expires). Several keys per project and kind are
/// allowed, so a key can be rolled with an overlap.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUILD_UNKNOWN_PROJECT`: the project was not added first;
/// - `PICKET_RESULT_BUILD_TOO_MANY_KEYS`: the builder holds 2^32 - 2 keys already;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `builder` is not a live
///   builder (another handle, or freed or built already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `builder` or `digest` NULL;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `kind`.
///
/// A digest added twice is found by `picket_registry_builder_build`.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread during
/// the call;
/// `digest` must be valid for reads of 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_add_key(
    builder: *mut picket_registry_builder,
    digest: *const u8,
    project: u64,
    kind: u32,
    expires_at: u64,
) -> picket_result {
    ffi_result("picket_registry_builder_add_key", || {
        // SAFETY: the caller guarantees `builder` and `digest` (function contract).
        let (builder, digest) = unsafe {
            (
                builder_mut(builder)?,
                input_array::<PICKET_DIGEST_LEN>(digest, "digest")?,
            )
        };
        let expires_at = (expires_at != PICKET_NO_EXPIRY).then_some(expires_at);
        builder.add_key(
            KeyDigest::from_bytes(*digest),
            project,
            key_kind(kind)?,
            expires_at,
        )?;
        Ok(())
    })
}

/// Builds the registry and writes it to `*out_registry`; the caller owns it and frees it
/// with `picket_registry_free`.
///
/// A live `builder` is always consumed, on success and on failure alike: never use or free
/// it afterwards. (If `out_registry` is NULL the builder is freed and
/// `PICKET_RESULT_NULL_PARAMETER` returned.) A handle that is not a live builder is left as
/// it was.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUILD_DUPLICATE_KEY`: a digest was added twice;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `builder` is not a live
///   builder (another handle, or freed or built already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `builder` or `out_registry` NULL.
///
/// # Safety
/// `builder` must be NULL or a handle picket returned, not used by another thread;
/// `out_registry`
/// must be valid for writes of one pointer.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_builder_build(
    builder: *mut picket_registry_builder,
    out_registry: *mut *mut picket_registry,
) -> picket_result {
    ffi_result("picket_registry_builder_build", || {
        if builder.is_null() {
            return Err(Failure::null("builder"));
        }
        // SAFETY: the caller guarantees `builder` (function contract); it is consumed
        // here, whatever happens next.
        let builder = unsafe { handle::free::<BuilderKind>(builder_shell(builder), "builder") }?
            .ok_or_else(|| Failure::null("builder"))?;
        // SAFETY: the caller guarantees `out_registry` (function contract).
        let out_registry = unsafe { Out::new(out_registry, "out_registry") }?;
        let registry = builder.build()?;
        out_registry.write(handle::new::<RegistryKind>(registry).cast());
        Ok(())
    })
}

/// Makes a new registry from `registry` and a change to some of its projects, and writes it
/// to `*out_registry`; the caller owns it and frees it with `picket_registry_free`.
/// `registry` is not changed: calls in flight on it go on, and the caller swaps the new one
/// in and frees the old one once no thread uses it, as after a build.
///
/// Every project `changes` holds replaces the project of the same id (its mode, redirect
/// options and URIs, and all of its keys: a key the project had and `changes` does not is
/// gone), or is added; every project in `(removed, removed_count)` is removed with its
/// keys; everything else is kept. Fill `changes` as for a build, with only the changed
/// projects. This costs one copy of the key index (about 71 bytes a key) plus the changed
/// keys, where a build places every key again; lookups in the new registry are exactly as
/// in a built one. The header options are `registry`'s.
///
/// A live `changes` is always consumed, on success and on failure alike, as by
/// `picket_registry_builder_build`. A handle that is not a live builder is left as it was.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_BUILD_DUPLICATE_KEY`: a key of `changes` is one of a project kept, or is
///   in `changes` twice;
/// - `PICKET_RESULT_BUILD_TOO_MANY_KEYS`: more than 2^32 - 2 keys in all;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `registry` is not a live
///   registry, or `changes` not a live builder;
/// - `PICKET_RESULT_NULL_PARAMETER`: `registry`, `changes` or `out_registry` NULL, or
///   `removed` NULL with a non-zero count;
/// - `PICKET_RESULT_INVALID_PARAMETER`: `removed` misaligned, or its size above
///   `PTRDIFF_MAX`.
///
/// # Safety
/// `registry` must be NULL or a handle picket returned, not freed by another thread during
/// the call; `changes` NULL or a handle picket returned, not used by another thread;
/// `removed` valid for reads of `removed_count` `uint64_t` (or NULL with 0); `out_registry`
/// valid for writes of one pointer.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_update(
    registry: *const picket_registry,
    changes: *mut picket_registry_builder,
    removed: *const u64,
    removed_count: usize,
    out_registry: *mut *mut picket_registry,
) -> picket_result {
    ffi_result("picket_registry_update", || {
        // SAFETY: the caller guarantees `changes` (function contract); it is consumed
        // here, whatever happens next.
        let changes = unsafe { handle::free::<BuilderKind>(builder_shell(changes), "changes") }?
            .ok_or_else(|| Failure::null("changes"))?;
        // SAFETY: the caller guarantees `registry`, `removed` and `out_registry` (function
        // contract).
        let (registry, removed, out_registry) = unsafe {
            (
                registry_ref(registry)?,
                input_items(removed, removed_count, "removed")?,
                Out::new(out_registry, "out_registry")?,
            )
        };
        let updated = registry.with_projects(changes, removed)?;
        out_registry.write(handle::new::<RegistryKind>(updated).cast());
        Ok(())
    })
}

/// Frees a registry. NULL is a no-op.
///
/// Returns:
/// - `PICKET_RESULT_OK`: freed, or NULL;
/// - `PICKET_RESULT_HANDLE_FREED`: freed already (nothing is done);
/// - `PICKET_RESULT_WRONG_HANDLE`: not a registry, such as a `picket_registry_builder`
///   (nothing is done: free a builder with `picket_registry_builder_free`).
///
/// # Safety
/// `registry` must be NULL or a handle picket returned, and no other thread may be using
/// it. It must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_free(registry: *mut picket_registry) -> picket_result {
    ffi_result("picket_registry_free", || {
        // SAFETY: the caller guarantees `registry` (function contract).
        drop(unsafe { handle::free::<RegistryKind>(registry_shell(registry), "registry") }?);
        Ok(())
    })
}

/// Authenticates a request from its `Authorization` header value (`(NULL, 0)` when the
/// request has none) at time `now` (unix seconds) for an endpoint that accepts
/// `requirement` (a `picket_requirement`). In order: parse the header, parse the key,
/// SHA-256, constant-time lookup, expiry, kind. On success writes the key's project to
/// `*out_project` and its kind (a `picket_key_kind`) to `*out_kind`.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_HEADER_*` (300-312): the header breaks the rule the code names;
/// - `PICKET_RESULT_KEY_UNKNOWN_PREFIX`, `PICKET_RESULT_KEY_WRONG_LENGTH`,
///   `PICKET_RESULT_KEY_NON_HEX`, `PICKET_RESULT_KEY_SURROUNDING_WHITESPACE`,
///   `PICKET_RESULT_KEY_UPPERCASE`: the credentials carry a malformed key;
/// - `PICKET_RESULT_AUTH_UNKNOWN_KEY`: no project has the key;
/// - `PICKET_RESULT_AUTH_EXPIRED`: the key has expired;
/// - `PICKET_RESULT_AUTH_WRONG_KIND`: a valid key of the kind `requirement` refuses (403);
/// - `PICKET_RESULT_AUTH_KIND_MISMATCH`: the key's registry row names the other kind than
///   its prefix (the row is wrong; the key never authenticates);
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `registry` is not a live
///   registry (another handle, or freed already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `registry`, `out_project` or `out_kind` NULL, or
///   `header` NULL with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: unknown `requirement`, or `header_len` above
///   `PTRDIFF_MAX`.
///
/// Answer with `picket_auth_http_status(result)` and, for a 401, `picket_www_authenticate`.
///
/// Thread-safe: any number of threads may call it on one registry at once.
///
/// # Safety
/// `registry` must be NULL or a handle picket returned, not freed during the call; `header` must be valid for reads of
/// `header_len` bytes (or NULL with `header_len` 0); `out_project` for writes of one
/// `uint64_t` and `out_kind` of one `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_authenticate(
    registry: *const picket_registry,
    header: *const u8,
    header_len: usize,
    now: u64,
    requirement: u32,
    out_project: *mut u64,
    out_kind: *mut u32,
) -> picket_result {
    ffi_result("picket_registry_authenticate", || {
        // SAFETY: the caller guarantees `registry`, `header`, `out_project` and `out_kind`
        // (function contract).
        let (registry, header, out_project, out_kind) = unsafe {
            (
                registry_ref(registry)?,
                input(header, header_len, "header")?,
                Out::new(out_project, "out_project")?,
                Out::new(out_kind, "out_kind")?,
            )
        };
        let auth = registry.authenticate(header, now, crate::requirement(requirement)?)?;
        out_project.write(auth.project);
        out_kind.write(key_kind_value(auth.kind));
        Ok(())
    })
}

/// Checks an OAuth authorize request at time `now` (unix seconds): `client_id` must be a
/// live publishable key of a project that registered `redirect_uri` (byte-exact). On
/// success writes the project to `*out_project`. On any failure the server must not
/// redirect; it answers 400 with the message.
///
/// Returns:
/// - `PICKET_RESULT_OK`;
/// - `PICKET_RESULT_KEY_*` (100-105): a malformed `client_id`;
/// - `PICKET_RESULT_AUTHORIZE_SECRET_KEY_EXPOSED`: a secret key as `client_id`, in any form
///   `picket_redact` masks, known or not: roll it;
/// - `PICKET_RESULT_AUTHORIZE_UNKNOWN_CLIENT`: not a live publishable key of the registry;
/// - `PICKET_RESULT_AUTHORIZE_EXPIRED`: the key has expired;
/// - `PICKET_RESULT_AUTHORIZE_REDIRECT_NOT_REGISTERED`: the project did not register
///   `redirect_uri`;
/// - `PICKET_RESULT_WRONG_HANDLE`, `PICKET_RESULT_HANDLE_FREED`: `registry` is not a live
///   registry (another handle, or freed already);
/// - `PICKET_RESULT_NULL_PARAMETER`: `registry` or `out_project` NULL, or an input NULL
///   with a length;
/// - `PICKET_RESULT_INVALID_PARAMETER`: a length above `PTRDIFF_MAX`.
///
/// Thread-safe: any number of threads may call it on one registry at once.
///
/// # Safety
/// `registry` must be NULL or a handle picket returned, not freed during the call; `client_id` and `redirect_uri` must be
/// valid for reads of their lengths (or NULL with length 0); `out_project` for writes of
/// one `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn picket_registry_authorize_redirect(
    registry: *const picket_registry,
    client_id: *const u8,
    client_id_len: usize,
    redirect_uri: *const u8,
    redirect_uri_len: usize,
    now: u64,
    out_project: *mut u64,
) -> picket_result {
    ffi_result("picket_registry_authorize_redirect", || {
        // SAFETY: the caller guarantees `registry`, `client_id`, `redirect_uri` and
        // `out_project` (function contract).
        let (registry, client_id, redirect_uri, out_project) = unsafe {
            (
                registry_ref(registry)?,
                input(client_id, client_id_len, "client_id")?,
                input(redirect_uri, redirect_uri_len, "redirect_uri")?,
                Out::new(out_project, "out_project")?,
            )
        };
        let project = registry.authorize_redirect(client_id, redirect_uri, now)?;
        out_project.write(project);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_send_and_sync_as_documented() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<Shell<RegistryKind>>();
        send::<Shell<BuilderKind>>();
    }
}
