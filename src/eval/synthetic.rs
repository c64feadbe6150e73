//! Quality monitors for GAN-generated sequences (docs/MODEL.md §4): how close synthetic sequences are
//! to real ones (Jensen–Shannon divergence of item popularity and of length), how varied they are
//! (distinct-n, mode collapse), how much they copy the training data (memorised share) and which
//! real sequence each one resembles most (nearest real sequence).
//!
//! Plain Rust (no burn): the GUI's synthetic-sequence pane and the training session call these
//! on item-index sequences. Item ids at or above `n_items` never panic; they are left out of the
//! popularity histograms and otherwise treated like any other id.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::popularity_counts;

/// Synthetic distinct-2 below this share of the real distinct-2 counts as mode collapse.
pub const MODE_COLLAPSE_RATIO: f64 = 0.5;

/// A synthetic memorised share above this multiple of the real one (and above
/// [`MEMORISATION_FLOOR`]) counts as memorisation.
pub const MEMORISATION_RATIO: f64 = 3.0;

/// Memorised shares at or below this are never reported, however small the real one: a few
/// verbatim copies are expected of any sampler on a catalogue with popular runs.
pub const MEMORISATION_FLOOR: f64 = 0.05;

/// Statistics of one set of sequences (real or synthetic).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetStatistics {
    /// Number of sequences in the set.
    pub sequences: usize,
    /// Mean sequence length (0 for an empty set).
    pub mean_length: f64,
    /// Distinct items / item occurrences, over the first
    /// [`SyntheticQuality::compared_sequences`] sequences of the set.
    pub distinct_1: f64,
    /// Distinct item bigrams / bigram occurrences (consecutive pairs), over the same sequences.
    pub distinct_2: f64,
    /// Share of the set's sequences that occur verbatim, as one contiguous run, inside some
    /// training sequence (the whole sequence is compared, real prefix included).
    pub memorised_share: f64,
    /// Jensen–Shannon divergence (base 2) between the item popularity of the same first
    /// [`SyntheticQuality::compared_sequences`] sequences and the training item popularity. The
    /// divergence of a finite sample from the full distribution grows as the sample shrinks
    /// (a few hundred sequences cannot cover ten thousand items), so only equal sizes compare.
    pub popularity_js_vs_training: f64,
}

/// How synthetic sequences compare with real ones.
///
/// `real` should be real sequences the generator did **not** train on (a held-back set), shaped
/// like the synthetic ones (e.g. windows of the same length cap): then its memorised share and
/// divergences are the baseline that the synthetic values are read against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyntheticQuality {
    /// Jensen–Shannon divergence (base 2, in [0, 1]) of item popularity, real vs synthetic,
    /// over the first [`Self::compared_sequences`] of each set (the whole sets when one is
    /// empty).
    pub popularity_js: f64,
    /// Jensen–Shannon divergence (base 2, in [0, 1]) of sequence length, real vs synthetic.
    pub length_js: f64,
    /// Sequences per set that distinct-n and the popularity divergences were computed on: the
    /// first `min(|real|, |synthetic|)` of each, because both move with the size of a corpus
    /// and only equal sizes compare.
    pub compared_sequences: usize,
    /// Statistics of the real (held-back) sequences.
    pub real: SetStatistics,
    /// Statistics of the synthetic sequences.
    pub synthetic: SetStatistics,
}

