// PostgreSQL schema v3 (issue 18 point 1: "decisions ... partitioned by
// time so old months can be detached"): a v2 store migrates with its
// decisions, ids and uniqueness kept, each month in a partition of its own;
// a new month's partition is made when the clock reaches it; old months are
// detached (kept as tables) or dropped, audited, leaving the chain
// verifiable and their items still decided once; `evenhand retention
// partitions|detach` do the same from the command line and refuse an SQLite
// store and a bad month; eight writers racing into a new month all succeed
// (the month is made once). Schema v4: the audit chain in months too; a
// v3 store migrates with its chain intact and verifiable; an entry appended
// in a month no partition exists for yet (outside a batch, and inside one
// whose clock crossed a month end) gets its month. One PostgreSQL cluster
// for the binary (tests/pg_cluster.h), a database per test.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "model/time.h"
#include "pg_test.h"
#include "store/audit_tree.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_migrations.h"
#include "store/store.h"
#include "store_test_util.h"

namespace evenhand {
namespace {

using store_test::MakeDecision;

int64_t At(const char* rfc3339) { return *ParseTimestamp(rfc3339); }

Post MakePost(const std::string& id) {
  Post p;
  p.id = id;
  p.account = "a1";
  p.ts = 1793527200;
  p.lang = "ur";
  p.text = "text of " + id;
  return p;
}

class PgPartitions : public testing::PgDatabaseTest {
 protected:
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(url_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // The audit's partitions, "name:rows" in order.
  std::string AuditMonths() {
    const std::string names = Query(
        "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = "
        "i.inhrelid WHERE i.inhparent = 'audit'::regclass");
    std::string out;
    for (size_t at = 0; at < names.size();) {
      size_t comma = names.find(',', at);
      if (comma == std::string::npos) comma = names.size();
      const std::string name = names.substr(at, comma - at);
      out += (out.empty() ? "" : ",") + name + ":" + Query("SELECT count(*) FROM " + name);
      at = comma + 1;
    }
    return out;
  }
  std::vector<std::string> Months(Store& store) {
    std::vector<std::string> out;
    auto parts = store.DecisionPartitions();
    EXPECT_TRUE(parts.ok()) << parts.status().ToString();
    if (parts.ok())
      for (const StorePartition& p : *parts) out.push_back(p.name + ":" + std::to_string(p.rows));
    return out;
  }
};

TEST_F(PgPartitions, AVersion2StoreMigratesWithItsDecisionsInMonths) {
  {  // A store at schema v2 with decisions stored in three months.
    auto conn = pg_store::PgConn::Connect(url_);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    int version = 0;
    ASSERT_TRUE(pg_store::Migrate(**conn, pg_store::Migrations().first(2), OpenMode::kCreate, &version).ok());
    ASSERT_EQ(version, 2);
  }
  const std::string columns =
      "INSERT INTO decisions (item, version, policy, account, action, scope, category, rule, reason, review, lang, "
      "region, ts, signals, stored_at) VALUES ";
  auto row = [](const char* item, int64_t stored_at) {
    return std::string("('") + item + "', 0, 'p@1', 'a1', 'remove', '[]', 'spam', 'r', 'x', false, 'en', 'PK', 0, '[]', " +
           std::to_string(stored_at) + ")";
  };
  Query(columns + row("a", At("2026-10-05T00:00:00Z")) + "," + row("b", At("2026-11-10T00:00:00Z")) + "," +
        row("c", At("2026-11-30T23:59:59Z")) + "," + row("d", At("2026-12-01T00:00:00Z")));
  const std::string before = Query("SELECT string_agg(id || ':' || item, ',' ORDER BY id) FROM decisions");
  ASSERT_EQ(before, "1:a,2:b,3:c,4:d");

  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), pg_store::CurrentSchemaVersion());
  EXPECT_EQ(Query("SELECT string_agg(id || ':' || item, ',' ORDER BY id) FROM decisions"), before);
  EXPECT_EQ(Months(*store),
            (std::vector<std::string>{"decisions_2026_10:1", "decisions_2026_11:2", "decisions_2026_12:1"}));
  EXPECT_EQ(Query("SELECT count(*) FROM decision_keys"), "4");
  EXPECT_EQ(Query("SELECT to_regclass('decisions_v2') IS NULL"), "t");

