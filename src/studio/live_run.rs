//! The live training run: a [`TrainingSession`] on its own thread, the events it sent so far,
//! and progress figures for the Train pane.

use std::path::{Path, PathBuf};

use super::loader::LoadedData;
use crate::analysis::history::RunHistory;
use crate::eval::synthetic::SyntheticQuality;
use crate::settings::{DataSource, TrainConfig};
use crate::train::run_folder::RunSummary;
use crate::train::run_folder::{check_resumable, read_resume_point};
use crate::train::session::QueryFn;
use crate::train::session::SyntheticReport;
use crate::train::session::{Command, Event, RunStatus, StepReport};
use crate::train::{RunDir, TrainJob, TrainingSession};

/// Something the rest of the window should react to.
#[derive(Clone, Debug, PartialEq)]
pub enum RunNews {
    /// An epoch ended: the weights changed.
    EpochEnded(usize),
    /// Training finished (or was stopped) with a summary.
    Finished,
    /// Training failed.
    Failed(String),
    /// Something worth knowing that does not stop the run (e.g. mode collapse).
    Warning(String),
}

/// Progress of a run, for people.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Share of the planned steps done, 0–1.
    pub fraction: f32,
    /// Current epoch (1-based, 0 before the first step).
    pub epoch: usize,
    /// Step within the epoch.
    pub step: usize,
    /// Steps per epoch.
    pub steps_per_epoch: usize,
    /// Seconds left for the remaining planned epochs (at most; early stopping may end sooner),
    /// from the step rate after warm-up; `None` until it can be estimated.
    pub eta_seconds: Option<f64>,
    /// Training sequences per second (last logged interval).
    pub sequences_per_second: f64,
}

/// What a run is doing now, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Loading data, building the model.
    Preparing,
    /// SeqUDA-Rec's GAN trains and generates sequences before this epoch's steps.
    GanRound(usize),
    /// Optimisation steps of this epoch.
    Training(usize),
    /// Validation after this epoch.
    Validation(usize),
    /// The final test of the best checkpoint.
    Test,
    /// Paused by the user.
    Paused,
    /// Ended with a summary (finished, early stopping or stopped).
    Ended,
    /// Stopped by an error.
    Failed,
}

impl Phase {
    /// The phase in words: "Training epoch 3", "GAN round before epoch 2", "Test".
    pub fn label(self) -> String {
        match self {
            Self::Preparing => "Preparing".to_owned(),
            Self::GanRound(epoch) => format!("GAN round before epoch {epoch}"),
            Self::Training(epoch) => format!("Training epoch {epoch}"),
            Self::Validation(epoch) => format!("Validation after epoch {epoch}"),
            Self::Test => "Test of the best checkpoint".to_owned(),
            Self::Paused => "Paused".to_owned(),
            Self::Ended => "Finished".to_owned(),
            Self::Failed => "Failed".to_owned(),
        }
    }
}

/// Logged steps ignored when estimating the step rate (the first steps are slow: allocation,
/// kernel compilation, caches).
const WARM_UP_STEPS: usize = 3;

/// A training run in progress (or just ended).
pub struct LiveRun {
    session: TrainingSession,
    /// The run folder.
    pub run_dir: PathBuf,
    /// The settings it runs with.
    pub config: TrainConfig,
    /// Losses and validation so far.
    pub history: RunHistory,
    /// Latest status.
    pub status: RunStatus,
    /// Latest status line.
    pub message: String,
    /// The device it runs on.
    pub device: Option<String>,
    /// The result, once finished.
    pub summary: Option<RunSummary>,
    /// The failure, if it failed.
    pub failure: Option<String>,
    /// Whether the user asked it to stop.
    pub stop_requested: bool,
    /// Whether the user asked it to pause (until the status confirms).
    pub pause_requested: bool,
    /// Mean seconds of validation per epoch so far.
    eval_seconds: Vec<f64>,
    /// The latest step.
    last_step: Option<StepReport>,
    /// The latest GAN output (SeqUDA-Rec runs).
    pub synthetic: Option<SyntheticReport>,
    /// Quality monitors per epoch: (epoch, quality).
    pub synthetic_history: Vec<(usize, SyntheticQuality)>,
}

