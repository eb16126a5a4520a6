// Private to store/sqlite: the Merkle tree over the audit log (tlog/) kept
// in SQLite, schema steps 9 (the tree) and 10 (leaf data v2).
//
//   tlog_tiles (level, idx, hashes)   one row per tile, the widest version
//                                     (C2SP tlog-tiles; tlog/tiles.h)
//   tlog_tree  (size)                 audit entries 1..size are leaves 0..size-1
//                                     (schemas v9-v11; v12 drops it, below)
//   tlog_checkpoints (id, size, ts, note)  signed checkpoints issued
//   tlog_secret (secret)              v10: the store's secret for the leaves' salts
//   tlog_void_checkpoints (id, size, ts, note, voided_at)
//                                     v10: checkpoints of the v1 tree, void since
//
//   tlog_tail (level, start, hashes)  v11: the partial rightmost tile of
//                                     each level, as rows appended per commit
//
// From schema v12 the tree's size is not a row of its own (which cost every
// commit a page of its own): it is where level 0 ends, the end of its last
// tail row or, with none, of its last full tile.
//
// From schema v11 tlog_tiles holds full tiles only (256 hashes) and a
// partial tile is its tail rows: each commit appends one row with the
// hashes it adds (row `start` = the index of its first hash at that level),
// and the tile, when it fills, is written whole to tlog_tiles and its tail
// rows deleted, in the same transaction. A commit of one entry thus writes
// a 32-byte row instead of rewriting a partial tile of up to 8 KiB
// (docs/PERFORMANCE.md). ReadTile reads either in one statement, so a
// reader outside a transaction never falls between the two.
//
// Leaf i is RFC 9162's leaf hash of audit entry i+1's leaf data: v2 from
// schema v10 (store/audit_leaf.h), before it v1, the text its chain hash
// covers (AuditCanonicalText). The tree is appended in
// batches: TlogSql::Sync, inside the writer's transaction just before it
// commits, takes every audit entry past the tree's size, so the tree and the
// chain commit together and never differ in length. The migration builds
// the tree over the entries already stored with the same Sync.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_util.h"
#include "store/audit_tree_store.h"
#include "store/store.h"
#include "tlog/tiles.h"

namespace evenhand::sqlite_store {

extern const char kTlogMigrationSql[];
inline constexpr int kTlogSchema = 9;  // the first schema with the tree
extern const char kTlogV2MigrationSql[];
inline constexpr int kTlogV2Schema = 10;  // the first schema with leaf data v2
extern const char kTlogTailMigrationSql[];
inline constexpr int kTlogTailSchema = 11;  // the first schema with tail rows (tlog_tail)
extern const char kTlogSizeMigrationSql[];
inline constexpr int kTlogSizeSchema = 12;  // the first schema without tlog_tree: the size from level 0

// The migration's second half: builds the tree over the stored entries, up
// to the first gap if there is one (writes then fail until it is resolved).
Status BuildTlogAfterMigration(sqlite3* db, const std::string& path);
// Step 10's second half: makes the store's secret, voids the checkpoints
// of the v1 tree (moved to tlog_void_checkpoints; when there were any, an
// audit entry "audit.tree_rebuilt" says so) and rebuilds the tree with v2
// leaves over every entry, up to the first gap.
Status RebuildTlogV2AfterMigration(sqlite3* db, const std::string& path);
// Step 12: the size level 0 ends at must be tlog_tree's; where it is not (the
// tree edited behind the store's back), the tree is cleared and rebuilt over
// every entry, up to the first gap, as a v11 store would at its next write.
// Then tlog_tree goes.
Status DropTlogSizeAfterMigration(sqlite3* db, const std::string& path);

// Statements on one connection; every call runs inside the caller's
// transaction (or as its own read). Not thread safe (one per Store).
class TlogSql final : public tlog::TileStorage {
 public:
  TlogSql(sqlite3* db, const std::string& path) : db_(db), path_(path) {}

