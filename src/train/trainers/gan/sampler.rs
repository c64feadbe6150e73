//! Generating synthetic sequences with a trained GAN, scoring and filtering them, and
//! measuring their quality (docs/MODEL.md §4).

use burn::module::Module;
use burn::tensor::{Int, Tensor};
use serde::{Deserialize, Serialize};

use super::data::{GanCorpus, in_catalogue};
use crate::eval::synthetic::{SyntheticQuality, synthetic_quality};
use crate::model::gan::{Discriminator, Generator, SamplingOptions, continue_sequences};
use crate::model::tokens::TokenMatrix;
use crate::rng::SplitMix64;
use crate::settings::GanConfig;
use crate::train::readback::HostReads;

/// Sequences per generator or discriminator pass while generating and scoring.
const INFERENCE_BATCH: usize = 256;

/// One generated sequence: a real training prefix and its sampled continuation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyntheticSequence {
    /// Index, into the prefixes passed to [`GanSampler::generate`] (for
    /// [`GanSampler::generate_from_training`]: the user), of the sequence the prefix came from.
    pub source: usize,
    /// Item indices, oldest first: `items[..prefix_len]` are real, the rest generated.
    pub items: Vec<u32>,
    /// How many leading items are the real prefix (≥ 1, < `items.len()`).
    pub prefix_len: usize,
    /// D(x): the discriminator's probability that the sequence is real (NaN if unreadable).
    pub d_score: f32,
}

/// Inference copies of G and D with what generation needs. Build one with
/// [`super::GanTrainer::sampler`], or from checkpointed modules with [`GanSampler::new`].
pub struct GanSampler<'a> {
    generator: Generator,
    discriminator: Discriminator,
    config: &'a GanConfig,
    corpus: &'a GanCorpus,
    /// Where the generated sequences and D's scores are read back, counted.
    reads: &'a HostReads,
}

impl<'a> GanSampler<'a> {
    /// Wraps `generator` and `discriminator` (switched to inference mode here) for `corpus`,
    /// built from the same split, config window and seed as in training; every read back goes
    /// through `reads`.
    pub fn new(
        config: &'a GanConfig,
        corpus: &'a GanCorpus,
        generator: &Generator,
        discriminator: &Discriminator,
        reads: &'a HostReads,
    ) -> Self {
        Self {
            generator: generator.valid(),
            discriminator: discriminator.valid(),
            config,
            corpus,
            reads,
        }
    }

    /// `count` synthetic sequences continuing random prefixes of `prefixes`, which must be
    /// **training** sequences (e.g. `split.train`; never validation or test items).
    ///
    /// Per sequence: a source among the non-empty prefixes (those naming an item outside the
    /// catalogue are skipped), uniformly; a total length drawn
    /// from the GAN-training window lengths (the real training length distribution capped at
    /// W, at least 2); a prefix length uniform in 1..=min(max_prefix, length − 1, source
    /// length); a contiguous run of that length from the source, at a uniform start; then the
    /// generator samples the rest (temperature from the config, only items seen in GAN training).
    /// Each sequence is scored by D. Sequences whose sampling failed (NaN probabilities) are
    /// left out, so fewer than `count` can come back.
    pub fn generate(
        &self,
        prefixes: &[Vec<u32>],
        count: usize,
        rng: &mut SplitMix64,
    ) -> Vec<SyntheticSequence> {
        let n_items = self.generator.n_items();
        let sources: Vec<usize> = (0..prefixes.len())
            .filter(|&i| !prefixes[i].is_empty() && in_catalogue(&prefixes[i], n_items))
            .collect();
        if sources.is_empty() {
            return Vec::new();
        }
        let mut picked = Vec::with_capacity(count);
        let mut sequences = Vec::with_capacity(count);
        let mut lengths = Vec::with_capacity(count);
        for _ in 0..count {
            let source = sources[rng.below(sources.len() as u64) as usize];
            let items = &prefixes[source];
            let length = self.corpus.sample_length(rng);
            let longest = self
                .config
                .max_prefix
                .min(length - 1)
                .min(items.len())
                .max(1);
            let prefix_len = 1 + rng.below(longest as u64) as usize;
            let start = rng.below((items.len() - prefix_len + 1) as u64) as usize;
            picked.push((source, prefix_len));
            sequences.push(items[start..start + prefix_len].to_vec());
            lengths.push(length);
        }
        self.continue_all(&mut sequences, &lengths, rng.next_u64());
        let scores = self.discriminator_scores(&sequences);
        sequences
            .into_iter()
            .zip(picked)
            .zip(scores)
            .filter(|((items, (_, prefix_len)), _)| items.len() > *prefix_len)
            .map(
                |((items, (source, prefix_len)), d_score)| SyntheticSequence {
                    source,
                    items,
                    prefix_len,
                    d_score,
                },
            )
            .collect()
    }

