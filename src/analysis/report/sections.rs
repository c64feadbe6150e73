//! The report's sections as HTML fragments, each a `<section id="…">` with its heading, so a
//! reader (or a test) finds every part by its id.

use std::fmt::Write;

use super::content::{AudienceSection, RunReport, SyntheticSection};
use super::escape::escape;
use super::svg::{LineChart, Series, heatmap_svg};
use crate::analysis::gains::GainsCurve;
use crate::analysis::history::{ValidMetric, XAxis};
use crate::analysis::smoothing::debiased_ema;

/// Smoothing of the loss curves (as the window's default slider).
const LOSS_SMOOTHING: f64 = 0.6;
/// Loss terms charted (the first ones by name).
const MAX_LOSS_CHARTS: usize = 6;
/// Most points drawn per curve (longer ones are thinned evenly, the last point kept).
const MAX_CURVE_POINTS: usize = 800;
/// Items of a synthetic sequence's real prefix shown before its continuation.
const SHOWN_PREFIX: usize = 3;
/// Points of a gains curve (at even shares of the users).
const GAINS_POINTS: usize = 200;

/// Every `k`-th point of `points` so that at most `max` remain, always with the last one.
fn thin(points: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let stride = points.len().div_ceil(max - 1);
    let last = points[points.len() - 1];
    let mut kept: Vec<[f64; 2]> = points.into_iter().step_by(stride).collect();
    if kept.last() != Some(&last) {
        kept.push(last);
    }
    kept
}

/// Every section id, in page order ("comparison" only when runs are compared).
pub const SECTION_IDS: [&str; 8] = [
    "summary",
    "data",
    "curves",
    "metrics",
    "comparison",
    "attention",
    "synthetic",
    "audience",
];

/// A `<section>` with an id, a heading and a body.
fn section(id: &str, heading: &str, body: &str) -> String {
    format!(
        "<section id=\"{id}\"><h2>{}</h2>{body}</section>\n",
        escape(heading)
    )
}

/// "Not available: why", for a section that could not be built.
fn missing(reason: &str) -> String {
    format!("<p class=\"missing\">Not available: {}</p>", escape(reason))
}

/// A two-column table of `(name, value)` rows.
fn key_values(rows: &[(&str, String)]) -> String {
    let mut html = String::from("<table class=\"kv\">");
    for (key, value) in rows {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(key),
            escape(value)
        );
    }
    html.push_str("</table>");
    html
}

/// The run at a glance.
pub fn summary(report: &RunReport) -> String {
    let run = &report.run;
    let mut rows = vec![
        ("Model", run.config.train.model.label().to_string()),
        ("Data", run.config.data.path.clone()),
    ];
    match &run.summary {
        Some(summary) => {
            rows.push(("Device", summary.device.clone()));
            rows.push((
                "Epochs",
                format!(
                    "{} run, best {} (chosen on validation NDCG@10)",
                    summary.epochs_run, summary.best_epoch
                ),
            ));
            rows.push((
                "Training time",
                format!(
                    "{:.1} s ({:.2} s per epoch)",
                    summary.train_seconds, summary.seconds_per_epoch
                ),
            ));
            rows.push(("Stopped because", summary.stop_reason.clone()));
            if let Some(test) = &summary.test {
                rows.push((
                    "Test",
                    format!(
                        "HR@10 {:.4} · NDCG@10 {:.4} · MRR {:.4} over {} users",
                        test.hr_10, test.ndcg_10, test.mrr, test.users
                    ),
                ));
            }
        }
        None => rows.push(("Status", "not finished (no summary.json)".to_string())),
    }
    section("summary", "Run", &key_values(&rows))
}

/// The dataset's statistics.
pub fn data(report: &RunReport) -> String {
    let d = &report.data;
    let length = &d.sequence_length;
    let mut rows = vec![
        ("File", d.path.clone()),
        ("Format", d.format.clone()),
        ("Users", d.users.to_string()),
        ("Items", d.items.to_string()),
        ("Interactions", d.interactions.to_string()),
        ("Sparsity", format!("{:.4}%", d.sparsity * 100.0)),
        (
            "Interactions per user",
            format!(
                "min {} · median {} · mean {:.1} · max {}",
                length.min, length.median, length.mean, length.max
            ),
        ),
        ("Repeated user–item pairs", d.repeated_pairs.to_string()),
        ("Rows skipped on import", d.skipped_rows.to_string()),
    ];
    if !d.behaviours.is_empty() {
        let behaviours: Vec<String> = d
            .behaviours
            .iter()
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        rows.push(("Behaviours", behaviours.join(" · ")));
    }
    section("data", "Data", &key_values(&rows))
}

