// PostgresStore: registered people, the API keys they hold (hashes only)
// and moderators' reviews of decisions. The checks and audit payloads are
// store_records.h's, as in the SQLite backend. A taken id is found with
// ON CONFLICT DO NOTHING (Conflict without a server error, so an open
// batch goes on); a key's revocation locks its row.
#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

constexpr const char* kPersonColumns = "id, name, roles, authority, added";
constexpr const char* kKeyColumns = "id, hash, role, authority, name, created, revoked, person";

void ReadPersonRow(const PgResult& r, int i, PersonRecord* p) {
  p->id = r.View(i, 0);
  p->name = r.View(i, 1);
  p->roles = store_records::SplitRoles(r.View(i, 2));
  p->authority = r.View(i, 3);
  p->added = r.Int(i, 4);
}

void ReadKey(const PgResult& r, int i, ApiKeyRecord* k) {
  k->id = r.View(i, 0);
  k->hash = r.View(i, 1);
  k->role = r.View(i, 2);
  k->authority = r.View(i, 3);
  k->name = r.View(i, 4);
  k->created = r.Int(i, 5);
  k->revoked = r.Int(i, 6);
  k->person = r.View(i, 7);
}

}  // namespace

Status PostgresStore::PutPerson(const PersonRecord& person, const std::string& actor) {
  if (Status s = store_records::CheckPerson(person); !s.ok()) return s;
  const std::string payload = store_records::PersonPayload(person);
  if (Status s = ValidateAuditFields(actor, "person.add", person.id, payload); !s.ok()) return s;
  const std::string doing = "registering person \"" + person.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    if (!person.authority.empty()) {
      // FOR SHARE: the authority cannot vanish before this commits.
      auto q = conn_->Prepared("authority_share", "SELECT 1 FROM authorities WHERE id = $1 FOR SHARE",
                               PgParams().Text(person.authority), doing);
      if (!q.ok()) return q.status();
      if (q->rows() == 0) return store_records::AuthorityNotRegistered(person);
    }
    auto w = conn_->Prepared("person_insert",
                             "INSERT INTO people (id, name, roles, authority, added) VALUES ($1, $2, $3, $4, $5) "
                             "ON CONFLICT (id) DO NOTHING RETURNING 1",
                             PgParams().Text(person.id).Text(person.name).Text(store_records::JoinRoles(person.roles)).Text(
                                 person.authority).Int(person.added != 0 ? person.added : Now()),
                             doing);
    if (!w.ok()) return w.status();
    if (w->rows() == 0) return store_records::PersonExists(person);
    return AppendAuditLocked(actor, "person.add", person.id, payload);
  });
}

Result<PersonRecord> PostgresStore::GetPerson(const std::string& id) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql = std::string("SELECT ") + kPersonColumns + " FROM people WHERE id = $1";
  auto r = conn_->Prepared("person_get", sql.c_str(), PgParams().Text(id), "reading person \"" + id + "\"");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return store_records::PersonNotFound(id);
  PersonRecord p;
  ReadPersonRow(*r, 0, &p);
  return p;
}

Result<std::vector<PersonRecord>> PostgresStore::ListPeople() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql = std::string("SELECT ") + kPersonColumns + " FROM people ORDER BY id COLLATE \"C\"";
  auto r = conn_->Prepared("people_list", sql.c_str(), PgParams(), "listing people");
  if (!r.ok()) return r.status();
  std::vector<PersonRecord> out(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) ReadPersonRow(*r, i, &out[static_cast<size_t>(i)]);
  return out;
}

Status PostgresStore::PutApiKey(const ApiKeyRecord& k, const std::string& actor) {
  if (Status s = store_records::CheckApiKey(k); !s.ok()) return s;
  const std::string payload = store_records::KeyPayload(k);
  if (Status s = ValidateAuditFields(actor, "key.create", k.id, payload); !s.ok()) return s;
  const std::string doing = "storing API key \"" + k.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    if (Status s = store_records::CheckKeyHolder(k, GetPerson(k.person)); !s.ok()) return s;
    auto w = conn_->Prepared(
        "key_insert",
        "INSERT INTO api_keys (id, hash, role, authority, name, created, revoked, person) "
        "VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (id) DO NOTHING RETURNING 1",
        PgParams().Text(k.id).Text(k.hash).Text(k.role).Text(k.authority).Text(k.name).Int(
            k.created != 0 ? k.created : Now()).Text(k.person),
        doing);
    if (!w.ok()) return w.status();
    if (w->rows() == 0) return Status::Conflict("API key \"" + k.id + "\" exists already");
    return AppendAuditLocked(actor, "key.create", k.id, payload);
  });
}

