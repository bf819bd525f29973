//! The two handles of the C ABI, owned so that no JavaScript caller can misuse them.
//!
//! - [`NativeBuilder`] owns a `picket_registry_builder`. A JavaScript object lives on one
//!   thread, so its methods never race; `build` consumes the handle and every later call is
//!   refused (`PICKET_RESULT_NULL_PARAMETER`, as the C ABI answers a NULL builder).
//! - [`NativeRegistry`] is a view of a [`Slot`]: a lock around the `picket_registry` (or
//!   nothing once closed). Every call holds the read lock while the C ABI runs; closing
//!   and swapping take the write lock, so the registry is freed only once the calls in
//!   flight on any thread have returned, and a call after that finds no registry instead
//!   of freed memory. Slots can be shared with `worker_threads` ([`NativeRegistry::share`],
//!   [`registry_adopt`]): the threads then authenticate against one registry in memory,
//!   and a close or a swap on one thread is seen by all.
//!
//! The view that built or adopted-by-move the registry is its owner: its `close` frees
//! the registry for every thread. A view adopted from a share only lets go of the slot.
//! The registry is also freed when the last view of its slot is garbage-collected.

use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard, Weak};

use napi::bindgen_prelude::{Uint32ArraySlice, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::input::Input;
use crate::status::{check, closed_error, refuse, PicketError, INVALID_PARAMETER};

/// A live `picket_registry`.
struct Handle(NonNull<picket::picket_registry>);

// SAFETY: picket.h: "A picket_registry is immutable: any number of threads may use one at
// once." Freeing it is serialised by the slot's write lock.
unsafe impl Send for Handle {}
// SAFETY: as above.
unsafe impl Sync for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from picket_registry_builder_build and is freed only
        // here, once (a Handle is never copied); the slot's write lock (or the last
        // reference to the slot) guarantees no call is using it.
        let freed = unsafe { picket::picket_registry_free(self.0.as_ptr()) };
        // A live registry's handle: the free cannot be refused (issue 20's handle checks).
        debug_assert_eq!(freed, picket::picket_result::Ok);
    }
}

/// The registry a set of views share, and its id in the share table (0: never shared).
struct Slot {
    registry: RwLock<Option<Handle>>,
    id: AtomicU64,
}

impl Slot {
    fn read(&self) -> RwLockReadGuard<'_, Option<Handle>> {
        // A poisoned lock only means a panic happened while it was held; the Option it
        // guards is always whole.
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn replace(&self, handle: Option<Handle>) -> Option<Handle> {
        let mut guard = self.registry.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *guard, handle)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let id = *self.id.get_mut();
        if id != 0 {
            shares().remove(&id);
        }
    }
}

/// Slots that were shared, by id. Weak: a share keeps nothing alive.
fn shares() -> MutexGuard<'static, HashMap<u64, Weak<Slot>>> {
    static SHARES: OnceLock<Mutex<HashMap<u64, Weak<Slot>>>> = OnceLock::new();
    SHARES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A view of a registry (see the module docs). Made by `NativeBuilder.build`,
/// `registryAdopt` or `registryMove`.
#[napi]
pub struct NativeRegistry {
    slot: Option<Arc<Slot>>,
    owner: bool,
}

fn closed() -> PicketError {
    closed_error("the registry is closed")
}

/// The outputs array of a call: at least 3 numbers.
fn outputs<'a>(out: &'a mut Uint32ArraySlice<'_>) -> Result<&'a mut [u32], PicketError> {
    // SAFETY: `out` is the JavaScript layer's private scratch array, which nothing else
    // references during this synchronous call.
    let out = unsafe { out.as_mut() };
    if out.len() < 3 {
        return Err(refuse(INVALID_PARAMETER, "`out` must hold 3 numbers"));
    }
    Ok(out)
}

/// Splits out the outputs of `authenticate` and `authorizeRedirect`: project low and high
/// 32 bits, and the key's kind.
fn write_out(out: &mut [u32], project: u64, kind: u32) {
    out[0] = project as u32;
    out[1] = (project >> 32) as u32;
    out[2] = kind;
}

#[napi]
impl NativeRegistry {
    fn slot(&self) -> Result<&Arc<Slot>, PicketError> {
        self.slot.as_ref().ok_or_else(closed)
    }

