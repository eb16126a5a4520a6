// End to end on PostgreSQL (issue 18): `evenhand scan examples/posts.jsonl
// --policy examples/policy.yaml --db postgres://...` against a throwaway
// cluster (tests/pg_cluster.h) stores the decisions it prints, exactly as
// into SQLite; `evenhand audit verify` passes on the result; a second scan
// adds nothing; a store command this backend lacks fails and says so.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include "e2e_util.h"
#include "pg_cluster.h"

namespace evenhand {
namespace {

using e2e::Exec;

constexpr const char* kScan = "scan examples/posts.jsonl --policy examples/policy.yaml --now 2026-11-30T00:00:00Z";

class PostgresScan : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PgCluster& pg = testing::SharedPgCluster();
    if (pg.missing()) GTEST_SKIP() << pg.error();
    ASSERT_TRUE(pg.ready()) << pg.error();
    url_ = pg.NewDatabase();
    ASSERT_FALSE(url_.empty()) << pg.error();
    db_ = url_.substr(url_.rfind('/') + 1);
  }
  std::string Query(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(testing::SharedPgCluster().Query(db_, sql, &out)) << testing::SharedPgCluster().error();
    return out;
  }
  std::string url_, db_;
};

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

TEST_F(PostgresScan, CommandsThisBackendLacksSaySo) {
  e2e::Outcome report = Exec(std::string(kScan) + " --db " + url_ + " --quiet -o /dev/null");
  ASSERT_EQ(report.exit_code, 0) << report.out;
  e2e::Outcome people = Exec("people list --db " + url_);
  EXPECT_NE(people.exit_code, 0);
  EXPECT_NE(people.out.find("does not implement Store::ListPeople"), std::string::npos) << people.out;
}

TEST_F(PostgresScan, AMissingStoreIsNotCreatedByReaders) {
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_NE(verify.exit_code, 0);
  EXPECT_NE(verify.out.find("holds no evenhand store yet"), std::string::npos) << verify.out;
  EXPECT_EQ(Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
}

}  // namespace
}  // namespace evenhand
