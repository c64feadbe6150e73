//! What the GAN reads: windows of training sequences, a held-back set for the monitors, and
//! the next-item batches of its losses (docs/MODEL.md §4).
//!
//! Only the training part of a [`Split`] ever enters here, so neither the generator, the
//! discriminator nor a generated prefix can see a validation or test item.

use crate::data::Split;
use crate::model::tokens::TokenMatrix;
use crate::rng::SplitMix64;

/// Stream of [`SplitMix64::for_stream`] that decides which users are held back.
const HELD_BACK_STREAM: u64 = 0x4845_4c44; // "HELD"
/// Stream of the held-back windows.
const HELD_BACK_WINDOWS_STREAM: u64 = 0x5749_4e44; // "WIND"

/// The GAN's view of the training split.
#[derive(Clone, Debug)]
pub struct GanCorpus {
    /// Every user's training sequence (`split.train`, nothing else).
    sequences: Vec<Vec<u32>>,
    /// Users (≥ 2 training items) the GAN trains on.
    training_users: Vec<usize>,
    /// Users (≥ 2 training items) kept out of GAN training, the monitors' real reference.
    held_back_users: Vec<usize>,
    /// `allowed[item]`: the item occurs in a GAN-training sequence, so it may be generated.
    allowed: Vec<bool>,
    /// `min(length, window)` of every GAN-training user: generated lengths are drawn from it.
    window_lengths: Vec<usize>,
    window: usize,
    seed: u64,
}

impl GanCorpus {
    /// Reads `split.train` only. Each user with at least two training items is held back with
    /// probability `held_back_share`, decided by `seed` alone (a user's fate does not depend on
    /// the others); if that would leave no GAN-training user, nobody is held back.
    pub fn new(
        split: &Split,
        n_items: usize,
        window: usize,
        held_back_share: f64,
        seed: u64,
    ) -> Self {
        let mut training_users = Vec::new();
        let mut held_back_users = Vec::new();
        for (user, sequence) in split.train.iter().enumerate() {
            if sequence.len() < 2 {
                continue;
            }
            let draw = SplitMix64::for_stream(seed ^ HELD_BACK_STREAM, user as u64).next_f64();
            if draw < held_back_share {
                held_back_users.push(user);
            } else {
                training_users.push(user);
            }
        }
        if training_users.is_empty() {
            training_users = std::mem::take(&mut held_back_users);
        }
        let mut allowed = vec![false; n_items];
        for &user in &training_users {
            for &item in &split.train[user] {
                if let Some(slot) = allowed.get_mut(item as usize) {
                    *slot = true;
                }
            }
        }
        let window_lengths = training_users
            .iter()
            .map(|&user| split.train[user].len().min(window))
            .collect();
        Self {
            sequences: split.train.clone(),
            training_users,
            held_back_users,
            allowed,
            window_lengths,
            window,
            seed,
        }
    }

    /// Users the GAN trains on (indices into the split).
    pub fn training_users(&self) -> &[usize] {
        &self.training_users
    }

    /// Users kept out of GAN training (indices into the split).
    pub fn held_back_users(&self) -> &[usize] {
        &self.held_back_users
    }

    /// A user's training sequence (empty for an unknown user).
    pub fn sequence(&self, user: usize) -> &[u32] {
        self.sequences.get(user).map_or(&[], Vec::as_slice)
    }

    /// The training sequences of the GAN-training users (what memorisation is measured against).
    pub fn training_sequences(&self) -> Vec<Vec<u32>> {
        self.training_users
            .iter()
            .map(|&user| self.sequence(user).to_vec())
            .collect()
    }

    /// Every user's training sequence, indexed by user: prefixes for [`super::sampler::GanSampler::generate`].
    pub fn all_training_sequences(&self) -> &[Vec<u32>] {
        &self.sequences
    }

    /// `allowed[item]`: whether the generator may produce `item` (it occurs in GAN training).
    pub fn allowed_items(&self) -> &[bool] {
        &self.allowed
    }

    /// The window length W.
    pub fn window(&self) -> usize {
        self.window
    }

