// Issue 14 points 1 and 2 on the /v1 API: overturning a decision on review
// undoes it everywhere (GET /v1/items/{id}), an order reversed on appeal says
// so in every order view, and users' appeals of own-initiative decisions
// (POST /v1/appeals, .../decision) are decided by a person other than the one
// who confirmed the decision, with the answers in the appeal's outbox.
#include <set>

#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

// Removed everywhere by examples@1 (as p0030 of examples/posts.jsonl).
std::string Removed(const std::string& id) {
  return json{{"id", id},
              {"account", "acc1"},
              {"text", "Reminder for parents: work from home buy followers! school closes early on Thursday."},
              {"region", "US"},
              {"lang", "en"},
              {"ts", "2026-11-01T10:00:00Z"}}
      .dump();
}

class AppealsApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  TestServer& s() { return *server_; }
  // Whether the item view says the item is visible from every country it lists.
  bool VisibleEverywhere(const std::string& item) {
    Reply r = s().Call("GET", "/v1/items/" + item, "auditor");
    EXPECT_EQ(r.status, 200) << r.body;
    bool all = !r.json["visibility"].empty();
    for (auto& [country, v] : r.json["visibility"].items()) all = all && v["visible"] == true;
    return all;
  }
  static TestServer* server_;
};
TestServer* AppealsApiTest::server_ = nullptr;

TEST_F(AppealsApiTest, OverturnOnReviewUndoesTheDecisionEverywhere) {
  Reply r = s().Call("POST", "/v1/scan", "moderator", Removed("ov-1"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["action"], "remove") << r.body;
  EXPECT_FALSE(VisibleEverywhere("ov-1"));
  r = s().Call("POST", "/v1/decisions/ov-1/review", "moderator", R"({"verdict":"overturn","reason":"not spam"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(VisibleEverywhere("ov-1"));
  r = s().Call("GET", "/v1/items/ov-1", "moderator");
  ASSERT_EQ(r.json["decisions"].size(), 1u);
  EXPECT_EQ(r.json["decisions"][0]["reversed"]["how"], "review");
  EXPECT_EQ(r.json["decisions"][0]["reversed"]["reason"], "not spam");
  EXPECT_EQ(r.json["visibility"]["US"]["reversed"].size(), 1u) << r.body;
}

TEST_F(AppealsApiTest, OrderReversedOnAppealSaysSoInEveryOrderView) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator",
                     json{{"id", "ov-ord"}, {"account", "acc1"}, {"text", "hello"}, {"region", "PK"}}.dump())
                .status,
            200);
  Reply r = s().Call("POST", "/v1/orders", "authority",
                     json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                          {"category", "unlawful_content_s37"},
                          {"targets", json::array({{{"item", "ov-ord"}}})},
                          {"reference", "PTA/OV/1"}}
                         .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json["id"], path = "/v1/orders/" + id;
  ASSERT_EQ(s().Call("POST", path + "/events", "moderator", R"({"event":"review"})").status, 200);
  r = s().Call("POST", path + "/events", "moderator", R"({"event":"act","outcome":"withheld"})");
  EXPECT_EQ(r.json["standing"], "in_force") << r.body;
  EXPECT_FALSE(VisibleEverywhere("ov-ord"));
  ASSERT_EQ(s().Call("POST", path + "/appeal", "moderator", R"({"text":"lawful"})").status, 200);
  ASSERT_EQ(s().Call("POST", path + "/appeal/decision", "moderator2", R"({"outcome":"reversed","reason":"news"})")
                .status,
            200);
  r = s().Call("POST", path + "/events", "moderator", R"({"event":"close"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "closed");
  EXPECT_EQ(r.json["standing"], "reversed");
  // The desk's list, the order page and the authority's own view.
  for (const char* who : {"moderator", "authority"}) {
    r = s().Call("GET", path, who);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["standing"], "reversed") << who;
    r = s().Call("GET", "/v1/orders", who);
    bool found = false;
    for (const json& o : r.json["orders"])
      if (o["id"] == id) {
        found = true;
        EXPECT_EQ(o["standing"], "reversed") << who;
      }
    EXPECT_TRUE(found) << who << ": " << r.body;
  }
  EXPECT_TRUE(VisibleEverywhere("ov-ord"));
  r = s().Call("GET", "/v1/reports/transparency", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json["government_orders"]["total"]["reversed_on_appeal"].get<int>(), 1) << r.body;
}

