//! Saved runs in a runs folder: reading them back, what differs between their configurations,
//! and runs that differ only by seed grouped with confidence intervals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::history::RunHistory;
use crate::eval::{RankingMetrics, mean_std};
use crate::settings::RunConfig;
use crate::train::RunDir;
use crate::train::run_folder::RunSummary;

/// One run folder, read back.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedRun {
    /// The folder's name.
    pub name: String,
    /// The folder.
    pub dir: PathBuf,
    /// Its `config.toml`.
    pub config: RunConfig,
    /// Its `summary.json`, once the run finished.
    pub summary: Option<RunSummary>,
    /// Its `metrics.jsonl` curves.
    pub history: RunHistory,
    /// Whether training can go on from its best checkpoint: stopped or cut before its test
    /// (see [`crate::train::run_folder::ResumePoint`]) and not being trained right now.
    pub resumable: bool,
}

impl SavedRun {
    /// Test metrics when the run has them (absent for runs stopped by the user or cut).
    pub fn test(&self) -> Option<&RankingMetrics> {
        self.summary.as_ref().and_then(|s| s.test.as_ref())
    }
}

/// Reads one run folder, named after the folder.
pub fn read_run(dir: &Path) -> Result<SavedRun, String> {
    let name = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    read_named_run(dir, name)
}

/// Reads one run folder under the given display name.
fn read_named_run(dir: &Path, name: String) -> Result<SavedRun, String> {
    let run_dir = RunDir::new(dir);
    let config = run_dir.read_config().map_err(|e| e.to_string())?;
    let summary = run_dir.read_summary().ok();
    let history = std::fs::read_to_string(run_dir.metrics_path())
        .map(|text| RunHistory::from_metrics_jsonl(name.clone(), &text))
        .unwrap_or_else(|_| RunHistory::new(name.clone()));
    let resumable =
        crate::train::run_folder::check_resumable(&run_dir).is_ok() && !run_dir.in_use();
    Ok(SavedRun {
        name,
        dir: dir.to_path_buf(),
        config,
        summary,
        history,
        resumable,
    })
}

/// How deep below the runs folder run folders are looked for: an experiment keeps its runs in
/// `<experiment>/<variant>/seed<S>`.
const SCAN_DEPTH: usize = 3;

/// Reads every run folder (a folder with a `config.toml`) inside `root`, up to
/// `SCAN_DEPTH` levels down (experiment runs included), sorted by path and named by their
/// path below `root` (`ablation/sequda/seed1`); plus a line for each folder that could not be
/// read. A missing root is no runs.
pub fn scan_runs(root: &Path) -> (Vec<SavedRun>, Vec<String>) {
    let mut dirs = Vec::new();
    collect_run_dirs(root, SCAN_DEPTH, &mut dirs);
    dirs.sort();
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        let name = dir.strip_prefix(root).map_or_else(
            |_| dir.display().to_string(),
            |relative| {
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            },
        );
        match read_named_run(&dir, name) {
            Ok(run) => runs.push(run),
            Err(problem) => problems.push(format!("{}: {problem}", dir.display())),
        }
    }
    (runs, problems)
}

/// Adds the run folders below `dir` (not `dir` itself), descending `depth` levels; a run
/// folder's own subfolders are not searched.
fn collect_run_dirs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if !path.is_dir() {
            continue;
        }
        if RunDir::new(&path).config_path().is_file() {
            out.push(path);
        } else {
            collect_run_dirs(&path, depth - 1, out);
        }
    }
}

/// A run configuration as `dotted.key → value` strings (e.g. `train.encoder.dim → 64`).
pub fn flat_config(config: &RunConfig) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    if let Ok(value) = serde_json::to_value(config) {
        flatten("", &value, &mut flat);
    }
    flat
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, child, out);
            }
        }
        serde_json::Value::String(text) => {
            out.insert(prefix.to_owned(), text.clone());
        }
        serde_json::Value::Null => {
            out.insert(prefix.to_owned(), "—".to_owned());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The configuration keys whose values are not the same in all `runs`, sorted.
pub fn config_differences(runs: &[SavedRun]) -> Vec<String> {
    let flats: Vec<BTreeMap<String, String>> =
        runs.iter().map(|r| flat_config(&r.config)).collect();
    let mut keys: Vec<String> = flats.iter().flat_map(|f| f.keys().cloned()).collect();
    keys.sort();
    keys.dedup();
    keys.retain(|key| {
        let first = flats.first().and_then(|f| f.get(key));
        flats.iter().any(|f| f.get(key) != first)
    });
    keys
}

/// Runs that share a configuration except for the seed, with test metrics over seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedGroup {
    /// Names of the runs in the group.
    pub runs: Vec<String>,
    /// Model variant.
    pub model: String,
    /// Mean and standard deviation of test NDCG@10 over the runs that have test metrics.
    pub ndcg_10: (f64, f64),
    /// Mean and standard deviation of test HR@10.
    pub hr_10: (f64, f64),
    /// Half-width of a normal-approximation 95% confidence interval of the mean NDCG@10
    /// (`1.96 · sd / √n`; 0 for a single run).
    pub ndcg_10_ci: f64,
    /// Half-width of the 95% interval of the mean HR@10.
    pub hr_10_ci: f64,
}

