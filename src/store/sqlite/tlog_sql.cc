#include "store/sqlite/tlog_sql.h"

#include <utility>

#include "store/audit.h"

namespace evenhand::sqlite_store {

const char kTlogMigrationSql[] = R"sql(
CREATE TABLE tlog_tiles (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hashes BLOB NOT NULL,  -- 32-byte hashes concatenated; width = length / 32
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE tlog_tree (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL   -- audit entries 1..size are the tree's leaves 0..size-1
);
INSERT INTO tlog_tree (id, size) VALUES (1, 0);
CREATE TABLE tlog_checkpoints (
  id   INTEGER PRIMARY KEY,
  size INTEGER NOT NULL,
  ts   INTEGER NOT NULL,  -- unix seconds issued
  note TEXT NOT NULL      -- the signed note (tlog/checkpoint.h)
);
CREATE INDEX tlog_checkpoints_by_size ON tlog_checkpoints (size, id);
)sql";

namespace {

enum Which : int { kSize, kSetSize, kPending, kRead, kWrite, kPutCheckpoint, kCheckpoints, kEntry };

constexpr const char* kSql[] = {
    "SELECT size FROM tlog_tree WHERE id = 1",
    "UPDATE tlog_tree SET size = ?1 WHERE id = 1",
    "SELECT seq, ts, actor, action, subject, payload, prev_hash FROM audit WHERE seq > ?1 ORDER BY seq",
    "SELECT hashes FROM tlog_tiles WHERE level = ?1 AND idx = ?2",
    "INSERT INTO tlog_tiles (level, idx, hashes) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes",
    "INSERT INTO tlog_checkpoints (size, ts, note) VALUES (?1, ?2, ?3)",
    "SELECT id, size, ts, note FROM tlog_checkpoints ORDER BY id DESC LIMIT ?1",
    "SELECT seq, ts, actor, action, subject, payload, prev_hash, hash FROM audit WHERE seq = ?1",
};

// Resets the statement when a use ends.
struct Reset {
  sqlite3_stmt* s;
  ~Reset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

}  // namespace

Result<sqlite3_stmt*> TlogSql::Stmt(int which) {
  if (!stmts_[which]) {
    int rc = SQLITE_OK;
    stmts_[which] = PrepareOwned(db_, kSql[which], &rc);
    if (rc != SQLITE_OK) {
      stmts_[which].reset();
      return Error(rc, std::string("preparing \"") + kSql[which] + "\"");
    }
  }
  return stmts_[which].get();
}

Result<uint64_t> TlogSql::Size() {
  Result<sqlite3_stmt*> st = Stmt(kSize);
  if (!st.ok()) return st.status();
  Reset r{*st};
  int rc = sqlite3_step(*st);
  if (rc == SQLITE_DONE) return Status::Corrupt(path_ + ": the audit tree has no size row (tlog_tree)");
  if (rc != SQLITE_ROW) return Error(rc, "reading the audit tree's size");
  const int64_t size = sqlite3_column_int64(*st, 0);
  if (size < 0) return Status::Corrupt(path_ + ": the audit tree's size is negative");
  return static_cast<uint64_t>(size);
}

Result<std::string> TlogSql::ReadTile(int level, uint64_t index) {
  Result<sqlite3_stmt*> st = Stmt(kRead);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
  int rc = sqlite3_step(*st);
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return Error(rc, "reading " + tlog::TilePath(level, index, 0));
  const void* p = sqlite3_column_blob(*st, 0);
  const int n = sqlite3_column_bytes(*st, 0);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

Status TlogSql::WriteTile(int level, uint64_t index, std::string_view hashes) {
  Result<sqlite3_stmt*> st = Stmt(kWrite);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
  sqlite3_bind_blob64(*st, 3, hashes.data(), hashes.size(), SQLITE_STATIC);
  int rc = sqlite3_step(*st);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "writing " + tlog::TilePath(level, index, 0));
}

Status TlogSql::Sync(bool stop_at_gap) {
  Result<uint64_t> size = Size();
  if (!size.ok()) return size.status();
  std::vector<tlog::Hash> leaves;
  {
    Result<sqlite3_stmt*> st = Stmt(kPending);
    if (!st.ok()) return st.status();
    Reset r{*st};
    sqlite3_bind_int64(*st, 1, static_cast<int64_t>(*size));
    AuditEntry e;
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
      e.seq = sqlite3_column_int64(*st, 0);
      const int64_t expect = static_cast<int64_t>(*size + leaves.size()) + 1;
      if (e.seq != expect && stop_at_gap) {
        rc = SQLITE_DONE;  // the tree ends before the gap
        break;
      }
      if (e.seq != expect)
        return Status::Corrupt(path_ + ": audit entry " + std::to_string(expect) +
                               " is missing; the audit tree cannot take entry " + std::to_string(e.seq) +
                               " as its leaf " + std::to_string(expect - 1) + " (run `evenhand audit verify`)");
      e.ts = sqlite3_column_int64(*st, 1);
      ReadText(*st, 2, &e.actor);
      ReadText(*st, 3, &e.action);
      ReadText(*st, 4, &e.subject);
      ReadText(*st, 5, &e.payload);
      ReadText(*st, 6, &e.prev_hash);
      leaves.push_back(tlog::LeafHash(AuditCanonicalText(e)));
    }
    if (rc != SQLITE_DONE) return Error(rc, "reading the audit entries past the tree");
  }
  if (leaves.empty()) return Status::Ok();
  if (Status s = tlog::AppendLeaves(*this, *size, leaves); !s.ok()) return s;
  Result<sqlite3_stmt*> st = Stmt(kSetSize);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int64(*st, 1, static_cast<int64_t>(*size + leaves.size()));
  int rc = sqlite3_step(*st);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "recording the audit tree's size");
}

