//! What a run report holds, gathered from a run folder (and the runs it is compared with):
//! the data, the curves, the test metrics with intervals, the comparison table, and three
//! questions put to the reopened model (an attention map, generated sequences, an audience).
//! A section that cannot be built (a SASRec run has no GAN) holds the reason instead.

use std::path::PathBuf;

use super::error::ReportError;
use super::intervals::{MetricInterval, metric_intervals};
use crate::analysis::attention::{AttentionMap, HeadChoice, attention_map};
use crate::analysis::audience::audience;
use crate::analysis::audience_verdict::AudienceVerdict;
use crate::analysis::gains::GainsCurve;
use crate::analysis::run_verdict::compare_saved;
use crate::analysis::runs::{SavedRun, read_run};
use crate::data::{DatasetStats, dataset_stats};
use crate::eval::SyntheticQuality;
use crate::eval::{memorisation, mode_collapse, popularity_counts};
use crate::settings::DeviceChoice;
use crate::train::run::{OpenedRun, open_run};
use crate::train::run_folder::read_test_ranks;
use crate::train::tools::generate_from_run;

/// What to put in a report.
#[derive(Clone, Debug)]
pub struct ReportRequest {
    /// The run the report is about.
    pub run: PathBuf,
    /// Runs to compare it with (same data), in table order.
    pub compare: Vec<PathBuf>,
    /// The ad whose audience is charted (a dataset item id); the most popular training item
    /// when `None`.
    pub item: Option<String>,
    /// Synthetic sequences generated for the sample and its monitors.
    pub synthetic_sequences: usize,
    /// Seed of the synthetic sample.
    pub seed: u64,
    /// Where the reopened model runs.
    pub device: DeviceChoice,
}

impl ReportRequest {
    /// A report on `run` alone, with the defaults (200 synthetic sequences, seed 1, CPU).
    pub fn new(run: impl Into<PathBuf>) -> Self {
        Self {
            run: run.into(),
            compare: Vec::new(),
            item: None,
            synthetic_sequences: 200,
            seed: 1,
            device: DeviceChoice::Cpu,
        }
    }
}

/// A section's content, or why it is missing.
pub type Section<T> = Result<T, String>;

/// Everything a report shows, before it is drawn.
pub struct RunReport {
    /// The run, read back (config, summary, curves).
    pub run: SavedRun,
    /// Statistics of its data.
    pub data: DatasetStats,
    /// Test metrics with 95% intervals.
    pub metrics: Section<Vec<MetricInterval>>,
    /// This run and the compared ones (empty without `--compare`).
    pub comparison: Vec<ComparisonRow>,
    /// One user's self-attention map.
    pub attention: Section<AttentionSection>,
    /// Generated sequences and their quality monitors.
    pub synthetic: Section<SyntheticSection>,
    /// One ad's audience gains.
    pub audience: Section<AudienceSection>,
}

/// One row of the comparison table.
pub struct ComparisonRow {
    /// The run, read back.
    pub run: SavedRun,
    /// Against the reported run: "X is 1.2% above Y; significant, p = 0.01", or why not.
    pub verdict: String,
}

/// The attention section: the map and the titles of its items.
pub struct AttentionSection {
    /// User id (the dataset's own).
    pub user: String,
    /// Item titles of the window, oldest first.
    pub labels: Vec<String>,
    /// Last layer, averaged over heads: `len × len`, row-major (query rows).
    pub matrix: Vec<f32>,
    /// The layer shown (0-based) and how many there are.
    pub layer: (usize, usize),
    /// Heads averaged.
    pub heads: usize,
}

/// The synthetic-sequence section.
pub struct SyntheticSection {
    /// The first few sequences: source user, D(x), real prefix length, item titles.
    pub samples: Vec<(String, f32, usize, Vec<String>)>,
    /// Monitors over every generated sequence.
    pub quality: SyntheticQuality,
    /// Whether the monitors flag mode collapse.
    pub mode_collapse: bool,
    /// Whether they flag memorisation.
    pub memorisation: bool,
}

/// The audience section.
pub struct AudienceSection {
    /// The ad: id and title.
    pub item: String,
    /// How users were scored.
    pub scored_by: &'static str,
    /// Held-out cumulative gains of the model's ranking.
    pub model_gains: GainsCurve,
    /// Of ranking the most active users first.
    pub popularity_gains: GainsCurve,
    /// Users ranked.
    pub users: usize,
    /// The verdict on the top 10% (as the window's Audience pane says it).
    pub verdict: String,
    /// The verdict's warning, when the held-out check is small.
    pub warning: Option<String>,
}

/// Sequences shown in the synthetic sample table.
const SYNTHETIC_ROWS: usize = 6;
/// Longest attention window shown (the last positions of a longer history).
const ATTENTION_WINDOW: usize = 20;

