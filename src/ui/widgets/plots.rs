//! Shared chart helpers: log scales (egui_plot draws linear axes, so values are plotted as
//! `log10` and the axis labels undo it), colours, number formatting for hover labels.

use egui::Color32;
use egui_plot::GridMark;

/// A colour per series (colour-blind-friendly "Tableau 10").
pub fn series_color(index: usize) -> Color32 {
    const PALETTE: [Color32; 10] = [
        Color32::from_rgb(78, 121, 167),
        Color32::from_rgb(242, 142, 43),
        Color32::from_rgb(225, 87, 89),
        Color32::from_rgb(118, 183, 178),
        Color32::from_rgb(89, 161, 79),
        Color32::from_rgb(237, 201, 72),
        Color32::from_rgb(176, 122, 161),
        Color32::from_rgb(255, 157, 167),
        Color32::from_rgb(156, 117, 95),
        Color32::from_rgb(186, 176, 172),
    ];
    PALETTE[index % PALETTE.len()]
}

/// Points with `y` (and optionally `x`) replaced by `log10`; points that cannot be logged
/// (≤ 0 or not finite) are dropped.
pub fn log_points(points: &[[f64; 2]], log_x: bool, log_y: bool) -> Vec<[f64; 2]> {
    points
        .iter()
        .filter_map(|&[x, y]| {
            let x = if log_x { checked_log(x)? } else { x };
            let y = if log_y { checked_log(y)? } else { y };
            (x.is_finite() && y.is_finite()).then_some([x, y])
        })
        .collect()
}

fn checked_log(value: f64) -> Option<f64> {
    (value > 0.0 && value.is_finite()).then(|| value.log10())
}

/// Axis label of a `log10` coordinate: the original value.
pub fn log_axis_label(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    compact(10f64.powf(mark.value))
}

/// An axis formatter for categories plotted at 0, 1, 2, …: the label of a whole-number mark,
/// nothing between marks or past the labels.
pub fn category_axis(
    labels: Vec<String>,
) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let index = mark.value.round();
        if (mark.value - index).abs() < 1e-6 && index >= 0.0 {
            labels.get(index as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// A number in few characters: `0.0123`, `4.56`, `789`, `12.3k`, `4.5M`.
pub fn compact(value: f64) -> String {
    let magnitude = value.abs();
    if !value.is_finite() {
        "—".into()
    } else if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else if magnitude >= 100.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else if magnitude >= 0.001 {
        format!("{value:.4}")
    } else {
        format!("{value:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_drop_non_positive_values_and_labels_invert_them() {
        let points = log_points(&[[1.0, 10.0], [2.0, 0.0], [10.0, 100.0]], true, true);
        assert_eq!(points, vec![[0.0, 1.0], [1.0, 2.0]]);
        assert_eq!(compact(10f64.powf(2.0)), "100");
        assert_eq!(compact(0.01234), "0.0123");
        assert_eq!(compact(12345.0), "12.3k");
        assert_ne!(series_color(0), series_color(1));
    }

    #[test]
    fn category_axes_label_whole_marks_only() {
        let axis = category_axis(vec!["a".into(), "b".into()]);
        let label = |value: f64| {
            axis(
                GridMark {
                    value,
                    step_size: 1.0,
                },
                &(0.0..=2.0),
            )
        };
        assert_eq!((label(0.0), label(1.0)), ("a".into(), "b".into()));
        assert!(label(0.5).is_empty() && label(2.0).is_empty() && label(-1.0).is_empty());
    }
}
