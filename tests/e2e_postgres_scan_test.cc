// End to end on PostgreSQL (issue 18): `evenhand scan examples/posts.jsonl
// --policy examples/policy.yaml --db postgres://...` against a throwaway
// cluster (tests/pg_cluster.h) stores the decisions it prints, exactly as
// into SQLite; `evenhand audit verify` passes on the result; a second scan
// adds nothing; the case desks, people and reports answer as on SQLite.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "e2e_util.h"
#include "pg_test.h"

namespace evenhand {
namespace {

using e2e::Exec;

constexpr const char* kScan = "scan examples/posts.jsonl --policy examples/policy.yaml --now 2026-11-30T00:00:00Z";

class PostgresScan : public testing::PgDatabaseTest {};

TEST_F(PostgresScan, StoresEveryDecisionItPrintsAndTheAuditVerifies) {
  e2e::Outcome scan = Exec(std::string(kScan) + " --db " + url_ + " --quiet", /*merge_stderr=*/false);
  ASSERT_EQ(scan.exit_code, 0) << Exec(std::string(kScan) + " --db " + url_ + " --quiet").out;
  auto printed = e2e::JsonLines(scan.out);
  ASSERT_GT(printed.size(), 1000u);
  std::map<std::string, int> by_action;
  for (const auto& d : printed) {
    ASSERT_TRUE(d.is_object());
    ++by_action[d.value("action", "")];
  }
  EXPECT_EQ(std::stoll(Query("SELECT count(*) FROM decisions")), static_cast<long long>(printed.size()));
  EXPECT_EQ(std::stoll(Query("SELECT count(*) FROM decisions WHERE action = 'remove'")), by_action["remove"]);
  EXPECT_EQ(std::stoll(Query("SELECT count(*) FROM posts")), static_cast<long long>(printed.size()));
  EXPECT_GT(std::stoll(Query("SELECT count(*) FROM accounts")), 0);
  EXPECT_EQ(std::stoll(Query("SELECT count(*) FROM audit WHERE action = 'decision'")),
            static_cast<long long>(printed.size()));
  // Every decision names the version of its post it was about.
  EXPECT_EQ(Query("SELECT count(*) FROM decisions WHERE version <> 1"), "0");

  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("audit chain ok: " + std::to_string(printed.size()) + " entries"), std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find("audit tree ok: " + std::to_string(printed.size()) + " entries"), std::string::npos)
      << verify.out;

  // A signed checkpoint of the tree, and an inclusion proof against it.
  const std::string key = "/tmp/evenhand-pg-e2e-" + std::to_string(getpid()) + ".key";
  ASSERT_EQ(Exec("audit keygen --out " + key).exit_code, 0);
  e2e::Outcome cp = Exec("audit checkpoint --db " + url_ + " --key " + key);
  std::remove(key.c_str());
  std::remove((key + ".pub").c_str());
  ASSERT_EQ(cp.exit_code, 0) << cp.out;
  e2e::Outcome proof = Exec("audit proof --db " + url_ + " --entry 5", /*merge_stderr=*/false);
  ASSERT_EQ(proof.exit_code, 0) << Exec("audit proof --db " + url_ + " --entry 5").out;
  auto answer = nlohmann::json::parse(proof.out, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << proof.out;
  verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("1 checkpoint(s) match"), std::string::npos) << verify.out;

  // The same scan again stores nothing new.
  e2e::Outcome again = Exec(std::string(kScan) + " --db " + url_ + " -o /dev/null");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("stored 0 new decisions"), std::string::npos) << again.out;
  EXPECT_EQ(std::stoll(Query("SELECT count(*) FROM decisions")), static_cast<long long>(printed.size()));

  // An edit behind the store's back is found.
  Query("UPDATE audit SET actor = 'someone-else' WHERE seq = 7");
  e2e::Outcome broken = Exec("audit verify --db " + url_);
  EXPECT_EQ(broken.exit_code, 1) << broken.out;
  EXPECT_NE(broken.out.find("entry 7: contents do not match its hash (edited)"), std::string::npos) << broken.out;
}

