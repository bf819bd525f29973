//! Deterministic fixtures shared by the benchmark binaries: keys, digests, `Authorization`
//! headers and registries of any size, the same on every run.
// Each benchmark binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use picket_core::{ApiKey, KeyDigest, KeyKind, Mode, RedirectOptions, Registry, RegistryBuilder};

/// Length of a `Basic ` header carrying `KEY:`: 6 + base64 of 36 bytes (48).
pub const HEADER_LEN: usize = 54;

/// How many different keys per-request benchmarks cycle through.
pub const CYCLE: usize = 4096;

/// Number of projects the keys are spread over.
pub const PROJECTS: u64 = 1000;

/// The most keys any benchmark asks for.
pub const MAX_KEYS: usize = 1_000_000;

static FULL_SIZE: OnceLock<bool> = OnceLock::new();

/// Whether the binary runs as a benchmark (`cargo bench`, which passes `--bench`) rather
/// than as a smoke test (`cargo test --all-targets`, no `--bench`). Smoke tests cap the
/// registry sizes so that an unoptimised build stays quick.
pub fn full_size() -> bool {
    *FULL_SIZE.get_or_init(|| std::env::args().any(|a| a == "--bench"))
}

/// `n` when benchmarking, at most 2,000 in a smoke test.
pub fn effective(n: usize) -> usize {
    if full_size() {
        n
    } else {
        n.min(2_000)
    }
}

/// SplitMix64: a fixed, well-mixed sequence so key `i` is the same on every run.
pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The kind of key `i`: alternately secret and publishable.
pub fn kind_of(i: u64) -> KeyKind {
    if i % 2 == 0 {
        KeyKind::Secret
    } else {
        KeyKind::Publishable
    }
}

/// Key number `i` (random-looking, deterministic). `salt` gives a disjoint family, used
/// for keys that are never added to a registry.
pub fn key(i: u64, salt: u64) -> ApiKey {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&splitmix(i ^ salt.rotate_left(32)).to_le_bytes());
    bytes[8..].copy_from_slice(&splitmix(!i ^ salt).to_le_bytes());
    ApiKey::from_random_bytes(kind_of(i), bytes)
}

/// `Basic ` + base64(`KEY:`), as `curl -u KEY:` sends it.
pub fn basic_header(key: &ApiKey) -> [u8; HEADER_LEN] {
    let mut out = [0u8; HEADER_LEN];
    out[..6].copy_from_slice(b"Basic ");
    let mut creds = [0u8; 36];
    creds[..35].copy_from_slice(key.as_bytes());
    creds[35] = b':';
    let written = STANDARD.encode_slice(creds, &mut out[6..]);
    assert_eq!(written, Ok(48));
    out
}

/// Digests of keys `0..MAX_KEYS` (computed once; a prefix serves smaller registries).
pub fn digests() -> &'static [KeyDigest] {
    static DIGESTS: OnceLock<Vec<KeyDigest>> = OnceLock::new();
    DIGESTS.get_or_init(|| {
        (0..effective(MAX_KEYS) as u64)
            .map(|i| key(i, 0).digest())
            .collect()
    })
}

/// Project of key `i`.
pub fn project_of(i: usize) -> u64 {
    i as u64 % PROJECTS + 1
}

/// Builds a registry of the first `n` keys of [`digests`], spread over [`PROJECTS`]
/// projects; with `reserve`, the builder reserves room for all keys first.
pub fn build_registry(digests: &[KeyDigest], reserve: bool) -> Registry {
    let mut b = RegistryBuilder::new();
    for p in 1..=PROJECTS {
        b.add_project(p, Mode::Production, RedirectOptions::default())
            .expect("distinct projects");
    }
    if reserve {
        b.reserve_keys(digests.len());
    }
    for (i, d) in digests.iter().enumerate() {
        b.add_key(*d, project_of(i), kind_of(i as u64), None)
            .expect("known project");
    }
    b.build().expect("distinct digests")
}
