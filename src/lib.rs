//! SeqUDA Studio: load a user-behaviour log, train the SeqUDA-Rec sequential recommender
//! (and its baselines) with burn, and evaluate it with a protocol that cannot flatter it.
//!
//! Layers, imports pointing down only (docs/ARCHITECTURE.md; `tests/layering.rs` enforces it):
//! `ui` → `studio` → `analysis` → `train` → `model` → `kernels` → `data`, with `eval`
//! (metrics, plain Rust), `settings` (plain serde types) and `rng` below them all; `memory` (the
//! process's allocator) stands apart and imports nothing.

pub mod analysis;
pub mod data;
pub mod eval;
pub mod kernels;
pub mod memory;
pub mod model;
pub mod rng;
pub mod settings;
pub mod studio;
pub mod train;
pub mod ui;

/// Large blocks on huge pages (see [`memory`]); every binary and test that links the library
/// allocates through it.
#[global_allocator]
static ALLOCATOR: memory::HugePageAllocator = memory::HugePageAllocator;
