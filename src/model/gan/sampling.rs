//! Autoregressive sampling from the generator.
//!
//! The generator computes next-item probabilities on its device and the draw happens there
//! too ([`super::device_draw`]), with one uniform per sequence and step taken from a seeded
//! SplitMix64 stream per sequence, so samples depend only on the seed and the probabilities
//! (not on the backend's random state, the batch size or the processing order). A batch of
//! continuations is read back once, through the caller's `read`, never a row per token.

use burn::tensor::{Int, Tensor};

use super::device_draw::{DrawSettings, draw_on_device};
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
    /// Only the `k` most probable allowed items may be drawn; `None` samples the whole
    /// distribution (multinomial).
    pub top_k: Option<usize>,
    /// Sequences per generator pass (bounds the `[batch, n_items]` probability matrix).
    pub batch: usize,
}

/// Reads an integer tensor back to the host (the caller's counted read), `None` on failure.
pub type ReadInts<'r> = dyn FnMut(Tensor<2, Int>) -> Option<Vec<i64>> + 'r;

/// Extends every `sequences[i]` in place, one sampled item at a time, until it holds
/// `target_lengths[i]` items (sequences already that long are left alone). Sequence `i` draws
/// from `SplitMix64::for_stream(seed, i)`. Each batch of sequences is drawn on the device and
/// read back once through `read`.
///
/// Returns how many sequences stopped short because they name an item outside the catalogue,
/// their probabilities were unusable (NaN, no allowed item with positive probability) or
/// could not be read back; the caller decides what to do with them (the run goes on, nothing
/// panics). `generator` should be in inference mode (`.valid()`).
pub fn continue_sequences(
    generator: &Generator,
    sequences: &mut [Vec<u32>],
    target_lengths: &[usize],
    options: &SamplingOptions<'_>,
    seed: u64,
    read: &mut ReadInts<'_>,
) -> usize {
    let n_items = generator.n_items();
    let target = |i: usize| target_lengths.get(i).copied().unwrap_or(0);
    // A sequence naming an item outside the catalogue cannot be embedded: it fails at once.
    let outside: Vec<bool> = sequences
        .iter()
        .map(|s| s.iter().any(|&item| item as usize >= n_items))
        .collect();
    let active: Vec<usize> = (0..sequences.len())
        .filter(|&i| !outside[i] && sequences[i].len() < target(i))
        .collect();
    let mut stopped_short = outside.iter().filter(|&&o| o).count();
    for chunk in active.chunks(options.batch.max(1)) {
        let steps = chunk
            .iter()
            .map(|&i| target(i) - sequences[i].len())
            .max()
            .unwrap_or(0);
        let rows: Vec<&[u32]> = chunk.iter().map(|&i| sequences[i].as_slice()).collect();
        let tokens = TokenMatrix::left_padded(&rows, generator.max_len());
        let mut streams: Vec<SplitMix64> = chunk
            .iter()
            .map(|&i| SplitMix64::for_stream(seed, i as u64))
            .collect();
        let settings = DrawSettings {
            temperature: options.temperature,
            allowed: options.allowed,
            top_k: options.top_k,
        };
        let tokens = tokens.to_tensor(&generator.device());
        let draws = draw_on_device(generator, tokens, steps, &settings, &mut streams);
        let Some(values) = read(draws.into_tensor()) else {
            stopped_short += chunk.len();
            continue;
        };
        for (row, &i) in values.chunks_exact(2 * steps).zip(chunk) {
            let (items, failed) = row.split_at(steps);
            let wanted = target(i) - sequences[i].len();
            let drawn = failed[..wanted].iter().take_while(|&&f| f == 0).count();
            let usable = items[..drawn]
                .iter()
                .map_while(|&item| u32::try_from(item).ok());
            sequences[i].extend(usable.filter(|&item| (item as usize) < n_items));
            if sequences[i].len() < target(i) {
                stopped_short += 1;
            }
        }
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

    /// Reads a tensor in a test.
    fn read(tensor: Tensor<2, Int>) -> Option<Vec<i64>> {
        tensor.into_data().try_into_vec_as::<i64>().ok()
    }

    #[test]
    fn a_draw_never_leaves_the_top_k() {
        let device = Device::flex();
        let config = GanConfig {
            window: 4,
            generator_dim: 8,
            ..GanConfig::default()
        };
        let generator = Generator::new(&config, 12, 5, &device).valid();
        let prefixes: Vec<Vec<u32>> = (0..24u32).map(|i| vec![i % 12]).collect();
        let rows: Vec<&[u32]> = prefixes.iter().map(Vec::as_slice).collect();
        let tokens = TokenMatrix::left_padded(&rows, 4).to_tensor(&device);
        let probabilities = generator.next_item_probabilities(tokens, 1.0);
        let probabilities = probabilities
            .into_data()
            .try_into_vec::<f32>()
            .expect("f32");
        for (k, seed) in [(1, 3), (3, 4), (3, 5), (5, 6)] {
            let options = SamplingOptions {
                temperature: 1.0,
                allowed: None,
                top_k: Some(k),
                batch: 7,
            };
            let mut sequences = prefixes.clone();
            let lengths = vec![2; sequences.len()];
            let stopped = continue_sequences(
                &generator,
                &mut sequences,
                &lengths,
                &options,
                seed,
                &mut read,
            );
            assert_eq!(stopped, 0);
            for (sequence, row) in sequences.iter().zip(probabilities.chunks_exact(12)) {
                let drawn = row[sequence[1] as usize];
                let above = row.iter().filter(|&&p| p > drawn).count();
                assert!(
                    above < k,
                    "item {} has {above} more probable (k = {k})",
                    sequence[1]
                );
            }
        }
    }

    #[test]
    fn the_cpu_draw_takes_the_same_items_as_the_device_draw() {
        let device = Device::flex();
        let config = GanConfig {
            window: 5,
            generator_dim: 8,
            ..GanConfig::default()
        };
        let n_items = 40;
        let generator = Generator::new(&config, n_items, 7, &device).valid();
        let allowed: Vec<bool> = (0..n_items).map(|i| i % 3 != 1).collect();
        let prefixes: Vec<Vec<u32>> = (0..30u32).map(|i| vec![i % 40, (i * 7) % 40]).collect();
        let lengths = vec![5; prefixes.len()];
        let draw = |top_k: Option<usize>, allowed: Option<&[bool]>, temperature: f64| {
            let options = SamplingOptions {
                temperature,
                allowed,
                top_k,
                batch: 8,
            };
            let mut sequences = prefixes.clone();
            let stopped = continue_sequences(
                &generator,
                &mut sequences,
                &lengths,
                &options,
                21,
                &mut read,
            );
            (stopped, sequences)
        };
        for (allowed, temperature) in [(None, 1.0), (Some(allowed.as_slice()), 0.5)] {
            // `top_k = n_items` filters nothing but keeps the draw on the tensor path.
            let device_path = draw(Some(n_items), allowed, temperature);
            let cpu_path = draw(None, allowed, temperature);
            assert_eq!(cpu_path.0, 0);
            assert!(cpu_path.1.iter().all(|s| s.len() == 5));
            assert_eq!(cpu_path, device_path);
        }
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
            top_k: None,
            batch: 2,
        };
        let mut sequences = vec![vec![1], vec![3, 5], vec![7, 7, 7, 7, 7, 7, 7]];
        let stopped = continue_sequences(
            &generator,
            &mut sequences,
            &[4, 6, 3],
            &options,
            9,
            &mut read,
        );
        assert_eq!(stopped, 0);
        let mut outside = vec![vec![10]];
        assert_eq!(
            continue_sequences(&generator, &mut outside, &[3], &options, 9, &mut read),
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
        continue_sequences(&generator, &mut again, &[4, 6, 3], &options, 9, &mut read);
        assert_eq!(again, sequences);
    }
}
