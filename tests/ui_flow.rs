//! The window end to end, driven by accessible labels: open the sample data (file choice
//! injected), train, watch events arrive, visit every pane, inspect attention and
//! recommendations for a user, export an audience and a chart, pause and stop.

mod ui_common;

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use sequda::studio::{LiveRun, RunStatus};
use sequda::ui::StudioApp;
use sequda::ui::files::ScriptedPicker;
use sequda::ui::layout::PaneKind;
use ui_common::{
    click, harness, sample_events, settle, step_until, tiny_config, trained_and_reopened,
};

const WAIT: Duration = Duration::from_secs(240);

/// Steps frames until the current (or last) training run exists and `done` holds for it,
/// failing after `timeout` with `what`.
fn step_until_live(
    h: &mut egui_kittest::Harness<'static, StudioApp>,
    what: &str,
    timeout: Duration,
    done: impl Fn(&LiveRun) -> bool,
) {
    step_until(h, what, timeout, |app| {
        app.workspace().live.as_ref().is_some_and(&done)
    });
}

/// Opens the sample data through the Data pane's "Open data…" button.
fn open_sample(h: &mut egui_kittest::Harness<'static, StudioApp>) {
    click(h, "Data");
    click(h, "Open data…");
    step_until(h, "the sample data to load", WAIT, |app| {
        app.workspace().data.is_some()
    });
    settle(h, 3);
}

