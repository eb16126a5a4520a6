// CoActionGraph: accounts that act on the same item (a near-duplicate
// cluster, a URL, a media hash) within the largest time scale of each other
// get a weighted edge (hashtags only while they are not trending, see
// CoActionOptions::max_hashtag_actions). Co-actions are counted per time scale (kScales
// delays, seconds to hours, options.scales): a co-action of delay d counts
// at every scale >= d, so each scale can be judged against its own chance
// rate (degree per account and scale, see detector.h).
//
// No cap on who is in a burst: each item keeps a uniform reservoir sample of
// kReservoir of its actions (Vitter's algorithm R) and its action count n; a
// new action links to every sampled action, each link weighted n / sampled
// (the inverse of the probability that a given earlier action is in the
// sample), so the expected weight of every pair in a burst of any size is
// its number of co-actions. Bursts of up to kReservoir actions are exact.
// Hashtags are the exception: unrelated people use one tag in bursts (a
// live broadcast: 300 accounts in half an hour), and an n / sampled weight
// would make each sampled pair of such a burst look like n / 16 co-actions;
// a hashtag link weighs 1, so a pair needs to meet on tags again and again
// (a burst of n links each pair with probability about kReservoir / n).
//
// Recent actions. An item in steady use (an organic hashtag a few times an
// hour for weeks, a popular link) is a place where a campaign can meet too:
// 30 accounts on it within minutes are a burst against its usual rate. So
// the count n above is of recent actions -- decayed by e^(-dt / recent_seconds)
// -- and the reservoir replaces by it, so the sample holds mostly the last
// few hours' actions, not a uniform draw over weeks (in which a wave's
// actions would hardly ever be), and a tag is trending by its recent rate,
// not by its uses since it was first seen. Within a burst (minutes) the
// decay is negligible: bursts are sampled as before.
//
// Reposts. An account that acts again on an item on which it already has a
// sampled action within repost_seconds is there already: every other sampled
// action met that action (whichever came later linked to the earlier), so
// linking the repost would count the same meeting twice (an organic account
// posting a tag twice in a live event would be a chance pair with two
// co-actions with everyone there). The repost links nobody through the item
// and is not sampled. Campaign members act once a wave, waves hours to days
// apart, so each wave is a new meeting. A repost whose earlier action is no
// longer sampled (an item busier than kReservoir recent actions) is not seen
// as one: its links go to other, newer actions.
//
// The learned coordination interval (the fifth scale). The ladder's scales
// are fixed; campaigns slower than its top (a sheet of paid posters working
// in turn, copies hours apart) are linked only at the interval learned from
// the stream, as CooRnet estimates its coordination interval from share
// delays -- but from co-ordinated shares only, not from all of them (chance
// co-actions of popular items outnumber coordinated ones and pull a plain
// quantile of all delays down to minutes). When an item's slot is reused,
// if the item had few actions (3..few_actions: not viral, not trending),
// every pair of its sampled actions whose accounts already co-acted above
// chance (in the edge table, and its weight at the widest scale has
// PoissonSurprise >= learn_significance under the configuration model's
// mean there, as the detector judges pairs) adds its delay to a
// log2 histogram. The interval is the learn_quantile of that histogram
// (bucket upper edge), once learn_min_pairs delays are in, clamped to
// [top of the ladder, max_interval]; it is re-estimated as delays come in.
// Items live (stay linkable) for the larger of the ladder's top and the
// learned interval; a co-action with a delay above the ladder's top and
// within the interval counts at the fifth scale. Co-actions before the
// interval has grown are not re-counted (the first waves of a slow
// campaign link only within the ladder). Memory: a 20-bucket histogram.
//
// Input may be out of order by less than the largest scale (a co-action is
// |ts_a - ts_b| <= scale either way). Memory is fixed at construction: the
// item table (item_capacity x ~300 bytes; an item whose last action is
// older than the largest scale is reused; under pressure the oldest of 16
// probed slots is forgotten) and two pair tables. A pair seen once lives in
// the single table (max_single_edges x 32 bytes: its weight, scale, kind
// and one sample); its second co-action moves it to the edge table
// (max_edges x 128 bytes: weights per scale, two samples). Most pairs are
// seen once, so the split holds four times the pairs per byte, and pairs
// of campaigns whose waves are days apart (few waves) survive until their
// second wave. When the single table is 3/4 full, its pairs not seen for
// prune_age seconds are dropped, the least surprising first (those chance
// predicts most often at their time scale: between accounts with many
// co-actions there), until it is at most half full. When the edge table is
// 3/4 full, its pairs least above chance (co-actions over the configuration
// model's mean at the widest scale), whatever their age, are dropped until
// it is half full (edges_pruned()): coordinated pairs are far above chance,
// pairs of heavy posters near it. A pair that finds either table 7/8 full
// (between prunings) is not recorded and is counted in dropped().
// Nothing is allocated per post (pruning aside).
// Not thread safe: one graph per stream.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace evenhand::behavior {

