//! `sequda adapters`: the graphics adapters wgpu can train on, numbered for `--device adapter:N`.

use sequda::train::device::list_adapters;

/// Runs `adapters`: one line per adapter on stdout, the most capable first.
pub fn run() -> anyhow::Result<()> {
    let adapters = list_adapters();
    if adapters.is_empty() {
        println!("no graphics adapter found: training runs on the CPU (--device cpu)");
    }
    for (index, adapter) in adapters.iter().enumerate() {
        println!("{index}  {}  --device adapter:{index}", adapter.describe());
    }
    Ok(())
}
