// The case desks end to end on PostgreSQL (issue 18): notices, data
// requests, preservation, retention and appeals through their CLI verbs
// with --db postgres://... give the same answers, byte for byte, as the
// same commands on an SQLite store, and the answers are the right ones
// (checked on the PostgreSQL run); the audit verifies on both. Every
// command that takes a time is given one (--now); the audit entries' own
// write times ("ts") are the one thing masked before comparing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "e2e_util.h"
#include "pg_cluster.h"

namespace evenhand {
namespace {

using e2e::Exec;
using e2e::JsonLines;
using nlohmann::json;

class PostgresDesks : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PgCluster& pg = testing::SharedPgCluster();
    if (pg.missing()) GTEST_SKIP() << pg.error();
    ASSERT_TRUE(pg.ready()) << pg.error();
    url_ = pg.NewDatabase();
    ASSERT_FALSE(url_.empty()) << pg.error();
    dir_ = "/tmp/evenhand-pg-desks-" + std::to_string(getpid());
    ASSERT_EQ(std::system(("rm -rf " + dir_ + " && mkdir -p " + dir_).c_str()), 0);
    std::ofstream(dir_ + "/pres.jsonl")
        << R"({"authority":"fia-cyber","jurisdiction":"PK","reference":"FIA/PRES/1","legal_basis":"PECA 2016 s.31",)"
        << R"("targets":["a032"],"received":"2026-11-21T08:00:00Z"})" << "\n"
        << R"({"authority":"fia-cyber","jurisdiction":"PK","reference":"FIA/PRES/2","legal_basis":" ","targets":["a031"]})"
        << "\n";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  // Every step on store `db`; the answers by step name.
  std::map<std::string, std::string> Run(const std::string& db) {
    std::map<std::string, std::string> out;
    auto step = [&](const std::string& name, const std::string& args) {
      e2e::Outcome r = Exec(args + " --db " + db, /*merge_stderr=*/false);
      EXPECT_EQ(r.exit_code, 0) << name << ": " << args << "\n" << Exec(args + " --db " + db).out;
      // Audit entries carry the time they were written (the wall clock, not --now).
      out[name] = std::regex_replace(r.out, std::regex(R"re("ts": ?"[0-9T:Z-]+")re"), R"re("ts": "(written)")re");
      return r.out;
    };
    step("scan", "scan examples/posts.jsonl --policy examples/policy.yaml --now 2026-11-30T00:00:00Z --quiet");
    const std::string t0 = " --now 2026-11-20T00:00:00Z";
    step("admin", "people add --id admin --role admin --actor admin" + t0);
    for (const char* id : {"intake", "mod", "mod-aisha", "mod-bilal", "analyst-1", "legal-2"})
      step(std::string("person ") + id, std::string("people add --role moderator --actor admin --id ") + id + t0);
    for (const char* a : {"--id pta --name PTA --jurisdiction PK --kind regulator",
                          "--id tjsp --name TJSP --jurisdiction BR --kind court",
                          "--id fia-cyber --name FIA --jurisdiction PK --kind law_enforcement"})
      step(std::string("authority ") + a, std::string("authority add --actor admin ") + a);

    // Notices: intake, the queue, review and decision of the one due first.
    const std::string n0 = " --now 2026-11-21T12:00:00Z";
    step("notices", "notice submit --actor intake --trusted-flaggers examples/cases/trusted_flaggers.txt "
                    "examples/cases/notices.jsonl" + n0);
    step("notice queue", "notice list --state confirmed" + n0);
    const auto due = JsonLines(step("notice due", "notice list --due-within 24h" + n0));
    const std::string notice = due.size() == 1 ? due[0].value("id", "") : "";
    const std::string n1 = " --actor mod --now 2026-11-21T12:30:00Z " + notice;
    step("notice review", "notice review" + n1);
    step("notice decide", "notice decide" + n1 + " --outcome action_taken --action withheld --reason threat");
    step("notice show", "notice show " + notice);

    // Data requests: intake, four-eyes with a legal review, disclosure, stats.
    const auto reqs = JsonLines(step("datareqs", "datareq submit --actor intake examples/cases/datareqs.jsonl" + n0));
    const std::string req = reqs.size() > 1 ? reqs[1].value("id", "") : "";
    const std::string d1 = " --now 2026-11-21T13:00:00Z ";
    step("datareq prepare", "datareq prepare --actor analyst-1" + d1 + req);
    step("datareq review", "datareq legal-review --actor legal-2 --note 'PECA s.37 notice'" + d1 + req);
    step("datareq approve", "datareq approve --actor legal-2" + d1 + req);
    const std::string package = dir_ + "/package.json";  // the same name in both runs: it is in the answer
    step("datareq disclose", "datareq disclose --actor legal-2 -o " + package + d1 + req);
    std::ifstream in(package);
    out["package"] = std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    step("datareq stats", "datareq stats --now 2026-11-21T14:00:00Z");

    // Preservation holds retention until it lapses.
    const auto pres = JsonLines(step("preserve", "preserve submit --actor intake " + dir_ + "/pres.jsonl" + n0));
    const std::string hold = pres.empty() ? "" : pres[0].value("id", "");
    step("retention 1", "retention run --keep 1d --actor admin --now 2026-12-01T00:00:00Z");
    step("preserve extend", "preserve extend --actor mod-aisha --now 2027-02-01T00:00:00Z --reason 'warrant' " + hold);
    const std::string later = " --now 2027-06-01T00:00:00Z";
    step("preserve expired", "preserve list --state expired" + later);
    step("preserve expire-due", "preserve expire-due --actor admin" + later);
    step("retention 2", "retention run --keep 1d --actor admin" + later);
    step("preserve stats", "preserve stats" + later);
    step("preserve show", "preserve show " + hold);

    // A user's appeal of an own-initiative decision, reversed by another moderator.
    step("review", "decision review p0030 --policy examples@1 --verdict confirm --reason spam --actor mod-aisha "
                   "--now 2026-11-15T09:00:00Z");
    const json filed = json::parse(step("appeal", "appeal file --actor intake --decision p0030@examples@1 "
                                                  "--text 'a school notice' --contact parent@example.org "
                                                  "--now 2026-11-16T09:00:00Z"),
                                   nullptr, false);
    const std::string appeal = filed.is_object() ? filed.value("id", "") : "";
    step("appeal decide", "appeal decide --appeal " + appeal + " --outcome reversed --reason 'not spam' "
                          "--actor mod-bilal --now 2026-11-17T09:00:00Z");
    step("appeal show", "appeal show " + appeal);
    step("visible", "visible --json p0030 --from US");

    e2e::Outcome verify = Exec("audit verify --db " + db);
    EXPECT_EQ(verify.exit_code, 0) << verify.out;
    return out;
  }

