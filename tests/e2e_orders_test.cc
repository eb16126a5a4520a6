// End to end: the `evenhand authority|order|appeal|visible` verbs on the
// examples (examples/cases/orders.jsonl), the way examples/cases/walkthrough.sh
// and the README use them. Expected outcomes are written here by hand from
// the order file and the regime files, not taken from the program.
#include <gtest/gtest.h>

#include "e2e_util.h"
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::RegisterPeople;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;

class OrdersEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_orders_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() +
                   " --db " + db_).exit_code,
              0);
    ASSERT_TRUE(RegisterPeople(db_, {"intake", "mod", "mod-bilal", "user-a187"}));
    ASSERT_EQ(Exec("authority add --db " + db_ +
                   " --id pta --name PTA --jurisdiction PK --kind regulator --actor admin").exit_code, 0);
    ASSERT_EQ(Exec("authority add --db " + db_ +
                   " --id tjsp --name TJSP --jurisdiction BR --kind court --actor admin").exit_code, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string db_;
};

TEST_F(OrdersEndToEnd, ExampleOrdersAreAcceptedOrRejectedWithReasons) {
  Outcome r = Exec("order submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z examples/cases/orders.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto orders = JsonLines(r.out);
  ASSERT_EQ(orders.size(), 8u) << r.out;
  // (state, deadline or "", reason fragment, duplicate) per line of orders.jsonl.
  struct Want {
    const char* state;
    const char* deadline;
    const char* reason;
    bool duplicate;
  };
  const Want want[] = {
      {"accepted", "2026-11-22T09:00:00Z", "", false},   // PECA s.37: 48 h
      {"accepted", "2026-11-20T22:30:00Z", "", false},   // emergency: 12 h
      {"rejected", "", "no legal basis", false},
      {"rejected", "", "\"fia-cyber\" is not registered", false},
      {"rejected", "", "\"copyright_infringement\" is not covered by the regimes of PK", false},
      {"rejected", "", "unknown targets: item \"p9999\"", false},
      {"accepted", "", "", false},                       // Marco Civil: no hour figure
      {"accepted", "2026-11-22T09:00:00Z", "", true},    // repeat of line 1
  };
  for (size_t i = 0; i < orders.size(); ++i) {
    const auto& o = orders[i];
    SCOPED_TRACE("order line " + std::to_string(i + 1));
    EXPECT_EQ(o["state"], want[i].state);
    EXPECT_EQ(o["deadline"].is_null() ? "" : o["deadline"].get<std::string>(), want[i].deadline);
    EXPECT_NE(o["reason"].get<std::string>().find(want[i].reason), std::string::npos) << o["reason"];
    EXPECT_EQ(o["duplicate"], want[i].duplicate);
  }
  EXPECT_EQ(orders[7]["id"], orders[0]["id"]);

  // Only the overdue emergency order is due within 6 h.
  auto due = JsonLines(Exec("order list --db " + db_ + " --now 2026-11-21T12:00:00Z --due-within 6h").out);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["reference"], "PTA/CVS/2026/0418");
  EXPECT_LT(due[0]["seconds_left"].get<int64_t>(), 0);

  // Act: withheld in PK only.
  const std::string id = orders[0]["id"];
  const std::string at = " --db " + db_ + " --actor mod --now 2026-11-21T12:05:00Z ";
  EXPECT_EQ(Exec("order act" + at + id + " --event act --outcome withheld").exit_code, 1)  // not in review yet
      << "acting before review must be refused";
  ASSERT_EQ(Exec("order act" + at + id + " --event review").exit_code, 0);
  ASSERT_EQ(Exec("order act" + at + id + " --event act --outcome withheld").exit_code, 0);
  auto pk = nlohmann::json::parse(Exec("visible --json --db " + db_ + " p0005 --from PK").out);
  auto br = nlohmann::json::parse(Exec("visible --json --db " + db_ + " p0005 --from BR").out);
  EXPECT_EQ(pk["visible"], false);
  EXPECT_EQ(br["visible"], true);
  EXPECT_EQ(br["restricted_elsewhere"].size(), 1u);

  // A counter-notice, reversed on appeal: visible again in PK.
  ASSERT_EQ(Exec("appeal file" + at + "--order " + id + " --text 'not unlawful'").exit_code, 0);
  auto reopened = nlohmann::json::parse(Exec("visible --json --db " + db_ + " p0005 --from PK").out);
  EXPECT_EQ(reopened["visible"], false) << "the action stands while the appeal is pending";
  ASSERT_EQ(Exec("appeal decide" + at + "--order " + id + " --outcome reversed --reason 'greeting only'").exit_code, 0);
  auto reinstated = nlohmann::json::parse(Exec("visible --json --db " + db_ + " p0005 --from PK").out);
  EXPECT_EQ(reinstated["visible"], true);

  // The account-level emergency order withholds every post of a030 in PK.
  const std::string acct = orders[1]["id"];
  ASSERT_EQ(Exec("order act" + at + acct + " --event review").exit_code, 0);
  ASSERT_EQ(Exec("order act" + at + acct + " --event act --outcome withheld").exit_code, 0);
  auto p13 = nlohmann::json::parse(Exec("visible --json --db " + db_ + " p0013 --from PK").out);  // by a030
  EXPECT_EQ(p13["visible"], false);

  Outcome verify = Exec("audit verify --db " + db_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST_F(OrdersEndToEnd, MalformedLineStoresNothing) {
  const std::string file = (dir_ / "bad.jsonl").string();
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(
      "{\"authority\":\"pta\",\"jurisdiction\":\"PK\",\"legal_basis\":{\"instrument\":\"PECA 2016\",\"provision\":"
      "\"s.37\"},\"category\":\"unlawful_content_s37\",\"targets\":[{\"item\":\"p0005\"}],\"reference\":\"A\"}\n"
      "{\"authority\":\"pta\",\"jurisdiction\":\"PK\",\"targets\":[{\"item\":\"p0005\"}],\"reference\":\"B\"}\n",
      f);
  std::fclose(f);
  Outcome r = Exec("order submit --db " + db_ + " --actor intake " + file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(file + ":2: category: missing"), std::string::npos) << r.out;
  EXPECT_TRUE(JsonLines(Exec("order list --db " + db_).out).empty());
}

}  // namespace
