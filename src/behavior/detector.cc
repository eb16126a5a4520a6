#include "behavior/detector.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "behavior/community.h"
#include "behavior/hash.h"
#include "behavior/items.h"
#include "behavior/sketch.h"
#include "model/jsonl_reader.h"

namespace evenhand::behavior {

namespace {
constexpr int kMaxItems = 8;
constexpr uint64_t kTextSalt = 0x7e47000000000000ULL;

// The first `max` bytes of s, cut back to a UTF-8 boundary.
std::string Excerpt(std::string_view s, size_t max = 160) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}
}  // namespace

size_t BehaviorDetector::Hash::operator()(std::string_view s) const { return HashBytes(s); }

BehaviorDetector::BehaviorDetector(BehaviorOptions options)
    : options_(options), near_dup_(options.near_dup), graph_(options.coaction) {
  near_dup_.set_on_closed([this](const ClusterSummary& c) {
    closed_.push_back(c);
    size_t keep = options_.max_clusters_reported;
    if (closed_.size() > 4 * keep + 16) {
      std::nth_element(closed_.begin(), closed_.begin() + keep, closed_.end(),
                       [](const ClusterSummary& a, const ClusterSummary& b) { return a.size > b.size; });
      closed_.resize(keep);
    }
  });
  shingles_.reserve(256);
}

BehaviorDetector::~BehaviorDetector() = default;

uint32_t BehaviorDetector::AccountIndex(const Post& post) {
  auto it = account_index_.find(std::string_view(post.account));
  if (it != account_index_.end()) return it->second;
  uint32_t idx = static_cast<uint32_t>(accounts_.size());
  account_index_.emplace(post.account, idx);
  account_ids_.push_back(post.account);
  accounts_.emplace_back();
  if (post.account_ref != nullptr) accounts_.back().country = post.account_ref->country;
  return idx;
}

void BehaviorDetector::Add(const Post& post) {
  ++posts_;
  if (post.account.empty()) return;  // behaviour is per account
  uint32_t idx = AccountIndex(post);
  AccountState& acc = accounts_[idx];
  acc.cadence.Add(post.ts);

  uint64_t items[kMaxItems];
  ItemKind kinds[kMaxItems];
  int n = 0;
  normalizer_.NormalizeForMatch(post.text, &normalized_);
  size_t words = ShingleText(normalized_.text, &shingles_);
  if (words >= static_cast<size_t>(options_.min_tokens)) {
    MinHashSig sig;
    MinHash(shingles_, &sig);
    uint32_t size = 0;
    uint64_t cluster = near_dup_.Add(sig, SimHash(shingles_), post.ts, HashBytes(post.account),
                                     static_cast<uint64_t>(post.line), &size);
    acc.max_cluster = std::max(acc.max_cluster, size);
    ++clustered_;
    items[n] = Mix64(cluster ^ kTextSalt);
    kinds[n++] = ItemKind::kText;
  }
  std::string_view urls[3];
  int nu = FindUrls(post.text, urls, 3);
  for (int i = 0; i < nu; ++i) {
    items[n] = UrlKey(urls[i]);
    kinds[n++] = ItemKind::kUrl;
  }
  for (size_t i = 0; i < post.media.size() && n < kMaxItems; ++i) {
    items[n] = MediaKey(post.media[i].path);
    kinds[n++] = ItemKind::kMedia;
  }
  if (n > 0) graph_.Add(idx, post.ts, static_cast<uint64_t>(post.line), items, kinds, n);
}

