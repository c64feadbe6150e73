//! Run configuration (`config.toml` in a run folder): what data, which model, how to train.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::device::DeviceChoice;
use super::encoder::EncoderConfig;
use super::invalid::InvalidConfig;
use super::loss::{LossChoice, SampledLossConfig};
use super::schedule::LrSchedule;
use super::sequda::SeqUdaConfig;

/// The model variants `sequda train --model` accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// SASRec trained with full-softmax cross-entropy (docs/MODEL.md §2).
    #[default]
    Sasrec,
    /// Most popular training items first.
    Pop,
    /// SeqUDA-Rec: graph + contrastive learning + GAN augmentation + target attention
    /// (docs/MODEL.md §3–5).
    Sequda,
    /// SeqUDA-Rec without GAN-generated sequences.
    SequdaNoGan,
    /// SeqUDA-Rec without the contrastive loss (the graph fusion stays).
    SequdaNoCl,
    /// SeqUDA-Rec without the graph (and so without contrastive learning).
    SequdaNoGraph,
}

impl ModelKind {
    /// The name used on the command line and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sasrec => "sasrec",
            Self::Pop => "pop",
            Self::Sequda => "sequda",
            Self::SequdaNoGan => "sequda-no-gan",
            Self::SequdaNoCl => "sequda-no-cl",
            Self::SequdaNoGraph => "sequda-no-graph",
        }
    }

    /// The plain name people know the model by (`SASRec-CE`, `SeqUDA-Rec`, …).
    pub fn label(self) -> &'static str {
        match self {
            Self::Sasrec => "SASRec-CE",
            Self::Pop => "Popularity",
            Self::Sequda => "SeqUDA-Rec",
            Self::SequdaNoGan => "SeqUDA-Rec without GAN",
            Self::SequdaNoCl => "SeqUDA-Rec without contrastive loss",
            Self::SequdaNoGraph => "SeqUDA-Rec without graph",
        }
    }

    /// Every variant, in menu order.
    pub const ALL: [ModelKind; 6] = [
        Self::Sasrec,
        Self::Pop,
        Self::Sequda,
        Self::SequdaNoGan,
        Self::SequdaNoCl,
        Self::SequdaNoGraph,
    ];

    /// Whether this is SeqUDA-Rec or one of its ablations.
    pub fn is_sequda(self) -> bool {
        matches!(
            self,
            Self::Sequda | Self::SequdaNoGan | Self::SequdaNoCl | Self::SequdaNoGraph
        )
    }

    /// The SeqUDA-Rec settings of this variant: `base` with the ablated part switched off.
    pub fn sequda_settings(self, base: &SeqUdaConfig) -> SeqUdaConfig {
        let mut config = base.clone();
        match self {
            Self::SequdaNoGan => config.gan = false,
            Self::SequdaNoCl => config.contrastive = false,
            Self::SequdaNoGraph => {
                config.graph = false;
                config.contrastive = false;
            }
            _ => {}
        }
        config
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == s.to_ascii_lowercase())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown model '{s}' (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// How to train.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Model variant.
    pub model: ModelKind,
    /// Encoder shape.
    pub encoder: EncoderConfig,
    /// Most epochs to train.
    pub epochs: usize,
    /// Stop after this many validations without a better NDCG@10.
    pub patience: usize,
    /// Sequences per optimisation step.
    pub batch_size: usize,
    /// Most length groups a batch is encoded in: its rows are sorted by input length and
    /// each group is padded only to its own longest input, instead of every row to the
    /// batch's longest. The loss is the same mean over all positions (positions are
    /// right-aligned and padding is masked, so each row is encoded exactly as in one padded
    /// pass); only the dropout draws differ. Default 4 (OUR engineering choice: on Amazon
    /// Beauty it cuts the encoded tokens about sevenfold); 1 = one padded pass per batch,
    /// as the PyTorch peer does.
    pub length_groups: usize,
    /// Adam learning rate (the peak, under a schedule).
    pub learning_rate: f64,
    /// How the learning rate moves through the run (`[train.schedule]`; constant by default).
    pub schedule: LrSchedule,
    /// The next-item loss: `auto` (default; `full` up to
    /// [`AUTO_SAMPLED_ABOVE_ITEMS`](super::AUTO_SAMPLED_ABOVE_ITEMS) items, `sampled` above),
    /// `full` or `sampled`. Files written before the setting read as `auto`.
    pub loss: LossChoice,
    /// The sampled loss's negatives, source and correction (used when the loss resolves to
    /// `sampled`).
    pub sampled: SampledLossConfig,
    /// Seed for initialisation, shuffling and dropout. CPU runs with the same seed repeat
    /// exactly when one session trains at a time (burn's CPU random generator is global to
    /// the process).
    pub seed: u64,
    /// Where to train.
    pub device: DeviceChoice,
    /// Log a step event every this many steps (the last step of an epoch is always logged).
    /// Losses stay on the device in between and are read back at each logged step, so on a
    /// GPU a larger value means fewer waits; the NaN/Inf guard fires at the next read.
    pub log_every: usize,
    /// Share of every user's training interactions dropped before training (the sparsity
    /// stress test of docs/MODEL.md §6; validation and test items are kept). Default 0.
    pub drop_train_share: f64,
    /// SeqUDA-Rec settings (used by the `sequda*` models).
    pub sequda: SeqUdaConfig,
    /// A run folder whose best checkpoint initialises the weights (continuing a run that
    /// stopped at its epoch cap); None starts from a seeded random initialisation.
    pub init_from: Option<String>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Sasrec,
            encoder: EncoderConfig::default(),
            epochs: 200,
            patience: 10,
            batch_size: 128,
            length_groups: 4,
            learning_rate: 1e-3,
            schedule: LrSchedule::default(),
            loss: LossChoice::Auto,
            sampled: SampledLossConfig::default(),
            seed: 1,
            device: DeviceChoice::Auto,
            log_every: 1,
            drop_train_share: 0.0,
            sequda: SeqUdaConfig::default(),
            init_from: None,
        }
    }
}

