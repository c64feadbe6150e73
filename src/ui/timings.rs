//! Start-up and training timings, printed to stderr for the acceptance measurements
//! (`sequda gui --timings`): first frame, first frame with the data, first loss point after
//! pressing Train, end of training.

use std::time::Instant;

use crate::studio::Workspace;

/// Milestones in seconds since the program started.
pub struct Timings {
    enabled: bool,
    started: Instant,
    first_frame: Option<f64>,
    data_shown: Option<f64>,
    train_started: Option<f64>,
    first_loss: Option<f64>,
    finished: Option<f64>,
    frames: u64,
    frames_at_train: u64,
    ui_seconds: f64,
    ui_seconds_at_train: f64,
}

impl Timings {
    /// Starts the clock at `started`; prints only when `enabled`.
    pub fn start(enabled: bool, started: Instant) -> Self {
        Self {
            enabled,
            started,
            first_frame: None,
            data_shown: None,
            train_started: None,
            first_loss: None,
            finished: None,
            frames: 0,
            frames_at_train: 0,
            ui_seconds: 0.0,
            ui_seconds_at_train: 0.0,
        }
    }

    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn report(&self, line: &str) {
        if self.enabled {
            eprintln!("timing: {line}");
        }
    }

    /// Notes a drawn frame (first frame, first frame showing data) that took `ui_seconds` to
    /// build.
    pub fn frame_drawn(&mut self, ui_seconds: f64, workspace: &Workspace) {
        self.frames += 1;
        self.ui_seconds += ui_seconds;
        if self.first_frame.is_none() {
            let now = self.now();
            self.first_frame = Some(now);
            self.report(&format!("first frame {now:.2} s after start"));
        }
        if self.data_shown.is_none() && workspace.data.is_some() {
            let now = self.now();
            self.data_shown = Some(now);
            let name = workspace
                .data
                .as_ref()
                .map(|d| d.name())
                .unwrap_or_default();
            self.report(&format!("data {name} on screen {now:.2} s after start"));
        }
        if self.first_loss.is_none()
            && let (Some(started), Some(live)) = (self.train_started, &workspace.live)
            && !live.history.steps.is_empty()
        {
            let now = self.now();
            self.first_loss = Some(now);
            self.report(&format!(
                "first loss point drawn {:.2} s after pressing Train",
                now - started
            ));
        }
    }

    /// Notes that training was started.
    pub fn training_started(&mut self, _ctx: &egui::Context) {
        let now = self.now();
        self.train_started = Some(now);
        self.frames_at_train = self.frames;
        self.ui_seconds_at_train = self.ui_seconds;
        self.first_loss = None;
        self.finished = None;
        self.report(&format!("training started {now:.2} s after start"));
    }

    /// Notes the end of training.
    pub fn observe(&mut self, _ctx: &egui::Context, workspace: &Workspace) {
        let (Some(started), None) = (self.train_started, self.finished) else {
            return;
        };
        let Some(live) = &workspace.live else {
            return;
        };
        if !live.is_running() && (live.summary.is_some() || live.failure.is_some()) {
            let now = self.now();
            self.finished = Some(now);
            let outcome = match (&live.summary, &live.failure) {
                (_, Some(failure)) => format!("failed: {failure}"),
                (Some(summary), None) => format!(
                    "{} epochs, best {}, test NDCG@10 {}",
                    summary.epochs_run,
                    summary.best_epoch,
                    summary
                        .test
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |t| format!("{:.4}", t.ndcg_10))
                ),
                (None, None) => String::new(),
            };
            let frames = self.frames - self.frames_at_train;
            let ui_ms = (self.ui_seconds - self.ui_seconds_at_train) * 1e3 / frames.max(1) as f64;
            self.report(&format!(
                "training finished {:.2} s after pressing Train ({outcome}); {frames} frames drawn meanwhile ({:.1} per second, {ui_ms:.1} ms of UI code each)",
                now - started,
                frames as f64 / (now - started).max(1e-9)
            ));
        }
    }

    /// Whether a started training has ended.
    pub fn training_finished(&self) -> bool {
        self.finished.is_some()
    }
}
