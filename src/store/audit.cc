#include "store/audit.h"

#include <nlohmann/json.hpp>

#include "store/audit_tree_store.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

// How far from its stored seq we look for the seq an entry was written under
// (see FindOriginalSeq): far enough for swaps and small renumberings.
constexpr int64_t kProbeWindow = 64;

bool HasLineBreak(const std::string& s) { return s.find_first_of("\n\r") != std::string::npos; }

std::string CanonicalText(const AuditEntry& e, int64_t seq) {
  std::string text;
  text.reserve(48 + e.actor.size() + e.action.size() + e.subject.size() + e.payload.size() + e.prev_hash.size());
  text += std::to_string(seq);
  text += '\n';
  text += std::to_string(e.ts);
  text += '\n';
  text += e.actor;
  text += '\n';
  text += e.action;
  text += '\n';
  text += e.subject;
  text += '\n';
  text += e.payload;
  text += '\n';
  text += e.prev_hash;
  return text;
}

std::string HashAt(const AuditEntry& e, int64_t seq) { return Sha256Hex(CanonicalText(e, seq)); }

}  // namespace

std::string ComputeAuditHash(const AuditEntry& e) { return HashAt(e, e.seq); }

std::string AuditCanonicalText(const AuditEntry& e) { return CanonicalText(e, e.seq); }



Status ValidateAuditFields(const std::string& actor, const std::string& action, const std::string& subject,
                           const std::string& payload) {
  if (actor.empty()) return Status::Invalid("audit entry: actor is empty");
  if (action.empty()) return Status::Invalid("audit entry: action is empty");
  struct Field {
    const char* name;
    const std::string* value;
  };
  for (const Field& f : {Field{"actor", &actor}, Field{"action", &action}, Field{"subject", &subject},
                         Field{"payload", &payload}}) {
    if (HasLineBreak(*f.value))
      return Status::Invalid(std::string("audit entry: ") + f.name +
                             " contains a line break, which the audit chain cannot record unambiguously");
  }
  if (!payload.empty() && !nlohmann::json::accept(payload))
    return Status::Invalid("audit entry: payload is not valid JSON");
  return Status::Ok();
}

void AuditVerifier::Problem(int64_t seq, std::string what) {
  if (report_.problems.size() < AuditVerifyReport::kMaxListed) {
    report_.problems.push_back(AuditProblem{seq, std::move(what)});
  } else {
    ++report_.problems_not_listed;
  }
}

int64_t AuditVerifier::FindOriginalSeq(const AuditEntry& e) {
  if (probes_left_ <= 0) return 0;
  --probes_left_;
  for (int64_t d = 1; d <= kProbeWindow; ++d) {
    for (int64_t candidate : {e.seq + d, e.seq - d}) {
      if (candidate >= 1 && HashAt(e, candidate) == e.hash) return candidate;
    }
  }
  return 0;
}

void AuditVerifier::Add(const AuditEntry& e) {
  const bool first = report_.entries == 0;
  ++report_.entries;
  const std::string n = std::to_string(e.seq);

  // 1. Position: seq must continue the chain with no gap.
  bool position_broken = false;
  if (e.seq <= last_seq_) {
    position_broken = true;
    if (first) {
      Problem(e.seq, "entry " + n + ": sequence numbers start at 1 (edited)");
    } else {
      Problem(e.seq, "entry " + n + ": out of order, after entry " + std::to_string(last_seq_) + " (reordered)");
    }
  } else if (e.seq > last_seq_ + 1) {
    position_broken = true;
    const int64_t a = last_seq_ + 1, b = e.seq - 1;
    Problem(a, a == b ? "entry " + std::to_string(a) + " missing (removed)"
                      : "entries " + std::to_string(a) + ".." + std::to_string(b) + " missing (removed)");
  }

  // 2. Contents: the stored hash must be the hash of the stored fields.
  bool moved = false;
  const bool malformed = HasLineBreak(e.actor) || HasLineBreak(e.action) || HasLineBreak(e.subject) ||
                         HasLineBreak(e.payload) || HasLineBreak(e.prev_hash);
  if (malformed) {
    Problem(e.seq, "entry " + n + ": a field contains a line break, which no writer stores (edited)");
  } else if (ComputeAuditHash(e) != e.hash) {
    const int64_t original = FindOriginalSeq(e);
    if (original != 0) {
      moved = true;
      Problem(e.seq, "entry " + n + ": holds entry " + std::to_string(original) +
                         ", moved here (entries reordered or renumbered)");
    } else {
      Problem(e.seq, "entry " + n + ": contents do not match its hash (edited)");
    }
  }

  // 3. Link: prev_hash must be the predecessor's stored hash. After a gap or
  // a misplaced entry the break is already reported above.
  if (!position_broken && !moved && e.prev_hash != last_hash_) {
    if (first) {
      Problem(e.seq, "entry " + n +
                         ": does not start the chain (its predecessor hash is not the genesis hash; "
                         "it was edited or entries before it were removed)");
    } else {
      Problem(e.seq, "entry " + n + ": does not follow entry " + std::to_string(prev_seq_) +
                         " (an entry before it was removed, reordered or edited)");
    }
  }

  if (e.seq > last_seq_) last_seq_ = e.seq;
  prev_seq_ = e.seq;
  last_hash_ = e.hash;
  report_.head_hash = e.hash;
}

AuditVerifyReport AuditVerifier::Finish() {
  AuditVerifyReport out = report_;
  if (out.entries == 0) out.head_hash = kGenesisHash;
  return out;
}

}  // namespace evenhand