impl LiveRun {
    /// Starts training `data` with `config`, writing to a new folder in `runs_dir`.
    pub fn start(data: &LoadedData, config: TrainConfig, runs_dir: &Path) -> std::io::Result<Self> {
        let run_dir = next_run_dir(runs_dir, &data.name(), config.model.name());
        // Data that arrived as bytes (a dropped file without a path) is kept in the run folder,
        // so the run can be reopened later.
        let path = match &data.request.bytes {
            Some(bytes) => {
                std::fs::create_dir_all(&run_dir)?;
                let copy = run_dir.join(super::loader::file_name(&data.request.path));
                std::fs::write(&copy, bytes.as_slice())?;
                absolute(&copy)
            }
            None => absolute(&data.request.path),
        };
        let source = DataSource {
            items: data
                .request
                .items
                .as_deref()
                .map(|p| absolute(p).display().to_string()),
            ..DataSource::read_with(path.display().to_string(), &data.request.options)
        };
        let session = TrainingSession::start(TrainJob {
            dataset: data.dataset.clone(),
            source,
            config: config.clone(),
            run_dir: run_dir.clone(),
        })?;
        let name = super::loader::file_name(&run_dir);
        Ok(Self::with_session(
            session,
            run_dir,
            config,
            RunHistory::new(name),
        ))
    }

