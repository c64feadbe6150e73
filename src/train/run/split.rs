//! The training split a run uses: leave-one-out (docs/MODEL.md §1), optionally with a share of
//! every user's training interactions dropped (the sparsity stress test, docs/MODEL.md §6).

use crate::data::{Split, leave_one_out};
use crate::rng::SplitMix64;

/// Leave-one-out split of `sequences` with `drop_share` of each user's training items
/// removed (order kept; validation and test untouched). Deterministic in `seed`.
pub fn training_split(sequences: &[Vec<u32>], drop_share: f64, seed: u64) -> Split {
    let mut split = leave_one_out(sequences);
    if drop_share > 0.0 {
        let threshold = drop_share.clamp(0.0, 1.0);
        for (user, train) in split.train.iter_mut().enumerate() {
            let mut rng = SplitMix64::for_stream(seed ^ 0x5350_4152_5345, user as u64);
            train.retain(|_| rng.next_f64() >= threshold);
        }
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_about_the_share_and_keeps_held_out_items() {
        let sequences: Vec<Vec<u32>> = (0..200)
            .map(|u| (0..22).map(|i| (u + i) % 50).collect())
            .collect();
        let full = training_split(&sequences, 0.0, 1);
        let sparse = training_split(&sequences, 0.3, 1);
        assert_eq!(full.valid, sparse.valid);
        assert_eq!(full.test, sparse.test);
        let kept = sparse.n_train_interactions() as f64 / full.n_train_interactions() as f64;
        assert!((kept - 0.7).abs() < 0.05, "kept {kept}");
        assert_eq!(sparse.train, training_split(&sequences, 0.3, 1).train);
        // Kept items are a subsequence of the original, in order.
        for (a, b) in sparse.train.iter().zip(&full.train) {
            let mut rest = b.iter();
            assert!(a.iter().all(|x| rest.any(|y| y == x)));
        }
    }
}
