#include "tlog/proof.h"

#include <bit>
#include <string>

namespace evenhand::tlog {

Result<Hash> RangeHash(SubtreeSource& source, uint64_t begin, uint64_t end) {
  if (end <= begin) return Status::Internal("tlog: empty range [" + std::to_string(begin) + ", " + std::to_string(end) + ")");
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) return source.Subtree(std::countr_zero(n), begin / n);
  const uint64_t k = SplitPoint(n);
  Result<Hash> left = RangeHash(source, begin, begin + k);
  if (!left.ok()) return left.status();
  Result<Hash> right = RangeHash(source, begin + k, end);
  if (!right.ok()) return right.status();
  return NodeHash(*left, *right);
}

Result<Hash> TreeHash(SubtreeSource& source, uint64_t size) {
  if (size == 0) return EmptyTreeHash();
  return RangeHash(source, 0, size);
}

namespace {

// PATH(m, D[begin:end]) appended to *out, bottom up.
Status Path(SubtreeSource& source, uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (n <= 1) return Status::Ok();
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    if (Status s = Path(source, m, begin, begin + k, out); !s.ok()) return s;
    Result<Hash> h = RangeHash(source, begin + k, end);
    if (!h.ok()) return h.status();
    out->push_back(*h);
  } else {
    if (Status s = Path(source, m - k, begin + k, end, out); !s.ok()) return s;
    Result<Hash> h = RangeHash(source, begin, begin + k);
    if (!h.ok()) return h.status();
    out->push_back(*h);
  }
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], b) appended to *out.
Status Subproof(SubtreeSource& source, uint64_t m, uint64_t begin, uint64_t end, bool b, std::vector<Hash>* out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (b) return Status::Ok();
    Result<Hash> h = RangeHash(source, begin, end);
    if (!h.ok()) return h.status();
    out->push_back(*h);
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    if (Status s = Subproof(source, m, begin, begin + k, b, out); !s.ok()) return s;
    Result<Hash> h = RangeHash(source, begin + k, end);
    if (!h.ok()) return h.status();
    out->push_back(*h);
  } else {
    if (Status s = Subproof(source, m - k, begin + k, end, false, out); !s.ok()) return s;
    Result<Hash> h = RangeHash(source, begin, begin + k);
    if (!h.ok()) return h.status();
    out->push_back(*h);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Hash>> InclusionProof(SubtreeSource& source, uint64_t index, uint64_t size) {
  if (index >= size)
    return Status::Invalid("entry " + std::to_string(index) + " is not in a tree of " + std::to_string(size) +
                           " entries");
  std::vector<Hash> out;
  out.reserve(64);
  if (Status s = Path(source, index, 0, size, &out); !s.ok()) return s;
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(SubtreeSource& source, uint64_t old_size, uint64_t new_size) {
  if (old_size > new_size)
    return Status::Invalid("tree size " + std::to_string(old_size) + " is larger than " + std::to_string(new_size) +
                           ": a log only grows");
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  out.reserve(64);
  if (Status s = Subproof(source, old_size, 0, new_size, true, &out); !s.ok()) return s;
  return out;
}

Result<Hash> RootFromInclusionProof(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof) {
  if (index >= size)
    return Status::Invalid("inclusion proof: entry index " + std::to_string(index) + " is not below the tree size " +
                           std::to_string(size));
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return Status::Invalid("inclusion proof: longer than a tree of this size needs");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0)
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Invalid("inclusion proof: shorter than a tree of this size needs");
  return r;
}

Status VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size, std::span<const Hash> proof,
                       const Hash& root) {
  Result<Hash> r = RootFromInclusionProof(leaf, index, size, proof);
  if (!r.ok()) return r.status();
  if (*r != root)
    return Status::Invalid("inclusion proof: the entry and path give root " + ToHex(*r) + ", the checkpoint says " +
                           ToHex(root));
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         std::span<const Hash> proof) {
  if (old_size > new_size)
    return Status::Invalid("consistency proof: old size " + std::to_string(old_size) + " is larger than new size " +
                           std::to_string(new_size));
  if (old_size == new_size) {
    if (!proof.empty()) return Status::Invalid("consistency proof: must be empty for equal sizes");
    if (old_root != new_root) return Status::Invalid("consistency proof: same size, different roots (a fork)");
    return Status::Ok();
  }
  if (old_size == 0) {
    if (!proof.empty()) return Status::Invalid("consistency proof: must be empty from the empty tree");
    return Status::Ok();
  }
  if (proof.empty()) return Status::Invalid("consistency proof: empty");
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Status::Invalid("consistency proof: longer than these sizes need");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0)
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Invalid("consistency proof: shorter than these sizes need");
  if (fr != old_root)
    return Status::Invalid("consistency proof: does not lead to the old root " + ToHex(old_root) +
                           " (the old tree is not a prefix of the new one)");
  if (sr != new_root)
    return Status::Invalid("consistency proof: does not lead to the new root " + ToHex(new_root));
  return Status::Ok();
}

void StreamingRoot::Add(const Hash& leaf) {
  Hash h = leaf;
  // Merge equal-sized perfect subtrees: one per trailing set bit of size_.
  for (uint64_t n = size_; (n & 1) == 1; n >>= 1) h = NodeHash(stack_[--depth_], h);
  stack_[depth_++] = h;
  ++size_;
}

Hash StreamingRoot::Root() const {
  if (depth_ == 0) return EmptyTreeHash();
  Hash h = stack_[depth_ - 1];
  for (int i = depth_ - 2; i >= 0; --i) h = NodeHash(stack_[i], h);
  return h;
}

}  // namespace evenhand::tlog
