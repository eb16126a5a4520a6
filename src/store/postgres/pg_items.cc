// PostgresStore: accounts, items and their versions, decisions, login
// records: what `evenhand scan --db` writes. Each write of the scan path
// is one round trip inside the batch (a decision finds its item's version
// in the same statement); its audit entry goes out with the batch's others
// at commit (pg_audit.cc). Text is ordered byte-wise (COLLATE "C") where
// SQLite's order is, so both backends list the same order.
#include <nlohmann/json.hpp>

#include "store/content_hash.h"
#include "store/json_dump.h"
#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

using store_records::MediaJson;
using store_records::ParseMediaJson;

constexpr int kDecisionPage = 1000;

// Decisions with the post version they were about (the current one, or a
// kept older one; a decision made with no post stored sees the current).
constexpr const char* kDecisionSelect =
    "SELECT d.id, d.item, d.policy, d.account, d.action, d.scope, d.category, d.rule, d.reason, d.review, d.lang, "
    "d.region, d.ts, d.signals, d.stored_at, coalesce(p.id, v.item) IS NOT NULL, coalesce(p.account, v.account), "
    "coalesce(p.ts, v.ts), coalesce(p.lang, v.lang), coalesce(p.text, v.text), coalesce(p.topic, v.topic), "
    "coalesce(p.region, v.region), coalesce(p.media, v.media), coalesce(p.version, v.version, d.version) "
    "FROM decisions d LEFT JOIN posts p ON p.id = d.item AND (d.version = 0 OR p.version = d.version) "
    "LEFT JOIN post_versions v ON p.id IS NULL AND v.item = d.item AND v.version = d.version ";

enum Walk { kByPolicy = 0, kAll = 1, kNewestFirst = 2, kOfItem = 3 };

std::string DecisionPageSql(int which) {
  const std::string page = " LIMIT " + std::to_string(kDecisionPage);
  switch (which) {
    case kByPolicy: return std::string(kDecisionSelect) + "WHERE d.policy = $1 AND d.id > $2 ORDER BY d.id" + page;
    case kAll: return std::string(kDecisionSelect) + "WHERE $1 = '' AND d.id > $2 ORDER BY d.id" + page;
    case kNewestFirst: return std::string(kDecisionSelect) + "WHERE $1 = '' AND d.id < $2 ORDER BY d.id DESC" + page;
    default: return std::string(kDecisionSelect) + "WHERE d.item = $1 AND d.id > $2 ORDER BY d.id" + page;
  }
}

Status ReadDecision(const PgResult& r, int i, const std::string& where, StoredDecision* row) {
  Decision& d = row->decision;
  d.Clear();
  d.item = r.View(i, 1);
  d.policy = r.View(i, 2);
  d.account = r.View(i, 3);
  if (Status s = store_records::ParseDecisionColumns(r.View(i, 4), r.View(i, 5), r.View(i, 13), where, &d); !s.ok())
    return s;
  d.category = r.View(i, 6);
  d.rule = r.View(i, 7);
  d.reason = r.View(i, 8);
  d.review = r.Bool(i, 9);
  d.lang = r.View(i, 10);
  d.region = r.View(i, 11);
  d.ts = r.Int(i, 12);
  row->stored_at = r.Int(i, 14);
  row->post_found = r.Bool(i, 15);
  Post& p = row->post;
  p.Clear();
  p.id = d.item;
  d.version = p.version = r.Int(i, 23);
  if (row->post_found) {
    p.account = r.View(i, 16);
    p.ts = r.Int(i, 17);
    p.lang = r.View(i, 18);
    p.text = r.View(i, 19);
    p.topic = r.View(i, 20);
    p.region = r.View(i, 21);
    ParseMediaJson(r.View(i, 22), &p);
  }
  return Status::Ok();
}

}  // namespace

Status PostgresStore::PutAccount(const Account& a) {
  if (a.id.empty()) return Status::Invalid("account: id is empty");
  return WriteOp("storing account \"" + a.id + "\"", [&]() -> Status {
    return conn_
        ->Prepared("account_put",
                   "INSERT INTO accounts (id, created, country) VALUES ($1, $2, $3) "
                   "ON CONFLICT (id) DO UPDATE SET created = excluded.created, country = excluded.country",
                   PgParams().Text(a.id).Int(a.created).Text(a.country), "storing account \"" + a.id + "\"")
        .status();
  });
}

