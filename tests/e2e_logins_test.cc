// End to end (issue 14 point 10): login records taken in by `evenhand logins
// import` and by `evenhand scan`, asked for by an authority, disclosed only
// as the legal process covers them, audited and counted by authority in
// `datareq stats` and the transparency report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;
using evenhand::e2e::RegisterPeople;

class LoginsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_logins_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
  std::string db_;
};

TEST_F(LoginsEndToEnd, ImportedOnceRefusedWholeOnABadLine) {
  ASSERT_TRUE(RegisterPeople(db_, {"intake"}));
  Outcome r = Exec("logins import --db " + db_ + " --actor intake examples/cases/logins.jsonl", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["stored"], 10) << r.out;
  r = Exec("logins import --db " + db_ + " --actor intake examples/cases/logins.jsonl", false);
  EXPECT_EQ(nlohmann::json::parse(r.out, nullptr, false)["repeats"], 10) << r.out;
  const std::string bad = Write("bad.jsonl",
                                "{\"kind\":\"login\",\"account\":\"x1\",\"ts\":\"2026-11-01T00:00:00Z\",\"ip\":\"192.0.2.1\"}\n"
                                "{\"kind\":\"login\",\"account\":\"x1\",\"ts\":\"2026-11-01T00:00:00Z\",\"ip\":\"192.0.2\"}\n");
  r = Exec("logins import --db " + db_ + " --actor intake " + bad);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(bad + ":2: ip:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was stored"), std::string::npos) << r.out;
  r = Exec("logins import --db " + db_ + " --actor nobody examples/cases/logins.jsonl");
  EXPECT_EQ(r.exit_code, 1) << "every --actor is a registered person";
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

