//! Everything the window works on: the open data, the live training run, the query worker,
//! the runs folder and the background tasks behind them. Heavy work runs on other threads;
//! this side only starts it and collects results, once per frame in [`Workspace::poll`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::adapters::AdapterList;
use super::library::RunLibrary;
use super::live_run::{LiveRun, RunNews};
use super::loader::{FailedLoad, LoadJob, LoadRequest, LoadedData};
use super::notice::Notice;
use super::tasks::{BackgroundTasks, Repaint};
use super::worker::ModelWorker;
use crate::settings::TrainConfig;
use crate::train::RunDir;
use crate::train::session::QueryFn;

/// What one [`Workspace::poll`] found for the window.
#[derive(Debug, Default, PartialEq)]
pub struct Polled {
    /// Messages for people, oldest first.
    pub notices: Vec<Notice>,
    /// A file that finished loading from disk (for the recent-files list).
    pub opened: Option<PathBuf>,
    /// A load that failed (the import step offers to map its columns).
    pub failed: Option<FailedLoad>,
    /// Look again after this long even if nothing asks for a repaint (work is running).
    pub repaint_after: Option<Duration>,
}

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
    /// The graphics adapters, once listed.
    pub adapters: AdapterList,
    /// Where runs are written and read.
    pub runs_dir: PathBuf,
    /// Increases whenever the model that answers queries changes (new epoch, run finished,
    /// run reopened, new data): panes refresh their model queries when it moves.
    pub model_version: u64,
    /// Seconds since the window started when the data finished loading (for timings).
    pub data_ready_at: Option<f64>,
    tasks: BackgroundTasks,
    worker_generation: u64,
}

impl Workspace {
    /// An empty workspace writing runs to `runs_dir`; `repaint` is called whenever background
    /// work has something new to show.
    pub fn new(repaint: Repaint, runs_dir: PathBuf) -> Self {
        let mut tasks = BackgroundTasks::new(repaint);
        let mut library = RunLibrary::default();
        library.rescan(&runs_dir, &mut tasks);
        Self {
            data: None,
            loading: None,
            live: None,
            worker: ModelWorker::start(&mut tasks),
            library,
            adapters: AdapterList::default(),
            runs_dir,
            model_version: 1,
            data_ready_at: None,
            tasks,
            worker_generation: 0,
        }
    }

    /// The repaint callback background work calls.
    pub fn repaint(&self) -> Repaint {
        self.tasks.repaint()
    }

    /// The background tasks, to run more work (file dialogs, exports) on.
    pub fn tasks(&mut self) -> &mut BackgroundTasks {
        &mut self.tasks
    }

    /// Starts loading data (a running load is replaced).
    pub fn open(&mut self, request: LoadRequest) {
        self.loading = Some(LoadJob::spawn(request, &mut self.tasks));
    }

    /// Writes and reads runs in `dir` from now on, and reads it.
    pub fn set_runs_dir(&mut self, dir: PathBuf) {
        self.runs_dir = dir;
        self.rescan_runs();
    }

    /// Reads the runs folder again.
    pub fn rescan_runs(&mut self) {
        self.library.rescan(&self.runs_dir, &mut self.tasks);
    }

