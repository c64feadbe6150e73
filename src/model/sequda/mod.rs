//! SeqUDA-Rec (docs/MODEL.md §3–5): the SASRec encoder with the global user–item graph fused
//! into its input, a contrastive loss over perturbed graph views, GAN-generated training
//! sequences (trained in `train`), and target attention.

pub mod blocks;
pub mod fusion;

use burn::module::Module;
use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor};

pub use blocks::{GraphBlocks, PickedRows, host_blocks};
pub use fusion::GraphFusion;

use crate::kernels::spmm::SparseMatrix;
use crate::model::sasrec::{EncoderOutput, PADDING_TOKEN, SasRec};
use crate::model::target_attention::TargetAttention;
use crate::settings::{EncoderConfig, SeqUdaConfig};

/// The trainable SeqUDA-Rec model.
#[derive(Module, Debug)]
pub struct SeqUdaRec {
    /// The Transformer sequence encoder; its item table `E` scores items.
    pub encoder: SasRec,
    /// The graph fusion (absent in the "without graph" ablation).
    pub graph: Option<GraphFusion>,
    /// The target-attention head (absent when switched off).
    pub target_attention: Option<TargetAttention>,
    graph_fusion: bool,
    user_fusion: bool,
    graph_in_output: bool,
    graph_detaches_items: bool,
}

impl SeqUdaRec {
    /// A fresh model for `n_users` users and `n_items` items.
    pub fn new(
        config: &SeqUdaConfig,
        encoder: &EncoderConfig,
        n_users: usize,
        n_items: usize,
        device: &Device,
    ) -> Self {
        Self {
            encoder: SasRec::new(encoder, n_items, device),
            graph: config.graph.then(|| {
                GraphFusion::new(
                    n_users,
                    encoder.dim,
                    config.graph_layers,
                    config.degree_gate,
                    device,
                )
            }),
            target_attention: config
                .target_attention
                .then(|| TargetAttention::new(encoder.dim, device)),
            graph_fusion: config.graph && config.graph_fusion,
            user_fusion: config.graph && config.user_fusion,
            graph_in_output: config.graph && config.graph_in_output,
            graph_detaches_items: config.graph_detaches_items,
        }
    }

    /// `Z̄` over `adjacency` (`[n_users + n_items, dim]`), or `None` without the graph.
    pub fn graph_embeddings(&self, adjacency: &SparseMatrix) -> Option<Tensor<2>> {
        self.graph
            .as_ref()
            .map(|graph| graph.propagate(self.graph_item_input(), adjacency))
    }

    /// The item rows of `Z̄` alone (`[n_items, dim]`, the rows the input fusion reads),
    /// propagated over the adjacency's `blocks` at about half the sparse work of
    /// [`Self::graph_embeddings`]; `None` without the graph.
    pub fn graph_item_rows(&self, blocks: &GraphBlocks) -> Option<Tensor<2>> {
        self.graph
            .as_ref()
            .map(|graph| graph.propagate_items(self.graph_item_input(), blocks))
    }

    /// The item table `E` `[n_items, dim]` as the graph propagates it: detached when the
    /// graph must not move the item embeddings (`graph_detaches_items`).
    pub fn graph_item_input(&self) -> Tensor<2> {
        let items = self.encoder.item_table();
        if self.graph_detaches_items {
            items.detach()
        } else {
            items
        }
    }

    /// The encoder's input table `[n_items + 1, dim]` (row 0 = padding): the item embeddings,
    /// plus the gated graph term when the graph is fused in (`graph`: `Z̄` and the adjacency
    /// it was propagated over).
    pub fn input_table(&self, graph: Option<(&Tensor<2>, &SparseMatrix)>) -> Tensor<2> {
        let graph_items = match (&self.graph, graph) {
            (Some(fusion), Some((z, adjacency))) if self.graph_fusion => {
                Some((fusion.item_rows(z.clone()), adjacency.row_counts()))
            }
            _ => None,
        };
        self.fused_input_table(graph_items)
    }

    /// [`Self::input_table`] from the item rows of `Z̄` alone (`[n_items, dim]`, e.g. from
    /// [`Self::graph_item_rows`]) with the node degrees `[n_users + n_items]` of the graph they
    /// were propagated over.
    pub fn fused_input_table(&self, graph_items: Option<(Tensor<2>, &[u32])>) -> Tensor<2> {
        let table = self.encoder.item_embedding.weight.val();
        match (&self.graph, graph_items) {
            (Some(fusion), Some((graph_items, degrees))) if self.graph_fusion => {
                let items = self.graph_item_input();
                let term = fusion.item_term(items, graph_items, degrees);
                let [_, dim] = term.dims();
                let padding = Tensor::<2>::zeros([1, dim], &term.device());
                table + Tensor::cat(vec![padding, term], 0)
            }
            _ => table,
        }
    }

    /// Whether [`Self::picked_input_table`] gives the input table's rows that a step reads:
    /// the graph enters only through the input fusion (no user fusion, nothing of it in the
    /// output table) and the item gate does not read the whole graph's degrees.
    pub fn fuses_picked_rows(&self) -> bool {
        self.graph_fusion
            && !self.user_fusion
            && !self.graph_in_output
            && self.graph.as_ref().is_some_and(|g| !g.reads_degrees())
    }

