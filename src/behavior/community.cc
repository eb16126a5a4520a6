#include "behavior/community.h"

#include "behavior/coaction.h"

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

namespace {

// The k-core of each community: members with fewer than k internal links
// are dropped (repeatedly), then the links they had.
void KCore(const std::vector<WeightedEdge>& edges, uint32_t k, std::vector<uint32_t>* labels) {
  std::vector<uint32_t>& cm = *labels;
  std::vector<uint32_t> links(cm.size(), 0);
  std::vector<std::vector<uint32_t>> adj(cm.size());
  for (const WeightedEdge& e : edges)
    if (e.a < cm.size() && e.b < cm.size() && cm[e.a] == cm[e.b] && cm[e.a] != kNoCommunity) {
      links[e.a]++, links[e.b]++;
      adj[e.a].push_back(e.b);
      adj[e.b].push_back(e.a);
    }
  std::vector<uint32_t> queue;
  for (uint32_t v = 0; v < cm.size(); ++v)
    if (cm[v] != kNoCommunity && links[v] < k) queue.push_back(v);
  while (!queue.empty()) {
    uint32_t v = queue.back();
    queue.pop_back();
    if (cm[v] == kNoCommunity) continue;
    cm[v] = kNoCommunity;
    for (uint32_t other : adj[v])
      if (cm[other] != kNoCommunity && --links[other] < k) queue.push_back(other);
  }
}

}  // namespace

std::vector<uint32_t> SignificantCommunities(uint32_t n, const std::vector<WeightedEdge>& edges,
                                             const std::vector<double>& observed,
                                             const std::vector<double>& expected, const NetworkTest& test) {
  std::vector<uint32_t> comm = Louvain(n, edges);
  KCore(edges, test.min_links, &comm);
  std::vector<char> split_part;  // by label: a part of a split community
  auto bar = [&](uint32_t c) {
    bool part = c < split_part.size() && split_part[c];
    return test.min_significance * (part ? test.split_factor : 1.0);
  };
  std::vector<double> obs, exp, weakest;
  std::vector<uint32_t> size, links;
  auto tally = [&]() {
    uint32_t labels = 0;
    for (uint32_t c : comm)
      if (c != kNoCommunity) labels = std::max(labels, c + 1);
    obs.assign(labels, 0);
    exp.assign(labels, 0);
    size.assign(labels, 0);
    links.assign(labels, 0);
    weakest.assign(labels, 300);
    for (uint32_t c : comm)
      if (c != kNoCommunity) size[c]++;
    for (size_t i = 0; i < edges.size(); ++i) {
      if (edges[i].a >= n || edges[i].b >= n) continue;
      uint32_t c = comm[edges[i].a];
      if (c == kNoCommunity || c != comm[edges[i].b]) continue;
      double o = i < observed.size() ? observed[i] : 0, x = i < expected.size() ? expected[i] : 0;
      obs[c] += o;
      exp[c] += x;
      links[c]++;
      weakest[c] = std::min(weakest[c], PoissonSurprise(o, x));
    }
    return labels;
  };
  auto passes = [&](uint32_t c) {
    bool part = c < split_part.size() && split_part[c];
    if (size[c] < test.min_size) return false;
    if (part && size[c] < test.min_split_part) {  // a small part: only a clique of strong links
      uint64_t k = size[c];
      if (test.min_clique_link_significance <= 0 || links[c] < k * (k - 1) / 2 ||
          weakest[c] < test.min_clique_link_significance)
        return false;
    }
    return exp[c] <= 0 || obs[c] >= bar(c) * exp[c];
  };
  for (int depth = 0; depth < test.split_depth; ++depth) {
    uint32_t labels = tally();
    std::vector<char> split(labels, 0);
    bool any = false;
    for (uint32_t c = 0; c < labels; ++c)
      if (size[c] >= 2 * test.min_size && !passes(c)) split[c] = 1, any = true;
    if (!any) break;
    // The local graph of each community to split, one Louvain each.
    std::vector<uint32_t> local(comm.size(), 0), count(labels, 0);
    for (uint32_t v = 0; v < comm.size(); ++v)
      if (comm[v] != kNoCommunity && split[comm[v]]) local[v] = count[comm[v]]++;
    std::vector<std::vector<WeightedEdge>> sub(labels);
    for (const WeightedEdge& e : edges) {
      if (e.a >= n || e.b >= n) continue;
      uint32_t c = comm[e.a];
      if (c != kNoCommunity && c == comm[e.b] && split[c]) sub[c].push_back({local[e.a], local[e.b], e.w});
    }
    uint32_t next = labels;
    std::vector<uint32_t> base(labels, 0);
    std::vector<std::vector<uint32_t>> parts(labels);
    for (uint32_t c = 0; c < labels; ++c) {
      if (!split[c]) continue;
      parts[c] = Louvain(count[c], sub[c]);
      base[c] = next;
      uint32_t k = 0;
      for (uint32_t x : parts[c]) k = std::max(k, x + 1);
      next += k;
    }
    split_part.resize(labels, 0);  // labels before this split keep their flag
    split_part.resize(next, 1);
    for (uint32_t v = 0; v < comm.size(); ++v)
      if (comm[v] != kNoCommunity && split[comm[v]]) comm[v] = base[comm[v]] + parts[comm[v]][local[v]];
    KCore(edges, test.min_links, &comm);
  }
  uint32_t labels = tally();
  std::vector<uint32_t> dense(labels, kNoCommunity);
  uint32_t next = 0;
  for (uint32_t& c : comm) {
    if (c == kNoCommunity) continue;
    if (!passes(c)) {
      c = kNoCommunity;
      continue;
    }
    if (dense[c] == kNoCommunity) dense[c] = next++;
    c = dense[c];
  }
  return comm;
}

}  // namespace evenhand::behavior
