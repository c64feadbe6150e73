//! Finding and picking a user or an item by typing part of its id or title.

use egui::{RichText, Ui};

use crate::analysis::ItemLabels;
use crate::analysis::labels::search_ids;
use crate::data::Dataset;

/// Most matches listed.
const MAX_MATCHES: usize = 200;
/// Height of the match list.
const LIST_HEIGHT: f32 = 120.0;

/// A search box and a short list of matching users; clicking one selects it. Returns whether
/// the selection changed.
pub fn user_picker(
    ui: &mut Ui,
    id_salt: &str,
    search: &mut String,
    selected: &mut Option<String>,
    dataset: &Dataset,
) -> bool {
    let mut changed = false;
    ui.push_id(id_salt, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Find user");
            ui.add(
                egui::TextEdit::singleline(search)
                    .hint_text("type a user id, e.g. u1")
                    .desired_width(160.0),
            )
            .labelled_by(label.id)
            .on_hover_text("Type part of a user id to narrow the list below");
            if let Some(user) = selected.as_deref() {
                ui.label(RichText::new(format!("showing {user}")).strong());
            }
        });
        let matches = search_ids(&dataset.users, search, MAX_MATCHES);
        egui::ScrollArea::vertical()
            .id_salt("users")
            .max_height(LIST_HEIGHT)
            .auto_shrink([false, true])
            .show_rows(ui, 18.0, matches.len(), |ui, rows| {
                for &user in &matches[rows] {
                    let id = dataset.users.token(user);
                    let events = dataset.sequences.get(user as usize).map_or(0, Vec::len);
                    ui.horizontal(|ui| {
                        let is_selected = selected.as_deref() == Some(id);
                        if ui
                            .selectable_label(is_selected, id)
                            .on_hover_text("Show this user")
                            .clicked()
                            && !is_selected
                        {
                            *selected = Some(id.to_owned());
                            changed = true;
                        }
                        ui.weak(format!("{events} interactions"));
                    });
                }
            });
    });
    changed
}

/// A search box and a short list of matching items (id · title); clicking one selects it.
/// Returns whether the selection changed.
pub fn item_picker(
    ui: &mut Ui,
    id_salt: &str,
    search: &mut String,
    selected: &mut Option<String>,
    labels: &ItemLabels,
) -> bool {
    let mut changed = false;
    ui.push_id(id_salt, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Find item");
            ui.add(
                egui::TextEdit::singleline(search)
                    .hint_text("type an ad id or part of its title")
                    .desired_width(200.0),
            )
            .labelled_by(label.id)
            .on_hover_text("Type part of an item id or title to narrow the list below");
        });
        if let Some(id) = selected.as_deref() {
            let title = labels
                .ids
                .iter()
                .position(|known| known == id)
                .and_then(|i| labels.titles.get(i))
                .map_or(id, String::as_str);
            ui.label(RichText::new(format!("showing {id} · {title}")).strong());
        }
        let matches = labels.search(search, MAX_MATCHES);
        egui::ScrollArea::vertical()
            .id_salt("items")
            .max_height(LIST_HEIGHT)
            .auto_shrink([false, true])
            .show_rows(ui, 18.0, matches.len(), |ui, rows| {
                for &item in &matches[rows] {
                    let id = labels.id(item);
                    let is_selected = selected.as_deref() == Some(id);
                    let text = format!("{id} · {}", labels.title(item));
                    let mut response = ui.selectable_label(is_selected, text);
                    if let Some(category) = labels.category(item) {
                        response = response.on_hover_text(format!("Category: {category}"));
                    }
                    if response.clicked() && !is_selected {
                        *selected = Some(id.to_owned());
                        changed = true;
                    }
                }
            });
    });
    changed
}
