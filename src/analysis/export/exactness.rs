//! What an export can reproduce of the app's audience for a given model.

use serde::Serialize;

use crate::model::InferenceModel;

/// The formula the exported tables score with.
pub const FORMULA: &str = "probability(user, ad) = exp(dot(user_states[user], item_embeddings[ad]) - user_lse[user]); \
     users ranked for an ad by it, highest first, ties by user_index";

/// Whether the exported formula gives exactly what `sequda audience` gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exactness {
    /// `true` when the formula reproduces `sequda audience` for every ad.
    pub exact: bool,
    /// The command whose output the formula reproduces.
    pub reproduces: String,
    /// Why, in a sentence or two.
    pub reason: String,
}

impl Exactness {
    /// The exactness of an export of `model`.
    pub fn of(model: &InferenceModel) -> Self {
        if model.has_target_attention() {
            Self {
                exact: false,
                reproduces: "sequda audience --without-target-attention".into(),
                reason: "This SeqUDA-Rec model scores an ad for a user with its target-attention \
                         head: the ad attends over the user's history, so the score \
                         (h_u + r_c) · E_c, and the softmax normaliser with it, depend on the ad \
                         as well as the user. One exported state per user cannot hold that, so \
                         `sequda audience` (which uses the head) needs the model itself. The \
                         exported tables reproduce the full-ranking audience, \
                         `sequda audience --without-target-attention`, exactly."
                    .into(),
            }
        } else {
            Self {
                exact: true,
                reproduces: "sequda audience".into(),
                reason: "The model's audience score is the softmax over the catalogue of \
                         h_u · E_c with no item bias, so exp(h_u · E_c − lse_u) from the exported \
                         tables is the app's probability for every user and every ad."
                    .into(),
            }
        }
    }
}
