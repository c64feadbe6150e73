//! From the parsed command line to the subcommand that runs it, and errors as one line.

use super::args::{self, Cli, Command};
use super::{
    adapters_cmd, audience_cmd, bench_cmd, compare_cmd, data_cmd, eval_cmd, experiment_cmd,
    export_cmd, generate_cmd, gui_cmd, recommend_cmd, report_cmd, resume_cmd, train_cmd,
};

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
        Some(Command::Export(args)) => export_cmd::run(args),
        Some(Command::Report(args)) => report_cmd::run(args),
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
