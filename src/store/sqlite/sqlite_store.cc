// SQLite backend of Store. Everything SQLite-specific stays in this folder.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL already
// survives a crash of the process, but a power loss or OS crash may undo the
// last commits; FULL syncs the WAL at every COMMIT, so a batch is on disk
// before Commit() returns ok and the caller acknowledges it ("nothing
// acknowledged is ever lost"). The price is one fsync per batch, which the
// pipeline's batched transactions amortise.
//
// Concurrency: one Store object per thread; several Store objects (threads or
// processes) may share a file. Every write happens under BEGIN IMMEDIATE,
// i.e. holding SQLite's write lock, and the cached audit head is re-read at
// the start of each such transaction, so appends from other connections are
// never forked from (and seq INTEGER PRIMARY KEY would refuse a fork anyway).
#include "store/sqlite/sqlite_store.h"

#include <filesystem>

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/jurisdiction.h"
#include "model/limits.h"
#include "model/person.h"
#include "model/time.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/logins_sql.h"
#include "store/sqlite/people_sql.h"
#include "store/sqlite/sqlite_util.h"
#include "store/sqlite/tlog_sql.h"
#include "store/json_dump.h"
#include "store/audit_tree_store.h"
#include "store/sqlite/versions_sql.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/store_records.h"

namespace evenhand {
namespace sqlite_store {
namespace {

#define EVENHAND_CREATED_BY "evenhand " EVENHAND_VERSION

// Writes the facts of every decision that has none (after migrating to
// schema v5, and for stores filled behind the Store's back).
constexpr char kRefreshFactsSql[] = R"sql(
INSERT INTO fact_profiles (action, policy, category, review, topic, lang, region)
  SELECT DISTINCT v.action, v.policy, v.category, v.review, v.topic, v.lang, v.region
  FROM decision_fact_values v
  WHERE v.id NOT IN (SELECT id FROM decision_facts)
    AND NOT EXISTS (SELECT 1 FROM fact_profiles p WHERE p.action = v.action AND p.policy = v.policy AND p.category = v.category
                 AND p.review = v.review AND p.topic = v.topic AND p.lang = v.lang AND p.region = v.region);
INSERT INTO decision_facts
  SELECT v.id, v.received, v.stored_at, p.id
  FROM decision_fact_values v JOIN fact_profiles p ON p.action = v.action AND p.policy = v.policy AND p.category = v.category
                 AND p.review = v.review AND p.topic = v.topic AND p.lang = v.lang AND p.region = v.region
  WHERE v.id NOT IN (SELECT id FROM decision_facts);
)sql";

constexpr Migration kMigrations[] = {
    {1, "accounts, posts, decisions (unique by item and policy), audit chain, meta",
     R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('created_by', ')sql" EVENHAND_CREATED_BY R"sql(');
INSERT INTO meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE accounts (
  id      TEXT PRIMARY KEY,
  created INTEGER NOT NULL,  -- unix seconds
  country TEXT NOT NULL
);

CREATE TABLE posts (
  id      TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  ts      INTEGER NOT NULL,  -- unix seconds, 0 when unknown
  lang    TEXT NOT NULL,
  text    TEXT NOT NULL,
  topic   TEXT NOT NULL,
  region  TEXT NOT NULL,
  media   TEXT NOT NULL      -- JSON array of {"path": ...}
);

CREATE TABLE decisions (
  id         INTEGER PRIMARY KEY,
  item       TEXT NOT NULL,
  policy     TEXT NOT NULL,  -- "name@version"
  account    TEXT NOT NULL,
  action     TEXT NOT NULL,
  scope      TEXT NOT NULL,  -- JSON array of jurisdictions; [] = global
  category   TEXT NOT NULL,
  rule       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  review     INTEGER NOT NULL,
  lang       TEXT NOT NULL,
  region     TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  signals    TEXT NOT NULL,  -- JSON array of {"detector","name","score","evidence"}
  stored_at  INTEGER NOT NULL,
  UNIQUE (item, policy)
);
CREATE INDEX decisions_by_policy ON decisions (policy, action, category);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
-- Append-only by API: the Store only ever INSERTs here. Edits made behind
-- its back are found by the hash chain (AuditVerifier), not prevented.
)sql"},
    {2, "authorities and cases (orders, notices, data requests, appeals)",
     R"sql(
CREATE TABLE authorities (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  kind         TEXT NOT NULL,
  added        INTEGER NOT NULL
);

CREATE TABLE cases (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  issuer       TEXT NOT NULL,
  reference    TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  state        TEXT NOT NULL,
  received     INTEGER NOT NULL,
  deadline     INTEGER NOT NULL,  -- 0 = none
  body         TEXT NOT NULL,     -- JSON, shape owned by cases/
  UNIQUE (kind, issuer, reference)
);
CREATE INDEX cases_by_state ON cases (kind, state, deadline);
)sql"},
    {3, "API keys (hashes only) and moderators' reviews of decisions",
     R"sql(
CREATE TABLE api_keys (
  id        TEXT PRIMARY KEY,
  hash      TEXT NOT NULL,     -- sha256 hex of the whole key
  role      TEXT NOT NULL,
  authority TEXT NOT NULL,     -- '' unless role = 'authority'
  name      TEXT NOT NULL,
  created   INTEGER NOT NULL,
  revoked   INTEGER NOT NULL   -- 0 = live
);

CREATE TABLE decision_reviews (
  item    TEXT NOT NULL,
  policy  TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason  TEXT NOT NULL,
  actor   TEXT NOT NULL,
  at      INTEGER NOT NULL,
  PRIMARY KEY (item, policy)
);
)sql"},
    {4, "an index of the audit log by subject (a case's history without walking the chain)",
     R"sql(
CREATE INDEX audit_by_subject ON audit (subject, seq);
)sql"},
    {5, "decision facts: what the compliance reports read of each decision and its post, in one narrow table "
        "written with each decision",
     R"sql(
-- What the facts of a decision are, by decision id: the post's values
-- where it has them, else the decision's.
CREATE VIEW decision_fact_values AS
SELECT d.id AS id,
       CASE WHEN coalesce(p.ts, 0) <> 0 THEN p.ts WHEN d.ts <> 0 THEN d.ts ELSE d.stored_at END AS received,
       d.stored_at AS stored_at, d.action AS action, d.policy AS policy, d.category AS category,
       d.review AS review, coalesce(p.topic, '') AS topic,
       CASE WHEN coalesce(p.lang, '') <> '' THEN p.lang ELSE d.lang END AS lang,
       CASE WHEN coalesce(p.region, '') <> '' THEN p.region ELSE d.region END AS region
FROM decisions d LEFT JOIN posts p ON p.id = d.item;

-- Every combination of the values the reports group a decision by, once:
-- a few thousand where there are millions of decisions.
CREATE TABLE fact_profiles (
  id       INTEGER PRIMARY KEY,
  action   TEXT NOT NULL,
  policy   TEXT NOT NULL,
  category TEXT NOT NULL,
  review   INTEGER NOT NULL,
  topic    TEXT NOT NULL,     -- the post's ('' without a post)
  lang     TEXT NOT NULL,     -- the post's, else the decision's
  region   TEXT NOT NULL,     -- the post's, else the decision's
  UNIQUE (action, policy, category, review, topic, lang, region)
);

-- One narrow row per decision (same id): the analytics read this instead
-- of the wide decisions and posts tables.
CREATE TABLE decision_facts (
  id        INTEGER PRIMARY KEY,  -- decisions.id
  received  INTEGER NOT NULL,     -- unix seconds: the post's ts, else the decision's, else stored_at
  stored_at INTEGER NOT NULL,
  profile   INTEGER NOT NULL      -- fact_profiles.id
);

-- The Store writes a decision's facts with the decision, and rewrites
-- them when the decision's post is stored or replaced later (PutPost). It
-- deletes neither decisions nor posts; these keep the facts true if
-- someone else does.
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
)sql"},
    {6, "people: keys belong to a registered person (keys made before become people of their own)", nullptr},
    {7, "versions of stored content: a changed item is a new version, decisions name the version they were about",
     nullptr},
    {8, "sign-up and login records (address, source port, device) for data requests", nullptr},
    {9, "the audit log's Merkle tree (RFC 9162 hashing, C2SP tiles) built over the stored entries, and checkpoints",
     nullptr},
    {10, "the audit tree rebuilt with leaf data v2 (salted commitments to actor, payload and chain link); "
         "checkpoints issued before are void",
     nullptr},
    {11, "the audit tree's partial tiles kept as rows appended per commit (tlog_tail) instead of rewritten whole",
     nullptr},
    {12, "the audit tree's size read from where its level 0 ends, not kept in a row of its own (tlog_tree dropped)",
     nullptr},
};

// Cached prepared statements.
enum Q : int {
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackTo,
  kHead,
  kInsertAudit,
  kInsertDecision,
  kUpsertAccount,
  kUpsertPost,
  kFactValues,
  kFindProfile,
  kInsertProfile,
  kPutFacts,
  kInsertFacts,
  kPostFacts,
  kDecisionsOfItem,
  kInsertPost,
  kPostFactsVersioned,
  kInsertDecisionVersioned,
  kUnversionedDecisionsOfItem,
  kQueryCount,
};

constexpr const char* kSql[kQueryCount] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT evenhand_op",
    "RELEASE evenhand_op",
    "ROLLBACK TO evenhand_op",
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    "INSERT INTO audit (seq, ts, actor, action, subject, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
    "?7, ?8)",
    "INSERT INTO decisions (item, policy, account, action, scope, category, rule, reason, review, lang, region, ts, "
    "signals, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (item, policy) DO NOTHING",
    "INSERT INTO accounts (id, created, country) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (id) DO UPDATE SET created = excluded.created, country = excluded.country",
    "INSERT INTO posts (id, account, ts, lang, text, topic, region, media) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (id) DO UPDATE SET account = excluded.account, ts = excluded.ts, lang = excluded.lang, "
    "text = excluded.text, topic = excluded.topic, region = excluded.region, media = excluded.media",
    "SELECT received, stored_at, action, policy, category, review, topic, lang, region FROM decision_fact_values "
    "WHERE id = ?1",
    "SELECT id FROM fact_profiles WHERE action = ?1 AND policy = ?2 AND category = ?3 AND review = ?4 AND topic = ?5 "
    "AND lang = ?6 AND region = ?7",
    "INSERT INTO fact_profiles (action, policy, category, review, topic, lang, region) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7)",
    "INSERT OR REPLACE INTO decision_facts (id, received, stored_at, profile) VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO decision_facts (id, received, stored_at, profile) VALUES (?1, ?2, ?3, ?4)",
    "SELECT ts, topic, lang, region FROM posts WHERE id = ?1",
    "SELECT id FROM decisions WHERE item = ?1",
    "INSERT INTO posts (id, account, ts, lang, text, topic, region, media, version, content_hash, stored_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10) ON CONFLICT (id) DO NOTHING",
    "SELECT ts, topic, lang, region, version, content_hash FROM posts WHERE id = ?1",
    "INSERT INTO decisions (item, policy, account, action, scope, category, rule, reason, review, lang, region, ts, "
    "signals, stored_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (item, version, policy) DO NOTHING",
    "SELECT id FROM decisions WHERE item = ?1 AND version = 0",
};

constexpr int kFactsSchema = 5;  // the first schema with decision_facts (a store opened at an older one, in tests)
constexpr int kVersionsSchema = 7;  // the first schema with post versions




bool IsMemoryPath(const std::string& path) {
  return path == ":memory:" || path.rfind("file::memory:", 0) == 0 || path.find("mode=memory") != std::string::npos;
}


// Resets a statement (and drops its bindings) when a use of it ends.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* s) : s_(s) {}
  ~StmtUse() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  sqlite3_stmt* get() const { return s_; }
  void Text(int i, const std::string& v) { sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void View(int i, std::string_view v) { sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8); }

