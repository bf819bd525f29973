//! The allocator of libpicket: memory returned to the system as soon as a registry is
//! freed.
//!
//! A registry's memory is a few large blocks (the key index, ~71 bytes a key; the
//! builder's key list and placement table while it builds; the projects' map) and many
//! small ones (the whitelists' URIs). A server rebuilds its registry after every change, so
//! each rebuild frees and allocates again tens of megabytes. Under glibc's `malloc` those
//! large blocks stay in the process after `free`: once one mapped block is freed glibc
//! raises its mmap threshold to that size, so the next blocks of that size come from a
//! heap, and builds on several OS threads (every Go program, any threaded server) spread
//! them over several arenas that fragment and are seldom trimmed. Measured: a 100,000-key
//! registry rebuilt 200 times from 8 threads took a C program from 13 MB to 1.3 GB.
//!
//! So this crate chooses the allocator of its own allocations (a `#[global_allocator]`
//! covers exactly the Rust code linked into `libpicket.so`, `libpicket.a` or a Rust
//! program using this crate; the host program's `malloc` is untouched): a block of
//! [`THRESHOLD`] bytes or more is an anonymous private mapping of its own, unmapped on
//! free, so its pages go back to the system at once, whatever thread frees it; anything
//! smaller is the system allocator's, where its free lists reuse it for the next build.
//! Growing a mapped block remaps it (`mremap` on Linux, no copy).
//!
//! Why not the alternatives: `malloc_trim` after a free would walk and trim every arena of
//! the host program (its memory, not ours) on each free, and exists only in glibc;
//! `mallopt(M_MMAP_THRESHOLD)` changes the host's allocator for all of its allocations; an
//! allocator library (jemalloc, mimalloc) returns memory after a decay delay, on its own
//! schedule, and builds a C library into every consumer. A mapping per large block is a
//! page-table entry and a system call per block: a build makes a handful of them.
//!
//! Off by default only where it cannot work: targets that are not Unix, and Miri (which
//! does not model these calls), use the system allocator for everything. A Rust program
//! that has its own `#[global_allocator]` turns this one off with `default-features =
//! false` (feature `mapped-alloc`).

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of this size or more are mapped on their own: glibc's initial mmap threshold
/// (128 KiB), held fixed. Smaller blocks are the system allocator's.
pub(crate) const THRESHOLD: usize = 128 * 1024;

/// The largest alignment a mapping satisfies on every Unix target (pages are at least
/// 4 KiB); a larger alignment goes to the system allocator.
const MAP_ALIGN: usize = 4096;

/// The allocator: large blocks mapped and unmapped directly, the rest the system's.
pub(crate) struct Allocator;

/// Whether a block of `layout` is mapped on its own.
#[inline]
fn mapped(layout: Layout) -> bool {
    cfg!(all(unix, not(miri))) && layout.size() >= THRESHOLD && layout.align() <= MAP_ALIGN
}

// SAFETY: every block is either mapped (size ≥ THRESHOLD, align ≤ 4096: `mapped`) or the
// system allocator's, decided by its layout alone; `dealloc` and `realloc` receive the
// layout the block was allocated with (the `GlobalAlloc` contract), so each block is
// returned to where it came from. Mappings are page-aligned, hence aligned for `layout`,
// and zero-filled (what `alloc_zeroed` promises).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if mapped(layout) {
            return map::map(layout.size());
        }
        // SAFETY: the caller's contract (a non-zero size) is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if mapped(layout) {
            return map::map(layout.size()); // anonymous mappings are zero-filled
        }
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if mapped(layout) {
            // SAFETY: a block of this layout was mapped by `map` with this size.
            unsafe { map::unmap(ptr, layout.size()) };
            return;
        }
        // SAFETY: a block of this layout came from the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees that `new_size`, rounded up to `layout.align()`,
        // does not overflow isize (the `GlobalAlloc::realloc` contract).
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (mapped(layout), mapped(new)) {
            // SAFETY: both blocks are the system allocator's; the contract is passed on.
            (false, false) => unsafe { System.realloc(ptr, layout, new_size) },
            // SAFETY: `ptr` is a mapping of `layout.size()` bytes made by `map`.
            (true, true) => unsafe { map::remap(ptr, layout.size(), new_size) },
            _ => {
                // Across the threshold: a new block, the bytes both hold, the old block
                // freed.
                // SAFETY: `new` has a non-zero size (realloc's contract).
                let out = unsafe { self.alloc(new) };
                if !out.is_null() {
                    // SAFETY: both blocks are live, distinct, and hold at least the
                    // smaller of the two sizes; the old one is freed with its own layout.
                    unsafe {
                        std::ptr::copy_nonoverlapping(ptr, out, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                out
            }
        }
    }
}

/// The mappings themselves: `mmap`, `munmap`, `mremap`.
#[cfg(all(unix, not(miri)))]
mod map {
    use std::ptr;

    /// A new anonymous private read-write mapping of `size` bytes, or NULL.
    pub(super) fn map(size: usize) -> *mut u8 {
        // SAFETY: an anonymous mapping at an address the kernel chooses touches no
        // existing memory; the result is checked for MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return ptr::null_mut();
        }
        p.cast()
    }

    /// Unmaps a mapping made by [`map`] (or [`remap`]) of `size` bytes.
    ///
    /// # Safety
    /// `ptr` must be such a mapping, of that size, not used afterwards.
    pub(super) unsafe fn unmap(ptr: *mut u8, size: usize) {
        // SAFETY: the caller's contract. munmap fails only for arguments that contract
        // rules out, and a dealloc cannot report an error.
        unsafe { libc::munmap(ptr.cast(), size) };
    }

    /// Resizes a mapping, moving it if it must: the bytes both sizes hold are kept. NULL
    /// when no memory is left (the old mapping then stays as it was).
    ///
    /// # Safety
    /// `ptr` must be a mapping made by [`map`] (or [`remap`]) of `old` bytes.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(super) unsafe fn remap(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
        // SAFETY: the caller's contract; MREMAP_MAYMOVE lets the kernel move the pages
        // without copying them, and the result is checked for MAP_FAILED.
        let p = unsafe { libc::mremap(ptr.cast(), old, new, libc::MREMAP_MAYMOVE) };
        if p == libc::MAP_FAILED {
            return ptr::null_mut();
        }
        p.cast()
    }

    /// Resizes a mapping (no `mremap` here: a new mapping and a copy).
    ///
    /// # Safety
    /// `ptr` must be a mapping made by [`map`] (or [`remap`]) of `old` bytes.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(super) unsafe fn remap(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
        let out = map(new);
        if !out.is_null() {
            // SAFETY: two live, distinct mappings of at least `min(old, new)` bytes; the
            // old one is unmapped once copied.
            unsafe {
                ptr::copy_nonoverlapping(ptr, out, old.min(new));
                unmap(ptr, old);
            }
        }
        out
    }
}

