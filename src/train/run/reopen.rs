//! Reopening a finished run folder: its data, split and best checkpoint, for `eval`,
//! `recommend` and the window.

use std::path::{Path, PathBuf};

use super::models::load_inference;
use super::split::training_split;
use crate::data::{Dataset, ItemMeta, Split, hash_label, load_dataset, load_item_meta};
use crate::eval::{
    EvalCase, EvalOptions, EvalOutcome, PopularityScorer, Protocol, Scorer, evaluate,
    popularity_counts, top_k,
};
use crate::model::inference::InferenceModel;
use crate::settings::DeviceChoice;
use crate::settings::{DataSource, RunConfig};
use crate::train::TrainError;
use crate::train::device::{SelectedDevice, select_device};
use crate::train::epochs::ModelScorer;
use crate::train::epochs::{CaseInputs, SplitPart};
use crate::train::run_folder::read_resume_point;
use crate::train::run_folder::staging;
use crate::train::run_folder::{CHECKPOINT_FILE, RunDir};
use crate::train::run_folder::{TEST_RANKS_FILE, write_test_ranks};
use crate::train::session::ModelView;
use crate::train::tools::EvalGraph;
use crate::train::trainers::graph_adjacency;

/// A run folder with everything needed to query it.
pub struct OpenedRun {
    /// The folder.
    pub dir: RunDir,
    /// Its `config.toml`.
    pub config: RunConfig,
    /// The data it was trained on, loaded again.
    pub dataset: Dataset,
    /// Item titles and categories, when the run named a metadata file.
    pub meta: Option<ItemMeta>,
    /// The leave-one-out split.
    pub split: Split,
    /// The best checkpoint (None for the popularity model).
    pub inference: Option<InferenceModel>,
    /// Where the model runs.
    pub device: SelectedDevice,
}

/// Loads a run's data again as it read it, failing when the file changed since: other user,
/// item or interaction counts, or (for a run that kept it) another content hash.
pub fn reload_dataset(source: &DataSource) -> Result<Dataset, TrainError> {
    let data_path = PathBuf::from(&source.path);
    let dataset = load_dataset(&data_path, &source.load_options()?)?;
    if dataset.n_users() != source.users
        || dataset.n_items() != source.items_count
        || dataset.n_interactions() != source.interactions
    {
        return Err(TrainError::Mismatch(format!(
            "{} changed since the run was made ({} users, {} items, {} interactions then; {} / {} / {} now)",
            data_path.display(),
            source.users,
            source.items_count,
            source.interactions,
            dataset.n_users(),
            dataset.n_items(),
            dataset.n_interactions()
        )));
    }
    let hash = dataset.content_hash.map(hash_label);
    if let Some(stored) = &source.content_hash
        && hash.as_ref() != Some(stored)
    {
        return Err(TrainError::Mismatch(format!(
            "{} changed since the run was made: its content differs (the same {} users, {} \
             items and {} interactions, but other bytes: {} then, {} now)",
            data_path.display(),
            source.users,
            source.items_count,
            source.interactions,
            stored,
            hash.as_deref().unwrap_or("none")
        )));
    }
    Ok(dataset)
}

/// Opens `dir`, reloading its data and checkpoint on the chosen device.
pub fn open_run(dir: &Path, device: DeviceChoice) -> Result<OpenedRun, TrainError> {
    let run_dir = RunDir::new(dir);
    let config = run_dir.read_config()?;
    let dataset = reload_dataset(&config.data)?;
    let meta = match &config.data.items {
        Some(path) => Some(load_item_meta(Path::new(path), &dataset.items)?.0),
        None => None,
    };
    let split = training_split(
        &dataset.sequences,
        config.train.drop_train_share,
        config.train.seed,
    );
    let device = select_device(device)?;
    let inference = load_inference(
        &config.train,
        &split,
        dataset.n_items(),
        &best_checkpoint_file(&run_dir, CHECKPOINT_FILE),
        &device.device,
    )?;
    Ok(OpenedRun {
        dir: run_dir,
        config,
        dataset,
        meta,
        split,
        inference,
        device,
    })
}

/// The checkpoint file `name` of `run`'s best epoch, moving nothing: that of the epoch its log
/// calls best, which a run cut while saving its checkpoint may still hold in the staging
/// folder ([`staging::readable_file`]).
fn best_checkpoint_file(run: &RunDir, name: &str) -> PathBuf {
    if !run.root().join(staging::STAGING_DIR).is_dir() {
        return run.root().join(name);
    }
    let logged_best = std::fs::read_to_string(run.metrics_path())
        .ok()
        .and_then(|text| read_resume_point(&text).ok())
        .map(|(point, _)| point.best_epoch);
    staging::readable_file(run, name, logged_best)
}

/// The refusal of `--graph GRAPH` for a run whose model `model` has no graph.
fn graphless(run: &RunDir, model: &str, graph: EvalGraph) -> TrainError {
    TrainError::Mismatch(format!(
        "{}: a '{model}' run has no user–item graph, so the graph '{}' cannot change its \
         scores; --graph applies to SeqUDA-Rec runs with their graph",
        run.root().display(),
        graph.name()
    ))
}

