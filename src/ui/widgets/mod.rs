//! Reusable pieces of the panes.

pub mod graph_view;
pub mod heatmap;
pub mod labelled;
pub mod pickers;
pub mod plots;
pub mod subject_picker;