/// Computes every monitor for `synthetic` against `real`, with memorisation and popularity
/// measured against `training` (the sequences the generator learned from).
pub fn synthetic_quality(
    real: &[Vec<u32>],
    synthetic: &[Vec<u32>],
    training: &[Vec<u32>],
    n_items: usize,
) -> SyntheticQuality {
    let compared = real.len().min(synthetic.len());
    // The first `compared` sequences of a set, or all of it when the other set is empty.
    let matched =
        |set: &'_ [Vec<u32>]| -> usize { if compared > 0 { compared } else { set.len() } };
    let index = RunIndex::new(training);
    let training_popularity = item_histogram(training, n_items);
    let real_popularity = item_histogram(&real[..matched(real)], n_items);
    let synthetic_popularity = item_histogram(&synthetic[..matched(synthetic)], n_items);
    let statistics = |set: &[Vec<u32>], popularity: &[f64]| SetStatistics {
        sequences: set.len(),
        mean_length: mean_length(set),
        distinct_1: distinct_n(&set[..compared], 1),
        distinct_2: distinct_n(&set[..compared], 2),
        memorised_share: index.memorised_share(set),
        popularity_js_vs_training: js_divergence(popularity, &training_popularity),
    };
    SyntheticQuality {
        popularity_js: js_divergence(&real_popularity, &synthetic_popularity),
        length_js: js_divergence(&length_histogram(real), &length_histogram(synthetic)),
        compared_sequences: compared,
        real: statistics(real, &real_popularity),
        synthetic: statistics(synthetic, &synthetic_popularity),
    }
}

/// `true` when the synthetic sequences are far less varied than the real ones: synthetic
/// distinct-2 below [`MODE_COLLAPSE_RATIO`] × real distinct-2. Never true when the real set has
/// no bigram to compare with.
pub fn mode_collapse(quality: &SyntheticQuality) -> bool {
    quality.real.distinct_2 > 0.0
        && quality.synthetic.distinct_2 < MODE_COLLAPSE_RATIO * quality.real.distinct_2
}

/// `true` when the generator copies its training data: the share of synthetic sequences found
/// verbatim in training is above [`MEMORISATION_FLOOR`] and above [`MEMORISATION_RATIO`] × the
/// share of held-back real sequences found there (real users repeat popular runs too).
pub fn memorisation(quality: &SyntheticQuality) -> bool {
    let synthetic = quality.synthetic.memorised_share;
    synthetic > MEMORISATION_FLOOR && synthetic > MEMORISATION_RATIO * quality.real.memorised_share
}

/// Jensen–Shannon divergence in bits (base 2, so in [0, 1]) between two non-negative weight
/// vectors, each normalised to a distribution first; the shorter one is padded with zeros.
///
/// Conventions for degenerate input: two empty (all-zero) vectors give 0, one empty vector
/// gives 1 (nothing in common). Negative or non-finite weights count as 0.
pub fn js_divergence(p: &[f64], q: &[f64]) -> f64 {
    let clean = |w: f64| if w.is_finite() && w > 0.0 { w } else { 0.0 };
    let p_total: f64 = p.iter().copied().map(clean).sum();
    let q_total: f64 = q.iter().copied().map(clean).sum();
    match (p_total > 0.0, q_total > 0.0) {
        (false, false) => return 0.0,
        (true, false) | (false, true) => return 1.0,
        (true, true) => {}
    }
    let mut divergence = 0.0;
    for i in 0..p.len().max(q.len()) {
        let a = p.get(i).copied().map_or(0.0, clean) / p_total;
        let b = q.get(i).copied().map_or(0.0, clean) / q_total;
        let m = 0.5 * (a + b);
        if a > 0.0 {
            divergence += 0.5 * a * (a / m).log2();
        }
        if b > 0.0 {
            divergence += 0.5 * b * (b / m).log2();
        }
    }
    divergence.clamp(0.0, 1.0)
}

