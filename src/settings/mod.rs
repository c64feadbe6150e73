//! Settings as plain serde types: what a run folder's `config.toml` holds, what the window
//! edits and what the command line sets. No burn, no egui: `model` and `train` read these
//! types, `ui` edits them, and every check of a value that cannot work lives here.

mod device;
mod encoder;
mod gan;
mod invalid;
mod loss;
mod mixing;
mod run;
mod schedule;
mod sequda;
mod train;

pub use device::DeviceChoice;
pub use encoder::{EncoderConfig, Positional};
pub use gan::{AdversarialMethod, GanConfig, InvalidGanConfig, SyntheticWeighting};
pub use invalid::InvalidConfig;
pub use loss::{
    AUTO_SAMPLED_ABOVE_ITEMS, LossChoice, NegativeSource, ResolvedLoss, SampledLossConfig,
};
pub use mixing::Mixing;
pub use run::{DataSource, RunConfig};
pub use schedule::{LrSchedule, ScheduleKind};
pub use sequda::SeqUdaConfig;
pub use train::{ModelKind, TrainConfig};
