//! `sequda eval`: re-evaluates a run's best checkpoint; JSON on stdout.

use anyhow::bail;

use super::args::EvalArgs;
use sequda::eval::Protocol;
use sequda::train::epochs::SplitPart;
use sequda::train::run::open_run;
use sequda::train::tools::EvalGraph;

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
    let graph: EvalGraph = args
        .graph
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--graph: {e}"))?;
    let device = args
        .device
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    if args.save_ranks
        && (part != SplitPart::Test
            || protocol != Protocol::Full
            || graph != EvalGraph::Train
            || args.rerank_top.is_some())
    {
        bail!(
            "--save-ranks: test ranks are the full-ranking test split under the run's own graph and re-ranking; drop --split, --protocol, --graph and --rerank-top"
        );
    }
    let mut run = open_run(&args.run, device)?;
    if let Some(top) = args.rerank_top {
        match run.inference.as_mut() {
            Some(model) => model
                .set_rerank_top(top)
                .map_err(|e| anyhow::anyhow!("--rerank-top: {}: {e}", args.run.display()))?,
            None if top == 0 => {}
            None => bail!(
                "--rerank-top: {} is a popularity run; it has nothing to re-rank",
                args.run.display()
            ),
        }
    }
    run.use_eval_graph(graph, part)?;
    let outcome = run.evaluate(part, protocol, args.seed)?;
    let saved_ranks = if args.save_ranks {
        Some(run.save_test_ranks(&outcome)?.display().to_string())
    } else {
        None
    };
    let report = serde_json::json!({
        "run": args.run.display().to_string(),
        "model": run.config.train.model.name(),
        "split": part.name(),
        "protocol": protocol.to_string(),
        "protocol_label": protocol.label(),
        "seed": args.seed,
        "graph": run.has_graph().then(|| graph.name()),
        "rerank_top": run
            .inference
            .as_ref()
            .filter(|model| model.has_target_attention())
            .map(|model| model.rerank_top()),
        "metrics": outcome.metrics,
        "saved_ranks": saved_ranks,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