 private:
  sqlite3_stmt* s_;
};

class SqliteStore final : public Store, public AuditTreeStore {
 public:
  SqliteStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db), tlog_(db_, path_) {}
  ~SqliteStore() override {
    checkpointer_.reset();  // before the connection it hooks closes
    // An open batch was never acknowledged: undo it.
    if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    for (sqlite3_stmt*& s : stmts_) {
      sqlite3_finalize(s);
      s = nullptr;
    }
    sqlite3_close_v2(db_);
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status Init(std::span<const Migration> migrations);

  Status Begin() override;
  Status CheckpointInBackground() override {
    if (checkpointer_ != nullptr || IsMemoryPath(path_)) return Status::Ok();
    auto c = sqlite_store::WalCheckpointer::Start(path_, db_);
    if (!c.ok()) return c.status();
    checkpointer_ = std::move(c).value();
    return Status::Ok();
  }
  Status Commit() override;
  Status Rollback() override;
  Status PutAccount(const Account& account) override;
  Status PutPost(const Post& post, const std::string& actor) override;
  Result<std::vector<PostVersion>> PostVersions(const std::string& id) override;
  Result<std::vector<PostVersion>> ContentOlderThan(int64_t cutoff, int64_t limit) override;
  Status DeleteContent(const std::string& id, int64_t version, int64_t now, const std::string& actor,
                       const std::string& reason) override;
  Status PutDecision(const Decision& decision, const std::string& actor, bool* inserted) override;
  Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                     const std::string& payload) override;
  Status ForEachAudit(const std::function<void(const AuditEntry&)>& fn) override;
  Status ForEachAuditOf(const std::string& subject, const std::function<void(const AuditEntry&)>& fn) override;
  Result<DecisionCounts> CountDecisions(const std::string& policy_id) override;
  Status ForEachDecision(const std::string& policy_id,
                         const std::function<bool(const StoredDecision&)>& fn) override;
  Status ForEachDecisionNewestFirst(const std::function<bool(const StoredDecision&)>& fn) override;
  Status ForEachDecisionOf(const std::string& item, const std::function<bool(const StoredDecision&)>& fn) override;
  Status ScanDecisionFacts(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) override;
  Status ScanDecisionFactsLocked(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn);
  Result<int64_t> CountDecisionFacts() override;
  int schema_version() override { return schema_version_; }

  Status PutAuthority(const AuthorityRecord& authority, const std::string& actor) override;
  Status ReplaceAuthority(const AuthorityRecord& authority, const std::string& reason, const std::string& actor) override;
  Status WriteAuthority(const AuthorityRecord& authority, const std::string& actor, const std::string* replace_reason);
  Result<std::vector<AuthorityRecord>> ListAuthorities() override;
  Result<bool> HasPost(const std::string& id) override;
  Result<Post> GetPost(const std::string& id) override;
  Result<bool> HasAccount(const std::string& id) override;
  Status InsertCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                    const std::string& audit_payload, bool* inserted, CaseRecord* existing) override;
  Status UpdateCase(const CaseRecord& c, const std::string& expected_state, const std::string& actor,
                    const std::string& audit_action, const std::string& audit_payload) override;
  Result<CaseRecord> GetCase(const std::string& id) override;
  Result<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) override;
  Result<Account> GetAccount(const std::string& id) override;
  Result<std::vector<Post>> PostsByAccount(const std::string& account_id) override;
  Status PutLogin(const LoginRecord& login, bool* inserted) override;
  Result<std::vector<LoginRecord>> LoginsOf(const std::string& account) override;
  Result<std::vector<LoginAge>> LoginsOlderThan(int64_t cutoff) override;
  Status DeleteLoginsOlderThan(const std::string& account, int64_t cutoff, const std::string& actor,
                               const std::string& reason, int64_t* deleted) override;
  Status PutPerson(const PersonRecord& person, const std::string& actor) override;
  Result<PersonRecord> GetPerson(const std::string& id) override;
  Result<std::vector<PersonRecord>> ListPeople() override;
  Status PutApiKey(const ApiKeyRecord& key, const std::string& actor) override;
  Result<ApiKeyRecord> GetApiKey(const std::string& id) override;
  Result<std::vector<ApiKeyRecord>> ListApiKeys() override;
  Status RevokeApiKey(const std::string& id, int64_t now, const std::string& actor) override;
  Status PutDecisionReview(const DecisionReview& review) override;
  Result<std::vector<DecisionReview>> ListDecisionReviews() override;
  Result<uint64_t> AuditTreeSize() override;
  Result<std::string> ReadAuditTile(int level, uint64_t index) override;
  Result<AuditEntry> GetAudit(int64_t seq) override;
  Status PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints(int64_t limit) override;
  int AuditLeafVersion() override { return tlog_.leaf_version(); }
  Result<AuditSalts> GetAuditSalts(int64_t seq) override;
  Result<std::vector<ReviewedDecision>> ListReviewedDecisions() override;

 private:
  // Appends the entries of the open write transaction to the audit tree
  // (tlog_sql.h), just before it commits.
  Status SyncTreeLocked();
  Status NeedTree() const;
  Status WalkAudit(const std::string* subject, const std::function<void(const AuditEntry&)>& fn);
  Status WalkDecisions(const std::string& policy_id, bool newest_first,
                       const std::function<bool(const StoredDecision&)>& fn, const std::string* item = nullptr);
  Status Error(int rc, const std::string& doing) const;
  Status Exec(const std::string& sql, const std::string& doing);
  Result<sqlite3_stmt*> Prepared(Q q);
  Status Run(Q q, const std::string& doing);
  Result<int64_t> PragmaInt(const char* name);
  Status CheckBatchAlive() const;
  template <typename F>
  Status WriteOp(const std::string& doing, F&& body);
  Status LoadHead();
  Status AppendAuditLocked(const std::string& actor, const std::string& action, const std::string& subject,
                           const std::string& payload);
  // What a decision's fact profile holds (views into the caller's data).
  struct FactProfile {
    std::string_view action, policy, category, topic, lang, region;
    bool review = false;
  };
  Result<int64_t> ProfileIdLocked(const FactProfile& values);
  Status PutFactsLocked(Q statement, int64_t decision_id, int64_t received, int64_t stored_at, int64_t profile);
  Status RewriteFactsLocked(int64_t decision_id);
  // What a decision needs of its stored post.
  struct PostInfo {
    bool found = false;
    int64_t ts = 0;
    std::string topic, lang, region;
    int64_t version = 0;  // 0 = no post stored
    std::string content_hash;
  };
  Status PostOfDecisionLocked(const std::string& item, PostInfo* info);
  Status WriteNewFactsLocked(int64_t decision_id, const Decision& d, const std::string& action, int64_t stored_at,
                             const PostInfo& post);
  Status NewVersionLocked(const Post& p, const std::string& media_json, const std::string& hash,
                          const std::string& actor, int64_t* version, bool* changed);
  // The transaction holding pending_profiles_ ended: committed or not.
  void EndTransaction(bool committed);

  std::string path_;
  sqlite3* db_;
  TlogSql tlog_;
  bool tree_dirty_ = false;  // audit entries appended in the open transaction
  std::array<sqlite3_stmt*, kQueryCount> stmts_{};
  int schema_version_ = 0;
  bool explicit_txn_ = false;  // between a successful Begin() and Commit()/Rollback()
  std::string json_scope_, json_signals_, json_payload_;  // PutDecision's buffers, kept between calls
  bool head_known_ = false;    // head_* valid; only while holding the write lock
  int64_t head_seq_ = 0;
  std::string head_hash_;
  // fact_profiles ids by their values (joined): committed ones, and those
  // met inside the open transaction, which a rollback may take back.
  std::unordered_map<std::string, int64_t> profiles_, pending_profiles_;
  // The post PutPost stored last, while its transaction is open.
  Post last_post_;
  // WAL checkpoints off this connection's commits (CheckpointInBackground).
  std::unique_ptr<sqlite_store::WalCheckpointer> checkpointer_;
  std::string last_post_hash_;
  bool last_post_valid_ = false;
};

Status SqliteStore::Error(int rc, const std::string& doing) const { return SqliteError(db_, path_, rc, doing); }

Status SqliteStore::Exec(const std::string& sql, const std::string& doing) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, doing);
}

Result<sqlite3_stmt*> SqliteStore::Prepared(Q q) {
  if (stmts_[q] == nullptr) {
    int rc = sqlite3_prepare_v3(db_, kSql[q], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[q], nullptr);
    if (rc != SQLITE_OK) {
      Status s = Error(rc, std::string("preparing \"") + kSql[q] + "\"");
      sqlite3_finalize(stmts_[q]);
      stmts_[q] = nullptr;
      return s;
    }
  }
  return stmts_[q];
}

Status SqliteStore::Run(Q q, const std::string& doing) {
  Result<sqlite3_stmt*> s = Prepared(q);
  if (!s.ok()) return s.status();
  StmtUse use(*s);
  int rc = sqlite3_step(use.get());
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(rc, doing);
}

Result<int64_t> SqliteStore::PragmaInt(const char* name) {
  sqlite3_stmt* s = nullptr;
  std::string sql = std::string("PRAGMA ") + name;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return Error(rc, std::string("reading ") + name);
  }
  rc = sqlite3_step(s);
  int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc, std::string("reading ") + name);
  return v;
}

