//! The import step, driven by accessible labels: a log whose columns have names the loader does
//! not know fails to load as it is, so the window shows its first rows with column pickers;
//! the user picks the columns, loads it, trains on it, and the next time the file is opened
//! the same columns are used and prefilled.

mod ui_common;

use std::path::Path;
use std::time::Duration;

use egui_kittest::kittest::{NodeT, Queryable};
use sequda::ui::StudioApp;
use sequda::ui::files::ScriptedPicker;
use sequda::ui::import_step::{LOAD_LABEL, NO_TIME_WARNING};
use ui_common::{
    click, harness, sample_events, settle, step_until, tiny_config, trained_and_reopened,
};

const WAIT: Duration = Duration::from_secs(240);
const VISITORS: usize = 40;
const VISITS_EACH: usize = 8;

/// A log of `visitor,sku,when,action`: none of the names is a user or time alias. Line 4 has
/// a field missing, so the loader skips it.
fn write_log(path: &Path) {
    let mut text = String::from("visitor,sku,when,action\n");
    for n in 0..VISITORS * VISITS_EACH {
        let (visitor, sku) = (n % VISITORS, (n * 7 + n / VISITORS) % 25);
        let action = if n % 3 == 0 { "click" } else { "view" };
        let (minutes, seconds) = (n / 60, n % 60);
        text.push_str(&format!(
            "v{visitor:02},s{sku:02},2024-03-01 10:{minutes:02}:{seconds:02},{action}\n"
        ));
        if n == 1 {
            text.push_str("v03,s07,2024-03-01 09:00:00\n");
        }
    }
    std::fs::write(path, text).expect("write the log");
}

/// Picks `choice` in the combo box labelled `picker`.
fn pick(h: &mut egui_kittest::Harness<'static, StudioApp>, picker: &str, choice: &str) {
    click(h, picker);
    click(h, choice);
    settle(h, 2);
    assert_eq!(h.get_by_label(picker).value().as_deref(), Some(choice));
}

/// Whether some widget's label is exactly `label`.
fn shown(h: &egui_kittest::Harness<'static, StudioApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

#[test]
fn a_log_with_its_own_names_is_mapped_trained_and_remembered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("visits.csv");
    write_log(&log);
    let picker = ScriptedPicker {
        data: Some(log.clone()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1400.0, 900.0));
    click(&mut h, "Data");
    click(&mut h, "Open data…");
    step_until(
        &mut h,
        "the import step after the failed load",
        WAIT,
        |app| app.import_step_open(),
    );
    settle(&mut h, 3);
    assert!(h.state().workspace().data.is_none());

    // The first rows, what was recognised and what was not, and what is missing.
    assert!(
        h.query_by_label_contains("It did not load as it is")
            .is_some()
    );
    assert!(shown(&h, "First rows, split on comma"));
    assert!(
        shown(&h, "2024-03-01 10:00:00"),
        "the first data row is previewed"
    );
    for detected in [
        "visitor: not recognised",
        "sku: detected as item",
        "when: not recognised",
        "action: detected as behaviour",
    ] {
        assert!(shown(&h, detected), "{detected}");
    }
    assert!(shown(&h, NO_TIME_WARNING));
    assert!(
        h.query_by_label_contains("These choices do not load")
            .is_some()
    );
    // Said once, in the window's words: the pickers, not a command-line flag, and no toast
    // repeating the loader's message.
    assert!(
        h.query_by_label_contains(
            "no column was recognised as the user column by its name; choose it above"
        )
        .is_some()
    );
    assert!(h.query_by_label_contains("--user-col").is_none());
    assert!(h.get_by_label(LOAD_LABEL).accesskit_node().is_disabled());
    assert_eq!(
        h.get_by_label("Item column").value().as_deref(),
        Some("2: sku"),
        "prefilled from the header"
    );

    // Pick the user and the time; the warning follows the time choice.
    pick(&mut h, "User column", "1: visitor");
    pick(&mut h, "Time column", "3: when");
    assert!(!shown(&h, NO_TIME_WARNING));
    pick(&mut h, "Time column", "None (file order)");
    assert!(shown(&h, NO_TIME_WARNING));
    pick(&mut h, "Time column", "3: when");
    assert!(!shown(&h, NO_TIME_WARNING));
    assert!(shown(
        &h,
        "Of the first 19 rows: 18 will be read, 1 skipped."
    ));
    assert!(shown(
        &h,
        "- skipped 1 row with the wrong number of columns (line 4)"
    ));
    assert!(!h.get_by_label(LOAD_LABEL).accesskit_node().is_disabled());

    click(&mut h, LOAD_LABEL);
    step_until(&mut h, "the log to load", WAIT, |app| {
        app.workspace().data.is_some()
    });
    settle(&mut h, 3);
    assert!(!h.state().import_step_open());
    let options = {
        let data = h.state().workspace().data.as_ref().expect("data");
        assert_eq!(data.request.path, log);
        assert_eq!(data.stats.users, VISITORS);
        assert_eq!(data.stats.interactions, VISITORS * VISITS_EACH);
        assert_eq!(data.request.options.user_column.as_deref(), Some("visitor"));
        assert_eq!(data.request.options.time_column.as_deref(), Some("when"));
        data.request.options.clone()
    };
    assert_eq!(h.state().state().mapping_for(&log), Some(options.clone()));
    assert_eq!(
        h.state().state().mapping_for(&sample_events()),
        None,
        "per file"
    );

    // Train on it.
    h.state_mut().state_mut().selections.train = tiny_config(1);
    click(&mut h, "Train");
    click(&mut h, "Start training");
    step_until(
        &mut h,
        "training on the imported log",
        WAIT,
        trained_and_reopened,
    );
    let live = h.state().workspace().live.as_ref().expect("a run");
    assert!(live.failure.is_none(), "{:?}", live.failure);
    assert_eq!(live.history.epochs.len(), 1);
    let config = std::fs::read_to_string(live.run_dir.join("config.toml")).expect("config");
    assert!(config.contains("user_column = \"visitor\""), "{config}");
    assert!(config.contains("time_column = \"when\""), "{config}");

    // Opened again, the file loads at once with its remembered columns...
    let generation = h.state().workspace().data.as_ref().map(|d| d.generation);
    click(&mut h, "Data");
    click(&mut h, "Open data…");
    step_until(&mut h, "the log to load again", WAIT, |app| {
        app.workspace().loading.is_none()
            && app.workspace().data.as_ref().map(|d| d.generation) != generation
    });
    assert!(!h.state().import_step_open(), "no import step needed");
    let data = h.state().workspace().data.as_ref().expect("data");
    assert_eq!(data.request.options, options);

    // ...and the import step asked for shows them.
    click(&mut h, "Import with column choices…");
    step_until(&mut h, "the import step", WAIT, |app| {
        app.import_step_open()
    });
    settle(&mut h, 3);
    assert!(
        h.query_by_label_contains("It did not load as it is")
            .is_none()
    );
    for (picker, choice) in [
        ("User column", "1: visitor"),
        ("Item column", "2: sku"),
        ("Time column", "3: when"),
        ("Behaviour column", "4: action"),
    ] {
        assert_eq!(h.get_by_label(picker).value().as_deref(), Some(choice));
    }
    assert!(!shown(&h, NO_TIME_WARNING));
    click(&mut h, "Cancel");
    assert!(!h.state().import_step_open());
}
