//! How the Loss curves pane splits its series into small multiples, W&B style (issue #37
//! item 3): one chart per group of comparable quantities, each with its own y axis (the
//! discriminator's accuracy and scores on a fixed 0–1 axis), one colour per run across every
//! chart, the quantities of one run told apart by line style, and a hover that lists every
//! series at the hovered step.

use egui_plot::LineStyle;

/// A chart of the Loss curves pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LossGroup {
    /// The total loss and the recommendation terms (CE, target attention, GAN sequences).
    Recommendation,
    /// The contrastive terms.
    Contrastive,
    /// The GAN round's losses and rewards.
    Gan,
    /// The discriminator's accuracy and mean scores, all in 0–1.
    Discriminator,
    /// Anything else logged.
    Other,
}

impl LossGroup {
    /// The group of a logged quantity.
    pub fn of(name: &str) -> Self {
        match name {
            "loss" | "ce" | "ta" | "syn" => Self::Recommendation,
            "cl" | "seq_cl" | "st_cl" => Self::Contrastive,
            "g_loss" | "pg_loss" | "gan_mle" | "d_loss" | "reward" | "reward_baseline" => Self::Gan,
            "d_acc" | "d_real" | "d_fake" => Self::Discriminator,
            _ => Self::Other,
        }
    }

    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Recommendation => "Recommendation losses",
            Self::Contrastive => "Contrastive losses",
            Self::Gan => "GAN losses and rewards",
            Self::Discriminator => "Discriminator accuracy and scores (0–1)",
            Self::Other => "Other logged values",
        }
    }

    /// A short id for chart ids and export file names.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Recommendation => "recommendation",
            Self::Contrastive => "contrastive",
            Self::Gan => "gan",
            Self::Discriminator => "discriminator",
            Self::Other => "other",
        }
    }

    /// Whether the chart's y axis is fixed to 0–1 (and never log-scaled).
    pub fn unit_interval(self) -> bool {
        self == Self::Discriminator
    }
}

/// The line style of the `index`-th quantity of one run within a chart.
pub fn line_style(index: usize) -> LineStyle {
    match index % 4 {
        0 => LineStyle::Solid,
        1 => LineStyle::dashed_loose(),
        2 => LineStyle::dotted_loose(),
        _ => LineStyle::dashed_dense(),
    }
}

/// The value of the point of `points` (x ascending) nearest to `x`, when it lies within
/// `tolerance` of it.
pub fn value_near(points: &[[f64; 2]], x: f64, tolerance: f64) -> Option<f64> {
    let after = points.partition_point(|p| p[0] < x);
    let candidates = [after.checked_sub(1), Some(after)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|i| points.get(i))
        .min_by(|a, b| (a[0] - x).abs().total_cmp(&(b[0] - x).abs()))
        .filter(|p| (p[0] - x).abs() <= tolerance)
        .map(|p| p[1])
}

/// The hover text at `x`: one line per series that has a point near it, "name: value".
pub fn hover_lines(series: &[(String, Vec<[f64; 2]>)], x: f64, tolerance: f64) -> String {
    series
        .iter()
        .filter_map(|(name, points)| {
            value_near(points, x, tolerance).map(|value| format!("{name}: {value:.4}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_logged_quantity_has_a_group() {
        assert_eq!(LossGroup::of("ce"), LossGroup::Recommendation);
        assert_eq!(LossGroup::of("cl"), LossGroup::Contrastive);
        assert_eq!(LossGroup::of("gan_mle"), LossGroup::Gan);
        assert_eq!(LossGroup::of("d_acc"), LossGroup::Discriminator);
        assert!(LossGroup::of("d_acc").unit_interval());
        assert_eq!(LossGroup::of("something_new"), LossGroup::Other);
    }

    #[test]
    fn the_hover_lists_every_series_near_the_step() {
        let series = vec![
            ("a".to_string(), vec![[1.0, 0.5], [2.0, 0.25], [3.0, 0.125]]),
            ("b".to_string(), vec![[2.0, 7.0]]),
            ("c".to_string(), vec![[9.0, 1.0]]),
        ];
        assert_eq!(hover_lines(&series, 2.1, 0.5), "a: 0.2500\nb: 7.0000");
        assert_eq!(value_near(&series[0].1, 2.6, 0.5), Some(0.125));
        assert_eq!(value_near(&series[0].1, 5.0, 0.5), None);
        assert_eq!(value_near(&[], 1.0, 1.0), None);
    }
}
