//! The GAN's own training loop (docs/MODEL.md §4): a hand-written two-optimiser loop (as burn's
//! `wgan` example), generator G and discriminator D each with its own Adam.
//!
//! Schedule, one [`GanTrainer::run_epoch`] per recommender epoch: the first
//! `pretrain_epochs` epochs train G by maximum likelihood on random training windows; then,
//! once, `discriminator_pretrain_steps` D-only rounds; then every epoch runs
//! `adversarial_rounds_per_epoch` rounds of D step(s) + one policy-gradient G step. Between
//! epochs the caller draws samples with [`GanTrainer::sampler`] (`synthesize`, `quality`).
//!
//! Everything is seeded: initial weights ([`crate::model::gan::seeded_init`]), windows, prefixes
//! and samples come from SplitMix64 streams of the seed. Dropout (when > 0) draws from the
//! backend's random state, which the caller seeds with the device. A NaN loss is returned as a
//! value (and its update skipped): the caller stops the run.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::data::{GanCorpus, NextItemBatch, clip_windows, next_item_batch};
use super::sampler::{GanSampler, SyntheticSequence, keep_above};
use super::stats::{GanEpochReport, GanPhase, MeanStats};
use crate::data::Split;
use crate::eval::popularity_counts;
use crate::model::gan::{Discriminator, Generator};
use crate::rng::SplitMix64;
use crate::settings::{GanConfig, InvalidGanConfig};
use crate::train::readback::HostReads;
use crate::train::trainers::new_optimizer;

/// Why the GAN cannot start.
#[derive(Debug, thiserror::Error)]
pub enum GanError {
    /// A setting cannot work.
    #[error(transparent)]
    Config(#[from] InvalidGanConfig),
    /// The data has too little for the GAN.
    #[error("not enough data for the GAN: {0}")]
    NotEnoughData(String),
    /// A training sequence names an item outside the catalogue.
    #[error("training item {item} is outside the catalogue of {n_items} items")]
    ItemOutOfRange {
        /// The offending item index.
        item: u32,
        /// Catalogue size given to the GAN.
        n_items: usize,
    },
}

/// Stream of the trainer's own generator (windows, prefixes, sampling seeds).
const TRAINER_STREAM: u64 = 0x4741_4e54; // "GANT"

/// G, D, their optimisers and the corpus they learn from.
pub struct GanTrainer {
    pub(super) config: GanConfig,
    /// Autodiff version of the device the caller gave.
    pub(super) device: Device,
    pub(super) generator: Generator,
    pub(super) discriminator: Discriminator,
    pub(super) generator_optimizer: ModuleOptimizer,
    pub(super) discriminator_optimizer: ModuleOptimizer,
    pub(super) corpus: GanCorpus,
    pub(super) rng: SplitMix64,
    /// Moving-average reward baseline (None before the first G step).
    pub(super) baseline: Option<f64>,
    pub(super) epochs_done: usize,
    pub(super) discriminator_warmed_up: bool,
    /// Every read of a tensor back to the host the GAN makes (losses, generated sequences,
    /// discriminator scores), counted.
    pub(super) reads: HostReads,
}

impl GanTrainer {
    /// A fresh GAN for `n_items` items on `device` (any burn device; its autodiff version is
    /// used), learning from `split.train` only. Fails on an invalid config or when no user has
    /// two training items.
    pub fn new(
        config: &GanConfig,
        split: &Split,
        n_items: usize,
        device: &Device,
        seed: u64,
    ) -> Result<Self, GanError> {
        config.validate()?;
        if n_items == 0 {
            return Err(GanError::NotEnoughData("the catalogue is empty".into()));
        }
        if let Some(&item) = split
            .train
            .iter()
            .flatten()
            .find(|&&i| i as usize >= n_items)
        {
            return Err(GanError::ItemOutOfRange { item, n_items });
        }
        let corpus = GanCorpus::new(split, n_items, config.window, config.held_back_share, seed);
        if corpus.training_users().is_empty() {
            return Err(GanError::NotEnoughData(
                "no user has two or more training interactions".into(),
            ));
        }
        let device = device.clone().autodiff();
        let counts = popularity_counts(&corpus.training_sequences(), n_items);
        Ok(Self {
            generator: Generator::new(config, n_items, seed ^ 0x47, &device)
                .with_popularity_prior(&counts),
            discriminator: Discriminator::new(config, n_items, seed ^ 0x44, &device),
            generator_optimizer: new_optimizer(),
            discriminator_optimizer: new_optimizer(),
            config: config.clone(),
            device,
            corpus,
            rng: SplitMix64::for_stream(seed, TRAINER_STREAM),
            baseline: None,
            epochs_done: 0,
            discriminator_warmed_up: false,
            reads: HostReads::new(),
        })
    }

