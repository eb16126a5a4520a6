// BehaviorDetector: content-neutral account detection over a stream of
// posts. It reads only behaviour -- which accounts post near-identical
// text, the same URL, hashtag or media within a short window, and how
// regularly they post -- never what a post argues for or against.
//
//   Add(post)  normalises the text, shingles it (sketch.h), assigns it to a
//              near-duplicate cluster (near_dup.h), records its co-actions
//              (coaction.h) and the account's cadence (cadence.h).
//   Finish()   (once; no Add after it: it frees the near-duplicate and item
//              tables first) keeps co-action edges of weight >= min_edge_weight, finds
//              communities (community.h) of >= min_network_size accounts,
//              scores them and samples their evidence.
//   Resolve()  (optional) re-reads the input file once to turn evidence
//              line numbers into post ids, excerpts, URLs and media paths,
//              and to build each network's timeline.
//
// Memory: bounded by the options (clusters, items, edges: fixed tables)
// plus O(1) per distinct account (~120 bytes and its id). Per post, Add
// allocates nothing once warm (new accounts excepted). Not thread safe:
// one detector per stream; the sketch functions it uses are.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "behavior/cadence.h"
#include "behavior/coaction.h"
#include "behavior/media_keys.h"
#include "behavior/near_dup.h"
#include "model/item.h"
#include "model/status.h"
#include "text/normalizer.h"

