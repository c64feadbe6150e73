//! SeqUDA Studio: load a user-behaviour log, train the SeqUDA-Rec sequential recommender
//! (and its baselines) with burn, and evaluate it with a protocol that cannot flatter it.
//!
//! Layers, imports pointing down only: `ui` → `analysis` → `train` → `model` → `eval` → `data`.

pub mod analysis;
pub mod data;
pub mod eval;
pub mod kernels;
pub mod model;
pub mod train;
pub mod ui;
