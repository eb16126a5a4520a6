// RFC 9162 Merkle tree hashes and proofs (sections 2.1.2 to 2.1.4.2) over any
// source of complete-subtree hashes, and their verification.
//
// A tree of n leaves: MTH(D[n]) as RFC 9162 2.1.1 defines it. Proof paths
// are listed bottom up, as the RFC lists them. The producers read O(log n)
// subtree hashes from the source; the verifiers are pure functions and
// return Ok or a failed Status saying what does not hold.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/status.h"
#include "tlog/hash.h"

namespace evenhand::tlog {

// Where the hashes of complete subtrees come from (tiles, memory, ...).
// Subtree(height, index) is MTH of leaves [index << height, (index + 1) << height);
// callers ask only for subtrees that lie inside the tree they prove about.
class SubtreeSource {
 public:
  virtual ~SubtreeSource() = default;
  virtual Result<Hash> Subtree(int height, uint64_t index) = 0;
};

// MTH(D[begin:end]) for 0 <= begin < end.
Result<Hash> RangeHash(SubtreeSource& source, uint64_t begin, uint64_t end);
// MTH of the first `size` leaves (the empty-tree hash for 0).
Result<Hash> TreeHash(SubtreeSource& source, uint64_t size);
// PATH(index, D[size]), index < size.
Result<std::vector<Hash>> InclusionProof(SubtreeSource& source, uint64_t index, uint64_t size);
// PROOF(old_size, D[new_size]), old_size <= new_size; empty when old_size is
// 0 or equals new_size (nothing to prove beyond equal roots).
Result<std::vector<Hash>> ConsistencyProof(SubtreeSource& source, uint64_t old_size, uint64_t new_size);

// RFC 9162 2.1.3.2: does `proof` show leaf hash `leaf` at `index` in the tree
// of `size` leaves whose root is `root`?
Status VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof,
                       const Hash& root);
// RFC 9162 2.1.4.2: is the tree (new_size, new_root) an append-only
// extension of (old_size, old_root)?
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof);
// The root that `proof` implies for the tree of `size` leaves (the
// inclusion verifier without the final comparison).
Result<Hash> RootFromInclusionProof(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof);

// MTH of a stream of leaf hashes in O(log n) memory: Add each leaf hash in
// order, Root() at any point gives MTH of those added so far.
class StreamingRoot {
 public:
  void Add(const Hash& leaf);
  Hash Root() const;
  uint64_t size() const { return size_; }

 private:
  // stack_[i]: a perfect subtree, larger ones first; their sizes are the
  // set bits of size_, high to low.
  Hash stack_[64];
  int depth_ = 0;
  uint64_t size_ = 0;
};

}  // namespace evenhand::tlog
