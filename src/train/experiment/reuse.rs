//! Picking up an interrupted experiment: a run folder that already holds a finished run with
//! exactly this variant's settings is reused instead of trained again, so hours of finished
//! runs are not lost when a long plan is stopped and started again; one cut before it finished
//! is resumed from its best checkpoint. A folder holding a run with other settings or data is
//! never trained over: the plan is refused and says which folder and why. A folder another
//! process is training into is left to it.

use std::path::Path;

use crate::data::{Dataset, hash_label};
use crate::settings::DeviceChoice;
use crate::settings::SeqUdaConfig;
use crate::settings::{DataSource, TrainConfig};
use crate::settings::{LossChoice, ResolvedLoss, SampledLossConfig};
use crate::train::run_folder::RunDir;
use crate::train::run_folder::RunSummary;
use crate::train::run_folder::TEST_RANKS_FILE;
use crate::train::run_folder::check_resumable;

/// What a plan's run folder holds for one variant and seed, and so what an experiment does
/// with it.
#[derive(Clone, Debug, PartialEq)]
pub enum PlannedRun {
    /// A finished, tested run with these settings on this data: reused as it is.
    Finished(Box<RunSummary>),
    /// A run with these settings on this data, cut before it finished but with a checkpoint:
    /// resumed from its best epoch.
    Resumable,
    /// Nothing there yet, or a run with these settings cut before its first checkpoint (or
    /// tested but without its per-user ranks): trained from the start.
    Fresh,
    /// A run with other settings or other data, or one whose `config.toml` does not read:
    /// somebody's work that the plan must not train over. Says what differs.
    Conflict(String),
    /// A run with these settings (or one just starting) that another training run holds the
    /// folder for: left to it, and reused once it has finished.
    InUse,
}

/// Classifies the run folder `dir` for a run with `config` (the device aside: a run is as
/// valid from the GPU as from the CPU) on the data `source` read as `dataset`. Reads files
/// only; changes nothing.
pub fn planned_run(
    dir: &Path,
    source: &DataSource,
    dataset: &Dataset,
    config: &TrainConfig,
) -> PlannedRun {
    let run = RunDir::new(dir);
    if !run.config_path().is_file() {
        return if run.in_use() {
            PlannedRun::InUse
        } else {
            PlannedRun::Fresh
        };
    }
    let stored = match run.read_config() {
        Ok(stored) => stored,
        Err(error) => {
            return PlannedRun::Conflict(format!("a run whose settings do not read ({error})"));
        }
    };
    if let Some(difference) = data_difference(&stored.data, source, dataset) {
        return PlannedRun::Conflict(format!("a run on other data ({difference})"));
    }
    if let Some(difference) = settings_difference(&stored.train, config, dataset.n_items()) {
        return PlannedRun::Conflict(format!("a run with other settings ({difference})"));
    }
    if run.in_use() {
        return PlannedRun::InUse;
    }
    if let Ok(summary) = run.read_summary()
        && summary.test.is_some()
        && dir.join(TEST_RANKS_FILE).is_file()
    {
        return PlannedRun::Finished(Box::new(summary));
    }
    if check_resumable(&run).is_ok() && run.metrics_path().is_file() {
        PlannedRun::Resumable
    } else {
        PlannedRun::Fresh
    }
}

/// How a run's stored data description differs from `source` read as `dataset` (its path,
/// its counts, or for a run that kept one its content hash), or `None` when it is the same
/// data. Two spellings of one file's path (relative and absolute, or via
/// `..`) count as the same file when both resolve from the working folder.
fn data_difference(stored: &DataSource, source: &DataSource, dataset: &Dataset) -> Option<String> {
    if !stored.same_file_as(source) {
        return Some(format!(
            "read from `{}`, not `{}`",
            stored.path, source.path
        ));
    }
    let stored_counts = (stored.users, stored.items_count, stored.interactions);
    let counts = (
        dataset.n_users(),
        dataset.n_items(),
        dataset.n_interactions(),
    );
    if stored_counts != counts {
        return Some(format!(
            "{} users, {} items and {} interactions, not {}, {} and {}",
            stored_counts.0, stored_counts.1, stored_counts.2, counts.0, counts.1, counts.2
        ));
    }
    // A run made before the hash was kept is judged by its counts alone.
    let stored_hash = stored.content_hash.as_deref();
    let hash = dataset.content_hash.map(hash_label);
    stored_hash
        .is_some_and(|stored| hash.as_deref() != Some(stored))
        .then(|| "its content differs, with the same counts".to_string())
}

