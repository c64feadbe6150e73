//! Settings of the SeqUDA-Rec composition (docs/MODEL.md §3–5). The paper states none of these
//! numbers: each default is OUR choice unless marked otherwise, and each is a field so it can
//! be ablated and swept.

use serde::{Deserialize, Serialize};

use super::gan::GanConfig;

/// Which parts of SeqUDA-Rec are on, and their settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeqUdaConfig {
    /// The global user–item graph: LightGCN propagation fused into the encoder input.
    pub graph: bool,
    /// The contrastive (InfoNCE) loss over two perturbed graph views (needs `graph`).
    pub contrastive: bool,
    /// GAN-generated sequences as extra weighted training sequences.
    pub gan: bool,
    /// The target-attention head: trained with sampled candidates, re-ranks the top of the
    /// full ranking and scores audiences.
    pub target_attention: bool,
    /// Propagation layers K. Default 2 (docs/MODEL.md §3).
    pub graph_layers: usize,
    /// Share of edges each contrastive view drops ("neighbour perturbation"). Default 0.1
    /// (docs/MODEL.md §3 range 0.1–0.2).
    pub edge_dropout: f32,
    /// Share of nodes (users and items) each contrastive view drops with all their edges
    /// (docs/MODEL.md §3 "node dropout"). Default 0 = edge dropout alone (OUR choice).
    pub node_dropout: f32,
    /// New perturbed views every this many epochs. Default 1 (OUR choice, as SGL). Unused
    /// when `views_each_step` is on.
    pub views_every: usize,
    /// Draw the two perturbed views afresh at every training step (docs/MODEL.md §3 "two stochastic
    /// views per step") instead of every `views_every` epochs. Costs two graph perturbations
    /// per step. Default false (OUR choice, measured: on Beauty, seed 1, the best validation
    /// NDCG@10 was 0.0717 with it against 0.0715 without, at the same cost per epoch; the
    /// default keeps earlier runs reproducible; docs/benchmark-log.md, issue 3 C).
    /// A config file without the field reads as false, what every run made before it did.
    #[serde(default)]
    pub views_each_step: bool,
    /// InfoNCE temperature τ. Default 0.2 (docs/MODEL.md §3).
    pub temperature: f64,
    /// λ_cl. Default 0.1 (docs/MODEL.md §3).
    pub contrastive_weight: f64,
    /// Most graph nodes (the batch's users and items) per InfoNCE term. Default 1024 (OUR
    /// choice: bounds the `[n, n]` similarity matrix).
    pub contrastive_nodes: usize,
    /// Fuse the gated graph term into the encoder's input table (docs/MODEL.md §3 "fusion into the
    /// encoder input"). Off, the graph serves the contrastive loss alone: InfoNCE over the two
    /// propagated views still shapes the item table `E` (SGL-style), but every item enters
    /// the encoder as its own embedding, as in SASRec-CE. Default true (docs/MODEL.md §3; measured:
    /// on Beauty, seed 1, the best validation NDCG@10 was 0.0706 without fusion against 0.0715
    /// with it; docs/benchmark-log.md, issue 3 C). A config file without the field reads as true, what
    /// every earlier run trained with.
    #[serde(default = "fuse_as_before")]
    pub graph_fusion: bool,
    /// Add the user's own graph embedding to the final state (docs/MODEL.md §3 "fusion"). Default
    /// false (OUR choice): a user's graph embedding aggregates all of their training items, so
    /// during training it reveals the very items each position must predict, while the held-out
    /// item is never in the graph — the model would learn a shortcut that fails at test time.
    pub user_fusion: bool,
    /// Propagate each training batch over the graph without its own users' edges, so that
    /// an input item's graph term cannot reach the user's later training items (the targets)
    /// through the user node (item → user → item with K ≥ 2): a shortcut at training time
    /// that the held-out item never offers. Evaluation uses the whole training graph. Costs
    /// one graph rebuild per step. Default false (OUR choice, measured: on Beauty it lowered
    /// validation NDCG@10 from 0.0713 to 0.0702; docs/benchmark-log.md, issue 3 C).
    pub hide_batch_users: bool,
    /// Score items against the encoder's input table (each item's embedding plus its gated
    /// graph term) instead of the plain item embeddings, so the graph's collaborative
    /// smoothing also shapes the candidates. Default false (OUR choice, measured on Beauty
    /// validation: faster at first, then behind — 0.0663 at epoch 20 against 0.0703 without
    /// it; docs/benchmark-log.md, issue 3 C).
    pub graph_in_output: bool,
    /// Let the item gate of the graph fusion also see each item's degree in the training graph
    /// (`ln(1 + d) / ln(1 + d_max)`), so that it can learn to give rare items, whose graph term
    /// comes from a few neighbours, mostly their own embedding. Default false (OUR choice,
    /// measured: on Beauty, seed 1, the best validation NDCG@10 was 0.0712 with it against
    /// 0.0715 without; docs/benchmark-log.md, issue 3 C). A config file without the field reads as
    /// false, what every earlier run trained with.
    #[serde(default)]
    pub degree_gate: bool,
    /// Propagate a detached copy of the item table `E`: the graph's terms (the recommendation
    /// loss through the fused input, and InfoNCE) then train the user table, projections and
    /// gates but never move the item embeddings, which the sequence model alone trains; `E`
    /// of a rare item is otherwise pulled by every neighbour's graph term. Default false (OUR
    /// choice, measured: on Beauty, seed 1, it learned more slowly and its best validation
    /// NDCG@10 was 0.0716 against 0.0715 without; docs/benchmark-log.md, issue 3 C). A config file
    /// without the field reads as false, what every earlier run trained with.
    #[serde(default)]
    pub graph_detaches_items: bool,
    /// λ_seq: weight of a sequence-level InfoNCE between each user's final state and the
    /// same sequence encoded again under the first perturbed graph view (or, without one,
    /// the same input table) with a fresh dropout mask: the paper's "two perturbed views"
    /// applied to the user representation as well as to the graph nodes (uses `temperature`).
    /// Costs one more encoder pass per step. Default 0 = off (OUR choice, measured: on Beauty
    /// λ_seq = 0.1 trailed the default on validation NDCG@10 from epoch 15 on, 0.0701 against
    /// 0.0715 at epoch 24; docs/benchmark-log.md, issue 3 C).
    pub sequence_contrastive_weight: f64,
    /// λ_st: weight of the supervised same-target contrast (DuoRec; RESEARCH.md recipe 3):
    /// each batch user's state and the state of another training prefix with the same next
    /// item form a positive pair, the batch's other rows (one per next item) the negatives.
    /// Costs two more encoder passes per step. Default 0 = off (not yet measured).
    pub same_target_weight: f64,
    /// τ of the same-target contrast. Default 1 (DuoRec's).
    pub same_target_temperature: f64,
    /// λ_ta: weight of the target-attention loss. Default 0.1 (OUR choice).
    pub target_attention_weight: f64,
    /// Train the target-attention head on detached encoder states and item embeddings, so
    /// that its loss trains the head alone and leaves the recommender's encoder and item table
    /// to the recommendation losses. Default true (OUR choice, measured on validation: the
    /// head sees one (prefix, last training item) pair per user every epoch and memorises it,
    /// and through the shared encoder that held ML-1M at valid NDCG@10 0.1572 at epoch 38
    /// against 0.1714 detached; Beauty's three seeds 0.0709 against 0.0718; docs/benchmark-log.md,
    /// issue 3 C). A config file without the field reads as false, what every run made
    /// before this default did.
    #[serde(default = "head_loss_reaches_the_encoder_as_before")]
    pub target_attention_detached: bool,
    /// Random negatives per user for the sampled target-attention loss. Default 100 (OUR
    /// choice).
    pub target_attention_negatives: usize,
    /// Target attention re-ranks this many top candidates of the full ranking (0 = off).
    /// Default 0 (OUR choice, measured: re-ranking the top 20/50 of the bundled sample data
    /// with the sampled-softmax-trained head lowered validation NDCG@10 from 0.267 to
    /// 0.226/0.225 after 3 epochs, and on Beauty's converged run from 0.0713 to 0.0650/0.0614
    /// at 10/20, `sequda eval --rerank-top`; the head still scores audiences and explains them).
    pub rerank_top: usize,
    /// The GAN's own settings.
    pub gan_settings: GanConfig,
}

