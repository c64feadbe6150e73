//! The training thread's side of the command channel: pause, resume and stop between steps,
//! with pause time kept out of the clock.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use super::events::{Command, Event, RunStatus};
use super::query::{ModelView, QueryFn};
use crate::train::readback::HostReads;

/// Something that can lend a [`ModelView`] of the current model to a callback (the
/// training loop builds an inference copy of its model on demand).
pub type ViewProvider<'p> = &'p dyn Fn(&mut dyn FnMut(&ModelView<'_>));

fn run_query(query: QueryFn, views: ViewProvider<'_>) {
    let mut query = Some(query);
    views(&mut |view| {
        if let Some(query) = query.take() {
            query(view);
        }
    });
}

/// What the loop should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Stop as soon as possible.
    Stop,
}

/// Polls commands, sends events, and measures training time without pauses.
pub struct Control {
    commands: Receiver<Command>,
    events: Sender<Event>,
    started: Instant,
    /// Seconds the run had trained before this process (a resumed run's clock goes on).
    earlier_seconds: f64,
    paused_for: Duration,
    stop_requested: bool,
    /// Queries that arrived while no model view was at hand.
    pending: Vec<QueryFn>,
    /// The session's reads of tensors back to the host, counted.
    reads: HostReads,
}

impl Control {
    /// Wraps the two channel ends; the clock starts now.
    pub fn new(commands: Receiver<Command>, events: Sender<Event>) -> Self {
        Self {
            commands,
            events,
            started: Instant::now(),
            earlier_seconds: 0.0,
            paused_for: Duration::ZERO,
            stop_requested: false,
            pending: Vec::new(),
            reads: HostReads::new(),
        }
    }

    /// The one way this session's training reads tensors back to the host, with its count.
    pub fn host_reads(&self) -> &HostReads {
        &self.reads
    }

    /// Sends an event; a closed receiver (nobody listening any more) is not an error.
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
    }

    /// Sends a status line.
    pub fn status(&self, status: RunStatus, message: impl Into<String>) {
        self.send(Event::Status {
            status,
            message: message.into(),
        });
    }

    /// Seconds since the clock started, pauses excluded, plus any earlier seconds
    /// ([`Self::continue_clock_from`]).
    pub fn elapsed_seconds(&self) -> f64 {
        self.earlier_seconds
            + (self.started.elapsed().saturating_sub(self.paused_for)).as_secs_f64()
    }

    /// Makes the clock go on from `seconds` (where a resumed run's log stopped).
    pub fn continue_clock_from(&mut self, seconds: f64) {
        self.earlier_seconds = seconds.max(0.0);
    }

    /// Whether a stop was asked for.
    pub fn stop_requested(&self) -> bool {
        self.stop_requested
    }

    /// Handles pending commands; blocks while paused. Queries wait for the next
    /// [`Control::poll_answering`]. A dropped command sender means the driver went away, which
    /// stops the run.
    pub fn poll(&mut self) -> Flow {
        self.poll_answering(None)
    }

    /// Like [`Control::poll`], answering queries (waiting ones first) with views from
    /// `views`.
    pub fn poll_answering(&mut self, views: Option<ViewProvider<'_>>) -> Flow {
        if let Some(views) = views {
            for query in std::mem::take(&mut self.pending) {
                run_query(query, views);
            }
        }
        if self.stop_requested {
            return Flow::Stop;
        }
        loop {
            match self.commands.try_recv() {
                Ok(Command::Stop) | Err(TryRecvError::Disconnected) => return self.request_stop(),
                Ok(Command::Pause) => {
                    if self.wait_while_paused(views) == Flow::Stop {
                        return Flow::Stop;
                    }
                }
                Ok(Command::Resume) => {}
                Ok(Command::Query(query)) => self.answer(query, views),
                Err(TryRecvError::Empty) => return Flow::Continue,
            }
        }
    }

    fn answer(&mut self, query: QueryFn, views: Option<ViewProvider<'_>>) {
        match views {
            Some(views) => run_query(query, views),
            None => self.pending.push(query),
        }
    }

    fn request_stop(&mut self) -> Flow {
        self.stop_requested = true;
        Flow::Stop
    }

    fn wait_while_paused(&mut self, views: Option<ViewProvider<'_>>) -> Flow {
        self.status(RunStatus::Paused, "paused");
        let since = Instant::now();
        let flow = loop {
            match self.commands.recv_timeout(Duration::from_millis(200)) {
                Ok(Command::Resume) => break Flow::Continue,
                Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    break self.request_stop();
                }
                Ok(Command::Query(query)) => self.answer(query, views),
                Ok(Command::Pause) | Err(RecvTimeoutError::Timeout) => {}
            }
        };
        self.paused_for += since.elapsed();
        if flow == Flow::Continue {
            self.status(RunStatus::Training, "resumed");
        }
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn stop_and_pause_resume_are_honoured() {
        let (command_tx, command_rx) = channel();
        let (event_tx, event_rx) = channel();
        let mut control = Control::new(command_rx, event_tx);
        assert_eq!(control.poll(), Flow::Continue);
        command_tx.send(Command::Pause).expect("send");
        command_tx.send(Command::Resume).expect("send");
        assert_eq!(control.poll(), Flow::Continue);
        let statuses: Vec<RunStatus> = event_rx
            .try_iter()
            .filter_map(|e| match e {
                Event::Status { status, .. } => Some(status),
                _ => None,
            })
            .collect();
        assert_eq!(statuses, vec![RunStatus::Paused, RunStatus::Training]);
        command_tx.send(Command::Stop).expect("send");
        assert_eq!(control.poll(), Flow::Stop);
        assert!(control.stop_requested());
    }

    #[test]
    fn a_vanished_driver_stops_the_run() {
        let (command_tx, command_rx) = channel::<Command>();
        let (event_tx, _event_rx) = channel();
        let mut control = Control::new(command_rx, event_tx);
        drop(command_tx);
        assert_eq!(control.poll(), Flow::Stop);
    }
}