/// The first setting (as its `config.toml` line) in which `stored` differs from `planned`
/// for a catalogue of `n_items`, the device aside, or `None` when the run is comparable.
fn settings_difference(
    stored: &TrainConfig,
    planned: &TrainConfig,
    n_items: usize,
) -> Option<String> {
    let (stored, planned) = (comparable(stored, n_items), comparable(planned, n_items));
    if stored == planned {
        return None;
    }
    let lines = |config: &TrainConfig| -> Vec<String> {
        toml::to_string(config)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let (old, new) = (lines(&stored), lines(&planned));
    Some(
        old.iter()
            .zip(&new)
            .find(|(old, new)| old != new)
            .map_or_else(
                || "its settings differ".to_string(),
                |(old, new)| format!("`{old}` where the plan has `{new}`"),
            ),
    )
}

/// `config` without what cannot change the run on a catalogue of `n_items`: the device
/// choice, the SeqUDA-Rec settings when the model is not a SeqUDA-Rec variant (so a SASRec-CE
/// baseline stays reusable when a SeqUDA-Rec default changes), and the loss as it resolves
/// (`auto` that resolves to `full` is `full`, and a full-softmax run ignores the sampled
/// loss's settings).
fn comparable(config: &TrainConfig, n_items: usize) -> TrainConfig {
    let sequda = if config.model.is_sequda() {
        config.sequda.clone()
    } else {
        SeqUdaConfig::default()
    };
    let (loss, sampled) = match config.loss.resolve(n_items) {
        ResolvedLoss::Full => (LossChoice::Full, SampledLossConfig::default()),
        ResolvedLoss::Sampled => (LossChoice::Sampled, config.sampled.clone()),
    };
    TrainConfig {
        device: DeviceChoice::Auto,
        sequda,
        loss,
        sampled,
        ..config.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ModelKind;

    #[test]
    fn sequda_settings_matter_only_to_sequda_models() {
        let mut changed = TrainConfig::default();
        changed.sequda.hide_batch_users = true;
        changed.device = DeviceChoice::Cpu;
        let plain = TrainConfig::default();
        assert_eq!(plain.model, ModelKind::Sasrec);
        assert_eq!(comparable(&changed, 30), comparable(&plain, 30));
        let sequda = |config: &TrainConfig| TrainConfig {
            model: ModelKind::Sequda,
            ..config.clone()
        };
        assert_ne!(
            comparable(&sequda(&changed), 30),
            comparable(&sequda(&plain), 30)
        );
        changed.seed = 2;
        assert_ne!(comparable(&changed, 30), comparable(&plain, 30));
    }

    #[test]
    fn the_loss_counts_as_it_resolves() {
        let auto = TrainConfig::default();
        let mut full = TrainConfig {
            loss: LossChoice::Full,
            ..TrainConfig::default()
        };
        full.sampled.negatives = 7;
        assert_eq!(comparable(&auto, 300), comparable(&full, 300));
        let large = crate::settings::AUTO_SAMPLED_ABOVE_ITEMS + 1;
        assert_ne!(comparable(&auto, large), comparable(&full, large));
        let sampled = TrainConfig {
            loss: LossChoice::Sampled,
            ..TrainConfig::default()
        };
        assert_eq!(comparable(&auto, large), comparable(&sampled, large));
        let mut fewer = sampled.clone();
        fewer.sampled.negatives = 64;
        assert_ne!(comparable(&fewer, 300), comparable(&sampled, 300));
    }

    /// A run folder holding `config.toml` (default settings on a two-user log) and an empty
    /// `metrics.jsonl`, with that log and its source.
    fn started_folder() -> (tempfile::TempDir, RunDir, crate::data::Dataset, DataSource) {
        use crate::data::{Dataset, IdMap};
        use crate::settings::RunConfig;

        let users: IdMap = ["a", "b"].into_iter().collect();
        let items: IdMap = ["x", "y", "z"].into_iter().collect();
        let dataset = Dataset::from_sequences("d".into(), users, items, vec![vec![0, 1, 2]; 2]);
        let source = DataSource {
            path: "d".into(),
            users: 2,
            items_count: 3,
            interactions: 6,
            ..DataSource::default()
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let stored = RunConfig {
            data: source.clone(),
            train: TrainConfig::default(),
        };
        run.write_config(&stored).expect("config");
        std::fs::write(run.metrics_path(), "").expect("metrics");
        (dir, run, dataset, source)
    }

    /// The summary of a tested one-epoch run on the two-user log.
    fn tested_summary() -> RunSummary {
        RunSummary {
            model: "sasrec".into(),
            device: "cpu".into(),
            dataset: crate::train::run_folder::DatasetSummary {
                path: "d".into(),
                users: 2,
                items: 3,
                interactions: 6,
            },
            epochs_run: 1,
            best_epoch: 1,
            train_seconds: 1.0,
            seconds_per_epoch: 1.0,
            valid: Default::default(),
            test: Some(Default::default()),
            stop_reason: "max epochs".into(),
            resumed_after: Vec::new(),
        }
    }

    #[test]
    fn an_unfinished_folder_is_trained_resumed_left_or_refused_by_its_settings() {
        let (dir, run, dataset, source) = started_folder();
        let config = TrainConfig::default();
        let state = |config: &TrainConfig, source: &DataSource| {
            planned_run(dir.path(), source, &dataset, config)
        };
        assert_eq!(
            state(&config, &source),
            PlannedRun::Fresh,
            "no checkpoint yet"
        );
        std::fs::write(run.checkpoint_path(), b"weights").expect("checkpoint");
        assert_eq!(state(&config, &source), PlannedRun::Resumable);
        {
            let _held = run.claim().expect("claim");
            assert_eq!(
                state(&config, &source),
                PlannedRun::InUse,
                "another run is training into it"
            );
        }
        assert_eq!(state(&config, &source), PlannedRun::Resumable, "released");
        let other_seed = TrainConfig {
            seed: 9,
            ..config.clone()
        };
        assert_eq!(
            state(&other_seed, &source),
            PlannedRun::Conflict(
                "a run with other settings (`seed = 1` where the plan has `seed = 9`)".into()
            )
        );
        let other_data = DataSource {
            path: "elsewhere".into(),
            ..source.clone()
        };
        assert_eq!(
            state(&config, &other_data),
            PlannedRun::Conflict("a run on other data (read from `d`, not `elsewhere`)".into())
        );
    }

    #[test]
    fn a_finished_folder_is_reused_only_with_its_ranks_and_readable_settings() {
        let (dir, run, dataset, source) = started_folder();
        let config = TrainConfig::default();
        let state = |config: &TrainConfig| planned_run(dir.path(), &source, &dataset, config);
        std::fs::write(run.checkpoint_path(), b"weights").expect("checkpoint");
        run.write_summary(&tested_summary()).expect("summary");
        assert_eq!(
            state(&config),
            PlannedRun::Fresh,
            "tested, but without per-user ranks to compare"
        );
        std::fs::write(dir.path().join(TEST_RANKS_FILE), "[]").expect("ranks");
        assert!(matches!(state(&config), PlannedRun::Finished(_)));
        let other_seed = TrainConfig {
            seed: 9,
            ..config.clone()
        };
        assert!(matches!(state(&other_seed), PlannedRun::Conflict(_)));
        std::fs::write(run.config_path(), "not = [toml").expect("config");
        assert!(matches!(state(&config), PlannedRun::Conflict(reason)
                if reason.starts_with("a run whose settings do not read")),);
    }

    #[test]
    fn a_run_on_other_bytes_with_the_same_counts_is_on_other_data() {
        let (dir, run, mut dataset, source) = started_folder();
        let hashed = DataSource {
            content_hash: Some(crate::data::hash_label(1)),
            ..source.clone()
        };
        let stored = crate::settings::RunConfig {
            data: hashed.clone(),
            train: TrainConfig::default(),
        };
        run.write_config(&stored).expect("config");
        let config = TrainConfig::default();
        dataset.content_hash = Some(1);
        assert_eq!(
            planned_run(dir.path(), &hashed, &dataset, &config),
            PlannedRun::Fresh
        );
        dataset.content_hash = Some(2);
        assert_eq!(
            planned_run(dir.path(), &hashed, &dataset, &config),
            PlannedRun::Conflict(
                "a run on other data (its content differs, with the same counts)".into()
            )
        );
    }

    #[test]
    fn one_file_spelled_two_ways_is_the_same_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("log.txt");
        std::fs::write(&file, "1 1\n").expect("log");
        let twisted = dir
            .path()
            .join(".")
            .join("..")
            .join(dir.path().file_name().expect("a named temporary folder"));
        let source = |path: &Path| DataSource {
            path: path.display().to_string(),
            ..DataSource::default()
        };
        assert!(source(&file).same_file_as(&source(&twisted.join("log.txt"))));
        assert!(!source(&file).same_file_as(&source(&dir.path().join("other.txt"))));
    }

    #[test]
    fn a_folder_claimed_before_its_settings_are_written_is_in_use() {
        use crate::data::{Dataset, IdMap};

        let users: IdMap = ["a"].into_iter().collect();
        let items: IdMap = ["x", "y"].into_iter().collect();
        let dataset = Dataset::from_sequences("d".into(), users, items, vec![vec![0, 1]]);
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let state = || {
            planned_run(
                dir.path(),
                &DataSource::default(),
                &dataset,
                &Default::default(),
            )
        };
        assert_eq!(state(), PlannedRun::Fresh);
        let held = run.claim().expect("claim");
        assert_eq!(state(), PlannedRun::InUse);
        drop(held);
        assert_eq!(state(), PlannedRun::Fresh);
    }
}