/// Never reached: `mapped` is false for every block on these targets.
#[cfg(not(all(unix, not(miri))))]
mod map {
    pub(super) fn map(_size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub(super) unsafe fn unmap(_ptr: *mut u8, _size: usize) {}
    pub(super) unsafe fn remap(_ptr: *mut u8, _old: usize, _new: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages of the calling process that are resident (Linux: /proc/self/statm).
    #[cfg(target_os = "linux")]
    fn resident_bytes() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }

    #[test]
    #[cfg_attr(miri, ignore = "byte loops over 400 KB blocks: minutes under Miri")]
    fn blocks_on_both_sides_of_the_threshold_keep_their_bytes_through_realloc() {
        let a = Allocator;
        let sizes = [
            1,
            100,
            THRESHOLD - 1,
            THRESHOLD,
            THRESHOLD + 1,
            3 * THRESHOLD + 5,
        ];
        for &from in &sizes {
            for &to in &sizes {
                let layout = Layout::from_size_align(from, 16).unwrap();
                // SAFETY: non-zero sizes; every block is freed with the layout it has.
                unsafe {
                    let p = a.alloc_zeroed(layout);
                    assert!(!p.is_null());
                    assert!(std::slice::from_raw_parts(p, from).iter().all(|&b| b == 0));
                    for i in 0..from {
                        *p.add(i) = i as u8;
                    }
                    let q = a.realloc(p, layout, to);
                    assert!(!q.is_null() && q as usize % 16 == 0);
                    for i in 0..from.min(to) {
                        assert_eq!(*q.add(i), i as u8, "{from} -> {to}, byte {i}");
                    }
                    a.dealloc(q, Layout::from_size_align(to, 16).unwrap());
                }
            }
        }
    }

    #[test]
    fn alignments_above_a_page_go_to_the_system_allocator() {
        let layout = Layout::from_size_align(THRESHOLD * 2, 8192).unwrap();
        assert!(!mapped(layout));
        // SAFETY: a non-zero size, freed with its layout.
        unsafe {
            let p = Allocator.alloc(layout);
            assert!(!p.is_null() && p as usize % 8192 == 0);
            Allocator.dealloc(p, layout);
        }
    }

    /// The point of this allocator: a large block's pages leave the process when it is
    /// freed, on any thread, even after glibc has raised its mmap threshold (which the
    /// system allocator's block of the same size, freed first, does; the same block from
    /// the system allocator would then stay resident).
    #[cfg(all(target_os = "linux", not(miri)))]
    #[test]
    fn a_freed_large_block_leaves_the_process() {
        const SIZE: usize = 16 << 20;
        let layout = Layout::from_size_align(SIZE, 64).unwrap();
        // SAFETY: a non-zero size, freed with its layout.
        unsafe { System.dealloc(System.alloc(layout), layout) };
        let before = resident_bytes();
        // SAFETY: as above; the block crosses threads as an address.
        let block = std::thread::spawn(move || unsafe {
            let p = Allocator.alloc(layout);
            assert!(!p.is_null());
            (0..SIZE).step_by(4096).for_each(|i| *p.add(i) = 1); // touch every page
            p as usize
        })
        .join()
        .unwrap();
        assert!(resident_bytes() >= before + SIZE * 9 / 10);
        // SAFETY: the block above, freed once with its layout.
        std::thread::spawn(move || unsafe { Allocator.dealloc(block as *mut u8, layout) })
            .join()
            .unwrap();
        // Other tests run in parallel threads: allow them a few MB.
        let after = resident_bytes();
        assert!(
            after < before + (4 << 20),
            "{before} -> {after} bytes resident after the free"
        );
    }
}
