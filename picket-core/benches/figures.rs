//! The figures `bench/run.sh` reports for picket-core, as JSON lines: one per figure,
//! `{"figure", "value", "unit", "reference", "target_ratio", "note"}` (see
//! `bench/report.py`).
//!
//! ```text
//! cargo bench -p picket-core --bench figures              # every figure
//! cargo bench -p picket-core --bench figures -- --quick   # fewer samples
//! ```
//!
//! `Registry::authenticate` is measured side by side with the plain Rust idiom (base64
//! decode, split at `:`, SHA-256, a std `HashMap<[u8; 32], _>` by digest, `subtle`
//! compare; the same `base64` and `sha2` crates) at 1,000, 100,000 and 1,000,000 keys, with
//! headers of as many distinct keys as the registry holds, in a shuffled order: a large
//! registry is met out of cache, as a busy server meets it. Samples of the two alternate,
//! so that both see the same machine load; the figure is the median sample.
//!
//! (`benches/core.rs`, with divan, stays for interactive work on single operations.) Run
//! as a test (`cargo test --all-targets`, no `--bench`), registries are capped at 2,000
//! keys and few samples are taken: the fixtures and the JSON are checked, not the timing.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use picket_core::{AuthError, KeyKind, Registry, Requirement};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

mod common;

use common::{basic_header, key, HEADER_LEN};

/// The `now` every request is authenticated at (unix seconds).
const NOW: u64 = 1_700_000_000;

/// What the idiom stores per key: project, expiry, kind.
type Row = (u64, u64, KeyKind);

/// The plain Rust idiom: what a user who does not use picket writes.
fn idiom(map: &HashMap<[u8; 32], Row>, header: &[u8], now: u64) -> Option<(u64, KeyKind)> {
    let token = header.strip_prefix(b"Basic ")?;
    let mut buf = [0u8; 64];
    let n = STANDARD.decode_slice(token, &mut buf).ok()?;
    let creds = &buf[..n];
    let colon = creds.iter().position(|&b| b == b':')?;
    let digest: [u8; 32] = Sha256::digest(&creds[..colon]).into();
    let (stored, &(project, expires_at, kind)) = map.get_key_value(&digest)?;
    if bool::from(stored.ct_eq(&digest)) && now < expires_at {
        Some((project, kind))
    } else {
        None
    }
}

struct Sizes {
    samples: usize,
    per_sample: usize,
}

/// Times `samples` samples of `per_sample` calls of each function, alternating between
/// them sample by sample; returns each one's median ns per call.
fn alternate<const N: usize>(sizes: &Sizes, fs: &mut [&mut dyn FnMut(); N]) -> [f64; N] {
    let mut times = vec![Vec::with_capacity(sizes.samples); N];
    for _ in 0..sizes.samples {
        for (f, t) in fs.iter_mut().zip(times.iter_mut()) {
            let start = Instant::now();
            for _ in 0..sizes.per_sample {
                f();
            }
            t.push(start.elapsed().as_nanos() as f64 / sizes.per_sample as f64);
        }
    }
    times.map_or_median()
}

trait Median<const N: usize> {
    fn map_or_median(self) -> [f64; N];
}

impl<const N: usize> Median<N> for Vec<Vec<f64>> {
    fn map_or_median(mut self) -> [f64; N] {
        core::array::from_fn(|i| {
            let t = &mut self[i];
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
    }
}

fn emit(
    figure: &str,
    value: f64,
    unit: &str,
    reference: Option<&str>,
    target: Option<f64>,
    note: &str,
) {
    let json = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    println!(
        "{{\"figure\": {}, \"value\": {value:.2}, \"unit\": {}, \"reference\": {}, \"target_ratio\": {}, \"note\": {}}}",
        json(figure),
        json(unit),
        reference.map_or("null".into(), json),
        target.map_or("null".into(), |t| format!("{t}")),
        json(note),
    );
}

/// A registry of `n` keys, the same rows in the idiom's map, and a header of each key in
/// a shuffled order.
fn fixture(n: usize) -> (Registry, HashMap<[u8; 32], Row>, Vec<[u8; HEADER_LEN]>) {
    let digests = &common::digests()[..n];
    let registry = common::build_registry(digests, true);
    let map: HashMap<[u8; 32], Row> = digests
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let row = (common::project_of(i), u64::MAX, common::kind_of(i as u64));
            (*d.as_bytes(), row)
        })
        .collect();
    let mut order: Vec<u64> = (0..n as u64).collect();
    for i in (1..order.len()).rev() {
        order.swap(
            i,
            (common::splitmix(i as u64 ^ 0x5eed) % (i as u64 + 1)) as usize,
        );
    }
    let headers: Vec<_> = order.iter().map(|&i| basic_header(&key(i, 0))).collect();
    for (h, &i) in headers.iter().zip(&order) {
        let auth = registry
            .authenticate(h, NOW, Requirement::Any)
            .expect("a stored key");
        let want = (common::project_of(i as usize), common::kind_of(i));
        assert_eq!((auth.project, auth.kind), want);
        assert_eq!(idiom(&map, h, NOW), Some(want));
    }
    (registry, map, headers)
}

