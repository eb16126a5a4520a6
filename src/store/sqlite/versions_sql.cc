#include "store/sqlite/versions_sql.h"

#include <charconv>

#include "store/sha256.h"
#include "store/sqlite/sqlite_util.h"
#include "store/store_records.h"

namespace evenhand::sqlite_store {

// The view and triggers of step 5 are dropped and made again around the
// rebuild of the decisions table (SQLite cannot change a UNIQUE constraint
// in place; a view naming a dropped table would stop the rename).
const char kVersionsMigrationSql[] = R"sql(
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE posts ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';   -- '' before v7: computed when first needed
ALTER TABLE posts ADD COLUMN stored_at INTEGER NOT NULL DEFAULT 0;    -- 0 before v7
ALTER TABLE posts ADD COLUMN content_deleted INTEGER NOT NULL DEFAULT 0;  -- unix seconds retention deleted text and media; 0 = kept

CREATE TABLE post_versions (
  item            TEXT NOT NULL,
  version         INTEGER NOT NULL,
  account         TEXT NOT NULL,
  ts              INTEGER NOT NULL,
  lang            TEXT NOT NULL,
  text            TEXT NOT NULL,
  topic           TEXT NOT NULL,
  region          TEXT NOT NULL,
  media           TEXT NOT NULL,
  content_hash    TEXT NOT NULL,
  stored_at       INTEGER NOT NULL,
  superseded_at   INTEGER NOT NULL,
  content_deleted INTEGER NOT NULL,
  PRIMARY KEY (item, version)
) WITHOUT ROWID;

DROP TRIGGER decision_facts_on_decision_delete;
DROP TRIGGER decision_facts_on_post_delete;
DROP VIEW decision_fact_values;
CREATE TABLE decisions_v7 (
  id         INTEGER PRIMARY KEY,
  item       TEXT NOT NULL,
  policy     TEXT NOT NULL,
  account    TEXT NOT NULL,
  action     TEXT NOT NULL,
  scope      TEXT NOT NULL,
  category   TEXT NOT NULL,
  rule       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  review     INTEGER NOT NULL,
  lang       TEXT NOT NULL,
  region     TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  signals    TEXT NOT NULL,
  stored_at  INTEGER NOT NULL,
  version    INTEGER NOT NULL DEFAULT 0,  -- the post version decided on; 0 = no post was stored
  UNIQUE (item, version, policy)
);
INSERT INTO decisions_v7 (id, item, policy, account, action, scope, category, rule, reason, review, lang, region, ts,
                          signals, stored_at, version)
  SELECT d.id, d.item, d.policy, d.account, d.action, d.scope, d.category, d.rule, d.reason, d.review, d.lang, d.region,
         d.ts, d.signals, d.stored_at, CASE WHEN EXISTS (SELECT 1 FROM posts p WHERE p.id = d.item) THEN 1 ELSE 0 END
  FROM decisions d;
DROP TABLE decisions;
ALTER TABLE decisions_v7 RENAME TO decisions;
CREATE INDEX decisions_by_policy ON decisions (policy, action, category);

-- The facts of a decision come from the version it was about (a decision
-- made before its post was stored, version 0, sees the current one).
CREATE VIEW decision_fact_values AS
SELECT d.id AS id,
       CASE WHEN coalesce(p.ts, v.ts, 0) <> 0 THEN coalesce(p.ts, v.ts) WHEN d.ts <> 0 THEN d.ts ELSE d.stored_at END
         AS received,
       d.stored_at AS stored_at, d.action AS action, d.policy AS policy, d.category AS category,
       d.review AS review, coalesce(p.topic, v.topic, '') AS topic,
       CASE WHEN coalesce(p.lang, v.lang, '') <> '' THEN coalesce(p.lang, v.lang) ELSE d.lang END AS lang,
       CASE WHEN coalesce(p.region, v.region, '') <> '' THEN coalesce(p.region, v.region) ELSE d.region END AS region
FROM decisions d LEFT JOIN posts p ON p.id = d.item AND (d.version = 0 OR p.version = d.version)
  LEFT JOIN post_versions v ON p.id IS NULL AND v.item = d.item AND v.version = d.version;
CREATE TRIGGER decision_facts_on_decision_delete AFTER DELETE ON decisions BEGIN
  DELETE FROM decision_facts WHERE id = OLD.id;
END;
CREATE TRIGGER decision_facts_on_post_delete AFTER DELETE ON posts
WHEN EXISTS (SELECT 1 FROM decisions WHERE item = OLD.id) BEGIN
  INSERT INTO fact_profiles (action, policy, category, review, topic, lang, region)
    SELECT DISTINCT v.action, v.policy, v.category, v.review, v.topic, v.lang, v.region
    FROM decision_fact_values v WHERE v.id IN (SELECT id FROM decisions WHERE item = OLD.id)
    AND NOT EXISTS (SELECT 1 FROM fact_profiles p WHERE p.action = v.action AND p.policy = v.policy AND p.category = v.category
                 AND p.review = v.review AND p.topic = v.topic AND p.lang = v.lang AND p.region = v.region);
  DELETE FROM decision_facts WHERE id IN (SELECT id FROM decisions WHERE item = OLD.id);
  INSERT INTO decision_facts
    SELECT v.id, v.received, v.stored_at, (SELECT p.id FROM fact_profiles p WHERE p.action = v.action AND p.policy = v.policy AND p.category = v.category
                 AND p.review = v.review AND p.topic = v.topic AND p.lang = v.lang AND p.region = v.region)
    FROM decision_fact_values v WHERE v.id IN (SELECT id FROM decisions WHERE item = OLD.id);
END;
)sql";

