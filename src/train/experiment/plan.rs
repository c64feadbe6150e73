//! Experiment plans (docs/MODEL.md §6): the variants of each plan and the folder of each run
//! (variant × seed).

use std::path::{Path, PathBuf};

use crate::settings::{Mixing, ModelKind, TrainConfig};

/// The ablation row of SASRec-CE with frequency mixing.
pub const SASREC_MIX: &str = "sasrec-mix";

/// The plans `sequda experiment --plan` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Popularity, SASRec-CE, SASRec-CE with frequency mixing, SeqUDA-Rec and its three
    /// ablations.
    Ablation,
    /// SASRec-CE and SeqUDA-Rec with 0%, 30% and 50% of training interactions dropped.
    Sparsity,
    /// SeqUDA-Rec with τ ∈ {0.05, 0.1, 0.2, 0.5}, and SASRec-CE.
    Temperature,
}

impl Plan {
    /// The name `--plan` accepts for this plan.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ablation => "ablation",
            Self::Sparsity => "sparsity",
            Self::Temperature => "temperature",
        }
    }
}

impl std::str::FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ablation" => Ok(Self::Ablation),
            "sparsity" => Ok(Self::Sparsity),
            "temperature" => Ok(Self::Temperature),
            other => Err(format!(
                "unknown plan '{other}' (expected ablation, sparsity or temperature)"
            )),
        }
    }
}

/// One variant of a plan: a name and the settings it changes.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Row name, e.g. "sequda" or "sasrec@drop30".
    pub name: String,
    /// The settings of its runs (seed set per run).
    pub config: TrainConfig,
    /// The SASRec-CE row it is compared with (None for SASRec rows themselves).
    pub baseline: Option<String>,
}

/// The variants of `plan`, built on `base` settings.
pub fn variants(plan: Plan, base: &TrainConfig) -> Vec<Variant> {
    let with = |model: ModelKind, change: &dyn Fn(&mut TrainConfig)| {
        let mut config = base.clone();
        config.model = model;
        change(&mut config);
        config
    };
    let variant = |name: String, config: TrainConfig, baseline: Option<&str>| Variant {
        name,
        config,
        baseline: baseline.map(str::to_string),
    };
    match plan {
        Plan::Ablation => {
            let row = |kind: ModelKind| {
                let baseline = (kind != ModelKind::Sasrec).then_some("sasrec");
                variant(kind.name().into(), with(kind, &|_| {}), baseline)
            };
            let mut rows: Vec<Variant> = [ModelKind::Pop, ModelKind::Sasrec]
                .into_iter()
                .map(row)
                .collect();
            // SASRec-CE with BSARec's frequency mixing: SeqUDA-Rec's gain must not be only
            // the encoder's (RESEARCH.md recipe 1).
            let mix = with(ModelKind::Sasrec, &|c| c.encoder.mixing = Mixing::Frequency);
            rows.push(variant(SASREC_MIX.into(), mix, Some("sasrec")));
            rows.extend(
                [
                    ModelKind::SequdaNoGraph,
                    ModelKind::SequdaNoCl,
                    ModelKind::SequdaNoGan,
                    ModelKind::Sequda,
                ]
                .into_iter()
                .map(row),
            );
            rows
        }
        Plan::Sparsity => [0.0, 0.3, 0.5]
            .into_iter()
            .flat_map(|share| {
                let suffix = format!("@drop{:.0}", share * 100.0);
                let baseline = format!("sasrec{suffix}");
                [ModelKind::Sasrec, ModelKind::Sequda].map(|kind| {
                    let config = with(kind, &|c| c.drop_train_share = share);
                    let reference = (kind != ModelKind::Sasrec).then_some(baseline.as_str());
                    variant(format!("{}{suffix}", kind.name()), config, reference)
                })
            })
            .collect(),
        Plan::Temperature => std::iter::once(variant(
            "sasrec".into(),
            with(ModelKind::Sasrec, &|_| {}),
            None,
        ))
        .chain([0.05, 0.1, 0.2, 0.5].into_iter().map(|tau| {
            let config = with(ModelKind::Sequda, &|c| c.sequda.temperature = tau);
            variant(format!("sequda τ={tau}"), config, Some("sasrec"))
        }))
        .collect(),
    }
}

/// The variants of `all` named in `only` (by row name or folder name), each with the
/// baseline row it is compared with, in plan order; every variant when `only` is empty.
/// An unknown name is an error that lists the plan's names.
pub fn select_variants(all: Vec<Variant>, only: &[String]) -> Result<Vec<Variant>, String> {
    if only.is_empty() {
        return Ok(all);
    }
    let named = |v: &Variant, name: &str| v.name == name || folder_name(&v.name) == name;
    if let Some(unknown) = only.iter().find(|n| !all.iter().any(|v| named(v, n))) {
        let names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
        return Err(format!(
            "unknown variant '{unknown}' (this plan has: {})",
            names.join(", ")
        ));
    }
    let chosen: Vec<&Variant> = all
        .iter()
        .filter(|v| only.iter().any(|n| named(v, n)))
        .collect();
    let wanted = |v: &Variant| {
        chosen
            .iter()
            .any(|c| c.name == v.name || c.baseline.as_deref() == Some(v.name.as_str()))
    };
    Ok(all.iter().filter(|v| wanted(v)).cloned().collect())
}

/// The plan's runs, seed by seed (every variant gets seed 1 before any gets seed 2): each
/// variant's index, its settings with the seed set, and its folder `out/<variant>/seed<S>`.
pub(super) fn planned_runs<'a>(
    variants: &'a [Variant],
    seeds: &'a [u64],
    out: &'a Path,
) -> impl Iterator<Item = (usize, TrainConfig, PathBuf)> + 'a {
    seeds.iter().flat_map(move |&seed| {
        variants.iter().enumerate().map(move |(index, variant)| {
            let config = TrainConfig {
                seed,
                ..variant.config.clone()
            };
            let dir = out
                .join(folder_name(&variant.name))
                .join(format!("seed{seed}"));
            (index, config, dir)
        })
    })
}

fn folder_name(variant: &str) -> String {
    variant
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_have_their_variants_and_baselines() {
        let base = TrainConfig::default();
        let ablation = variants(Plan::Ablation, &base);
        let names: Vec<&str> = ablation.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "pop",
                "sasrec",
                "sasrec-mix",
                "sequda-no-graph",
                "sequda-no-cl",
                "sequda-no-gan",
                "sequda"
            ]
        );
        assert!(ablation[1].baseline.is_none());
        assert_eq!(ablation[6].baseline.as_deref(), Some("sasrec"));
        assert_eq!(ablation[2].config.model, ModelKind::Sasrec);
        assert_eq!(ablation[2].config.encoder.mixing, Mixing::Frequency);
        assert_eq!(ablation[2].baseline.as_deref(), Some("sasrec"));
        assert_eq!(ablation[1].config.encoder.mixing, Mixing::Off);
        let sparsity = variants(Plan::Sparsity, &base);
        assert_eq!(sparsity.len(), 6);
        assert_eq!(sparsity[3].name, "sequda@drop30");
        assert_eq!(sparsity[3].baseline.as_deref(), Some("sasrec@drop30"));
        assert!((sparsity[3].config.drop_train_share - 0.3).abs() < 1e-12);
        let temperature = variants(Plan::Temperature, &base);
        assert_eq!(temperature.len(), 5);
        assert!((temperature[1].config.sequda.temperature - 0.05).abs() < 1e-12);
        assert!("nonsense".parse::<Plan>().is_err());
    }
}
