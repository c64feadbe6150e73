//! Turning an analysis function into a training-session query with its own reply channel.

use std::sync::mpsc::{Receiver, channel};

use crate::train::query::{ModelView, QueryFn};

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
}
