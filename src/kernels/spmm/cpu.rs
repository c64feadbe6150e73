//! The flex (CPU) side of the CSR product: a row loop over the flex tensors' own storage, split
//! into row ranges of about equal work, one scoped thread each.

use std::borrow::Cow;

use burn::backend::flex::FlexTensor;
use burn::tensor::{Shape, TensorData};

use super::primitive::CsrPrimitive;
use burn::backend::Flex;

/// Output floats one pass over a row's entries sums at a time (one 512-bit or two 256-bit
/// registers).
const LANES: usize = 16;

/// Below this many multiply-adds (`nnz · width`) one thread does all the rows.
const PARALLEL_THRESHOLD: usize = 1 << 16;

/// `matrix · dense` for `dense` `[n_rows, width]` (f32) → `[n_rows, width]`.
pub(super) fn csr_matmul(matrix: CsrPrimitive<Flex>, dense: FlexTensor) -> FlexTensor {
    let shape = dense.layout().shape().clone();
    let (n_cols, width) = (shape[0], shape[1]);
    let offsets = indices(&matrix.row_offsets);
    let columns = indices(&matrix.columns);
    let values = floats(&matrix.values);
    let dense_values = floats(&dense);
    let n_rows = offsets.len().saturating_sub(1);
    assert_eq!(
        dense_values.len(),
        n_cols * width,
        "csr_matmul: dense storage does not match its shape"
    );
    let mut output = vec![0.0_f32; n_rows * width];
    if width > 0 && n_rows > 0 {
        let csr = CsrView {
            offsets: &offsets,
            columns: &columns,
            values: &values,
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads < 2 || values.len() * width < PARALLEL_THRESHOLD {
            csr.rows_into(0, &dense_values, width, &mut output);
        } else {
            let bounds = balanced_row_bounds(&offsets, threads);
            std::thread::scope(|scope| {
                let mut rest = output.as_mut_slice();
                for range in bounds.windows(2) {
                    let (chunk, tail) = rest.split_at_mut((range[1] - range[0]) * width);
                    rest = tail;
                    let dense_values = &dense_values;
                    let csr = &csr;
                    scope.spawn(move || csr.rows_into(range[0], dense_values, width, chunk));
                }
            });
        }
    }
    FlexTensor::from_data(TensorData::new(output, Shape::new([n_rows, width])))
}

/// Borrowed CSR arrays.
struct CsrView<'a> {
    offsets: &'a [i32],
    columns: &'a [i32],
    values: &'a [f32],
}

impl CsrView<'_> {
    /// Rows `first..first + out.len() / width` of the product into `out` (every element
    /// written). Each row is summed [`LANES`] output floats at a time, so the running sums stay
    /// in registers while the row's entries stream past; every element adds its entries in
    /// order, as a plain loop would.
    fn rows_into(&self, first: usize, dense: &[f32], width: usize, out: &mut [f32]) {
        for (row, out_row) in (first..).zip(out.chunks_exact_mut(width)) {
            let (start, end) = (self.offsets[row] as usize, self.offsets[row + 1] as usize);
            let entries = || {
                self.columns[start..end]
                    .iter()
                    .zip(&self.values[start..end])
            };
            let mut chunks = out_row.chunks_exact_mut(LANES);
            let mut offset = 0;
            for chunk in &mut chunks {
                let mut sum = [0.0_f32; LANES];
                for (&column, &value) in entries() {
                    let source = &dense[column as usize * width + offset..][..LANES];
                    for (s, x) in sum.iter_mut().zip(source) {
                        *s += value * x;
                    }
                }
                chunk.copy_from_slice(&sum);
                offset += LANES;
            }
            for (k, o) in chunks.into_remainder().iter_mut().enumerate() {
                *o = 0.0;
                for (&column, &value) in entries() {
                    *o += value * dense[column as usize * width + offset + k];
                }
            }
        }
    }
}

/// Row boundaries `0 = b₀ < … < b_k = n_rows` splitting the entries (plus one per row, for the
/// rows' own overhead) into `parts` ranges of about equal size.
fn balanced_row_bounds(offsets: &[i32], parts: usize) -> Vec<usize> {
    let n_rows = offsets.len() - 1;
    let cost = |row: usize| offsets[row] as usize + row;
    let total = cost(n_rows);
    let mut bounds = vec![0];
    for part in 1..parts {
        let target = total * part / parts;
        // First row whose cost reaches the target (cost rises with the row).
        let (mut low, mut high) = (0, n_rows);
        while low < high {
            let middle = (low + high) / 2;
            if cost(middle) < target {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let row = low;
        if row > *bounds.last().unwrap_or(&0) && row < n_rows {
            bounds.push(row);
        }
    }
    bounds.push(n_rows);
    bounds
}

/// The i32 contents of an integer tensor, without a copy when it is already contiguous i32.
fn indices(tensor: &FlexTensor) -> Cow<'_, [i32]> {
    match tensor.as_slice::<i32>() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(
            tensor
                .clone()
                .into_data()
                .convert::<i32>()
                .try_into_vec::<i32>()
                .unwrap_or_default(),
        ),
    }
}

/// The f32 contents of a float tensor, without a copy when it is already contiguous f32.
fn floats(tensor: &FlexTensor) -> Cow<'_, [f32]> {
    match tensor.as_slice::<f32>() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(
            tensor
                .clone()
                .into_data()
                .convert::<f32>()
                .try_into_vec::<f32>()
                .unwrap_or_default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_split_work_evenly_and_cover_every_row() {
        // 4 rows with 10 entries each, then 4 empty rows.
        let offsets: Vec<i32> = [0, 10, 20, 30, 40, 40, 40, 40, 40].to_vec();
        let bounds = balanced_row_bounds(&offsets, 2);
        assert_eq!(bounds.first(), Some(&0));
        assert_eq!(bounds.last(), Some(&8));
        assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{bounds:?}");
        // Costs (entries + rows) 0..3 → 33 and 3..8 → 15; the cut is the first row at which
        // half the total cost (24) is reached.
        assert_eq!(bounds, vec![0, 3, 8]);
        // More parts than rows: still strictly increasing.
        let bounds = balanced_row_bounds(&[0, 5, 5], 8);
        assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{bounds:?}");
        assert_eq!((bounds[0], *bounds.last().unwrap_or(&0)), (0, 2));
    }
}
