//! The user–item blocks of the normalised adjacency (docs/MODEL.md §3), so LightGCN can
//! propagate one side of the bipartite graph without computing the other side's rows.

use burn::tensor::{Device, Int, Tensor, TensorData};

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
    /// Uploads blocks already cut on the host (see [`host_blocks`]).
    pub fn upload(
        users_from_items: &Csr,
        items_from_users: &Csr,
        device: &Device,
    ) -> Result<Self, SparseMatrixError> {
        Ok(Self {
            users_from_items: SparseMatrix::new(users_from_items, device)?,
            items_from_users: SparseMatrix::new(items_from_users, device)?,
        })
    }
}

/// `[Â_UI, Â_IU]` of `adjacency` (`[n_users + n_items]²`, users first) on the host.
pub fn host_blocks(adjacency: &Csr, n_users: usize) -> [Csr; 2] {
    let nodes = adjacency.n_rows;
    [
        adjacency.block(0..n_users, n_users..nodes),
        adjacency.block(n_users..nodes, 0..n_users),
    ]
}

/// The rows of `Z̄` a loss reads, for users and items chosen by index: each side's row
/// indices and its block of `Â` cut to those rows, so the outermost propagation level
/// multiplies only them.
#[derive(Clone, Debug)]
pub struct PickedRows {
    /// `[u]` the chosen users.
    pub users: Tensor<1, Int>,
    /// `Â_UI` cut to the chosen users' rows: `[u, n_items]`.
    pub users_from_items: SparseMatrix,
    /// `[i]` the chosen items (0-based).
    pub items: Tensor<1, Int>,
    /// `Â_IU` cut to the chosen items' rows: `[i, n_users]`.
    pub items_from_users: SparseMatrix,
}

impl PickedRows {
    /// Cuts `users`' rows from the host block `users_from_items` and `items`' rows from
    /// `items_from_users`, and uploads them with the indices to `device`.
    pub fn new(
        [users_from_items, items_from_users]: [&Csr; 2],
        users: &[usize],
        items: &[usize],
        device: &Device,
    ) -> Result<Self, SparseMatrixError> {
        let index = |rows: &[usize]| {
            let values: Vec<i64> = rows.iter().map(|&r| r as i64).collect();
            Tensor::<1, Int>::from_data(TensorData::new(values, [rows.len()]), device)
        };
        Ok(Self {
            users: index(users),
            users_from_items: SparseMatrix::new(&users_from_items.select_rows(users), device)?,
            items: index(items),
            items_from_users: SparseMatrix::new(&items_from_users.select_rows(items), device)?,
        })
    }
}
