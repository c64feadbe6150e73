//! The Compare runs pane's verdict: two tested runs of the same data picked, the difference in
//! test NDCG@10 with its paired per-user t-test, and one sentence ("SeqUDA-Rec is 0.2% above
//! SASRec-CE; not significant, p = 0.71"). The comparison reads both runs' per-user test ranks
//! once per pair picked.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::analysis::run_verdict::{RunVerdict, compare_saved};
use crate::analysis::runs::SavedRun;
use crate::ui::state::Selections;

/// The pair compared last and its verdict (or why there is none).
type Cached = ((PathBuf, PathBuf, usize), Result<RunVerdict, String>);

/// The verdict section's view state.
#[derive(Default)]
pub struct VerdictView {
    cached: Option<Cached>,
}

impl VerdictView {
    /// The verdict shown (for tests).
    pub fn verdict(&self) -> Option<&RunVerdict> {
        self.cached.as_ref().and_then(|(_, v)| v.as_ref().ok())
    }

    /// Draws the two run pickers and the verdict of the pair.
    pub fn ui(&mut self, ui: &mut Ui, runs: &[SavedRun], sel: &mut Selections) {
        ui.strong("Verdict: is one run better than another?")
            .on_hover_text("Test NDCG@10 of two runs on the same data, compared user by user with a paired t-test");
        let tested: Vec<&SavedRun> = runs.iter().filter(|r| r.test().is_some()).collect();
        let Some((baseline, run)) = pick_pair(&tested, sel) else {
            ui.label("A verdict appears when two tested runs of the same data are saved.");
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label("Compare");
            run_picker_ui(ui, "compare_run", &tested, run, &mut sel.compare_run);
            ui.label("against the baseline");
            run_picker_ui(
                ui,
                "compare_baseline",
                &tested,
                baseline,
                &mut sel.compare_baseline,
            );
        });
        let Some((baseline, run)) = pick_pair(&tested, sel) else {
            return;
        };
        let key = (baseline.dir.clone(), run.dir.clone(), runs.len());
        if self.cached.as_ref().is_none_or(|(k, _)| *k != key) {
            let verdict = if baseline.dir == run.dir {
                Err("Pick two different runs.".to_owned())
            } else {
                compare_saved(baseline, run).map_err(|e| e.to_string())
            };
            self.cached = Some((key, verdict));
        }
        match self.cached.as_ref().map(|(_, v)| v) {
            Some(Ok(verdict)) => {
                let text = RichText::new(verdict.sentence()).heading();
                let text = if verdict.significant() {
                    text.strong()
                } else {
                    text
                };
                ui.label(text);
                ui.label(RichText::new(verdict.details()).weak());
            }
            Some(Err(message)) => {
                ui.colored_label(ui.visuals().warn_fg_color, message);
            }
            None => {}
        }
    }
}

/// The baseline and the compared run: the picked ones while they are tested runs, else the
/// first tested run and the next tested run trained on the same data (else the next one).
fn pick_pair<'a>(
    tested: &[&'a SavedRun],
    sel: &Selections,
) -> Option<(&'a SavedRun, &'a SavedRun)> {
    let named = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| tested.iter().copied().find(|r| &r.name == n))
    };
    let baseline = named(&sel.compare_baseline).or_else(|| tested.first().copied())?;
    let run = named(&sel.compare_run)
        .or_else(|| {
            tested.iter().copied().find(|r| {
                r.dir != baseline.dir && r.config.data.same_file_as(&baseline.config.data)
            })
        })
        .or_else(|| tested.iter().copied().find(|r| r.dir != baseline.dir))?;
    Some((baseline, run))
}

/// A drop-down of the tested runs, `current` shown; a choice is stored in `choice`.
fn run_picker_ui(
    ui: &mut Ui,
    salt: &str,
    tested: &[&SavedRun],
    current: &SavedRun,
    choice: &mut Option<String>,
) {
    egui::ComboBox::from_id_salt(salt)
        .selected_text(run_title(current))
        .show_ui(ui, |ui| {
            for run in tested {
                if ui
                    .selectable_label(run.name == current.name, run_title(run))
                    .clicked()
                {
                    *choice = Some(run.name.clone());
                }
            }
        });
}

/// "SeqUDA-Rec · ad_events-sequda-1".
fn run_title(run: &SavedRun) -> String {
    format!("{} · {}", run.config.train.model.label(), run.name)
}
