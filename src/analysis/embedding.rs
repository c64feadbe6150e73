//! Nearest neighbours in the model's embedding space, to set beside the interaction graph.

use super::AnalysisError;
use super::neighbourhood::NodeRef;
use super::states::{cosine, final_states, item_embeddings};
use crate::train::session::ModelView;

/// An item close to the query in embedding space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// The item.
    pub item: u32,
    /// Cosine similarity to the query, in `[-1, 1]`.
    pub similarity: f32,
}

/// The `k` items closest (cosine) to `centre`: to an item's embedding (the item itself left
/// out), or to a user's encoder state after their whole history.
pub fn nearest_items(
    view: &ModelView<'_>,
    centre: NodeRef,
    k: usize,
) -> Result<Vec<Neighbour>, AnalysisError> {
    let model = view.model.ok_or(AnalysisError::NoModel)?;
    let table = item_embeddings(model)?;
    let (query, skip) = match centre {
        NodeRef::Item(item) => {
            if item as usize >= table.len() {
                return Err(AnalysisError::UnknownItem(item.to_string()));
            }
            (table.row(item as usize).to_vec(), Some(item))
        }
        NodeRef::User(user) => {
            let history = view
                .dataset
                .sequences
                .get(user as usize)
                .ok_or_else(|| AnalysisError::UnknownUser(user.to_string()))?;
            let states = final_states(model, &[user], &[history.as_slice()])?;
            (states.row(0).to_vec(), None)
        }
    };
    let mut neighbours: Vec<Neighbour> = (0..table.len())
        .filter_map(|index| u32::try_from(index).ok())
        .filter(|&item| Some(item) != skip)
        .map(|item| Neighbour {
            item,
            similarity: cosine(&query, table.row(item as usize)),
        })
        .collect();
    neighbours.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.item.cmp(&b.item))
    });
    neighbours.truncate(k);
    Ok(neighbours)
}

#[cfg(test)]
mod tests {
    use super::super::states::test_model::{dataset, model};
    use super::*;
    use crate::data::leave_one_out;

    #[test]
    fn nearest_items_are_sorted_and_skip_the_query_item() {
        let data = dataset(6, 9);
        let split = leave_one_out(&data.sequences);
        let encoder = model(9);
        let view = ModelView {
            model: Some(&encoder),
            dataset: &data,
            split: &split,
            epoch: 1,
        };
        let near = nearest_items(&view, NodeRef::Item(3), 4).expect("neighbours");
        assert_eq!(near.len(), 4);
        assert!(near.iter().all(|n| n.item != 3));
        assert!(near.windows(2).all(|w| w[0].similarity >= w[1].similarity));
        let for_user = nearest_items(&view, NodeRef::User(2), 3).expect("user");
        assert_eq!(for_user.len(), 3);
        assert!(nearest_items(&view, NodeRef::Item(40), 3).is_err());
    }
}
