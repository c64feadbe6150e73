//! A training session on its own thread: it owns the model and the device, takes
//! [`Command`]s and sends [`Event`]s. Stop is honoured between steps (well within a second
//! on the bundled data).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::control::Control;
use super::events::{Command, Event, RunStatus};
use crate::train::TrainError;
use crate::train::run::resume_job;
use crate::train::run::{TrainJob, run_training};
use crate::train::run_folder::RunSummary;

/// Handle to a running (or finished) training thread.
pub struct TrainingSession {
    commands: Sender<Command>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

impl TrainingSession {
    /// Starts `job` on a new thread.
    pub fn start(job: TrainJob) -> std::io::Result<Self> {
        Self::spawn(move |control| run_training(&job, control, false))
    }

    /// Resumes the cut run in `job.run_dir` on a new thread (see [`run_training`]).
    pub fn resume(job: TrainJob) -> std::io::Result<Self> {
        Self::spawn(move |control| run_training(&job, control, true))
    }

    /// Resumes the cut run in `run_dir` with its saved settings, reloading its data on the
    /// new thread (the caller never waits for a large file); a changed or missing data file
    /// ends the session with [`Event::Failed`].
    pub fn resume_folder(run_dir: PathBuf) -> std::io::Result<Self> {
        Self::spawn(move |control| {
            let job = resume_job(&run_dir, None)?;
            run_training(&job, control, true)
        })
    }

    fn spawn(
        work: impl FnOnce(&mut Control) -> Result<RunSummary, TrainError> + Send + 'static,
    ) -> std::io::Result<Self> {
        let (command_tx, command_rx) = channel();
        let (event_tx, event_rx) = channel();
        let thread = std::thread::Builder::new()
            .name("sequda-training".into())
            .spawn(move || run_on_thread(work, command_rx, event_tx))?;
        Ok(Self {
            commands: command_tx,
            events: event_rx,
            thread: Some(thread),
        })
    }

    /// Sends a command; ignored when the thread already ended.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Asks the run to stop.
    pub fn stop(&self) {
        self.send(Command::Stop);
    }

    /// Events that arrived so far, without waiting.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Waits up to `timeout` for the next event; `None` on timeout or when the thread ended
    /// and every event was read.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Whether the thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the thread to end.
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run_on_thread(
    work: impl FnOnce(&mut Control) -> Result<RunSummary, TrainError>,
    commands: Receiver<Command>,
    events: Sender<Event>,
) {
    let mut control = Control::new(commands, events);
    control.status(RunStatus::Preparing, "preparing");
    let result = catch_unwind(AssertUnwindSafe(|| work(&mut control)));
    // The run's tensors are gone: the blocks kept for its next step go back to the system.
    crate::memory::release_kept_blocks();
    match result {
        Ok(Ok(summary)) => {
            let stopped = control.stop_requested();
            control.send(Event::Finished(Box::new(summary)));
            if stopped {
                control.status(RunStatus::Stopped, "stopped; the best checkpoint is saved");
            } else {
                control.status(RunStatus::Finished, "finished");
            }
        }
        Ok(Err(error)) => {
            control.send(Event::Failed {
                message: error.to_string(),
            });
            control.status(RunStatus::Failed, error.to_string());
        }
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown cause");
            let message = format!("internal error in the training thread: {detail}");
            control.send(Event::Failed {
                message: message.clone(),
            });
            control.status(RunStatus::Failed, message);
        }
    }
}