impl OpenedRun {
    /// The checkpoint file `name` (e.g. a GAN file) of the run's best epoch, wherever it
    /// lies: staged still, when the run was cut while moving it in.
    pub fn checkpoint_file(&self, name: &str) -> PathBuf {
        best_checkpoint_file(&self.dir, name)
    }

    /// A scorer for this run's model.
    pub fn scorer(&self) -> Box<dyn Scorer + '_> {
        match &self.inference {
            Some(model) => Box::new(ModelScorer::new(model)),
            None => Box::new(PopularityScorer::new(popularity_counts(
                &self.split.train,
                self.dataset.n_items(),
            ))),
        }
    }

    /// Whether the run's model propagates over the user–item graph (SeqUDA-Rec with its graph).
    pub fn has_graph(&self) -> bool {
        matches!(&self.inference, Some(InferenceModel::SeqUda(snapshot)) if snapshot.graph.is_some())
    }

    /// Propagates a SeqUDA-Rec model over the graph `graph` names for evaluating `part`
    /// (`sequda eval --graph`). The training graph is every run's own; another graph for a run
    /// without one is refused, so a report never names a graph that was not used.
    pub fn use_eval_graph(&mut self, graph: EvalGraph, part: SplitPart) -> Result<(), TrainError> {
        if graph == EvalGraph::Train {
            return Ok(());
        }
        let snapshot = match self.inference.as_mut() {
            Some(InferenceModel::SeqUda(snapshot)) if snapshot.graph.is_some() => snapshot,
            _ => {
                let model = self.config.train.model.name();
                return Err(graphless(&self.dir, model, graph));
            }
        };
        let sequences = graph.sequences(&self.split, part);
        let adjacency = graph_adjacency(&sequences, self.dataset.n_items(), &self.device.device)?;
        snapshot.regraph(&adjacency);
        Ok(())
    }

    /// Writes `outcome`'s ranks as the run's `test_ranks.json`, for `sequda compare`, when a
    /// run has none (e.g. it was cut before testing). `outcome` must be this run's full-ranking
    /// test evaluation; an existing file is never overwritten. Returns the file written.
    pub fn save_test_ranks(&self, outcome: &EvalOutcome) -> Result<PathBuf, TrainError> {
        let path = self.dir.root().join(TEST_RANKS_FILE);
        if path.exists() {
            return Err(TrainError::file(
                &path,
                "already exists (training wrote it); remove it first to replace it",
            ));
        }
        let inputs = CaseInputs::new(&self.split, SplitPart::Test);
        if outcome.protocol != Protocol::Full || inputs.users.len() != outcome.ranks.len() {
            return Err(TrainError::Mismatch(format!(
                "{}: only a full-ranking test evaluation of this run can be saved as its test ranks",
                self.dir.root().display()
            )));
        }
        write_test_ranks(&self.dir, &inputs.users, &outcome.ranks)?;
        Ok(path)
    }

    /// Evaluates one split part under one protocol.
    pub fn evaluate(
        &self,
        part: SplitPart,
        protocol: Protocol,
        seed: u64,
    ) -> Result<EvalOutcome, TrainError> {
        let inputs = CaseInputs::new(&self.split, part);
        let cases = inputs.cases(&self.dataset.sequences);
        let popularity = popularity_counts(&self.split.train, self.dataset.n_items());
        let options = EvalOptions {
            protocol,
            seed,
            ..EvalOptions::default()
        };
        let mut scorer = self.scorer();
        Ok(evaluate(
            scorer.as_mut(),
            &cases,
            &options,
            Some(&popularity),
            &mut |_, _| true,
        )?)
    }

    /// The next `k` items for `user` given their whole history (best first).
    pub fn recommend(
        &self,
        user: u32,
        k: usize,
        include_seen: bool,
    ) -> Result<Vec<(u32, f32)>, TrainError> {
        let history = self
            .dataset
            .sequences
            .get(user as usize)
            .map_or(&[][..], Vec::as_slice);
        let case = EvalCase {
            user,
            history,
            target: history.last().copied().unwrap_or(0),
            touched: history,
        };
        let mut scorer = self.scorer();
        let mut lists = top_k(
            scorer.as_mut(),
            &[case],
            k,
            !include_seen,
            &EvalOptions::default(),
        )?;
        Ok(lists.pop().unwrap_or_default())
    }

    /// A read-only view for queries (the same shape the live session lends).
    pub fn view(&self) -> ModelView<'_> {
        ModelView {
            model: self.inference.as_ref(),
            dataset: &self.dataset,
            split: &self.split,
            epoch: self.config_best_epoch(),
        }
    }

    fn config_best_epoch(&self) -> usize {
        self.dir.read_summary().map_or(0, |s| s.best_epoch)
    }

    /// An item's title (or its id when there is no metadata).
    pub fn item_label(&self, item: u32) -> String {
        match &self.meta {
            Some(meta) => meta.title(item, &self.dataset.items),
            None => self.dataset.items.token(item).to_string(),
        }
    }
}
