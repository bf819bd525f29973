//! The constant-time key index: where the registry's key digests live and how one is
//! looked up.
//!
//! **Layout.** A SHA-256 digest is already uniformly random, so its own bits place it (no
//! further hash): a key may sit in one of two buckets, chosen by the digest's bytes 0–7
//! and 8–15 (`word * buckets >> 64`). A bucket holds [`SLOTS`] slots in one 256-byte
//! aligned block (four cache lines in one page), transposed: for each of the digest's
//! eight 4-byte words a vector of that word in every slot, then the same for the slots'
//! fields (project and expiry, each in two halves, and kind). Keys are placed by cuckoo
//! insertion at build, with as many buckets as needed for every key to fit (load at most
//! [`MAX_LOAD`]); no bucket ever overflows, so there is no overflow path.
//!
//! **Lookup.** Every lookup, present key or absent, reads the same blocks: both candidate
//! buckets, whose addresses are known from the digest at once. All `2 × SLOTS` slots are
//! compared in full, eight vector XORs a bucket with one lane a slot, folded into an
//! all-ones lane for a slot that holds the digest (`ct::bucket_pair_masks`); the two
//! masks cross `subtle`'s optimisation barrier once per lookup, and the matching slot's
//! fields are copied out with vector ANDs and ORs. Nothing branches on stored data. An
//! empty slot is all zeros, so it adds nothing to the fields copied out, and a key is
//! present exactly when the kind copied out is not 0.
//!
//! (Why this shape: the work after SHA-256 is on the critical path of every request. The
//! earlier layout, five slots a bucket held slot by slot and compared and selected with
//! 64-bit arithmetic, took about 300 instructions a lookup (callgrind) and 27 ns on its
//! own; transposed into 4-lane vectors, four slots a bucket take about 100 and 6 ns, for
//! 71 bytes a key at 90 % load instead of 57.)
//!
//! **What time can reveal.** Which two buckets a digest maps to is a function of the
//! presented key only (the attacker's own input) and the bucket count (a function of the
//! number of keys). Whether those buckets hold a near-miss of the digest, which slot of
//! which bucket holds a match, and whether there is a match at all take the same work in
//! the lookup (what the registry then does with a match is what the response says); the
//! only data-dependent effect left is the cache state, which depends on which buckets
//! other requests touched recently.

use subtle::Choice;
use wide::u32x4;

use crate::ct::bucket_pair_masks;
use crate::digest::KeyDigest;
use crate::key::KeyKind;
use crate::registry::errors::BuildError;
use crate::registry::ProjectId;

mod edit;

/// Slots per bucket: one per lane of a 4-lane vector. 8 digest words and 5 field halves,
/// 13 vectors of 16 bytes = 208 bytes, in a 256-byte block.
pub(crate) const SLOTS: usize = 4;

/// Largest fraction of the slots filled: two choices of 4-slot buckets hold up to about
/// 98 % before cuckoo insertion fails; 90 % keeps insertion short.
pub(crate) const MAX_LOAD: f64 = 0.90;

/// Evictions tried for one key before the table is grown.
const MAX_KICKS: usize = 1000;

/// `expires_at` of a key that never expires (valid even at `now == u64::MAX`).
pub(crate) const NEVER: u64 = u64::MAX;

/// One key as added to the builder.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) digest: KeyDigest,
    pub(crate) project: ProjectId,
    /// Unix seconds; [`NEVER`] when the key does not expire.
    pub(crate) expires_at: u64,
    pub(crate) kind: KeyKind,
}

/// The fields of a slot, each a 32-bit half so that a slot is one lane of a vector.
const PROJECT_LO: usize = 0;
const PROJECT_HI: usize = 1;
const EXPIRES_LO: usize = 2;
const EXPIRES_HI: usize = 3;
/// `KeyKind as u32`; 0 for an empty slot.
const KIND: usize = 4;
const FIELDS: usize = 5;

/// One bucket, transposed: lane `s` of every vector belongs to slot `s`. 256-byte aligned
/// (four cache lines, never across a page), so a lookup touches two blocks and two pages,
/// all known from the digest at once.
#[derive(Clone, Copy)]
#[repr(C, align(256))]
struct Bucket {
    /// `digests[w]`: word `w` of each slot's digest ([`words_of`]).
    digests: [u32x4; 8],
    /// `fields[f]`: field `f` (`PROJECT_LO` ... `KIND`) of each slot.
    fields: [u32x4; FIELDS],
}