Status SqliteStore::Init(std::span<const Migration> migrations) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, StoreBusyTimeoutMs());

  int latest = 0;
  for (const Migration& m : migrations) {
    if (m.version != latest + 1)
      return Status::Internal("schema migrations out of order: version " + std::to_string(m.version) +
                              " follows " + std::to_string(latest));
    latest = m.version;
  }

  // Identify the file before anything writes to it: this is the first read,
  // so a file that is not SQLite fails here (SQLITE_NOTADB).
  Result<int64_t> app_id = PragmaInt("application_id");
  if (!app_id.ok()) return app_id.status();
  Result<int64_t> version = PragmaInt("user_version");
  if (!version.ok()) return version.status();
  if (*app_id != 0 && *app_id != kApplicationId) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(*app_id) & 0xffffffffULL);
    return Status::Invalid(path_ + ": not an evenhand database (it belongs to another application, SQLite application_id " +
                           hex + ")");
  }
  if (*version > latest)
    return Status::Invalid(path_ + ": database schema version " + std::to_string(*version) +
                           " was created by a newer evenhand; this build knows versions up to " +
                           std::to_string(latest) + ". Use a newer evenhand or another database file.");
  if (*version < 0)
    return Status::Corrupt(path_ + ": database schema version " + std::to_string(*version) + " is not valid");
  if (*version == 0) {
    // Version 0: either a new, empty database or someone else's file.
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_,
                                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                                "ESCAPE '\\' ORDER BY name LIMIT 4",
                                -1, &s, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(s);
      return Error(rc, "listing tables");
    }
    std::string names;
    int n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::string name;
      ReadText(s, 0, &name);
      if (n++ > 0) names += ", ";
      names += n > 3 ? "..." : name;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return Error(rc, "listing tables");
    if (n > 0)
      return Status::Invalid(path_ + ": not an evenhand database (it has tables " + names +
                             " but no evenhand schema version); refusing to change it");
  }

  // WAL: readers never block the writer and commits append to one file.
  {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode = WAL", -1, &s, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) ReadText(s, 0, &mode);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) return Error(rc, "switching to the WAL journal");
    if (mode != "wal" && !IsMemoryPath(path_))
      return Status::Io(path_ + ": cannot use the WAL journal (SQLite kept \"" + mode +
                        "\"); is the file on a network filesystem?");
  }
  if (Status s = Exec("PRAGMA synchronous = FULL", "setting synchronous = FULL"); !s.ok()) return s;
  if (Status s = Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"); !s.ok()) return s;

  if (*version < latest) {
    // All pending steps in one write transaction. Re-read the version under
    // the lock: another process may have migrated meanwhile.
    if (Status s = Exec("BEGIN IMMEDIATE", "starting the schema migration"); !s.ok()) return s;
    auto fail = [&](Status s) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    };
    Result<int64_t> now = PragmaInt("user_version");
    if (!now.ok()) return fail(now.status());
    if (*now > latest)
      return fail(Status::Invalid(path_ + ": database schema version " + std::to_string(*now) +
                                  " was created by a newer evenhand; this build knows versions up to " +
                                  std::to_string(latest)));
    for (const Migration& m : migrations) {
      if (m.version <= *now) continue;
      if (Status s = Exec(m.sql, "migrating the schema to version " + std::to_string(m.version) + " (" + m.what + ")");
          !s.ok())
        return fail(s);
      if (m.after != nullptr)
        if (Status s = m.after(db_, path_); !s.ok()) return fail(s);
    }
    if (Status s = Exec("PRAGMA application_id = " + std::to_string(kApplicationId), "setting application_id"); !s.ok())
      return fail(s);
    if (Status s = Exec("PRAGMA user_version = " + std::to_string(latest), "recording the schema version"); !s.ok())
      return fail(s);
    if (Status s = Exec("COMMIT", "committing the schema migration"); !s.ok()) return fail(s);
  }
  schema_version_ = latest;
  tlog_.SetLeafVersion(schema_version_ >= kTlogV2Schema ? 2 : 1);
  tlog_.SetTailRows(schema_version_ >= kTlogTailSchema);
  tlog_.SetSizeFromTiles(schema_version_ >= kTlogSizeSchema);
  return Status::Ok();
}

Status SqliteStore::CheckBatchAlive() const {
  if (explicit_txn_ && sqlite3_get_autocommit(db_) != 0)
    return Status::Io(path_ + ": the open transaction was rolled back after an earlier error; nothing in it was "
                              "stored. Call Rollback() and retry the batch.");
  return Status::Ok();
}

// Runs `body` atomically: inside a savepoint when a batch is open (so a
// failed operation leaves the batch as it was), else in its own transaction.
template <typename F>
Status SqliteStore::WriteOp(const std::string& doing, F&& body) {
  if (explicit_txn_) {
    if (Status s = CheckBatchAlive(); !s.ok()) return s;
    if (Status s = Run(kSavepoint, doing); !s.ok()) return s;
    Status s = body();
    if (s.ok()) s = Run(kRelease, doing);
    if (!s.ok()) {
      head_known_ = false;
      pending_profiles_.clear();  // some may be rolled back: look them up again
      last_post_valid_ = false;
      if (sqlite3_get_autocommit(db_) == 0) {
        (void)Run(kRollbackTo, doing);
        (void)Run(kRelease, doing);
      }
    }
    return s;
  }
  if (Status s = Run(kBegin, doing); !s.ok()) return s;
  head_known_ = false;  // we now hold the write lock: re-read the head
  Status s = body();
  if (s.ok()) s = SyncTreeLocked();
  if (s.ok()) s = Run(kCommit, doing);
  if (!s.ok()) {
    head_known_ = false;
    if (sqlite3_get_autocommit(db_) == 0) (void)Run(kRollback, doing);
  }
  EndTransaction(s.ok());
  return s;
}

Status SqliteStore::Begin() {
  if (explicit_txn_) return Status::Conflict(path_ + ": Begin(): a transaction is already open; Commit() or Rollback() it first");
  if (Status s = Run(kBegin, "starting a transaction"); !s.ok()) return s;
  explicit_txn_ = true;
  head_known_ = false;
  return Status::Ok();
}

Status SqliteStore::Commit() {
  if (!explicit_txn_) return Status::Invalid(path_ + ": Commit() without Begin()");
  if (Status s = CheckBatchAlive(); !s.ok()) {
    explicit_txn_ = false;
    head_known_ = false;
    EndTransaction(false);
    return s;
  }
  Status s = SyncTreeLocked();
  if (s.ok()) s = Run(kCommit, "committing");
  if (!s.ok()) {
    head_known_ = false;
    // Still open: the caller may retry Commit() or Rollback().
    if (sqlite3_get_autocommit(db_) != 0) {
      explicit_txn_ = false;
      EndTransaction(false);
    }
    return s;
  }
  explicit_txn_ = false;
  EndTransaction(true);
  return Status::Ok();
}

Status SqliteStore::Rollback() {
  head_known_ = false;
  EndTransaction(false);
  if (!explicit_txn_) return Status::Ok();
  explicit_txn_ = false;
  if (sqlite3_get_autocommit(db_) != 0) return Status::Ok();  // SQLite already rolled it back
  return Run(kRollback, "rolling back");
}

Status SqliteStore::PutAccount(const Account& a) {
  if (a.id.empty()) return Status::Invalid("account: id is empty");
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  Result<sqlite3_stmt*> st = Prepared(kUpsertAccount);
  if (!st.ok()) return st.status();
  StmtUse u(*st);
  u.Text(1, a.id);
  u.Int(2, a.created);
  u.Text(3, a.country);
  int rc = sqlite3_step(u.get());
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "storing account \"" + a.id + "\"");
}

// A post stored after its decisions, or replaced, changes their facts:
// they are rewritten in the same transaction. Inside a batch (which holds
// the write lock) a new post without decisions, the usual case, is one
// statement; otherwise the post and the facts are written atomically. A
// stored id with different content becomes the next version (schema v7).
Status SqliteStore::PutPost(const Post& p, const std::string& actor) {
  if (p.id.empty()) return Status::Invalid("post: id is empty");
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  const std::string media_json = store_records::MediaJson(p);
  const std::string doing = "storing post \"" + p.id + "\"";
  const bool versioned = schema_version_ >= kVersionsSchema;
  const std::string hash = versioned ? ContentHash(p, media_json) : std::string();
  int64_t version = 1;
  // Inserts the post unless its id is stored; *added says which.
  auto insert = [&](bool* added) -> Status {
    Result<sqlite3_stmt*> st = Prepared(versioned ? kInsertPost : kUpsertPost);
    if (!st.ok()) return st.status();
    StmtUse u(*st);
    u.Text(1, p.id);
    u.Text(2, p.account);
    u.Int(3, p.ts);
    u.Text(4, p.lang);
    u.Text(5, p.text);
    u.Text(6, p.topic);
    u.Text(7, p.region);
    u.Text(8, media_json);
    if (versioned) {
      u.Text(9, hash);
      u.Int(10, Now());
    }
    int rc = sqlite3_step(u.get());
    if (rc != SQLITE_DONE) return Error(rc, doing);
    *added = !versioned || sqlite3_changes(db_) == 1;
    return Status::Ok();
  };
  auto decisions_of_post = [&](std::vector<int64_t>* ids) -> Status {
    if (schema_version_ < kFactsSchema) return Status::Ok();
    Result<sqlite3_stmt*> st = Prepared(kDecisionsOfItem);
    if (!st.ok()) return st.status();
    StmtUse u(*st);
    u.Text(1, p.id);
    int rc;
    while ((rc = sqlite3_step(u.get())) == SQLITE_ROW) ids->push_back(sqlite3_column_int64(u.get(), 0));
    return rc == SQLITE_DONE ? Status::Ok() : Error(rc, doing);
  };
  // Remembered for the decision that usually follows in the same batch.
  auto remember = [&](Status s) {
    last_post_valid_ = s.ok() && explicit_txn_;
    if (last_post_valid_) {
      last_post_.id = p.id;
      last_post_.ts = p.ts;
      last_post_.topic = p.topic;
      last_post_.lang = p.lang;
      last_post_.region = p.region;
      last_post_.version = version;
      last_post_hash_ = hash;
    }
    return s;
  };
  std::vector<int64_t> decisions;
  if (explicit_txn_) {
    if (Status s = decisions_of_post(&decisions); !s.ok()) return s;
    if (decisions.empty()) {
      bool added = false;
      if (Status s = insert(&added); !s.ok() || added) return remember(s);
    }
  }
  return remember(WriteOp(doing, [&]() -> Status {
    bool added = false;
    if (Status s = insert(&added); !s.ok()) return s;
    if (!added) {
      bool changed = false;
      if (Status s = NewVersionLocked(p, media_json, hash, actor, &version, &changed); !s.ok()) return s;
      if (!changed) return Status::Ok();
    }
    // A new post changes the facts of decisions made before it was stored;
    // a new version only those of decisions about no version (the older
    // versions' decisions keep the facts of what they decided on).
    decisions.clear();
    if (Status s = decisions_of_post(&decisions); !s.ok()) return s;
    if (!added && versioned) {
      decisions.clear();
      Result<sqlite3_stmt*> st = Prepared(kUnversionedDecisionsOfItem);
      if (!st.ok()) return st.status();
      StmtUse u(*st);
      u.Text(1, p.id);
      int rc;
      while ((rc = sqlite3_step(u.get())) == SQLITE_ROW) decisions.push_back(sqlite3_column_int64(u.get(), 0));
      if (rc != SQLITE_DONE) return Error(rc, doing);
    }
    for (int64_t id : decisions)
      if (Status s = RewriteFactsLocked(id); !s.ok()) return s;
    return Status::Ok();
  }));
}

