//! The report page: one self-contained HTML file (inline CSS and SVG, no script, no fonts or
//! images fetched from anywhere), written whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::content::{ReportRequest, RunReport, gather_report};
use super::error::ReportError;
use super::escape::escape;
use super::sections;
use crate::data::write_file_atomically;

/// The page's style sheet: light, print-friendly, charts scaled to their column.
const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d2330;background:#fff}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;border-bottom:1px solid #d9dee7;padding-bottom:4px;margin-top:32px}
nav a{margin-right:12px;color:#2456a6;text-decoration:none}.sub{color:#5b6577;margin:0 0 12px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d9dee7;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{width:220px}.missing{color:#8a5a00;background:#fff6e0;padding:8px;border-radius:4px}
.warn{color:#a12a2a;font-weight:600}.ok{color:#1d6b35}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
svg.chart,svg.heatmap{width:100%;height:auto;max-width:720px;background:#fff}
svg .plot{fill:#fbfcfe;stroke:#c9d0dc}svg .grid{stroke:#e6e9ef;stroke-width:1}
svg text{font-family:inherit;font-size:11px;fill:#3a4356}svg .chart-title{font-size:13px;font-weight:600}
svg .axis{font-size:11px;fill:#5b6577}svg .empty{fill:#8a93a5}
footer{margin-top:40px;color:#8a93a5;font-size:.85em}
@media print{nav{display:none}section{break-inside:avoid}}
";

/// The whole page for `report`.
pub fn render_html(report: &RunReport) -> String {
    let run = &report.run;
    let title = format!(
        "{}: {} on {}",
        run.name,
        run.config.train.model.label(),
        file_name(&run.config.data.path)
    );
    let mut body = String::new();
    body.push_str(&sections::summary(report));
    body.push_str(&sections::data(report));
    body.push_str(&sections::curves(report));
    body.push_str(&sections::metrics(report));
    body.push_str(&sections::comparison(report));
    body.push_str(&sections::attention(report));
    body.push_str(&sections::synthetic(report));
    body.push_str(&sections::audience(report));
    let links: String = sections::SECTION_IDS
        .iter()
        .filter(|id| body.contains(&format!("<section id=\"{id}\"")))
        .map(|id| format!("<a href=\"#{id}\">{id}</a>"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title_text}</title><style>{STYLE}</style></head><body>\
         <h1>{title_text}</h1><p class=\"sub\">SeqUDA Studio run report · {folder}</p>\
         <nav>{links}</nav>\n{body}<footer>Written by SeqUDA Studio {version} (sequda report). \
         Self-contained: no script, nothing loaded from the network.</footer></body></html>\n",
        title_text = escape(&title),
        folder = escape(&run.dir.display().to_string()),
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// The last component of a path written in a config (the whole text when it has none).
fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// What [`write_report`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenReport {
    /// The HTML file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// Sections that could not be built, with why ("synthetic: … has no GAN").
    pub missing: Vec<String>,
}

/// Gathers the report for `request` and writes it to `out` (through a temporary file and a
/// rename, so a failed write leaves any earlier report in place).
pub fn write_report(request: &ReportRequest, out: &Path) -> Result<WrittenReport, ReportError> {
    let report = gather_report(request)?;
    let html = render_html(&report);
    write_file_atomically(out, |file| file.write_all(html.as_bytes())).map_err(|source| {
        ReportError::Write {
            path: out.to_path_buf(),
            source,
        }
    })?;
    let mut missing = Vec::new();
    let mut note = |name: &str, reason: Option<&String>| {
        if let Some(reason) = reason {
            missing.push(format!("{name}: {reason}"));
        }
    };
    note("metrics", report.metrics.as_ref().err());
    note("attention", report.attention.as_ref().err());
    note("synthetic", report.synthetic.as_ref().err());
    note("audience", report.audience.as_ref().err());
    Ok(WrittenReport {
        path: out.to_path_buf(),
        bytes: html.len(),
        missing,
    })
}
