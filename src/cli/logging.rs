//! stderr logging through `tracing`; `-v` raises the level, `RUST_LOG` overrides it.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber once.
pub fn init(verbosity: u8) {
    let default = match verbosity {
        0 => "warn",
        1 => "info,wgpu_core=warn,wgpu_hal=warn,naga=warn,cubecl=warn",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
