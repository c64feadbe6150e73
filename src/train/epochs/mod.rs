//! The epoch loop every model shares and what it needs: the [`Recipe`] a trainer implements,
//! training batches in length groups, the grouped next-item loss (full or sampled, with the
//! sampled loss's shared negatives), and validation/test cases scored by a trained model.

mod batches;
mod epoch_loop;
mod evaluation;
mod grouped_loss;
mod host_scores;
mod model_scorer;
mod negatives;
mod recipe;
mod sampled_loss;
mod selection;
mod step_losses;
mod step_rows;

pub use batches::{LengthGroup, TrainBatch, build_batch, length_groups, trainable_users};
pub use epoch_loop::{LoopInputs, LoopOutcome, run_epochs};
pub use evaluation::{CaseInputs, SplitPart, evaluate_model};
pub use grouped_loss::{group_cross_entropy, group_loss, grouped_loss, listed_positions};
pub use model_scorer::{ModelScorer, best_outside};
pub use negatives::{NegativeSampler, SharedNegatives};
pub use recipe::Recipe;
pub use sampled_loss::{
    LossPlan, StepLoss, StepNegatives, next_item_sampled_cross_entropy, sampled_cross_entropy,
};
pub use selection::improves_on;
pub use step_losses::{PendingLosses, StepLosses};
pub use step_rows::StepRows;
