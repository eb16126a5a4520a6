#include "behavior/coaction.h"

#include <algorithm>
#include <bit>

#include "behavior/hash.h"

namespace evenhand::behavior {

namespace {
constexpr int kItemProbes = 16;
constexpr int kMaxPartners = 64;
}  // namespace

const char* ItemKindName(ItemKind k) {
  switch (k) {
    case ItemKind::kText: return "near_duplicate_text";
    case ItemKind::kUrl: return "same_url";
    case ItemKind::kMedia: return "same_media";
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

CoActionGraph::ItemSlot* CoActionGraph::FindItem(uint64_t key, int64_t ts) {
  uint64_t h = Mix64(key) & item_mask_;
  ItemSlot* stale = nullptr;
  ItemSlot* oldest = &items_[h];
  for (int p = 0; p < kItemProbes; ++p) {
    ItemSlot& s = items_[(h + p) & item_mask_];
    bool expired = s.last_ts == INT64_MIN || s.last_ts + options_.window < ts;
    if (s.key == key && !expired) return &s;
    if (expired && stale == nullptr) stale = &s;
    if (s.last_ts < oldest->last_ts) oldest = &s;
  }
  ItemSlot* s = stale != nullptr ? stale : oldest;  // under pressure the oldest item is forgotten
  s->key = key;
  s->last_ts = ts;
  s->next = 0;
  s->count = 0;
  return s;
}

Edge* CoActionGraph::FindEdge(uint32_t a, uint32_t b, bool create) {
  uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  for (uint64_t i = Mix64(key) & edge_mask_;; i = (i + 1) & edge_mask_) {
    Edge& e = edges_[i];
    if (e.weight == 0) {
      if (!create) return nullptr;
      e.a = a;
      e.b = b;
      ++edge_count_;
      return &e;
    }
    if (e.a == a && e.b == b) return &e;
  }
}

void CoActionGraph::Prune(int64_t now) {
  // Collect the survivors, then rebuild the open-addressed table.
  auto rebuild = [this](auto keep) {
    std::vector<Edge> kept;
    for (const Edge& e : edges_)
      if (e.weight != 0 && keep(e)) kept.push_back(e);
    pruned_ += edge_count_ - kept.size();
    for (Edge& e : edges_) e = Edge{};
    edge_count_ = 0;
    for (const Edge& k : kept) *FindEdge(k.a, k.b, true) = k;
  };
  rebuild([&](const Edge& e) { return e.weight > 1 || e.last_ts + options_.prune_age >= now; });
  if (edge_count_ * 2 > edges_.size()) rebuild([](const Edge& e) { return e.weight > 1; });
}

void CoActionGraph::Add(uint32_t account, int64_t ts, uint64_t ref, const uint64_t* items, const ItemKind* kinds,
                        int n_items) {
  partners_.clear();
  for (int i = 0; i < n_items; ++i) {
    ItemSlot* s = FindItem(items[i], ts);
    for (uint32_t r = 0; r < s->count; ++r) {
      const Action& act = s->recent[r];
      if (act.account == account) continue;
      int64_t dt = act.ts > ts ? act.ts - ts : ts - act.ts;
      if (dt > options_.window) continue;
      bool seen = false;
      for (const Partner& p : partners_) seen |= p.account == act.account;
      if (!seen && partners_.size() < kMaxPartners) partners_.push_back({act.account, &act, kinds[i]});
    }
  }
  // Edges first (the partners point into the item rings), then record the action.
  if (!partners_.empty() && (edge_count_ + partners_.size()) * 4 > edges_.size() * 3) Prune(ts);
  uint32_t top = account;
  for (const Partner& p : partners_) top = std::max(top, p.account);
  if (top >= degree_.size()) degree_.resize(std::max<size_t>(top + 1, degree_.size() * 2), 0);
  degree_[account] += static_cast<uint32_t>(partners_.size());
  total_ += partners_.size();
  for (const Partner& p : partners_) {
    degree_[p.account]++;
    bool swap = p.account > account;  // a < b
    uint32_t a = swap ? account : p.account, b = swap ? p.account : account;
    Edge* e = FindEdge(a, b, true);
    if (e->weight == 0) e->first_ts = std::min(ts, p.action->ts);
    e->weight++;
    e->last_ts = std::max(e->last_ts, ts);
    e->kinds |= static_cast<uint8_t>(1u << static_cast<int>(p.kind));
    if (e->samples < Edge::kSamples) {
      CoActionSample& smp = e->sample[e->samples++];
      smp.kind = p.kind;
      smp.ref_a = swap ? ref : p.action->ref;
      smp.ts_a = swap ? ts : p.action->ts;
      smp.ref_b = swap ? p.action->ref : ref;
      smp.ts_b = swap ? p.action->ts : ts;
    }
  }
  for (int i = 0; i < n_items; ++i) {
    ItemSlot* s = FindItem(items[i], ts);
    Action& slot = s->recent[s->next];
    slot = Action{account, ts, ref};
    s->next = (s->next + 1) % kRecent;
    if (s->count < kRecent) ++s->count;
    if (ts > s->last_ts) s->last_ts = ts;
  }
}

void CoActionGraph::ForEachEdge(uint32_t min_weight, const std::function<void(const Edge&)>& fn) const {
  for (const Edge& e : edges_)
    if (e.weight != 0 && e.weight >= min_weight) fn(e);
}

}  // namespace evenhand::behavior

