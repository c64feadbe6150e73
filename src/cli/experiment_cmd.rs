//! `sequda experiment`: runs a plan and prints its table.

use std::sync::Arc;

use anyhow::anyhow;

use super::args::ExperimentArgs;
use super::input::load_reporting;
use super::train_cmd::{apply_loss, base_config, data_source, guessed_items};
use sequda::train::experiment::markdown;
use sequda::train::experiment::{
    Plan, PlanFolders, plan_outlook, restore_records, run_experiment, select_variants, variants,
};
use sequda::train::session::{Event, RunStatus};

/// Runs `experiment`.
pub fn run(args: ExperimentArgs) -> anyhow::Result<()> {
    let plan: Plan = args.plan.parse().map_err(|e: String| anyhow!(e))?;
    let dataset = Arc::new(load_reporting(&args.data, &args.input)?);
    let mut base = base_config(
        &dataset,
        args.config.as_deref(),
        args.epochs,
        args.patience,
        args.device.as_deref(),
        &args.shape,
    )?;
    apply_loss(&mut base, &args.loss)?;
    let variants =
        select_variants(variants(plan, &base), &args.variants).map_err(|e| anyhow!(e))?;
    // Titles found beside the data, as `train` finds them, so that `generate`, `audience` and
    // the window show names for an experiment's runs too.
    let items = guessed_items(&args.data, &dataset);
    let source = data_source(&args.data, &args.input, items.as_deref());
    let seeds: Vec<u64> = (1..=args.seeds).collect();
    let folders = PlanFolders {
        out: &args.out,
        record: args.record.as_deref(),
    };
    let restored = restore_records(&variants, &dataset, &source, &seeds, folders)?;
    if let Some(record) = folders.record {
        eprintln!(
            "{restored} finished run{} restored from the record in {}",
            if restored == 1 { "" } else { "s" },
            record.display()
        );
    }
    let outlook = plan_outlook(&variants, &dataset, &source, &seeds, &args.out);
    let elsewhere = match outlook.in_use {
        0 => String::new(),
        n => format!(", {n} being trained by another process"),
    };
    eprintln!(
        "{} rows × {} seed{} in {}: {} finished (reused), {} cut (resumed), {} to train{elsewhere}",
        variants.len(),
        seeds.len(),
        if seeds.len() == 1 { "" } else { "s" },
        args.out.display(),
        outlook.finished,
        outlook.resumable,
        outlook.to_train
    );
    let mut progress = print_progress;
    let results = run_experiment(
        plan,
        &variants,
        &dataset,
        &source,
        &seeds,
        folders,
        &mut progress,
    )?;
    println!("{}", markdown(&results));
    eprintln!("wrote {}/results.md and results.json", args.out.display());
    if let Some(record) = &args.record {
        eprintln!(
            "recorded every finished run's config, summary and test ranks, and the results, \
             in {} (commit it: no checkpoints are in it)",
            record.display()
        );
    }
    Ok(())
}

/// Prints one line for each epoch, finish, warning and plan status of a run.
fn print_progress(variant: &str, seed: u64, event: &Event) {
    match event {
        Event::Epoch(epoch) => eprintln!(
            "{variant} seed {seed}: epoch {:>3} valid NDCG@10 {:.4}{}, {:.0} s + {:.0} s validation",
            epoch.epoch,
            epoch.valid.ndcg_10,
            if epoch.improved {
                " best".to_string()
            } else {
                format!(" (best: epoch {})", epoch.best_epoch)
            },
            epoch.epoch_seconds,
            epoch.eval_seconds
        ),
        Event::Finished(summary) => eprintln!(
            "{variant} seed {seed}: done, test NDCG@10 {}",
            summary
                .test
                .as_ref()
                .map_or("–".to_string(), |t| format!("{:.4}", t.ndcg_10))
        ),
        Event::Warning { message } => eprintln!("{variant} seed {seed}: warning: {message}"),
        Event::Status {
            status: RunStatus::Finished | RunStatus::Preparing,
            message,
        } => eprintln!("{variant} seed {seed}: {message}"),
        _ => {}
    }
}
