//! Autoregressive sampling from the generator.
//!
//! The generator computes next-item probabilities on its device; the draw itself happens on the
//! host with a seeded SplitMix64 stream per sequence, so samples depend only on the seed and the
//! probabilities (not on the backend's random state, the batch size or the processing order).

use super::generator::Generator;
use crate::model::tokens::TokenMatrix;
use crate::rng::SplitMix64;

/// How to sample continuations.
#[derive(Clone, Copy, Debug)]
pub struct SamplingOptions<'a> {
    /// Logits are divided by this before the softmax (> 0; 1 = the model's own policy).
    pub temperature: f64,
    /// `allowed[item]`: items that may be drawn (e.g. those seen in the GAN's training data);
    /// `None` allows every item. Ids past the slice's end are not allowed.
    pub allowed: Option<&'a [bool]>,
    /// Sequences per generator pass (bounds the `[batch, n_items]` probability matrix).
    pub batch: usize,
}

/// Extends every `sequences[i]` in place, one sampled item at a time, until it holds
/// `target_lengths[i]` items (sequences already that long are left alone). Sequence `i` draws
/// from `SplitMix64::for_stream(seed, i)`.
///
/// Returns how many sequences stopped short because they name an item outside the catalogue,
/// their probabilities were unusable (NaN, no allowed item with positive probability) or
/// could not be read back; the caller decides
/// what to do with them (the run goes on, nothing panics). `generator` should be in inference
/// mode (`.valid()`).
pub fn continue_sequences(
    generator: &Generator,
    sequences: &mut [Vec<u32>],
    target_lengths: &[usize],
    options: &SamplingOptions<'_>,
    seed: u64,
) -> usize {
    let device = generator.device();
    let n_items = generator.n_items();
    let batch = options.batch.max(1);
    let mut stopped_short = 0;
    for chunk_start in (0..sequences.len()).step_by(batch) {
        let chunk_end = (chunk_start + batch).min(sequences.len());
        let mut streams: Vec<SplitMix64> = (chunk_start..chunk_end)
            .map(|i| SplitMix64::for_stream(seed, i as u64))
            .collect();
        // A sequence naming an item outside the catalogue cannot be embedded: it fails at once.
        let mut failed: Vec<bool> = sequences[chunk_start..chunk_end]
            .iter()
            .map(|s| s.iter().any(|&item| item as usize >= n_items))
            .collect();
        loop {
            let active: Vec<usize> = (chunk_start..chunk_end)
                .filter(|&i| {
                    !failed[i - chunk_start]
                        && sequences[i].len() < target_lengths.get(i).copied().unwrap_or(0)
                })
                .collect();
            if active.is_empty() {
                break;
            }
            let inputs: Vec<&[u32]> = active.iter().map(|&i| sequences[i].as_slice()).collect();
            let tokens = TokenMatrix::left_padded(&inputs, generator.max_len()).to_tensor(&device);
            // [active, n_items]
            let probabilities = generator.next_item_probabilities(tokens, options.temperature);
            let Ok(values) = probabilities.into_data().try_into_vec::<f32>() else {
                for &i in &active {
                    failed[i - chunk_start] = true;
                }
                continue;
            };
            for (row, &i) in values.chunks_exact(n_items.max(1)).zip(&active) {
                let u = streams[i - chunk_start].next_f64();
                match sample_index(row, options.allowed, u) {
                    Some(item) => sequences[i].push(item as u32),
                    None => failed[i - chunk_start] = true,
                }
            }
        }
        stopped_short += failed.iter().filter(|&&f| f).count();
    }
    stopped_short
}

/// Inverse-CDF draw from the (unnormalised) weights `row` restricted to `allowed`, with a
/// uniform `u` in [0, 1). `None` when no allowed item has a finite positive weight.
pub fn sample_index(row: &[f32], allowed: Option<&[bool]>, u: f64) -> Option<usize> {
    let usable = |i: usize, p: f32| {
        p.is_finite() && p > 0.0 && allowed.is_none_or(|a| a.get(i).copied().unwrap_or(false))
    };
    let total: f64 = row
        .iter()
        .enumerate()
        .filter(|&(i, &p)| usable(i, p))
        .map(|(_, &p)| f64::from(p))
        .sum();
    if !(total.is_finite() && total > 0.0) {
        return None;
    }
    let target = u.clamp(0.0, 1.0) * total;
    let mut cumulative = 0.0;
    let mut last = None;
    for (i, &p) in row.iter().enumerate() {
        if usable(i, p) {
            cumulative += f64::from(p);
            last = Some(i);
            if cumulative > target {
                return last;
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::GanConfig;
    use burn::module::Module;
    use burn::tensor::Device;

    #[test]
    fn inverse_cdf_respects_weights_and_mask() {
        let row = [0.2_f32, 0.0, 0.5, 0.3];
        assert_eq!(sample_index(&row, None, 0.0), Some(0));
        assert_eq!(sample_index(&row, None, 0.25), Some(2));
        assert_eq!(sample_index(&row, None, 0.75), Some(3));
        assert_eq!(sample_index(&row, None, 0.999_999), Some(3));
        // Only items 0 and 3 allowed: weights 0.2 and 0.3 → 0.4 of the way lands in item 0.
        let allowed = [true, true, false, true];
        assert_eq!(sample_index(&row, Some(&allowed), 0.39), Some(0));
        assert_eq!(sample_index(&row, Some(&allowed), 0.41), Some(3));
        assert_eq!(sample_index(&[f32::NAN, 0.0], None, 0.5), None);
        assert_eq!(sample_index(&row, Some(&[false, true]), 0.5), None);
        assert_eq!(sample_index(&[], None, 0.5), None);
    }

    #[test]
    fn continuations_reach_their_length_and_use_allowed_items_only() {
        let device = Device::flex();
        let config = GanConfig {
            window: 6,
            generator_dim: 8,
            ..GanConfig::default()
        };
        let generator = Generator::new(&config, 10, 3, &device).valid();
        let allowed: Vec<bool> = (0..10).map(|i| i % 2 == 0).collect();
        let options = SamplingOptions {
            temperature: 1.0,
            allowed: Some(&allowed),
            batch: 2,
        };
        let mut sequences = vec![vec![1], vec![3, 5], vec![7, 7, 7, 7, 7, 7, 7]];
        let stopped = continue_sequences(&generator, &mut sequences, &[4, 6, 3], &options, 9);
        assert_eq!(stopped, 0);
        let mut outside = vec![vec![10]];
        assert_eq!(
            continue_sequences(&generator, &mut outside, &[3], &options, 9),
            1
        );
        assert_eq!(outside, vec![vec![10]]);
        assert_eq!(
            sequences.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![4, 6, 7]
        );
        assert!(
            sequences[0][1..]
                .iter()
                .chain(&sequences[1][2..])
                .all(|i| i % 2 == 0)
        );
        // Same seed, different batch size: same samples.
        let mut again = vec![vec![1], vec![3, 5], vec![7, 7, 7, 7, 7, 7, 7]];
        let options = SamplingOptions {
            batch: 64,
            ..options
        };
        continue_sequences(&generator, &mut again, &[4, 6, 3], &options, 9);
        assert_eq!(again, sequences);
    }
}
