//! The preamble of the panes about one user or one item (Attention, Recommend, Audience,
//! Graph, and the target-attention section): the open data, or a note saying what opening
//! some would show; the selection started at a readable default; a search-and-pick list.

use std::sync::Arc;

use egui::Ui;

use super::labelled::note;
use super::pickers::{item_picker, user_picker};
use crate::studio::LoadedData;

/// What a pane is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One user (dataset user id).
    User,
    /// One item (dataset item id).
    Item,
}

impl Subject {
    /// A readable default: for users the first with 10–30 interactions, for items the most
    /// interacted; else the first.
    pub fn default_id(self, data: &LoadedData) -> Option<String> {
        match self {
            Self::User => default_user(data),
            Self::Item => default_item(data),
        }
    }

    /// The dense index of the dataset id `id`.
    pub fn index(self, data: &LoadedData, id: &str) -> Option<u32> {
        match self {
            Self::User => data.dataset.users.index(id),
            Self::Item => data.dataset.items.index(id),
        }
    }
}

/// The open data with the subject picked in it.
pub struct Picked {
    /// The open data.
    pub data: Arc<LoadedData>,
    /// The picked user or item (dense index); `None` while nothing in the data is picked.
    pub index: Option<u32>,
}

/// A pane's preamble as one widget: [`open_data_ui`], then [`pick_subject_ui`].
pub struct SubjectPicker<'a> {
    /// Users or items.
    pub subject: Subject,
    /// Keeps this picker's widgets apart from other panes'.
    pub id_salt: &'a str,
    /// The note shown while no data is open.
    pub missing_data: &'a str,
}

impl SubjectPicker<'_> {
    /// Draws the preamble for `data` with the search typed so far and the selection (a
    /// dataset id, shared with the other panes); `None` (after the note) without data.
    pub fn ui(
        &self,
        ui: &mut Ui,
        data: Option<Arc<LoadedData>>,
        search: &mut String,
        selected: &mut Option<String>,
    ) -> Option<Picked> {
        let data = open_data_ui(ui, data, self.missing_data)?;
        let index = pick_subject_ui(ui, self.subject, self.id_salt, search, selected, &data);
        Some(Picked { data, index })
    }
}

/// The open data, or a framed `missing` note when there is none.
pub fn open_data_ui(
    ui: &mut Ui,
    data: Option<Arc<LoadedData>>,
    missing: &str,
) -> Option<Arc<LoadedData>> {
    if data.is_none() {
        note(ui, missing);
    }
    data
}

/// Starts `selected` at the subject's default when empty, draws the picker, and returns the
/// dense index of the selection (`None` while nothing in `data` is picked).
pub fn pick_subject_ui(
    ui: &mut Ui,
    subject: Subject,
    id_salt: &str,
    search: &mut String,
    selected: &mut Option<String>,
    data: &LoadedData,
) -> Option<u32> {
    if selected.is_none() {
        *selected = subject.default_id(data);
    }
    match subject {
        Subject::User => user_picker(ui, id_salt, search, selected, &data.dataset),
        Subject::Item => item_picker(ui, id_salt, search, selected, &data.labels),
    };
    selected.as_deref().and_then(|id| subject.index(data, id))
}

/// A user that makes a readable default: the first with 10–30 interactions (else the first).
fn default_user(data: &LoadedData) -> Option<String> {
    let sequences = &data.dataset.sequences;
    let index = sequences
        .iter()
        .position(|s| (10..=30).contains(&s.len()))
        .or_else(|| (!sequences.is_empty()).then_some(0))?;
    Some(
        data.dataset
            .users
            .token(u32::try_from(index).ok()?)
            .to_owned(),
    )
}

/// The most interacted item (else the first).
fn default_item(data: &LoadedData) -> Option<String> {
    let counts = crate::eval::popularity_counts(&data.dataset.sequences, data.dataset.n_items());
    let best = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)?;
    Some(data.labels.id(u32::try_from(best).ok()?).to_owned())
}
