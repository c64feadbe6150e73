//! Inline SVG charts for the HTML report: line charts (curves, gains) and a heatmap
//! (attention). Plain strings, no fonts or scripts fetched from anywhere: every chart is a
//! self-contained `<svg>` element with a `<title>` on each mark for hover text.

use std::fmt::Write;

use super::escape::escape;

/// Line colours, in series order (a colour-blind-safe palette).
const PALETTE: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];
/// Chart size in SVG units (the page scales it to its column).
const WIDTH: f64 = 640.0;
/// Chart height without the legend.
const HEIGHT: f64 = 300.0;
/// Room left of the plot for the y tick labels.
const LEFT: f64 = 62.0;
/// Room right of the plot.
const RIGHT: f64 = 16.0;
/// Room above the plot for the title.
const TOP: f64 = 30.0;
/// Room below the plot for the x tick labels and axis name.
const BOTTOM: f64 = 44.0;
/// Height of one legend row.
const LEGEND_ROW: f64 = 18.0;

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    /// A solid line in its own colour.
    Solid,
    /// Dashed (references such as "random").
    Dashed,
    /// Thin and pale in the colour of the series after it: the raw curve behind its
    /// smoothing, as W&B and TensorBoard draw them.
    Faint,
}

/// One named line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// `(x, y)` points in drawing order; non-finite points are left out.
    pub points: Vec<[f64; 2]>,
    /// How it is drawn.
    pub style: LineStyle,
}

impl Series {
    /// A solid line.
    pub fn solid(name: impl Into<String>, points: Vec<[f64; 2]>) -> Self {
        Self {
            name: name.into(),
            points,
            style: LineStyle::Solid,
        }
    }

    /// A dashed line.
    pub fn dashed(name: impl Into<String>, points: Vec<[f64; 2]>) -> Self {
        Self {
            name: name.into(),
            points,
            style: LineStyle::Dashed,
        }
    }

    /// A pale line in the next series' colour (a raw curve behind its smoothed one).
    pub fn faint(name: impl Into<String>, points: Vec<[f64; 2]>) -> Self {
        Self {
            name: name.into(),
            points,
            style: LineStyle::Faint,
        }
    }

    /// Extra SVG attributes of the line.
    fn attributes(&self) -> &'static str {
        match self.style {
            LineStyle::Solid => " stroke-width=\"2\"",
            LineStyle::Dashed => " stroke-width=\"2\" stroke-dasharray=\"5 3\"",
            LineStyle::Faint => " stroke-width=\"1\" stroke-opacity=\"0.35\"",
        }
    }
}

/// A line chart with a title, axis names and a legend below the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// Name of the x axis.
    pub x_label: String,
    /// Name of the y axis.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
}

impl LineChart {
    /// The chart as one `<svg>` element.
    pub fn to_svg(&self) -> String {
        let finite = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
        let all: Vec<[f64; 2]> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter(finite).copied())
            .collect();
        let x_range = padded_range(all.iter().map(|p| p[0]));
        let y_range = padded_range(all.iter().map(|p| p[1]));
        let legend_height = LEGEND_ROW * self.series.len().div_ceil(3) as f64;
        let total_height = HEIGHT + legend_height;
        let mut svg = format!(
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {total_height}\" role=\"img\" aria-label=\"{}\">",
            escape(&self.title)
        );
        let _ = write!(
            svg,
            "<text x=\"{LEFT}\" y=\"18\" class=\"chart-title\">{}</text>",
            escape(&self.title)
        );
        let frame = Frame { x_range, y_range };
        frame.axes(&mut svg, &self.x_label, &self.y_label);
        if all.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" class=\"empty\" text-anchor=\"middle\">no points</text>",
                LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
                TOP + (HEIGHT - TOP - BOTTOM) / 2.0
            );
        }
        // A faint series takes the colour of the series after it; the others count colours.
        let mut colour_index = 0;
        for (index, series) in self.series.iter().enumerate() {
            let colour = PALETTE[colour_index % PALETTE.len()];
            if series.style != LineStyle::Faint {
                colour_index += 1;
            }
            frame.line(&mut svg, series, colour);
            legend_entry(&mut svg, index, series, colour);
        }
        svg.push_str("</svg>");
        svg
    }
}

/// A legend entry below the plot, three to a row.
fn legend_entry(svg: &mut String, index: usize, series: &Series, colour: &str) {
    let column = (index % 3) as f64;
    let row = (index / 3) as f64;
    let x = LEFT + column * 190.0;
    let y = HEIGHT + row * LEGEND_ROW + 6.0;
    let _ = write!(
        svg,
        "<line x1=\"{x}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\"{}/>\
         <text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
        x + 22.0,
        series.attributes(),
        x + 28.0,
        y + 4.0,
        escape(&series.name)
    );
}

