//! One file per pane, what each is given ([`PaneContext`]), and the glue that lets
//! `egui_tiles` draw them ([`Panes`], [`PaneBehavior`]).

pub mod attention;
pub mod audience;
pub mod compare;
mod compare_verdict;
mod context;
pub mod data;
pub mod graph;
pub mod loss;
mod loss_groups;
mod panes;
pub mod recommend;
pub mod synthetic;
mod synthetic_samples;
pub mod target_attention;
pub mod train;

pub use context::PaneContext;
pub use panes::{PaneBehavior, Panes};
