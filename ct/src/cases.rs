//! The cases measured: each is a class A and a class B of inputs to one operation of
//! picket-core, or the control, a comparison that leaks on purpose.
//!
//! Over 500 lines on purpose: every timing claim's classes stand in this one file, beside
//! the null cases and the control that keep them honest, so a reviewer reads them together.
//!
//! Every case generates fresh inputs for each measurement (generation is never timed) and,
//! before measuring, checks on a sample that they really are what the case claims (equal
//! digests are equal, both keys are valid, the absent key is absent, ...).

use std::hint::black_box;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use picket_core::{
    pkce_challenge, verify_pkce, ApiKey, AuthError, BuildError, KeyDigest, KeyKind, Mode,
    PkceError, RedirectOptions, RegistryBuilder, Requirement, CHALLENGE_LEN, DIGEST_LEN, KEY_LEN,
};

use crate::harness::{measure, Config, Timings};
use crate::rng::Rng;

/// Keys in each pool of the registry cases (the registry holds three times as many rows).
pub const REGISTRY_KEYS: usize = 10_000;

/// What a case's verdict expects of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Code under test: passes when max |t| stays below the threshold.
    Check,
    /// Measured and printed, but not a claim the README makes (it did not hold, or held
    /// with too thin a margin): its |t| does not decide the exit status.
    Report,
    /// Leaks on purpose: passes when max |t| exceeds the threshold, which proves that the
    /// harness can see a leak.
    Control,
    /// Both classes come from one generator: passes when max |t| stays below the threshold,
    /// which shows that the harness does not see differences that are not there.
    Null,
}

/// One measured case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The name printed in the table.
    pub name: &'static str,
    /// What class A is.
    pub class_a: &'static str,
    /// What class B is.
    pub class_b: &'static str,
    /// Code under test or control.
    pub role: Role,
    /// Generates the inputs and takes the measurements.
    pub run: fn(&Config, &mut Rng) -> Result<Timings, String>,
}

