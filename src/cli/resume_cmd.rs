//! `sequda resume`: goes on with a cut run in its own folder and shows its progress.

use anyhow::Context;

use super::args::ResumeArgs;
use super::train_cmd::follow_to_the_end;
use sequda::settings::DeviceChoice;
use sequda::train::TrainingSession;
use sequda::train::run::resume_job;

/// Runs `resume`.
pub fn run(args: ResumeArgs) -> anyhow::Result<()> {
    let device = args
        .device
        .as_deref()
        .map(str::parse::<DeviceChoice>)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let job = resume_job(&args.run, device)
        .with_context(|| format!("cannot resume {}", args.run.display()))?;
    eprintln!(
        "resuming {}: model {} on {} ({} users, {} items)",
        args.run.display(),
        job.config.model,
        job.source.path,
        job.dataset.n_users(),
        job.dataset.n_items()
    );
    let session = TrainingSession::resume(job).context("starting the training thread")?;
    follow_to_the_end(session, &args.run)
}
