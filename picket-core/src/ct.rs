//! The constant-time primitives, in one place for review.
//!
//! Everything in picket-core that touches a secret without branching on it goes through
//! this module: the classification of a key's body bytes ([`classify`]), the comparison of
//! 32-byte digests and hashes ([`ct_eq_32`]), and the comparison of one registry bucket
//! against a presented digest ([`bucket_matches`]). Each folds its data into a word with
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

/// Compares every slot of a registry bucket with `digest`: for each slot, whether it
/// holds `digest` and is occupied (`kinds[slot] != 0`). All slots are compared whatever
/// the outcome of the others; nothing branches on the data.
#[inline(always)]
pub(crate) fn bucket_matches<const N: usize>(
    slots: &[[u8; 32]; N],
    kinds: &[u8; N],
    digest: &[u8; 32],
) -> [Choice; N] {
    core::array::from_fn(|i| {
        // 1 when the slot is empty (kind 0), computed without a comparison; one barrier
        // (`ct_eq`) per slot.
        let empty = u64::from(kinds[i]).wrapping_sub(1) >> 63;
        (xor_fold_32(&slots[i], digest) | empty).ct_eq(&0)
    })
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
    fn bucket_matches_needs_digest_and_occupancy() {
        let d = [7u8; 32];
        let mut near = d;
        near[31] ^= 1;
        let slots = [near, d, d, [0; 32]];
        let got = bucket_matches(&slots, &[1, 2, 0, 255], &d).map(bool::from);
        // Slot 2 holds the digest but is empty; slot 3 is occupied by another digest.
        assert_eq!(got, [false, true, false, false]);
        // An all-zero digest never matches an empty (zeroed) slot.
        let none = bucket_matches(&[[0; 32]; 4], &[0; 4], &[0; 32]).map(bool::from);
        assert_eq!(none, [false; 4]);
    }
}
