//! The global graph side of SeqUDA-Rec (MODEL.md §3): LightGCN propagation of user and item
//! embeddings over the normalised adjacency, and gated fusion into the encoder input (and,
//! optionally, the user state).

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Initializer, Linear, LinearConfig};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Int, Tensor};

use crate::kernels::spmm::{SparseMatrix, sparse_matmul};
use crate::model::block::xavier;

/// User table, projections and gates of the graph fusion.
#[derive(Module, Debug)]
pub struct GraphFusion {
    /// `[n_users, dim]`: U, the user table only the graph uses.
    users: Embedding,
    /// W: projects graph embeddings before fusion.
    item_projection: Linear,
    /// `[E ; W Z̄] → gate` for items.
    item_gate: Linear,
    /// W′ for the optional user fusion.
    user_projection: Linear,
    /// `[h ; W′ Z̄_u] → gate` for users.
    user_gate: Linear,
    layers: usize,
    n_users: usize,
}

impl GraphFusion {
    /// A fusion module for `n_users` users of width `dim` with `layers` propagation layers.
    pub fn new(n_users: usize, dim: usize, layers: usize, device: &Device) -> Self {
        let square = LinearConfig::new(dim, dim)
            .with_bias(false)
            .with_initializer(xavier());
        let gate = LinearConfig::new(2 * dim, dim).with_initializer(xavier());
        Self {
            users: EmbeddingConfig::new(n_users.max(1), dim)
                .with_initializer(Initializer::Normal {
                    mean: 0.0,
                    std: (2.0 / (n_users.max(1) + dim) as f64).sqrt(),
                })
                .init(device),
            item_projection: square.init(device),
            item_gate: gate.init(device),
            user_projection: square.init(device),
            user_gate: gate.init(device),
            layers,
            n_users,
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
    /// `g = σ(W_g [E_i ; W Z̄_i])`: `[n_items, dim]`.
    pub fn item_term(&self, items: Tensor<2>, graph_items: Tensor<2>) -> Tensor<2> {
        let projected = self.item_projection.forward(graph_items);
        let gate = sigmoid(
            self.item_gate
                .forward(Tensor::cat(vec![items, projected.clone()], 1)),
        );
        gate * projected
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
