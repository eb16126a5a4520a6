#include "store/audit_leaf.h"

#include <charconv>

namespace evenhand {

namespace {

std::string Salt(std::string_view secret, std::string_view kind, int64_t seq) {
  std::string msg(kind);
  msg += '\n';
  msg += std::to_string(seq);
  return tlog::ToHex(tlog::HmacSha256(secret, msg));
}

}  // namespace

AuditSalts DeriveAuditSalts(std::string_view secret, int64_t seq) {
  return {Salt(secret, "actor", seq), Salt(secret, "payload", seq), Salt(secret, "prev", seq)};
}

std::string AuditCommit(std::string_view kind, std::string_view salt_hex, std::string_view value) {
  std::string text;
  text.reserve(kAuditCommitTag.size() + kind.size() + salt_hex.size() + value.size() + 3);
  text += kAuditCommitTag;
  text += '\n';
  text += kind;
  text += '\n';
  text += salt_hex;
  text += '\n';
  text += value;
  return tlog::ToHex(tlog::Sha256(text));
}

AuditCommits CommitAudit(const AuditEntry& e, const AuditSalts& s) {
  return {AuditCommit("actor", s.actor, e.actor), AuditCommit("payload", s.payload, e.payload),
          AuditCommit("prev", s.prev, e.prev_hash)};
}

std::string AuditLeafDataV2(const AuditEntry& e, const AuditCommits& c) {
  std::string text;
  text.reserve(kAuditLeafV2Tag.size() + 48 + e.action.size() + e.subject.size() + 3 * 65);
  text += kAuditLeafV2Tag;
  text += '\n';
  text += std::to_string(e.seq);
  text += '\n';
  text += std::to_string(e.ts);
  text += '\n';
  text += e.action;
  text += '\n';
  text += e.subject;
  text += '\n';
  text += c.actor;
  text += '\n';
  text += c.payload;
  text += '\n';
  text += c.prev;
  return text;
}

tlog::Hash AuditLeafHashV2(const AuditEntry& e, const AuditSalts& salts) {
  return tlog::LeafHash(AuditLeafDataV2(e, CommitAudit(e, salts)));
}

tlog::Hash AuditLeafHashV2(const AuditEntry& e, std::string_view secret) {
  char seq_buf[24], ts_buf[24];
  const std::string_view seq(seq_buf, static_cast<size_t>(std::to_chars(seq_buf, seq_buf + sizeof seq_buf, e.seq).ptr - seq_buf));
  const std::string_view ts(ts_buf, static_cast<size_t>(std::to_chars(ts_buf, ts_buf + sizeof ts_buf, e.ts).ptr - ts_buf));
  constexpr std::string_view kKinds[3] = {"actor", "payload", "prev"};
  const std::string_view values[3] = {e.actor, e.payload, e.prev_hash};
  char salt[64], commit[3][64];
  for (int k = 0; k < 3; ++k) {
    tlog::ToHex(tlog::HmacSha256Parts(secret, {kKinds[k], "\n", seq}), salt);
    tlog::ToHex(tlog::Sha256Parts({kAuditCommitTag, "\n", kKinds[k], "\n", std::string_view(salt, 64), "\n", values[k]}),
                commit[k]);
  }
  return tlog::Sha256Parts({kAuditLeafV2Tag, "\n", seq, "\n", ts, "\n", e.action, "\n", e.subject, "\n",
                            std::string_view(commit[0], 64), "\n", std::string_view(commit[1], 64), "\n",
                            std::string_view(commit[2], 64)},
                           0x00);
}

}  // namespace evenhand
