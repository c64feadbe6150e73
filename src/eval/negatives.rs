//! Negative sampling for the sampled protocols: distinct items the user never touched.
//!
//! Draws are successive sampling without replacement: each next negative is drawn with probability
//! proportional to its weight among the eligible items not drawn yet (weight 1 for uniform,
//! training count for popularity). Eligible = not in `touched`, not the target, and (popularity)
//! a non-zero training count: zero-count items are never drawn, so no epsilon is needed.
//! If at most `want` items are eligible, all of them are used (the case then has fewer negatives).
//!
//! Fast path: rejection sampling over the whole catalogue (uniform index, or binary search in the
//! cumulative counts), redrawing touched/already-drawn items. When the user has touched most of
//! the catalogue (or most of its popularity mass) rejection stalls, so after a bounded number of
//! attempts the remaining draws switch to Efraimidis–Spirakis keys (`ln(u) / w`, keep the largest)
//! over the still-eligible items, which is the same successive-sampling distribution. Both paths
//! use only the per-case generator, so negatives depend on `(seed, case index)` alone.

use super::EvalCase;
use super::case::Marks;
use crate::rng::SplitMix64;

/// Rejection attempts allowed per wanted negative before switching to the exact fallback.
const ATTEMPTS_PER_DRAW: usize = 64;

/// Reusable sampler over a catalogue (one per evaluation run).
pub(super) struct NegativeSampler<'w> {
    n_items: usize,
    /// Training counts per item (`None`: uniform).
    weights: Option<&'w [u64]>,
    /// `cumulative[i] = weights[0] + ... + weights[i]` (saturating).
    cumulative: Vec<u64>,
    /// Items with a non-zero weight (all items when uniform).
    positive: usize,
    excluded: Marks,
    keyed: Vec<(f64, u32)>,
}

impl<'w> NegativeSampler<'w> {
    /// A sampler over `0..n_items`; `weights`, when given, has length `n_items` (checked by caller).
    pub fn new(n_items: usize, weights: Option<&'w [u64]>) -> Self {
        let (cumulative, positive) = match weights {
            Some(w) => {
                let mut total = 0u64;
                let cumulative = w
                    .iter()
                    .map(|&c| {
                        total = total.saturating_add(c);
                        total
                    })
                    .collect();
                (cumulative, w.iter().filter(|&&c| c > 0).count())
            }
            None => (Vec::new(), n_items),
        };
        Self {
            n_items,
            weights,
            cumulative,
            positive,
            excluded: Marks::new(n_items),
            keyed: Vec::new(),
        }
    }

    fn weight(&self, item: usize) -> u64 {
        self.weights
            .map_or(1, |w| w.get(item).copied().unwrap_or(0))
    }

    /// Appends up to `want` distinct negatives for `case` to `out`, deterministic in `(seed, stream)`.
    pub fn sample(
        &mut self,
        case: &EvalCase<'_>,
        seed: u64,
        stream: u64,
        want: usize,
        out: &mut Vec<u32>,
    ) {
        self.excluded.clear();
        let mut eligible = self.positive;
        for &item in std::iter::once(&case.target).chain(case.touched) {
            let item = item as usize;
            if self.excluded.insert(item) && self.weight(item) > 0 {
                eligible -= 1;
            }
        }
        if eligible <= want {
            out.extend(
                (0..self.n_items)
                    .filter(|&i| !self.excluded.contains(i) && self.weight(i) > 0)
                    .map(|i| i as u32),
            );
            return;
        }

        let mut rng = SplitMix64::for_stream(seed, stream);
        let mut drawn = 0;
        let mut attempts = 0;
        while drawn < want && attempts < want * ATTEMPTS_PER_DRAW {
            attempts += 1;
            let item = self.draw(&mut rng);
            if self.excluded.insert(item) {
                out.push(item as u32);
                drawn += 1;
            }
        }
        if drawn < want {
            self.fallback(&mut rng, want - drawn, out);
        }
    }

    /// One draw from the whole catalogue (uniform, or proportional to weight).
    fn draw(&self, rng: &mut SplitMix64) -> usize {
        match self.weights {
            None => rng.below(self.n_items as u64) as usize,
            Some(_) => {
                let total = self.cumulative.last().copied().unwrap_or(0);
                let r = rng.below(total);
                // First item whose cumulative count exceeds r; zero-count items are never hit.
                self.cumulative.partition_point(|&c| c <= r)
            }
        }
    }