enum class ItemKind : uint8_t { kText = 0, kUrl = 1, kMedia = 2, kHashtag = 3 };
inline constexpr int kItemKinds = 4;
const char* ItemKindName(ItemKind k);

// -log10 of P(X >= k) for X Poisson with mean lambda (k may be fractional:
// weights are estimates), clamped to [0, 300].
double PoissonSurprise(double k, double lambda);

// The surprise of a pair's weighted co-actions: w of them (at some scale)
// under a chance mean lambda in the same weighted units, when the pair's
// `links` sampled links weigh `total` in all. A link sampled from an item
// with n actions weighs n / sampled: an unbiased estimate of co-actions,
// but one observed event. Read as a count, one meeting on a popular item
// looks like n / 16 of them, and the sparser chance is (lambda falls as a
// stream grows: more accounts, each meeting a smaller share of the others),
// the more such single meetings pass (10 M posts: 401 networks of viral
// sharers). So the links are the Poisson count and the weights scale both
// sides by the mean weight per link m = max(1, total / links):
// PoissonSurprise(w / m, lambda / m) (quasi-Poisson with dispersion m).
// Links of weight 1: PoissonSurprise(w, lambda).
double WeightedSurprise(double w, double total, double links, double lambda);

inline constexpr int kLadder = 4;            // fixed scales
inline constexpr int kScales = kLadder + 1;  // and the learned interval

struct CoActionOptions {
  int64_t scales[kLadder] = {60, 600, 3600, 6 * 3600};  // seconds, increasing
  // The learned coordination interval (see above); false: the ladder only.
  bool learn_interval = true;
  int64_t max_interval = 48 * 3600;
  uint32_t few_actions = 64;
  double learn_significance = 5;  // -log10 P of the pair's co-actions under chance (PoissonSurprise)
  double learn_quantile = 0.9;
  uint32_t learn_min_pairs = 100;
  uint32_t item_capacity = 1u << 18;
  uint32_t max_edges = 1u << 20;          // pairs seen more than once (128 B each)
  uint32_t max_single_edges = 1u << 22;   // pairs seen once (32 B each)
  int64_t prune_age = 12 * 3600;
  // An item counts and samples its recent actions: its action count decays
  // by e^(-dt / recent_seconds) and the reservoir replaces by that count
  // (see above, "Recent actions"); 0: every action since the slot was last
  // empty counts alike.
  int64_t recent_seconds = 6 * 3600;
  // A hashtag with more recent actions than this is trending: its later
  // actions are recorded but link nobody. Campaign bursts (20-60 accounts a
  // wave) and a tag in steady organic use (tens an hour) stay under it; a
  // live event (hundreds of accounts within the hour) passes it.
  uint32_t max_hashtag_actions = 200;
  // A repost: an account acting again on an item on which it has a sampled
  // action at most this many seconds earlier (or later) links nobody through
  // it and is not sampled again (one presence meets each partner once; see
  // above). 0: every action links.
  int64_t repost_seconds = 3600;
};

struct CoActionSample {
  uint64_t ref_a = 0, ref_b = 0;  // caller's post references (e.g. input lines), a < b by account
  int64_t ts_a = 0, ts_b = 0;
  ItemKind kind = ItemKind::kText;
};

struct Edge {
  static constexpr int kSamples = 2;
  uint32_t a = 0, b = 0;  // account indices, a < b
  uint32_t count = 0;     // co-actions seen (sampled links); 0 = empty slot
  uint8_t kinds = 0;      // bit per ItemKind seen
  uint8_t samples = 0;
  float w[kScales] = {};  // estimated co-actions with delay in (scale[s-1], scale[s]]
  int64_t first_ts = 0, last_ts = 0;
  CoActionSample sample[kSamples];
  // Estimated co-actions with delay <= scale s.
  double Within(int s) const {
    double t = 0;
    for (int i = 0; i <= s; ++i) t += w[i];
    return t;
  }
  // Mean weight of its links, at least 1 (the m of WeightedSurprise).
  double LinkWeight() const { return count > 0 ? std::max(1.0, Within(kScales - 1) / count) : 1.0; }
  // WeightedSurprise of the co-actions within scale s under chance mean lambda.
  double Surprise(int s, double lambda) const { return WeightedSurprise(Within(s), Within(kScales - 1), count, lambda); }
};

class CoActionGraph {
 public:
  static constexpr int kReservoir = 16;
  static constexpr int kMaxItemsPerPost = 16;  // items of one post beyond this are ignored

  explicit CoActionGraph(CoActionOptions options);

  // One post: account index, time, its reference and its item keys
  // (kind in the top byte is the caller's business: pass distinct keys).
  void Add(uint32_t account, int64_t ts, uint64_t ref, const uint64_t* items, const ItemKind* kinds, int n_items);

