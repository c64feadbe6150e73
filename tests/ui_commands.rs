//! One command enum drives menus, keyboard shortcuts and the command palette; dropped files
//! open; errors become notifications and leave the window usable.

mod ui_common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui_kittest::kittest::{NodeT, Queryable};
use sequda::ui::commands::UiCommand;
use sequda::ui::files::ScriptedPicker;
use sequda::ui::layout::{PaneKind, visible_panes};
use sequda::ui::notifications::Level;
use sequda::ui::state::ThemeChoice;
use ui_common::{
    click, harness, sample_events, settle, step_until, tiny_config, trained_and_reopened,
};

const WAIT: Duration = Duration::from_secs(240);

/// A file dropped from a file manager that offers only its contents (as on the web).
#[derive(Debug)]
struct DroppedBytes {
    name: PathBuf,
    source: PathBuf,
}

impl egui::DroppedFile for DroppedBytes {
    fn path(&self) -> &Path {
        &self.name
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.source).map_err(|e| e.to_string())
    }
}

fn press(h: &mut egui_kittest::Harness<'static, sequda::ui::StudioApp>, command: &UiCommand) {
    let shortcut = command.shortcut().expect("the command has a shortcut");
    h.key_press_modifiers(shortcut.modifiers, shortcut.logical_key);
    h.step();
    h.step();
}

#[test]
fn menus_shortcuts_palette_drops_and_errors() {
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(PathBuf::from("/nonexistent/missing.csv")),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1280.0, 800.0));

    // A file that cannot be read: a notification, and the window stays usable.
    press(&mut h, &UiCommand::OpenData);
    step_until(&mut h, "the error notification", WAIT, |app| {
        app.notifications()
            .history
            .iter()
            .any(|(level, text)| *level == Level::Error && text.contains("missing.csv"))
    });
    h.step();
    assert!(
        h.query_by_label_contains("missing.csv").is_some(),
        "the error is on screen"
    );
    assert!(h.state().workspace().data.is_none());

    // Dropping a file opens it (here from its bytes: the path does not exist).
    h.input_mut().dropped_files.push(Arc::new(DroppedBytes {
        name: PathBuf::from("dropped_events.csv"),
        source: sample_events(),
    }));
    step_until(&mut h, "the dropped file to load", WAIT, |app| {
        app.workspace()
            .data
            .as_ref()
            .is_some_and(|d| d.name() == "dropped_events.csv")
    });

    // The View menu shows a pane.
    click(&mut h, "View");
    click(&mut h, "Show Audience targeting");
    assert!(visible_panes(&h.state().state().tree).contains(&PaneKind::Audience));

    // The palette: search "reset", Enter runs it.
    press(&mut h, &UiCommand::OpenPalette);
    h.get_by_label("Search commands").type_text("reset lay");
    settle(&mut h, 2);
    h.key_press(egui::Key::Enter);
    settle(&mut h, 3);
    let visible = visible_panes(&h.state().state().tree);
    assert!(visible.contains(&PaneKind::LossCurves), "{visible:?}");
    assert!(!visible.contains(&PaneKind::Audience));

    // The palette by click: the theme.
    press(&mut h, &UiCommand::OpenPalette);
    h.get_by_label("Search commands").type_text("theme");
    settle(&mut h, 6);
    // The entry's accessible name also holds its shortcut.
    h.get_by_label_contains("Toggle dark / light theme").click();
    settle(&mut h, 2);
    assert_eq!(h.state().state().theme, ThemeChoice::Light);
    press(&mut h, &UiCommand::ToggleTheme);
    assert_eq!(h.state().state().theme, ThemeChoice::Dark);

    // F5 trains, with whatever the Train pane says.
    h.state_mut().state_mut().selections.train = tiny_config(1);
    press(&mut h, &UiCommand::StartTraining);
    assert!(h.state().workspace().live.is_some(), "F5 started training");
    step_until(&mut h, "training to finish", WAIT, trained_and_reopened);
    // Shown as a notification (looked up in the history: on a loaded machine the reopen can
    // outlast the notification's time on screen).
    assert!(notified(h.state(), Level::Info, "Training finished"));
}

#[test]
fn the_sequda_settings_window_edits_the_next_run() {
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1280.0, 800.0));
    assert!(UiCommand::palette().contains(&UiCommand::SequdaSettings));
    click(&mut h, "Training");
    click(&mut h, "SeqUDA-Rec settings…");
    settle(&mut h, 2);

    // Typed into the window, a value lands in the settings and makes the preset Custom.
    let mut config = tiny_config(1);
    config.model = sequda::settings::ModelKind::Sequda;
    h.state_mut().state_mut().selections.train = config;
    h.state_mut().state_mut().selections.preset = sequda::studio::Preset::QuickDemo;
    settle(&mut h, 2);
    h.get_by_label("Temperature τ").click();
    settle(&mut h, 2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Temperature τ").type_text("0.35");
    h.key_press(egui::Key::Enter);
    settle(&mut h, 3);
    let selections = &h.state().state().selections;
    assert!(
        (selections.train.sequda.temperature - 0.35).abs() < 1e-9,
        "τ = {}",
        selections.train.sequda.temperature
    );
    assert_eq!(selections.preset, sequda::studio::Preset::Custom);

    // Views drawn every step: the epoch interval no longer applies and is greyed out.
    let every_epochs = |h: &egui_kittest::Harness<'static, sequda::ui::StudioApp>| {
        h.get_by_label("New views every (epochs)")
            .accesskit_node()
            .is_disabled()
    };
    assert!(!every_epochs(&h));
    h.get_by_label("New views every step").click();
    settle(&mut h, 2);
    assert!(h.state().state().selections.train.sequda.views_each_step);
    assert!(every_epochs(&h));

    // The next run trains with it.
    press(&mut h, &UiCommand::OpenData);
    step_until(&mut h, "the sample data", WAIT, |app| {
        app.workspace().data.is_some()
    });
    press(&mut h, &UiCommand::StartTraining);
    step_until(&mut h, "SeqUDA-Rec to finish", WAIT, trained_and_reopened);
    let run_dir = h
        .state()
        .workspace()
        .live
        .as_ref()
        .expect("run")
        .run_dir
        .clone();
    let config = sequda::train::RunDir::new(&run_dir)
        .read_config()
        .expect("config.toml");
    assert!((config.train.sequda.temperature - 0.35).abs() < 1e-9);
    assert!(config.train.sequda.views_each_step);

    // Reset puts the documented defaults back.
    click(&mut h, "Reset to defaults");
    assert_eq!(
        h.state().state().selections.train.sequda,
        sequda::settings::SeqUdaConfig::default()
    );
}