    /// Goes on with the stopped or cut run in `run_dir` (its settings and data, its folder),
    /// its curves up to the best epoch shown at once; the training thread reloads the data.
    /// Fails, naming the folder or file, when the run cannot be resumed.
    pub fn continue_run(run_dir: &Path) -> Result<Self, String> {
        let folder = RunDir::new(run_dir);
        check_resumable(&folder).map_err(|e| e.to_string())?;
        let config = folder.read_config().map_err(|e| e.to_string())?;
        let path = folder.metrics_path();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (_, keep) = read_resume_point(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = super::loader::file_name(run_dir);
        let history = RunHistory::from_metrics_jsonl(name, &text[..keep]);
        let session = TrainingSession::resume_folder(run_dir.to_path_buf())
            .map_err(|e| format!("cannot start training: {e}"))?;
        Ok(Self::with_session(
            session,
            run_dir.to_path_buf(),
            config.train,
            history,
        ))
    }

    fn with_session(
        session: TrainingSession,
        run_dir: PathBuf,
        config: TrainConfig,
        history: RunHistory,
    ) -> Self {
        Self {
            session,
            run_dir,
            config,
            history,
            status: RunStatus::Preparing,
            message: "preparing".into(),
            device: None,
            summary: None,
            failure: None,
            stop_requested: false,
            pause_requested: false,
            eval_seconds: Vec::new(),
            last_step: None,
            synthetic: None,
            synthetic_history: Vec::new(),
        }
    }

    /// The run folder's name.
    pub fn name(&self) -> &str {
        &self.history.name
    }

    /// Reads the events that arrived; returns what others should know.
    pub fn poll(&mut self) -> Vec<RunNews> {
        let mut news = Vec::new();
        for event in self.session.drain() {
            match event {
                Event::Status { status, message } => {
                    self.status = status;
                    self.message = message;
                    if status != RunStatus::Paused {
                        self.pause_requested = false;
                    }
                }
                Event::Device { description } => self.device = Some(description),
                Event::Step(report) => {
                    self.history.push_step(&report);
                    self.last_step = Some(report);
                }
                Event::Epoch(report) => {
                    self.history.push_epoch(&report);
                    self.eval_seconds.push(report.eval_seconds);
                    news.push(RunNews::EpochEnded(report.epoch));
                }
                Event::Finished(summary) => {
                    self.summary = Some(*summary);
                    news.push(RunNews::Finished);
                }
                Event::Failed { message } => {
                    self.failure = Some(message.clone());
                    news.push(RunNews::Failed(message));
                }
                Event::Synthetic(report) => {
                    self.synthetic_history
                        .push((report.epoch, report.quality.clone()));
                    self.synthetic = Some(*report);
                }
                Event::Warning { message } => news.push(RunNews::Warning(message)),
            }
        }
        news
    }

    /// Whether the training thread is still running.
    pub fn is_running(&self) -> bool {
        !self.session.is_finished()
    }

    /// Whether it is paused (or asked to pause).
    pub fn is_paused(&self) -> bool {
        self.status == RunStatus::Paused || self.pause_requested
    }

    /// Pauses between steps.
    pub fn pause(&mut self) {
        self.pause_requested = true;
        self.session.send(Command::Pause);
    }

    /// Continues after a pause.
    pub fn resume(&mut self) {
        self.pause_requested = false;
        self.session.send(Command::Resume);
    }

    /// Asks the run to stop at the next step boundary.
    pub fn stop(&mut self) {
        self.stop_requested = true;
        self.session.stop();
    }

    /// Sends a query to be answered between steps.
    pub fn query(&self, query: QueryFn) {
        self.session.send(Command::Query(query));
    }

    /// What the run is doing now, told from its status and the steps and epochs reported:
    /// an evaluation after the last reported step's epoch was validated is the test; training
    /// status before the next epoch's first step is SeqUDA-Rec's GAN round (when it has one).
    pub fn phase(&self) -> Phase {
        let validated = self.history.epochs.last().map_or(0, |e| e.epoch);
        let stepped = self.last_step.as_ref().map_or(0, |s| s.epoch);
        match self.status {
            RunStatus::Preparing => Phase::Preparing,
            RunStatus::Paused => Phase::Paused,
            RunStatus::Finished | RunStatus::Stopped => Phase::Ended,
            RunStatus::Failed => Phase::Failed,
            _ if self.failure.is_some() => Phase::Failed,
            _ if self.summary.is_some() => Phase::Ended,
            RunStatus::Evaluating if stepped > validated => Phase::Validation(stepped),
            RunStatus::Evaluating => Phase::Test,
            RunStatus::Training if stepped <= validated && self.has_gan_round() => {
                Phase::GanRound(validated + 1)
            }
            RunStatus::Training => Phase::Training(stepped.max(validated + 1)),
        }
    }

    /// Whether this run's model trains a GAN before each epoch.
    fn has_gan_round(&self) -> bool {
        self.config.model.is_sequda() && self.config.model.sequda_settings(&self.config.sequda).gan
    }

    /// Progress figures; a run that ended with a summary is complete, whatever ended it
    /// (early stopping, the epoch cap, a stop).
    pub fn progress(&self) -> Progress {
        let Some(last) = &self.last_step else {
            return Progress {
                fraction: if self.summary.is_some() { 1.0 } else { 0.0 },
                ..Progress::default()
            };
        };
        let total_steps = (self.config.epochs.max(1) * last.steps_per_epoch.max(1)) as f64;
        let done = last.global_step as f64;
        let steps = &self.history.steps;
        let eta_seconds = (steps.len() > WARM_UP_STEPS + 1)
            .then(|| {
                let from = &steps[WARM_UP_STEPS];
                let to = steps.last()?;
                let rate = (to.global_step - from.global_step) as f64
                    / (to.seconds - from.seconds).max(1e-9);
                let mean_eval = if self.eval_seconds.is_empty() {
                    0.0
                } else {
                    self.eval_seconds.iter().sum::<f64>() / self.eval_seconds.len() as f64
                };
                let epochs_left = self.config.epochs.saturating_sub(last.epoch - 1) as f64;
                Some((total_steps - done).max(0.0) / rate.max(1e-9) + epochs_left * mean_eval)
            })
            .flatten();
        let fraction = if self.summary.is_some() {
            1.0
        } else {
            (done / total_steps).clamp(0.0, 1.0) as f32
        };
        Progress {
            fraction,
            epoch: last.epoch,
            step: last.step,
            steps_per_epoch: last.steps_per_epoch,
            eta_seconds,
            sequences_per_second: last.sequences_per_second,
        }
    }
}

/// `path` made absolute against the current folder (runs must find their data again).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `runs_dir/<data>-<model>-<n>` with the first free `n` (no dates, so names are reproducible).
pub fn next_run_dir(runs_dir: &Path, data_name: &str, model: &str) -> PathBuf {
    let stem: String = data_name
        .rsplit_once('.')
        .map_or(data_name, |(stem, _)| stem)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (1..)
        .map(|n| runs_dir.join(format!("{stem}-{model}-{n}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| runs_dir.join(format!("{stem}-{model}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_folders_get_the_next_free_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = next_run_dir(dir.path(), "ad events.csv", "sasrec");
        assert_eq!(first, dir.path().join("ad_events-sasrec-1"));
        std::fs::create_dir(&first).expect("mkdir");
        assert_eq!(
            next_run_dir(dir.path(), "ad events.csv", "sasrec"),
            dir.path().join("ad_events-sasrec-2")
        );
    }
}
