//! SeqUDA-Rec's trainer: the step's loss terms, the per-epoch GAN round and the recipe.

mod gan_round;
mod terms;
mod trainer;

pub use terms::graph_adjacency;
pub use trainer::SeqUdaRecipe;
