//! Where training runs, as the user chose it (`--device`, `config.toml`, the Train pane).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What the user asked for: `auto`, `gpu`, `cpu`, `wgpu` or `adapter:N` on the command line.
/// In files (config.toml, the window's saved state) the unit choices are the same words and
/// an adapter is `{ adapter = N }`, so files written before adapters could be chosen read
/// unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceChoice {
    /// A real GPU adapter when wgpu finds one (a discrete GPU first), otherwise flex on the CPU.
    #[default]
    Auto,
    /// A real GPU adapter (a discrete GPU first), or an error.
    Gpu,
    /// flex on the CPU.
    Cpu,
    /// wgpu on whatever adapter it finds, software ones included (lavapipe/llvmpipe).
    /// For testing the GPU code path on machines without a GPU; far slower than `cpu`.
    Wgpu,
    /// The adapter at this position of [`list_adapters`] (the order the window's Train pane
    /// and `sequda adapters` show), for a machine with several.
    Adapter(u16),
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::Gpu => f.write_str("gpu"),
            Self::Cpu => f.write_str("cpu"),
            Self::Wgpu => f.write_str("wgpu"),
            Self::Adapter(index) => write!(f, "adapter:{index}"),
        }
    }
}

impl FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if let Some(index) = lower.strip_prefix("adapter:") {
            return index.trim().parse().map(Self::Adapter).map_err(|_| {
                format!(
                    "unknown device '{s}': adapter:N takes the adapter's number as `sequda adapters` lists it"
                )
            });
        }
        match lower.as_str() {
            "auto" => Ok(Self::Auto),
            "gpu" => Ok(Self::Gpu),
            "cpu" => Ok(Self::Cpu),
            "wgpu" => Ok(Self::Wgpu),
            _ => Err(format!(
                "unknown device '{s}' (expected auto, gpu, cpu, wgpu or adapter:N)"
            )),
        }
    }
}