Status PostgresStore::PutPost(const Post& p, const std::string& actor) {
  if (p.id.empty()) return Status::Invalid("post: id is empty");
  const std::string media_json = MediaJson(p);
  const std::string hash = ContentHash(p, media_json);
  const std::string doing = "storing post \"" + p.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    auto r = conn_->Prepared(
        "post_insert",
        "INSERT INTO posts (id, account, ts, lang, text, topic, region, media, version, content_hash, stored_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING 1",
        PgParams().Text(p.id).Text(p.account).Int(p.ts).Text(p.lang).Text(p.text).Text(p.topic).Text(p.region).Text(
            media_json).Text(hash).Int(Now()),
        doing);
    if (!r.ok()) return r.status();
    if (r->rows() == 1) return Status::Ok();
    return NewVersion(p, media_json, hash, actor);
  });
}

// `p`'s id is stored: unless its content is the same, the stored version is
// kept in post_versions and `p` becomes the next one, audited.
Status PostgresStore::NewVersion(const Post& p, const std::string& media_json, const std::string& hash,
                                 const std::string& actor) {
  const std::string doing = "storing a new version of item \"" + p.id + "\"";
  auto q = conn_->Prepared("post_current",
                           "SELECT account, ts, lang, text, topic, region, media, version, content_hash, "
                           "content_deleted FROM posts WHERE id = $1 FOR UPDATE",
                           PgParams().Text(p.id), doing);
  if (!q.ok()) return q.status();
  if (q->rows() == 0) return Status::Internal(doing + ": the post vanished");
  const std::string old_hash = q->Text(0, 8);
  if (old_hash == hash) return Status::Ok();
  if (Status s = ValidateAuditFields(actor, "item.version", p.id, ""); !s.ok()) return s;
  const int64_t old_version = q->Int(0, 7);
  const bool old_deleted = q->Int(0, 9) != 0;
  Post old;
  old.account = q->View(0, 0);
  old.ts = q->Int(0, 1);
  old.lang = q->View(0, 2);
  old.text = q->View(0, 3);
  old.topic = q->View(0, 4);
  old.region = q->View(0, 5);
  const std::vector<std::string> fields = store_records::ChangedFields(old, q->View(0, 6), old_deleted, p, media_json);
  const int64_t now = Now();
  auto archived = conn_->Prepared(
      "post_archive",
      "INSERT INTO post_versions (item, version, account, ts, lang, text, topic, region, media, content_hash, "
      "stored_at, superseded_at, content_deleted) SELECT id, version, account, ts, lang, text, topic, region, media, "
      "content_hash, stored_at, $2, content_deleted FROM posts WHERE id = $1",
      PgParams().Text(p.id).Int(now), doing);
  if (!archived.ok()) return archived.status();
  auto updated = conn_->Prepared(
      "post_update",
      "UPDATE posts SET account = $2, ts = $3, lang = $4, text = $5, topic = $6, region = $7, media = $8, "
      "version = $9, content_hash = $10, stored_at = $11, content_deleted = 0 WHERE id = $1",
      PgParams().Text(p.id).Text(p.account).Int(p.ts).Text(p.lang).Text(p.text).Text(p.topic).Text(p.region).Text(
          media_json).Int(old_version + 1).Text(hash).Int(now),
      doing);
  if (!updated.ok()) return updated.status();
  return AppendAuditLocked(actor, "item.version", p.id,
                           store_records::VersionPayload(old_version + 1, hash, old_version, old_hash, fields));
}

Result<std::vector<PostVersion>> PostgresStore::PostVersions(const std::string& id) {
  auto r = conn_->Prepared(
      "post_versions",
      "SELECT version, account, ts, lang, text, topic, region, media, content_hash, stored_at, superseded_at, "
      "content_deleted FROM post_versions WHERE item = $1 UNION ALL "
      "SELECT version, account, ts, lang, text, topic, region, media, content_hash, stored_at, 0, content_deleted "
      "FROM posts WHERE id = $1 ORDER BY 1",
      PgParams().Text(id), "reading the versions of item \"" + id + "\"");
  if (!r.ok()) return r.status();
  std::vector<PostVersion> out;
  for (int i = 0; i < r->rows(); ++i) {
    PostVersion& v = out.emplace_back();
    Post& p = v.post;
    p.id = id;
    v.version = p.version = r->Int(i, 0);
    p.account = r->View(i, 1);
    p.ts = r->Int(i, 2);
    p.lang = r->View(i, 3);
    p.text = r->View(i, 4);
    p.topic = r->View(i, 5);
    p.region = r->View(i, 6);
    ParseMediaJson(r->View(i, 7), &p);
    v.content_hash = r->View(i, 8);
    v.stored_at = r->Int(i, 9);
    v.superseded_at = r->Int(i, 10);
    v.content_deleted = r->Int(i, 11);
  }
  return out;
}

