//! Saving and loading model weights as burn records (burnpack bytes), atomically.

use std::path::Path;

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

use super::error::TrainError;
use super::run_dir::write_atomically;

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
