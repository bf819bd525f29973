//! The constant-time primitives, in one place for review.
//!
//! Everything in picket-core that touches a secret without branching on it goes through
//! this module: the check of a key's body bytes ([`lower_hex_flags`]), the comparison of
//! 32-byte digests and hashes ([`ct_eq_32`]), and the comparison of two registry buckets
//! against a presented digest ([`bucket_pair_masks`]). Each folds its data into a word (or
//! a vector of lane masks) with plain arithmetic, on words or on vector lanes, and passes
//! only that through `subtle`'s optimisation barrier.
//!
//! As with `subtle`, this is best effort: the compiler is not bound to preserve it, so it
//! is measured (`ct/`, the dudect harness).

use subtle::{Choice, ConstantTimeEq};
use wide::u32x4;

/// Checks a key's 32-digit body for lowercase hex, eight bytes at a time, without a branch
/// on any byte.
///
/// Returns 0 when every byte is `[0-9a-f]`, else a word with the top bit of each offending
/// byte set (in one of the four words, OR-ed together). SWAR arithmetic: with `x` a byte's
/// low seven bits, `x + (0x80 - c)` has its top bit set exactly when `x >= c`, and never
/// carries into the next byte (`x <= 0x7f`, `0x80 - c <= 0x80`); a byte whose own top bit
/// is set is never hex. Which byte is wrong is searched for only after a failure.
#[inline(always)]
pub(crate) fn lower_hex_flags(body: &[u8; 32]) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut flags = 0u64;
    for chunk in body.chunks_exact(8) {
        let w = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let x = w & !HIGH;
        // Top bit of each byte: x >= c.
        let at_least = |c: u8| x.wrapping_add(LOW * u64::from(0x80 - c)) & HIGH;
        let digit = at_least(b'0') & !at_least(b'9' + 1);
        let lower = at_least(b'a') & !at_least(b'f' + 1);
        flags |= !(digit | lower) & HIGH | (w & HIGH);
    }
    flags
}

/// The XOR-fold of two 32-byte values: 0 exactly when they are equal. No barrier yet.
#[inline(always)]
fn xor_fold_32(a: &[u8; 32], b: &[u8; 32]) -> u64 {
    let mut acc = 0u64;
    for (a, b) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let a = u64::from_ne_bytes([a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]]);
        let b = u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        acc |= a ^ b;
    }
    acc
}

/// Constant-time equality of two 32-byte values: XOR-fold into one word, then one
/// `subtle` comparison (a single optimisation barrier instead of one per byte).
#[inline]
pub(crate) fn ct_eq_32(a: &[u8; 32], b: &[u8; 32]) -> Choice {
    xor_fold_32(a, b).ct_eq(&0)
}

/// Compares every slot of two registry buckets with `digest` and returns, for each
/// bucket, a vector with an all-ones lane for each slot that holds `digest` and a zero lane
/// for every other.
///
/// A bucket is transposed (`slots[w]` holds word `w` of every slot's digest, one slot a
/// lane), so each of the eight words is one vector XOR for all four slots, ORed together,
/// and the fold becomes a lane mask by arithmetic: every word of every slot is compared
/// whatever the outcome of the others, with no branch. The two masks pass through `subtle`'s optimisation barrier once (one barrier
/// per lookup); callers select with them (AND, OR), never branch on them. Occupancy is the
/// caller's: an empty slot is all zeros and matches only the all-zero digest.
#[inline(always)]
pub(crate) fn bucket_pair_masks(pair: [&[u32x4; 8]; 2], digest: &[u32; 8]) -> [u32x4; 2] {
    let words = digest.map(u32x4::splat);
    let masks = pair.map(|slots| {
        // Per lane, the OR of the XORs of the eight words: 0 exactly when the slot holds
        // the digest.
        let diff = slots
            .iter()
            .zip(words)
            .fold(u32x4::ZERO, |diff, (slot_words, word)| {
                diff | (*slot_words ^ word)
            });
        // Per lane, 1 when `diff != 0` (the top bit of `diff | -diff`), then minus one:
        // all ones for a match, 0 otherwise. Arithmetic only, on every target (`wide`'s
        // compare falls back to `if` where it has no vector unit).
        ((diff | (u32x4::ZERO - diff)) >> 31) - u32x4::ONE
    });
    subtle::BlackBox::new(masks).get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_hex_flags_matches_std_for_every_byte_at_every_position() {
        let valid = *b"0123456789abcdef0123456789abcdef";
        assert_eq!(lower_hex_flags(&valid), 0);
        for b in 0..=255u8 {
            let hex = matches!(b, b'0'..=b'9' | b'a'..=b'f');
            for position in 0..32 {
                // Each neighbour once at either extreme, so that a carry or borrow across
                // bytes would show.
                for neighbour in [b'0', b'f', b'9', b'a'] {
                    let mut body = [neighbour; 32];
                    body[position] = b;
                    let flags = lower_hex_flags(&body);
                    assert_eq!(flags != 0, !hex, "byte {b:#04x} at {position}");
                    if !hex {
                        assert_eq!(flags, 0x80 << (8 * (position % 8)), "{b:#04x} {position}");
                    }
                }
            }
        }
    }

    #[test]
    fn ct_eq_32_sees_every_bit() {
        let base = [0x5a; 32];
        assert!(bool::from(ct_eq_32(&base, &base)));
        for i in 0..32 {
            for bit in 0..8 {
                let mut other = base;
                other[i] ^= 1 << bit;
                assert!(!bool::from(ct_eq_32(&base, &other)), "{i}/{bit}");
            }
        }
    }

    /// The four slots of a bucket holding `slots`, transposed.
    fn bucket(slots: [[u32; 8]; 4]) -> [u32x4; 8] {
        core::array::from_fn(|w| u32x4::new(slots.map(|slot| slot[w])))
    }

    #[test]
    fn bucket_pair_masks_sees_every_slot_and_every_bit() {
        let d = [7u32, 8, 9, 10, 11, 12, 13, 14];
        let mut near = d;
        near[7] ^= 1;
        let first = bucket([near, d, [0; 8], near]);
        let second = bucket([[0; 8], [0; 8], near, d]);
        let [a, b] = bucket_pair_masks([&first, &second], &d);
        assert_eq!(a.to_array(), [0, u32::MAX, 0, 0]);
        assert_eq!(b.to_array(), [0, 0, 0, u32::MAX]);
        // A difference in any bit of any word is seen.
        for word in 0..8 {
            for bit in 0..32 {
                let mut other = d;
                other[word] ^= 1 << bit;
                let far = bucket([other; 4]);
                let [a, b] = bucket_pair_masks([&far, &far], &d);
                assert_eq!(
                    (a.to_array(), b.to_array()),
                    ([0; 4], [0; 4]),
                    "{word}/{bit}"
                );
            }
        }
        // Every slot position reports its own lane.
        for slot in 0..8 {
            let mut slots = [[near; 4]; 2];
            slots[slot / 4][slot % 4] = d;
            let [a, b] = bucket_pair_masks([&bucket(slots[0]), &bucket(slots[1])], &d);
            let mut want = [[0u32; 4]; 2];
            want[slot / 4][slot % 4] = u32::MAX;
            assert_eq!([a.to_array(), b.to_array()], want);
        }
    }
}