  // The leaf format to write and read: 1 (schema v9) or 2 (v10 on).
  void SetLeafVersion(int v) { leaf_version_ = v; }
  // Partial tiles as tail rows (schema v11 on); before, rewritten whole in
  // tlog_tiles (the migrations to v9 and v10 run with this off).
  void SetTailRows(bool on) { tail_rows_ = on; }
  // The size read from level 0's tiles and tail rows (schema v12 on; needs
  // tail rows); before, tlog_tree's row, written by every Sync that appends.
  void SetSizeFromTiles(bool on) { size_from_tiles_ = on; }
  int leaf_version() const { return leaf_version_; }
  // The salts of entry `seq` (leaf v2); the secret is read once.
  Result<AuditSalts> Salts(int64_t seq);

  // Appends every audit entry past the tree's size as leaves (call with
  // the write lock held). At a gap in the audit log (an entry removed
  // behind the store's back): Corrupt, naming the missing entry, or with
  // `stop_at_gap` the tree is built up to the gap and the call succeeds
  // (the migration: the store must still open so that `audit verify` can
  // name the gap).
  //
  // The writer's level 0 between its own commits: after a commit whose
  // transaction ran Sync, the tree's size is kept in memory with the
  // database's data version (SQLITE_FCNTL_DATA_VERSION, which any commit
  // changes, this connection's or another's). The next Sync whose data
  // version is the one recorded after that commit takes the size from memory
  // and appends its level-0 tail row without re-reading where the tail ends
  // or clearing rows past it (nothing can have changed them); any other
  // commit, a rollback or a failure forgets it, and Sync reads the tree as
  // stored (per commit: four statements less).
  Status Sync(bool stop_at_gap = false);
  // Call after each transaction on this connection ends: `committed` keeps
  // what its Sync appended as the known tree, else it is forgotten.
  void EndTransaction(bool committed);
  Result<uint64_t> Size();
  Result<std::string> ReadTile(int level, uint64_t index) override;
  Status WriteTile(int level, uint64_t index, std::string_view hashes) override;
  Status ExtendTile(int level, uint64_t index, uint64_t width, std::string_view hashes) override;

  Status PutCheckpoint(uint64_t size, int64_t ts, const std::string& note);
  Result<std::vector<StoredCheckpoint>> Checkpoints(int64_t limit);
  Result<AuditEntry> Entry(int64_t seq);

 private:
  Result<sqlite3_stmt*> Stmt(int which);
  Status Error(int rc, const std::string& doing) const { return SqliteError(db_, path_, rc, doing); }

  // The leaves of `entries` appended to `leaves`; a big chunk on two threads.
  Status HashChunk(std::span<const AuditEntry> entries, std::vector<tlog::Hash>* leaves);

  sqlite3* db_;
  std::string path_;
  // What a statement on a tile was doing, spelled out only for an error.
  struct Doing {
    const char* verb;
    int level;
    uint64_t index;
    uint64_t width;
    std::string Text() const;
  };
  Status Step(int which, const Doing& doing);  // a statement without rows, bound by the caller
  bool DataVersion(uint32_t* v) const;  // SQLITE_FCNTL_DATA_VERSION; false if SQLite cannot say
  Status DeleteTail(int level, uint64_t from, uint64_t to);  // tail rows with from <= start < to

  OwnedStmt stmts_[16];
  int leaf_version_ = 1;
  bool tail_rows_ = false;
  bool size_from_tiles_ = false;
  std::string secret_;  // tlog_secret's, once read
  std::vector<AuditEntry> chunk_;  // Sync's slots for the entries it reads
  // The tree as the last committed Sync left it (see Sync).
  bool known_ = false;          // known_size_ holds while the data version is known_version_
  uint64_t known_size_ = 0;
  uint32_t known_version_ = 0;
  bool synced_ = false;         // this transaction's Sync appended up to synced_size_
  uint64_t synced_size_ = 0;
  bool tail0_known_ = false;    // during Sync: level 0's tail ends at the size, nothing past it
};

}  // namespace evenhand::sqlite_store