Status PostgresStore::PutDecision(const Decision& d, const std::string& actor, bool* inserted) {
  if (inserted != nullptr) *inserted = false;
  if (d.item.empty()) return Status::Invalid("decision: item is empty");
  if (d.policy.empty()) return Status::Invalid("decision for item \"" + d.item + "\": policy is empty");
  if (Status s = ValidateAuditFields(actor, "decision", d.item, ""); !s.ok())
    return Status::Invalid("decision for item \"" + d.item + "\": " + s.message());

  const std::string action(ActionName(d.action));
  std::string scope_json, signals_json, payload;
  DumpScopeJson(&scope_json, d);
  DumpSignalsJson(&signals_json, d);
  const std::string doing = "storing the decision for item \"" + d.item + "\"";
  bool added = false;
  if (Status s = EnsurePartitionsAhead(); !s.ok()) return s;
  Status s = WriteOp(doing, [&]() -> Status {
    const int64_t now = Now();
    if (Status e = PartitionInTxn(now); !e.ok()) return e;
    // The key first: only a (item, version, policy) not decided yet gets a row.
    auto r = conn_->Prepared(
        "decision_put",
        "WITH p AS (SELECT version, content_hash FROM posts WHERE id = $1), "
        "k AS (INSERT INTO decision_keys (item, version, policy) VALUES ($1, coalesce((SELECT version FROM p), 0), $2) "
        "ON CONFLICT DO NOTHING RETURNING version) "
        "INSERT INTO decisions (item, version, policy, account, action, scope, category, rule, reason, review, lang, "
        "region, ts, signals, stored_at) SELECT $1, k.version, $2, $3, $4, $5, $6, $7, $8, $9::BOOLEAN, $10, $11, "
        "$12::BIGINT, $13, $14::BIGINT FROM k RETURNING version, coalesce((SELECT content_hash FROM p), '')",
        PgParams().Text(d.item).Text(d.policy).Text(d.account).Text(action).Text(scope_json).Text(d.category).Text(
            d.rule).Text(d.reason).Text(d.review ? "t" : "f").Text(d.lang).Text(d.region).Int(d.ts).Text(
            signals_json).Int(now),
        doing);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::Ok();  // already decided on this version under this policy version
    added = true;
    store_records::DecisionPayloadHead(d, scope_json, signals_json, &payload);
    store_records::DecisionPayloadTail(r->Int(0, 0), r->View(0, 1), &payload);
    return AppendAuditLocked(actor, "decision", d.item, payload);
  });
  if (s.ok() && inserted != nullptr) *inserted = added;
  return s;
}

Result<DecisionCounts> PostgresStore::CountDecisions(const std::string& policy_id) {
  const char* sql = policy_id.empty()
                        ? "SELECT action, category, count(*) FROM decisions WHERE $1 = '' GROUP BY action, category "
                          "ORDER BY action COLLATE \"C\", category COLLATE \"C\""
                        : "SELECT action, category, count(*) FROM decisions WHERE policy = $1 GROUP BY action, "
                          "category ORDER BY action COLLATE \"C\", category COLLATE \"C\"";
  auto r = conn_->Prepared(policy_id.empty() ? "decision_count_all" : "decision_count", sql,
                           PgParams().Text(policy_id), "counting decisions");
  if (!r.ok()) return r.status();
  DecisionCounts counts;
  for (int i = 0; i < r->rows(); ++i) {
    const int64_t n = r->Int(i, 2);
    counts.total += n;
    counts.by_action_category.emplace_back(r->Text(i, 0), r->Text(i, 1), n);
  }
  return counts;
}

Status PostgresStore::WalkDecisions(int which, const std::string& key,
                                    const std::function<bool(const StoredDecision&)>& fn) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  static const char* const kNames[] = {"decisions_of_policy", "decisions_all", "decisions_newest", "decisions_of_item"};
  const std::string sql = DecisionPageSql(which);
  int64_t cursor = which == kNewestFirst ? INT64_MAX : 0;
  StoredDecision row;
  for (;;) {
    auto r = conn_->Prepared(kNames[which], sql.c_str(), PgParams().Text(key).Int(cursor), "reading decisions");
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      if (Status s = ReadDecision(*r, i, conn_->where(), &row); !s.ok()) return s;
      if (!fn(row)) return Status::Ok();
      cursor = r->Int(i, 0);
    }
    if (r->rows() < kDecisionPage) return Status::Ok();
  }
}

Status PostgresStore::ForEachDecision(const std::string& policy_id,
                                      const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions(policy_id.empty() ? kAll : kByPolicy, policy_id, fn);
}

Status PostgresStore::ForEachDecisionNewestFirst(const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions(kNewestFirst, "", fn);
}