  std::string url_, dir_;
};

TEST_F(PostgresDesks, NoticesDataRequestsPreservationRetentionAndAppealsAnswerAsOnSqlite) {
  const auto sqlite = Run(dir_ + "/db.sqlite");
  const auto pg = Run(url_);
  ASSERT_EQ(pg.size(), sqlite.size());
  for (const auto& [name, answer] : sqlite) EXPECT_EQ(pg.at(name), answer) << name;

  // And the answers are the right ones.
  const auto notices = JsonLines(pg.at("notices"));
  ASSERT_EQ(notices.size(), 10u);
  EXPECT_EQ(JsonLines(pg.at("notice queue")).size(), 5u);
  EXPECT_EQ(json::parse(pg.at("notice decide"))["state"], "notified");
  EXPECT_NE(pg.at("notice show").find("notice.decide"), std::string::npos);
  const auto reqs = JsonLines(pg.at("datareqs"));
  ASSERT_EQ(reqs.size(), 6u);
  EXPECT_EQ(reqs[2]["state"], "rejected");
  const json package = json::parse(pg.at("package"), nullptr, false);
  ASSERT_TRUE(package.is_object()) << pg.at("package");
  EXPECT_EQ(package["records"].size(), 1u);
  const json dr = json::parse(pg.at("datareq stats"), nullptr, false);
  EXPECT_EQ(dr["all"]["total"], 6) << pg.at("datareq stats");
  EXPECT_EQ(dr["cross_border"]["legal_review_recorded"], 1);
  const auto holds = JsonLines(pg.at("preserve"));
  ASSERT_EQ(holds.size(), 2u);
  EXPECT_EQ(holds[0]["state"], "active");
  EXPECT_EQ(holds[1]["state"], "rejected");
  const std::string hold = holds[0]["id"];
  // In force, the hold keeps a032's posts from retention; once it lapsed, they go.
  const json kept = json::parse(pg.at("retention 1"), nullptr, false);
  std::set<std::string> held;
  for (const auto& k : kept["kept_versions"])
    if (k["why"].get<std::string>().find(hold) != std::string::npos) held.insert(k["item"].get<std::string>());
  EXPECT_GE(held.size(), 5u) << pg.at("retention 1");  // a032 has 8 posts; notices may hold some first
  EXPECT_GT(kept["deleted_versions"].size(), 1000u) << pg.at("retention 1");
  const json later = json::parse(pg.at("retention 2"), nullptr, false);
  std::set<std::string> deleted_later;
  for (const auto& d : later["deleted_versions"]) deleted_later.insert(d["item"].get<std::string>());
  EXPECT_EQ(deleted_later, held) << pg.at("retention 2");
  const json ps = json::parse(pg.at("preserve stats"), nullptr, false);
  EXPECT_EQ(ps["extended"], 1) << pg.at("preserve stats");
  EXPECT_EQ(ps["expired"], 1);
  EXPECT_EQ(json::parse(pg.at("appeal decide"))["state"], "reversed");
  EXPECT_EQ(json::parse(pg.at("visible"))["visible"], true) << pg.at("visible");
}

}  // namespace
}  // namespace evenhand
