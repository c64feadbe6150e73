//! SeqUDA-Rec training (docs/MODEL.md §3–5): every step optimises
//! `CE + λ_cl·InfoNCE + λ_ta·TA + λ_syn·CE(synthetic)`; each epoch first runs the GAN's own
//! steps, generates and filters synthetic sequences, and (every `views_every` epochs, or
//! before every step with `views_each_step`) draws two new perturbed views (edge and node
//! dropout) of the training graph.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::terms::{head_training_scores, sequence_contrast, sparse, synthetic_term_weight};
use crate::data::Split;
use crate::data::graph::InteractionGraph;
use crate::kernels::spmm::SparseMatrix;
use crate::model::contrastive::info_nce;
use crate::model::inference::{InferenceModel, SeqUdaSnapshot};
use crate::model::sequda::SeqUdaRec;
use crate::rng::SplitMix64;
use crate::settings::SeqUdaConfig;
use crate::settings::TrainConfig;
use crate::train::TrainError;
use crate::train::epochs::Recipe;
use crate::train::epochs::{TrainBatch, length_groups};
use crate::train::epochs::{group_cross_entropy, grouped_cross_entropy, listed_positions};
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
    /// `Â` of the full training graph.
    pub(super) adjacency: Option<SparseMatrix>,
    /// The two perturbed views of the current epochs.
    pub(super) views: Option<(SparseMatrix, SparseMatrix)>,
    pub(super) gan: Option<GanTrainer>,
    /// This epoch's kept synthetic sequences.
    pub(super) synthetic: Vec<Vec<u32>>,
    pub(super) synthetic_cursor: usize,
    /// The last GAN statistics, repeated in every step record of the epoch.
    pub(super) gan_values: LossValues,
    pub(super) rng: SplitMix64,
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
        let model = SeqUdaRec::new(&settings, &config.encoder, n_users, n_items, &autodiff);
        let model = warm_start(model, config, n_users, n_items)?;
        let graph = settings
            .graph
            .then(|| InteractionGraph::from_train(&split.train, n_items));
        let adjacency = match &graph {
            Some(graph) => Some(sparse(&graph.adjacency, device)?),
            None => None,
        };
        let gan = if settings.gan {
            let gan = GanTrainer::new(&settings.gan_settings, split, n_items, device, config.seed)
                .map_err(|e| TrainError::NotEnoughData(format!("GAN: {e}")))?;
            Some(gan)
        } else {
            None
        };
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
            adjacency,
            views: None,
            gan,
            synthetic: Vec::new(),
            synthetic_cursor: 0,
            gan_values: LossValues::new(),
            rng: SplitMix64::for_stream(config.seed, 0x5345_5155),
        })
    }

    /// Draws the two perturbed views of the epoch `epoch`.
    fn new_views(&mut self, epoch: usize) -> Result<(), TrainError> {
        let seed = self.config.seed.wrapping_mul(1_000_003) ^ (epoch as u64) << 1;
        self.new_views_from(seed)
    }

    /// Draws two perturbed views of the training graph from `seed` (the second from `seed | 1`).
    fn new_views_from(&mut self, seed: u64) -> Result<(), TrainError> {
        let Some(graph) = &self.graph else {
            return Ok(());
        };
        let device = self.device.clone().inner();
        let (edges, nodes) = (self.settings.edge_dropout, self.settings.node_dropout);
        let first = graph.perturbed(edges, nodes, seed);
        let second = graph.perturbed(edges, nodes, seed | 1);
        self.views = Some((
            sparse(&first.adjacency, &device)?,
            sparse(&second.adjacency, &device)?,
        ));
        Ok(())
    }

    fn int_tensor(&self, values: Vec<i64>) -> Tensor<1, Int> {
        let len = values.len();
        Tensor::from_data(TensorData::new(values, [len]), &self.device)
    }

    /// InfoNCE over the batch's user nodes and (at most `contrastive_nodes` nodes in all) the
    /// items of its input tokens.
    fn contrastive_term(&mut self, users: &[usize], batches: &[&TrainBatch]) -> Option<Tensor<1>> {
        let (fusion, (first, second)) = (self.model.graph.as_ref()?, self.views.as_ref()?);
        if !self.settings.uses_contrastive() {
            return None;
        }
        let mut nodes: Vec<i64> = users.iter().map(|&u| u as i64).collect();
        let mut seen = vec![false; self.n_items];
        for &token in batches.iter().flat_map(|b| &b.tokens.tokens) {
            if token > 0 && !std::mem::replace(&mut seen[(token - 1) as usize], true) {
                nodes.push((self.n_users as i64) + token - 1);
            }
        }
        if nodes.len() > self.settings.contrastive_nodes {
            for i in (1..nodes.len()).rev() {
                let j = self.rng.below(i as u64 + 1) as usize;
                nodes.swap(i, j);
            }
            nodes.truncate(self.settings.contrastive_nodes);
        }
        let index = self.int_tensor(nodes);
        let items = self.model.graph_item_input();
        let view_a = fusion
            .propagate(items.clone(), first)
            .select(0, index.clone());
        let view_b = fusion.propagate(items, second).select(0, index);
        Some(info_nce(view_a, view_b, self.settings.temperature))
    }

    /// The second view of the sequence contrast, when it is on: the input table
    /// `[n_items + 1, dim]` over the first perturbed graph view with that view's `Z̄`, or the
    /// step's own `table` when there is no view (no graph or no graph contrast).
    fn sequence_view(&self, table: &Tensor<2>) -> Option<(Tensor<2>, Option<Tensor<2>>)> {
        if self.settings.sequence_contrastive_weight <= 0.0 {
            return None;
        }
        let perturbed = self.views.as_ref().and_then(|(first, _)| {
            let z = self.model.graph_embeddings(first)?;
            Some((self.model.input_table(Some((&z, first))), Some(z)))
        });
        Some(perturbed.unwrap_or_else(|| (table.clone(), None)))
    }

    /// One length group's final user states `[users, dim]` twice: from the step's own pass
    /// (`hidden` `[users, len, dim]` over `tokens` `[users, len]`, graph `graph`) and from a
    /// second pass over `view_table` with its own dropout mask.
    fn state_pair(
        &self,
        users: &[usize],
        hidden: Tensor<3>,
        tokens: Tensor<2, Int>,
        graph: Option<&Tensor<2>>,
        view_table: Tensor<2>,
        view_graph: Option<&Tensor<2>>,
    ) -> (Tensor<2>, Tensor<2>) {
        let [rows, len, dim] = hidden.dims();
        let last = hidden
            .slice([0..rows, len - 1..len, 0..dim])
            .reshape([rows, dim]);
        let users = self.int_tensor(users.iter().map(|&u| u as i64).collect());
        let own = self.model.fuse_users(last, graph, users.clone());
        let other = self
            .model
            .user_states(tokens, view_table, view_graph, users);
        (own, other)
    }

    /// Sampled-softmax loss of the target-attention head at each user's last position, the
    /// mean over `users` (one length group: `hidden` `[users, len, dim]`, `tokens`
    /// `[users, len]`; candidates are rows of the output table of `input_table`
    /// `[n_items + 1, dim]`).
    fn target_attention_term(
        &mut self,
        users: &[usize],
        hidden: Tensor<3>,
        tokens: Tensor<2, Int>,
        input_table: &Tensor<2>,
        graph: Option<&Tensor<2>>,
    ) -> Option<Tensor<1>> {
        let head = self.model.target_attention.as_ref()?;
        let negatives = self.settings.target_attention_negatives;
        let [rows, len, dim] = hidden.dims();
        let mut candidates = Vec::with_capacity(rows * (negatives + 1));
        for &user in users {
            let target = self.split.train.get(user).and_then(|s| s.last()).copied()?;
            candidates.push(i64::from(target));
            for _ in 0..negatives {
                candidates.push(self.rng.below(self.n_items as u64) as i64);
            }
        }
        let count = negatives + 1;
        let embedded = self
            .model
            .output_table(input_table)
            .select(0, self.int_tensor(candidates))
            .reshape([rows, count, dim]);
        let last = hidden
            .clone()
            .slice([0..rows, len - 1..len, 0..dim])
            .reshape([rows, dim]);
        let users = self.int_tensor(users.iter().map(|&u| u as i64).collect());
        let states = self.model.fuse_users(last, graph, users);
        let padding = tokens.equal_elem(0);
        let detached = self.settings.target_attention_detached;
        let scores = head_training_scores(head, hidden, padding, states, embedded, detached);
        Some(log_softmax(scores, 1).slice([0..rows, 0..1]).mean().neg())
    }
}

