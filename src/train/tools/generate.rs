//! `sequda generate`: synthetic sequences from a finished SeqUDA-Rec run's GAN checkpoints.

use crate::eval::synthetic::SyntheticQuality;
use crate::model::gan::{Discriminator, Generator};
use crate::rng::SplitMix64;
use crate::train::TrainError;
use crate::train::readback::HostReads;
use crate::train::run::OpenedRun;
use crate::train::run_folder::load_checkpoint;
use crate::train::run_folder::{DISCRIMINATOR_FILE, GENERATOR_FILE};
use crate::train::trainers::gan::{GanCorpus, GanSampler, SyntheticSequence};

/// Generated sequences with their quality against the held-back real windows.
pub struct Generated {
    /// The sequences (real training prefix + generated continuation), D(x) attached.
    pub sequences: Vec<SyntheticSequence>,
    /// Quality monitors of all of them.
    pub quality: SyntheticQuality,
}

/// Generates `count` sequences from `run`'s saved generator, continuing prefixes of training
/// sequences only, each scored by the saved discriminator (unfiltered).
pub fn generate_from_run(
    run: &OpenedRun,
    count: usize,
    seed: u64,
) -> Result<Generated, TrainError> {
    let train = &run.config.train;
    let settings = train.model.sequda_settings(&train.sequda);
    if !train.model.is_sequda() || !settings.gan {
        return Err(TrainError::Mismatch(format!(
            "{} has no GAN: it was trained as '{}' (use a run of --model sequda or sequda-no-cl / sequda-no-graph)",
            run.dir.root().display(),
            train.model
        )));
    }
    let gan = &settings.gan_settings;
    let n_items = run.dataset.n_items();
    let device = &run.device.device;
    let generator = load_checkpoint(
        Generator::new(gan, n_items, train.seed, device),
        &run.checkpoint_file(GENERATOR_FILE),
    )?;
    let discriminator = load_checkpoint(
        Discriminator::new(gan, n_items, train.seed, device),
        &run.checkpoint_file(DISCRIMINATOR_FILE),
    )?;
    let corpus = GanCorpus::new(
        &run.split,
        n_items,
        gan.window,
        gan.held_back_share,
        train.seed,
    );
    let reads = HostReads::new();
    let sampler = GanSampler::new(gan, &corpus, &generator, &discriminator, &reads);
    let mut rng = SplitMix64::new(seed);
    let sequences = sampler.generate_from_training(count, &mut rng);
    let quality = sampler.quality(&sequences);
    Ok(Generated { sequences, quality })
}
