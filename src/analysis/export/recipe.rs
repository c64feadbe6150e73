//! The export's `README.md`: the files, the formula, and the scoring recipe as a DuckDB query
//! and the equivalent Spark SQL that rank users for an ad exactly as `sequda audience` does
//! (or, for a target-attention model, as `--without-target-attention` does, with the reason).

use std::fmt::Write;

use super::format::ExportFormat;
use super::layout::{ITEM_EMBEDDINGS, USER_STATES, embedding_column, state_column};
use super::manifest::ExportManifest;

/// The ad id the recipes use as a placeholder.
pub const AD_PLACEHOLDER: &str = "AD_ID";
/// The audience size the recipes use.
pub const RECIPE_TOP: usize = 100;

/// The whole `README.md` of an export.
pub fn readme(manifest: &ExportManifest, format: ExportFormat) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# SeqUDA Studio export: {} run on {}\n\n\
         Written by `sequda export --format {}` from `{}` (best epoch {}). The model's user \
         states and item embeddings ({} numbers each), keyed by the dataset's own ids, the item \
         metadata, and `manifest.json` (the run's settings and metrics, the dataset's content \
         hash `{}`).\n",
        manifest.model,
        manifest.dataset.name,
        format,
        manifest.run,
        manifest
            .best_epoch
            .map_or_else(|| "unknown".to_owned(), |e| e.to_string()),
        manifest.dimension,
        manifest.dataset.content_hash.as_deref().unwrap_or("none"),
    );
    let _ = writeln!(text, "## Files\n");
    for file in &manifest.files {
        let _ = writeln!(text, "- `{file}`: {}", describe(file, manifest.dimension));
    }
    let _ = writeln!(
        text,
        "\n## The score\n\n\
         The app's audience score of ad `c` for user `u` is the probability that the user's \
         next interaction is the ad, a softmax over the whole catalogue of `h_u · E_c` (no item \
         bias):\n\n\
         ```\nprobability(u, c) = exp(h_u · E_c − lse_u),   lse_u = log Σ_j exp(h_u · E_j)\n```\n\n\
         `lse_u` is exported with each user, so the ranking of users for an ad is by \
         `h_u · E_c − lse_u` (not by the raw dot product: users differ in `lse_u`), highest first, \
         ties by `user_index` (the dataset's order, the app's rule). The app computes in 32-bit \
         floats and the queries below in 64-bit, so two users whose probabilities agree to about \
         six significant digits may trade places; nothing else differs.\n"
    );
    let _ = writeln!(text, "## Exactness\n\n{}\n", manifest.exactness.reason);
    if format.is_tabular() {
        let _ = writeln!(text, "{}", sql_section(format, manifest.dimension));
    } else {
        let _ = writeln!(text, "{}", numpy_section());
    }
    text
}

/// One line about an exported file.
fn describe(file: &str, dim: usize) -> String {
    let last = dim.saturating_sub(1);
    match file.split('.').next().unwrap_or("") {
        USER_STATES => format!("one row per user: `user_index, user_id, lse, s0 … s{last}`"),
        ITEM_EMBEDDINGS => format!("one row per item: `item_index, item_id, e0 … e{last}`"),
        "items" => "item metadata: `item_index, item_id, title, category`".into(),
        "users" => "`user_index, user_id`: row `i` of `user_states` and `user_lse`".into(),
        "embeddings" => format!(
            "F32 tensors `user_states [users, {dim}]`, `user_lse [users]`, \
             `item_embeddings [items, {dim}]`; row `i` is index `i` of `users.csv` / `items.csv`"
        ),
        "manifest" => "the run's config and metrics, the dataset, the formula, exactness".into(),
        _ => "this file".into(),
    }
}

/// `h_u · E_c` in SQL, in 64-bit floats, wrapped four terms a line.
pub fn dot_sql(dim: usize) -> String {
    let terms: Vec<String> = (0..dim)
        .map(|k| {
            format!(
                "CAST(u.{} AS DOUBLE) * CAST(ad.{} AS DOUBLE)",
                state_column(k),
                embedding_column(k)
            )
        })
        .collect();
    terms
        .chunks(4)
        .map(|line| line.join(" + "))
        .collect::<Vec<_>>()
        .join("\n           + ")
}

