//! SASRec-CE steps: the loss choice, row-sparse item updates, and resuming with the
//! optimiser's saved state.

use super::*;
use crate::data::Split;
use crate::rng::seeded_test_lock;
use crate::settings::LossChoice;
use crate::train::readback::HostReads;
use crate::train::trainers::largest_gap;

const ITEMS: usize = 30;

/// 24 users over 30 items, seven events each.
fn toy_split() -> Split {
    let sequences: Vec<Vec<u32>> = (0..24u32)
        .map(|u| (0..7).map(|t| (u * 5 + t * (1 + u % 4)) % 30).collect())
        .collect();
    crate::data::leave_one_out(&sequences)
}

/// A tiny encoder; without dropout and at learning rate 1e-2 when `deterministic`.
fn toy_config(deterministic: bool) -> TrainConfig {
    let mut config = TrainConfig::default();
    config.encoder.max_len = 8;
    config.encoder.dim = 8;
    if deterministic {
        config.encoder.dropout = 0.0;
        config.learning_rate = 1e-2;
    }
    config
}

fn every_user() -> Vec<usize> {
    (0..24).collect()
}

fn recipe<'a>(config: &'a TrainConfig, split: &'a Split) -> SasRecRecipe<'a> {
    SasRecRecipe::new(config, split, ITEMS, &Device::flex()).expect("recipe")
}

/// One step on every user; its loss.
fn step(recipe: &mut SasRecRecipe, config: &TrainConfig) -> f64 {
    let losses = recipe
        .step(&every_user(), config.learning_rate)
        .expect("step");
    losses.read(&HostReads::new()).expect("read")["loss"]
}

/// A recipe after three steps on every user, its checkpoint and optimiser state saved in `run`.
fn three_steps_saved<'a>(
    config: &'a TrainConfig,
    split: &'a Split,
    run: &RunDir,
) -> SasRecRecipe<'a> {
    let mut recipe = recipe(config, split);
    for _ in 0..3 {
        step(&mut recipe, config);
    }
    recipe.save(&recipe.snapshot(), run).expect("save");
    recipe
}

/// The item table of `recipe`'s current weights, flattened.
fn weights(recipe: &SasRecRecipe) -> Vec<f32> {
    recipe
        .snapshot()
        .item_table()
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 weights")
}

#[test]
fn auto_trains_as_full_and_sampled_takes_its_own_finite_steps() {
    let _seeded = seeded_test_lock();
    let split = toy_split();
    let mut config = toy_config(false);
    let two_steps = |config: &TrainConfig| {
        let mut recipe = recipe(config, &split);
        let losses: Vec<f64> = (0..2).map(|_| step(&mut recipe, config)).collect();
        (losses, weights(&recipe))
    };
    let auto = two_steps(&config);
    config.loss = LossChoice::Full;
    assert_eq!(two_steps(&config), auto, "bit for bit");
    config.loss = LossChoice::Sampled;
    config.sampled.negatives = 10;
    let sampled = two_steps(&config);
    assert!(sampled.0.iter().all(|l| l.is_finite()), "{:?}", sampled.0);
    assert_ne!(sampled.1, auto.1);
    assert_eq!(two_steps(&config), sampled, "the draws repeat for a seed");
}

#[test]
fn row_updates_take_the_dense_first_step_and_a_resumed_run_keeps_their_moments() {
    let _seeded = seeded_test_lock();
    let split = toy_split();
    let mut config = toy_config(true);
    config.loss = LossChoice::Sampled;
    config.sampled.negatives = 10;

    // Adam's first step leaves an untouched row where it was, so both updates agree.
    let first_step = |row_updates: bool| {
        let mut config = config.clone();
        config.sampled.row_updates = row_updates;
        let mut recipe = recipe(&config, &split);
        assert_eq!(recipe.item_rows.is_some(), row_updates);
        (step(&mut recipe, &config), weights(&recipe))
    };
    let (rows_loss, rows_weights) = first_step(true);
    let (dense_loss, dense_weights) = first_step(false);
    assert!(
        (rows_loss - dense_loss).abs() < 1e-6,
        "{rows_loss} vs {dense_loss}"
    );
    let moved = largest_gap(&rows_weights, &weights(&recipe(&config, &split)));
    assert!(moved > 1e-3, "the step moved the table by {moved}");
    let apart = largest_gap(&rows_weights, &dense_weights);
    assert!(apart < 1e-6, "gap {apart}");

    let folder = tempfile::tempdir().expect("tempdir");
    let run = RunDir::new(folder.path());
    let mut uninterrupted = three_steps_saved(&config, &split, &run);
    assert!(run.item_rows_optimizer_path().is_file());
    uninterrupted.loss.begin_epoch(5);
    step(&mut uninterrupted, &config);
    let mut resumed = recipe(&config, &split);
    resumed.resume(&run, 3).expect("resume");
    resumed.loss.begin_epoch(5);
    step(&mut resumed, &config);
    let apart = largest_gap(&weights(&uninterrupted), &weights(&resumed));
    assert!(apart < 1e-6, "gap {apart}");
}

#[test]
fn a_resumed_recipe_takes_the_step_the_uninterrupted_one_takes() {
    let _seeded = seeded_test_lock();
    let split = toy_split();
    let config = toy_config(true);
    let folder = tempfile::tempdir().expect("tempdir");
    let run = RunDir::new(folder.path());

    let mut uninterrupted = three_steps_saved(&config, &split, &run);
    assert!(
        run.optimizer_path().is_file(),
        "the optimiser state is saved"
    );
    step(&mut uninterrupted, &config);
    let expected = weights(&uninterrupted);

    let next_step_after_resume = |run: &RunDir| {
        let mut resumed = recipe(&config, &split);
        resumed.resume(run, 3).expect("resume");
        step(&mut resumed, &config);
        weights(&resumed)
    };
    let resumed = next_step_after_resume(&run);
    let gap = largest_gap(&expected, &resumed);
    assert!(gap < 1e-6, "gap {gap}");

    // Without the saved state (a run from before it was kept) Adam starts afresh: the
    // step differs, which is what the saved state is for.
    std::fs::remove_file(run.optimizer_path()).expect("remove");
    let fresh = next_step_after_resume(&run);
    let gap = largest_gap(&expected, &fresh);
    assert!(gap > 1e-4, "gap {gap}");
}
