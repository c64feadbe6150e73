//! One training run from start to summary: device, split, run folder, model, final test.

use std::path::PathBuf;
use std::sync::Arc;

use super::models::{load_inference, recipe};
use super::split::training_split;
use crate::data::{Dataset, Split};
use crate::eval::{EvalOptions, EvalOutcome, PopularityScorer, evaluate, popularity_counts};
use crate::settings::{DataSource, RunConfig, TrainConfig};
use crate::train::TrainError;
use crate::train::device::select_device;
use crate::train::epochs::evaluate_model;
use crate::train::epochs::{CaseInputs, SplitPart};
use crate::train::epochs::{LoopInputs, LoopOutcome, run_epochs};
use crate::train::run_folder::{DatasetSummary, RunSummary};
use crate::train::run_folder::{RunDir, write_test_ranks};
use crate::train::run_folder::{prepare_resume, resume_record};
use crate::train::session::{Control, Flow};
use crate::train::session::{Event, RunStatus};

/// A training job: the data, the settings and where to write.
#[derive(Clone, Debug)]
pub struct TrainJob {
    /// The loaded data (shared with the window).
    pub dataset: Arc<Dataset>,
    /// How to find the data again (written to `config.toml`).
    pub source: DataSource,
    /// Settings.
    pub config: TrainConfig,
    /// The run folder to create.
    pub run_dir: PathBuf,
}

/// Trains, validates, tests once and writes the run folder. Blocking; the session runs it
/// on its own thread. With `resume`, goes on instead with the run in `job.run_dir`, which was
/// cut before it finished, from its best checkpoint (see [`super::resume`]); `job` must then
/// hold the run's own data and settings (its `config.toml`, the device aside), which are not
/// written again.
pub fn run_training(
    job: &TrainJob,
    control: &mut Control,
    resume: bool,
) -> Result<RunSummary, TrainError> {
    job.config.validate()?;
    let selected = select_device(job.config.device)?;
    control.send(Event::Device {
        description: selected.description.clone(),
    });
    let dataset = &job.dataset;
    let split = training_split(
        &dataset.sequences,
        job.config.drop_train_share,
        job.config.seed,
    );
    let run_dir = RunDir::new(&job.run_dir);
    run_dir.create()?;
    let _claim = run_dir.claim()?;
    let resume = if resume {
        Some(prepare_resume(&run_dir)?)
    } else {
        let mut source = job.source.clone();
        source.users = dataset.n_users();
        source.items_count = dataset.n_items();
        source.interactions = dataset.n_interactions();
        run_dir.write_config(&RunConfig {
            data: source,
            train: job.config.clone(),
        })?;
        None
    };
    // A resumed run's recipe loads its own checkpoint (`Recipe::resume`), not a warm start.
    let mut start_config = job.config.clone();
    let (mut metrics, started) = match &resume {
        Some(point) => {
            let mut metrics = run_dir.metrics_appender()?;
            metrics.append(&resume_record(point))?;
            control.continue_clock_from(point.elapsed_seconds);
            // Preparing until the first step: the experiment's log prints it, after the claim.
            control.status(
                RunStatus::Preparing,
                format!("resuming from the checkpoint of epoch {}", point.best_epoch),
            );
            start_config.init_from = None;
            (metrics, 0.0)
        }
        None => (run_dir.metrics_writer()?, control.elapsed_seconds()),
    };
    let test_inputs = CaseInputs::new(&split, SplitPart::Test);

    let (trained, test) = match recipe(&start_config, &split, dataset.n_items(), &selected.device)?
    {
        None => {
            control.status(RunStatus::Evaluating, "counting training popularity");
            let valid_inputs = CaseInputs::new(&split, SplitPart::Valid);
            let valid = evaluate_popularity(&split, dataset, &valid_inputs, control)?;
            let test = evaluate_popularity(&split, dataset, &test_inputs, control)?;
            write_test_ranks(&run_dir, &test_inputs.users, &test.ranks)?;
            let trained = LoopOutcome {
                stop_reason: "no training needed".into(),
                best_valid: valid.metrics,
                ..LoopOutcome::default()
            };
            (trained, Some(test.metrics))
        }
        Some(mut recipe) => {
            let inputs = LoopInputs {
                dataset,
                split: &split,
                config: &job.config,
                run_dir: &run_dir,
            };
            if let Some(point) = &resume {
                recipe.resume(&run_dir, point.best_epoch)?;
            }
            let outcome = run_epochs(
                recipe.as_mut(),
                &inputs,
                control,
                &mut metrics,
                resume.as_ref(),
            )?;
            drop(recipe);
            let test = if control.stop_requested() {
                None
            } else {
                control.status(RunStatus::Evaluating, "testing the best checkpoint");
                let best = load_inference(
                    &job.config,
                    &split,
                    dataset.n_items(),
                    &run_dir.checkpoint_path(),
                    &selected.device,
                )?
                .ok_or_else(|| TrainError::Mismatch("no checkpoint to test".into()))?;
                let tested = evaluate_model(&best, &test_inputs, &dataset.sequences, control)?;
                write_test_ranks(&run_dir, &test_inputs.users, &tested.ranks)?;
                Some(tested.metrics)
            };
            (outcome, test)
        }
    };
    let summary = RunSummary {
        model: job.config.model.name().into(),
        device: selected.description,
        dataset: DatasetSummary {
            path: job.source.path.clone(),
            users: dataset.n_users(),
            items: dataset.n_items(),
            interactions: dataset.n_interactions(),
        },
        epochs_run: trained.epochs_run,
        best_epoch: trained.best_epoch,
        train_seconds: control.elapsed_seconds() - started,
        seconds_per_epoch: median(&trained.epoch_seconds),
        valid: trained.best_valid,
        test,
        stop_reason: trained.stop_reason,
        resumed_after: resume.map(|point| point.resumed_after).unwrap_or_default(),
    };
    run_dir.write_summary(&summary)?;
    Ok(summary)
}

/// Popularity baseline: training counts only.
pub fn evaluate_popularity(
    split: &Split,
    dataset: &Dataset,
    inputs: &CaseInputs,
    control: &mut Control,
) -> Result<EvalOutcome, TrainError> {
    let cases = inputs.cases(&dataset.sequences);
    let counts = popularity_counts(&split.train, dataset.n_items());
    let mut scorer = PopularityScorer::new(counts);
    let mut progress = |_: usize, _: usize| control.poll() == Flow::Continue;
    Ok(evaluate(
        &mut scorer,
        &cases,
        &EvalOptions::default(),
        None,
        &mut progress,
    )?)
}

/// Median of a list (0 when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
