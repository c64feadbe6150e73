//! SeqUDA-Rec training (docs/MODEL.md §3–5): every step optimises
//! `CE + λ_cl·InfoNCE + λ_ta·TA + λ_syn·CE(synthetic)`; each epoch first runs the GAN's own
//! steps, generates and filters synthetic sequences, and (every `views_every` epochs, or
//! before every step with `views_each_step`) draws two new perturbed views (edge and node
//! dropout) of the training graph.

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::tensor::Device;

use super::same_target_index::SameTargetIndex;
use super::views::GraphView;
use crate::data::Split;
use crate::data::graph::InteractionGraph;
use crate::model::dropout::seed_dropout;
use crate::model::inference::{InferenceModel, SeqUdaSnapshot};
use crate::model::sequda::SeqUdaRec;
use crate::rng::SplitMix64;
use crate::settings::SeqUdaConfig;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::epochs::{LossPlan, Recipe, StepLosses};
use crate::train::run_folder::{
    DISCRIMINATOR_FILE, DISCRIMINATOR_OPTIMIZER_FILE, GENERATOR_FILE, GENERATOR_OPTIMIZER_FILE,
    MetricsWriter, RunDir,
};
use crate::train::run_folder::{
    load_checkpoint, restore_optimizer, save_checkpoint, save_optimizer, warm_start,
};
use crate::train::session::Control;
use crate::train::session::LossValues;
use crate::train::trainers::gan::GanTrainer;
use crate::train::trainers::new_optimizer;

/// Synthetic sequences shown per epoch in the window (all kept ones train the model).
pub(super) const SAMPLES_SHOWN: usize = 200;

/// The SeqUDA-Rec recipe.
pub struct SeqUdaRecipe<'a> {
    pub(super) model: SeqUdaRec,
    pub(super) optimizer: ModuleOptimizer,
    /// Autodiff device.
    pub(super) device: Device,
    pub(super) split: &'a Split,
    pub(super) config: &'a TrainConfig,
    pub(super) settings: SeqUdaConfig,
    pub(super) n_users: usize,
    pub(super) n_items: usize,
    pub(super) graph: Option<InteractionGraph>,
    /// `Â` of the full training graph, with its user–item blocks.
    pub(super) training_graph: Option<GraphView>,
    /// The two perturbed views of the current epochs.
    pub(super) views: Option<(GraphView, GraphView)>,
    pub(super) gan: Option<GanTrainer>,
    /// This epoch's kept synthetic sequences.
    pub(super) synthetic: Vec<Vec<u32>>,
    pub(super) synthetic_cursor: usize,
    /// The last GAN statistics, repeated in every step record of the epoch.
    pub(super) gan_values: LossValues,
    pub(super) rng: SplitMix64,
    /// Full or sampled softmax for the next-item terms, with the sampler's state.
    pub(super) loss: LossPlan,
    /// The training prefixes by next item, when the same-target contrast is on.
    pub(super) same_target: Option<SameTargetIndex>,
}

impl<'a> SeqUdaRecipe<'a> {
    /// A fresh model with settings `settings` (the variant's) on `device`.
    pub fn new(
        config: &'a TrainConfig,
        settings: SeqUdaConfig,
        split: &'a Split,
        n_items: usize,
        device: &Device,
    ) -> Result<Self, TrainError> {
        config.encoder.validate()?;
        settings.validate()?;
        let n_users = split.train.len();
        let autodiff = device.clone().autodiff();
        autodiff.seed(config.seed);
        seed_dropout(config.seed);
        let model = SeqUdaRec::new(&settings, &config.encoder, n_users, n_items, &autodiff);
        let model = warm_start(model, config, n_users, n_items)?;
        let graph = settings
            .graph
            .then(|| InteractionGraph::from_train(&split.train, n_items));
        let training_graph = match &graph {
            Some(graph) => Some(GraphView::new(graph, device)?),
            None => None,
        };
        let gan = if settings.gan {
            let gan = GanTrainer::new(&settings.gan_settings, split, n_items, device, config.seed)
                .map_err(|e| TrainError::NotEnoughData(format!("GAN: {e}")))?;
            Some(gan)
        } else {
            None
        };
        let same_target = (settings.same_target_weight > 0.0)
            .then(|| SameTargetIndex::new(&split.train, n_items));
        Ok(Self {
            model,
            optimizer: new_optimizer(),
            device: autodiff,
            split,
            config,
            settings,
            n_users,
            n_items,
            graph,
            training_graph,
            views: None,
            gan,
            synthetic: Vec::new(),
            synthetic_cursor: 0,
            gan_values: LossValues::new(),
            rng: SplitMix64::for_stream(config.seed, 0x5345_5155),
            loss: LossPlan::new(config, &split.train, n_items),
            same_target,
        })
    }

