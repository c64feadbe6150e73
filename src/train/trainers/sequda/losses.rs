//! The loss terms a SeqUDA-Rec step adds to CE, computed from the recipe's model and views:
//! graph InfoNCE, the sequence contrast's second pass and the target-attention head's
//! sampled softmax (docs/MODEL.md §3, §5).

use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor, TensorData};

use super::tables::input_items;
use super::terms::head_training_scores;
use super::trainer::SeqUdaRecipe;
use super::views::GraphView;
use crate::model::contrastive::info_nce;
use crate::train::TrainError;
use crate::train::epochs::TrainBatch;

impl SeqUdaRecipe<'_> {
    pub(super) fn int_tensor(&self, values: Vec<i64>) -> Tensor<1, Int> {
        let len = values.len();
        Tensor::from_data(TensorData::new(values, [len]), &self.device)
    }

    /// InfoNCE over the batch's user nodes and (at most `contrastive_nodes` nodes in all) the
    /// items of its input tokens.
    pub(super) fn contrastive_term(
        &mut self,
        users: &[usize],
        batches: &[&TrainBatch],
    ) -> Result<Option<Tensor<1>>, TrainError> {
        let (Some(fusion), Some((first, second))) =
            (self.model.graph.as_ref(), self.views.as_ref())
        else {
            return Ok(None);
        };
        if !self.settings.uses_contrastive() {
            return Ok(None);
        }
        let mut nodes: Vec<usize> = users.to_vec();
        let items = input_items(batches.iter().copied(), self.n_items);
        nodes.extend(items.into_iter().map(|item| self.n_users + item));
        if nodes.len() > self.settings.contrastive_nodes {
            self.rng.shuffle(&mut nodes);
            nodes.truncate(self.settings.contrastive_nodes);
        }
        // Users first, then items: InfoNCE is the same for any order both views share.
        let (picked_users, picked_items): (Vec<usize>, Vec<usize>) =
            nodes.iter().partition(|&&node| node < self.n_users);
        let picked_items: Vec<usize> = picked_items.iter().map(|&n| n - self.n_users).collect();
        let items = self.model.graph_item_input();
        let rows = |view: &GraphView, items: Tensor<2>| {
            view.rows(fusion, items, &picked_users, &picked_items)
        };
        let (Some(view_a), Some(view_b)) = (rows(first, items.clone())?, rows(second, items)?)
        else {
            return Ok(None);
        };
        Ok(Some(info_nce(view_a, view_b, self.settings.temperature)))
    }

    /// The second view of the sequence contrast, when it is on: the input table
    /// `[n_items + 1, dim]` over the first perturbed graph view with that view's `Z̄`, or the
    /// step's own `table` when there is no view (no graph or no graph contrast).
    pub(super) fn sequence_view(
        &self,
        table: &Tensor<2>,
    ) -> Option<(Tensor<2>, Option<Tensor<2>>)> {
        if self.settings.sequence_contrastive_weight <= 0.0 {
            return None;
        }
        let perturbed = self.views.as_ref().and_then(|(first, _)| {
            let first = &first.adjacency;
            let z = self.model.graph_embeddings(first)?;
            Some((self.model.input_table(Some((&z, first))), Some(z)))
        });
        Some(perturbed.unwrap_or_else(|| (table.clone(), None)))
    }

    /// One length group's final user states `[users, dim]` twice: from the step's own pass
    /// (`hidden` `[users, len, dim]` over `tokens` `[users, len]`, graph `graph`) and from a
    /// second pass over `view_table` with its own dropout mask.
    pub(super) fn state_pair(
        &self,
        users: &[usize],
        hidden: Tensor<3>,
        tokens: Tensor<2, Int>,
        graph: Option<&Tensor<2>>,
        view_table: Tensor<2>,
        view_graph: Option<&Tensor<2>>,
    ) -> (Tensor<2>, Tensor<2>) {
        let [rows, len, dim] = hidden.dims();
        let last = hidden
            .slice([0..rows, len - 1..len, 0..dim])
            .reshape([rows, dim]);
        let users = self.int_tensor(users.iter().map(|&u| u as i64).collect());
        let own = self.model.fuse_users(last, graph, users.clone());
        let other = self
            .model
            .user_states(tokens, view_table, view_graph, users);
        (own, other)
    }

    /// Sampled-softmax loss of the target-attention head at each user's last position, the
    /// mean over `users` (one length group: `hidden` `[users, len, dim]`, `tokens`
    /// `[users, len]`; candidates are rows of the output table of `input_table`
    /// `[n_items + 1, dim]`).
    pub(super) fn target_attention_term(
        &mut self,
        users: &[usize],
        hidden: Tensor<3>,
        tokens: Tensor<2, Int>,
        input_table: &Tensor<2>,
        graph: Option<&Tensor<2>>,
    ) -> Option<Tensor<1>> {
        let head = self.model.target_attention.as_ref()?;
        let negatives = self.settings.target_attention_negatives;
        let [rows, len, dim] = hidden.dims();
        let mut candidates = Vec::with_capacity(rows * (negatives + 1));
        for &user in users {
            let target = self.split.train.get(user).and_then(|s| s.last()).copied()?;
            candidates.push(i64::from(target));
            for _ in 0..negatives {
                candidates.push(self.rng.below(self.n_items as u64) as i64);
            }
        }
        let count = negatives + 1;
        let embedded = self
            .model
            .output_table(input_table)
            .select(0, self.int_tensor(candidates))
            .reshape([rows, count, dim]);
        let last = hidden
            .clone()
            .slice([0..rows, len - 1..len, 0..dim])
            .reshape([rows, dim]);
        let users = self.int_tensor(users.iter().map(|&u| u as i64).collect());
        let states = self.model.fuse_users(last, graph, users);
        let padding = tokens.equal_elem(0);
        let detached = self.settings.target_attention_detached;
        let scores = head_training_scores(head, hidden, padding, states, embedded, detached);
        Some(log_softmax(scores, 1).slice([0..rows, 0..1]).mean().neg())
    }
}
