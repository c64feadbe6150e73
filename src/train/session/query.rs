//! Questions the window asks a live (or reopened) model: the session runs a query closure
//! between training steps with a read-only view of its current state. Queries are built in
//! `analysis`, so this layer only knows how to run them, not what they compute.

use crate::data::{Dataset, Split};
use crate::model::InferenceModel;

/// A read-only view of a model and its data, valid for the duration of one query.
pub struct ModelView<'a> {
    /// The model in inference mode; `None` for the popularity baseline or before training
    /// produced one.
    pub model: Option<&'a InferenceModel>,
    /// The data the model trains on.
    pub dataset: &'a Dataset,
    /// Its leave-one-out split.
    pub split: &'a Split,
    /// The epoch the weights come from (0 before the first epoch ended).
    pub epoch: usize,
}

/// A query: runs once against a view and sends its own reply (it owns its reply channel).
pub type QueryFn = Box<dyn FnOnce(&ModelView<'_>) + Send>;
