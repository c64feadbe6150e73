//! One training run from start to summary: device, split, run folder, model, final test.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::models::{load_inference, recipe};
use super::split::training_split;
use crate::data::{Dataset, Split, hash_label};
use burn::tensor::Device;

use crate::eval::{
    EvalOptions, EvalOutcome, PopularityScorer, RankingMetrics, evaluate, popularity_counts,
};
use crate::settings::{DataSource, RunConfig, TrainConfig};
use crate::train::TrainError;
use crate::train::device::select_device;
use crate::train::epochs::evaluate_model;
use crate::train::epochs::{CaseInputs, SplitPart};
use crate::train::epochs::{LoopInputs, LoopOutcome, Recipe, run_epochs};
use crate::train::run_folder::{DatasetSummary, RunSummary};
use crate::train::run_folder::{MetricsWriter, ResumePoint, prepare_resume, resume_record};
use crate::train::run_folder::{RunDir, clear_earlier_run, write_test_ranks};
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
    if split.evaluated_users().next().is_none() {
        // Checked for every model (the popularity one would otherwise report zeros), before
        // the run folder is made.
        return Err(TrainError::NotEnoughData(
            "no user has 3 or more interactions, so no user can be evaluated (each needs \
             training items, a validation item and a test item); nothing was trained"
                .into(),
        ));
    }
    let run_dir = RunDir::new(&job.run_dir);
    run_dir.create()?;
    let _claim = run_dir.claim()?;
    let resume = if resume {
        Some(prepare_resume(&run_dir)?)
    } else {
        refuse_warm_start_from_itself(job)?;
        clear_earlier_run(&run_dir)?;
        write_run_config(job, &run_dir)?;
        None
    };
    let (mut metrics, started) = open_metrics(&run_dir, resume.as_ref(), control)?;
    // A resumed run's recipe loads its own checkpoint (`Recipe::resume`), not a warm start.
    let mut start_config = job.config.clone();
    if resume.is_some() {
        start_config.init_from = None;
    }
    let run = RunParts {
        job,
        split: &split,
        run_dir: &run_dir,
        device: &selected.device,
    };
    let recipe = recipe(&start_config, &split, dataset.n_items(), &selected.device)?;
    let (trained, test) = match recipe {
        None => run.popularity(control)?,
        Some(recipe) => run.train_and_test(recipe, control, &mut metrics, resume.as_ref())?,
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

/// A new run clears its folder first, so it cannot warm-start from the checkpoint in it.
fn refuse_warm_start_from_itself(job: &TrainJob) -> Result<(), TrainError> {
    let Some(init) = &job.config.init_from else {
        return Ok(());
    };
    let init = Path::new(init);
    let same = match (init.canonicalize(), job.run_dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => init == job.run_dir,
    };
    if same {
        return Err(TrainError::Mismatch(format!(
            "--init-from {} names the run's own folder, whose earlier files a new run clears; \
             copy that run elsewhere first, or train into another --out",
            init.display()
        )));
    }
    Ok(())
}

/// Writes `config.toml` of a new run, with the data's counts and content hash.
fn write_run_config(job: &TrainJob, run_dir: &RunDir) -> Result<(), TrainError> {
    let mut source = job.source.clone();
    source.users = job.dataset.n_users();
    source.items_count = job.dataset.n_items();
    source.interactions = job.dataset.n_interactions();
    source.content_hash = job.dataset.content_hash.map(hash_label);
    run_dir.write_config(&RunConfig {
        data: source,
        train: job.config.clone(),
    })
}

/// `metrics.jsonl` started afresh, or (resuming) appended to after a resume record with the
/// run's clock continued; with the clock reading training starts from.
fn open_metrics(
    run_dir: &RunDir,
    resume: Option<&ResumePoint>,
    control: &mut Control,
) -> Result<(MetricsWriter, f64), TrainError> {
    let Some(point) = resume else {
        return Ok((run_dir.metrics_writer()?, control.elapsed_seconds()));
    };
    let mut metrics = run_dir.metrics_appender()?;
    metrics.append(&resume_record(point))?;
    control.continue_clock_from(point.elapsed_seconds);
    // Preparing until the first step: the experiment's log prints it, after the claim.
    control.status(
        RunStatus::Preparing,
        format!("resuming from the checkpoint of epoch {}", point.best_epoch),
    );
    Ok((metrics, 0.0))
}

/// What training a model and testing it read.
struct RunParts<'a> {
    job: &'a TrainJob,
    split: &'a Split,
    run_dir: &'a RunDir,
    device: &'a Device,
}

/// How a run ended: its loop outcome and, when tested, the test metrics.
type Trained = (LoopOutcome, Option<RankingMetrics>);

impl RunParts<'_> {
    /// The popularity baseline: validation and test from training counts, no training.
    fn popularity(&self, control: &mut Control) -> Result<Trained, TrainError> {
        let dataset = &self.job.dataset;
        control.status(RunStatus::Evaluating, "counting training popularity");
        let valid_inputs = CaseInputs::new(self.split, SplitPart::Valid);
        let valid = evaluate_popularity(self.split, dataset, &valid_inputs, control)?;
        let test_inputs = CaseInputs::new(self.split, SplitPart::Test);
        let test = evaluate_popularity(self.split, dataset, &test_inputs, control)?;
        write_test_ranks(self.run_dir, &test_inputs.users, &test.ranks)?;
        let trained = LoopOutcome {
            stop_reason: "no training needed".into(),
            best_valid: valid.metrics,
            ..LoopOutcome::default()
        };
        Ok((trained, Some(test.metrics)))
    }

    /// The epoch loop, then (unless stopped) the best checkpoint tested once.
    fn train_and_test(
        &self,
        mut recipe: Box<dyn Recipe + '_>,
        control: &mut Control,
        metrics: &mut MetricsWriter,
        resume: Option<&ResumePoint>,
    ) -> Result<Trained, TrainError> {
        let (job, dataset) = (self.job, &self.job.dataset);
        let inputs = LoopInputs {
            dataset,
            split: self.split,
            config: &job.config,
            run_dir: self.run_dir,
        };
        if let Some(point) = resume {
            recipe.resume(self.run_dir, point.best_epoch)?;
        }
        let outcome = run_epochs(recipe.as_mut(), &inputs, control, metrics, resume)?;
        drop(recipe);
        if control.stop_requested() {
            return Ok((outcome, None));
        }
        control.status(RunStatus::Evaluating, "testing the best checkpoint");
        let checkpoint = self.run_dir.checkpoint_path();
        let best = load_inference(
            &job.config,
            self.split,
            dataset.n_items(),
            &checkpoint,
            self.device,
        )?
        .ok_or_else(|| TrainError::Mismatch("no checkpoint to test".into()))?;
        let test_inputs = CaseInputs::new(self.split, SplitPart::Test);
        let tested = evaluate_model(&best, &test_inputs, &dataset.sequences, control)?;
        write_test_ranks(self.run_dir, &test_inputs.users, &tested.ranks)?;
        Ok((outcome, Some(tested.metrics)))
    }
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
