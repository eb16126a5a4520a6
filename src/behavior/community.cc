#include "behavior/community.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace evenhand::behavior {

namespace {

struct Graph {
  // Adjacency in CSR form; an undirected edge appears in both rows, a
  // self-loop once with twice its weight (so strength = row sum).
  std::vector<uint32_t> start, to;
  std::vector<double> w;
  uint32_t n() const { return static_cast<uint32_t>(start.size()) - 1; }
};

Graph Build(uint32_t n, const std::vector<std::pair<std::pair<uint32_t, uint32_t>, double>>& edges) {
  Graph g;
  std::vector<uint32_t> deg(n + 1, 0);
  for (const auto& [ab, w] : edges) {
    deg[ab.first]++;
    if (ab.first != ab.second) deg[ab.second]++;
  }
  g.start.assign(n + 1, 0);
  for (uint32_t i = 0; i < n; ++i) g.start[i + 1] = g.start[i] + deg[i];
  g.to.resize(g.start[n]);
  g.w.resize(g.start[n]);
  std::vector<uint32_t> fill(g.start.begin(), g.start.end() - 1);
  for (const auto& [ab, w] : edges) {
    auto [a, b] = ab;
    if (a == b) {
      g.to[fill[a]] = a;
      g.w[fill[a]++] = 2 * w;
    } else {
      g.to[fill[a]] = b;
      g.w[fill[a]++] = w;
      g.to[fill[b]] = a;
      g.w[fill[b]++] = w;
    }
  }
  return g;
}

// One level of local moving; returns true when some node moved.
bool LocalMoving(const Graph& g, std::vector<uint32_t>* comm) {
  const uint32_t n = g.n();
  std::vector<double> k(n, 0), tot(n, 0);
  double m2 = 0;
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t e = g.start[i]; e < g.start[i + 1]; ++e) k[i] += g.w[e];
    m2 += k[i];
    tot[(*comm)[i]] += k[i];
  }
  if (m2 <= 0) return false;
  std::vector<double> w_to(n, 0);
  std::vector<uint32_t> touched;
  bool any = false;
  for (int pass = 0; pass < 50; ++pass) {
    bool moved = false;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t old = (*comm)[i];
      touched.clear();
      for (uint32_t e = g.start[i]; e < g.start[i + 1]; ++e) {
        if (g.to[e] == i) continue;
        uint32_t c = (*comm)[g.to[e]];
        if (w_to[c] == 0) touched.push_back(c);
        w_to[c] += g.w[e];
      }
      tot[old] -= k[i];
      uint32_t best = old;
      double best_gain = w_to[old] - tot[old] * k[i] / m2;
      for (uint32_t c : touched) {
        double gain = w_to[c] - tot[c] * k[i] / m2;
        if (gain > best_gain + 1e-12) {
          best_gain = gain;
          best = c;
        }
      }
      tot[best] += k[i];
      (*comm)[i] = best;
      for (uint32_t c : touched) w_to[c] = 0;
      w_to[old] = 0;
      if (best != old) moved = any = true;
    }
    if (!moved) break;
  }
  return any;
}

std::vector<uint32_t> Dense(const std::vector<uint32_t>& labels) {
  std::unordered_map<uint32_t, uint32_t> ids;
  std::vector<uint32_t> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [it, fresh] = ids.try_emplace(labels[i], static_cast<uint32_t>(ids.size()));
    out[i] = it->second;
  }
  return out;
}

}  // namespace

std::vector<uint32_t> Louvain(uint32_t n, const std::vector<WeightedEdge>& edges) {
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, double>> level_edges;
  level_edges.reserve(edges.size());
  for (const WeightedEdge& e : edges)
    if (e.a < n && e.b < n && e.w > 0) level_edges.push_back({{e.a, e.b}, e.w});
  std::vector<uint32_t> node_comm(n);
  for (uint32_t i = 0; i < n; ++i) node_comm[i] = i;
  uint32_t level_n = n;
  for (int level = 0; level < 20; ++level) {
    Graph g = Build(level_n, level_edges);
    std::vector<uint32_t> comm(level_n);
    for (uint32_t i = 0; i < level_n; ++i) comm[i] = i;
    if (!LocalMoving(g, &comm)) break;
    comm = Dense(comm);
    for (uint32_t& c : node_comm) c = comm[c];
    // Aggregate: one node per community, edge weights summed.
    std::unordered_map<uint64_t, double> agg;
    for (const auto& [ab, w] : level_edges) {
      uint32_t ca = comm[ab.first], cb = comm[ab.second];
      if (ca > cb) std::swap(ca, cb);
      agg[(static_cast<uint64_t>(ca) << 32) | cb] += w;
    }
    level_edges.clear();
    for (const auto& [key, w] : agg)
      level_edges.push_back({{static_cast<uint32_t>(key >> 32), static_cast<uint32_t>(key)}, w});
    std::sort(level_edges.begin(), level_edges.end());
    uint32_t next_n = 0;
    for (uint32_t c : comm) next_n = std::max(next_n, c + 1);
    if (next_n == level_n) break;
    level_n = next_n;
  }
  return Dense(node_comm);
}

}  // namespace evenhand::behavior
