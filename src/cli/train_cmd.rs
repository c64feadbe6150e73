//! `sequda train`: runs a training session and shows its progress.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{InputArgs, ShapeArgs, TrainArgs};
use super::input::load_reporting;
use super::scale_args::LossArgs;
use sequda::data::{Dataset, ImportReport, dataset_stats, guess_item_meta, load_item_meta};
use sequda::settings::{DataSource, LossChoice, ResolvedLoss, RunConfig, TrainConfig};
use sequda::train::run_folder::RunSummary;
use sequda::train::session::{EpochReport, Event};
use sequda::train::{RunDir, TrainJob, TrainingSession};

/// Runs `train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    refuse_an_existing_run(&args.out, args.overwrite)?;
    let dataset = load_reporting(&args.data, &args.input)?;
    let items = match &args.items {
        Some(items) => {
            let (_, report) = load_item_meta(items, &dataset.items)?;
            warn_about(items, &report);
            Some(items.clone())
        }
        None => guessed_items(&args.data, &dataset),
    };
    let config = build_config(&args, &dataset)?;
    let source = data_source(&args.data, &args.input, items.as_deref());
    eprintln!(
        "data: {} users, {} items, {} interactions; model {}, loss {}; writing {}",
        dataset.n_users(),
        dataset.n_items(),
        dataset.n_interactions(),
        config.model,
        loss_label(&config, dataset.n_items()),
        args.out.display()
    );
    let job = TrainJob {
        dataset: Arc::new(dataset),
        source,
        config,
        run_dir: args.out.clone(),
    };
    let session = TrainingSession::start(job).context("starting the training thread")?;
    follow_to_the_end(session, &args.out)
}

/// Shows the session's progress until it ends, then its summary (`out` is its run folder).
pub(super) fn follow_to_the_end(session: TrainingSession, out: &Path) -> anyhow::Result<()> {
    let summary = follow(&session)?;
    session.join();
    print_summary(&summary, out);
    Ok(())
}

/// Fails when `out` already holds a run and `overwrite` is off, saying what it holds and
/// what to do instead.
fn refuse_an_existing_run(out: &Path, overwrite: bool) -> anyhow::Result<()> {
    let run = RunDir::new(out);
    if overwrite || !run.config_path().is_file() {
        return Ok(());
    }
    let held = match run.read_summary() {
        Ok(summary) if summary.test.is_some() => "a finished run".to_string(),
        Ok(summary) => format!(
            "a run that ended untested ({}; `sequda resume --run` goes on with it)",
            summary.stop_reason
        ),
        Err(_) if run.checkpoint_path().is_file() => {
            "a run cut before it finished (`sequda resume --run` goes on with it)".to_string()
        }
        Err(_) => "a run that never reached its first checkpoint".to_string(),
    };
    bail!(
        "{} already holds {held}; choose another --out, or add --overwrite to replace it",
        out.display()
    )
}

/// The item-metadata file found beside the data when `--items` is not given, if it reads and
/// describes this data's items; a file that does not is reported and left out, since titles
/// are a nicety the run does not need.
pub fn guessed_items(data: &Path, dataset: &Dataset) -> Option<PathBuf> {
    let items = guess_item_meta(data)?;
    match load_item_meta(&items, &dataset.items) {
        Ok((_, report)) => {
            eprintln!(
                "items: titles from {} (found beside the data; --items chooses another file)",
                items.display()
            );
            warn_about(&items, &report);
            Some(items)
        }
        Err(error) => {
            eprintln!("warning: {error}; training without item titles");
            None
        }
    }
}

/// Prints an item-metadata file's import warnings.
fn warn_about(items: &Path, report: &ImportReport) {
    for line in report.summary_lines() {
        eprintln!("warning: {}: {line}", items.display());
    }
}