impl Default for SeqUdaConfig {
    fn default() -> Self {
        Self {
            graph: true,
            contrastive: true,
            gan: true,
            target_attention: true,
            graph_layers: 2,
            edge_dropout: 0.1,
            node_dropout: 0.0,
            views_every: 1,
            views_each_step: false,
            temperature: 0.2,
            contrastive_weight: 0.1,
            contrastive_nodes: 1024,
            graph_fusion: true,
            user_fusion: false,
            hide_batch_users: false,
            graph_in_output: false,
            degree_gate: false,
            graph_detaches_items: false,
            sequence_contrastive_weight: 0.0,
            same_target_weight: 0.0,
            same_target_temperature: 1.0,
            target_attention_weight: 0.1,
            target_attention_detached: true,
            target_attention_negatives: 100,
            rerank_top: 0,
            gan_settings: GanConfig::default(),
        }
    }
}

/// What a config written before `graph_fusion` existed trained with: the graph term fused.
fn fuse_as_before() -> bool {
    true
}

/// What a config written before `target_attention_detached` existed trained with.
fn head_loss_reaches_the_encoder_as_before() -> bool {
    false
}

impl SeqUdaConfig {
    /// Whether the contrastive loss actually runs (it needs the graph).
    pub fn uses_contrastive(&self) -> bool {
        self.graph && self.contrastive
    }

