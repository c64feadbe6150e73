//! `sequda eval`: re-evaluates a run's best checkpoint; JSON on stdout.

use anyhow::bail;

use super::args::EvalArgs;
use sequda::eval::Protocol;
use sequda::train::evaluation::SplitPart;
use sequda::train::reopen::open_run;

/// Runs `eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    let protocol: Protocol = args
        .protocol
        .parse()
        .map_err(|e| anyhow::anyhow!("--protocol: {e}"))?;
    let part = match args.split.as_str() {
        "valid" => SplitPart::Valid,
        "test" => SplitPart::Test,
        other => bail!("--split: expected valid or test, got '{other}'"),
    };
    let device = args
        .device
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    let run = open_run(&args.run, device)?;
    let outcome = run.evaluate(part, protocol, args.seed)?;
    let report = serde_json::json!({
        "run": args.run.display().to_string(),
        "model": run.config.train.model.name(),
        "split": part.name(),
        "protocol": protocol.to_string(),
        "protocol_label": protocol.label(),
        "seed": args.seed,
        "metrics": outcome.metrics,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
