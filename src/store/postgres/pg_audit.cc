// PostgresStore: the audit chain, partitioned by month of ts (schema v4,
// pg_partitions.cc). Appends are computed here under the chain's advisory
// lock and written in multi-row INSERTs (pg_store_impl.h);
// walks read the table in pages by seq, so memory stays constant in the
// length of the chain.
#include <algorithm>
#include <cstdint>
#include <string>

#include "store/postgres/pg_store_impl.h"

namespace evenhand::pg_store {

namespace {

// Key of the advisory lock that orders appends to the chain ("EVNH").
constexpr const char* kChainLockSql = "SELECT pg_advisory_xact_lock(1163284040)";
constexpr int kFlushRows = 500;   // rows per INSERT (8 parameters each; PostgreSQL takes up to 65535)
constexpr int kPageRows = 2000;   // rows per page of a walk

constexpr const char* kColumns = "seq, ts, actor, action, subject, payload, prev_hash, hash";

void ReadEntry(const PgResult& r, int row, AuditEntry* e) {
  e->seq = r.Int(row, 0);
  e->ts = r.Int(row, 1);
  e->actor = r.View(row, 2);
  e->action = r.View(row, 3);
  e->subject = r.View(row, 4);
  e->payload = r.View(row, 5);
  e->prev_hash = r.View(row, 6);
  e->hash = r.View(row, 7);
}

}  // namespace

Status PostgresStore::LockAuditHead() {
  if (head_locked_) return Status::Ok();
  if (Status s = conn_->Exec(kChainLockSql, "waiting for the audit chain's lock"); !s.ok()) return s;
  auto r = conn_->Prepared("audit_head", "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", PgParams(),
                           "reading the audit head");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    head_seq_ = 0;
    head_hash_ = kGenesisHash;
  } else {
    head_seq_ = r->Int(0, 0);
    head_hash_ = r->Text(0, 1);
  }
  head_locked_ = true;
  return Status::Ok();
}

Status PostgresStore::AppendAuditLocked(const std::string& actor, const std::string& action,
                                        const std::string& subject, const std::string& payload) {
  if (Status s = LockAuditHead(); !s.ok()) return s;
  AuditEntry& e = pending_.emplace_back();
  e.seq = head_seq_ + 1;
  e.ts = Now();
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.payload = payload;
  e.prev_hash = head_hash_;
  e.hash = ComputeAuditHash(e);
  head_seq_ = e.seq;
  head_hash_ = e.hash;
  return Status::Ok();
}

Status PostgresStore::FlushAudit() {
  // Each entry's month has its partition (schema v4): nothing to do unless
  // a clock left the months made ahead.
  int64_t made = -1;
  for (const AuditEntry& e : pending_)
    if (e.ts != made && (e.ts < parts_from_ || e.ts >= parts_until_)) {
      if (Status s = PartitionInTxn(e.ts); !s.ok()) return s;
      made = e.ts;
    }
  for (size_t done = 0; done < pending_.size();) {
    const size_t n = std::min(pending_.size() - done, static_cast<size_t>(kFlushRows));
    std::string sql = std::string("INSERT INTO audit (") + kColumns + ") VALUES ";
    PgParams params;
    for (size_t i = 0; i < n; ++i) {
      const AuditEntry& e = pending_[done + i];
      const size_t b = i * 8;
      sql += i == 0 ? "(" : ",(";
      for (size_t k = 1; k <= 8; ++k) {
        sql += "$" + std::to_string(b + k);
        sql += k < 8 ? "," : ")";
      }
      params.Int(e.seq).Int(e.ts).Text(e.actor).Text(e.action).Text(e.subject).Text(e.payload).Text(e.prev_hash).Text(
          e.hash);
    }
    auto r = conn_->Query(sql, params,
                          "appending audit entries " + std::to_string(pending_[done].seq) + ".." +
                              std::to_string(pending_[done + n - 1].seq));
    if (!r.ok()) return r.status();
    done += n;
  }
  if (Status s = SyncTree(); !s.ok()) return s;
  pending_.clear();
  return Status::Ok();
}

Status PostgresStore::AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                                  const std::string& payload) {
  if (Status s = ValidateAuditFields(actor, action, subject, payload); !s.ok()) return s;
  return WriteOp("appending an audit entry", [&] { return AppendAuditLocked(actor, action, subject, payload); });
}

Status PostgresStore::WalkAudit(const std::string* subject, const std::function<void(const AuditEntry&)>& fn) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  if (Status s = FlushAudit(); !s.ok()) return s;  // this transaction's own entries first
  // Keyset pages by (seq, ts), the table's key: every row is read, so an
  // entry whose seq is stored twice (a writer that skipped the chain's
  // lock) reaches the verifier and breaks the chain there.
  const std::string sql = std::string("SELECT ") + kColumns + " FROM audit WHERE (seq, ts) > ($1, $2)" +
                          (subject != nullptr ? " AND subject = $3" : "") + " ORDER BY seq, ts LIMIT " +
                          std::to_string(kPageRows);
  AuditEntry e;
  int64_t after_seq = 0, after_ts = INT64_MIN;
  for (;;) {
    PgParams params;
    params.Int(after_seq).Int(after_ts);
    if (subject != nullptr) params.Text(*subject);
    auto r = conn_->Prepared(subject != nullptr ? "audit_page_of" : "audit_page", sql.c_str(), params,
                             "reading the audit log");
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      ReadEntry(*r, i, &e);
      fn(e);
    }
    if (r->rows() < kPageRows) return Status::Ok();
    after_seq = e.seq;
    after_ts = e.ts;
  }
}

Status PostgresStore::ForEachAudit(const std::function<void(const AuditEntry&)>& fn) { return WalkAudit(nullptr, fn); }

Status PostgresStore::ForEachAuditOf(const std::string& subject, const std::function<void(const AuditEntry&)>& fn) {
  return WalkAudit(&subject, fn);
}

Result<AuditEntry> PostgresStore::GetAudit(int64_t seq) {
  if (Status s = FlushAudit(); !s.ok()) return s;
  auto r = conn_->Prepared("audit_get", "SELECT seq, ts, actor, action, subject, payload, prev_hash, hash FROM audit "
                                        "WHERE seq = $1",
                           PgParams().Int(seq), "reading audit entry " + std::to_string(seq));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound(conn_->where() + ": no audit entry " + std::to_string(seq));
  AuditEntry e;
  ReadEntry(*r, 0, &e);
  return e;
}

}  // namespace evenhand::pg_store
