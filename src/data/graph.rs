//! The global user–item interaction graph (docs/MODEL.md §3): built from training interactions
//! only, stored as the symmetric normalised adjacency `Â = D^-1/2 A D^-1/2` in CSR form.
//!
//! Nodes are users `0..n_users` followed by items `n_users..n_users + n_items`. Each
//! interacted (user, item) pair is one undirected edge of weight 1 (repeats count once), so
//! `Â` is symmetric and every edge appears twice in the CSR arrays.

use std::ops::Range;

/// A sparse matrix in compressed-sparse-row form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    /// Rows.
    pub n_rows: usize,
    /// Columns (equal to `n_rows` for an adjacency; the graph's user–item blocks are
    /// rectangular).
    pub n_cols: usize,
    /// `row_offsets[r]..row_offsets[r + 1]` indexes row `r`'s entries; length `n_rows + 1`.
    pub row_offsets: Vec<u32>,
    /// Column of each entry, ascending within a row.
    pub columns: Vec<u32>,
    /// Value of each entry.
    pub values: Vec<f32>,
}

impl Csr {
    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.columns.len()
    }

    /// The entries of row `r` as (columns, values); empty for an out-of-range row.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        match (self.row_offsets.get(r), self.row_offsets.get(r + 1)) {
            (Some(&start), Some(&end)) => (
                &self.columns[start as usize..end as usize],
                &self.values[start as usize..end as usize],
            ),
            _ => (&[], &[]),
        }
    }

    /// The transposed matrix (for the backward pass of a product with a non-symmetric matrix).
    pub fn transpose(&self) -> Csr {
        let mut counts = vec![0_u32; self.n_cols + 1];
        for &c in &self.columns {
            counts[c as usize + 1] += 1;
        }
        for r in 0..self.n_cols {
            counts[r + 1] += counts[r];
        }
        let mut next = counts.clone();
        let mut columns = vec![0_u32; self.nnz()];
        let mut values = vec![0_f32; self.nnz()];
        for r in 0..self.n_rows {
            let (cols, vals) = self.row(r);
            for (&c, &v) in cols.iter().zip(vals) {
                let slot = next[c as usize] as usize;
                columns[slot] = r as u32;
                values[slot] = v;
                next[c as usize] += 1;
            }
        }
        Csr {
            n_rows: self.n_cols,
            n_cols: self.n_rows,
            row_offsets: counts,
            columns,
            values,
        }
    }

    /// The block of rows `rows` and columns `columns` as its own matrix
    /// (`[rows.len(), columns.len()]`, column indices shifted to start at 0): the
    /// adjacency's user–item and item–user blocks. Ranges past the matrix are clamped.
    pub fn block(&self, rows: Range<usize>, columns: Range<usize>) -> Csr {
        let rows = rows.start.min(self.n_rows)..rows.end.min(self.n_rows);
        let columns = columns.start.min(self.n_cols)..columns.end.min(self.n_cols);
        let mut block = Csr {
            n_rows: rows.len(),
            n_cols: columns.len(),
            row_offsets: Vec::with_capacity(rows.len() + 1),
            ..Csr::default()
        };
        block.row_offsets.push(0);
        for row in rows {
            let (cols, vals) = self.row(row);
            for (&column, &value) in cols.iter().zip(vals) {
                if columns.contains(&(column as usize)) {
                    block.columns.push((column as usize - columns.start) as u32);
                    block.values.push(value);
                }
            }
            block.row_offsets.push(block.columns.len() as u32);
        }
        block
    }

    /// The rows `rows` (in that order, repeats allowed; rows past the matrix come out empty)
    /// as their own `[rows.len(), n_cols]` matrix.
    pub fn select_rows(&self, rows: &[usize]) -> Csr {
        let mut selected = Csr {
            n_rows: rows.len(),
            n_cols: self.n_cols,
            row_offsets: Vec::with_capacity(rows.len() + 1),
            ..Csr::default()
        };
        selected.row_offsets.push(0);
        for &row in rows {
            let (cols, vals) = self.row(row);
            selected.columns.extend_from_slice(cols);
            selected.values.extend_from_slice(vals);
            selected.row_offsets.push(selected.columns.len() as u32);
        }
        selected
    }

    /// `y = self · x` for a dense row-major `x` of `width` columns (the CPU reference product).
    pub fn multiply_dense(&self, x: &[f32], width: usize) -> Vec<f32> {
        let mut y = vec![0.0_f32; self.n_rows * width];
        for (r, out) in y
            .chunks_exact_mut(width.max(1))
            .enumerate()
            .take(self.n_rows)
        {
            let (cols, vals) = self.row(r);
            for (&c, &v) in cols.iter().zip(vals) {
                let start = c as usize * width;
                if let Some(source) = x.get(start..start + width) {
                    for (o, s) in out.iter_mut().zip(source) {
                        *o += v * s;
                    }
                }
            }
        }
        y
    }
}

