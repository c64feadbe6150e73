//! The rank convention's small helpers, shared by the full and sampled protocols.

use super::error::EvalError;

/// Checks that a scorer's catalogue size is usable (non-empty, ids fit in `u32`).
pub(super) fn check_catalogue(n_items: usize) -> Result<(), EvalError> {
    if n_items == 0 || u32::try_from(n_items - 1).is_err() {
        return Err(EvalError::InvalidCatalogue(n_items));
    }
    Ok(())
}

/// Converts a count to a rank, saturating (ranks cannot exceed `u32::MAX` for valid catalogues).
pub(super) fn to_rank(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// `true` when `score` competes with (is not strictly below) the target score `target`:
/// `score >= target`, or either is NaN (NaN always counts against the model).
#[inline]
pub(super) fn not_less(score: f32, target: f32) -> bool {
    score.partial_cmp(&target) != Some(std::cmp::Ordering::Less)
}
