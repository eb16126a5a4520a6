#include "behavior/coaction.h"

#include <algorithm>
#include <bit>

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
  partners_.reserve(kMaxPartners);
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

CoActionGraph::ItemSlot* CoActionGraph::FindItem(uint64_t key, int64_t ts) {
  const int64_t life = options_.scales[kScales - 1];
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
  s->key = key;
  s->last_ts = ts;
  s->count = 0;
  s->filled = 0;
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

double CoActionGraph::Chance(const Edge& e) const {
  int s = 0;
  while (s < kScales - 1 && e.w[s] == 0) ++s;
  double t = total_co_actions(s);
  return t > 0 ? degree(e.a, s) * degree(e.b, s) / t : 0;
}

void CoActionGraph::Prune(int64_t now) {
  // Single co-action pairs not seen for prune_age are the candidates; the
  // least surprising of them -- between the most active accounts, whose
  // chance meetings are most expected -- go first, until the table is at
  // most half full. Pairs seen more than once, and recent ones, stay.
  std::vector<Edge> kept;
  std::vector<std::pair<double, uint32_t>> old;  // chance key, index into edges_
  for (uint32_t i = 0; i < edges_.size(); ++i) {
    const Edge& e = edges_[i];
    if (e.count == 0) continue;
    if (e.count > 1 || e.last_ts + options_.prune_age >= now) kept.push_back(e);
    else old.push_back({Chance(e), i});
  }
  size_t room = edges_.size() / 2 > kept.size() ? edges_.size() / 2 - kept.size() : 0;
  if (old.size() > room) {
    std::nth_element(old.begin(), old.begin() + static_cast<long>(room), old.end());
    old.resize(room);
  }
  for (const auto& [key, i] : old) kept.push_back(edges_[i]);
  pruned_ += edge_count_ - kept.size();
  for (Edge& e : edges_) e = Edge{};
  edge_count_ = 0;
  for (const Edge& k : kept) *FindEdge(k.a, k.b, true) = k;
}

void CoActionGraph::Add(uint32_t account, int64_t ts, uint64_t ref, const uint64_t* items, const ItemKind* kinds,
                        int n_items) {
  const int64_t life = options_.scales[kScales - 1];
  partners_.clear();
  for (int i = 0; i < n_items; ++i) {
    ItemSlot* s = FindItem(items[i], ts);
    if (s->filled == 0) continue;
    if (kinds[i] == ItemKind::kHashtag && s->count > options_.max_hashtag_actions) continue;  // trending
    // Hashtags: each sampled co-action weighs 1, not n / sampled (see coaction.h).
    float w = kinds[i] == ItemKind::kHashtag ? 1.0f : static_cast<float>(s->count) / static_cast<float>(s->filled);
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
  if (!partners_.empty() && (edge_count_ + partners_.size()) * 4 > edges_.size() * 3 && edge_count_ >= prune_floor_) {
    Prune(ts);
    prune_floor_ = edge_count_ + edges_.size() / 16;  // no pruning again before it can pay off
  }
  uint32_t top = account;
  for (const Partner& p : partners_) top = std::max(top, p.account);
  if (static_cast<size_t>(top) * kScales >= degree_.size())
    degree_.resize(std::max<size_t>((static_cast<size_t>(top) + 1) * kScales, degree_.size() * 2), 0.0f);
  for (const Partner& p : partners_) {
    int64_t dt = p.action.ts > ts ? p.action.ts - ts : ts - p.action.ts;
    int sc = 0;
    while (sc < kScales - 1 && dt > options_.scales[sc]) ++sc;
    degree_[static_cast<size_t>(account) * kScales + sc] += p.weight;
    degree_[static_cast<size_t>(p.account) * kScales + sc] += p.weight;
    total_[sc] += p.weight;
    delay_hist_[DelayBucket(dt)] += p.weight;
    bool swap = p.account > account;  // a < b
    uint32_t a = swap ? account : p.account, b = swap ? p.account : account;
    bool full = edge_count_ * 8 >= edges_.size() * 7;
    Edge* e = FindEdge(a, b, !full);
    if (e == nullptr) {
      ++dropped_;
      continue;
    }
    if (e->count == 0) e->first_ts = std::min(ts, p.action.ts), e->last_ts = INT64_MIN;
    e->count++;
    e->w[sc] += p.weight;
    e->first_ts = std::min(e->first_ts, std::min(ts, p.action.ts));
    e->last_ts = std::max(e->last_ts, std::max(ts, p.action.ts));
    e->kinds |= static_cast<uint8_t>(1u << static_cast<int>(p.kind));
    if (e->samples < Edge::kSamples) {
      CoActionSample& smp = e->sample[e->samples++];
      smp.kind = p.kind;
      smp.ref_a = swap ? ref : p.action.ref;
      smp.ts_a = swap ? ts : p.action.ts;
      smp.ref_b = swap ? p.action.ref : ref;
      smp.ts_b = swap ? p.action.ts : ts;
    }
  }
  for (int i = 0; i < n_items; ++i) {
    ItemSlot* s = FindItem(items[i], ts);
    // Reservoir sampling (algorithm R): the sample stays uniform over all actions.
    uint32_t at = s->filled;
    if (s->filled >= kReservoir) {
      rng_ = Mix64(rng_ + ref);
      uint64_t j = rng_ % (static_cast<uint64_t>(s->count) + 1);
      at = j < kReservoir ? static_cast<uint32_t>(j) : UINT32_MAX;
    } else {
      ++s->filled;
    }
    if (at != UINT32_MAX) s->sample[at] = Action{account, static_cast<uint32_t>(ref), ts};
    ++s->count;
    if (ts > s->last_ts) s->last_ts = ts;
  }
}

void CoActionGraph::ForEachEdge(const std::function<void(const Edge&)>& fn) const {
  for (const Edge& e : edges_)
    if (e.count != 0) fn(e);
}

}  // namespace evenhand::behavior