/// The bipartite interaction graph with its normalised adjacency.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InteractionGraph {
    /// Users (the first nodes).
    pub n_users: usize,
    /// Items (the nodes after the users).
    pub n_items: usize,
    /// Undirected (user, item) edges, each once, user first, sorted.
    pub edges: Vec<(u32, u32)>,
    /// `Â`, `(n_users + n_items)²`.
    pub adjacency: Csr,
    /// Node degrees in the unnormalised graph.
    pub degrees: Vec<u32>,
}

impl InteractionGraph {
    /// Builds the graph from training sequences (`train[user]` = items). Items outside
    /// `0..n_items` are ignored.
    pub fn from_train(train: &[Vec<u32>], n_items: usize) -> Self {
        let mut edges: Vec<(u32, u32)> = train
            .iter()
            .enumerate()
            .flat_map(|(u, items)| items.iter().map(move |&i| (u as u32, i)))
            .filter(|&(_, i)| (i as usize) < n_items)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        Self::from_edges(train.len(), n_items, edges)
    }

    /// Builds the graph from unique, sorted (user, item) edges.
    pub fn from_edges(n_users: usize, n_items: usize, edges: Vec<(u32, u32)>) -> Self {
        let n = n_users + n_items;
        let mut degrees = vec![0_u32; n];
        for &(u, i) in &edges {
            degrees[u as usize] += 1;
            degrees[n_users + i as usize] += 1;
        }
        let mut row_offsets = vec![0_u32; n + 1];
        for (r, &d) in degrees.iter().enumerate() {
            row_offsets[r + 1] = row_offsets[r] + d;
        }
        let mut next = row_offsets.clone();
        let mut columns = vec![0_u32; row_offsets[n] as usize];
        let mut values = vec![0_f32; columns.len()];
        let scale =
            |a: usize, b: usize| 1.0 / ((degrees[a] as f32).sqrt() * (degrees[b] as f32).sqrt());
        // Users' rows get items in ascending order, items' rows get users in ascending order,
        // because `edges` is sorted by user and then item.
        for &(u, i) in &edges {
            let (u, item_node) = (u as usize, n_users + i as usize);
            let value = scale(u, item_node);
            for (row, column) in [(u, item_node), (item_node, u)] {
                let slot = next[row] as usize;
                columns[slot] = column as u32;
                values[slot] = value;
                next[row] += 1;
            }
        }
        // Item rows were filled in user order, already ascending; user rows in item order.
        Self {
            n_users,
            n_items,
            edges,
            adjacency: Csr {
                n_rows: n,
                n_cols: n,
                row_offsets,
                columns,
                values,
            },
            degrees,
        }
    }

    /// Total nodes.
    pub fn n_nodes(&self) -> usize {
        self.n_users + self.n_items
    }

    /// Node index of a user.
    pub fn user_node(&self, user: u32) -> usize {
        user as usize
    }

    /// Node index of an item.
    pub fn item_node(&self, item: u32) -> usize {
        self.n_users + item as usize
    }

    /// The graph without any edge of `users` (indices below `n_users`), normalised again:
    /// what a training batch of those users may see without finding its own targets in it.
    pub fn without_users(&self, users: &[usize]) -> Self {
        let mut hidden = vec![false; self.n_users];
        for &user in users {
            if let Some(flag) = hidden.get_mut(user) {
                *flag = true;
            }
        }
        let kept = self
            .edges
            .iter()
            .filter(|&&(u, _)| !hidden[u as usize])
            .copied()
            .collect();
        Self::from_edges(self.n_users, self.n_items, kept)
    }