/// Every case, in the order of the table.
///
/// ```
/// let cases = picket_ct::cases::all();
/// assert_eq!(cases.iter().filter(|c| c.role == picket_ct::cases::Role::Control).count(), 1);
/// ```
pub fn all() -> Vec<Case> {
    vec![
        Case {
            name: "digest ct_eq, differ at byte 0",
            class_a: "KeyDigest::ct_eq of equal digests",
            class_b: "KeyDigest::ct_eq of digests that differ only in byte 0",
            role: Role::Check,
            run: |c, r| digest_case(c, r, 0),
        },
        Case {
            name: "digest ct_eq, differ at byte 31",
            class_a: "KeyDigest::ct_eq of equal digests",
            class_b: "KeyDigest::ct_eq of digests that differ only in byte 31",
            role: Role::Check,
            run: |c, r| digest_case(c, r, DIGEST_LEN - 1),
        },
        Case {
            name: "ApiKey::parse, digits vs letters",
            class_a: "ApiKey::parse of sk_ + 32 random digits 0-9",
            class_b: "ApiKey::parse of sk_ + 32 random letters a-f",
            role: Role::Check,
            run: parse_case,
        },
        Case {
            name: "registry absent, near-miss vs far",
            class_a: "an absent key whose digest differs from a stored one in byte 31 only",
            class_b: "an absent key whose digest is unrelated to any stored one",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Near, Pools::Far),
        },
        Case {
            name: "registry lookup, near-miss vs same-bucket digest",
            class_a: "a stored digest with byte 31 changed (absent, 31 of 32 bytes equal)",
            class_b: "the same stored digest with bytes 16-31 redrawn (absent, same buckets)",
            role: Role::Check,
            run: lookup_case,
        },
        Case {
            name: "NULL registry absent, far vs far",
            class_a: "an absent key whose digest is unrelated to any stored one",
            class_b: "the same, from a second pool made by the same generator",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Far, Pools::Far2),
        },
        Case {
            name: "registry present, bucket 1 vs bucket 2",
            class_a: "a stored key that sits in the first of its two buckets",
            class_b: "a stored key that sits in the second of its two buckets",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Choice(0), Pools::Choice(1)),
        },
        Case {
            name: "registry present, first vs last slot",
            class_a: "a stored key in slot 0 of its bucket",
            class_b: "a stored key in the last slot of its bucket",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Slot(0), Pools::Slot(SLOTS - 1)),
        },
        Case {
            name: "registry present vs absent",
            class_a: "a stored key (authenticates)",
            class_b: "an absent key, unrelated to any stored one (UnknownKey)",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Present, Pools::Far),
        },
        Case {
            name: "registry kind match vs mismatch",
            class_a: "an sk_ key stored as secret (authenticates)",
            class_b: "a pk_ key stored as secret (KindMismatch)",
            role: Role::Report,
            run: |c, r| registry_case(c, r, Pools::Present, Pools::Mismatch),
        },
        Case {
            name: "verify_pkce, match vs mismatch",
            class_a: "verify_pkce of a 43-char verifier and its own S256 challenge",
            class_b: "verify_pkce of another 43-char verifier and that same challenge",
            role: Role::Check,
            run: pkce_case,
        },
        Case {
            name: "verify_pkce, hash differs at byte 0 vs 31",
            class_a:
                "verify_pkce with a challenge whose hash differs from the verifier's in byte 0",
            class_b: "the same with the difference in byte 31 only",
            role: Role::Check,
            run: pkce_position_case,
        },
        Case {
            name: "NULL verify_pkce, mismatch vs mismatch",
            class_a: "verify_pkce of a random verifier and another verifier's challenge",
            class_b: "the same, from the same generator",
            role: Role::Null,
            run: pkce_null_case,
        },
        Case {
            name: "CONTROL early-exit ==, differ at byte 0",
            class_a: "a byte loop with early return on equal 32-byte arrays",
            class_b: "the same loop on arrays that differ in byte 0",
            role: Role::Control,
            run: control_case,
        },
    ]
}

/// Draws 1,024 input pairs and checks each with `valid`, so that a case never measures
/// inputs that are not what it claims.
fn check<I>(
    rng: &mut Rng,
    generate: &mut impl FnMut(&mut Rng) -> [I; 2],
    valid: impl Fn(&[I; 2]) -> bool,
    what: &str,
) -> Result<(), String> {
    if (0..1024).all(|_| valid(&generate(rng))) {
        Ok(())
    } else {
        Err(format!("fixture: {what}"))
    }
}

fn digest_case(config: &Config, rng: &mut Rng, differ_at: usize) -> Result<Timings, String> {
    let mut generate = |rng: &mut Rng| {
        let a: [u8; DIGEST_LEN] = rng.bytes();
        let b: [u8; DIGEST_LEN] = rng.bytes();
        let mut c = b;
        c[differ_at] ^= 1 + rng.below(255) as u8;
        let d = KeyDigest::from_bytes;
        [(d(a), d(a)), (d(b), d(c))]
    };
    check(
        rng,
        &mut generate,
        |[(a, a2), (b, c)]| {
            bool::from(a.ct_eq(a2))
                && (0..DIGEST_LEN).all(|i| (b.as_bytes()[i] != c.as_bytes()[i]) == (i == differ_at))
        },
        "digest classes are not equal / different at one byte",
    )?;
    measure(config, rng, generate, |(x, y)| x.ct_eq(y))
}