BehaviorResult BehaviorDetector::Finish() {
  BehaviorResult r;
  near_dup_.Flush();
  r.posts = posts_;
  r.clustered_posts = clustered_;
  r.clusters_created = near_dup_.clusters_created();
  r.edges = graph_.edges();
  r.edges_pruned = graph_.pruned();
  std::sort(closed_.begin(), closed_.end(), [](const ClusterSummary& a, const ClusterSummary& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
  if (closed_.size() > options_.max_clusters_reported) closed_.resize(options_.max_clusters_reported);
  for (const ClusterSummary& c : closed_) r.clusters.push_back({c, "", ""});

  // The strong edges and their accounts, as a compact graph.
  std::vector<Edge> strong;
  graph_.ForEachEdge(options_.min_edge_weight, [&](const Edge& e) {
    double norm = std::sqrt(static_cast<double>(graph_.degree(e.a)) * static_cast<double>(graph_.degree(e.b)));
    if (e.weight >= options_.min_association * norm) strong.push_back(e);
  });
  std::sort(strong.begin(), strong.end(), [](const Edge& x, const Edge& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  std::unordered_map<uint32_t, uint32_t> node_of;
  std::vector<uint32_t> account_of;
  auto node = [&](uint32_t acc) {
    auto [it, fresh] = node_of.try_emplace(acc, static_cast<uint32_t>(account_of.size()));
    if (fresh) account_of.push_back(acc);
    return it->second;
  };
  std::vector<WeightedEdge> wedges;
  for (const Edge& e : strong) wedges.push_back({node(e.a), node(e.b), static_cast<double>(e.weight)});
  std::vector<uint32_t> comm = Louvain(static_cast<uint32_t>(account_of.size()), wedges);

  uint32_t n_comm = 0;
  for (uint32_t c : comm) n_comm = std::max(n_comm, c + 1);
  std::vector<std::vector<uint32_t>> members(n_comm);
  // The k-core of each community: drop members with too few internal links
  // (repeatedly), then the links they had.
  std::vector<uint32_t> links(account_of.size(), 0);
  std::vector<std::vector<uint32_t>> adj(account_of.size());
  for (const WeightedEdge& e : wedges)
    if (comm[e.a] == comm[e.b]) {
      links[e.a]++, links[e.b]++;
      adj[e.a].push_back(e.b);
      adj[e.b].push_back(e.a);
    }
  constexpr uint32_t kDropped = UINT32_MAX;
  std::vector<uint32_t> queue;
  for (uint32_t v = 0; v < comm.size(); ++v)
    if (links[v] < options_.min_links_per_account) queue.push_back(v);
  while (!queue.empty()) {
    uint32_t v = queue.back();
    queue.pop_back();
    if (comm[v] == kDropped) continue;
    comm[v] = kDropped;
    for (uint32_t other : adj[v])
      if (comm[other] != kDropped && --links[other] < options_.min_links_per_account) queue.push_back(other);
  }
  for (uint32_t v = 0; v < comm.size(); ++v)
    if (comm[v] != kDropped) members[comm[v]].push_back(v);
  std::vector<std::vector<const Edge*>> internal(n_comm);
  for (size_t i = 0; i < strong.size(); ++i) {
    uint32_t ca = comm[wedges[i].a], cb = comm[wedges[i].b];
    if (ca == cb && ca != kDropped) internal[ca].push_back(&strong[i]);
  }
  std::vector<double> strength(accounts_.size(), 0.0);
  std::vector<int> network_of_comm(n_comm, -1);
  for (uint32_t c = 0; c < n_comm; ++c) {
    if (members[c].size() < options_.min_network_size) continue;
    Network net;
    double n = static_cast<double>(members[c].size());
    net.links = static_cast<uint32_t>(internal[c].size());
    net.density = net.links / (n * (n - 1) / 2);
    net.first_ts = INT64_MAX;
    net.last_ts = INT64_MIN;
    for (const Edge* e : internal[c]) {
      net.co_actions += e->weight;
      net.first_ts = std::min(net.first_ts, e->first_ts);
      net.last_ts = std::max(net.last_ts, e->last_ts);
      strength[e->a] += e->weight;
      strength[e->b] += e->weight;
      for (int k = 0; k < 3; ++k)
        if (e->kinds & (1u << k)) net.kinds[ItemKindName(static_cast<ItemKind>(k))]++;
    }
    double mean_w = net.links > 0 ? static_cast<double>(net.co_actions) / net.links : 0;
    net.score = std::min(1.0, net.density) * (1.0 - std::exp(-mean_w / 4.0));
    for (uint32_t v : members[c]) {
      net.accounts.push_back(account_ids_[account_of[v]]);
      net.countries[accounts_[account_of[v]].country]++;
    }
    std::sort(net.accounts.begin(), net.accounts.end());
    std::vector<const Edge*> top = internal[c];
    std::sort(top.begin(), top.end(), [](const Edge* x, const Edge* y) { return x->weight > y->weight; });
    for (const Edge* e : top) {
      if (net.evidence.size() >= static_cast<size_t>(options_.evidence_per_network)) break;
      for (int s = 0; s < e->samples && net.evidence.size() < static_cast<size_t>(options_.evidence_per_network); ++s) {
        const CoActionSample& smp = e->sample[s];
        EvidenceSample ev;
        ev.kind = ItemKindName(smp.kind);
        ev.account_a = account_ids_[e->a];
        ev.account_b = account_ids_[e->b];
        ev.line_a = smp.ref_a;
        ev.line_b = smp.ref_b;
        ev.ts_a = smp.ts_a;
        ev.ts_b = smp.ts_b;
        ev.pair_weight = e->weight;
        net.evidence.push_back(std::move(ev));
      }
    }
    network_of_comm[c] = static_cast<int>(r.networks.size());
    r.networks.push_back(std::move(net));
  }
  // Order networks by score, then size; number them from 1.
  std::vector<int> order(r.networks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    const Network &a = r.networks[x], &b = r.networks[y];
    return a.score != b.score ? a.score > b.score : a.accounts.size() > b.accounts.size();
  });
  std::vector<int> rank(order.size());
  std::vector<Network> sorted;
  for (size_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = static_cast<int>(i);
    sorted.push_back(std::move(r.networks[order[i]]));
    sorted.back().id = static_cast<uint32_t>(i + 1);
  }
  r.networks = std::move(sorted);

  r.accounts.resize(accounts_.size());
  for (size_t i = 0; i < accounts_.size(); ++i) {
    AccountSignals& s = r.accounts[i];
    const AccountState& a = accounts_[i];
    s.id = account_ids_[i];
    s.posts = a.cadence.posts;
    s.rate_per_hour = a.cadence.RatePerHour();
    s.burstiness = a.cadence.Burstiness();
    s.regularity = a.cadence.Regularity();
    s.automation_score = a.cadence.AutomationScore();
    s.max_cluster_size = a.max_cluster;
  }
  for (uint32_t v = 0; v < comm.size(); ++v) {
    if (comm[v] == kDropped) continue;
    int net = network_of_comm[comm[v]];
    if (net < 0) continue;
    AccountSignals& s = r.accounts[account_of[v]];
    s.network = rank[net];
    s.network_size = static_cast<uint32_t>(r.networks[s.network].accounts.size());
    s.coordination_score = 1.0 - std::exp(-strength[account_of[v]] / 10.0);
  }
  return r;
}

Status BehaviorDetector::Resolve(const std::string& path, BehaviorResult* r) {
  if (path == "-") return Status::Invalid("evidence cannot be resolved from standard input");
  struct Want {
    EvidenceSample* ev;
    int side;  // 0 = a, 1 = b, 2 = cluster
    ClusterReport* cluster;
  };
  std::unordered_multimap<uint64_t, Want> want;
  for (Network& n : r->networks)
    for (EvidenceSample& e : n.evidence) {
      want.emplace(e.line_a, Want{&e, 0, nullptr});
      want.emplace(e.line_b, Want{&e, 1, nullptr});
    }
  for (ClusterReport& c : r->clusters) want.emplace(c.summary.first_ref, Want{nullptr, 2, &c});
  std::unordered_map<std::string, int> net_of;
  for (size_t i = 0; i < r->networks.size(); ++i) {
    Network& n = r->networks[i];
    int64_t span = std::max<int64_t>(0, n.last_ts - n.first_ts);
    n.bucket_seconds = std::max<int64_t>(60, (span + 47) / 48);
    for (const std::string& a : n.accounts) net_of.emplace(a, static_cast<int>(i));
  }
  std::vector<std::map<int64_t, uint32_t>> buckets(r->networks.size());

  auto reader = JsonlReader::Open(path);
  if (!reader.ok()) return reader.status();
  Post post;
  ReadError err;
  for (;;) {
    JsonlReader::Next next = (*reader)->NextPost(&post, &err);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) continue;
    if (auto it = net_of.find(post.account); it != net_of.end()) {
      const Network& n = r->networks[it->second];
      if (post.ts >= n.first_ts - n.bucket_seconds && post.ts <= n.last_ts + n.bucket_seconds)
        buckets[it->second][post.ts - ((post.ts % n.bucket_seconds) + n.bucket_seconds) % n.bucket_seconds]++;
    }
    auto [lo, hi] = want.equal_range(static_cast<uint64_t>(post.line));
    for (auto it = lo; it != hi; ++it) {
      Want& w = it->second;
      if (w.side == 2) {
        w.cluster->first_post = post.id;
        w.cluster->excerpt = Excerpt(post.text);
        continue;
      }
      (w.side == 0 ? w.ev->post_a : w.ev->post_b) = post.id;
      if (w.side == 1 && !w.ev->item.empty()) continue;
      if (w.ev->kind == ItemKindName(ItemKind::kUrl)) {
        std::string_view urls[1];
        if (FindUrls(post.text, urls, 1) == 1) w.ev->item = std::string(urls[0]);
      } else if (w.ev->kind == ItemKindName(ItemKind::kMedia)) {
        if (!post.media.empty()) w.ev->item = post.media[0].path;
      } else {
        w.ev->item = Excerpt(post.text);
      }
    }
  }
  for (size_t i = 0; i < r->networks.size(); ++i)
    r->networks[i].timeline.assign(buckets[i].begin(), buckets[i].end());
  return Status::Ok();
}

}  // namespace evenhand::behavior
