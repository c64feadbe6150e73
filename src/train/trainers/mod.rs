//! The trainers: SASRec-CE ([`SasRecRecipe`]), SeqUDA-Rec ([`SeqUdaRecipe`]) and the GAN that
//! feeds it synthetic sequences ([`gan`]).

pub mod gan;
mod sasrec;
mod sequda;

pub use sasrec::{
    SasRecRecipe, new_optimisation, new_optimizer, optimisation_step, optimisation_step_with,
};
pub use sequda::{SeqUdaRecipe, graph_adjacency};
