//! Training batches: every position of a user's training sequence predicts the next item.

use crate::model::tokens::TokenMatrix;

/// One optimisation step's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainBatch {
    /// `[rows, len]` left-padded input tokens: each user's training items but the last.
    pub tokens: TokenMatrix,
    /// Flat indices `row * len + column` of the positions that have a next item.
    pub positions: Vec<i64>,
    /// The next item (0-based) at each listed position.
    pub targets: Vec<i64>,
}

/// Users with at least two training items (anything shorter has nothing to predict).
pub fn trainable_users(train: &[Vec<u32>]) -> Vec<usize> {
    train
        .iter()
        .enumerate()
        .filter(|(_, sequence)| sequence.len() >= 2)
        .map(|(user, _)| user)
        .collect()
}

/// Builds the batch for `users`: input `s[..n-1]`, targets `s[1..]`, both cut to the last
/// `max_len` positions (one training sequence per user per epoch, as in SASRec).
pub fn build_batch(train: &[Vec<u32>], users: &[usize], max_len: usize) -> TrainBatch {
    let empty: &[u32] = &[];
    let sequences: Vec<&[u32]> = users
        .iter()
        .map(|&user| train.get(user).map_or(empty, |s| s.as_slice()))
        .collect();
    let inputs: Vec<&[u32]> = sequences
        .iter()
        .map(|s| &s[..s.len().saturating_sub(1)])
        .collect();
    let tokens = TokenMatrix::left_padded(&inputs, max_len);
    let len = tokens.len;
    let mut positions = Vec::new();
    let mut targets = Vec::new();
    for (row, sequence) in sequences.iter().enumerate() {
        let next_items = sequence.get(1..).unwrap_or(&[]);
        let kept = &next_items[next_items.len().saturating_sub(len)..];
        let first_column = len - kept.len();
        for (offset, &item) in kept.iter().enumerate() {
            positions.push((row * len + first_column + offset) as i64);
            targets.push(i64::from(item));
        }
    }
    TrainBatch {
        tokens,
        positions,
        targets,
    }
}

/// Per-group cost of one more encoder pass, in padded tokens: a split must save more padding
/// than this to be worth its extra, smaller matrix products (OUR heuristic).
const GROUP_OVERHEAD_TOKENS: usize = 256;

/// Rows of one batch that share a padded width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LengthGroup {
    /// The group's users, in the order of its rows.
    pub users: Vec<usize>,
    /// Their batch, left-padded to the group's longest input.
    pub batch: TrainBatch,
}

/// The batch for `users` split into at most `max_groups` groups of similar input length, each
/// padded only to its own longest input (a batch of short histories with one long one would
/// otherwise pad every row to the long one). Users are sorted by input length and cut where
/// the padded tokens `Σ rows × width` (plus `GROUP_OVERHEAD_TOKENS` per group) are fewest.
/// Every row is encoded exactly as in one padded pass (positions are right-aligned, padding is
/// masked), so the mean loss over all positions is the same objective.
pub fn length_groups(
    train: &[Vec<u32>],
    users: &[usize],
    max_len: usize,
    max_groups: usize,
) -> Vec<LengthGroup> {
    let width = |user: usize| {
        train
            .get(user)
            .map_or(0, |s| s.len().saturating_sub(1))
            .clamp(1, max_len.max(1))
    };
    let mut sorted = users.to_vec();
    sorted.sort_by_key(|&user| width(user));
    let widths: Vec<usize> = sorted.iter().map(|&user| width(user)).collect();
    cheapest_cuts(&widths, max_groups)
        .windows(2)
        .map(|cut| {
            let members = sorted[cut[0]..cut[1]].to_vec();
            LengthGroup {
                batch: build_batch(train, &members, max_len),
                users: members,
            }
        })
        .collect()
}

