// The SQLite store's own behaviour: schema migrations, file checks, WAL,
// the analytics facts table, tamper detection with the raw sqlite3 API.
// What every backend promises (durability across reopen, idempotent
// decisions, transactions, one chain with many writers, tamper detection)
// is checked for SQLite and PostgreSQL alike in store_conformance_test.cc.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store_test_util.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using store_test::Describe;
using store_test::FillFive;
using store_test::MakeDecision;
using store_test::MustVerify;

// ---- raw SQLite access, as a tamperer (or a curious admin) would have it.

sqlite3* Raw(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  return db;
}

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = Raw(path);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << "\n" << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// First column of the first row as text ("" when no row).
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = Raw(path);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db) << "\n" << sql;
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr)
    out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

int64_t RawInt(const std::string& path, const std::string& sql) { return std::stoll(RawQuery(path, sql)); }

// ---- fixtures

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "evenhand-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "evenhand.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<Store> Open(const std::string& path = "") {
    auto r = OpenSqliteStore(path.empty() ? path_ : path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  std::string dir_;
  std::string path_;
};

// ---- opening, schema

TEST_F(SqliteStoreTest, CreatesWalDatabaseAtCurrentSchema) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), sqlite_store::CurrentSchemaVersion());
  EXPECT_EQ(RawInt(path_, "PRAGMA user_version"), sqlite_store::CurrentSchemaVersion());
  EXPECT_EQ(RawInt(path_, "PRAGMA application_id"), sqlite_store::kApplicationId);
  EXPECT_EQ(RawQuery(path_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path_, "SELECT value FROM meta WHERE key = 'created_by'").rfind("evenhand ", 0), 0u);
  for (const char* table : {"accounts", "posts", "decisions", "audit", "meta"})
    EXPECT_EQ(RawInt(path_, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") + table +
                                "'"),
              1)
        << table;
}

TEST_F(SqliteStoreTest, MigrationStepsAreNumberedInOrder) {
  int expect = 1;
  for (const auto& m : sqlite_store::Migrations()) EXPECT_EQ(m.version, expect++);
  EXPECT_EQ(sqlite_store::CurrentSchemaVersion(), expect - 1);
}

TEST_F(SqliteStoreTest, MigratesAVersionZeroDatabase) {
  // A database file that exists (header written) but has no schema yet.
  RawExec(path_, "PRAGMA user_version = 0; VACUUM;");
  ASSERT_TRUE(fs::exists(path_));
  ASSERT_EQ(RawInt(path_, "PRAGMA user_version"), 0);
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), sqlite_store::CurrentSchemaVersion());
  EXPECT_EQ(RawInt(path_, "PRAGMA user_version"), sqlite_store::CurrentSchemaVersion());
  bool inserted = false;
  EXPECT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
}

TEST_F(SqliteStoreTest, MigratesStepByStepAndKeepsData) {
  using sqlite_store::Migration;
  auto v1 = sqlite_store::Migrations().subspan(0, 1);
  {
    auto r = sqlite_store::OpenSqliteStoreWithMigrations(path_, v1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->schema_version(), 1);
    ASSERT_TRUE((*r)->PutDecision(MakeDecision("p1"), "scan", nullptr).ok());
  }
  // A later build adds two steps.
  std::vector<Migration> steps(v1.begin(), v1.end());
  steps.push_back({2, "appeals table", "CREATE TABLE appeals (id TEXT PRIMARY KEY, item TEXT NOT NULL);"});
  steps.push_back({3, "appeal state", "ALTER TABLE appeals ADD COLUMN state TEXT NOT NULL DEFAULT 'open';"});
  {
    auto r = sqlite_store::OpenSqliteStoreWithMigrations(path_, steps);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->schema_version(), 3);
  }
  EXPECT_EQ(RawInt(path_, "PRAGMA user_version"), 3);
  RawExec(path_, "INSERT INTO appeals (id, item) VALUES ('ap1', 'p1')");
  EXPECT_EQ(RawQuery(path_, "SELECT state FROM appeals"), "open");
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM decisions"), 1);
  // And the build that knows only v1 now refuses the file.
  auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, v1);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("newer evenhand"), std::string::npos) << old.status().ToString();
}