  // One decision per (item, version, policy) still holds across months:
  // "a" (October) is not stored again in January; "e" is, in a new month.
  store->SetClock([] { return At("2027-01-15T00:00:00Z"); });
  bool inserted = true;
  ASSERT_TRUE(store->PutDecision(MakeDecision("a", "p@1"), "scan", &inserted).ok());
  EXPECT_FALSE(inserted);
  ASSERT_TRUE(store->PutDecision(MakeDecision("e", "p@1"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
  EXPECT_EQ(Query("SELECT id FROM decisions WHERE item = 'e'"), "5");
  EXPECT_EQ(Months(*store).back(), "decisions_2027_01:1");
  EXPECT_EQ(store->CountDecisions("")->total, 5);
}

TEST_F(PgPartitions, OldMonthsAreDetachedOrDroppedAuditedAndStillDecidedOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  int64_t now = At("2026-10-20T00:00:00Z");
  store->SetClock([&now] { return now; });
  // October: three posts in one bulk batch (COPY); November: two; December: one.
  std::vector<Post> posts = {MakePost("o1"), MakePost("o2"), MakePost("o3")};
  std::vector<Decision> decisions = {MakeDecision("o1"), MakeDecision("o2"), MakeDecision("o3")};
  int64_t n = 0;
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutPostsAndDecisions(posts, decisions, "worker", &n).ok());
  ASSERT_TRUE(store->Commit().ok());
  ASSERT_EQ(n, 3);
  now = At("2026-11-30T23:00:00Z");  // a batch begun within a day of the month's end makes the next month too
  ASSERT_TRUE(store->Begin().ok());
  EXPECT_EQ(Months(*store).back(), "decisions_2026_12:0");
  ASSERT_TRUE(store->PutDecision(MakeDecision("n1"), "scan", nullptr).ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("n2"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Commit().ok());
  now = At("2026-12-02T00:00:00Z");
  ASSERT_TRUE(store->PutDecision(MakeDecision("d1"), "scan", nullptr).ok());
  EXPECT_EQ(Months(*store),
            (std::vector<std::string>{"decisions_2026_10:3", "decisions_2026_11:2", "decisions_2026_12:1"}));

  // October detached, its table kept.
  std::vector<StorePartition> gone;
  ASSERT_TRUE(store->DetachDecisionPartitions(At("2026-11-01T00:00:00Z"), false, "admin via cli", &gone).ok());
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].name, "decisions_2026_10");
  EXPECT_EQ(gone[0].rows, 3);
  EXPECT_EQ(Months(*store), (std::vector<std::string>{"decisions_2026_11:2", "decisions_2026_12:1"}));
  EXPECT_EQ(store->CountDecisions("")->total, 3);
  EXPECT_EQ(Query("SELECT count(*) FROM decisions_2026_10"), "3");  // the archive
  EXPECT_EQ(Query("SELECT payload FROM audit WHERE action = 'decisions.detach'"),
            R"({"from":"2026-10-01T00:00:00Z","to":"2026-11-01T00:00:00Z","rows":3,"dropped":false})");
  // The October posts delivered again: nothing is decided twice.
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutPostsAndDecisions(posts, decisions, "worker", &n).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(n, 0);
  EXPECT_EQ(store->CountDecisions("")->total, 3);

  // Everything before 2027 dropped (December too: it is made again when written to).
  ASSERT_TRUE(store->DetachDecisionPartitions(At("2027-01-01T00:00:00Z"), true, "admin via cli", &gone).ok());
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(Query("SELECT to_regclass('decisions_2026_11') IS NULL"), "t");
  EXPECT_TRUE(Months(*store).empty());
  bool inserted = false;
  ASSERT_TRUE(store->PutDecision(MakeDecision("d2"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
  EXPECT_EQ(Months(*store), (std::vector<std::string>{"decisions_2026_12:1"}));
  EXPECT_EQ(Query("SELECT count(*) FROM audit WHERE action = 'decisions.detach'"), "3");
  AuditVerifyReport r = store_test::MustVerify(*store);
  EXPECT_TRUE(r.ok()) << store_test::Describe(r);
}

TEST_F(PgPartitions, WritersRacingIntoANewMonthAllSucceed) {
  { ASSERT_TRUE(Open()); }  // the schema
  constexpr int kWriters = 8, kMonths = 6;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWriters; ++w) stores.push_back(Open());
  for (int month = 0; month < kMonths; ++month) {
    // Every writer's clock in a month no partition exists for yet, started at once.
    const int64_t t = At("2030-01-15T00:00:00Z") + month * 31 * 86400;
    std::atomic<int> ready{0};
    std::vector<std::string> errors(kWriters);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        Store& s = *stores[w];
        s.SetClock([t] { return t; });
        ready.fetch_add(1);
        while (ready.load() < kWriters) std::this_thread::yield();
        Status st = s.Begin();  // makes the month ahead, racing the others
        if (st.ok()) st = s.PutDecision(MakeDecision("m" + std::to_string(month) + "w" + std::to_string(w)), "scan", nullptr);
        if (st.ok()) st = s.Commit();
        if (!st.ok()) errors[w] = st.ToString();
      });
    }
    for (auto& th : threads) th.join();
    for (int w = 0; w < kWriters; ++w) EXPECT_EQ(errors[w], "") << "month " << month << ", writer " << w;
  }
  EXPECT_EQ(Query("SELECT count(*) FROM decisions"), std::to_string(kWriters * kMonths));
  EXPECT_EQ(Months(*stores[0]).size(), static_cast<size_t>(kMonths));
}

TEST_F(PgPartitions, AVersion3StoreMigratesWithItsAuditChainInMonths) {
  // A chain of entries in three months, with its tree, written by this
  // build; then the audit table put back as schema v3 had it (one table).
  int64_t now = At("2026-10-31T23:59:59Z");
  {
    auto store = Open();
    ASSERT_TRUE(store);
    store->SetClock([&now] { return now; });
    ASSERT_TRUE(store->AppendAudit("admin", "note", "s1", "{}").ok());
    now = At("2026-11-01T00:00:00Z");
    ASSERT_TRUE(store->PutDecision(MakeDecision("x1"), "scan", nullptr).ok());
    ASSERT_TRUE(store->AppendAudit("admin", "note", "s2", "{}").ok());
    now = At("2026-12-24T12:00:00Z");
    ASSERT_TRUE(store->AppendAudit("admin", "note", "s3", "{}").ok());
    ASSERT_TRUE(store_test::MustVerify(*store).ok());
  }
  EXPECT_EQ(AuditMonths(), "audit_2026_10:1,audit_2026_11:2,audit_2026_12:1");
  const std::string rows = "SELECT string_agg(seq || ':' || ts || ':' || action || ':' || subject || ':' || hash, ',' "
                           "ORDER BY seq) FROM audit";
  const std::string before = Query(rows);
  Query("CREATE TABLE audit_flat (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT "
        "NULL, subject TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL); "
        "INSERT INTO audit_flat SELECT * FROM audit; DROP TABLE audit; ALTER TABLE audit_flat RENAME TO audit; "
        "ALTER TABLE audit RENAME CONSTRAINT audit_flat_pkey TO audit_pkey; "
        "CREATE INDEX audit_by_subject ON audit (subject, seq); DROP FUNCTION evenhand_audit_partition(BIGINT); "
        // v3's decision function is put back as a stub: the migration must replace it.
        "CREATE OR REPLACE FUNCTION evenhand_decision_partition(t BIGINT) RETURNS TEXT LANGUAGE sql AS "
        "$$ SELECT 'unused' $$; DROP FUNCTION evenhand_month_partition(TEXT, BIGINT); "
        "DELETE FROM evenhand_schema WHERE version = 4; SELECT 1");
  ASSERT_EQ(Query("SELECT max(version) FROM evenhand_schema"), "3");
  ASSERT_EQ(Query("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit'::regclass"), "0");

  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), 4);
  EXPECT_EQ(Query(rows), before);
  EXPECT_EQ(AuditMonths(), "audit_2026_10:1,audit_2026_11:2,audit_2026_12:1");
  EXPECT_EQ(Query("SELECT to_regclass('audit_v3') IS NULL"), "t");
  AuditVerifyReport r = store_test::MustVerify(*store);
  EXPECT_TRUE(r.ok()) << store_test::Describe(r);
  auto tree = VerifyAuditTree(*store);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_TRUE(tree->ok()) << (tree->problems.empty() ? "" : tree->problems.front());
  EXPECT_EQ(tree->entries, 4u);
  // The chain goes on, decisions' months are made by the new function.
  now = At("2027-02-03T00:00:00Z");
  store->SetClock([&now] { return now; });
  ASSERT_TRUE(store->PutDecision(MakeDecision("x2"), "scan", nullptr).ok());
  EXPECT_EQ(Months(*store).back(), "decisions_2027_02:1");
  EXPECT_EQ(AuditMonths(), "audit_2026_10:1,audit_2026_11:2,audit_2026_12:1,audit_2027_02:1");
  r = store_test::MustVerify(*store);
  EXPECT_TRUE(r.ok()) << store_test::Describe(r);
  EXPECT_EQ(r.entries, 5);
}