    /// A perturbed view (SGL-style, docs/MODEL.md §3): each node (user or item) is dropped with
    /// probability `node_ratio` together with all its edges, each remaining undirected edge is
    /// kept with probability `1 − edge_ratio`, and the kept graph is normalised again. Both
    /// draws are deterministic in `seed`; with `node_ratio` 0 no node draw is made, so the
    /// view is exactly the edge-dropout one.
    pub fn perturbed(&self, edge_ratio: f32, node_ratio: f32, seed: u64) -> Self {
        let edge_threshold = drop_threshold(edge_ratio);
        let node_threshold = drop_threshold(node_ratio);
        let node_seed = mix64(seed ^ NODE_STREAM);
        let keeps_node = |node: usize| {
            node_ratio <= 0.0 || mix64(node_seed ^ mix64(node as u64)) >= node_threshold
        };
        let kept = self
            .edges
            .iter()
            .enumerate()
            .filter(|&(index, &(user, item))| {
                mix64(seed ^ mix64(index as u64)) >= edge_threshold
                    && keeps_node(user as usize)
                    && keeps_node(self.item_node(item))
            })
            .map(|(_, &edge)| edge)
            .collect();
        Self::from_edges(self.n_users, self.n_items, kept)
    }

    /// Edge dropout alone: [`Self::perturbed`] with no node dropped.
    pub fn drop_edges(&self, ratio: f32, seed: u64) -> Self {
        self.perturbed(ratio, 0.0, seed)
    }
}

/// Separates the node draws of [`InteractionGraph::perturbed`] from its edge draws.
const NODE_STREAM: u64 = 0x4E4F_4445;

/// The hash value below which an element with drop probability `ratio` is dropped.
fn drop_threshold(ratio: f32) -> u64 {
    (ratio.clamp(0.0, 1.0) as f64 * u64::MAX as f64) as u64
}

