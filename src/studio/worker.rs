//! Answers analysis queries when no training is running: against the open data alone
//! (no model), or against a saved run's best checkpoint. Runs on its own thread, so opening a
//! checkpoint or a long query never blocks the window.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::loader::{LoadedData, file_name};
use super::tasks::{BackgroundTasks, TaskError};
use crate::settings::DeviceChoice;
use crate::train::run::{OpenedRun, open_run};
use crate::train::session::{ModelView, QueryFn};

/// What the worker answers from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkerState {
    /// Increases whenever the source changes (new data, run opened).
    pub generation: u64,
    /// For people: "data only", "run X (epoch N)", "opening run X…".
    pub description: String,
    /// Whether a trained model answers.
    pub has_model: bool,
    /// The run folder answering, if any.
    pub run: Option<PathBuf>,
    /// The last failure to open a run.
    pub error: Option<String>,
    /// Whether a run is being opened.
    pub busy: bool,
}

enum Message {
    UseData(Arc<LoadedData>),
    OpenRun(PathBuf),
    Query(QueryFn),
}

/// The handle to the worker thread.
pub struct ModelWorker {
    sender: Sender<Message>,
    state: Arc<Mutex<WorkerState>>,
}

enum Source {
    Nothing,
    Data(Arc<LoadedData>),
    Run(Box<OpenedRun>),
}

impl ModelWorker {
    /// Starts the worker's thread on `tasks`; their repaint callback is called whenever the
    /// state changes or a query was answered.
    pub fn start(tasks: &mut BackgroundTasks) -> Self {
        let (sender, receiver) = channel();
        let state = Arc::new(Mutex::new(WorkerState {
            description: "no data".into(),
            ..WorkerState::default()
        }));
        let shared = Arc::clone(&state);
        let notify = tasks.repaint();
        let spawned = tasks.spawn_service("queries", move || run(&receiver, &shared, &*notify));
        if let Err(TaskError::Spawn { source, .. }) = spawned {
            lock(&state).error = Some(format!("cannot start the query thread: {source}"));
        }
        Self { sender, state }
    }

    /// Answer from `data` alone (no model).
    pub fn use_data(&self, data: Arc<LoadedData>) {
        let _ = self.sender.send(Message::UseData(data));
    }

    /// Answer from a saved run's best checkpoint.
    pub fn open_run(&self, dir: PathBuf) {
        {
            let mut state = lock(&self.state);
            state.busy = true;
            state.description = format!("opening run {}…", file_name(&dir));
        }
        let _ = self.sender.send(Message::OpenRun(dir));
    }

    /// Queues a query.
    pub fn query(&self, query: QueryFn) {
        let _ = self.sender.send(Message::Query(query));
    }

    /// The current state.
    pub fn state(&self) -> WorkerState {
        lock(&self.state).clone()
    }
}

fn lock(state: &Mutex<WorkerState>) -> std::sync::MutexGuard<'_, WorkerState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn run(receiver: &Receiver<Message>, state: &Mutex<WorkerState>, notify: &dyn Fn()) {
    let mut source = Source::Nothing;
    for message in receiver {
        match message {
            Message::UseData(data) => {
                source = Source::Data(data);
                let mut state = lock(state);
                state.generation += 1;
                state.description = "the open data (no model yet)".into();
                state.has_model = false;
                state.run = None;
                state.busy = false;
            }
            Message::OpenRun(dir) => {
                let opened = open_run(&dir, DeviceChoice::Cpu);
                let mut state = lock(state);
                state.busy = false;
                state.generation += 1;
                match opened {
                    Ok(run) => {
                        let epoch = run.view().epoch;
                        state.has_model = run.inference.is_some();
                        state.description = format!("run {} (best epoch {epoch})", file_name(&dir));
                        state.run = Some(dir);
                        state.error = None;
                        source = Source::Run(Box::new(run));
                    }
                    Err(error) => {
                        state.error = Some(format!("cannot reopen {}: {error}", file_name(&dir)));
                    }
                }
            }
            Message::Query(query) => match &source {
                Source::Nothing => drop(query),
                Source::Data(data) => query(&ModelView {
                    model: None,
                    dataset: &data.dataset,
                    split: &data.split,
                    epoch: 0,
                }),
                Source::Run(run) => query(&run.view()),
            },
        }
        notify();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::query::reply_query;
    use std::time::Duration;

    #[test]
    fn queries_are_answered_from_the_data_and_bad_runs_are_reported() {
        let worker = ModelWorker::start(&mut BackgroundTasks::new(Arc::new(|| {})));
        let (query, answer) = reply_query(|view| view.dataset.n_users(), || {});
        worker.query(query);
        assert!(
            answer.recv_timeout(Duration::from_secs(5)).is_err(),
            "no source yet"
        );
        let text = "user,item\nu1,a\nu1,b\nu2,a\n";
        let data = LoadedData::load(crate::studio::LoadRequest {
            path: "x.csv".into(),
            bytes: Some(Arc::new(text.as_bytes().to_vec())),
            ..Default::default()
        })
        .expect("load");
        worker.use_data(Arc::new(data));
        let (query, answer) = reply_query(|view| view.dataset.n_users(), || {});
        worker.query(query);
        assert_eq!(answer.recv_timeout(Duration::from_secs(5)).ok(), Some(2));
        worker.open_run("/nonexistent/run".into());
        let (query, answer) = reply_query(|view| view.model.is_some(), || {});
        worker.query(query);
        assert_eq!(
            answer.recv_timeout(Duration::from_secs(5)).ok(),
            Some(false)
        );
        let state = worker.state();
        assert!(state.error.is_some_and(|e| e.contains("run")));
        assert!(!state.has_model);
    }
}
