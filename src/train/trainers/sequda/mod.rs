//! SeqUDA-Rec's trainer: the recipe (`trainer`), one optimisation step (`step`) with its loss
//! terms (`losses`, `same_target`, and the plain tensor functions in `terms`), the graph
//! contrast's perturbed `views`, and the per-epoch GAN round.

mod gan_round;
mod losses;
mod same_target;
mod same_target_index;
mod step;
mod tables;
mod terms;
#[cfg(test)]
mod tests;
mod trainer;
mod views;

pub use terms::graph_adjacency;
pub use trainer::SeqUdaRecipe;
