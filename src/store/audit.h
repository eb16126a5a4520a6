// The audit chain: an append-only log whose every entry carries the SHA-256
// of its predecessor, so an edited, removed or reordered entry is found by
// recomputing the chain. Backend-independent; stores keep the rows.
//
// Entry hash = SHA-256 of the canonical text
//   seq \n ts \n actor \n action \n subject \n payload \n prev_hash
// and the first entry's prev_hash is 64 zeros.
//
// That text is unambiguous only because no field holds a line break:
// ValidateAuditFields() refuses one at append time (every store calls it),
// and the verifier reports a stored entry that has one as edited.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/status.h"

namespace evenhand {

struct AuditEntry {
  int64_t seq = 0;      // 1, 2, 3, ... with no gaps
  int64_t ts = 0;       // unix seconds
  std::string actor;    // who: "scan", "cli:root", a key id, ...
  std::string action;   // what: "decision", "order.accept", ...
  std::string subject;  // which item / order / account
  std::string payload;  // JSON
  std::string prev_hash;
  std::string hash;
};

inline const std::string kGenesisHash(64, '0');

// Computes the hash of `e` from its fields and e.prev_hash.
std::string ComputeAuditHash(const AuditEntry& e);

// Checks what a caller may append: actor and action non-empty, no field
// with a line break, payload empty or one JSON value. Invalid otherwise,
// with a message that names the field.
Status ValidateAuditFields(const std::string& actor, const std::string& action, const std::string& subject,
                           const std::string& payload);

// One problem found by verification.
struct AuditProblem {
  int64_t seq = 0;  // the entry where the chain breaks
  std::string what;
};

struct AuditVerifyReport {
  int64_t entries = 0;
  std::string head_hash;  // hash of the last entry (genesis when empty)
  std::vector<AuditProblem> problems;  // in chain order; at most kMaxListed
  int64_t problems_not_listed = 0;     // further problems past the first kMaxListed
  static constexpr size_t kMaxListed = 1000;
  bool ok() const { return problems.empty(); }
};

// Incremental verifier: feed entries in stored order (by seq ascending);
// it reports edits (hash mismatch), removals (seq gap or prev_hash not the
// predecessor's hash) and reorders. Each problem names the entry:
//   "entry 3: contents do not match its hash (edited)"
//   "entry 2: holds entry 3, moved here (entries reordered or renumbered)"
//   "entry 4: does not follow entry 3 (an entry before it was removed, reordered or edited)"
//   "entries 3..5 missing (removed)"
//   "entry 2: out of order, after entry 5 (reordered)"
// Memory is constant in the chain length. Removing entries from the END of
// the chain leaves a valid shorter chain: compare `entries` and `head_hash`
// with a head recorded elsewhere to catch that.
class AuditVerifier {
 public:
  void Add(const AuditEntry& e);
  AuditVerifyReport Finish();

 private:
  void Problem(int64_t seq, std::string what);
  // The seq under which `e`'s contents hash to e.hash, if one lies near e.seq.
  int64_t FindOriginalSeq(const AuditEntry& e);

  AuditVerifyReport report_;
  int64_t last_seq_ = 0;   // highest seq seen
  int64_t prev_seq_ = 0;   // seq of the entry fed just before
  std::string last_hash_ = kGenesisHash;
  int64_t probes_left_ = 1000;  // entries we still search for a moved origin
};

}  // namespace evenhand
