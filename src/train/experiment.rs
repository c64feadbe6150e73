//! Experiment plans (MODEL.md §6): variants × seeds, each a normal training run in its own
//! folder, summarised as mean ± std per variant and metric with a paired per-user t-test of
//! NDCG@10 against SASRec-CE (each user's values averaged over the seeds first), written as
//! Markdown and JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::compare::read_test_ranks;
use super::config::{DataSource, ModelKind, TrainConfig};
use super::error::TrainError;
use super::events::Event;
use super::experiment_reuse::{PlannedRun, planned_run};
use super::experiment_settle::{HELD_RUN_POLL, preparing, settle_run};
use super::run_dir::{RunDir, write_atomically};
use crate::data::Dataset;
use crate::eval::{
    PairedTest, RankingMetrics, mean_std, metrics_from_ranks, ndcg_at, paired_t_test,
};

/// The plans `sequda experiment --plan` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Popularity, SASRec-CE, SeqUDA-Rec and its three ablations.
    Ablation,
    /// SASRec-CE and SeqUDA-Rec with 0%, 30% and 50% of training interactions dropped.
    Sparsity,
    /// SeqUDA-Rec with τ ∈ {0.05, 0.1, 0.2, 0.5}, and SASRec-CE.
    Temperature,
}

impl Plan {
    /// The name `--plan` accepts for this plan.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ablation => "ablation",
            Self::Sparsity => "sparsity",
            Self::Temperature => "temperature",
        }
    }
}

impl std::str::FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ablation" => Ok(Self::Ablation),
            "sparsity" => Ok(Self::Sparsity),
            "temperature" => Ok(Self::Temperature),
            other => Err(format!(
                "unknown plan '{other}' (expected ablation, sparsity or temperature)"
            )),
        }
    }
}

/// One variant of a plan: a name and the settings it changes.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Row name, e.g. "sequda" or "sasrec@drop30".
    pub name: String,
    /// The settings of its runs (seed set per run).
    pub config: TrainConfig,
    /// The SASRec-CE row it is compared with (None for SASRec rows themselves).
    pub baseline: Option<String>,
}

/// The variants of `plan`, built on `base` settings.
pub fn variants(plan: Plan, base: &TrainConfig) -> Vec<Variant> {
    let with = |model: ModelKind, change: &dyn Fn(&mut TrainConfig)| {
        let mut config = base.clone();
        config.model = model;
        change(&mut config);
        config
    };
    let variant = |name: String, config: TrainConfig, baseline: Option<&str>| Variant {
        name,
        config,
        baseline: baseline.map(str::to_string),
    };
    match plan {
        Plan::Ablation => [
            ModelKind::Pop,
            ModelKind::Sasrec,
            ModelKind::SequdaNoGraph,
            ModelKind::SequdaNoCl,
            ModelKind::SequdaNoGan,
            ModelKind::Sequda,
        ]
        .into_iter()
        .map(|kind| {
            let baseline = (kind != ModelKind::Sasrec).then_some("sasrec");
            variant(kind.name().into(), with(kind, &|_| {}), baseline)
        })
        .collect(),
        Plan::Sparsity => [0.0, 0.3, 0.5]
            .into_iter()
            .flat_map(|share| {
                let suffix = format!("@drop{:.0}", share * 100.0);
                let baseline = format!("sasrec{suffix}");
                [ModelKind::Sasrec, ModelKind::Sequda].map(|kind| {
                    let config = with(kind, &|c| c.drop_train_share = share);
                    let reference = (kind != ModelKind::Sasrec).then_some(baseline.as_str());
                    variant(format!("{}{suffix}", kind.name()), config, reference)
                })
            })
            .collect(),
        Plan::Temperature => std::iter::once(variant(
            "sasrec".into(),
            with(ModelKind::Sasrec, &|_| {}),
            None,
        ))
        .chain([0.05, 0.1, 0.2, 0.5].into_iter().map(|tau| {
            let config = with(ModelKind::Sequda, &|c| c.sequda.temperature = tau);
            variant(format!("sequda τ={tau}"), config, Some("sasrec"))
        }))
        .collect(),
    }
}