/// Whether a notification at `level` containing `text` was shown.
fn notified(app: &sequda::ui::StudioApp, level: Level, text: &str) -> bool {
    app.notifications()
        .history
        .iter()
        .any(|(l, t)| *l == level && t.contains(text))
}

#[test]
fn the_first_screen_starts_from_a_goal() {
    use sequda::ui::goals::Goal;
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1400.0, 900.0));
    click(&mut h, "Train");
    // The goals come first; the form is folded away until asked for.
    for goal in Goal::ALL {
        h.get_by_label(goal.title());
    }
    assert!(
        h.query_by_label("Epochs").is_none(),
        "the form starts folded"
    );
    click(&mut h, "Training settings");
    h.get_by_label("Epochs");
    // The learning-rate schedule is one tick away, and lands in the next run's settings.
    let schedule = |h: &egui_kittest::Harness<'static, sequda::ui::StudioApp>| {
        h.state().state().selections.train.schedule.kind
    };
    assert_eq!(schedule(&h), sequda::settings::ScheduleKind::Constant);
    click(&mut h, "Cosine decay");
    assert_eq!(schedule(&h), sequda::settings::ScheduleKind::Cosine);
    click(&mut h, "Cosine decay");
    assert_eq!(schedule(&h), sequda::settings::ScheduleKind::Constant);
    click(&mut h, "Training settings");

    // Without data a goal says what to do first and trains nothing.
    click(&mut h, "Target an ad");
    assert!(notified(h.state(), Level::Warning, "Open a log first"));
    assert!(h.state().workspace().live.is_none());

    // With data it trains the Quick demo and opens the Audience pane.
    h.state_mut().run_command(UiCommand::OpenSample);
    step_until(&mut h, "the sample data", WAIT, |app| {
        app.workspace().data.is_some()
    });
    click(&mut h, "Train");
    click(&mut h, "Target an ad");
    settle(&mut h, 2);
    let live = h.state().workspace().live.as_ref().expect("a run started");
    assert!(live.is_running());
    assert_eq!(live.config.model, sequda::settings::ModelKind::Sequda);
    assert!(visible_panes(&h.state().state().tree).contains(&PaneKind::Audience));
    assert!(notified(h.state(), Level::Info, "Quick demo"));
    h.state_mut().run_command(UiCommand::StopTraining);
    step_until(&mut h, "the run to stop", WAIT, |app| {
        !app.workspace().is_training()
    });

    // Compare models opens Compare runs and says what it needs.
    h.state_mut()
        .run_command(UiCommand::Goal(Goal::CompareModels));
    settle(&mut h, 2);
    assert!(visible_panes(&h.state().state().tree).contains(&PaneKind::Compare));
    assert!(notified(h.state(), Level::Info, "two finished runs"));
}

#[test]
fn a_log_with_its_own_column_names_opens_with_the_gui_flags() {
    use sequda::data::LoadOptions;
    use sequda::ui::LaunchOptions;
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("clicks.csv");
    let mut text = String::from("who,what,when_seen\n");
    for row in 0..300 {
        text.push_str(&format!(
            "v{},ad{},{}\n",
            row % 20,
            row % 13,
            1_700_000_000 + row
        ));
    }
    std::fs::write(&log, text).expect("write the log");
    let runs = dir.path().join("runs");
    let data = log.clone();
    // What `sequda gui --data clicks.csv --user-col who --item-col what --time-col when_seen`
    // hands the window.
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(400)
        .build_eframe(move |cc| {
            sequda::ui::StudioApp::new(
                cc,
                LaunchOptions {
                    data: Some(data),
                    runs_dir: runs,
                    picker: Arc::new(ScriptedPicker::default()),
                    deterministic: true,
                    restore_state: false,
                    load_options: LoadOptions {
                        user_column: Some("who".into()),
                        item_column: Some("what".into()),
                        time_column: Some("when_seen".into()),
                        ..LoadOptions::default()
                    },
                    ..LaunchOptions::default()
                },
            )
        });
    step_until(&mut h, "the log to load", WAIT, |app| {
        app.workspace().data.is_some()
    });
    let data = h.state().workspace().data.clone().expect("data");
    assert_eq!(data.dataset.n_users(), 20);
    assert_eq!(data.dataset.n_items(), 13);
}
