//! Deterministic generator of the bundled sample data (`sample_data/`): a synthetic ad log;
//! and, beside it, the scale generator (`scale`) for logs of any size.
//!
//! The log is built to have real structure for the models to find:
//! - **Campaigns and funnels**: ads belong to categories (one brand's campaign each); within a
//!   category, each product has a chain of ads in funnel order (teaser → launch → retargeting →
//!   last call), and products link to one or two related products ("customers who saw X next
//!   saw Y"). Users tend to walk these chains, so the next ad is predictable from the last few.
//! - **Drifting interests**: every user has two or three favourite categories; at a new session a
//!   new category sometimes becomes the primary interest and the weakest one is dropped.
//! - **Popularity skew**: Zipf-like popularity of products within a category, gentler skew
//!   across categories.
//! - **Funnel events**: each row is one exposure with the deepest stage reached (impression,
//!   click, conversion); click and conversion rates depend on the user's affinity to the
//!   category and on the ad's funnel stage, and clickers are retargeted more than the others.
//! - **Noise**: some exposures are random (by popularity); repeated ads are rare.
//!
//! Everything is drawn from a hand-written SplitMix64 with integer-only sampling, so the bytes
//! of the output never change across runs, platforms or Rust versions for a given config.

mod behaviour;
mod catalogue;
mod config;
mod funnel;
mod sample;
mod scale;
#[cfg(test)]
mod tests;

pub use config::{ADS_FILE, DEFAULT_SEED, DEFAULT_START_TIMESTAMP, EVENTS_FILE, SynthConfig};
pub use sample::{SampleData, generate, write_sample_data};
pub use scale::{
    MIN_USER_INTERACTIONS, ScaleConfig, ScaleError, write_scale_data, write_scale_rows,
};
