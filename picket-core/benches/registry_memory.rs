//! Memory of a 1,000,000-key registry: the key index's size, and the peak heap while
//! building it, measured with a counting global allocator.
//!
//! ```text
//! cargo bench -p picket-core --bench registry_memory
//! ```
//!
//! Prints one JSON object per figure, which `bench/report.py` reads. The digests are computed before measuring (a server loads
//! them from its database), so only the builder and the registry count. Run as a test
//! (`cargo test --all-targets`, no `--bench` argument) it uses 2,000 keys.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

mod common;

/// Wraps the system allocator and keeps the live heap size and its high-water mark.
struct PeakAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counters are only updated beside it.
unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's `layout` obligations are passed on as they are.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from a matching allocation, as the caller promises.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promises for `GlobalAlloc::realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the new block arriving before the old one leaves: what a
            // non-in-place realloc needs at its peak.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// One build's figures.
struct Measured {
    seconds: f64,
    index_bytes: usize,
    peak_bytes: usize,
    retained_bytes: usize,
}

fn measure(digests: &[picket_core::KeyDigest], reserve: bool) -> Measured {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let registry = common::build_registry(digests, reserve);
    let seconds = start.elapsed().as_secs_f64();
    let m = Measured {
        seconds,
        index_bytes: registry.key_index_bytes(),
        peak_bytes: PEAK.load(Ordering::Relaxed) - base,
        retained_bytes: LIVE.load(Ordering::Relaxed) - base,
    };
    assert_eq!(registry.key_count(), digests.len());
    drop(registry);
    m
}

fn main() {
    let digests = common::digests();
    let n = digests.len();
    // Warm up (page faults of a first build), then keep the fastest of three builds.
    let _ = measure(digests, true);
    let runs: Vec<Measured> = (0..3).map(|_| measure(digests, true)).collect();
    let best = runs
        .iter()
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .expect("three runs");
    let no_reserve = measure(digests, false);
    let per_key = |bytes: usize| bytes as f64 / n as f64;
    // One JSON object per figure (bench/report.py): figure, value, unit, reference,
    // target_ratio, note.
    let figure = |name: &str, value: f64, unit: &str, note: &str| {
        println!(
            "{{\"figure\": \"{name}\", \"value\": {value:.2}, \"unit\": \"{unit}\", \"reference\": null, \"target_ratio\": null, \"note\": \"{note}\"}}"
        );
    };
    let keys = format!("{n} keys");
    figure(
        "rust key index bytes per key",
        per_key(best.index_bytes),
        "B/key",
        &format!("Registry::key_index_bytes / n, {keys}"),
    );
    figure(
        "rust heap retained by the registry per key",
        per_key(best.retained_bytes),
        "B/key",
        &keys,
    );
    figure(
        "rust peak heap during build per key",
        per_key(best.peak_bytes),
        "B/key",
        &format!("builder and registry, with reserve_keys, {keys}"),
    );
    figure(
        "rust peak heap during build per key, without reserve_keys",
        per_key(no_reserve.peak_bytes),
        "B/key",
        &keys,
    );
    figure(
        "rust build time",
        best.seconds * 1000.0,
        "ms",
        &format!("fastest of 3 builds, {keys}"),
    );
    // The index is part of what is retained, and the peak includes what is retained.
    assert!(best.index_bytes <= best.retained_bytes);
    assert!(best.retained_bytes <= best.peak_bytes);
}
