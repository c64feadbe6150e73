//! The generated sequences of the Synthetic sequences pane as tables (issue #37 item 6): a list
//! of sequences (discriminator score, real and generated lengths, last item) to pick from, and
//! the picked one position by position with full item titles, real prefix and generated
//! continuation told apart. The real held-back windows fold away below.

use egui::{RichText, Ui};

use crate::analysis::nearest_real::NearestRealFinder;
use crate::analysis::synthetic_view::samples_table;
use crate::studio::{LoadedData, SyntheticReport, SyntheticSample};
use crate::ui::exports::Exports;
use crate::ui::widgets::labelled::truncate;
use crate::ui::widgets::plots::series_color;

/// Rows of the sequence list.
pub const SAMPLE_ROWS: usize = 60;
/// Characters of an item title in the picked sequence's table (its half of a 1280-point
/// window), the rest on hover.
const PICKED_TITLE_CHARS: usize = 34;

/// What the samples view remembers between frames.
#[derive(Default)]
pub struct SamplesView {
    /// Generated sequences below this discriminator score are hidden.
    pub min_score: f32,
    /// The sequence shown position by position (index into the filtered, sorted list).
    pub selected: usize,
    /// Each hovered generated sequence's nearest real one.
    pub nearest: NearestRealFinder,
}

impl SamplesView {
    /// The filter, the export button, the list and the picked sequence's table.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        exports: &mut Exports,
        data: &LoadedData,
        report: &SyntheticReport,
    ) {
        let mut samples: Vec<&SyntheticSample> = report
            .samples
            .iter()
            .filter(|s| s.d_score >= self.min_score)
            .collect();
        samples.sort_by(|a, b| b.d_score.total_cmp(&a.d_score));
        ui.horizontal(|ui| {
            ui.add(
                egui::Slider::new(&mut self.min_score, 0.0..=1.0)
                    .text("Minimum discriminator score"),
            )
            .on_hover_text(
                "Show only generated sequences the discriminator finds at least this realistic",
            );
            if ui
                .button("Export sequences CSV")
                .on_hover_text(
                    "Save the generated sequences shown (and the real references) as a CSV file",
                )
                .clicked()
            {
                let table = samples_table(
                    &samples,
                    &report.real_samples,
                    &data.dataset.users,
                    &data.labels,
                );
                exports.export_csv("synthetic_sequences.csv", table);
            }
        });
        if samples.is_empty() {
            ui.weak("No generated sequence reaches this score.");
            return;
        }
        self.selected = self.selected.min(samples.len() - 1);
        ui.columns(2, |columns| {
            self.list_ui(&mut columns[0], data, &samples);
            sequence_table_ui(&mut columns[1], data, samples[self.selected]);
        });
        egui::CollapsingHeader::new("Real held-back windows")
            .id_salt("synthetic_real_windows")
            .show(ui, |ui| {
                for sequence in report.real_samples.iter().take(SAMPLE_ROWS) {
                    let titles: Vec<String> = sequence
                        .iter()
                        .map(|&i| truncate(data.labels.title(i), 30))
                        .collect();
                    ui.label(titles.join(" > "));
                }
            });
    }

    /// One selectable row per generated sequence, best score first; hovering a row names its
    /// source user and its nearest real training sequence.
    fn list_ui(&mut self, ui: &mut Ui, data: &LoadedData, samples: &[&SyntheticSample]) {
        ui.strong("Generated sequences (best score first)");
        egui::ScrollArea::vertical()
            .id_salt("synthetic_list")
            .max_height(260.0)
            .show(ui, |ui| {
                egui::Grid::new("synthetic_list_grid")
                    .striped(true)
                    .num_columns(3)
                    .show(ui, |ui| {
                        ui.weak("D(x)");
                        ui.weak("real + generated");
                        ui.weak("ends with");
                        ui.end_row();
                        for (index, sample) in samples.iter().take(SAMPLE_ROWS).enumerate() {
                            let label = format!("D {:.2}", sample.d_score);
                            let row = ui.selectable_label(self.selected == index, label);
                            let row = row.on_hover_ui(|ui| self.origin_ui(ui, data, sample));
                            if row.clicked() {
                                self.selected = index;
                            }
                            let generated = sample.items.len().saturating_sub(sample.prefix_len);
                            ui.label(format!("{} + {generated}", sample.prefix_len));
                            let last = sample.items.last().map_or("", |&i| data.labels.title(i));
                            ui.label(truncate(last, 28));
                            ui.end_row();
                        }
                    });
            });
    }

    /// Where a generated sequence came from and the real one nearest to it.
    fn origin_ui(&mut self, ui: &mut Ui, data: &LoadedData, sample: &SyntheticSample) {
        let users = &data.dataset.users;
        ui.label(format!(
            "From user {}; {} real then {} generated items",
            users.token(u32::try_from(sample.source_user).unwrap_or(u32::MAX)),
            sample.prefix_len,
            sample.items.len().saturating_sub(sample.prefix_len)
        ));
        ui.label(
            match self
                .nearest
                .find(data.generation, &data.split.train, &sample.items)
            {
                Some(near) => format!(
                    "Nearest real sequence: user {}'s training history (Jaccard {:.2}), sharing a run of {} item(s)",
                    users.token(near.user),
                    near.similarity,
                    near.shared_run
                ),
                None => "No real training history shares an item with it".into(),
            },
        );
    }
}

/// The picked sequence position by position: full titles, the generated part in colour.
fn sequence_table_ui(ui: &mut Ui, data: &LoadedData, sample: &SyntheticSample) {
    ui.strong(format!(
        "Picked sequence: discriminator score {:.3}",
        sample.d_score
    ));
    let accent = series_color(1);
    egui::ScrollArea::vertical()
        .id_salt("synthetic_sequence")
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("synthetic_sequence_grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.weak("position");
                    ui.weak("part");
                    ui.weak("item");
                    ui.end_row();
                    for (position, &item) in sample.items.iter().enumerate() {
                        let generated = position >= sample.prefix_len;
                        ui.label((position + 1).to_string());
                        ui.label(if generated { "generated" } else { "real" });
                        let full = data.labels.title(item);
                        // Cut to the pane's half width; the whole title and the id on hover.
                        let title = RichText::new(truncate(full, PICKED_TITLE_CHARS));
                        let title = if generated {
                            title.color(accent)
                        } else {
                            title
                        };
                        ui.label(title)
                            .on_hover_text(format!("{full} ({})", data.labels.id(item)));
                        ui.end_row();
                    }
                });
        });
}
