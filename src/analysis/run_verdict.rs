//! The verdict on two saved runs of the same data: the difference in test NDCG@10, its paired
//! per-user t-test (the one `sequda compare` reports), and one sentence such as "SeqUDA-Rec is
//! 0.2% above SASRec-CE; not significant, p = 0.71".

use super::AnalysisError;
use super::runs::SavedRun;
use crate::train::experiment::{RunComparison, compare_runs};

/// A difference is called significant below this two-sided p-value.
pub const SIGNIFICANCE_LEVEL: f64 = 0.05;

/// `run` against `baseline` on the same test users, in plain terms.
#[derive(Clone, Debug, PartialEq)]
pub struct RunVerdict {
    /// What the compared run is called in the sentence: its model's plain name, or its run
    /// name when both runs trained the same model.
    pub run: String,
    /// What the baseline is called.
    pub baseline: String,
    /// The compared run's mean test NDCG@10.
    pub run_ndcg: f64,
    /// The baseline's mean test NDCG@10.
    pub baseline_ndcg: f64,
    /// Relative change `run − baseline` in percent of the baseline (None when it is 0).
    pub change_percent: Option<f64>,
    /// Two-sided p-value of the paired t-test over users (None with fewer than two users).
    pub p_value: Option<f64>,
    /// 95% interval of the mean per-user difference (paired t-test).
    pub ci95: Option<(f64, f64)>,
    /// Users both runs ranked.
    pub users: usize,
}

/// Compares two saved, tested runs of the same data user by user (their `test_ranks.json`).
/// Fails with a plain message when either is untested or they saw different data or users.
pub fn compare_saved(baseline: &SavedRun, run: &SavedRun) -> Result<RunVerdict, AnalysisError> {
    let comparison = compare_runs(&baseline.dir, &run.dir)
        .map_err(|e| AnalysisError::NotComparable(e.to_string()))?;
    let (base_model, run_model) = (
        baseline.config.train.model.label(),
        run.config.train.model.label(),
    );
    let (baseline_name, run_name) = if base_model == run_model {
        (baseline.name.clone(), run.name.clone())
    } else {
        (base_model.to_owned(), run_model.to_owned())
    };
    Ok(RunVerdict::new(&comparison, baseline_name, run_name))
}

impl RunVerdict {
    /// The verdict of a comparison, the runs called `baseline` and `run`.
    pub fn new(comparison: &RunComparison, baseline: String, run: String) -> Self {
        Self {
            run,
            baseline,
            run_ndcg: comparison.run.ndcg_10,
            baseline_ndcg: comparison.baseline.ndcg_10,
            change_percent: comparison.ndcg_change_percent,
            p_value: comparison.t_test.as_ref().map(|t| t.p_value),
            ci95: comparison.t_test.as_ref().map(|t| t.ci95),
            users: comparison.users,
        }
    }

    /// Whether the paired test finds the difference significant at [`SIGNIFICANCE_LEVEL`].
    pub fn significant(&self) -> bool {
        self.p_value.is_some_and(|p| p < SIGNIFICANCE_LEVEL)
    }

    /// "SeqUDA-Rec is 0.2% above SASRec-CE; not significant, p = 0.71".
    pub fn sentence(&self) -> String {
        let difference = self.run_ndcg - self.baseline_ndcg;
        let direction = if difference > 0.0 { "above" } else { "below" };
        let size = match self.change_percent {
            _ if difference == 0.0 => "level with".to_owned(),
            Some(percent) => format!("{:.1}% {direction}", percent.abs()),
            None => format!("{:.4} NDCG@10 {direction}", difference.abs()),
        };
        let test = match self.p_value {
            Some(p) if self.significant() => format!("significant, {}", p_text(p)),
            Some(p) => format!("not significant, {}", p_text(p)),
            None => "too few users for a test".to_owned(),
        };
        format!("{} is {size} {}; {test}", self.run, self.baseline)
    }

    /// The figures behind the sentence.
    pub fn details(&self) -> String {
        let interval = self.ci95.map_or_else(String::new, |(low, high)| {
            format!(" (95% CI of the per-user difference {low:+.4} to {high:+.4})")
        });
        format!(
            "Test NDCG@10 {:.4} against {:.4}: difference {:+.4}{interval}; paired t-test over {} users both runs ranked, significant below p = {SIGNIFICANCE_LEVEL}.",
            self.run_ndcg,
            self.baseline_ndcg,
            self.run_ndcg - self.baseline_ndcg,
            self.users
        )
    }
}

/// `p = 0.71`, `p = 0.004`, `p < 0.001`.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::experiment::ComparedRun;

    fn comparison(base: f64, run: f64, p: Option<f64>) -> RunComparison {
        let side = |ndcg_10| ComparedRun {
            run: String::new(),
            model: String::new(),
            ndcg_10,
        };
        RunComparison {
            baseline: side(base),
            run: side(run),
            users: 2500,
            ndcg_change_percent: (base > 0.0).then(|| 100.0 * (run - base) / base),
            t_test: p.map(|p_value| crate::eval::PairedTest {
                mean_diff: run - base,
                t: 0.4,
                df: 2499.0,
                p_value,
                ci95: (-0.01, 0.012),
            }),
            bootstrap: None,
        }
    }

    #[test]
    fn the_sentence_names_direction_size_and_significance() {
        let verdict = RunVerdict::new(
            &comparison(0.1000, 0.1002, Some(0.712)),
            "SASRec-CE".into(),
            "SeqUDA-Rec".into(),
        );
        assert_eq!(
            verdict.sentence(),
            "SeqUDA-Rec is 0.2% above SASRec-CE; not significant, p = 0.71"
        );
        assert!(!verdict.significant());
        assert!(verdict.details().contains("over 2500 users"));
        let worse = RunVerdict::new(&comparison(0.2, 0.1, Some(0.0004)), "a".into(), "b".into());
        assert_eq!(
            worse.sentence(),
            "b is 50.0% below a; significant, p < 0.001"
        );
        let tiny = RunVerdict::new(&comparison(0.0, 0.1, None), "a".into(), "b".into());
        assert_eq!(
            tiny.sentence(),
            "b is 0.1000 NDCG@10 above a; too few users for a test"
        );
        assert_eq!(p_text(0.004), "p = 0.004");
    }
}