namespace {

constexpr const char* kVersionColumns =
    "item, version, account, ts, lang, text, topic, region, media, content_hash, stored_at, superseded_at, "
    "content_deleted";

// Rows of post_versions and posts in one shape (posts: superseded_at 0).
constexpr const char* kAllVersions =
    "SELECT item, version, account, ts, lang, text, topic, region, media, content_hash, stored_at, superseded_at, "
    "content_deleted FROM post_versions UNION ALL "
    "SELECT id, version, account, ts, lang, text, topic, region, media, content_hash, stored_at, 0, content_deleted "
    "FROM posts";

void ReadVersion(sqlite3_stmt* s, PostVersion* v) {
  Post& p = v->post;
  ReadText(s, 0, &p.id);
  v->version = sqlite3_column_int64(s, 1);
  ReadText(s, 2, &p.account);
  p.ts = sqlite3_column_int64(s, 3);
  ReadText(s, 4, &p.lang);
  ReadText(s, 5, &p.text);
  ReadText(s, 6, &p.topic);
  ReadText(s, 7, &p.region);
  std::string media;
  ReadText(s, 8, &media);
  store_records::ParseMediaJson(media, &p);
  ReadText(s, 9, &v->content_hash);
  if (v->content_hash.empty() && sqlite3_column_int64(s, 12) == 0) v->content_hash = ContentHash(p, media);
  v->stored_at = sqlite3_column_int64(s, 10);
  v->superseded_at = sqlite3_column_int64(s, 11);
  v->content_deleted = sqlite3_column_int64(s, 12);
}

}  // namespace

Status ArchiveCurrentVersion(sqlite3* db, const std::string& path, const std::string& id, int64_t now) {
  const std::string doing = "keeping the replaced version of item \"" + id + "\"";
  int rc = 0;
  const std::string sql = std::string("INSERT INTO post_versions (") + kVersionColumns +
                          ") SELECT id, version, account, ts, lang, text, topic, region, media, content_hash, "
                          "stored_at, ?2, content_deleted FROM posts WHERE id = ?1";
  OwnedStmt st = PrepareOwned(db, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, id);
  sqlite3_bind_int64(st.get(), 2, now);
  rc = sqlite3_step(st.get());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, doing);
  return Status::Ok();
}

Result<std::vector<PostVersion>> ReadPostVersions(sqlite3* db, const std::string& path, const std::string& id) {
  const std::string doing = "reading the versions of item \"" + id + "\"";
  int rc = 0;
  const std::string sql = std::string("SELECT * FROM (") + kAllVersions + ") WHERE item = ?1 ORDER BY version";
  OwnedStmt st = PrepareOwned(db, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, id);
  std::vector<PostVersion> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) ReadVersion(st.get(), &out.emplace_back());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, doing);
  return out;
}

Result<std::vector<PostVersion>> ReadVersionsOlderThan(sqlite3* db, const std::string& path, int64_t cutoff,
                                                       int64_t limit) {
  const std::string doing = "finding content older than the retention period";
  int rc = 0;
  const std::string sql = std::string("SELECT * FROM (") + kAllVersions +
                          ") WHERE content_deleted = 0 AND (CASE WHEN ts <> 0 THEN ts ELSE stored_at END) < ?1 "
                          "ORDER BY CASE WHEN ts <> 0 THEN ts ELSE stored_at END, item, version LIMIT ?2";
  OwnedStmt st = PrepareOwned(db, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  sqlite3_bind_int64(st.get(), 1, cutoff);
  sqlite3_bind_int64(st.get(), 2, limit);
  std::vector<PostVersion> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) ReadVersion(st.get(), &out.emplace_back());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, doing);
  return out;
}

Status DeleteVersionContent(sqlite3* db, const std::string& path, const std::string& id, int64_t version, int64_t now,
                            std::string* hash) {
  Result<std::vector<PostVersion>> all = ReadPostVersions(db, path, id);
  if (!all.ok()) return all.status();
  const PostVersion* v = nullptr;
  for (const PostVersion& x : *all)
    if (x.version == version) v = &x;
  if (v == nullptr) return Status::NotFound("item \"" + id + "\" has no version " + std::to_string(version));
  if (v->content_deleted != 0)
    return Status::Conflict("the content of item \"" + id + "\" version " + std::to_string(version) +
                            " is deleted already");
  *hash = v->content_hash;
  const bool current = v == &all->back() && v->superseded_at == 0;
  const std::string doing = "deleting the content of item \"" + id + "\" version " + std::to_string(version);
  int rc = 0;
  OwnedStmt st = PrepareOwned(
      db,
      current ? "UPDATE posts SET text = '', media = '[]', content_hash = ?3, content_deleted = ?4 "
                "WHERE id = ?1 AND version = ?2"
              : "UPDATE post_versions SET text = '', media = '[]', content_hash = ?3, content_deleted = ?4 "
                "WHERE item = ?1 AND version = ?2",
      &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, id);
  sqlite3_bind_int64(st.get(), 2, version);
  BindText(st.get(), 3, *hash);
  sqlite3_bind_int64(st.get(), 4, now);
  rc = sqlite3_step(st.get());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, doing);
  return Status::Ok();
}

}  // namespace evenhand::sqlite_store
