//! What can go wrong when a question is asked of a model or of the data.

/// Why an analysis could not be answered. Every variant reads as one plain-language line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// The question needs a trained encoder, and the run has none (popularity model, or no run).
    #[error("this needs a trained sequence model; train SASRec (or reopen a SASRec run) first")]
    NoModel,
    /// The question needs SeqUDA-Rec's target-attention head, and this run's model has none.
    #[error(
        "this run's model has no target-attention head (SASRec-CE, or SeqUDA-Rec trained without it); train SeqUDA-Rec to see target attention"
    )]
    NoTargetAttention,
    /// The user id is not in the dataset.
    #[error("unknown user '{0}'")]
    UnknownUser(String),
    /// The item id is not in the dataset.
    #[error("unknown item '{0}'")]
    UnknownItem(String),
    /// The user has no interactions to look at.
    #[error("user '{0}' has no interactions")]
    EmptyHistory(String),
    /// The model's catalogue does not match the dataset's.
    #[error("the model scores {model} items but the data has {data}")]
    CatalogueMismatch {
        /// Items the model knows.
        model: usize,
        /// Items in the dataset.
        data: usize,
    },
    /// Two runs cannot be compared (untested, or trained on different data or users).
    #[error("{0}")]
    NotComparable(String),
    /// The backend failed to hand results back.
    #[error("the model could not compute this: {0}")]
    Backend(String),
}