/// SplitMix64's finaliser: a fast, well-mixed hash of a 64-bit value.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> InteractionGraph {
        // user 0: items 0, 1; user 1: item 1 (twice: counted once)
        InteractionGraph::from_train(&[vec![0, 1], vec![1, 1]], 3)
    }

    #[test]
    fn the_user_item_blocks_hold_every_entry_and_transpose_into_each_other() {
        let graph = small();
        let (users, nodes) = (graph.n_users, graph.n_nodes());
        let users_from_items = graph.adjacency.block(0..users, users..nodes);
        let items_from_users = graph.adjacency.block(users..nodes, 0..users);
        assert_eq!((users_from_items.n_rows, users_from_items.n_cols), (2, 3));
        assert_eq!((items_from_users.n_rows, items_from_users.n_cols), (3, 2));
        // user 0 reaches items 0 and 1, user 1 item 1; item 2 has an empty row.
        assert_eq!(users_from_items.row_offsets, vec![0, 2, 3]);
        assert_eq!(users_from_items.columns, vec![0, 1, 1]);
        assert_eq!(items_from_users.row_offsets, vec![0, 1, 3, 3]);
        assert_eq!(
            users_from_items.nnz() + items_from_users.nnz(),
            graph.adjacency.nnz()
        );
        assert_eq!(users_from_items.transpose(), items_from_users);
        let picked = items_from_users.select_rows(&[2, 1, 7]);
        assert_eq!((picked.n_rows, picked.n_cols), (3, 2));
        assert_eq!(
            picked.row_offsets,
            vec![0, 0, 2, 2],
            "item 2 and row 7 are empty"
        );
        assert_eq!(picked.columns, vec![0, 1]);
        // A block over one side alone is empty: the graph has no user–user edges.
        assert_eq!(graph.adjacency.block(0..users, 0..users).nnz(), 0);
    }

    #[test]
    fn adjacency_is_symmetric_and_normalised() {
        let g = small();
        assert_eq!(g.n_nodes(), 5);
        assert_eq!(g.edges, vec![(0, 0), (0, 1), (1, 1)]);
        assert_eq!(g.degrees, vec![2, 1, 1, 2, 0]);
        let dense = |csr: &Csr| {
            let mut m = vec![0.0_f32; csr.n_rows * csr.n_rows];
            for r in 0..csr.n_rows {
                let (cols, vals) = csr.row(r);
                for (&c, &v) in cols.iter().zip(vals) {
                    m[r * csr.n_rows + c as usize] = v;
                }
            }
            m
        };
        let a = dense(&g.adjacency);
        let t = dense(&g.adjacency.transpose());
        assert_eq!(a, t, "Â must be symmetric");
        // user 0 (degree 2) – item 1 (node 3, degree 2): 1/(√2·√2) = 0.5
        assert!((a[3] - 0.5).abs() < 1e-6);
        // user 1 (degree 1) – item 1 (degree 2): 1/√2
        assert!((a[5 + 3] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        // the unused item has no edges
        assert_eq!(g.adjacency.row(4).0.len(), 0);
    }

    #[test]
    fn product_matches_dense_arithmetic() {
        let g = small();
        let x: Vec<f32> = (0..10).map(|v| v as f32).collect(); // 5 nodes × width 2
        let y = g.adjacency.multiply_dense(&x, 2);
        // row of user 0: Â[0,2]·x[2] + Â[0,3]·x[3]; Â[0,2] = 1/√2 (item 0 has degree 1)
        let expected0 = std::f32::consts::FRAC_1_SQRT_2 * 4.0 + 0.5 * 6.0;
        assert!((y[0] - expected0).abs() < 1e-5, "{y:?}");
    }

    #[test]
    fn edge_dropout_is_deterministic_and_keeps_symmetry() {
        let train: Vec<Vec<u32>> = (0..50).map(|u| vec![u % 7, (u * 3) % 11]).collect();
        let g = InteractionGraph::from_train(&train, 11);
        let a = g.drop_edges(0.3, 9);
        let b = g.drop_edges(0.3, 9);
        assert_eq!(a, b);
        assert!(a.edges.len() < g.edges.len() && !a.edges.is_empty());
        assert_eq!(a.adjacency.nnz(), 2 * a.edges.len());
        assert_ne!(g.drop_edges(0.3, 10).edges, a.edges);
        assert_eq!(g.drop_edges(0.0, 1).edges, g.edges);
    }

    #[test]
    fn node_dropout_removes_every_edge_of_the_dropped_nodes() {
        let train: Vec<Vec<u32>> = (0..60).map(|u| vec![u % 7, (u * 3) % 11, 5]).collect();
        let g = InteractionGraph::from_train(&train, 11);
        assert_eq!(g.perturbed(0.2, 0.0, 4), g.drop_edges(0.2, 4));
        let view = g.perturbed(0.0, 0.3, 4);
        assert_eq!(view, g.perturbed(0.0, 0.3, 4), "deterministic");
        assert!(view.edges.len() < g.edges.len() && !view.edges.is_empty());
        // Without edge dropout an edge goes only with one of its nodes: an edge between two
        // nodes that both kept some edge is kept.
        let users: std::collections::HashSet<u32> = view.edges.iter().map(|e| e.0).collect();
        let items: std::collections::HashSet<u32> = view.edges.iter().map(|e| e.1).collect();
        for edge in &g.edges {
            let kept = view.edges.contains(edge);
            assert_eq!(
                kept,
                users.contains(&edge.0) && items.contains(&edge.1),
                "{edge:?}"
            );
        }
        assert_eq!(view.adjacency.nnz(), 2 * view.edges.len());
    }

    #[test]
    fn hiding_users_removes_their_edges_and_renormalises_the_rest() {
        let g = small();
        let hidden = g.without_users(&[0, 99]);
        assert_eq!(hidden.edges, vec![(1, 1)]);
        assert_eq!(hidden.degrees, vec![0, 1, 0, 1, 0]);
        // user 1 – item 1 now both have degree 1: weight 1
        let (columns, values) = hidden.adjacency.row(1);
        assert_eq!((columns, values), (&[3_u32][..], &[1.0_f32][..]));
        assert_eq!(g.without_users(&[]), g);
    }
}
