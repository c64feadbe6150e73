//! The one owner of the studio's background threads, after rerun's `background_tasks.rs`:
//! every thread the window needs (loading data, reading the runs folder, file dialogs,
//! exports, listing adapters, the query worker) is started here, under a `sequda-…` name. A
//! task's result waits in its [`Task`] until polled, and the repaint callback is called when
//! one finishes, so the window draws the answer without polling in a loop. The training
//! session's thread is `train`'s own.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// Called when background work has something to show (the window asks for a repaint).
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// Why a task gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// The operating system refused a new thread.
    #[error("cannot start the {name} thread: {source}")]
    Spawn {
        /// The task's name.
        name: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The thread ended without sending its result (it panicked).
    #[error("the {name} task stopped without an answer")]
    Lost {
        /// The task's name.
        name: String,
    },
}

/// A result on its way from a background thread.
pub struct Task<T> {
    name: String,
    receiver: Receiver<T>,
}

impl<T> Task<T> {
    /// The result, once it is there (`None` while the task runs). Taken once: poll no more
    /// after it arrived.
    pub fn poll(&self) -> Option<Result<T, TaskError>> {
        match self.receiver.try_recv() {
            Ok(value) => Some(Ok(value)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(TaskError::Lost {
                name: self.name.clone(),
            })),
        }
    }

    /// The name it was started under.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Starts background threads and tells the window when one has finished.
pub struct BackgroundTasks {
    repaint: Repaint,
}

impl BackgroundTasks {
    /// Tasks that call `repaint` when they finish.
    pub fn new(repaint: Repaint) -> Self {
        Self { repaint }
    }

    /// The repaint callback (for work that reports by other channels, e.g. model queries).
    pub fn repaint(&self) -> Repaint {
        Arc::clone(&self.repaint)
    }

    /// Runs `job` on a thread named `sequda-<name>`; its result waits in the returned task.
    pub fn spawn<T, F>(&mut self, name: &str, job: F) -> Result<Task<T>, TaskError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (sender, receiver) = channel();
        let repaint = self.repaint();
        spawn_named(name, move || {
            let _ = sender.send(job());
            repaint();
        })?;
        Ok(Task {
            name: name.to_owned(),
            receiver,
        })
    }

    /// Runs a long-lived `service` (one that answers on its own channels until they close) on
    /// a thread named `sequda-<name>`.
    pub fn spawn_service<F>(&mut self, name: &str, service: F) -> Result<(), TaskError>
    where
        F: FnOnce() + Send + 'static,
    {
        spawn_named(name, service)
    }
}

/// The one place the studio starts a thread.
fn spawn_named<F>(name: &str, job: F) -> Result<(), TaskError>
where
    F: FnOnce() + Send + 'static,
{
    std::thread::Builder::new()
        .name(format!("sequda-{name}"))
        .spawn(job)
        .map(drop)
        .map_err(|source| TaskError::Spawn {
            name: name.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    fn wait<T>(task: &Task<T>) -> Result<T, TaskError> {
        let start = Instant::now();
        loop {
            if let Some(result) = task.poll() {
                return result;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "task never ended"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn results_wait_until_polled_and_each_finish_asks_for_a_repaint() {
        let repaints = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&repaints);
        let mut tasks = BackgroundTasks::new(Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        let name = tasks
            .spawn("test", || std::thread::current().name().map(str::to_owned))
            .expect("spawn");
        let sum = tasks.spawn("sum", || 2 + 3).expect("spawn");
        assert_eq!(sum.name(), "sum");
        assert_eq!(wait(&sum).ok(), Some(5));
        assert_eq!(wait(&name).ok().flatten().as_deref(), Some("sequda-test"));
        let start = Instant::now();
        while repaints.load(Ordering::SeqCst) < 2 {
            assert!(start.elapsed() < Duration::from_secs(10), "no repaint");
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(matches!(sum.poll(), Some(Err(TaskError::Lost { .. }))));
    }

    #[test]
    fn a_task_that_panics_is_reported_lost() {
        let mut tasks = BackgroundTasks::new(Arc::new(|| {}));
        let task = tasks
            .spawn("doomed", || -> u8 { panic!("on purpose") })
            .expect("spawn");
        let error = wait(&task).expect_err("lost");
        assert!(error.to_string().contains("doomed"), "{error}");
    }
}
