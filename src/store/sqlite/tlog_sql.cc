#include "store/sqlite/tlog_sql.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>
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

const char kTlogV2MigrationSql[] = R"sql(
CREATE TABLE tlog_secret (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  secret BLOB NOT NULL  -- 32 random bytes: the key of the leaves' salts; never served
);
CREATE TABLE tlog_void_checkpoints (
  id        INTEGER PRIMARY KEY,  -- its id in tlog_checkpoints
  size      INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  note      TEXT NOT NULL,
  voided_at INTEGER NOT NULL      -- unix seconds: when the v2 rebuild voided it
);
)sql";

// Step 11: partial tiles leave tlog_tiles for tlog_tail, one row each
// (start = its first hash's index at its level).
const char kTlogTailMigrationSql[] = R"sql(
CREATE TABLE tlog_tail (
  level  INTEGER NOT NULL,
  start  INTEGER NOT NULL,  -- index at this level of the row's first hash
  hashes BLOB NOT NULL,     -- 32-byte hashes concatenated, appended by one commit
  PRIMARY KEY (level, start)
) WITHOUT ROWID;
INSERT INTO tlog_tail (level, start, hashes)
  SELECT level, idx * 256, hashes FROM tlog_tiles WHERE length(hashes) < 256 * 32;
DELETE FROM tlog_tiles WHERE length(hashes) < 256 * 32;
)sql";

// Step 12: nothing in SQL; DropTlogSizeAfterMigration compares and drops.
const char kTlogSizeMigrationSql[] = "SELECT 1 FROM tlog_tree WHERE id = 1;";

namespace {

enum Which : int {
  kSize,
  kSetSize,
  kPending,
  kRead,
  kWrite,
  kPutCheckpoint,
  kCheckpoints,
  kEntry,
  kSecret,
  kReadWithTail,
  kTailBefore,
  kTailInsert,
  kTailDelete,
  kTileDelete,
  kLastTail0,
  kLastTile0,
};

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
    "SELECT secret FROM tlog_secret WHERE id = 1",
    // A full tile (start -1) or the tail rows of a partial one, in one snapshot.
    "SELECT hashes, -1 FROM tlog_tiles WHERE level = ?1 AND idx = ?2 "
    "UNION ALL SELECT hashes, start FROM tlog_tail WHERE level = ?1 AND start >= ?3 AND start < ?4 ORDER BY 2",
    "SELECT start, length(hashes) FROM tlog_tail WHERE level = ?1 AND start >= ?2 AND start < ?3 "
    "ORDER BY start DESC LIMIT 1",
    "INSERT INTO tlog_tail (level, start, hashes) VALUES (?1, ?2, ?3)",
    "DELETE FROM tlog_tail WHERE level = ?1 AND start >= ?2 AND start < ?3",
    "DELETE FROM tlog_tiles WHERE level = ?1 AND idx = ?2",
    "SELECT start, length(hashes) FROM tlog_tail WHERE level = 0 ORDER BY start DESC LIMIT 1",
    "SELECT idx FROM tlog_tiles WHERE level = 0 ORDER BY idx DESC LIMIT 1",
};
static_assert(sizeof kSql / sizeof kSql[0] == kLastTile0 + 1);

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
  if (size_from_tiles_) {
    // Where level 0 ends: its last tail row's end, else its last full tile's.
    uint64_t size = 0;
    for (int which : {kLastTail0, kLastTile0}) {
      Result<sqlite3_stmt*> st = Stmt(which);
      if (!st.ok()) return st.status();
      Reset r{*st};
      int rc = sqlite3_step(*st);
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return Error(rc, "reading the audit tree's size (level 0)");
      const int64_t a = sqlite3_column_int64(*st, 0);
      const int64_t end = which == kLastTail0 ? a + sqlite3_column_int64(*st, 1) / 32
                                              : (a + 1) * static_cast<int64_t>(tlog::kTileWidth);
      if (a < 0 || end < 0) return Status::Corrupt(path_ + ": the audit tree's level 0 has a negative index");
      size = std::max(size, static_cast<uint64_t>(end));
    }
    return size;
  }
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

std::string TlogSql::Doing::Text() const { return std::string(verb) + " " + tlog::TilePath(level, index, width); }

bool TlogSql::DataVersion(uint32_t* v) const {
  unsigned int n = 0;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_DATA_VERSION, &n) != SQLITE_OK) return false;
  *v = n;
  return true;
}

