//! Tests of every encoder variant the settings allow (positions, mixing, padding): the
//! last-state shortcut, causality, and what the mixing adds.

use burn::module::Module;
use burn::tensor::Device;

use super::sasrec::SasRec;
use super::tokens::TokenMatrix;
use crate::settings::{EncoderConfig, Mixing, Positional};

/// Every encoder variant the settings allow, small.
fn variants() -> Vec<EncoderConfig> {
    let base = EncoderConfig {
        max_len: 6,
        dim: 8,
        blocks: 2,
        heads: 2,
        dropout: 0.0,
        ..EncoderConfig::default()
    };
    let mut all = vec![
        base.clone(),
        EncoderConfig {
            positional: Positional::Sinusoidal,
            ..base.clone()
        },
    ];
    for mixing in [Mixing::Frequency, Mixing::Residual] {
        for positional_padding in [false, true] {
            all.push(EncoderConfig {
                mixing,
                positional_padding,
                ..base.clone()
            });
        }
    }
    all
}

#[test]
fn the_last_state_shortcut_equals_the_full_pass() {
    for config in variants() {
        the_last_state_shortcut_equals_the_full_pass_with(&config);
    }
}

fn the_last_state_shortcut_equals_the_full_pass_with(config: &EncoderConfig) {
    let device = Device::flex();
    device.seed(4);
    let model = SasRec::new(config, 20, &device);
    let a: &[u32] = &[1, 2, 3, 4, 5, 6, 7];
    let b: &[u32] = &[9, 3];
    let tokens = TokenMatrix::left_padded(&[a, b], 6).to_tensor(&device);
    let full = model.encode(tokens.clone(), true);
    assert_eq!(full.attention.len(), 2);
    assert_eq!(full.attention[0].dims(), [2, 2, 6, 6]);
    let [batch, len, dim] = full.hidden.dims();
    let expected = full
        .hidden
        .slice([0..batch, len - 1..len, 0..dim])
        .reshape([batch, dim]);
    let fast = model.encode_last(tokens);
    let difference = (expected - fast).abs().max().into_scalar::<f32>();
    assert!(difference < 1e-5, "{config:?}: {difference}");
}

#[test]
fn no_encoder_variant_reads_a_later_item() {
    for config in variants() {
        let device = Device::flex();
        device.seed(9);
        let model = SasRec::new(&config, 20, &device);
        let hidden = |last: u32| {
            let row: &[u32] = &[4, 8, 15, 16, last];
            let tokens = TokenMatrix::left_padded(&[row], 6).to_tensor(&device);
            let hidden = model.encode(tokens, false).hidden;
            let [_, len, dim] = hidden.dims();
            hidden.slice([0..1, 0..len - 1, 0..dim])
        };
        let gap = (hidden(2) - hidden(19)).abs().max().into_scalar::<f32>();
        assert!(gap < 1e-6, "{config:?}: earlier positions moved by {gap}");
        // The changed item itself does move the last position.
        let row = |last: u32| {
            let items: &[u32] = &[4, 8, 15, 16, last];
            let tokens = TokenMatrix::left_padded(&[items], 6).to_tensor(&device);
            model.encode_last(tokens)
        };
        assert!((row(2) - row(19)).abs().max().into_scalar::<f32>() > 1e-4);
    }
}

#[test]
fn frequency_mixing_changes_the_output_and_adds_one_beta_per_channel() {
    let device = Device::flex();
    let plain = EncoderConfig {
        max_len: 6,
        dim: 8,
        dropout: 0.0,
        ..EncoderConfig::default()
    };
    let mixed = EncoderConfig {
        mixing: Mixing::Frequency,
        ..plain.clone()
    };
    let residual = EncoderConfig {
        mixing: Mixing::Residual,
        ..plain.clone()
    };
    let count = |config: &EncoderConfig| SasRec::new(config, 20, &device).num_params();
    assert_eq!(count(&mixed) - count(&plain), plain.blocks * plain.dim);
    assert_eq!(count(&residual), count(&plain));
    // The residual control has no weights of its own: the plain encoder can take its
    // weights, and only the mixing tells the two apart.
    let b = SasRec::new(&residual, 20, &device);
    let copy = |config: &EncoderConfig| {
        SasRec::new(config, 20, &device)
            .try_load_record(b.clone().into_record())
            .expect("the control's weights fit the plain encoder")
    };
    let (a, a_again) = (copy(&plain), copy(&plain));
    let items: &[u32] = &[1, 2, 3, 4];
    let tokens = TokenMatrix::left_padded(&[items], 6).to_tensor(&device);
    let gap = |x: &SasRec, y: &SasRec| {
        (x.encode_last(tokens.clone()) - y.encode_last(tokens.clone()))
            .abs()
            .max()
            .into_scalar::<f32>()
    };
    // Copied weights give copied outputs; the mixing alone moves them.
    assert_eq!(gap(&a, &a_again), 0.0);
    assert!(gap(&a, &b) > 1e-3, "the mixing left the output unchanged");
}