fn parse_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    fn key(rng: &mut Rng, alphabet: &[u8]) -> [u8; KEY_LEN] {
        let body: [u8; KEY_LEN - 3] = rng.string(alphabet);
        let mut text = [0u8; KEY_LEN];
        text[..3].copy_from_slice(b"sk_");
        text[3..].copy_from_slice(&body);
        text
    }
    let mut generate = |rng: &mut Rng| [key(rng, b"0123456789"), key(rng, b"abcdef")];
    check(
        rng,
        &mut generate,
        |[a, b]| ApiKey::parse(a).is_ok() && ApiKey::parse(b).is_ok(),
        "a key of the parse case does not parse",
    )?;
    measure(config, rng, generate, |k| ApiKey::parse(k))
}

/// Length of `Basic base64(KEY:)`: the scheme, a space, and 36 bytes in base64.
const HEADER_LEN: usize = 6 + (KEY_LEN + 1).div_ceil(3) * 4;

/// `Basic base64(KEY:)`, what `curl -u KEY:` sends. (The lengths are fixed, so the encoding
/// cannot fail; if it did, the header would stay zeroed and the fixture check would see it.)
fn basic_header(key: &ApiKey) -> [u8; HEADER_LEN] {
    let mut credentials = [b':'; KEY_LEN + 1];
    credentials[..KEY_LEN].copy_from_slice(key.as_bytes());
    let mut header = [0u8; HEADER_LEN];
    header[..6].copy_from_slice(b"Basic ");
    if STANDARD
        .encode_slice(credentials, &mut header[6..])
        .is_err()
    {
        header = [0; HEADER_LEN];
    }
    header
}

/// Slots per bucket of the registry's index.
const SLOTS: usize = picket_core::Registry::SLOTS_PER_BUCKET;

/// The pools of headers the registry cases draw from (each of [`REGISTRY_KEYS`] keys,
/// made alike: a random key, kept as a header).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pools {
    /// Stored `sk_` keys.
    Present,
    /// Stored keys in the given one of their two buckets.
    Choice(usize),
    /// Stored keys in the given slot of their bucket.
    Slot(usize),
    /// Absent keys: the digest stored is the key's own with byte 31 changed.
    Near,
    /// Absent keys, nothing related stored.
    Far,
    /// A second pool like [`Pools::Far`]: the null case for the registry's fixed pools.
    Far2,
    /// `pk_` keys stored as secret.
    Mismatch,
}

/// A registry of `3 × REGISTRY_KEYS` rows (present keys, near-misses, kind-mismatched
/// keys) and the headers of each pool.
struct RegistryFixture {
    registry: picket_core::Registry,
    present: Vec<[u8; HEADER_LEN]>,
    positions: Vec<(usize, usize)>,
    near: Vec<[u8; HEADER_LEN]>,
    far: Vec<[u8; HEADER_LEN]>,
    far2: Vec<[u8; HEADER_LEN]>,
    mismatch: Vec<[u8; HEADER_LEN]>,
    /// Every stored digest.
    stored: Vec<KeyDigest>,
}

