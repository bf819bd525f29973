//! Handles: every object C holds a pointer to lives in a small shell that carries its type
//! and its state, checked on entry by every function that takes it.
//!
//! A shell is `{ tag, object }` (`#[repr(C)]`, the tag first, for every type): the tag is
//! one 64-bit value naming the type and whether the object is live or freed. A function
//! that takes a handle loads the tag and compares it with its type's live value: one load
//! and one compare on the hot path (`picket_registry_authenticate`). Any other value is
//! answered, on a cold path, with `PICKET_RESULT_WRONG_HANDLE` (a handle of another type,
//! or a value no handle has) or `PICKET_RESULT_HANDLE_FREED` (freed, or a builder already
//! built), instead of reading the object.
//!
//! Freeing drops the object (a registry's tables, its whitelists: all of its real memory)
//! and keeps the shell, tagged freed, in its type's quarantine: it stays allocated and
//! readable, so a use after free or a second free reads a freed tag. Shells are never
//! given back to the allocator; once more than [`QUARANTINE`] freed shells of a type wait,
//! the oldest is reused for the next object of the same type (never another), which bounds
//! what they hold: a shell is a few dozen bytes.
//!
//! **What cannot be caught** (the C contract still calls these undefined): a pointer picket
//! never returned (reading its tag may itself fault, or find any value); a handle used
//! after [`QUARANTINE`] more handles of its type were freed, when its shell may hold a new
//! live object of the same type (the call then acts on that object); a handle freed by one
//! thread while another still uses it (a race, not a sequence); and memory corrupted by the
//! program itself.

use std::collections::VecDeque;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::boundary::Failure;
use crate::result::picket_result;

/// Freed shells of a type kept before the oldest is reused: a use after free is caught
/// until this many more handles of its type have been freed.
pub(crate) const QUARANTINE: usize = 1024;

/// A type of handle: its C name, its tags and its quarantine.
pub(crate) trait Kind: 'static {
    /// The object the handle holds.
    type Object;
    /// The C type's name, for messages (`picket_registry`).
    const NAME: &'static str;
    /// The tag of a live handle.
    const LIVE: u64;
    /// The tag of a freed handle.
    const FREED: u64;
    /// The freed shells of this type, oldest first.
    fn quarantine() -> &'static Mutex<VecDeque<Parked>>;
}

/// The tags of every handle type, with its C name: live, freed, name.
const ALL_TAGS: [(u64, u64, &str); 2] = [
    (
        crate::registry::RegistryKind::LIVE,
        crate::registry::RegistryKind::FREED,
        crate::registry::RegistryKind::NAME,
    ),
    (
        crate::registry::BuilderKind::LIVE,
        crate::registry::BuilderKind::FREED,
        crate::registry::BuilderKind::NAME,
    ),
];

/// The shell of a handle of kind `K`. The object is initialised exactly while the tag is
/// `K::LIVE`.
#[repr(C)]
pub(crate) struct Shell<K: Kind> {
    tag: AtomicU64,
    object: ManuallyDrop<K::Object>,
}

/// A freed shell's address, in a quarantine.
pub(crate) struct Parked(usize);

/// A new handle holding `object`: a reused shell of the same type when the quarantine is
/// over [`QUARANTINE`], else a new one.
pub(crate) fn new<K: Kind>(object: K::Object) -> *mut Shell<K> {
    let reused = {
        let mut q = lock::<K>();
        if q.len() > QUARANTINE {
            q.pop_front()
        } else {
            None
        }
    };
    match reused {
        Some(Parked(address)) => {
            let shell = address as *mut Shell<K>;
            // SAFETY: the address came from `Box::into_raw` of a `Shell<K>` (the quarantine
            // of `K` holds only those) that was never deallocated; its object was moved
            // out when it was freed, so writing a new one drops nothing. No other pointer
            // to it is used by picket while it is out of the quarantine.
            unsafe {
                ptr::addr_of_mut!((*shell).object).write(ManuallyDrop::new(object));
                (*shell).tag.store(K::LIVE, Ordering::Release);
            }
            shell
        }
        None => Box::into_raw(Box::new(Shell::<K> {
            tag: AtomicU64::new(K::LIVE),
            object: ManuallyDrop::new(object),
        })),
    }
}

/// The live object behind a handle, for reading.
///
/// # Safety
/// `handle` must be NULL or a pointer picket returned as a handle (of any type), whose
/// shell therefore stays allocated; while the reference lives, no other thread may free
/// the handle.
#[inline(always)]
pub(crate) unsafe fn get<'a, K: Kind>(
    handle: *const Shell<K>,
    param: &'static str,
) -> Result<&'a K::Object, Failure> {
    if handle.is_null() {
        return Err(Failure::null(param));
    }
    // SAFETY: passed on from this function's caller. Relaxed: a plain load on every
    // target. The object's contents reach this thread through the caller's own hand-over
    // of the pointer (the contract), which orders them; the tag only tells states apart in
    // a sequence of calls.
    let tag = unsafe { tag_of(handle) }.load(Ordering::Relaxed);
    if tag != K::LIVE {
        return Err(not_live::<K>(tag, param));
    }
    // SAFETY: the tag says the shell is `K`'s and its object initialised.
    Ok(unsafe { &(*handle).object })
}