/// Gathers the report for `request`: reads the run folders and reopens the run's model.
/// Fails only when the run folder cannot be read or reopened; a section that cannot be built
/// carries its reason.
pub fn gather_report(request: &ReportRequest) -> Result<RunReport, ReportError> {
    let unreadable = |path: &PathBuf| {
        let path = path.clone();
        move |reason: String| ReportError::Run { path, reason }
    };
    let run = read_run(&request.run).map_err(unreadable(&request.run))?;
    let opened = open_run(&request.run, request.device)
        .map_err(|e| unreadable(&request.run)(e.to_string()))?;
    let metrics = read_test_ranks(&request.run)
        .map_err(|e| format!("no test ranks: {e}"))
        .map(|ranks| {
            let ranks: Vec<u32> = ranks.into_iter().map(|(_, rank)| rank).collect();
            metric_intervals(&ranks)
        });
    let mut comparison = Vec::new();
    if !request.compare.is_empty() {
        comparison.push(ComparisonRow {
            run: run.clone(),
            verdict: "the reported run".into(),
        });
        for path in &request.compare {
            let other = read_run(path).map_err(unreadable(path))?;
            let verdict = compare_saved(&run, &other)
                .map_or_else(|e| e.to_string(), |verdict| verdict.sentence());
            comparison.push(ComparisonRow {
                run: other,
                verdict,
            });
        }
    }
    Ok(RunReport {
        data: dataset_stats(&opened.dataset),
        metrics,
        comparison,
        attention: attention_section(&opened),
        synthetic: synthetic_section(&opened, request),
        audience: audience_section(&opened, request.item.as_deref()),
        run,
    })
}

/// The self-attention of the first user whose history fills a window of
/// [`ATTENTION_WINDOW`] items (the longest history when none does).
fn attention_section(run: &OpenedRun) -> Section<AttentionSection> {
    let sequences = &run.split.train;
    let user = sequences
        .iter()
        .position(|s| s.len() >= ATTENTION_WINDOW)
        .or_else(|| {
            (0..sequences.len()).max_by_key(|&u| (sequences[u].len(), std::cmp::Reverse(u)))
        })
        .ok_or("the run has no training sequences")?;
    let user = u32::try_from(user).map_err(|e| e.to_string())?;
    let map = attention_map(&run.view(), user).map_err(|e| e.to_string())?;
    let layer = map
        .layers()
        .checked_sub(1)
        .ok_or("the model has no attention layer")?;
    let matrix = map
        .matrix(layer, HeadChoice::Average)
        .ok_or("the model has no attention head")?;
    let (labels, matrix) = last_window(run, &map, &matrix);
    Ok(AttentionSection {
        user: run.dataset.users.token(user).to_string(),
        labels,
        matrix,
        layer: (layer, map.layers()),
        heads: map.heads,
    })
}

/// The last [`ATTENTION_WINDOW`] positions of a map: their titles and their square of weights.
fn last_window(run: &OpenedRun, map: &AttentionMap, matrix: &[f32]) -> (Vec<String>, Vec<f32>) {
    let n = map.len();
    let first = n.saturating_sub(ATTENTION_WINDOW);
    let labels = map.items[first..]
        .iter()
        .map(|&item| run.item_label(item))
        .collect();
    let mut square = Vec::with_capacity((n - first) * (n - first));
    for row in first..n {
        square.extend_from_slice(&matrix[row * n + first..(row + 1) * n]);
    }
    (labels, square)
}

/// Generated sequences from the run's GAN, with their monitors.
fn synthetic_section(run: &OpenedRun, request: &ReportRequest) -> Section<SyntheticSection> {
    let generated = generate_from_run(run, request.synthetic_sequences.max(1), request.seed)
        .map_err(|e| e.to_string())?;
    let samples = generated
        .sequences
        .iter()
        .take(SYNTHETIC_ROWS)
        .map(|sequence| {
            let source = u32::try_from(sequence.source).unwrap_or(u32::MAX);
            (
                run.dataset.users.token(source).to_string(),
                sequence.d_score,
                sequence.prefix_len,
                sequence
                    .items
                    .iter()
                    .map(|&item| run.item_label(item))
                    .collect(),
            )
        })
        .collect();
    Ok(SyntheticSection {
        samples,
        mode_collapse: mode_collapse(&generated.quality),
        memorisation: memorisation(&generated.quality),
        quality: generated.quality,
    })
}

/// The audience of `item` (the most popular training item when `None`), its gains and the
/// verdict on its top 10%.
fn audience_section(run: &OpenedRun, item: Option<&str>) -> Section<AudienceSection> {
    let index = match item {
        Some(id) => run
            .dataset
            .items
            .index(id)
            .ok_or_else(|| format!("item '{id}' is not in the run's data"))?,
        None => most_popular(&run.split.train, run.dataset.n_items())
            .ok_or("the run has no training interactions")?,
    };
    let ranking = audience(&run.view(), index, true).map_err(|e| e.to_string())?;
    let size = (ranking.ranked.len() / 10).max(1);
    let verdict = AudienceVerdict::of(&ranking, size);
    Ok(AudienceSection {
        item: format!(
            "{} ({})",
            run.dataset.items.token(index),
            run.item_label(index)
        ),
        scored_by: ranking.scored_by.label(),
        users: ranking.ranked.len(),
        verdict: verdict.headline(),
        warning: verdict.warning(),
        model_gains: ranking.model_gains,
        popularity_gains: ranking.popularity_gains,
    })
}

/// The item with the most training interactions (the lowest index among equals); `None`
/// when there are none.
fn most_popular(train: &[Vec<u32>], n_items: usize) -> Option<u32> {
    let counts = popularity_counts(train, n_items);
    let best = (0..counts.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))?;
    (counts[best] > 0)
        .then_some(u32::try_from(best).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::most_popular;

    #[test]
    fn the_most_popular_item_breaks_ties_by_the_lowest_index() {
        assert_eq!(most_popular(&[vec![3, 1], vec![1, 3, 2]], 4), Some(1));
        assert_eq!(most_popular(&[vec![2, 2], vec![0]], 4), Some(2));
        assert_eq!(most_popular(&[], 4), None);
    }
}
