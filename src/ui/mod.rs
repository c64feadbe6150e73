//! SeqUDA Studio, the window (eframe/egui): dockable panes over the data, a live training run
//! and the analysis queries. The window never touches a tensor or starts a thread: the
//! [`studio`](crate::studio) layer below it runs the work (loading, training, queries,
//! dialogs, exports) and the window draws the plain structs that come back. Panes read the
//! studio's workspace and push [`commands::UiCommand`]s, which the app carries out once per
//! frame.
//!
//! Layout: [`app`] (state, frame logic, commands), [`shell`] (menu and status bars),
//! [`layout`] (the panes and their tile tree), [`panels`] (one file per pane), [`widgets`].

pub mod app;
pub mod commands;
pub mod exports;
pub mod files;
pub mod goals;
pub mod import_step;
pub mod layout;
pub mod notifications;
pub mod palette;
pub mod panels;
pub mod sequda_settings;
pub mod shell;
pub mod state;
pub mod timings;
pub mod widgets;

pub use app::{LaunchOptions, StudioApp};

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