/// One row of the results.
#[derive(Clone, Debug, Serialize)]
pub struct ResultRow {
    /// Variant name.
    pub variant: String,
    /// Test metrics per seed.
    pub runs: Vec<RankingMetrics>,
    /// Mean and std over seeds of each test metric of the table (HR, NDCG and MRR at 10
    /// and 20, and the full-ranking MRR), keyed as in `RankingMetrics`' JSON.
    pub summary: Vec<(String, f64, f64)>,
    /// Mean and std over seeds of validation NDCG@10 at each run's chosen checkpoint: the
    /// figure that chose it, beside the test figures it did not see.
    pub valid_ndcg_10: (f64, f64),
    /// Relative NDCG@10 change against the baseline row, in percent.
    pub ndcg_change_percent: Option<f64>,
    /// Paired t-test of per-user NDCG@10 against the baseline, each user's values averaged
    /// over the seeds first (one pair per user).
    pub paired_test: Option<PairedTest>,
    /// The baseline row's name.
    pub baseline: Option<String>,
}

/// The whole experiment.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentResults {
    /// Plan name.
    pub plan: String,
    /// Data path.
    pub data: String,
    /// Seeds used.
    pub seeds: Vec<u64>,
    /// Rows in plan order.
    pub rows: Vec<ResultRow>,
}

/// The variants of `all` named in `only` (by row name or folder name), each with the
/// baseline row it is compared with, in plan order; every variant when `only` is empty.
/// An unknown name is an error that lists the plan's names.
pub fn select_variants(all: Vec<Variant>, only: &[String]) -> Result<Vec<Variant>, String> {
    if only.is_empty() {
        return Ok(all);
    }
    let named = |v: &Variant, name: &str| v.name == name || folder_name(&v.name) == name;
    if let Some(unknown) = only.iter().find(|n| !all.iter().any(|v| named(v, n))) {
        let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
        return Err(format!(
            "unknown variant '{unknown}' (this plan has: {})",
            names.join(", ")
        ));
    }
    let chosen: Vec<&Variant> = all
        .iter()
        .filter(|v| only.iter().any(|n| named(v, n)))
        .collect();
    let wanted = |v: &Variant| {
        chosen
            .iter()
            .any(|c| c.name == v.name || c.baseline.as_deref() == Some(v.name.as_str()))
    };
    Ok(all.iter().filter(|v| wanted(v)).cloned().collect())
}

/// What an experiment folder already holds for a plan: how many of its runs are finished
/// (reused), cut with a checkpoint (resumed) and still to train, and which folders hold runs
/// the plan must not train over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOutlook {
    /// Finished runs with the same settings and data, reused as they are.
    pub finished: usize,
    /// Runs cut before they finished, resumed from their best checkpoint.
    pub resumable: usize,
    /// Runs to train from the start.
    pub to_train: usize,
    /// Runs another process is training into now: left to it, reused when it finishes.
    pub in_use: usize,
    /// Run folders holding a run with other settings or data, each with what differs: while
    /// there is one, [`run_experiment`] refuses to start.
    pub conflicts: Vec<(PathBuf, String)>,
}

impl PlanOutlook {
    /// The refusal [`run_experiment`] gives while the folder holds conflicting runs, naming
    /// each folder and what differs, or `None` when there is none.
    pub fn refusal(&self) -> Option<TrainError> {
        let (first, reason) = self.conflicts.first()?;
        let others = match self.conflicts.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more folder)".to_string(),
            more => format!(" (and {more} more folders)"),
        };
        Some(TrainError::Mismatch(format!(
            "{} already holds {reason}{others}; the plan would train over it. Choose another \
             --out, or move the folder away",
            first.display()
        )))
    }
}

