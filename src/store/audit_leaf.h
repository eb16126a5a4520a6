// Leaf data v2 of the audit log's Merkle tree (schema v10, docs/AUDIT.md
// "Formats"): the entry's actor, payload and chain link enter the leaf only
// as salted commitments, so that a leaf hash, or an entry shown with its
// actor withheld, gives no way to test a guessed actor or payload.
//
//   leaf data = "evenhand.audit.leaf/v2" \n seq \n ts \n action \n subject \n
//               ACTOR_COMMIT \n PAYLOAD_COMMIT \n PREV_COMMIT
//   X_COMMIT  = hex SHA-256("evenhand.audit.commit/v2" \n KIND \n SALT \n value)
//               KIND = actor | payload | prev; value = actor, payload, prev_hash
//   SALT      = hex HMAC-SHA256(store secret, KIND \n seq)
//
// The store secret (32 random bytes, made once per store by the v10
// migration) stays in the store: only salts leave it, one entry and one
// kind at a time, to those who may see that field (server/field_visibility.h).
// Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/audit.h"
#include "tlog/hash.h"

namespace evenhand {

inline constexpr std::string_view kAuditLeafV2Tag = "evenhand.audit.leaf/v2";
inline constexpr std::string_view kAuditCommitTag = "evenhand.audit.commit/v2";

struct AuditSalts {
  std::string actor, payload, prev;  // 64 lowercase hex digits each
};
struct AuditCommits {
  std::string actor, payload, prev;  // 64 lowercase hex digits each
};

AuditSalts DeriveAuditSalts(std::string_view secret, int64_t seq);
std::string AuditCommit(std::string_view kind, std::string_view salt_hex, std::string_view value);
AuditCommits CommitAudit(const AuditEntry& e, const AuditSalts& salts);
std::string AuditLeafDataV2(const AuditEntry& e, const AuditCommits& commits);
tlog::Hash AuditLeafHashV2(const AuditEntry& e, const AuditSalts& salts);
// The same leaf hash from the store secret, computed in place (the tree's
// append path: no string is built; equal to the above with DeriveAuditSalts).
tlog::Hash AuditLeafHashV2(const AuditEntry& e, std::string_view secret);

}  // namespace evenhand