Status PostgresStore::ForEachDecisionOf(const std::string& item, const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions(kOfItem, item, fn);
}

Result<bool> PostgresStore::HasPost(const std::string& id) {
  auto r = conn_->Prepared("post_has", "SELECT 1 FROM posts WHERE id = $1", PgParams().Text(id),
                           "looking up post \"" + id + "\"");
  if (!r.ok()) return r.status();
  return r->rows() > 0;
}

Result<Post> PostgresStore::GetPost(const std::string& id) {
  auto r = conn_->Prepared("post_get", "SELECT account, ts, lang, text, topic, region, version FROM posts WHERE id = $1",
                           PgParams().Text(id), "reading post \"" + id + "\"");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no post \"" + id + "\"");
  Post p;
  p.id = id;
  p.account = r->View(0, 0);
  p.ts = r->Int(0, 1);
  p.lang = r->View(0, 2);
  p.text = r->View(0, 3);
  p.topic = r->View(0, 4);
  p.region = r->View(0, 5);
  p.version = r->Int(0, 6);
  return p;
}

Result<bool> PostgresStore::HasAccount(const std::string& id) {
  auto r = conn_->Prepared("account_has",
                           "SELECT 1 FROM accounts WHERE id = $1 UNION ALL SELECT 1 FROM posts WHERE account = $1 LIMIT 1",
                           PgParams().Text(id), "looking up account \"" + id + "\"");
  if (!r.ok()) return r.status();
  return r->rows() > 0;
}

Result<Account> PostgresStore::GetAccount(const std::string& id) {
  auto r = conn_->Prepared("account_get", "SELECT created, country FROM accounts WHERE id = $1", PgParams().Text(id),
                           "reading account \"" + id + "\"");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no account \"" + id + "\"");
  return Account{id, r->Int(0, 0), r->Text(0, 1)};
}

Result<std::vector<Post>> PostgresStore::PostsByAccount(const std::string& account_id) {
  auto r = conn_->Prepared("posts_of_account",
                           "SELECT id, ts, lang, text, topic, region FROM posts WHERE account = $1 "
                           "ORDER BY ts, id COLLATE \"C\"",
                           PgParams().Text(account_id), "reading the posts of account \"" + account_id + "\"");
  if (!r.ok()) return r.status();
  std::vector<Post> out;
  for (int i = 0; i < r->rows(); ++i) {
    Post& p = out.emplace_back();
    p.id = r->View(i, 0);
    p.account = account_id;
    p.ts = r->Int(i, 1);
    p.lang = r->View(i, 2);
    p.text = r->View(i, 3);
    p.topic = r->View(i, 4);
    p.region = r->View(i, 5);
  }
  return out;
}

Status PostgresStore::PutLogin(const LoginRecord& l, bool* inserted) {
  if (inserted != nullptr) *inserted = false;
  if (l.account.empty()) return Status::Invalid("login record: account is empty");
  if (l.ip.empty()) return Status::Invalid("login record of \"" + l.account + "\": ip is empty");
  bool added = false;
  Status s = WriteOp("storing a login record", [&]() -> Status {
    auto r = conn_->Prepared("login_put",
                             "INSERT INTO logins (account, ts, event, ip, port, device, stored_at) VALUES "
                             "($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1",
                             PgParams().Text(l.account).Int(l.ts).Text(LoginEventName(l.event)).Text(l.ip).Int(
                                 l.port).Text(l.device).Int(Now()),
                             "storing a login record");
    if (!r.ok()) return r.status();
    added = r->rows() == 1;
    return Status::Ok();
  });
  if (s.ok() && inserted != nullptr) *inserted = added;
  return s;
}

Result<std::vector<LoginRecord>> PostgresStore::LoginsOf(const std::string& account) {
  auto r = conn_->Prepared("logins_of",
                           "SELECT ts, event, ip, port, device FROM logins WHERE account = $1 "
                           "ORDER BY ts, event COLLATE \"C\" DESC, ip COLLATE \"C\", port, device COLLATE \"C\"",
                           PgParams().Text(account), "reading login records");
  if (!r.ok()) return r.status();
  std::vector<LoginRecord> out;
  for (int i = 0; i < r->rows(); ++i) {
    LoginRecord& l = out.emplace_back();
    l.account = account;
    l.ts = r->Int(i, 0);
    l.event = ParseLoginEvent(r->View(i, 1)).value_or(LoginEvent::kLogin);
    l.ip = r->View(i, 2);
    l.port = static_cast<int>(r->Int(i, 3));
    l.device = r->View(i, 4);
  }
  return out;
}

}  // namespace evenhand::pg_store