/// Reads `out` for the runs [`run_experiment`] would reuse, resume and train; changes nothing.
pub fn plan_outlook(
    variants: &[Variant],
    dataset: &Dataset,
    source: &DataSource,
    seeds: &[u64],
    out: &Path,
) -> PlanOutlook {
    let mut outlook = PlanOutlook::default();
    for (_, config, dir) in planned_runs(variants, seeds, out) {
        match planned_run(&dir, source, dataset, &config) {
            PlannedRun::Finished(_) => outlook.finished += 1,
            PlannedRun::Resumable => outlook.resumable += 1,
            PlannedRun::Fresh => outlook.to_train += 1,
            PlannedRun::InUse => outlook.in_use += 1,
            PlannedRun::Conflict(reason) => outlook.conflicts.push((dir, reason)),
        }
    }
    outlook
}

/// The plan's runs, seed by seed (every variant gets seed 1 before any gets seed 2): each
/// variant's index, its settings with the seed set, and its folder `out/<variant>/seed<S>`.
fn planned_runs<'a>(
    variants: &'a [Variant],
    seeds: &'a [u64],
    out: &'a Path,
) -> impl Iterator<Item = (usize, TrainConfig, PathBuf)> + 'a {
    seeds.iter().flat_map(move |&seed| {
        variants.iter().enumerate().map(move |(index, variant)| {
            let config = TrainConfig {
                seed,
                ..variant.config.clone()
            };
            let dir = out
                .join(folder_name(&variant.name))
                .join(format!("seed{seed}"));
            (index, config, dir)
        })
    })
}

/// Runs every variant with every seed under `out/<variant>/seed<S>`, seed by seed (every
/// row gets seed 1 before any row gets seed 2, so a plan cut short still covers every row),
/// then writes `out/results.json` and `out/results.md`. A run folder that already holds a
/// finished run with the same settings and data is reused, and one cut before it finished is
/// resumed from its best checkpoint, so an interrupted experiment picks up where it stopped.
/// A run another process is training (a second `sequda experiment` on the same folder) is
/// left to it: this one trains the runs after it and then waits for it, so two processes on
/// one folder share the plan. A folder holding a run with other settings or data is never
/// trained over: the plan is refused before any run starts ([`PlanOutlook::refusal`]).
/// `progress` receives each run's events.
pub fn run_experiment(
    plan: Plan,
    variants: &[Variant],
    dataset: &Arc<Dataset>,
    source: &DataSource,
    seeds: &[u64],
    out: &Path,
    progress: &mut dyn FnMut(&str, u64, &Event),
) -> Result<ExperimentResults, TrainError> {
    if let Some(refusal) = plan_outlook(variants, dataset, source, seeds, out).refusal() {
        return Err(refusal);
    }
    let mut held_elsewhere = Vec::new();
    for (index, config, dir) in planned_runs(variants, seeds, out) {
        let (name, seed) = (variants[index].name.as_str(), config.seed);
        let mut report = |event: &Event| progress(name, seed, event);
        if !settle_run(dataset, source, config.clone(), &dir, &mut report)? {
            report(&preparing(format!(
                "another process is training {}; going on with the next runs and coming \
                 back to it",
                dir.display()
            )));
            held_elsewhere.push((index, config, dir));
        }
    }
    for (index, config, dir) in held_elsewhere {
        let (name, seed) = (variants[index].name.as_str(), config.seed);
        let mut report = |event: &Event| progress(name, seed, event);
        report(&preparing(format!(
            "waiting for the other process to finish {}",
            dir.display()
        )));
        while !settle_run(dataset, source, config.clone(), &dir, &mut report)? {
            std::thread::sleep(HELD_RUN_POLL);
        }
    }
    // Per variant: each seed's test metrics and per-user test NDCG@10, in seed order.
    let mut tests: Vec<Vec<RankingMetrics>> = vec![Vec::new(); variants.len()];
    let mut valid_ndcg: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut per_user: Vec<Vec<Vec<(u32, f64)>>> = vec![Vec::new(); variants.len()];
    for (index, _, dir) in planned_runs(variants, seeds, out) {
        // From the stored per-user ranks rather than the summary, so that metrics added since
        // a reused run was written (MRR@20) are there too.
        let ranks = read_test_ranks(&dir)?;
        let only_ranks: Vec<u32> = ranks.iter().map(|&(_, rank)| rank).collect();
        tests[index].push(metrics_from_ranks(&only_ranks));
        valid_ndcg[index].push(RunDir::new(&dir).read_summary()?.valid.ndcg_10);
        per_user[index].push(
            ranks
                .into_iter()
                .map(|(user, rank)| (user, ndcg_at(rank, 10)))
                .collect(),
        );
    }
    let mut rows: Vec<ResultRow> = variants
        .iter()
        .zip(tests)
        .zip(valid_ndcg)
        .map(|((variant, runs), valid)| ResultRow {
            variant: variant.name.clone(),
            summary: summarise(&runs),
            valid_ndcg_10: mean_std(&valid),
            runs,
            ndcg_change_percent: None,
            paired_test: None,
            baseline: variant.baseline.clone(),
        })
        .collect();
    compare_with_baselines(&mut rows, &per_user);
    let results = ExperimentResults {
        plan: plan.name().to_string(),
        data: source.path.clone(),
        seeds: seeds.to_vec(),
        rows,
    };
    let json = serde_json::to_string_pretty(&results)
        .map_err(|e| TrainError::file(out.join("results.json"), e))?;
    write_atomically(&out.join("results.json"), json.as_bytes())?;
    write_atomically(&out.join("results.md"), markdown(&results).as_bytes())?;
    Ok(results)
}

