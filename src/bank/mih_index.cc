#include "bank/mih_index.h"

#include <algorithm>
#include <bit>
#include <mutex>

namespace evenhand {
namespace {

constexpr int kChunks = 16;
constexpr int kBuckets = 1 << 16;
constexpr int kMaxIndexedRadius = 47;  // floor(47 / 16) = 2 flips per chunk
constexpr int kSigChunks = 6;          // chunks c+1 .. c+6 (mod 16) ride in table c's entries
constexpr int kMaxProbes = 1 + 16 + 120;  // values within 2 bits of a 16-bit chunk

inline int ChunkDistance(const Hash256& x, int c) { return std::popcount(x.Chunk(c)); }

// True when chunk c is the first chunk of x (the XOR of query and candidate)
// within `flips` bits: the one chunk that reports this candidate.
inline bool FirstCloseChunk(const Hash256& x, int c, int flips) {
  for (int k = 0; k < c; ++k) {
    if (ChunkDistance(x, k) <= flips) return false;
  }
  return true;
}

inline Hash256 Xor(const Hash256& a, const Hash256& b) {
  Hash256 x;
  for (int i = 0; i < 4; ++i) x.w[i] = a.w[i] ^ b.w[i];
  return x;
}

// Table c's 96-bit signature of h: chunks c+1..c+4 in lo, c+5..c+6 in hi.
inline void Signature(const Hash256& h, int c, uint64_t* lo, uint32_t* hi) {
  uint64_t l = 0;
  for (int k = 0; k < 4; ++k) l |= uint64_t{h.Chunk((c + 1 + k) % kChunks)} << (16 * k);
  *lo = l;
  *hi = h.Chunk((c + 5) % kChunks) | (uint32_t{h.Chunk((c + 6) % kChunks)} << 16);
}

// Earlier chunks (k < c) that are not in table c's signature. A candidate
// reported through table c has each of them more than `flips` bits off
// (else an earlier table reports it), so each adds flips + 1 to the bound.
inline int EarlierOutsideSignature(int c) { return std::min(c, kChunks - 1 - kSigChunks); }

// One entry of a chunk table: 16 bytes, four to a cache line.
struct TableEntry {
  uint64_t lo;  // signature, chunks c+1..c+4
  uint32_t hi;  // signature, chunks c+5..c+6
  uint32_t id;
};
static_assert(sizeof(TableEntry) == 16);

}  // namespace

// One immutable multi-index over ids [begin, end): per chunk, a CSR table
// from the 16-bit chunk value to entries. An entry carries, beside the id,
// 96 more bits of the hash (its signature for that table), so a scan
// rejects nearly every candidate from the table's own sequential memory and
// reads the scattered full hash only for the few that may be in range.
struct HashIndex::Segment {
  uint32_t begin = 0, end = 0;
  BigArray<uint32_t> offsets;  // kChunks * (kBuckets + 1)
  BigArray<TableEntry> entries;     // kChunks * count, table by table
  uint32_t count = 0;          // ids indexed (removed ones are left out)

  void Build(const BigArray<Hash256>& hashes, const std::vector<uint8_t>& removed, uint32_t b, uint32_t e) {
    begin = b;
    end = e;
    count = 0;
    for (uint32_t id = b; id < e; ++id) count += removed[id] == 0;
    offsets.resize(static_cast<size_t>(kChunks) * (kBuckets + 1));
    entries.resize(static_cast<size_t>(kChunks) * count);
    for (int c = 0; c < kChunks; ++c) {
      uint32_t* off = offsets.data() + static_cast<size_t>(c) * (kBuckets + 1);
      std::fill(off, off + kBuckets + 1, 0u);
      for (uint32_t id = b; id < e; ++id) {
        if (!removed[id]) ++off[hashes[id].Chunk(c) + 1];
      }
      for (int v = 0; v < kBuckets; ++v) off[v + 1] += off[v];
      TableEntry* table = entries.data() + static_cast<size_t>(c) * count;
      // Fill with a moving cursor per bucket, then restore the offsets.
      for (uint32_t id = b; id < e; ++id) {
        if (removed[id]) continue;
        TableEntry& entry = table[off[hashes[id].Chunk(c)]++];
        Signature(hashes[id], c, &entry.lo, &entry.hi);
        entry.id = id;
      }
      for (int v = kBuckets; v > 0; --v) off[v] = off[v - 1];
      off[0] = 0;
    }
  }

