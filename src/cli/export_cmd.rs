//! `sequda export`: a run's user states and item embeddings, keyed by the dataset's ids, with
//! the item metadata, a manifest and a README holding DuckDB and Spark SQL scoring recipes.

use anyhow::{Context, anyhow};

use super::export_args::ExportArgs;
use sequda::analysis::export::write_export;
use sequda::train::run::open_run;

/// Runs `export`.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let device = args.device.parse().map_err(|e: String| anyhow!(e))?;
    let run = open_run(&args.run, device)?;
    if run.inference.is_none() {
        anyhow::bail!(
            "{} holds a popularity model, which has no user states or item embeddings to export; \
             train a sasrec or sequda run",
            args.run.display()
        );
    }
    let manifest = write_export(&run, &args.out, args.format)
        .with_context(|| format!("exporting {} to {}", args.run.display(), args.out.display()))?;
    eprintln!(
        "exported {} users and {} items ({} numbers each, {}) to {}: {}",
        manifest.dataset.users,
        manifest.dataset.items,
        manifest.dimension,
        args.format,
        args.out.display(),
        manifest.files.join(", ")
    );
    if !manifest.exactness.exact {
        eprintln!(
            "note: the export reproduces `{}`, not `sequda audience` with target attention \
             (README.md, \"Exactness\")",
            manifest.exactness.reproduces
        );
    }
    Ok(())
}
