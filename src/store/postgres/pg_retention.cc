// PostgresStore: retention (cases/retention.h). Old content of items is
// deleted version by version (hash and metadata kept) and old login records
// of an account are deleted, each with its audit entry in the same
// transaction; the payloads are store_records.h's, as in the SQLite backend.
// Ages come through the partial indexes of schema v2 (posts_by_age,
// post_versions_by_age, logins_by_ts).
#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

#define EVENHAND_AGE "(CASE WHEN ts <> 0 THEN ts ELSE stored_at END)"

constexpr const char* kOlderThanSql =
    "SELECT * FROM (SELECT item, version, account, ts, lang, text, topic, region, media, content_hash, stored_at, "
    "superseded_at FROM post_versions WHERE content_deleted = 0 AND " EVENHAND_AGE " < $1 UNION ALL "
    "SELECT id, version, account, ts, lang, text, topic, region, media, content_hash, stored_at, 0 FROM posts "
    "WHERE content_deleted = 0 AND " EVENHAND_AGE " < $1) x ORDER BY " EVENHAND_AGE
    ", item COLLATE \"C\", version LIMIT $2";

#undef EVENHAND_AGE

}  // namespace

Result<std::vector<PostVersion>> PostgresStore::ContentOlderThan(int64_t cutoff, int64_t limit) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto r = conn_->Prepared("content_older_than", kOlderThanSql, PgParams().Int(cutoff).Int(limit),
                           "finding content older than the retention period");
  if (!r.ok()) return r.status();
  std::vector<PostVersion> out(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    PostVersion& v = out[static_cast<size_t>(i)];
    Post& p = v.post;
    p.id = r->View(i, 0);
    v.version = p.version = r->Int(i, 1);
    p.account = r->View(i, 2);
    p.ts = r->Int(i, 3);
    p.lang = r->View(i, 4);
    p.text = r->View(i, 5);
    p.topic = r->View(i, 6);
    p.region = r->View(i, 7);
    store_records::ParseMediaJson(r->View(i, 8), &p);
    v.content_hash = r->View(i, 9);
    v.stored_at = r->Int(i, 10);
    v.superseded_at = r->Int(i, 11);
  }
  return out;
}

Status PostgresStore::DeleteContent(const std::string& id, int64_t version, int64_t now, const std::string& actor,
                                    const std::string& reason) {
  if (Status s = ValidateAuditFields(actor, "item.content_deleted", id, ""); !s.ok()) return s;
  const std::string doing = "deleting the content of item \"" + id + "\" version " + std::to_string(version);
  return WriteOp(doing, [&]() -> Status {
    // The item's row is locked first, so a new version cannot move this
    // one out from under the delete.
    auto cur = conn_->Prepared("content_lock", "SELECT version, content_hash, content_deleted FROM posts "
                                               "WHERE id = $1 FOR UPDATE",
                               PgParams().Text(id), doing);
    if (!cur.ok()) return cur.status();
    const bool current = cur->rows() > 0 && cur->Int(0, 0) == version;
    std::string hash;
    int64_t deleted = 0;
    if (current) {
      hash = cur->Text(0, 1);
      deleted = cur->Int(0, 2);
    } else {
      auto old = conn_->Prepared("content_lock_version",
                                 "SELECT content_hash, content_deleted FROM post_versions WHERE item = $1 AND "
                                 "version = $2 FOR UPDATE",
                                 PgParams().Text(id).Int(version), doing);
      if (!old.ok()) return old.status();
      if (old->rows() == 0) return Status::NotFound("item \"" + id + "\" has no version " + std::to_string(version));
      hash = old->Text(0, 0);
      deleted = old->Int(0, 1);
    }
    if (deleted != 0)
      return Status::Conflict("the content of item \"" + id + "\" version " + std::to_string(version) +
                              " is deleted already");
    auto w = current ? conn_->Prepared("content_delete_current",
                                       "UPDATE posts SET text = '', media = '[]', content_deleted = $3 "
                                       "WHERE id = $1 AND version = $2",
                                       PgParams().Text(id).Int(version).Int(now), doing)
                     : conn_->Prepared("content_delete_version",
                                       "UPDATE post_versions SET text = '', media = '[]', content_deleted = $3 "
                                       "WHERE item = $1 AND version = $2",
                                       PgParams().Text(id).Int(version).Int(now), doing);
    if (!w.ok()) return w.status();
    return AppendAuditLocked(actor, "item.content_deleted", id,
                             store_records::ContentDeletedPayload(version, hash, reason));
  });
}

Result<std::vector<LoginAge>> PostgresStore::LoginsOlderThan(int64_t cutoff) {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto r = conn_->Prepared("logins_older_than",
                           "SELECT account, count(*), min(ts), max(ts) FROM logins WHERE ts < $1 "
                           "GROUP BY account ORDER BY account COLLATE \"C\"",
                           PgParams().Int(cutoff), "reading old login records");
  if (!r.ok()) return r.status();
  std::vector<LoginAge> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) out.push_back(LoginAge{r->Text(i, 0), r->Int(i, 1), r->Int(i, 2), r->Int(i, 3)});
  return out;
}

Status PostgresStore::DeleteLoginsOlderThan(const std::string& account, int64_t cutoff, const std::string& actor,
                                            const std::string& reason, int64_t* deleted) {
  *deleted = 0;
  if (Status s = ValidateAuditFields(actor, "login.deleted", account, ""); !s.ok()) return s;
  int64_t count = 0;
  Status s = WriteOp("deleting old login records of \"" + account + "\"", [&]() -> Status {
    auto r = conn_->Prepared("logins_delete",
                             "WITH gone AS (DELETE FROM logins WHERE account = $1 AND ts < $2 RETURNING ts) "
                             "SELECT count(*), coalesce(min(ts), 0), coalesce(max(ts), 0) FROM gone",
                             PgParams().Text(account).Int(cutoff), "deleting login records");
    if (!r.ok()) return r.status();
    const LoginAge age{account, r->Int(0, 0), r->Int(0, 1), r->Int(0, 2)};
    if (age.count == 0) return Status::Ok();
    count = age.count;
    return AppendAuditLocked(actor, "login.deleted", account, store_records::LoginsDeletedPayload(age, cutoff, reason));
  });
  if (s.ok()) *deleted = count;
  return s;
}

}  // namespace evenhand::pg_store
