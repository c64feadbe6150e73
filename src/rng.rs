//! The crate's one pseudo-random number generator: SplitMix64 (Steele, Lea & Flood 2014), with
//! integer-only helpers. Not cryptographic; 64-bit state, passes BigCrush, fully reproducible on
//! every platform and Rust version (no `rand` crate).
//!
//! Everything seeded in the app draws from it: the bundled sample data (`data::synth`, whose
//! bytes must never change: it uses only the integer helpers and [`SplitMix64::offset_stream`]),
//! negative sampling and the bootstrap (`eval`), the GAN's sampling and initial weights, user
//! shuffling and the sparsity split (`train`).

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a strong 64-bit mixer (bijective).
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    /// The Weyl-sequence state, advanced by the golden-ratio increment on every draw.
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// An independent-looking generator for sub-stream `stream` of `seed` (e.g. one per case), so
    /// results depend on `(seed, stream)` only, not on processing order or block size.
    pub fn for_stream(seed: u64, stream: u64) -> Self {
        Self::new(mix64(seed ^ mix64(stream.wrapping_add(GOLDEN_GAMMA))))
    }

    /// Stream `stream` of the master seed `seed`, derived as the bundled sample data's generator
    /// derives one per user (so adding users or changing the catalogue leaves the other streams
    /// untouched). Kept apart from [`Self::for_stream`] because the sample data's bytes depend on
    /// this exact derivation.
    pub fn offset_stream(seed: u64, stream: u64) -> Self {
        let mut mixer = Self::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let first = mixer.next_u64();
        Self::new(first ^ stream.rotate_left(32))
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire's method); 0 when `n == 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut product = u128::from(self.next_u64()) * u128::from(n);
        if (product as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u64) < threshold {
                product = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as u64
    }

    /// Uniform float in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform index in `0..len`; 0 when `len` is 0.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `per_mille / 1000` (values above 1000 count as 1000).
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// An index drawn with probability proportional to `weights`; uniform when all weights are
    /// zero, and 0 when `weights` is empty.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total = weights.iter().fold(0u64, |sum, w| sum.saturating_add(*w));
        if total == 0 {
            return self.index(weights.len());
        }
        let mut ticket = self.below(total);
        for (i, weight) in weights.iter().enumerate() {
            if ticket < *weight {
                return i;
            }
            ticket -= weight;
        }
        weights.len() - 1
    }

    /// A Fisher–Yates shuffle of `items`.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

/// Held by the tests that seed the CPU backend or compare seeded runs bit for bit:
/// burn's flex backend keeps one generator for the whole process, so two such tests running
/// at once would draw from each other's stream.
#[cfg(test)]
pub(crate) fn seeded_test_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        // First outputs of SplitMix64 seeded with 1234567 (reference C implementation).
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        // Seeded with 0 (the published test vector).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn deterministic_and_streams_differ() {
        let draw = |mut r: SplitMix64| -> Vec<u64> { (0..5).map(|_| r.next_u64()).collect() };
        let a = draw(SplitMix64::for_stream(7, 3));
        assert_eq!(a, draw(SplitMix64::for_stream(7, 3)));
        assert_ne!(SplitMix64::for_stream(7, 4).next_u64(), a[0]);
        assert_ne!(SplitMix64::for_stream(8, 3).next_u64(), a[0]);
        let b = SplitMix64::offset_stream(7, 1).next_u64();
        assert_ne!(b, SplitMix64::offset_stream(7, 2).next_u64());
        assert_ne!(b, SplitMix64::offset_stream(8, 1).next_u64());
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = SplitMix64::new(42);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            let x = rng.below(7);
            counts[x as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
        for _ in 0..1000 {
            let f = rng.next_f64();
            assert!((0.0..1.0).contains(&f));
        }
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..500 {
            assert_eq!(rng.weighted(&[0, 5, 0]), 1);
        }
        assert_eq!(rng.weighted(&[]), 0);
    }
}
