//! `sequda export` (issue #36, output for the warehouse): the exported tables, read back in
//! each format and scored by the documented formula `exp(state · embedding − lse)`, rank the
//! same top users for an ad as `sequda audience`; a SeqUDA-Rec run with target attention says
//! what the export cannot reproduce, and reproduces the rest.

mod common;

use std::path::Path;

use common::{read_json, sequda, sequda_ok, train_small};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;
use safetensors::SafeTensors;

const AD: &str = "ad042";
const TOP: usize = 100;

/// Exported tables read back: user ids, states `[users, dim]`, normalisers, item ids and
/// embeddings `[items, dim]`.
struct Exported {
    users: Vec<String>,
    states: Vec<Vec<f32>>,
    lse: Vec<f32>,
    items: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

impl Exported {
    /// The top `top` users for `ad` by the README's formula, ties by user index.
    fn audience(&self, ad: &str, top: usize) -> Vec<(String, f64)> {
        let item = self
            .items
            .iter()
            .position(|i| i == ad)
            .expect("ad exported");
        let embedding = &self.embeddings[item];
        let mut scored: Vec<(usize, f64)> = self
            .states
            .iter()
            .zip(&self.lse)
            .enumerate()
            .map(|(user, (state, &lse))| {
                let dot: f64 = state
                    .iter()
                    .zip(embedding)
                    .map(|(&s, &e)| f64::from(s) * f64::from(e))
                    .sum();
                (user, dot - f64::from(lse))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .take(top)
            .map(|(user, log_p)| (self.users[user].clone(), log_p.exp()))
            .collect()
    }
}

/// Reads a CSV table: its rows as strings.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("open CSV");
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn floats(cells: &[String]) -> Vec<f32> {
    cells.iter().map(|c| c.parse().expect("a float")).collect()
}

fn read_csv_export(dir: &Path) -> Exported {
    let (header, users) = csv_rows(&dir.join("user_states.csv"));
    assert_eq!(header[..4], ["user_index", "user_id", "lse", "s0"]);
    let (header, items) = csv_rows(&dir.join("item_embeddings.csv"));
    assert_eq!(header[..3], ["item_index", "item_id", "e0"]);
    assert!(users.iter().enumerate().all(|(i, r)| r[0] == i.to_string()));
    Exported {
        users: users.iter().map(|r| r[1].clone()).collect(),
        lse: users.iter().map(|r| r[2].parse().expect("lse")).collect(),
        states: users.iter().map(|r| floats(&r[3..])).collect(),
        items: items.iter().map(|r| r[1].clone()).collect(),
        embeddings: items.iter().map(|r| floats(&r[2..])).collect(),
    }
}

fn read_safetensors_export(dir: &Path) -> Exported {
    let bytes = std::fs::read(dir.join("embeddings.safetensors")).expect("tensors");
    let tensors = SafeTensors::deserialize(&bytes).expect("safetensors");
    let matrix = |name: &str| {
        let view = tensors.tensor(name).expect(name);
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        (view.shape().to_vec(), values)
    };
    let (state_shape, states) = matrix("user_states");
    let (lse_shape, lse) = matrix("user_lse");
    let (item_shape, items) = matrix("item_embeddings");
    let dim = state_shape[1];
    assert_eq!((lse_shape[0], item_shape[1]), (state_shape[0], dim));
    let ids = |file: &str| -> Vec<String> {
        csv_rows(&dir.join(file))
            .1
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    };
    Exported {
        users: ids("users.csv"),
        states: states.chunks(dim).map(<[f32]>::to_vec).collect(),
        lse,
        items: ids("items.csv"),
        embeddings: items.chunks(dim).map(<[f32]>::to_vec).collect(),
    }
}

fn read_parquet_export(dir: &Path) -> Exported {
    let rows = |file: &str| {
        let reader = SerializedFileReader::try_from(dir.join(file).as_path()).expect("parquet");
        reader
            .get_row_iter(None)
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect::<Vec<_>>()
    };
    let users = rows("user_states.parquet");
    let items = rows("item_embeddings.parquet");
    let width = |row: &parquet::record::Row, from: usize| -> Vec<f32> {
        (from..row.len())
            .map(|i| row.get_float(i).expect("float"))
            .collect()
    };
    Exported {
        users: users
            .iter()
            .map(|r| r.get_string(1).expect("id").clone())
            .collect(),
        lse: users.iter().map(|r| r.get_float(2).expect("lse")).collect(),
        states: users.iter().map(|r| width(r, 3)).collect(),
        items: items
            .iter()
            .map(|r| r.get_string(1).expect("id").clone())
            .collect(),
        embeddings: items.iter().map(|r| width(r, 2)).collect(),
    }
}

/// Reads one format's export folder back.
type Reader = fn(&Path) -> Exported;

/// `sequda audience`'s top users and probabilities for `AD`.
fn app_audience(run: &str, extra: &[&str]) -> Vec<(String, f64)> {
    let top = TOP.to_string();
    let mut args = vec![
        "audience", "--run", run, "--item", AD, "--top", &top, "--device", "cpu",
    ];
    args.extend_from_slice(extra);
    let text = sequda_ok(&args);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[1].to_owned(), r[2].parse().expect("probability"))
        })
        .collect()
}

