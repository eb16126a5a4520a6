// The audit Merkle tree in the SQLite store (schema v9, leaf data v2 from
// v10): it grows with the
// entries' own transactions, in batches; a rolled-back batch leaves it as it
// was; a store made by the previous schema gets the tree built over its
// entries by the migration and its chain still verifies; edits behind the
// store's back (an entry, a tile, the size) are named by VerifyAuditTree.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/audit_leaf.h"
#include "store/audit_tree.h"
#include "store/audit_tree_store.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/tlog_sql.h"
#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << "\n" << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

int64_t RawInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

class StoreTlogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "evenhand-tlog-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "evenhand.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<Store> Open() {
    auto r = OpenSqliteStore(path_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::string dir_, path_;
};

AuditTreeStore& Tree(Store& store) { return *AuditTreeOf(store).value(); }

// The leaves recomputed from the entries, the naive way (leaf data v2:
// store/audit_leaf.h, with the store's salts).
std::vector<tlog::Hash> Leaves(Store& store) {
  std::vector<tlog::Hash> out;
  EXPECT_TRUE(store.ForEachAudit([&](const AuditEntry& e) { out.push_back(*AuditLeafOf(Tree(store), e)); }).ok());
  return out;
}

tlog::Hash RootOf(const std::vector<tlog::Hash>& leaves) {
  tlog::StreamingRoot r;
  for (const tlog::Hash& h : leaves) r.Add(h);
  return r.Root();
}

tlog::Hash TileRoot(Store& store) {
  Result<uint64_t> size = Tree(store).AuditTreeSize();
  EXPECT_TRUE(size.ok());
  StoreTiles tiles(Tree(store));
  tlog::TileSource src(tiles, *size);
  Result<tlog::Hash> root = tlog::TreeHash(src, *size);
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  return root.ok() ? *root : tlog::Hash{};
}

void Append(Store& store, int from, int to) {
  for (int i = from; i < to; ++i)
    ASSERT_TRUE(store.AppendAudit("tester", "test.entry", "s" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}").ok());
}

// The append path's leaf hash (from the secret, in place) is the leaf the
// proofs and `audit verify` compute from the salts, field by field.
TEST(AuditLeafV2, InPlaceHashEqualsTheSaltedLeafOfEveryEntry) {
  const std::string secret(32, '\x5a');
  std::vector<AuditEntry> entries(5);
  entries[0] = {1, 1700000000, "mod-aisha", "decision", "post-1", "{\"action\":\"remove\"}", std::string(64, '0'), ""};
  entries[1] = {2, -5, "", "", "", "", "", ""};
  entries[2] = {9223372036854775807LL, 0, "a\nb", "order.act", "ord-1", std::string(100000, 'p'), "ab", ""};
  entries[3] = {42, 1, "evenhand:migration", "audit.tree_rebuilt", "audit", "{}", std::string(64, 'f'), ""};
  entries[4] = {-3, 7, "x", "y", "z", "w", "v", ""};
  for (const AuditEntry& e : entries) {
    const AuditSalts salts = DeriveAuditSalts(secret, e.seq);
    EXPECT_EQ(AuditLeafHashV2(e, std::string_view(secret)), AuditLeafHashV2(e, salts)) << e.seq;
    EXPECT_EQ(AuditLeafHashV2(e, std::string_view(secret)), tlog::LeafHash(AuditLeafDataV2(e, CommitAudit(e, salts))));
    AuditEntry changed = e;
    changed.payload += " ";
    EXPECT_NE(AuditLeafHashV2(changed, std::string_view(secret)), AuditLeafHashV2(e, salts)) << e.seq;
    EXPECT_NE(AuditLeafHashV2(e, std::string_view(std::string(32, '\x5b'))), AuditLeafHashV2(e, salts)) << e.seq;
  }
}

TEST_F(StoreTlogTest, TheTreeFollowsEveryCommitSingleAndBatched) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), sqlite_store::CurrentSchemaVersion());
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 0u);
  EXPECT_EQ(TileRoot(*store), tlog::EmptyTreeHash());
  Append(*store, 0, 3);  // three transactions of one
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 3u);
  ASSERT_TRUE(store->Begin().ok());
  Append(*store, 3, 700);  // one batch across tile boundaries
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 3u);  // not before the batch commits
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 700u);
  std::vector<tlog::Hash> leaves = Leaves(*store);
  ASSERT_EQ(leaves.size(), 700u);
  EXPECT_EQ(TileRoot(*store), RootOf(leaves));
  // Every entry's inclusion proof from the stored tiles verifies.
  StoreTiles tiles(Tree(*store));
  tlog::TileSource src(tiles, 700);
  for (uint64_t m = 0; m < 700; m += 7) {
    auto proof = tlog::InclusionProof(src, m, 700);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(tlog::VerifyInclusion(leaves[m], m, 700, *proof, RootOf(leaves)).ok()) << m;
  }
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->problems.front();
  EXPECT_EQ(report->entries, 700u);
  // Decisions and cases append through the same path.
  bool inserted = false;
  Decision d;
  d.item = "p1";
  d.policy = "default@1";
  d.action = Action::kRemove;
  d.category = "spam";
  ASSERT_TRUE(store->PutDecision(d, "scan", &inserted).ok());
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 701u);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
}

