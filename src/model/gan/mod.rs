//! GAN sequence augmentation (docs/MODEL.md §4): a generator G that continues real training
//! prefixes, a discriminator D that tells real windows from generated ones, and the seeded
//! sampling between them. The training loop lives in the `train` layer (`train::trainers::gan`); the quality
//! monitors in the `eval` layer (`eval::synthetic`).

pub mod device_draw;
pub mod discriminator;
pub mod generator;
mod host_draw;
pub mod init;
pub mod sampling;

pub use discriminator::{Discriminator, discriminator_loss};
pub use generator::Generator;
pub use init::seeded_init;
pub use sampling::{ReadInts, SamplingOptions, continue_sequences, sample_index};
