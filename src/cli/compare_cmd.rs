//! `sequda compare`: is one finished run better than another on test? JSON on stdout.

use super::args::CompareArgs;
use sequda::train::experiment::compare_runs;

/// Runs `compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let report = compare_runs(&args.baseline, &args.run)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
