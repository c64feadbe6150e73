//! The command-line arguments of issue #34's scale work: the next-item loss shared by
//! `train`, `experiment` and `bench`, and `data synth-scale`.

use std::path::PathBuf;

use clap::Args;

use super::values::at_least_one;
use sequda::settings::{LossChoice, NegativeSource};

/// The next-item loss, shared by `train`, `experiment` and `bench` (flags override
/// `--config`).
#[derive(Debug, Args, Clone, Default)]
pub struct LossArgs {
    /// auto (full softmax up to 40,000 items, sampled above), full or sampled
    /// [default: the --config file's, else auto].
    #[arg(long)]
    pub loss: Option<LossChoice>,
    /// Shared negatives per step for the sampled loss [default: 2048].
    #[arg(long, value_parser = at_least_one::<usize>)]
    pub negatives: Option<usize>,
    /// Where the sampled loss's negatives come from: popularity (half by training
    /// popularity, half uniform), uniform or in-batch [default: popularity].
    #[arg(long)]
    pub negative_source: Option<NegativeSource>,
}

/// `sequda data synth-scale`
#[derive(Debug, Args)]
pub struct SynthScaleArgs {
    /// The CSV file to write (`user_id,item_id,timestamp`).
    #[arg(long)]
    pub out: PathBuf,
    /// Users.
    #[arg(long, value_parser = at_least_one::<usize>)]
    pub users: usize,
    /// Catalogue size.
    #[arg(long, value_parser = at_least_one::<usize>)]
    pub items: usize,
    /// Total interactions (at least 3 per user).
    #[arg(long)]
    pub interactions: usize,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Zipf exponent of item popularity.
    #[arg(long, default_value_t = 1.0)]
    pub zipf: f64,
    /// Chance, per mille, that the next item is one of the previous item's fixed successors.
    #[arg(long, default_value_t = 500)]
    pub follow_per_mille: u32,
    /// Every item of the catalogue occurs at least once (rarely drawn items are otherwise
    /// missing; needs at least as many interactions as items).
    #[arg(long)]
    pub cover_catalogue: bool,
}