namespace evenhand::behavior {

struct BehaviorOptions {
  NearDupOptions near_dup;
  CoActionOptions coaction;
  // Media attachments are keyed by PDQ hash through the bank index
  // (media_keys.h: near-duplicate pictures are one item); false keys them
  // by path only (no file is read).
  bool media_by_pdq = true;
  MediaKeyOptions media;
  double min_edge_weight = 2;     // co-actions (at one time scale) before a pair of accounts counts as linked
  uint32_t min_network_size = 3;  // accounts
  // A linked pair must also make up a fair share of both accounts'
  // co-actions: weight / sqrt(degree_a * degree_b) >= min_association.
  // Accounts that share many popular items meet many others by chance, a
  // few times each; coordinated accounts meet the same few partners again
  // and again. Independent of the stream's length.
  double min_association = 0;
  // Chance is not coordination: a linked pair's co-actions at some time
  // scale must be this unlikely under chance: -log10 P(X >= w), X Poisson
  // with the mean a configuration model gives the pair at that scale
  // (d_a * d_b / 2T: both accounts' co-actions there over all of them),
  // counted in sampled links, not in their weights (coaction.h,
  // WeightedSurprise: one meeting on a popular item is one event).
  // Heavy posters who share viral items meet each other often, but no more
  // often than their activity predicts.
  double min_significance = 5;
  // A network's linked pairs together must co-act at least this many times
  // more often than the same model predicts (Network::significance). Pairs
  // pass one by one by the luck of heavy-tailed activity; a chance network
  // stays within a few times chance (3-5 on the generators), a campaign is
  // hundreds of times above it.
  double min_network_significance = 20;
  // A community that fails min_network_significance is split again by
  // Louvain on its own links (up to three times); a part passes only at
  // min_network_significance * split_significance_factor (parts are picked
  // for density, so chance parts score above their whole: 20-180 times
  // chance on the generators, campaigns 1,800 and more).
  double split_significance_factor = 10;
  uint32_t min_split_part_size = 5;  // and has at least this many accounts (a chance triangle can score 600)
  // Each member keeps at least this many linked partners inside its network
  // (the network's k-core): chance links form paths and stars, a
  // coordinated group forms a dense block.
  uint32_t min_links_per_account = 2;
  // Attachment: an account not in any network joins the network that gets
  // at least attach_share of its co-actions (largest scale), with at least
  // min_links_per_account members, weighing at least
  // max(min_edge_weight, attach_min_fraction * network size).
  double attach_share = 0.5;
  double attach_min_fraction = 0.25;
  int min_tokens = 5;
  // Texts shorter than long_text_words words join a near-duplicate cluster
  // only at short_text_similarity (near_dup.min_similarity is for longer
  // ones): a few common words make short unrelated texts look alike.
  int long_text_words = 12;
  double short_text_similarity = 0.5;             // shorter texts are not clustered ("thanks!" is not evidence)
  int evidence_per_network = 8;
  size_t max_clusters_reported = 200;
};

struct EvidenceSample {
  std::string kind;  // near_duplicate_text | same_url | same_media | same_hashtag
  std::string account_a, account_b;
  uint64_t line_a = 0, line_b = 0;
  int64_t ts_a = 0, ts_b = 0;
  uint32_t pair_weight = 0;  // co-actions of this pair in total
  // Filled by Resolve: post ids and the shared item (excerpt, URL or media path).
  std::string post_a, post_b, item;
};

struct Network {
  uint32_t id = 0;
  double score = 0;     // 0..1: density of the co-action graph times strength of its ties
  double density = 0;   // linked pairs / possible pairs
  // Co-actions of its linked pairs over those expected by chance given each
  // account's co-actions at the pair's time scale (configuration model).
  double significance = 0;
  uint32_t attached = 0;  // members added for concentrated links too weak to pass alone (see attach_share)
  int64_t interval_seconds = 0;  // the smallest time scale holding (90 % of) the co-actions of most of its pairs
  std::vector<std::string> accounts;  // sorted
  int64_t first_ts = 0, last_ts = 0;  // of the co-actions
  uint64_t co_actions = 0;            // sum of internal edge weights
  uint32_t links = 0;                 // internal edges
  std::map<std::string, uint64_t> kinds;      // co-actions by kind (edges' first sample kinds)
  std::map<std::string, uint32_t> countries;  // registration countries, counts only ("" = unknown)
  std::vector<EvidenceSample> evidence;
  int64_t bucket_seconds = 0;                 // timeline (Resolve): posts by members per bucket
  std::vector<std::pair<int64_t, uint32_t>> timeline;
};

struct AccountSignals {
  std::string id;
  int network = -1;  // index into BehaviorResult::networks
  uint32_t network_size = 0;
  double coordination_score = 0;  // 0..1 from the account's co-action weight inside its network
  double automation_score = 0, rate_per_hour = 0, burstiness = 0, regularity = 0;
  uint32_t posts = 0;
  uint32_t max_cluster_size = 0;  // largest near-duplicate cluster it posted into (size then)
};

struct ClusterReport {
  ClusterSummary summary;
  std::string first_post, excerpt;  // Resolve
};

struct BehaviorResult {
  std::vector<Network> networks;       // by score, then size
  std::vector<AccountSignals> accounts;  // every account seen, in first-seen order
  std::vector<ClusterReport> clusters;   // the largest, by size
  uint64_t posts = 0, clustered_posts = 0, clusters_created = 0, edges = 0, edges_pruned = 0, edges_dropped = 0;
  uint64_t repeat_edges_pruned = 0;  // of edges_pruned: pairs seen more than once
  // The learned coordination interval (coaction.h: seconds, at least the
  // ladder's top) and the co-ordinated share delays it was learned from.
  int64_t coordination_interval = 0;
  uint64_t interval_pairs = 0;
  // Media keys (media_keys.h): pictures hashed, of them matched to an
  // earlier one; attachments keyed by path (unreadable, low quality).
  uint64_t media_hashed = 0, media_matched = 0, media_unreadable = 0, media_low_quality = 0;
};

class BehaviorDetector {
 public:
  explicit BehaviorDetector(BehaviorOptions options);
  ~BehaviorDetector();
  void Add(const Post& post);
  BehaviorResult Finish();
  // Re-reads `path` (a JSONL file, not "-") to fill evidence and timelines.
  static Status Resolve(const std::string& path, BehaviorResult* result);
  // Country of an account as the input gave it (for the aggregate).
  const BehaviorOptions& options() const { return options_; }

 private:
  struct AccountState {
    CadenceStats cadence;
    uint32_t max_cluster = 0;
    std::string country;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  uint32_t AccountIndex(const Post& post);

  BehaviorOptions options_;
  Normalizer normalizer_;
  Normalizer tag_normalizer_;  // look-alikes folded, leet digits and stretched letters kept
  NearDupIndex near_dup_;
  CoActionGraph graph_;
  std::unique_ptr<MediaKeys> media_keys_;  // null when media_by_pdq is false
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> account_index_;
  std::vector<std::string> account_ids_;
  std::vector<AccountState> accounts_;
  std::vector<ClusterSummary> closed_;
  NormalizedText normalized_, tag_normalized_;
  std::vector<uint64_t> shingles_;
  uint64_t posts_ = 0, clustered_ = 0;
};

}  // namespace evenhand::behavior
