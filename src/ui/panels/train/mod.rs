//! The Train pane: the goals to start from (`goals`), model, hyperparameters with presets, device, Start / Pause / Resume /
//! Stop (`pane`), the number fields (`hyperparameters`), the loss picker (`loss_choice`),
//! the device picker (`device`) and progress (`progress`).

mod device;
mod goals;
mod hyperparameters;
mod loss_choice;
mod pane;
mod progress;

pub use pane::TrainPane;