    /// `picket_registry_authenticate`. Returns the result code (0 on success, when `out`
    /// holds the project's low and high 32 bits and the key's kind); on a failure the
    /// message is `lastErrorMessage()`, read next on this thread. A closed registry is
    /// `NULL_PARAMETER` (2), with its own message.
    #[napi(catch_unwind)]
    pub fn authenticate(
        &self,
        env: &Env,
        header: Unknown<'_>,
        now: f64,
        requirement: u32,
        mut out: Uint32ArraySlice<'_>,
    ) -> Result<u32, PicketError> {
        let out = outputs(&mut out)?;
        let mut input = Input::new();
        let header = input
            .read(env, &header, "header")
            .map_err(crate::calls::napi_error)?;
        let slot = self.slot()?;
        let guard = slot.read();
        let Some(handle) = guard.as_ref() else {
            return Err(closed());
        };
        let (mut project, mut kind) = (0u64, 0u32);
        // SAFETY: the handle is live while the read guard is held; `header` is valid for
        // its length; the outputs are locals. `now as u64` saturates (NaN is 0).
        let code = unsafe {
            picket::picket_registry_authenticate(
                handle.0.as_ptr(),
                header.as_ptr(),
                header.len(),
                now as u64,
                requirement,
                &mut project,
                &mut kind,
            )
        } as u32;
        drop(guard);
        if code == 0 {
            write_out(out, project, kind);
        }
        Ok(code)
    }

    /// `picket_registry_authorize_redirect`: the project (low and high 32 bits in `out`).
    #[napi(catch_unwind)]
    pub fn authorize_redirect(
        &self,
        env: &Env,
        client_id: Unknown<'_>,
        redirect_uri: Unknown<'_>,
        now: f64,
        mut out: Uint32ArraySlice<'_>,
    ) -> Result<(), PicketError> {
        let out = outputs(&mut out)?;
        let mut client = Input::new();
        let client = client
            .read(env, &client_id, "clientId")
            .map_err(crate::calls::napi_error)?;
        let mut uri = Input::new();
        let uri = uri
            .read(env, &redirect_uri, "redirectUri")
            .map_err(crate::calls::napi_error)?;
        let slot = self.slot()?;
        let guard = slot.read();
        let Some(handle) = guard.as_ref() else {
            return Err(closed());
        };
        let mut project = 0u64;
        // SAFETY: the handle is live while the read guard is held; the inputs are valid
        // for their lengths; the output is a local.
        let code = unsafe {
            picket::picket_registry_authorize_redirect(
                handle.0.as_ptr(),
                client.as_ptr(),
                client.len(),
                uri.as_ptr(),
                uri.len(),
                now as u64,
                &mut project,
            )
        } as u32;
        drop(guard);
        check(code)?;
        write_out(out, project, 0);
        Ok(())
    }

    /// `picket_registry_update`: a new registry (an owner view of a slot of its own) with
    /// the projects of `changes` replacing or added, and those of `removed` (low and high
    /// 32 bits of each id, in pairs) gone. This registry is unchanged. `changes` is
    /// consumed, on failure too, as by `build`, also when this registry is closed.
    #[napi(catch_unwind)]
    pub fn update(
        &self,
        changes: &mut NativeBuilder,
        removed: Uint32ArraySlice<'_>,
    ) -> Result<NativeRegistry, PicketError> {
        let b = changes.live()?;
        changes.handle = None;
        let removed: Vec<u64> = removed
            .as_ref()
            .chunks(2)
            .map(|pair| join(pair[0], pair.get(1).copied().unwrap_or(0)))
            .collect();
        let free_changes = || {
            // SAFETY: `b` is live and was taken out of `changes`, so it is freed once.
            let freed = unsafe { picket::picket_registry_builder_free(b) };
            debug_assert_eq!(freed, picket::picket_result::Ok);
        };
        let Some(slot) = self.slot.as_ref() else {
            free_changes();
            return Err(closed());
        };
        let guard = slot.read();
        let Some(handle) = guard.as_ref() else {
            drop(guard);
            free_changes();
            return Err(closed());
        };
        let mut out: *mut picket::picket_registry = std::ptr::null_mut();
        // SAFETY: the handle is live while the read guard is held; `b` is live and taken
        // out of `changes` above, so the call consumes it exactly once; `removed` is valid
        // for reads of its length; `out` is a valid output.
        let code = unsafe {
            picket::picket_registry_update(
                handle.0.as_ptr(),
                b,
                removed.as_ptr(),
                removed.len(),
                &mut out,
            )
        } as u32;
        drop(guard);
        check(code)?;
        let handle = NonNull::new(out).ok_or_else(|| refuse(1, "update returned NULL"))?;
        Ok(NativeRegistry {
            slot: Some(new_slot(Some(Handle(handle)))),
            owner: true,
        })
    }