Result<std::string> TlogSql::ReadTile(int level, uint64_t index) {
  const Doing doing{"reading", level, index, 0};
  if (!tail_rows_) {
    Result<sqlite3_stmt*> st = Stmt(kRead);
    if (!st.ok()) return st.status();
    Reset r{*st};
    sqlite3_bind_int(*st, 1, level);
    sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_DONE) return std::string();
    if (rc != SQLITE_ROW) return Error(rc, doing.Text());
    const void* p = sqlite3_column_blob(*st, 0);
    const int n = sqlite3_column_bytes(*st, 0);
    return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), static_cast<size_t>(n));
  }
  Result<sqlite3_stmt*> st = Stmt(kReadWithTail);
  if (!st.ok()) return st.status();
  Reset r{*st};
  const uint64_t first = index * tlog::kTileWidth;
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
  sqlite3_bind_int64(*st, 3, static_cast<int64_t>(first));
  sqlite3_bind_int64(*st, 4, static_cast<int64_t>(first + tlog::kTileWidth));
  std::string tile;
  int rc;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    const int64_t start = sqlite3_column_int64(*st, 1);
    const void* p = sqlite3_column_blob(*st, 0);
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(*st, 0));
    if (n % 32 != 0)
      return Status::Corrupt(path_ + ": " + tlog::TilePath(level, index, 0) + " has a stored row of " +
                             std::to_string(n) + " bytes, not whole hashes");
    if (start < 0) {  // the full tile: it is the whole answer
      tile.assign(p == nullptr ? "" : static_cast<const char*>(p), n);
      return tile;
    }
    // Tail rows are contiguous; after a gap (edited behind the store's
    // back) only the prefix before it is the tile, and readers that need
    // more say so.
    if (static_cast<uint64_t>(start) != first + tile.size() / 32) break;
    if (p != nullptr) tile.append(static_cast<const char*>(p), n);
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc, doing.Text());
  return tile;
}

Status TlogSql::Step(int which, const Doing& doing) {
  Result<sqlite3_stmt*> st = Stmt(which);
  if (!st.ok()) return st.status();
  Reset r{*st};
  int rc = sqlite3_step(*st);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, doing.Text());
}

Status TlogSql::DeleteTail(int level, uint64_t from, uint64_t to) {
  Result<sqlite3_stmt*> st = Stmt(kTailDelete);
  if (!st.ok()) return st.status();
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(from));
  sqlite3_bind_int64(*st, 3, static_cast<int64_t>(std::min<uint64_t>(to, INT64_MAX)));
  return Step(kTailDelete, Doing{"clearing the tail rows of", level, from / tlog::kTileWidth, 0});
}

Status TlogSql::WriteTile(int level, uint64_t index, std::string_view hashes) {
  const Doing doing{"writing", level, index, 0};
  const uint64_t first = index * tlog::kTileWidth;
  if (!tail_rows_ || hashes.size() == 32 * tlog::kTileWidth) {
    Result<sqlite3_stmt*> st = Stmt(kWrite);
    if (!st.ok()) return st.status();
    sqlite3_bind_int(*st, 1, level);
    sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
    sqlite3_bind_blob64(*st, 3, hashes.data(), hashes.size(), SQLITE_STATIC);
    if (Status s = Step(kWrite, doing); !s.ok()) return s;
    // The tile is whole now: its tail rows go.
    return tail_rows_ ? DeleteTail(level, first, first + tlog::kTileWidth) : Status::Ok();
  }
  // A partial tile begun: its first tail row. Whatever a tree reset behind
  // the store's back left at or past it (a full tile, tail rows) goes first.
  {
    Result<sqlite3_stmt*> st = Stmt(kTileDelete);
    if (!st.ok()) return st.status();
    sqlite3_bind_int(*st, 1, level);
    sqlite3_bind_int64(*st, 2, static_cast<int64_t>(index));
    if (Status s = Step(kTileDelete, doing); !s.ok()) return s;
  }
  if (Status s = DeleteTail(level, first, UINT64_MAX); !s.ok()) return s;
  Result<sqlite3_stmt*> st = Stmt(kTailInsert);
  if (!st.ok()) return st.status();
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(first));
  sqlite3_bind_blob64(*st, 3, hashes.data(), hashes.size(), SQLITE_STATIC);
  return Step(kTailInsert, doing);
}

