//! Tools built on training: `sequda bench` (timed epochs), `sequda generate` (synthetic
//! sequences from a finished run's GAN) and the graph a reopened SeqUDA-Rec run is evaluated
//! with (`sequda eval --graph`).

mod bench;
mod eval_graph;
mod generate;

pub use bench::{BenchReport, run_bench};
pub use eval_graph::EvalGraph;
pub use generate::{Generated, generate_from_run};
