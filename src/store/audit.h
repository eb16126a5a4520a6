// The audit chain: an append-only log whose every entry carries the SHA-256
// of its predecessor, so an edited, removed or reordered entry is found by
// recomputing the chain. Backend-independent; stores keep the rows.
//
// Entry hash = SHA-256 of the canonical text
//   seq \n ts \n actor \n action \n subject \n payload \n prev_hash
// and the first entry's prev_hash is 64 zeros.
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

// One problem found by verification.
struct AuditProblem {
  int64_t seq = 0;  // the entry where the chain breaks
  std::string what;
};

struct AuditVerifyReport {
  int64_t entries = 0;
  std::string head_hash;  // hash of the last entry (genesis when empty)
  std::vector<AuditProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Incremental verifier: feed entries in stored order (by seq ascending);
// it reports edits (hash mismatch), removals (seq gap or prev_hash not the
// predecessor's hash) and reorders.
class AuditVerifier {
 public:
  void Add(const AuditEntry& e);
  AuditVerifyReport Finish();

 private:
  AuditVerifyReport report_;
  int64_t last_seq_ = 0;
  std::string last_hash_ = kGenesisHash;
};

}  // namespace evenhand
