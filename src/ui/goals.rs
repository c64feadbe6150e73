//! The first screen starts from the task, not from a form (issue #37 item 6): three goals a
//! marketer or analyst comes with, each opening the pane that answers it and, when no model
//! can answer yet, training the Quick demo for it.

use crate::ui::layout::PaneKind;

/// What someone opening the window wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// "Who should see this ad?": the Audience targeting pane.
    TargetAd,
    /// "What sequences does the GAN make?": the Synthetic sequences pane.
    InspectSequences,
    /// "Which model is better?": the Compare runs pane.
    CompareModels,
}

impl Goal {
    /// Every goal, in the order the first screen shows them.
    pub const ALL: [Goal; 3] = [Goal::TargetAd, Goal::InspectSequences, Goal::CompareModels];

    /// The button's title (its accessible label).
    pub fn title(self) -> &'static str {
        match self {
            Self::TargetAd => "Target an ad",
            Self::InspectSequences => "Inspect generated sequences",
            Self::CompareModels => "Compare models",
        }
    }

    /// The question it answers, under the title.
    pub fn question(self) -> &'static str {
        match self {
            Self::TargetAd => "Who should see this ad? Users ranked, with a verdict against random",
            Self::InspectSequences => {
                "What does the GAN generate? Synthetic sequences beside real ones, with monitors"
            }
            Self::CompareModels => {
                "Is SeqUDA-Rec better than SASRec here? Runs side by side, with a paired test"
            }
        }
    }

    /// The pane it opens.
    pub fn pane(self) -> PaneKind {
        match self {
            Self::TargetAd => PaneKind::Audience,
            Self::InspectSequences => PaneKind::Synthetic,
            Self::CompareModels => PaneKind::Compare,
        }
    }

    /// Whether the goal needs a trained model (Compare reads saved runs instead).
    pub fn needs_model(self) -> bool {
        !matches!(self, Self::CompareModels)
    }
}
