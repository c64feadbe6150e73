//! From a model kind to its training recipe, and from a run folder back to its trained model.

use std::path::Path;

use burn::tensor::Device;

use crate::data::Split;
use crate::model::SasRec;
use crate::model::inference::{InferenceModel, SeqUdaSnapshot};
use crate::model::sequda::SeqUdaRec;
use crate::settings::{ModelKind, TrainConfig};
use crate::train::TrainError;
use crate::train::epochs::Recipe;
use crate::train::run_folder::load_checkpoint;
use crate::train::trainers::SasRecRecipe;
use crate::train::trainers::SeqUdaRecipe;
use crate::train::trainers::graph_adjacency;

/// The training recipe of `config.model` (None for the popularity baseline, which does not
/// train).
pub fn recipe<'a>(
    config: &'a TrainConfig,
    split: &'a Split,
    n_items: usize,
    device: &Device,
) -> Result<Option<Box<dyn Recipe + 'a>>, TrainError> {
    Ok(match config.model {
        ModelKind::Pop => None,
        ModelKind::Sasrec => Some(Box::new(SasRecRecipe::new(config, split, n_items, device)?)),
        kind => {
            let settings = kind.sequda_settings(&config.sequda);
            Some(Box::new(SeqUdaRecipe::new(
                config, settings, split, n_items, device,
            )?))
        }
    })
}

/// The checkpoint `weights` (a run's best `model.bpk`) as an inference model on `device`
/// (None for popularity). `split` must be the run's training split (its graph feeds
/// SeqUDA-Rec's input table).
pub fn load_inference(
    config: &TrainConfig,
    split: &Split,
    n_items: usize,
    weights: &Path,
    device: &Device,
) -> Result<Option<InferenceModel>, TrainError> {
    Ok(match config.model {
        ModelKind::Pop => None,
        ModelKind::Sasrec => Some(InferenceModel::SasRec(Box::new(load_checkpoint(
            SasRec::new(&config.encoder, n_items, device),
            weights,
        )?))),
        kind => {
            let settings = kind.sequda_settings(&config.sequda);
            let empty = SeqUdaRec::new(
                &settings,
                &config.encoder,
                split.train.len(),
                n_items,
                device,
            );
            let model = load_checkpoint(empty, weights)?;
            let adjacency = if settings.graph {
                Some(graph_adjacency(&split.train, n_items, device)?)
            } else {
                None
            };
            Some(InferenceModel::SeqUda(Box::new(SeqUdaSnapshot::new(
                model,
                adjacency.as_ref(),
                settings.rerank_top,
            ))))
        }
    })
}