// `p`'s id is stored: unless its content is the same, the stored version is
// kept in post_versions and `p` becomes the next one, audited.
Status SqliteStore::NewVersionLocked(const Post& p, const std::string& media_json, const std::string& hash,
                                     const std::string& actor, int64_t* version, bool* changed) {
  const std::string doing = "storing a new version of item \"" + p.id + "\"";
  int rc = 0;
  OwnedStmt q = PrepareOwned(
      db_, "SELECT account, ts, lang, text, topic, region, media, version, content_hash, content_deleted FROM posts "
           "WHERE id = ?1",
      &rc);
  if (rc != SQLITE_OK) return Error(rc, doing);
  BindText(q.get(), 1, p.id);
  rc = sqlite3_step(q.get());
  if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? Status::Internal(doing + ": the post vanished") : Error(rc, doing);
  Post old;
  old.id = p.id;
  ReadText(q.get(), 0, &old.account);
  old.ts = sqlite3_column_int64(q.get(), 1);
  ReadText(q.get(), 2, &old.lang);
  ReadText(q.get(), 3, &old.text);
  ReadText(q.get(), 4, &old.topic);
  ReadText(q.get(), 5, &old.region);
  std::string old_media, old_hash;
  ReadText(q.get(), 6, &old_media);
  const int64_t old_version = sqlite3_column_int64(q.get(), 7);
  ReadText(q.get(), 8, &old_hash);
  const bool old_deleted = sqlite3_column_int64(q.get(), 9) != 0;
  if (old_hash.empty()) old_hash = ContentHash(old, old_media);
  *version = old_version;
  *changed = old_hash != hash;
  if (!*changed) return Status::Ok();
  const std::vector<std::string> fields = store_records::ChangedFields(old, old_media, old_deleted, p, media_json);
  if (Status s = ArchiveCurrentVersion(db_, path_, p.id, Now()); !s.ok()) return s;
  OwnedStmt up = PrepareOwned(
      db_, "UPDATE posts SET account = ?2, ts = ?3, lang = ?4, text = ?5, topic = ?6, region = ?7, media = ?8, "
           "version = ?9, content_hash = ?10, stored_at = ?11, content_deleted = 0 WHERE id = ?1",
      &rc);
  if (rc != SQLITE_OK) return Error(rc, doing);
  BindText(up.get(), 1, p.id);
  BindText(up.get(), 2, p.account);
  sqlite3_bind_int64(up.get(), 3, p.ts);
  BindText(up.get(), 4, p.lang);
  BindText(up.get(), 5, p.text);
  BindText(up.get(), 6, p.topic);
  BindText(up.get(), 7, p.region);
  BindText(up.get(), 8, media_json);
  sqlite3_bind_int64(up.get(), 9, old_version + 1);
  BindText(up.get(), 10, hash);
  sqlite3_bind_int64(up.get(), 11, Now());
  rc = sqlite3_step(up.get());
  if (rc != SQLITE_DONE) return Error(rc, doing);
  *version = old_version + 1;
  const std::string text = store_records::VersionPayload(*version, hash, old_version, old_hash, fields);
  if (Status s = ValidateAuditFields(actor, "item.version", p.id, text); !s.ok()) return s;
  return AppendAuditLocked(actor, "item.version", p.id, text);
}

Result<std::vector<PostVersion>> SqliteStore::PostVersions(const std::string& id) {
  if (schema_version_ < kVersionsSchema) return Status::Invalid(path_ + ": schema older than v7 keeps no versions");
  return ReadPostVersions(db_, path_, id);
}

Result<std::vector<PostVersion>> SqliteStore::ContentOlderThan(int64_t cutoff, int64_t limit) {
  return ReadVersionsOlderThan(db_, path_, cutoff, limit);
}

Status SqliteStore::DeleteContent(const std::string& id, int64_t version, int64_t now, const std::string& actor,
                                  const std::string& reason) {
  if (Status s = ValidateAuditFields(actor, "item.content_deleted", id, ""); !s.ok()) return s;
  return WriteOp("deleting the content of item \"" + id + "\"", [&]() -> Status {
    std::string hash;
    if (Status s = DeleteVersionContent(db_, path_, id, version, now, &hash); !s.ok()) return s;
    return AppendAuditLocked(actor, "item.content_deleted", id, store_records::ContentDeletedPayload(version, hash, reason));
  });
}

Status SqliteStore::LoadHead() {
  Result<sqlite3_stmt*> st = Prepared(kHead);
  if (!st.ok()) return st.status();
  StmtUse u(*st);
  int rc = sqlite3_step(u.get());
  if (rc == SQLITE_ROW) {
    head_seq_ = sqlite3_column_int64(u.get(), 0);
    ReadText(u.get(), 1, &head_hash_);
  } else if (rc == SQLITE_DONE) {
    head_seq_ = 0;
    head_hash_ = kGenesisHash;
  } else {
    return Error(rc, "reading the audit head");
  }
  head_known_ = true;
  return Status::Ok();
}

Status SqliteStore::AppendAuditLocked(const std::string& actor, const std::string& action, const std::string& subject,
                                      const std::string& payload) {
  if (!head_known_) {
    if (Status s = LoadHead(); !s.ok()) return s;
  }
  AuditEntry e;
  e.seq = head_seq_ + 1;
  e.ts = Now();
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.payload = payload;
  e.prev_hash = head_hash_;
  e.hash = ComputeAuditHash(e);
  Result<sqlite3_stmt*> st = Prepared(kInsertAudit);
  if (!st.ok()) return st.status();
  StmtUse u(*st);
  u.Int(1, e.seq);
  u.Int(2, e.ts);
  u.Text(3, e.actor);
  u.Text(4, e.action);
  u.Text(5, e.subject);
  u.Text(6, e.payload);
  u.Text(7, e.prev_hash);
  u.Text(8, e.hash);
  int rc = sqlite3_step(u.get());
  if (rc != SQLITE_DONE) {
    head_known_ = false;
    return Error(rc, "appending audit entry " + std::to_string(e.seq));
  }
  head_seq_ = e.seq;
  head_hash_ = std::move(e.hash);
  tree_dirty_ = true;
  return Status::Ok();
}

Status SqliteStore::AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                                const std::string& payload) {
  if (Status s = ValidateAuditFields(actor, action, subject, payload); !s.ok()) return s;
  return WriteOp("appending an audit entry", [&] { return AppendAuditLocked(actor, action, subject, payload); });
}

Status SqliteStore::SyncTreeLocked() {
  if (!tree_dirty_ || schema_version_ < kTlogSchema) return Status::Ok();
  return tlog_.Sync();
}

Status SqliteStore::NeedTree() const {
  if (schema_version_ < kTlogSchema)
    return Status::Invalid(path_ + ": schema v" + std::to_string(schema_version_) + " keeps no audit tree (v" +
                           std::to_string(kTlogSchema) + " does)");
  return Status::Ok();
}

Result<uint64_t> SqliteStore::AuditTreeSize() {
  if (Status s = NeedTree(); !s.ok()) return s;
  return tlog_.Size();
}

Result<std::string> SqliteStore::ReadAuditTile(int level, uint64_t index) {
  if (Status s = NeedTree(); !s.ok()) return s;
  return tlog_.ReadTile(level, index);
}

Result<AuditEntry> SqliteStore::GetAudit(int64_t seq) { return tlog_.Entry(seq); }

Result<AuditSalts> SqliteStore::GetAuditSalts(int64_t seq) {
  if (Status s = NeedTree(); !s.ok()) return s;
  return tlog_.Salts(seq);
}

Status SqliteStore::PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) {
  if (Status s = NeedTree(); !s.ok()) return s;
  return WriteOp("storing a checkpoint", [&] { return tlog_.PutCheckpoint(size, ts, note); });
}

Result<std::vector<StoredCheckpoint>> SqliteStore::ListCheckpoints(int64_t limit) {
  if (Status s = NeedTree(); !s.ok()) return s;
  return tlog_.Checkpoints(limit);
}

void SqliteStore::EndTransaction(bool committed) {
  tree_dirty_ = false;
  tlog_.EndTransaction(committed);
  if (committed)
    for (auto& [key, id] : pending_profiles_) profiles_.emplace(key, id);
  pending_profiles_.clear();
  last_post_valid_ = false;
}

Result<int64_t> SqliteStore::ProfileIdLocked(const FactProfile& v) {
  std::string key;  // the seven values, joined
  for (std::string_view part : {v.action, v.policy, v.category, v.topic, v.lang, v.region}) {
    key += part;
    key += '\x1f';
  }
  key += v.review ? '1' : '0';
  if (auto it = profiles_.find(key); it != profiles_.end()) return it->second;
  if (auto it = pending_profiles_.find(key); it != pending_profiles_.end()) return it->second;
  const std::string doing = "storing a fact profile";
  auto bind = [&](StmtUse& u) {
    int i = 1;
    for (std::string_view part : {v.action, v.policy, v.category}) u.View(i++, part);
    u.Int(i++, v.review ? 1 : 0);
    for (std::string_view part : {v.topic, v.lang, v.region}) u.View(i++, part);
  };
  int64_t id = 0;
  {
    Result<sqlite3_stmt*> find = Prepared(kFindProfile);
    if (!find.ok()) return find.status();
    StmtUse f(*find);
    bind(f);
    const int rc = sqlite3_step(f.get());
    if (rc == SQLITE_ROW) id = sqlite3_column_int64(f.get(), 0);
    else if (rc != SQLITE_DONE) return Error(rc, doing);
  }
  if (id == 0) {
    Result<sqlite3_stmt*> add = Prepared(kInsertProfile);
    if (!add.ok()) return add.status();
    StmtUse a(*add);
    bind(a);
    const int rc = sqlite3_step(a.get());
    if (rc != SQLITE_DONE) return Error(rc, doing);
    id = sqlite3_last_insert_rowid(db_);
  }
  pending_profiles_.emplace(std::move(key), id);
  return id;
}

Status SqliteStore::PutFactsLocked(Q statement, int64_t decision_id, int64_t received, int64_t stored_at,
                                   int64_t profile) {
  Result<sqlite3_stmt*> put = Prepared(statement);
  if (!put.ok()) return put.status();
  StmtUse u(*put);
  u.Int(1, decision_id);
  u.Int(2, received);
  u.Int(3, stored_at);
  u.Int(4, profile);
  const int rc = sqlite3_step(u.get());
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "writing the facts of decision " + std::to_string(decision_id));
}

