//! The training graph and the graph contrast's perturbed views (docs/MODEL.md §3) on the
//! device, with the host copies of their user–item blocks from which each step cuts the rows
//! it reads.

use burn::tensor::{Device, Tensor};

use super::terms::sparse;
use crate::data::graph::{Csr, InteractionGraph};
use crate::kernels::spmm::SparseMatrix;
use crate::model::sequda::{GraphBlocks, GraphFusion, PickedRows, host_blocks};
use crate::train::TrainError;

/// The training graph, or one perturbed view of it.
#[derive(Clone, Debug)]
pub(super) struct GraphView {
    /// `Â` `[n_users + n_items]²` (propagated whole where a step reads the users' rows).
    pub(super) adjacency: SparseMatrix,
    /// Its user–item blocks on the device.
    pub(super) blocks: GraphBlocks,
    /// The same blocks on the host: `[Â_UI, Â_IU]`.
    host: [Csr; 2],
}

impl GraphView {
    /// Uploads `graph`'s adjacency and its blocks to `device` (without autodiff).
    pub(super) fn new(graph: &InteractionGraph, device: &Device) -> Result<Self, TrainError> {
        let host = host_blocks(&graph.adjacency, graph.n_users);
        let blocks = GraphBlocks::upload(&host[0], &host[1], device)
            .map_err(|e| TrainError::Backend(format!("graph view: {e}")))?;
        Ok(Self {
            adjacency: sparse(&graph.adjacency, device)?,
            blocks,
            host,
        })
    }

    /// `users`' and `items`' (0-based) rows of the blocks, cut and uploaded.
    pub(super) fn picked(
        &self,
        users: &[usize],
        items: &[usize],
    ) -> Result<PickedRows, TrainError> {
        let device = self.adjacency.device();
        PickedRows::new([&self.host[0], &self.host[1]], users, items, &device)
            .map_err(|e| TrainError::Backend(format!("graph rows: {e}")))
    }

    /// The view's `Z̄` rows of `users` then `items` (0-based), `[users + items, dim]`, from
    /// the item table `items_table` `[n_items, dim]`; `None` when nothing is asked for.
    pub(super) fn rows(
        &self,
        fusion: &GraphFusion,
        items_table: Tensor<2>,
        users: &[usize],
        items: &[usize],
    ) -> Result<Option<Tensor<2>>, TrainError> {
        let picked = self.picked(users, items)?;
        Ok(fusion.propagate_picked(items_table, &self.blocks, &picked))
    }
}
