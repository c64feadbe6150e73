//! Ego networks in the user–item interaction graph (training interactions only): a user or
//! an item, its neighbours and their neighbours, capped to the strongest edges.
//!
//! Edge strength is the symmetric normalised weight `1 / √(deg u · deg i)` that graph
//! propagation uses (docs/MODEL.md §3), so "strongest" means "most of this node's influence".

use serde::{Deserialize, Serialize};

use super::AnalysisError;
use crate::data::graph::InteractionGraph;

/// A node of the interaction graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeRef {
    /// A user (dense index).
    User(u32),
    /// An item (dense index).
    Item(u32),
}

/// A node in an ego network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EgoNode {
    /// Which node.
    pub node: NodeRef,
    /// Hops from the centre (0 = the centre).
    pub hop: u8,
    /// Degree in the whole training graph.
    pub degree: u32,
}

/// An edge between two nodes of an ego network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EgoEdge {
    /// Index into [`EgoNetwork::nodes`].
    pub a: usize,
    /// Index into [`EgoNetwork::nodes`].
    pub b: usize,
    /// Normalised adjacency weight.
    pub weight: f32,
}

/// A capped neighbourhood around one node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EgoNetwork {
    /// Nodes; the centre first.
    pub nodes: Vec<EgoNode>,
    /// Edges between included nodes.
    pub edges: Vec<EgoEdge>,
    /// Neighbours of the centre in the whole graph (before capping).
    pub centre_degree: u32,
    /// Whether some neighbours were left out by the caps.
    pub capped: bool,
}

/// Most edges drawn (beyond the tree edges), to keep dense hubs readable.
pub const MAX_EXTRA_EDGES: usize = 400;

/// The ego network of `centre`: up to `max_neighbours` strongest neighbours; with `hops == 2`
/// also up to `max(2, max_neighbours / 3)` strongest new neighbours of each of those, plus the
/// graph's other edges among included nodes (at most [`MAX_EXTRA_EDGES`]).
pub fn ego_network(
    graph: &InteractionGraph,
    centre: NodeRef,
    hops: u8,
    max_neighbours: usize,
) -> Result<EgoNetwork, AnalysisError> {
    let centre_node = node_index(graph, centre)?;
    let mut network = EgoNetwork {
        nodes: vec![EgoNode {
            node: centre,
            hop: 0,
            degree: degree(graph, centre_node),
        }],
        centre_degree: degree(graph, centre_node),
        ..EgoNetwork::default()
    };
    let mut graph_index: Vec<usize> = vec![centre_node];
    let first = strongest(graph, centre_node, max_neighbours.max(1), &graph_index);
    network.capped |= first.len() < network.centre_degree as usize;
    for (neighbour, weight) in first {
        graph_index.push(neighbour);
        network.nodes.push(EgoNode {
            node: node_ref(graph, neighbour),
            hop: 1,
            degree: degree(graph, neighbour),
        });
        network.edges.push(EgoEdge {
            a: 0,
            b: graph_index.len() - 1,
            weight,
        });
    }
    if hops >= 2 {
        let per_node = (max_neighbours / 3).max(2);
        let first_hop = graph_index.len();
        for parent in 1..first_hop {
            let picked = strongest(graph, graph_index[parent], per_node, &graph_index);
            network.capped |= picked.len() + 1 < degree(graph, graph_index[parent]) as usize;
            for (neighbour, weight) in picked {
                graph_index.push(neighbour);
                network.nodes.push(EgoNode {
                    node: node_ref(graph, neighbour),
                    hop: 2,
                    degree: degree(graph, neighbour),
                });
                network.edges.push(EgoEdge {
                    a: parent,
                    b: graph_index.len() - 1,
                    weight,
                });
            }
        }
        add_extra_edges(graph, &graph_index, first_hop, &mut network);
    }
    Ok(network)
}

