//! The window's verdicts and its "nothing stale, nothing silent" rules, driven by accessible
//! labels (issue #37): the Audience pane leads with its verdict and never shows one ad's
//! figures under another's name; a full audience is "Not better than random"; an export
//! without a file dialog lands beside the runs and says where; progress ends at 100% when
//! early stopping ends a run; the Compare runs pane states its verdict with a p-value; opening
//! other data forgets the old data's overlaid runs and ad.

mod ui_common;

use std::path::Path;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use sequda::settings::{ModelKind, RunConfig};
use sequda::studio::Phase;
use sequda::train::RunDir;
use sequda::train::run_folder::{DatasetSummary, RunSummary, TEST_RANKS_FILE};
use sequda::ui::commands::UiCommand;
use sequda::ui::files::ScriptedPicker;
use ui_common::{
    click, harness, sample_events, settle, step_until, tiny_config, trained_and_reopened,
};

const WAIT: Duration = Duration::from_secs(300);

/// Whether a label containing `text` is on screen.
fn shows(h: &egui_kittest::Harness<'static, sequda::ui::StudioApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn audience_verdict_follows_the_ad_and_exports_without_a_dialog() {
    let root = tempfile::tempdir().expect("tempdir");
    let runs = root.path().join("runs");
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        no_dialog: true,
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, &runs, egui::vec2(1400.0, 900.0));
    click(&mut h, "Data");
    click(&mut h, "Open data…");
    step_until(&mut h, "the sample data", WAIT, |app| {
        app.workspace().data.is_some()
    });
    {
        let selections = &mut h.state_mut().state_mut().selections;
        // Frozen weights (learning rate 0): validation hardly moves, so early stopping
        // (patience 1) ends the run before its epoch cap of 5.
        selections.train = tiny_config(5);
        selections.train.learning_rate = 0.0;
        selections.train.patience = 1;
        selections.item = Some("ad042".into());
    }
    click(&mut h, "Train");
    click(&mut h, "Start training");
    let phases = std::cell::RefCell::new(Vec::new());
    step_until(&mut h, "training to end", WAIT, |app| {
        app.workspace().live.as_ref().is_some_and(|live| {
            phases.borrow_mut().push(live.phase());
            live.summary.is_some() && !live.is_running()
        })
    });
    let phases = phases.into_inner();
    assert!(
        phases
            .iter()
            .any(|p| matches!(p, Phase::Training(_) | Phase::Validation(_) | Phase::Test)),
        "the phase is named while it trains: {phases:?}"
    );
    assert_eq!(phases.last(), Some(&Phase::Ended));
    if let Some(live) = &h.state().workspace().live {
        let summary = live.summary.as_ref().expect("a summary");
        assert!(summary.epochs_run < 5, "{summary:?}");
        assert_eq!(summary.stop_reason, "early stopping");
        assert_eq!(live.progress().fraction, 1.0, "an early stop ends at 100%");
    }
    settle(&mut h, 3);
    assert!(
        shows(&h, "Finished (early stopping)"),
        "the status names the end"
    );
    step_until(
        &mut h,
        "the checkpoint to answer",
        WAIT,
        trained_and_reopened,
    );

    // The verdict leads, with the small-check warning (ad042 has 10 held-out engagers).
    click(&mut h, "Audience targeting");
    step_until(&mut h, "ad042's audience", WAIT, |app| {
        app.panes().audience.shown_item().is_some()
    });
    settle(&mut h, 2);
    assert!(shows(&h, "Audience for ad042"));
    assert!(shows(&h, "held-out engagers"));
    assert!(shows(&h, "Only 10 held-out engagers (fewer than 30)"));
    assert!(shows(&h, "ties in score are broken by dataset order"));

    // A second ad: ad042's figures never appear under ad100's name.
    h.get_by_label("Find item").click();
    settle(&mut h, 2);
    h.get_by_label("Find item").type_text("ad100");
    settle(&mut h, 2);
    h.get_by_label_contains("ad100 · ").click();
    let ad100 = h
        .state()
        .workspace()
        .data
        .as_ref()
        .and_then(|d| d.dataset.items.index("ad100"));
    let mut frames = 0;
    loop {
        h.step();
        frames += 1;
        assert!(
            !shows(&h, "Audience for ad042"),
            "ad042's figures after picking ad100"
        );
        let shown = h.state().panes().audience.shown_item();
        assert!(
            shown.is_none() || shown == ad100,
            "another ad's figures shown"
        );
        if shows(&h, "Audience for ad100") {
            break;
        }
        assert!(frames < 20_000, "ad100's audience never came");
        std::thread::sleep(Duration::from_millis(10));
    }

    // Everyone targeted is random targeting: the plain verdict.
    {
        let selections = &mut h.state_mut().state_mut().selections;
        selections.item = Some("ad042".into());
        selections.audience_top_n = 2500;
    }
    step_until(&mut h, "ad042 again", WAIT, |app| {
        let data = app.workspace().data.as_ref();
        app.panes().audience.shown_item() == data.and_then(|d| d.dataset.items.index("ad042"))
    });
    settle(&mut h, 2);
    assert!(shows(&h, "Not better than random: don't use this audience"));

    // No file dialog: the export lands beside the runs and the window says where.
    click(&mut h, "Export audience CSV");
    step_until(&mut h, "the audience CSV", WAIT, |app| {
        !app.exported_files().is_empty()
    });
    settle(&mut h, 2);
    let file = h.state().exported_files()[0].clone();
    assert_eq!(file, root.path().join("exports").join("audience_ad042.csv"));
    assert!(file.is_file());
    assert!(
        h.state()
            .notifications()
            .active()
            .iter()
            .any(|n| n.text.contains("No file dialog")
                && n.text.contains(&file.display().to_string())),
        "the path is shown"
    );
    assert!(shows(&h, "saved beside the runs"));
}