    /// Draws the two perturbed views of the epoch `epoch`.
    pub(super) fn new_views(&mut self, epoch: usize) -> Result<(), TrainError> {
        let seed = self.config.seed.wrapping_mul(1_000_003) ^ (epoch as u64) << 1;
        self.new_views_from(seed)
    }

    /// Draws two perturbed views of the training graph from `seed` (the second from `seed | 1`).
    pub(super) fn new_views_from(&mut self, seed: u64) -> Result<(), TrainError> {
        let Some(graph) = &self.graph else {
            return Ok(());
        };
        let device = self.device.clone().inner();
        let (edges, nodes) = (self.settings.edge_dropout, self.settings.node_dropout);
        let first = graph.perturbed(edges, nodes, seed);
        let second = graph.perturbed(edges, nodes, seed | 1);
        self.views = Some((
            GraphView::new(&first, &device)?,
            GraphView::new(&second, &device)?,
        ));
        Ok(())
    }
}

impl Recipe for SeqUdaRecipe<'_> {
    fn begin_epoch(
        &mut self,
        epoch: usize,
        control: &mut Control,
        metrics: &mut MetricsWriter,
    ) -> Result<(), TrainError> {
        self.loss.begin_epoch(epoch);
        if self.settings.uses_contrastive()
            && !self.settings.views_each_step
            && (epoch - 1).is_multiple_of(self.settings.views_every.max(1))
        {
            self.new_views(epoch)?;
        }
        self.run_gan(epoch, control, metrics)
    }

    fn step(&mut self, users: &[usize], rate: f64) -> Result<StepLosses, TrainError> {
        self.train_step(users, rate)
    }

    fn snapshot(&self) -> InferenceModel {
        InferenceModel::SeqUda(Box::new(SeqUdaSnapshot::new(
            self.model.valid(),
            self.training_graph.as_ref().map(|g| &g.adjacency),
            self.settings.rerank_top,
        )))
    }

    /// The model's weights and its optimiser's state, and the GAN's generator and
    /// discriminator with their optimisers and its schedule at that epoch (each when the run
    /// saved it).
    fn resume(&mut self, run_dir: &RunDir, best_epoch: usize) -> Result<(), TrainError> {
        self.model = load_checkpoint(self.model.clone(), &run_dir.checkpoint_path())?;
        restore_optimizer(&mut self.optimizer, &run_dir.optimizer_path())?;
        let (generator, discriminator) = (
            run_dir.root().join(GENERATOR_FILE),
            run_dir.root().join(DISCRIMINATOR_FILE),
        );
        match &mut self.gan {
            Some(gan) if generator.is_file() && discriminator.is_file() => {
                gan.restore(
                    |g, d| {
                        Ok::<_, TrainError>((
                            load_checkpoint(g, &generator)?,
                            load_checkpoint(d, &discriminator)?,
                        ))
                    },
                    best_epoch,
                )?;
                let root = run_dir.root();
                let (generator, discriminator) = gan.optimizers_mut();
                restore_optimizer(generator, &root.join(GENERATOR_OPTIMIZER_FILE))?;
                restore_optimizer(discriminator, &root.join(DISCRIMINATOR_OPTIMIZER_FILE))
            }
            _ => Ok(()),
        }
    }

    fn save(&self, snapshot: &InferenceModel, run_dir: &RunDir) -> Result<(), TrainError> {
        if let InferenceModel::SeqUda(snapshot) = snapshot {
            save_checkpoint(&snapshot.model, &run_dir.checkpoint_path())?;
            save_optimizer(&self.optimizer, &run_dir.optimizer_path())?;
        }
        if let Some(gan) = &self.gan {
            let root = run_dir.root();
            save_checkpoint(&gan.generator(), &root.join(GENERATOR_FILE))?;
            save_checkpoint(&gan.discriminator(), &root.join(DISCRIMINATOR_FILE))?;
            let (generator, discriminator) = gan.optimizers();
            save_optimizer(generator, &root.join(GENERATOR_OPTIMIZER_FILE))?;
            save_optimizer(discriminator, &root.join(DISCRIMINATOR_OPTIMIZER_FILE))?;
        }
        Ok(())
    }
}