Status TlogSql::PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) {
  Result<sqlite3_stmt*> st = Stmt(kPutCheckpoint);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int64(*st, 1, static_cast<int64_t>(size));
  sqlite3_bind_int64(*st, 2, ts);
  BindText(*st, 3, note);
  int rc = sqlite3_step(*st);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "storing a checkpoint");
}

Result<std::vector<StoredCheckpoint>> TlogSql::Checkpoints(int64_t limit) {
  Result<sqlite3_stmt*> st = Stmt(kCheckpoints);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int64(*st, 1, limit);
  std::vector<StoredCheckpoint> out;
  int rc;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    StoredCheckpoint c;
    c.id = sqlite3_column_int64(*st, 0);
    c.size = static_cast<uint64_t>(sqlite3_column_int64(*st, 1));
    c.ts = sqlite3_column_int64(*st, 2);
    ReadText(*st, 3, &c.note);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return Error(rc, "listing checkpoints");
  return out;
}

Result<AuditEntry> TlogSql::Entry(int64_t seq) {
  Result<sqlite3_stmt*> st = Stmt(kEntry);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int64(*st, 1, seq);
  int rc = sqlite3_step(*st);
  if (rc == SQLITE_DONE) return Status::NotFound(path_ + ": no audit entry " + std::to_string(seq));
  if (rc != SQLITE_ROW) return Error(rc, "reading audit entry " + std::to_string(seq));
  AuditEntry e;
  e.seq = sqlite3_column_int64(*st, 0);
  e.ts = sqlite3_column_int64(*st, 1);
  ReadText(*st, 2, &e.actor);
  ReadText(*st, 3, &e.action);
  ReadText(*st, 4, &e.subject);
  ReadText(*st, 5, &e.payload);
  ReadText(*st, 6, &e.prev_hash);
  ReadText(*st, 7, &e.hash);
  return e;
}

Status BuildTlogAfterMigration(sqlite3* db, const std::string& path) {
  TlogSql t(db, path);
  return t.Sync(/*stop_at_gap=*/true);
}

}  // namespace evenhand::sqlite_store