TEST_F(PgPartitions, AnAuditEntryInAMonthNotMadeYetGetsItsMonth) {
  auto store = Open();
  ASSERT_TRUE(store);
  int64_t now = At("2026-11-30T22:00:00Z");
  store->SetClock([&now] { return now; });
  ASSERT_TRUE(store->AppendAudit("admin", "note", "a", "{}").ok());  // outside a batch: November and December made
  EXPECT_EQ(AuditMonths(), "audit_2026_11:1,audit_2026_12:0");
  // A batch begun in November whose clock is in January when it commits.
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->AppendAudit("admin", "note", "b", "{}").ok());
  now = At("2027-01-01T00:00:00Z");
  ASSERT_TRUE(store->AppendAudit("admin", "note", "c", "{}").ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(AuditMonths(), "audit_2026_11:2,audit_2026_12:0,audit_2027_01:1");
  // Rolled back, a month made inside a batch goes with it.
  now = At("2027-03-10T00:00:00Z");
  ASSERT_TRUE(store->Begin().ok());  // outside the months remembered: March made here, outside the batch
  now = At("2027-05-10T00:00:00Z");
  ASSERT_TRUE(store->PutDecision(MakeDecision("d"), "scan", nullptr).ok());  // May made inside the batch
  EXPECT_EQ(Query("SELECT count(*) FROM pg_class WHERE relname = 'audit_2027_05'"), "0");  // not committed yet
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ(Query("SELECT to_regclass('audit_2027_05') IS NULL AND to_regclass('decisions_2027_05') IS NULL"), "t");
  EXPECT_EQ(Query("SELECT to_regclass('audit_2027_03') IS NOT NULL"), "t");
  AuditVerifyReport r = store_test::MustVerify(*store);
  EXPECT_TRUE(r.ok()) << store_test::Describe(r);
  EXPECT_EQ(r.entries, 3);
  // seq is unique by the chain's lock, not by the table's key (seq, ts): an
  // entry 2 stored twice behind the Store's back is read and found.
  Query("INSERT INTO audit SELECT seq, ts + 1, actor, action, subject, payload, prev_hash, hash FROM audit WHERE seq = 2");
  r = store_test::MustVerify(*store);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.entries, 4);
}