Result<ApiKeyRecord> PostgresStore::GetApiKey(const std::string& id) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql = std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE id = $1";
  auto r = conn_->Prepared("key_get", sql.c_str(), PgParams().Text(id), "reading API key");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no API key \"" + id + "\"");
  ApiKeyRecord k;
  ReadKey(*r, 0, &k);
  return k;
}

Result<std::vector<ApiKeyRecord>> PostgresStore::ListApiKeys() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const std::string sql =
      std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY created, id COLLATE \"C\"";
  auto r = conn_->Prepared("keys_list", sql.c_str(), PgParams(), "listing API keys");
  if (!r.ok()) return r.status();
  std::vector<ApiKeyRecord> out(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) ReadKey(*r, i, &out[static_cast<size_t>(i)]);
  return out;
}

Status PostgresStore::RevokeApiKey(const std::string& id, int64_t now, const std::string& actor) {
  if (Status s = ValidateAuditFields(actor, "key.revoke", id, ""); !s.ok()) return s;
  const std::string doing = "revoking API key \"" + id + "\"";
  return WriteOp(doing, [&]() -> Status {
    auto q = conn_->Prepared("key_lock", "SELECT revoked FROM api_keys WHERE id = $1 FOR UPDATE", PgParams().Text(id),
                             doing);
    if (!q.ok()) return q.status();
    if (q->rows() == 0) return Status::NotFound("no API key \"" + id + "\"");
    if (q->Int(0, 0) != 0) return Status::Conflict("API key \"" + id + "\" is revoked already");
    auto w = conn_->Prepared("key_revoke", "UPDATE api_keys SET revoked = $2 WHERE id = $1",
                             PgParams().Text(id).Int(now != 0 ? now : Now()), doing);
    if (!w.ok()) return w.status();
    return AppendAuditLocked(actor, "key.revoke", id, "");
  });
}

Status PostgresStore::PutDecisionReview(const DecisionReview& r) {
  if (Status s = store_records::CheckReview(r); !s.ok()) return s;
  const std::string payload = store_records::ReviewPayload(r);
  if (Status s = ValidateAuditFields(r.actor, "decision.review", r.item, payload); !s.ok()) return s;
  const std::string doing = "storing the review of item \"" + r.item + "\"";
  return WriteOp(doing, [&]() -> Status {
    auto w = conn_->Prepared("review_insert",
                             "INSERT INTO decision_reviews (item, policy, verdict, reason, actor, at) "
                             "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item, policy) DO NOTHING RETURNING 1",
                             PgParams().Text(r.item).Text(r.policy).Text(r.verdict).Text(r.reason).Text(r.actor).Int(
                                 r.at != 0 ? r.at : Now()),
                             doing);
    if (!w.ok()) return w.status();
    if (w->rows() == 0) return Status::Conflict("the decision on item \"" + r.item + "\" was reviewed already");
    return AppendAuditLocked(r.actor, "decision.review", r.item, payload);
  });
}

Result<std::vector<DecisionReview>> PostgresStore::ListDecisionReviews() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto q = conn_->Prepared("reviews_list",
                           "SELECT item, policy, verdict, reason, actor, at FROM decision_reviews ORDER BY n", PgParams(),
                           "listing decision reviews");
  if (!q.ok()) return q.status();
  std::vector<DecisionReview> out;
  for (int i = 0; i < q->rows(); ++i)
    out.push_back(DecisionReview{q->Text(i, 0), q->Text(i, 1), q->Text(i, 2), q->Text(i, 3), q->Text(i, 4), q->Int(i, 5)});
  return out;
}

Result<std::vector<ReviewedDecision>> PostgresStore::ListReviewedDecisions() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto q = conn_->Prepared("reviewed_decisions",
                           "SELECT * FROM (SELECT (SELECT min(d.id) FROM decisions d WHERE d.item = r.item AND "
                           "d.policy = r.policy) AS decision, r.verdict = 'overturn', r.at FROM decision_reviews r) x "
                           "WHERE decision IS NOT NULL ORDER BY decision",
                           PgParams(), "listing reviewed decisions");
  if (!q.ok()) return q.status();
  std::vector<ReviewedDecision> out;
  out.reserve(static_cast<size_t>(q->rows()));
  for (int i = 0; i < q->rows(); ++i) out.push_back(ReviewedDecision{q->Int(i, 0), q->Bool(i, 1), q->Int(i, 2)});
  return out;
}

}  // namespace evenhand::pg_store