// The case desks and the reports on PostgreSQL: the same commands on an
// SQLite store and on a PostgreSQL one give the same answers.
TEST_F(PostgresScan, CasesPeopleAndReportsAnswerAsOnSqlite) {
  const std::string dir = "/tmp/evenhand-pg-e2e-" + std::to_string(getpid());
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  struct Run {
    std::string orders, listed, people, sla, times, consistency;
  };
  auto run = [&](const std::string& db) {
    Run out;
    auto ok = [&](const std::string& args, bool merge = true) {
      e2e::Outcome r = Exec(args, merge);
      EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.out;
      return r.out;
    };
    ok(std::string(kScan) + " --db " + db + " --quiet -o /dev/null");
    // Every time is given (--now): the two runs must not differ by the clock.
    const std::string at = " --now 2026-11-21T00:00:00Z";
    ok("people add --db " + db + " --id admin --role admin --actor admin" + at);
    for (const char* id : {"intake", "mod"})
      ok("people add --db " + db + " --id " + id + " --role moderator --actor admin" + at);
    ok("authority add --db " + db + " --id pta --name PTA --jurisdiction PK --kind regulator --actor admin");
    ok("authority add --db " + db + " --id tjsp --name TJSP --jurisdiction BR --kind court --actor admin");
    out.orders = ok("order submit --db " + db + " --actor intake --now 2026-11-21T12:00:00Z examples/cases/orders.jsonl",
                    false);
    std::string id;
    for (const auto& o : e2e::JsonLines(ok("order list --db " + db + " --now 2026-11-21T12:00:00Z --state accepted", false)))
      if (o.value("reference", "") == "PTA/CVS/2026/0417") id = o.value("id", "");
    EXPECT_FALSE(id.empty());
    ok("order act --db " + db + " --now 2026-11-23T14:00:00Z --actor mod " + id + " --event review");
    ok("order act --db " + db + " --now 2026-11-23T15:00:00Z --actor mod " + id + " --event act --outcome withheld");
    out.listed = ok("order list --db " + db + " --now 2026-11-24T00:00:00Z", false);
    out.people = ok("people list --db " + db, false);
    out.sla = ok("report sla --json --db " + db + " --now 2026-12-01T00:00:00Z", false);
    out.times = ok("report times --json --by category --db " + db + " --now 2026-12-01T00:00:00Z", false);
    out.consistency = ok("audit consistency --json --by region --db " + db + " --now 2026-12-01T00:00:00Z", false);
    e2e::Outcome verify = Exec("audit verify --db " + db);
    EXPECT_EQ(verify.exit_code, 0) << verify.out;
    return out;
  };
  const Run sqlite = run(dir + "/db.sqlite");
  const Run pg = run(url_);
  std::system(("rm -rf " + dir).c_str());
  EXPECT_EQ(pg.orders, sqlite.orders);  // case ids are derived from (authority, reference)
  EXPECT_EQ(e2e::JsonLines(pg.orders).size(), 8u);
  EXPECT_EQ(pg.listed, sqlite.listed);
  EXPECT_EQ(pg.people, sqlite.people);
  EXPECT_EQ(pg.sla, sqlite.sla);
  EXPECT_EQ(pg.times, sqlite.times);
  EXPECT_EQ(pg.consistency, sqlite.consistency);
  EXPECT_NE(pg.sla.find(R"("late_median_hours":30.0)"), std::string::npos) << pg.sla;  // the order acted on late
  EXPECT_EQ(Query("SELECT count(*) FROM cases WHERE kind = 'order'"), "7");
}

TEST_F(PostgresScan, AMissingStoreIsNotCreatedByReaders) {
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_NE(verify.exit_code, 0);
  EXPECT_NE(verify.out.find("holds no evenhand store yet"), std::string::npos) << verify.out;
  EXPECT_EQ(Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
}

}  // namespace
}  // namespace evenhand
