//! A small deterministic random generator (SplitMix64) for the class schedule and the
//! fixtures. It is not a CSPRNG and needs not be: it only has to be unpredictable to the
//! code under test, and reproducible from a seed.

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`; the same seed gives the same sequence.
    ///
    /// ```
    /// let (mut a, mut b) = (picket_ct::rng::Rng::new(7), picket_ct::rng::Rng::new(7));
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    pub const fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut r = picket_ct::rng::Rng::new(0);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (multiply-high reduction; its bias, below n / 2^64, is irrelevant
    /// here). Returns 0 when `n` is 0.
    ///
    /// ```
    /// let mut r = picket_ct::rng::Rng::new(1);
    /// assert!((0..100).all(|_| r.below(3) < 3));
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// `N` random bytes.
    ///
    /// ```
    /// let bytes: [u8; 32] = picket_ct::rng::Rng::new(2).bytes();
    /// assert!(bytes.iter().any(|&b| b != 0));
    /// ```
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        core::array::from_fn(|_| self.next_u64() as u8)
    }

    /// `N` bytes drawn uniformly from `alphabet`.
    ///
    /// # Panics
    /// If `alphabet` is empty.
    ///
    /// ```
    /// let s: [u8; 8] = picket_ct::rng::Rng::new(3).string(b"ab");
    /// assert!(s.iter().all(|c| b"ab".contains(c)));
    /// ```
    pub fn string<const N: usize>(&mut self, alphabet: &[u8]) -> [u8; N] {
        assert!(!alphabet.is_empty(), "empty alphabet");
        core::array::from_fn(|_| alphabet[self.below(alphabet.len() as u64) as usize])
    }

    /// Shuffles `items` in place (Fisher-Yates).
    ///
    /// ```
    /// let mut v: Vec<u32> = (0..10).collect();
    /// picket_ct::rng::Rng::new(4).shuffle(&mut v);
    /// v.sort();
    /// assert_eq!(v, (0..10).collect::<Vec<_>>());
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (the reference C implementation).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut r = Rng::new(9);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[r.below(4) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(r.below(0), 0);
    }
}
