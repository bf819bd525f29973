//! A change to one project: `Registry::with_projects` (the project's keys and redirect URIs
//! replaced in a copy of the registry) side by side with building the whole registry again
//! (`RegistryBuilder::build` of every key), at 100,000 keys over 10,000 projects and
//! 1,000,000 keys over 100,000 projects, ten keys a project, each with a redirect URI.
//!
//! ```text
//! cargo bench -p picket-core --bench update
//! ```
//!
//! Prints one JSON object per figure (`{"figure", "value", "unit", "reference", "note"}`):
//! the median of 15 samples of each, alternating. The digests are computed before timing
//! (a server reads them from its store). Run as a test (`cargo test --all-targets`, no
//! `--bench`) it uses 2,000 keys and 3 samples: the fixtures and the output are checked, not
//! the timing.

use std::hint::black_box;
use std::time::Instant;

use picket_core::{KeyDigest, KeyKind, Mode, RedirectOptions, Registry, RegistryBuilder};

mod common;

use common::{effective, full_size, key};

const KEYS_PER_PROJECT: usize = 10;

/// Adds project `p` with its redirect URI and its keys (numbers `p * 10 ..`).
fn add_project(b: &mut RegistryBuilder, p: u64, digests: &[KeyDigest]) {
    b.add_project(p, Mode::Production, RedirectOptions::default())
        .expect("distinct projects");
    b.add_redirect_uri(p, format!("https://app{p}.example/callback").as_bytes())
        .expect("a production URI");
    let first = p as usize * KEYS_PER_PROJECT;
    for d in &digests[first..first + KEYS_PER_PROJECT] {
        b.add_key(*d, p, KeyKind::Secret, None)
            .expect("known project");
    }
}

fn build(digests: &[KeyDigest], projects: u64) -> Registry {
    let mut b = RegistryBuilder::new();
    b.reserve_keys(digests.len());
    for p in 0..projects {
        add_project(&mut b, p, digests);
    }
    b.build().expect("distinct digests")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let samples = if full_size() { 15 } else { 3 };
    for keys in [100_000, 1_000_000] {
        let keys = effective(keys);
        let projects = (keys / KEYS_PER_PROJECT) as u64;
        // Keys 0..keys, and one project's worth more: the changed project's new keys.
        let digests: Vec<KeyDigest> = (0..(keys + KEYS_PER_PROJECT) as u64)
            .map(|i| key(i, 7).digest())
            .collect();
        let base = build(&digests[..keys], projects);
        // The change: project 0's keys replaced by the 10 keys after the last project's.
        let mut renumbered = digests.clone();
        renumbered.copy_within(keys.., 0);
        let (mut whole, mut one) = (Vec::new(), Vec::new());
        for _ in 0..samples {
            let t = Instant::now();
            black_box(build(&renumbered[..keys], projects));
            whole.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let mut change = RegistryBuilder::new();
            add_project(&mut change, 0, &renumbered);
            black_box(base.with_projects(change, &[]).expect("distinct digests"));
            one.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (whole, one) = (median(whole), median(one));
        println!(
            "{{\"figure\": \"registry: one project of {KEYS_PER_PROJECT} keys replaced (with_projects), {keys} keys over {projects} projects\", \"value\": {one:.3}, \"unit\": \"ms\", \"reference\": {whole:.3}, \"note\": \"reference: the whole registry built again\"}}"
        );
    }
}
