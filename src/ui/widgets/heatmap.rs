//! An attention heatmap: rows are queries, columns are keys, item titles on both axes, the
//! causal mask (keys after the query) greyed out, hover details per cell.

use std::f32::consts::FRAC_PI_2;

use egui::epaint::TextShape;
use egui::{Color32, FontId, Pos2, Rect, Response, Sense, Stroke, Ui, Vec2, pos2, vec2};

use super::labelled::truncate;

/// Characters of a title shown on an axis.
const AXIS_TITLE_CHARS: usize = 26;
/// Cell size bounds in points.
const CELL_RANGE: (f32, f32) = (5.0, 36.0);

/// What to draw.
pub struct HeatmapInput<'a> {
    /// `n × n` weights, row-major (row = query, column = key).
    pub values: &'a [f32],
    /// Row and column titles (the same items on both axes), `n` of them.
    pub titles: &'a [String],
    /// Grey out cells above the diagonal (keys the query cannot see).
    pub causal: bool,
}

/// Viridis-like colour for `t` in `[0, 1]`.
pub fn colormap(t: f32) -> Color32 {
    const STOPS: [(f32, [u8; 3]); 5] = [
        (0.0, [68, 1, 84]),
        (0.25, [59, 82, 139]),
        (0.5, [33, 145, 140]),
        (0.75, [94, 201, 98]),
        (1.0, [253, 231, 37]),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    for pair in STOPS.windows(2) {
        let ((t0, c0), (t1, c1)) = (pair[0], pair[1]);
        if t <= t1 {
            let f = (t - t0) / (t1 - t0);
            let mix =
                |a: u8, b: u8| (f32::from(a) + f * (f32::from(b) - f32::from(a))).round() as u8;
            return Color32::from_rgb(mix(c0[0], c1[0]), mix(c0[1], c1[1]), mix(c0[2], c1[2]));
        }
    }
    Color32::from_rgb(253, 231, 37)
}

/// Draws the heatmap in the available space and returns the response of the whole widget
/// (its rect is the chart for "Save PNG"). Every row and column title is also an accessible
/// label ("Attention row 3: …", "Attention column 3: …").
pub fn heatmap_ui(ui: &mut Ui, input: &HeatmapInput<'_>) -> Response {
    let n = input.titles.len();
    if n == 0 || input.values.len() != n * n {
        return ui.label("No attention weights to show.");
    }
    let text_color = ui.visuals().text_color();
    let short: Vec<String> = input
        .titles
        .iter()
        .map(|t| truncate(t, AXIS_TITLE_CHARS))
        .collect();
    let font = FontId::proportional(11.0);
    let gutter = short
        .iter()
        .map(|t| {
            ui.painter()
                .layout_no_wrap(t.clone(), font.clone(), text_color)
                .size()
                .x
        })
        .fold(0.0f32, f32::max)
        + 8.0;
    let available = ui.available_size();
    let cell = ((available.x - gutter - 70.0).min(available.y - gutter - 10.0) / n as f32)
        .clamp(CELL_RANGE.0, CELL_RANGE.1);
    let grid_size = cell * n as f32;
    let legend_width = 60.0;
    let (rect, response) = ui.allocate_exact_size(
        vec2(gutter + grid_size + legend_width, gutter + grid_size),
        Sense::hover(),
    );
    let layout = Layout {
        rect,
        grid: Rect::from_min_size(rect.min + vec2(gutter, gutter), Vec2::splat(grid_size)),
        gutter,
        cell,
    };
    let painter = ui.painter_at(rect);
    let max = input
        .values
        .iter()
        .enumerate()
        .filter(|(i, _)| !input.causal || i % n <= i / n)
        .map(|(_, v)| *v)
        .fold(0.0f32, f32::max)
        .max(1e-6);
    paint_cells(ui, &painter, input, &layout, max);
    titles_ui(ui, &painter, input, &short, &layout);
    paint_legend(&painter, layout.grid, legend_width, max, text_color);
    painter.rect_stroke(
        layout.grid,
        0.0,
        Stroke::new(1.0, text_color.gamma_multiply(0.3)),
        egui::StrokeKind::Outside,
    );
    hover_ui(response, &painter, input, &layout)
}

/// Where the heatmap's parts are.
struct Layout {
    /// The whole widget.
    rect: Rect,
    /// The cells.
    grid: Rect,
    /// Room for the titles left of and above the grid.
    gutter: f32,
    /// A cell's side.
    cell: f32,
}

impl Layout {
    /// The rect of the cell at (`query`, `key`).
    fn cell_rect(&self, query: usize, key: usize) -> Rect {
        Rect::from_min_size(
            self.grid.min + vec2(key as f32 * self.cell, query as f32 * self.cell),
            Vec2::splat(self.cell),
        )
    }
}

/// The cells, coloured by weight relative to `max`; the causal mask grey.
fn paint_cells(
    ui: &Ui,
    painter: &egui::Painter,
    input: &HeatmapInput<'_>,
    layout: &Layout,
    max: f32,
) {
    let n = input.titles.len();
    let masked = if ui.visuals().dark_mode {
        Color32::from_gray(55)
    } else {
        Color32::from_gray(215)
    };
    let cell = layout.cell;
    for query in 0..n {
        for key in 0..n {
            let color = if input.causal && key > query {
                masked
            } else {
                colormap(input.values[query * n + key] / max)
            };
            painter.rect_filled(
                layout
                    .cell_rect(query, key)
                    .shrink(if cell > 8.0 { 0.5 } else { 0.0 }),
                0.0,
                color,
            );
        }
    }
}

/// The row titles left of the grid, the column titles above it (turned), each also an
/// accessible label.
fn titles_ui(
    ui: &mut Ui,
    painter: &egui::Painter,
    input: &HeatmapInput<'_>,
    short: &[String],
    layout: &Layout,
) {
    let (grid, cell, gutter) = (layout.grid, layout.cell, layout.gutter);
    let text_color = ui.visuals().text_color();
    let label_font = FontId::proportional((cell * 0.8).clamp(7.0, 11.0));
    for (index, title) in short.iter().enumerate() {
        let centre = grid.min.x + (index as f32 + 0.5) * cell;
        let row_y = grid.min.y + (index as f32 + 0.5) * cell;
        painter.text(
            pos2(grid.min.x - 4.0, row_y),
            egui::Align2::RIGHT_CENTER,
            title,
            label_font.clone(),
            text_color,
        );
        let galley = painter.layout_no_wrap(title.clone(), label_font.clone(), text_color);
        let height = galley.size().y;
        painter.add(
            TextShape::new(
                pos2(centre - height / 2.0, grid.min.y - 4.0),
                galley,
                text_color,
            )
            .with_angle(-FRAC_PI_2),
        );
        accessible_title_ui(
            ui,
            layout.rect,
            "row",
            index,
            &input.titles[index],
            pos2(layout.rect.min.x, row_y - cell / 2.0),
            vec2(gutter, cell),
        );
        accessible_title_ui(
            ui,
            layout.rect,
            "column",
            index,
            &input.titles[index],
            pos2(centre - cell / 2.0, layout.rect.min.y),
            vec2(cell, gutter),
        );
    }
}

/// Outlines the cell under the pointer and explains it in a tooltip.
fn hover_ui(
    response: Response,
    painter: &egui::Painter,
    input: &HeatmapInput<'_>,
    layout: &Layout,
) -> Response {
    let n = input.titles.len();
    let hovered_cell = response
        .hover_pos()
        .and_then(|pos| cell_at(layout.grid, layout.cell, n, pos));
    let Some((query, key)) = hovered_cell else {
        return response;
    };
    painter.rect_stroke(
        layout.cell_rect(query, key),
        0.0,
        Stroke::new(2.0, Color32::WHITE),
        egui::StrokeKind::Inside,
    );
    let weight = input.values[query * n + key];
    response.on_hover_ui_at_pointer(|ui| {
        ui.label(format!(
            "Query (row {}): {}",
            query + 1,
            input.titles[query]
        ));
        ui.label(format!("Key (column {}): {}", key + 1, input.titles[key]));
        if input.causal && key > query {
            ui.label("Masked: a position cannot look at later items");
        } else {
            ui.label(format!("Weight: {weight:.4}"));
        }
    })
}

/// An invisible accessible label over a row or column title.
fn accessible_title_ui(
    ui: &mut Ui,
    clip: Rect,
    axis: &str,
    index: usize,
    title: &str,
    min: Pos2,
    size: Vec2,
) {
    let rect = Rect::from_min_size(min, size).intersect(clip);
    let response = ui.interact(
        rect,
        ui.scope_id().with(("heatmap", axis, index)),
        Sense::hover(),
    );
    let text = format!("Attention {axis} {}: {title}", index + 1);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
}

/// The (query, key) under `pos`.
fn cell_at(grid: Rect, cell: f32, n: usize, pos: Pos2) -> Option<(usize, usize)> {
    if !grid.contains(pos) {
        return None;
    }
    let key = ((pos.x - grid.min.x) / cell) as usize;
    let query = ((pos.y - grid.min.y) / cell) as usize;
    (key < n && query < n).then_some((query, key))
}

fn paint_legend(painter: &egui::Painter, grid: Rect, width: f32, max: f32, text: Color32) {
    let bar = Rect::from_min_size(
        pos2(grid.max.x + 12.0, grid.min.y),
        vec2(12.0, grid.height().min(160.0)),
    );
    let steps = 24;
    for step in 0..steps {
        let t = 1.0 - step as f32 / steps as f32;
        let y0 = bar.min.y + bar.height() * step as f32 / steps as f32;
        let y1 = bar.min.y + bar.height() * (step + 1) as f32 / steps as f32;
        painter.rect_filled(
            Rect::from_x_y_ranges(bar.x_range(), y0..=y1),
            0.0,
            colormap(t),
        );
    }
    let font = FontId::proportional(10.0);
    let x = bar.max.x + 4.0;
    painter.text(
        pos2(x, bar.min.y),
        egui::Align2::LEFT_TOP,
        format!("{max:.2}"),
        font.clone(),
        text,
    );
    painter.text(
        pos2(x, bar.max.y),
        egui::Align2::LEFT_BOTTOM,
        "0",
        font,
        text,
    );
    let _ = width;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colormap_runs_dark_to_bright_and_cells_are_found() {
        let dark = colormap(0.0);
        let bright = colormap(1.0);
        assert!(
            u16::from(bright.r()) + u16::from(bright.g())
                > u16::from(dark.r()) + u16::from(dark.g())
        );
        assert_eq!(colormap(f32::NAN), dark);
        let grid = Rect::from_min_size(Pos2::ZERO, vec2(30.0, 30.0));
        assert_eq!(cell_at(grid, 10.0, 3, pos2(25.0, 5.0)), Some((0, 2)));
        assert_eq!(cell_at(grid, 10.0, 3, pos2(35.0, 5.0)), None);
    }
}
