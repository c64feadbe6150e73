//! Everything the window works on: the open data, the live training run, the query worker and
//! the runs folder. Heavy work runs on other threads; this side only starts it and collects
//! results.

pub mod library;
pub mod loader;
pub mod presets;
pub mod training;
pub mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use library::RunLibrary;
use loader::{LoadJob, LoadRequest, LoadedData};
use training::{LiveRun, RunNews};
use worker::ModelWorker;

use super::notifications::Notifications;
use crate::settings::TrainConfig;
use crate::train::session::QueryFn;

/// The window's working state (not persisted).
pub struct Workspace {
    /// The open data.
    pub data: Option<Arc<LoadedData>>,
    /// A load in progress.
    pub loading: Option<LoadJob>,
    /// The current (or last) training run.
    pub live: Option<LiveRun>,
    /// Answers queries when no training runs.
    pub worker: ModelWorker,
    /// Saved runs.
    pub library: RunLibrary,
    /// Where runs are written and read.
    pub runs_dir: PathBuf,
    /// Increases whenever the model that answers queries changes (new epoch, run finished,
    /// run reopened, new data): panes refresh their model queries when it moves.
    pub model_version: u64,
    /// Seconds since the window started when the data finished loading (for timings).
    pub data_ready_at: Option<f64>,
    worker_generation: u64,
}

impl Workspace {
    /// An empty workspace writing runs to `runs_dir`.
    pub fn new(ctx: &egui::Context, runs_dir: PathBuf) -> Self {
        let repaint = ctx.clone();
        let mut library = RunLibrary::default();
        library.rescan(&runs_dir, ctx);
        Self {
            data: None,
            loading: None,
            live: None,
            worker: ModelWorker::start(move || repaint.request_repaint()),
            library,
            runs_dir,
            model_version: 1,
            data_ready_at: None,
            worker_generation: 0,
        }
    }

    /// Starts loading data (a running load is replaced).
    pub fn open(&mut self, request: LoadRequest, ctx: &egui::Context) {
        self.loading = Some(LoadJob::spawn(request, ctx));
    }

    /// Whether training is running (or paused) now.
    pub fn is_training(&self) -> bool {
        self.live.as_ref().is_some_and(LiveRun::is_running)
    }

    /// Starts training on the open data.
    pub fn start_training(&mut self, config: TrainConfig) -> Result<(), String> {
        if self.is_training() {
            return Err("training is already running; stop it first".into());
        }
        let data = self
            .data
            .as_ref()
            .ok_or("open a data file first (File > Open data…)")?;
        config.encoder.validate().map_err(|e| e.to_string())?;
        let run = LiveRun::start(data, config, &self.runs_dir)
            .map_err(|e| format!("cannot start training: {e}"))?;
        self.live = Some(run);
        self.model_version += 1;
        Ok(())
    }

    /// Sends a model query to whoever can answer it now: the training session while it runs,
    /// the worker otherwise.
    pub fn query(&self, query: QueryFn) {
        match &self.live {
            Some(live) if live.is_running() && live.failure.is_none() => live.query(query),
            _ => self.worker.query(query),
        }
    }

