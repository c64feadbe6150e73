//! The sampled loss's shared negatives, drawn on the host (docs/MODEL.md §2, "Sampled
//! softmax"): `N` items per step, with replacement, from one of three sources, each with the
//! log of its expected count `log(N q_j)` for the logQ correction.

use std::collections::HashMap;

use super::batches::TrainBatch;
use crate::rng::SplitMix64;
use crate::settings::{NegativeSource, SampledLossConfig};

/// Sub-stream of the run's seed that the negatives draw from (one generator per epoch).
const NEGATIVES_STREAM: u64 = 0x4E45_4741_5449_5645;

/// One step's negatives, shared by every position of the batch.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedNegatives {
    /// `[N]` 0-based items (repeats allowed: the draws are with replacement).
    pub items: Vec<i64>,
    /// `[N]` each draw's correction `log(N q_j)`, subtracted from its score; all 0 without
    /// the logQ correction.
    pub log_counts: Vec<f32>,
}

impl SharedNegatives {
    /// Every item of an `n_items` catalogue once, as `n_items` uniform draws would be in
    /// expectation: `log(N q) = log(n_items / n_items) = 0`, so the sampled loss equals the
    /// full softmax.
    pub fn every_item(n_items: usize) -> Self {
        Self {
            items: (0..n_items as i64).collect(),
            log_counts: vec![0.0; n_items],
        }
    }

    /// Number of draws, `N`.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing was drawn (a batch without positions).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Draws each step's [`SharedNegatives`] from the run's seed, one generator per epoch (so a
/// resumed run draws what the uninterrupted one would from its next epoch on).
#[derive(Clone, Debug)]
pub struct NegativeSampler {
    /// Negatives, source, share and correction.
    config: SampledLossConfig,
    /// Catalogue size.
    n_items: usize,
    /// Running sums of the items' training counts (popularity source only; empty otherwise).
    cumulative: Vec<u64>,
    /// The run's seed.
    seed: u64,
    /// This epoch's generator.
    rng: SplitMix64,
}

impl NegativeSampler {
    /// A sampler for a catalogue of `n_items` items; the popularity source counts each item's
    /// occurrences in the training sequences `train`.
    pub fn new(config: &SampledLossConfig, train: &[Vec<u32>], n_items: usize, seed: u64) -> Self {
        let cumulative = if config.source == NegativeSource::Popularity {
            let mut counts = vec![0u64; n_items];
            for &item in train.iter().flatten() {
                if let Some(count) = counts.get_mut(item as usize) {
                    *count += 1;
                }
            }
            counts
                .iter()
                .scan(0u64, |sum, &count| {
                    *sum += count;
                    Some(*sum)
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            config: config.clone(),
            n_items,
            cumulative,
            seed,
            rng: SplitMix64::for_stream(seed ^ NEGATIVES_STREAM, 0),
        }
    }

    /// Starts epoch `epoch`'s generator.
    pub fn begin_epoch(&mut self, epoch: usize) {
        self.rng = SplitMix64::for_stream(self.seed ^ NEGATIVES_STREAM, epoch as u64);
    }

    /// `N` negatives for the batch split into `batches` (the in-batch source draws among
    /// their listed targets; padded positions are never listed, so never drawn).
    pub fn draw(&mut self, batches: &[&TrainBatch]) -> SharedNegatives {
        let n = self.config.negatives;
        let (items, q): (Vec<i64>, Vec<f64>) = match self.config.source {
            NegativeSource::Uniform => {
                let q = 1.0 / self.n_items.max(1) as f64;
                (0..n)
                    .map(|_| (self.rng.index(self.n_items) as i64, q))
                    .unzip()
            }
            NegativeSource::Popularity => self.popularity_draws(n),
            NegativeSource::InBatch => in_batch_draws(&mut self.rng, batches, n),
        };
        let log_counts = q
            .iter()
            .map(|&q| {
                if self.config.logq_correction {
                    (n as f64 * q).ln() as f32
                } else {
                    0.0
                }
            })
            .collect();
        SharedNegatives { items, log_counts }
    }

    /// `n` draws, each by popularity with probability `popularity_share` and uniform
    /// otherwise, with `q_j = share · count_j / total + (1 − share) / n_items`.
    fn popularity_draws(&mut self, n: usize) -> (Vec<i64>, Vec<f64>) {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let share = if total == 0 {
            0.0
        } else {
            self.config.popularity_share
        };
        let uniform = 1.0 / self.n_items.max(1) as f64;
        (0..n)
            .map(|_| {
                let item = if self.rng.next_f64() < share {
                    let r = self.rng.below(total);
                    self.cumulative.partition_point(|&sum| sum <= r)
                } else {
                    self.rng.index(self.n_items)
                };
                let before = item.checked_sub(1).map_or(0, |i| self.cumulative[i]);
                let count = self.cumulative.get(item).map_or(0, |&sum| sum - before);
                let q = share * count as f64 / total.max(1) as f64 + (1.0 - share) * uniform;
                (item as i64, q)
            })
            .unzip()
    }
}

/// `n` draws among the listed targets of `batches`, each position equally likely, with
/// `q_j = (positions whose target is j) / positions`; nothing when no position is listed.
fn in_batch_draws(rng: &mut SplitMix64, batches: &[&TrainBatch], n: usize) -> (Vec<i64>, Vec<f64>) {
    let targets: Vec<i64> = batches
        .iter()
        .flat_map(|b| b.targets.iter().copied())
        .collect();
    if targets.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut counts: HashMap<i64, u32> = HashMap::new();
    for &target in &targets {
        *counts.entry(target).or_default() += 1;
    }
    let positions = targets.len() as f64;
    (0..n)
        .map(|_| {
            let item = targets[rng.index(targets.len())];
            (item, f64::from(counts[&item]) / positions)
        })
        .unzip()
}

#[cfg(test)]
#[path = "negatives_tests.rs"]
mod tests;
