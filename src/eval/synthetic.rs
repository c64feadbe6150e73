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
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn js_divergence_reference_values() {
        assert!(close(
            js_divergence(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]),
            0.0
        ));
        assert!(close(js_divergence(&[1.0, 0.0], &[0.0, 5.0]), 1.0));
        // p = (1, 0), q = (½, ½), m = (¾, ¼): JS = ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2 2).
        let expected = 0.5 * (1.0_f64 / 0.75).log2()
            + 0.5 * (0.5 * (0.5_f64 / 0.75).log2() + 0.5 * (0.5_f64 / 0.25).log2());
        let got = js_divergence(&[1.0, 0.0], &[1.0, 1.0]);
        assert!(close(got, expected), "{got} vs {expected}");
        assert!((got - 0.311_278_124_459_132_8).abs() < 1e-12, "{got}");
        // Symmetric, padding, degenerate input.
        assert!(close(js_divergence(&[1.0, 1.0], &[1.0]), got));
        assert!(close(js_divergence(&[], &[]), 0.0));
        assert!(close(js_divergence(&[0.0], &[3.0]), 1.0));
        assert!(close(js_divergence(&[f64::NAN, 1.0], &[0.0, 1.0]), 0.0));
    }

    #[test]
    fn distinct_n_reference_values() {
        let sequences = vec![vec![1, 2, 1, 2], vec![1, 2], vec![7]];
        // Unigrams: 1,2,1,2,1,2,7 → 3 distinct of 7.
        assert!(close(distinct_n(&sequences, 1), 3.0 / 7.0));
        // Bigrams: (1,2),(2,1),(1,2),(1,2) → 2 distinct of 4.
        assert!(close(distinct_n(&sequences, 2), 0.5));
        assert!(close(distinct_n(&[vec![3]], 2), 0.0));
        assert!(close(distinct_n(&sequences, 0), 0.0));
    }

    #[test]
    fn memorised_share_finds_contiguous_runs_only() {
        let training = vec![vec![1, 2, 3, 4], vec![9, 8]];
        let synthetic = vec![
            vec![2, 3],    // run inside sequence 0
            vec![1, 3],    // items present but not contiguous
            vec![9, 8],    // a whole sequence
            vec![8, 9],    // reversed
            vec![],        // empty: never memorised
            vec![3, 4, 5], // runs past the end
        ];
        assert!(close(memorised_share(&synthetic, &training), 2.0 / 6.0));
        assert!(close(memorised_share(&[], &training), 0.0));
    }

    #[test]
    fn nearest_real_ranks_by_jaccard() {
        let training = vec![vec![1, 2, 3], vec![4, 5], vec![1, 2, 9, 9], vec![3, 1, 2]];
        let nearest = nearest_real(&[1, 2, 3], &training, 3);
        // 0 and 3 share all three items (1.0, tie → lower index first); 2: {1,2} of {1,2,3,9}.
        assert_eq!(
            nearest.iter().map(|n| n.0).collect::<Vec<_>>(),
            vec![0, 3, 2]
        );
        assert!(close(nearest[0].1, 1.0) && close(nearest[2].1, 0.5));
        // User 1 shares nothing and never appears.
        assert!(nearest_real(&[4], &training, 5).iter().all(|n| n.0 == 1));
        assert!(nearest_real(&[], &training, 5).is_empty());
    }

    #[test]
    fn longest_common_run_reference_values() {
        assert_eq!(longest_common_run(&[1, 2, 3, 4], &[0, 2, 3, 4, 1]), 3);
        assert_eq!(longest_common_run(&[1, 2], &[3]), 0);
        assert_eq!(longest_common_run(&[], &[1]), 0);
    }

    #[test]
    fn quality_of_a_copy_and_of_a_collapsed_generator() {
        let training = vec![vec![0, 1, 2, 3], vec![3, 2, 1, 0]];
        let real = vec![vec![0, 1, 2], vec![3, 2, 1]];
        let copy = synthetic_quality(&real, &real, &training, 4);
        assert!(close(copy.popularity_js, 0.0) && close(copy.length_js, 0.0));
        assert_eq!(copy.real, copy.synthetic);
        assert!(close(copy.real.memorised_share, 1.0));
        assert!(close(copy.real.distinct_2, 1.0));
        assert!(close(copy.real.mean_length, 3.0));
        assert!(!mode_collapse(&copy));

        // One repeated pair: distinct-2 = 1/4 of the real 1.0, popularity on items {0, 1} only,
        // lengths 2 vs 3 (disjoint), none of them in training as a run... except (0, 1).
        let collapsed = vec![vec![0, 1], vec![0, 1], vec![0, 1], vec![0, 1]];
        let quality = synthetic_quality(&real, &collapsed, &training, 4);
        assert_eq!(quality.compared_sequences, 2);
        assert!(close(quality.synthetic.distinct_2, 0.5), "{quality:?}");
        assert!(close(quality.synthetic.distinct_1, 0.5));
        assert!(close(quality.length_js, 1.0));
        assert!(close(quality.synthetic.memorised_share, 1.0));
        // real popularity (1,2,2,1)/6, synthetic (½,½,0,0): hand-computed JS.
        let p = [1.0 / 6.0, 2.0 / 6.0, 2.0 / 6.0, 1.0 / 6.0];
        let q = [0.5, 0.5, 0.0, 0.0];
        let mut expected = 0.0;
        for (a, b) in p.iter().zip(q) {
            let m: f64 = 0.5 * (a + b);
            expected += 0.5 * a * (a / m).log2();
            if b > 0.0 {
                expected += 0.5 * b * (b / m).log2();
            }
        }
        assert!(close(quality.popularity_js, expected));
        assert!(!mode_collapse(&quality), "0.5 is exactly half, not below");
        let worse = SyntheticQuality {
            synthetic: SetStatistics {
                distinct_2: 0.49,
                ..quality.synthetic.clone()
            },
            ..quality
        };
        assert!(mode_collapse(&worse));
    }

    #[test]
    fn memorisation_needs_both_the_floor_and_the_ratio() {
        let training = vec![vec![0, 1, 2, 3], vec![3, 2, 1, 0]];
        let real = vec![vec![0, 1, 2], vec![3, 2, 1]];
        let copy = synthetic_quality(&real, &real, &training, 4);
        assert!(
            !memorisation(&copy),
            "real users copy as much: not the generator's fault"
        );
        let with_shares = |synthetic: f64, real: f64| SyntheticQuality {
            synthetic: SetStatistics {
                memorised_share: synthetic,
                ..copy.synthetic.clone()
            },
            real: SetStatistics {
                memorised_share: real,
                ..copy.real.clone()
            },
            ..copy.clone()
        };
        // Beauty at half the data, epoch 47: 11.9% copied against 1.2% of real windows.
        assert!(memorisation(&with_shares(0.119, 0.012)));
        // Full Beauty, epoch 43: 1.6% against 0.4% is four times as much but below the floor.
        assert!(!memorisation(&with_shares(0.016, 0.004)));
        // Above the floor but within three times the real share.
        assert!(!memorisation(&with_shares(0.10, 0.04)));
        assert!(memorisation(&with_shares(0.06, 0.0)));
    }

    #[test]
    fn out_of_range_ids_and_empty_sets_do_not_panic() {
        let quality = synthetic_quality(&[], &[vec![1, 100]], &[vec![1]], 2);
        assert!(close(quality.popularity_js, 1.0));
        assert_eq!(quality.compared_sequences, 0);
        assert!(!mode_collapse(&quality));
        let empty = synthetic_quality(&[], &[], &[], 0);
        assert!(close(empty.popularity_js, 0.0) && close(empty.length_js, 0.0));
    }

    #[test]
    fn popularity_is_compared_on_equal_numbers_of_sequences() {
        let training: Vec<Vec<u32>> = (0..20).map(|u| vec![u % 10, (u + 3) % 10]).collect();
        let real: Vec<Vec<u32>> = (0..10).map(|u| vec![u, (u + 5) % 10]).collect();
        // The synthetic set is the real set's first two sequences: on equal sizes the two sets
        // are indistinguishable, whatever the rest of the real set holds.
        let synthetic = real[..2].to_vec();
        let quality = synthetic_quality(&real, &synthetic, &training, 10);
        assert_eq!(quality.compared_sequences, 2);
        assert!(close(quality.popularity_js, 0.0), "{quality:?}");
        assert!(close(
            quality.real.popularity_js_vs_training,
            quality.synthetic.popularity_js_vs_training
        ));
        // The whole real set covers every item and sits closer to training than its first two.
        let all_real = synthetic_quality(&real, &real, &training, 10);
        assert!(
            all_real.real.popularity_js_vs_training < quality.real.popularity_js_vs_training,
            "{all_real:?}"
        );
        // Sizes and lengths still describe the whole sets.
        assert_eq!(quality.real.sequences, 10);
    }
}
