// PostgresStore: issuing authorities and cases (orders, notices, data
// requests, appeals, preservations; cases/ owns the JSON body). The checks
// and audit payloads are store_records.h's, as in the SQLite backend.
//
// Several processes may serve one database: a compare-and-set on a case's
// state (UpdateCase) and the read-then-write of an authority lock the row
// (SELECT ... FOR UPDATE), so two servers never both win. Expected refusals
// (a case or key id taken) are found without a server error, so they do
// not end an open batch.
#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

constexpr const char* kCaseColumns = "id, kind, issuer, reference, jurisdiction, state, received, deadline, body";

void ReadCase(const PgResult& r, int i, CaseRecord* c) {
  c->id = r.View(i, 0);
  c->kind = r.View(i, 1);
  c->issuer = r.View(i, 2);
  c->reference = r.View(i, 3);
  c->jurisdiction = r.View(i, 4);
  c->state = r.View(i, 5);
  c->received = r.Int(i, 6);
  c->deadline = r.Int(i, 7);
  c->body = r.View(i, 8);
}

std::string Sql(const char* head, const char* tail) { return std::string(head) + kCaseColumns + tail; }

}  // namespace

Status PostgresStore::PutAuthority(const AuthorityRecord& a, const std::string& actor) {
  return WriteAuthority(a, actor, nullptr);
}

Status PostgresStore::ReplaceAuthority(const AuthorityRecord& a, const std::string& reason, const std::string& actor) {
  return WriteAuthority(a, actor, &reason);
}

Status PostgresStore::WriteAuthority(const AuthorityRecord& a, const std::string& actor,
                                     const std::string* replace_reason) {
  if (Status s = store_records::CheckAuthority(a, actor, replace_reason); !s.ok()) return s;
  const std::string doing = "storing authority \"" + a.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    auto q = conn_->Prepared("authority_lock", "SELECT name, jurisdiction, kind FROM authorities WHERE id = $1 FOR UPDATE",
                             PgParams().Text(a.id), doing);
    if (!q.ok()) return q.status();
    AuthorityRecord stored;
    if (q->rows() > 0) {
      stored.name = q->View(0, 0);
      stored.jurisdiction = q->View(0, 1);
      stored.kind = q->View(0, 2);
    }
    bool unchanged = false;
    std::string payload;
    if (Status s = store_records::PlanAuthorityWrite(a, q->rows() > 0 ? &stored : nullptr, actor, replace_reason,
                                                     &unchanged, &payload);
        !s.ok() || unchanged)
      return s;
    auto w = conn_->Prepared("authority_put",
                             "INSERT INTO authorities (id, name, jurisdiction, kind, added) VALUES ($1, $2, $3, $4, $5) "
                             "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                             "jurisdiction = excluded.jurisdiction, kind = excluded.kind",
                             PgParams().Text(a.id).Text(a.name).Text(a.jurisdiction).Text(a.kind).Int(
                                 a.added != 0 ? a.added : Now()),
                             doing);
    if (!w.ok()) return w.status();
    return AppendAuditLocked(actor, store_records::AuthorityAction(replace_reason), a.id, payload);
  });
}

Result<std::vector<AuthorityRecord>> PostgresStore::ListAuthorities() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto r = conn_->Prepared("authorities_list",
                           "SELECT id, name, jurisdiction, kind, added FROM authorities ORDER BY id COLLATE \"C\"",
                           PgParams(), "listing authorities");
  if (!r.ok()) return r.status();
  std::vector<AuthorityRecord> out;
  for (int i = 0; i < r->rows(); ++i)
    out.push_back(AuthorityRecord{r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Text(i, 3), r->Int(i, 4)});
  return out;
}

