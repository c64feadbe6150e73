//! One SeqUDA-Rec optimisation step (docs/MODEL.md §3–5): the batch encoded in length
//! groups over the graph-fused input table, CE plus each weighted term, one Adam update.

use burn::optim::GradientsParams;
use burn::tensor::Tensor;

use super::tables::StepTables;
use super::terms::{sequence_contrast, synthetic_term_weight};
use super::trainer::SeqUdaRecipe;
use crate::train::TrainError;
use crate::train::epochs::{
    LengthGroup, StepLosses, TrainBatch, group_loss, grouped_loss, length_groups, listed_positions,
};

/// The parts of a step's loss gathered group by group.
struct GroupTerms {
    /// CE summed over the groups (each weighted by its share of the positions).
    ce: Option<Tensor<1>>,
    /// Each group's TA term, weighted by its share of the rows.
    ta: Vec<Tensor<1>>,
    /// Each group's user states from the step's pass and the sequence contrast's second pass.
    state_pairs: Vec<(Tensor<2>, Tensor<2>)>,
}

/// A weighted loss term: its name in `metrics.jsonl`, its value `[1]` and its weight.
type Weighted = (&'static str, Tensor<1>, f64);

impl SeqUdaRecipe<'_> {
    /// `CE + λ_cl·InfoNCE + λ_ta·TA + λ_seq·SeqCL + λ_st·SameTarget + λ_syn·CE(synthetic)` for
    /// `users`, and the update at learning rate `rate`; the values stay on the device.
    pub(super) fn train_step(
        &mut self,
        users: &[usize],
        rate: f64,
    ) -> Result<StepLosses, TrainError> {
        if self.settings.uses_contrastive() && self.settings.views_each_step {
            let seed = self.rng.next_u64() << 1;
            self.new_views_from(seed)?;
        }
        let max_len = self.config.encoder.max_len;
        let groups = length_groups(&self.split.train, users, max_len, self.config.length_groups);
        let synthetic = self.synthetic_batch(users.len());
        let tables = self.step_tables(users, &groups, synthetic.as_deref())?;
        let terms = self.group_terms(users, &groups, &tables);
        let Some(ce) = terms.ce else {
            return Ok(StepLosses::new().on_host("loss", 0.0));
        };
        let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
        let mut weighted: Vec<Weighted> = Vec::new();
        if let Some(cl) = self.contrastive_term(users, &batches)? {
            weighted.push(("cl", cl, self.settings.contrastive_weight));
        }
        // A group whose users lack a target adds nothing; TA is reported only when every
        // group had one, so the logged value is always the mean over the whole batch.
        if terms.ta.len() == groups.len()
            && let Some(ta) = terms.ta.into_iter().reduce(|sum, part| sum + part)
        {
            weighted.push(("ta", ta, self.settings.target_attention_weight));
        }
        if let Some(seq_cl) = sequence_contrast(terms.state_pairs, self.settings.temperature) {
            let weight = self.settings.sequence_contrastive_weight;
            weighted.push(("seq_cl", seq_cl, weight));
        }
        let graph = tables.graph.as_ref();
        if let Some(same) = self.same_target_term(users, &tables.table, graph) {
            weighted.push(("st_cl", same, self.settings.same_target_weight));
        }
        if let Some((syn, weight)) = self.synthetic_term(synthetic, &tables) {
            weighted.push(("syn", syn, weight));
        }
        Ok(self.apply(ce, weighted, rate))
    }

    /// Each length group encoded once: its CE, its TA and (when the sequence contrast is on)
    /// its pair of user states.
    fn group_terms(
        &mut self,
        users: &[usize],
        groups: &[LengthGroup],
        tables: &StepTables,
    ) -> GroupTerms {
        let view = self.sequence_view(&tables.table);
        let (mut ce_parts, mut ta, mut state_pairs) = (Vec::new(), Vec::new(), Vec::new());
        for group in groups {
            let tokens = group.batch.tokens.to_tensor(&self.device);
            let hidden = self
                .model
                .encode(tokens.clone(), tables.table.clone(), false)
                .hidden;
            if let Some((view_table, view_graph)) = &view {
                state_pairs.push(self.state_pair(
                    &group.users,
                    hidden.clone(),
                    tokens.clone(),
                    tables.graph.as_ref(),
                    view_table.clone(),
                    view_graph.as_ref(),
                ));
            }
            ce_parts.extend(group_loss(
                hidden.clone(),
                &group.batch,
                tables.items.clone(),
                tables.total_positions,
                &self.device,
                &tables.loss,
            ));
            let rows_share = group.users.len() as f64 / users.len().max(1) as f64;
            let graph = tables.graph.as_ref();
            ta.extend(
                self.target_attention_term(&group.users, hidden, tokens, &tables.table, graph)
                    .map(|term| term.mul_scalar(rows_share)),
            );
        }
        GroupTerms {
            ce: ce_parts.into_iter().reduce(|sum, part| sum + part),
            ta,
            state_pairs,
        }
    }

    /// CE over this step's share of the epoch's kept synthetic sequences (`synthetic`, in
    /// length groups), with its weight.
    fn synthetic_term(
        &mut self,
        synthetic: Option<Vec<LengthGroup>>,
        tables: &StepTables,
    ) -> Option<(Tensor<1>, f64)> {
        let groups = synthetic?;
        let batches: Vec<&TrainBatch> = groups.iter().map(|g| &g.batch).collect();
        let positions = listed_positions(batches.iter().copied());
        let loss = &tables.loss;
        let syn = grouped_loss(&batches, &tables.items, &self.device, loss, |tokens| {
            self.model
                .encode(tokens, tables.table.clone(), false)
                .hidden
        })?;
        let gan = &self.settings.gan_settings;
        let weight = synthetic_term_weight(
            gan.synthetic_weight,
            gan.synthetic_weighting,
            positions,
            tables.total_positions,
        );
        Some((syn, weight))
    }

    /// The total `CE + Σ weight·term` (summed in that order), every part left on the device
    /// for the log (nothing is read back), and the Adam update.
    fn apply(&mut self, ce: Tensor<1>, weighted: Vec<Weighted>, rate: f64) -> StepLosses {
        let mut total = ce.clone();
        for (_, term, weight) in &weighted {
            total = total + term.clone().mul_scalar(*weight);
        }
        let mut losses = StepLosses::new()
            .with_host_values(&self.gan_values)
            .on_device("loss", total.clone())
            .on_device("ce", ce);
        for (name, term, _) in weighted {
            losses = losses.on_device(name, term);
        }
        let gradients = GradientsParams::from_grads(total.backward(), &self.model);
        self.model = self.optimizer.step(rate, self.model.clone(), gradients);
        losses
    }
}