    /// Collects finished loads, training events and worker changes. Called once per frame.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        notes: &mut Notifications,
        recent: &mut Vec<PathBuf>,
    ) {
        if let Some(result) = self.loading.as_ref().and_then(LoadJob::poll) {
            self.loading = None;
            match result {
                Ok(data) => self.loaded(data, ctx, notes, recent),
                Err(message) => notes.error(message),
            }
        }
        if let Some(live) = &mut self.live {
            for news in live.poll() {
                match news {
                    RunNews::EpochEnded(_) => self.model_version += 1,
                    RunNews::Finished => {
                        let summary = live.summary.as_ref();
                        let text = summary.map_or_else(String::new, |s| {
                            let test = s.test.as_ref().map_or_else(
                                || "no test score (stopped early; Resume in Compare runs goes on with it)"
                                    .to_owned(),
                                |t| format!("test HR@10 {:.3}, NDCG@10 {:.3}", t.hr_10, t.ndcg_10),
                            );
                            format!("best epoch {} of {}, {test}", s.best_epoch, s.epochs_run)
                        });
                        notes.info(format!("Training finished: {text}"));
                        self.worker.open_run(live.run_dir.clone());
                        self.library.rescan(&self.runs_dir, ctx);
                    }
                    RunNews::Warning(message) => notes.warn(message),
                    RunNews::Failed(message) => {
                        notes.error(format!("Training failed: {message}"));
                        self.library.rescan(&self.runs_dir, ctx);
                    }
                }
            }
        }
        let worker = self.worker.state();
        if worker.generation != self.worker_generation {
            self.worker_generation = worker.generation;
            self.model_version += 1;
            if let Some(error) = worker.error {
                notes.error(error);
            }
        }
        self.library.poll(notes);
        // Poll for results; while training, four frames a second keep the curves live without
        // taking the CPU from training (software rendering is expensive).
        if self.is_training() {
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        } else if self.loading.is_some() || worker.busy {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn loaded(
        &mut self,
        data: LoadedData,
        ctx: &egui::Context,
        notes: &mut Notifications,
        recent: &mut Vec<PathBuf>,
    ) {
        let report = &data.dataset.report;
        let mut text = format!(
            "Loaded {}: {} users, {} items, {} interactions",
            data.name(),
            data.stats.users,
            data.stats.items,
            data.stats.interactions
        );
        if report.is_clean() {
            notes.info(text);
        } else {
            text.push_str(&format!("; {}", report.summary_lines().join("; ")));
            notes.warn(text);
        }
        if data.request.bytes.is_none() {
            let path = data.request.path.clone();
            recent.retain(|p| p != &path);
            recent.insert(0, path);
            recent.truncate(super::state::MAX_RECENT);
        }
        let data = Arc::new(data);
        self.worker.use_data(Arc::clone(&data));
        self.data = Some(data);
        self.model_version += 1;
        self.data_ready_at = Some(ctx.input(|i| i.time));
    }

    /// Reopens a saved run: loads its data (when different) and its checkpoint.
    pub fn reopen_run(&mut self, dir: &Path, ctx: &egui::Context) -> Result<(), String> {
        if self.is_training() {
            return Err("stop training before reopening another run".into());
        }
        self.open_run_data(dir, ctx)?;
        self.live = None;
        self.worker.open_run(dir.to_path_buf());
        Ok(())
    }

    /// Goes on training a stopped or cut run in its own folder, its data opened for the
    /// analysis panes (when different) while the training thread reloads it for itself.
    pub fn resume_run(&mut self, dir: &Path, ctx: &egui::Context) -> Result<(), String> {
        if self.is_training() {
            return Err("training is already running; stop it first".into());
        }
        self.open_run_data(dir, ctx)?;
        self.live = Some(LiveRun::continue_run(dir)?);
        self.model_version += 1;
        Ok(())
    }

    /// Opens the data the run in `dir` was trained on, unless it is already open.
    fn open_run_data(&mut self, dir: &Path, ctx: &egui::Context) -> Result<(), String> {
        let config = crate::train::RunDir::new(dir)
            .read_config()
            .map_err(|e| e.to_string())?;
        let data_path = PathBuf::from(&config.data.path);
        let same = self
            .data
            .as_ref()
            .is_some_and(|d| d.request.bytes.is_none() && d.request.path == data_path);
        if !same {
            let options = config.data.load_options().map_err(|e| e.to_string())?;
            self.open(
                LoadRequest {
                    path: data_path,
                    bytes: None,
                    items: config.data.items.as_ref().map(PathBuf::from),
                    options,
                },
                ctx,
            );
        }
        Ok(())
    }
}
