//! The sampled loss against the full softmax and against its documented formula, computed
//! on the host in `f64`.

use burn::tensor::{Device, Distribution, Int, Tensor, TensorData};

use super::*;
use crate::kernels::cross_entropy::linear_cross_entropy;
use crate::rng::seeded_test_lock;
use crate::train::epochs::group_cross_entropy;
use crate::train::epochs::{build_batch, group_loss};

const DIM: usize = 6;
const ITEMS: usize = 13;

fn random(shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::random(shape, Distribution::Normal(0.0, 1.0), device)
}

fn ints(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

fn floats<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().try_into_vec::<f32>().expect("f32")
}

fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    let scale = a.iter().fold(1e-3_f32, |m, x| m.max(x.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= 2e-5 * scale, "{what}[{i}]: {x} vs {y}");
    }
}

/// The loss, and its gradients with respect to the states and the table.
fn loss_and_gradients(
    states: &Tensor<2>,
    table: &Tensor<2>,
    loss: impl Fn(Tensor<2>, Tensor<2>) -> Tensor<1>,
) -> (f32, Vec<f32>, Vec<f32>) {
    let (s, t) = (states.clone().require_grad(), table.clone().require_grad());
    let value = loss(s.clone(), t.clone());
    let grads = value.clone().backward();
    let states_grad = floats(s.grad(&grads).expect("states gradient"));
    let table_grad = floats(t.grad(&grads).expect("table gradient"));
    (floats(value)[0], states_grad, table_grad)
}

/// The documented per-row loss, in `f64`: `−s_t + log(exp(s_t) + Σ_k [n_k ≠ t]
/// exp(s_{n_k} − c_k))`, averaged over the rows.
fn documented_loss(
    states: &[f32],
    table: &[f32],
    targets: &[i64],
    negatives: &SharedNegatives,
) -> f64 {
    let score = |row: usize, item: i64| -> f64 {
        (0..DIM)
            .map(|d| f64::from(states[row * DIM + d]) * f64::from(table[item as usize * DIM + d]))
            .sum()
    };
    let total: f64 = (0..targets.len())
        .map(|row| {
            let positive = score(row, targets[row]);
            let others: f64 = negatives
                .items
                .iter()
                .zip(&negatives.log_counts)
                .filter(|&(&item, _)| item != targets[row])
                .map(|(&item, &c)| (score(row, item) - f64::from(c)).exp())
                .sum();
            -positive + (positive.exp() + others).ln()
        })
        .sum();
    total / targets.len() as f64
}

#[test]
fn sampled_ce_with_every_item_as_a_negative_equals_full_ce() {
    let _seeded = seeded_test_lock();
    let device = Device::flex().autodiff();
    device.seed(11);
    let states = random([9, DIM], &device);
    let table = random([ITEMS, DIM], &device);
    let targets = [0_i64, 3, 12, 5, 5, 1, 9, 12, 7];
    let every = SharedNegatives::every_item(ITEMS);

    let full = loss_and_gradients(&states, &table, |s, t| {
        linear_cross_entropy(s, t, ints(&targets, &device)).mean()
    });
    let sampled = loss_and_gradients(&states, &table, |s, t| {
        let negatives = StepNegatives::new(&every, &t, &device).expect("negatives");
        sampled_cross_entropy(s, ints(&targets, &device), t, &negatives)
    });
    assert_close(&[full.0], &[sampled.0], "loss");
    assert_close(&full.1, &sampled.1, "states gradient");
    assert_close(&full.2, &sampled.2, "table gradient");
}

#[test]
fn a_group_under_every_item_as_negatives_matches_its_full_share() {
    let _seeded = seeded_test_lock();
    let device = Device::flex();
    device.seed(2);
    let train: Vec<Vec<u32>> = vec![vec![1, 4, 2, 9], vec![3, 3], vec![7, 0, 12, 5, 6]];
    let batch = build_batch(&train, &[0, 1, 2], 4);
    let hidden: Tensor<3> = Tensor::random([3, 4, DIM], Distribution::Normal(0.0, 1.0), &device);
    let table = random([ITEMS, DIM], &device);
    let every = SharedNegatives::every_item(ITEMS);
    let negatives = StepNegatives::new(&every, &table, &device).expect("negatives");
    let sampled = StepLoss::Sampled(Box::new(negatives));
    let total = batch.targets.len() + 5;
    let part = |loss: &StepLoss| {
        let value = group_loss(hidden.clone(), &batch, table.clone(), total, &device, loss);
        floats(value.expect("positions"))
    };
    let full = group_cross_entropy(hidden.clone(), &batch, table.clone(), total, &device);
    assert_eq!(part(&StepLoss::Full), floats(full.expect("positions")));
    assert_close(&part(&StepLoss::Full), &part(&sampled), "group share");
}

