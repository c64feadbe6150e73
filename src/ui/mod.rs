//! SeqUDA Studio, the window (eframe/egui): dockable panes over the data, a live training run
//! and the analysis queries. The window never touches a tensor: it starts work on other
//! threads (loading, training, queries, exports) and draws the plain structs that come back.
//!
//! Layout: [`app`] (state, frame logic, commands), [`shell`] (menu and status bars),
//! [`layout`] (the panes and their tile tree), [`panels`] (one file per pane), [`widgets`],
//! [`workspace`] (data, training session, query worker, runs folder).

pub mod app;
pub mod commands;
pub mod exports;
pub mod files;
pub mod layout;
pub mod live_query;
pub mod notifications;
pub mod palette;
pub mod panels;
pub mod sequda_settings;
pub mod shell;
pub mod state;
pub mod timings;
pub mod widgets;
pub mod workspace;

pub use app::{LaunchOptions, StudioApp, sample_data_paths};

/// The window's title.
pub const TITLE: &str = "SeqUDA Studio";

/// Opens the window and runs until it is closed.
pub fn run_native(options: LaunchOptions) -> eframe::Result {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(TITLE)
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        TITLE,
        native,
        Box::new(move |cc| Ok(Box::new(StudioApp::new(cc, options)))),
    )
}
