//! Picking up an interrupted experiment: a run folder that already holds a finished run with
//! exactly this variant's settings is reused instead of trained again, so hours of finished
//! runs are not lost when a long plan is stopped and started again; one cut before it finished
//! is resumed from its best checkpoint.

use std::path::Path;

use super::config::{DataSource, TrainConfig};
use super::device::DeviceChoice;
use super::resume::check_resumable;
use super::run::TEST_RANKS_FILE;
use super::run_dir::RunDir;
use super::summary::RunSummary;
use crate::data::Dataset;
use crate::model::sequda::SeqUdaConfig;

/// The summary of the finished run in `dir` when it was trained with `config` (the device
/// aside: a run is as valid from the GPU as from the CPU) on the same data as `source` and
/// `dataset`, and was tested; None otherwise (no folder, an unfinished or stopped run, other
/// settings, other data, unreadable files), in which case the caller trains it afresh.
pub fn finished_run(
    dir: &Path,
    source: &DataSource,
    dataset: &Dataset,
    config: &TrainConfig,
) -> Option<RunSummary> {
    let run = RunDir::new(dir);
    let summary = run.read_summary().ok()?;
    summary.test.as_ref()?;
    if !dir.join(TEST_RANKS_FILE).is_file() {
        return None;
    }
    let stored = run.read_config().ok()?;
    (same_data(&stored.data, source, dataset) && comparable(&stored.train) == comparable(config))
        .then_some(summary)
}

/// Whether `dir` holds a run with `config`'s settings on this data that was cut before it
/// finished but has a checkpoint, so [`super::run::run_training`] can go on with it
/// instead of training it afresh.
pub fn resumable_run(
    dir: &Path,
    source: &DataSource,
    dataset: &Dataset,
    config: &TrainConfig,
) -> bool {
    let run = RunDir::new(dir);
    if check_resumable(&run).is_err() || !run.metrics_path().is_file() {
        return false;
    }
    run.read_config().is_ok_and(|stored| {
        same_data(&stored.data, source, dataset) && comparable(&stored.train) == comparable(config)
    })
}

/// Whether a run's stored data description is `source` with `dataset`'s counts.
fn same_data(stored: &DataSource, source: &DataSource, dataset: &Dataset) -> bool {
    stored.path == source.path
        && stored.users == dataset.n_users()
        && stored.items_count == dataset.n_items()
        && stored.interactions == dataset.n_interactions()
}

/// `config` without what cannot change the run: the device choice, and the SeqUDA-Rec
/// settings when the model is not a SeqUDA-Rec variant (so a SASRec-CE baseline stays
/// reusable when a SeqUDA-Rec default changes).
fn comparable(config: &TrainConfig) -> TrainConfig {
    let sequda = if config.model.is_sequda() {
        config.sequda.clone()
    } else {
        SeqUdaConfig::default()
    };
    TrainConfig {
        device: DeviceChoice::Auto,
        sequda,
        ..config.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::ModelKind;

    #[test]
    fn sequda_settings_matter_only_to_sequda_models() {
        let mut changed = TrainConfig::default();
        changed.sequda.hide_batch_users = true;
        changed.device = DeviceChoice::Cpu;
        let plain = TrainConfig::default();
        assert_eq!(plain.model, ModelKind::Sasrec);
        assert_eq!(comparable(&changed), comparable(&plain));
        let sequda = |config: &TrainConfig| TrainConfig {
            model: ModelKind::Sequda,
            ..config.clone()
        };
        assert_ne!(comparable(&sequda(&changed)), comparable(&sequda(&plain)));
        changed.seed = 2;
        assert_ne!(comparable(&changed), comparable(&plain));
    }

    #[test]
    fn only_a_cut_run_with_these_settings_and_a_checkpoint_is_resumable() {
        use crate::data::{Dataset, IdMap};
        use crate::train::config::RunConfig;
        use crate::train::summary::DatasetSummary;

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
        let config = TrainConfig::default();
        let dir = tempfile::tempdir().expect("tempdir");
        let run = RunDir::new(dir.path());
        let stored = RunConfig {
            data: source.clone(),
            train: config.clone(),
        };
        run.write_config(&stored).expect("config");
        std::fs::write(run.metrics_path(), "").expect("metrics");
        assert!(
            !resumable_run(dir.path(), &source, &dataset, &config),
            "no checkpoint yet"
        );

        std::fs::write(run.checkpoint_path(), b"weights").expect("checkpoint");
        assert!(resumable_run(dir.path(), &source, &dataset, &config));
        let other_seed = TrainConfig {
            seed: 9,
            ..config.clone()
        };
        assert!(!resumable_run(dir.path(), &source, &dataset, &other_seed));
        let other_data = DataSource {
            path: "elsewhere".into(),
            ..source.clone()
        };
        assert!(!resumable_run(dir.path(), &other_data, &dataset, &config));

        run.write_summary(&RunSummary {
            model: "sasrec".into(),
            device: "cpu".into(),
            dataset: DatasetSummary {
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
        })
        .expect("summary");
        assert!(
            !resumable_run(dir.path(), &source, &dataset, &config),
            "finished"
        );
    }
}