/// The same users in the same order, where a swap is allowed only between users whose
/// probabilities tie to single precision (the app sums in f32, the formula here in f64).
fn assert_same_audience(exported: &[(String, f64)], app: &[(String, f64)]) {
    assert_eq!(exported.len(), app.len());
    for (rank, ((user, p), (app_user, app_p))) in exported.iter().zip(app).enumerate() {
        let close = (p - app_p).abs() <= 2e-6 * app_p.abs().max(1e-30);
        assert!(
            close,
            "rank {rank}: probability {p} exported, {app_p} in the app"
        );
        if user != app_user {
            let other = app.iter().find(|(u, _)| u == user).map(|(_, q)| *q);
            assert!(
                other.is_some_and(|q| (q - app_p).abs() <= 2e-6 * app_p),
                "rank {rank}: {user} exported, {app_user} in the app, not a tie"
            );
        }
    }
}

/// Trains a small run of `model` on the sample data into `dir/name`.
fn train(dir: &Path, name: &str, model: &str) -> String {
    train_small(dir, name, model, "1")
}

fn export(run: &str, out: &Path, format: &str) -> serde_json::Value {
    let out_text = out.to_str().expect("utf-8 path");
    let done = sequda(&[
        "export", "--run", run, "--out", out_text, "--format", format, "--device", "cpu",
    ]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(stderr.contains("exported 2500 users"), "{stderr}");
    read_json(&out.join("manifest.json"))
}

#[test]
fn every_format_reproduces_the_audience_of_a_sasrec_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = train(dir.path(), "sasrec", "sasrec");
    let app = app_audience(&run, &[]);
    assert_eq!(app.len(), TOP);
    let readers: [(&str, Reader); 3] = [
        ("csv", read_csv_export),
        ("parquet", read_parquet_export),
        ("safetensors", read_safetensors_export),
    ];
    for (format, read) in readers {
        let out = dir.path().join(format);
        let manifest = export(&run, &out, format);
        assert_eq!(manifest["format"], format);
        assert_eq!(manifest["exact"], true, "{manifest}");
        assert_eq!(manifest["model"], "sasrec");
        assert_eq!(manifest["dimension"], 16);
        assert_eq!(manifest["dataset"]["users"], 2500);
        assert!(
            manifest["config"]["train"]["encoder"]["dim"] == 16,
            "{manifest}"
        );
        assert!(
            manifest["summary"]["test"]["ndcg@10"].is_number(),
            "{manifest}"
        );
        for file in manifest["files"].as_array().expect("files") {
            let file = file.as_str().expect("name");
            assert!(out.join(file).is_file(), "{file} listed but missing");
        }
        let exported = read(&out);
        assert_eq!(exported.users.len(), 2500);
        assert!(exported.states.iter().all(|s| s.len() == 16));
        assert_same_audience(&exported.audience(AD, TOP), &app);
        let readme = std::fs::read_to_string(out.join("README.md")).expect("README");
        let sql = if format == "safetensors" {
            "numpy"
        } else {
            "## Scoring recipe: Spark SQL"
        };
        assert!(readme.contains(sql), "{readme}");
    }
    // The item metadata travels with the export, keyed by the dataset's ids.
    let (header, items) = csv_rows(&dir.path().join("csv/items.csv"));
    assert_eq!(header, ["item_index", "item_id", "title", "category"]);
    let ad = items
        .iter()
        .find(|r| r[1] == AD)
        .expect("the ad's metadata");
    assert!(!ad[2].is_empty() && !ad[3].is_empty(), "{ad:?}");
}

#[test]
fn a_target_attention_run_says_what_its_export_cannot_reproduce() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = train(dir.path(), "sequda", "sequda");
    let out = dir.path().join("export");
    let manifest = export(&run, &out, "csv");
    assert_eq!(manifest["target_attention"], true, "{manifest}");
    assert_eq!(manifest["exact"], false, "{manifest}");
    assert_eq!(
        manifest["reproduces"],
        "sequda audience --without-target-attention"
    );
    let reason = manifest["reason"].as_str().expect("reason");
    assert!(reason.contains("depend on the ad"), "{reason}");
    let readme = std::fs::read_to_string(out.join("README.md")).expect("README");
    assert!(readme.contains(reason), "the README states the same limit");

    let exported = read_csv_export(&out).audience(AD, TOP);
    // What it can reproduce: the full-ranking audience, exactly.
    assert_same_audience(
        &exported,
        &app_audience(&run, &["--without-target-attention"]),
    );
    // What it cannot: the head's scores for the ad are not the formula's.
    let with_head = app_audience(&run, &[]);
    let differs = exported
        .iter()
        .zip(&with_head)
        .any(|((u, p), (v, q))| u != v || (p - q).abs() > 1e-4 * q);
    assert!(differs, "target attention scores the ad differently");
}

#[test]
fn a_popularity_run_and_an_unknown_format_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = train(dir.path(), "pop", "pop");
    let out = dir.path().join("export");
    let out = out.to_str().expect("utf-8 path");
    let refused = sequda(&["export", "--run", &run, "--out", out, "--device", "cpu"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && stderr.contains("popularity model"),
        "{stderr}"
    );
    let unknown = sequda(&["export", "--run", &run, "--out", out, "--format", "xlsx"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && stderr.contains("csv, parquet or safetensors"),
        "{stderr}"
    );
}
