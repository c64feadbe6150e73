//! The training session: one thread owns the model and the device; [`Command`]s in,
//! [`Event`]s out, and queries answered between steps with a read-only [`ModelView`].

mod control;
mod events;
mod query;
mod thread;

pub use control::{Control, Flow, ViewProvider};
pub use events::{
    Command, EpochReport, Event, LossValues, RunStatus, StepReport, SyntheticReport,
    SyntheticSample,
};
pub use query::{ModelView, QueryFn};
pub use thread::TrainingSession;