    /// Checks settings that would otherwise fail deep inside burn.
    pub fn validate(&self) -> Result<(), super::invalid::InvalidConfig> {
        let invalid = |m: String| Err(super::invalid::InvalidConfig(m));
        if self.graph && self.graph_layers == 0 {
            return invalid("graph_layers must be at least 1".into());
        }
        if !(0.0..1.0).contains(&self.edge_dropout) {
            return invalid(format!(
                "edge_dropout must be in [0, 1), got {}",
                self.edge_dropout
            ));
        }
        if !(0.0..1.0).contains(&self.node_dropout) {
            return invalid(format!(
                "node_dropout must be in [0, 1), got {}",
                self.node_dropout
            ));
        }
        if self.temperature <= 0.0 || !self.temperature.is_finite() {
            return invalid(format!(
                "temperature must be positive, got {}",
                self.temperature
            ));
        }
        if self.uses_contrastive() && self.contrastive_nodes < 2 {
            return invalid("contrastive_nodes must be at least 2".into());
        }
        if !(self.sequence_contrastive_weight >= 0.0
            && self.sequence_contrastive_weight.is_finite())
        {
            return invalid(format!(
                "sequence_contrastive_weight must be zero or positive, got {}",
                self.sequence_contrastive_weight
            ));
        }
        if !(self.same_target_weight >= 0.0 && self.same_target_weight.is_finite()) {
            return invalid(format!(
                "same_target_weight must be zero or positive, got {}",
                self.same_target_weight
            ));
        }
        if !(self.same_target_temperature > 0.0 && self.same_target_temperature.is_finite()) {
            return invalid(format!(
                "same_target_temperature must be positive, got {}",
                self.same_target_temperature
            ));
        }
        if self.target_attention && self.target_attention_negatives == 0 {
            return invalid("target_attention_negatives must be at least 1".into());
        }
        self.gan_settings
            .validate()
            .or_else(|e| invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_are_named() {
        assert!(SeqUdaConfig::default().validate().is_ok());
        let cold = SeqUdaConfig {
            temperature: 0.0,
            ..SeqUdaConfig::default()
        };
        assert!(
            cold.validate()
                .unwrap_err()
                .to_string()
                .contains("temperature")
        );
        let no_graph = SeqUdaConfig {
            graph: false,
            ..SeqUdaConfig::default()
        };
        assert!(!no_graph.uses_contrastive());
        let negative = SeqUdaConfig {
            sequence_contrastive_weight: -0.1,
            ..SeqUdaConfig::default()
        };
        let message = negative.validate().unwrap_err().to_string();
        assert!(message.contains("sequence_contrastive_weight"), "{message}");
    }

    #[test]
    fn configs_without_the_sequence_contrast_read_as_off() {
        let old: SeqUdaConfig = toml::from_str("graph = true").expect("valid toml");
        assert_eq!(old.sequence_contrastive_weight, 0.0);
    }

    #[test]
    fn configs_written_before_the_detached_head_read_as_attached() {
        let old: SeqUdaConfig = toml::from_str("graph = true").expect("valid toml");
        assert!(!old.target_attention_detached);
        assert!(SeqUdaConfig::default().target_attention_detached);
        let written = toml::to_string(&SeqUdaConfig::default()).expect("serialisable");
        let again: SeqUdaConfig = toml::from_str(&written).expect("round trip");
        assert!(again.target_attention_detached);
    }
}
