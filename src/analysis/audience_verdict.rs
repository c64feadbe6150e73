//! The verdict on an audience, in words a marketer can act on: its lift over random and over
//! most-active targeting on held-out data, with a 95% confidence interval, and whether to use
//! it at all. The window's Audience pane and `sequda audience` print the same sentences.
//!
//! The interval: at a targeted share `s`, the share of held-out engagers the audience reaches
//! is a proportion over those engagers (each one is reached or not), so its 95% interval is the
//! Wilson score interval of `k` reached out of `n` engagers (`k` may be fractional where the
//! cut falls inside a group of tied scores: the gains curve counts the expected reach under a
//! random tie-break there). Random targeting reaches `s` in expectation, so the lift over
//! random is `reached / s` and its interval is the Wilson interval divided by `s`. The
//! audience beats random only when the whole interval lies above 1.
//!
//! Below [`MIN_HELD_OUT_ENGAGERS`] held-out engagers the interval is wide and the normal
//! approximation behind it is rough, so the verdict carries a warning.

use super::audience::Audience;
use super::gains::GainsCurve;

/// Held-out engagers below which the verdict warns that the check is too small to rely on.
/// 30 is the usual rule of thumb for a normal-approximation interval of a proportion: with
/// fewer, one engager more or less moves the lift by several tenths.
pub const MIN_HELD_OUT_ENGAGERS: usize = 30;

/// The z value of a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95%) of a proportion: `successes` out of `trials` (fractional
/// successes allowed). `(0, 1)` without trials.
pub fn wilson_interval(successes: f64, trials: f64) -> (f64, f64) {
    if trials <= 0.0 {
        return (0.0, 1.0);
    }
    let p = (successes / trials).clamp(0.0, 1.0);
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / trials;
    let centre = (p + z2 / (2.0 * trials)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// What the held-out check says about an audience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No held-out user's next interaction was this item: nothing to check against.
    NoEngagers,
    /// The lift is at most 1, or its interval does not exclude random targeting.
    NotBetterThanRandom,
    /// The whole interval of the lift lies above random targeting.
    BetterThanRandom,
}

/// An audience's held-out verdict at one targeted share.
#[derive(Clone, Debug, PartialEq)]
pub struct AudienceVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// Share of users targeted, 0–1.
    pub share: f64,
    /// Share of held-out engagers the model's ranking reaches at `share`.
    pub reached: f64,
    /// Share most-active targeting reaches at `share`.
    pub reached_most_active: f64,
    /// Lift over random targeting (`reached / share`).
    pub lift: f64,
    /// 95% interval of the lift over random (Wilson, see the module docs).
    pub lift_interval: (f64, f64),
    /// Lift over most-active targeting (`reached / reached_most_active`); `None` when
    /// most-active targeting reaches nobody.
    pub lift_over_most_active: Option<f64>,
    /// Held-out engagers: users whose held-out next interaction is the item.
    pub engagers: usize,
}

impl AudienceVerdict {
    /// The verdict of targeting the top `share` of users, from the held-out gains curves of
    /// the model and of most-active targeting.
    pub fn at_share(model: &GainsCurve, most_active: &GainsCurve, share: f64) -> Self {
        let share = share.clamp(0.0, 1.0);
        let engagers = model.positives;
        let reached = model.reached_at(share);
        let reached_most_active = most_active.reached_at(share);
        let (low, high) = wilson_interval(reached * engagers as f64, engagers as f64);
        let (lift, lift_interval) = if share > 0.0 {
            (reached / share, (low / share, high / share))
        } else {
            (0.0, (0.0, 0.0))
        };
        let verdict = if engagers == 0 || share <= 0.0 {
            Verdict::NoEngagers
        } else if lift <= 1.0 || lift_interval.0 <= 1.0 {
            Verdict::NotBetterThanRandom
        } else {
            Verdict::BetterThanRandom
        };
        Self {
            verdict,
            share,
            reached,
            reached_most_active,
            lift,
            lift_interval,
            lift_over_most_active: (reached_most_active > 0.0)
                .then(|| reached / reached_most_active),
            engagers,
        }
    }

