//! `sequda report`: one self-contained HTML page about a run (data, curves, test metrics with
//! intervals, a comparison table, an attention map, generated sequences, an audience), to
//! open in any browser without installing anything.

mod content;
mod error;
mod escape;
mod intervals;
mod page;
mod sections;
mod svg;

pub use content::{
    AttentionSection, AudienceSection, ComparisonRow, ReportRequest, RunReport, Section,
    SyntheticSection, gather_report,
};
pub use error::ReportError;
pub use intervals::{MetricInterval, metric_intervals};
pub use page::{WrittenReport, render_html, write_report};
pub use sections::SECTION_IDS;