fn registry_fixture(rng: &mut Rng) -> Result<RegistryFixture, String> {
    let fixture = |e: BuildError| format!("fixture: {e}");
    let mut builder = RegistryBuilder::new();
    builder
        .add_project(1, Mode::Production, RedirectOptions::default())
        .map_err(fixture)?;
    builder.reserve_keys(3 * REGISTRY_KEYS);
    let mut pools = RegistryFixture {
        registry: RegistryBuilder::new().build().map_err(fixture)?,
        present: Vec::with_capacity(REGISTRY_KEYS),
        positions: Vec::new(),
        near: Vec::with_capacity(REGISTRY_KEYS),
        far: Vec::with_capacity(REGISTRY_KEYS),
        far2: Vec::with_capacity(REGISTRY_KEYS),
        mismatch: Vec::with_capacity(REGISTRY_KEYS),
        stored: Vec::with_capacity(3 * REGISTRY_KEYS),
    };
    for _ in 0..REGISTRY_KEYS {
        let present = ApiKey::from_random_bytes(KeyKind::Secret, rng.bytes());
        builder
            .add_key(present.digest(), 1, KeyKind::Secret, None)
            .map_err(fixture)?;
        pools.stored.push(present.digest());
        pools.present.push(basic_header(&present));

        let near = ApiKey::from_random_bytes(KeyKind::Secret, rng.bytes());
        let mut digest = *near.digest().as_bytes();
        digest[DIGEST_LEN - 1] ^= 1 + rng.below(255) as u8;
        builder
            .add_key(KeyDigest::from_bytes(digest), 1, KeyKind::Secret, None)
            .map_err(fixture)?;
        pools.stored.push(KeyDigest::from_bytes(digest));
        pools.near.push(basic_header(&near));

        let far = ApiKey::from_random_bytes(KeyKind::Secret, rng.bytes());
        pools.far.push(basic_header(&far));

        let mismatch = ApiKey::from_random_bytes(KeyKind::Publishable, rng.bytes());
        builder
            .add_key(mismatch.digest(), 1, KeyKind::Secret, None)
            .map_err(fixture)?;
        pools.stored.push(mismatch.digest());
        pools.mismatch.push(basic_header(&mismatch));
    }
    // Drawn after the others, so that the other pools are the same for a given seed as
    // before this pool existed.
    for _ in 0..REGISTRY_KEYS {
        let far = ApiKey::from_random_bytes(KeyKind::Secret, rng.bytes());
        pools.far2.push(basic_header(&far));
    }
    pools.registry = builder.build().map_err(fixture)?;
    for h in &pools.present {
        let key = picket_core::parse_authorization(h, Default::default())
            .map_err(|e| format!("fixture: {e}"))?;
        let position = pools
            .registry
            .key_position(&key.digest())
            .ok_or("fixture: a present key has no position")?;
        pools.positions.push(position);
    }
    Ok(pools)
}

impl RegistryFixture {
    /// The headers of a pool.
    fn pool(&self, pool: Pools) -> Vec<[u8; HEADER_LEN]> {
        let at = |want: &dyn Fn((usize, usize)) -> bool| {
            self.present
                .iter()
                .zip(&self.positions)
                .filter(|(_, &p)| want(p))
                .map(|(h, _)| *h)
                .collect()
        };
        match pool {
            Pools::Present => self.present.clone(),
            Pools::Choice(c) => at(&|(choice, _)| choice == c),
            Pools::Slot(s) => at(&|(_, slot)| slot == s),
            Pools::Near => self.near.clone(),
            Pools::Far => self.far.clone(),
            Pools::Far2 => self.far2.clone(),
            Pools::Mismatch => self.mismatch.clone(),
        }
    }

    /// The outcome every header of a pool must get.
    fn expected(&self, pool: Pools) -> Result<(), AuthError> {
        match pool {
            Pools::Present | Pools::Choice(_) | Pools::Slot(_) => Ok(()),
            Pools::Near | Pools::Far | Pools::Far2 => Err(AuthError::UnknownKey),
            Pools::Mismatch => Err(AuthError::KindMismatch),
        }
    }
}

/// The lookup alone, on digests built from the stored ones, fresh for every call: both
/// classes start from a stored digest drawn uniformly (so they read the same buckets with
/// the same frequency; no fixed pool), class A changes byte 31 only, class B redraws
/// bytes 16–31 (bytes 0–15 place a digest, so the buckets stay the same). Only how close
/// the digest is to the stored one differs.
fn lookup_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    let fixture = registry_fixture(rng)?;
    let (registry, stored) = (&fixture.registry, &fixture.stored);
    let mut generate = |rng: &mut Rng| {
        let d = *stored[rng.below(stored.len() as u64) as usize].as_bytes();
        let mut near = d;
        near[DIGEST_LEN - 1] ^= 1 + rng.below(255) as u8;
        let mut far = d;
        let tail: [u8; 16] = rng.bytes();
        far[16..].copy_from_slice(&tail);
        [KeyDigest::from_bytes(near), KeyDigest::from_bytes(far)]
    };
    check(
        rng,
        &mut generate,
        |[near, far]| {
            // Both absent, and the same first 16 bytes (so the same two buckets).
            !registry.digest_is_stored(near)
                && !registry.digest_is_stored(far)
                && near.as_bytes()[..16] == far.as_bytes()[..16]
        },
        "lookup digests: both absent, in the same buckets",
    )?;
    measure(config, rng, generate, |d| registry.digest_is_stored(d))
}