// A stored decision's facts rewritten from the tables (through the view).
Status SqliteStore::RewriteFactsLocked(int64_t decision_id) {
  const std::string doing = "writing the facts of decision " + std::to_string(decision_id);
  Result<sqlite3_stmt*> values = Prepared(kFactValues);
  if (!values.ok()) return values.status();
  StmtUse v(*values);
  v.Int(1, decision_id);
  const int rc = sqlite3_step(v.get());
  if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? Status::Internal(doing + ": no such decision") : Error(rc, doing);
  FactProfile profile;
  profile.action = ColumnView(v.get(), 2);
  profile.policy = ColumnView(v.get(), 3);
  profile.category = ColumnView(v.get(), 4);
  profile.review = sqlite3_column_int64(v.get(), 5) != 0;
  profile.topic = ColumnView(v.get(), 6);
  profile.lang = ColumnView(v.get(), 7);
  profile.region = ColumnView(v.get(), 8);
  Result<int64_t> id = ProfileIdLocked(profile);
  if (!id.ok()) return id.status();
  return PutFactsLocked(kPutFacts, decision_id, sqlite3_column_int64(v.get(), 0), sqlite3_column_int64(v.get(), 1),
                        *id);
}

// What a new decision needs of its post: the one PutPost stored last in
// this transaction when it is the same item (the pipeline stores each post
// just before its decision), else read.
Status SqliteStore::PostOfDecisionLocked(const std::string& item, PostInfo* info) {
  *info = PostInfo();
  if (last_post_valid_ && last_post_.id == item) {
    info->found = true;
    info->ts = last_post_.ts;
    info->topic = last_post_.topic;
    info->lang = last_post_.lang;
    info->region = last_post_.region;
    info->version = last_post_.version;
    info->content_hash = last_post_hash_;
    return Status::Ok();
  }
  const bool versioned = schema_version_ >= kVersionsSchema;
  Result<sqlite3_stmt*> find = Prepared(versioned ? kPostFactsVersioned : kPostFacts);
  if (!find.ok()) return find.status();
  StmtUse u(*find);
  u.Text(1, item);
  const int rc = sqlite3_step(u.get());
  if (rc == SQLITE_DONE) return Status::Ok();
  if (rc != SQLITE_ROW) return Error(rc, "reading the post of the decision on \"" + item + "\"");
  info->found = true;
  info->ts = sqlite3_column_int64(u.get(), 0);
  ReadText(u.get(), 1, &info->topic);
  ReadText(u.get(), 2, &info->lang);
  ReadText(u.get(), 3, &info->region);
  info->version = versioned ? sqlite3_column_int64(u.get(), 4) : 1;
  if (versioned) ReadText(u.get(), 5, &info->content_hash);
  return Status::Ok();
}

// The facts of a decision just inserted, from its values and its post's.
Status SqliteStore::WriteNewFactsLocked(int64_t decision_id, const Decision& d, const std::string& action,
                                        int64_t stored_at, const PostInfo& post) {
  FactProfile profile;
  profile.action = action;
  profile.policy = d.policy;
  profile.category = d.category;
  profile.review = d.review;
  profile.topic = post.topic;
  profile.lang = post.lang;
  profile.region = post.region;
  // As the view decision_fact_values says.
  if (profile.lang.empty()) profile.lang = d.lang;
  if (profile.region.empty()) profile.region = d.region;
  const int64_t received = post.ts != 0 ? post.ts : d.ts != 0 ? d.ts : stored_at;
  Result<int64_t> id = ProfileIdLocked(profile);
  if (!id.ok()) return id.status();
  return PutFactsLocked(kInsertFacts, decision_id, received, stored_at, *id);
}

Status SqliteStore::PutDecision(const Decision& d, const std::string& actor, bool* inserted) {
  if (inserted != nullptr) *inserted = false;
  if (d.item.empty()) return Status::Invalid("decision: item is empty");
  if (d.policy.empty()) return Status::Invalid("decision for item \"" + d.item + "\": policy is empty");

  const std::string action(ActionName(d.action));
  // The JSON as nlohmann's Dump wrote it (store/json_dump.h), into buffers
  // kept between calls. The payload is our own compact dump: valid JSON
  // with no raw line break; the version and content hash end it.
  std::string& scope_json = json_scope_;
  std::string& signals_json = json_signals_;
  std::string& payload = json_payload_;
  scope_json.clear();
  DumpScopeJson(&scope_json, d);
  signals_json.clear();
  DumpSignalsJson(&signals_json, d);
  store_records::DecisionPayloadHead(d, scope_json, signals_json, &payload);
  if (Status s = ValidateAuditFields(actor, "decision", d.item, ""); !s.ok())
    return Status::Invalid("decision for item \"" + d.item + "\": " + s.message());

  const bool versioned = schema_version_ >= kVersionsSchema;
  bool added = false;
  const int64_t stored_at = Now();
  Status s = WriteOp("storing the decision for item \"" + d.item + "\"", [&]() -> Status {
    PostInfo post;
    if (schema_version_ >= kFactsSchema || versioned)
      if (Status s = PostOfDecisionLocked(d.item, &post); !s.ok()) return s;
    Result<sqlite3_stmt*> st = Prepared(versioned ? kInsertDecisionVersioned : kInsertDecision);
    if (!st.ok()) return st.status();
    {
      StmtUse u(*st);
      u.Text(1, d.item);
      u.Text(2, d.policy);
      u.Text(3, d.account);
      u.Text(4, action);
      u.Text(5, scope_json);
      u.Text(6, d.category);
      u.Text(7, d.rule);
      u.Text(8, d.reason);
      u.Int(9, d.review ? 1 : 0);
      u.Text(10, d.lang);
      u.Text(11, d.region);
      u.Int(12, d.ts);
      u.Text(13, signals_json);
      u.Int(14, stored_at);
      if (versioned) u.Int(15, post.version);
      int rc = sqlite3_step(u.get());
      if (rc != SQLITE_DONE) return Error(rc, "storing the decision for item \"" + d.item + "\"");
      added = sqlite3_changes(db_) == 1;
    }
    if (!added) return Status::Ok();  // already decided on this version under this policy version
    if (schema_version_ >= kFactsSchema)
      if (Status s = WriteNewFactsLocked(sqlite3_last_insert_rowid(db_), d, action, stored_at, post); !s.ok())
        return s;
    if (versioned) store_records::DecisionPayloadTail(post.version, post.content_hash, &payload);
    else payload.push_back('}');
    return AppendAuditLocked(actor, "decision", d.item, payload);
  });
  if (s.ok() && inserted != nullptr) *inserted = added;
  return s;
}

Status SqliteStore::ForEachAudit(const std::function<void(const AuditEntry&)>& fn) {
  return WalkAudit(nullptr, fn);
}

Status SqliteStore::ForEachAuditOf(const std::string& subject, const std::function<void(const AuditEntry&)>& fn) {
  return WalkAudit(&subject, fn);
}

Status SqliteStore::WalkAudit(const std::string* subject, const std::function<void(const AuditEntry&)>& fn) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_,
                              subject == nullptr
                                  ? "SELECT seq, ts, actor, action, subject, payload, prev_hash, hash FROM audit "
                                    "ORDER BY seq"
                                  : "SELECT seq, ts, actor, action, subject, payload, prev_hash, hash FROM audit "
                                    "WHERE subject = ?1 ORDER BY seq",
                              -1, &raw, nullptr);
  OwnedStmt owned(raw);  // finalized even if fn throws
  if (rc != SQLITE_OK) return Error(rc, "reading the audit log");
  sqlite3_stmt* s = owned.get();
  if (subject != nullptr) sqlite3_bind_text64(s, 1, subject->data(), subject->size(), SQLITE_STATIC, SQLITE_UTF8);
  AuditEntry e;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    e.seq = sqlite3_column_int64(s, 0);
    e.ts = sqlite3_column_int64(s, 1);
    ReadText(s, 2, &e.actor);
    ReadText(s, 3, &e.action);
    ReadText(s, 4, &e.subject);
    ReadText(s, 5, &e.payload);
    ReadText(s, 6, &e.prev_hash);
    ReadText(s, 7, &e.hash);
    fn(e);
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "reading the audit log");
}

Result<DecisionCounts> SqliteStore::CountDecisions(const std::string& policy_id) {
  const char* sql = policy_id.empty()
                        ? "SELECT action, category, COUNT(*) FROM decisions GROUP BY action, category "
                          "ORDER BY action, category"
                        : "SELECT action, category, COUNT(*) FROM decisions WHERE policy = ?1 "
                          "GROUP BY action, category ORDER BY action, category";
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return Error(rc, "counting decisions");
  }
  if (!policy_id.empty()) sqlite3_bind_text64(s, 1, policy_id.data(), policy_id.size(), SQLITE_STATIC, SQLITE_UTF8);
  DecisionCounts counts;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::string action, category;
    ReadText(s, 0, &action);
    ReadText(s, 1, &category);
    const int64_t n = sqlite3_column_int64(s, 2);
    counts.total += n;
    counts.by_action_category.emplace_back(std::move(action), std::move(category), n);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return Error(rc, "counting decisions");
  return counts;
}

Status SqliteStore::ForEachDecision(const std::string& policy_id,
                                    const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions(policy_id, /*newest_first=*/false, fn);
}

Status SqliteStore::ForEachDecisionNewestFirst(const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions("", /*newest_first=*/true, fn);
}

Status SqliteStore::ForEachDecisionOf(const std::string& item, const std::function<bool(const StoredDecision&)>& fn) {
  return WalkDecisions("", /*newest_first=*/false, fn, &item);
}

