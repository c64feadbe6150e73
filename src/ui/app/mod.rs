//! The app: how it starts ([`LaunchOptions`]), its state and per-frame logic (collect results
//! from the studio's background work) and per-frame ui (menu, panes, status, notifications,
//! palette) in [`StudioApp`], and `command_handling`, which carries out the commands that tie
//! them together.

mod command_handling;
mod launch;
mod studio_app;

pub use launch::LaunchOptions;
pub use studio_app::StudioApp;