    /// `count` random windows of random GAN-training users (drawn with replacement).
    pub fn sample_windows(&self, count: usize, rng: &mut SplitMix64) -> Vec<Vec<u32>> {
        (0..count)
            .filter_map(|_| {
                let pick = rng.below(self.training_users.len() as u64) as usize;
                let user = *self.training_users.get(pick)?;
                Some(random_window(self.sequence(user), self.window, rng))
            })
            .collect()
    }

    /// One random window of each GAN-training user in a shuffled order, at most `limit`.
    pub fn epoch_windows(&self, limit: usize, rng: &mut SplitMix64) -> Vec<Vec<u32>> {
        let mut users = self.training_users.clone();
        for i in (1..users.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            users.swap(i, j);
        }
        users.truncate(limit);
        users
            .iter()
            .map(|&user| random_window(self.sequence(user), self.window, rng))
            .collect()
    }

    /// One window of each held-back user, drawn like the training windows from a fixed stream
    /// of the corpus seed (the same windows on every call).
    pub fn held_back_windows(&self) -> Vec<Vec<u32>> {
        let mut rng = SplitMix64::for_stream(self.seed, HELD_BACK_WINDOWS_STREAM);
        self.held_back_users
            .iter()
            .map(|&user| random_window(self.sequence(user), self.window, &mut rng))
            .collect()
    }

    /// A sequence length drawn from the GAN-training users' window lengths (at least 2).
    pub fn sample_length(&self, rng: &mut SplitMix64) -> usize {
        let pick = rng.below(self.window_lengths.len() as u64) as usize;
        self.window_lengths.get(pick).copied().unwrap_or(2).max(2)
    }
}

/// A contiguous run of `min(window, len)` items of `sequence` starting at a uniform position.
pub fn random_window(sequence: &[u32], window: usize, rng: &mut SplitMix64) -> Vec<u32> {
    let len = sequence.len().min(window);
    let start = rng.below((sequence.len() - len + 1) as u64) as usize;
    sequence[start..start + len].to_vec()
}

/// The last `window` items of each sequence that has at least two items, all below `n_items`
/// (other sequences are dropped).
pub fn clip_windows(sequences: &[Vec<u32>], window: usize, n_items: usize) -> Vec<Vec<u32>> {
    sequences
        .iter()
        .filter(|s| s.len() >= 2 && in_catalogue(s, n_items))
        .map(|s| s[s.len().saturating_sub(window)..].to_vec())
        .collect()
}

/// Whether every item of `sequence` is below `n_items`.
pub fn in_catalogue(sequence: &[u32], n_items: usize) -> bool {
    sequence.iter().all(|&item| (item as usize) < n_items)
}

/// Next-item prediction over whole sequences: inputs `s[..L−1]`, targets `s[1..]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextItemBatch {
    /// `[rows, len]` left-padded inputs.
    pub tokens: TokenMatrix,
    /// Flat indices `row * len + column` of the scored positions.
    pub positions: Vec<i64>,
    /// The next item (0-based) at each scored position.
    pub targets: Vec<i64>,
    /// The row (sequence) of each scored position.
    pub rows: Vec<usize>,
}