/// Adds graph edges between first-hop and second-hop nodes that are not tree edges yet.
fn add_extra_edges(
    graph: &InteractionGraph,
    graph_index: &[usize],
    first_hop: usize,
    network: &mut EgoNetwork,
) {
    let mut added = 0;
    for a in 1..first_hop {
        let (columns, values) = graph.adjacency.row(graph_index[a]);
        for (b, &target) in graph_index.iter().enumerate().skip(first_hop) {
            if added >= MAX_EXTRA_EDGES {
                network.capped = true;
                return;
            }
            let target = target as u32;
            let Ok(slot) = columns.binary_search(&target) else {
                continue;
            };
            if network.edges.iter().any(|e| e.a == a && e.b == b) {
                continue;
            }
            network.edges.push(EgoEdge {
                a,
                b,
                weight: values[slot],
            });
            added += 1;
        }
    }
}

/// Up to `limit` neighbours of graph node `node` by descending weight (ties: lower index),
/// skipping nodes in `exclude`.
fn strongest(
    graph: &InteractionGraph,
    node: usize,
    limit: usize,
    exclude: &[usize],
) -> Vec<(usize, f32)> {
    let (columns, values) = graph.adjacency.row(node);
    let mut neighbours: Vec<(usize, f32)> = columns
        .iter()
        .zip(values)
        .map(|(&c, &w)| (c as usize, w))
        .filter(|(c, _)| !exclude.contains(c))
        .collect();
    neighbours.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    neighbours.truncate(limit);
    neighbours
}

/// The graph node index of a node reference, checked.
fn node_index(graph: &InteractionGraph, node: NodeRef) -> Result<usize, AnalysisError> {
    match node {
        NodeRef::User(user) if (user as usize) < graph.n_users => Ok(graph.user_node(user)),
        NodeRef::Item(item) if (item as usize) < graph.n_items => Ok(graph.item_node(item)),
        NodeRef::User(user) => Err(AnalysisError::UnknownUser(user.to_string())),
        NodeRef::Item(item) => Err(AnalysisError::UnknownItem(item.to_string())),
    }
}

/// The node reference of a graph node index.
fn node_ref(graph: &InteractionGraph, index: usize) -> NodeRef {
    if index < graph.n_users {
        NodeRef::User(index as u32)
    } else {
        NodeRef::Item((index - graph.n_users) as u32)
    }
}

/// Degree of a graph node (0 when out of range).
fn degree(graph: &InteractionGraph, index: usize) -> u32 {
    graph.degrees.get(index).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Users 0..4; user 0 saw items 0, 1, 2; user 1 saw 0, 1; user 2 saw 0; user 3 saw 3.
    fn graph() -> InteractionGraph {
        InteractionGraph::from_train(&[vec![0, 1, 2], vec![0, 1], vec![0], vec![3]], 4)
    }

    #[test]
    fn one_hop_keeps_the_strongest_neighbours() {
        let network = ego_network(&graph(), NodeRef::Item(0), 1, 2).expect("ego");
        assert_eq!(network.centre_degree, 3);
        assert!(network.capped);
        assert_eq!(network.nodes.len(), 3);
        // User 2 (degree 1) has the strongest normalised edge to item 0, then user 1 (degree 2).
        assert_eq!(network.nodes[1].node, NodeRef::User(2));
        assert_eq!(network.nodes[2].node, NodeRef::User(1));
        assert!(network.edges.iter().all(|e| e.a == 0));
    }

    #[test]
    fn two_hops_reach_co_interacted_items_and_add_cross_edges() {
        let network = ego_network(&graph(), NodeRef::Item(0), 2, 6).expect("ego");
        let items: Vec<NodeRef> = network
            .nodes
            .iter()
            .filter(|n| n.hop == 2)
            .map(|n| n.node)
            .collect();
        assert!(items.contains(&NodeRef::Item(1)));
        assert!(items.contains(&NodeRef::Item(2)));
        assert!(!items.contains(&NodeRef::Item(3)));
        // Item 1 is reachable from users 0 and 1: one tree edge plus one extra edge.
        let item1 = network
            .nodes
            .iter()
            .position(|n| n.node == NodeRef::Item(1))
            .expect("item 1");
        assert_eq!(network.edges.iter().filter(|e| e.b == item1).count(), 2);
        assert!(matches!(
            ego_network(&graph(), NodeRef::User(9), 1, 3),
            Err(AnalysisError::UnknownUser(_))
        ));
    }
}