impl TrainConfig {
    /// Fails, naming the setting, when a value cannot train: a negative or non-numeric
    /// learning rate, an empty batch, no epochs, no length groups, a drop share outside
    /// [0, 1), an invalid sampled-loss setting, or an invalid encoder or (for SeqUDA-Rec
    /// variants) SeqUDA-Rec setting.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        // 0 is allowed: it freezes the weights (evaluating a warm start as it is).
        if !(self.learning_rate.is_finite() && self.learning_rate >= 0.0) {
            return Err(InvalidConfig(format!(
                "learning_rate must be a number ≥ 0, got {}",
                self.learning_rate
            )));
        }
        if self.batch_size == 0 || self.epochs == 0 || self.length_groups == 0 {
            return Err(InvalidConfig(
                "batch_size, epochs and length_groups must be at least 1".into(),
            ));
        }
        if !(0.0..1.0).contains(&self.drop_train_share) {
            return Err(InvalidConfig(format!(
                "drop_train_share must be in [0, 1), got {}",
                self.drop_train_share
            )));
        }
        self.sampled.validate()?;
        self.schedule.validate()?;
        self.encoder.validate()?;
        if self.model.is_sequda() {
            self.sequda.validate()?;
        }
        Ok(())
    }

    /// Defaults sized to the data, our documented choice where docs/MODEL.md §2 gives per-dataset
    /// settings: long histories (median ≥ 50, like ML-1M) get `max_len` 200 and dropout 0.1
    /// (the first reconstruction said 0.2; 0.1 is the published SASRec-CE configuration's and won on ML-1M
    /// validation, NDCG@10 0.1888 vs 0.1783: docs/benchmark-log.md, issue 2 C); short ones (like
    /// Amazon Beauty) `max_len` 50, and dropout 0.4 when very short (mean < 15; the first reconstruction said
    /// 0.5, and 0.4 won on Beauty validation for SASRec-CE over three seeds, NDCG@10 0.0722 vs
    /// 0.0710, and was level for SeqUDA-Rec, 0.0713 vs 0.0715: docs/benchmark-log.md, issue 3 C; runs
    /// made before keep their 0.5 in their `config.toml`); in between
    /// (like the bundled demo) `max_len` 50 and dropout 0.2. Small logs (under 100k
    /// interactions, like the bundled demo's 74k) stop earlier (patience 3, 30 epochs), so the
    /// demo trains in about a minute; benchmark-sized logs (Amazon Beauty's 198k and up) keep
    /// the full 200-epoch, patience-10 recipe.
    pub fn for_data(median_length: usize, mean_length: f64, interactions: usize) -> Self {
        let mut config = Self::default();
        if median_length < 50 {
            config.encoder.max_len = 50;
        } else {
            config.encoder.dropout = 0.1;
        }
        if mean_length < 15.0 {
            config.encoder.dropout = 0.4;
        }
        if interactions < 100_000 {
            config.epochs = 30;
            config.patience = 3;
        }
        config
    }

    /// Why [`TrainConfig::for_data`] chooses what it does for data with these figures, as one
    /// line for a run's log, e.g. "73801 interactions (under 100000: 30 epochs, patience 3),
    /// median history 22 (under 50: max_len 50), mean history 29.5 (dropout 0.2; …)".
    pub fn sizing_reasons(median_length: usize, mean_length: f64, interactions: usize) -> String {
        let sized = Self::for_data(median_length, mean_length, interactions);
        let log_size = if interactions < 100_000 {
            "under 100000"
        } else {
            "100000 or more"
        };
        let history = if median_length < 50 {
            "under 50"
        } else {
            "50 or more"
        };
        format!(
            "{interactions} interactions ({log_size}: {} epochs, patience {}), median history \
             {median_length} ({history}: max_len {}), mean history {mean_length:.1} (dropout {}; \
             0.4 when the mean is under 15, 0.1 when the median is 50 or more)",
            sized.epochs, sized.patience, sized.encoder.max_len, sized.encoder.dropout
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::RunConfig;

    #[test]
    fn settings_that_cannot_train_are_refused_by_name() {
        assert_eq!(TrainConfig::default().validate(), Ok(()));
        let frozen = TrainConfig {
            learning_rate: 0.0,
            ..TrainConfig::default()
        };
        assert_eq!(frozen.validate(), Ok(()), "a zero rate freezes the weights");
        let refused = |change: &dyn Fn(&mut TrainConfig), name: &str| {
            let mut config = TrainConfig::default();
            change(&mut config);
            let error = config.validate().expect_err(name).to_string();
            assert!(error.contains(name), "{error}");
        };
        refused(&|c| c.learning_rate = -1.0, "learning_rate");
        refused(&|c| c.learning_rate = f64::NAN, "learning_rate");
        refused(&|c| c.batch_size = 0, "batch_size");
        refused(&|c| c.epochs = 0, "epochs");
        refused(&|c| c.drop_train_share = 1.0, "drop_train_share");
        refused(&|c| c.encoder.heads = 3, "divisible by heads");
        // SeqUDA-Rec settings matter only to SeqUDA-Rec variants.
        let mut config = TrainConfig::default();
        config.sequda.graph_layers = 0;
        assert_eq!(config.validate(), Ok(()));
        config.model = ModelKind::Sequda;
        assert!(config.validate().is_err());
    }

    #[test]
    fn the_sizing_reasons_name_the_values_for_data_chooses() {
        let small = TrainConfig::sizing_reasons(22, 29.5, 73_801);
        assert_eq!(
            small,
            "73801 interactions (under 100000: 30 epochs, patience 3), median history 22 \
             (under 50: max_len 50), mean history 29.5 (dropout 0.2; 0.4 when the mean is \
             under 15, 0.1 when the median is 50 or more)"
        );
        let long = TrainConfig::sizing_reasons(96, 165.6, 1_000_209);
        assert!(
            long.starts_with("1000209 interactions (100000 or more: 200 epochs, patience 10)"),
            "{long}"
        );
        assert!(long.contains("(50 or more: max_len 200)"), "{long}");
        assert!(long.contains("(dropout 0.1;"), "{long}");
        let short = TrainConfig::sizing_reasons(6, 8.9, 198_502);
        assert!(short.contains("(dropout 0.4;"), "{short}");
    }

    #[test]
    fn model_names_parse_back() {
        for kind in ModelKind::ALL {
            assert_eq!(kind.name().parse::<ModelKind>(), Ok(kind));
        }
        assert!("bert".parse::<ModelKind>().unwrap_err().contains("sasrec"));
    }

    #[test]
    fn run_config_round_trips_through_toml() {
        let mut config = RunConfig::default();
        config.data.path = "sample_data/ad_events.csv".into();
        config.train.encoder.max_len = 50;
        let text = toml::to_string(&config).expect("serialise");
        let back: RunConfig = toml::from_str(&text).expect("parse");
        assert_eq!(back, config);
    }

    #[test]
    fn files_without_the_loss_read_as_auto_and_the_loss_round_trips() {
        let old: RunConfig = toml::from_str("[train]\nepochs = 3\n").expect("parse");
        assert_eq!(old.train.loss, LossChoice::Auto);
        assert_eq!(old.train.sampled, SampledLossConfig::default());
        let text =
            "[train]\nloss = \"sampled\"\n[train.sampled]\nnegatives = 64\nsource = \"in-batch\"\n";
        let new: RunConfig = toml::from_str(text).expect("parse");
        assert_eq!(new.train.loss, LossChoice::Sampled);
        assert_eq!(new.train.sampled.negatives, 64);
        let back: RunConfig = toml::from_str(&toml::to_string(&new).expect("write")).expect("read");
        assert_eq!(back, new);
        let mut bad = new.train;
        bad.sampled.negatives = 0;
        assert!(bad.validate().unwrap_err().0.contains("negatives"));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<RunConfig>("[train]\nepochz = 3\n").unwrap_err();
        assert!(err.to_string().contains("epochz"), "{err}");
    }

    #[test]
    fn short_sequences_get_short_windows() {
        let beauty = TrainConfig::for_data(6, 8.9, 198_502);
        assert_eq!(beauty.encoder.max_len, 50);
        assert_eq!(beauty.encoder.dropout, 0.4);
        assert_eq!((beauty.epochs, beauty.patience), (200, 10));
        let demo = TrainConfig::for_data(22, 29.5, 73_801);
        assert_eq!((demo.epochs, demo.patience), (30, 3));
        let ml1m = TrainConfig::for_data(96, 165.5, 999_611);
        assert_eq!(ml1m.encoder.max_len, 200);
        assert_eq!(ml1m.encoder.dropout, 0.1);
        assert_eq!(ml1m.epochs, 200);
        assert_eq!((demo.encoder.max_len, demo.encoder.dropout), (50, 0.2));
    }
}
