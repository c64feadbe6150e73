//! Choosing where training runs: a real GPU through burn's wgpu backend, or flex on the CPU.

use std::sync::OnceLock;

use burn::tensor::wgpu::wgpu;
use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

pub use crate::settings::DeviceChoice;

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

impl AdapterSummary {
    /// One line for people, as `sequda adapters` and the Train pane list it:
    /// "NVIDIA H100 · Vulkan · DiscreteGpu (GPU)".
    pub fn describe(&self) -> String {
        let kind = if self.is_gpu { "GPU" } else { "software" };
        format!(
            "{} · {} · {} ({kind})",
            self.name, self.backend, self.device_type
        )
    }
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
    /// `adapter:N` but there are fewer adapters.
    #[error("there is no adapter {index} (adapters seen: {seen}); `sequda adapters` lists them")]
    NoSuchAdapter {
        /// The number asked for.
        index: usize,
        /// The adapters there are, numbered.
        seen: String,
    },
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
    // Only the primary APIs: an instance that includes OpenGL probes EGL and prints its errors
    // on headless machines even when no GL adapter is asked for.
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::PRIMARY,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
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

/// burn's address of `adapters[index]`: its type, numbered among the adapters of that type on
/// the same graphics API in the driver's order (how burn's wgpu backend counts them).
fn kind_of(adapters: &[AdapterSummary], index: usize) -> DeviceKind {
    let adapter = &adapters[index];
    let same_type_before = adapters[..index]
        .iter()
        .filter(|a| a.device_type == adapter.device_type && a.backend == adapter.backend)
        .count();
    match adapter.device_type.as_str() {
        "DiscreteGpu" => DeviceKind::DiscreteGpu(same_type_before),
        "IntegratedGpu" => DeviceKind::IntegratedGpu(same_type_before),
        "VirtualGpu" => DeviceKind::VirtualGpu(same_type_before),
        _ => DeviceKind::Cpu,
    }
}

/// The wgpu device on `adapters[index]`, described for people.
fn wgpu_device(adapters: &[AdapterSummary], index: usize) -> SelectedDevice {
    let adapter = &adapters[index];
    let description = if adapter.is_gpu {
        format!("gpu: {} ({})", adapter.name, adapter.backend)
    } else {
        format!(
            "wgpu: {} ({}, {})",
            adapter.name, adapter.backend, adapter.device_type
        )
    };
    SelectedDevice {
        device: Device::wgpu(kind_of(adapters, index)),
        description,
        is_wgpu: true,
    }
}

/// The adapters as one line for an error message: "0 NVIDIA … [DiscreteGpu], 1 llvmpipe [Cpu]".
fn numbered(adapters: &[AdapterSummary]) -> String {
    if adapters.is_empty() {
        return "none".into();
    }
    adapters
        .iter()
        .enumerate()
        .map(|(index, a)| format!("{index} {} [{}]", a.name, a.device_type))
        .collect::<Vec<_>>()
        .join(", ")
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
    resolve(choice, &list_adapters())
}

/// [`select_device`] over the adapters `adapters` (ordered as [`list_adapters`] orders them).
fn resolve(
    choice: DeviceChoice,
    adapters: &[AdapterSummary],
) -> Result<SelectedDevice, DeviceError> {
    let gpu = adapters.iter().position(|a| a.is_gpu);
    match (choice, gpu) {
        (DeviceChoice::Cpu, _) | (DeviceChoice::Auto, None) => Ok(cpu_device()),
        (DeviceChoice::Auto | DeviceChoice::Gpu, Some(index)) => Ok(wgpu_device(adapters, index)),
        (DeviceChoice::Gpu, None) => Err(DeviceError::NoGpu(numbered(adapters))),
        (DeviceChoice::Wgpu, _) if adapters.is_empty() => Err(DeviceError::NoAdapter),
        (DeviceChoice::Wgpu, _) => Ok(wgpu_device(adapters, 0)),
        (DeviceChoice::Adapter(index), _) => {
            let index = usize::from(index);
            if index < adapters.len() {
                Ok(wgpu_device(adapters, index))
            } else {
                Err(DeviceError::NoSuchAdapter {
                    index,
                    seen: numbered(adapters),
                })
            }
        }
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
            DeviceChoice::Adapter(2),
        ] {
            assert_eq!(choice.to_string().parse::<DeviceChoice>(), Ok(choice));
        }
        assert_eq!("Adapter: 1".parse(), Ok(DeviceChoice::Adapter(1)));
        assert!("tpu".parse::<DeviceChoice>().is_err());
        assert!("adapter:x".parse::<DeviceChoice>().is_err());
        // In config files; files written before adapter:N read unchanged.
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct File {
            device: DeviceChoice,
        }
        let file = File {
            device: DeviceChoice::Adapter(1),
        };
        let text = toml::to_string(&file).expect("toml");
        assert_eq!(toml::from_str::<File>(&text).expect("reads"), file);
        let old: File = toml::from_str("device = \"cpu\"").expect("reads");
        assert_eq!(old.device, DeviceChoice::Cpu);
        assert!(toml::from_str::<File>("device = \"tpu\"").is_err());
    }

    #[test]
    fn each_choice_lands_on_the_adapter_it_names() {
        let adapter = |name: &str, device_type: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            is_gpu: device_type != "Cpu",
            device_type: device_type.into(),
        };
        let machine = [
            adapter("RTX 4070", "DiscreteGpu"),
            adapter("RTX 3060", "DiscreteGpu"),
            adapter("Iris Xe", "IntegratedGpu"),
            adapter("llvmpipe", "Cpu"),
        ];
        let on = |choice| resolve(choice, &machine).expect("a device").description;
        assert_eq!(on(DeviceChoice::Auto), "gpu: RTX 4070 (Vulkan)");
        assert_eq!(on(DeviceChoice::Gpu), "gpu: RTX 4070 (Vulkan)");
        assert_eq!(on(DeviceChoice::Adapter(1)), "gpu: RTX 3060 (Vulkan)");
        assert_eq!(on(DeviceChoice::Adapter(3)), "wgpu: llvmpipe (Vulkan, Cpu)");
        assert!(on(DeviceChoice::Cpu).starts_with("cpu"));
        // burn numbers adapters within their type.
        assert_eq!(kind_of(&machine, 1), DeviceKind::DiscreteGpu(1));
        assert_eq!(kind_of(&machine, 2), DeviceKind::IntegratedGpu(0));
        let message = resolve(DeviceChoice::Adapter(4), &machine)
            .expect_err("no fifth adapter")
            .to_string();
        assert!(
            message.contains("no adapter 4") && message.contains("3 llvmpipe [Cpu]"),
            "{message}"
        );

        let software_only = [adapter("llvmpipe", "Cpu")];
        assert!(
            resolve(DeviceChoice::Auto, &software_only)
                .expect("auto never fails")
                .description
                .starts_with("cpu")
        );
        assert!(resolve(DeviceChoice::Gpu, &software_only).is_err());
        assert!(matches!(
            resolve(DeviceChoice::Wgpu, &[]),
            Err(DeviceError::NoAdapter)
        ));
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
