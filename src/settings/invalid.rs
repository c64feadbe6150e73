//! The error every settings check returns.

/// A configuration value that cannot work, with a plain-language reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid setting: {0}")]
pub struct InvalidConfig(pub String);