/// Groups runs with test metrics by configuration-without-seed (and data), in first-seen order.
pub fn seed_groups(runs: &[SavedRun]) -> Vec<SeedGroup> {
    let mut groups: Vec<(BTreeMap<String, String>, Vec<&SavedRun>)> = Vec::new();
    for run in runs.iter().filter(|r| r.test().is_some()) {
        let mut key = flat_config(&run.config);
        key.remove("train.seed");
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(run),
            None => groups.push((key, vec![run])),
        }
    }
    groups
        .into_iter()
        .map(|(_, members)| {
            let ndcg: Vec<f64> = members
                .iter()
                .filter_map(|r| r.test())
                .map(|m| m.ndcg_10)
                .collect();
            let hr: Vec<f64> = members
                .iter()
                .filter_map(|r| r.test())
                .map(|m| m.hr_10)
                .collect();
            let ci = |values: &[f64], sd: f64| {
                if values.len() > 1 {
                    1.96 * sd / (values.len() as f64).sqrt()
                } else {
                    0.0
                }
            };
            let ndcg_10 = mean_std(&ndcg);
            let hr_10 = mean_std(&hr);
            SeedGroup {
                runs: members.iter().map(|r| r.name.clone()).collect(),
                model: members
                    .first()
                    .map_or_else(String::new, |r| r.config.train.model.label().to_owned()),
                ndcg_10_ci: ci(&ndcg, ndcg_10.1),
                hr_10_ci: ci(&hr, hr_10.1),
                ndcg_10,
                hr_10,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::run_folder::DatasetSummary;

    fn write_run(root: &Path, name: &str, seed: u64, dim: usize, ndcg: Option<f64>) {
        let run = RunDir::new(root.join(name));
        run.create().expect("create");
        let mut config = RunConfig::default();
        config.train.seed = seed;
        config.train.encoder.dim = dim;
        run.write_config(&config).expect("config");
        if let Some(ndcg) = ndcg {
            let test = RankingMetrics {
                ndcg_10: ndcg,
                hr_10: ndcg * 2.0,
                ..RankingMetrics::default()
            };
            run.write_summary(&RunSummary {
                model: "sasrec".into(),
                device: "cpu".into(),
                dataset: DatasetSummary {
                    path: "d".into(),
                    users: 1,
                    items: 1,
                    interactions: 1,
                },
                epochs_run: 1,
                best_epoch: 1,
                train_seconds: 1.0,
                seconds_per_epoch: 1.0,
                valid: RankingMetrics::default(),
                test: Some(test),
                stop_reason: "max epochs".into(),
                resumed_after: Vec::new(),
            })
            .expect("summary");
        }
    }

    #[test]
    fn runs_are_scanned_compared_and_grouped_by_seed() {
        let root = tempfile::tempdir().expect("tempdir");
        write_run(root.path(), "a", 1, 64, Some(0.10));
        write_run(root.path(), "b", 2, 64, Some(0.20));
        write_run(root.path(), "c", 1, 32, Some(0.30));
        write_run(root.path(), "d", 1, 64, None);
        std::fs::create_dir(root.path().join("not-a-run")).expect("mkdir");
        let (runs, problems) = scan_runs(root.path());
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!(
            runs.iter().all(|r| !r.resumable),
            "tested runs, and a run without a checkpoint, cannot be resumed"
        );
        std::fs::write(RunDir::new(root.path().join("d")).checkpoint_path(), b"w").expect("write");
        let (rescanned, _) = scan_runs(root.path());
        let resumable: Vec<&str> = rescanned
            .iter()
            .filter(|r| r.resumable)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            resumable,
            ["d"],
            "an untested run with a checkpoint resumes"
        );
        let experiment = root.path().join("exp").join("sequda");
        std::fs::create_dir_all(&experiment).expect("mkdir");
        write_run(&experiment, "seed1", 1, 64, Some(0.4));
        let (with_experiment, _) = scan_runs(root.path());
        assert_eq!(with_experiment.len(), 5);
        assert_eq!(
            with_experiment[4].name, "exp/sequda/seed1",
            "experiment runs are found"
        );
        assert_eq!(
            config_differences(&runs),
            vec!["train.encoder.dim".to_owned(), "train.seed".to_owned()]
        );
        let groups = seed_groups(&runs);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].runs, vec!["a".to_owned(), "b".to_owned()]);
        assert!((groups[0].ndcg_10.0 - 0.15).abs() < 1e-12);
        assert!(groups[0].ndcg_10_ci > 0.0);
        assert_eq!(groups[1].ndcg_10_ci, 0.0);
        assert!(scan_runs(&root.path().join("missing")).0.is_empty());
    }
}