/// Distinct n-grams / n-gram occurrences over all `sequences` (n-grams are contiguous runs
/// inside one sequence; a sequence shorter than `n` has none). 0 when there is no n-gram.
pub fn distinct_n(sequences: &[Vec<u32>], n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let mut distinct: HashSet<&[u32]> = HashSet::new();
    let mut total = 0usize;
    for sequence in sequences {
        for gram in sequence.windows(n) {
            distinct.insert(gram);
            total += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        distinct.len() as f64 / total as f64
    }
}

/// Share of `sequences` that occur verbatim, as one contiguous run, inside some sequence of
/// `training`. Empty sequences never count as memorised; 0 for an empty set.
pub fn memorised_share(sequences: &[Vec<u32>], training: &[Vec<u32>]) -> f64 {
    RunIndex::new(training).memorised_share(sequences)
}

/// The `k` training sequences most similar to `sequence`, best first, as
/// `(index into training, similarity)`.
///
/// Similarity is the Jaccard index of the two item sets, |A ∩ B| / |A ∪ B| in [0, 1] (order
/// ignored, so it finds users with the same tastes; [`longest_common_run`] measures copying).
/// Sequences with nothing in common (similarity 0) are left out; ties go to the lower index.
pub fn nearest_real(sequence: &[u32], training: &[Vec<u32>], k: usize) -> Vec<(usize, f64)> {
    let items: HashSet<u32> = sequence.iter().copied().collect();
    if items.is_empty() || k == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(usize, f64)> = training
        .iter()
        .enumerate()
        .filter_map(|(index, other)| {
            let other: HashSet<u32> = other.iter().copied().collect();
            let common = items.intersection(&other).count();
            (common > 0).then(|| {
                let union = items.len() + other.len() - common;
                (index, common as f64 / union as f64)
            })
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}

/// Length of the longest contiguous run of items that `a` and `b` share (longest common
/// substring), e.g. to show how much of a synthetic sequence was copied from a real one.
pub fn longest_common_run(a: &[u32], b: &[u32]) -> usize {
    // previous[j] = length of the common run ending at a[i-1], b[j-1].
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    let mut best = 0;
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            current[j + 1] = if x == y { previous[j] + 1 } else { 0 };
            best = best.max(current[j + 1]);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    best
}

/// Occurrences of each item over `sequences`, `[n_items]`; ids `>= n_items` are left out.
fn item_histogram(sequences: &[Vec<u32>], n_items: usize) -> Vec<f64> {
    popularity_counts(sequences, n_items)
        .into_iter()
        .map(|count| count as f64)
        .collect()
}

/// Number of sequences of each length, `[longest + 1]`.
fn length_histogram(sequences: &[Vec<u32>]) -> Vec<f64> {
    let longest = sequences.iter().map(Vec::len).max().unwrap_or(0);
    let mut counts = vec![0.0; longest + 1];
    for sequence in sequences {
        counts[sequence.len()] += 1.0;
    }
    counts
}

fn mean_length(sequences: &[Vec<u32>]) -> f64 {
    if sequences.is_empty() {
        return 0.0;
    }
    sequences.iter().map(Vec::len).sum::<usize>() as f64 / sequences.len() as f64
}

/// Where each item occurs in the training sequences, to find verbatim runs quickly.
struct RunIndex<'a> {
    training: &'a [Vec<u32>],
    /// item → (sequence, position) of every occurrence.
    occurrences: HashMap<u32, Vec<(usize, usize)>>,
}

impl<'a> RunIndex<'a> {
    fn new(training: &'a [Vec<u32>]) -> Self {
        let mut occurrences: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for (row, sequence) in training.iter().enumerate() {
            for (position, &item) in sequence.iter().enumerate() {
                occurrences.entry(item).or_default().push((row, position));
            }
        }
        Self {
            training,
            occurrences,
        }
    }

    /// Whether `run` occurs contiguously in some training sequence (false when empty).
    fn contains(&self, run: &[u32]) -> bool {
        let Some(first) = run.first() else {
            return false;
        };
        self.occurrences.get(first).is_some_and(|places| {
            places.iter().any(|&(row, start)| {
                self.training
                    .get(row)
                    .and_then(|sequence| sequence.get(start..start + run.len()))
                    .is_some_and(|candidate| candidate == run)
            })
        })
    }

    fn memorised_share(&self, sequences: &[Vec<u32>]) -> f64 {
        if sequences.is_empty() {
            return 0.0;
        }
        let copied = sequences.iter().filter(|s| self.contains(s)).count();
        copied as f64 / sequences.len() as f64
    }
}

#[cfg(test)]
#[path = "synthetic_tests.rs"]
mod tests;
