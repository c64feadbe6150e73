//! The trainers: SASRec-CE ([`SasRecRecipe`]), SeqUDA-Rec ([`SeqUdaRecipe`]) and the GAN that
//! feeds it synthetic sequences ([`gan`]).

pub mod gan;
mod row_adam;
mod row_step;
mod sasrec;
mod sequda;

pub use row_adam::ItemRowAdam;
pub use row_step::{RowGradient, RowStep, row_sparse_step};
pub use sasrec::{
    SasRecRecipe, new_optimisation, new_optimizer, optimisation_step, optimisation_step_with,
};
pub use sequda::{SeqUdaRecipe, graph_adjacency};

/// The largest absolute difference between two equally long weight lists (this module's tests).
#[cfg(test)]
pub(crate) fn largest_gap(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max)
}
