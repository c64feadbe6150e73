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

/// What a plan's run folder holds for one variant and seed, and so what an experiment does
/// with it.
#[derive(Clone, Debug, PartialEq)]
pub enum PlannedRun {
    /// A finished, tested run with these settings on this data: reused as it is.
    Finished(Box<RunSummary>),
    /// A run with these settings on this data, cut before it finished but with a checkpoint:
    /// resumed from its best epoch.
    Resumable,
    /// Nothing usable (no folder, other settings or data, unreadable files, cut before its
    /// first checkpoint): trained from the start.
    Fresh,
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
    let matches = run.read_config().is_ok_and(|stored| {
        same_data(&stored.data, source, dataset) && comparable(&stored.train) == comparable(config)
    });
    if !matches {
        return PlannedRun::Fresh;
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
    fn a_folder_is_reused_resumed_or_trained_by_its_settings_and_files() {
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
        let other_seed = TrainConfig {
            seed: 9,
            ..config.clone()
        };
        assert_eq!(state(&other_seed, &source), PlannedRun::Fresh);
        let other_data = DataSource {
            path: "elsewhere".into(),
            ..source.clone()
        };
        assert_eq!(state(&config, &other_data), PlannedRun::Fresh);

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
        assert_eq!(
            state(&config, &source),
            PlannedRun::Fresh,
            "tested, but without per-user ranks to compare"
        );
        std::fs::write(dir.path().join(TEST_RANKS_FILE), "[]").expect("ranks");
        assert!(matches!(state(&config, &source), PlannedRun::Finished(_)));
        assert_eq!(state(&other_seed, &source), PlannedRun::Fresh);
    }
}