Status SqliteStore::WalkDecisions(const std::string& policy_id, bool newest_first,
                                  const std::function<bool(const StoredDecision&)>& fn, const std::string* item) {
  static constexpr const char* kSelect =
      "SELECT d.item, d.policy, d.account, d.action, d.scope, d.category, d.rule, d.reason, d.review, d.lang, "
      "d.region, d.ts, d.signals, d.stored_at, p.id IS NOT NULL, p.account, p.ts, p.lang, p.text, p.topic, "
      "p.region, p.media, 0 FROM decisions d LEFT JOIN posts p ON p.id = d.item "
      "WHERE ?1 = '' OR d.policy = ?1 ORDER BY d.id";
  // Schema v7: the version the decision was about (the current one, or a
  // kept older one; a decision made with no post stored sees the current).
  static constexpr const char* kSelectVersioned =
      "SELECT d.item, d.policy, d.account, d.action, d.scope, d.category, d.rule, d.reason, d.review, d.lang, "
      "d.region, d.ts, d.signals, d.stored_at, coalesce(p.id, v.item) IS NOT NULL, coalesce(p.account, v.account), "
      "coalesce(p.ts, v.ts), coalesce(p.lang, v.lang), coalesce(p.text, v.text), coalesce(p.topic, v.topic), "
      "coalesce(p.region, v.region), coalesce(p.media, v.media), coalesce(p.version, v.version, d.version) "
      "FROM decisions d LEFT JOIN posts p ON p.id = d.item AND (d.version = 0 OR p.version = d.version) "
      "LEFT JOIN post_versions v ON p.id IS NULL AND v.item = d.item AND v.version = d.version "
      "WHERE ?1 = '' OR d.policy = ?1 ORDER BY d.id";
  std::string sql = schema_version_ >= kVersionsSchema ? kSelectVersioned : kSelect;
  if (item != nullptr) sql.replace(sql.find("WHERE ?1 = '' OR d.policy = ?1"), 30, "WHERE d.item = ?1");
  if (newest_first) sql += " DESC";
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
  OwnedStmt owned(raw);
  if (rc != SQLITE_OK) return Error(rc, "reading decisions");
  sqlite3_stmt* s = owned.get();
  const std::string& key = item != nullptr ? *item : policy_id;
  sqlite3_bind_text64(s, 1, key.data(), key.size(), SQLITE_STATIC, SQLITE_UTF8);
  StoredDecision row;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    Decision& d = row.decision;
    d.Clear();
    ReadText(s, 0, &d.item);
    ReadText(s, 1, &d.policy);
    ReadText(s, 2, &d.account);
    if (Status st = store_records::ParseDecisionColumns(ColumnView(s, 3), ColumnView(s, 4), ColumnView(s, 12), path_, &d);
        !st.ok())
      return st;
    ReadText(s, 5, &d.category);
    ReadText(s, 6, &d.rule);
    ReadText(s, 7, &d.reason);
    d.review = sqlite3_column_int64(s, 8) != 0;
    ReadText(s, 9, &d.lang);
    ReadText(s, 10, &d.region);
    d.ts = sqlite3_column_int64(s, 11);
    row.stored_at = sqlite3_column_int64(s, 13);
    row.post_found = sqlite3_column_int64(s, 14) != 0;
    Post& p = row.post;
    p.Clear();
    p.id = d.item;
    d.version = p.version = sqlite3_column_int64(s, 22);
    if (row.post_found) {
      ReadText(s, 15, &p.account);
      p.ts = sqlite3_column_int64(s, 16);
      ReadText(s, 17, &p.lang);
      ReadText(s, 18, &p.text);
      ReadText(s, 19, &p.topic);
      ReadText(s, 20, &p.region);
      store_records::ParseMediaJson(ColumnView(s, 21), &p);
    }
    if (!fn(row)) return Status::Ok();
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "reading decisions");
}

// ---- Cases ------------------------------------------------------------------
// Low volume: statements are prepared per call (OwnedStmt finalizes them).

namespace {

constexpr const char* kCaseColumns = "id, kind, issuer, reference, jurisdiction, state, received, deadline, body";

void ReadCase(sqlite3_stmt* s, CaseRecord* c) {
  ReadText(s, 0, &c->id);
  ReadText(s, 1, &c->kind);
  ReadText(s, 2, &c->issuer);
  ReadText(s, 3, &c->reference);
  ReadText(s, 4, &c->jurisdiction);
  ReadText(s, 5, &c->state);
  c->received = sqlite3_column_int64(s, 6);
  c->deadline = sqlite3_column_int64(s, 7);
  ReadText(s, 8, &c->body);
}

}  // namespace

// ---- Analytics scan ---------------------------------------------------------

namespace {

// Rowid blocks of the decisions table that ScanSlice hands out round-robin:
// fixed, so that readers with their own connections agree on the slices.
constexpr int kScanBlockBits = 16;

}  // namespace

// Reads the narrow decision_facts table (schema v5) in one read
// transaction, after the names it refers to, so that every id is known.
Status SqliteStore::ScanDecisionFacts(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) {
  if (slice.parts < 1 || slice.part < 0 || slice.part >= slice.parts)
    return Status::Invalid("ScanDecisionFacts: slice " + std::to_string(slice.part) + " of " +
                           std::to_string(slice.parts) + " does not exist");
  const bool own_txn = sqlite3_get_autocommit(db_) != 0;
  if (own_txn) {
    if (Status s = Exec("BEGIN", "starting a read of the decision facts"); !s.ok()) return s;
  }
  Status s = ScanDecisionFactsLocked(slice, fn);
  if (own_txn) {
    Status end = Exec("COMMIT", "ending a read of the decision facts");
    if (s.ok()) s = end;
  }
  return s;
}

Result<int64_t> SqliteStore::CountDecisionFacts() {
  int rc = SQLITE_OK;
  OwnedStmt count = PrepareOwned(db_, "SELECT count(*) FROM decision_facts", &rc);
  if (rc != SQLITE_OK) return Error(rc, "counting decision facts");
  rc = sqlite3_step(count.get());
  if (rc != SQLITE_ROW) return Error(rc, "counting decision facts");
  return sqlite3_column_int64(count.get(), 0);
}

Status SqliteStore::ScanDecisionFactsLocked(const ScanSlice& slice,
                                            const std::function<bool(const DecisionFacts&)>& fn) {
  int rc = SQLITE_OK;
  // The profiles, with dense ids (0, 1, ...) in the order of their stored ids.
  std::vector<store_records::FactValues> profiles;
  std::vector<uint32_t> dense_of;  // stored id -> dense id; kNone when absent
  constexpr uint32_t kNone = UINT32_MAX;
  {
    OwnedStmt read = PrepareOwned(
        db_, "SELECT id, action, policy, category, review, topic, lang, region FROM fact_profiles ORDER BY id", &rc);
    if (rc != SQLITE_OK) return Error(rc, "reading fact profiles");
    while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
      const int64_t id = sqlite3_column_int64(read.get(), 0);
      if (id < 0 || id >= (int64_t{1} << 24))
        return Status::Corrupt(path_ + ": fact_profiles: id " + std::to_string(id) + " out of range");
      if (static_cast<size_t>(id) >= dense_of.size()) dense_of.resize(static_cast<size_t>(id) + 1, kNone);
      dense_of[static_cast<size_t>(id)] = static_cast<uint32_t>(profiles.size());
      store_records::FactValues& p = profiles.emplace_back();
      p.action = ColumnView(read.get(), 1);
      p.policy = ColumnView(read.get(), 2);
      p.category = ColumnView(read.get(), 3);
      p.review = sqlite3_column_int64(read.get(), 4) != 0;
      p.topic = ColumnView(read.get(), 5);
      p.lang = ColumnView(read.get(), 6);
      p.region = ColumnView(read.get(), 7);
    }
    if (rc != SQLITE_DONE) return Error(rc, "reading fact profiles");
  }
  OwnedStmt facts = PrepareOwned(
      db_, "SELECT received, stored_at, profile, id FROM decision_facts WHERE id >= ?1 AND id <= ?2 ORDER BY id", &rc);
  if (rc != SQLITE_OK) return Error(rc, "reading decision facts");
  bool stopped = false;
  Status bad = Status::Ok();
  // Visits the facts with id in [first, last]; false on an error (rc or bad).
  auto visit = [&](int64_t first, int64_t last) -> bool {
    sqlite3_stmt* q = facts.get();
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, first);
    sqlite3_bind_int64(q, 2, last);
    DecisionFacts f;
    uint32_t current = kNone;  // the profile f holds
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
      f.received = sqlite3_column_int64(q, 0);
      f.stored_at = sqlite3_column_int64(q, 1);
      f.id = sqlite3_column_int64(q, 3);
      const int64_t stored = sqlite3_column_int64(q, 2);
      const uint32_t dense =
          stored >= 0 && static_cast<uint64_t>(stored) < dense_of.size() ? dense_of[static_cast<size_t>(stored)] : kNone;
      if (dense == kNone) {
        bad = Status::Corrupt(path_ + ": decision_facts: a row refers to profile " + std::to_string(stored) +
                              ", which fact_profiles does not hold");
        return false;
      }
      if (dense != current) store_records::SetFactProfile(profiles[current = dense], dense, &f);
      if (!fn(f)) {
        stopped = true;
        return true;
      }
    }
    return rc == SQLITE_DONE;
  };

  bool ok = true;
  if (slice.parts == 1) {
    ok = visit(INT64_MIN, INT64_MAX);
  } else {
    // Block by block, skipping empty ones: each next block is found by
    // seeking the first rowid past the last one visited.
    OwnedStmt next = PrepareOwned(db_, "SELECT min(id) FROM decision_facts WHERE id >= ?1", &rc);
    if (rc != SQLITE_OK) return Error(rc, "reading decision facts");
    constexpr int64_t kBlock = int64_t{1} << kScanBlockBits;
    int64_t from = INT64_MIN;
    while (ok && !stopped) {
      sqlite3_reset(next.get());
      sqlite3_bind_int64(next.get(), 1, from);
      rc = sqlite3_step(next.get());
      if (rc != SQLITE_ROW) return Error(rc, "reading decision facts");
      if (sqlite3_column_type(next.get(), 0) == SQLITE_NULL) break;  // no more decisions
      const int64_t b = sqlite3_column_int64(next.get(), 0) >> kScanBlockBits;  // floor, also below 0
      const int64_t first = b * kBlock, last = first + (kBlock - 1);
      if ((b % slice.parts + slice.parts) % slice.parts == slice.part) ok = visit(first, last);
      if (last == INT64_MAX) break;
      from = last + 1;
    }
  }
  if (!ok) return bad.ok() ? Error(rc, "reading decision facts") : bad;
  return Status::Ok();
}

Status SqliteStore::PutAuthority(const AuthorityRecord& a, const std::string& actor) {
  return WriteAuthority(a, actor, nullptr);
}

Status SqliteStore::ReplaceAuthority(const AuthorityRecord& a, const std::string& reason, const std::string& actor) {
  return WriteAuthority(a, actor, &reason);
}

// PutAuthority (replace_reason null) and ReplaceAuthority.
Status SqliteStore::WriteAuthority(const AuthorityRecord& a, const std::string& actor, const std::string* replace_reason) {
  if (Status s = store_records::CheckAuthority(a, actor, replace_reason); !s.ok()) return s;
  const std::string doing = "storing authority \"" + a.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    int rc = 0;
    OwnedStmt q = PrepareOwned(db_, "SELECT name, jurisdiction, kind FROM authorities WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(q.get(), 1, a.id);
    rc = sqlite3_step(q.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc, doing);
    AuthorityRecord stored;
    if (rc == SQLITE_ROW) {
      ReadText(q.get(), 0, &stored.name);
      ReadText(q.get(), 1, &stored.jurisdiction);
      ReadText(q.get(), 2, &stored.kind);
    }
    bool unchanged = false;
    std::string payload;
    if (Status s = store_records::PlanAuthorityWrite(a, rc == SQLITE_ROW ? &stored : nullptr, actor, replace_reason,
                                                     &unchanged, &payload);
        !s.ok() || unchanged)
      return s;
    OwnedStmt st = PrepareOwned(db_,
                                "INSERT INTO authorities (id, name, jurisdiction, kind, added) VALUES (?1, ?2, ?3, ?4, ?5) "
                                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                                "jurisdiction = excluded.jurisdiction, kind = excluded.kind",
                                &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, a.id);
    BindText(st.get(), 2, a.name);
    BindText(st.get(), 3, a.jurisdiction);
    BindText(st.get(), 4, a.kind);
    sqlite3_bind_int64(st.get(), 5, a.added != 0 ? a.added : Now());
    rc = sqlite3_step(st.get());
    if (rc != SQLITE_DONE) return Error(rc, doing);
    return AppendAuditLocked(actor, store_records::AuthorityAction(replace_reason), a.id, payload);
  });
}

