//! The constant-time primitives, in one place for review.
//!
//! Everything in picket-core that touches a secret without branching on it goes through
//! this module: the classification of a key's body bytes ([`classify`]), the comparison of
//! 32-byte digests and hashes ([`ct_eq_32`]), and the comparison of one registry bucket
//! against a presented digest ([`bucket_pair_hits`]). Each folds its data into a word with
//! plain arithmetic and passes only that word through `subtle`'s optimisation barrier.
//!
//! As with `subtle`, this is best effort: the compiler is not bound to preserve it, so it
//! is measured (`ct/`, the dudect harness).

use subtle::{Choice, ConstantTimeEq};

/// Classifies one body byte without branches on its value.
///
/// Returns `(bad, upper)` where `bad` is 1 when the byte is not `[0-9a-fA-F]` and `upper`
/// is 1 when it is `[A-F]`. Only comparisons turned into arithmetic are used, so the time
/// taken does not depend on the byte.
#[inline(always)]
pub(crate) fn classify(b: u8) -> (u8, u8) {
    // `in_range(x, lo, hi)` is 1 when lo <= x <= hi, computed with wrapping arithmetic on u16
    // so that no branch depends on x.
    #[inline(always)]
    fn in_range(x: u8, lo: u8, hi: u8) -> u8 {
        let x = x as u16;
        let ge = ((x.wrapping_sub(lo as u16)) >> 15) ^ 1; // x >= lo
        let le = (((hi as u16).wrapping_sub(x)) >> 15) ^ 1; // x <= hi
        (ge & le) as u8
    }
    let digit = in_range(b, b'0', b'9');
    let lower = in_range(b, b'a', b'f');
    let upper = in_range(b, b'A', b'F');
    ((digit | lower | upper) ^ 1, upper)
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

/// Compares every slot of two registry buckets with `digest` and returns one bit per slot
/// (bit `s` for slot `s` of the first bucket, bit `N + s` of the second): whether it holds
/// `digest` and is occupied (`kinds[slot] != 0`). All `2 × N` slots are compared in full
/// whatever the outcome of the others; each folds into one bit with plain arithmetic, and
/// the mask of all of them passes through `subtle`'s optimisation barrier once (one barrier
/// per lookup instead of one per slot). Callers turn bits into all-ones/all-zero masks with
/// [`mask_of`] and select with them, never branch on them.
#[inline(always)]
pub(crate) fn bucket_pair_hits<const N: usize>(
    pair: [(&[[u8; 32]; N], &[u8; N]); 2],
    digest: &[u8; 32],
) -> u32 {
    debug_assert!(2 * N <= 32);
    let mut hits = 0u32;
    for (k, (slots, kinds)) in pair.into_iter().enumerate() {
        for i in 0..N {
            // 1 when the slot is empty (kind 0), computed without a comparison.
            let empty = u64::from(kinds[i]).wrapping_sub(1) >> 63;
            let diff = xor_fold_32(&slots[i], digest) | empty;
            // 1 exactly when `diff == 0`: the top bit of `diff | -diff` is set otherwise.
            let hit = ((diff | diff.wrapping_neg()) >> 63) ^ 1;
            hits |= (hit as u32) << (k * N + i);
        }
    }
    subtle::BlackBox::new(hits).get()
}

/// `if_set` when the low bit of `bit` is 1, else `otherwise`: a masked select, no branch.
#[inline(always)]
pub(crate) fn select_u8(bit: u8, if_set: u8, otherwise: u8) -> u8 {
    let m = 0u8.wrapping_sub(bit & 1);
    (if_set & m) | (otherwise & !m)
}

/// 1 when `a != b`, else 0, with plain arithmetic (the top bit of `x | -x`).
#[inline(always)]
pub(crate) fn ne_bit_u8(a: u8, b: u8) -> u8 {
    let x = a ^ b;
    (x | x.wrapping_neg()) >> 7
}

/// All ones when bit `bit` of `bits` is set, else zero: a selection mask, no branch.
#[inline(always)]
pub(crate) fn mask_of(bits: u32, bit: usize) -> u64 {
    0u64.wrapping_sub(u64::from((bits >> bit) & 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_matches_std() {
        for b in 0..=255u8 {
            let (bad, upper) = classify(b);
            assert_eq!(bad == 1, !b.is_ascii_hexdigit(), "{b}");
            assert_eq!(upper == 1, (b'A'..=b'F').contains(&b), "{b}");
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

    #[test]
    fn bucket_pair_hits_needs_digest_and_occupancy() {
        let d = [7u8; 32];
        let mut near = d;
        near[31] ^= 1;
        let first = [near, d, d, [0; 32]];
        let second = [[0; 32], [0; 32], near, d];
        let got = bucket_pair_hits([(&first, &[1, 2, 0, 255]), (&second, &[0, 0, 1, 1])], &d);
        // Bucket 1: slot 1 (slot 2 holds the digest but is empty; slot 3 another digest).
        // Bucket 2: slot 3 (bit 4 + 3).
        assert_eq!(got, 1 << 1 | 1 << 7);
        // An all-zero digest never matches an empty (zeroed) slot.
        let zero = [[0; 32]; 4];
        assert_eq!(
            bucket_pair_hits([(&zero, &[0; 4]), (&zero, &[0; 4])], &[0; 32]),
            0
        );
        // A difference in any bit of any slot's digest is seen.
        for byte in 0..32 {
            for bit in 0..8 {
                let mut other = d;
                other[byte] ^= 1 << bit;
                let slots = [other; 4];
                assert_eq!(
                    bucket_pair_hits([(&slots, &[1; 4]), (&slots, &[1; 4])], &d),
                    0
                );
            }
        }
    }

    #[test]
    fn select_and_ne_bits() {
        for a in 0..=255u8 {
            assert_eq!(select_u8(1, a, !a), a);
            assert_eq!(select_u8(0, a, !a), !a);
            assert_eq!(select_u8(2, a, !a), !a, "only the low bit selects");
            for b in [0, 1, 0x7f, 0x80, 0xff, a] {
                assert_eq!(ne_bit_u8(a, b), u8::from(a != b), "{a} {b}");
            }
        }
    }

    #[test]
    fn mask_of_each_bit() {
        for bit in 0..32 {
            assert_eq!(mask_of(1 << bit, bit), u64::MAX);
            assert_eq!(mask_of(!(1u32 << bit), bit), 0);
        }
    }
}