TEST_F(SqliteStoreTest, FailedMigrationLeavesTheDatabaseAsItWas) {
  using sqlite_store::Migration;
  auto v1 = sqlite_store::Migrations().subspan(0, 1);
  { ASSERT_TRUE(sqlite_store::OpenSqliteStoreWithMigrations(path_, v1).ok()); }
  std::vector<Migration> steps(v1.begin(), v1.end());
  steps.push_back({2, "good step", "CREATE TABLE appeals (id TEXT PRIMARY KEY);"});
  steps.push_back({3, "broken step", "ALTER TABLE no_such_table ADD COLUMN x;"});
  auto r = sqlite_store::OpenSqliteStoreWithMigrations(path_, steps);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version 3 (broken step)"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(RawInt(path_, "PRAGMA user_version"), 1);
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'appeals'"), 0);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerEvenhand) {
  { ASSERT_TRUE(Open()); }
  const int newer = sqlite_store::CurrentSchemaVersion() + 5;
  RawExec(path_, "PRAGMA user_version = " + std::to_string(newer));
  auto r = OpenSqliteStore(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_NE(r.status().message().find("created by a newer evenhand"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path_), std::string::npos);
  EXPECT_EQ(RawInt(path_, "PRAGMA user_version"), newer);  // untouched
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  {
    std::ofstream f(path_);
    f << "{\"kind\":\"post\",\"id\":\"p1\"}\n this is a JSON Lines file, not a database, padded to be long enough "
         "for SQLite to read a header from it ..........................................................\n";
  }
  auto r = OpenStore(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not an SQLite database"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path_), std::string::npos);
}

TEST_F(SqliteStoreTest, RefusesAnotherApplicationsDatabase) {
  RawExec(path_, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');");
  auto r = OpenSqliteStore(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not an evenhand database"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("contacts"), std::string::npos);
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM sqlite_master"), 1);  // nothing added

  const std::string other = (fs::path(dir_) / "other.db").string();
  RawExec(other, "PRAGMA application_id = 1234; PRAGMA user_version = 1; CREATE TABLE t (x);");
  r = OpenSqliteStore(other);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("another application"), std::string::npos) << r.status().ToString();
}

TEST_F(SqliteStoreTest, UnopenablePathIsAnIoError) {
  auto r = OpenSqliteStore((fs::path(dir_) / "no" / "such" / "dir" / "x.db").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIo) << r.status().ToString();
}

TEST_F(SqliteStoreTest, OpenStoreUrls) {
  {
    auto r = OpenStore("sqlite:" + path_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE((*r)->PutDecision(MakeDecision("p1"), "scan", nullptr).ok());
  }
  {
    auto r = OpenStore(path_);  // plain path, same file
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(MustVerify(**r).entries, 1);
  }
  {
    auto r = OpenStore("sqlite://" + path_);  // sqlite:///abs/path
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(MustVerify(**r).entries, 1);
  }
  EXPECT_FALSE(OpenStore("").ok());
  EXPECT_FALSE(OpenStore("sqlite:").ok());
  auto pg = OpenStore("postgres://localhost/evenhand");
  ASSERT_FALSE(pg.ok());
  EXPECT_NE(pg.status().message().find("PostgreSQL"), std::string::npos);
  EXPECT_FALSE(OpenStore("mysql://x").ok());
}

// ---- text and indexes

TEST_F(SqliteStoreTest, InvalidUtf8AndNewlinesInUserTextAreStored) {
  auto store = Open();
  ASSERT_TRUE(store);
  Decision d = MakeDecision("p1");
  d.reason = "line one\nline two \xff\xfe";
  d.signals[0].evidence = "bad \xc3 utf8";
  bool inserted = false;
  Status s = store->PutDecision(d, "scan", &inserted);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(inserted);
  EXPECT_TRUE(MustVerify(*store).ok());
}

TEST_F(SqliteStoreTest, AuditOfOneSubjectUsesItsIndex) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (const char* subject : {"o1", "o2", "o1", "o3", "o1"})
    ASSERT_TRUE(store->AppendAudit("cli:test", "order.event", subject, "{}").ok());
  std::vector<int64_t> seqs;
  ASSERT_TRUE(store->ForEachAuditOf("o1", [&](const AuditEntry& e) {
    EXPECT_EQ(e.subject, "o1");
    seqs.push_back(e.seq);
  }).ok());
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3, 5}));
  int none = 0;
  ASSERT_TRUE(store->ForEachAuditOf("o9", [&](const AuditEntry&) { ++none; }).ok());
  EXPECT_EQ(none, 0);
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'audit_by_subject'"), 1);
}