impl Recipe for SeqUdaRecipe<'_> {
    fn begin_epoch(
        &mut self,
        epoch: usize,
        control: &mut Control,
        metrics: &mut MetricsWriter,
    ) -> Result<(), TrainError> {
        if self.settings.uses_contrastive()
            && !self.settings.views_each_step
            && (epoch - 1).is_multiple_of(self.settings.views_every.max(1))
        {
            self.new_views(epoch)?;
        }
        self.run_gan(epoch, control, metrics)
    }

    fn step(&mut self, users: &[usize]) -> Result<LossValues, TrainError> {
        if self.settings.uses_contrastive() && self.settings.views_each_step {
            let seed = self.rng.next_u64() << 1;
            self.new_views_from(seed)?;
        }
        let max_len = self.config.encoder.max_len;
        let groups = length_groups(&self.split.train, users, max_len, self.config.length_groups);
        let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
        let total_positions = listed_positions(batches.iter().copied());
        let hidden_batch = match (&self.graph, &self.adjacency) {
            (Some(graph), Some(_)) if self.settings.hide_batch_users => {
                let device = self.device.clone().inner();
                Some(sparse(&graph.without_users(users).adjacency, &device)?)
            }
            _ => None,
        };
        let adjacency = hidden_batch.as_ref().or(self.adjacency.as_ref());
        // Without fusion `Z̄` feeds only InfoNCE, which propagates its own views.
        let graph = adjacency
            .filter(|_| self.model.reads_graph())
            .and_then(|a| self.model.graph_embeddings(a));
        let table = self.model.input_table(graph.as_ref().zip(adjacency));
        let items = self.model.output_table(&table);
        let view = self.sequence_view(&table);
        // Each group's CE and TA, weighted by its share of the positions and of the rows.
        let mut ce_parts = Vec::new();
        let mut ta_parts = Vec::new();
        let mut state_pairs = Vec::new();
        for group in &groups {
            let tokens = group.batch.tokens.to_tensor(&self.device);
            let hidden = self
                .model
                .encode(tokens.clone(), table.clone(), false)
                .hidden;
            if let Some((view_table, view_graph)) = &view {
                state_pairs.push(self.state_pair(
                    &group.users,
                    hidden.clone(),
                    tokens.clone(),
                    graph.as_ref(),
                    view_table.clone(),
                    view_graph.as_ref(),
                ));
            }
            ce_parts.extend(group_cross_entropy(
                hidden.clone(),
                &group.batch,
                items.clone(),
                total_positions,
                &self.device,
            ));
            let rows_share = group.users.len() as f64 / users.len().max(1) as f64;
            ta_parts.extend(
                self.target_attention_term(&group.users, hidden, tokens, &table, graph.as_ref())
                    .map(|ta| ta.mul_scalar(rows_share)),
            );
        }
        let Some(ce) = ce_parts.into_iter().reduce(|sum, part| sum + part) else {
            return Ok(LossValues::from([("loss".to_string(), 0.0)]));
        };
        let mut losses = self.gan_values.clone();
        let mut total = ce.clone();
        let mut parts = vec![("ce", ce)];
        if let Some(cl) = self.contrastive_term(users, &batches) {
            total = total + cl.clone().mul_scalar(self.settings.contrastive_weight);
            parts.push(("cl", cl));
        }
        // A group whose users lack a target adds nothing; TA is reported only when every
        // group had one, so the logged value is always the mean over the whole batch.
        if ta_parts.len() == groups.len()
            && let Some(ta) = ta_parts.into_iter().reduce(|sum, part| sum + part)
        {
            total = total + ta.clone().mul_scalar(self.settings.target_attention_weight);
            parts.push(("ta", ta));
        }
        if let Some(seq_cl) = sequence_contrast(state_pairs, self.settings.temperature) {
            total = total
                + seq_cl
                    .clone()
                    .mul_scalar(self.settings.sequence_contrastive_weight);
            parts.push(("seq_cl", seq_cl));
        }
        let synthetic = self.synthetic_batch(users.len());
        if let Some((syn, synthetic_positions)) = synthetic.as_ref().and_then(|groups| {
            let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
            let positions = listed_positions(batches.iter().copied());
            grouped_cross_entropy(&batches, &items, &self.device, |tokens| {
                self.model.encode(tokens, table.clone(), false).hidden
            })
            .map(|syn| (syn, positions))
        }) {
            let gan = &self.settings.gan_settings;
            let weight = synthetic_term_weight(
                gan.synthetic_weight,
                gan.synthetic_weighting,
                synthetic_positions,
                total_positions,
            );
            total = total + syn.clone().mul_scalar(weight);
            parts.push(("syn", syn));
        }
        let value = scalar(&total);
        losses.insert("loss".into(), value);
        for (name, part) in parts {
            losses.insert(name.into(), scalar(&part));
        }
        if value.is_finite() {
            let gradients = GradientsParams::from_grads(total.backward(), &self.model);
            self.model =
                self.optimizer
                    .step(self.config.learning_rate, self.model.clone(), gradients);
        }
        Ok(losses)
    }

    fn snapshot(&self) -> InferenceModel {
        InferenceModel::SeqUda(Box::new(SeqUdaSnapshot::new(
            self.model.valid(),
            self.adjacency.as_ref(),
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

fn scalar(tensor: &Tensor<1>) -> f64 {
    tensor
        .clone()
        .try_into_scalar::<f32>()
        .map_or(f64::NAN, f64::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::spmm::sparse_matmul;

    /// 40 users over 20 items, and a small encoder for them.
    fn fixture() -> (Split, TrainConfig) {
        let sequences: Vec<Vec<u32>> = (0..40u32)
            .map(|u| (0..6).map(|t| (u * 3 + t * (1 + u % 3)) % 20).collect())
            .collect();
        let mut config = TrainConfig::default();
        config.encoder.max_len = 8;
        config.encoder.dim = 8;
        (crate::data::leave_one_out(&sequences), config)
    }

    /// The losses of one step over the first 16 users of the fixture, views drawn, with
    /// `settings` (the GAN off).
    fn first_step_losses(settings: SeqUdaConfig) -> LossValues {
        let (split, config) = fixture();
        let users: Vec<usize> = (0..16).collect();
        let settings = SeqUdaConfig {
            gan: false,
            ..settings
        };
        let mut recipe = SeqUdaRecipe::new(&config, settings, &split, 20, &Device::flex())
            .expect("a valid recipe");
        recipe.new_views(1).expect("views");
        recipe.step(&users).expect("a step")
    }

    /// The first perturbed view applied to `[0, 1, 2, …]`: differs when the view's edges do.
    fn first_view_product(recipe: &SeqUdaRecipe<'_>) -> Vec<f32> {
        let (first, _) = recipe.views.as_ref().expect("views drawn");
        let rows = first.n_rows();
        let device = recipe.device.clone().inner();
        let dense = Tensor::<2>::from_data(
            TensorData::new((0..rows).map(|r| r as f32).collect::<Vec<_>>(), [rows, 1]),
            &device,
        );
        sparse_matmul(first, dense)
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32 values")
    }

    #[test]
    fn views_are_drawn_again_every_step_only_when_asked() {
        let (split, config) = fixture();
        let users: Vec<usize> = (0..16).collect();
        for each_step in [false, true] {
            let settings = SeqUdaConfig {
                gan: false,
                edge_dropout: 0.2,
                views_each_step: each_step,
                ..SeqUdaConfig::default()
            };
            let mut recipe = SeqUdaRecipe::new(&config, settings, &split, 20, &Device::flex())
                .expect("a valid recipe");
            recipe.new_views(1).expect("views");
            let before = first_view_product(&recipe);
            let losses = recipe.step(&users).expect("a step");
            assert!(losses.contains_key("cl"), "the contrastive term ran");
            let after = first_view_product(&recipe);
            assert_eq!(before != after, each_step, "each_step = {each_step}");
        }
    }

    #[test]
    fn the_sequence_contrast_joins_the_loss_only_when_weighted() {
        for (weight, graph) in [(0.0, true), (0.5, true), (0.5, false)] {
            let losses = first_step_losses(SeqUdaConfig {
                graph,
                sequence_contrastive_weight: weight,
                ..SeqUdaConfig::default()
            });
            let seq_cl = losses.get("seq_cl").copied();
            if weight > 0.0 {
                let value = seq_cl.expect("the sequence contrast is logged when on");
                // 16 users: a chance-level InfoNCE would be ln 16 ≈ 2.77; any finite positive
                // value shows both passes ran.
                assert!(value.is_finite() && value > 0.0, "seq_cl = {value}");
                let ce = losses["ce"];
                assert!(losses["loss"] > ce, "the weighted term adds to the total");
            } else {
                assert_eq!(seq_cl, None, "off by default");
            }
        }
    }

    #[test]
    fn without_fusion_a_step_still_trains_the_contrast() {
        let losses = first_step_losses(SeqUdaConfig {
            graph_fusion: false,
            ..SeqUdaConfig::default()
        });
        let (ce, cl) = (losses["ce"], losses["cl"]);
        assert!(ce.is_finite() && cl.is_finite() && cl > 0.0, "{losses:?}");
    }
}
