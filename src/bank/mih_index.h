// HashIndex: an exact radius search over 256-bit hashes by multi-index
// hashing (Norouzi et al.): the hash is cut into sixteen 16-bit chunks, and
// by pigeonhole a hash within radius r of the query has at least one chunk
// within floor(r / 16) bits of the query's chunk (r <= 31: one chunk within
// one bit). Each chunk has a table from 16-bit value to entry ids; a query
// probes, per chunk, the value and its neighbours within floor(r/16) bits,
// and verifies each candidate by its full Hamming distance.
//
// Each table entry carries, beside the id, 96 more bits of its hash (the six
// chunks after the table's own), so nearly every candidate is rejected from
// the table's sequential memory, never touching the scattered hash array.
// Candidates a table would not report (an earlier chunk within
// floor(r/16) bits) tighten that filter further. Memory: 16 bytes per hash
// per table, about 285 MiB per million hashes in all.
//
// Promises:
//  - Search returns exactly the live entries within `radius` (0..47; larger
//    radii fall back to a linear scan), each once, whatever the data: it
//    equals brute force (tests/bank_index_test.cc checks this property).
//  - De-duplication needs no memory: a candidate found through chunk c is
//    reported only when c is the first chunk within floor(r/16) bits.
//  - Add and Remove work without a full rebuild: adds go to a small linear
//    delta, then into segments merged log-structured (amortised
//    O(log n) work per add); Remove sets a tombstone.
//  - Thread safety: any number of concurrent Search calls; Add/Remove take
//    an exclusive lock and may run beside searches (which then wait).
//    Search allocates nothing except growing *out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "bank/big_array.h"
#include "model/hash256.h"

namespace evenhand {

struct HashMatch {
  uint32_t id = 0;  // entry id: the order of Add, from 0
  int distance = 0;
};

class HashIndex {
 public:
  HashIndex();
  ~HashIndex();
  HashIndex(const HashIndex&) = delete;
  HashIndex& operator=(const HashIndex&) = delete;

  // Adds hashes; ids continue from size(). Returns the first new id.
  uint32_t Add(const Hash256* hashes, size_t n);
  uint32_t Add(const Hash256& h) { return Add(&h, 1); }
  // Marks an entry removed; false when the id is unknown or already removed.
  bool Remove(uint32_t id);
  // Rebuilds into one segment (drops nothing; removed ids stay reserved).
  void Compact();

  // Appends every live entry within `radius` of `query` to *out (unordered).
  void Search(const Hash256& query, int radius, std::vector<HashMatch>* out) const;

  size_t size() const;        // ids handed out, removed ones included
  size_t live_size() const;   // ids not removed
  Hash256 hash(uint32_t id) const;
  bool removed(uint32_t id) const;
  // Bytes held by hashes, tables and tombstones.
  size_t MemoryBytes() const;
  size_t segment_count() const;

  static constexpr size_t kDeltaMax = 2048;

 private:
  struct Segment;
  void FlushDeltaLocked();
  void SearchLinear(const Hash256& q, int radius, uint32_t begin, uint32_t end, std::vector<HashMatch>* out) const;

  mutable std::shared_mutex mu_;
  BigArray<Hash256> hashes_;
  std::vector<uint8_t> removed_;
  size_t removed_count_ = 0;
  std::vector<std::unique_ptr<Segment>> segments_;  // cover ids [0, indexed_)
  uint32_t indexed_ = 0;                            // ids >= indexed_ are the linear delta
};

}  // namespace evenhand