TEST_F(AppealsApiTest, UsersAppealDecisionsDecidedBySomeoneElse) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Removed("ap-1")).status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/decisions/ap-1/review", "moderator", R"({"verdict":"confirm","reason":"spam"})")
                .status,
            200);
  const std::string policy = "examples@1";  // examples/policy.yaml
  const std::string ref = "ap-1@" + policy;

  EXPECT_EQ(s().Call("POST", "/v1/appeals", "moderator2", R"({"decision":"ap-1","text":"x"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/appeals", "moderator2", json{{"decision", ref}, {"text", " "}}.dump()).code(),
            "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/appeals", "moderator2", json{{"decision", "nope@" + policy}, {"text", "x"}}.dump())
                .status,
            404);
  EXPECT_EQ(s().Call("POST", "/v1/appeals", "authority", json{{"decision", ref}, {"text", "x"}}.dump()).status, 403);

  Reply r = s().Call("POST", "/v1/appeals", "moderator2",
                     json{{"decision", ref}, {"text", "a school notice"}, {"contact", "parent@example.org"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json["id"];
  EXPECT_EQ(r.json["state"], "filed");
  EXPECT_EQ(r.json["confirmed_by"].get<std::string>().rfind("moderator via key:", 0), 0u) << r.body;
  ASSERT_EQ(r.json["outbox"].size(), 1u);
  r = s().Call("POST", "/v1/appeals", "moderator2", json{{"decision", ref}, {"text", "again"}}.dump());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["duplicate"], true);

  const std::string decide = "/v1/appeals/" + id + "/decision";
  EXPECT_EQ(s().Call("POST", decide, "moderator2", R"({"outcome":"maybe","reason":"x"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", decide, "moderator2", R"({"outcome":"reversed"})").code(), "invalid");
  // The person who confirmed the decision, through another key of theirs, may not decide.
  s().AnotherKey("moderator-second-key", "moderator", Role::kModerator);
  r = s().Call("POST", decide, "moderator-second-key", R"({"outcome":"reversed","reason":"ok"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("confirmed the decision"), std::string::npos) << r.body;
  EXPECT_FALSE(VisibleEverywhere("ap-1"));

  r = s().Call("POST", decide, "moderator2", R"({"outcome":"reversed","reason":"a school notice, not spam"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "reversed");
  ASSERT_EQ(r.json["outbox"].size(), 2u);
  EXPECT_EQ(r.json["outbox"][1]["to"], "parent@example.org");
  EXPECT_NE(r.json["outbox"][1]["text"].get<std::string>().find("a school notice, not spam"), std::string::npos);
  EXPECT_EQ(s().Call("POST", decide, "admin", R"({"outcome":"upheld","reason":"x"})").status, 409);
  EXPECT_TRUE(VisibleEverywhere("ap-1"));

  r = s().Call("GET", "/v1/appeals/" + id, "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> actions;
  for (const json& h : r.json["history"]) {
    actions.insert(h["action"].get<std::string>());
    EXPECT_NE(h["actor"].get<std::string>().find(" via key:"), std::string::npos);
  }
  EXPECT_EQ(actions, (std::set<std::string>{"appeal.file", "appeal.decide"}));
  EXPECT_EQ(s().Call("GET", "/v1/appeals/" + id, "authority").status, 403);
  EXPECT_EQ(s().Call("GET", "/v1/appeals/apl-0000", "auditor").status, 404);
  r = s().Call("GET", "/v1/appeals?state=reversed", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["appeals"].size(), 1u);
  EXPECT_EQ(s().Call("GET", "/v1/appeals?state=x", "auditor").code(), "bad_query");
  r = s().Call("GET", "/v1/reports/transparency", "auditor");
  bool counted = false;
  for (const json& c : r.json["complaints"]["rows"])
    if (c["source"] == "own_initiative") counted = c["decisions_reversed"] == 1;
  EXPECT_TRUE(counted) << r.json["complaints"].dump();
}

}  // namespace
}  // namespace evenhand::server::test