  size_t Bytes() const { return offsets.capacity() * sizeof(uint32_t) + entries.capacity() * sizeof(TableEntry); }
};

namespace {

// The probe values of one chunk: the query's value, then those 1 and 2 bits away.
int ProbeValues(uint16_t qc, int flips, uint16_t* values, uint8_t* dist) {
  int n = 0;
  values[n] = qc;
  dist[n++] = 0;
  if (flips >= 1) {
    for (int b = 0; b < 16; ++b) {
      values[n] = static_cast<uint16_t>(qc ^ (1u << b));
      dist[n++] = 1;
    }
  }
  if (flips >= 2) {
    for (int b1 = 0; b1 < 16; ++b1) {
      for (int b2 = b1 + 1; b2 < 16; ++b2) {
        values[n] = static_cast<uint16_t>(qc ^ (1u << b1) ^ (1u << b2));
        dist[n++] = 2;
      }
    }
  }
  return n;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// A popcnt-instruction clone chosen at load time where the CPU has one.
#define EVENHAND_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define EVENHAND_POPCNT_CLONES
#endif

// Scans one segment's tables for `q`. All bucket bounds of the query are
// gathered (and their cache lines prefetched) before any is scanned, so the
// scattered reads overlap instead of queueing one behind another.
EVENHAND_POPCNT_CLONES
void SearchTables(const uint32_t* offsets, const TableEntry* entries, uint32_t count,
                  const Hash256* hashes, const uint8_t* removed, const Hash256& q, int radius,
                  std::vector<HashMatch>* out) {
  const int flips = radius / kChunks;
  uint16_t values[kMaxProbes];
  uint8_t dist[kMaxProbes];
  int nvalues = 0;
  for (int c = 0; c < kChunks; ++c) {
    const uint32_t* off = offsets + static_cast<size_t>(c) * (kBuckets + 1);
    nvalues = ProbeValues(q.Chunk(c), flips, values, dist);
    for (int i = 0; i < nvalues; ++i) __builtin_prefetch(off + values[i]);
  }
  struct Run {
    uint32_t begin, end;
  };
  Run runs[kMaxProbes];
  for (int c = 0; c < kChunks; ++c) {
    const int slack = radius - (flips + 1) * EarlierOutsideSignature(c);
    if (slack < 0) continue;  // every candidate here is reported by an earlier table
    const uint32_t* off = offsets + static_cast<size_t>(c) * (kBuckets + 1);
    const TableEntry* table = entries + static_cast<size_t>(c) * count;
    nvalues = ProbeValues(q.Chunk(c), flips, values, dist);
    for (int i = 0; i < nvalues; ++i) {
      runs[i] = {off[values[i]], off[values[i] + 1]};
      __builtin_prefetch(table + runs[i].begin);
    }
    uint64_t qlo;
    uint32_t qhi;
    Signature(q, c, &qlo, &qhi);
    for (int i = 0; i < nvalues; ++i) {
      const int threshold = slack - dist[i];
      if (threshold < 0) continue;
      const TableEntry* p = table + runs[i].begin;
      const TableEntry* stop = table + runs[i].end;
      for (; p < stop; ++p) {
        if (std::popcount(p->lo ^ qlo) + std::popcount(p->hi ^ qhi) > threshold) continue;
        const uint32_t id = p->id;
        const Hash256& h = hashes[id];
        const int d = Distance(q, h);
        if (d > radius || removed[id] || !FirstCloseChunk(Xor(q, h), c, flips)) continue;
        out->push_back({id, d});
      }
    }
  }
}

}  // namespace

HashIndex::HashIndex() = default;
HashIndex::~HashIndex() = default;

uint32_t HashIndex::Add(const Hash256* hashes, size_t n) {
  std::unique_lock lock(mu_);
  const uint32_t first = static_cast<uint32_t>(hashes_.size());
  hashes_.reserve(hashes_.size() + n);
  for (size_t i = 0; i < n; ++i) {
    hashes_.push_back(hashes[i]);
    removed_.push_back(0);
  }
  if (hashes_.size() - indexed_ > kDeltaMax) FlushDeltaLocked();
  return first;
}

// Turns the delta into a segment, then merges trailing segments while the
// newer one is at least half the size of the one before it (so sizes grow
// geometrically and each id is rebuilt O(log n) times).
void HashIndex::FlushDeltaLocked() {
  const uint32_t end = static_cast<uint32_t>(hashes_.size());
  if (end == indexed_) return;
  auto seg = std::make_unique<Segment>();
  seg->Build(hashes_, removed_, indexed_, end);
  segments_.push_back(std::move(seg));
  indexed_ = end;
  while (segments_.size() >= 2) {
    Segment& last = *segments_.back();
    Segment& prev = *segments_[segments_.size() - 2];
    if (2 * static_cast<uint64_t>(last.end - last.begin) < static_cast<uint64_t>(prev.end - prev.begin)) break;
    auto merged = std::make_unique<Segment>();
    merged->Build(hashes_, removed_, prev.begin, last.end);
    segments_.pop_back();
    segments_.back() = std::move(merged);
  }
}

void HashIndex::Compact() {
  std::unique_lock lock(mu_);
  segments_.clear();
  indexed_ = 0;
  const uint32_t end = static_cast<uint32_t>(hashes_.size());
  if (end == 0) return;
  auto seg = std::make_unique<Segment>();
  seg->Build(hashes_, removed_, 0, end);
  segments_.push_back(std::move(seg));
  indexed_ = end;
}

bool HashIndex::Remove(uint32_t id) {
  std::unique_lock lock(mu_);
  if (id >= hashes_.size() || removed_[id]) return false;
  removed_[id] = 1;
  ++removed_count_;
  return true;
}

void HashIndex::SearchLinear(const Hash256& q, int radius, uint32_t begin, uint32_t end,
                             std::vector<HashMatch>* out) const {
  for (uint32_t id = begin; id < end; ++id) {
    int d = Distance(q, hashes_[id]);
    if (d <= radius && !removed_[id]) out->push_back({id, d});
  }
}

void HashIndex::Search(const Hash256& q, int radius, std::vector<HashMatch>* out) const {
  std::shared_lock lock(mu_);
  if (radius < 0) return;
  if (radius > kMaxIndexedRadius) {
    SearchLinear(q, radius, 0, static_cast<uint32_t>(hashes_.size()), out);
    return;
  }
  for (const auto& seg : segments_) {
    SearchTables(seg->offsets.data(), seg->entries.data(), seg->count, hashes_.data(), removed_.data(), q, radius,
                 out);
  }
  SearchLinear(q, radius, indexed_, static_cast<uint32_t>(hashes_.size()), out);
}

size_t HashIndex::size() const {
  std::shared_lock lock(mu_);
  return hashes_.size();
}

size_t HashIndex::live_size() const {
  std::shared_lock lock(mu_);
  return hashes_.size() - removed_count_;
}

Hash256 HashIndex::hash(uint32_t id) const {
  std::shared_lock lock(mu_);
  return hashes_[id];
}

bool HashIndex::removed(uint32_t id) const {
  std::shared_lock lock(mu_);
  return id < removed_.size() && removed_[id] != 0;
}

size_t HashIndex::segment_count() const {
  std::shared_lock lock(mu_);
  return segments_.size();
}

size_t HashIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t bytes = hashes_.capacity() * sizeof(Hash256) + removed_.capacity();
  for (const auto& s : segments_) bytes += s->Bytes();
  return bytes;
}

}  // namespace evenhand
