//! `test_ranks.json`: each tested user's dense index and 0-based rank of the held-out item,
//! written once a run is tested and read back for paired significance tests between runs.

use std::path::Path;

use super::folder::{RunDir, write_atomically};
use crate::eval::ndcg_at;
use crate::train::TrainError;

/// Writes `test_ranks.json`: each tested user's dense index and 0-based rank, for paired
/// significance tests between runs on the same data.
pub fn write_test_ranks(run_dir: &RunDir, users: &[u32], ranks: &[u32]) -> Result<(), TrainError> {
    let path = run_dir.root().join(TEST_RANKS_FILE);
    let text = serde_json::to_string(&serde_json::json!({"users": users, "ranks": ranks}))
        .map_err(|e| TrainError::file(&path, e))?;
    write_atomically(&path, text.as_bytes())
}

/// Per-user test ranks of a run (for paired tests).
pub const TEST_RANKS_FILE: &str = "test_ranks.json";

/// `(user, NDCG@10)` of every test user of the run in `run`, sorted by user.
pub fn read_test_ndcg(run: &Path) -> Result<Vec<(u32, f64)>, TrainError> {
    Ok(read_test_ranks(run)?
        .into_iter()
        .map(|(user, rank)| (user, ndcg_at(rank, 10)))
        .collect())
}

/// `(user, 0-based test rank)` of every test user of the run in `run`, sorted by user.
pub fn read_test_ranks(run: &Path) -> Result<Vec<(u32, u32)>, TrainError> {
    #[derive(serde::Deserialize)]
    struct Ranks {
        users: Vec<u32>,
        ranks: Vec<u32>,
    }
    let path = run.join(TEST_RANKS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        TrainError::file(
            &path,
            format!("{e} (the run has not finished or was never tested)"),
        )
    })?;
    let ranks: Ranks = serde_json::from_str(&text).map_err(|e| TrainError::file(&path, e))?;
    if ranks.users.len() != ranks.ranks.len() {
        return Err(TrainError::file(
            &path,
            format!(
                "{} users but {} ranks",
                ranks.users.len(),
                ranks.ranks.len()
            ),
        ));
    }
    let mut pairs: Vec<(u32, u32)> = ranks.users.into_iter().zip(ranks.ranks).collect();
    pairs.sort_by_key(|&(user, _)| user);
    Ok(pairs)
}
