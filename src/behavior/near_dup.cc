#include "behavior/near_dup.h"

#include <bit>
#include <cmath>

#include "behavior/hash.h"

namespace evenhand::behavior {

namespace {
constexpr int kProbes = 8;
constexpr int kSkipActive = 8;
}  // namespace

uint32_t EstimateDistinct(const uint64_t bits[4]) {
  int set = 0;
  for (int i = 0; i < 4; ++i) set += std::popcount(bits[i]);
  if (set >= 256) return 1200;  // saturated: "many"
  return static_cast<uint32_t>(std::lround(-256.0 * std::log(1.0 - set / 256.0)));
}

NearDupIndex::NearDupIndex(NearDupOptions options) : options_(options) {
  if (options_.capacity < 16) options_.capacity = 16;
  slots_.resize(options_.capacity);
  uint64_t want = std::bit_ceil(static_cast<uint64_t>(options_.capacity) * kBands);
  table_.resize(want);
  mask_ = want - 1;
}

void NearDupIndex::Close(Slot& s) {
  if (s.used && s.summary.size >= options_.report_min_size && on_closed_) {
    s.summary.accounts = EstimateDistinct(s.account_bits);
    on_closed_(s.summary);
  }
  s.used = false;
}

uint32_t NearDupIndex::NewSlot(int64_t ts) {
  uint32_t pick = cursor_;
  for (int tries = 0; tries < kSkipActive; ++tries) {
    uint32_t i = (cursor_ + tries) % options_.capacity;
    const Slot& s = slots_[i];
    pick = i;
    if (!s.used || s.summary.size <= 1 || s.summary.last_ts + options_.horizon < ts) break;
  }
  cursor_ = (pick + 1) % options_.capacity;
  Slot& s = slots_[pick];
  Close(s);
  s.gen = s.gen + 1 == 0 ? 1 : s.gen + 1;
  s.used = true;
  return pick;
}

void NearDupIndex::Insert(uint64_t key, uint32_t slot) {
  uint64_t h = Mix64(key) & mask_;
  Entry* victim = &table_[h];
  for (int p = 0; p < kProbes; ++p) {
    Entry& e = table_[(h + p) & mask_];
    if (e.gen == 0 || !Live(e)) {
      victim = &e;
      break;
    }
    if (e.key == key) {  // the band now points at the newer cluster
      victim = &e;
      break;
    }
  }
  victim->key = key;
  victim->slot = slot;
  victim->gen = slots_[slot].gen;
}

uint64_t NearDupIndex::Add(const MinHashSig& sig, uint64_t simhash, int64_t ts, uint64_t account_hash,
                           uint64_t ref, uint32_t* size, double min_similarity) {
  if (min_similarity < 0) min_similarity = options_.min_similarity;
  uint64_t keys[kBands];
  int best = -1;
  double best_sim = -1;
  for (int b = 0; b < kBands; ++b) {
    keys[b] = BandKey(sig, b);
    uint64_t h = Mix64(keys[b]) & mask_;
    for (int p = 0; p < kProbes; ++p) {
      const Entry& e = table_[(h + p) & mask_];
      if (e.gen == 0) break;
      if (e.key != keys[b] || !Live(e)) continue;
      const Slot& s = slots_[e.slot];
      if (s.summary.last_ts + options_.horizon < ts) continue;
      double sim = HammingDistance(s.simhash, simhash) <= options_.fast_hamming ? 1.0 : MinHashSimilarity(s.sig, sig);
      if (sim >= min_similarity && sim > best_sim) {
        best_sim = sim;
        best = static_cast<int>(e.slot);
      }
    }
  }
  uint32_t slot;
  if (best >= 0) {
    slot = static_cast<uint32_t>(best);
    Slot& s = slots_[slot];
    s.summary.size++;
    if (ts > s.summary.last_ts) s.summary.last_ts = ts;
    if (ts < s.summary.first_ts) s.summary.first_ts = ts;
  } else {
    slot = NewSlot(ts);
    Slot& s = slots_[slot];
    s.sig = sig;
    s.simhash = simhash;
    for (uint64_t& w : s.account_bits) w = 0;
    s.summary = ClusterSummary{};
    s.summary.id = next_id_++;
    s.summary.size = 1;
    s.summary.first_ts = s.summary.last_ts = ts;
    s.summary.first_ref = ref;
  }
  Slot& s = slots_[slot];
  uint64_t bit = Mix64(account_hash) & 255;
  s.account_bits[bit >> 6] |= uint64_t{1} << (bit & 63);
  for (int b = 0; b < kBands; ++b) Insert(keys[b], slot);
  *size = s.summary.size;
  return s.summary.id;
}

void NearDupIndex::Flush() {
  for (Slot& s : slots_) Close(s);
}

void NearDupIndex::Release() {
  std::vector<Slot>().swap(slots_);
  std::vector<Entry>().swap(table_);
}

}  // namespace evenhand::behavior