    /// Starts listing the graphics adapters.
    pub fn look_for_adapters(&mut self) {
        self.adapters.look(&mut self.tasks);
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

    /// Collects finished loads, training events and worker changes; `now` is the window's
    /// clock in seconds. Called once per frame.
    pub fn poll(&mut self, now: f64) -> Polled {
        let mut polled = Polled::default();
        if let Some(result) = self.loading.as_ref().and_then(LoadJob::poll)
            && let Some(job) = self.loading.take()
        {
            match result {
                Ok(data) => self.loaded(data, now, &mut polled),
                Err(message) => {
                    polled.notices.push(Notice::error(message.clone()));
                    polled.failed = Some(FailedLoad {
                        request: job.request,
                        message,
                    });
                }
            }
        }
        self.poll_run(&mut polled.notices);
        let worker = self.worker.state();
        if worker.generation != self.worker_generation {
            self.worker_generation = worker.generation;
            self.model_version += 1;
            if let Some(error) = worker.error {
                polled.notices.push(Notice::error(error));
            }
        }
        polled.notices.extend(self.library.poll());
        self.adapters.poll();
        // Poll for results; while training, four frames a second keep the curves live without
        // taking the CPU from training (software rendering is expensive).
        polled.repaint_after = if self.is_training() {
            Some(Duration::from_millis(250))
        } else if self.loading.is_some() || worker.busy {
            Some(Duration::from_millis(100))
        } else {
            None
        };
        polled
    }

    /// Reads the live run's events.
    fn poll_run(&mut self, notices: &mut Vec<Notice>) {
        let Some(live) = &mut self.live else {
            return;
        };
        for news in live.poll() {
            match news {
                RunNews::EpochEnded(_) => self.model_version += 1,
                RunNews::Finished => {
                    notices.push(Notice::info(format!(
                        "Training finished: {}",
                        finished_text(live)
                    )));
                    self.worker.open_run(live.run_dir.clone());
                    self.library.rescan(&self.runs_dir, &mut self.tasks);
                }
                RunNews::Warning(message) => notices.push(Notice::warn(message)),
                RunNews::Failed(message) => {
                    notices.push(Notice::error(format!("Training failed: {message}")));
                    self.library.rescan(&self.runs_dir, &mut self.tasks);
                }
            }
        }
    }

    fn loaded(&mut self, data: LoadedData, now: f64, polled: &mut Polled) {
        let report = &data.dataset.report;
        let mut text = format!(
            "Loaded {}: {} users, {} items, {} interactions",
            data.name(),
            data.stats.users,
            data.stats.items,
            data.stats.interactions
        );
        if report.is_clean() {
            polled.notices.push(Notice::info(text));
        } else {
            text.push_str(&format!("; {}", report.summary_lines().join("; ")));
            polled.notices.push(Notice::warn(text));
        }
        if data.request.bytes.is_none() {
            polled.opened = Some(data.request.path.clone());
        }
        let data = Arc::new(data);
        self.worker.use_data(Arc::clone(&data));
        self.data = Some(data);
        self.model_version += 1;
        self.data_ready_at = Some(now);
    }

    /// Reopens a saved run: loads its data (when different) and its checkpoint.
    pub fn reopen_run(&mut self, dir: &Path) -> Result<(), String> {
        if self.is_training() {
            return Err("stop training before reopening another run".into());
        }
        self.open_run_data(dir)?;
        self.live = None;
        self.worker.open_run(dir.to_path_buf());
        Ok(())
    }

    /// Goes on training a stopped or cut run in its own folder, its data opened for the
    /// analysis panes (when different) while the training thread reloads it for itself.
    pub fn resume_run(&mut self, dir: &Path) -> Result<(), String> {
        if self.is_training() {
            return Err("training is already running; stop it first".into());
        }
        self.open_run_data(dir)?;
        self.live = Some(LiveRun::continue_run(dir)?);
        self.model_version += 1;
        Ok(())
    }

    /// Opens the data the run in `dir` was trained on, unless it is already open.
    fn open_run_data(&mut self, dir: &Path) -> Result<(), String> {
        let config = RunDir::new(dir).read_config().map_err(|e| e.to_string())?;
        let data_path = PathBuf::from(&config.data.path);
        let same = self
            .data
            .as_ref()
            .is_some_and(|d| d.request.bytes.is_none() && d.request.path == data_path);
        if !same {
            let options = config.data.load_options().map_err(|e| e.to_string())?;
            self.open(LoadRequest {
                path: data_path,
                bytes: None,
                items: config.data.items.as_ref().map(PathBuf::from),
                options,
            });
        }
        Ok(())
    }
}

/// "best epoch 3 of 5, test HR@10 …" for the notice of a finished run.
fn finished_text(live: &LiveRun) -> String {
    live.summary.as_ref().map_or_else(String::new, |s| {
        let test = s.test.as_ref().map_or_else(
            || "no test score (stopped early; Resume in Compare runs goes on with it)".to_owned(),
            |t| format!("test HR@10 {:.3}, NDCG@10 {:.3}", t.hr_10, t.ndcg_10),
        );
        format!("best epoch {} of {}, {test}", s.best_epoch, s.epochs_run)
    })
}
