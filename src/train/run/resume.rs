//! Going on with a run that was cut before it finished: the job rebuilt from its folder (see
//! [`crate::train::run_folder::ResumePoint`] for where it picks up).

use std::path::Path;
use std::sync::Arc;

use super::reopen::reload_dataset;
use super::training::TrainJob;
use crate::settings::DeviceChoice;
use crate::train::TrainError;
use crate::train::run_folder::RunDir;

/// The job that goes on with the cut run in `dir`: its settings from `config.toml` (on
/// `device` instead of the saved device when given) and its data reloaded as it was read,
/// failing when the file changed since. Start it with
/// [`crate::train::session::TrainingSession::resume`].
pub fn resume_job(dir: &Path, device: Option<DeviceChoice>) -> Result<TrainJob, TrainError> {
    let mut config = RunDir::new(dir).read_config()?;
    let dataset = reload_dataset(&config.data)?;
    if let Some(device) = device {
        config.train.device = device;
    }
    Ok(TrainJob {
        dataset: Arc::new(dataset),
        source: config.data,
        config: config.train,
        run_dir: dir.to_path_buf(),
    })
}