#[test]
fn the_target_is_never_its_own_negative() {
    let _seeded = seeded_test_lock();
    let device = Device::flex().autodiff();
    device.seed(3);
    let states = random([4, DIM], &device);
    let table = random([ITEMS, DIM], &device);
    // Every row's target is drawn, some twice; the second set is the first without them.
    let targets = [2_i64, 5, 2, 7];
    let with_hits = SharedNegatives {
        items: vec![2, 5, 2, 7, 11, 0],
        log_counts: vec![0.3, -0.2, 0.3, 0.1, 0.5, -1.0],
    };
    let run = |drawn: &SharedNegatives, keep: &[usize]| {
        loss_and_gradients(&states, &table, |s, t| {
            let negatives = StepNegatives::new(drawn, &t, &device).expect("negatives");
            let rows: Vec<i64> = keep.iter().map(|&r| r as i64).collect();
            let s = s.select(0, ints(&rows, &device));
            let targets: Vec<i64> = keep.iter().map(|&r| targets[r]).collect();
            sampled_cross_entropy(s, ints(&targets, &device), t, &negatives)
        })
    };
    // Rows with target 2 against the draws with and without item 2.
    let without_two = SharedNegatives {
        items: vec![5, 7, 11, 0],
        log_counts: vec![-0.2, 0.1, 0.5, -1.0],
    };
    let (a, b) = (run(&with_hits, &[0, 2]), run(&without_two, &[0, 2]));
    assert_close(&[a.0], &[b.0], "loss");
    assert_close(&a.1, &b.1, "states gradient");
    assert_close(&a.2, &b.2, "table gradient");
    // And every row against the documented formula, which skips each row's own target.
    let all = run(&with_hits, &[0, 1, 2, 3]).0;
    let expected = documented_loss(
        &floats(states.clone()),
        &floats(table.clone()),
        &targets,
        &with_hits,
    );
    assert!(
        (f64::from(all) - expected).abs() < 1e-5,
        "{all} vs {expected}"
    );
}

#[test]
fn padded_positions_never_enter_the_loss() {
    let _seeded = seeded_test_lock();
    let device = Device::flex().autodiff();
    device.seed(4);
    // Row 0 has two inputs and row 1 four, in a batch padded to width 4.
    let train: Vec<Vec<u32>> = vec![vec![1, 4, 2], vec![3, 8, 6, 10, 12]];
    let batch = build_batch(&train, &[0, 1], 4);
    assert_eq!(batch.positions, [2, 3, 4, 5, 6, 7]);
    let table = random([ITEMS, DIM], &device);
    let listed: Tensor<3> = Tensor::random([2, 4, DIM], Distribution::Normal(0.0, 1.0), &device);
    let padded_rows = Tensor::<3>::ones([1, 2, DIM], &device).mul_scalar(1.0e4);
    let garbage = listed
        .clone()
        .slice_assign([0..1, 0..2, 0..DIM], padded_rows);
    let drawn = SharedNegatives {
        items: vec![0, 4, 9, 12, 12, 5],
        log_counts: vec![0.0, 0.2, -0.4, 0.1, 0.1, 0.0],
    };
    let run = |hidden: Tensor<3>| {
        let hidden = hidden.require_grad();
        let negatives = StepNegatives::new(&drawn, &table, &device).expect("negatives");
        let loss = StepLoss::Sampled(Box::new(negatives));
        let value = group_loss(hidden.clone(), &batch, table.clone(), 6, &device, &loss);
        let value = value.expect("positions");
        let grads = value.clone().backward();
        (
            floats(value),
            floats(hidden.grad(&grads).expect("gradient")),
        )
    };
    let (clean, clean_grad) = run(listed);
    let (dirty, dirty_grad) = run(garbage);
    assert_eq!(clean, dirty, "what padding holds does not matter");
    assert_eq!(clean_grad, dirty_grad);
    assert!(
        dirty_grad[..2 * DIM].iter().all(|&g| g == 0.0),
        "no gradient to padding"
    );
    assert!(dirty_grad[2 * DIM..].iter().any(|&g| g != 0.0));
}

#[test]
fn the_logq_correction_is_applied_as_documented() {
    let _seeded = seeded_test_lock();
    let device = Device::flex();
    device.seed(5);
    let states = random([5, DIM], &device);
    let table = random([ITEMS, DIM], &device);
    let targets = [1_i64, 4, 4, 9, 0];
    let drawn = SharedNegatives {
        items: vec![3, 4, 8, 8, 10, 1, 12],
        log_counts: vec![-1.5, 0.7, 2.0, 2.0, -0.3, 0.0, 1.1],
    };
    let negatives = StepNegatives::new(&drawn, &table, &device).expect("negatives");
    let loss = sampled_cross_entropy(
        states.clone(),
        ints(&targets, &device),
        table.clone(),
        &negatives,
    );
    let expected = documented_loss(&floats(states), &floats(table), &targets, &drawn);
    let value = f64::from(floats(loss)[0]);
    assert!((value - expected).abs() < 1e-5, "{value} vs {expected}");
}