/// Defaults sized to the data, then `--config`, then flags.
fn build_config(args: &TrainArgs, dataset: &Dataset) -> anyhow::Result<TrainConfig> {
    let mut config = base_config(
        dataset,
        args.config.as_deref(),
        args.epochs,
        args.patience,
        args.device.as_deref(),
        &args.shape,
    )?;
    apply_loss(&mut config, &args.loss)?;
    if let Some(model) = &args.model {
        config.model = model.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(dir) = &args.init_from {
        config.init_from = Some(dir.display().to_string());
    }
    Ok(config)
}

/// Settings shared by `train` and `experiment`: defaults sized to the data, replaced by the
/// `[train]` section of `config_file` when given, then the flags. Prints the settings that
/// depend on the data's size and where they came from (README, "Command line").
pub fn base_config(
    dataset: &Dataset,
    config_file: Option<&Path>,
    epochs: Option<usize>,
    patience: Option<usize>,
    device: Option<&str>,
    shape: &ShapeArgs,
) -> anyhow::Result<TrainConfig> {
    let stats = dataset_stats(dataset);
    let figures = (
        stats.sequence_length.median as usize,
        stats.sequence_length.mean,
        stats.interactions,
    );
    let mut config = TrainConfig::for_data(figures.0, figures.1, figures.2);
    let mut origin = format!(
        "defaults sized to the data: {}",
        TrainConfig::sizing_reasons(figures.0, figures.1, figures.2)
    );
    if let Some(path) = config_file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let file: RunConfig =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        config = file.train;
        origin = format!("from {}", path.display());
    }
    if let Some(epochs) = epochs {
        config.epochs = epochs;
    }
    if let Some(patience) = patience {
        config.patience = patience;
    }
    if let Some(device) = device {
        config.device = device.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    }
    apply_shape(&mut config, shape);
    config.encoder.validate()?;
    eprintln!(
        "settings: epochs {}, patience {}, max_len {}, dropout {} ({origin}; the flags change \
         them)",
        config.epochs, config.patience, config.encoder.max_len, config.encoder.dropout
    );
    Ok(config)
}

/// Applies `--loss`, `--negatives` and `--negative-source` to a config.
pub fn apply_loss(config: &mut TrainConfig, loss: &LossArgs) -> anyhow::Result<()> {
    config.loss = loss.loss.unwrap_or(config.loss);
    config.sampled.negatives = loss.negatives.unwrap_or(config.sampled.negatives);
    config.sampled.source = loss.negative_source.unwrap_or(config.sampled.source);
    config.sampled.validate()?;
    Ok(())
}

/// The loss a run on `n_items` items trains with, e.g. "full (auto)" or
/// "sampled, 2048 uniform negatives".
pub fn loss_label(config: &TrainConfig, n_items: usize) -> String {
    let resolved = config.loss.resolve(n_items);
    let how = match resolved {
        ResolvedLoss::Full => String::new(),
        ResolvedLoss::Sampled => format!(
            ", {} {} negatives",
            config.sampled.negatives, config.sampled.source
        ),
    };
    let auto = if config.loss == LossChoice::Auto {
        " (auto)"
    } else {
        ""
    };
    format!("{}{auto}{how}", resolved.name())
}

/// How a run finds its data again.
pub fn data_source(path: &Path, input: &InputArgs, items: Option<&Path>) -> DataSource {
    DataSource {
        path: path.display().to_string(),
        format: input.format.clone(),
        items: items.map(|p| p.display().to_string()),
        user_column: input.user_col.clone(),
        item_column: input.item_col.clone(),
        time_column: input.time_col.clone(),
        behaviour_column: input.behaviour_col.clone(),
        ..DataSource::default()
    }
}

/// Applies `--max-len`, `--dim`, … to a config.
pub fn apply_shape(config: &mut TrainConfig, shape: &ShapeArgs) {
    let encoder = &mut config.encoder;
    encoder.max_len = shape.max_len.unwrap_or(encoder.max_len);
    encoder.dim = shape.dim.unwrap_or(encoder.dim);
    encoder.blocks = shape.blocks.unwrap_or(encoder.blocks);
    encoder.heads = shape.heads.unwrap_or(encoder.heads);
    encoder.dropout = shape.dropout.unwrap_or(encoder.dropout);
    encoder.positional = shape.positional.unwrap_or(encoder.positional);
    encoder.mixing = shape.mixing.unwrap_or(encoder.mixing);
    encoder.mix_alpha = shape.mix_alpha.unwrap_or(encoder.mix_alpha);
    encoder.mix_frequencies = shape.mix_frequencies.unwrap_or(encoder.mix_frequencies);
    encoder.positional_padding |= shape.positional_padding;
    config.batch_size = shape.batch.unwrap_or(config.batch_size);
    config.learning_rate = shape.lr.unwrap_or(config.learning_rate);
    let schedule = &mut config.schedule;
    schedule.kind = shape.lr_schedule.unwrap_or(schedule.kind);
    schedule.warmup_epochs = shape.warmup_epochs.unwrap_or(schedule.warmup_epochs);
    schedule.decay_epochs = shape.decay_epochs.unwrap_or(schedule.decay_epochs);
}

