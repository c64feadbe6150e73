//! Choosing where training runs: a real GPU through burn's wgpu backend, or flex on the CPU.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use burn::tensor::wgpu::wgpu;
use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceChoice {
    /// A real GPU adapter when wgpu finds one, otherwise flex on the CPU.
    #[default]
    Auto,
    /// A real GPU adapter, or an error.
    Gpu,
    /// flex on the CPU.
    Cpu,
    /// wgpu on whatever adapter it finds, software ones included (lavapipe/llvmpipe).
    /// For testing the GPU code path on machines without a GPU; far slower than `cpu`.
    Wgpu,
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
            Self::Wgpu => "wgpu",
        })
    }
}

impl FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "gpu" => Ok(Self::Gpu),
            "cpu" => Ok(Self::Cpu),
            "wgpu" => Ok(Self::Wgpu),
            other => Err(format!(
                "unknown device '{other}' (expected auto, gpu, cpu or wgpu)"
            )),
        }
    }
}

/// A wgpu adapter found on this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterSummary {
    /// Adapter name as the driver reports it.
    pub name: String,
    /// Graphics API (Vulkan, Metal, Dx12, Gl).
    pub backend: String,
    /// Whether it is a real GPU (discrete, integrated or virtual) rather than a software one.
    pub is_gpu: bool,
    /// wgpu's device type, e.g. "DiscreteGpu" or "Cpu".
    pub device_type: String,
}

/// The device training will use, with a line that says what it is.
#[derive(Clone, Debug)]
pub struct SelectedDevice {
    /// The burn device (without autodiff).
    pub device: Device,
    /// For people, e.g. "gpu: NVIDIA H100 (Vulkan)" or "cpu: burn flex, 2 threads".
    pub description: String,
    /// True when it runs on a GPU adapter through wgpu.
    pub is_wgpu: bool,
}

/// Why no device could be had.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// `--device gpu` but only software adapters (or none) exist.
    #[error("no GPU adapter found (adapters seen: {0}); use --device cpu or --device auto")]
    NoGpu(String),
    /// `--device wgpu` but wgpu found no adapter at all.
    #[error(
        "wgpu found no adapter at all; install a Vulkan driver (e.g. mesa-vulkan-drivers) or use --device cpu"
    )]
    NoAdapter,
}

/// Lists the adapters wgpu can see through the primary graphics APIs (Vulkan, Metal, DX12:
/// the ones burn's wgpu backend runs on; probing OpenGL would open display connections and
/// print errors on headless machines), the most capable first (discrete GPUs, then integrated,
/// virtual and software ones).
///
/// Probed once per process and cached: the Vulkan loader dislikes instances that come and go
/// on several threads at once.
pub fn list_adapters() -> Vec<AdapterSummary> {
    static ADAPTERS: OnceLock<Vec<AdapterSummary>> = OnceLock::new();
    ADAPTERS.get_or_init(probe_adapters).clone()
}

fn probe_adapters() -> Vec<AdapterSummary> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY));
    let mut found: Vec<AdapterSummary> = adapters
        .iter()
        .map(|adapter| {
            let info = adapter.get_info();
            AdapterSummary {
                name: info.name.clone(),
                backend: format!("{:?}", info.backend),
                is_gpu: matches!(
                    info.device_type,
                    wgpu::DeviceType::DiscreteGpu
                        | wgpu::DeviceType::IntegratedGpu
                        | wgpu::DeviceType::VirtualGpu
                ),
                device_type: format!("{:?}", info.device_type),
            }
        })
        .collect();
    order_by_preference(&mut found);
    found
}

/// Puts the adapters a user would want to train on first: discrete GPUs, then integrated,
/// then virtual ones, then software adapters; the driver's order within each. On a laptop
/// with both an integrated and a discrete GPU, `auto` and `gpu` so take the discrete one.
fn order_by_preference(adapters: &mut [AdapterSummary]) {
    adapters.sort_by_key(|a| match a.device_type.as_str() {
        "DiscreteGpu" => 0,
        "IntegratedGpu" => 1,
        "VirtualGpu" => 2,
        _ => 3,
    });
}

fn kind_of(adapter: &AdapterSummary) -> DeviceKind {
    match adapter.device_type.as_str() {
        "DiscreteGpu" => DeviceKind::DiscreteGpu(0),
        "IntegratedGpu" => DeviceKind::IntegratedGpu(0),
        "VirtualGpu" => DeviceKind::VirtualGpu(0),
        _ => DeviceKind::Cpu,
    }
}

fn cpu_device() -> SelectedDevice {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    SelectedDevice {
        device: Device::flex(),
        description: format!("cpu: burn flex, {threads} threads"),
        is_wgpu: false,
    }
}

/// Resolves a [`DeviceChoice`] to a device. `auto` never fails: without a GPU it is the CPU.
pub fn select_device(choice: DeviceChoice) -> Result<SelectedDevice, DeviceError> {
    if choice == DeviceChoice::Cpu {
        return Ok(cpu_device());
    }
    let adapters = list_adapters();
    let gpu = adapters.iter().find(|a| a.is_gpu);
    match (choice, gpu) {
        (DeviceChoice::Auto | DeviceChoice::Gpu, Some(adapter)) => Ok(SelectedDevice {
            device: Device::wgpu(kind_of(adapter)),
            description: format!("gpu: {} ({})", adapter.name, adapter.backend),
            is_wgpu: true,
        }),
        (DeviceChoice::Auto, None) => Ok(cpu_device()),
        (DeviceChoice::Gpu, None) => Err(DeviceError::NoGpu(
            adapters
                .iter()
                .map(|a| format!("{} [{}]", a.name, a.device_type))
                .collect::<Vec<_>>()
                .join(", "),
        )),
        (DeviceChoice::Wgpu, _) => {
            let adapter = adapters.first().ok_or(DeviceError::NoAdapter)?;
            Ok(SelectedDevice {
                device: Device::wgpu(kind_of(adapter)),
                description: format!(
                    "wgpu: {} ({}, {})",
                    adapter.name, adapter.backend, adapter.device_type
                ),
                is_wgpu: true,
            })
        }
        (DeviceChoice::Cpu, _) => Ok(cpu_device()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_through_text() {
        for choice in [
            DeviceChoice::Auto,
            DeviceChoice::Gpu,
            DeviceChoice::Cpu,
            DeviceChoice::Wgpu,
        ] {
            assert_eq!(choice.to_string().parse::<DeviceChoice>(), Ok(choice));
        }
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn a_discrete_gpu_is_preferred_over_an_integrated_one() {
        let adapter = |name: &str, device_type: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            is_gpu: device_type != "Cpu",
            device_type: device_type.into(),
        };
        let mut found = vec![
            adapter("llvmpipe", "Cpu"),
            adapter("Intel Iris Xe", "IntegratedGpu"),
            adapter("virtio", "VirtualGpu"),
            adapter("NVIDIA RTX 4070", "DiscreteGpu"),
            adapter("Intel Arc", "DiscreteGpu"),
        ];
        order_by_preference(&mut found);
        let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "NVIDIA RTX 4070",
                "Intel Arc",
                "Intel Iris Xe",
                "virtio",
                "llvmpipe"
            ]
        );
    }

    #[test]
    fn cpu_is_always_available() {
        let selected = select_device(DeviceChoice::Cpu).expect("cpu");
        assert!(!selected.is_wgpu);
        assert!(selected.description.starts_with("cpu"));
    }
}