/// An empty bucket: every field of every slot 0.
const EMPTY: Bucket = Bucket {
    digests: [u32x4::ZERO; 8],
    fields: [u32x4::ZERO; FIELDS],
};

/// A digest as the eight native-endian words the buckets hold.
#[inline(always)]
fn words_of(digest: &KeyDigest) -> [u32; 8] {
    let d = digest.as_bytes();
    core::array::from_fn(|i| {
        u32::from_ne_bytes([d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3]])
    })
}

/// Sets lane `slot` of `v` to `value`.
fn set_lane(v: &mut u32x4, slot: usize, value: u32) {
    let mut lanes = v.to_array();
    lanes[slot] = value;
    *v = u32x4::new(lanes);
}

impl Bucket {
    fn put(&mut self, slot: usize, entry: &Entry) {
        for (v, word) in self.digests.iter_mut().zip(words_of(&entry.digest)) {
            set_lane(v, slot, word);
        }
        let halves = |x: u64| [x as u32, (x >> 32) as u32];
        let [project_lo, project_hi] = halves(entry.project);
        let [expires_lo, expires_hi] = halves(entry.expires_at);
        set_lane(&mut self.fields[PROJECT_LO], slot, project_lo);
        set_lane(&mut self.fields[PROJECT_HI], slot, project_hi);
        set_lane(&mut self.fields[EXPIRES_LO], slot, expires_lo);
        set_lane(&mut self.fields[EXPIRES_HI], slot, expires_hi);
        set_lane(&mut self.fields[KIND], slot, entry.kind as u32);
    }

    /// Whether `slot` holds `digest` (plain comparisons: for tests and the timing harness).
    fn holds(&self, slot: usize, digest: &KeyDigest) -> bool {
        self.fields[KIND].to_array()[slot] != 0
            && self
                .digests
                .iter()
                .zip(words_of(digest))
                .all(|(v, word)| v.to_array()[slot] == word)
    }
}

/// What a lookup found: the fields of the matching slot, or of none.
///
/// Everything here comes out of the lookup's one optimisation barrier (see
/// `ct::bucket_pair_masks`). Callers may branch on it: whether a key is present, its row's
/// kind and its expiry are what the response states; what time must not tell (how close
/// an absent digest came, which slot matched) stays inside the lookup.
pub(crate) struct Found {
    /// 1 when a slot holds the digest, else 0.
    pub(crate) present: u8,
    pub(crate) project: ProjectId,
    pub(crate) expires_at: u64,
    /// The stored `KeyKind as u8`, or 0 when nothing matched.
    pub(crate) kind: u8,
}

impl Found {
    /// Whether the entry is expired at `now`, without a branch on its deadline.
    pub(crate) fn expired(&self, now: u64) -> Choice {
        Choice::from(self.expired_bit(now))
    }

    /// [`Found::expired`] as a plain 0/1 byte, without a barrier.
    #[inline(always)]
    pub(crate) fn expired_bit(&self, now: u64) -> u8 {
        // `expires_at <= now` from the borrow of `now - expires_at` in 128 bits, and
        // `expires_at != NEVER` from the sign of `x | -x`: arithmetic only.
        let due = ((u128::from(now).wrapping_sub(u128::from(self.expires_at)) >> 127) as u8) ^ 1;
        let x = self.expires_at ^ NEVER;
        let finite = ((x | x.wrapping_neg()) >> 63) as u8;
        due & finite
    }
}

/// The two buckets a digest may sit in (possibly the same one).
#[inline(always)]
fn buckets_of(digest: &[u8; 32], buckets: usize) -> [usize; 2] {
    let word = |i: usize| {
        let b = &digest[i..i + 8];
        u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    };
    let scale = |w: u64| ((u128::from(w) * buckets as u128) >> 64) as usize;
    [scale(word(0)), scale(word(8))]
}

/// The index: `buckets × SLOTS` slots.
pub(crate) struct Index {
    buckets: Box<[Bucket]>,
    len: usize,
}

impl Index {
    /// Places every entry. Grows the table until cuckoo insertion succeeds.
    pub(crate) fn build(entries: &[Entry]) -> Result<Index, BuildError> {
        let mut buckets =
            ((entries.len() as f64 / (SLOTS as f64 * MAX_LOAD)).ceil() as usize).max(1);
        loop {
            if let Some(placed) = place(entries, buckets)? {
                return Ok(Index::fill(entries, buckets, &placed));
            }
            buckets += buckets / 16 + 1;
        }
    }

