//! The epoch loop every model shares and what it needs: the [`Recipe`] a trainer implements,
//! training batches in length groups, the grouped next-item loss, and validation/test cases
//! scored by a trained model.

mod batches;
mod epoch_loop;
mod evaluation;
mod grouped_loss;
mod model_scorer;
mod recipe;
mod selection;

pub use batches::{LengthGroup, TrainBatch, build_batch, length_groups, trainable_users};
pub use epoch_loop::{LoopInputs, LoopOutcome, run_epochs};
pub use evaluation::{CaseInputs, SplitPart, evaluate_model};
pub use grouped_loss::{group_cross_entropy, grouped_cross_entropy, listed_positions};
pub use model_scorer::{ModelScorer, best_outside};
pub use recipe::Recipe;
pub use selection::improves_on;
