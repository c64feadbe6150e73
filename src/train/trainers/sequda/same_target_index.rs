//! The training prefixes by their next item, and each step's same-target pairs (DuoRec;
//! RESEARCH.md recipe 3, docs/MODEL.md §3).

use crate::rng::SplitMix64;

/// A training prefix: `train[user][..end]`, whose next item is `train[user][end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Prefix {
    /// Dense user index.
    pub user: usize,
    /// Length of the prefix (at least 1).
    pub end: usize,
}

/// Every training prefix, by its next item.
pub(super) struct SameTargetIndex {
    /// `by_item[i]`: the prefixes whose next item is `i`.
    by_item: Vec<Vec<Prefix>>,
}

/// One positive pair of a step: a batch row and the other prefix it is paired with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Pair {
    /// The batch user; its own prefix is its training sequence without the last item.
    pub user: usize,
    /// Another prefix with the same next item.
    pub positive: Prefix,
}

impl SameTargetIndex {
    /// Indexes the prefixes of `train` (`train[user]` = items in order, each `< n_items`).
    pub fn new(train: &[Vec<u32>], n_items: usize) -> Self {
        let mut by_item = vec![Vec::new(); n_items];
        for (user, items) in train.iter().enumerate() {
            for (end, &item) in items.iter().enumerate().skip(1) {
                if let Some(list) = by_item.get_mut(item as usize) {
                    list.push(Prefix { user, end });
                }
            }
        }
        Self { by_item }
    }

    /// The step's pairs: for each of `users` (in order) whose last training item is the next
    /// item of some other prefix, one such prefix drawn uniformly. At most one row per next
    /// item is kept, so no negative of a pair shares its target.
    pub fn pairs(&self, train: &[Vec<u32>], users: &[usize], rng: &mut SplitMix64) -> Vec<Pair> {
        let mut taken = std::collections::HashSet::new();
        let mut pairs = Vec::new();
        for &user in users {
            let Some(items) = train.get(user).filter(|items| items.len() >= 2) else {
                continue;
            };
            let own = Prefix {
                user,
                end: items.len() - 1,
            };
            let target = items[own.end];
            let Some(list) = self.by_item.get(target as usize) else {
                continue;
            };
            if list.len() < 2 || !taken.insert(target) {
                continue;
            }
            // Draw among the others: skip the own prefix's slot.
            let own_slot = list.iter().position(|p| *p == own);
            let mut pick = rng.index(list.len() - usize::from(own_slot.is_some()));
            if own_slot.is_some_and(|slot| pick >= slot) {
                pick += 1;
            }
            pairs.push(Pair {
                user,
                positive: list[pick],
            });
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn train() -> Vec<Vec<u32>> {
        vec![
            vec![0, 1, 2], // own prefix [0, 1] → 2
            vec![3, 2, 4], // [3] → 2, [3, 2] → 4
            vec![5, 2],    // [5] → 2
            vec![6, 4],    // [6] → 4
            vec![7, 8],    // [7] → 8, which nothing else precedes
        ]
    }

    #[test]
    fn positives_share_the_next_item_and_are_never_the_row_itself() {
        let train = train();
        let index = SameTargetIndex::new(&train, 9);
        let mut rng = SplitMix64::new(3);
        for _ in 0..50 {
            let pairs = index.pairs(&train, &[0, 1, 2, 3, 4], &mut rng);
            for pair in &pairs {
                let own_target = *train[pair.user].last().expect("items");
                let Prefix { user, end } = pair.positive;
                assert_eq!(train[user][end], own_target, "{pair:?}");
                assert!((user, end) != (pair.user, train[pair.user].len() - 1));
                assert!(end >= 1);
            }
            // Users 0 and 2 both end on item 2: one row for it. User 1 and 3 end on 4.
            // User 4's item 8 has no other prefix.
            let users: Vec<usize> = pairs.iter().map(|p| p.user).collect();
            assert_eq!(users, [0, 1], "{pairs:?}");
        }
    }

    #[test]
    fn every_other_prefix_can_be_drawn() {
        let train = train();
        let index = SameTargetIndex::new(&train, 9);
        let mut rng = SplitMix64::new(8);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            for pair in index.pairs(&train, &[0], &mut rng) {
                seen.insert((pair.positive.user, pair.positive.end));
            }
        }
        // Item 2 follows [3] (user 1, end 1) and [5] (user 2, end 1), besides user 0's own.
        assert_eq!(seen, [(1, 1), (2, 1)].into_iter().collect());
    }
}
