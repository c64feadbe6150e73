//! The tables one SeqUDA-Rec step reads (docs/MODEL.md §3): the graph-fused input table,
//! built from as few graph rows as the step's terms allow, the output table and the step's loss.

use burn::tensor::Tensor;

use super::trainer::SeqUdaRecipe;
use super::views::GraphView;
use crate::train::TrainError;
use crate::train::epochs::{LengthGroup, StepLoss, TrainBatch, listed_positions};

/// What every length group of a step reads.
pub(super) struct StepTables {
    /// `[n_items + 1, dim]` input table (graph-fused when the model reads the graph; only the
    /// rows of the step's input items when the step reads no other).
    pub(super) table: Tensor<2>,
    /// `[n_items, dim]` output table that scores items.
    pub(super) items: Tensor<2>,
    /// `Z̄` `[n_users + n_items, dim]` of the step's graph, when the model reads its user rows
    /// (user fusion); the input fusion alone reads only item rows, propagated by themselves.
    pub(super) graph: Option<Tensor<2>>,
    /// Positions with a target in the whole batch.
    pub(super) total_positions: usize,
    /// The step's next-item loss (full, or sampled with its shared negatives).
    pub(super) loss: StepLoss,
}

impl SeqUdaRecipe<'_> {
    /// The step's tables for the batch `groups` and its `synthetic` rows: the graph with the
    /// batch's own users hidden when asked, the input and output tables over it, and the
    /// step's loss (for the sampled loss, the negatives drawn for the whole batch and embedded
    /// from the output table).
    pub(super) fn step_tables(
        &mut self,
        users: &[usize],
        groups: &[LengthGroup],
        synthetic: Option<&[LengthGroup]>,
    ) -> Result<StepTables, TrainError> {
        let total_positions = listed_positions(groups.iter().map(|g| &g.batch));
        let hidden_batch = match (&self.graph, &self.training_graph) {
            (Some(graph), Some(_)) if self.settings.hide_batch_users => {
                let device = self.device.clone().inner();
                Some(GraphView::new(&graph.without_users(users), &device)?)
            }
            _ => None,
        };
        let view = hidden_batch.as_ref().or(self.training_graph.as_ref());
        // Without fusion `Z̄` feeds only InfoNCE, which propagates its own views.
        let (graph, table) = match view {
            Some(view) if self.model.reads_graph() => {
                let read = groups.iter().chain(synthetic.unwrap_or_default());
                self.graph_tables(view, read.map(|g| &g.batch))?
            }
            _ => (None, self.model.input_table(None)),
        };
        let items = self.model.output_table(&table);
        let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
        let loss = self.loss.for_step(&batches, &items, &self.device);
        Ok(StepTables {
            table,
            items,
            graph,
            total_positions,
            loss,
        })
    }

    /// `Z̄` (when something reads its user rows) and the input table over `view`, for a step
    /// whose encoder reads the input tokens of `read`.
    fn graph_tables<'b>(
        &self,
        view: &GraphView,
        read: impl Iterator<Item = &'b TrainBatch>,
    ) -> Result<(Option<Tensor<2>>, Tensor<2>), TrainError> {
        // The same-target contrast encodes other users' prefixes, so it needs every row.
        if self.model.fuses_picked_rows() && self.settings.same_target_weight <= 0.0 {
            // Ascending, so the picked block's rows (and its backward sums) keep one order.
            let mut items = input_items(read, self.n_items);
            items.sort_unstable();
            let picked = view.picked(&[], &items)?;
            return Ok((None, self.model.picked_input_table(&view.blocks, &picked)));
        }
        if !self.model.uses_user_fusion() {
            let items = self.model.graph_item_rows(&view.blocks);
            let degrees = view.adjacency.row_counts();
            let table = self.model.fused_input_table(items.map(|i| (i, degrees)));
            return Ok((None, table));
        }
        let graph = self.model.graph_embeddings(&view.adjacency);
        let table = self
            .model
            .input_table(graph.as_ref().map(|z| (z, &view.adjacency)));
        Ok((graph, table))
    }
}

/// The distinct items (0-based) among the input tokens of `batches`, in the order they first
/// appear, in a catalogue of `n_items`.
pub(super) fn input_items<'b>(
    batches: impl Iterator<Item = &'b TrainBatch>,
    n_items: usize,
) -> Vec<usize> {
    let mut seen = vec![false; n_items];
    let mut items = Vec::new();
    for &token in batches.flat_map(|b| &b.tokens.tokens) {
        let item = usize::try_from(token - 1).ok();
        if let Some((item, flag)) = item.and_then(|i| Some((i, seen.get_mut(i)?)))
            && !std::mem::replace(flag, true)
        {
            items.push(item);
        }
    }
    items
}