    fn fill(entries: &[Entry], buckets: usize, placed: &[u32]) -> Index {
        let mut table = vec![EMPTY; buckets];
        for (slot, &e) in placed.iter().enumerate() {
            if e == 0 {
                continue;
            }
            table[slot / SLOTS].put(slot % SLOTS, &entries[e as usize - 1]);
        }
        Index {
            buckets: table.into_boxed_slice(),
            len: entries.len(),
        }
    }

    /// Looks `digest` up: the same reads and compares whether or not it is present and
    /// wherever it sits (see the module docs).
    #[inline]
    pub(crate) fn lookup(&self, digest: &KeyDigest) -> Found {
        let [b0, b1] = buckets_of(digest.as_bytes(), self.buckets.len());
        let pair = [&self.buckets[b0], &self.buckets[b1]];
        let [m0, m1] = bucket_pair_masks(pair.map(|b| &b.digests), &words_of(digest));
        // At most one occupied slot holds the digest (duplicates are refused at build;
        // when both buckets are the same one, the same slot matches twice with the same
        // fields), and an empty slot's fields are all 0, so an OR of every slot's fields
        // under its mask is the matching slot's fields, or zero.
        let masked: [u32x4; FIELDS] =
            core::array::from_fn(|f| (pair[0].fields[f] & m0) | (pair[1].fields[f] & m1));
        // The OR across the four slots, the first four fields at once: transposed, lane `f`
        // of each row is field `f` of one slot.
        let [a, b, c, d] = u32x4::transpose([
            masked[PROJECT_LO],
            masked[PROJECT_HI],
            masked[EXPIRES_LO],
            masked[EXPIRES_HI],
        ]);
        let [project_lo, project_hi, expires_lo, expires_hi] = ((a | b) | (c | d)).to_array();
        let [k0, k1, k2, k3] = masked[KIND].to_array();
        let kind = (k0 | k1) | (k2 | k3);
        let project = u64::from(project_lo) | u64::from(project_hi) << 32;
        let expires_at = u64::from(expires_lo) | u64::from(expires_hi) << 32;
        // Every occupied slot has a kind (1 or 2): present exactly when one matched.
        let present = (kind | kind.wrapping_neg()) >> 31;
        Found {
            present: present as u8,
            project,
            // Absent: `NEVER` (all ones), so that nothing reads as expired.
            expires_at: expires_at | u64::from(present).wrapping_sub(1),
            kind: kind as u8,
        }
    }