    /// The verdict of an audience of its top `size` users.
    pub fn of(audience: &Audience, size: usize) -> Self {
        let share = size as f64 / audience.ranked.len().max(1) as f64;
        Self::at_share(&audience.model_gains, &audience.popularity_gains, share)
    }

    /// The verdict in one sentence, leading with what to do.
    pub fn headline(&self) -> String {
        let figures = format!(
            "lift {:.1}× over random (95% CI {:.1}–{:.1}×) and {} most-active targeting, from {} held-out engager{}",
            self.lift,
            self.lift_interval.0,
            self.lift_interval.1,
            match self.lift_over_most_active {
                Some(lift) => format!("{lift:.1}× over"),
                None => "far above (it reaches none)".to_owned(),
            },
            self.engagers,
            if self.engagers == 1 { "" } else { "s" }
        );
        match self.verdict {
            Verdict::NoEngagers => "No held-out user engaged with this ad next: the held-out check cannot say whether this audience beats random.".to_owned(),
            Verdict::NotBetterThanRandom => {
                format!("Not better than random: don't use this audience ({figures}).")
            }
            Verdict::BetterThanRandom => format!("Better than random: {figures}."),
        }
    }

    /// A warning when the held-out check has fewer than [`MIN_HELD_OUT_ENGAGERS`] engagers.
    pub fn warning(&self) -> Option<String> {
        (self.engagers > 0 && self.engagers < MIN_HELD_OUT_ENGAGERS).then(|| {
            format!(
                "Only {} held-out engager{} (fewer than {MIN_HELD_OUT_ENGAGERS}): too few to say much; the interval is wide and rough.",
                self.engagers,
                if self.engagers == 1 { "" } else { "s" }
            )
        })
    }
}

/// Users who share the score of the last user of an audience, inside and outside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TiesAtCut {
    /// The score of the audience's last user.
    pub score: f32,
    /// Users in the audience with that score (the last user included).
    pub inside: usize,
    /// Users left out of the audience with that score.
    pub outside: usize,
}

/// The stated tie-break rule of every audience ranking.
pub const TIE_RULE: &str = "ties in score are broken by dataset order (lower user index first)";

impl TiesAtCut {
    /// The ties at the cut of the top `size` users of `ranked` (sorted by score, highest
    /// first); `None` for an empty audience.
    pub fn of(ranked: &[(u32, f32)], size: usize) -> Option<Self> {
        let size = size.min(ranked.len());
        let score = ranked.get(size.checked_sub(1)?)?.1;
        let tied = |&(_, p): &(u32, f32)| p == score;
        Some(Self {
            score,
            inside: ranked[..size].iter().rev().take_while(|r| tied(r)).count(),
            outside: ranked[size..].iter().take_while(|r| tied(r)).count(),
        })
    }