#[test]
fn open_train_and_explore_every_pane() {
    let runs = tempfile::tempdir().expect("tempdir");
    let exports = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        save_dir: Some(exports.path().to_path_buf()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1400.0, 900.0));
    open_sample(&mut h);
    h.get_by_label("2,500");
    h.get_by_label("73,801");
    assert!(
        h.state()
            .workspace()
            .data
            .as_ref()
            .is_some_and(|d| d.labels.title(0) != d.labels.id(0)),
        "item titles were read from ads.csv next to the data"
    );

    // Small settings through the labelled fields, then Start training.
    click(&mut h, "Train");
    h.state_mut().state_mut().selections.train = tiny_config(2);
    h.step();
    click(&mut h, "Training settings");
    h.get_by_label("Epochs").set_value_accesskit(2.0);
    h.step();
    assert_eq!(h.state().state().selections.train.epochs, 2);
    click(&mut h, "Start training");
    step_until_live(&mut h, "the first loss event", WAIT, |l| {
        !l.history.steps.is_empty()
    });
    h.step();
    h.get_by_label("Training losses");
    step_until(
        &mut h,
        "training to finish and the checkpoint to reopen",
        WAIT,
        trained_and_reopened,
    );
    let live = h.state().workspace().live.as_ref().expect("a run");
    assert_eq!(live.history.epochs.len(), 2);
    assert!(live.summary.as_ref().is_some_and(|s| s.test.is_some()));
    // The validation chart carries the popularity baseline of the open data.
    let baseline = h
        .state()
        .workspace()
        .data
        .as_ref()
        .and_then(|d| d.popularity_valid.clone());
    let baseline = baseline.expect("the sample data's popularity baseline");
    assert!(baseline.users > 0 && baseline.ndcg_10 > 0.0 && baseline.ndcg_10 < 1.0);
    click(&mut h, "Loss curves");
    settle(&mut h, 2);
    assert!(
        h.query_by_label_contains(&format!("NDCG@10 {:.4}", baseline.ndcg_10))
            .is_some(),
        "the baseline is named under the validation chart"
    );

    // Every pane opens from its tab and passes the accessibility check.
    for pane in PaneKind::ALL {
        click(&mut h, pane.title());
        settle(&mut h, 4);
        h.check_accessibility();
    }

    // Attention: pick a user; one row and one column per history item, titles shown.
    click(&mut h, "Attention");
    h.get_by_label("Find user").type_text("u1337");
    settle(&mut h, 2);
    click(&mut h, "u1337");
    step_until(&mut h, "the attention map of u1337", WAIT, |app| {
        let data = app.workspace().data.as_ref();
        let user = data.and_then(|d| d.dataset.users.index("u1337"));
        app.panes()
            .attention
            .map()
            .is_some_and(|m| Some(m.user) == user)
    });
    settle(&mut h, 2);
    let (window, titles) = {
        let app = h.state();
        let data = app.workspace().data.as_ref().expect("data");
        let history =
            &data.dataset.sequences[data.dataset.users.index("u1337").expect("user") as usize];
        let map = app.panes().attention.map().expect("map");
        let window: Vec<u32> = history[history.len().saturating_sub(20)..].to_vec();
        assert_eq!(
            map.items, window,
            "the heatmap covers the encoder's window of the history"
        );
        let titles: Vec<String> = window
            .iter()
            .map(|&i| data.labels.title(i).to_owned())
            .collect();
        (window, titles)
    };
    let rows = h.query_all_by_label_contains("Attention row ").count();
    let columns = h.query_all_by_label_contains("Attention column ").count();
    assert_eq!((rows, columns), (window.len(), window.len()));
    for (index, title) in titles.iter().enumerate() {
        h.get_by_label(&format!("Attention row {}: {title}", index + 1));
        h.get_by_label(&format!("Attention column {}: {title}", index + 1));
    }

    // Recommend: ten items, none from the user's history.
    click(&mut h, "Recommend");
    step_until(&mut h, "recommendations for u1337", WAIT, |app| {
        app.panes()
            .recommend
            .recommendations()
            .is_some_and(|r| r.model_based)
    });
    settle(&mut h, 2);
    {
        let app = h.state();
        let recs = app
            .panes()
            .recommend
            .recommendations()
            .expect("recommendations");
        let data = app.workspace().data.as_ref().expect("data");
        assert_eq!(data.dataset.users.token(recs.user), "u1337");
        assert_eq!(recs.items.len(), 10);
        let history = &data.dataset.sequences[recs.user as usize];
        assert!(
            recs.items.iter().all(|r| !history.contains(&r.item)),
            "a seen item was recommended"
        );
    }
    h.get_by_label("Top 10 recommendations");

    // Audience: export the audience CSV and read it back; save the gains chart as PNG.
    click(&mut h, "Audience targeting");
    step_until(&mut h, "the audience ranking", WAIT, |app| {
        app.panes().audience.audience().is_some()
    });
    settle(&mut h, 3);
    click(&mut h, "Export audience CSV");
    step_until(&mut h, "the audience CSV", WAIT, |app| {
        app.exported_files()
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "csv"))
    });
    let csv_path = h
        .state()
        .exported_files()
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .cloned()
        .expect("csv");
    let mut reader = csv::Reader::from_path(&csv_path).expect("open the export");
    assert_eq!(
        reader.headers().expect("header"),
        vec![
            "rank",
            "user_id",
            "probability",
            "interactions",
            "attended_items"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 250, "the default audience is the top 250 users");
    let probabilities: Vec<f64> = rows
        .iter()
        .map(|r| r[2].parse().expect("a number"))
        .collect();
    assert!(probabilities.windows(2).all(|w| w[0] >= w[1]));
    {
        let data = h.state().workspace().data.as_ref().expect("data");
        assert!(
            rows.iter()
                .all(|r| data.dataset.users.index(&r[1]).is_some())
        );
    }
    click(&mut h, "Save gains PNG");
    step_until(&mut h, "the gains PNG", WAIT, |app| {
        app.exported_files()
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "png"))
    });
    let png = h
        .state()
        .exported_files()
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .cloned()
        .expect("png");
    let image = image::open(&png).expect("a readable PNG").to_rgba8();
    assert!(
        image.width() > 100 && image.height() > 100,
        "{:?}",
        image.dimensions()
    );
}