/// Loss curves (one chart per term, smoothed over the raw line) and validation curves.
pub fn curves(report: &RunReport) -> String {
    let history = &report.run.history;
    let mut body = String::from("<div class=\"grid\">");
    for name in history.loss_names().into_iter().take(MAX_LOSS_CHARTS) {
        let raw = thin(history.loss_series(&name, XAxis::Epoch), MAX_CURVE_POINTS);
        let ys: Vec<f64> = raw.iter().map(|p| p[1]).collect();
        let smooth: Vec<[f64; 2]> = raw
            .iter()
            .zip(debiased_ema(&ys, LOSS_SMOOTHING))
            .map(|(p, y)| [p[0], y])
            .collect();
        let chart = LineChart {
            title: format!("loss: {name}"),
            x_label: "epoch".into(),
            y_label: name.clone(),
            series: vec![
                Series::faint("raw", raw),
                Series::solid(format!("smoothed ({LOSS_SMOOTHING})"), smooth),
            ],
        };
        body.push_str(&chart.to_svg());
    }
    let mut validation: Vec<Series> = ValidMetric::ALL
        .iter()
        .map(|&metric| {
            Series::solid(
                format!("{} {}", report.run.name, metric.label()),
                history.metric_series(metric, XAxis::Epoch),
            )
        })
        .collect();
    for row in report.comparison.iter().skip(1) {
        validation.push(Series::dashed(
            format!("{} NDCG@10", row.run.name),
            row.run
                .history
                .metric_series(ValidMetric::Ndcg10, XAxis::Epoch),
        ));
    }
    let chart = LineChart {
        title: "validation (full ranking)".into(),
        x_label: "epoch".into(),
        y_label: "metric".into(),
        series: validation,
    };
    body.push_str(&chart.to_svg());
    body.push_str("</div>");
    section("curves", "Loss and validation curves", &body)
}

/// Test metrics with 95% intervals.
pub fn metrics(report: &RunReport) -> String {
    let body = match &report.metrics {
        Err(reason) => missing(reason),
        Ok(rows) => {
            let users = rows.first().map_or(0, |r| r.users);
            let mut html = format!(
                "<p>Test, leave-one-out, full ranking over every item, seen items filtered; \
                 {users} users. Intervals: mean ± 1.96 standard errors over users.</p>\
                 <table><tr><th>metric</th><th>value</th><th>95% interval</th></tr>"
            );
            for row in rows {
                let _ = write!(
                    html,
                    "<tr><td>{}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4} – {:.4}</td></tr>",
                    row.name, row.value, row.low, row.high
                );
            }
            html.push_str("</table>");
            html
        }
    };
    section("metrics", "Test metrics", &body)
}

/// The comparison table; empty when no run was compared.
pub fn comparison(report: &RunReport) -> String {
    if report.comparison.is_empty() {
        return String::new();
    }
    let mut html = String::from(
        "<table><tr><th>run</th><th>model</th><th>valid NDCG@10</th><th>test HR@10</th>\
         <th>test NDCG@10</th><th>test MRR</th><th>against the reported run</th></tr>",
    );
    for row in &report.comparison {
        let run = &row.run;
        let valid = run
            .summary
            .as_ref()
            .map_or("–".to_string(), |s| format!("{:.4}", s.valid.ndcg_10));
        let test = |f: fn(&crate::eval::RankingMetrics) -> f64| {
            run.test()
                .map_or("–".to_string(), |t| format!("{:.4}", f(t)))
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{valid}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&run.name),
            escape(run.config.train.model.label()),
            test(|t| t.hr_10),
            test(|t| t.ndcg_10),
            test(|t| t.mrr),
            escape(&row.verdict)
        );
    }
    html.push_str("</table><p>Paired t-test over the test users' NDCG@10.</p>");
    section("comparison", "Comparison", &html)
}

/// The attention heatmap.
pub fn attention(report: &RunReport) -> String {
    let body = match &report.attention {
        Err(reason) => missing(reason),
        Ok(map) => format!(
            "<p>User {}: self-attention of layer {} of {}, {}, on the last \
             {} items of the history (rows attend to columns; each row sums to 1 over the \
             whole window).</p>{}",
            escape(&map.user),
            map.layer.0 + 1,
            map.layer.1,
            if map.heads == 1 {
                "one head".to_string()
            } else {
                format!("averaged over {} heads", map.heads)
            },
            map.labels.len(),
            heatmap_svg("attention weights", &map.labels, &map.matrix)
        ),
    };
    section("attention", "Attention map", &body)
}