/// Two pools of one registry through `Registry::authenticate`: each measurement draws its
/// headers uniformly from its class's pool.
fn registry_case(config: &Config, rng: &mut Rng, a: Pools, b: Pools) -> Result<Timings, String> {
    let fixture = registry_fixture(rng)?;
    let registry = &fixture.registry;
    // Both pools hold the same number of keys (the first of the larger one): a smaller
    // pool reuses its buckets more often, so they are warmer in the cache, and that, not
    // the position, would show (|t| in the hundreds when the pools' sizes differed).
    let [mut pa, mut pb] = [fixture.pool(a), fixture.pool(b)];
    let size = pa.len().min(pb.len());
    pa.truncate(size);
    pb.truncate(size);
    let pools = [pa, pb];
    for (pool, headers) in [a, b].into_iter().zip(&pools) {
        if headers.len() < 100 {
            return Err(format!("fixture: a pool has only {} keys", headers.len()));
        }
        let want = fixture.expected(pool);
        if !headers
            .iter()
            .all(|h| registry.authenticate(h, 0, Requirement::Any).map(|_| ()) == want)
        {
            return Err("fixture: a header does not get its pool's outcome".into());
        }
    }
    let generate = |rng: &mut Rng| {
        pools
            .each_ref()
            .map(|p| p[rng.below(p.len() as u64) as usize])
    };
    measure(config, rng, generate, |h| {
        registry.authenticate(h, 0, Requirement::Any)
    })
}

/// The unreserved characters a PKCE verifier is made of (RFC 7636 §4.1).
const VERIFIER_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// Length of the verifiers generated (the shortest allowed, as most clients send).
const VERIFIER_LEN: usize = 43;

type PkceInput = ([u8; VERIFIER_LEN], [u8; CHALLENGE_LEN]);

/// A random verifier and its S256 challenge. (A valid verifier always has a challenge; if
/// it had none, the challenge would stay zeroed and the fixture check would see it.)
fn verifier_and_challenge(rng: &mut Rng) -> PkceInput {
    let verifier = rng.string(VERIFIER_ALPHABET);
    let challenge = pkce_challenge(&verifier).unwrap_or([0; CHALLENGE_LEN]);
    (verifier, challenge)
}

fn pkce_outcome((v, c): &PkceInput) -> Result<(), PkceError> {
    verify_pkce(v, c, b"S256")
}

fn pkce_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    let mut generate = |rng: &mut Rng| {
        let (verifier, challenge) = verifier_and_challenge(rng);
        [
            (verifier, challenge),
            (rng.string(VERIFIER_ALPHABET), challenge),
        ]
    };
    check(
        rng,
        &mut generate,
        |[a, b]| pkce_outcome(a).is_ok() && pkce_outcome(b) == Err(PkceError::Mismatch),
        "PKCE classes are not match / mismatch",
    )?;
    measure(config, rng, generate, pkce_outcome)
}

/// The challenge of a verifier whose SHA-256 is changed in byte `byte`: the hash computed
/// from the verifier then differs from the challenge's in that byte only.
fn tampered_challenge(
    challenge: &[u8; CHALLENGE_LEN],
    byte: usize,
    rng: &mut Rng,
) -> [u8; CHALLENGE_LEN] {
    let mut hash = [0u8; 32];
    let mut out = [0u8; CHALLENGE_LEN];
    if URL_SAFE_NO_PAD.decode_slice(challenge, &mut hash).is_ok() {
        hash[byte] ^= 1 + rng.below(255) as u8;
        if URL_SAFE_NO_PAD.encode_slice(hash, &mut out).is_err() {
            out = [0; CHALLENGE_LEN];
        }
    }
    out
}

