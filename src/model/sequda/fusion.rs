//! The global graph side of SeqUDA-Rec (docs/MODEL.md §3): LightGCN propagation of user and item
//! embeddings over the normalised adjacency, and gated fusion into the encoder input (and,
//! optionally, the user state).

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Initializer, Linear, LinearConfig};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::{GraphBlocks, PickedRows};
use crate::kernels::spmm::{SparseMatrix, sparse_matmul};
use crate::model::block::xavier;

/// User table, projections and gates of the graph fusion.
#[derive(Module, Debug)]
pub struct GraphFusion {
    /// `[n_users, dim]`: U, the user table only the graph uses.
    users: Embedding,
    /// W: projects graph embeddings before fusion.
    item_projection: Linear,
    /// `[E ; W Z̄] → gate` for items, or `[E ; W Z̄ ; δ] → gate` with the degree feature δ.
    item_gate: Linear,
    /// W′ for the optional user fusion.
    user_projection: Linear,
    /// `[h ; W′ Z̄_u] → gate` for users.
    user_gate: Linear,
    layers: usize,
    n_users: usize,
    /// Whether the item gate also sees each item's degree feature δ.
    degree_gate: bool,
}

impl GraphFusion {
    /// A fusion module for `n_users` users of width `dim` with `layers` propagation layers;
    /// with `degree_gate` the item gate also sees each item's degree.
    pub fn new(
        n_users: usize,
        dim: usize,
        layers: usize,
        degree_gate: bool,
        device: &Device,
    ) -> Self {
        let square = LinearConfig::new(dim, dim)
            .with_bias(false)
            .with_initializer(xavier());
        let gate = LinearConfig::new(2 * dim, dim).with_initializer(xavier());
        let item_gate =
            LinearConfig::new(2 * dim + usize::from(degree_gate), dim).with_initializer(xavier());
        Self {
            users: EmbeddingConfig::new(n_users.max(1), dim)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: (2.0 / (n_users.max(1) + dim) as f64).sqrt(),
                })
                .init(device),
            item_projection: square.init(device),
            item_gate: item_gate.init(device),
            user_projection: square.init(device),
            user_gate: gate.init(device),
            layers,
            n_users,
            degree_gate,
        }
    }

    /// `Z̄ = mean_{k=0..K} Âᵏ [U; E]`: `[n_users + n_items, dim]` for the item table `items`
    /// `[n_items, dim]` and the normalised adjacency `[n_users + n_items]²`.
    pub fn propagate(&self, items: Tensor<2>, adjacency: &SparseMatrix) -> Tensor<2> {
        let users = self.users.weight.val();
        let mut layer = Tensor::cat(vec![users, items], 0);
        let mut sum = layer.clone();
        for _ in 0..self.layers {
            layer = sparse_matmul(adjacency, layer);
            sum = sum + layer.clone();
        }
        sum.div_scalar((self.layers + 1) as f64)
    }

    /// The item rows of `Z̄` alone, `[n_items, dim]`: equal to `item_rows(propagate(..))` at
    /// about half the sparse work. By Horner's rule `Σ_{k≤K} Âᵏ Z⁰ = Z⁰ + Â(Z⁰ + Â(… + Â Z⁰))`,
    /// and on a bipartite graph the item rows of `Â x` read only `x`'s user rows and the user
    /// rows only its item rows, so the nesting alternates sides: one block product per layer,
    /// each over half of `Â`'s entries, and no `[n_users + n_items, dim]` tensor.
    pub fn propagate_items(&self, items: Tensor<2>, blocks: &GraphBlocks) -> Tensor<2> {
        let users = self.users.weight.val();
        self.nested(&items, &users, blocks, self.layers, true)
            .div_scalar((self.layers + 1) as f64)
    }

    /// The rows of `Z̄` of the picked users and items, users first: `[u + i, dim]`, equal to
    /// `propagate(..).select(0, nodes)` for those nodes, with the outermost level multiplying
    /// only the picked rows (one block product per side below it, about half of `Â` per
    /// layer in all). `None` when nothing is picked.
    pub fn propagate_picked(
        &self,
        items: Tensor<2>,
        blocks: &GraphBlocks,
        picked: &PickedRows,
    ) -> Option<Tensor<2>> {
        let users = self.users.weight.val();
        let side =
            |table: &Tensor<2>, rows: &Tensor<1, Int>, cut: &SparseMatrix, on_items: bool| {
                let own = table.clone().select(0, rows.clone());
                match self.layers {
                    0 => own,
                    depth => {
                        let below = self.nested(&items, &users, blocks, depth - 1, !on_items);
                        own + sparse_matmul(cut, below)
                    }
                }
            };
        let mut parts = Vec::new();
        if picked.users.dims()[0] > 0 {
            parts.push(side(&users, &picked.users, &picked.users_from_items, false));
        }
        if picked.items.dims()[0] > 0 {
            parts.push(side(&items, &picked.items, &picked.items_from_users, true));
        }
        (!parts.is_empty()).then(|| Tensor::cat(parts, 0).div_scalar((self.layers + 1) as f64))
    }

    /// `Σ_{k≤depth} Âᵏ Z⁰` restricted to one side (`on_items`: the item rows `[n_items, dim]`,
    /// else the user rows `[n_users, dim]`), nested by Horner's rule: one block product per
    /// level, alternating sides.
    fn nested(
        &self,
        items: &Tensor<2>,
        users: &Tensor<2>,
        blocks: &GraphBlocks,
        depth: usize,
        on_items: bool,
    ) -> Tensor<2> {
        // Depth 0 is the item side when `depth` levels of alternation end on `on_items`.
        let mut side = on_items == depth.is_multiple_of(2);
        let mut nested = if side { items.clone() } else { users.clone() };
        for _ in 0..depth {
            side = !side;
            nested = if side {
                items.clone() + sparse_matmul(&blocks.items_from_users, nested)
            } else {
                users.clone() + sparse_matmul(&blocks.users_from_items, nested)
            };
        }
        nested
    }

    /// The item rows of `Z̄`: `[n_items, dim]`.
    pub fn item_rows(&self, graph: Tensor<2>) -> Tensor<2> {
        let [nodes, dim] = graph.dims();
        graph.slice([self.n_users..nodes, 0..dim])
    }

    /// The rows of `Z̄` of the given users: `[users, dim]`.
    pub fn user_rows(&self, graph: Tensor<2>, users: Tensor<1, Int>) -> Tensor<2> {
        graph.select(0, users)
    }

    /// The graph term added to each item's input embedding: `g ⊙ W Z̄_i` with
    /// `g = σ(W_g [E_i ; W Z̄_i])`, or `g = σ(W_g [E_i ; W Z̄_i ; δ_i])` with the degree gate:
    /// `[n_items, dim]`. `node_degrees` `[n_users + n_items]` are the degrees in the graph `Z̄`
    /// was propagated over.
    pub fn item_term(
        &self,
        items: Tensor<2>,
        graph_items: Tensor<2>,
        node_degrees: &[u32],
    ) -> Tensor<2> {
        let projected = self.item_projection.forward(graph_items);
        let mut parts = vec![items, projected.clone()];
        if self.degree_gate {
            parts.push(self.degree_feature(node_degrees, &projected.device()));
        }
        let gate = sigmoid(self.item_gate.forward(Tensor::cat(parts, 1)));
        gate * projected
    }

    /// Whether the item gate reads the items' degrees (then every item term needs the whole
    /// graph's degrees).
    pub fn reads_degrees(&self) -> bool {
        self.degree_gate
    }

    /// δ `[n_items, 1]`: `ln(1 + d_i) / ln(1 + max_j d_j)` of each item's degree `d_i`, in
    /// [0, 1] (all zeros in a graph without edges).
    fn degree_feature(&self, node_degrees: &[u32], device: &Device) -> Tensor<2> {
        let items = node_degrees.get(self.n_users..).unwrap_or_default();
        let most = items.iter().copied().max().unwrap_or(0);
        let scale = (1.0 + most as f32).ln().max(f32::MIN_POSITIVE);
        let feature: Vec<f32> = items
            .iter()
            .map(|&d| (1.0 + d as f32).ln() / scale)
            .collect();
        let rows = feature.len();
        Tensor::from_data(TensorData::new(feature, [rows, 1]), device)
    }

    /// `h + g ⊙ W′ Z̄_u` with `g = σ(W′_g [h ; W′ Z̄_u])`: states `[b, dim]`, graph rows `[b, dim]`.
    pub fn fuse_users(&self, states: Tensor<2>, graph_users: Tensor<2>) -> Tensor<2> {
        let projected = self.user_projection.forward(graph_users);
        let gate = sigmoid(
            self.user_gate
                .forward(Tensor::cat(vec![states.clone(), projected.clone()], 1)),
        );
        states + gate * projected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::graph::InteractionGraph;
    use burn::tensor::Distribution;

    fn rows(tensor: Tensor<2>) -> Vec<Vec<f32>> {
        let [_, width] = tensor.dims();
        let values = tensor
            .into_data()
            .try_into_vec::<f32>()
            .expect("f32 values");
        values.chunks(width).map(<[f32]>::to_vec).collect()
    }

    /// Three items with the same embedding and the same graph row, of degrees 0, 2 and 40
    /// (after two users of degree 7): their terms differ only through the degree.
    fn terms(degree_gate: bool) -> Vec<Vec<f32>> {
        let device = Device::flex();
        device.seed(5);
        let fusion = GraphFusion::new(2, 4, 1, degree_gate, &device);
        let same = || Tensor::<2>::ones([3, 4], &device).mul_scalar(0.3);
        rows(fusion.item_term(same(), same(), &[7, 7, 0, 2, 40]))
    }

    /// Values and gradients (for the item table and the user table) of `Σ w ⊙ item rows`.
    fn item_rows_and_gradients(
        fusion: &GraphFusion,
        items: &Tensor<2>,
        rows: Tensor<2>,
    ) -> [Vec<f32>; 3] {
        let [n, dim] = rows.dims();
        let weights: Vec<f32> = (0..n * dim).map(|i| ((i * 7 % 11) as f32) - 5.0).collect();
        let weights = Tensor::<2>::from_data(TensorData::new(weights, [n, dim]), &rows.device());
        let grads = (rows.clone() * weights).sum().backward();
        let flat = |t: Option<Tensor<2>>| t.map(rows_flat).unwrap_or_default();
        [
            rows_flat(rows),
            flat(items.grad(&grads)),
            flat(fusion.users.weight.grad(&grads)),
        ]
    }

    /// `got` matches `want` (values, item and user gradients, each within 1e-5); an absent
    /// gradient of `got` counts as zeros (without layers the user table takes no part in the
    /// item rows, so it gets no gradient at all), but every part of `want` must be computed.
    fn assert_same_rows_and_gradients(got: &[Vec<f32>; 3], want: &[Vec<f32>; 3], layers: usize) {
        for (what, (got, want)) in ["values", "item gradients", "user gradients"]
            .iter()
            .zip(got.iter().zip(want))
        {
            assert!(
                !want.is_empty(),
                "{layers} layers, {what}: nothing computed"
            );
            let got = if got.is_empty() {
                &vec![0.0; want.len()]
            } else {
                got
            };
            assert_eq!(got.len(), want.len(), "{layers} layers, {what}");
            for (x, y) in got.iter().zip(want) {
                assert!((x - y).abs() <= 1e-5, "{layers} layers, {what}: {x} vs {y}");
            }
        }
    }

    fn rows_flat(tensor: Tensor<2>) -> Vec<f32> {
        rows(tensor).concat()
    }

    #[test]
    fn item_rows_alone_equal_the_item_rows_of_the_whole_propagation() {
        let device = Device::flex().autodiff();
        // 4 users over 6 items; item 5 is never seen and user 3 has no items (empty rows).
        let train = vec![vec![0, 1, 3], vec![1, 2], vec![4, 0, 1], vec![]];
        let graph = InteractionGraph::from_train(&train, 6);
        let adjacency = SparseMatrix::new(&graph.adjacency, &device).expect("valid CSR");
        let host = crate::model::sequda::host_blocks(&graph.adjacency, 4);
        let blocks = GraphBlocks::upload(&host[0], &host[1], &device).expect("valid blocks");
        for layers in 0..4 {
            device.seed(3);
            let fusion = GraphFusion::new(4, 5, layers, false, &device);
            let items =
                Tensor::<2>::random([6, 5], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let whole = fusion.item_rows(fusion.propagate(items.clone(), &adjacency));
            let whole = item_rows_and_gradients(&fusion, &items, whole);
            let alone = fusion.propagate_items(items.clone(), &blocks);
            let alone = item_rows_and_gradients(&fusion, &items, alone);
            assert_same_rows_and_gradients(&alone, &whole, layers);
        }
    }

    #[test]
    fn picked_rows_equal_the_same_rows_of_the_whole_propagation() {
        let device = Device::flex().autodiff();
        let train = vec![vec![0, 1, 3], vec![1, 2], vec![4, 0, 1], vec![]];
        let graph = InteractionGraph::from_train(&train, 6);
        let adjacency = SparseMatrix::new(&graph.adjacency, &device).expect("valid CSR");
        let host = crate::model::sequda::host_blocks(&graph.adjacency, 4);
        let blocks = GraphBlocks::upload(&host[0], &host[1], &device).expect("valid blocks");
        // Users 2, 3 (no items) and 0; items 5 (unseen), 1 and 1 again.
        let (users, items) = (vec![2, 3, 0], vec![5, 1, 1]);
        let picked =
            PickedRows::new([&host[0], &host[1]], &users, &items, &device).expect("valid rows");
        let nodes: Vec<i64> = users
            .iter()
            .map(|&u| u as i64)
            .chain(items.iter().map(|&i| 4 + i as i64))
            .collect();
        let nodes = Tensor::<1, Int>::from_data(TensorData::new(nodes, [6]), &device);
        for layers in 0..4 {
            device.seed(3);
            let fusion = GraphFusion::new(4, 5, layers, false, &device);
            let items =
                Tensor::<2>::random([6, 5], Distribution::Normal(0.0, 1.0), &device).require_grad();
            let whole = fusion
                .propagate(items.clone(), &adjacency)
                .select(0, nodes.clone());
            let whole = item_rows_and_gradients(&fusion, &items, whole);
            let picked = fusion
                .propagate_picked(items.clone(), &blocks, &picked)
                .expect("rows were picked");
            let picked = item_rows_and_gradients(&fusion, &items, picked);
            assert_same_rows_and_gradients(&picked, &whole, layers);
        }
    }

    #[test]
    fn only_the_degree_gate_tells_items_apart_by_their_degree() {
        let blind = terms(false);
        assert_eq!(blind[0], blind[1]);
        assert_eq!(blind[1], blind[2]);
        let aware = terms(true);
        assert_ne!(aware[0], aware[1], "degrees 0 and 2 must gate differently");
        assert_ne!(aware[1], aware[2], "degrees 2 and 40 must gate differently");
    }

    #[test]
    fn the_degree_feature_runs_from_zero_to_one_over_the_items_alone() {
        let device = Device::flex();
        let fusion = GraphFusion::new(2, 4, 1, true, &device);
        let feature = rows(fusion.degree_feature(&[90, 90, 0, 3, 15], &device));
        let expected = [0.0, 4f32.ln() / 16f32.ln(), 1.0];
        assert_eq!(feature.len(), 3);
        for (row, want) in feature.iter().zip(expected) {
            assert!((row[0] - want).abs() < 1e-6, "{row:?} against {want}");
        }
        let empty = rows(fusion.degree_feature(&[0, 0, 0, 0, 0], &device));
        assert!(empty.iter().all(|row| row[0] == 0.0), "{empty:?}");
    }
}