/// The live object behind a handle, for a change.
///
/// # Safety
/// As [`get`], and no other thread may use the handle while the reference lives.
#[inline(always)]
pub(crate) unsafe fn get_mut<'a, K: Kind>(
    handle: *mut Shell<K>,
    param: &'static str,
) -> Result<&'a mut K::Object, Failure> {
    // SAFETY: passed on from this function's caller.
    unsafe { get::<K>(handle, param) }?;
    // SAFETY: `get` found the object live; the caller guarantees exclusive use.
    Ok(unsafe { &mut (*handle).object })
}

/// Frees a handle: takes its object out (the caller drops or consumes it), tags the shell
/// freed and puts it in its quarantine. NULL gives `Ok(None)`.
///
/// # Safety
/// As [`get_mut`].
pub(crate) unsafe fn free<K: Kind>(
    handle: *mut Shell<K>,
    param: &'static str,
) -> Result<Option<K::Object>, Failure> {
    if handle.is_null() {
        return Ok(None);
    }
    // SAFETY: passed on from this function's caller.
    let tag = unsafe { tag_of(handle) };
    if let Err(found) = tag.compare_exchange(K::LIVE, K::FREED, Ordering::AcqRel, Ordering::Acquire)
    {
        return Err(not_live::<K>(found, param));
    }
    // SAFETY: this call moved the tag from live to freed, so the object is initialised and
    // no later call reads it; it is moved out exactly once.
    let object = unsafe { ManuallyDrop::take(&mut (*handle).object) };
    lock::<K>().push_back(Parked(handle as usize));
    Ok(Some(object))
}

/// The tag of the shell `handle` points to, whatever its type: every shell starts with its
/// tag (`#[repr(C)]`), an `AtomicU64`, so only those 8 bytes are read.
///
/// # Safety
/// `handle` must point to a shell picket made (of any type: it stays allocated once made).
unsafe fn tag_of<'a, K: Kind>(handle: *const Shell<K>) -> &'a AtomicU64 {
    // SAFETY: by the contract, 8 readable, 8-aligned bytes that hold an `AtomicU64`.
    unsafe { &*handle.cast::<AtomicU64>() }
}

/// Why a tag that is not `K::LIVE` is refused.
#[cold]
#[inline(never)]
fn not_live<K: Kind>(tag: u64, param: &str) -> Failure {
    if tag == K::FREED {
        return Failure::new(
            picket_result::HandleFreed,
            format!(
                "`{param}` was freed (or, for a builder, consumed by picket_registry_builder_build): a {} must not be used or freed after that",
                K::NAME
            ),
        );
    }
    let message = match ALL_TAGS
        .iter()
        .find(|(live, freed, _)| tag == *live || tag == *freed)
    {
        Some((live, _, name)) => format!(
            "`{param}` is a {}{name}, not a {}",
            if tag == *live { "" } else { "freed " },
            K::NAME
        ),
        None => format!(
            "`{param}` is not a {} picket made (its tag is no handle's: a pointer picket did not return, or one used long after it was freed)",
            K::NAME
        ),
    };
    Failure::new(picket_result::WrongHandle, message)
}

fn lock<K: Kind>() -> std::sync::MutexGuard<'static, VecDeque<Parked>> {
    // A poisoned quarantine is still a valid list of addresses.
    K::quarantine()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::BuilderKind;
    use picket_core::RegistryBuilder;

    #[test]
    fn tags_are_distinct() {
        let mut all: Vec<u64> = ALL_TAGS.iter().flat_map(|(l, f, _)| [*l, *f]).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 2 * ALL_TAGS.len());
        assert!(!all.contains(&0));
    }

    #[test]
    fn a_freed_shell_is_caught_and_not_reused_inside_its_quarantine() {
        let first = new::<BuilderKind>(RegistryBuilder::new());
        // SAFETY: `first` is live and used by this thread only.
        drop(unsafe { free(first, "builder") }.unwrap());
        // SAFETY: freed shells stay allocated: a second free reads a freed tag.
        let again = unsafe { free(first, "builder") }.unwrap_err();
        assert_eq!(again.code(), picket_result::HandleFreed);
        // FIFO: the shell comes back only once QUARANTINE more were freed after it.
        for _ in 0..QUARANTINE - 1 {
            let h = new::<BuilderKind>(RegistryBuilder::new());
            assert_ne!(h, first, "a freed shell reused inside its quarantine");
            // SAFETY: `h` is live.
            drop(unsafe { free(h, "builder") }.unwrap());
        }
    }
}
