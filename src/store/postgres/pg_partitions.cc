// PostgresStore: decisions (schema v3) and the audit chain (v4)
// partitioned by month. A month's partitions of both tables are made
// together, on demand, by the SQL functions evenhand_decision_partition and
// evenhand_audit_partition (pg_migrations.cc), which serialise writers
// racing to a new month:
//  - ahead of time, outside any transaction, by Begin() and by a decision
//    written outside a batch: the month of now and of now + 1 day, the
//    range remembered so the next calls cost nothing;
//    (and by a write outside a batch, pg_store_impl.h WriteOp);
//  - inside the transaction, right before decisions or audit entries are
//    written, when their time is outside that range (a batch that crossed
//    a month end, a clock moved): then the partitions commit or roll back
//    with the batch, and nothing is remembered.
// Detaching (retention of whole months): DETACH PARTITION, and DROP TABLE
// when asked, each month audited, in one transaction.
#include <algorithm>
#include <cstdlib>

#include "model/time.h"
#include "store/postgres/pg_store_impl.h"

namespace evenhand::pg_store {

namespace {

constexpr int64_t kAheadSeconds = 86400;  // the next month is made this long before it starts

constexpr const char* kEnsureSql =
    "SELECT extract(epoch FROM date_trunc('month', to_timestamp($1::BIGINT) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    "::BIGINT, extract(epoch FROM (date_trunc('month', to_timestamp($2::BIGINT) AT TIME ZONE 'UTC') + "
    "INTERVAL '1 month') AT TIME ZONE 'UTC')::BIGINT, evenhand_decision_partition($1::BIGINT), "
    "evenhand_decision_partition($2::BIGINT), evenhand_audit_partition($1::BIGINT), "
    "evenhand_audit_partition($2::BIGINT)";

// The two numbers of "FOR VALUES FROM ('A') TO ('B')".
bool ParseBounds(std::string_view expr, int64_t* from, int64_t* to) {
  int64_t v[2];
  int found = 0;
  for (size_t i = 0; i < expr.size() && found < 2;) {
    if ((expr[i] >= '0' && expr[i] <= '9') || (expr[i] == '-' && i + 1 < expr.size() && expr[i + 1] >= '0' &&
                                                expr[i + 1] <= '9')) {
      char* end = nullptr;
      v[found++] = std::strtoll(expr.data() + i, &end, 10);
      i = static_cast<size_t>(end - expr.data());
    } else {
      ++i;
    }
  }
  if (found != 2) return false;
  *from = v[0];
  *to = v[1];
  return true;
}

}  // namespace

Status PostgresStore::EnsurePartitionsAhead() {
  const int64_t now = Now();
  if (now >= parts_from_ && now + kAheadSeconds < parts_until_) return Status::Ok();
  if (conn_->in_transaction()) return Status::Ok();  // PartitionInTxn covers it
  auto r = conn_->Prepared("decision_partitions_ahead", kEnsureSql, PgParams().Int(now).Int(now + kAheadSeconds),
                           "making the decisions' and the audit's partitions of this month and the next");
  if (!r.ok()) return r.status();
  parts_from_ = r->Int(0, 0);
  parts_until_ = r->Int(0, 1);
  return Status::Ok();
}

Status PostgresStore::PartitionInTxn(int64_t now) {
  if (now >= parts_from_ && now < parts_until_) return Status::Ok();
  auto r = conn_->Prepared("decision_partition_now",
                           "SELECT evenhand_decision_partition($1::BIGINT), evenhand_audit_partition($1::BIGINT)",
                           PgParams().Int(now), "making the decisions' and the audit's partitions of this month");
  return r.status();
}

Result<std::vector<StorePartition>> PostgresStore::DecisionPartitions() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto r = conn_->Query(
      "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'decisions'::regclass ORDER BY c.relname",
      PgParams(), "listing the decisions' partitions");
  if (!r.ok()) return r.status();
  std::vector<StorePartition> out;
  for (int i = 0; i < r->rows(); ++i) {
    StorePartition p;
    p.name = r->Text(i, 0);
    if (!ParseBounds(r->View(i, 1), &p.from, &p.to))
      return Status::Corrupt(conn_->where() + ": partition " + p.name + " has bounds evenhand did not make: " +
                             r->Text(i, 1));
    auto n = conn_->Query("SELECT count(*) FROM \"" + p.name + "\"", PgParams(), "counting the rows of " + p.name);
    if (!n.ok()) return n.status();
    p.rows = n->Int(0, 0);
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const StorePartition& a, const StorePartition& b) { return a.from < b.from; });
  return out;
}

Status PostgresStore::DetachDecisionPartitions(int64_t before, bool drop, const std::string& actor,
                                               std::vector<StorePartition>* detached) {
  detached->clear();
  if (Status s = ValidateAuditFields(actor, "decisions.detach", "decisions", ""); !s.ok()) return s;
  std::vector<StorePartition> done;
  Status s = WriteOp("detaching old months of decisions", [&]() -> Status {
    done.clear();
    auto all = DecisionPartitions();
    if (!all.ok()) return all.status();
    for (const StorePartition& p : *all) {
      if (p.to > before) continue;
      const std::string doing = "detaching " + p.name;
      if (Status e = conn_->Exec("ALTER TABLE decisions DETACH PARTITION \"" + p.name + "\"", doing); !e.ok()) return e;
      if (drop)
        if (Status e = conn_->Exec("DROP TABLE \"" + p.name + "\"", "dropping " + p.name); !e.ok()) return e;
      const std::string payload = "{\"from\":\"" + FormatTimestamp(p.from) + "\",\"to\":\"" + FormatTimestamp(p.to) +
                                  "\",\"rows\":" + std::to_string(p.rows) + ",\"dropped\":" + (drop ? "true" : "false") +
                                  "}";
      if (Status e = AppendAuditLocked(actor, "decisions.detach", p.name, payload); !e.ok()) return e;
      done.push_back(p);
    }
    return Status::Ok();
  });
  if (s.ok()) *detached = std::move(done);
  // The months remembered as made may be gone now.
  parts_from_ = parts_until_ = 0;
  return s;
}

}  // namespace evenhand::pg_store