    /// Where `digest` sits: (which of its two buckets, slot within the bucket). Not
    /// constant time; for tests and the timing harness.
    pub(crate) fn position(&self, digest: &KeyDigest) -> Option<(usize, usize)> {
        let [b0, b1] = buckets_of(digest.as_bytes(), self.buckets.len());
        [b0, b1].into_iter().enumerate().find_map(|(choice, b)| {
            let bucket = &self.buckets[b];
            (0..SLOTS)
                .find(|&s| bucket.holds(s, digest))
                .map(|s| (choice, s))
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        core::mem::size_of_val(&*self.buckets)
    }
}

/// Cuckoo insertion of every entry into `buckets × SLOTS` slots. Returns the entry index
/// + 1 of each slot (0: empty), or `None` when some key could not be placed.
///
/// # Errors
/// [`BuildError::DuplicateKey`]: an equal digest always sits in one of the same two
/// buckets, so it is found there before insertion.
fn place(entries: &[Entry], buckets: usize) -> Result<Option<Vec<u32>>, BuildError> {
    let mut slots = vec![0u32; buckets * SLOTS];
    // A fixed seed: the same keys always give the same layout.
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for (i, entry) in entries.iter().enumerate() {
        let digest = entry.digest.as_bytes();
        let [b0, b1] = buckets_of(digest, buckets);
        for b in [b0, b1] {
            for &e in &slots[b * SLOTS..(b + 1) * SLOTS] {
                if e != 0 && entries[e as usize - 1].digest.as_bytes() == digest {
                    return Err(BuildError::DuplicateKey {
                        first: entries[e as usize - 1].project,
                        second: entry.project,
                    });
                }
            }
        }
        let mut current = i as u32 + 1;
        let mut placed = false;
        for _ in 0..MAX_KICKS {
            let [c0, c1] = buckets_of(entries[current as usize - 1].digest.as_bytes(), buckets);
            let free = [c0, c1]
                .into_iter()
                .find_map(|b| (b * SLOTS..(b + 1) * SLOTS).find(|&s| slots[s] == 0));
            if let Some(s) = free {
                slots[s] = current;
                placed = true;
                break;
            }
            // Both buckets full: evict a pseudo-random slot of one of them (xorshift, a
            // random walk), and go on with the evicted key.
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let bucket = if rng & 1 == 0 { c0 } else { c1 };
            let victim = bucket * SLOTS + (rng >> 1) as usize % SLOTS;
            core::mem::swap(&mut slots[victim], &mut current);
        }
        if !placed {
            return Ok(None);
        }
    }
    Ok(Some(slots))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn entry(i: u64) -> Entry {
        let mut bytes = [0u8; 32];
        // Spread over the whole space like SHA-256 outputs.
        let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xdead_beef;
        for chunk in bytes.chunks_exact_mut(8) {
            x ^= x >> 31;
            x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        Entry {
            digest: KeyDigest::from_bytes(bytes),
            project: i,
            expires_at: NEVER,
            kind: KeyKind::Secret,
        }
    }

    #[test]
    fn every_key_placed_and_found_at_its_position() {
        for n in [0usize, 1, 2, 5, 100, 20_000] {
            let entries: Vec<Entry> = (0..n as u64).map(entry).collect();
            let index = Index::build(&entries).unwrap();
            assert_eq!(index.len(), n);
            for e in &entries {
                let found = index.lookup(&e.digest);
                assert_eq!(found.present, 1);
                assert_eq!(found.project, e.project);
                assert_eq!(found.kind, KeyKind::Secret as u8);
                let (choice, slot) = index.position(&e.digest).unwrap();
                assert!(choice < 2 && slot < SLOTS);
            }
            let absent = entry(n as u64 + 1);
            assert_eq!(index.lookup(&absent.digest).present, 0);
            assert_eq!(index.position(&absent.digest), None);
            // The load stays within the bound the memory figures assume.
            let slots = index.buckets.len() * SLOTS;
            assert!(
                n < 100 || (n as f64) / (slots as f64) > MAX_LOAD * 0.8,
                "{n} in {slots}"
            );
        }
    }

    #[test]
    fn expiry_boundaries() {
        let found = |expires_at| Found {
            present: 1,
            project: 1,
            expires_at,
            kind: 1,
        };
        for (expires_at, now, expired) in [
            (100, 99, false),
            (100, 100, true),
            (100, u64::MAX, true),
            (0, 0, true),
            (u64::MAX - 1, u64::MAX - 2, false),
            (u64::MAX - 1, u64::MAX, true),
            (NEVER, u64::MAX, false),
            (NEVER, 0, false),
        ] {
            let got = bool::from(found(expires_at).expired(now));
            assert_eq!(got, expired, "{expires_at} {now}");
            assert_eq!(found(expires_at).expired_bit(now), u8::from(expired));
        }
    }

    #[test]
    fn near_miss_is_absent() {
        let entries: Vec<Entry> = (0..1000).map(entry).collect();
        let index = Index::build(&entries).unwrap();
        for e in &entries {
            for byte in [0, 15, 16, 31] {
                let mut d = *e.digest.as_bytes();
                d[byte] ^= 0x80;
                assert_eq!(index.lookup(&KeyDigest::from_bytes(d)).present, 0);
            }
        }
    }

    #[test]
    fn an_all_zero_digest_never_matches_an_empty_slot() {
        let entries: Vec<Entry> = (0..7).map(entry).collect();
        let index = Index::build(&entries).unwrap();
        assert!(index
            .buckets
            .iter()
            .any(|b| b.fields[KIND].to_array().contains(&0)));
        let found = index.lookup(&KeyDigest::from_bytes([0; 32]));
        assert_eq!((found.present, found.project, found.kind), (0, 0, 0));
        assert_eq!(found.expires_at, NEVER);
    }

    #[test]
    fn duplicate_found_even_after_evictions() {
        let mut entries: Vec<Entry> = (0..5000).map(entry).collect();
        let mut dup = entries[17];
        dup.project = 99_999;
        entries.push(dup);
        assert_eq!(
            Index::build(&entries).err(),
            Some(BuildError::DuplicateKey {
                first: 17,
                second: 99_999
            })
        );
    }
}
