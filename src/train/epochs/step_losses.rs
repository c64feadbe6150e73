//! A step's losses left on the device, and the interval of steps the epoch loop reads at once
//! (issue #34, item 3): a step never reads a value back, so nothing blocks between its forward
//! pass and `backward()`, and the loop reads one tensor per logging interval.

use burn::tensor::Tensor;

use crate::train::readback::HostReads;
use crate::train::session::LossValues;

/// One step's loss components: device scalars not yet read (`[1]` each, detached from the
/// graph) and values already on the host (a GAN round's figures, logged with every step).
/// The total is named `loss`.
#[derive(Clone, Debug, Default)]
pub struct StepLosses {
    on_device: Vec<(String, Tensor<1>)>,
    on_host: LossValues,
}

impl StepLosses {
    /// No components.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the component `name` with the `[1]` value `value`, left on the device (its graph
    /// dropped, so backward may still run on the original).
    pub fn on_device(mut self, name: &str, value: Tensor<1>) -> Self {
        self.on_device.push((name.to_string(), value.inner()));
        self
    }

    /// Adds the component `name` whose value is already on the host.
    pub fn on_host(mut self, name: &str, value: f64) -> Self {
        self.on_host.insert(name.to_string(), value);
        self
    }

    /// Adds every value of `values` as host components.
    pub fn with_host_values(mut self, values: &LossValues) -> Self {
        self.on_host
            .extend(values.iter().map(|(name, value)| (name.clone(), *value)));
        self
    }

    /// Reads these losses alone (one read when any is on the device): for callers outside the
    /// epoch loop, such as tests.
    pub fn read(self, reads: &HostReads) -> Result<LossValues, crate::train::TrainError> {
        let mut pending = PendingLosses::default();
        pending.push(1, self);
        Ok(pending
            .read(reads)?
            .pop()
            .map(|(_, v)| v)
            .unwrap_or_default())
    }
}

/// Steps whose losses have not been read yet, in order.
#[derive(Debug, Default)]
pub struct PendingLosses {
    steps: Vec<(usize, StepLosses)>,
}

impl PendingLosses {
    /// Keeps `losses` of step `step` (1-based in its epoch) for the next read.
    pub fn push(&mut self, step: usize, losses: StepLosses) {
        self.steps.push((step, losses));
    }

    /// The first and last step waiting, if any.
    pub fn range(&self) -> Option<(usize, usize)> {
        Some((self.steps.first()?.0, self.steps.last()?.0))
    }

    /// Every waiting step's values, in order, read in one go (no read when nothing waits on
    /// the device); the waiting list is emptied. Values are the device's `f32`s widened to
    /// `f64`, exactly as a step-by-step read gave them.
    pub fn read(
        &mut self,
        reads: &HostReads,
    ) -> Result<Vec<(usize, LossValues)>, crate::train::TrainError> {
        let steps = std::mem::take(&mut self.steps);
        let tensors: Vec<Tensor<1>> = steps
            .iter()
            .flat_map(|(_, losses)| losses.on_device.iter().map(|(_, t)| t.clone()))
            .collect();
        let values = if tensors.is_empty() {
            Vec::new()
        } else {
            reads.floats(Tensor::cat(tensors, 0))?
        };
        let mut values = values.into_iter();
        Ok(steps
            .into_iter()
            .map(|(step, losses)| {
                let mut read = losses.on_host;
                for (name, _) in losses.on_device {
                    let value = values.next().map_or(f64::NAN, f64::from);
                    read.insert(name, value);
                }
                (step, read)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    fn scalar(value: f32) -> Tensor<1> {
        Tensor::from_floats([value], &Device::flex().autodiff())
    }

    #[test]
    fn an_interval_is_read_in_one_go_with_its_host_values() {
        let reads = HostReads::new();
        let mut pending = PendingLosses::default();
        let gan = LossValues::from([("gan_mle".to_string(), 2.5)]);
        for step in 4..=6 {
            let losses = StepLosses::new()
                .on_device("loss", scalar(step as f32))
                .on_device("ce", scalar(0.5))
                .with_host_values(&gan);
            pending.push(step, losses);
        }
        assert_eq!(pending.range(), Some((4, 6)));
        let read = pending.read(&reads).expect("read");
        assert_eq!(reads.count(), 1, "one read for the whole interval");
        assert_eq!(read.len(), 3);
        assert_eq!(read[1].0, 5);
        assert_eq!(read[1].1["loss"], 5.0);
        assert_eq!(read[1].1["ce"], 0.5);
        assert_eq!(read[1].1["gan_mle"], 2.5);
        assert_eq!(pending.range(), None);
        assert!(pending.read(&reads).expect("nothing").is_empty());
        let host_only = StepLosses::new().on_host("loss", 0.0);
        assert_eq!(host_only.read(&reads).expect("read")["loss"], 0.0);
        assert_eq!(reads.count(), 1, "host values need no read");
    }
}
