//! Subcommand implementations. Errors carry context (`anyhow`) and are printed as one line.

mod adapters_cmd;
pub mod args;
mod audience_cmd;
mod bench_cmd;
mod compare_cmd;
mod data_cmd;
mod eval_cmd;
mod experiment_cmd;
mod generate_cmd;
mod gui_cmd;
pub mod logging;
mod recommend_cmd;
mod resume_cmd;
mod train_cmd;

use std::path::Path;

use args::{Cli, Command, InputArgs};
use sequda::data::{Dataset, LoadOptions, load_dataset};

/// Runs the chosen subcommand.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => run_window(args::GuiArgs::default()),
        Some(Command::Data(command)) => data_cmd::run(command),
        Some(Command::Train(args)) => train_cmd::run(args),
        Some(Command::Eval(args)) => eval_cmd::run(args),
        Some(Command::Compare(args)) => compare_cmd::run(args),
        Some(Command::Resume(args)) => resume_cmd::run(args),
        Some(Command::Recommend(args)) => recommend_cmd::run(args),
        Some(Command::Audience(args)) => audience_cmd::run(args),
        Some(Command::Bench(args)) => bench_cmd::run(args),
        Some(Command::Generate(args)) => generate_cmd::run(args),
        Some(Command::Experiment(args)) => experiment_cmd::run(args),
        Some(Command::Adapters) => adapters_cmd::run(),
        Some(Command::Gui(args)) => run_window(args),
    }
}

/// Opens the window.
fn run_window(args: args::GuiArgs) -> anyhow::Result<()> {
    gui_cmd::run(args)
}

/// An error and its causes on one line, without repeating a cause its parent already says.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}

impl InputArgs {
    /// The loader options these flags describe.
    pub fn load_options(&self) -> anyhow::Result<LoadOptions> {
        Ok(LoadOptions {
            format: self
                .format
                .parse()
                .map_err(|e| anyhow::anyhow!("--format: {e}"))?,
            user_column: self.user_col.clone(),
            item_column: self.item_col.clone(),
            time_column: self.time_col.clone(),
            behaviour_column: self.behaviour_col.clone(),
            strict: self.strict,
            ..LoadOptions::default()
        })
    }
}

/// Loads a dataset and reports skipped rows on stderr.
pub fn load_reporting(path: &Path, input: &InputArgs) -> anyhow::Result<Dataset> {
    let options = input.load_options()?;
    let dataset = load_dataset(path, &options)?;
    for line in dataset.report.summary_lines() {
        eprintln!("warning: {}: {line}", path.display());
    }
    Ok(dataset)
}