    /// The GAN's reads of tensors back to the host so far.
    pub fn host_reads(&self) -> &HostReads {
        &self.reads
    }

    /// The settings.
    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    /// What the GAN learns from (training users, held-back users, windows).
    pub fn corpus(&self) -> &GanCorpus {
        &self.corpus
    }

    /// Epochs run so far.
    pub fn epochs_done(&self) -> usize {
        self.epochs_done
    }

    /// The phase the next [`Self::run_epoch`] runs.
    pub fn next_phase(&self) -> GanPhase {
        if self.epochs_done < self.config.pretrain_epochs {
            GanPhase::Pretrain
        } else {
            GanPhase::Adversarial
        }
    }

    /// The generator and discriminator in inference mode, for generation and monitors.
    pub fn sampler(&self) -> GanSampler<'_> {
        GanSampler::new(
            &self.config,
            &self.corpus,
            &self.generator,
            &self.discriminator,
            &self.reads,
        )
    }

    /// Shorthand for [`GanSampler::generate`]: `count` continuations of random runs of
    /// `prefixes` (training sequences only), scored by D.
    pub fn generate(
        &self,
        prefixes: &[Vec<u32>],
        count: usize,
        rng: &mut SplitMix64,
    ) -> Vec<SyntheticSequence> {
        self.sampler().generate(prefixes, count, rng)
    }

    /// Shorthand for [`GanSampler::filter_by_discriminator`]: keeps D(x) ≥ `keep_threshold`.
    pub fn filter_by_discriminator(
        &self,
        sequences: Vec<SyntheticSequence>,
    ) -> Vec<SyntheticSequence> {
        keep_above(sequences, self.config.keep_threshold)
    }

    /// The generator (inference copy), e.g. to checkpoint it.
    pub fn generator(&self) -> Generator {
        self.generator.valid()
    }

    /// The generator's and the discriminator's optimisers, e.g. to checkpoint their state.
    pub fn optimizers(&self) -> (&ModuleOptimizer, &ModuleOptimizer) {
        (&self.generator_optimizer, &self.discriminator_optimizer)
    }

    /// The optimisers, to give them a saved state (a resumed run; see [`Self::optimizers`])
    /// after [`Self::restore`] gave G and D their weights.
    pub fn optimizers_mut(&mut self) -> (&mut ModuleOptimizer, &mut ModuleOptimizer) {
        (
            &mut self.generator_optimizer,
            &mut self.discriminator_optimizer,
        )
    }

    /// Goes on from a checkpoint (a resumed run): `load` gives G and D their saved weights,
    /// and the schedule counts `epochs_done` epochs as run, so a finished MLE pretraining and
    /// D warm-up are not repeated. The reward baseline starts fresh; the optimisers too,
    /// unless their state is restored through [`Self::optimizers_mut`].
    pub fn restore<E>(
        &mut self,
        load: impl FnOnce(Generator, Discriminator) -> Result<(Generator, Discriminator), E>,
        epochs_done: usize,
    ) -> Result<(), E> {
        let (generator, discriminator) = load(self.generator.clone(), self.discriminator.clone())?;
        self.generator = generator;
        self.discriminator = discriminator;
        self.epochs_done = epochs_done;
        self.discriminator_warmed_up = epochs_done > self.config.pretrain_epochs;
        Ok(())
    }

    /// The discriminator (inference copy), e.g. to checkpoint it.
    pub fn discriminator(&self) -> Discriminator {
        self.discriminator.valid()
    }

    /// `count` random training windows of GAN-training users, from the trainer's stream.
    pub fn sample_windows(&mut self, count: usize) -> Vec<Vec<u32>> {
        self.corpus.sample_windows(count, &mut self.rng)
    }

