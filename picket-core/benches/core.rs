//! Timing benchmarks of picket-core, all in one run so that their ratios are meaningful.
//!
//! ```text
//! cargo bench -p picket-core --bench core          # the figures (median is the one to read)
//! bench/rust-summary.sh                            # the same, as a table of ratios and targets
//! ```
//!
//! Names, as divan prints them (group / benchmark / argument):
//!
//! - `floor`: the unavoidable work of one request: base64-decoding a 48-byte Basic
//!   credential into a stack buffer, then SHA-256 of the 35-byte key.
//! - `auth/valid`: `Registry::authenticate` end to end with a valid key (small registry).
//! - `auth/keys/N`: the same against registries of N keys, cycling through 4,096 headers of
//!   different added keys, so that large registries miss the cache as in production.
//! - `auth/reject_*`: the failure paths (malformed base64, unknown key, wrong kind, expired).
//! - `build/registry_1m`: `RegistryBuilder` from 1,000,000 stored digests to a `Registry`.
//! - `redirect/matches/N`: `Whitelist::matches` hit on a whitelist of N entries;
//!   `redirect/siphash`: one `DefaultHasher` hash of the same candidate (the reference).
//! - `ops/*`: each public operation on its own.
//! - `reference/random_read_64mib`: one dependent read at a random place in 64 MiB, i.e. one
//!   cache and TLB miss on this machine: the unit in which `auth/keys/1000000` pays for
//!   its size.
//!
//! Run as a test (`cargo test --all-targets`), each benchmark runs once on small registries.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use divan::{black_box, Bencher};
use picket_core::{
    parse_authorization, redact, validate_redirect_uri, verify_pkce, ApiKey, AuthError,
    HeaderError, HeaderOptions, KeyDigest, KeyKind, Mode, RedirectOptions, Registry,
    RegistryBuilder, Requirement, Whitelist,
};
use sha2::{Digest as _, Sha256};

mod common;

use common::{basic_header, key, HEADER_LEN};

/// The `now` every request is authenticated at (unix seconds).
const NOW: u64 = 1_700_000_000;

/// Samples per benchmark: their median is the figure.
const SAMPLES: u32 = 200;
/// Calls per sample, fixed rather than calibrated so that every per-request figure is
/// measured alike and timer overhead (about 20 ns here) is spread over many calls.
const PER_SAMPLE: u32 = 1000;

fn main() {
    common::full_size();
    divan::main();
}

/// One small registry and a header for each outcome of `authenticate`.
struct Small {
    registry: Registry,
    valid: [u8; HEADER_LEN],
    bad_base64: [u8; HEADER_LEN],
    unknown: [u8; HEADER_LEN],
    publishable: [u8; HEADER_LEN],
    expired: [u8; HEADER_LEN],
}

fn small() -> &'static Small {
    static SMALL: OnceLock<Small> = OnceLock::new();
    SMALL.get_or_init(|| {
        let sk = key(0, 1);
        let pk = key(1, 1);
        let old = key(2, 1);
        let unknown = key(4, 1);
        assert_eq!(
            (sk.kind(), pk.kind(), old.kind()),
            (KeyKind::Secret, KeyKind::Publishable, KeyKind::Secret)
        );
        let mut b = RegistryBuilder::new();
        b.add_project(1, Mode::Production, RedirectOptions::default())
            .unwrap();
        b.add_key(sk.digest(), 1, KeyKind::Secret, None).unwrap();
        b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
            .unwrap();
        b.add_key(old.digest(), 1, KeyKind::Secret, Some(NOW))
            .unwrap();
        let registry = b.build().unwrap();
        let valid = basic_header(&sk);
        // Same length as a valid header; the first character outside the base64 alphabet is
        // the last one before the padding, so the decoder does nearly all its work.
        let mut bad_base64 = valid;
        bad_base64[HEADER_LEN - 2] = b'!';
        let small = Small {
            registry,
            valid,
            bad_base64,
            unknown: basic_header(&unknown),
            publishable: basic_header(&pk),
            expired: basic_header(&old),
        };
        // The fixtures must produce the outcome each benchmark is named after.
        let auth = |h: &[u8], r| small.registry.authenticate(h, NOW, r);
        assert!(auth(&small.valid, Requirement::Secret).is_ok());
        assert_eq!(
            auth(&small.bad_base64, Requirement::Secret),
            Err(AuthError::Header(HeaderError::InvalidBase64))
        );
        assert_eq!(
            auth(&small.unknown, Requirement::Secret),
            Err(AuthError::UnknownKey)
        );
        assert!(matches!(
            auth(&small.publishable, Requirement::Secret),
            Err(AuthError::WrongKind { .. })
        ));
        assert_eq!(
            auth(&small.expired, Requirement::Secret),
            Err(AuthError::Expired)
        );
        small
    })
}

