//! The GAN's own training loop (docs/MODEL.md §4), what it reads, how it samples and what it
//! reports.

mod adversarial;
mod data;
mod sampler;
mod stats;
#[cfg(test)]
mod tests;
mod trainer;

pub use data::{
    GanCorpus, NextItemBatch, clip_windows, in_catalogue, next_item_batch, random_window,
};
pub use sampler::{GanSampler, SyntheticSequence, keep_above};
pub use stats::{GanEpochReport, GanPhase, GanStepStats};
pub use trainer::{GanError, GanTrainer};
