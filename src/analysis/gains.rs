//! Cumulative-gain (lift) curves: target users best-score first and count how many of the
//! positives are reached.

/// A cumulative-gain curve: `(share of users targeted, share of positives reached)`, both in
/// `[0, 1]`, from `(0, 0)` to `(1, 1)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GainsCurve {
    /// Curve points, x ascending. Between two points the curve is a straight line (inside a
    /// group of tied scores that is the expected value under a random tie-break).
    pub points: Vec<[f64; 2]>,
    /// Number of positives.
    pub positives: usize,
    /// Number of users ranked.
    pub population: usize,
}

impl GainsCurve {
    /// The curve of random targeting: the diagonal.
    pub fn random(population: usize, positives: usize) -> Self {
        Self {
            points: vec![[0.0, 0.0], [1.0, 1.0]],
            positives,
            population,
        }
    }

    /// Share of positives reached when targeting the top `share` of users (linear between
    /// points; 0 for an empty curve).
    pub fn reached_at(&self, share: f64) -> f64 {
        let share = share.clamp(0.0, 1.0);
        for pair in self.points.windows(2) {
            let ([x0, y0], [x1, y1]) = (pair[0], pair[1]);
            if share <= x1 {
                let t = if x1 > x0 {
                    (share - x0) / (x1 - x0)
                } else {
                    1.0
                };
                return y0 + t * (y1 - y0);
            }
        }
        self.points.last().map_or(0.0, |p| p[1])
    }

    /// Lift over random targeting at `share`: reached share / targeted share (1 = no better
    /// than random; 0 when nothing is targeted or there are no positives).
    pub fn lift_at(&self, share: f64) -> f64 {
        if share <= 0.0 || self.positives == 0 {
            return 0.0;
        }
        self.reached_at(share) / share.min(1.0)
    }
}

/// The gains curve of ranking users by `scores` (higher first) when `positives[i]` says whether
/// user `i` is a positive. NaN scores rank last. Tied scores form one straight segment.
pub fn cumulative_gains(scores: &[f32], positives: &[bool]) -> GainsCurve {
    let population = scores.len().min(positives.len());
    let total = positives.iter().take(population).filter(|&&p| p).count();
    let mut order: Vec<usize> = (0..population).collect();
    let key = |i: usize| {
        let score = scores[i];
        if score.is_nan() {
            f32::NEG_INFINITY
        } else {
            score
        }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    let mut points = vec![[0.0, 0.0]];
    if population == 0 {
        return GainsCurve {
            points,
            positives: 0,
            population: 0,
        };
    }
    let (mut targeted, mut reached, mut start) = (0usize, 0usize, 0usize);
    while start < order.len() {
        let group_score = key(order[start]);
        let mut end = start;
        while end < order.len() && key(order[end]) == group_score {
            if positives[order[end]] {
                reached += 1;
            }
            end += 1;
        }
        targeted += end - start;
        let y = if total > 0 {
            reached as f64 / total as f64
        } else {
            targeted as f64 / population as f64
        };
        points.push([targeted as f64 / population as f64, y]);
        start = end;
    }
    GainsCurve {
        points,
        positives: total,
        population,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_ranking_reaches_everyone_first() {
        let curve = cumulative_gains(&[0.9, 0.1, 0.8, 0.2], &[true, false, true, false]);
        assert_eq!(curve.positives, 2);
        assert!((curve.reached_at(0.5) - 1.0).abs() < 1e-12);
        assert!((curve.lift_at(0.5) - 2.0).abs() < 1e-12);
        assert!((curve.reached_at(0.25) - 0.5).abs() < 1e-12);
        assert_eq!(curve.points.last(), Some(&[1.0, 1.0]));
    }

    #[test]
    fn ties_are_a_straight_line_and_nan_ranks_last() {
        let curve = cumulative_gains(&[1.0, 1.0, 1.0, 1.0], &[true, false, false, false]);
        assert_eq!(curve.points, vec![[0.0, 0.0], [1.0, 1.0]]);
        assert!((curve.reached_at(0.5) - 0.5).abs() < 1e-12);
        let nan = cumulative_gains(&[f32::NAN, 0.5], &[true, false]);
        assert!((nan.reached_at(0.5) - 0.0).abs() < 1e-12);
    }

    #[test]
    fn random_is_the_diagonal_and_empty_inputs_are_safe() {
        let random = GainsCurve::random(10, 2);
        assert!((random.reached_at(0.3) - 0.3).abs() < 1e-12);
        assert!((random.lift_at(0.3) - 1.0).abs() < 1e-12);
        let empty = cumulative_gains(&[], &[]);
        assert_eq!(empty.population, 0);
        assert_eq!(empty.lift_at(0.5), 0.0);
    }
}
