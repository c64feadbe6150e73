//! The Train pane's device picker: the general choices, and each graphics adapter once
//! listed, by name.

use egui::Ui;

use crate::settings::DeviceChoice;
use crate::studio::AdapterSummary;

/// The device picker. `adapters` (once listed) names the adapter an `adapter:N` choice means.
pub(super) fn device_ui(
    ui: &mut Ui,
    device: &mut DeviceChoice,
    adapters: Option<&[AdapterSummary]>,
) {
    let label = |choice: DeviceChoice| match choice {
        DeviceChoice::Auto => "Auto (a GPU if found, else CPU)".to_string(),
        DeviceChoice::Cpu => "CPU".to_string(),
        DeviceChoice::Gpu => "GPU (fails without one)".to_string(),
        DeviceChoice::Wgpu => "Software GPU (for testing, slow)".to_string(),
        DeviceChoice::Adapter(index) => {
            match adapters.and_then(|found| found.get(usize::from(index))) {
                Some(adapter) => format!("Adapter {index}: {}", adapter.name),
                None => format!("Adapter {index}"),
            }
        }
    };
    let listed = adapters.map_or(0, <[AdapterSummary]>::len);
    egui::ComboBox::from_label("Device")
        .selected_text(label(*device))
        .show_ui(ui, |ui| {
            let general = [
                DeviceChoice::Auto,
                DeviceChoice::Cpu,
                DeviceChoice::Gpu,
                DeviceChoice::Wgpu,
            ];
            let each_adapter =
                (0..listed).filter_map(|i| u16::try_from(i).ok().map(DeviceChoice::Adapter));
            for choice in general.into_iter().chain(each_adapter) {
                ui.selectable_value(device, choice, label(choice));
            }
        })
        .response
        .on_hover_text(
            "Where training runs. Without a GPU, the CPU is much faster than a software GPU. \
             \"Look for GPUs\" below adds each adapter found, for a machine with several.",
        );
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::*;

    #[test]
    fn each_listed_adapter_can_be_chosen_by_name() {
        let adapter = |name: &str, device_type: &str| AdapterSummary {
            name: name.into(),
            backend: "Vulkan".into(),
            is_gpu: true,
            device_type: device_type.into(),
        };
        let adapters = vec![
            adapter("RTX 4070", "DiscreteGpu"),
            adapter("RTX 3060", "DiscreteGpu"),
        ];
        let mut harness = Harness::new_ui_state(
            move |ui, device: &mut DeviceChoice| device_ui(ui, device, Some(&adapters)),
            DeviceChoice::Auto,
        );
        harness.get_by_label("Device").click();
        harness.run();
        harness.get_by_label("Adapter 1: RTX 3060").click();
        harness.run();
        assert_eq!(*harness.state(), DeviceChoice::Adapter(1));
        assert!(
            harness.query_by_value("Adapter 1: RTX 3060").is_some(),
            "the closed picker names the chosen adapter"
        );
    }
}
