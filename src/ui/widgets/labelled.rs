//! Small helpers: labelled number fields, plain-language notes, number formatting.

use std::ops::RangeInclusive;

use egui::{Response, RichText, Ui};

/// A number field with a visible label that screen readers (and UI tests) read as its name, and
/// a tooltip on both.
pub fn labelled_drag<N: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    tooltip: &str,
    value: &mut N,
    range: RangeInclusive<N>,
    speed: f64,
) -> Response {
    let label = ui.label(label).on_hover_text(tooltip);
    ui.add(egui::DragValue::new(value).range(range).speed(speed))
        .labelled_by(label.id)
        .on_hover_text(tooltip)
}

/// A framed note that says plainly what is missing and what to do about it.
pub fn note(ui: &mut Ui, text: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(text).italics());
    });
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Seconds as `"42 s"`, `"3 min 05 s"` or `"1 h 02 min"`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".into();
    }
    let total = seconds.round() as u64;
    match total {
        0..=59 => format!("{total} s"),
        60..=3599 => format!("{} min {:02} s", total / 60, total % 60),
        _ => format!("{} h {:02} min", total / 3600, (total % 3600) / 60),
    }
}

/// Shortens `text` to `max` characters with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(73801), "73,801");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(3720.0), "1 h 02 min");
        assert_eq!(duration(f64::NAN), "—");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