/// The synthetic sample and its monitors.
pub fn synthetic(report: &RunReport) -> String {
    let body = match &report.synthetic {
        Err(reason) => missing(reason),
        Ok(sample) => synthetic_body(sample),
    };
    section("synthetic", "Synthetic sequences", &body)
}

fn synthetic_body(sample: &SyntheticSection) -> String {
    let q = &sample.quality;
    let flag = |raised: bool, name: &str| {
        if raised {
            format!("<span class=\"warn\">{name}: flagged</span>")
        } else {
            format!("<span class=\"ok\">{name}: not flagged</span>")
        }
    };
    let mut html = format!(
        "<p>{} · {}</p><table><tr><th>monitor</th><th>real (held back)</th><th>synthetic</th></tr>\
         <tr><td>sequences</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\
         <tr><td>mean length</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td></tr>\
         <tr><td>distinct-1</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td></tr>\
         <tr><td>distinct-2</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td></tr>\
         <tr><td>memorised share</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td></tr>\
         </table><p>Popularity JS divergence, real vs synthetic: {:.3}; length JS divergence: {:.3}.</p>",
        flag(sample.mode_collapse, "mode collapse"),
        flag(sample.memorisation, "memorisation"),
        q.real.sequences,
        q.synthetic.sequences,
        q.real.mean_length,
        q.synthetic.mean_length,
        q.real.distinct_1,
        q.synthetic.distinct_1,
        q.real.distinct_2,
        q.synthetic.distinct_2,
        q.real.memorised_share,
        q.synthetic.memorised_share,
        q.popularity_js,
        q.length_js,
    );
    html.push_str("<table><tr><th>source user</th><th>D(x)</th><th>sequence (real prefix | generated)</th></tr>");
    for (user, score, prefix, titles) in &sample.samples {
        let (real, generated) = titles.split_at((*prefix).min(titles.len()));
        // The end of the real prefix is what the generator continues; the rest is summarised.
        let shown = &real[real.len().saturating_sub(SHOWN_PREFIX)..];
        let earlier = match real.len() - shown.len() {
            0 => String::new(),
            n => format!("({n} earlier) … "),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"num\">{score:.3}</td><td>{earlier}{} <b>|</b> <i>{}</i></td></tr>",
            escape(user),
            escape(&shown.join(" › ")),
            escape(&generated.join(" › "))
        );
    }
    html.push_str("</table>");
    html
}

/// The audience gains chart.
pub fn audience(report: &RunReport) -> String {
    let body = match &report.audience {
        Err(reason) => missing(reason),
        Ok(section) => audience_body(section),
    };
    section("audience", "Audience for one ad", &body)
}

fn audience_body(audience: &AudienceSection) -> String {
    // The curves at even shares (they can hold a point per user), in percent.
    let percent = |curve: &GainsCurve| -> Vec<[f64; 2]> {
        (0..=GAINS_POINTS)
            .map(|k| {
                let share = k as f64 / GAINS_POINTS as f64;
                [share * 100.0, curve.reached_at(share) * 100.0]
            })
            .collect()
    };
    let chart = LineChart {
        title: format!("who should see {}?", audience.item),
        x_label: "users targeted (%), best first".into(),
        y_label: "held-out engagers reached (%)".into(),
        series: vec![
            Series::solid("model", percent(&audience.model_gains)),
            Series::solid("most active first", percent(&audience.popularity_gains)),
            Series::dashed("random", vec![[0.0, 0.0], [100.0, 100.0]]),
        ],
    };
    let warning = audience.warning.as_ref().map_or(String::new(), |w| {
        format!("<p class=\"warn\">{}</p>", escape(w))
    });
    format!(
        "<p>{} users ranked by {}. Top 10%: <b>{}</b></p>{warning}{}",
        audience.users,
        audience.scored_by,
        escape(&audience.verdict),
        chart.to_svg()
    )
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn thinning_keeps_the_ends_and_the_limit() {
        let points: Vec<[f64; 2]> = (0..1001).map(|i| [i as f64, 0.0]).collect();
        let kept = thin(points.clone(), 100);
        assert!(kept.len() <= 101, "{}", kept.len());
        assert_eq!(kept.first(), Some(&[0.0, 0.0]));
        assert_eq!(kept.last(), Some(&[1000.0, 0.0]));
        assert_eq!(thin(points[..50].to_vec(), 100).len(), 50);
    }
}