    /// Runs the next epoch of the schedule (see the module docs) and reports its mean losses.
    /// Stops early, with the NaN in the report, when a loss is not finite.
    pub fn run_epoch(&mut self) -> GanEpochReport {
        let phase = self.next_phase();
        self.epochs_done += 1;
        let mut mle = MeanStats::default();
        let mut adversarial = MeanStats::default();
        let mut windows_used = 0;
        match phase {
            GanPhase::Pretrain => {
                let windows = self
                    .corpus
                    .epoch_windows(self.config.max_windows_per_epoch, &mut self.rng);
                for batch in windows.chunks(self.config.batch_size) {
                    let loss = self.pretrain_step(batch);
                    windows_used += batch.len();
                    mle.add_value(loss);
                    if !loss.is_finite() {
                        break;
                    }
                }
            }
            GanPhase::Adversarial => {
                if !self.discriminator_warmed_up {
                    self.discriminator_warmed_up = true;
                    for _ in 0..self.config.discriminator_pretrain_steps {
                        let real = self.sample_windows(self.config.batch_size);
                        let stats = self.discriminator_round(&real);
                        windows_used += real.len();
                        if !stats.d_loss.is_finite() {
                            return GanEpochReport::new(
                                self.epochs_done,
                                phase,
                                windows_used,
                                stats.d_loss,
                                Some(stats),
                            );
                        }
                    }
                }
                for _ in 0..self.config.adversarial_rounds_per_epoch {
                    let real = self.sample_windows(self.config.batch_size);
                    let stats = self.adversarial_round(&real);
                    windows_used += real.len();
                    mle.add_value(stats.mle_loss);
                    let finite = stats.is_finite();
                    adversarial.add(&stats);
                    if !finite {
                        break;
                    }
                }
            }
        }
        GanEpochReport::new(
            self.epochs_done,
            phase,
            windows_used,
            mle.value(),
            adversarial.stats(),
        )
    }

    /// One maximum-likelihood Adam step of G on `windows` (each cut to its last W items; those
    /// with fewer than two items are skipped). Returns the mean next-item cross-entropy before
    /// the update: NaN when not finite (no update), 0 when no window had two items.
    pub fn pretrain_step(&mut self, windows: &[Vec<u32>]) -> f64 {
        let windows = clip_windows(windows, self.config.window, self.generator.n_items());
        if windows.is_empty() {
            return 0.0;
        }
        let batch = next_item_batch(&windows, None, self.config.window);
        let loss = self.generator_losses(&batch).mean();
        let value = self.read_scalar(loss.clone());
        if value.is_finite() {
            self.step_generator(loss);
        }
        value
    }

    /// Mean next-item cross-entropy of G (inference mode, no update) on `windows` (cut to
    /// their last W items; fewer than two items skipped), e.g. on
    /// [`GanCorpus::held_back_windows`] to watch the generator generalise. NaN when nothing could
    /// be scored.
    pub fn evaluate_mle(&self, windows: &[Vec<u32>]) -> f64 {
        let generator = self.generator.valid();
        let device = generator.device();
        let windows = clip_windows(windows, self.config.window, self.generator.n_items());
        let (mut sum, mut count) = (0.0, 0usize);
        for chunk in windows.chunks(self.config.batch_size.max(1)) {
            let batch = next_item_batch(chunk, None, self.config.window);
            let n = batch.targets.len();
            let positions =
                Tensor::<1, Int>::from_data(TensorData::new(batch.positions, [n]), &device);
            let targets = Tensor::<1, Int>::from_data(TensorData::new(batch.targets, [n]), &device);
            let losses =
                generator.position_losses(batch.tokens.to_tensor(&device), positions, targets);
            sum += self.read_scalar(losses.sum());
            count += n;
        }
        if count == 0 {
            f64::NAN
        } else {
            sum / count as f64
        }
    }

    /// `−log π(target)` at every scored position of `batch`, `[n]`, on the autodiff device.
    pub(super) fn generator_losses(&self, batch: &NextItemBatch) -> Tensor<1> {
        let n = batch.targets.len();
        let positions = Tensor::<1, Int>::from_data(
            TensorData::new(batch.positions.clone(), [n]),
            &self.device,
        );
        let targets =
            Tensor::<1, Int>::from_data(TensorData::new(batch.targets.clone(), [n]), &self.device);
        self.generator
            .position_losses(batch.tokens.to_tensor(&self.device), positions, targets)
    }

    /// The value of a one-element tensor, read through the GAN's counter (NaN when it cannot
    /// be read back).
    pub(super) fn read_scalar(&self, tensor: Tensor<1>) -> f64 {
        self.reads
            .floats(tensor)
            .ok()
            .and_then(|values| values.first().copied())
            .map_or(f64::NAN, f64::from)
    }

    pub(super) fn step_generator(&mut self, loss: Tensor<1>) {
        let gradients = GradientsParams::from_grads(loss.backward(), &self.generator);
        self.generator = self.generator_optimizer.step(
            self.config.generator_lr,
            self.generator.clone(),
            gradients,
        );
    }
}
