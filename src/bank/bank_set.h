// BankSet: the banks a policy names, matched together for one image.
//
// Match takes one image's hashes (1, or the 8 dihedral variants) and its
// PDQ quality, and gives per bank the smallest distance within that bank's
// radius (or -1). Rules, in order:
//  - quality below min_quality (default 50, upstream's advice) never matches;
//  - a match in any negative (safe) bank suppresses every positive match.
//
// Immutable once built; Match is thread safe and allocates nothing once the
// caller's Scratch is warm.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bank/bank.h"

namespace evenhand {

class BankSet {
 public:
  struct Scratch {
    std::vector<HashMatch> matches;
  };
  struct Outcome {
    bool low_quality = false;  // not matched at all: quality < min_quality
    bool suppressed = false;   // a safe bank matched
  };

  // dihedral: match all the hashes given to Match (the 8 variants), not only the first.
  void Add(std::shared_ptr<const Bank> bank, int radius = kDefaultMatchRadius, bool dihedral = false) {
    dihedral_ |= dihedral;
    banks_.push_back({std::move(bank), radius, dihedral});
  }
  // True when some bank wants dihedral queries (so the caller hashes all 8).
  bool any_dihedral() const { return dihedral_; }
  void set_min_quality(int q) { min_quality_ = q; }
  int min_quality() const { return min_quality_; }

  size_t size() const { return banks_.size(); }
  const Bank& bank(size_t i) const { return *banks_[i].bank; }
  int radius(size_t i) const { return banks_[i].radius; }
  // Index of the bank called `name`, or -1.
  int Find(const std::string& name) const;

  // best[i] (size() entries) = smallest distance to bank i within its radius, else -1.
  // hashes[0] is the image's hash; hashes[1..n) its other dihedral variants,
  // used only for banks added with dihedral = true.
  Outcome Match(const Hash256* hashes, size_t n, int quality, Scratch* scratch, int* best) const;

 private:
  struct Entry {
    std::shared_ptr<const Bank> bank;
    int radius;
    bool dihedral;
  };
  std::vector<Entry> banks_;
  bool dihedral_ = false;
  int min_quality_ = 50;
};

}  // namespace evenhand
