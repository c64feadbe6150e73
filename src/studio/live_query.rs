//! A model query a pane keeps up to date: sent again when its inputs or the model change,
//! answered off the UI thread (by the training session or the query worker), kept (possibly
//! stale) until the new answer arrives, which asks the window for a repaint.

use std::sync::mpsc::{Receiver, TryRecvError};

use super::workspace::Workspace;
use crate::analysis::AnalysisError;
use crate::analysis::query::reply_query;
use crate::train::session::ModelView;

/// The latest answer to a keyed query.
pub struct LiveQuery<K, T> {
    requested: Option<K>,
    pending: Option<Receiver<Result<T, AnalysisError>>>,
    answer: Option<(K, Result<T, AnalysisError>)>,
}

impl<K, T> Default for LiveQuery<K, T> {
    fn default() -> Self {
        Self {
            requested: None,
            pending: None,
            answer: None,
        }
    }
}

impl<K: Clone + PartialEq, T: Send + 'static> LiveQuery<K, T> {
    /// Makes sure an answer for `key` is shown or on its way: when `key` differs from the last
    /// request, `compute` is sent to the workspace (training session or worker), whose repaint
    /// callback is called when the answer arrives.
    pub fn request<F>(&mut self, key: K, workspace: &Workspace, compute: F)
    where
        F: FnOnce(&ModelView<'_>) -> Result<T, AnalysisError> + Send + 'static,
    {
        self.poll();
        if self.requested.as_ref() == Some(&key) {
            return;
        }
        let repaint = workspace.repaint();
        let (query, receiver) = reply_query(compute, move || repaint());
        workspace.query(query);
        self.requested = Some(key);
        self.pending = Some(receiver);
    }

    /// Collects an answer that arrived. A query dropped unanswered (the session ended) is
    /// forgotten, so the next [`LiveQuery::request`] sends it again.
    pub fn poll(&mut self) {
        let Some(receiver) = &self.pending else {
            return;
        };
        match receiver.try_recv() {
            Ok(answer) => {
                self.pending = None;
                if let Some(key) = self.requested.clone() {
                    self.answer = Some((key, answer));
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.pending = None;
                self.requested = None;
            }
        }
    }

    /// Whether an answer is on its way.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The latest answer (maybe for an older key) with the key it answers.
    pub fn answer(&self) -> Option<(&K, &Result<T, AnalysisError>)> {
        self.answer.as_ref().map(|(k, a)| (k, a))
    }

    /// The latest successful value.
    pub fn value(&self) -> Option<&T> {
        match &self.answer {
            Some((_, Ok(value))) => Some(value),
            _ => None,
        }
    }

    /// The latest error.
    pub fn error(&self) -> Option<&AnalysisError> {
        match &self.answer {
            Some((_, Err(error))) => Some(error),
            _ => None,
        }
    }

    /// Forgets everything (e.g. new data).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}