fn folder_name(variant: &str) -> String {
    variant
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A table column: header, JSON key and how to read it from a run's metrics.
type SummaryColumn = (&'static str, &'static str, fn(&RankingMetrics) -> f64);

/// The table's metric columns.
const SUMMARY_COLUMNS: [SummaryColumn; 7] = [
    ("HR@10", "hr@10", |m| m.hr_10),
    ("NDCG@10", "ndcg@10", |m| m.ndcg_10),
    ("MRR@10", "mrr@10", |m| m.mrr_10),
    ("HR@20", "hr@20", |m| m.hr_20),
    ("NDCG@20", "ndcg@20", |m| m.ndcg_20),
    ("MRR@20", "mrr@20", |m| m.mrr_20),
    ("MRR", "mrr", |m| m.mrr),
];

fn summarise(runs: &[RankingMetrics]) -> Vec<(String, f64, f64)> {
    SUMMARY_COLUMNS
        .iter()
        .map(|&(_, key, get)| {
            let values: Vec<f64> = runs.iter().map(get).collect();
            let (mean, std) = mean_std(&values);
            (key.to_string(), mean, std)
        })
        .collect()
}

/// A row's mean test NDCG@10 (0 when the row has none).
fn mean_ndcg(row: &ResultRow) -> f64 {
    row.summary
        .iter()
        .find(|(key, _, _)| key == "ndcg@10")
        .map_or(0.0, |&(_, mean, _)| mean)
}

fn compare_with_baselines(rows: &mut [ResultRow], per_user: &[Vec<Vec<(u32, f64)>>]) {
    let names: Vec<String> = rows.iter().map(|r| r.variant.clone()).collect();
    let means: Vec<f64> = rows.iter().map(mean_ndcg).collect();
    for (index, row) in rows.iter_mut().enumerate() {
        let Some(base) = row
            .baseline
            .as_ref()
            .and_then(|b| names.iter().position(|n| n == b))
        else {
            continue;
        };
        if means[base] > 0.0 {
            row.ndcg_change_percent = Some(100.0 * (means[index] - means[base]) / means[base]);
        }
        let (a, b) = seed_averaged_pairs(&per_user[index], &per_user[base]);
        row.paired_test = paired_t_test(&a, &b);
    }
}

/// Each user's NDCG@10 averaged over the seeds, for a row (`mine[seed]` = `(user, value)`
/// pairs) and its baseline, over the users both have in every seed: one pair per user. A
/// user's results under different seeds are not independent, so pooling them as separate
/// pairs would understate the variance; averaging first keeps the test honest.
fn seed_averaged_pairs(
    mine: &[Vec<(u32, f64)>],
    theirs: &[Vec<(u32, f64)>],
) -> (Vec<f64>, Vec<f64>) {
    let seeds = mine.len().min(theirs.len());
    // user → (sum of mine, sum of theirs, seeds seen)
    let mut sums: std::collections::BTreeMap<u32, (f64, f64, usize)> = Default::default();
    for (run, baseline) in mine.iter().zip(theirs) {
        let baseline: std::collections::HashMap<u32, f64> = baseline.iter().copied().collect();
        for &(user, x) in run {
            if let Some(&y) = baseline.get(&user) {
                let entry = sums.entry(user).or_default();
                entry.0 += x;
                entry.1 += y;
                entry.2 += 1;
            }
        }
    }
    sums.into_values()
        .filter(|&(_, _, count)| count == seeds)
        .map(|(x, y, count)| (x / count as f64, y / count as f64))
        .unzip()
}

/// The results as a Markdown table.
pub fn markdown(results: &ExperimentResults) -> String {
    let mut text = format!(
        "# Experiment: {} on `{}`\n\nFull ranking, leave-one-out, test split; mean ± std over seeds {:?}. \
         p: paired t-test of per-user NDCG@10 against the baseline row, each user's NDCG@10 averaged over the seeds first (one pair per user). \
         valid NDCG@10: the validation figure that chose each run's checkpoint.\n\n\
         | variant | {} | ΔNDCG@10 | p | valid NDCG@10 |\n|---|{}---|---|---|\n",
        results.plan,
        results.data,
        results.seeds,
        SUMMARY_COLUMNS.map(|(header, _, _)| header).join(" | "),
        "---|".repeat(SUMMARY_COLUMNS.len()),
    );
    for row in &results.rows {
        let cells: Vec<String> = row
            .summary
            .iter()
            .map(|(_, mean, std)| format!("{mean:.4} ± {std:.4}"))
            .collect();
        let change = row.ndcg_change_percent.map_or("–".to_string(), |c| {
            format!("{c:+.1}% vs {}", row.baseline.as_deref().unwrap_or(""))
        });
        let p = row
            .paired_test
            .as_ref()
            .map_or("–".to_string(), |t| format_p(t.p_value));
        let (valid_mean, valid_std) = row.valid_ndcg_10;
        let _ = writeln!(
            text,
            "| {} | {} | {change} | {p} | {valid_mean:.4} ± {valid_std:.4} |",
            row.variant,
            cells.join(" | ")
        );
    }
    text
}

/// A p-value for people: three decimals, scientific notation when tiny, and a bound when it
/// is below what a double can tell from zero.
fn format_p(p: f64) -> String {
    if p < 1e-300 {
        "< 1e-300".to_string()
    } else if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_have_their_variants_and_baselines() {
        let base = TrainConfig::default();
        let ablation = variants(Plan::Ablation, &base);
        let names: Vec<&str> = ablation.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "pop",
                "sasrec",
                "sequda-no-graph",
                "sequda-no-cl",
                "sequda-no-gan",
                "sequda"
            ]
        );
        assert!(ablation[1].baseline.is_none());
        assert_eq!(ablation[5].baseline.as_deref(), Some("sasrec"));
        let sparsity = variants(Plan::Sparsity, &base);
        assert_eq!(sparsity.len(), 6);
        assert_eq!(sparsity[3].name, "sequda@drop30");
        assert_eq!(sparsity[3].baseline.as_deref(), Some("sasrec@drop30"));
        assert!((sparsity[3].config.drop_train_share - 0.3).abs() < 1e-12);
        let temperature = variants(Plan::Temperature, &base);
        assert_eq!(temperature.len(), 5);
        assert!((temperature[1].config.sequda.temperature - 0.05).abs() < 1e-12);
        assert!("nonsense".parse::<Plan>().is_err());
    }

    #[test]
    fn p_values_read_plainly() {
        assert_eq!(format_p(0.0361), "0.036");
        assert_eq!(format_p(2.1e-4), "2.1e-4");
        assert_eq!(format_p(0.0), "< 1e-300");
    }

    #[test]
    fn seeds_are_averaged_per_user_before_pairing() {
        let mine = vec![vec![(0, 1.0), (1, 0.0), (2, 0.5)], vec![(1, 0.2), (0, 0.8)]];
        let theirs = vec![vec![(0, 0.5), (1, 0.1), (2, 0.5)], vec![(0, 0.4), (1, 0.0)]];
        let (a, b) = seed_averaged_pairs(&mine, &theirs);
        // User 2 is missing from seed 2, so it is left out; one pair per remaining user.
        let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-12);
        assert!(close(&a, &[0.9, 0.1]) && a.len() == 2, "{a:?}");
        assert!(close(&b, &[0.45, 0.05]) && b.len() == 2, "{b:?}");
    }

    #[test]
    fn baseline_comparison_pairs_users() {
        let metrics = |ndcg: f64| RankingMetrics {
            ndcg_10: ndcg,
            ..RankingMetrics::default()
        };
        let mut rows = vec![
            ResultRow {
                variant: "sasrec".into(),
                summary: summarise(&[metrics(0.1)]),
                runs: vec![metrics(0.1)],
                valid_ndcg_10: (0.125, 0.0),
                ndcg_change_percent: None,
                paired_test: None,
                baseline: None,
            },
            ResultRow {
                variant: "sequda".into(),
                summary: summarise(&[metrics(0.2)]),
                runs: vec![metrics(0.2)],
                valid_ndcg_10: (0.25, 0.0625),
                ndcg_change_percent: None,
                paired_test: None,
                baseline: Some("sasrec".into()),
            },
        ];
        let users = |values: &[f64]| {
            vec![
                values
                    .iter()
                    .enumerate()
                    .map(|(u, &v)| (u as u32, v))
                    .collect(),
            ]
        };
        compare_with_baselines(
            &mut rows,
            &[users(&[0.1, 0.2, 0.0, 0.3]), users(&[0.3, 0.4, 0.1, 0.5])],
        );
        let change = rows[1].ndcg_change_percent.expect("change");
        assert!((change - 100.0).abs() < 1e-9);
        let test = rows[1].paired_test.as_ref().expect("test");
        assert!((test.mean_diff - 0.175).abs() < 1e-12);
        assert!(test.p_value < 0.05);
        let table = markdown(&ExperimentResults {
            plan: "ablation".into(),
            data: "x".into(),
            seeds: vec![1],
            rows,
        });
        let lines: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
        assert!(lines[0].contains("| NDCG@10 | MRR@10 |") && lines[0].contains("| MRR@20 |"));
        let cells = |line: &str| line.matches('|').count();
        assert!(lines.iter().all(|l| cells(l) == cells(lines[0])), "{table}");
        assert!(lines[0].ends_with("| valid NDCG@10 |"), "{table}");
        assert!(lines[3].ends_with("| 0.2500 ± 0.0625 |"), "{table}");
        assert!(lines[3].starts_with("| sequda | ") && lines[3].contains("0.2000 ± 0.0000"));
        assert!(lines[3].contains("+100.0% vs sasrec"), "{}", lines[3]);
    }
}
