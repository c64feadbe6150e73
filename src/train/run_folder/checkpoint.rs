//! Saving and loading model weights as burn records (burnpack bytes), atomically.

use std::path::Path;

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

use super::folder::{RunDir, write_atomically};
use crate::settings::TrainConfig;
use crate::train::TrainError;

/// Writes `module`'s weights to `path` (temporary file + rename).
pub fn save_checkpoint<M: Module>(module: &M, path: &Path) -> Result<(), TrainError> {
    let bytes = module
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| TrainError::file(path, format!("cannot encode checkpoint: {e:?}")))?;
    write_atomically(path, &bytes)
}

/// Loads weights from `path` into `module` (which must have the same architecture).
pub fn load_checkpoint<M: Module>(module: M, path: &Path) -> Result<M, TrainError> {
    let bytes = std::fs::read(path).map_err(|e| TrainError::file(path, e))?;
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes))
        .map_err(|e| TrainError::file(path, format!("not a valid checkpoint: {e:?}")))?;
    module.try_load_record(record).map_err(|e| {
        TrainError::file(
            path,
            format!("checkpoint does not fit this model configuration: {e:?}"),
        )
    })
}

/// Writes `optimizer`'s state (per-parameter moments and step counts, keyed by the parameter
/// ids the model checkpoint keeps) to `path` (temporary file + rename).
pub fn save_optimizer(optimizer: &ModuleOptimizer, path: &Path) -> Result<(), TrainError> {
    let bytes = optimizer
        .into_bytes()
        .map_err(|e| TrainError::file(path, format!("cannot encode optimiser state: {e:?}")))?;
    write_atomically(path, &bytes)
}

/// Gives `optimizer` the state saved at `path`; leaves it unchanged (its moments start fresh)
/// when the run has no such file (saved before the state was kept).
pub fn restore_optimizer(optimizer: &mut ModuleOptimizer, path: &Path) -> Result<(), TrainError> {
    if !path.is_file() {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| TrainError::file(path, e))?;
    // Loading replaces the whole per-parameter state, so the clone's old state is dropped.
    *optimizer = optimizer
        .clone()
        .from_bytes(Bytes::from_bytes_vec(bytes))
        .map_err(|e| TrainError::file(path, format!("not a valid optimiser state: {e:?}")))?;
    Ok(())
}

/// `module` as `config` asks it to start: unchanged, or with the weights of the best
/// checkpoint of the run folder `config.init_from` (a warm start). That run must have trained
/// the same model variant on the same users, items and training split (`n_users`, `n_items`);
/// its shape is checked when the weights load. Only the weights carry over: the optimiser
/// state (and, for SeqUDA-Rec, the GAN) starts fresh.
pub fn warm_start<M: Module>(
    module: M,
    config: &TrainConfig,
    n_users: usize,
    n_items: usize,
) -> Result<M, TrainError> {
    let Some(dir) = &config.init_from else {
        return Ok(module);
    };
    let run = RunDir::new(dir);
    let earlier = run.read_config()?;
    let mismatch = if earlier.train.model != config.model {
        Some(format!(
            "it trained {}, this run trains {}",
            earlier.train.model, config.model
        ))
    } else if earlier.data.users != n_users || earlier.data.items_count != n_items {
        Some(format!(
            "it had {} users and {} items, this data has {n_users} and {n_items}",
            earlier.data.users, earlier.data.items_count
        ))
    } else if earlier.train.drop_train_share != config.drop_train_share {
        Some(format!(
            "it dropped {} of the training interactions, this run drops {}",
            earlier.train.drop_train_share, config.drop_train_share
        ))
    } else {
        None
    };
    if let Some(reason) = mismatch {
        return Err(TrainError::Mismatch(format!(
            "cannot start from {dir}: {reason}"
        )));
    }
    load_checkpoint(module, &run.checkpoint_path())
}