    /// The tie-break rule and, when the cut splits tied users, how many.
    pub fn sentence(&self) -> String {
        if self.outside == 0 {
            format!("No tie at the cut; {TIE_RULE}.")
        } else {
            format!(
                "{} user{} outside the audience tie with its last {} at probability {:.6}; {TIE_RULE}.",
                self.outside,
                if self.outside == 1 { "" } else { "s" },
                if self.inside == 1 {
                    "user".to_owned()
                } else {
                    format!("{} users", self.inside)
                },
                self.score
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::gains::cumulative_gains;

    #[test]
    fn wilson_matches_textbook_values() {
        // 5 of 10: the textbook Wilson interval is 0.2366–0.7634.
        let (low, high) = wilson_interval(5.0, 10.0);
        assert!((low - 0.2366).abs() < 1e-4 && (high - 0.7634).abs() < 1e-4);
        // 0 of 20: 0–0.1611.
        let (low, high) = wilson_interval(0.0, 20.0);
        assert!(low == 0.0 && (high - 0.1611).abs() < 1e-4);
        assert_eq!(wilson_interval(0.0, 0.0), (0.0, 1.0));
    }

    /// 1000 users, `engagers` of them engaged; the model ranks `found` of them in its top
    /// 10%, most-active targeting `most_active` of them.
    fn curves(engagers: usize, found: usize, most_active: usize) -> (GainsCurve, GainsCurve) {
        let positives: Vec<bool> = (0..1000).map(|u| u % (1000 / engagers) == 0).collect();
        let engaged: Vec<usize> = (0..1000).filter(|&u| positives[u]).collect();
        let ranks = |hits: usize| -> Vec<f32> {
            let mut scores = vec![0.0f32; 1000];
            // The first `hits` engagers score high; others fill the top 10% with non-engagers.
            for &u in engaged.iter().take(hits) {
                scores[u] = 2.0;
            }
            let mut filler = (0..1000).filter(|&u| !positives[u]);
            for _ in hits..100 {
                if let Some(u) = filler.next() {
                    scores[u] = 1.0;
                }
            }
            scores
        };
        (
            cumulative_gains(&ranks(found), &positives),
            cumulative_gains(&ranks(most_active), &positives),
        )
    }

    #[test]
    fn a_strong_audience_beats_random_with_its_interval() {
        let (model, most_active) = curves(50, 25, 10);
        let verdict = AudienceVerdict::at_share(&model, &most_active, 0.1);
        assert_eq!(verdict.verdict, Verdict::BetterThanRandom);
        assert!((verdict.lift - 5.0).abs() < 1e-9);
        assert!(verdict.lift_interval.0 > 1.0 && verdict.lift_interval.1 > 5.0);
        assert!((verdict.lift_over_most_active.expect("reaches some") - 2.5).abs() < 1e-9);
        assert!(verdict.warning().is_none());
        let headline = verdict.headline();
        assert!(
            headline.starts_with("Better than random: lift 5.0× over random (95% CI"),
            "{headline}"
        );
        assert!(headline.contains("2.5× over most-active targeting, from 50 held-out engagers"));
    }

    #[test]
    fn a_worse_than_random_audience_says_do_not_use_it() {
        let (model, most_active) = curves(50, 2, 10);
        let verdict = AudienceVerdict::at_share(&model, &most_active, 0.1);
        assert_eq!(verdict.verdict, Verdict::NotBetterThanRandom);
        assert!(verdict.lift < 1.0);
        assert!(
            verdict
                .headline()
                .starts_with("Not better than random: don't use this audience (lift 0.4×"),
            "{}",
            verdict.headline()
        );
        // Better than random on its face, but the interval includes 1: still not.
        let (model, most_active) = curves(10, 2, 1);
        let verdict = AudienceVerdict::at_share(&model, &most_active, 0.1);
        assert!(verdict.lift > 1.0 && verdict.lift_interval.0 < 1.0);
        assert_eq!(verdict.verdict, Verdict::NotBetterThanRandom);
        assert!(
            verdict
                .warning()
                .is_some_and(|w| w.contains("fewer than 30"))
        );
        // Targeting everyone is random targeting.
        let verdict = AudienceVerdict::at_share(&model, &most_active, 1.0);
        assert_eq!(verdict.verdict, Verdict::NotBetterThanRandom);
    }

    #[test]
    fn no_engagers_and_no_audience_cannot_be_judged() {
        let model = cumulative_gains(&[0.5, 0.2], &[false, false]);
        let verdict = AudienceVerdict::at_share(&model, &model, 0.5);
        assert_eq!(verdict.verdict, Verdict::NoEngagers);
        assert!(verdict.headline().contains("cannot say"));
        assert!(verdict.warning().is_none());
    }

    #[test]
    fn ties_at_the_cut_are_counted_and_the_rule_stated() {
        let ranked = [(3, 0.5), (0, 0.2), (1, 0.2), (2, 0.2), (4, 0.1)];
        let ties = TiesAtCut::of(&ranked, 2).expect("an audience");
        assert_eq!((ties.inside, ties.outside), (1, 2));
        assert!(
            ties.sentence()
                .starts_with("2 users outside the audience tie with its last user")
        );
        assert!(ties.sentence().contains(TIE_RULE));
        let clean = TiesAtCut::of(&ranked, 4).expect("an audience");
        assert_eq!((clean.inside, clean.outside), (3, 0));
        assert!(clean.sentence().starts_with("No tie at the cut"));
        assert_eq!(TiesAtCut::of(&ranked, 0), None);
    }
}