    /// Whether this view can no longer reach a registry (closed here, or by its owner).
    #[napi(catch_unwind)]
    pub fn is_closed(&self) -> bool {
        self.slot.as_ref().is_none_or(|s| s.read().is_none())
    }

    /// Closes this view. The owner's close frees the registry for every thread, once the
    /// calls in flight have returned; another view's only lets go of it. Idempotent.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        if let Some(slot) = self.slot.take() {
            if self.owner {
                drop(slot.replace(None));
            }
        }
    }

    /// An id another thread passes to `registryAdopt` to use this registry (the same
    /// memory). Sharing a closed registry is refused.
    #[napi(catch_unwind)]
    pub fn share(&self) -> Result<f64, PicketError> {
        let slot = self.slot()?;
        if slot.read().is_none() {
            return Err(closed());
        }
        let mut table = shares();
        let id = match slot.id.load(Ordering::Acquire) {
            0 => {
                let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
                slot.id.store(id, Ordering::Release);
                table.insert(id, Arc::downgrade(slot));
                id
            }
            id => id,
        };
        // Ids count up from 1; 2^53 shares would take centuries.
        Ok(id as f64)
    }

    /// Moves the registry of `from` (an owner) into this view's slot, which every view of
    /// it then sees; the registry this slot held is freed once the calls in flight on it
    /// have returned. `from` is closed afterwards. Only an owner may swap.
    #[napi(catch_unwind)]
    pub fn swap_from(&mut self, from: &mut NativeRegistry) -> Result<(), PicketError> {
        if !self.owner || !from.owner {
            return Err(refuse(
                INVALID_PARAMETER,
                "only the owner of a registry may swap it",
            ));
        }
        let slot = self.slot()?.clone();
        let from_slot = from.slot()?.clone();
        if Arc::ptr_eq(&slot, &from_slot) {
            return Err(refuse(
                INVALID_PARAMETER,
                "a registry cannot be swapped with itself",
            ));
        }
        let Some(handle) = from_slot.replace(None) else {
            return Err(closed());
        };
        from.slot = None;
        drop(slot.replace(Some(handle)));
        Ok(())
    }
}

/// A new owner view of the registry of `from` (an owner), which is closed afterwards: the
/// slot a `RegistryHolder` swaps registries into.
#[napi(catch_unwind)]
pub fn registry_move(from: &mut NativeRegistry) -> Result<NativeRegistry, PicketError> {
    if !from.owner {
        return Err(refuse(
            INVALID_PARAMETER,
            "only the owner of a registry may move it",
        ));
    }
    let from_slot = from.slot()?.clone();
    let Some(handle) = from_slot.replace(None) else {
        return Err(closed());
    };
    from.slot = None;
    Ok(NativeRegistry {
        slot: Some(new_slot(Some(handle))),
        owner: true,
    })
}

fn new_slot(handle: Option<Handle>) -> Arc<Slot> {
    Arc::new(Slot {
        registry: RwLock::new(handle),
        id: AtomicU64::new(0),
    })
}

/// A view (not the owner) of the registry shared as `id`, on this thread.
#[napi(catch_unwind)]
pub fn registry_adopt(id: f64) -> Result<NativeRegistry, PicketError> {
    let slot = if id >= 1.0 && id.fract() == 0.0 && id < 9_007_199_254_740_992.0 {
        shares().get(&(id as u64)).and_then(Weak::upgrade)
    } else {
        None
    };
    match slot {
        Some(slot) if slot.read().is_some() => Ok(NativeRegistry {
            slot: Some(slot),
            owner: false,
        }),
        _ => Err(closed_error("no open registry is shared under this id")),
    }
}

/// A `picket_registry_builder`, consumed by `build`.
#[napi]
pub struct NativeBuilder {
    handle: Option<NonNull<picket::picket_registry_builder>>,
}

impl Drop for NativeBuilder {
    fn drop(&mut self) {
        self.free();
    }
}

fn built() -> PicketError {
    closed_error("the builder is closed or already built")
}

#[napi]
impl NativeBuilder {
    /// `picket_registry_builder_new`.
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Result<NativeBuilder, PicketError> {
        let handle = NonNull::new(picket::picket_registry_builder_new())
            .ok_or_else(|| refuse(1, "picket_registry_builder_new returned NULL"))?;
        Ok(NativeBuilder {
            handle: Some(handle),
        })
    }

