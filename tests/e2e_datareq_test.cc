// End to end: `evenhand datareq` on the examples (examples/cases/datareqs.jsonl),
// the way the README and examples/cases/walkthrough.sh use it. Expected
// outcomes are written here by hand from the request file.
#include <gtest/gtest.h>

#include "e2e_util.h"
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::RegisterPeople;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;

TEST(DataRequestsEndToEnd, ExampleRequestsMinimisedAndApprovedByASecondPerson) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand_e2e_datareq_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "db.sqlite").string();
  ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir / "d.jsonl").string() +
                 " --db " + db).exit_code, 0);
  // Only an admin registers people; the first person must be an admin registering themself.
  EXPECT_EQ(Exec("people add --db " + db + " --id intake --role moderator --actor intake").exit_code, 1);
  ASSERT_TRUE(RegisterPeople(db, {"intake", "analyst-1", "legal-2"}));
  EXPECT_EQ(Exec("people add --db " + db + " --id legal-3 --role moderator --actor intake").exit_code, 1);
  EXPECT_EQ(Exec("people add --db " + db + " --id ' Intake' --role auditor --actor admin").exit_code, 1);  // same person
  for (const char* a : {"--id pta --name PTA --jurisdiction PK --kind regulator",
                        "--id tjsp --name TJSP --jurisdiction BR --kind court",
                        "--id fia-cyber --name FIA --jurisdiction PK --kind law_enforcement"})
    ASSERT_EQ(Exec("authority add --db " + db + " --actor admin " + a).exit_code, 0);

  Outcome r = Exec("datareq submit --db " + db + " --actor intake --now 2026-11-21T12:00:00Z "
                   "examples/cases/datareqs.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto reqs = JsonLines(r.out);
  ASSERT_EQ(reqs.size(), 6u) << r.out;
  const char* want_state[] = {"accepted", "accepted", "rejected", "accepted", "rejected", "accepted"};
  for (size_t i = 0; i < reqs.size(); ++i) EXPECT_EQ(reqs[i]["state"], want_state[i]) << "line " << i + 1;
  EXPECT_NE(reqs[2]["reason"].get<std::string>().find("no legal process"), std::string::npos) << reqs[2]["reason"];
  EXPECT_NE(reqs[4]["reason"].get<std::string>().find("account.password"), std::string::npos) << reqs[4]["reason"];
  EXPECT_FALSE(reqs[3]["follow_up_due"].is_null()) << "an emergency request without process must be followed up";

  // The statutory notice asks for the country and post texts: only the country is covered.
  const std::string id = reqs[1]["id"];
  const std::string at = " --db " + db + " --now 2026-11-21T13:00:00Z ";
  ASSERT_EQ(Exec("datareq prepare" + at + "--actor analyst-1 " + id).exit_code, 0);
  Outcome same = Exec("datareq approve" + at + "--actor analyst-1 " + id);
  EXPECT_EQ(same.exit_code, 1);
  EXPECT_NE(same.out.find("four-eyes"), std::string::npos) << same.out;
  // Issue 14 point 4: the same person written another way is the same
  // person, and an --actor that names no registered person is refused.
  for (const char* alias : {"'analyst-1 '", "ANALYST-1", "'\xEF\xBD\x81nalyst-1'"}) {
    Outcome again = Exec("datareq approve" + at + "--actor " + alias + " " + id);
    EXPECT_EQ(again.exit_code, 1) << alias;
    EXPECT_NE(again.out.find("four-eyes"), std::string::npos) << alias << ": " << again.out;
  }
  Outcome stranger = Exec("datareq approve" + at + "--actor legal-3 " + id);
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(stranger.out.find("not a registered person"), std::string::npos) << stranger.out;
  // PTA asks about a US account: cross-border, so a legal review comes before approval.
  Outcome unreviewed = Exec("datareq approve" + at + "--actor legal-2 " + id);
  EXPECT_EQ(unreviewed.exit_code, 1);
  EXPECT_NE(unreviewed.out.find("legal review"), std::string::npos) << unreviewed.out;
  ASSERT_EQ(Exec("datareq legal-review" + at + "--actor legal-2 " + id +
                 " --note 'PECA s.37 notice: subscriber data of a foreign account may be disclosed'").exit_code, 0);
  ASSERT_EQ(Exec("datareq approve" + at + "--actor legal-2 " + id).exit_code, 0);
  const std::string package = (dir / "package.json").string();
  ASSERT_EQ(Exec("datareq disclose" + at + "--actor legal-2 -o " + package + " " + id).exit_code, 0);
  std::ifstream in(package);
  auto p = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(p.is_object());
  ASSERT_EQ(p["records"].size(), 1u);
  for (const auto& [key, value] : p["records"][0].items())
    EXPECT_TRUE(key == "target" || key == "account.country") << "field not covered or not asked for: " << key;
  EXPECT_EQ(p["fields_withheld"][0]["field"], "account.posts.text");

  // Every request is counted, granted or not.
  auto stats = nlohmann::json::parse(Exec("datareq stats --db " + db + " --now 2026-11-21T14:00:00Z").out, nullptr,
                                     false);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["all"]["total"], 6);
  EXPECT_EQ(stats["all"]["rejected"], 2);
  EXPECT_EQ(stats["all"]["partly_granted"], 1);
  // Every accepted example asks about an account abroad: counted apart, one reviewed.
  EXPECT_EQ(stats["cross_border"]["total"], 4) << stats.dump();
  EXPECT_EQ(stats["cross_border"]["legal_review_recorded"], 1);
  EXPECT_EQ(Exec("audit verify --db " + db).exit_code, 0);
  fs::remove_all(dir);
}

}  // namespace
