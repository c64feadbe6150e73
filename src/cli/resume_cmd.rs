//! `sequda resume`: goes on with a cut run in its own folder and shows its progress.

use std::sync::Arc;

use anyhow::Context;

use super::args::ResumeArgs;
use super::train_cmd::follow_to_the_end;
use sequda::train::reopen::reload_dataset;
use sequda::train::{RunDir, TrainJob, TrainingSession};

/// Runs `resume`.
pub fn run(args: ResumeArgs) -> anyhow::Result<()> {
    let mut config = RunDir::new(&args.run)
        .read_config()
        .with_context(|| format!("{} is not a run folder", args.run.display()))?;
    let dataset = reload_dataset(&config.data)?;
    if let Some(device) = &args.device {
        config.train.device = device.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    }
    eprintln!(
        "resuming {}: model {} on {} ({} users, {} items)",
        args.run.display(),
        config.train.model,
        config.data.path,
        dataset.n_users(),
        dataset.n_items()
    );
    let job = TrainJob {
        dataset: Arc::new(dataset),
        source: config.data,
        config: config.train,
        run_dir: args.run.clone(),
    };
    let session = TrainingSession::resume(job).context("starting the training thread")?;
    follow_to_the_end(session, &args.run)
}