    fn live(&self) -> Result<*mut picket::picket_registry_builder, PicketError> {
        self.handle.map(NonNull::as_ptr).ok_or_else(built)
    }

    /// `picket_registry_builder_set_options`.
    #[napi(catch_unwind)]
    pub fn set_options(&mut self, options: u32) -> Result<(), PicketError> {
        let b = self.live()?;
        // SAFETY: `b` is live and used by this thread only (a JS object has one thread).
        check(unsafe { picket::picket_registry_builder_set_options(b, options) } as u32)
    }

    /// `picket_registry_builder_add_project` (the project as low and high 32 bits).
    #[napi(catch_unwind)]
    pub fn add_project(
        &mut self,
        lo: u32,
        hi: u32,
        mode: u32,
        options: u32,
    ) -> Result<(), PicketError> {
        let b = self.live()?;
        // SAFETY: as in `set_options`.
        check(
            unsafe { picket::picket_registry_builder_add_project(b, join(lo, hi), mode, options) }
                as u32,
        )
    }

    /// `picket_registry_builder_add_redirect_uri`.
    #[napi(catch_unwind)]
    pub fn add_redirect_uri(
        &mut self,
        env: &Env,
        lo: u32,
        hi: u32,
        uri: Unknown<'_>,
    ) -> Result<(), PicketError> {
        let mut input = Input::new();
        let uri = input
            .read(env, &uri, "uri")
            .map_err(crate::calls::napi_error)?;
        let b = self.live()?;
        // SAFETY: as in `set_options`; `uri` is valid for its length.
        check(unsafe {
            picket::picket_registry_builder_add_redirect_uri(
                b,
                join(lo, hi),
                uri.as_ptr(),
                uri.len(),
            )
        } as u32)
    }

    /// `picket_registry_builder_add_key` (project and expiry as low and high 32 bits).
    // The arguments of the JavaScript call, each a plain number: no object to convert.
    #[allow(clippy::too_many_arguments)]
    #[napi(catch_unwind)]
    pub fn add_key(
        &mut self,
        env: &Env,
        digest: Unknown<'_>,
        lo: u32,
        hi: u32,
        kind: u32,
        expires_lo: u32,
        expires_hi: u32,
    ) -> Result<(), PicketError> {
        let mut input = Input::new();
        let digest = input
            .read(env, &digest, "digest")
            .map_err(crate::calls::napi_error)?;
        if digest.len() != picket::PICKET_DIGEST_LEN {
            return Err(refuse(
                4,
                format!("`digest` must be 32 bytes, not {}", digest.len()),
            ));
        }
        let b = self.live()?;
        // SAFETY: as in `set_options`; `digest` holds 32 bytes (checked).
        check(unsafe {
            picket::picket_registry_builder_add_key(
                b,
                digest.as_ptr(),
                join(lo, hi),
                kind,
                join(expires_lo, expires_hi),
            )
        } as u32)
    }

    /// `picket_registry_builder_build`: consumes the builder, on failure too.
    #[napi(catch_unwind)]
    pub fn build(&mut self) -> Result<NativeRegistry, PicketError> {
        let b = self.live()?;
        self.handle = None;
        let mut out: *mut picket::picket_registry = std::ptr::null_mut();
        // SAFETY: `b` is live and forgotten above, so that it is consumed exactly once;
        // `out` is a valid output.
        check(unsafe { picket::picket_registry_builder_build(b, &mut out) } as u32)?;
        let handle = NonNull::new(out).ok_or_else(|| refuse(1, "build returned NULL"))?;
        Ok(NativeRegistry {
            slot: Some(new_slot(Some(Handle(handle)))),
            owner: true,
        })
    }

    /// Frees an unbuilt builder. Idempotent.
    #[napi(catch_unwind)]
    pub fn free(&mut self) {
        if let Some(b) = self.handle.take() {
            // SAFETY: `b` came from picket_registry_builder_new and was neither built nor
            // freed (it is taken out of `handle` exactly once).
            let freed = unsafe { picket::picket_registry_builder_free(b.as_ptr()) };
            debug_assert_eq!(freed, picket::picket_result::Ok);
        }
    }

    /// Whether the builder was built or freed.
    #[napi(catch_unwind)]
    pub fn is_closed(&self) -> bool {
        self.handle.is_none()
    }
}

fn join(lo: u32, hi: u32) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}
