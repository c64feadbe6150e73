//! `sequda`: the command line (and, without a subcommand, the window).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    load_saved_state_on_the_cpu();
    let args = cli::args::Cli::parse();
    cli::logging::init(args.verbose);
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", cli::one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// Makes burn's default device its CPU backend (`BURN_DEVICE=flex`, unless the variable is
/// already set). Every model is placed on the device the run chose; burn uses its default
/// device only to load saved optimiser state (`ModuleOptimizer::load_record`), which it moves
/// to each parameter's device on the next step. Left at wgpu, that load would start the wgpu
/// runtime (its driver probing, its error lines, and a failure on a machine without Vulkan)
/// when a CPU run is resumed, from the command line or from the window.
fn load_saved_state_on_the_cpu() {
    if std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: called first thing in `main`, before any other thread exists, so nothing
        // reads the environment while it changes.
        unsafe { std::env::set_var("BURN_DEVICE", "flex") };
    }
}