    /// [`Self::generate`] from the GAN-training users' training sequences (`source` = user).
    pub fn generate_from_training(
        &self,
        count: usize,
        rng: &mut SplitMix64,
    ) -> Vec<SyntheticSequence> {
        let users = self.corpus.training_users();
        let prefixes: Vec<Vec<u32>> = users
            .iter()
            .map(|&u| self.corpus.sequence(u).to_vec())
            .collect();
        let mut generated = self.generate(&prefixes, count, rng);
        for sequence in &mut generated {
            sequence.source = users
                .get(sequence.source)
                .copied()
                .unwrap_or(sequence.source);
        }
        generated
    }

    /// `synthetic_per_epoch` sequences from training prefixes, filtered by D: the samples the
    /// recommender gets this epoch.
    pub fn synthesize(&self, rng: &mut SplitMix64) -> Vec<SyntheticSequence> {
        self.filter_by_discriminator(
            self.generate_from_training(self.config.synthetic_per_epoch, rng),
        )
    }

    /// Keeps the sequences with D(x) ≥ `keep_threshold` (NaN scores are dropped).
    pub fn filter_by_discriminator(
        &self,
        sequences: Vec<SyntheticSequence>,
    ) -> Vec<SyntheticSequence> {
        keep_above(sequences, self.config.keep_threshold)
    }

    /// D(x) for each sequence (its last W items); NaN for a sequence that is empty or names an
    /// item outside the catalogue, or where the backend could not be read.
    pub fn discriminator_scores(&self, sequences: &[Vec<u32>]) -> Vec<f32> {
        let device = self.discriminator.device();
        let n_items = self.generator.n_items();
        let mut scores = vec![f32::NAN; sequences.len()];
        let usable: Vec<usize> = (0..sequences.len())
            .filter(|&i| !sequences[i].is_empty() && in_catalogue(&sequences[i], n_items))
            .collect();
        for chunk in usable.chunks(INFERENCE_BATCH) {
            let rows: Vec<&[u32]> = chunk.iter().map(|&i| sequences[i].as_slice()).collect();
            let tokens =
                TokenMatrix::left_padded(&rows, self.discriminator.max_len()).to_tensor(&device);
            let probabilities = self.discriminator.probabilities(tokens);
            if let Ok(values) = self.reads.floats(probabilities) {
                for (&i, value) in chunk.iter().zip(values) {
                    scores[i] = value;
                }
            }
        }
        scores
    }

    /// The monitors for `synthetic`, against the held-back users' windows (real) and the
    /// GAN-training sequences (memorisation, popularity).
    pub fn quality(&self, synthetic: &[SyntheticSequence]) -> SyntheticQuality {
        let items: Vec<Vec<u32>> = synthetic.iter().map(|s| s.items.clone()).collect();
        synthetic_quality(
            &self.corpus.held_back_windows(),
            &items,
            &self.corpus.training_sequences(),
            self.generator.n_items(),
        )
    }

    /// The generator (inference mode).
    pub fn generator(&self) -> &Generator {
        &self.generator
    }

    /// Samples continuations of `sequences` up to `lengths` with the config's temperature,
    /// items restricted to those seen in GAN training.
    pub(crate) fn continue_all(
        &self,
        sequences: &mut [Vec<u32>],
        lengths: &[usize],
        seed: u64,
    ) -> usize {
        let options = SamplingOptions {
            temperature: self.config.temperature,
            allowed: Some(self.corpus.allowed_items()),
            top_k: None,
            batch: INFERENCE_BATCH,
        };
        let mut read = |tensor: Tensor<2, Int>| self.reads.ints(tensor).ok();
        continue_sequences(
            &self.generator,
            sequences,
            lengths,
            &options,
            seed,
            &mut read,
        )
    }
}

/// Keeps the sequences with `d_score ≥ threshold` (NaN scores are dropped), in order.
pub fn keep_above(sequences: Vec<SyntheticSequence>, threshold: f64) -> Vec<SyntheticSequence> {
    sequences
        .into_iter()
        .filter(|s| f64::from(s.d_score) >= threshold)
        .collect()
}