Status TlogSql::ExtendTile(int level, uint64_t index, uint64_t width, std::string_view hashes) {
  if (!tail_rows_) return TileStorage::ExtendTile(level, index, width, hashes);
  const Doing doing{"appending to", level, index, width};
  const uint64_t first = index * tlog::kTileWidth;
  const uint64_t start = first + width;
  // The tile's last tail row must end where this one starts (known, for
  // level 0, when Sync took the size from its last commit: see Sync).
  uint64_t held = 0;
  if (level == 0 && tail0_known_) {
    held = width;
  } else {
    Result<sqlite3_stmt*> st = Stmt(kTailBefore);
    if (!st.ok()) return st.status();
    Reset r{*st};
    sqlite3_bind_int(*st, 1, level);
    sqlite3_bind_int64(*st, 2, static_cast<int64_t>(first));
    sqlite3_bind_int64(*st, 3, static_cast<int64_t>(start));
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_ROW)
      held = static_cast<uint64_t>(sqlite3_column_int64(*st, 0)) - first +
             static_cast<uint64_t>(sqlite3_column_int64(*st, 1)) / 32;
    else if (rc != SQLITE_DONE)
      return Error(rc, doing.Text());
  }
  if (held != width) {
    // No tail rows that end here: the tile as ReadTile sees it (a partial
    // tile a v10 store kept whole, or damage, which the check names).
    return TileStorage::ExtendTile(level, index, width, hashes);
  }
  if (!(level == 0 && tail0_known_))  // nothing, unless a reset tree left rows
    if (Status s = DeleteTail(level, start, UINT64_MAX); !s.ok()) return s;
  Result<sqlite3_stmt*> st = Stmt(kTailInsert);
  if (!st.ok()) return st.status();
  sqlite3_bind_int(*st, 1, level);
  sqlite3_bind_int64(*st, 2, static_cast<int64_t>(start));
  sqlite3_bind_blob64(*st, 3, hashes.data(), hashes.size(), SQLITE_STATIC);
  return Step(kTailInsert, doing);
}

namespace {

constexpr size_t kChunk = 4096;        // entries read, then hashed, at a time
constexpr size_t kParallelMin = 1024;  // a chunk this big is hashed on two threads

}  // namespace

Status TlogSql::HashChunk(std::span<const AuditEntry> entries, std::vector<tlog::Hash>* leaves) {
  if (entries.empty()) return Status::Ok();
  if (leaf_version_ >= 2) {
    Result<AuditSalts> first = Salts(entries.front().seq);  // reads the secret once, here, not on a thread
    if (!first.ok()) return first.status();
  }
  const size_t base = leaves->size();
  leaves->resize(base + entries.size());
  tlog::Hash* out = leaves->data() + base;
  const bool v2 = leaf_version_ >= 2;
  const std::string& secret = secret_;
  // Pure functions of the entries and the secret (thread safe; the digest
  // contexts are per thread). Nothing may throw across the thread: a
  // failure (allocation) is a flag.
  auto work = [&, out, v2](size_t from, size_t to, bool* failed) noexcept {
    try {
      for (size_t i = from; i < to; ++i)
        out[i] = v2 ? AuditLeafHashV2(entries[i], std::string_view(secret))
                    : tlog::LeafHash(AuditCanonicalText(entries[i]));
    } catch (...) {
      *failed = true;
    }
  };
  bool failed_a = false, failed_b = false;
  const size_t n = entries.size();
  if (n >= kParallelMin && std::thread::hardware_concurrency() > 1) {
    std::thread helper;
    try {
      helper = std::thread(work, 0, n / 2, &failed_a);
    } catch (...) {  // no thread to be had: all on this one
      work(0, n / 2, &failed_a);
    }
    work(n / 2, n, &failed_b);
    if (helper.joinable()) helper.join();
  } else {
    work(0, n, &failed_a);
  }
  if (failed_a || failed_b) return Status::Internal(path_ + ": hashing the audit tree's leaves failed (out of memory)");
  return Status::Ok();
}

void TlogSql::EndTransaction(bool committed) {
  // The data version after this commit: the next commit, any connection's, changes it.
  known_ = committed && synced_ && DataVersion(&known_version_);
  known_size_ = synced_size_;
  synced_ = false;
}

