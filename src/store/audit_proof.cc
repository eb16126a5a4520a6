#include "store/audit_proof.h"

#include <cctype>

#include "store/audit_tree.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace evenhand {

namespace {

nlohmann::ordered_json HexList(const std::vector<tlog::Hash>& hashes) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const tlog::Hash& h : hashes) a.push_back(tlog::ToHex(h));
  return a;
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

Result<tlog::Hash> AuditTreeRoot(Store& store, uint64_t size) {
  Result<AuditTreeStore*> tree = AuditTreeOf(store);
  if (!tree.ok()) return tree.status();
  Result<uint64_t> now = (*tree)->AuditTreeSize();
  if (!now.ok()) return now.status();
  if (size > *now)
    return Status::NotFound("the audit tree has " + std::to_string(*now) + " entries, not " + std::to_string(size));
  StoreTiles tiles(**tree);
  tlog::TileSource source(tiles, size);
  return tlog::TreeHash(source, size);
}

Result<StoredCheckpoint> IssueCheckpoint(Store& store, const tlog::NoteSigner& signer, int64_t now, bool force) {
  Result<AuditTreeStore*> tree = AuditTreeOf(store);
  if (!tree.ok()) return tree.status();
  Result<uint64_t> size = (*tree)->AuditTreeSize();
  if (!size.ok()) return size.status();
  if (!force) {
    Result<std::vector<StoredCheckpoint>> newest = (*tree)->ListCheckpoints(1);
    if (!newest.ok()) return newest.status();
    // Only one signed by this key counts: a key rotated since signs anew.
    if (!newest->empty() && newest->front().size == *size &&
        tlog::VerifyNote(newest->front().note, signer.verifier_key()).ok())
      return newest->front();
  }
  Result<tlog::Hash> root = AuditTreeRoot(store, *size);
  if (!root.ok()) return root.status();
  tlog::Checkpoint c{signer.name(), *size, *root};
  Result<std::string> note = signer.Sign(tlog::FormatCheckpoint(c));
  if (!note.ok()) return note.status();
  if (Status s = (*tree)->PutCheckpoint(*size, now, *note); !s.ok()) return s;
  Result<std::vector<StoredCheckpoint>> stored = (*tree)->ListCheckpoints(1);
  if (!stored.ok()) return stored.status();
  if (stored->empty()) return Status::Internal("the checkpoint just stored is not there");
  return stored->front();
}

Result<tlog::Checkpoint> CheckCheckpoint(Store& store, const std::string& note) {
  Result<std::string> body = tlog::NoteBody(note);
  if (!body.ok()) return body.status();
  Result<tlog::Checkpoint> c = tlog::ParseCheckpoint(*body);
  if (!c.ok()) return c.status();
  Result<tlog::Hash> root = AuditTreeRoot(store, c->size);
  if (!root.ok()) return root.status();
  if (*root != c->root)
    return Status::Conflict("the checkpoint's root for " + std::to_string(c->size) + " entries is " +
                            tlog::ToHex(c->root) + ", the log's tree at that size has " + tlog::ToHex(*root) +
                            ": the log was rewritten since the checkpoint was issued, or it is another log's");
  return c;
}

Result<std::string> FindCheckpoint(Store& store, const std::string& spec) {
  if (spec == "latest" || AllDigits(spec)) {
    Result<AuditTreeStore*> tree = AuditTreeOf(store);
    if (!tree.ok()) return tree.status();
    Result<std::vector<StoredCheckpoint>> list = (*tree)->ListCheckpoints(spec == "latest" ? 1 : 1000000);
    if (!list.ok()) return list.status();
    for (const StoredCheckpoint& c : *list)
      if (spec == "latest" || std::to_string(c.size) == spec) return c.note;
    if (spec == "latest")
      return Status::NotFound("no checkpoint issued yet (`evenhand audit checkpoint --db DB --key KEY`, or "
                              "`evenhand serve --audit-key KEY`)");
    return Status::NotFound("no checkpoint of tree size " + spec + " was issued");
  }
  return spec;
}

nlohmann::ordered_json AuditEntryJson(const AuditEntry& e) {
  nlohmann::ordered_json j;
  j["seq"] = e.seq;
  j["ts"] = e.ts;
  j["actor"] = e.actor;
  j["action"] = e.action;
  j["subject"] = e.subject;
  j["payload"] = e.payload;
  j["prev_hash"] = e.prev_hash;
  j["hash"] = e.hash;
  return j;
}