/// The plot area and the data ranges it maps.
struct Frame {
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Frame {
    fn x(&self, value: f64) -> f64 {
        let (low, high) = self.x_range;
        LEFT + (value - low) / (high - low) * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        let (low, high) = self.y_range;
        HEIGHT - BOTTOM - (value - low) / (high - low) * (HEIGHT - TOP - BOTTOM)
    }

    /// Grid lines, tick labels and axis names.
    fn axes(&self, svg: &mut String, x_label: &str, y_label: &str) {
        let (left, right) = (LEFT, WIDTH - RIGHT);
        let (top, bottom) = (TOP, HEIGHT - BOTTOM);
        let _ = write!(
            svg,
            "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" class=\"plot\"/>",
            right - left,
            bottom - top
        );
        for tick in ticks(self.y_range) {
            let y = self.y(tick);
            let _ = write!(
                svg,
                "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" class=\"grid\"/>\
                 <text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                left - 6.0,
                y + 4.0,
                tick_label(tick)
            );
        }
        for tick in ticks(self.x_range) {
            let x = self.x(tick);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" class=\"grid\"/>\
                 <text x=\"{x:.1}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                bottom + 16.0,
                tick_label(tick)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\
             <text x=\"14\" y=\"{}\" class=\"axis\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
            (left + right) / 2.0,
            bottom + 34.0,
            escape(x_label),
            (top + bottom) / 2.0,
            (top + bottom) / 2.0,
            escape(y_label)
        );
    }

    /// One series as a polyline (a dot when it has a single point).
    fn line(&self, svg: &mut String, series: &Series, colour: &str) {
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .map(|p| (self.x(p[0]), self.y(p[1])))
            .collect();
        if let [(x, y)] = points.as_slice() {
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{colour}\"><title>{}</title></circle>",
                escape(&series.name)
            );
            return;
        }
        let coordinates: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\"{} points=\"{}\"><title>{}</title></polyline>",
            series.attributes(),
            coordinates.join(" "),
            escape(&series.name)
        );
    }
}

/// The range of `values` with a little room on both sides; `(0, 1)` when there is none.
fn padded_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    if high - low < 1e-12 {
        let pad = if low.abs() > 1e-12 {
            low.abs() * 0.1
        } else {
            1.0
        };
        return (low - pad, high + pad);
    }
    let pad = (high - low) * 0.04;
    (low - pad, high + pad)
}

/// Round tick values (steps of 1, 2 or 5 × a power of ten), about five across `range`.
fn ticks((low, high): (f64, f64)) -> Vec<f64> {
    let raw = (high - low) / 5.0;
    if !(raw.is_finite() && raw > 0.0) {
        return Vec::new();
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick value without float noise (`0.30000000000000004` → `0.3`).
fn tick_label(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    if rounded.abs() >= 10_000.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// A square heatmap: `values` is `labels.len() × labels.len()`, row-major, non-negative
/// (attention weights); rows are queries, columns keys. The darkest colour is the largest
/// value; each cell has its value as hover text.
pub fn heatmap_svg(title: &str, labels: &[String], values: &[f32]) -> String {
    let n = labels.len();
    let largest = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f32, f32::max);
    let scale = if largest > 0.0 { 1.0 / largest } else { 1.0 };
    let label_room = 200.0;
    let cell = if n == 0 {
        0.0
    } else {
        (420.0 / n as f64).min(28.0)
    };
    let side = label_room + cell * n as f64 + 20.0;
    let mut svg = format!(
        "<svg class=\"heatmap\" viewBox=\"0 0 {side} {}\" role=\"img\" aria-label=\"{}\">\
         <text x=\"{label_room}\" y=\"18\" class=\"chart-title\">{}</text>",
        side + 14.0,
        escape(title),
        escape(title)
    );
    let top = 30.0;
    for (row, label) in labels.iter().enumerate() {
        let y = top + cell * row as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
            label_room - 6.0,
            y + cell * 0.7,
            escape(&shorten(label, 30))
        );
        for (column, key) in labels.iter().enumerate() {
            let value = values.get(row * n + column).copied().unwrap_or(0.0);
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{cell:.1}\" height=\"{cell:.1}\" fill=\"{}\"><title>{} → {}: {value:.3}</title></rect>",
                label_room + cell * column as f64,
                heat_colour(value * scale),
                escape(label),
                escape(key)
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{label_room}\" y=\"{:.1}\" class=\"axis\">keys: positions 1–{n}, oldest first; darkest = {largest:.3} (hover a cell for its items and weight)</text></svg>",
        top + cell * n as f64 + 14.0
    );
    svg
}

/// White (0) to dark blue (1).
fn heat_colour(value: f32) -> String {
    let t = f64::from(value.clamp(0.0, 1.0)).sqrt();
    let channel = |white: f64, full: f64| (white + (full - white) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        channel(255.0, 8.0),
        channel(255.0, 48.0),
        channel(255.0, 107.0)
    )
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let ticks = ticks((0.013, 0.087));
        assert_eq!(ticks, vec![0.02, 0.04, 0.06, 0.08]);
        assert_eq!(tick_label(0.1 + 0.2), "0.3");
    }

    #[test]
    fn a_chart_draws_every_series_and_escapes_names() {
        let chart = LineChart {
            title: "loss <train>".into(),
            x_label: "epoch".into(),
            y_label: "loss".into(),
            series: vec![
                Series::solid("ce & more", vec![[0.0, 2.0], [1.0, 1.5], [2.0, f64::NAN]]),
                Series::dashed("one point", vec![[1.0, 1.0]]),
                Series::faint("raw", vec![[0.0, 1.0], [1.0, 2.0]]),
                Series::solid("smooth", vec![[0.0, 1.0], [1.0, 2.0]]),
            ],
        };
        let svg = chart.to_svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("loss &lt;train&gt;"));
        assert!(svg.contains("ce &amp; more"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        // The faint raw line shares the colour of the smoothed one after it.
        assert_eq!(svg.matches(PALETTE[2]).count(), 4, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn a_heatmap_has_one_cell_per_pair() {
        let labels = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let values = vec![1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.2, 0.3, 0.5];
        let svg = heatmap_svg("attention", &labels, &values);
        assert_eq!(svg.matches("<rect").count(), 9);
        assert!(svg.contains("a → a: 1.000"));
        assert_eq!(heat_colour(0.0), "#ffffff");
    }
}
