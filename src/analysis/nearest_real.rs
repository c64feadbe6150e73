//! The nearest real sequence of a generated one (docs/MODEL.md §4's last quality monitor): the most
//! similar user's training history and the longest run of items the two share; for the
//! window's tooltips, remembered per sequence so hovering twice costs nothing.

use std::collections::HashMap;

use crate::eval::synthetic::{longest_common_run, nearest_real};

/// Generated sequences remembered before the memory is cleared.
const REMEMBERED: usize = 512;

/// The real training sequence most like a generated one.
#[derive(Clone, Debug, PartialEq)]
pub struct NearestMatch {
    /// The user (dense index) whose training history it is.
    pub user: u32,
    /// Jaccard similarity of the two item sets, in (0, 1].
    pub similarity: f64,
    /// Longest run of consecutive items the two share.
    pub shared_run: usize,
}

/// The sequence of `training` (`training[user]`) most like `items` (Jaccard of the item sets)
/// and the longest run of items the two share; None when none shares an item with it.
pub fn nearest_match(items: &[u32], training: &[Vec<u32>]) -> Option<NearestMatch> {
    nearest_real(items, training, 1)
        .first()
        .map(|&(user, similarity)| NearestMatch {
            user: user as u32,
            similarity,
            shared_run: longest_common_run(items, &training[user]),
        })
}

/// Finds and remembers nearest real sequences against one set of training histories (the
/// loaded data's training split); a new `source` (the data's generation) clears the memory.
#[derive(Default)]
pub struct NearestRealFinder {
    source: Option<u64>,
    found: HashMap<Vec<u32>, Option<NearestMatch>>,
}

impl NearestRealFinder {
    /// [`nearest_match`] of `items` in `training` (the training histories identified by
    /// `source`), remembered.
    pub fn find(
        &mut self,
        source: u64,
        training: &[Vec<u32>],
        items: &[u32],
    ) -> Option<NearestMatch> {
        if self.source != Some(source) {
            self.source = Some(source);
            self.found.clear();
        }
        if let Some(known) = self.found.get(items) {
            return known.clone();
        }
        let found = nearest_match(items, training);
        if self.found.len() >= REMEMBERED {
            self.found.clear();
        }
        self.found.insert(items.to_vec(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_most_similar_training_history_and_remembers_it_per_source() {
        let training = vec![vec![1, 2, 3], vec![7, 8, 9]];
        let mut finder = NearestRealFinder::default();
        let near = finder.find(1, &training, &[2, 3, 6]).expect("a match");
        assert_eq!(near.user, 0);
        assert!((near.similarity - 0.5).abs() < 1e-12, "{near:?}");
        assert_eq!(near.shared_run, 2);
        assert_eq!(finder.find(1, &training, &[4, 5]), None);
        let other = finder.find(1, &training, &[9, 8]).expect("a match");
        assert_eq!((other.user, other.shared_run), (1, 1));
        // Remembered for the same source (even if asked with other histories), recomputed
        // for a new one.
        let swapped = vec![vec![7, 8, 9], vec![1, 2, 3]];
        assert_eq!(finder.find(1, &swapped, &[2, 3, 6]), Some(near));
        assert_eq!(
            finder.find(2, &swapped, &[2, 3, 6]).map(|m| m.user),
            Some(1)
        );
    }
}
