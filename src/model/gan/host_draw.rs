//! The draw step of [`super::device_draw`] on the CPU. On burn's flex device the next-item
//! probabilities already lie in host memory, so one pass per row replaces the dozen
//! `[rows, n_items]` tensor operations of the device draw, with the same f32 arithmetic in the
//! same order: the same items come out.

/// One draw per row of `probabilities` (`[rows, n_items]`, row-major) with `uniforms[r]` in
/// [0, 1): the first item whose cumulative usable weight passes `u · total` (the last usable
/// item when rounding reaches the end), and 1 where the row had no usable item (then the
/// drawn item means nothing); every row fails when `probabilities` is not `rows × n_items`
/// (`n_items = blocked.len()`). An item is usable when its probability is finite and positive
/// and `blocked[item]` is false.
pub(super) fn draw_rows(
    probabilities: &[f32],
    blocked: &[bool],
    uniforms: &[f32],
) -> (Vec<i64>, Vec<i64>) {
    let n_items = blocked.len();
    let mut drawn = Vec::with_capacity(uniforms.len());
    let mut failed = Vec::with_capacity(uniforms.len());
    if n_items == 0 || probabilities.len() != uniforms.len() * n_items {
        return (vec![0; uniforms.len()], vec![1; uniforms.len()]);
    }
    let weight = |(p, &blocked): (&f32, &bool)| {
        if p.is_finite() && *p > 0.0 && !blocked {
            *p
        } else {
            0.0
        }
    };
    for (row, &uniform) in probabilities.chunks_exact(n_items).zip(uniforms) {
        let (mut total, mut last_usable) = (0.0_f32, 0);
        for (item, w) in row.iter().zip(blocked).map(weight).enumerate() {
            total += w;
            if w > 0.0 {
                last_usable = item;
            }
        }
        let target = uniform * total;
        // The cumulative sums never fall, so the items at or below the target come first.
        let mut cumulative = 0.0_f32;
        let passed = row
            .iter()
            .zip(blocked)
            .map(weight)
            .take_while(|w| {
                cumulative += w;
                cumulative <= target
            })
            .count();
        drawn.push(passed.min(last_usable) as i64);
        failed.push(i64::from(total <= 0.0));
    }
    (drawn, failed)
}