namespace {

// The checkpoint in `note`, and a warning when the store's root differs.
Result<tlog::Checkpoint> ParseForProof(Store& store, const std::string& note, std::string* warning) {
  Result<std::string> body = tlog::NoteBody(note);
  if (!body.ok()) return body.status();
  Result<tlog::Checkpoint> c = tlog::ParseCheckpoint(*body);
  if (!c.ok()) return c.status();
  Result<tlog::Hash> root = AuditTreeRoot(store, c->size);
  if (!root.ok()) return root.status();
  if (*root != c->root) {
    if (!warning->empty()) *warning += "; ";
    *warning += "the checkpoint of " + std::to_string(c->size) + " entries has root " + tlog::ToHex(c->root) +
                ", the log's tree at that size " + tlog::ToHex(*root) +
                ": the log was rewritten since it was issued, or it is another log's checkpoint";
  }
  return c;
}

}  // namespace

Result<ProofAnswer> InclusionProofJson(Store& store, int64_t seq, const std::string& note, bool full) {
  ProofAnswer out;
  Result<tlog::Checkpoint> c = ParseForProof(store, note, &out.warning);
  if (!c.ok()) return c.status();
  if (seq < 1 || static_cast<uint64_t>(seq) > c->size)
    return Status::NotFound("entry " + std::to_string(seq) + " is not in the checkpoint's tree of " +
                            std::to_string(c->size) + " entries (entries are 1.." + std::to_string(c->size) + ")");
  Result<AuditTreeStore*> tree = AuditTreeOf(store);
  if (!tree.ok()) return tree.status();
  Result<AuditEntry> e = (*tree)->GetAudit(seq);
  if (!e.ok()) return e.status();
  StoreTiles tiles(**tree);
  tlog::TileSource source(tiles, c->size);
  const uint64_t index = static_cast<uint64_t>(seq - 1);
  Result<std::vector<tlog::Hash>> proof = tlog::InclusionProof(source, index, c->size);
  if (!proof.ok()) return proof.status();
  // The stored leaf, from the tiles: what the tree committed to.
  Result<tlog::Hash> leaf = source.Subtree(0, index);
  if (!leaf.ok()) return leaf.status();
  const bool v2 = (*tree)->AuditLeafVersion() >= 2;
  if (full) {
    Result<tlog::Hash> computed = AuditLeafOf(**tree, *e);
    if (!computed.ok()) return computed.status();
    if (*computed != *leaf) {
      if (!out.warning.empty()) out.warning += "; ";
      out.warning += "entry " + std::to_string(seq) + " as stored does not match its leaf in the tree (edited since)";
    }
  }
  nlohmann::ordered_json& j = out.proof;
  j["type"] = v2 ? "evenhand.inclusion/v2" : "evenhand.inclusion/v1";
  j["leaf_index"] = index;
  j["tree_size"] = c->size;
  j["leaf_hash"] = tlog::ToHex(*leaf);
  j["proof"] = HexList(*proof);
  j["checkpoint"] = note;
  if (full) {
    j["entry"] = AuditEntryJson(*e);
    if (v2) {
      Result<AuditSalts> salts = (*tree)->GetAuditSalts(seq);
      if (!salts.ok()) return salts.status();
      const AuditCommits c = CommitAudit(*e, *salts);
      nlohmann::ordered_json& entry = j["entry"];
      entry["actor_commit"] = c.actor;
      entry["payload_commit"] = c.payload;
      entry["prev_commit"] = c.prev;
      entry["salt_actor"] = salts->actor;
      entry["salt_payload"] = salts->payload;
      entry["salt_prev"] = salts->prev;
    }
  }
  return out;
}

Result<ProofAnswer> ConsistencyProofJson(Store& store, const std::string& old_note, const std::string& new_note) {
  ProofAnswer out;
  Result<tlog::Checkpoint> a = ParseForProof(store, old_note, &out.warning);
  if (!a.ok()) return a.status();
  Result<tlog::Checkpoint> b = ParseForProof(store, new_note, &out.warning);
  if (!b.ok()) return b.status();
  if (a->size > b->size)
    return Status::Invalid("the first checkpoint has " + std::to_string(a->size) + " entries, the second " +
                           std::to_string(b->size) + ": give the older checkpoint first");
  StoreTiles tiles(*AuditTreeOf(store).value());  // AuditTreeRoot above found it
  tlog::TileSource source(tiles, b->size);
  Result<std::vector<tlog::Hash>> proof = tlog::ConsistencyProof(source, a->size, b->size);
  if (!proof.ok()) return proof.status();
  nlohmann::ordered_json& j = out.proof;
  j["type"] = "evenhand.consistency/v1";
  j["old_size"] = a->size;
  j["new_size"] = b->size;
  j["proof"] = HexList(*proof);
  j["old_checkpoint"] = old_note;
  j["new_checkpoint"] = new_note;
  return out;
}

}  // namespace evenhand
