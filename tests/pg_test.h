// Test fixture base for tests on PostgreSQL: each test gets a new database
// of the binary's one throwaway cluster (pg_cluster.h).
//
//   class MyTest : public testing::PgDatabaseTest {
//     void SetUp() override {
//       PgDatabaseTest::SetUp();
//       if (IsSkipped() || HasFatalFailure()) return;
//       ...  // url_ ("postgres://..."), db_ (its name)
//     }
//   };
//
// Skips when PostgreSQL is not installed (unless EVENHAND_REQUIRE_POSTGRES,
// as in CI); fails when the cluster or the database cannot be made.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "pg_cluster.h"

namespace evenhand::testing {

class PgDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PgCluster& pg = SharedPgCluster();
    if (pg.missing()) GTEST_SKIP() << pg.error();
    ASSERT_TRUE(pg.ready()) << pg.error();
    url_ = pg.NewDatabase();
    ASSERT_FALSE(url_.empty()) << pg.error();
    db_ = url_.substr(url_.rfind('/') + 1);
  }
  // The first column of `sql`'s first row on this test's database.
  std::string Query(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(SharedPgCluster().Query(db_, sql, &out)) << SharedPgCluster().error();
    return out;
  }
  std::string url_, db_;
};

}  // namespace evenhand::testing
