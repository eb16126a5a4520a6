// Community detection on an undirected weighted graph: Louvain modularity
// optimisation (local moving of nodes between neighbouring communities, then
// aggregation of each community into one node, repeated until nothing
// moves). Deterministic: nodes are visited in index order and ties keep the
// current community. O(edges) per pass; allocates per call, never per edge.
#pragma once

#include <cstdint>
#include <vector>

namespace evenhand::behavior {

struct WeightedEdge {
  uint32_t a = 0, b = 0;
  double w = 0;
};

// Returns a community label per node (0..n-1), labels dense from 0 in order
// of first appearance. Self-edges are allowed; a node without edges is its
// own community.
std::vector<uint32_t> Louvain(uint32_t n, const std::vector<WeightedEdge>& edges);

}  // namespace evenhand::behavior