fn main() {
    let full = common::full_size();
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes = match (full, quick) {
        (false, _) => Sizes {
            samples: 5,
            per_sample: 10,
        },
        (true, true) => Sizes {
            samples: 50,
            per_sample: 1000,
        },
        (true, false) => Sizes {
            samples: 300,
            per_sample: 2000,
        },
    };

    // The floor and authenticate on a small registry, alternating.
    let (small, _, small_headers) = fixture(common::effective(1_000));
    let valid = small_headers[0];
    let token: [u8; 48] = valid[6..].try_into().expect("48 base64 characters");
    let unknown = basic_header(&key(7, 1));
    let mut bad_base64 = valid;
    bad_base64[HEADER_LEN - 2] = b'!';
    assert_eq!(
        small.authenticate(&unknown, NOW, Requirement::Any),
        Err(AuthError::UnknownKey)
    );
    assert!(small
        .authenticate(&bad_base64, NOW, Requirement::Any)
        .is_err());
    let [floor, auth, reject_unknown, reject_header] = alternate(
        &sizes,
        &mut [
            &mut || {
                let mut buf = [0u8; 48];
                let n = STANDARD
                    .decode_slice(black_box(&token), &mut buf)
                    .unwrap_or(0);
                let digest: [u8; 32] = Sha256::digest(&buf[..n.min(35)]).into();
                black_box(digest);
            },
            &mut || {
                black_box(small.authenticate(black_box(&valid), NOW, Requirement::Any)).ok();
            },
            &mut || {
                black_box(small.authenticate(black_box(&unknown), NOW, Requirement::Any)).ok();
            },
            &mut || {
                black_box(small.authenticate(black_box(&bad_base64), NOW, Requirement::Any)).ok();
            },
        ],
    );
    emit(
        "rust floor: base64 decode (48 B) + SHA-256 (35 B)",
        floor,
        "ns",
        None,
        None,
        "the unavoidable work of one request",
    );
    emit(
        "rust authenticate, one valid key",
        auth,
        "ns",
        Some("rust floor: base64 decode (48 B) + SHA-256 (35 B)"),
        Some(1.3),
        "same header every call (a 1,000-key registry)",
    );
    emit(
        "rust authenticate, unknown key",
        reject_unknown,
        "ns",
        Some("rust authenticate, one valid key"),
        Some(1.05),
        "a rejection costs no more than a success",
    );
    emit(
        "rust authenticate, malformed base64",
        reject_header,
        "ns",
        Some("rust authenticate, one valid key"),
        Some(1.05),
        "a rejection costs no more than a success",
    );
    drop(small);

    for n in [1_000usize, 100_000, 1_000_000] {
        let (registry, map, headers) = fixture(common::effective(n));
        let (mut i, mut j) = (0usize, 0usize);
        let [picket, plain] = alternate(
            &sizes,
            &mut [
                &mut || {
                    let h = &headers[i];
                    i = if i + 1 == headers.len() { 0 } else { i + 1 };
                    black_box(registry.authenticate(black_box(h), NOW, Requirement::Any)).ok();
                },
                &mut || {
                    let h = &headers[j];
                    j = if j + 1 == headers.len() { 0 } else { j + 1 };
                    black_box(idiom(&map, black_box(h), NOW));
                },
            ],
        );
        let idiom_label = format!("rust idiom (HashMap by digest), {n} keys");
        emit(
            &idiom_label,
            plain,
            "ns",
            None,
            None,
            "base64 decode, split at ':', SHA-256, std HashMap<[u8; 32], _>, subtle compare",
        );
        emit(
            &format!("rust authenticate, {n} keys"),
            picket,
            "ns",
            Some(&idiom_label),
            Some(1.0),
            &format!("headers of {n} distinct keys in a shuffled order"),
        );
    }
}
