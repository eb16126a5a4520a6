// Community detection on an undirected weighted graph: Louvain modularity
// optimisation (local moving of nodes between neighbouring communities, then
// aggregation of each community into one node, repeated until nothing
// moves). Deterministic: nodes are visited in index order and ties keep the
// current community. O(edges) per pass; allocates per call, never per edge.
// SignificantCommunities adds the k-core and the significance test, and
// splits communities that fail it.
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

inline constexpr uint32_t kNoCommunity = UINT32_MAX;

// What a community must show to count as a network (see
// SignificantCommunities).
struct NetworkTest {
  uint32_t min_size = 3;          // accounts
  uint32_t min_links = 2;         // linked partners of each member inside it (k-core)
  double min_significance = 20;   // sum of observed / sum of expected over its internal edges
  double split_factor = 10;       // a part of a split community needs min_significance * split_factor
  uint32_t min_split_part = 5;    // and at least this many members,
  // unless it is a clique (every pair of members linked) of >= min_size
  // whose every link is this unlikely by chance on its own (-log10 P of
  // its observed co-actions, Poisson with its expected mean): a small
  // campaign (3-4 accounts that also post on their own) split out of a
  // chance community. Chance links pass the pair test at 5-7 and rarely
  // close a triangle; 0 turns this off.
  double min_clique_link_significance = 10;
  int split_depth = 3;            // times a failing community is split again
};

// Networks of a graph whose edges carry observed co-actions and the number
// chance predicts (observed[i], expected[i] for edges[i]): Louvain, then the
// min_links-core of each community; a community of >= min_size members
// whose edges together reach min_significance times chance is a network.
// One that fails is split again by Louvain on its own edges -- modularity
// on the whole graph merges a small dense group with loosely linked chance
// partners (the resolution limit), on the community's own edges it does
// not -- up to split_depth times; its parts are judged at the stricter bar
// (parts are chosen for density, so chance parts score above their whole).
// Returns a label per node, kNoCommunity for nodes in no network.
// Allocates per call; O(edges) per split level.
std::vector<uint32_t> SignificantCommunities(uint32_t n, const std::vector<WeightedEdge>& edges,
                                             const std::vector<double>& observed,
                                             const std::vector<double>& expected, const NetworkTest& test);

}  // namespace evenhand::behavior
