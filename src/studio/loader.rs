//! Loading a dataset on a background task: the file, item titles, statistics, the split and the
//! interaction graph, all at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::baseline::popularity_validation;
use super::tasks::{BackgroundTasks, Task, TaskError};
use crate::analysis::ItemLabels;
use crate::analysis::data_summary::{FilePreview, preview_file, preview_text};
use crate::data::graph::InteractionGraph;
use crate::data::{
    Dataset, DatasetStats, ImportReport, LoadOptions, Split, dataset_stats, leave_one_out,
    load_dataset, load_dataset_bytes, load_item_meta,
};
use crate::eval::RankingMetrics;

/// Bytes of text (decompressed, for a compressed file) a dropped file's preview looks at.
const PREVIEW_TEXT_BYTES: usize = 64 * 1024;
/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 12;

/// What to load.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadRequest {
    /// The interaction log (or the name of dropped bytes).
    pub path: PathBuf,
    /// Contents already in memory (a file dropped without a path).
    pub bytes: Option<Arc<Vec<u8>>>,
    /// Item titles and categories.
    pub items: Option<PathBuf>,
    /// Format and column overrides.
    pub options: LoadOptions,
}

/// A load that failed: what was asked, and why it failed.
#[derive(Clone, Debug, PartialEq)]
pub struct FailedLoad {
    /// The load.
    pub request: LoadRequest,
    /// The loader's message.
    pub message: String,
}

/// A loaded dataset with everything the panes derive from it.
pub struct LoadedData {
    /// Increases with every load, so panes can tell data apart.
    pub generation: u64,
    /// Where it came from.
    pub request: LoadRequest,
    /// The interactions.
    pub dataset: Arc<Dataset>,
    /// Item titles and categories.
    pub labels: ItemLabels,
    /// What the item metadata import reported, when there was a metadata file.
    pub items_report: Option<ImportReport>,
    /// Statistics.
    pub stats: DatasetStats,
    /// The leave-one-out split.
    pub split: Split,
    /// The user–item graph of training interactions.
    pub graph: InteractionGraph,
    /// The file's first rows.
    pub preview: FilePreview,
    /// Seconds the load took.
    pub load_seconds: f64,
    /// Validation metrics of the popularity baseline (`None` for data too large to rank in
    /// full while loading), the reference lines of the validation chart.
    pub popularity_valid: Option<RankingMetrics>,
}

impl LoadedData {
    /// Loads synchronously (the loader thread calls this).
    pub fn load(request: LoadRequest) -> Result<Self, String> {
        static GENERATION: AtomicU64 = AtomicU64::new(1);
        let started = Instant::now();
        let dataset = match &request.bytes {
            Some(bytes) => load_dataset_bytes(&request.path, bytes, &request.options),
            None => load_dataset(&request.path, &request.options),
        }
        .map_err(|e| e.to_string())?;
        let (meta, items_report) = match &request.items {
            Some(path) => {
                let (meta, report) =
                    load_item_meta(path, &dataset.items).map_err(|e| e.to_string())?;
                (Some(meta), Some(report))
            }
            None => (None, None),
        };
        let labels = ItemLabels::new(&dataset, meta.as_ref());
        let stats = dataset_stats(&dataset);
        let split = leave_one_out(&dataset.sequences);
        let graph = InteractionGraph::from_train(&split.train, dataset.n_items());
        let popularity_valid = popularity_validation(&split, &dataset);
        let preview = match &request.bytes {
            Some(bytes) => {
                let text = crate::data::text_head(bytes, PREVIEW_TEXT_BYTES);
                preview_text(&String::from_utf8_lossy(&text), PREVIEW_ROWS)
            }
            None => preview_file(&request.path, PREVIEW_ROWS).unwrap_or_default(),
        };
        Ok(Self {
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            request,
            dataset: Arc::new(dataset),
            labels,
            items_report,
            stats,
            split,
            graph,
            preview,
            load_seconds: started.elapsed().as_secs_f64(),
            popularity_valid,
        })
    }

    /// The file name, for titles.
    pub fn name(&self) -> String {
        file_name(&self.request.path)
    }
}

/// A file name for display.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A load running on a background task.
pub struct LoadJob {
    /// What is being loaded.
    pub request: LoadRequest,
    task: Result<Task<Result<LoadedData, String>>, String>,
}

impl LoadJob {
    /// Starts loading on one of `tasks`.
    pub fn spawn(request: LoadRequest, tasks: &mut BackgroundTasks) -> Self {
        let thread_request = request.clone();
        let task = tasks
            .spawn("loader", move || LoadedData::load(thread_request))
            .map_err(|error| match error {
                TaskError::Spawn { source, .. } => format!("cannot start the loader: {source}"),
                TaskError::Lost { .. } => error.to_string(),
            });
        Self { request, task }
    }

    /// The result, once there is one.
    pub fn poll(&self) -> Option<Result<LoadedData, String>> {
        match &self.task {
            Ok(task) => match task.poll()? {
                Ok(result) => Some(result),
                Err(_) => Some(Err("the loader stopped unexpectedly".into())),
            },
            Err(message) => Some(Err(message.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_load_with_graph_split_and_preview() {
        let text = "user,item,time\nu1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nbad line\n";
        let request = LoadRequest {
            path: "dropped.csv".into(),
            bytes: Some(Arc::new(text.as_bytes().to_vec())),
            ..LoadRequest::default()
        };
        let loaded = LoadedData::load(request).expect("loads");
        assert_eq!(loaded.dataset.n_users(), 2);
        assert_eq!(loaded.split.train[0].len(), 1);
        assert_eq!(loaded.graph.n_items, 3);
        assert_eq!(loaded.preview.rows.len(), 6);
        assert!(!loaded.dataset.report.is_clean());
        assert_eq!(loaded.name(), "dropped.csv");
        let missing = LoadedData::load(LoadRequest {
            path: "/nonexistent/x.csv".into(),
            ..LoadRequest::default()
        });
        assert!(missing.is_err_and(|e| e.contains("x.csv")));
    }
}
