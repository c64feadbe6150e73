//! Leave-one-out split (docs/MODEL.md §1): per user, the last item is the test target, the
//! second-to-last the validation target, the rest is training. Users with fewer than three
//! interactions keep everything in training and are not evaluated.

/// A leave-one-out split, one entry per user.
#[derive(Clone, Debug)]
pub struct Split {
    /// Training sequence of each user.
    pub train: Vec<Vec<u32>>,
    /// Validation target of each user (`None` for users with fewer than 3 interactions).
    pub valid: Vec<Option<u32>>,
    /// Test target of each user (`None` for users with fewer than 3 interactions).
    pub test: Vec<Option<u32>>,
}

/// Splits chronological sequences leave-one-out.
pub fn leave_one_out(sequences: &[Vec<u32>]) -> Split {
    let mut split = Split {
        train: Vec::with_capacity(sequences.len()),
        valid: Vec::with_capacity(sequences.len()),
        test: Vec::with_capacity(sequences.len()),
    };
    for sequence in sequences {
        match sequence.as_slice() {
            [train @ .., valid, test] if !train.is_empty() => {
                split.train.push(train.to_vec());
                split.valid.push(Some(*valid));
                split.test.push(Some(*test));
            }
            _ => {
                split.train.push(sequence.clone());
                split.valid.push(None);
                split.test.push(None);
            }
        }
    }
    split
}

impl Split {
    /// Number of users.
    pub fn n_users(&self) -> usize {
        self.train.len()
    }

    /// The input for predicting the validation target of `user`: their training sequence
    /// (empty for an unknown user).
    pub fn valid_input(&self, user: usize) -> &[u32] {
        self.train.get(user).map_or(&[], Vec::as_slice)
    }

    /// The input for predicting the test target of `user`: training sequence plus the
    /// validation item, when there is one.
    pub fn test_input(&self, user: usize) -> Vec<u32> {
        let mut input = self.valid_input(user).to_vec();
        input.extend(self.valid.get(user).copied().flatten());
        input
    }

    /// Number of training interactions over all users.
    pub fn n_train_interactions(&self) -> usize {
        self.train.iter().map(Vec::len).sum()
    }

    /// Users that have validation and test targets.
    pub fn evaluated_users(&self) -> impl Iterator<Item = usize> + '_ {
        self.test
            .iter()
            .enumerate()
            .filter_map(|(user, test)| test.map(|_| user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_last_two_items() {
        let split = leave_one_out(&[
            vec![1, 2, 3, 4],
            vec![5, 6, 7],
            vec![8, 9],
            vec![10],
            vec![],
        ]);
        assert_eq!(
            split.train,
            vec![vec![1, 2], vec![5], vec![8, 9], vec![10], vec![]]
        );
        assert_eq!(split.valid, vec![Some(3), Some(6), None, None, None]);
        assert_eq!(split.test, vec![Some(4), Some(7), None, None, None]);
        assert_eq!(split.valid_input(0), [1, 2]);
        assert_eq!(split.test_input(0), vec![1, 2, 3]);
        assert_eq!(split.test_input(2), vec![8, 9]);
        assert_eq!(split.valid_input(99), [0u32; 0]);
        assert_eq!(split.n_train_interactions(), 6);
        assert_eq!(split.evaluated_users().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(split.n_users(), 5);
    }
}