/// Shows events until the run ends; returns its summary or its error.
fn follow(session: &TrainingSession) -> anyhow::Result<RunSummary> {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    loop {
        let Some(event) = session.next_event(Duration::from_millis(200)) else {
            if session.is_finished() {
                bar.finish_and_clear();
                bail!("the training thread ended without a result");
            }
            continue;
        };
        match event {
            Event::Device { description } => say(&bar, format!("device: {description}")),
            Event::Step(step) => {
                bar.set_length(step.steps_per_epoch as u64);
                bar.set_position(step.step as u64);
                bar.set_prefix(format!("epoch {}", step.epoch));
                let loss = step.losses.get("loss").copied().unwrap_or(f64::NAN);
                bar.set_message(format!(
                    "loss {loss:.4}  {:.0} seq/s",
                    step.sequences_per_second
                ));
            }
            Event::Epoch(epoch) => say(&bar, epoch_line(&epoch)),
            Event::Status { message, .. } => bar.set_message(message),
            Event::Synthetic(report) => say(
                &bar,
                format!(
                    "epoch {:>3}  GAN kept {}/{} synthetic sequences  popularity JS {:.3}  distinct-2 {:.3} (real {:.3})",
                    report.epoch,
                    report.kept,
                    report.generated,
                    report.quality.popularity_js,
                    report.quality.synthetic.distinct_2,
                    report.quality.real.distinct_2
                ),
            ),
            Event::Warning { message } => say(&bar, format!("warning: {message}")),
            Event::Finished(summary) => {
                bar.finish_and_clear();
                return Ok(*summary);
            }
            Event::Failed { message } => {
                bar.finish_and_clear();
                bail!(message);
            }
        }
    }
}

/// Prints `line` above the progress bar; as a plain line when the bar is hidden (stderr is a
/// log file or a pipe, not a terminal), where the bar's own `println` would drop it.
fn say(bar: &ProgressBar, line: String) {
    bar.suspend(|| eprintln!("{line}"));
}

/// One epoch's line: validation metrics, the best epoch so far, seconds of training and of
/// validation.
fn epoch_line(epoch: &EpochReport) -> String {
    format!(
        "epoch {:>3}  valid HR@10 {:.4}  NDCG@10 {:.4}  MRR {:.4}  ({:.1}s + {:.1}s eval)  {}",
        epoch.epoch,
        epoch.valid.hr_10,
        epoch.valid.ndcg_10,
        epoch.valid.mrr,
        epoch.epoch_seconds,
        epoch.eval_seconds,
        if epoch.improved {
            "best".to_string()
        } else {
            format!("(best: epoch {})", epoch.best_epoch)
        }
    )
}

fn print_summary(summary: &RunSummary, out: &Path) {
    eprintln!(
        "{}: {} epochs (best {}), {:.1}s, {:.2}s/epoch, stopped: {}",
        summary.model,
        summary.epochs_run,
        summary.best_epoch,
        summary.train_seconds,
        summary.seconds_per_epoch,
        summary.stop_reason
    );
    eprintln!(
        "valid: HR@10 {:.4}  NDCG@10 {:.4}  MRR {:.4}",
        summary.valid.hr_10, summary.valid.ndcg_10, summary.valid.mrr
    );
    match &summary.test {
        Some(test) => eprintln!(
            "test:  HR@10 {:.4}  NDCG@10 {:.4}  MRR@10 {:.4}  HR@20 {:.4}  NDCG@20 {:.4}  MRR@20 {:.4}  MRR {:.4}",
            test.hr_10, test.ndcg_10, test.mrr_10, test.hr_20, test.ndcg_20, test.mrr_20, test.mrr
        ),
        None => eprintln!(
            "test: not evaluated (stopped); run `sequda eval --run {}`",
            out.display()
        ),
    }
    eprintln!("run folder: {}", out.display());
}
