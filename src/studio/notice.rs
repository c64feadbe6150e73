//! Messages for people from background work (a load finished, a run failed); the window shows
//! them as notifications, the plain types here keep the studio free of any toolkit.

/// How serious a notice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something finished.
    Info,
    /// Something was partly wrong (e.g. skipped rows).
    Warning,
    /// Something failed; the app is still usable.
    Error,
}

/// One message: its level and a few plain-language lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Severity.
    pub level: Level,
    /// The message.
    pub text: String,
}

impl Notice {
    /// An informational message.
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            level: Level::Info,
            text: text.into(),
        }
    }

    /// A warning.
    pub fn warn(text: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            text: text.into(),
        }
    }

    /// An error.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            text: text.into(),
        }
    }
}
