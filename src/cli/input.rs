//! Reading the interaction file a subcommand names, with the column flags it was given.

use std::path::Path;

use sequda::data::{Dataset, LoadOptions, load_dataset};

use super::args::InputArgs;

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