/// The floor: what any implementation must do per request, measured as one function.
#[divan::bench(sample_count = SAMPLES, sample_size = PER_SAMPLE)]
fn floor(bencher: Bencher) {
    let header = small().valid;
    let token: [u8; 48] = header[6..].try_into().unwrap();
    bencher.bench_local(|| {
        let mut buf = [0u8; 48];
        let n = STANDARD
            .decode_slice(black_box(&token), &mut buf)
            .unwrap_or(0);
        let digest: [u8; 32] = Sha256::digest(&buf[..n.min(35)]).into();
        digest
    });
}

#[divan::bench_group(sample_count = SAMPLES, sample_size = PER_SAMPLE)]
mod auth {
    use super::*;

    /// A registry of `n` keys and 4,096 headers of its keys in a scattered order.
    struct Scaled {
        registry: Registry,
        headers: Vec<[u8; HEADER_LEN]>,
    }

    fn scaled(n: usize) -> &'static Scaled {
        static SIZES: [OnceLock<Scaled>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let slot = match n {
            1_000 => &SIZES[0],
            100_000 => &SIZES[1],
            _ => &SIZES[2],
        };
        slot.get_or_init(|| {
            let n = common::effective(n);
            let registry = common::build_registry(&common::digests()[..n], true);
            assert_eq!(registry.key_count(), n);
            // Knuth's multiplicative scatter: consecutive headers name unrelated keys, and
            // with 1,000 keys every key is used about four times.
            let headers = (0..common::CYCLE as u64)
                .map(|j| basic_header(&key(j.wrapping_mul(2_654_435_761) % n as u64, 0)))
                .collect::<Vec<_>>();
            for h in &headers {
                assert!(registry.authenticate(h, NOW, Requirement::Any).is_ok());
            }
            Scaled { registry, headers }
        })
    }

    /// A valid key, end to end (header, key, digest, lookup, expiry, kind).
    #[divan::bench]
    fn valid(bencher: Bencher) {
        let s = small();
        bencher.bench_local(|| {
            s.registry
                .authenticate(black_box(&s.valid), NOW, Requirement::Secret)
        });
    }

    /// A valid key, cycling through 4,096 different keys of an `n`-key registry.
    #[divan::bench(args = [1_000, 100_000, 1_000_000])]
    fn keys(bencher: Bencher, n: usize) {
        let s = scaled(n);
        let mut i = 0usize;
        bencher.bench_local(|| {
            let h = &s.headers[i % common::CYCLE];
            i = i.wrapping_add(1);
            s.registry.authenticate(black_box(h), NOW, Requirement::Any)
        });
    }

    /// Malformed base64 (wrong character just before the padding).
    #[divan::bench]
    fn reject_bad_header(bencher: Bencher) {
        let s = small();
        bencher.bench_local(|| {
            s.registry
                .authenticate(black_box(&s.bad_base64), NOW, Requirement::Secret)
        });
    }

    /// A well-formed key that was never added.
    #[divan::bench]
    fn reject_unknown_key(bencher: Bencher) {
        let s = small();
        bencher.bench_local(|| {
            s.registry
                .authenticate(black_box(&s.unknown), NOW, Requirement::Secret)
        });
    }

    /// A publishable key on a secret-only endpoint.
    #[divan::bench]
    fn reject_wrong_kind(bencher: Bencher) {
        let s = small();
        bencher.bench_local(|| {
            s.registry
                .authenticate(black_box(&s.publishable), NOW, Requirement::Secret)
        });
    }

    /// A key whose expiry has passed.
    #[divan::bench]
    fn reject_expired(bencher: Bencher) {
        let s = small();
        bencher.bench_local(|| {
            s.registry
                .authenticate(black_box(&s.expired), NOW, Requirement::Secret)
        });
    }
}

mod build {
    use super::*;

    /// From 1,000,000 digests (as loaded from a database) to a `Registry`, over 1,000
    /// projects, with `reserve_keys` as a server that knows its row count would call it.
    #[divan::bench(sample_count = 10, sample_size = 1)]
    fn registry_1m(bencher: Bencher) {
        let digests = common::digests();
        bencher.bench_local(|| common::build_registry(black_box(digests), true));
    }
}

#[divan::bench_group(sample_count = SAMPLES, sample_size = PER_SAMPLE)]
mod redirect {
    use super::*;

    /// The redirect URI presented, registered in every whitelist.
    pub const CANDIDATE: &[u8] = b"https://app.example.com/oauth/callback";

    fn whitelist(n: usize) -> Whitelist {
        let mut list = Whitelist::new(Mode::Production, RedirectOptions::default());
        list.register(CANDIDATE).unwrap();
        for i in 1..n {
            let uri = format!("https://app{i}.example.com/oauth/callback");
            list.register(uri.as_bytes()).unwrap();
        }
        assert_eq!(list.len(), n);
        assert!(list.matches(CANDIDATE));
        list
    }

