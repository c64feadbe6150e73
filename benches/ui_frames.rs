//! UI frame times while a training session streams events: every pane is drawn headless
//! (`egui::Context::run_ui` + tessellation, as egui's own benchmarks measure) for a number of
//! frames with the pointer over it, and the p50 / p95 / max frame time is reported per pane.
//! The Quick demo preset trains on the bundled sample data on the CPU meanwhile, so the UI
//! thread shares the machine with training exactly as in the window; a pane that answers from
//! the model is measured once it has an answer, so every row draws real content.
//!
//! `cargo bench --bench ui_frames` (target: p95 ≤ 16 ms on the CPU for every pane).

fn main() {
    bench::run();
}

mod bench {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use egui::{Event, Pos2, RawInput, Rect, vec2};
    use sequda::studio::sample_data_paths;
    use sequda::ui::commands::UiCommand;
    use sequda::ui::files::ScriptedPicker;
    use sequda::ui::layout::PaneKind;
    use sequda::ui::{LaunchOptions, StudioApp};

    /// Frames measured per pane.
    const FRAMES: usize = 120;
    /// Frames drawn before measuring a pane (queries answered, layout settled).
    const WARM_UP: usize = 40;
    /// Pause between frames, like a 60 Hz display.
    const FRAME_GAP: Duration = Duration::from_millis(16);
    /// Window size in points (the default window size).
    const SIZE: [f32; 2] = [1400.0, 860.0];

    struct Frames {
        ctx: egui::Context,
        app: StudioApp,
        time: f64,
    }

    impl Frames {
        /// One frame; returns its duration (run + tessellate).
        fn frame(&mut self, pointer: Pos2) -> Duration {
            self.time += FRAME_GAP.as_secs_f64();
            let input = RawInput {
                screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(SIZE[0], SIZE[1]))),
                time: Some(self.time),
                events: vec![Event::PointerMoved(pointer)],
                ..RawInput::default()
            };
            let app = &mut self.app;
            let start = Instant::now();
            let output = self.ctx.run_ui(input, |ui| {
                app.logic_pass(ui.ctx());
                app.ui_pass(ui);
            });
            let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
            let elapsed = start.elapsed();
            std::hint::black_box(primitives);
            elapsed
        }
    }

    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }

    pub fn run() {
        let runs = std::env::temp_dir().join(format!("sequda-ui-bench-{}", std::process::id()));
        let (data, items) = sample_data_paths();
        let ctx = egui::Context::default();
        let app = StudioApp::with_context(
            &ctx,
            LaunchOptions {
                data: Some(data),
                items: Some(items),
                runs_dir: runs.clone(),
                picker: Arc::new(ScriptedPicker::default()),
                deterministic: false,
                restore_state: false,
                ..LaunchOptions::default()
            },
            None,
        );
        let mut frames = Frames {
            ctx,
            app,
            time: 0.0,
        };
        let centre = Pos2::new(SIZE[0] * 0.67, SIZE[1] * 0.55);
        let loading = Instant::now();
        while frames.app.workspace().data.is_none() {
            frames.frame(centre);
            std::thread::sleep(FRAME_GAP);
            assert!(
                loading.elapsed() < Duration::from_secs(60),
                "the sample data did not load"
            );
        }
        // The heaviest heatmap: the user with the longest history (a full encoder window).
        let longest = frames.app.workspace().data.as_ref().and_then(|data| {
            let user =
                (0..data.dataset.n_users()).max_by_key(|&u| data.dataset.sequences[u].len())?;
            Some(
                data.dataset
                    .users
                    .token(u32::try_from(user).ok()?)
                    .to_owned(),
            )
        });
        frames.app.state_mut().selections.user = longest;
        frames.app.run_command(UiCommand::StartTraining);
        println!("pane                  p50 ms   p95 ms   max ms   steps  shown");
        let mut worst_p95 = Duration::ZERO;
        for pane in PaneKind::ALL {
            frames.app.run_command(UiCommand::ShowPane(pane));
            for _ in 0..WARM_UP {
                frames.frame(centre);
                std::thread::sleep(FRAME_GAP);
            }
            // A pane that answers from the model is measured once it has an answer: live
            // queries are answered between training steps (not during a GAN round), or from
            // the finished run's checkpoint.
            let waiting = Instant::now();
            while !has_content(&frames.app, pane) && waiting.elapsed() < Duration::from_secs(180) {
                frames.frame(centre);
                std::thread::sleep(FRAME_GAP);
            }
            let steps_before = steps(&frames.app);
            let mut times = Vec::with_capacity(FRAMES);
            for i in 0..FRAMES {
                let wobble = vec2((i % 7) as f32 * 3.0, (i % 5) as f32 * 3.0);
                times.push(frames.frame(centre + wobble));
                std::thread::sleep(FRAME_GAP);
            }
            times.sort();
            let p95 = percentile(&times, 0.95);
            worst_p95 = worst_p95.max(p95);
            println!(
                "{:<20} {:>7.2}  {:>7.2}  {:>7.2}   {:>5}  {}",
                pane.title(),
                percentile(&times, 0.5).as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3,
                times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
                steps(&frames.app) - steps_before,
                shown(&frames.app, pane)
            );
        }
        let training = frames
            .app
            .workspace()
            .live
            .as_ref()
            .is_some_and(|l| l.is_running());
        println!(
            "worst p95 {:.2} ms (target 16 ms); training still running at the end: {training}",
            worst_p95.as_secs_f64() * 1e3
        );
        if let Some(failure) = frames
            .app
            .workspace()
            .live
            .as_ref()
            .and_then(|l| l.failure.as_ref())
        {
            println!("training failed: {failure}");
        }
        drop(frames);
        let _ = std::fs::remove_dir_all(runs);
    }

    /// Whether the pane shows what it is for (panes without a model answer always do).
    fn has_content(app: &StudioApp, pane: PaneKind) -> bool {
        !matches!(
            shown(app, pane).as_str(),
            "no map yet" | "none yet" | "no graph"
        )
    }

    /// What the pane showed (to check the measured frames drew real content).
    fn shown(app: &StudioApp, pane: PaneKind) -> String {
        let panes = app.panes();
        match pane {
            PaneKind::Attention => panes.attention.map().map_or("no map yet".into(), |m| {
                format!("{0}x{0} heatmap, {1} layers", m.len(), m.layers())
            }),
            PaneKind::Graph => panes.graph.layout().map_or("no graph".into(), |l| {
                format!(
                    "{} nodes, {} edges",
                    l.network.nodes.len(),
                    l.network.edges.len()
                )
            }),
            PaneKind::Recommend => panes
                .recommend
                .recommendations()
                .map_or("none yet".into(), |r| format!("{} items", r.items.len())),
            PaneKind::Audience => panes.audience.audience().map_or("none yet".into(), |a| {
                format!("{} users ranked", a.ranked.len())
            }),
            PaneKind::LossCurves => format!("{} loss points", steps(app)),
            _ => String::new(),
        }
    }

    fn steps(app: &StudioApp) -> usize {
        app.workspace()
            .live
            .as_ref()
            .map_or(0, |l| l.history.steps.len())
    }
}