/// A tested run folder `name` in `runs` of `model` on the sample data whose users got `ranks`.
fn fake_run(runs: &Path, name: &str, model: ModelKind, dim: usize, ranks: &[u32]) {
    let dir = runs.join(name);
    let run = RunDir::new(&dir);
    run.create().expect("run folder");
    let mut config = RunConfig::default();
    config.data.path = std::path::absolute(sample_events())
        .expect("absolute")
        .display()
        .to_string();
    config.data.users = ranks.len();
    config.train.model = model;
    config.train.encoder.dim = dim;
    run.write_config(&config).expect("config");
    let users: Vec<u32> = (0..ranks.len() as u32).collect();
    let json = serde_json::json!({"users": users, "ranks": ranks});
    std::fs::write(dir.join(TEST_RANKS_FILE), json.to_string()).expect("ranks");
    let test = sequda::eval::RankingMetrics {
        ndcg_10: 0.1,
        ..sequda::eval::RankingMetrics::default()
    };
    run.write_summary(&RunSummary {
        model: model.name().into(),
        device: "cpu".into(),
        dataset: DatasetSummary {
            path: config.data.path.clone(),
            users: ranks.len(),
            items: 1,
            interactions: 1,
        },
        epochs_run: 1,
        best_epoch: 1,
        train_seconds: 1.0,
        seconds_per_epoch: 1.0,
        valid: sequda::eval::RankingMetrics::default(),
        test: Some(test),
        stop_reason: "max epochs".into(),
        resumed_after: Vec::new(),
    })
    .expect("summary");
}

#[test]
fn compare_states_a_verdict_and_other_data_clears_the_old_runs_and_ad() {
    let root = tempfile::tempdir().expect("tempdir");
    let runs = root.path().join("runs");
    // SeqUDA-Rec puts every user's item at rank 0 or 1, SASRec-CE at rank 5 or 6.
    let base: Vec<u32> = (0..200).map(|u| 5 + u % 2).collect();
    let better: Vec<u32> = (0..200).map(|u| u % 2).collect();
    fake_run(&runs, "a-sasrec", ModelKind::Sasrec, 64, &base);
    fake_run(&runs, "b-sequda", ModelKind::Sequda, 32, &better);
    let picker = ScriptedPicker {
        data: Some(sample_events()),
        ..ScriptedPicker::default()
    };
    let mut h = harness(picker, &runs, egui::vec2(1400.0, 900.0));
    click(&mut h, "Compare runs");
    step_until(&mut h, "the runs folder", WAIT, |app| {
        app.workspace().library.runs.len() == 2 && !app.workspace().library.scanning
    });
    settle(&mut h, 3);
    assert!(
        shows(&h, "SeqUDA-Rec is ") && shows(&h, "% above SASRec-CE; significant, p < 0.001"),
        "the verdict sentence"
    );
    assert!(shows(&h, "paired t-test over 200 users"));
    assert!(shows(&h, "Hidden size"), "settings in plain names");
    assert!(!shows(&h, "train.encoder.dim") && !shows(&h, "train.model"));

    // The sample data open, one of its runs overlaid and one of its ads picked…
    click(&mut h, "Data");
    click(&mut h, "Open data…");
    step_until(&mut h, "the sample data", WAIT, |app| {
        app.workspace().data.is_some()
    });
    {
        let selections = &mut h.state_mut().state_mut().selections;
        selections.overlay_runs.insert("a-sasrec".into());
        selections.item = Some("ad042".into());
    }
    // …then other data: neither stays.
    let other = root.path().join("other.csv");
    let mut text = String::from("user_id,item_id,timestamp\n");
    for user in 0..40 {
        for step in 0..6 {
            text.push_str(&format!(
                "p{user},x{},{}\n",
                (user + step) % 15,
                1000 + step
            ));
        }
    }
    std::fs::write(&other, text).expect("other data");
    h.state_mut()
        .run_command(UiCommand::OpenRecent(other.clone()));
    step_until(&mut h, "the other data", WAIT, |app| {
        app.workspace()
            .data
            .as_ref()
            .is_some_and(|d| d.request.path == other)
    });
    settle(&mut h, 2);
    let selections = &h.state().state().selections;
    assert!(
        selections.overlay_runs.is_empty(),
        "old data's overlay kept"
    );
    assert_ne!(
        selections.item.as_deref(),
        Some("ad042"),
        "old data's ad kept"
    );
    click(&mut h, "Audience targeting");
    settle(&mut h, 3);
    assert!(!shows(&h, "ad042"), "the old ad on screen");
}