Result<std::vector<AuthorityRecord>> SqliteStore::ListAuthorities() {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db_, "SELECT id, name, jurisdiction, kind, added FROM authorities ORDER BY id", &rc);
  if (rc != SQLITE_OK) return Error(rc, "listing authorities");
  std::vector<AuthorityRecord> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    AuthorityRecord a;
    ReadText(st.get(), 0, &a.id);
    ReadText(st.get(), 1, &a.name);
    ReadText(st.get(), 2, &a.jurisdiction);
    ReadText(st.get(), 3, &a.kind);
    a.added = sqlite3_column_int64(st.get(), 4);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing authorities");
  return out;
}

namespace {

Result<bool> RowExists(sqlite3* db, const char* sql, const std::string& id, const std::string& doing,
                       const std::function<Status(int, const std::string&)>& error) {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db, sql, &rc);
  if (rc != SQLITE_OK) return error(rc, doing);
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error(rc, doing);
}

}  // namespace

Result<bool> SqliteStore::HasPost(const std::string& id) {
  return RowExists(db_, "SELECT 1 FROM posts WHERE id = ?1", id, "looking up post \"" + id + "\"",
                   [this](int rc, const std::string& d) { return Error(rc, d); });
}

Result<Post> SqliteStore::GetPost(const std::string& id) {
  const std::string doing = "reading post \"" + id + "\"";
  int rc = 0;
  OwnedStmt st = PrepareOwned(db_,
                              schema_version_ >= kVersionsSchema
                                  ? "SELECT account, ts, lang, text, topic, region, version FROM posts WHERE id = ?1"
                                  : "SELECT account, ts, lang, text, topic, region, 1 FROM posts WHERE id = ?1",
                              &rc);
  if (rc != SQLITE_OK) return Error(rc, doing);
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return Status::NotFound("no post \"" + id + "\"");
  if (rc != SQLITE_ROW) return Error(rc, doing);
  Post p;
  p.id = id;
  ReadText(st.get(), 0, &p.account);
  p.ts = sqlite3_column_int64(st.get(), 1);
  ReadText(st.get(), 2, &p.lang);
  ReadText(st.get(), 3, &p.text);
  ReadText(st.get(), 4, &p.topic);
  ReadText(st.get(), 5, &p.region);
  p.version = sqlite3_column_int64(st.get(), 6);
  return p;
}

Result<bool> SqliteStore::HasAccount(const std::string& id) {
  return RowExists(db_, "SELECT 1 FROM accounts WHERE id = ?1 UNION ALL SELECT 1 FROM posts WHERE account = ?1 LIMIT 1",
                   id, "looking up account \"" + id + "\"",
                   [this](int rc, const std::string& d) { return Error(rc, d); });
}

Status SqliteStore::InsertCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                               const std::string& audit_payload, bool* inserted, CaseRecord* existing) {
  if (inserted != nullptr) *inserted = false;
  if (Status s = store_records::CheckCase(c, actor, audit_action, audit_payload); !s.ok()) return s;
  const std::string doing = "storing " + c.kind + " \"" + c.id + "\"";
  bool added = false;
  Status s = WriteOp(doing, [&]() -> Status {
    int rc = 0;
    const std::string find = std::string("SELECT ") + kCaseColumns +
                             " FROM cases WHERE kind = ?1 AND issuer = ?2 AND reference = ?3";
    OwnedStmt q = PrepareOwned(db_, find.c_str(), &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(q.get(), 1, c.kind);
    BindText(q.get(), 2, c.issuer);
    BindText(q.get(), 3, c.reference);
    rc = sqlite3_step(q.get());
    if (rc == SQLITE_ROW) {
      if (existing != nullptr) ReadCase(q.get(), existing);
      return Status::Ok();
    }
    if (rc != SQLITE_DONE) return Error(rc, doing);
    const std::string insert = std::string("INSERT INTO cases (") + kCaseColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    OwnedStmt st = PrepareOwned(db_, insert.c_str(), &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, c.id);
    BindText(st.get(), 2, c.kind);
    BindText(st.get(), 3, c.issuer);
    BindText(st.get(), 4, c.reference);
    BindText(st.get(), 5, c.jurisdiction);
    BindText(st.get(), 6, c.state);
    sqlite3_bind_int64(st.get(), 7, c.received);
    sqlite3_bind_int64(st.get(), 8, c.deadline);
    BindText(st.get(), 9, c.body);
    rc = sqlite3_step(st.get());
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::Conflict(doing + ": a case with this id already exists");
    if (rc != SQLITE_DONE) return Error(rc, doing);
    added = true;
    return AppendAuditLocked(actor, audit_action, c.id, audit_payload);
  });
  if (s.ok() && inserted != nullptr) *inserted = added;
  return s;
}

Status SqliteStore::UpdateCase(const CaseRecord& c, const std::string& expected_state, const std::string& actor,
                               const std::string& audit_action, const std::string& audit_payload) {
  if (Status s = ValidateAuditFields(actor, audit_action, c.id, audit_payload); !s.ok())
    return Status::Invalid("case \"" + c.id + "\": " + s.message());
  const std::string doing = "updating " + c.kind + " \"" + c.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    int rc = 0;
    OwnedStmt q = PrepareOwned(db_, "SELECT state FROM cases WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(q.get(), 1, c.id);
    rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) return Status::NotFound("no case \"" + c.id + "\"");
    if (rc != SQLITE_ROW) return Error(rc, doing);
    std::string state;
    ReadText(q.get(), 0, &state);
    if (state != expected_state)
      return Status::Conflict(doing + ": it is \"" + state + "\" now, not \"" + expected_state + "\"");
    OwnedStmt st = PrepareOwned(db_,
                                "UPDATE cases SET state = ?2, deadline = ?3, jurisdiction = ?4, body = ?5 WHERE id = ?1",
                                &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, c.id);
    BindText(st.get(), 2, c.state);
    sqlite3_bind_int64(st.get(), 3, c.deadline);
    BindText(st.get(), 4, c.jurisdiction);
    BindText(st.get(), 5, c.body);
    rc = sqlite3_step(st.get());
    if (rc != SQLITE_DONE) return Error(rc, doing);
    return AppendAuditLocked(actor, audit_action, c.id, audit_payload);
  });
}