// ---- the analytics facts table

TEST_F(SqliteStoreTest, ScanDecisionFactsAgreesWithForEachDecision) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto post = [&](const std::string& id, int64_t ts, const std::string& topic) {
    Post p;
    p.id = id;
    p.account = "a1";
    p.ts = ts;
    p.lang = "ur";
    p.topic = topic;
    p.region = "PK";
    p.text = "text of " + id;
    ASSERT_TRUE(store->PutPost(p).ok());
  };
  auto decide = [&](const std::string& item, const std::string& policy, Action a) {
    ASSERT_TRUE(store->PutDecision(MakeDecision(item, policy, a), "scan", nullptr).ok());
  };
  ASSERT_TRUE(store->Begin().ok());
  for (int i = 0; i < 20; ++i) {  // the pipeline's order: each post, then its decision
    post("p" + std::to_string(i), 1793500000 + i, i % 2 ? "health" : "sport");
    decide("p" + std::to_string(i), "default@3", i % 3 ? Action::kRemove : Action::kReview);
  }
  post("q1", 1793600001, "music");  // posts stored ahead of their decisions, in another order
  post("q0", 1793600000, "finance");
  post("unused", 1793600002, "religion");
  decide("q0", "default@3", Action::kWithhold);
  decide("nopost", "default@3", Action::kLabel);  // no post stored
  decide("q1", "default@3", Action::kAllow);
  decide("p3", "default@4", Action::kRemove);      // an old post under a new policy
  post("p3", 1793500003, "elections");             // and the post edited since
  ASSERT_TRUE(store->Commit().ok());
  // Decisions far apart in storage order, so that slices have several
  // blocks, down to a negative rowid and up to the largest one.
  for (int64_t id : {int64_t{70000}, int64_t{200000}, int64_t{-5}, INT64_MAX})
    RawExec(path_, "INSERT INTO decisions (id, item, policy, account, action, scope, category, rule, reason, review, "
                   "lang, region, ts, signals, stored_at) VALUES (" + std::to_string(id) + ", 'p" +
                   std::to_string(id % 20) + "', 'raw@" + std::to_string(id) +
                   "', 'a1', 'remove', '[]', 'violence', 'r', 'x', 0, 'de', 'DE', 5, '[]', 6)");
  ASSERT_TRUE(RefreshDecisionFacts(path_).ok());  // rows written behind the Store's back

  // What the facts must say, worked out from the full decision walk.
  std::vector<std::string> expected = store_test::ExpectedFacts(*store);
  ASSERT_EQ(expected.size(), 28u);
  store_test::FactsReader reader(*store);
  auto scan = [&](const ScanSlice& slice, std::vector<std::string>* out) { return reader.Scan(slice, out); };
  std::vector<std::string> whole;
  ASSERT_TRUE(scan(ScanSlice{}, &whole).ok());
  EXPECT_EQ(whole, expected);  // same rows, same storage order
  EXPECT_TRUE(reader.ProfilesConsistent());  // one profile per combination
  EXPECT_TRUE(std::any_of(whole.begin(), whole.end(), [](const std::string& r) {
    return r.rfind("default@4|remove|", 0) == 0 && r.find("|1793500003|") != std::string::npos &&
           r.find("|health|ur|PK") != std::string::npos;
  })) << "a post edited after its decision is a new version: the decision keeps the facts of the one it was about";
  EXPECT_TRUE(std::any_of(whole.begin(), whole.end(), [](const std::string& r) {
    return r.rfind("default@3|withhold|", 0) == 0 && r.find("|1793600000|") != std::string::npos &&
           r.find("|finance|ur|PK") != std::string::npos;
  })) << "a post stored before its decision, out of order";
  // Two or three slices: disjoint, and together every decision.
  for (int parts : {2, 3}) {
    std::vector<std::string> joined;
    for (int k = 0; k < parts; ++k) {
      std::vector<std::string> part;
      ASSERT_TRUE(scan(ScanSlice{k, parts}, &part).ok());
      if (parts == 2) {
        EXPECT_EQ(part.size(), k == 0 ? 24u : 4u);  // block 0 | blocks -1, 1, 3 and the last
      }
      joined.insert(joined.end(), part.begin(), part.end());
    }
    std::vector<std::string> a = joined, b = expected;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << parts << " slices";
  }
  // Early stop, and slices that do not exist.
  int seen = 0;
  EXPECT_TRUE(store->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);
  EXPECT_FALSE(store->ScanDecisionFacts(ScanSlice{2, 2}, [](const DecisionFacts&) { return true; }).ok());
  EXPECT_FALSE(store->ScanDecisionFacts(ScanSlice{0, 0}, [](const DecisionFacts&) { return true; }).ok());
}