  // Calls fn for every pair, seen once or more (a pair seen once as an Edge
  // with count 1 and one sample).
  void ForEachEdge(const std::function<void(const Edge&)>& fn) const;
  uint64_t edges() const { return edge_count_ + single_count_; }
  uint64_t single_edges() const { return single_count_; }  // of them seen once
  // Estimated co-actions of `account` with delay <= scale s (weak and
  // pruned edges included), and of all accounts.
  double degree(uint32_t account, int s) const;
  double total_co_actions(int s) const;
  uint64_t pruned() const { return pruned_; }              // pairs seen once, pruned
  uint64_t edges_pruned() const { return edges_pruned_; }  // pairs seen more than once, pruned
  uint64_t dropped() const { return dropped_; }
  // Delays of co-ordinated shares (see above): log2 buckets of seconds
  // (bucket k holds delays in [2^(k-1), 2^k), bucket 0 delay 0).
  static constexpr int kDelayBuckets = 20;
  const double* delay_histogram() const { return learn_hist_; }
  uint64_t learned_pairs() const { return learn_pairs_; }
  // The learned interval (the ladder's top until it is learned) and the
  // scale s in seconds (s = kLadder: the learned interval).
  int64_t learned_interval() const { return learned_; }
  int64_t scale(int s) const { return s < kLadder ? options_.scales[s] : learned_; }
  // Items with few actions still live: adds their co-ordinated delays and
  // estimates once more. Call once, at the end of the stream.
  void LearnFromLiveItems();
  // Frees the item table (after LearnFromLiveItems; the graph takes no
  // more posts, its pairs and degrees stay).
  void ReleaseItems();
  const CoActionOptions& options() const { return options_; }

 private:
  struct Action {
    uint32_t account = 0;
    uint32_t ref = 0;  // low 32 bits of the caller's reference
    int64_t ts = 0;
  };
  struct ItemSlot {
    uint64_t key = 0;
    int64_t last_ts = INT64_MIN;
    uint32_t count = 0;  // actions seen (all, not only sampled; reposts not counted)
    uint32_t filled = 0;
    float recent = 0;  // actions decayed by e^(-dt / recent_seconds) to last_ts
    Action sample[kReservoir];
  };
  // A pair seen once (32 bytes). Times are seconds from base_ts_.
  struct Single {
    uint32_t a = 0, b = 0;  // a < b; b == 0 and a == 0: empty (a pair always has a < b, so b > 0)
    float w = 0;
    uint32_t ref_a = 0, ref_b = 0;
    int32_t ts_a = 0, ts_b = 0;
    uint8_t scale = 0, kind = 0;
    bool empty() const { return b == 0; }
  };
  ItemSlot* FindItem(uint64_t key, int64_t ts);
  float Recent(const ItemSlot& s, int64_t ts) const;  // its decayed action count at ts (before this action)
  void Learn(const ItemSlot& item);  // the item's co-ordinated delays into learn_hist_
  void Estimate();                   // learned_ from learn_hist_
  int64_t Life() const { return std::max(options_.scales[kLadder - 1], learned_); }
  Edge* FindEdge(uint32_t a, uint32_t b, bool create);
  uint64_t SingleSlot(uint32_t a, uint32_t b) const;  // where (a, b) is or would go
  void EraseSingle(uint64_t slot);                    // backward-shift deletion
  Edge AsEdge(const Single& s) const;
  void Prune(int64_t now);
  void PruneEdges();
  // Co-actions chance predicts for the pair at its scale (configuration
  // model, up to a factor 2).
  double Chance(uint32_t a, uint32_t b, int scale) const;

  CoActionOptions options_;
  std::vector<ItemSlot> items_;
  uint64_t item_mask_ = 0;
  std::vector<Edge> edges_;
  uint64_t edge_mask_ = 0;
  uint64_t edge_count_ = 0;
  std::vector<Single> singles_;
  uint64_t single_mask_ = 0, single_count_ = 0;
  int64_t base_ts_ = INT64_MIN;  // set by the first Add
  uint64_t pruned_ = 0, dropped_ = 0, prune_floor_ = 0;
  uint64_t edges_pruned_ = 0, edge_prune_floor_ = 0;
  std::vector<float> degree_;  // kScales per account, grows with new accounts only
  double total_[kScales] = {};
  double learn_hist_[kDelayBuckets] = {};
  uint64_t learn_pairs_ = 0, next_estimate_ = 0;
  int64_t learned_ = 0;
  uint64_t rng_ = 0x2545F4914F6CDD1DULL;
  // Per-post scratch: partners found so far (deduplicated).
  struct Partner {
    uint32_t account;
    Action action;
    ItemKind kind;
    float weight;
  };
  std::vector<Partner> partners_;
};

}  // namespace evenhand::behavior
