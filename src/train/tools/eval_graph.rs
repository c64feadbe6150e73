//! Which interactions a SeqUDA-Rec run's graph holds when it is evaluated again
//! (`sequda eval --graph`): the training graph, or one that keeps pace with the inputs.

use std::str::FromStr;

use crate::data::Split;
use crate::train::epochs::SplitPart;

/// The interactions the graph is propagated over at evaluation. Validation under `Lagged`
/// is to validation under `Train` what test under `Train` is to test under `Inputs`: the
/// most recent input item lacks its edge to the user. So `Lagged` against `Train` on
/// validation judges `Inputs` for test without looking at test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvalGraph {
    /// The training graph the model was trained and validated with (the default).
    #[default]
    Train,
    /// Every interaction of the evaluated inputs: the training graph for validation; for
    /// test, the training graph plus each user's validation item.
    Inputs,
    /// One interaction behind the inputs: for validation, each user's last training item
    /// left out; for test, the training graph.
    Lagged,
}

impl EvalGraph {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Train => "train",
            Self::Inputs => "inputs",
            Self::Lagged => "lagged",
        }
    }

    /// Each user's graph items for evaluating `part` (`sequences[user]` = items).
    pub fn sequences(self, split: &Split, part: SplitPart) -> Vec<Vec<u32>> {
        let with_valid = |user: usize, train: &Vec<u32>| {
            let mut items = train.clone();
            items.extend(split.valid.get(user).copied().flatten());
            items
        };
        split
            .train
            .iter()
            .enumerate()
            .map(|(user, train)| match (self, part) {
                (Self::Train, _)
                | (Self::Inputs, SplitPart::Valid)
                | (Self::Lagged, SplitPart::Test) => train.clone(),
                (Self::Inputs, SplitPart::Test) => with_valid(user, train),
                (Self::Lagged, SplitPart::Valid) => train[..train.len().saturating_sub(1)].to_vec(),
            })
            .collect()
    }
}

impl FromStr for EvalGraph {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Train, Self::Inputs, Self::Lagged]
            .into_iter()
            .find(|g| g.name() == s)
            .ok_or_else(|| format!("unknown graph '{s}' (expected train, inputs or lagged)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_holds_the_interactions_it_names() {
        let split = Split {
            train: vec![vec![1, 2, 3], vec![4], vec![5, 6]],
            valid: vec![Some(7), Some(8), None],
            test: vec![Some(9), Some(1), None],
        };
        let train = split.train.clone();
        assert_eq!(EvalGraph::Train.sequences(&split, SplitPart::Test), train);
        assert_eq!(EvalGraph::Inputs.sequences(&split, SplitPart::Valid), train);
        assert_eq!(
            EvalGraph::Inputs.sequences(&split, SplitPart::Test),
            vec![vec![1, 2, 3, 7], vec![4, 8], vec![5, 6]]
        );
        assert_eq!(
            EvalGraph::Lagged.sequences(&split, SplitPart::Valid),
            vec![vec![1, 2], vec![], vec![5]]
        );
        assert_eq!(EvalGraph::Lagged.sequences(&split, SplitPart::Test), train);
        assert_eq!("inputs".parse(), Ok(EvalGraph::Inputs));
        assert!("all".parse::<EvalGraph>().unwrap_err().contains("lagged"));
    }
}