TEST_F(StoreTlogTest, ARolledBackBatchLeavesTheTreeAsItWas) {
  auto store = Open();
  Append(*store, 0, 10);
  const tlog::Hash before = TileRoot(*store);
  ASSERT_TRUE(store->Begin().ok());
  Append(*store, 10, 300);
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 10u);
  EXPECT_EQ(TileRoot(*store), before);
  Append(*store, 10, 12);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
}

TEST_F(StoreTlogTest, TwoConnectionsOnOneFileKeepOneTree) {
  auto a = Open();
  auto b = Open();
  for (int i = 0; i < 50; ++i) Append(i % 2 == 0 ? *a : *b, i, i + 1);
  EXPECT_EQ(*Tree(*a).AuditTreeSize(), 50u);
  EXPECT_EQ(TileRoot(*b), RootOf(Leaves(*a)));
}

// The writer keeps the tree's size between its commits (TlogSql::Sync);
// whatever another connection commits in between, a tree reset or entries
// of its own, the open writer's next commit sees and appends after it.
TEST_F(StoreTlogTest, AnOpenWriterSeesWhatOthersCommittedBetweenItsCommits) {
  auto a = Open();
  Append(*a, 0, 5);
  ASSERT_TRUE(a->Begin().ok());
  Append(*a, 5, 300);  // level 0: a full tile and tail rows
  ASSERT_TRUE(a->Commit().ok());
  Append(*a, 300, 301);
  // The tree wiped by another connection while `a` stays open.
  RawExec(path_, "DELETE FROM tlog_tiles; DELETE FROM tlog_tail;");
  Append(*a, 301, 302);  // rebuilt from the entries, not appended at 301
  EXPECT_EQ(*Tree(*a).AuditTreeSize(), 302u);
  EXPECT_EQ(TileRoot(*a), RootOf(Leaves(*a)));
  // Another writer's entries in between.
  {
    auto b = Open();
    Append(*b, 302, 310);
  }
  Append(*a, 310, 311);
  EXPECT_EQ(*Tree(*a).AuditTreeSize(), 311u);
  EXPECT_EQ(TileRoot(*a), RootOf(Leaves(*a)));
  // A commit of the writer's own that appends no entry, and a rolled-back batch.
  ASSERT_TRUE(Tree(*a).PutCheckpoint(311, 1700000000, "note").ok());
  ASSERT_TRUE(a->Begin().ok());
  Append(*a, 311, 320);
  ASSERT_TRUE(a->Rollback().ok());
  Append(*a, 311, 312);
  EXPECT_EQ(*Tree(*a).AuditTreeSize(), 312u);
  EXPECT_EQ(TileRoot(*a), RootOf(Leaves(*a)));
  auto report = VerifyAuditTree(*a);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
}

// A store made by the previous schema (v8) keeps its chain and gets its tree.
TEST_F(StoreTlogTest, TheMigrationBuildsTheTreeOverAStoreOfThePreviousSchema) {
  const size_t previous = static_cast<size_t>(sqlite_store::kTlogSchema - 1);
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, sqlite_store::Migrations().subspan(0, previous));
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    EXPECT_EQ((*old)->schema_version(), sqlite_store::kTlogSchema - 1);
    ASSERT_TRUE((*old)->Begin().ok());
    Append(**old, 0, 600);
    ASSERT_TRUE((*old)->Commit().ok());
    EXPECT_FALSE(Tree(**old).AuditTreeSize().ok());  // no tree before v9
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 600u);
  auto chain = VerifyAudit(*store);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok());
  EXPECT_EQ(chain->entries, 600);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
  Append(*store, 600, 610);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

