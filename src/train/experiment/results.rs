//! The experiment's results table: each variant's test metrics as mean ± std over seeds,
//! the validation figure that chose each checkpoint, and a paired per-user t-test of
//! NDCG@10 against the variant's SASRec-CE row (each user's values averaged over the seeds
//! first), as JSON and Markdown.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::plan::{Plan, Variant, planned_runs};
use crate::eval::{
    PairedTest, RankingMetrics, mean_std, metrics_from_ranks, ndcg_at, paired_t_test,
};
use crate::settings::DataSource;
use crate::train::TrainError;
use crate::train::run_folder::read_test_ranks;
use crate::train::run_folder::{RunDir, write_atomically};

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

/// Reads the test ranks and validation figure of every planned run under `out` into the
/// table (mean ± std per variant and metric, paired test against each baseline row), and
/// writes it as `out/results.json` and `out/results.md`.
pub(super) fn collect_results(
    plan: Plan,
    variants: &[Variant],
    source: &DataSource,
    seeds: &[u64],
    out: &Path,
) -> Result<ExperimentResults, TrainError> {
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
