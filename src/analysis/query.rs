//! Turning an analysis function into a training-session query with its own reply channel, and
//! the user lookup the per-user queries start from.

use std::sync::mpsc::{Receiver, channel};

use super::AnalysisError;

use crate::train::session::{ModelView, QueryFn};

/// Wraps `compute` as a [`QueryFn`]: when the session (or a reopened run) runs it, the result is
/// sent on the returned receiver and `notify` is called (e.g. to request a repaint). When the
/// query is dropped unanswered (the session ended), the receiver reports a disconnect, so the
/// asker can send it again elsewhere.
pub fn reply_query<T, F, N>(compute: F, notify: N) -> (QueryFn, Receiver<T>)
where
    T: Send + 'static,
    F: FnOnce(&ModelView<'_>) -> T + Send + 'static,
    N: FnOnce() + Send + 'static,
{
    let (sender, receiver) = channel();
    let query: QueryFn = Box::new(move |view: &ModelView<'_>| {
        let _ = sender.send(compute(view));
        notify();
    });
    (query, receiver)
}

/// `user`'s whole interaction history in `view`'s dataset; fails, naming the user, for an
/// unknown user or one without interactions.
pub fn user_history<'a>(view: &ModelView<'a>, user: u32) -> Result<&'a [u32], AnalysisError> {
    let name = || view.dataset.users.token(user).to_owned();
    let history = view
        .dataset
        .sequences
        .get(user as usize)
        .ok_or_else(|| AnalysisError::UnknownUser(name()))?;
    if history.is_empty() {
        return Err(AnalysisError::EmptyHistory(name()));
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, IdMap, leave_one_out};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn the_answer_arrives_and_a_dropped_query_disconnects() {
        let users: IdMap = ["u"].into_iter().collect();
        let items: IdMap = ["a", "b"].into_iter().collect();
        let dataset = Dataset::from_sequences("m".into(), users, items, vec![vec![0, 1]]);
        let split = leave_one_out(&dataset.sequences);
        let view = ModelView {
            model: None,
            dataset: &dataset,
            split: &split,
            epoch: 3,
        };
        let notified = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&notified);
        let (query, answers) = reply_query(
            |view| view.epoch * 2,
            move || flag.store(true, Ordering::SeqCst),
        );
        query(&view);
        assert_eq!(answers.recv().ok(), Some(6));
        assert!(notified.load(Ordering::SeqCst));

        let (query, answers) = reply_query(|view| view.epoch, || {});
        drop(query);
        assert!(answers.recv().is_err());
    }

    #[test]
    fn a_user_history_names_unknown_and_empty_users() {
        let users: IdMap = ["u", "idle"].into_iter().collect();
        let items: IdMap = ["a", "b"].into_iter().collect();
        let dataset =
            Dataset::from_sequences("m".into(), users, items, vec![vec![0, 1], Vec::new()]);
        let split = leave_one_out(&dataset.sequences);
        let view = ModelView {
            model: None,
            dataset: &dataset,
            split: &split,
            epoch: 0,
        };
        assert_eq!(user_history(&view, 0), Ok(&[0, 1][..]));
        assert_eq!(
            user_history(&view, 1),
            Err(AnalysisError::EmptyHistory("idle".into()))
        );
        assert!(matches!(
            user_history(&view, 7),
            Err(AnalysisError::UnknownUser(_))
        ));
    }
}