// A store of schema v9 (leaf data v1, a checkpoint issued) migrates to v10:
// the tree is rebuilt with v2 leaves over every entry, the checkpoint is
// void (kept aside, no longer listed) and an audit entry says so; chain and
// tree verify. A store made at v10 gets no such entry.
TEST_F(StoreTlogTest, TheV2MigrationRebuildsTheTreeAndVoidsOldCheckpoints) {
  std::vector<tlog::Hash> v1_leaves;
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(
        path_, sqlite_store::Migrations().subspan(0, static_cast<size_t>(sqlite_store::kTlogSchema)));
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    EXPECT_EQ(Tree(**old).AuditLeafVersion(), 1);
    Append(**old, 0, 300);
    EXPECT_FALSE(Tree(**old).GetAuditSalts(1).ok());
    ASSERT_TRUE(Tree(**old).PutCheckpoint(300, 1000, "a v1 checkpoint").ok());
    v1_leaves = Leaves(**old);
    EXPECT_EQ(TileRoot(**old), RootOf(v1_leaves));
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), sqlite_store::CurrentSchemaVersion());
  EXPECT_EQ(Tree(*store).AuditLeafVersion(), 2);
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 301u);
  auto last = Tree(*store).GetAudit(301);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->action, "audit.tree_rebuilt");
  EXPECT_NE(last->payload.find("\"void_checkpoints\":1"), std::string::npos) << last->payload;
  EXPECT_NE(last->payload.find("\"largest_void_tree_size\":300"), std::string::npos) << last->payload;
  EXPECT_TRUE(Tree(*store).ListCheckpoints(10)->empty());
  const std::vector<tlog::Hash> v2_leaves = Leaves(*store);
  ASSERT_EQ(v2_leaves.size(), 301u);
  for (size_t i = 0; i < v1_leaves.size(); ++i) EXPECT_NE(v2_leaves[i], v1_leaves[i]) << i;
  EXPECT_EQ(TileRoot(*store), RootOf(v2_leaves));
  auto chain = VerifyAudit(*store);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok());
  EXPECT_EQ(chain->entries, 301);
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
  // Salts differ per entry and per kind; the same store gives the same ones.
  auto a = Tree(*store).GetAuditSalts(1), b = Tree(*store).GetAuditSalts(2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->actor, b->actor);
  EXPECT_NE(a->actor, a->payload);
  EXPECT_EQ(Tree(*store).GetAuditSalts(1)->actor, a->actor);
  Append(*store, 300, 310);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));

  // Made at v10: no rebuild entry, and another store's secret gives other salts.
  const std::string fresh = (fs::path(dir_) / "fresh.db").string();
  auto made = OpenSqliteStore(fresh);
  ASSERT_TRUE(made.ok());
  Append(**made, 0, 1);
  EXPECT_EQ(Tree(**made).GetAudit(1)->action, "test.entry");
  EXPECT_NE(Tree(**made).GetAuditSalts(1)->actor, a->actor);
}

// A store whose chain has a gap still opens (so `audit verify` can name the
// gap): the tree is built up to the gap, and writes are refused until the
// gap is dealt with, naming the missing entry.
TEST_F(StoreTlogTest, TheMigrationStopsAtAGapAndWritesAreRefused) {
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(
        path_, sqlite_store::Migrations().subspan(0, static_cast<size_t>(sqlite_store::kTlogSchema - 1)));
    ASSERT_TRUE(old.ok());
    Append(**old, 0, 5);
  }
  RawExec(path_, "DELETE FROM audit WHERE seq = 3");
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 2u);
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems[0].find("holds 2 entries, the log 4"), std::string::npos) << report->problems[0];
  Status s = store->AppendAudit("tester", "test.entry", "x", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("audit entry 3 is missing"), std::string::npos) << s.message();
  EXPECT_EQ(VerifyAudit(*store)->entries, 4);  // the refused write stored nothing
}