#[test]
fn pause_resume_and_stop_answer_quickly() {
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1280.0, 800.0));
    open_sample(&mut h);
    h.state_mut().state_mut().selections.train = tiny_config(200);
    click(&mut h, "Train");
    click(&mut h, "Start training");
    step_until_live(&mut h, "training steps", WAIT, |l| {
        l.history.steps.len() >= 3
    });
    click(&mut h, "Train");
    click(&mut h, "Pause");
    step_until_live(&mut h, "the pause", WAIT, |l| l.status == RunStatus::Paused);
    let steps = h
        .state()
        .workspace()
        .live
        .as_ref()
        .map_or(0, |l| l.history.steps.len());
    settle(&mut h, 10);
    std::thread::sleep(Duration::from_millis(300));
    settle(&mut h, 2);
    assert_eq!(
        h.state()
            .workspace()
            .live
            .as_ref()
            .map_or(0, |l| l.history.steps.len()),
        steps,
        "no steps while paused"
    );
    click(&mut h, "Resume");
    step_until_live(&mut h, "training to resume", WAIT, |l| {
        l.history.steps.len() > steps
    });
    click(&mut h, "Stop");
    let pressed = Instant::now();
    step_until_live(&mut h, "the stop", Duration::from_secs(30), |l| {
        !l.is_running()
    });
    let stopped_after = pressed.elapsed();
    eprintln!("stop answered in {stopped_after:?}");
    assert!(
        stopped_after < Duration::from_secs(3),
        "stop took {stopped_after:?}"
    );
    settle(&mut h, 2);
    let live = h.state().workspace().live.as_ref().expect("run");
    // Stopped before the first validation there is no checkpoint: that is reported, not hidden.
    assert!(live.summary.is_some() || live.failure.is_some());
    assert!(live.stop_requested);
    // The window stays usable: training can start again.
    click(&mut h, "Start training");
    step_until_live(&mut h, "a second run", WAIT, |l| !l.stop_requested);
    click(&mut h, "Stop");
    step_until_live(&mut h, "the second stop", WAIT, |l| !l.is_running());
}

#[test]
fn a_sequda_run_fills_the_synthetic_pane() {
    let runs = tempfile::tempdir().expect("tempdir");
    let exports = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        save_dir: Some(exports.path().to_path_buf()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1400.0, 900.0));
    open_sample(&mut h);
    let mut config = tiny_config(2);
    config.model = sequda::settings::ModelKind::Sequda;
    h.state_mut().state_mut().selections.train = config;
    click(&mut h, "Train");
    click(&mut h, "Start training");
    step_until(&mut h, "SeqUDA-Rec to train", WAIT, trained_and_reopened);
    let live = h.state().workspace().live.as_ref().expect("run");
    let report = live
        .synthetic
        .as_ref()
        .expect("the GAN reported generated sequences");
    assert!(report.generated > 0);
    assert_eq!(live.synthetic_history.len(), 2, "one report per epoch");
    // The losses as small multiples, one chart per group, each with its own y axis.
    click(&mut h, "Loss curves");
    settle(&mut h, 2);
    for chart in [
        "Recommendation losses",
        "Contrastive losses",
        "GAN losses and rewards",
    ] {
        h.get_by_label(chart);
    }
    click(&mut h, "Synthetic sequences");
    settle(&mut h, 3);
    h.get_by_label("Quality monitors");
    assert!(h.query_by_label_contains("sequences generated").is_some());
    h.check_accessibility();
    // Hovering a generated sequence names its nearest real one.
    h.query_all_by_label_contains("D 0.")
        .chain(h.query_all_by_label_contains("D 1."))
        .next()
        .expect("a generated row")
        .hover();
    settle(&mut h, 4);
    assert!(
        h.query_by_label_contains("Nearest real sequence").is_some()
            || h.query_by_label_contains("No real training history")
                .is_some(),
        "the tooltip names the nearest real sequence"
    );
    click(&mut h, "Export sequences CSV");
    step_until(&mut h, "the sequences CSV", WAIT, |app| {
        !app.exported_files().is_empty()
    });
    let path = h.state().exported_files()[0].clone();
    let mut reader = csv::Reader::from_path(&path).expect("open the export");
    let kinds: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[0].to_owned())
        .collect();
    assert!(kinds.iter().any(|k| k == "generated"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "real"));

    // The Attention pane explains one candidate ad through the target-attention head.
    click(&mut h, "Attention");
    step_until(&mut h, "the attention map", WAIT, |app| {
        app.panes().attention.map().is_some()
    });
    settle(&mut h, 2);
    click(&mut h, "Target attention for a candidate ad");
    step_until(&mut h, "the target-attention bars", WAIT, |app| {
        app.panes().attention.target().bars().is_some()
    });
    settle(&mut h, 3);
    let bars = h
        .state()
        .panes()
        .attention
        .target()
        .bars()
        .expect("bars")
        .clone();
    assert!(!bars.items.is_empty());
    assert_eq!(bars.weights.len(), bars.items.len());
    let total: f32 = bars.weights.iter().sum();
    assert!((total - 1.0).abs() < 1e-3, "weights sum to {total}");
    assert!(h.query_by_label_contains("Strongest supports").is_some());
    click(&mut h, "Export target attention CSV");
    step_until(&mut h, "the target-attention CSV", WAIT, |app| {
        app.exported_files().len() >= 2
    });
    let path = h.state().exported_files()[1].clone();
    let rows = csv::Reader::from_path(&path)
        .expect("open the export")
        .records()
        .count();
    assert_eq!(rows, bars.items.len(), "one row per history item");

    // File → Export report… writes the run's self-contained HTML page beside the exports.
    click(&mut h, "File");
    click(&mut h, "Export report…");
    step_until(&mut h, "the HTML report", WAIT, |app| {
        app.exported_files().len() >= 3
    });
    let path = h.state().exported_files()[2].clone();
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("html"));
    let html = std::fs::read_to_string(&path).expect("read the report");
    for id in [
        "summary",
        "curves",
        "metrics",
        "attention",
        "synthetic",
        "audience",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "no {id}");
    }
    assert!(
        !html.contains("Not available"),
        "every section of a SeqUDA-Rec run"
    );
}

