// NearDupIndex: streaming near-duplicate clustering with MinHash-LSH, in
// memory fixed at construction.
//
// Each text (its MinHashSig and SimHash) joins the most similar live cluster
// among its LSH candidates -- accepted when the SimHash distance to the
// cluster's first text is <= fast_hamming, or the MinHash similarity is >=
// min_similarity -- or founds a new cluster. A cluster stays live while it
// received a text within `horizon` seconds; at most `capacity` clusters are
// live: a new cluster takes the oldest slot, skipping (a few) active
// multi-member clusters. Evicted clusters of size >= report_min_size, and
// those live at Flush, are handed to the `on_closed` callback. Memory:
// capacity * (~200 bytes) + capacity * kBands * 16 bytes; nothing is
// allocated per text. Not thread safe: one index per stream.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "behavior/sketch.h"

namespace evenhand::behavior {

struct NearDupOptions {
  double min_similarity = 0.28;
  int fast_hamming = -1;  // SimHash distance accepted without MinHash (-1: off; the detector passes no SimHash)
  int64_t horizon = 86400;
  uint32_t capacity = 1u << 19;  // live clusters
  uint32_t report_min_size = 5;
};

struct ClusterSummary {
  uint64_t id = 0;          // unique within a run, in order of creation
  uint32_t size = 0;        // texts
  uint32_t accounts = 0;    // distinct accounts (estimated above ~100)
  int64_t first_ts = 0, last_ts = 0;
  uint64_t first_ref = 0;   // caller's reference of the first text (e.g. input line)
};

class NearDupIndex {
 public:
  explicit NearDupIndex(NearDupOptions options);
  // Adds a text; returns its cluster's id and (in *size) the size including it.
  // min_similarity < 0: the options' value.
  uint64_t Add(const MinHashSig& sig, uint64_t simhash, int64_t ts, uint64_t account_hash, uint64_t ref,
               uint32_t* size, double min_similarity = -1);
  // Hands every live cluster of size >= report_min_size to on_closed.
  void Flush();
  // Frees the tables (after Flush; the index takes no more texts).
  void Release();
  void set_on_closed(std::function<void(const ClusterSummary&)> fn) { on_closed_ = std::move(fn); }
  uint64_t clusters_created() const { return next_id_; }

 private:
  struct Slot {
    MinHashSig sig;
    uint64_t simhash = 0;
    uint64_t account_bits[4] = {};  // linear counting of distinct accounts
    ClusterSummary summary;
    uint32_t gen = 0;
    bool used = false;
  };
  struct Entry {
    uint64_t key = 0;
    uint32_t slot = 0;
    uint32_t gen = 0;  // 0 = empty
  };
  bool Live(const Entry& e) const { return e.gen != 0 && slots_[e.slot].used && slots_[e.slot].gen == e.gen; }
  uint32_t NewSlot(int64_t ts);
  void Close(Slot& s);
  void Insert(uint64_t key, uint32_t slot);

  NearDupOptions options_;
  std::vector<Slot> slots_;
  std::vector<Entry> table_;
  uint64_t mask_ = 0;
  uint32_t cursor_ = 0;
  uint64_t next_id_ = 0;
  std::function<void(const ClusterSummary&)> on_closed_;
};

// Distinct-account estimate from a 256-bit linear-counting sketch.
uint32_t EstimateDistinct(const uint64_t bits[4]);

}  // namespace evenhand::behavior
