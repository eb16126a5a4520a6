// The audit log's Merkle tree over HTTP (docs/AUDIT.md, docs/API.md):
//   GET /v1/audit/key          public: the verifier key of the checkpoints
//   GET /v1/audit/checkpoint   public: the newest signed checkpoint (text)
//   GET /v1/audit/proof?entry=N[&checkpoint=SIZE|latest]
//   GET /v1/audit/consistency?from=SIZE&to=SIZE|latest
// Staff roles get every entry in full. An authority's key gets an entry
// about its own order or data request only when that case's history shows
// the action to it, redacted by the same table (server/field_visibility.h:
// never the actor, nor a user's appeal text), with `withheld` naming what
// is missing; every other entry only as its leaf hash (the proof still
// proves it). Checkpoints are issued by the writer
// (AttachCheckpoint after a case changes, the checkpointer thread while
// entries arrive) and kept in the store, so a SIZE names one.
#include <chrono>

#include "model/time.h"
#include "server/api.h"
#include "server/field_visibility.h"
#include "store/audit_proof.h"
#include "store/audit_tree_store.h"
#include "tlog/checkpoint.h"

namespace evenhand::server {

namespace {

bool ParseCount(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// A query value naming a stored checkpoint: a tree size or "latest".
bool CheckpointSpec(const std::string& s) {
  int64_t n = 0;
  return s == "latest" || ParseCount(s, &n);
}

}  // namespace

ApiResponse Api::AuditKey(Ctx&) {
  if (!signer_) return Error(404, "not_found", "this server signs no checkpoints (start it with --audit-key)");
  nlohmann::ordered_json j;
  j["verifier_key"] = signer_->verifier_key();
  j["origin"] = signer_->name();
  j["format"] = "C2SP signed-note, Ed25519; checkpoints in C2SP tlog-checkpoint form";
  return Json(200, j);
}

ApiResponse Api::AuditCheckpoint(Ctx&) {
  Result<std::string> note = Status::Internal("not run");
  {
    ReadLease rd(this);
    note = FindCheckpoint(*rd->store, "latest");
  }
  if (!note.ok()) return FromStatus(note.status());
  ApiResponse r;
  r.status = 200;
  r.body = *note;
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

ApiResponse Api::AuditProof(Ctx& c) {
  int64_t entry = 0;
  if (!ParseCount(c.Query("entry"), &entry) || entry < 1)
    return Error(400, "bad_query", "entry: give the audit entry's number (1, 2, ...)");
  std::string spec = c.Query("checkpoint");
  if (spec.empty()) spec = "latest";
  if (!CheckpointSpec(spec))
    return Error(400, "bad_query", "checkpoint: a tree size the log issued a checkpoint for, or latest");
  ReadLease rd(this);
  Store& store = *rd->store;
  // Staff: in full. An authority: the entry only when it is about one of
  // its own cases and its history shows the action, and then only what the
  // field-visibility table lets it see (never the actor, nor a user's
  // appeal text); else the leaf hash alone.
  const Role role = c.who->role;
  std::string kind;
  if (role == Role::kAuthority) {
    Result<AuditTreeStore*> tree = AuditTreeOf(store);
    if (!tree.ok()) return FromStatus(tree.status());
    Result<AuditEntry> e = (*tree)->GetAudit(entry);
    if (!e.ok()) return FromStatus(e.status());
    Result<CaseRecord> cs = store.GetCase(e->subject);
    if (cs.ok() && cs->issuer == c.who->key.authority && (cs->kind == "order" || cs->kind == "datareq"))
      kind = cs->kind;
  }
  Result<std::string> note = FindCheckpoint(store, spec);
  if (!note.ok()) return FromStatus(note.status());
  // The entry is built in full and then cut to what the role may see, by
  // the one table (default deny: a role the table does not know as staff
  // gets the leaf hash alone).
  const bool may_see = role != Role::kAuthority || !kind.empty();
  Result<ProofAnswer> proof = InclusionProofJson(store, entry, *note, may_see);
  if (!proof.ok()) return FromStatus(proof.status());
  nlohmann::ordered_json& j = proof->proof;
  if (j.contains("entry")) {
    std::vector<std::string> withheld;
    if (!RedactAuditEntry(role, kind, &j["entry"], &withheld)) {
      j.erase("entry");
    } else if (!withheld.empty()) {
      // Named, so that a verifier knows what it was not shown.
      j["withheld"] = withheld;
    }
  }
  return Json(200, j);
}

ApiResponse Api::AuditConsistency(Ctx& c) {
  std::string from = c.Query("from"), to = c.Query("to");
  if (to.empty()) to = "latest";
  if (!CheckpointSpec(from) || !CheckpointSpec(to))
    return Error(400, "bad_query", "from, to: tree sizes the log issued checkpoints for, or latest");
  ReadLease rd(this);
  Result<std::string> a = FindCheckpoint(*rd->store, from);
  if (!a.ok()) return FromStatus(a.status());
  Result<std::string> b = FindCheckpoint(*rd->store, to);
  if (!b.ok()) return FromStatus(b.status());
  Result<ProofAnswer> proof = ConsistencyProofJson(*rd->store, *a, *b);
  if (!proof.ok()) return FromStatus(proof.status());
  return Json(200, proof->proof);
}

void Api::AttachCheckpoint(nlohmann::ordered_json* j, const std::string& subject) {
  nlohmann::ordered_json audit;
  {
    ReadLease rd(this);
    int64_t last = 0;
    if (rd->store->ForEachAuditOf(subject, [&](const AuditEntry& e) { last = e.seq; }).ok() && last > 0)
      audit["entry"] = last;
  }
  if (signer_) {
    Result<StoredCheckpoint> cp = Status::Internal("not run");
    const int64_t now = Now();
    Status s = Write([&](Store& store) {
      cp = IssueCheckpoint(store, *signer_, now);
      return cp.status();
    });
    // The change is committed whatever happens here: the answer says so and
    // carries the checkpoint when there is one.
    if (s.ok() && cp.ok()) {
      audit["tree_size"] = cp->size;
      audit["checkpoint"] = cp->note;
    } else {
      audit["checkpoint_error"] = (s.ok() ? cp.status() : s).message();
    }
  }
  (*j)["audit"] = std::move(audit);
}

void Api::StartCheckpointer() {
  if (!signer_ || options_.checkpoint_every <= 0) return;
  checkpointer_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(checkpointer_mu_);
    while (!checkpointer_cv_.wait_for(lock, std::chrono::seconds(options_.checkpoint_every),
                                      [this] { return checkpointer_stop_; })) {
      lock.unlock();
      const int64_t now = Now();
      // Signs only when the tree grew since the newest checkpoint.
      (void)worker_->Run([&](Store& store) { return IssueCheckpoint(store, *signer_, now).status(); });
      lock.lock();
    }
  });
}

void Api::StopCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(checkpointer_mu_);
    checkpointer_stop_ = true;
  }
  checkpointer_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

}  // namespace evenhand::server