fn pkce_position_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    let mut generate = |rng: &mut Rng| {
        let (verifier, challenge) = verifier_and_challenge(rng);
        [
            (verifier, tampered_challenge(&challenge, 0, rng)),
            (verifier, tampered_challenge(&challenge, 31, rng)),
        ]
    };
    check(
        rng,
        &mut generate,
        |[a, b]| {
            let hash = |c: &[u8; CHALLENGE_LEN]| {
                let mut h = [0u8; 32];
                URL_SAFE_NO_PAD.decode_slice(c, &mut h).map(|_| h)
            };
            let (Ok(ha), Ok(hb), Ok(right)) = (hash(&a.1), hash(&b.1), pkce_challenge(&a.0)) else {
                return false;
            };
            let Ok(right) = hash(&right) else {
                return false;
            };
            let differs_only_at =
                |h: &[u8; 32], k: usize| (0..32).all(|i| (h[i] != right[i]) == (i == k));
            a.0 == b.0
                && differs_only_at(&ha, 0)
                && differs_only_at(&hb, 31)
                && pkce_outcome(a) == Err(PkceError::Mismatch)
                && pkce_outcome(b) == Err(PkceError::Mismatch)
        },
        "PKCE challenges do not differ at byte 0 / byte 31 only",
    )?;
    measure(config, rng, generate, pkce_outcome)
}

fn pkce_null_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    let mut generate = |rng: &mut Rng| {
        let mismatch = |rng: &mut Rng| {
            let (_, challenge) = verifier_and_challenge(rng);
            (rng.string(VERIFIER_ALPHABET), challenge)
        };
        [mismatch(rng), mismatch(rng)]
    };
    check(
        rng,
        &mut generate,
        |pair| {
            pair.iter()
                .all(|x| pkce_outcome(x) == Err(PkceError::Mismatch))
        },
        "PKCE null classes are not both mismatches",
    )?;
    measure(config, rng, generate, pkce_outcome)
}

/// The control: compares byte by byte and returns at the first difference, the textbook
/// timing leak. Each byte goes through `black_box`, so the compiler can neither vectorise
/// the loop nor turn it into a `memcmp`.
#[inline(never)]
fn early_exit_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    for i in 0..32 {
        if black_box(a[i]) != black_box(b[i]) {
            return false;
        }
    }
    true
}

fn control_case(config: &Config, rng: &mut Rng) -> Result<Timings, String> {
    let mut generate = |rng: &mut Rng| {
        let a: [u8; 32] = rng.bytes();
        let b: [u8; 32] = rng.bytes();
        let mut c = b;
        c[0] ^= 1 + rng.below(255) as u8;
        [(a, a), (b, c)]
    };
    check(
        rng,
        &mut generate,
        |[(a, a2), (b, c)]| early_exit_eq(a, a2) && !early_exit_eq(b, c),
        "control classes are not equal / different",
    )?;
    measure(config, rng, generate, |(x, y)| early_exit_eq(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_builds_valid_fixtures_and_measures() {
        // A tiny run: this checks the fixtures and the plumbing, not timing.
        let config = Config {
            per_class: 20,
            batch: 4,
            warmup: 4,
        };
        for case in all() {
            let t = (case.run)(&config, &mut Rng::new(11))
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(t.times.len(), 40, "{}", case.name);
        }
    }

    #[test]
    fn control_is_an_equality() {
        let a = [9u8; 32];
        let mut b = a;
        assert!(early_exit_eq(&a, &b));
        b[31] = 0;
        assert!(!early_exit_eq(&a, &b));
    }
}
