//! Issue #34, item 3: a training step reads nothing back to the host. The epoch loop reads a
//! logging interval's losses in one counted read (`train::readback::HostReads`), and no other
//! training code reads tensors back except the evaluation listed below. Runs on flex and, where
//! an adapter exists (lavapipe in CI), on wgpu; without one it says so loudly.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use burn::tensor::Device;
use sequda::data::{Dataset, IdMap, leave_one_out};
use sequda::settings::{DeviceChoice, TrainConfig};
use sequda::train::RunDir;
use sequda::train::device::{list_adapters, select_device};
use sequda::train::epochs::{LoopInputs, Recipe, run_epochs, trainable_users};
use sequda::train::session::{Control, Event};
use sequda::train::trainers::SasRecRecipe;

/// Source files (outside test code) that may read tensors back, and why.
const MAY_READ: &[(&str, &str)] = &[
    ("src/train/readback.rs", "the counted helper itself"),
    (
        "src/train/epochs/model_scorer.rs",
        "full-ranking evaluation after an epoch reads its score blocks, outside any step",
    ),
    (
        "src/train/epochs/host_scores.rs",
        "full-ranking evaluation on the CPU device reads the item table once per pass, outside any step",
    ),
    (
        "src/train/trainers/row_adam.rs",
        "resuming reads the saved step count of the item rows' Adam once, before any step",
    ),
    (
        "src/kernels/cross_entropy/cpu.rs",
        "the flex (CPU) kernel itself: its tensors are host memory, nothing waits on a device",
    ),
    (
        "src/kernels/cross_entropy/sampled_cpu.rs",
        "the flex (CPU) kernel itself: its tensors are host memory, nothing waits on a device",
    ),
    (
        "src/model/gan/device_draw.rs",
        "on the flex (CPU) device the draw reads its probabilities in place, host memory; the GAN round runs between epochs",
    ),
    (
        "src/kernels/spmm/cpu.rs",
        "the flex (CPU) kernel itself: its tensors are host memory, nothing waits on a device",
    ),
];

/// What reads a tensor back to the host.
const READS: &[&str] = &["into_scalar", "into_data", "to_data", "into_vec"];

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_counted_helper_reads_tensors_back_while_training() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src/train", "src/model", "src/kernels"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut offenders = Vec::new();
    for path in files {
        let name = path.strip_prefix(root).expect("under the root");
        let name = name.to_string_lossy().replace('\\', "/");
        let test_file = name.ends_with("tests.rs") || name.ends_with("_tests.rs");
        if test_file || MAY_READ.iter().any(|(file, _)| *file == name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable source");
        // Test modules sit at the end of a file.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code.lines().enumerate() {
            if READS.iter().any(|read| line.contains(read)) && !line.trim_start().starts_with("//")
            {
                offenders.push(format!("{name}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read tensors back through train::readback::HostReads instead:\n{}",
        offenders.join("\n")
    );
}

/// 40 users over 12 items, six events each.
fn dataset() -> Dataset {
    let sequences: Vec<Vec<u32>> = (0..40u32)
        .map(|u| (0..6).map(|t| (u + t * (1 + u % 3)) % 12).collect())
        .collect();
    let users: IdMap = (0..40).map(|u| format!("u{u}")).collect();
    let items: IdMap = (0..12).map(|i| format!("i{i}")).collect();
    Dataset::from_sequences(PathBuf::from("synthetic"), users, items, sequences)
}

/// Three steps of 16 users an epoch, a step record every `log_every` steps.
fn config(log_every: usize) -> TrainConfig {
    let mut config = TrainConfig::default();
    config.encoder.max_len = 8;
    config.encoder.dim = 8;
    config.batch_size = 16;
    config.epochs = 2;
    config.patience = 2;
    config.log_every = log_every;
    config
}

/// The wgpu device, or `None` (loudly; a failure under `SEQUDA_REQUIRE_ADAPTER=1`).
fn wgpu_device() -> Option<Device> {
    if list_adapters().is_empty() {
        let required = std::env::var("SEQUDA_REQUIRE_ADAPTER").is_ok_and(|v| v == "1");
        eprintln!(
            "\n*** WARNING: no wgpu adapter found: the GPU read-backs were NOT tested. ***\n"
        );
        assert!(
            !required,
            "SEQUDA_REQUIRE_ADAPTER=1 but wgpu found no adapter"
        );
        return None;
    }
    Some(
        select_device(DeviceChoice::Wgpu)
            .expect("an adapter")
            .device,
    )
}

/// Steps taken directly perform no read; two epochs through the loop read once per logging
/// interval (validation's score blocks are evaluation's, not counted). Returns the logged
/// losses.
fn reads_on(device: &Device) -> Vec<f64> {
    let dataset = dataset();
    let split = leave_one_out(&dataset.sequences);
    let folder = tempfile::tempdir().expect("tempdir");
    let run_dir = RunDir::new(folder.path());
    let (_commands, commands_in) = mpsc::channel();
    let (events, events_out) = mpsc::channel();
    let mut control = Control::new(commands_in, events);

    let config = config(2);
    let mut recipe = SasRecRecipe::new(&config, &split, dataset.n_items(), device).expect("recipe");
    let users = trainable_users(&split.train);
    for chunk in users.chunks(16) {
        recipe.step(chunk, config.learning_rate).expect("a step");
    }
    assert_eq!(control.host_reads().count(), 0, "a step reads nothing back");

    let inputs = LoopInputs {
        dataset: &dataset,
        split: &split,
        config: &config,
        run_dir: &run_dir,
    };
    let mut metrics = run_dir.metrics_writer().expect("log");
    let outcome = run_epochs(&mut recipe, &inputs, &mut control, &mut metrics, None);
    assert_eq!(outcome.expect("trained").epochs_run, 2);
    // Three steps an epoch, logged after steps 2 and 3: two reads an epoch.
    let steps_per_epoch = users.len().div_ceil(16);
    assert_eq!(steps_per_epoch, 3);
    assert_eq!(control.host_reads().count(), 2 * 2);
    drop(control);
    let losses: Vec<f64> = events_out
        .try_iter()
        .filter_map(|event| match event {
            Event::Step(report) => Some(report.losses["loss"]),
            _ => None,
        })
        .collect();
    assert_eq!(losses.len(), 4, "{losses:?}");
    assert!(
        losses.iter().all(|l| l.is_finite() && *l > 0.0),
        "{losses:?}"
    );
    losses
}

#[test]
fn a_sasrec_step_reads_nothing_back_and_an_epoch_once_per_logging_interval() {
    let flex = reads_on(&Device::flex());
    if let Some(wgpu) = wgpu_device() {
        let gpu = reads_on(&wgpu);
        // Both backends start from the same seed but draw their own weights and dropout, so
        // only the scale of the loss is compared here; tests/backend_agreement.rs compares
        // the numbers from shared weights.
        for (cpu, gpu) in flex.iter().zip(&gpu) {
            assert!(
                (cpu - gpu).abs() < 0.5 * cpu.max(*gpu),
                "cpu {cpu} vs wgpu {gpu}"
            );
        }
    }
}
