//! Notifications: short messages in the corner that fade out; errors stay longer. They never
//! block the window.

use egui::{Align2, Color32, RichText};

pub use crate::studio::Level;
use crate::studio::Notice;

/// Seconds a notification of `level` stays on screen.
fn lifetime_seconds(level: Level) -> f64 {
    match level {
        Level::Info => 6.0,
        Level::Warning => 12.0,
        Level::Error => 20.0,
    }
}

/// One notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// Severity.
    pub level: Level,
    /// The message, one or a few plain-language lines.
    pub text: String,
    /// UI time it first appeared (set when first drawn).
    shown_at: Option<f64>,
}

/// The notifications on screen, and a log of every one.
#[derive(Debug, Default)]
pub struct Notifications {
    active: Vec<Notification>,
    /// Every message so far (severity, text), oldest first.
    pub history: Vec<(Level, String)>,
}

impl Notifications {
    /// Shows a message.
    pub fn push(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        match level {
            Level::Error => tracing::error!("{text}"),
            Level::Warning => tracing::warn!("{text}"),
            Level::Info => tracing::info!("{text}"),
        }
        self.history.push((level, text.clone()));
        self.active.push(Notification {
            level,
            text,
            shown_at: None,
        });
    }

    /// Shows the notices background work sent (the studio's messages), in order.
    pub fn forward(&mut self, notices: impl IntoIterator<Item = Notice>) {
        for notice in notices {
            self.push(notice.level, notice.text);
        }
    }

    /// Shows an informational message.
    pub fn info(&mut self, text: impl Into<String>) {
        self.push(Level::Info, text);
    }

    /// Shows a warning.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.push(Level::Warning, text);
    }

    /// Shows an error.
    pub fn error(&mut self, text: impl Into<String>) {
        self.push(Level::Error, text);
    }

    /// Messages on screen now.
    pub fn active(&self) -> &[Notification] {
        &self.active
    }

    /// Removes every message from the screen (the history stays).
    pub fn clear(&mut self) {
        self.active.clear();
    }

    /// Draws the messages in the bottom-right corner and drops expired ones.
    pub fn ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        self.active.retain(|n| {
            n.shown_at
                .is_none_or(|shown| now - shown < lifetime_seconds(n.level))
        });
        if self.active.is_empty() {
            return;
        }
        let mut dismissed = None;
        let mut next_expiry = f64::INFINITY;
        egui::Area::new(egui::Id::unique("sequda_notifications"))
            .anchor(Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -36.0))
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                ui.set_max_width(380.0);
                for (index, notification) in self.active.iter_mut().enumerate() {
                    let shown = *notification.shown_at.get_or_insert(now);
                    next_expiry =
                        next_expiry.min(shown + lifetime_seconds(notification.level) - now);
                    let (accent, title) = match notification.level {
                        Level::Info => (Color32::from_rgb(90, 170, 255), "Done"),
                        Level::Warning => (Color32::from_rgb(240, 180, 60), "Warning"),
                        Level::Error => (Color32::from_rgb(235, 90, 90), "Error"),
                    };
                    egui::Frame::popup(ui.style())
                        .stroke(egui::Stroke::new(1.5, accent))
                        .show(ui, |ui| {
                            ui.horizontal(|ui| {
                                ui.label(RichText::new(title).strong().color(accent));
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Min),
                                    |ui| {
                                        if ui
                                            .small_button("Dismiss")
                                            .on_hover_text("Hide this message")
                                            .clicked()
                                        {
                                            dismissed = Some(index);
                                        }
                                    },
                                );
                            });
                            ui.label(&notification.text);
                        });
                    ui.add_space(4.0);
                }
            });
        if let Some(index) = dismissed {
            self.active.remove(index);
        }
        if next_expiry.is_finite() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(next_expiry.max(0.05)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_logged_and_cleared() {
        let mut notes = Notifications::default();
        notes.info("saved");
        notes.error("failed");
        assert_eq!(notes.active().len(), 2);
        assert_eq!(notes.history[1], (Level::Error, "failed".to_owned()));
        notes.clear();
        assert!(notes.active().is_empty());
        assert_eq!(notes.history.len(), 2);
    }
}
