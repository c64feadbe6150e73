//! Model selection never looks at the test split, seeded CPU runs are reproducible, and a run
//! never writes into a folder another run is writing.
//!
//! Two datasets that differ only in every user's last (test) item must give identical
//! training histories, best epochs and validation metrics; the same data and seed twice must
//! give identical numbers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sequda::data::{Dataset, IdMap};
use sequda::settings::{DataSource, DeviceChoice, ModelKind, TrainConfig};
use sequda::train::run_folder::RunSummary;
use sequda::train::session::Event;
use sequda::train::{TrainJob, TrainingSession};

/// 300 users over 40 items with a learnable next-item rule and some noise.
fn sequences() -> Vec<Vec<u32>> {
    (0..300u32)
        .map(|u| {
            let length = 6 + (u % 5);
            (0..length)
                .map(|t| (u * 7 + t * (1 + u % 3)) % 40)
                .collect()
        })
        .collect()
}

fn dataset(sequences: Vec<Vec<u32>>) -> Dataset {
    let users: IdMap = (0..sequences.len()).map(|u| format!("u{u}")).collect();
    let items: IdMap = (0..40).map(|i| format!("i{i}")).collect();
    Dataset::from_sequences(PathBuf::from("synthetic"), users, items, sequences)
}

struct Outcome {
    summary: RunSummary,
    valid_history: Vec<f64>,
}

/// burn's CPU random generator is process-global, so runs that must be reproducible take
/// turns (one session at a time, as in the app).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn train(dataset: Dataset, seed: u64) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = tiny_config();
    config.seed = seed;
    run(dataset, config, &dir.path().join("run")).expect("training failed")
}

fn tiny_config() -> TrainConfig {
    let mut config = TrainConfig::default();
    config.encoder.max_len = 10;
    config.encoder.dim = 16;
    config.batch_size = 64;
    config.epochs = 3;
    config.patience = 3;
    config.device = DeviceChoice::Cpu;
    config.learning_rate = 5e-3;
    config
}

/// Trains into `run_dir`; the run's summary and validation history, or its failure message.
fn run(dataset: Dataset, config: TrainConfig, run_dir: &Path) -> Result<Outcome, String> {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let job = TrainJob {
        dataset: Arc::new(dataset),
        source: DataSource::default(),
        config,
        run_dir: run_dir.to_path_buf(),
    };
    let session = TrainingSession::start(job).expect("thread");
    let mut valid_history = Vec::new();
    loop {
        match session.next_event(Duration::from_secs(120)) {
            Some(Event::Epoch(epoch)) => valid_history.push(epoch.valid.ndcg_10),
            Some(Event::Finished(summary)) => {
                session.join();
                return Ok(Outcome {
                    summary: *summary,
                    valid_history,
                });
            }
            Some(Event::Failed { message }) => {
                session.join();
                return Err(message);
            }
            Some(_) => {}
            None => panic!("no event for two minutes"),
        }
    }
}

#[test]
fn changing_only_test_items_changes_nothing_but_the_test_score() {
    let original = sequences();
    let mut altered = original.clone();
    for sequence in &mut altered {
        if let Some(last) = sequence.last_mut() {
            *last = (*last + 17) % 40;
        }
    }
    let a = train(dataset(original), 4);
    let b = train(dataset(altered), 4);
    assert_eq!(
        a.valid_history, b.valid_history,
        "validation must not see test items"
    );
    assert_eq!(a.summary.best_epoch, b.summary.best_epoch);
    assert_eq!(a.summary.valid, b.summary.valid);
    assert_ne!(
        a.summary.test, b.summary.test,
        "the test targets did change"
    );
    // The tested checkpoint is the best validation epoch, not the best test epoch.
    let best = a
        .valid_history
        .iter()
        .enumerate()
        .fold(
            (0, f64::MIN),
            |best, (i, &v)| if v > best.1 { (i + 1, v) } else { best },
        );
    assert_eq!(a.summary.best_epoch, best.0);
}

#[test]
fn seeded_cpu_runs_are_reproducible() {
    let a = train(dataset(sequences()), 9);
    let b = train(dataset(sequences()), 9);
    assert_eq!(a.valid_history, b.valid_history);
    assert_eq!(a.summary.test, b.summary.test);
    let c = train(dataset(sequences()), 10);
    assert_ne!(
        a.valid_history, c.valid_history,
        "another seed should differ"
    );
}

#[test]
fn a_warm_start_begins_from_the_earlier_runs_best_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = run(
        dataset(sequences()),
        tiny_config(),
        &dir.path().join("first"),
    )
    .expect("first run");
    // With a zero learning rate the weights never move, so the continued run's first
    // validation must equal the earlier run's best one exactly.
    let mut config = tiny_config();
    config.epochs = 1;
    config.learning_rate = 0.0;
    config.init_from = Some(dir.path().join("first").display().to_string());
    let continued =
        run(dataset(sequences()), config, &dir.path().join("second")).expect("continued run");
    assert_eq!(continued.valid_history, vec![first.summary.valid.ndcg_10]);
    // A fresh start with the same frozen weights does not reproduce it.
    let mut fresh = tiny_config();
    fresh.epochs = 1;
    fresh.learning_rate = 0.0;
    let fresh = run(dataset(sequences()), fresh, &dir.path().join("fresh")).expect("fresh run");
    assert_ne!(fresh.valid_history, continued.valid_history);
}

#[test]
fn a_warm_start_from_another_model_or_data_fails_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("first");
    let mut config = tiny_config();
    config.epochs = 1;
    run(dataset(sequences()), config, &first).expect("first run");

    let mut other_model = tiny_config();
    other_model.model = ModelKind::SequdaNoGan;
    other_model.init_from = Some(first.display().to_string());
    let message = run(dataset(sequences()), other_model, &dir.path().join("b"))
        .err()
        .expect("a SeqUDA-Rec run cannot start from SASRec weights");
    assert!(message.contains("cannot start from"), "{message}");
    assert!(message.contains("sasrec"), "{message}");

    let mut fewer_users = sequences();
    fewer_users.truncate(200);
    let mut same_model = tiny_config();
    same_model.init_from = Some(first.display().to_string());
    let message = run(dataset(fewer_users), same_model, &dir.path().join("c"))
        .err()
        .expect("other data cannot be continued");
    assert!(message.contains("300 users"), "{message}");

    let mut missing = tiny_config();
    missing.init_from = Some(dir.path().join("nowhere").display().to_string());
    let message = run(dataset(sequences()), missing, &dir.path().join("d"))
        .err()
        .expect("a missing folder fails");
    assert!(message.contains("nowhere"), "{message}");
}

#[test]
fn a_folder_another_run_is_writing_is_refused_and_left_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("busy");
    std::fs::create_dir_all(&folder).expect("folder");
    let metrics = folder.join("metrics.jsonl");
    std::fs::write(&metrics, "{\"kind\":\"epoch\"}\n").expect("earlier metrics");
    let held = sequda::train::RunDir::new(&folder)
        .claim()
        .expect("the other run's claim");

    let message = run(dataset(sequences()), tiny_config(), &folder)
        .err()
        .expect("a second run into a busy folder fails");
    assert!(message.contains("another training run"), "{message}");
    assert_eq!(
        std::fs::read_to_string(&metrics).expect("metrics"),
        "{\"kind\":\"epoch\"}\n",
        "the other run's files were touched"
    );

    drop(held);
    let mut quick = tiny_config();
    quick.epochs = 1;
    run(dataset(sequences()), quick, &folder).expect("the folder is free again");
}