TEST_F(LoginsEndToEnd, ScannedWithPostsAskedForDisclosedAuditedAndCounted) {
  // Logins in the scan input, beside accounts and posts.
  const std::string input = Write(
      "in.jsonl",
      "{\"kind\":\"account\",\"id\":\"u1\",\"created\":\"2026-01-05T00:00:00Z\",\"country\":\"GB\"}\n"
      "{\"kind\":\"login\",\"event\":\"signup\",\"account\":\"u1\",\"ts\":\"2026-01-05T10:00:00Z\",\"ip\":\"203.0.113.5\",\"port\":41000}\n"
      "{\"kind\":\"post\",\"id\":\"q1\",\"account\":\"u1\",\"text\":\"hello\",\"ts\":\"2026-11-01T10:00:00Z\"}\n"
      "{\"kind\":\"login\",\"account\":\"u1\",\"ts\":\"2026-11-01T09:59:00Z\",\"ip\":\"198.51.100.77\",\"port\":52000,\"device\":\"Firefox\"}\n");
  Outcome r = Exec("scan " + input + " --policy examples/policy.yaml -o " + (dir_ / "d.jsonl").string() + " --db " + db_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("read 2 login records, stored 2 new"), std::string::npos) << r.out;
  ASSERT_TRUE(RegisterPeople(db_, {"intake", "analyst-1", "legal-2"}));
  ASSERT_EQ(Exec("authority add --db " + db_ + " --actor admin --id nca --name NCA --jurisdiction GB --kind law_enforcement").exit_code, 0);
  const std::string reqs = Write(
      "reqs.jsonl",
      "{\"authority\":\"nca\",\"jurisdiction\":\"GB\",\"reference\":\"NCA/1\",\"legal_process\":{\"kind\":\"court_order\",\"reference\":\"CO 1\"},"
      "\"fields\":[\"account.registration_ip\",\"account.logins.ip\",\"account.logins.ts\"],\"targets\":[\"u1\"],\"received\":\"2026-11-21T08:00:00Z\"}\n"
      "{\"authority\":\"nca\",\"jurisdiction\":\"GB\",\"reference\":\"NCA/2\",\"legal_process\":{\"kind\":\"subpoena\",\"reference\":\"S 2\"},"
      "\"fields\":[\"account.logins.ip\",\"account.id\"],\"targets\":[\"u1\"],\"received\":\"2026-11-21T08:10:00Z\"}\n");
  r = Exec("datareq submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z " + reqs, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  const std::string at = " --db " + db_ + " --now 2026-11-21T13:00:00Z ";
  for (size_t i = 0; i < 2; ++i) {
    const std::string id = lines[i]["id"];
    ASSERT_EQ(Exec("datareq prepare" + at + "--actor analyst-1 " + id).exit_code, 0);
    ASSERT_EQ(Exec("datareq approve" + at + "--actor legal-2 " + id).exit_code, 0);
    ASSERT_EQ(Exec("datareq disclose" + at + "--actor legal-2 -o " + (dir_ / ("p" + std::to_string(i))).string() + " " + id).exit_code, 0);
  }
  std::ifstream in(dir_ / "p0");
  auto pkg = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(pkg.is_object());
  const auto& rec = pkg["records"][0];
  EXPECT_EQ(rec["account.registration_ip"]["ip"], "203.0.113.5");
  EXPECT_EQ(rec["account.registration_ip"]["port"], 41000);
  ASSERT_EQ(rec["account.logins"].size(), 2u);
  EXPECT_EQ(rec["account.logins"][1], (nlohmann::json{{"ts", "2026-11-01T09:59:00Z"}, {"ip", "198.51.100.77"}}));
  std::ifstream in2(dir_ / "p1");
  auto pkg2 = nlohmann::json::parse(in2, nullptr, false);
  EXPECT_FALSE(pkg2["records"][0].contains("account.logins")) << "a subpoena does not reach traffic data";

  auto stats = nlohmann::json::parse(Exec("datareq stats --db " + db_ + " --now 2026-11-21T14:00:00Z", false).out,
                                     nullptr, false);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["ip"]["asked"], 2) << stats.dump();
  EXPECT_EQ(stats["ip"]["granted"], 1);
  EXPECT_EQ(stats["ip"]["withheld"], 1);
  EXPECT_EQ(stats["ip"]["addresses_disclosed"], 3);
  EXPECT_EQ(stats["ip"]["by_authority"][0]["authority"], "nca");
  EXPECT_EQ(stats["ip"]["not_granted_reasons"][0]["reason"],
            "account.logins.ip: traffic data is not covered by subpoena");

  const std::string csv = (dir_ / "csv").string();
  ASSERT_EQ(Exec("report transparency --db " + db_ + " --csv " + csv + " --html " + (dir_ / "r.html").string()).exit_code, 0);
  std::ifstream ip_csv(fs::path(csv) / "ip_requests.csv");
  std::string text((std::istreambuf_iterator<char>(ip_csv)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("nca,GB,2,1,0,1,0,0,0,3"), std::string::npos) << text;
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

// A preservation request keeps an account's content from retention while it
// is in force, is extended once, lapses visibly and is counted.
TEST_F(LoginsEndToEnd, PreservationHoldsRetentionUntilItLapses) {
  ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() +
                 " --db " + db_).exit_code, 0);
  ASSERT_TRUE(RegisterPeople(db_, {"intake", "mod-aisha"}));
  ASSERT_EQ(Exec("authority add --db " + db_ +
                 " --actor admin --id fia-cyber --name FIA --jurisdiction PK --kind law_enforcement").exit_code, 0);
  const std::string reqs = Write(
      "pres.jsonl",
      "{\"authority\":\"fia-cyber\",\"jurisdiction\":\"PK\",\"reference\":\"FIA/PRES/1\",\"legal_basis\":\"PECA 2016 s.31\","
      "\"targets\":[\"a030\"],\"received\":\"2026-11-21T08:00:00Z\"}\n"
      "{\"authority\":\"fia-cyber\",\"jurisdiction\":\"PK\",\"reference\":\"FIA/PRES/2\",\"legal_basis\":\" \","
      "\"targets\":[\"a031\"]}\n");
  Outcome r = Exec("preserve submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z " + reqs, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["state"], "active");
  EXPECT_EQ(lines[0]["until"], "2027-02-19T08:00:00Z");  // 90 days: PECA 2016 s.31(1), from the PK regime
  EXPECT_EQ(lines[0]["regime"], "pk-peca-rbuoc-2021");
  EXPECT_EQ(lines[1]["state"], "rejected");
  const std::string id = lines[0]["id"];

  // In force: retention keeps a030's posts, deletes the rest.
  r = Exec("retention run --db " + db_ + " --keep 1d --actor admin --now 2026-12-01T00:00:00Z", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto kept = nlohmann::json::parse(r.out, nullptr, false);
  int preserved = 0;
  for (const auto& k : kept["kept_versions"])
    if (k["why"].get<std::string>().find(id) != std::string::npos) ++preserved;
  EXPECT_EQ(preserved, 9) << "a030's nine posts";
  for (const auto& d : kept["deleted_versions"]) EXPECT_NE(d["item"], "p0013");

  // Extended once; a second extension is refused.
  ASSERT_EQ(Exec("preserve extend --db " + db_ + " --actor mod-aisha --now 2027-02-01T00:00:00Z --reason 'warrant applied for' " + id).exit_code, 0);
  r = Exec("preserve extend --db " + db_ + " --actor mod-aisha --now 2027-02-02T00:00:00Z --reason again " + id);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("only once"), std::string::npos) << r.out;
  // Past its end it lists as expired, in force or not recorded; the sweep records it.
  r = Exec("preserve list --db " + db_ + " --now 2027-06-01T00:00:00Z --state expired", false);
  ASSERT_EQ(JsonLines(r.out).size(), 1u) << r.out;
  EXPECT_EQ(JsonLines(r.out)[0]["in_force"], false);
  r = Exec("preserve expire-due --db " + db_ + " --actor admin --now 2027-06-01T00:00:00Z", false);
  ASSERT_EQ(JsonLines(r.out).size(), 1u) << r.out;
  r = Exec("retention run --db " + db_ + " --keep 1d --actor admin --now 2027-06-01T00:00:00Z", false);
  kept = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(kept["kept"], 0) << r.out;
  auto stats = nlohmann::json::parse(Exec("preserve stats --db " + db_ + " --now 2027-06-01T00:00:00Z", false).out, nullptr, false);
  EXPECT_EQ(stats["total"], 2) << stats.dump();
  EXPECT_EQ(stats["extended"], 1);
  EXPECT_EQ(stats["expired"], 1);
  EXPECT_EQ(stats["rejected"], 1);
  r = Exec("preserve show --db " + db_ + " " + id, false);
  EXPECT_NE(r.out.find("preservation.expire"), std::string::npos) << r.out;
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

// Retention deletes old login records (IP addresses are personal data) per
// account, audited, unless a preservation holds the account or the law of
// its country keeps traffic data longer (PK: PECA 2016 s.32, one year, read
// from the regime files).
TEST_F(LoginsEndToEnd, RetentionDeletesOldLoginsUnlessHeldOrKeptByLaw) {
  ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() +
                 " --db " + db_).exit_code, 0);
  ASSERT_TRUE(RegisterPeople(db_, {"intake"}));
  ASSERT_EQ(Exec("logins import --db " + db_ + " --actor intake examples/cases/logins.jsonl").exit_code, 0);
  // Login records are kept 30 days; a001 is in PK, a030 in GB, a106 in US, a187 in BR.
  Outcome r = Exec("retention run --db " + db_ + " --keep 365d --keep-logins 30d --actor admin --now 2026-12-30T00:00:00Z",
                   false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.contains("logins")) << r.out;
  const auto& l = j["logins"];
  EXPECT_EQ(l["cutoff"], "2026-11-30T00:00:00Z");
  EXPECT_EQ(l["deleted"], 8) << l.dump();  // a001's 2022 sign-up, a030's 3, a106's 2, a187's 2
  EXPECT_EQ(l["kept"], 2) << l.dump();     // a001's two November logins: younger than a year
  ASSERT_EQ(l["kept_accounts"].size(), 1u) << l.dump();
  EXPECT_EQ(l["kept_accounts"][0]["account"], "a001");
  EXPECT_NE(l["kept_accounts"][0]["why"].get<std::string>().find("pk-peca-rbuoc-2021"), std::string::npos) << l.dump();
  EXPECT_EQ(r.out.find("203.0.113"), std::string::npos) << "no address in the report";
  // What is left is what the report says.
  Outcome again = Exec("retention run --db " + db_ + " --keep 365d --keep-logins 30d --actor admin --now 2026-12-30T00:00:00Z --dry-run",
                       false);
  auto k = nlohmann::json::parse(again.out, nullptr, false);
  EXPECT_EQ(k["logins"]["deleted"], 0) << again.out;
  EXPECT_EQ(k["logins"]["kept"], 2) << again.out;
  // A year and a day after a001's last login, the law no longer keeps them.
  r = Exec("retention run --db " + db_ + " --keep 365d --keep-logins 30d --actor admin --now 2027-11-22T00:00:00Z", false);
  EXPECT_EQ(nlohmann::json::parse(r.out, nullptr, false)["logins"]["deleted"], 2) << r.out;
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
  // A bad period is refused before anything is deleted.
  r = Exec("retention run --db " + db_ + " --keep 365d --keep-logins soon --actor admin");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("--keep-logins"), std::string::npos) << r.out;
}

}  // namespace