Status PostgresStore::InsertCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                                 const std::string& audit_payload, bool* inserted, CaseRecord* existing) {
  if (inserted != nullptr) *inserted = false;
  if (Status s = store_records::CheckCase(c, actor, audit_action, audit_payload); !s.ok()) return s;
  const std::string doing = "storing " + c.kind + " \"" + c.id + "\"";
  static const std::string find = Sql("SELECT ", " FROM cases WHERE kind = $1 AND issuer = $2 AND reference = $3");
  static const std::string insert =
      Sql("INSERT INTO cases (", ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING 1");
  bool added = false;
  Status s = WriteOp(doing, [&]() -> Status {
    // Inserted unless (kind, issuer, reference) or the id is taken; which
    // one is read afterwards, so a concurrent insert of the same case is
    // seen as the existing one.
    auto w = conn_->Prepared("case_insert", insert.c_str(),
                             PgParams().Text(c.id).Text(c.kind).Text(c.issuer).Text(c.reference).Text(c.jurisdiction).Text(
                                 c.state).Int(c.received).Int(c.deadline).Text(c.body),
                             doing);
    if (!w.ok()) return w.status();
    if (w->rows() == 0) {
      auto q = conn_->Prepared("case_find", find.c_str(), PgParams().Text(c.kind).Text(c.issuer).Text(c.reference), doing);
      if (!q.ok()) return q.status();
      if (q->rows() == 0) return Status::Conflict(doing + ": a case with this id already exists");
      if (existing != nullptr) ReadCase(*q, 0, existing);
      return Status::Ok();
    }
    added = true;
    return AppendAuditLocked(actor, audit_action, c.id, audit_payload);
  });
  if (s.ok() && inserted != nullptr) *inserted = added;
  return s;
}

Status PostgresStore::UpdateCase(const CaseRecord& c, const std::string& expected_state, const std::string& actor,
                                 const std::string& audit_action, const std::string& audit_payload) {
  if (Status s = ValidateAuditFields(actor, audit_action, c.id, audit_payload); !s.ok())
    return Status::Invalid("case \"" + c.id + "\": " + s.message());
  const std::string doing = "updating " + c.kind + " \"" + c.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    auto q = conn_->Prepared("case_lock", "SELECT state FROM cases WHERE id = $1 FOR UPDATE", PgParams().Text(c.id), doing);
    if (!q.ok()) return q.status();
    if (q->rows() == 0) return Status::NotFound("no case \"" + c.id + "\"");
    if (q->View(0, 0) != expected_state)
      return Status::Conflict(doing + ": it is \"" + q->Text(0, 0) + "\" now, not \"" + expected_state + "\"");
    auto w = conn_->Prepared("case_update",
                             "UPDATE cases SET state = $2, deadline = $3, jurisdiction = $4, body = $5 WHERE id = $1",
                             PgParams().Text(c.id).Text(c.state).Int(c.deadline).Text(c.jurisdiction).Text(c.body), doing);
    if (!w.ok()) return w.status();
    return AppendAuditLocked(actor, audit_action, c.id, audit_payload);
  });
}

Result<CaseRecord> PostgresStore::GetCase(const std::string& id) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql = Sql("SELECT ", " FROM cases WHERE id = $1");
  auto r = conn_->Prepared("case_get", sql.c_str(), PgParams().Text(id), "reading case \"" + id + "\"");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no case \"" + id + "\"");
  CaseRecord c;
  ReadCase(*r, 0, &c);
  return c;
}

Result<std::vector<CaseRecord>> PostgresStore::ListCases(const CaseFilter& f) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql =
      Sql("SELECT ",
          " FROM cases WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR state = $2) AND ($3 = '' OR issuer = $3) "
          "ORDER BY received, id COLLATE \"C\"");
  auto r = conn_->Prepared("cases_list", sql.c_str(), PgParams().Text(f.kind).Text(f.state).Text(f.issuer),
                           "listing cases");
  if (!r.ok()) return r.status();
  std::vector<CaseRecord> out(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) ReadCase(*r, i, &out[static_cast<size_t>(i)]);
  return out;
}

}  // namespace evenhand::pg_store