Status TlogSql::Sync(bool stop_at_gap) {
  // From here until this transaction ends, only its end can make the tree known.
  uint32_t version = 0;
  const bool known = known_ && size_from_tiles_ && DataVersion(&version) && version == known_version_;
  known_ = false;
  synced_ = false;
  Result<uint64_t> size = known ? Result<uint64_t>(known_size_) : Size();
  if (!size.ok()) return size.status();
  std::vector<tlog::Hash> leaves;
  {
    Result<sqlite3_stmt*> st = Stmt(kPending);
    if (!st.ok()) return st.status();
    Reset r{*st};
    sqlite3_bind_int64(*st, 1, static_cast<int64_t>(*size));
    // Entries are read a chunk at a time into reused slots (their strings
    // keep their capacity), then hashed; a big batch (scan --db) on two
    // threads.
    size_t filled = 0;
    uint64_t read = 0;
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
      const int64_t seq = sqlite3_column_int64(*st, 0);
      const int64_t expect = static_cast<int64_t>(*size + read) + 1;
      if (seq != expect && stop_at_gap) {
        rc = SQLITE_DONE;  // the tree ends before the gap
        break;
      }
      if (seq != expect)
        return Status::Corrupt(path_ + ": audit entry " + std::to_string(expect) +
                               " is missing; the audit tree cannot take entry " + std::to_string(seq) +
                               " as its leaf " + std::to_string(expect - 1) + " (run `evenhand audit verify`)");
      if (filled == chunk_.size()) chunk_.emplace_back();
      AuditEntry& e = chunk_[filled++];
      e.seq = seq;
      e.ts = sqlite3_column_int64(*st, 1);
      ReadText(*st, 2, &e.actor);
      ReadText(*st, 3, &e.action);
      ReadText(*st, 4, &e.subject);
      ReadText(*st, 5, &e.payload);
      ReadText(*st, 6, &e.prev_hash);
      ++read;
      if (filled == kChunk) {
        if (Status s = HashChunk(std::span<const AuditEntry>(chunk_.data(), filled), &leaves); !s.ok()) return s;
        filled = 0;
      }
    }
    if (rc != SQLITE_DONE) return Error(rc, "reading the audit entries past the tree");
    if (Status s = HashChunk(std::span<const AuditEntry>(chunk_.data(), filled), &leaves); !s.ok()) return s;
    if (chunk_.size() > 64) chunk_.resize(64);  // a big batch's slots are not kept
  }
  if (leaves.empty()) {
    synced_ = size_from_tiles_;
    synced_size_ = *size;
    return Status::Ok();
  }
  tail0_known_ = known;
  Status appended = tlog::AppendLeaves(*this, *size, leaves);
  tail0_known_ = false;
  if (!appended.ok()) return appended;
  if (size_from_tiles_) {  // level 0 now ends at the new size
    synced_ = true;
    synced_size_ = *size + leaves.size();
    return Status::Ok();
  }
  Result<sqlite3_stmt*> st = Stmt(kSetSize);
  if (!st.ok()) return st.status();
  Reset r{*st};
  sqlite3_bind_int64(*st, 1, static_cast<int64_t>(*size + leaves.size()));
  int rc = sqlite3_step(*st);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "recording the audit tree's size");
}

Result<AuditSalts> TlogSql::Salts(int64_t seq) {
  if (leaf_version_ < 2) return Status::Invalid(path_ + ": the audit tree's leaves (v1) have no salts");
  if (secret_.empty()) {
    Result<sqlite3_stmt*> st = Stmt(kSecret);
    if (!st.ok()) return st.status();
    Reset r{*st};
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_DONE) return Status::Corrupt(path_ + ": the audit tree's secret is missing (tlog_secret)");
    if (rc != SQLITE_ROW) return Error(rc, "reading the audit tree's secret");
    const void* p = sqlite3_column_blob(*st, 0);
    const int n = sqlite3_column_bytes(*st, 0);
    if (p == nullptr || n < 16) return Status::Corrupt(path_ + ": the audit tree's secret is too short");
    secret_.assign(static_cast<const char*>(p), static_cast<size_t>(n));
  }
  return DeriveAuditSalts(secret_, seq);
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

namespace {

Status Exec(sqlite3* db, const std::string& path, const char* sql, const std::string& doing) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : SqliteError(db, path, rc, doing);
}

Result<int64_t> IntOf(sqlite3* db, const std::string& path, const char* sql) {
  int rc = SQLITE_OK;
  OwnedStmt st = PrepareOwned(db, sql, &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, sql);
  rc = sqlite3_step(st.get());
  if (rc != SQLITE_ROW) return SqliteError(db, path, rc, sql);
  return sqlite3_column_int64(st.get(), 0);
}

