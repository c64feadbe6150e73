//! `sequda gui` (and `sequda` with no subcommand): the window.

use std::sync::Arc;
use std::time::Instant;

use anyhow::bail;

use super::args::GuiArgs;
use sequda::studio::sample_data_paths;
use sequda::ui::files::SystemPicker;
use sequda::ui::{LaunchOptions, run_native};

/// Opens the window on `args.data` (the bundled sample data by default).
pub fn run(args: GuiArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    // `sequda` with no subcommand has no flags at all: an empty format means auto.
    let mut input = args.input.clone();
    if input.format.is_empty() {
        input.format = "auto".into();
    }
    let load_options = input.load_options()?;
    let (data, items) = match args.data {
        Some(data) => (data, args.items),
        None => {
            let (data, items) = sample_data_paths();
            (data, args.items.or(Some(items)))
        }
    };
    if !data.is_file() {
        bail!("{}: no such file", data.display());
    }
    if let Some(items) = &items
        && !items.is_file()
    {
        bail!("{}: no such file", items.display());
    }
    let runs_dir = if args.runs.as_os_str().is_empty() {
        "runs".into()
    } else {
        args.runs
    };
    let options = LaunchOptions {
        data: Some(data),
        items,
        runs_dir,
        picker: Arc::new(SystemPicker),
        deterministic: false,
        restore_state: !args.fresh,
        autotrain: args.train,
        exit_after_training: args.exit_after_training,
        print_timings: args.timings,
        exit_after_frames: args.exit_after_frames,
        started_at: started,
        load_options,
    };
    run_native(options).map_err(|error| anyhow::anyhow!("the window could not open: {error}"))
}
