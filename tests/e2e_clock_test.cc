// One clock (issue 14 point 7): every time a person sees about a case comes
// from the clock the record uses (--now on the CLI), as RFC 3339, and no
// history payload holds raw unix seconds. Runs the `evenhand` binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;
using evenhand::e2e::RegisterPeople;
using nlohmann::json;

// Every integer in `j` at any depth that is large enough to be unix seconds
// (after 2001), with its path.
void FindEpochs(const json& j, const std::string& path, std::vector<std::string>* found) {
  if (j.is_number_integer() && j.get<int64_t>() >= 1'000'000'000) found->push_back(path + "=" + j.dump());
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) FindEpochs(it.value(), path + "." + it.key(), found);
  if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i) FindEpochs(j[i], path + "[" + std::to_string(i) + "]", found);
}

class OneClock : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_clock_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q --db " + db_).exit_code, 0);
    ASSERT_TRUE(RegisterPeople(db_, {"intake", "mod"}));
    ASSERT_EQ(Exec("authority add --db " + db_ + " --id pta --name PTA --jurisdiction PK --kind regulator --actor admin")
                  .exit_code,
              0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string db_;
};

TEST_F(OneClock, OrderHistoryAndOrderTellTheSameTime) {
  Outcome r = Exec("order submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z examples/cases/orders.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto orders = JsonLines(r.out);
  ASSERT_FALSE(orders.empty());
  const std::string id = orders[0]["id"];
  ASSERT_EQ(orders[0]["state"], "accepted") << orders[0].dump();
  const std::string common = " --db " + db_ + " --actor mod ";
  ASSERT_EQ(Exec("order act" + common + "--now 2026-11-21T13:00:00Z " + id + " --event review").exit_code, 0);
  ASSERT_EQ(Exec("order act" + common + "--now 2026-11-21T14:30:00Z " + id + " --event act --outcome withheld")
                .exit_code,
            0);
  ASSERT_EQ(Exec("order close" + common + "--now 2026-11-22T09:15:00Z " + id).exit_code, 0);

  Outcome shown = Exec("order show --db " + db_ + " " + id, false);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  json o = json::parse(shown.out, nullptr, false);
  ASSERT_TRUE(o.is_object()) << shown.out;
  EXPECT_EQ(o["actioned_at"], "2026-11-21T14:30:00Z");
  EXPECT_EQ(o["closed_at"], "2026-11-22T09:15:00Z");

  // One history row per step, each at the time the step was recorded with.
  std::map<std::string, std::string> at;  // action -> ts
  for (const json& h : o["history"]) at[h["action"].get<std::string>()] = h["ts"].get<std::string>();
  EXPECT_EQ(at["order.submit"], "2026-11-21T12:00:00Z");
  EXPECT_EQ(at["order.review"], "2026-11-21T13:00:00Z");
  EXPECT_EQ(at["order.act"], o["actioned_at"]);
  EXPECT_EQ(at["order.close"], o["closed_at"]);

  // The submit row's deadline is the order's, as text.
  for (const json& h : o["history"])
    if (h["action"] == "order.submit") {
      EXPECT_EQ(h["payload"]["deadline"], o["deadline"]);
      EXPECT_EQ(h["payload"]["regime_deadline"], o["regime_deadline"]);
      EXPECT_TRUE(h["payload"]["authority_deadline"].is_null()) << h.dump();
    }
  std::vector<std::string> epochs;
  FindEpochs(o, "order", &epochs);
  EXPECT_TRUE(epochs.empty()) << ::testing::PrintToString(epochs);

  // The rows are in time order, as they happened.
  std::string last;
  for (const json& h : o["history"]) {
    EXPECT_LE(last, h["ts"].get<std::string>()) << h.dump();
    last = h["ts"].get<std::string>();
  }
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

TEST_F(OneClock, NoticeAndDataRequestHistoriesUseTheRecordClock) {
  Outcome n = Exec("notice submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z --trusted-flaggers "
                   "examples/cases/trusted_flaggers.txt examples/cases/notices.jsonl");
  ASSERT_EQ(n.exit_code, 0) << n.out;
  auto notices = JsonLines(n.out);
  ASSERT_FALSE(notices.empty());
  const std::string nid = notices[0]["id"];
  Outcome shown = Exec("notice show --db " + db_ + " " + nid, false);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  json j = json::parse(shown.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << shown.out;
  ASSERT_FALSE(j["history"].empty());
  for (const json& h : j["history"]) EXPECT_EQ(h["ts"], "2026-11-21T12:00:00Z") << h.dump();
  std::vector<std::string> epochs;
  FindEpochs(j, "notice", &epochs);
  EXPECT_TRUE(epochs.empty()) << ::testing::PrintToString(epochs);

  ASSERT_EQ(Exec("authority add --db " + db_ + " --id fia-cyber --name FIA --jurisdiction PK --kind law_enforcement "
                 "--actor admin").exit_code,
            0);
  Outcome d = Exec("datareq submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z "
                   "examples/cases/datareqs.jsonl");
  ASSERT_EQ(d.exit_code, 0) << d.out;
  {
    auto reqs = JsonLines(d.out);
    ASSERT_FALSE(reqs.empty());
    Outcome ds = Exec("datareq show --db " + db_ + " " + reqs[0]["id"].get<std::string>(), false);
    ASSERT_EQ(ds.exit_code, 0) << ds.out;
    json dj = json::parse(ds.out, nullptr, false);
    ASSERT_TRUE(dj.is_object()) << ds.out;
    for (const json& h : dj["history"]) EXPECT_EQ(h["ts"], "2026-11-21T12:00:00Z") << h.dump();
    epochs.clear();
    FindEpochs(dj["history"], "history", &epochs);
    EXPECT_TRUE(epochs.empty()) << ::testing::PrintToString(epochs);
  }
}

}  // namespace
