// End to end: `evenhand notice submit|list|show|review|decide` on the
// examples (examples/cases/notices.jsonl and trusted_flaggers.txt), the way
// examples/cases/walkthrough.sh uses them. Expected outcomes are written
// here by hand from the notice file and the regime files.
#include <gtest/gtest.h>

#include "e2e_util.h"
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::RegisterPeople;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;

const std::string kNow = " --now 2026-11-21T12:00:00Z ";

class NoticesEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_notices_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() +
                   " --db " + db_).exit_code,
              0);
    ASSERT_TRUE(RegisterPeople(db_, {"intake", "mod"}));
  }
  void TearDown() override { fs::remove_all(dir_); }
  Outcome SubmitExamples() {
    return Exec("notice submit --db " + db_ + " --actor intake" + kNow +
                    "--trusted-flaggers examples/cases/trusted_flaggers.txt examples/cases/notices.jsonl",
                false);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(NoticesEndToEnd, ExampleNoticesAreConfirmedOrRejectedAndAnswered) {
  Outcome r = SubmitExamples();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto notices = JsonLines(r.out);
  ASSERT_EQ(notices.size(), 10u) << r.out;
  struct Want {
    const char* state;
    const char* priority;
    const char* deadline;  // "" = none
    const char* reason;
    bool duplicate;
  };
  const Want want[] = {
      {"confirmed", "high", "", "", false},                       // registered trusted flagger, DSA
      {"confirmed", "normal", "", "", false},                     // Marco Civil: no hour figure
      {"confirmed", "normal", "2026-11-22T08:00:00Z", "", false}, // NetzDG: 24 h from the complaint
      {"rejected", "normal", "", "no explanation", false},
      {"rejected", "normal", "", "unknown items: \"p9999\"", false},
      {"rejected", "normal", "", "no good-faith statement", false},
      {"rejected", "normal", "", "no location", false},
      {"confirmed", "normal", "", "", false},                     // unregistered flagger claim
      {"confirmed", "normal", "", "", false},                     // terms of service, no jurisdiction
      {"confirmed", "normal", "", "", true},                      // repeat of line 2
  };
  for (size_t i = 0; i < notices.size(); ++i) {
    const auto& n = notices[i];
    SCOPED_TRACE("notice line " + std::to_string(i + 1));
    EXPECT_EQ(n["state"], want[i].state);
    EXPECT_EQ(n["priority"], want[i].priority);
    EXPECT_EQ(n["deadline"].is_null() ? "" : n["deadline"].get<std::string>(), want[i].deadline);
    EXPECT_NE(n["reason"].get<std::string>().find(want[i].reason), std::string::npos) << n["reason"];
    EXPECT_EQ(n["duplicate"], want[i].duplicate);
    EXPECT_EQ(n["id"].get<std::string>().substr(0, 4), "ntc-");
    // Every notice is answered at intake, to its notifier.
    ASSERT_EQ(n["outbox"].size(), 1u);
    EXPECT_EQ(n["receipt"]["to"], n["notifier"]["contact"]);
    EXPECT_EQ(n["receipt"]["at"], "2026-11-21T12:00:00Z");
    EXPECT_NE(n["receipt"]["text"].get<std::string>().find(want[i].state[0] == 'r' ? "cannot act on it" : "We received"),
              std::string::npos);
  }
  EXPECT_EQ(notices[9]["id"], notices[1]["id"]);

  // The queue: the trusted flagger first, then the NetzDG deadline, then by
  // received time.
  auto queue = JsonLines(Exec("notice list --db " + db_ + kNow + "--state confirmed").out);
  ASSERT_EQ(queue.size(), 5u);
  EXPECT_EQ(queue[0]["reference"], "CW-2026-311");
  EXPECT_EQ(queue[1]["notifier"]["contact"], "j.weber@mail.example");
  EXPECT_EQ(queue[2]["reference"], "as-1");  // received 09:15
  EXPECT_EQ(queue[3]["reference"], "sd-1");  // 09:50
  EXPECT_EQ(queue[4]["reference"], "bk-1");  // 11:00
  auto trusted = JsonLines(Exec("notice list --db " + db_ + kNow + "--trusted-only").out);
  ASSERT_EQ(trusted.size(), 1u);
  auto due = JsonLines(Exec("notice list --db " + db_ + kNow + "--due-within 24h").out);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["seconds_left"], 20 * 3600);

  // Review and decide the NetzDG complaint; the decision goes back.
  const std::string id = due[0]["id"];
  const std::string at = " --db " + db_ + " --actor mod --now 2026-11-21T12:30:00Z ";
  EXPECT_EQ(Exec("notice decide" + at + id + " --outcome action_taken --action withheld --reason x").exit_code, 1)
      << "deciding before review must be refused";
  ASSERT_EQ(Exec("notice review" + at + id).exit_code, 0);
  EXPECT_EQ(Exec("notice decide" + at + id + " --outcome action_taken --reason x").exit_code, 1)
      << "action_taken without --action must be refused";
  Outcome d = Exec("notice decide" + at + id + " --outcome action_taken --action withheld --reason threat", false);
  ASSERT_EQ(d.exit_code, 0) << d.out;
  auto decided = nlohmann::json::parse(d.out);
  EXPECT_EQ(decided["state"], "notified");
  ASSERT_EQ(decided["outbox"].size(), 2u);
  EXPECT_NE(decided["outbox"][1]["text"].get<std::string>().find("withheld in DE"), std::string::npos);
  EXPECT_EQ(decided["outbox"][1]["to"], "j.weber@mail.example");

  auto shown = nlohmann::json::parse(Exec("notice show --db " + db_ + " " + id, false).out, nullptr, false);
  ASSERT_FALSE(shown.is_discarded());
  std::vector<std::string> actions;
  for (const auto& h : shown["history"]) actions.push_back(h["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"notice.submit", "notice.inform", "notice.review", "notice.decide",
                                               "notice.inform"}));
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);

  // The withholding applies in Germany only (the post is also removed by the
  // examples' policy, which the answer names separately).
  const std::string item = decided["location"][0];
  auto de = nlohmann::json::parse(Exec("visible --json --db " + db_ + " " + item + " --from DE", false).out);
  bool on_notice = false;
  for (const auto& b : de["because"]) on_notice = on_notice || b.get<std::string>().find("withheld in DE on notice " + id) != std::string::npos;
  EXPECT_TRUE(on_notice) << de.dump();
  auto fr = nlohmann::json::parse(Exec("visible --json --db " + db_ + " " + item + " --from FR", false).out);
  bool elsewhere = false;
  for (const auto& b : fr["restricted_elsewhere"]) elsewhere = elsewhere || b.get<std::string>().find("on notice") != std::string::npos;
  EXPECT_TRUE(elsewhere) << fr.dump();

  // Its statement of reasons: Art. 16 notice, human decision, scope DE.
  auto sor = JsonLines(Exec("sor export --db " + db_ + " --format dsa-json --eea-only", false).out);
  int from_notices = 0;
  for (const auto& s : sor) {
    if (s["puid"].get<std::string>().rfind("n-", 0) != 0) continue;
    ++from_notices;
    EXPECT_EQ(s["source_type"], "SOURCE_ARTICLE_16");
    EXPECT_EQ(s["automated_decision"], "AUTOMATED_DECISION_NOT_AUTOMATED");
    EXPECT_EQ(s["territorial_scope"], nlohmann::json::array({"DE"}));
    EXPECT_EQ(s["decision_ground"], "DECISION_GROUND_ILLEGAL_CONTENT");
  }
  EXPECT_EQ(from_notices, 1);

  // A second submission of the whole file changes nothing.
  auto again = JsonLines(SubmitExamples().out);
  ASSERT_EQ(again.size(), 10u);
  for (const auto& n : again) EXPECT_EQ(n["duplicate"], true);
  EXPECT_EQ(again[2]["state"], "notified");
}

TEST_F(NoticesEndToEnd, AMalformedLineStoresNothing) {
  const fs::path bad = dir_ / "bad.jsonl";
  std::FILE* f = std::fopen(bad.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"({"notifier":{"contact":"a@b.example"},"explanation":"x","location":["p0000"],"good_faith":true})"
             "\n{\"notifier\":{\"contact\":\"a@b.example\"},\"good_faith\":\"yes\"}\n",
             f);
  std::fclose(f);
  Outcome r = Exec("notice submit --db " + db_ + " --actor intake" + kNow + bad.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(":2: good_faith"), std::string::npos) << r.out;
  EXPECT_TRUE(JsonLines(Exec("notice list --db " + db_ + kNow, false).out).empty());
  for (const char* verb : {"submit", "list", "show", "review", "decide", "inform"})
    EXPECT_EQ(Exec(std::string("notice ") + verb + " --help").exit_code, 0) << verb;
}

}  // namespace