    /// Exact weighted sampling of `count` more items among the still-eligible ones.
    fn fallback(&mut self, rng: &mut SplitMix64, count: usize, out: &mut Vec<u32>) {
        self.keyed.clear();
        for item in 0..self.n_items {
            let w = self.weight(item);
            if w > 0 && !self.excluded.contains(item) {
                // u in (0, 1]; key = ln(u) / w, larger is better.
                let u = 1.0 - rng.next_f64();
                self.keyed.push((u.ln() / w as f64, item as u32));
            }
        }
        let count = count.min(self.keyed.len());
        if count == 0 {
            return;
        }
        let by_key_desc = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if count < self.keyed.len() {
            self.keyed.select_nth_unstable_by(count - 1, by_key_desc);
        }
        self.keyed[..count].sort_unstable_by(by_key_desc);
        for &(_, item) in &self.keyed[..count] {
            self.excluded.insert(item as usize);
            out.push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(sampler: &mut NegativeSampler<'_>, case: &EvalCase<'_>, stream: u64) -> Vec<u32> {
        let mut out = vec![];
        sampler.sample(case, 99, stream, 100, &mut out);
        out
    }

    #[test]
    fn negatives_are_distinct_untouched_and_deterministic() {
        let touched: Vec<u32> = (0..300).step_by(3).collect();
        let case = EvalCase::new(0, &[], 1, &touched);
        let mut sampler = NegativeSampler::new(1000, None);
        let a = sample(&mut sampler, &case, 5);
        assert_eq!(a.len(), 100);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
        assert!(
            a.iter()
                .all(|i| *i != 1 && !touched.contains(i) && *i < 1000)
        );
        assert_eq!(sample(&mut NegativeSampler::new(1000, None), &case, 5), a);
        assert_ne!(sample(&mut sampler, &case, 6), a);
    }

    #[test]
    fn few_eligible_items_are_all_used() {
        let touched: Vec<u32> = (0..95).collect();
        let case = EvalCase::new(0, &[], 3, &touched);
        let mut sampler = NegativeSampler::new(150, None);
        let got = sample(&mut sampler, &case, 0);
        assert_eq!(got, (95..150).collect::<Vec<u32>>());
    }

    #[test]
    fn dense_exclusion_uses_the_exact_fallback() {
        // 10,000 items, all but 150 touched: rejection alone would stall.
        let n = 10_000u32;
        let touched: Vec<u32> = (0..n).filter(|i| i % 64 != 0 || *i < 64 * 6).collect();
        let case = EvalCase::new(0, &[], 0, &touched);
        let mut sampler = NegativeSampler::new(n as usize, None);
        let got = sample(&mut sampler, &case, 1);
        assert_eq!(got.len(), 100);
        assert!(got.iter().all(|i| i % 64 == 0 && *i >= 64 * 6));
        let mut sorted = got.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
    }

    #[test]
    fn popularity_sampling_follows_counts_and_skips_zero_counts() {
        // 400 items: item i has count i % 4 (a quarter have zero count).
        let counts: Vec<u64> = (0..400).map(|i| i % 4).collect();
        let mut sampler = NegativeSampler::new(400, Some(&counts));
        let mut by_count = [0usize; 4];
        for stream in 0..400 {
            let case = EvalCase::new(0, &[], 0, &[]);
            for item in sample(&mut sampler, &case, stream) {
                by_count[counts[item as usize] as usize] += 1;
            }
        }
        assert_eq!(by_count[0], 0, "zero-count items are never drawn");
        // Without replacement flattens the ratio, but heavier items must be drawn more often.
        assert!(
            by_count[1] < by_count[2] && by_count[2] < by_count[3],
            "{by_count:?}"
        );
        // Only 100 positive-count items untouched when the user touched 200 of them: all used.
        let touched: Vec<u32> = (0..400).filter(|i| i % 4 != 0).take(200).collect();
        let case = EvalCase::new(0, &[], 399, &touched);
        let got = sample(&mut sampler, &case, 0);
        assert_eq!(got.len(), 99);
        assert!(
            got.iter()
                .all(|&i| counts[i as usize] > 0 && !touched.contains(&i) && i != 399)
        );
    }

    #[test]
    fn fallback_follows_the_weights() {
        // Popular items touched so most of the mass is excluded; compare inclusion frequencies.
        let counts: Vec<u64> = (0..300)
            .map(|i| if i < 50 { 10_000 } else { 1 + i % 3 })
            .collect();
        let touched: Vec<u32> = (0..50).collect();
        let case = EvalCase::new(0, &[], 299, &touched);
        let mut sampler = NegativeSampler::new(300, Some(&counts));
        let mut freq = [0usize; 3];
        for stream in 0..300 {
            for item in sample(&mut sampler, &case, stream) {
                freq[(item % 3) as usize] += 1;
            }
        }
        // freq[k] counts items of weight 1 + k: heavier items must be drawn more often.
        assert!(freq[0] < freq[1] && freq[1] < freq[2], "{freq:?}");
    }
}