TEST_F(StoreTlogTest, EditsBehindTheStoresBackAreNamed) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Begin().ok());
    Append(*store, 0, 300);
    ASSERT_TRUE(store->Commit().ok());
  }
  // An entry edited and its chain rebuilt from there would pass the chain
  // check alone; the tree names it.
  RawExec(path_, "UPDATE audit SET payload = '{\"i\":999}' WHERE seq = 42");
  {
    auto store = Open();
    auto report = VerifyAuditTree(*store);
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->problems.size(), 2u);
    EXPECT_NE(report->problems[0].find("entry 42: its contents do not match leaf 41"), std::string::npos)
        << report->problems[0];
    EXPECT_NE(report->problems[1].find("is not the root of the entries"), std::string::npos) << report->problems[1];
  }
  RawExec(path_, "UPDATE audit SET payload = '{\"i\":41}' WHERE seq = 42");
  {
    auto store = Open();
    EXPECT_TRUE(VerifyAuditTree(*store)->ok());
  }
  // A leaf of the partial tile edited (its tail row): named like one of a full tile.
  RawExec(path_, "UPDATE tlog_tail SET hashes = zeroblob(length(hashes)) WHERE level = 0 AND start = 256");
  {
    auto store = Open();
    auto report = VerifyAuditTree(*store);
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(report->ok());
    EXPECT_NE(report->problems[0].find("entry 257: its contents do not match leaf 256"), std::string::npos)
        << report->problems[0];
  }
  RawExec(path_, "DELETE FROM tlog_tiles; DELETE FROM tlog_tail;");
  {
    auto store = Open();
    Append(*store, 300, 301);  // the next write rebuilds the tree, past the tail rows left behind
    EXPECT_EQ(*Tree(*store).AuditTreeSize(), 301u);
    EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
    EXPECT_TRUE(VerifyAuditTree(*store)->ok());
  }
  // A level-1 tile edited (the leaves intact): the root no longer follows from the entries.
  // Level 1 of a tree of 301 is one hash, a tail row.
  RawExec(path_, "UPDATE tlog_tail SET hashes = zeroblob(32) WHERE level = 1 AND start = 0");
  {
    auto store = Open();
    auto report = VerifyAuditTree(*store);
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(report->ok());
    EXPECT_NE(report->problems.back().find("tiles edited"), std::string::npos) << report->problems.back();
  }
}

// Schema v11: a commit of one entry appends a 32-byte tail row instead of
// rewriting the partial tile; a tile that fills is written whole and its
// tail rows go. A v10 store's partial tiles move to tail rows.
TEST_F(StoreTlogTest, PartialTilesAreTailRowsAppendedPerCommit) {
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(
        path_, sqlite_store::Migrations().subspan(0, static_cast<size_t>(sqlite_store::kTlogV2Schema)));
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    Append(**old, 0, 270);  // single commits: tile 0/0 full, 0/1 partial (14), 1/0 partial (1)
    EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tiles WHERE length(hashes) < 8192"), 2);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), sqlite_store::kTlogSizeSchema);
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tiles"), 1);
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tail"), 2);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
  Append(*store, 270, 300);  // 30 more commits of one: 30 rows of one hash each
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tail WHERE level = 0"), 31);
  EXPECT_EQ(RawInt(path_, "SELECT max(length(hashes)) FROM tlog_tail WHERE level = 0 AND start > 256"), 32);
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tiles"), 1);
  EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
  auto tile = Tree(*store).ReadAuditTile(0, 1);
  ASSERT_TRUE(tile.ok());
  EXPECT_EQ(tile->size(), 44u * 32);
  // A batch that fills tile 0/1 and goes on: written whole, its rows gone.
  ASSERT_TRUE(store->Begin().ok());
  Append(*store, 300, 520);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tiles WHERE level = 0"), 2);
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tail WHERE level = 0"), 1);
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM tlog_tail WHERE level = 1"), 2);  // 1/0: 1 hash, then 1 more
  std::vector<tlog::Hash> leaves = Leaves(*store);
  ASSERT_EQ(leaves.size(), 520u);
  EXPECT_EQ(TileRoot(*store), RootOf(leaves));
  StoreTiles tiles(Tree(*store));
  tlog::TileSource src(tiles, 520);
  for (uint64_t m = 0; m < 520; m += 13) {
    auto proof = tlog::InclusionProof(src, m, 520);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(tlog::VerifyInclusion(leaves[m], m, 520, *proof, RootOf(leaves)).ok()) << m;
  }
  // Consistency from every earlier size a checkpoint could hold.
  for (uint64_t old : {1u, 255u, 256u, 269u, 300u, 511u}) {
    std::vector<tlog::Hash> prefix(leaves.begin(), leaves.begin() + static_cast<long>(old));
    auto proof = tlog::ConsistencyProof(src, old, 520);
    ASSERT_TRUE(proof.ok()) << old;
    EXPECT_TRUE(tlog::VerifyConsistency(old, 520, RootOf(prefix), RootOf(leaves), *proof).ok()) << old;
  }
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problems.front();
  // Schema v12: the size is where level 0 ends, with no row of its own.
  EXPECT_EQ(RawInt(path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'tlog_tree'"), 0);
  // The tail rows of level 0 cut out behind the store's back: the tree now
  // ends at tile 0/1 (512), and `audit verify` names the entries past it.
  RawExec(path_, "DELETE FROM tlog_tail WHERE level = 0");
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 512u);
  report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems[0].find("holds 512 entries, the log 520"), std::string::npos) << report->problems[0];
  // The next write hashes them again from the entries, as after any reset.
  ASSERT_TRUE(store->AppendAudit("tester", "test.entry", "x", "").ok());
  leaves = Leaves(*store);
  ASSERT_EQ(leaves.size(), 521u);
  EXPECT_EQ(*Tree(*store).AuditTreeSize(), 521u);
  EXPECT_EQ(TileRoot(*store), RootOf(leaves));
}

