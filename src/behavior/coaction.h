// CoActionGraph: accounts that act on the same item (a near-duplicate
// cluster, a URL, a media hash) within `window` seconds of each other get a
// weighted edge; the weight counts such co-actions (at most one per pair per
// post). Each edge keeps its first kSamples co-actions as evidence.
//
// Input is expected in time order, or out of order by less than the window
// (a co-action is |ts_a - ts_b| <= window either way). Memory is fixed at
// construction: a table of recent actions per item (kRecent per item;
// items whose last action is older than the window are reused) and an edge
// table of `max_edges` entries; when the edge table is 3/4 full, edges of
// weight 1 not seen for `prune_age` seconds are dropped, then, if that was
// not enough, all edges of weight 1. Nothing is allocated per post. Not
// thread safe: one graph per stream.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace evenhand::behavior {

enum class ItemKind : uint8_t { kText = 0, kUrl = 1, kMedia = 2 };
const char* ItemKindName(ItemKind k);

struct CoActionOptions {
  int64_t window = 60;
  uint32_t item_capacity = 1u << 16;  // items live within one window
  uint32_t max_edges = 1u << 20;
  int64_t prune_age = 6 * 3600;
};

struct CoActionSample {
  uint64_t ref_a = 0, ref_b = 0;  // caller's post references (e.g. input lines), a < b by account
  int64_t ts_a = 0, ts_b = 0;
  ItemKind kind = ItemKind::kText;
};

struct Edge {
  static constexpr int kSamples = 2;
  uint32_t a = 0, b = 0;  // account indices, a < b
  uint32_t weight = 0;    // 0 = empty slot
  uint8_t kinds = 0;      // bit per ItemKind seen
  uint8_t samples = 0;
  int64_t first_ts = 0, last_ts = 0;
  CoActionSample sample[kSamples];
};

class CoActionGraph {
 public:
  explicit CoActionGraph(CoActionOptions options);

  // One post: account index, time, its reference and its item keys
  // (kind in the top byte is the caller's business: pass distinct keys).
  void Add(uint32_t account, int64_t ts, uint64_t ref, const uint64_t* items, const ItemKind* kinds, int n_items);

  // Calls fn for every edge with weight >= min_weight.
  void ForEachEdge(uint32_t min_weight, const std::function<void(const Edge&)>& fn) const;
  uint64_t edges() const { return edge_count_; }
  // Co-actions of `account` in total (weak and pruned edges included), and
  // of all accounts (each co-action counted once).
  uint64_t degree(uint32_t account) const { return account < degree_.size() ? degree_[account] : 0; }
  uint64_t total_co_actions() const { return total_; }
  uint64_t pruned() const { return pruned_; }

  static constexpr int kRecent = 8;

 private:
  struct Action {
    uint32_t account = 0;
    int64_t ts = 0;
    uint64_t ref = 0;
  };
  struct ItemSlot {
    uint64_t key = 0;
    int64_t last_ts = INT64_MIN;
    uint32_t next = 0, count = 0;  // ring position, filled entries
    Action recent[kRecent];
  };
  ItemSlot* FindItem(uint64_t key, int64_t ts);
  Edge* FindEdge(uint32_t a, uint32_t b, bool create);
  void Prune(int64_t now);

  CoActionOptions options_;
  std::vector<ItemSlot> items_;
  uint64_t item_mask_ = 0;
  std::vector<Edge> edges_;
  uint64_t edge_mask_ = 0;
  uint64_t edge_count_ = 0;
  uint64_t pruned_ = 0;
  std::vector<uint32_t> degree_;  // grows with new accounts only
  uint64_t total_ = 0;
  // Per-post scratch: partners found so far (deduplicated).
  struct Partner {
    uint32_t account;
    const Action* action;
    ItemKind kind;
  };
  std::vector<Partner> partners_;
};

}  // namespace evenhand::behavior