    /// The input table `[n_items + 1, dim]` with the graph term added to the picked items'
    /// rows alone (`picked.items`, cut from `blocks`' graph); the other rows hold the plain
    /// item embeddings, so only a step that reads no other row may use it. Equal to
    /// [`Self::input_table`] on the picked rows when [`Self::fuses_picked_rows`]; the plain
    /// table otherwise.
    pub fn picked_input_table(&self, blocks: &GraphBlocks, picked: &PickedRows) -> Tensor<2> {
        let table = self.encoder.item_embedding.weight.val();
        let fusion = match &self.graph {
            Some(fusion) if self.fuses_picked_rows() => fusion,
            _ => return table,
        };
        let items = self.graph_item_input();
        let Some(graph_rows) = fusion.propagate_picked(items.clone(), blocks, picked) else {
            return table;
        };
        // [picked, dim]
        let term = fusion.item_term(items.select(0, picked.items.clone()), graph_rows, &[]);
        let rows = picked.items.clone().add_scalar(1);
        table.select_assign(0, rows, term, IndexingUpdateOp::Add)
    }

    /// The `[n_items, dim]` table user states score against: the plain item embeddings `E`,
    /// or the item rows of `input_table` (`[n_items + 1, dim]`, `E` plus the graph term) when
    /// `graph_in_output` is on.
    pub fn output_table(&self, input_table: &Tensor<2>) -> Tensor<2> {
        if self.graph_in_output {
            let [rows, dim] = input_table.dims();
            input_table.clone().slice([1..rows, 0..dim])
        } else {
            self.encoder.item_table()
        }
    }

    /// Encodes left-padded tokens `[batch, len]` with the given input table.
    pub fn encode(
        &self,
        tokens: Tensor<2, Int>,
        input_table: Tensor<2>,
        keep_attention: bool,
    ) -> EncoderOutput {
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        let embedded = self.encoder.embed_with_table(tokens, input_table);
        self.encoder
            .encode_embedded(embedded, padding, keep_attention)
    }

    /// The user states `[batch, dim]` after the last position, with the user's graph
    /// embedding fused in when that is switched on (`users` `[batch]` dense indices).
    pub fn user_states(
        &self,
        tokens: Tensor<2, Int>,
        input_table: Tensor<2>,
        graph: Option<&Tensor<2>>,
        users: Tensor<1, Int>,
    ) -> Tensor<2> {
        let padding = tokens.clone().equal_elem(PADDING_TOKEN);
        let embedded = self.encoder.embed_with_table(tokens, input_table);
        let last = self.encoder.encode_last_embedded(embedded, padding);
        self.fuse_users(last, graph, users)
    }

    /// Adds the user graph term to states `[batch, dim]` when user fusion is on.
    pub fn fuse_users(
        &self,
        states: Tensor<2>,
        graph: Option<&Tensor<2>>,
        users: Tensor<1, Int>,
    ) -> Tensor<2> {
        match (&self.graph, graph, self.user_fusion) {
            (Some(fusion), Some(z), true) => {
                let rows = fusion.user_rows(z.clone(), users);
                fusion.fuse_users(states, rows)
            }
            _ => states,
        }
    }

    /// Whether the sequence model reads `Z̄` (the graph term in its input table or the user
    /// state); without that the graph only serves the contrastive loss.
    pub fn reads_graph(&self) -> bool {
        self.graph.is_some() && (self.graph_fusion || self.user_fusion)
    }

