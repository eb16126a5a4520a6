#include "behavior/coaction.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "behavior/hash.h"

namespace evenhand::behavior {

namespace {
constexpr int kItemProbes = 16;
constexpr int kMaxPartners = 128;

int DelayBucket(int64_t dt) {
  int b = dt <= 0 ? 0 : std::bit_width(static_cast<uint64_t>(dt));
  return std::min(b, CoActionGraph::kDelayBuckets - 1);
}
}  // namespace

double PoissonSurprise(double k, double lambda) {
  if (k <= 0) return 0;
  if (lambda <= 0) return 300;
  // Upper tail from its first term: term(k) = exp(-lambda) lambda^k / k!.
  double log_term = -lambda + k * std::log(lambda) - std::lgamma(k + 1);
  double sum = 1, t = 1;
  for (int j = 1; j < 200; ++j) {
    t *= lambda / (k + j);
    sum += t;
    if (t < 1e-12 * sum) break;
  }
  double log10p = (log_term + std::log(sum)) / std::log(10.0);
  return std::clamp(-log10p, 0.0, 300.0);
}

double WeightedSurprise(double w, double total, double links, double lambda) {
  double m = links > 0 ? std::max(1.0, total / links) : 1.0;
  return PoissonSurprise(w / m, lambda / m);
}

const char* ItemKindName(ItemKind k) {
  switch (k) {
    case ItemKind::kText: return "near_duplicate_text";
    case ItemKind::kUrl: return "same_url";
    case ItemKind::kMedia: return "same_media";
    case ItemKind::kHashtag: return "same_hashtag";
  }
  return "?";
}

CoActionGraph::CoActionGraph(CoActionOptions options) : options_(options) {
  uint64_t ni = std::bit_ceil(static_cast<uint64_t>(std::max<uint32_t>(options_.item_capacity, 64)));
  items_.resize(ni);
  item_mask_ = ni - 1;
  uint64_t ne = std::bit_ceil(static_cast<uint64_t>(std::max<uint32_t>(options_.max_edges, 64)));
  edges_.resize(ne);
  edge_mask_ = ne - 1;
  uint64_t ns = std::bit_ceil(static_cast<uint64_t>(std::max<uint32_t>(options_.max_single_edges, 64)));
  singles_.resize(ns);
  single_mask_ = ns - 1;
  partners_.reserve(kMaxPartners);
  learned_ = options_.scales[kLadder - 1];
}

void CoActionGraph::Learn(const ItemSlot& item) {
  if (!options_.learn_interval || item.count < 3 || item.count > options_.few_actions || item.filled < 2) return;
  double t2 = 2 * total_co_actions(kScales - 1);
  if (t2 <= 0) return;
  for (uint32_t i = 0; i < item.filled; ++i)
    for (uint32_t j = i + 1; j < item.filled; ++j) {
      const Action &x = item.sample[i], &y = item.sample[j];
      if (x.account == y.account) continue;
      uint32_t a = std::min(x.account, y.account), b = std::max(x.account, y.account);
      const Edge* e = FindEdge(a, b, false);  // pairs seen twice or more
      if (e == nullptr) continue;
      double chance = degree(a, kScales - 1) * degree(b, kScales - 1) / t2;
      if (e->Surprise(kScales - 1, chance) < options_.learn_significance) continue;
      learn_hist_[DelayBucket(x.ts > y.ts ? x.ts - y.ts : y.ts - x.ts)] += 1;
      ++learn_pairs_;
    }
  if (learn_pairs_ < next_estimate_) return;
  next_estimate_ = learn_pairs_ + learn_pairs_ / 8 + 16;
  Estimate();
}

void CoActionGraph::Estimate() {
  if (learn_pairs_ < options_.learn_min_pairs) return;
  double total = 0;
  for (double h : learn_hist_) total += h;
  double acc = 0;
  int k = 0;
  for (; k < kDelayBuckets - 1; ++k) {
    acc += learn_hist_[k];
    if (acc >= options_.learn_quantile * total) break;
  }
  int64_t upper = k == 0 ? 1 : int64_t{1} << k;  // the bucket's upper edge
  learned_ = std::clamp(upper, options_.scales[kLadder - 1], std::max(options_.max_interval, options_.scales[kLadder - 1]));
}

void CoActionGraph::LearnFromLiveItems() {
  next_estimate_ = UINT64_MAX;  // one estimate at the end
  for (const ItemSlot& s : items_)
    if (s.last_ts != INT64_MIN) Learn(s);
  Estimate();
}

void CoActionGraph::ReleaseItems() {
  std::vector<ItemSlot>().swap(items_);
  item_mask_ = 0;
}

double CoActionGraph::degree(uint32_t account, int s) const {
  if (static_cast<size_t>(account) * kScales >= degree_.size()) return 0;
  double t = 0;
  for (int i = 0; i <= s; ++i) t += degree_[static_cast<size_t>(account) * kScales + i];
  return t;
}

double CoActionGraph::total_co_actions(int s) const {
  double t = 0;
  for (int i = 0; i <= s; ++i) t += total_[i];
  return t;
}

float CoActionGraph::Recent(const ItemSlot& s, int64_t ts) const {
  if (options_.recent_seconds <= 0) return static_cast<float>(s.count);  // every action alike
  if (s.filled == 0 || ts <= s.last_ts) return s.recent;
  return s.recent * std::exp(-static_cast<float>(ts - s.last_ts) / static_cast<float>(options_.recent_seconds));
}

CoActionGraph::ItemSlot* CoActionGraph::FindItem(uint64_t key, int64_t ts) {
  const int64_t life = Life();
  uint64_t h = Mix64(key) & item_mask_;
  ItemSlot* stale = nullptr;
  ItemSlot* oldest = &items_[h];
  for (int p = 0; p < kItemProbes; ++p) {
    ItemSlot& s = items_[(h + p) & item_mask_];
    bool expired = s.last_ts == INT64_MIN || s.last_ts + life < ts;
    if (s.key == key && !expired) return &s;
    if (expired && stale == nullptr) stale = &s;
    if (s.last_ts < oldest->last_ts) oldest = &s;
  }
  ItemSlot* s = stale != nullptr ? stale : oldest;  // under pressure the oldest item is forgotten
  if (s->last_ts != INT64_MIN) Learn(*s);
  s->key = key;
  s->last_ts = ts;
  s->count = 0;
  s->filled = 0;
  s->recent = 0;
  return s;
}

Edge* CoActionGraph::FindEdge(uint32_t a, uint32_t b, bool create) {
  uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  for (uint64_t i = Mix64(key) & edge_mask_;; i = (i + 1) & edge_mask_) {
    Edge& e = edges_[i];
    if (e.count == 0) {
      if (!create) return nullptr;
      e.a = a;
      e.b = b;
      ++edge_count_;
      return &e;
    }
    if (e.a == a && e.b == b) return &e;
  }
}

double CoActionGraph::Chance(uint32_t a, uint32_t b, int scale) const {
  double t = total_co_actions(scale);
  return t > 0 ? degree(a, scale) * degree(b, scale) / t : 0;
}

uint64_t CoActionGraph::SingleSlot(uint32_t a, uint32_t b) const {
  uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  for (uint64_t i = Mix64(key ^ 0x51ULL) & single_mask_;; i = (i + 1) & single_mask_) {
    const Single& x = singles_[i];
    if (x.empty() || (x.a == a && x.b == b)) return i;
  }
}

void CoActionGraph::EraseSingle(uint64_t slot) {
  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  uint64_t hole = slot;
  for (uint64_t i = (slot + 1) & single_mask_;; i = (i + 1) & single_mask_) {
    Single& x = singles_[i];
    if (x.empty()) break;
    uint64_t home = Mix64(((static_cast<uint64_t>(x.a) << 32) | x.b) ^ 0x51ULL) & single_mask_;
    // x may move into the hole when its home is not cyclically in (hole, i].
    bool between = hole < i ? (home > hole && home <= i) : (home > hole || home <= i);
    if (!between) {
      singles_[hole] = x;
      hole = i;
    }
  }
  singles_[hole] = Single{};
  --single_count_;
}

Edge CoActionGraph::AsEdge(const Single& x) const {
  Edge e;
  e.a = x.a;
  e.b = x.b;
  e.count = 1;
  e.kinds = static_cast<uint8_t>(1u << x.kind);
  e.w[x.scale] = x.w;
  e.first_ts = base_ts_ + std::min(x.ts_a, x.ts_b);
  e.last_ts = base_ts_ + std::max(x.ts_a, x.ts_b);
  e.samples = 1;
  e.sample[0] = {x.ref_a, x.ref_b, base_ts_ + x.ts_a, base_ts_ + x.ts_b, static_cast<ItemKind>(x.kind)};
  return e;
}

void CoActionGraph::Prune(int64_t now) {
  // Pairs seen once and not for prune_age are the candidates; the least
  // surprising of them -- between the most active accounts, whose chance
  // meetings are most expected -- go first, until the single table is at
  // most half full. Recent ones stay (pairs seen twice are in the edge table).
  std::vector<Single> kept;
  std::vector<std::pair<double, uint64_t>> old;  // chance key, index into singles_
  for (uint64_t i = 0; i < singles_.size(); ++i) {
    const Single& x = singles_[i];
    if (x.empty()) continue;
    if (base_ts_ + std::max(x.ts_a, x.ts_b) + options_.prune_age >= now) kept.push_back(x);
    else old.push_back({Chance(x.a, x.b, x.scale), i});
  }
  size_t room = singles_.size() / 2 > kept.size() ? singles_.size() / 2 - kept.size() : 0;
  if (old.size() > room) {
    std::nth_element(old.begin(), old.begin() + static_cast<long>(room), old.end());
    old.resize(room);
  }
  for (const auto& [key, i] : old) kept.push_back(singles_[i]);
  pruned_ += single_count_ - kept.size();
  std::fill(singles_.begin(), singles_.end(), Single{});
  single_count_ = kept.size();
  for (const Single& k : kept) singles_[SingleSlot(k.a, k.b)] = k;
}

void CoActionGraph::PruneEdges() {
  // Pairs seen more than once carry evidence whatever their age: those
  // least above chance (co-actions over the configuration model's mean at
  // the widest scale) go first, until the table is at most half full. Pairs
  // of heavy posters sit near 1 (they go, and come back when they meet
  // again); coordinated pairs are orders of magnitude above it.
  const uint64_t target = edges_.size() / 2;
  if (edge_count_ <= target) return;
  std::vector<std::pair<float, uint64_t>> old;  // ratio to chance, index
  for (uint64_t i = 0; i < edges_.size(); ++i) {
    const Edge& e = edges_[i];
    if (e.count == 0) continue;
    double chance = std::max(Chance(e.a, e.b, kScales - 1), 1e-12);
    old.push_back({static_cast<float>(e.Within(kScales - 1) / chance), i});
  }
  size_t drop = std::min<uint64_t>(old.size(), edge_count_ - target);
  if (drop == 0) return;
  std::nth_element(old.begin(), old.begin() + static_cast<long>(drop - 1), old.end());
  uint64_t start = 0;  // an empty slot before any hole is made: no probe chain crosses it
  while (edges_[start].count != 0) ++start;
  for (size_t k = 0; k < drop; ++k) edges_[old[k].second] = Edge{};
  edge_count_ -= drop;
  edges_pruned_ += drop;
  // Re-insert every entry after the holes, in probe order from `start`:
  // each lands at its home or the first empty slot after it.
  for (uint64_t k = 1; k < edges_.size(); ++k) {
    uint64_t i = (start + k) & edge_mask_;
    if (edges_[i].count == 0) continue;
    Edge moved = edges_[i];
    edges_[i] = Edge{};
    --edge_count_;
    *FindEdge(moved.a, moved.b, true) = moved;
  }
}

void CoActionGraph::Add(uint32_t account, int64_t ts, uint64_t ref, const uint64_t* items, const ItemKind* kinds,
                        int n_items) {
  const int64_t life = Life();
  partners_.clear();
  bool repost[kMaxItemsPerPost] = {};
  float recent[kMaxItemsPerPost] = {};
  n_items = std::min(n_items, kMaxItemsPerPost);
  for (int i = 0; i < n_items; ++i) {
    ItemSlot* s = FindItem(items[i], ts);
    recent[i] = Recent(*s, ts);
    if (s->filled == 0) continue;
    if (options_.repost_seconds > 0) {
      for (uint32_t r = 0; r < s->filled && !repost[i]; ++r) {
        const Action& act = s->sample[r];
        repost[i] = act.account == account && (act.ts > ts ? act.ts - ts : ts - act.ts) <= options_.repost_seconds;
      }
      if (repost[i]) continue;  // this account is already here: its partners met it
    }
    if (kinds[i] == ItemKind::kHashtag && recent[i] > options_.max_hashtag_actions) continue;  // trending
    // Hashtags: each sampled co-action weighs 1, not n / sampled (see coaction.h).
    float w = kinds[i] == ItemKind::kHashtag ? 1.0f : std::max(1.0f, recent[i] / static_cast<float>(s->filled));
    for (uint32_t r = 0; r < s->filled; ++r) {
      const Action& act = s->sample[r];
      if (act.account == account) continue;
      int64_t dt = act.ts > ts ? act.ts - ts : ts - act.ts;
      if (dt > life) continue;
      Partner* seen = nullptr;
      for (Partner& p : partners_)
        if (p.account == act.account) seen = &p;
      if (seen != nullptr) {  // the same partner on another item of this post: one co-action, the closest
        int64_t old = seen->action.ts > ts ? seen->action.ts - ts : ts - seen->action.ts;
        if (dt < old) seen->action = act, seen->kind = kinds[i];
        seen->weight = std::max(seen->weight, w);
      } else if (partners_.size() < kMaxPartners) {
        partners_.push_back({act.account, act, kinds[i], w});
      }
    }
  }
  // Edges first, then record the action.
  if (base_ts_ == INT64_MIN) base_ts_ = ts;
  if (!partners_.empty() && (single_count_ + partners_.size()) * 4 > singles_.size() * 3 &&
      single_count_ >= prune_floor_) {
    Prune(ts);
    prune_floor_ = single_count_ + singles_.size() / 16;  // no pruning again before it can pay off
  }
  if (!partners_.empty() && (edge_count_ + partners_.size()) * 4 > edges_.size() * 3 &&
      edge_count_ >= edge_prune_floor_) {
    PruneEdges();
    edge_prune_floor_ = edge_count_ + edges_.size() / 16;
  }
  uint32_t top = account;
  for (const Partner& p : partners_) top = std::max(top, p.account);
  if (static_cast<size_t>(top) * kScales >= degree_.size())
    degree_.resize(std::max<size_t>((static_cast<size_t>(top) + 1) * kScales, degree_.size() * 2), 0.0f);
  for (const Partner& p : partners_) {
    int64_t dt = p.action.ts > ts ? p.action.ts - ts : ts - p.action.ts;
    int sc = 0;
    while (sc < kScales - 1 && dt > scale(sc)) ++sc;
    degree_[static_cast<size_t>(account) * kScales + sc] += p.weight;
    degree_[static_cast<size_t>(p.account) * kScales + sc] += p.weight;
    total_[sc] += p.weight;
    bool swap = p.account > account;  // a < b
    uint32_t a = swap ? account : p.account, b = swap ? p.account : account;
    uint64_t ref_a = swap ? ref : p.action.ref, ref_b = swap ? p.action.ref : ref;
    int64_t ts_a = swap ? ts : p.action.ts, ts_b = swap ? p.action.ts : ts;
    Edge* e = FindEdge(a, b, false);
    if (e == nullptr) {
      uint64_t slot = SingleSlot(a, b);
      if (singles_[slot].empty()) {  // first co-action: a single
        if (single_count_ * 8 >= singles_.size() * 7) {
          ++dropped_;
          continue;
        }
        Single& x = singles_[slot];
        x.a = a;
        x.b = b;
        x.w = p.weight;
        x.ref_a = static_cast<uint32_t>(ref_a);
        x.ref_b = static_cast<uint32_t>(ref_b);
        x.ts_a = static_cast<int32_t>(ts_a - base_ts_);
        x.ts_b = static_cast<int32_t>(ts_b - base_ts_);
        x.scale = static_cast<uint8_t>(sc);
        x.kind = static_cast<uint8_t>(p.kind);
        ++single_count_;
        continue;
      }
      // Second co-action: the pair moves to the edge table with its first sample.
      if (edge_count_ * 8 >= edges_.size() * 7) {
        ++dropped_;
        continue;
      }
      Edge moved = AsEdge(singles_[slot]);
      EraseSingle(slot);
      e = FindEdge(a, b, true);
      *e = moved;
    }
    e->count++;
    e->w[sc] += p.weight;
    e->first_ts = std::min(e->first_ts, std::min(ts, p.action.ts));
    e->last_ts = std::max(e->last_ts, std::max(ts, p.action.ts));
    e->kinds |= static_cast<uint8_t>(1u << static_cast<int>(p.kind));
    if (e->samples < Edge::kSamples) {
      CoActionSample& smp = e->sample[e->samples++];
      smp.kind = p.kind;
      smp.ref_a = ref_a;
      smp.ts_a = ts_a;
      smp.ref_b = ref_b;
      smp.ts_b = ts_b;
    }
  }
  for (int i = 0; i < n_items; ++i) {
    if (repost[i]) continue;
    ItemSlot* s = FindItem(items[i], ts);
    // Reservoir sampling (algorithm R) over the recent actions: a new action
    // replaces a sampled one with probability kReservoir / (recent + 1).
    uint32_t at = s->filled;
    if (s->filled >= kReservoir) {
      rng_ = Mix64(rng_ + ref);
      uint64_t j = rng_ % std::max<uint64_t>(static_cast<uint64_t>(recent[i]) + 1, kReservoir);
      at = j < kReservoir ? static_cast<uint32_t>(j) : UINT32_MAX;
    } else {
      ++s->filled;
    }
    if (at != UINT32_MAX) s->sample[at] = Action{account, static_cast<uint32_t>(ref), ts};
    ++s->count;
    s->recent = recent[i] + 1;
    if (ts > s->last_ts) s->last_ts = ts;
  }
}

void CoActionGraph::ForEachEdge(const std::function<void(const Edge&)>& fn) const {
  for (const Edge& e : edges_)
    if (e.count != 0) fn(e);
  for (const Single& x : singles_)
    if (!x.empty()) fn(AsEdge(x));
}

}  // namespace evenhand::behavior
