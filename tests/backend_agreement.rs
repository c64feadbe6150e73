//! The GPU code path (burn's wgpu backend) and the CPU fallback (flex) train the same tiny
//! model to the same numbers. In CI an adapter exists (lavapipe) and this must run; on a
//! machine without any wgpu adapter it says so loudly and checks only the CPU side.

use burn::module::Module;
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::tensor::Device;
use sequda::model::{InferenceModel, SasRec};
use sequda::settings::EncoderConfig;
use sequda::train::device::list_adapters;
use sequda::train::epochs::{LengthGroup, SharedNegatives, length_groups};
use sequda::train::trainers::{ItemRowAdam, optimisation_step, row_sparse_step};

/// 40 users over 30 items with a simple repeating structure; every eighth history is long
/// enough to be encoded in a length group of its own.
fn tiny_sequences() -> Vec<Vec<u32>> {
    (0..40u32)
        .map(|user| {
            let len = if user % 8 == 3 { 300 } else { 12 };
            (0..len).map(|t| (user * 7 + t * 3) % 30).collect()
        })
        .collect()
}

fn config() -> EncoderConfig {
    EncoderConfig {
        max_len: 320,
        dim: 16,
        blocks: 2,
        heads: 2,
        dropout: 0.0,
        ..EncoderConfig::default()
    }
}

/// Trains `steps` steps of `one_step` (model, optimiser, length groups, device → the next
/// model and the step's loss) on `device` from the given initial weights, eight users a step;
/// returns the losses and the final scores of the first users' last states against every item.
fn train_with(
    device: &Device,
    initial: &SasRec,
    steps: usize,
    mut one_step: impl FnMut(SasRec, &mut ModuleOptimizer, &[LengthGroup], &Device) -> (SasRec, f32),
) -> (Vec<f64>, Vec<f32>) {
    let device = device.clone().autodiff();
    let mut model = initial.clone().fork(&device);
    let mut optimizer = AdamConfig::new()
        .with_beta_2(0.98)
        .with_epsilon(1e-8)
        .init();
    let train = tiny_sequences();
    let users: Vec<usize> = (0..train.len()).collect();
    let mut losses = Vec::new();
    for step in 0..steps {
        let chunk = &users[(step * 8) % 40..(step * 8) % 40 + 8];
        let groups = length_groups(&train, chunk, 320, 4);
        assert_eq!(groups.len(), 2, "one long history per chunk of 8");
        let (next, loss) = one_step(model, &mut optimizer, &groups, &device);
        model = next;
        losses.push(f64::from(loss));
    }
    (losses, scores_of(model))
}

/// Full-softmax steps ([`optimisation_step`]).
fn train_on(device: &Device, initial: &SasRec, steps: usize) -> (Vec<f64>, Vec<f32>) {
    train_with(
        device,
        initial,
        steps,
        |model, optimizer, groups, device| {
            let (next, loss) = optimisation_step(model, optimizer, groups, device, 1e-2);
            (next, loss.expect("positions").into_scalar::<f32>())
        },
    )
}

/// Sampled-loss steps against a fixed set of negatives, the item table trained row by row
/// ([`row_sparse_step`], [`ItemRowAdam`]).
fn train_rows_on(device: &Device, initial: &SasRec, steps: usize) -> (Vec<f64>, Vec<f32>) {
    let mut rows = ItemRowAdam::new();
    let negatives = SharedNegatives {
        items: vec![2, 5, 11, 17, 23, 5],
        log_counts: vec![0.0, 0.5, -0.25, 0.0, 0.1, 0.5],
    };
    train_with(
        device,
        initial,
        steps,
        |model, optimizer, groups, device| {
            let step = row_sparse_step(model, optimizer, groups, &negatives, device, 1e-2);
            let mut model = step.model;
            let table = step.table.expect("the step read some rows");
            rows.step(&mut model, table.rows, table.gradient, 1e-2);
            (model, step.loss.expect("positions").into_scalar::<f32>())
        },
    )
}

/// Scores of the first four users' last states against every item.
fn scores_of(model: SasRec) -> Vec<f32> {
    let train = tiny_sequences();
    let inference = InferenceModel::SasRec(Box::new(model.valid()));
    let sequences: Vec<&[u32]> = train.iter().take(4).map(Vec::as_slice).collect();
    let users: Vec<u32> = (0..sequences.len() as u32).collect();
    let states = inference.user_states(&users, &sequences);
    let scores = states.matmul(inference.item_table().transpose());
    scores.into_data().try_into_vec::<f32>().expect("scores")
}

fn assert_close(label: &str, a: &[f64], b: &[f64], tolerance: f64) {
    assert_eq!(a.len(), b.len(), "{label}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let scale = x.abs().max(y.abs()).max(1.0);
        assert!(
            (x - y).abs() <= tolerance * scale,
            "{label}[{i}]: cpu {x} vs wgpu {y} (tolerance {tolerance})"
        );
    }
}

#[test]
fn wgpu_and_cpu_training_agree() {
    let cpu = Device::flex();
    cpu.seed(3);
    let initial = SasRec::new(&config(), 30, &cpu.clone().autodiff());
    let (cpu_losses, cpu_scores) = train_on(&cpu, &initial, 6);
    let (cpu_row_losses, cpu_row_scores) = train_rows_on(&cpu, &initial, 6);
    assert!(
        cpu_losses.last() < cpu_losses.first(),
        "training should lower the loss: {cpu_losses:?}"
    );

    let adapters = list_adapters();
    if adapters.is_empty() {
        let required = std::env::var("SEQUDA_REQUIRE_ADAPTER").is_ok_and(|v| v == "1");
        eprintln!(
            "\n*** WARNING: no wgpu adapter found: the GPU code path was NOT tested. ***\n\
             *** Install mesa-vulkan-drivers (lavapipe) to run it.                 ***\n"
        );
        assert!(
            !required,
            "SEQUDA_REQUIRE_ADAPTER=1 but wgpu found no adapter"
        );
        return;
    }
    eprintln!("wgpu adapters: {adapters:?}");
    let gpu = sequda::train::device::select_device(sequda::settings::DeviceChoice::Wgpu)
        .expect("an adapter was listed")
        .device;
    let (gpu_losses, gpu_scores) = train_on(&gpu, &initial, 6);
    assert_close("loss", &cpu_losses, &gpu_losses, 1e-3);
    let to64 = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    assert_close("scores", &to64(&cpu_scores), &to64(&gpu_scores), 1e-3);
    let (gpu_row_losses, gpu_row_scores) = train_rows_on(&gpu, &initial, 6);
    assert_close("row-update loss", &cpu_row_losses, &gpu_row_losses, 1e-3);
    assert_close(
        "row-update scores",
        &to64(&cpu_row_scores),
        &to64(&gpu_row_scores),
        1e-3,
    );
    assert_ne!(
        cpu_row_scores, cpu_scores,
        "the sampled loss trains its own way"
    );
}
