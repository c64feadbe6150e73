//! The row-by-row Adam against burn's Adam, on the rows it touches and the rows it leaves.

use burn::optim::GradientsParams;
use burn::tensor::{Device, Distribution};

use super::*;
use crate::settings::EncoderConfig;
use crate::train::trainers::{largest_gap, new_optimizer};

const ITEMS: usize = 6;
const DIM: usize = 4;
const RATE: f64 = 0.05;

fn model() -> SasRec {
    let config = EncoderConfig {
        max_len: 4,
        dim: DIM,
        blocks: 1,
        heads: 1,
        ..EncoderConfig::default()
    };
    let device = Device::flex().autodiff();
    device.seed(7);
    SasRec::new(&config, ITEMS, &device)
}

/// `[ITEMS + 1, DIM]` the item table, flattened.
fn table(model: &SasRec) -> Vec<f32> {
    let weights = model.item_embedding.weight.val().inner();
    weights.into_data().try_into_vec::<f32>().expect("f32")
}

/// `[rows, DIM]` a gradient drawn from `seed`.
fn gradient(rows: usize, seed: u64) -> Tensor<2> {
    let device = Device::flex();
    device.seed(seed);
    Tensor::random([rows, DIM], Distribution::Normal(0.0, 1.0), &device)
}

fn ints(values: &[i64]) -> Tensor<1, Int> {
    Tensor::from_data(
        TensorData::new(values.to_vec(), [values.len()]),
        &Device::flex(),
    )
}

#[test]
fn touching_every_row_takes_burns_adam_steps() {
    let _seeded = crate::rng::seeded_test_lock();
    let mut dense = model();
    let mut rows = dense.clone();
    let mut optimizer = new_optimizer();
    let mut adam = ItemRowAdam::new();
    let every_row: Vec<i64> = (0..=ITEMS as i64).collect();
    for seed in 1..=3 {
        let g = gradient(ITEMS + 1, seed);
        // d/dE Σ E ⊙ g = g: burn's Adam sees exactly `g` for the table, nothing else.
        let weight = dense.item_embedding.weight.val();
        let loss = (weight * Tensor::from_inner(g.clone())).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &dense);
        dense = optimizer.step(RATE, dense, grads);
        adam.step(&mut rows, ints(&every_row), g, RATE);
    }
    let gap = largest_gap(&table(&dense), &table(&rows));
    assert!(gap < 1e-6, "gap {gap}");
    assert!(
        largest_gap(&table(&dense), &table(&model())) > 1e-2,
        "the steps moved the table"
    );
    assert!(rows.item_embedding.weight.val().is_require_grad());
}

#[test]
fn untouched_rows_stay_and_a_restored_state_takes_the_same_next_step() {
    let _seeded = crate::rng::seeded_test_lock();
    let mut trained = model();
    let before = table(&trained);
    let mut adam = ItemRowAdam::new();
    adam.step(&mut trained, ints(&[1, 3]), gradient(2, 1), RATE);
    let after = table(&trained);
    for row in 0..=ITEMS {
        let range = row * DIM..(row + 1) * DIM;
        let moved = largest_gap(&before[range.clone()], &after[range]) > 0.0;
        assert_eq!(moved, row == 1 || row == 3, "row {row}");
    }

    let folder = tempfile::tempdir().expect("tempdir");
    let path = folder.path().join("rows.bpk");
    adam.save(&path).expect("save");
    let mut restored = ItemRowAdam::restore(&trained, &path).expect("restore");
    assert_eq!(restored.time, 1);
    let mut resumed = trained.clone();
    adam.step(&mut trained, ints(&[3, 5]), gradient(2, 2), RATE);
    restored.step(&mut resumed, ints(&[3, 5]), gradient(2, 2), RATE);
    assert_eq!(table(&trained), table(&resumed));

    // A fresh state (no file) forgets row 3's moments: its second step differs.
    let mut fresh = ItemRowAdam::restore(&trained, &folder.path().join("none")).expect("fresh");
    let mut forgetful = resumed.clone();
    fresh.step(&mut forgetful, ints(&[3, 5]), gradient(2, 3), RATE);
    restored.step(&mut resumed, ints(&[3, 5]), gradient(2, 3), RATE);
    assert!(largest_gap(&table(&forgetful), &table(&resumed)) > 1e-4);
}

#[test]
fn a_state_that_never_stepped_writes_nothing() {
    let folder = tempfile::tempdir().expect("tempdir");
    let path = folder.path().join("rows.bpk");
    ItemRowAdam::new().save(&path).expect("save");
    assert!(!path.exists());
}
