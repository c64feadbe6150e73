//! Questions asked of a trained (or training) model and of the data, answered as plain structs
//! the window can draw: recommendations with the history items that drove them, audiences
//! ranked for an ad with held-out cumulative gains, attention maps (self-attention and the
//! target attention of one candidate), graph and embedding
//! neighbourhoods, loss histories, run comparisons, and spreadsheet-safe CSV / PNG export.
//!
//! Model queries take a [`ModelView`](crate::train::session::ModelView), so the same code runs
//! inside a live training session (between steps) and against a reopened run. Nothing here
//! knows about egui; nothing returns a tensor.

pub mod attention;
pub mod audience;
pub mod audience_verdict;
pub mod csv;
pub mod data_summary;
pub mod embedding;
pub mod error;
pub mod export;
pub mod gains;
pub mod history;
pub mod labels;
pub mod nearest_real;
pub mod neighbourhood;
pub mod png;
pub mod query;
pub mod recommend;
pub mod report;
pub mod run_verdict;
pub mod runs;
pub mod setting_names;
pub mod smoothing;
pub mod states;
pub mod synthetic_view;
pub mod target_attention;

pub use error::AnalysisError;
pub use labels::ItemLabels;