// Appends one audit entry from inside the migration (the store is not open
// yet): chained to the newest entry.
Status AppendMigrationEntry(sqlite3* db, const std::string& path, const std::string& action,
                            const std::string& payload, int64_t now) {
  AuditEntry e;
  e.prev_hash = kGenesisHash;
  {
    int rc = SQLITE_OK;
    OwnedStmt st = PrepareOwned(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &rc);
    if (rc != SQLITE_OK) return SqliteError(db, path, rc, "reading the audit chain's head");
    rc = sqlite3_step(st.get());
    if (rc == SQLITE_ROW) {
      e.seq = sqlite3_column_int64(st.get(), 0);
      ReadText(st.get(), 1, &e.prev_hash);
    } else if (rc != SQLITE_DONE) {
      return SqliteError(db, path, rc, "reading the audit chain's head");
    }
  }
  e.seq += 1;
  e.ts = now;
  e.actor = "evenhand:migration";
  e.action = action;
  e.subject = "audit";
  e.payload = payload;
  if (Status s = ValidateAuditFields(e.actor, e.action, e.subject, e.payload); !s.ok()) return s;
  e.hash = ComputeAuditHash(e);
  int rc = SQLITE_OK;
  OwnedStmt st = PrepareOwned(db,
                              "INSERT INTO audit (seq, ts, actor, action, subject, payload, prev_hash, hash) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "appending the migration's audit entry");
  sqlite3_bind_int64(st.get(), 1, e.seq);
  sqlite3_bind_int64(st.get(), 2, e.ts);
  BindText(st.get(), 3, e.actor);
  BindText(st.get(), 4, e.action);
  BindText(st.get(), 5, e.subject);
  BindText(st.get(), 6, e.payload);
  BindText(st.get(), 7, e.prev_hash);
  BindText(st.get(), 8, e.hash);
  rc = sqlite3_step(st.get());
  return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db, path, rc, "appending the migration's audit entry");
}

}  // namespace

Status RebuildTlogV2AfterMigration(sqlite3* db, const std::string& path) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1)
    return Status::Internal(path + ": no random bytes for the audit tree's secret (OpenSSL RAND_bytes)");
  {
    int rc = SQLITE_OK;
    OwnedStmt st = PrepareOwned(db, "INSERT INTO tlog_secret (id, secret) VALUES (1, ?1)", &rc);
    if (rc != SQLITE_OK) return SqliteError(db, path, rc, "storing the audit tree's secret");
    sqlite3_bind_blob(st.get(), 1, secret, sizeof secret, SQLITE_TRANSIENT);
    rc = sqlite3_step(st.get());
    OPENSSL_cleanse(secret, sizeof secret);
    if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "storing the audit tree's secret");
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Result<int64_t> voided = IntOf(db, path, "SELECT count(*) FROM tlog_checkpoints");
  if (!voided.ok()) return voided.status();
  if (*voided > 0) {
    Result<int64_t> largest = IntOf(db, path, "SELECT max(size) FROM tlog_checkpoints");
    if (!largest.ok()) return largest.status();
    const std::string move = "INSERT INTO tlog_void_checkpoints (id, size, ts, note, voided_at) "
                             "SELECT id, size, ts, note, " + std::to_string(now) + " FROM tlog_checkpoints; "
                             "DELETE FROM tlog_checkpoints;";
    if (Status s = Exec(db, path, move.c_str(), "voiding the checkpoints of the v1 audit tree"); !s.ok()) return s;
    nlohmann::ordered_json payload;
    payload["leaf"] = "v2";
    payload["schema"] = kTlogV2Schema;
    payload["void_checkpoints"] = *voided;
    payload["largest_void_tree_size"] = *largest;
    payload["why"] = "the audit tree was rebuilt with salted leaves (v2): every checkpoint issued before is void "
                     "and no proof leads to it; keep checkpoints issued from now on";
    if (Status s = AppendMigrationEntry(db, path, "audit.tree_rebuilt", payload.dump(), now); !s.ok()) return s;
  }
  if (Status s = Exec(db, path, "DELETE FROM tlog_tiles; UPDATE tlog_tree SET size = 0 WHERE id = 1;",
                      "clearing the v1 audit tree");
      !s.ok())
    return s;
  TlogSql t(db, path);
  t.SetLeafVersion(2);
  return t.Sync(/*stop_at_gap=*/true);
}

Status DropTlogSizeAfterMigration(sqlite3* db, const std::string& path) {
  TlogSql before(db, path);
  before.SetTailRows(true);
  Result<uint64_t> recorded = before.Size();
  if (!recorded.ok()) return recorded.status();
  TlogSql t(db, path);
  t.SetLeafVersion(2);
  t.SetTailRows(true);
  t.SetSizeFromTiles(true);
  Result<uint64_t> derived = t.Size();
  if (!derived.ok()) return derived.status();
  if (*derived != *recorded) {
    if (Status s = Exec(db, path, "DELETE FROM tlog_tiles; DELETE FROM tlog_tail;", "clearing the audit tree");
        !s.ok())
      return s;
    if (Status s = t.Sync(/*stop_at_gap=*/true); !s.ok()) return s;
  }
  return Exec(db, path, "DROP TABLE tlog_tree;", "dropping the audit tree's size row (tlog_tree)");
}

}  // namespace evenhand::sqlite_store