#[test]
fn a_stopped_run_resumes_from_the_compare_pane() {
    let runs = tempfile::tempdir().expect("tempdir");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, runs.path(), egui::vec2(1400.0, 900.0));
    open_sample(&mut h);
    h.state_mut().state_mut().selections.train = tiny_config(4);
    click(&mut h, "Train");
    click(&mut h, "Start training");
    step_until_live(&mut h, "the first validated epoch", WAIT, |l| {
        !l.history.epochs.is_empty()
    });
    click(&mut h, "Train");
    click(&mut h, "Stop");
    step_until_live(&mut h, "the stop", WAIT, |l| {
        !l.is_running() && l.summary.is_some()
    });
    let (best, stopped_at, run_dir) = {
        let live = h.state().workspace().live.as_ref().expect("run");
        let summary = live.summary.as_ref().expect("summary");
        assert!(summary.test.is_none(), "a stopped run is not tested");
        (summary.best_epoch, summary.epochs_run, live.run_dir.clone())
    };
    assert!(
        best >= 1 && stopped_at < 4,
        "best {best}, stopped at {stopped_at}"
    );

    // The runs table offers to resume the stopped run, and only it.
    click(&mut h, "Compare runs");
    step_until(&mut h, "the stopped run in the runs table", WAIT, |app| {
        app.workspace()
            .library
            .runs
            .iter()
            .any(|r| r.dir == run_dir && r.resumable)
    });
    settle(&mut h, 2);
    click(&mut h, "Resume");
    step_until_live(&mut h, "the resumed run to finish", WAIT, |l| {
        !l.is_running() && l.summary.is_some()
    });
    let live = h.state().workspace().live.as_ref().expect("run");
    assert_eq!(live.run_dir, run_dir, "the run goes on in its own folder");
    assert!(live.failure.is_none(), "{:?}", live.failure);
    let summary = live.summary.as_ref().expect("summary");
    assert!(
        summary.test.is_some(),
        "the resumed run is tested at its end"
    );
    assert_eq!(summary.resumed_after, vec![best]);
    let epochs: Vec<usize> = live.history.epochs.iter().map(|e| e.epoch).collect();
    assert_eq!(
        epochs,
        (1..=summary.epochs_run).collect::<Vec<_>>(),
        "the curves show the kept epochs, then the resumed ones"
    );
    assert!(summary.epochs_run > best);
    step_until(
        &mut h,
        "the runs table to drop the Resume button",
        WAIT,
        |app| {
            app.workspace()
                .library
                .runs
                .iter()
                .any(|r| r.dir == run_dir && !r.resumable && r.test().is_some())
        },
    );
}
