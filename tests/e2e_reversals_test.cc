// End to end (issue 14 points 1 and 2): a reversal undoes the action
// everywhere, and users appeal own-initiative decisions (DSA Art. 20).
// Runs the `evenhand` binary on the examples: p0030 is removed everywhere by
// examples@1 (examples/expected.json), p0005 is allowed and is the target of
// the first example order (examples/cases/orders.jsonl). Each view is read
// before and after the reversal, so each check fails on a build whose view
// does not account for reversals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;
using evenhand::e2e::Outcome;
using evenhand::e2e::RegisterPeople;
using nlohmann::json;

class ReversalsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_reversals_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() +
                   " --db " + db_).exit_code,
              0);
    ASSERT_TRUE(RegisterPeople(db_, {"intake", "mod-aisha", "mod-bilal"}));
    ASSERT_EQ(Exec("authority add --db " + db_ + " --id pta --name PTA --jurisdiction PK --kind regulator --actor admin")
                  .exit_code,
              0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  json Visible(const std::string& item, const std::string& from) {
    Outcome r = Exec("visible --db " + db_ + " " + item + " --from " + from + " --json", false);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return json::parse(r.out, nullptr, false);
  }
  // The statements of reasons exported now, and the summary on stderr.
  std::vector<json> Statements(std::string* summary) {
    const std::string out = (dir_ / "sor.jsonl").string();
    Outcome r = Exec("sor export --db " + db_ + " --format dsa-json -o " + out);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    *summary = r.out;
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return JsonLines(text);
  }
  static int StatementsAbout(const std::vector<json>& statements, const std::string& item) {
    int n = 0;
    for (const json& s : statements) n += s.dump().find("\"" + item) != std::string::npos ||
                                          s.dump().find("-" + item + "-") != std::string::npos;
    return n;
  }
  // `report sla --json` (stdout) or `report transparency --json FILE`, as of 1 Dec 2026.
  json Report(const std::string& what) {
    const std::string file = (dir_ / "report.json").string();
    const bool to_file = what == "transparency";
    Outcome r = Exec("report " + what + " --db " + db_ + " --now 2026-12-01T00:00:00Z --json" +
                         (to_file ? " " + file : std::string()),
                     false);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    if (!to_file) return json::parse(r.out, nullptr, false);
    std::ifstream in(file);
    return json::parse(in, nullptr, false);
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(ReversalsEndToEnd, OverturningADecisionUndoesItEverywhere) {
  json v = Visible("p0030", "US");
  ASSERT_EQ(v["visible"], false) << v.dump();
  std::string summary;
  ASSERT_EQ(StatementsAbout(Statements(&summary), "p0030"), 1) << summary;

  // Overturning needs a reason and a decision that exists.
  EXPECT_NE(Exec("decision review --db " + db_ + " p0030 --policy examples@1 --verdict overturn --actor mod-aisha")
                .exit_code,
            0);
  Outcome r = Exec("decision review --db " + db_ + " p0030 --policy nope@1 --verdict confirm --actor mod-aisha");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no decision"), std::string::npos) << r.out;
  r = Exec("decision review --db " + db_ +
           " p0030 --policy examples@1 --verdict overturn --reason \"a school notice, not spam\" --actor mod-aisha "
           "--now 2026-11-20T10:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.out;

  // visible: restored everywhere, and it says what was reversed.
  for (const char* from : {"US", "PK", "DE"}) {
    v = Visible("p0030", from);
    EXPECT_EQ(v["visible"], true) << from << ": " << v.dump();
    ASSERT_EQ(v["reversed"].size(), 1u) << v.dump();
    EXPECT_NE(v["reversed"][0].get<std::string>().find("overturned on review by mod-aisha via cli"), std::string::npos)
        << v.dump();
  }
  r = Exec("visible --db " + db_ + " p0030 --from US");
  EXPECT_NE(r.out.find("p0030 from US: visible"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(reversed) remove by decision examples@1"), std::string::npos) << r.out;

  // item show: the decision is marked reversed; every country sees the item.
  r = Exec("item show --db " + db_ + " p0030", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json item = json::parse(r.out, nullptr, false);
  ASSERT_EQ(item["decisions"].size(), 1u) << r.out;
  EXPECT_EQ(item["decisions"][0]["reversed"]["how"], "review");
  EXPECT_EQ(item["decisions"][0]["reversed"]["reason"], "a school notice, not spam");
  for (auto& [country, seen] : item["visibility"].items()) EXPECT_EQ(seen["visible"], true) << country;

  // sor export: the statement is no longer written, and the summary says why.
  EXPECT_EQ(StatementsAbout(Statements(&summary), "p0030"), 0);
  EXPECT_NE(summary.find("1 left out because their decision was reversed"), std::string::npos) << summary;

  // The transparency report counts the overturn.
  json t = Report("transparency");
  EXPECT_EQ(t["complaints"]["decisions_overturned_on_review"], 1) << t["complaints"].dump();
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

TEST_F(ReversalsEndToEnd, AnOrderReversedOnAppealIsReversedInEveryView) {
  const std::string orders = (dir_ / "orders.jsonl").string();
  std::ofstream(orders, std::ios::binary)
      << R"j({"authority":"pta","jurisdiction":"PK","legal_basis":{"instrument":"PECA 2016","provision":"s.37(1)"},)j"
      << R"j("category":"unlawful_content_s37","targets":[{"item":"p0005"}],"reference":"PTA/REV/1",)j"
      << R"j("received":"2026-11-20T09:00:00Z"})j" << "\n";
  Outcome r = Exec("order submit --db " + db_ + " --actor intake --now 2026-11-20T09:00:00Z " + orders, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string id = json::parse(r.out)["id"];
  const std::string act = "order act --db " + db_ + " --actor mod-aisha " + id;
  ASSERT_EQ(Exec(act + " --event review --now 2026-11-20T10:00:00Z").exit_code, 0);
  ASSERT_EQ(Exec(act + " --event act --outcome withheld --now 2026-11-20T11:00:00Z").exit_code, 0);
  EXPECT_EQ(Visible("p0005", "PK")["visible"], false);
  json sla = Report("sla");
  EXPECT_EQ(sla["total"]["reversed"], 0) << sla.dump();
  json t = Report("transparency");
  EXPECT_EQ(t["government_orders"]["total"]["partly_complied"], 1);

  ASSERT_EQ(Exec("appeal file --db " + db_ + " --actor intake --order " + id +
                 " --text \"lawful reporting\" --now 2026-11-21T09:00:00Z")
                .exit_code,
            0);
  ASSERT_EQ(Exec("appeal decide --db " + db_ + " --actor mod-bilal --order " + id +
                 " --outcome reversed --reason \"news reporting\" --now 2026-11-21T15:00:00Z")
                .exit_code,
            0);
  ASSERT_EQ(Exec("order close --db " + db_ + " --actor mod-bilal " + id + " --now 2026-11-21T16:00:00Z").exit_code, 0);

  // visible: reinstated in PK, and the reversed order is named.
  json v = Visible("p0005", "PK");
  EXPECT_EQ(v["visible"], true) << v.dump();
  ASSERT_EQ(v["reversed"].size(), 1u) << v.dump();
  EXPECT_NE(v["reversed"][0].get<std::string>().find(id), std::string::npos);

  // order list and show: closed, outcome withheld, standing reversed (not in force).
  r = Exec("order list --db " + db_, false);
  auto listed = JsonLines(r.out);
  ASSERT_EQ(listed.size(), 1u) << r.out;
  EXPECT_EQ(listed[0]["state"], "closed");
  EXPECT_EQ(listed[0]["standing"], "reversed");
  EXPECT_EQ(listed[0]["appealed_at"], "2026-11-21T09:00:00Z");
  EXPECT_EQ(listed[0]["appeal_decided_at"], "2026-11-21T15:00:00Z");
  r = Exec("order show --db " + db_ + " " + id, false);
  EXPECT_EQ(json::parse(r.out, nullptr, false)["standing"], "reversed") << r.out;

  // item show names the order as reversed.
  json item = json::parse(Exec("item show --db " + db_ + " p0005", false).out, nullptr, false);
  ASSERT_EQ(item["cases"].size(), 1u) << item.dump();
  EXPECT_EQ(item["cases"][0]["standing"], "reversed");

  // Transparency: not complied with (not "partly"), counted as reversed; a complaint decided in 6 h.
  t = Report("transparency");
  const json& total = t["government_orders"]["total"];
  EXPECT_EQ(total["partly_complied"], 0) << total.dump();
  EXPECT_EQ(total["reversed_on_appeal"], 1) << total.dump();
  EXPECT_EQ(total["total"], 1);
  bool found = false;
  for (const json& c : t["complaints"]["rows"])
    if (c["source"] == "order") {
      found = true;
      EXPECT_EQ(c["complaints_received"], 1);
      EXPECT_EQ(c["decisions_reversed"], 1);
      EXPECT_EQ(c["pending"], 0);
      EXPECT_DOUBLE_EQ(c["median_hours_to_decide"]["hours"].get<double>(), 6.0) << c.dump();
    }
  EXPECT_TRUE(found) << t["complaints"].dump();

  // report sla: still acted on time, and reversed.
  sla = Report("sla");
  EXPECT_EQ(sla["total"]["on_time"], 1) << sla.dump();
  EXPECT_EQ(sla["total"]["reversed"], 1) << sla.dump();
  EXPECT_EQ(sla["total"]["reversed_ids"][0], id);
  r = Exec("report sla --db " + db_ + " --now 2026-12-01T00:00:00Z");
  EXPECT_NE(r.out.find("reversed on appeal (the action no longer applies): " + id), std::string::npos) << r.out;

  // sor export: no statement for the reversed order; the summary counts it.
  std::string summary;
  EXPECT_EQ(StatementsAbout(Statements(&summary), "p0005"), 0);
  EXPECT_NE(summary.find("1 left out because their decision was reversed"), std::string::npos) << summary;
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

// Issue 14 point 2: a user's appeal of an own-initiative decision.
TEST_F(ReversalsEndToEnd, UsersAppealOwnInitiativeDecisions) {
  ASSERT_EQ(Exec("decision review --db " + db_ +
                 " p0030 --policy examples@1 --verdict confirm --reason spam --actor mod-aisha --now "
                 "2026-11-15T09:00:00Z")
                .exit_code,
            0);
  const std::string file = "appeal file --db " + db_ + " --actor intake ";
  // Refused: no such decision form, blank text, an allow decision, no decision.
  Outcome r = Exec(file + "--decision p0030 --text hi");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("--decision: \"p0030\" is not ITEM@POLICY@VERSION"), std::string::npos) << r.out;
  r = Exec(file + "--decision p0030@examples@1 --text \"  \"");
  EXPECT_EQ(r.exit_code, 1);
  r = Exec(file + "--decision p0005@examples@1 --text \"why?\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("restricts nothing"), std::string::npos) << r.out;
  r = Exec(file + "--decision p0030@other@9 --text \"why?\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no decision on item \"p0030\" under other@9"), std::string::npos) << r.out;
  EXPECT_EQ(Exec("appeal list --db " + db_, false).out, "");

  r = Exec(file + "--decision p0030@examples@1 --text \"it is a school notice\" --contact parent@example.org "
                  "--now 2026-11-16T09:00:00Z",
           false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json a = json::parse(r.out, nullptr, false);
  const std::string id = a["id"];
  EXPECT_EQ(id.rfind("apl-", 0), 0u);
  EXPECT_EQ(a["state"], "filed");
  EXPECT_EQ(a["duplicate"], false);
  EXPECT_EQ(a["decision"]["action"], "remove");
  EXPECT_EQ(a["confirmed_by"], "mod-aisha via cli");
  ASSERT_EQ(a["outbox"].size(), 1u);
  EXPECT_EQ(a["outbox"][0]["to"], "parent@example.org");
  // One appeal per decision: filing again returns the one on file.
  r = Exec(file + "--decision p0030@examples@1 --text \"again\"", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["duplicate"], true);
  EXPECT_EQ(json::parse(r.out)["id"], id);

  // Decided by someone other than the person who confirmed the decision.
  const std::string decide = "appeal decide --db " + db_ + " --appeal " + id + " --outcome reversed ";
  r = Exec(decide + "--reason \"a school notice\" --actor mod-aisha");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("confirmed the decision"), std::string::npos) << r.out;
  r = Exec(decide + "--reason \" \" --actor mod-bilal");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Visible("p0030", "US")["visible"], false);
  r = Exec(decide + "--reason \"a school notice, not spam\" --actor mod-bilal --now 2026-11-17T09:00:00Z", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  a = json::parse(r.out, nullptr, false);
  EXPECT_EQ(a["state"], "reversed");
  EXPECT_EQ(a["decided_by"], "mod-bilal via cli");
  ASSERT_EQ(a["outbox"].size(), 2u);
  EXPECT_EQ(a["outbox"][1]["to"], "parent@example.org");
  EXPECT_NE(a["outbox"][1]["text"].get<std::string>().find("a school notice, not spam"), std::string::npos);
  EXPECT_EQ(Exec(decide + "--reason again --actor mod-bilal").exit_code, 1);  // decided already

  // The reversal undoes the decision everywhere.
  json v = Visible("p0030", "US");
  EXPECT_EQ(v["visible"], true) << v.dump();
  ASSERT_EQ(v["reversed"].size(), 1u);
  EXPECT_NE(v["reversed"][0].get<std::string>().find("reversed on appeal " + id), std::string::npos);
  std::string summary;
  EXPECT_EQ(StatementsAbout(Statements(&summary), "p0030"), 0) << summary;

  // Audited, with the messages sent; listed; counted as a complaint.
  r = Exec("appeal show --db " + db_ + " " + id, false);
  json shown = json::parse(r.out, nullptr, false);
  std::vector<std::string> actions;
  for (const json& h : shown["history"]) actions.push_back(h["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"appeal.file", "appeal.decide"})) << r.out;
  EXPECT_EQ(JsonLines(Exec("appeal list --db " + db_ + " --state reversed", false).out).size(), 1u);
  json t = Report("transparency");
  bool found = false;
  for (const json& c : t["complaints"]["rows"])
    if (c["source"] == "own_initiative") {
      found = true;
      EXPECT_EQ(c["complaints_received"], 1);
      EXPECT_EQ(c["decisions_reversed"], 1);
      EXPECT_DOUBLE_EQ(c["median_hours_to_decide"]["hours"].get<double>(), 24.0) << c.dump();
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);
}

}  // namespace