/// The two queries, the same text in DuckDB and Spark SQL once the views exist.
pub fn audience_queries(dim: usize) -> (String, String) {
    let scored = format!(
        "WITH scored AS (\n  SELECT ad.item_id, u.user_index, u.user_id,\n         ({}) - u.lse AS log_probability\n  FROM user_states AS u\n  CROSS JOIN {{ADS}} AS ad\n)",
        dot_sql(dim)
    );
    let one = scored.replace(
        "{ADS}",
        &format!("(SELECT * FROM item_embeddings WHERE item_id = '{AD_PLACEHOLDER}')"),
    ) + &format!(
        "\nSELECT row_number() OVER (ORDER BY log_probability DESC, user_index) AS rank,\n       \
         user_id, exp(log_probability) AS probability\nFROM scored\n\
         ORDER BY rank\nLIMIT {RECIPE_TOP};"
    );
    let every = scored.replace("{ADS}", "item_embeddings")
        + &format!(
            ",\nranked AS (\n  SELECT item_id, user_id, exp(log_probability) AS probability,\n         \
         row_number() OVER (PARTITION BY item_id ORDER BY log_probability DESC, user_index) AS rank\n  \
         FROM scored\n)\nSELECT item_id, rank, user_id, probability\nFROM ranked\n\
         WHERE rank <= {RECIPE_TOP}\nORDER BY item_id, rank;"
        );
    (one, every)
}

/// The views over the files, in DuckDB.
fn duckdb_views(format: ExportFormat) -> String {
    match format {
        ExportFormat::Parquet => format!(
            "CREATE OR REPLACE VIEW user_states AS SELECT * FROM read_parquet('{USER_STATES}.parquet');\n\
             CREATE OR REPLACE VIEW item_embeddings AS SELECT * FROM read_parquet('{ITEM_EMBEDDINGS}.parquet');"
        ),
        _ => format!(
            "CREATE OR REPLACE VIEW user_states AS SELECT * FROM\n  read_csv('{USER_STATES}.csv', header = true, types = {{'user_id': 'VARCHAR'}});\n\
             CREATE OR REPLACE VIEW item_embeddings AS SELECT * FROM\n  read_csv('{ITEM_EMBEDDINGS}.csv', header = true, types = {{'item_id': 'VARCHAR'}});"
        ),
    }
}

/// The views over the files, in Spark SQL.
fn spark_views(format: ExportFormat, dim: usize) -> String {
    if format == ExportFormat::Parquet {
        return format!(
            "CREATE OR REPLACE TEMPORARY VIEW user_states USING parquet OPTIONS (path '{USER_STATES}.parquet');\n\
             CREATE OR REPLACE TEMPORARY VIEW item_embeddings USING parquet OPTIONS (path '{ITEM_EMBEDDINGS}.parquet');"
        );
    }
    let columns = |name: fn(usize) -> String| {
        (0..dim)
            .map(|k| format!("{} DOUBLE", name(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "CREATE OR REPLACE TEMPORARY VIEW user_states\n  (user_index BIGINT, user_id STRING, lse DOUBLE, {})\n  \
         USING csv OPTIONS (path '{USER_STATES}.csv', header 'true');\n\
         CREATE OR REPLACE TEMPORARY VIEW item_embeddings\n  (item_index BIGINT, item_id STRING, {})\n  \
         USING csv OPTIONS (path '{ITEM_EMBEDDINGS}.csv', header 'true');",
        columns(state_column),
        columns(embedding_column)
    )
}

/// The DuckDB and Spark SQL recipes.
fn sql_section(format: ExportFormat, dim: usize) -> String {
    let (one, every) = audience_queries(dim);
    format!(
        "## Scoring recipe: DuckDB\n\n\
         Run from this folder (or put the files' warehouse paths in the views). The top \
         {RECIPE_TOP} users for the ad `{AD_PLACEHOLDER}`, as `sequda audience --item \
         {AD_PLACEHOLDER} --top {RECIPE_TOP}`:\n\n\
         ```sql\n{}\n\n{one}\n```\n\n\
         Every ad's top {RECIPE_TOP} at once (an audience for every user and every ad; drop the \
         `WHERE rank <= …` for all users):\n\n```sql\n{every}\n```\n\n\
         ## Scoring recipe: Spark SQL\n\n\
         The same queries, after these views:\n\n```sql\n{}\n```\n\n\
         then the two queries above, unchanged.\n",
        duckdb_views(format),
        spark_views(format, dim)
    )
}

/// The recipe for the safetensors layout.
fn numpy_section() -> String {
    format!(
        "## Scoring recipe: NumPy\n\n\
         SQL engines do not read safetensors; export with `--format csv` or `--format parquet` \
         for the DuckDB and Spark SQL recipes. In Python:\n\n\
         ```python\nimport csv\nimport numpy as np\nfrom safetensors.numpy import load_file\n\n\
         t = load_file(\"embeddings.safetensors\")\n\
         users = [r[\"user_id\"] for r in csv.DictReader(open(\"users.csv\", newline=\"\"))]\n\
         items = [r[\"item_id\"] for r in csv.DictReader(open(\"items.csv\", newline=\"\"))]\n\
         ad = items.index(\"{AD_PLACEHOLDER}\")\n\
         log_p = t[\"user_states\"].astype(np.float64) @ t[\"item_embeddings\"][ad].astype(np.float64) \
         - t[\"user_lse\"]\n\
         order = np.lexsort((np.arange(len(log_p)), -log_p))[:{RECIPE_TOP}]\n\
         audience = [(users[u], float(np.exp(log_p[u]))) for u in order]\n```\n"
    )
}
