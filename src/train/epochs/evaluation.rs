//! Evaluation cases from a leave-one-out split (docs/MODEL.md §1): validation uses the training
//! items as input; test appends the validation item. Only users with a held-out item count.

use super::model_scorer::ModelScorer;
use crate::data::Split;
use crate::eval::{EvalCase, EvalOptions, EvalOutcome, Protocol, evaluate};
use crate::model::inference::InferenceModel;
use crate::train::TrainError;
use crate::train::session::{Control, Flow};

/// Which held-out item is the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitPart {
    /// Second-to-last item; used for model selection.
    Valid,
    /// Last item; evaluated once, with the best-validation checkpoint.
    Test,
}

impl SplitPart {
    /// "valid" or "test".
    pub fn name(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Test => "test",
        }
    }
}

/// Owned inputs and targets of one split part, from which [`EvalCase`]s borrow.
#[derive(Clone, Debug, Default)]
pub struct CaseInputs {
    /// Dense user index per case.
    pub users: Vec<u32>,
    /// The model input (and the items filtered from the ranking) per case.
    pub inputs: Vec<Vec<u32>>,
    /// The held-out item per case.
    pub targets: Vec<u32>,
}

impl CaseInputs {
    /// Collects the cases of `part` for every user that has one, shortest input first: user
    /// blocks then hold similar lengths, so the encoder pads (and computes) far less. Ranks
    /// and per-case metrics follow this order; `users` maps them back.
    pub fn new(split: &Split, part: SplitPart) -> Self {
        let mut inputs = CaseInputs::default();
        let mut order: Vec<usize> = (0..split.train.len()).collect();
        order.sort_by_key(|&user| split.train[user].len());
        for user in order {
            let (input, target) = match part {
                SplitPart::Valid => (split.valid_input(user).to_vec(), split.valid[user]),
                SplitPart::Test => (split.test_input(user), split.test[user]),
            };
            if let Some(target) = target {
                inputs.users.push(user as u32);
                inputs.inputs.push(input);
                inputs.targets.push(target);
            }
        }
        inputs
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there is nothing to evaluate.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The cases; `sequences` are the users' complete sequences (excluded from sampled
    /// negatives).
    pub fn cases<'a>(&'a self, sequences: &'a [Vec<u32>]) -> Vec<EvalCase<'a>> {
        self.users
            .iter()
            .zip(&self.inputs)
            .zip(&self.targets)
            .map(|((&user, input), &target)| EvalCase {
                user,
                history: input,
                target,
                touched: sequences.get(user as usize).map_or(&[], |s| s.as_slice()),
            })
            .collect()
    }
}

/// Full-ranking evaluation of a model on prepared cases; the control's stop request cancels
/// it between user blocks.
pub fn evaluate_model(
    model: &InferenceModel,
    case_inputs: &CaseInputs,
    sequences: &[Vec<u32>],
    control: &mut Control,
) -> Result<EvalOutcome, TrainError> {
    let cases = case_inputs.cases(sequences);
    let mut scorer = ModelScorer::new(model);
    let options = EvalOptions {
        protocol: Protocol::Full,
        ..EvalOptions::default()
    };
    let mut progress = |_done: usize, _total: usize| control.poll() == Flow::Continue;
    Ok(evaluate(
        &mut scorer,
        &cases,
        &options,
        None,
        &mut progress,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn test_input_includes_the_validation_item_and_short_users_are_skipped() {
        let sequences = vec![vec![1, 2, 3, 4], vec![5, 6]];
        let split = leave_one_out(&sequences);
        let valid = CaseInputs::new(&split, SplitPart::Valid);
        assert_eq!(valid.users, vec![0]);
        let longer = leave_one_out(&[vec![1, 2, 3, 4, 5, 6], vec![7, 8, 9]]);
        assert_eq!(CaseInputs::new(&longer, SplitPart::Test).users, vec![1, 0]);
        assert_eq!(valid.inputs, vec![vec![1, 2]]);
        assert_eq!(valid.targets, vec![3]);
        let test = CaseInputs::new(&split, SplitPart::Test);
        assert_eq!(test.inputs, vec![vec![1, 2, 3]]);
        assert_eq!(test.targets, vec![4]);
        let cases = test.cases(&sequences);
        assert_eq!(cases[0].touched, &[1, 2, 3, 4]);
    }
}
