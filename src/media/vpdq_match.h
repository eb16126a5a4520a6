// The vPDQ reference's video-level matching rules, by brute force over two
// hash lists (the definition the indexed VideoBank must agree with).
//
//   kPyTx (python-threatexchange's vPDQ signal, HMA; the default): identical
//     hashes de-duplicated (first occurrence kept), then frames of quality
//     < 50 dropped; a frame matches when some frame of the other video is at
//     Hamming distance <= 31; query % = matched query frames / query frames,
//     target % likewise; a MATCH iff query % >= 80 and target % >= 0.
//   kCppBrute (the C++ match-hashes-brute tool): no de-duplication, quality
//     >= 50, distance < 31 (strict); prints both percentages.
// Either list empty after filtering: both percentages 0 (and no match).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "media/vpdq.h"
#include "model/hash256.h"

namespace evenhand {

struct VpdqMatchRule {
  int distance = 31;             // per-frame threshold
  bool strict = false;           // true: distance < threshold; false: <=
  bool dedupe = true;            // drop repeated identical hashes first
  int min_quality = 50;          // frames below are dropped
  double query_pct = 80.0;       // match iff query % >= this ...
  double target_pct = 0.0;       // ... and target % >= this
  // The per-frame radius for an index search (distance within it matches).
  int radius() const { return strict ? distance - 1 : distance; }

  static VpdqMatchRule PyTx() { return VpdqMatchRule{}; }
  static VpdqMatchRule CppBrute() {
    VpdqMatchRule r;
    r.strict = true;
    r.dedupe = false;
    return r;
  }
};

struct VpdqMatchResult {
  double query_pct = 0;
  double target_pct = 0;
  bool match = false;
  int distance = -1;  // smallest frame distance within the threshold; -1 if none
};

// The hashes the rule compares: de-duplicated (if the rule says so) and
// quality-filtered, in frame order. *out is replaced.
void UsableHashes(const std::vector<VpdqFrame>& frames, const VpdqMatchRule& rule, std::vector<Hash256>* out);
// The same, with the caller's scratch for the de-duplication (sorted copies
// of the hashes with their frame index): no allocation once it is warm.
void UsableHashes(const std::vector<VpdqFrame>& frames, const VpdqMatchRule& rule, std::vector<Hash256>* out,
                  std::vector<std::pair<Hash256, uint32_t>>* scratch);

VpdqMatchResult MatchVpdq(const std::vector<VpdqFrame>& query, const std::vector<VpdqFrame>& target,
                          const VpdqMatchRule& rule = VpdqMatchRule::PyTx());

}  // namespace evenhand
