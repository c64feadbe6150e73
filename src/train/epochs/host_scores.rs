//! Full-ranking scores on the CPU device, multiplied straight into the ranking's buffer.
//!
//! Through burn, each `[users, range]` score block was a new tensor: allocated (flex copies a
//! fresh buffer into an aligned one), filled by `gemm`, then copied out to the ranking's
//! buffer. At a million items those copies and the page faults of the fresh buffers were a
//! third of an evaluation pass (`perf`, docs/benchmark-log.md "Row-sparse item updates"). On
//! the flex device the tensors are host memory anyway, so the table is read once and each block
//! is one `gemm` call (the same routine flex's matmul calls) into the caller's slice.

use std::ops::Range;

use burn::tensor::Tensor;

use crate::eval::EvalError;
use crate::kernels::on_flex;

/// The item table on the host, for scoring user states against item ranges.
pub struct HostScores {
    /// `[n_items, dim]` row-major.
    table: Vec<f32>,
    /// Hidden width.
    dim: usize,
}

impl HostScores {
    /// `table` `[n_items, dim]` read to the host when it lives on the CPU (flex) device; `None`
    /// on any other device, whose scores stay on it until the block is read.
    pub fn for_table(table: Tensor<2>) -> Result<Option<Self>, EvalError> {
        if !on_flex(&table.device()) {
            return Ok(None);
        }
        let [_, dim] = table.dims();
        Ok(Some(Self {
            table: read(table)?,
            dim,
        }))
    }

    /// Number of items.
    fn n_items(&self) -> usize {
        self.table.len() / self.dim.max(1)
    }

    /// `states` `[users, dim]` (row-major) against the table's rows `items`, into `out`
    /// `[users, items.len()]` (row-major): `out[u][j] = states[u] · table[items.start + j]`.
    pub fn score(
        &self,
        states: &[f32],
        items: Range<usize>,
        out: &mut [f32],
    ) -> Result<(), EvalError> {
        let dim = self.dim;
        let users = states.len() / dim.max(1);
        let width = items.len();
        if dim == 0 || states.len() != users * dim || out.len() != users * width {
            return Err(EvalError::Scorer(format!(
                "{} states of width {dim} do not fill an output of {} scores over {width} items",
                states.len(),
                out.len()
            )));
        }
        if items.end > self.n_items() {
            return Err(EvalError::Scorer(format!(
                "items {items:?} outside a table of {}",
                self.n_items()
            )));
        }
        if users == 0 || width == 0 {
            return Ok(());
        }
        let rows = &self.table[items.start * dim..items.end * dim];
        // SAFETY: `out` holds `users × width` values, written with column stride 1 and row
        // stride `width`; `states` holds `users × dim` read with column stride 1 and row stride
        // `dim`; `rows` holds `width × dim` read as the `[dim, width]` right-hand side with
        // column stride `dim` and row stride 1. Every index stays inside its slice, the slices
        // do not overlap (`out` is borrowed mutably), and `read_dst` is false, so `out`'s old
        // contents are never read.
        unsafe {
            gemm::gemm(
                users,
                width,
                dim,
                out.as_mut_ptr(),
                1,
                width as isize,
                false,
                states.as_ptr(),
                1,
                dim as isize,
                rows.as_ptr(),
                dim as isize,
                1,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::Rayon(0),
            );
        }
        Ok(())
    }
}

/// `tensor`'s values, row-major.
pub fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, EvalError> {
    tensor
        .into_data()
        .try_into_vec::<f32>()
        .map_err(|e| EvalError::Scorer(format!("reading scores back: {e:?}")))
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution};

    use super::*;

    #[test]
    fn host_scores_are_the_matmul_of_each_item_range() {
        let device = Device::flex();
        device.seed(11);
        let table: Tensor<2> = Tensor::random([37, 8], Distribution::Normal(0.0, 1.0), &device);
        let states: Tensor<2> = Tensor::random([5, 8], Distribution::Normal(0.0, 1.0), &device);
        let host = HostScores::for_table(table.clone())
            .expect("read")
            .expect("flex is the CPU device");
        let expected = read(states.clone().matmul(table.transpose())).expect("scores");
        let states = read(states).expect("states");
        for range in [0..37, 3..20, 36..37] {
            let mut out = vec![f32::NAN; 5 * range.len()];
            host.score(&states, range.clone(), &mut out)
                .expect("scored");
            for (user, row) in out.chunks_exact(range.len()).enumerate() {
                for (j, &score) in row.iter().enumerate() {
                    let want = expected[user * 37 + range.start + j];
                    assert!((score - want).abs() <= 1e-5, "{range:?} {user} {j}");
                }
            }
        }
        let mut short = vec![0.0; 4];
        assert!(host.score(&states, 0..2, &mut short).is_err());
        let mut out = vec![0.0; 5 * 2];
        assert!(host.score(&states, 36..38, &mut out).is_err());
    }
}
