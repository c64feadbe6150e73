//! `sequda`: the command line (and, without a subcommand, the window).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    load_saved_state_on_the_cpu();
    no_display_probe_without_a_session();
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

/// Turns Mesa's Vulkan device-select layer off (`NODEVICE_SELECT=1`, unless the variable is
/// already set) when there is no desktop session (`XDG_RUNTIME_DIR` unset or empty, as in a
/// container or a bare SSH login). That layer only reorders adapters by the display's GPU,
/// which `--device` chooses by itself, but without a session its Wayland probe prints
/// "error: XDG_RUNTIME_DIR is invalid or not set" twice before every command that looks for
/// an adapter: alarming, and not ours.
fn no_display_probe_without_a_session() {
    let session = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| !dir.is_empty());
    if !session && std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY: called first thing in `main`, before any other thread exists, so nothing
        // reads the environment while it changes.
        unsafe { std::env::set_var("NODEVICE_SELECT", "1") };
    }
}
