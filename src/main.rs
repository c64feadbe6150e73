//! `sequda`: the command line (and, without a subcommand, the window).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    keep_burn_on_the_cpu(&args);
    cli::logging::init(args.verbose);
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", cli::one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// With `--device cpu`, makes burn's default device its CPU backend too (`BURN_DEVICE=flex`,
/// unless the variable is already set). burn loads saved optimiser state on its default
/// device (`ModuleOptimizer::load_record`), which would otherwise start the wgpu runtime (and
/// its driver probing, with its error lines) in a run that never uses the GPU.
fn keep_burn_on_the_cpu(args: &cli::args::Cli) {
    let wants_cpu = args
        .command
        .as_ref()
        .and_then(|command| command.device())
        .is_some_and(|device| device.eq_ignore_ascii_case("cpu"));
    if wants_cpu && std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: called first thing in `main`, before any other thread exists, so nothing
        // reads the environment while it changes.
        unsafe { std::env::set_var("BURN_DEVICE", "flex") };
    }
}