// A fact profile first met in a batch that is rolled back is gone with it;
// the Store must not keep using its id.
TEST_F(SqliteStoreTest, FactProfilesOfARolledBackBatchAreNotReused) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1", "default@3", Action::kRemove, "violence"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM fact_profiles"), 0);
  ASSERT_TRUE(store->PutDecision(MakeDecision("p2", "default@3", Action::kRemove, "violence"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Begin().ok());  // and met again in a batch that commits
  ASSERT_TRUE(store->PutDecision(MakeDecision("p3", "default@3", Action::kRemove, "violence"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Commit().ok());
  std::vector<std::string> categories;
  ASSERT_TRUE(store
                  ->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts& f) {
                    categories.emplace_back(f.category);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(categories, (std::vector<std::string>{"violence", "violence"}));
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM fact_profiles"), 1);
}

// A store written before the facts table existed (schema v4) gets its
// facts on the first open by this build; rows deleted behind the Store's
// back take their facts with them.
TEST_F(SqliteStoreTest, FactsAreBackfilledByTheMigrationAndFollowDeletes) {
  auto before = sqlite_store::Migrations().subspan(0, 4);
  {
    auto r = sqlite_store::OpenSqliteStoreWithMigrations(path_, before);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Post p;
    p.id = "p1";
    p.account = "a1";
    p.ts = 1793500000;
    p.lang = "pt";
    p.topic = "health";
    p.region = "BR";
    ASSERT_TRUE((*r)->PutPost(p).ok());
    ASSERT_TRUE((*r)->PutDecision(MakeDecision("p1", "default@3", Action::kRemove), "scan", nullptr).ok());
    ASSERT_TRUE((*r)->PutDecision(MakeDecision("p2", "default@3", Action::kLabel), "scan", nullptr).ok());
  }
  EXPECT_EQ(RawInt(path_, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'decision_facts'"), 0);
  auto store = Open();
  ASSERT_TRUE(store);
  auto facts = [&] {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    ->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts& f) {
                      out.push_back(std::string(f.action) + "|" + std::to_string(f.received) + "|" +
                                    std::string(f.topic) + "|" + std::string(f.lang) + "|" + std::string(f.region));
                      return true;
                    })
                    .ok());
    return out;
  };
  const Decision d2 = MakeDecision("p2", "default@3", Action::kLabel);
  const std::string p2_row = "label|" + std::to_string(d2.ts) + "||" + d2.lang + "|" + d2.region;
  EXPECT_EQ(facts(), (std::vector<std::string>{"remove|1793500000|health|pt|BR", p2_row}));
  RawExec(path_, "DELETE FROM posts WHERE id = 'p1'");  // the decision's own lang and region again
  const Decision d1 = MakeDecision("p1", "default@3", Action::kRemove);
  EXPECT_EQ(facts(), (std::vector<std::string>{"remove|" + std::to_string(d1.ts) + "||" + d1.lang + "|" + d1.region,
                                               p2_row}));
  RawExec(path_, "DELETE FROM decisions WHERE item = 'p2'");
  EXPECT_EQ(facts().size(), 1u);
}

// ---- the audit chain on a real file

TEST_F(SqliteStoreTest, FindsReorderedEntries) {
  { FillFive(*Open()); }
  // Swap entries 2 and 3 by swapping their seq numbers.
  RawExec(path_,
          "BEGIN; UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; "
          "UPDATE audit SET seq = 3 WHERE seq = -2; COMMIT;");
  auto store = Open();
  AuditVerifyReport r = MustVerify(*store);
  ASSERT_FALSE(r.ok());
  ASSERT_GE(r.problems.size(), 2u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 2);
  EXPECT_EQ(r.problems[0].what, "entry 2: holds entry 3, moved here (entries reordered or renumbered)");
  EXPECT_EQ(r.problems[1].seq, 3);
  EXPECT_EQ(r.problems[1].what, "entry 3: holds entry 2, moved here (entries reordered or renumbered)");
}

}  // namespace
}  // namespace evenhand