/// Boundaries `0 = c₀ < c₁ < … < c_k = n` (`k ≤ max_groups`) of ascending `widths` that
/// minimise `Σ_j (c_{j+1} − c_j) · widths[c_{j+1} − 1] + k · GROUP_OVERHEAD_TOKENS`, by dynamic
/// programming (`O(max_groups · n²)`, n = batch rows). Empty input gives `[0]` (no group).
fn cheapest_cuts(widths: &[usize], max_groups: usize) -> Vec<usize> {
    let n = widths.len();
    if n == 0 {
        return vec![0];
    }
    let groups = max_groups.clamp(1, n);
    // cost[g][i]: fewest tokens covering the first i rows with exactly g groups.
    let mut cost = vec![vec![usize::MAX; n + 1]; groups + 1];
    let mut start = vec![vec![0; n + 1]; groups + 1];
    cost[0][0] = 0;
    for g in 1..=groups {
        for end in g..=n {
            for begin in (g - 1)..end {
                let before = cost[g - 1][begin];
                if before == usize::MAX {
                    continue;
                }
                let total = before + (end - begin) * widths[end - 1] + GROUP_OVERHEAD_TOKENS;
                if total < cost[g][end] {
                    cost[g][end] = total;
                    start[g][end] = begin;
                }
            }
        }
    }
    let Some(best) = (1..=groups).min_by_key(|&g| (cost[g][n], g)) else {
        return vec![0];
    };
    let mut cuts = vec![n];
    let mut end = n;
    for g in (1..=best).rev() {
        end = start[g][end];
        cuts.push(end);
    }
    cuts.reverse();
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_next_items_and_padding_is_left_out() {
        let train = vec![vec![5, 6, 7], vec![1], vec![2, 3]];
        assert_eq!(trainable_users(&train), vec![0, 2]);
        let batch = build_batch(&train, &[0, 2], 10);
        // inputs [5,6] and [2] → tokens [6,7] and [0,3]
        assert_eq!(batch.tokens.len, 2);
        assert_eq!(batch.tokens.tokens, vec![6, 7, 0, 3]);
        assert_eq!(batch.positions, vec![0, 1, 3]);
        assert_eq!(batch.targets, vec![6, 7, 3]);
    }

    #[test]
    fn long_sequences_keep_their_last_window() {
        let train = vec![(0..10).collect::<Vec<u32>>()];
        let batch = build_batch(&train, &[0], 4);
        // input 0..9 → last 4 = 5,6,7,8 ; targets 6,7,8,9
        assert_eq!(batch.tokens.tokens, vec![6, 7, 8, 9]);
        assert_eq!(batch.targets, vec![6, 7, 8, 9]);
        assert_eq!(batch.positions, vec![0, 1, 2, 3]);
    }

    #[test]
    fn length_groups_cover_every_user_once_with_less_padding() {
        // Widths (inputs) 1, 2, 2, 3 and one of 300: one padded pass would be 5 × 300 tokens.
        let mut train: Vec<Vec<u32>> = [2, 3, 3, 4].iter().map(|&n| (0..n).collect()).collect();
        train.push((0..301).collect());
        let users = [4, 0, 1, 2, 3];
        let groups = length_groups(&train, &users, 400, 4);
        assert_eq!(groups.len(), 2, "{groups:?}");
        let mut seen: Vec<usize> = groups.iter().flat_map(|g| g.users.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert_eq!(groups[0].batch.tokens.len, 3);
        assert_eq!(groups[1].users, vec![4]);
        assert_eq!(groups[1].batch.tokens.len, 300);
        // Every group is the same batch its users would form on their own.
        for group in &groups {
            assert_eq!(group.batch, build_batch(&train, &group.users, 400));
        }
        let targets: usize = groups.iter().map(|g| g.batch.targets.len()).sum();
        assert_eq!(targets, build_batch(&train, &users, 400).targets.len());
    }

    #[test]
    fn one_group_when_splitting_saves_too_little_or_is_off() {
        let train: Vec<Vec<u32>> = (10..20).map(|n| (0..n).collect()).collect();
        let users: Vec<usize> = (0..10).collect();
        assert_eq!(length_groups(&train, &users, 50, 4).len(), 1);
        let mut uneven = train.clone();
        uneven.push((0..200).collect());
        let users: Vec<usize> = (0..11).collect();
        assert_eq!(length_groups(&uneven, &users, 200, 1).len(), 1);
        assert!(length_groups(&uneven, &[], 200, 4).is_empty());
    }

    #[test]
    fn cheapest_cuts_match_a_brute_force_search() {
        let widths = [1, 1, 2, 5, 5, 9, 30, 31, 200];
        let cost = |cuts: &[usize]| -> usize {
            cuts.windows(2)
                .map(|c| (c[1] - c[0]) * widths[c[1] - 1] + GROUP_OVERHEAD_TOKENS)
                .sum()
        };
        for groups in 1..=4 {
            let found = cheapest_cuts(&widths, groups);
            assert!(found.len() - 1 <= groups);
            // Every set of at most `groups` cuts, as bit masks over the 8 inner boundaries.
            let best = (0_u32..256)
                .filter(|mask| (mask.count_ones() as usize) < groups)
                .map(|mask| {
                    let mut cuts = vec![0];
                    cuts.extend((1..9).filter(|i| mask & (1 << (i - 1)) != 0));
                    cuts.push(9);
                    cost(&cuts)
                })
                .min();
            assert_eq!(Some(cost(&found)), best, "groups {groups}: {found:?}");
        }
    }
}
