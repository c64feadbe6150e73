//! One user to evaluate, input validation, and a reusable item marker set.

use super::EvalError;

/// One user to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct EvalCase<'a> {
    /// Dense user index (what a [`super::Scorer`] may key per-user state on).
    pub user: u32,
    /// The model's input sequence. Under full ranking these items are filtered from the ranking,
    /// except the target itself; [`super::top_k`] excludes all of them when asked.
    pub history: &'a [u32],
    /// Dense item index (0-based) of the held-out item.
    pub target: u32,
    /// Every item the user ever interacted with (excluded when sampling negatives).
    pub touched: &'a [u32],
}

impl<'a> EvalCase<'a> {
    /// Bundles one user's case.
    pub fn new(user: u32, history: &'a [u32], target: u32, touched: &'a [u32]) -> Self {
        Self {
            user,
            history,
            target,
            touched,
        }
    }
}

/// Which fields of a case a routine uses (and therefore validates).
#[derive(Clone, Copy, Debug)]
pub(super) struct Uses {
    /// The target must be a catalogue item.
    pub target: bool,
    /// `touched` items must be catalogue items.
    pub touched: bool,
}

/// Rejects cases whose used item ids fall outside `0..n_items` (history is always checked).
pub(super) fn validate(
    cases: &[EvalCase<'_>],
    n_items: usize,
    uses: Uses,
) -> Result<(), EvalError> {
    let in_range = |item: u32| (item as usize) < n_items;
    for (index, case) in cases.iter().enumerate() {
        let invalid = |reason: String| EvalError::InvalidCase { index, reason };
        if uses.target && !in_range(case.target) {
            return Err(invalid(format!(
                "target {} outside the catalogue of {n_items} items",
                case.target
            )));
        }
        if let Some(&item) = case.history.iter().find(|&&i| !in_range(i)) {
            return Err(invalid(format!(
                "history item {item} outside the catalogue of {n_items} items"
            )));
        }
        if uses.touched
            && let Some(&item) = case.touched.iter().find(|&&i| !in_range(i))
        {
            return Err(invalid(format!(
                "touched item {item} outside the catalogue of {n_items} items"
            )));
        }
    }
    Ok(())
}

/// A set over `0..n` that is cleared in O(1): each item stores the generation it was marked in.
#[derive(Clone, Debug)]
pub(super) struct Marks {
    stamp: Vec<u64>,
    generation: u64,
}

impl Marks {
    /// An empty set over `0..n`.
    pub fn new(n: usize) -> Self {
        Self {
            stamp: vec![0; n],
            generation: 1,
        }
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.generation += 1;
    }

    /// Inserts `item`; `true` when it was not in the set yet. Callers pass validated ids.
    pub fn insert(&mut self, item: usize) -> bool {
        match self.stamp.get_mut(item) {
            Some(stamp) if *stamp != self.generation => {
                *stamp = self.generation;
                true
            }
            _ => false,
        }
    }

    /// `true` when `item` is in the set.
    pub fn contains(&self, item: usize) -> bool {
        self.stamp.get(item) == Some(&self.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Uses = Uses {
        target: true,
        touched: true,
    };

    #[test]
    fn validation_reports_the_bad_case() {
        let ok = EvalCase::new(0, &[0, 1], 2, &[0, 1, 2]);
        assert!(validate(&[ok], 3, ALL).is_ok());
        let bad_target = EvalCase::new(0, &[0], 3, &[]);
        let bad_history = EvalCase::new(1, &[0, 7], 1, &[]);
        let bad_touched = EvalCase::new(2, &[0], 1, &[9]);
        match validate(&[ok, bad_target], 3, ALL) {
            Err(EvalError::InvalidCase { index: 1, reason }) => {
                assert!(reason.contains("target 3"))
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            validate(&[bad_history], 3, ALL),
            Err(EvalError::InvalidCase { index: 0, .. })
        ));
        assert!(validate(&[bad_touched], 3, ALL).is_err());
        let lenient = Uses {
            target: false,
            touched: false,
        };
        assert!(validate(&[bad_target, bad_touched], 3, lenient).is_ok());
        assert!(validate(&[bad_history], 3, lenient).is_err());
    }

    #[test]
    fn marks_clear_in_constant_time() {
        let mut marks = Marks::new(4);
        assert!(marks.insert(2));
        assert!(!marks.insert(2));
        assert!(marks.contains(2));
        assert!(!marks.contains(1));
        assert!(!marks.insert(9), "out of range is never inserted");
        marks.clear();
        assert!(!marks.contains(2));
        assert!(marks.insert(2));
    }
}