// Schema v12: the size that tlog_tree held must be where level 0 ends; a
// v11 store whose tree was edited has it rebuilt by the migration.
TEST_F(StoreTlogTest, TheV12MigrationKeepsTheTreeOrRebuildsAnEditedOne) {
  const auto v11 = sqlite_store::Migrations().subspan(0, static_cast<size_t>(sqlite_store::kTlogTailSchema));
  tlog::Hash root_before{};
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, v11);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    Append(**old, 0, 300);
    root_before = TileRoot(**old);
  }
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), sqlite_store::kTlogSizeSchema);
    EXPECT_EQ(*Tree(*store).AuditTreeSize(), 300u);
    EXPECT_EQ(TileRoot(*store), root_before);
    Append(*store, 300, 301);
    EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));
    EXPECT_TRUE(VerifyAuditTree(*store)->ok());
  }
  // A v11 store whose size row says less than its tiles (reset behind its back).
  std::filesystem::remove(path_);
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, v11);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    Append(**old, 0, 40);
  }
  RawExec(path_, "UPDATE tlog_tree SET size = 0; UPDATE tlog_tail SET hashes = zeroblob(32) WHERE start = 7");
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ(*Tree(*store).AuditTreeSize(), 40u);
    EXPECT_EQ(TileRoot(*store), RootOf(Leaves(*store)));  // rebuilt: the zeroed leaf is the entry's again
    EXPECT_TRUE(VerifyAuditTree(*store)->ok());
  }
}

TEST_F(StoreTlogTest, ATreeShorterThanTheLogIsNamed) {
  {
    auto store = Open();
    Append(*store, 0, 20);
  }
  RawExec(path_, "DELETE FROM tlog_tail WHERE level = 0 AND start >= 15");
  auto store = Open();
  auto report = VerifyAuditTree(*store);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems[0].find("holds 15 entries, the log 20"), std::string::npos) << report->problems[0];
}

TEST_F(StoreTlogTest, CheckpointsAreKeptNewestFirst) {
  auto store = Open();
  ASSERT_TRUE(Tree(*store).PutCheckpoint(0, 100, "a").ok());
  Append(*store, 0, 2);
  ASSERT_TRUE(Tree(*store).PutCheckpoint(2, 200, "b").ok());
  auto list = Tree(*store).ListCheckpoints(10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].note, "b");
  EXPECT_EQ((*list)[0].size, 2u);
  EXPECT_EQ((*list)[1].ts, 100);
  auto e = Tree(*store).GetAudit(2);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->subject, "s1");
  EXPECT_EQ(Tree(*store).GetAudit(3).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace evenhand