TEST_F(PgPartitions, TheCommandLineListsAndDetachesAndRefusesWhatItCannotDo) {
  ASSERT_TRUE(e2e::Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o - --db " + url_).exit_code == 0);
  e2e::Outcome list = e2e::Exec("retention partitions --db " + url_, false);
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find("\"rows\":2000"), std::string::npos) << list.out;
  // Nothing before 2000-01: nothing detached.
  ASSERT_TRUE(e2e::RegisterPeople(url_, {}));
  e2e::Outcome none = e2e::Exec("retention detach --db " + url_ + " --before 2000-01 --actor admin");
  EXPECT_EQ(none.exit_code, 0) << none.out;
  EXPECT_NE(none.out.find("0 month(s) detached"), std::string::npos) << none.out;
  e2e::Outcome bad = e2e::Exec("retention detach --db " + url_ + " --before 2026-1 --actor admin");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("--before: \"2026-1\" is not a month such as 2026-01"), std::string::npos) << bad.out;
  e2e::Outcome nobody = e2e::Exec("retention detach --db " + url_ + " --before 2099-01 --actor nobody");
  EXPECT_EQ(nobody.exit_code, 1) << nobody.out;
  EXPECT_EQ(Query("SELECT count(*) FROM decisions"), "2000");  // refused: nothing changed
  // Everything up to 2099: this month detached, by the person named.
  e2e::Outcome all = e2e::Exec("retention detach --db " + url_ + " --before 2099-01 --actor admin", false);
  ASSERT_EQ(all.exit_code, 0) << all.out;
  EXPECT_NE(all.out.find("\"rows\":2000,\"dropped\":false"), std::string::npos) << all.out;
  EXPECT_EQ(Query("SELECT count(*) FROM decisions"), "0");
  EXPECT_EQ(Query("SELECT actor FROM audit WHERE action = 'decisions.detach'"), "admin via cli");
  EXPECT_EQ(e2e::Exec("audit verify --db " + url_).exit_code, 0);

  const std::string sqlite = (std::filesystem::temp_directory_path() / ("evenhand-part-" + db_ + ".db")).string();
  ASSERT_EQ(e2e::Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o - --db " + sqlite).exit_code, 0);
  e2e::Outcome lite = e2e::Exec("retention partitions --db " + sqlite);
  EXPECT_EQ(lite.exit_code, 1);
  EXPECT_NE(lite.out.find("only PostgreSQL stores are partitioned"), std::string::npos) << lite.out;
  std::filesystem::remove(sqlite);
}

}  // namespace
}  // namespace evenhand
