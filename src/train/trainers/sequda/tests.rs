//! The SeqUDA-Rec trainer's behaviour on a tiny fixture (flex).

use burn::tensor::{Device, Tensor, TensorData};

use super::trainer::SeqUdaRecipe;
use crate::data::Split;
use crate::kernels::spmm::sparse_matmul;
use crate::rng::seeded_test_lock;
use crate::settings::{SeqUdaConfig, TrainConfig};
use crate::train::epochs::Recipe;
use crate::train::epochs::StepLosses;
use crate::train::readback::HostReads;
use crate::train::session::LossValues;

/// A step's losses read back.
fn read(losses: StepLosses) -> LossValues {
    losses.read(&HostReads::new()).expect("a read")
}

/// 40 users over 20 items, and a small encoder for them.
fn fixture() -> (Split, TrainConfig) {
    let sequences: Vec<Vec<u32>> = (0..40u32)
        .map(|u| (0..6).map(|t| (u * 3 + t * (1 + u % 3)) % 20).collect())
        .collect();
    let mut config = TrainConfig::default();
    config.encoder.max_len = 8;
    config.encoder.dim = 8;
    (crate::data::leave_one_out(&sequences), config)
}

/// The losses of one step over the first 16 users of the fixture, views drawn, with
/// `settings` (the GAN off).
fn first_step_losses(settings: SeqUdaConfig) -> LossValues {
    let (split, config) = fixture();
    let users: Vec<usize> = (0..16).collect();
    let settings = SeqUdaConfig {
        gan: false,
        ..settings
    };
    let mut recipe =
        SeqUdaRecipe::new(&config, settings, &split, 20, &Device::flex()).expect("a valid recipe");
    recipe.new_views(1).expect("views");
    read(recipe.step(&users, config.learning_rate).expect("a step"))
}

/// The first perturbed view applied to `[0, 1, 2, …]`: differs when the view's edges do.
fn first_view_product(recipe: &SeqUdaRecipe<'_>) -> Vec<f32> {
    let (first, _) = recipe.views.as_ref().expect("views drawn");
    let first = &first.adjacency;
    let rows = first.n_rows();
    let device = recipe.device.clone().inner();
    let dense = Tensor::<2>::from_data(
        TensorData::new((0..rows).map(|r| r as f32).collect::<Vec<_>>(), [rows, 1]),
        &device,
    );
    sparse_matmul(first, dense)
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 values")
}

#[test]
fn views_are_drawn_again_every_step_only_when_asked() {
    let _seeded = seeded_test_lock();
    let (split, config) = fixture();
    let users: Vec<usize> = (0..16).collect();
    for each_step in [false, true] {
        let settings = SeqUdaConfig {
            gan: false,
            edge_dropout: 0.2,
            views_each_step: each_step,
            ..SeqUdaConfig::default()
        };
        let mut recipe = SeqUdaRecipe::new(&config, settings, &split, 20, &Device::flex())
            .expect("a valid recipe");
        recipe.new_views(1).expect("views");
        let before = first_view_product(&recipe);
        let losses = read(recipe.step(&users, config.learning_rate).expect("a step"));
        assert!(losses.contains_key("cl"), "the contrastive term ran");
        let after = first_view_product(&recipe);
        assert_eq!(before != after, each_step, "each_step = {each_step}");
    }
}

#[test]
fn the_sequence_contrast_joins_the_loss_only_when_weighted() {
    let _seeded = seeded_test_lock();
    for (weight, graph) in [(0.0, true), (0.5, true), (0.5, false)] {
        let losses = first_step_losses(SeqUdaConfig {
            graph,
            sequence_contrastive_weight: weight,
            ..SeqUdaConfig::default()
        });
        let seq_cl = losses.get("seq_cl").copied();
        if weight > 0.0 {
            let value = seq_cl.expect("the sequence contrast is logged when on");
            // 16 users: a chance-level InfoNCE would be ln 16 ≈ 2.77; any finite positive
            // value shows both passes ran.
            assert!(value.is_finite() && value > 0.0, "seq_cl = {value}");
            let ce = losses["ce"];
            assert!(losses["loss"] > ce, "the weighted term adds to the total");
        } else {
            assert_eq!(seq_cl, None, "off by default");
        }
    }
}

#[test]
fn the_same_target_contrast_joins_the_loss_only_when_weighted() {
    let _seeded = seeded_test_lock();
    for weight in [0.0, 0.5] {
        let losses = first_step_losses(SeqUdaConfig {
            same_target_weight: weight,
            ..SeqUdaConfig::default()
        });
        let term = losses.get("st_cl").copied();
        if weight > 0.0 {
            let value = term.expect("the same-target contrast is logged when on");
            assert!(value.is_finite() && value > 0.0, "st_cl = {value}");
            let others = losses["ce"] + 0.1 * losses["cl"] + 0.1 * losses["ta"];
            assert!(
                losses["loss"] > others + 0.4 * value,
                "the weighted term adds to the total: {losses:?}"
            );
        } else {
            assert_eq!(term, None, "off by default");
        }
    }
}

#[test]
fn without_fusion_a_step_still_trains_the_contrast() {
    let _seeded = seeded_test_lock();
    let losses = first_step_losses(SeqUdaConfig {
        graph_fusion: false,
        ..SeqUdaConfig::default()
    });
    let (ce, cl) = (losses["ce"], losses["cl"]);
    assert!(ce.is_finite() && cl.is_finite() && cl > 0.0, "{losses:?}");
}

#[test]
fn the_sampled_loss_trains_every_term_and_auto_stays_full() {
    let _seeded = seeded_test_lock();
    use crate::settings::{LossChoice, NegativeSource};
    let (split, mut config) = fixture();
    let users: Vec<usize> = (0..16).collect();
    let step = |config: &TrainConfig| {
        let mut recipe =
            SeqUdaRecipe::new(config, SeqUdaConfig::default(), &split, 20, &Device::flex())
                .expect("a valid recipe");
        recipe.new_views(1).expect("views");
        read(recipe.step(&users, config.learning_rate).expect("a step"))
    };
    let auto = step(&config);
    config.loss = LossChoice::Full;
    assert_eq!(step(&config), auto, "auto is the full softmax on 20 items");
    config.loss = LossChoice::Sampled;
    for source in [NegativeSource::Uniform, NegativeSource::InBatch] {
        config.sampled.source = source;
        config.sampled.negatives = 8;
        let sampled = step(&config);
        assert!(
            sampled["ce"].is_finite() && sampled["cl"].is_finite(),
            "{sampled:?}"
        );
        assert_ne!(sampled["ce"], auto["ce"], "{source}: a different objective");
    }
}
