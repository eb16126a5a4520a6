#include "behavior/detector.h"

#include <algorithm>
#include <array>
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
    : options_(options),
      tag_normalizer_([] {
        NormalizerOptions o;
        o.leet = false;
        o.squeeze = false;
        return o;
      }()),
      near_dup_(options.near_dup),
      graph_(options.coaction) {
  if (options_.media_by_pdq) media_keys_ = std::make_unique<MediaKeys>(options_.media);
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
    // Short texts over common words meet by chance: they need to be closer.
    double min_sim = words >= static_cast<size_t>(options_.long_text_words) ? options_.near_dup.min_similarity
                                                                             : options_.short_text_similarity;
    uint64_t cluster = near_dup_.Add(sig, 0, post.ts, HashBytes(post.account),
                                     static_cast<uint64_t>(post.line), &size, min_sim);
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
  std::string_view tags[4];
  int nt = FindHashtags(post.text, tags, 4);
  for (int i = 0; i < nt && n < kMaxItems; ++i) {
    items[n] = FoldedHashtagKey(tags[i], tag_normalizer_, &tag_normalized_);
    kinds[n++] = ItemKind::kHashtag;
  }
  for (size_t i = 0; i < post.media.size() && n < kMaxItems; ++i) {
    items[n] = media_keys_ ? media_keys_->Key(post.media[i].path) : MediaKey(post.media[i].path);
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
  r.edges_pruned = graph_.pruned() + graph_.edges_pruned();
  r.repeat_edges_pruned = graph_.edges_pruned();
  r.edges_dropped = graph_.dropped();
  graph_.LearnFromLiveItems();
  // The near-duplicate index and the item table are done with: free them
  // before the pairs are judged (the largest allocations of Finish).
  near_dup_.Release();
  graph_.ReleaseItems();
  r.coordination_interval = graph_.learned_interval();
  r.interval_pairs = graph_.learned_pairs();
  if (media_keys_) {
    r.media_hashed = media_keys_->hashed();
    r.media_matched = media_keys_->matched();
    r.media_unreadable = media_keys_->unreadable();
    r.media_low_quality = media_keys_->low_quality();
  }
  std::sort(closed_.begin(), closed_.end(), [](const ClusterSummary& a, const ClusterSummary& b) {
    return a.size != b.size ? a.size > b.size : a.id < b.id;
  });
  if (closed_.size() > options_.max_clusters_reported) closed_.resize(options_.max_clusters_reported);
  for (const ClusterSummary& c : closed_) r.clusters.push_back({c, "", ""});

  // The strong edges and their accounts, as a compact graph. A pair is
  // linked at the scale where its co-actions are most surprising: enough of
  // them (min_edge_weight) and a fair share of both accounts' co-actions at
  // that scale (association = cosine of their co-action vectors).
  std::vector<Edge> strong;
  std::vector<double> strong_w;
  std::vector<uint8_t> strong_scale, strong_tight;
  double total2[kScales];
  for (int s = 0; s < kScales; ++s) total2[s] = 2 * std::max(1.0, graph_.total_co_actions(s));
  graph_.ForEachEdge([&](const Edge& e) {
    double best = 0, best_w = 0;
    int best_s = -1;
    const double m = e.LinkWeight();  // min_edge_weight counts meetings (links), not estimates
    for (int s = 0; s < kScales; ++s) {
      double w = e.Within(s);
      if (w / m < options_.min_edge_weight) continue;
      double da = graph_.degree(e.a, s), db = graph_.degree(e.b, s);
      if (w / std::sqrt(da * db) < options_.min_association) continue;
      // Chance (configuration model): d_a * d_b / 2T co-actions at this scale;
      // weights are estimates from sampled links (coaction.h, WeightedSurprise).
      double sig = e.Surprise(s, da * db / total2[s]);
      if (sig >= options_.min_significance && sig > best) best = sig, best_w = w, best_s = s;
    }
    if (best_s < 0) return;
    strong.push_back(e);
    strong_w.push_back(best_w);
    strong_scale.push_back(static_cast<uint8_t>(best_s));
    int tight = 0;  // the smallest scale holding (nearly) all of the pair's co-actions
    while (tight < kScales - 1 && e.Within(tight) < 0.9 * e.Within(kScales - 1)) ++tight;
    strong_tight.push_back(static_cast<uint8_t>(tight));
  });
  {
    std::vector<size_t> idx(strong.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
      return strong[x].a != strong[y].a ? strong[x].a < strong[y].a : strong[x].b < strong[y].b;
    });
    std::vector<Edge> s2;
    std::vector<double> w2;
    std::vector<uint8_t> c2, t2;
    for (size_t i : idx)
      s2.push_back(strong[i]), w2.push_back(strong_w[i]), c2.push_back(strong_scale[i]), t2.push_back(strong_tight[i]);
    strong.swap(s2);
    strong_w.swap(w2);
    strong_scale.swap(c2);
    strong_tight.swap(t2);
  }
  std::unordered_map<uint32_t, uint32_t> node_of;
  std::vector<uint32_t> account_of;
  auto node = [&](uint32_t acc) {
    auto [it, fresh] = node_of.try_emplace(acc, static_cast<uint32_t>(account_of.size()));
    if (fresh) account_of.push_back(acc);
    return it->second;
  };
  std::vector<WeightedEdge> wedges;
  for (size_t i = 0; i < strong.size(); ++i) wedges.push_back({node(strong[i].a), node(strong[i].b), strong_w[i]});
  NetworkTest test;
  test.min_size = options_.min_network_size;
  test.min_links = options_.min_links_per_account;
  test.min_significance = options_.min_network_significance;
  test.split_factor = options_.split_significance_factor;
  test.min_split_part = options_.min_split_part_size;
  std::vector<double> pair_obs(strong.size()), pair_exp(strong.size());
  for (size_t i = 0; i < strong.size(); ++i) {
    int s = strong_scale[i];
    // In links, not weights (coaction.h, WeightedSurprise): the clique test judges them one by one.
    double m = strong[i].LinkWeight();
    pair_obs[i] = strong[i].Within(s) / m;
    pair_exp[i] = graph_.degree(strong[i].a, s) * graph_.degree(strong[i].b, s) / total2[s] / m;
  }
  std::vector<uint32_t> comm =
      SignificantCommunities(static_cast<uint32_t>(account_of.size()), wedges, pair_obs, pair_exp, test);
  constexpr uint32_t kDropped = kNoCommunity;

  uint32_t n_comm = 0;
  for (uint32_t c : comm)
    if (c != kDropped) n_comm = std::max(n_comm, c + 1);
  std::vector<std::vector<uint32_t>> members(n_comm);
  for (uint32_t v = 0; v < comm.size(); ++v)
    if (comm[v] != kDropped) members[comm[v]].push_back(v);
  std::vector<std::vector<const Edge*>> internal(n_comm);
  std::vector<double> observed(n_comm, 0), expected(n_comm, 0);
  std::vector<std::array<uint32_t, kScales>> scale_links(n_comm, std::array<uint32_t, kScales>{});
  double total[kScales];
  for (int s = 0; s < kScales; ++s) total[s] = std::max(1.0, graph_.total_co_actions(s));
  for (size_t i = 0; i < strong.size(); ++i) {
    uint32_t ca = comm[wedges[i].a], cb = comm[wedges[i].b];
    if (ca != cb || ca == kDropped) continue;
    const Edge& e = strong[i];
    int s = strong_scale[i];
    internal[ca].push_back(&e);
    scale_links[ca][strong_tight[i]]++;
    // Chance (configuration model at the pair's scale): d_a * d_b / 2T co-actions.
    observed[ca] += e.Within(s);
    expected[ca] += graph_.degree(e.a, s) * graph_.degree(e.b, s) / (2 * total[s]);
  }
  // Attachment: an account outside every community whose co-actions go
  // mostly to one community (a member who joined one wave of a few-wave
  // campaign: many partners, once each) joins it.
  std::vector<std::vector<uint32_t>> attached(n_comm);
  {
    std::unordered_map<uint32_t, uint32_t> comm_of;
    for (uint32_t v = 0; v < comm.size(); ++v)
      if (comm[v] != kDropped && members[comm[v]].size() >= options_.min_network_size) comm_of[account_of[v]] = comm[v];
    struct Tie {
      double w = 0;
      uint32_t partners = 0;
    };
    std::unordered_map<uint64_t, Tie> ties;  // account << 32 | community
    graph_.ForEachEdge([&](const Edge& e) {
      auto ia = comm_of.find(e.a), ib = comm_of.find(e.b);
      bool in_a = ia != comm_of.end(), in_b = ib != comm_of.end();
      if (in_a == in_b) return;
      uint32_t x = in_a ? e.b : e.a, c = in_a ? ia->second : ib->second;
      Tie& t = ties[(static_cast<uint64_t>(x) << 32) | c];
      t.w += e.Within(kScales - 1);
      t.partners++;
    });
    std::unordered_map<uint32_t, std::pair<uint32_t, Tie>> best;  // account -> community, tie
    for (const auto& [key, t] : ties) {
      uint32_t x = static_cast<uint32_t>(key >> 32), c = static_cast<uint32_t>(key);
      auto [it, fresh] = best.try_emplace(x, c, t);
      if (!fresh && t.w > it->second.second.w) it->second = {c, t};
    }
    for (const auto& [x, ct] : best) {
      const auto& [c, t] = ct;
      double need = std::max(options_.min_edge_weight, options_.attach_min_fraction * members[c].size());
      if (t.partners >= options_.min_links_per_account && t.w >= need &&
          t.w >= options_.attach_share * graph_.degree(x, kScales - 1))
        attached[c].push_back(x);
    }
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
      net.co_actions += static_cast<uint64_t>(std::llround(e->Within(kScales - 1)));
      net.first_ts = std::min(net.first_ts, e->first_ts);
      net.last_ts = std::max(net.last_ts, e->last_ts);
      strength[e->a] += e->Within(kScales - 1);
      strength[e->b] += e->Within(kScales - 1);
      for (int k = 0; k < kItemKinds; ++k)
        if (e->kinds & (1u << k)) net.kinds[ItemKindName(static_cast<ItemKind>(k))]++;
    }
    net.significance = expected[c] > 0 ? observed[c] / expected[c] : 0;
    int best_s = 0;
    for (int s = 1; s < kScales; ++s)
      if (scale_links[c][s] > scale_links[c][best_s]) best_s = s;
    net.interval_seconds = graph_.scale(best_s);
    double mean_w = net.links > 0 ? static_cast<double>(net.co_actions) / net.links : 0;
    net.score = std::min(1.0, net.density) * (1.0 - std::exp(-mean_w / 4.0));
    for (uint32_t v : members[c]) {
      net.accounts.push_back(account_ids_[account_of[v]]);
      net.countries[accounts_[account_of[v]].country]++;
    }
    for (uint32_t x : attached[c]) {
      net.accounts.push_back(account_ids_[x]);
      net.countries[accounts_[x].country]++;
    }
    net.attached = static_cast<uint32_t>(attached[c].size());
    std::sort(net.accounts.begin(), net.accounts.end());
    std::vector<const Edge*> top = internal[c];
    std::sort(top.begin(), top.end(), [](const Edge* x, const Edge* y) { return x->Within(kScales - 1) > y->Within(kScales - 1); });
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
        ev.pair_weight = static_cast<uint32_t>(std::llround(e->Within(kScales - 1)));
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
  for (uint32_t c = 0; c < n_comm; ++c) {
    int net = network_of_comm[c];
    if (net < 0) continue;
    for (uint32_t x : attached[c]) {
      AccountSignals& s = r.accounts[x];
      s.network = rank[net];
      s.network_size = static_cast<uint32_t>(r.networks[s.network].accounts.size());
      s.coordination_score = 1.0 - std::exp(-graph_.degree(x, kScales - 1) / 10.0);
    }
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
  (*reader)->set_keep_logins(false);  // behaviour reads posts only
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
      if (w.ev->kind == ItemKindName(ItemKind::kHashtag)) {
        // The tags the two posts share: the first side read lists its own,
        // the second keeps those it also has.
        std::string_view tags[8];
        int nt = FindHashtags(post.text, tags, 8);
        std::string mine;
        for (int t = 0; t < nt; ++t) {
          std::string tag = "#" + std::string(tags[t]);
          for (char& c : tag)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          if (w.ev->item.empty() || (" " + w.ev->item + " ").find(" " + tag + " ") != std::string::npos)
            mine += (mine.empty() ? "" : " ") + tag;
        }
        w.ev->item = mine;
        continue;
      }
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