Result<CaseRecord> SqliteStore::GetCase(const std::string& id) {
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases WHERE id = ?1";
  OwnedStmt st = PrepareOwned(db_, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return Error(rc, "reading case \"" + id + "\"");
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return Status::NotFound("no case \"" + id + "\"");
  if (rc != SQLITE_ROW) return Error(rc, "reading case \"" + id + "\"");
  CaseRecord c;
  ReadCase(st.get(), &c);
  return c;
}

Result<std::vector<CaseRecord>> SqliteStore::ListCases(const CaseFilter& f) {
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kCaseColumns +
                          " FROM cases WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR state = ?2) AND "
                          "(?3 = '' OR issuer = ?3) ORDER BY received, id";
  OwnedStmt st = PrepareOwned(db_, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return Error(rc, "listing cases");
  BindText(st.get(), 1, f.kind);
  BindText(st.get(), 2, f.state);
  BindText(st.get(), 3, f.issuer);
  std::vector<CaseRecord> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    CaseRecord c;
    ReadCase(st.get(), &c);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing cases");
  return out;
}

Result<Account> SqliteStore::GetAccount(const std::string& id) {
  const std::string doing = "reading account \"" + id + "\"";
  int rc = 0;
  OwnedStmt st = PrepareOwned(db_, "SELECT created, country FROM accounts WHERE id = ?1", &rc);
  if (rc != SQLITE_OK) return Error(rc, doing);
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return Status::NotFound("no account \"" + id + "\"");
  if (rc != SQLITE_ROW) return Error(rc, doing);
  Account a;
  a.id = id;
  a.created = sqlite3_column_int64(st.get(), 0);
  ReadText(st.get(), 1, &a.country);
  return a;
}

Result<std::vector<Post>> SqliteStore::PostsByAccount(const std::string& account_id) {
  const std::string doing = "reading the posts of account \"" + account_id + "\"";
  int rc = 0;
  OwnedStmt st = PrepareOwned(
      db_, "SELECT id, ts, lang, text, topic, region FROM posts WHERE account = ?1 ORDER BY ts, id", &rc);
  if (rc != SQLITE_OK) return Error(rc, doing);
  BindText(st.get(), 1, account_id);
  std::vector<Post> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    Post p;
    ReadText(st.get(), 0, &p.id);
    p.account = account_id;
    p.ts = sqlite3_column_int64(st.get(), 1);
    ReadText(st.get(), 2, &p.lang);
    ReadText(st.get(), 3, &p.text);
    ReadText(st.get(), 4, &p.topic);
    ReadText(st.get(), 5, &p.region);
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return Error(rc, doing);
  return out;
}

// ---- API keys and decision reviews ----------------------------------------

namespace {

constexpr const char* kKeyColumns = "id, hash, role, authority, name, created, revoked, person";

void ReadKey(sqlite3_stmt* s, ApiKeyRecord* k) {
  ReadText(s, 0, &k->id);
  ReadText(s, 1, &k->hash);
  ReadText(s, 2, &k->role);
  ReadText(s, 3, &k->authority);
  ReadText(s, 4, &k->name);
  k->created = sqlite3_column_int64(s, 5);
  k->revoked = sqlite3_column_int64(s, 6);
  ReadText(s, 7, &k->person);
}

}  // namespace

Status SqliteStore::PutApiKey(const ApiKeyRecord& k, const std::string& actor) {
  if (Status s = store_records::CheckApiKey(k); !s.ok()) return s;
  const std::string p = store_records::KeyPayload(k);
  if (Status s = ValidateAuditFields(actor, "key.create", k.id, p); !s.ok()) return s;
  const std::string doing = "storing API key \"" + k.id + "\"";
  return WriteOp(doing, [&]() -> Status {
    if (Status s = store_records::CheckKeyHolder(k, ReadPerson(db_, path_, k.person)); !s.ok()) return s;
    int rc = 0;
    OwnedStmt st = PrepareOwned(
        db_,
        "INSERT INTO api_keys (id, hash, role, authority, name, created, revoked, person) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
        &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, k.id);
    BindText(st.get(), 2, k.hash);
    BindText(st.get(), 3, k.role);
    BindText(st.get(), 4, k.authority);
    BindText(st.get(), 5, k.name);
    sqlite3_bind_int64(st.get(), 6, k.created != 0 ? k.created : Now());
    BindText(st.get(), 7, k.person);
    rc = sqlite3_step(st.get());
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::Conflict("API key \"" + k.id + "\" exists already");
    if (rc != SQLITE_DONE) return Error(rc, doing);
    return AppendAuditLocked(actor, "key.create", k.id, p);
  });
}

Status SqliteStore::PutPerson(const PersonRecord& person, const std::string& actor) {
  const std::string p = store_records::PersonPayload(person);
  if (Status s = ValidateAuditFields(actor, "person.add", person.id, p); !s.ok()) return s;
  return WriteOp("registering person \"" + person.id + "\"", [&]() -> Status {
    if (Status s = InsertPerson(db_, path_, person); !s.ok()) return s;
    return AppendAuditLocked(actor, "person.add", person.id, p);
  });
}

Result<PersonRecord> SqliteStore::GetPerson(const std::string& id) { return ReadPerson(db_, path_, id); }

Result<std::vector<PersonRecord>> SqliteStore::ListPeople() { return ReadPeople(db_, path_); }

Status SqliteStore::PutLogin(const LoginRecord& login, bool* inserted) {
  return WriteOp("storing a login record of \"" + login.account + "\"",
                 [&]() -> Status { return InsertLogin(db_, path_, login, inserted); });
}

Result<std::vector<LoginRecord>> SqliteStore::LoginsOf(const std::string& account) {
  return ReadLogins(db_, path_, account);
}

Result<std::vector<LoginAge>> SqliteStore::LoginsOlderThan(int64_t cutoff) {
  return ReadLoginsOlderThan(db_, path_, cutoff);
}

Status SqliteStore::DeleteLoginsOlderThan(const std::string& account, int64_t cutoff, const std::string& actor,
                                          const std::string& reason, int64_t* deleted) {
  *deleted = 0;
  if (Status s = ValidateAuditFields(actor, "login.deleted", account, ""); !s.ok()) return s;
  return WriteOp("deleting old login records of \"" + account + "\"", [&]() -> Status {
    LoginAge age;
    if (Status s = DeleteLoginsBefore(db_, path_, account, cutoff, &age); !s.ok()) return s;
    if (age.count == 0) return Status::Ok();
    if (Status s = AppendAuditLocked(actor, "login.deleted", account,
                                     store_records::LoginsDeletedPayload(age, cutoff, reason));
        !s.ok())
      return s;
    *deleted = age.count;
    return Status::Ok();
  });
}

Result<ApiKeyRecord> SqliteStore::GetApiKey(const std::string& id) {
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE id = ?1";
  OwnedStmt st = PrepareOwned(db_, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return Error(rc, "reading API key");
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return Status::NotFound("no API key \"" + id + "\"");
  if (rc != SQLITE_ROW) return Error(rc, "reading API key");
  ApiKeyRecord k;
  ReadKey(st.get(), &k);
  return k;
}

Result<std::vector<ApiKeyRecord>> SqliteStore::ListApiKeys() {
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kKeyColumns + " FROM api_keys ORDER BY created, id";
  OwnedStmt st = PrepareOwned(db_, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return Error(rc, "listing API keys");
  std::vector<ApiKeyRecord> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    ApiKeyRecord k;
    ReadKey(st.get(), &k);
    out.push_back(std::move(k));
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing API keys");
  return out;
}

Status SqliteStore::RevokeApiKey(const std::string& id, int64_t now, const std::string& actor) {
  if (Status s = ValidateAuditFields(actor, "key.revoke", id, ""); !s.ok()) return s;
  const std::string doing = "revoking API key \"" + id + "\"";
  return WriteOp(doing, [&]() -> Status {
    int rc = 0;
    OwnedStmt q = PrepareOwned(db_, "SELECT revoked FROM api_keys WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(q.get(), 1, id);
    rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) return Status::NotFound("no API key \"" + id + "\"");
    if (rc != SQLITE_ROW) return Error(rc, doing);
    if (sqlite3_column_int64(q.get(), 0) != 0) return Status::Conflict("API key \"" + id + "\" is revoked already");
    OwnedStmt st = PrepareOwned(db_, "UPDATE api_keys SET revoked = ?2 WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, id);
    sqlite3_bind_int64(st.get(), 2, now != 0 ? now : Now());
    rc = sqlite3_step(st.get());
    if (rc != SQLITE_DONE) return Error(rc, doing);
    return AppendAuditLocked(actor, "key.revoke", id, "");
  });
}

Status SqliteStore::PutDecisionReview(const DecisionReview& r) {
  if (Status s = store_records::CheckReview(r); !s.ok()) return s;
  const std::string p = store_records::ReviewPayload(r);
  if (Status s = ValidateAuditFields(r.actor, "decision.review", r.item, p); !s.ok()) return s;
  const std::string doing = "storing the review of item \"" + r.item + "\"";
  return WriteOp(doing, [&]() -> Status {
    int rc = 0;
    OwnedStmt st = PrepareOwned(db_,
                                "INSERT INTO decision_reviews (item, policy, verdict, reason, actor, at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                &rc);
    if (rc != SQLITE_OK) return Error(rc, doing);
    BindText(st.get(), 1, r.item);
    BindText(st.get(), 2, r.policy);
    BindText(st.get(), 3, r.verdict);
    BindText(st.get(), 4, r.reason);
    BindText(st.get(), 5, r.actor);
    sqlite3_bind_int64(st.get(), 6, r.at != 0 ? r.at : Now());
    rc = sqlite3_step(st.get());
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
      return Status::Conflict("the decision on item \"" + r.item + "\" was reviewed already");
    if (rc != SQLITE_DONE) return Error(rc, doing);
    return AppendAuditLocked(r.actor, "decision.review", r.item, p);
  });
}

Result<std::vector<DecisionReview>> SqliteStore::ListDecisionReviews() {
  int rc = 0;
  OwnedStmt st = PrepareOwned(
      db_, "SELECT item, policy, verdict, reason, actor, at FROM decision_reviews ORDER BY rowid", &rc);
  if (rc != SQLITE_OK) return Error(rc, "listing decision reviews");
  std::vector<DecisionReview> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    DecisionReview r;
    ReadText(st.get(), 0, &r.item);
    ReadText(st.get(), 1, &r.policy);
    ReadText(st.get(), 2, &r.verdict);
    ReadText(st.get(), 3, &r.reason);
    ReadText(st.get(), 4, &r.actor);
    r.at = sqlite3_column_int64(st.get(), 5);
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing decision reviews");
  return out;
}

Result<std::vector<ReviewedDecision>> SqliteStore::ListReviewedDecisions() {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db_,
                              "SELECT (SELECT min(d.id) FROM decisions d WHERE d.item = r.item AND d.policy = r.policy) "
                              "AS decision, r.verdict, r.at FROM decision_reviews r WHERE decision IS NOT NULL "
                              "ORDER BY decision",
                              &rc);
  if (rc != SQLITE_OK) return Error(rc, "listing reviewed decisions");
  std::vector<ReviewedDecision> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    ReviewedDecision r;
    r.decision = sqlite3_column_int64(st.get(), 0);
    r.overturned = ColumnView(st.get(), 1) == "overturn";
    r.at = sqlite3_column_int64(st.get(), 2);
    out.push_back(r);
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing reviewed decisions");
  return out;
}

}  // namespace

std::span<const Migration> Migrations() {
  // Step 5 ends by writing the facts of the decisions already stored.
  static const std::vector<std::string> sql = [] {
    std::vector<std::string> all;
    for (const Migration& m : kMigrations) {
      if (m.version == 5) all.push_back(std::string(m.sql) + kRefreshFactsSql);
      else if (m.version == 6) all.push_back(kPeopleMigrationSql);
      else if (m.version == 7) all.push_back(kVersionsMigrationSql);
      else if (m.version == 8) all.push_back(kLoginsMigrationSql);
      else if (m.version == kTlogSchema) all.push_back(kTlogMigrationSql);
      else if (m.version == kTlogV2Schema) all.push_back(kTlogV2MigrationSql);
      else if (m.version == kTlogTailSchema) all.push_back(kTlogTailMigrationSql);
      else if (m.version == kTlogSizeSchema) all.push_back(kTlogSizeMigrationSql);
      else all.push_back(m.sql);
    }
    return all;
  }();
  static const std::vector<Migration> steps = [] {
    std::vector<Migration> all(std::begin(kMigrations), std::end(kMigrations));
    for (size_t i = 0; i < all.size(); ++i) {
      all[i].sql = sql[i].c_str();
      if (all[i].version == kTlogSchema) all[i].after = BuildTlogAfterMigration;
      if (all[i].version == kTlogV2Schema) all[i].after = RebuildTlogV2AfterMigration;
      if (all[i].version == kTlogSizeSchema) all[i].after = DropTlogSizeAfterMigration;
    }
    return all;
  }();
  return steps;
}

int CurrentSchemaVersion() { return Migrations().back().version; }

Result<std::unique_ptr<Store>> OpenSqliteStoreWithMigrations(const std::string& path,
                                                             std::span<const Migration> migrations) {
  if (path.empty()) return Status::Invalid("database path is empty");
  sqlite3* db = nullptr;
  // NOMUTEX: a Store is used by one thread at a time (see store.h).
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Io(path + ": cannot open database: " + detail);
  }
  auto store = std::make_unique<SqliteStore>(path, db);
  if (Status s = store->Init(migrations); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sqlite_store

Status RefreshDecisionFacts(const std::string& path) {
  auto store = OpenSqliteStore(path, OpenMode::kMustExist);  // migrated to the current schema
  if (!store.ok()) return store.status();
  store->reset();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close);
  if (rc != SQLITE_OK) return Status::Io(path + ": " + sqlite3_errstr(rc));
  sqlite3_busy_timeout(db, StoreBusyTimeoutMs());
  const std::string sql = std::string("BEGIN IMMEDIATE;") + sqlite_store::kRefreshFactsSql + "COMMIT;";
  char* error = nullptr;
  rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return Status::Io(path + ": writing the decision facts: " + message);
  }
  return Status::Ok();
}

namespace {
std::atomic<int> g_busy_timeout_ms{kDefaultBusyTimeoutMs};
}  // namespace

void SetStoreBusyTimeoutMs(int ms) { g_busy_timeout_ms.store(ms < 0 ? 0 : ms); }
int StoreBusyTimeoutMs() { return g_busy_timeout_ms.load(); }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, OpenMode mode) {
  std::error_code ec;
  if (mode == OpenMode::kMustExist && !std::filesystem::exists(path, ec))
    return Status::NotFound(path + ": no such database");
  return sqlite_store::OpenSqliteStoreWithMigrations(path, sqlite_store::Migrations());
}

}  // namespace evenhand