    /// A hit in a whitelist of `n` entries.
    #[divan::bench(args = [1, 10, 1_000, 10_000])]
    fn matches(bencher: Bencher, n: usize) {
        let list = whitelist(n);
        bencher.bench_local(|| list.matches(black_box(CANDIDATE)));
    }

    /// The reference: one SipHash (std's `DefaultHasher`) of the candidate.
    #[divan::bench]
    fn siphash(bencher: Bencher) {
        let state = RandomState::new();
        bencher.bench_local(|| state.hash_one(black_box(CANDIDATE)));
    }
}

#[divan::bench_group(sample_count = SAMPLES, sample_size = PER_SAMPLE)]
mod ops {
    use super::*;

    const SK: &[u8] = picket_test_support::keys::SK.as_bytes();

    #[divan::bench]
    fn key_parse(bencher: Bencher) {
        bencher.bench_local(|| ApiKey::parse(black_box(SK)));
    }

    #[divan::bench]
    fn digest(bencher: Bencher) {
        let key = ApiKey::parse(SK).unwrap();
        bencher.bench_local(|| KeyDigest::of(black_box(&key)));
    }

    #[divan::bench]
    fn verify(bencher: Bencher) {
        let key = ApiKey::parse(SK).unwrap();
        let stored = key.digest();
        assert!(stored.verify(&key));
        bencher.bench_local(|| black_box(&stored).verify(black_box(&key)));
    }

    #[divan::bench]
    fn validate_redirect_uri(bencher: Bencher) {
        let uri: &[u8] = b"https://app.example.com/oauth/callback?source=login";
        let opts = RedirectOptions::default();
        assert!(super::validate_redirect_uri(uri, Mode::Production, opts).is_ok());
        bencher
            .bench_local(|| super::validate_redirect_uri(black_box(uri), Mode::Production, opts));
    }

    #[divan::bench]
    fn parse_authorization(bencher: Bencher) {
        let header = small().valid;
        let opts = HeaderOptions::default();
        assert!(super::parse_authorization(&header, opts).is_ok());
        bencher.bench_local(|| super::parse_authorization(black_box(&header), opts));
    }

    #[divan::bench]
    fn verify_pkce(bencher: Bencher) {
        // RFC 7636 Appendix B.
        let verifier: &[u8] = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge: &[u8] = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(super::verify_pkce(verifier, challenge, b"S256"), Ok(()));
        bencher
            .bench_local(|| super::verify_pkce(black_box(verifier), black_box(challenge), b"S256"));
    }

    /// An access-log line of about 220 bytes with a secret key in the query string and a
    /// Basic credential: both masked, so the output is allocated.
    #[divan::bench]
    fn redact_with_secret(bencher: Bencher) {
        let line = concat!(
            "203.0.113.7 - - [10/Oct/2025:13:55:36 +0000] \"GET /v1/projects?key=",
            "sk_e1f767d29fa6e533f2e5c62342fb9e24 HTTP/1.1\" 200 2326 \"-\" \"curl/8.5.0\" ",
            "authorization=\"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6\""
        );
        assert!(!redact(line).contains("e1f767d29fa6"));
        bencher.bench_local(|| super::redact(black_box(line)));
    }

    /// A line of the same shape with a publishable key: scanned, returned borrowed.
    #[divan::bench]
    fn redact_clean(bencher: Bencher) {
        let line = concat!(
            "203.0.113.7 - - [10/Oct/2025:13:55:36 +0000] \"GET /v1/projects?key=",
            "pk_d9960d04426c1e9f3941bec7e39c8854 HTTP/1.1\" 200 2326 \"-\" \"curl/8.5.0\" ",
            "authorization=\"Basic cGtfZDk5NjBkMDQ0MjZjMWU5ZjM5NDFiZWM3ZTM5Yzg4NTQ6\""
        );
        assert!(matches!(redact(line), std::borrow::Cow::Borrowed(_)));
        bencher.bench_local(|| super::redact(black_box(line)));
    }
}

#[divan::bench_group(sample_count = SAMPLES, sample_size = PER_SAMPLE)]
mod reference {
    use super::*;

    /// One read at a random place in a 64 MiB table, whose address depends on the value
    /// the previous read returned, so reads cannot overlap: the latency of one cache (and
    /// usually TLB) miss. The 1,000,000-key index is 60 MB.
    #[divan::bench]
    fn random_read_64mib(bencher: Bencher) {
        let len = if common::full_size() {
            16 << 20
        } else {
            1 << 12
        };
        // Written (not calloc'd zero pages) so that every page is really backed.
        let table = vec![1u32; len];
        let mask = len - 1;
        let mut x = 0u32;
        let mut i = 0u64;
        bencher.bench_local(|| {
            i += 1;
            x = table[common::splitmix(i ^ u64::from(x)) as usize & mask];
            x
        });
    }
}
