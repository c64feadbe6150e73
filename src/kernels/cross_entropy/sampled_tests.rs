//! The default row pass, built from backend operations (the GPU's), against the CPU's in-place
//! pass, on flex: the same loss and logit gradients, with a repeated negative and targets both
//! among the negatives and not.

use burn::backend::flex::FlexTensor;
use burn::backend::{Flex, TensorMetadata};
use burn::tensor::{Shape, TensorData};

use super::*;

fn floats(values: Vec<f32>, shape: [usize; 2]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, Shape::new(shape)))
}

fn ints(values: Vec<i64>) -> FlexTensor {
    let len = values.len();
    FlexTensor::from_data(TensorData::new(values, Shape::new([len])))
}

fn values(tensor: FlexTensor) -> Vec<f32> {
    tensor.into_data().iter::<f32>().collect()
}

#[test]
fn the_operations_body_matches_the_cpu_row_pass() {
    let (n, count) = (5, 4);
    let inputs = || {
        (
            floats(vec![0.5, -1.0, 2.0, 0.0, 1.5], [n, 1]),
            floats(
                (0..n * count)
                    .map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.4)
                    .collect(),
                [n, count],
            ),
            floats(vec![0.3, -0.7, 1.1, 0.3], [1, count]),
            ints(vec![9, 2, 4, 7, 9]),
            ints(vec![9, 4, 2, 9]),
        )
    };
    let (t, s, c, y, k) = inputs();
    let composed = rows_from_operations::<Flex>(t, s, c, y, k).with_rows(n);
    let (t, s, c, y, k) = inputs();
    let cpu = super::super::sampled_cpu::rows(t, s, c, y, k);
    assert_eq!(cpu.negative_grads.shape().to_vec(), vec![n, count]);
    for (name, a, b) in [
        ("loss", values(composed.loss), values(cpu.loss)),
        (
            "negatives' gradient",
            values(composed.negative_grads),
            values(cpu.negative_grads),
        ),
        (
            "target's gradient",
            values(composed.target_grads),
            values(cpu.target_grads),
        ),
    ] {
        assert_eq!(a.len(), b.len(), "{name}");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert!((x - y).abs() < 1e-5, "{name}[{i}]: {x} vs {y}");
        }
    }
}