    /// Whether the user state includes the user's graph embedding.
    pub fn uses_user_fusion(&self) -> bool {
        self.user_fusion
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::graph::InteractionGraph;
    use burn::optim::GradientsParams;
    use burn::tensor::TensorData;

    fn values(tensor: Tensor<2>) -> Vec<f32> {
        tensor
            .into_data()
            .try_into_vec::<f32>()
            .expect("f32 values")
    }

    /// A one-block encoder of width 8 and the graph of two users over three items (user 0:
    /// items 0, 1; user 1: items 1, 2) on `device`.
    fn two_users_three_items(device: &Device) -> (EncoderConfig, SparseMatrix) {
        let encoder = EncoderConfig {
            max_len: 4,
            dim: 8,
            blocks: 1,
            heads: 1,
            dropout: 0.0,
            ..EncoderConfig::default()
        };
        let graph = InteractionGraph::from_train(&[vec![0, 1], vec![1, 2]], 3);
        let adjacency = SparseMatrix::new(&graph.adjacency, device).expect("valid graph");
        (encoder, adjacency)
    }

    #[test]
    fn the_picked_input_table_equals_the_whole_one_on_the_picked_rows() {
        let device = Device::flex().autodiff();
        device.seed(4);
        let (encoder, adjacency) = two_users_three_items(&device);
        let graph = InteractionGraph::from_train(&[vec![0, 1], vec![1, 2]], 3);
        let host = host_blocks(&graph.adjacency, 2);
        let blocks = GraphBlocks::upload(&host[0], &host[1], &device).expect("valid blocks");
        let picked = PickedRows::new([&host[0], &host[1]], &[], &[2, 0], &device).expect("rows");
        let model = SeqUdaRec::new(&SeqUdaConfig::default(), &encoder, 2, 3, &device);
        assert!(model.fuses_picked_rows());
        // Table rows of items 2 and 0 (row 0 is padding), then item 1's row.
        let index =
            |rows: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(rows, [2]), &device);
        let read = |table: Tensor<2>| {
            let rows = table.clone().select(0, index(vec![3, 1]));
            let grads = rows.clone().powi_scalar(2).sum().backward();
            let item_grad = model.encoder.item_embedding.weight.grad(&grads);
            (
                values(rows),
                item_grad.map(values).unwrap_or_default(),
                table,
            )
        };
        let z = model.graph_embeddings(&adjacency);
        let (whole, whole_grad, _) = read(model.input_table(z.as_ref().map(|z| (z, &adjacency))));
        let (part, part_grad, table) = read(model.picked_input_table(&blocks, &picked));
        assert!(!whole_grad.is_empty());
        for (what, a, b) in [
            ("rows", &part, &whole),
            ("item gradients", &part_grad, &whole_grad),
        ] {
            assert_eq!(a.len(), b.len(), "{what}");
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() <= 1e-5, "{what}: {x} vs {y}");
            }
        }
        // The unpicked item 1 keeps its plain embedding.
        let plain = model
            .encoder
            .item_embedding
            .weight
            .val()
            .select(0, index(vec![2, 2]));
        let unpicked = table.select(0, index(vec![2, 2]));
        assert_eq!(values(unpicked), values(plain));
    }

    #[test]
    fn output_table_carries_the_graph_term_only_when_asked() {
        let device = Device::flex();
        device.seed(3);
        let (encoder, adjacency) = two_users_three_items(&device);
        for graph_in_output in [false, true] {
            let settings = SeqUdaConfig {
                graph_in_output,
                ..SeqUdaConfig::default()
            };
            let model = SeqUdaRec::new(&settings, &encoder, 2, 3, &device);
            let z = model.graph_embeddings(&adjacency);
            let input = model.input_table(z.as_ref().map(|z| (z, &adjacency)));
            let output = values(model.output_table(&input));
            let plain = values(model.encoder.item_table());
            let fused = values(input.slice([1..4, 0..8]));
            assert_eq!(output.len(), 3 * 8);
            assert_ne!(plain, fused, "the graph term must change the input table");
            let expected = if graph_in_output { &fused } else { &plain };
            assert_eq!(&output, expected, "graph_in_output = {graph_in_output}");
        }
    }

    #[test]
    fn a_detaching_graph_trains_its_own_tables_but_never_moves_the_item_table() {
        let device = Device::flex().autodiff();
        device.seed(4);
        let (encoder, adjacency) = two_users_three_items(&device);
        for graph_detaches_items in [false, true] {
            let settings = SeqUdaConfig {
                graph_detaches_items,
                ..SeqUdaConfig::default()
            };
            let model = SeqUdaRec::new(&settings, &encoder, 2, 3, &device);
            let z = model.graph_embeddings(&adjacency).expect("a graph");
            // Only the graph term: the input table without the plain item embeddings.
            let term = model.input_table(Some((&z, &adjacency)))
                - model.encoder.item_embedding.weight.val();
            let grads = (term.sum() + z.sum()).backward();
            let items = model.encoder.item_embedding.weight.grad(&grads);
            let moved = items.is_some_and(|g| g.abs().sum().into_scalar::<f32>() > 0.0);
            assert_eq!(moved, !graph_detaches_items, "{graph_detaches_items}");
            let fusion = model.graph.as_ref().expect("fusion");
            let learned = GradientsParams::from_grads(grads, fusion);
            assert!(
                !learned.is_empty(),
                "the graph's own tables learn either way"
            );
        }
    }

    #[test]
    fn without_fusion_the_graph_only_feeds_the_contrast_yet_still_reaches_the_item_table() {
        let device = Device::flex().autodiff();
        device.seed(5);
        let (encoder, adjacency) = two_users_three_items(&device);
        for graph_fusion in [true, false] {
            let settings = SeqUdaConfig {
                graph_fusion,
                ..SeqUdaConfig::default()
            };
            let model = SeqUdaRec::new(&settings, &encoder, 2, 3, &device);
            assert_eq!(model.reads_graph(), graph_fusion);
            let z = model.graph_embeddings(&adjacency).expect("a graph");
            let input = values(model.input_table(Some((&z, &adjacency))));
            let plain = values(model.encoder.item_embedding.weight.val());
            assert_eq!(input == plain, !graph_fusion, "{graph_fusion}");
            // What InfoNCE backpropagates through: `Z̄` still moves `E`.
            let grads = z.sum().backward();
            let items = model.encoder.item_embedding.weight.grad(&grads);
            assert!(items.is_some_and(|g| g.abs().sum().into_scalar::<f32>() > 0.0));
        }
    }
}
