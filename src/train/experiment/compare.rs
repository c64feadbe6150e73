//! Paired comparison of two finished runs on the same data (docs/MODEL.md §6): per-user test
//! NDCG@10 from each run's `test_ranks.json`, a paired t-test and a paired bootstrap. Serves
//! run pairs an experiment plan cannot reuse, e.g. a run continued with `--init-from`.

use std::path::Path;

use serde::Serialize;

use crate::eval::{BootstrapCi, PairedTest, mean_std, paired_bootstrap, paired_t_test};
use crate::train::TrainError;
use crate::train::run_folder::{RunDir, read_test_ndcg};

/// Bootstrap resamples of the paired comparison (fixed seed, so reports repeat exactly).
const RESAMPLES: usize = 2000;

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparedRun {
    /// The run folder as given.
    pub run: String,
    /// Model variant name.
    pub model: String,
    /// Mean test NDCG@10 over the paired users.
    pub ndcg_10: f64,
}

/// `run` against `baseline` on the same users; differences are `run − baseline`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunComparison {
    /// The reference run.
    pub baseline: ComparedRun,
    /// The run compared with it.
    pub run: ComparedRun,
    /// Users both runs ranked.
    pub users: usize,
    /// Relative change of mean NDCG@10, in percent (None when the baseline's is 0).
    pub ndcg_change_percent: Option<f64>,
    /// Paired two-sided t-test of per-user NDCG@10 (None with fewer than two users).
    pub t_test: Option<PairedTest>,
    /// Paired bootstrap of the same differences.
    pub bootstrap: Option<BootstrapCi>,
}

/// Compares the finished, tested runs in `run` and `baseline`. Fails with a message naming
/// the folder or file when a run is not finished or tested, or when the two runs were trained
/// on different data or ranked different users.
pub fn compare_runs(baseline: &Path, run: &Path) -> Result<RunComparison, TrainError> {
    let (base_config, run_config) = (RunDir::new(baseline), RunDir::new(run));
    let (base_config, run_config) = (base_config.read_config()?, run_config.read_config()?);
    let (a, b) = (&base_config.data, &run_config.data);
    let same_data = a.same_file_as(b)
        && a.users == b.users
        && a.items_count == b.items_count
        && a.interactions == b.interactions;
    if !same_data {
        return Err(TrainError::Mismatch(format!(
            "{} and {} were trained on different data ({}: {} users, {} items; {}: {} users, {} items)",
            baseline.display(),
            run.display(),
            a.path,
            a.users,
            a.items_count,
            b.path,
            b.users,
            b.items_count
        )));
    }
    let base_values = read_test_ndcg(baseline)?;
    let run_values = read_test_ndcg(run)?;
    let same_users = base_values.len() == run_values.len()
        && base_values
            .iter()
            .zip(&run_values)
            .all(|((u, _), (v, _))| u == v);
    if !same_users {
        return Err(TrainError::Mismatch(format!(
            "{} and {} ranked different test users ({} and {}); compare runs of one dataset and split",
            baseline.display(),
            run.display(),
            base_values.len(),
            run_values.len()
        )));
    }
    let a: Vec<f64> = run_values.iter().map(|&(_, v)| v).collect();
    let b: Vec<f64> = base_values.iter().map(|&(_, v)| v).collect();
    let (run_mean, base_mean) = (mean_std(&a).0, mean_std(&b).0);
    Ok(RunComparison {
        baseline: ComparedRun {
            run: baseline.display().to_string(),
            model: base_config.train.model.name().to_string(),
            ndcg_10: base_mean,
        },
        run: ComparedRun {
            run: run.display().to_string(),
            model: run_config.train.model.name().to_string(),
            ndcg_10: run_mean,
        },
        users: a.len(),
        ndcg_change_percent: (base_mean > 0.0).then(|| 100.0 * (run_mean - base_mean) / base_mean),
        t_test: paired_t_test(&a, &b),
        bootstrap: paired_bootstrap(&a, &b, RESAMPLES, 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::ndcg_at;
    use crate::settings::{ModelKind, RunConfig};
    use crate::train::run_folder::TEST_RANKS_FILE;

    /// A run folder on `data` whose users 0..n got `ranks`.
    fn fake_run(dir: &Path, model: ModelKind, data: &str, ranks: &[u32]) {
        let run = RunDir::new(dir);
        run.create().expect("folder");
        let mut config = RunConfig::default();
        config.data.path = data.into();
        config.data.users = ranks.len();
        config.train.model = model;
        run.write_config(&config).expect("config");
        let users: Vec<u32> = (0..ranks.len() as u32).rev().collect();
        let reversed: Vec<u32> = ranks.iter().rev().copied().collect();
        let json = serde_json::json!({"users": users, "ranks": reversed});
        std::fs::write(dir.join(TEST_RANKS_FILE), json.to_string()).expect("ranks");
    }

    #[test]
    fn a_run_that_ranks_every_user_higher_wins_significantly() {
        let root = tempfile::tempdir().expect("tempdir");
        let (base, better) = (root.path().join("base"), root.path().join("better"));
        // The baseline puts every user's item at rank 5 or 6, the other run at rank 0 or 1.
        let base_ranks: Vec<u32> = (0..200).map(|u| 5 + u % 2).collect();
        let better_ranks: Vec<u32> = (0..200).map(|u| u % 2).collect();
        fake_run(&base, ModelKind::Sasrec, "data.txt", &base_ranks);
        fake_run(&better, ModelKind::Sequda, "data.txt", &better_ranks);
        let report = compare_runs(&base, &better).expect("comparable");
        assert_eq!(report.users, 200);
        assert_eq!(report.run.model, "sequda");
        let expected_base = (ndcg_at(5, 10) + ndcg_at(6, 10)) / 2.0;
        assert!((report.baseline.ndcg_10 - expected_base).abs() < 1e-12);
        assert!(report.ndcg_change_percent.is_some_and(|c| c > 100.0));
        let t = report.t_test.expect("a t-test");
        assert!(t.mean_diff > 0.0 && t.p_value < 1e-6, "{t:?}");
        // The same pair the other way round is a significant loss.
        let reverse = compare_runs(&better, &base).expect("comparable");
        assert!(reverse.t_test.is_some_and(|t| t.mean_diff < 0.0));
    }

    #[test]
    fn unfinished_runs_and_other_data_are_refused_by_name() {
        let root = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            root.path().join("a"),
            root.path().join("b"),
            root.path().join("c"),
        );
        fake_run(&a, ModelKind::Sasrec, "data.txt", &[0, 1, 2]);
        fake_run(&b, ModelKind::Sasrec, "other.txt", &[0, 1, 2]);
        let message = compare_runs(&a, &b).unwrap_err().to_string();
        assert!(message.contains("different data"), "{message}");
        fake_run(&c, ModelKind::Sasrec, "data.txt", &[0, 1, 2]);
        std::fs::remove_file(c.join(TEST_RANKS_FILE)).expect("remove");
        let message = compare_runs(&a, &c).unwrap_err().to_string();
        assert!(message.contains(TEST_RANKS_FILE), "{message}");
        assert!(message.contains("never tested"), "{message}");
    }
}
