//! The funnel model: what a user does on an ad (impression, click, conversion) and how likely a
//! funnel is continued, by funnel stage, affinity and the previous event.

use super::catalogue::Stage;
use crate::rng::SplitMix64;

/// The deepest funnel stage reached on one exposure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Event {
    /// Seen, not clicked.
    Impression,
    /// Clicked, not converted.
    Click,
    /// Clicked and converted.
    Conversion,
}

impl Event {
    /// The name written in `ad_events.csv`.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Impression => "impression",
            Self::Click => "click",
            Self::Conversion => "conversion",
        }
    }
}

/// How much the user cares about an ad's category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Affinity {
    /// The user's current primary interest.
    Strong,
    /// One of the user's other favourite categories.
    Medium,
    /// Any other category.
    Weak,
}

/// Click probability (per mille) by stage and affinity (strong, medium, weak).
fn click_per_mille(stage: Stage) -> [u32; 3] {
    match stage {
        Stage::Teaser => [280, 190, 60],
        Stage::Launch => [520, 380, 140],
        Stage::Retarget => [480, 350, 120],
        Stage::LastCall => [440, 310, 110],
    }
}

/// Conversion probability given a click (per mille) by stage and affinity.
fn convert_per_mille(stage: Stage) -> [u32; 3] {
    match stage {
        Stage::Teaser => [70, 50, 20],
        Stage::Launch => [350, 250, 110],
        Stage::Retarget => [480, 370, 170],
        Stage::LastCall => [520, 400, 170],
    }
}

/// Chance (per mille, before `follow_up_per_mille` scaling) that the next ad continues the
/// product's funnel: clickers are retargeted, converters mostly are not.
pub(super) fn continue_per_mille(stage: Stage, event: Event) -> u32 {
    match (stage, event) {
        (Stage::Teaser, Event::Impression) => 700,
        (Stage::Teaser, _) => 850,
        (Stage::Launch, Event::Impression) => 450,
        (Stage::Launch, Event::Click) => 550,
        (Stage::Retarget, Event::Impression) => 350,
        (Stage::Retarget, Event::Click) => 600,
        (_, Event::Conversion) => 100,
        (Stage::LastCall, _) => 0,
    }
}

/// Chance (per mille, before scaling) that leaving a funnel leads to a related product of the
/// same campaign ("customers who saw X next saw Y"); converters are cross-sold more.
pub(super) fn related_per_mille(event: Event) -> u32 {
    match event {
        Event::Impression => 350,
        Event::Click => 450,
        Event::Conversion => 600,
    }
}

/// The deepest funnel stage reached on an ad of `stage` by a user of `affinity`.
pub(super) fn draw_event(stage: Stage, affinity: Affinity, rng: &mut SplitMix64) -> Event {
    let column = affinity as usize;
    if !rng.chance(click_per_mille(stage)[column]) {
        Event::Impression
    } else if rng.chance(convert_per_mille(stage)[column]) {
        Event::Conversion
    } else {
        Event::Click
    }
}

#[cfg(test)]
mod tests {
    use super::{Affinity, Event, SplitMix64, Stage, draw_event};

    /// Clicks or conversions out of 10,000 draws.
    fn engaged(stage: Stage, affinity: Affinity) -> usize {
        let mut rng = SplitMix64::new(11);
        (0..10_000)
            .filter(|_| draw_event(stage, affinity, &mut rng) != Event::Impression)
            .count()
    }

    #[test]
    fn affinity_raises_engagement() {
        for stage in [
            Stage::Teaser,
            Stage::Launch,
            Stage::Retarget,
            Stage::LastCall,
        ] {
            let strong = engaged(stage, Affinity::Strong);
            let medium = engaged(stage, Affinity::Medium);
            let weak = engaged(stage, Affinity::Weak);
            assert!(
                strong > medium && medium > weak,
                "{stage:?}: {strong} {medium} {weak}"
            );
        }
    }
}