/// Builds the batch for `sequences` (each at most `max_len + 1` items; longer ones lose their
/// oldest inputs). Only targets at index ≥ `first_targets[i]` of sequence `i` are scored (the
/// generated part of a synthetic sequence); `None` scores every target (index ≥ 1).
pub fn next_item_batch(
    sequences: &[Vec<u32>],
    first_targets: Option<&[usize]>,
    max_len: usize,
) -> NextItemBatch {
    let inputs: Vec<&[u32]> = sequences
        .iter()
        .map(|s| &s[..s.len().saturating_sub(1)])
        .collect();
    let tokens = TokenMatrix::left_padded(&inputs, max_len);
    let len = tokens.len;
    let mut batch = NextItemBatch {
        tokens,
        positions: Vec::new(),
        targets: Vec::new(),
        rows: Vec::new(),
    };
    for (row, sequence) in sequences.iter().enumerate() {
        let first = first_targets
            .and_then(|f| f.get(row).copied())
            .unwrap_or(1)
            .max(1);
        // Target index k sits at input index k − 1; kept inputs are the last `len` ones.
        let kept = sequence.len().saturating_sub(1).min(len);
        let first_kept_target = sequence.len() - kept;
        for k in first.max(first_kept_target)..sequence.len() {
            let column = len - (sequence.len() - k);
            batch.positions.push((row * len + column) as i64);
            batch.targets.push(i64::from(sequence[k]));
            batch.rows.push(row);
        }
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn batch_scores_only_the_asked_targets() {
        let sequences = vec![vec![5, 6, 7, 8], vec![1, 2]];
        let all = next_item_batch(&sequences, None, 10);
        // Inputs [5,6,7] and [1] → tokens [6,7,8] and [0,0,2].
        assert_eq!(all.tokens.tokens, vec![6, 7, 8, 0, 0, 2]);
        assert_eq!(all.positions, vec![0, 1, 2, 5]);
        assert_eq!(all.targets, vec![6, 7, 8, 2]);
        assert_eq!(all.rows, vec![0, 0, 0, 1]);
        // Generated part starts at index 2 of the first sequence and 1 of the second.
        let generated = next_item_batch(&sequences, Some(&[2, 1]), 10);
        assert_eq!(generated.positions, vec![1, 2, 5]);
        assert_eq!(generated.targets, vec![7, 8, 2]);
        // A too-long sequence keeps its last inputs: inputs [6,7] (max_len 2), targets 7, 8.
        let clipped = next_item_batch(&sequences[..1], None, 2);
        assert_eq!(clipped.tokens.tokens, vec![7, 8]);
        assert_eq!(
            (clipped.positions, clipped.targets),
            (vec![0, 1], vec![7, 8])
        );
    }

    #[test]
    fn corpus_reads_training_items_only_and_holds_back_by_seed() {
        // Items 90.. only in validation/test.
        let sequences: Vec<Vec<u32>> = (0..200u32)
            .map(|u| vec![u % 7, (u + 1) % 7, 90 + u % 3, 95])
            .collect();
        let split = leave_one_out(&sequences);
        let corpus = GanCorpus::new(&split, 100, 20, 0.25, 1);
        assert!(corpus.allowed_items()[..7].iter().all(|&a| a));
        assert!(corpus.allowed_items()[7..].iter().all(|&a| !a));
        let held = corpus.held_back_users().len();
        assert!((25..75).contains(&held), "{held}");
        assert_eq!(held + corpus.training_users().len(), 200);
        assert_eq!(
            GanCorpus::new(&split, 100, 20, 0.25, 1).held_back_users(),
            corpus.held_back_users()
        );
        assert_ne!(
            GanCorpus::new(&split, 100, 20, 0.25, 2).held_back_users(),
            corpus.held_back_users()
        );
        let mut rng = SplitMix64::new(3);
        let windows = corpus.sample_windows(50, &mut rng);
        assert!(windows.iter().flatten().all(|&i| i < 7));
        assert_eq!(corpus.held_back_windows(), corpus.held_back_windows());
        assert_eq!(corpus.sample_length(&mut rng), 2);
        // Everyone held back → nobody is.
        let all = GanCorpus::new(&split, 100, 20, 0.999_999, 1);
        assert_eq!(
            (all.training_users().len(), all.held_back_users().len()),
            (200, 0)
        );
    }

    #[test]
    fn windows_are_contiguous_runs() {
        let sequence: Vec<u32> = (0..30).collect();
        let mut rng = SplitMix64::new(8);
        for _ in 0..20 {
            let w = random_window(&sequence, 5, &mut rng);
            assert_eq!(w.len(), 5);
            assert!(w.windows(2).all(|p| p[1] == p[0] + 1));
        }
        assert_eq!(random_window(&[4, 5], 5, &mut rng), vec![4, 5]);
        assert_eq!(
            clip_windows(&[vec![1], vec![1, 2, 3], vec![1, 9]], 2, 9),
            vec![vec![2, 3]]
        );
    }
}
