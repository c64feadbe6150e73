//! The user–item blocks of the normalised adjacency (docs/MODEL.md §3), so LightGCN can
//! propagate one side of the bipartite graph without computing the other side's rows.

use burn::tensor::Device;

use crate::data::graph::Csr;
use crate::kernels::spmm::{SparseMatrix, SparseMatrixError};

/// `Â`'s two off-diagonal blocks on one device. Users are the adjacency's rows
/// `0..n_users` and items the rest; a user–item graph has no user–user or item–item entries,
/// so these blocks hold every entry of `Â`.
#[derive(Clone, Debug)]
pub struct GraphBlocks {
    /// `Â_UI` `[n_users, n_items]`: each user's row over the items.
    pub users_from_items: SparseMatrix,
    /// `Â_IU` `[n_items, n_users]`: each item's row over the users (`Â_UIᵀ`).
    pub items_from_users: SparseMatrix,
}

impl GraphBlocks {
    /// The blocks of `adjacency` (`[n_users + n_items]²`) whose first `n_users` rows are users,
    /// uploaded to `device`.
    pub fn new(adjacency: &Csr, n_users: usize, device: &Device) -> Result<Self, SparseMatrixError> {
        let nodes = adjacency.n_rows;
        Ok(Self {
            users_from_items: SparseMatrix::new(&adjacency.block(0..n_users, n_users..nodes), device)?,
            items_from_users: SparseMatrix::new(&adjacency.block(n_users..nodes, 0..n_users), device)?,
        })
    }
}
