//! The nearest real sequence of a generated one (MODEL.md §4's last quality monitor), for the
//! window's tooltips: the most similar user's training history and the longest run of items the
//! two share, remembered per sequence so hovering twice costs nothing.

use std::collections::HashMap;

use crate::data::leave_one_out;
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

/// Which sequences the histories were built from: their address, users and interactions.
type SourceKey = (usize, usize, usize);

/// Finds and remembers nearest real sequences against one dataset's training histories
/// (each user's sequence without its validation and test items, built on first use).
#[derive(Default)]
pub struct NearestRealFinder {
    source: Option<SourceKey>,
    training: Vec<Vec<u32>>,
    found: HashMap<Vec<u32>, Option<NearestMatch>>,
}

impl NearestRealFinder {
    /// The nearest training history to `items` among the users of `sequences` (the dataset's
    /// full sequences); None when no history shares an item with it.
    pub fn find(&mut self, sequences: &[Vec<u32>], items: &[u32]) -> Option<NearestMatch> {
        let interactions = sequences.iter().map(Vec::len).sum();
        let source = (sequences.as_ptr() as usize, sequences.len(), interactions);
        if self.source != Some(source) {
            self.training = leave_one_out(sequences).train;
            self.source = Some(source);
            self.found.clear();
        }
        if let Some(known) = self.found.get(items) {
            return known.clone();
        }
        let found = nearest_match(items, &self.training);
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
    fn finds_the_most_similar_training_history_without_held_out_items() {
        // Users 0 and 1: training histories [1, 2, 3] and [7, 8, 9] (last two held out).
        let sequences = vec![vec![1, 2, 3, 4, 5], vec![7, 8, 9, 2, 3]];
        let mut finder = NearestRealFinder::default();
        let near = finder.find(&sequences, &[2, 3, 6]).expect("a match");
        assert_eq!(near.user, 0);
        assert!((near.similarity - 0.5).abs() < 1e-12, "{near:?}");
        assert_eq!(near.shared_run, 2);
        // Items seen only in held-out positions do not count.
        assert_eq!(finder.find(&sequences, &[4, 5]), None);
        let other = finder.find(&sequences, &[9, 8]).expect("a match");
        assert_eq!((other.user, other.shared_run), (1, 1));
        // Remembered, and rebuilt for other data.
        assert_eq!(finder.find(&sequences, &[2, 3, 6]), Some(near));
        let shifted = vec![vec![7, 8, 9, 0, 0], vec![1, 2, 3, 0, 0]];
        assert_eq!(finder.find(&shifted, &[2, 3, 6]).map(|m| m.user), Some(1));
    }
}
