//! Supervised same-target contrast (DuoRec; RESEARCH.md recipe 3, docs/MODEL.md §3): each
//! batch user's prefix and another training prefix whose next item is the same form a positive
//! pair, the batch's other rows the negatives.

use burn::tensor::Tensor;

use super::trainer::SeqUdaRecipe;
use crate::model::contrastive::info_nce;
use crate::model::tokens::TokenMatrix;

impl SeqUdaRecipe<'_> {
    /// InfoNCE between the batch users' states and their same-target prefixes' states, over
    /// the step's input table `[n_items + 1, dim]` and graph `Z̄`; `None` when the term is off
    /// or the batch has fewer than two pairs.
    pub(super) fn same_target_term(
        &mut self,
        users: &[usize],
        table: &Tensor<2>,
        graph: Option<&Tensor<2>>,
    ) -> Option<Tensor<1>> {
        let index = self.same_target.as_ref()?;
        let train = &self.split.train;
        let pairs = index.pairs(train, users, &mut self.rng);
        if pairs.len() < 2 {
            return None;
        }
        let own: Vec<(&[u32], usize)> = pairs
            .iter()
            .map(|p| (&train[p.user][..train[p.user].len() - 1], p.user))
            .collect();
        let other: Vec<(&[u32], usize)> = pairs
            .iter()
            .map(|p| (&train[p.positive.user][..p.positive.end], p.positive.user))
            .collect();
        let own = self.prefix_states(&own, table, graph);
        let other = self.prefix_states(&other, table, graph);
        Some(info_nce(own, other, self.settings.same_target_temperature))
    }

    /// The user states `[prefixes, dim]` after each (prefix, user) of `prefixes`.
    fn prefix_states(
        &self,
        prefixes: &[(&[u32], usize)],
        table: &Tensor<2>,
        graph: Option<&Tensor<2>>,
    ) -> Tensor<2> {
        let items: Vec<&[u32]> = prefixes.iter().map(|(items, _)| *items).collect();
        let tokens = TokenMatrix::left_padded(&items, self.config.encoder.max_len);
        let users = self.int_tensor(prefixes.iter().map(|(_, u)| *u as i64).collect());
        self.model
            .user_states(tokens.to_tensor(&self.device), table.clone(), graph, users)
    }
}
