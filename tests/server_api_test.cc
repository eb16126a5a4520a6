// The /v1 API end to end, in process: every route's success and its 4xx
// answers, the role matrix (each role x each route), and authority
// isolation (authority A never sees authority B's orders or requests).
#include <set>

#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

std::string OrderBody(const std::string& item, const std::string& reference) {
  return json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
              {"category", "unlawful_content_s37"},
              {"targets", json::array({{{"item", item}}})},
              {"reference", reference}}
      .dump();
}

std::string Post(const std::string& id, const std::string& text) {
  return json{{"id", id}, {"account", "acc1"}, {"text", text}, {"region", "PK"}, {"ts", "2026-11-01T10:00:00Z"}}.dump();
}

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  TestServer& s() { return *server_; }
  static TestServer* server_;
};
TestServer* ApiTest::server_ = nullptr;

TEST_F(ApiTest, HealthzAndUnknownRoutes) {
  Reply r = s().Call("GET", "/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["status"], "ok");
  r = s().Call("GET", "/v1/nothing", "moderator");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "no_route");
  r = s().Call("DELETE", "/v1/me", "moderator");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.code(), "method_not_allowed");
}

TEST_F(ApiTest, MeTellsRoleAndAuthority) {
  Reply r = s().Call("GET", "/v1/me", "authority");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["role"], "authority");
  EXPECT_EQ(r.json["authority"]["id"], "pta");
  EXPECT_EQ(r.json["authority"]["jurisdiction"], "PK");
  r = s().Call("GET", "/v1/me", "auditor");
  EXPECT_EQ(r.json["role"], "auditor");
  EXPECT_TRUE(r.json["authority"].is_null());
}

TEST_F(ApiTest, KeysAreCheckedAndNeverAcceptedWrong) {
  EXPECT_EQ(s().Call("GET", "/v1/me", "").code(), "unauthorized");
  EXPECT_EQ(s().Call("GET", "/v1/me", "not-a-key").code(), "unauthorized");
  // Same key id, different secret: the hash does not match.
  std::string forged = s().key("moderator");
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  Reply r = s().Call("GET", "/v1/me", forged);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "unauthorized");
  // A well-formed key that was never made.
  r = s().Call("GET", "/v1/me", "ehk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(r.status, 401);
}

TEST_F(ApiTest, ScanOneItemStoresTheDecisionBeforeAnswering) {
  const int64_t before = s().Decisions();
  Reply r = s().Call("POST", "/v1/scan", "moderator", Post("scan-1", "claim your prize now"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["item"], "scan-1");
  EXPECT_EQ(r.json["category"], "scams_and_fraud");
  EXPECT_EQ(r.json["policy"], "examples@1");
  EXPECT_FALSE(r.json["signals"].empty());
  EXPECT_EQ(s().Decisions(), before + 1);  // durable once answered
  // Same again: answered, stored once.
  r = s().Call("POST", "/v1/scan", "moderator", Post("scan-1", "claim your prize now"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(s().Decisions(), before + 1);
  // A clean post.
  r = s().Call("POST", "/v1/scan", "admin", Post("scan-2", "a walk in the park"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["action"], "allow");
}

TEST_F(ApiTest, ScanRefusesBadItems) {
  const int64_t before = s().Decisions();
  Reply r = s().Call("POST", "/v1/scan", "moderator", R"({"id":"x","text":)");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "bad_json");
  r = s().Call("POST", "/v1/scan", "moderator", R"({"kind":"account","id":"a9","created":"2026-01-01T00:00:00Z"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "invalid");
  r = s().Call("POST", "/v1/scan", "moderator", R"({"text":"no id"})");
  EXPECT_EQ(r.code(), "invalid");
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("id"), std::string::npos);
  r = s().Call("POST", "/v1/scan", "moderator", R"({"id":"m1","text":"x","media":[{"path":"/etc/passwd"}]})");
  EXPECT_EQ(r.code(), "invalid");
  EXPECT_EQ(s().Decisions(), before);
}

TEST_F(ApiTest, ScanBatch) {
  const int64_t before = s().Decisions();
  json items = json::array({json::parse(Post("b1", "i will kill you")), json::parse(Post("b2", "free money")),
                            json::parse(Post("b3", "hello there"))});
  Reply r = s().Call("POST", "/v1/scan/batch", "moderator", json{{"items", items}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["decisions"].size(), 3u);
  EXPECT_EQ(r.json["decisions"][0]["item"], "b1");
  EXPECT_EQ(r.json["decisions"][0]["category"], "violence");
  EXPECT_EQ(r.json["decisions"][2]["action"], "allow");
  EXPECT_EQ(s().Decisions(), before + 3);
  // One bad item fails the batch; nothing stored.
  items.push_back(json{{"id", "b5"}});  // no text
  items[0]["id"] = "b4";
  r = s().Call("POST", "/v1/scan/batch", "moderator", json{{"items", items}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("items[3]"), std::string::npos);
  r = s().Call("POST", "/v1/scan/batch", "moderator", R"({"items":[]})");
  EXPECT_EQ(r.code(), "invalid");
  r = s().Call("POST", "/v1/scan/batch", "moderator", R"({"things":[]})");
  EXPECT_EQ(r.code(), "invalid");
  // Two items with one id: refused, nothing stored.
  json twice = json::array({json::parse(Post("b6", "one")), json::parse(Post("b7", "two")), json::parse(Post("b6", "three"))});
  r = s().Call("POST", "/v1/scan/batch", "moderator", json{{"items", twice}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("\"b6\" appears more than once"), std::string::npos)
      << r.body;
  EXPECT_EQ(s().Decisions(), before + 3);
}

TEST_F(ApiTest, ReviewQueue) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("rq-1", "you will be shot")).status, 200);
  Reply r = s().Call("GET", "/v1/decisions?review=1", "moderator");
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  for (const json& d : r.json["decisions"])
    if (d["item"] == "rq-1") {
      found = true;
      EXPECT_EQ(d["rule"], "violent-threat");
      EXPECT_EQ(d["post"]["text"], "you will be shot");
      EXPECT_FALSE(d["reason"].get<std::string>().empty());
      EXPECT_TRUE(d["reviewed"].is_null());
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(s().Call("GET", "/v1/decisions?limit=0", "moderator").code(), "bad_query");
  EXPECT_EQ(s().Call("POST", "/v1/decisions/rq-1/review", "moderator", R"({"verdict":"maybe"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/decisions/rq-1/review", "moderator", R"({"verdict":"overturn"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/decisions/nope/review", "moderator", R"({"verdict":"confirm"})").status, 404);
  r = s().Call("POST", "/v1/decisions/rq-1/review", "moderator", R"({"verdict":"confirm","reason":"clear threat"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["reviewed"]["verdict"], "confirm");
  EXPECT_EQ(r.json["reviewed"]["by"].get<std::string>().rfind("moderator via key:", 0), 0u);
  EXPECT_EQ(s().Call("POST", "/v1/decisions/rq-1/review", "moderator", R"({"verdict":"confirm"})").status, 409);
  r = s().Call("GET", "/v1/decisions?review=1&limit=1000", "moderator");
  for (const json& d : r.json["decisions"]) EXPECT_NE(d["item"], "rq-1");
}

TEST_F(ApiTest, OrderLifecycleAndAppeal) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("ord-item-1", "free money")).status, 200);
  Reply r = s().Call("POST", "/v1/orders", "authority", OrderBody("ord-item-1", "PTA/1"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json["id"];
  EXPECT_EQ(r.json["state"], "accepted");
  EXPECT_EQ(r.json["authority"], "pta");
  EXPECT_EQ(r.json["regime"], "pk-peca-rbuoc-2021");
  EXPECT_GT(r.json["seconds_left"].get<int64_t>(), 47 * 3600);
  // Repeat of (authority, reference): the order on file.
  r = s().Call("POST", "/v1/orders", "authority", OrderBody("ord-item-1", "PTA/1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["duplicate"], true);
  EXPECT_EQ(r.json["id"], id);

  EXPECT_EQ(s().Call("POST", "/v1/orders/" + id + "/events", "moderator", R"({"event":"act","outcome":"withheld"})")
                .status,
            409);  // must be in review first
  EXPECT_EQ(s().Call("POST", "/v1/orders/" + id + "/events", "moderator", R"({"event":"fly"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/orders/ord-0000/events", "moderator", R"({"event":"review"})").status, 404);
  r = s().Call("POST", "/v1/orders/" + id + "/events", "moderator", R"({"event":"review"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "in_review");
  r = s().Call("POST", "/v1/orders/" + id + "/events", "moderator", R"({"event":"act","outcome":"withheld"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "actioned");
  EXPECT_EQ(r.json["outcome"], "withheld");

  EXPECT_EQ(s().Call("POST", "/v1/orders/" + id + "/appeal", "moderator", "{}").code(), "invalid");
  r = s().Call("POST", "/v1/orders/" + id + "/appeal", "moderator", R"({"text":"this is lawful reporting"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "reopened");
  EXPECT_EQ(s().Call("POST", "/v1/orders/" + id + "/appeal/decision", "moderator", R"({"outcome":"maybe"})").code(),
            "invalid");
  r = s().Call("POST", "/v1/orders/" + id + "/appeal/decision", "moderator",
               R"({"outcome":"reversed","reason":"news reporting"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "reversed");
  EXPECT_EQ(s().Call("POST", "/v1/orders/" + id + "/appeal/decision", "moderator", R"({"outcome":"upheld"})").status,
            409);

  // The history names each actor.
  r = s().Call("GET", "/v1/orders/" + id, "auditor");
  ASSERT_EQ(r.status, 200);
  std::set<std::string> actions;
  for (const json& h : r.json["history"]) {
    actions.insert(h["action"].get<std::string>());
    EXPECT_NE(h["actor"].get<std::string>().find(" via key:"), std::string::npos) << h.dump();
  }
  EXPECT_GE(actions.size(), 4u);
}

TEST_F(ApiTest, OrderSubmissionErrors) {
  const int64_t before = s().Cases();
  Reply r = s().Call("POST", "/v1/orders", "authority", R"({"category":"unlawful_content_s37"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "invalid");
  json other = json::parse(OrderBody("x", "PTA/2"));
  other["authority"] = "fia";
  r = s().Call("POST", "/v1/orders", "authority", other.dump());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "wrong_authority");
  other["authority"] = "pta";
  other["jurisdiction"] = "BR";
  r = s().Call("POST", "/v1/orders", "authority", other.dump());
  EXPECT_EQ(r.code(), "wrong_authority");
  EXPECT_EQ(s().Call("GET", "/v1/orders?state=flying", "moderator").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/orders?due_within=soon", "moderator").code(), "bad_query");
  EXPECT_EQ(s().Cases(), before);
  // An order without a legal basis is stored rejected, with the reason: an answer.
  json no_basis = json::parse(OrderBody("x", "PTA/3"));
  no_basis.erase("legal_basis");
  r = s().Call("POST", "/v1/orders", "authority", no_basis.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["state"], "rejected");
  EXPECT_FALSE(r.json["reason"].get<std::string>().empty());
}

TEST_F(ApiTest, AuthorityNeverSeesAnotherAuthoritysOrders) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("iso-item", "free money")).status, 200);
  Reply a = s().Call("POST", "/v1/orders", "authority", OrderBody("iso-item", "ISO/A"));
  Reply b = s().Call("POST", "/v1/orders", "authority_b", OrderBody("iso-item", "ISO/B"));
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(b.json["authority"], "fia");
  const std::string id_a = a.json["id"], id_b = b.json["id"];
  for (const auto& [who, own, other] : {std::tuple{"authority", id_a, id_b}, std::tuple{"authority_b", id_b, id_a}}) {
    Reply list = s().Call("GET", "/v1/orders", who);
    ASSERT_EQ(list.status, 200);
    std::set<std::string> ids;
    for (const json& o : list.json["orders"]) ids.insert(o["id"].get<std::string>());
    EXPECT_TRUE(ids.count(own)) << who;
    EXPECT_FALSE(ids.count(other)) << who;
    for (const json& o : list.json["orders"]) EXPECT_EQ(o["authority"], who == std::string("authority") ? "pta" : "fia");
    EXPECT_EQ(s().Call("GET", "/v1/orders/" + own, who).status, 200);
    Reply hidden = s().Call("GET", "/v1/orders/" + other, who);
    EXPECT_EQ(hidden.status, 404);
    EXPECT_EQ(hidden.body.find(other == id_a ? "pta" : "fia"), std::string::npos);
  }
  // Moderators see both, most urgent first.
  Reply all = s().Call("GET", "/v1/orders", "moderator");
  std::set<std::string> ids;
  int64_t last = INT64_MIN;
  bool sorted = true;
  for (const json& o : all.json["orders"]) {
    ids.insert(o["id"].get<std::string>());
    if (o.contains("seconds_left") && (o["state"] == "accepted" || o["state"] == "in_review")) {
      sorted = sorted && o["seconds_left"].get<int64_t>() >= last;
      last = o["seconds_left"].get<int64_t>();
    }
  }
  EXPECT_TRUE(ids.count(id_a) && ids.count(id_b));
  EXPECT_TRUE(sorted);
  // Authorities list: only its own.
  Reply auths = s().Call("GET", "/v1/authorities", "authority");
  ASSERT_EQ(auths.json["authorities"].size(), 1u);
  EXPECT_EQ(auths.json["authorities"][0]["id"], "pta");
}

TEST_F(ApiTest, DataRequestsFourEyesAndIsolation) {
  json req = {{"reference", "DR/1"},
              {"legal_process", {{"kind", "court_order"}, {"reference", "CO-9"}}},
              {"fields", {"account.id", "account.created"}},
              {"targets", {"acc1"}}};
  Reply r = s().Call("POST", "/v1/datarequests", "authority", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json["id"];
  EXPECT_EQ(r.json["state"], "accepted");
  EXPECT_EQ(s().Call("POST", "/v1/datarequests", "authority", req.dump()).status, 200);
  EXPECT_EQ(s().Call("POST", "/v1/datarequests", "authority", R"({"reference":7})").code(), "invalid");
  EXPECT_EQ(s().Call("GET", "/v1/datarequests/" + id, "authority_b").status, 404);
  r = s().Call("GET", "/v1/datarequests", "authority_b");
  for (const json& x : r.json["requests"]) EXPECT_NE(x["id"], id);
  EXPECT_EQ(s().Call("GET", "/v1/datarequests?state=nope", "moderator").code(), "bad_query");

  EXPECT_EQ(s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator", R"({"event":"fly"})").code(), "invalid");
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator", R"({"event":"prepare"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "prepared");
  // Four eyes: the preparer may not approve.
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator", R"({"event":"approve"})");
  EXPECT_EQ(r.status, 409) << r.body;
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator2", R"({"event":"approve"})");
  ASSERT_EQ(r.status, 200) << r.body;
  // Auditors read it without the package; the authority gets it once disclosed.
  r = s().Call("GET", "/v1/datarequests/" + id, "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json.contains("package") && !r.json["package"].is_null()) << r.body;
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator", R"({"event":"disclose"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "disclosed");
  int64_t audit = s().AuditEntries();
  r = s().Call("GET", "/v1/datarequests/" + id, "auditor");  // no package: one api.read entry
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(s().AuditEntries(), audit + 1);
  audit = s().AuditEntries();
  r = s().Call("GET", "/v1/datarequests/" + id, "authority");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("acc1"), std::string::npos);
  EXPECT_EQ(s().AuditEntries(), audit + 1);  // the package read is audited once (datareq.view)
}

TEST_F(ApiTest, ReadsAreAuditedWithTheirActor) {
  const int64_t audit = s().AuditEntries();
  Reply r = s().Call("GET", "/v1/orders", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s().AuditEntries(), audit + 1);
  const AuditEntry last = s().LastAudit();
  EXPECT_EQ(last.action, "api.read");
  EXPECT_EQ(last.subject, "GET /v1/orders");
  r = s().Call("GET", "/v1/me", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(s().LastAudit().actor, "auditor via key:" + r.json["key"].get<std::string>());
  EXPECT_EQ(r.json["person"]["id"], "auditor");
  // A refused read stores nothing.
  const int64_t before = s().AuditEntries();
  EXPECT_EQ(s().Call("GET", "/v1/keys", "auditor").status, 403);
  EXPECT_EQ(s().Call("GET", "/v1/orders", "").status, 401);
  EXPECT_EQ(s().AuditEntries(), before);
}

// The dashboard's charts show words, not ids (issue 14 point 9): the SLA and
// times rows carry labels beside their ids.
TEST_F(ApiTest, ReportRowsCarryLabelsBesideTheirIds) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("lbl-item-1", "a harmless post")).status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/orders", "authority", OrderBody("lbl-item-1", "PTA/LBL/1")).status, 201);
  Reply r = s().Call("GET", "/v1/reports/sla?due_within=6h", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  for (const auto& row : r.json["rows"]) {
    if (row["category"] != "unlawful_content_s37") continue;
    found = true;
    EXPECT_EQ(row["category_label"], "Unlawful online content under s.37(1)") << row.dump();
    EXPECT_EQ(row["source_label"], "Authority orders") << row.dump();
  }
  EXPECT_TRUE(found) << r.body;
  r = s().Call("GET", "/v1/reports/times?by=authority", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  found = false;
  for (const auto& row : r.json["rows"])
    if (row["value"] == "pta") {
      found = true;
      EXPECT_EQ(row["value_label"], "Pakistan Telecommunication Authority") << row.dump();
    }
  EXPECT_TRUE(found) << r.body;
  r = s().Call("GET", "/v1/reports/times?by=category", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const auto& row : r.json["rows"]) {
    if (row["value"] == "unlawful_content_s37") {
      EXPECT_EQ(row["value_label"], "Unlawful online content under s.37(1)");
    }
  }
}

TEST_F(ApiTest, Reports) {
  Reply r = s().Call("GET", "/v1/reports/sla?due_within=6h", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json.is_object());
  EXPECT_EQ(s().Call("GET", "/v1/reports/sla?due_within=x", "auditor").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/reports/transparency", "auditor").status, 200);
  EXPECT_EQ(s().Call("GET", "/v1/reports/transparency?from=yesterday", "auditor").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/reports/times?by=region", "admin").status, 200);
  EXPECT_EQ(s().Call("GET", "/v1/reports/times?by=mood", "auditor").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/reports/penalties", "auditor").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/reports/penalties?regime=nowhere", "auditor").status, 404);
  r = s().Call("GET", "/v1/reports/penalties?regime=pk-peca-rbuoc-2021", "auditor");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiTest, KeysManagedByAdmin) {
  Reply r = s().Call("POST", "/v1/keys", "admin", R"({"role":"auditor","person":"auditor","name":"ext-auditor"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string key = r.json["key"], id = r.json["id"];
  EXPECT_EQ(s().Call("GET", "/v1/me", key).json["role"], "auditor");
  r = s().Call("GET", "/v1/keys", "admin");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find(key), std::string::npos);  // never shown again
  EXPECT_EQ(r.body.find("hash"), std::string::npos);
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"king"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"authority"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"authority","authority":"nobody","person":"authority"})").code(),
            "invalid");
  r = s().Call("DELETE", "/v1/keys/" + id, "admin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["revoked"].is_null());
  EXPECT_EQ(s().Call("GET", "/v1/me", key).status, 401);
  EXPECT_EQ(s().Call("DELETE", "/v1/keys/" + id, "admin").status, 409);
  EXPECT_EQ(s().Call("DELETE", "/v1/keys/ffffffff", "admin").status, 404);
  const std::string own = s().key("admin").substr(4, 8);
  EXPECT_EQ(s().Call("DELETE", "/v1/keys/" + own, "admin").status, 409);
}

TEST_F(ApiTest, AuthoritiesAndPolicy) {
  Reply r = s().Call("POST", "/v1/authorities", "admin",
                     R"({"id":"mcit","name":"Ministry","jurisdiction":"PK","kind":"government"})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(s().Call("POST", "/v1/authorities", "admin", R"({"id":"x","name":"X","jurisdiction":"PK","kind":"club"})")
                .code(),
            "invalid");
  r = s().Call("GET", "/v1/policy", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["id"], "examples@1");
  r = s().Call("POST", "/v1/policy/reload", "admin");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["id"], "examples@1");
}

TEST_F(ApiTest, MetricsCountRoutesScansAndOrders) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("met-1", "free money")).status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/orders", "authority", OrderBody("met-1", "MET/1")).status, 201);
  Reply r = s().Call("GET", "/metrics", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_http_requests_total{route=\"POST /v1/scan\",code=\"200\"}"), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_http_request_duration_seconds_bucket{route=\"POST /v1/scan\",le=\"0.005\"}"),
            std::string::npos);
  EXPECT_NE(r.body.find("evenhand_scan_items_total "), std::string::npos);
  EXPECT_EQ(r.body.find("evenhand_scan_items_total 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_store_commit_duration_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_EQ(r.body.find("evenhand_store_commit_duration_seconds_count 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_orders_open{regime=\"pk-peca-rbuoc-2021\"}"), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_orders_due_within_6h{regime="), std::string::npos);
  EXPECT_NE(r.body.find("evenhand_orders_overdue{regime="), std::string::npos);
  EXPECT_EQ(r.body.find("/v1/orders/ord-"), std::string::npos);  // patterns, not raw paths
}

// ---- the role matrix

struct RouteCase {
  const char* method;
  const char* path;
  const char* body;
  const char* roles;  // letters of the roles allowed: a(uthority) m(oderator) u (auditor) d (admin); "" = public
};

TEST_F(ApiTest, RoleMatrix) {
  // Fixtures the routes act on.
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("rm-item", "you will be shot")).status, 200);
  Reply o = s().Call("POST", "/v1/orders", "authority", OrderBody("rm-item", "RM/1"));
  ASSERT_EQ(o.status, 201);
  const std::string order = "/v1/orders/" + o.json["id"].get<std::string>();
  json req = {{"authority", "pta"},
              {"jurisdiction", "PK"},
              {"reference", "RM/DR"},
              {"legal_process", {{"kind", "court_order"}, {"reference", "CO-1"}}},
              {"fields", {"account.id"}},
              {"targets", {"acc1"}}};
  Reply d = s().Call("POST", "/v1/datarequests", "authority", req.dump());
  ASSERT_EQ(d.status, 201);
  const std::string dreq = "/v1/datarequests/" + d.json["id"].get<std::string>();
  Reply k = s().Call("POST", "/v1/keys", "admin", R"({"role":"moderator","person":"moderator"})");
  const std::string key = "/v1/keys/" + k.json["id"].get<std::string>();
  json order_json = json::parse(OrderBody("rm-item", "RM/2"));
  order_json["authority"] = "pta";
  order_json["jurisdiction"] = "PK";
  const std::string order_body = order_json.dump();
  const std::string scan_body = Post("rm-2", "hello");

  json pres = {{"authority", "pta"}, {"jurisdiction", "PK"}, {"reference", "RM/PR"},
               {"legal_basis", "PECA 2016 s.31"}, {"targets", {"acc1"}}};
  Reply pr = s().Call("POST", "/v1/preservations", "authority", pres.dump());
  ASSERT_EQ(pr.status, 201) << pr.body;
  const std::string pres_path = "/v1/preservations/" + pr.json["id"].get<std::string>();
  const std::string events = order + "/events", appeal = order + "/appeal", decision = order + "/appeal/decision",
                    devents = dreq + "/events";
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> routes = {
      {"GET", "/healthz", "", "*"},
      {"GET", "/metrics", "", "*"},
      {"GET", "/v1/me", "", "amud"},
      {"POST", "/v1/scan", scan_body, "md"},
      {"POST", "/v1/scan/batch", R"({"items":[{"id":"rm-3","text":"x"}]})", "md"},
      {"POST", "/v1/logins", R"({"logins":[{"account":"rm","ts":"2026-11-01T10:00:00Z","ip":"192.0.2.1"}]})", "md"},
      {"GET", "/v1/decisions", "", "md"},
      {"POST", "/v1/decisions/rm-item/review", R"({"verdict":"confirm"})", "md"},
      {"GET", "/v1/items/rm-item", "", "amud"},
      {"POST", "/v1/orders", order_body, "ad"},
      {"GET", "/v1/orders", "", "amud"},
      {"GET", order, "", "amud"},
      {"POST", events, R"({"event":"review"})", "md"},
      {"POST", appeal, R"({"text":"t"})", "md"},
      {"POST", decision, R"({"outcome":"upheld"})", "md"},
      {"POST", "/v1/appeals", R"({"decision":"rm-item@examples@1","text":"t"})", "md"},
      {"GET", "/v1/appeals", "", "mud"},
      {"POST", "/v1/datarequests", req.dump(), "ad"},
      {"GET", "/v1/datarequests", "", "amud"},
      {"GET", dreq, "", "amud"},
      {"POST", "/v1/preservations", pres.dump(), "ad"},
      {"GET", "/v1/preservations", "", "amud"},
      {"GET", pres_path, "", "amud"},
      {"POST", pres_path + "/events", R"({"event":"extend","reason":"warrant applied for"})", "md"},
      {"POST", devents, R"({"event":"prepare"})", "md"},
      {"GET", "/v1/reports/sla", "", "ud"},
      {"GET", "/v1/reports/transparency", "", "ud"},
      {"GET", "/v1/reports/times", "", "ud"},
      {"GET", "/v1/reports/penalties?regime=pk-peca-rbuoc-2021", "", "ud"},
      {"GET", "/v1/authorities", "", "amud"},
      {"POST", "/v1/authorities", R"({"id":"rm","name":"RM","jurisdiction":"PK","kind":"court"})", "d"},
      {"GET", "/v1/keys", "", "d"},
      {"POST", "/v1/keys", R"({"role":"auditor","person":"auditor"})", "d"},
      {"GET", "/v1/people", "", "d"},
      {"POST", "/v1/people", R"({"id":"rm-person","roles":["auditor"]})", "d"},
      {"DELETE", key, "", "d"},
      {"GET", "/v1/policy", "", "mud"},
      {"POST", "/v1/policy/reload", "", "d"},
      {"POST", "/v1/retention/run", R"({"keep":"36500d","dry_run":true})", "d"},
  };
  const std::vector<std::pair<char, std::string>> roles = {
      {'a', "authority"}, {'m', "moderator"}, {'u', "auditor"}, {'d', "admin"}, {'-', ""}};
  for (const auto& [method, path, body, allowed] : routes) {
    for (const auto& [letter, who] : roles) {
      Reply r = s().Call(method, path, who, body);
      const bool is_public = allowed == "*";
      SCOPED_TRACE(method + " " + path + " as " + (who.empty() ? "no key" : who) + ": " + r.body);
      if (is_public) {
        EXPECT_EQ(r.status, 200);
      } else if (who.empty()) {
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(r.code(), "unauthorized");
      } else if (allowed.find(letter) == std::string::npos) {
        EXPECT_EQ(r.status, 403);
        EXPECT_EQ(r.code(), "forbidden");
      } else {
        EXPECT_TRUE((r.status >= 200 && r.status < 300) || r.status == 409) << r.status;
      }
      // Every answer is JSON; every error has a code and a message.
      if (path != "/metrics") {
        ASSERT_FALSE(r.json.is_discarded());
        if (r.status >= 400) {
          EXPECT_FALSE(r.json["error"]["message"].get<std::string>().empty());
        }
      }
    }
  }
}

// Issue 14 point 4: four-eyes compares people, not keys. An admin who mints
// a second key for the same person cannot prepare with one and approve with
// the other; another person can.
TEST_F(ApiTest, FourEyesComparesPeopleNotKeys) {
  json req = {{"reference", "FIA/4E"}, {"legal_process", {{"kind", "court_order"}, {"reference", "CO-4E"}}},
              {"fields", {"account.id"}}, {"targets", {"acc1"}}};
  Reply r = s().Call("POST", "/v1/datarequests", "authority", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json["id"];
  // The admin makes a second key for the moderator, through the API.
  r = s().Call("POST", "/v1/keys", "admin", R"({"role":"moderator","person":" Moderator ","name":"laptop"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["person"], "moderator");
  const std::string second = r.json["key"];
  ASSERT_EQ(s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator", R"({"event":"prepare"})").status, 200);
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", second, R"({"event":"approve"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.code(), "conflict");
  r = s().Call("POST", "/v1/datarequests/" + id + "/events", "moderator2", R"({"event":"approve"})");
  EXPECT_EQ(r.status, 200) << r.body;
  // The approval's audit entry names the person and the key.
  EXPECT_EQ(s().LastAudit().actor.rfind("moderator2 via key:", 0), 0u) << s().LastAudit().actor;
}

TEST_F(ApiTest, KeysBelongToRegisteredPeopleInTheirRoles) {
  // No such person, a role the person does not hold, another authority's officer.
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"moderator","person":"nobody"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"admin","person":"moderator"})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"authority","person":"authority","authority":"fia"})").code(),
            "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/keys", "admin", R"({"role":"moderator"})").code(), "invalid");
  // People are added by admins only, with known roles.
  EXPECT_EQ(s().Call("POST", "/v1/people", "moderator", R"({"id":"x","roles":["moderator"]})").status, 403);
  EXPECT_EQ(s().Call("POST", "/v1/people", "admin", R"({"id":"x","roles":["boss"]})").code(), "invalid");
  EXPECT_EQ(s().Call("POST", "/v1/people", "admin", R"({"id":"x y","roles":["moderator"]})").code(), "invalid");
  Reply r = s().Call("POST", "/v1/people", "admin", R"({"id":"Bilal","name":"Bilal K.","roles":["moderator"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["id"], "bilal");
  EXPECT_EQ(s().Call("POST", "/v1/people", "admin", R"({"id":"BILAL ","roles":["moderator"]})").status, 409);
  r = s().Call("GET", "/v1/people", "admin");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  for (const json& p : r.json["people"]) found = found || p["id"] == "bilal";
  EXPECT_TRUE(found);
  r = s().Call("POST", "/v1/keys", "admin", R"({"role":"moderator","person":"bilal"})");
  ASSERT_EQ(r.status, 201) << r.body;
  r = s().Call("GET", "/v1/me", r.json["key"].get<std::string>());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["person"]["id"], "bilal");
}

// Issue 14 point 3: scanning a stored id with other content keeps both
// versions, audits the change with its content hash, decides the new
// version, and GET /v1/items/{id} shows it all.
TEST_F(ApiTest, RescanningAChangedItemKeepsEveryVersion) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("ver-1", "hello friends")).status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("ver-1", "hello friends")).status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("ver-1", "you will be shot")).status, 200);
  Reply r = s().Call("GET", "/v1/items/ver-1", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["versions"].size(), 2u) << r.body;
  EXPECT_EQ(r.json["versions"][0]["text"], "hello friends");
  EXPECT_EQ(r.json["versions"][1]["text"], "you will be shot");
  EXPECT_EQ(r.json["current_version"], 2);
  ASSERT_EQ(r.json["decisions"].size(), 2u) << r.body;
  EXPECT_EQ(r.json["decisions"][0]["version"], 1);
  EXPECT_EQ(r.json["decisions"][1]["version"], 2);
  EXPECT_TRUE(r.json["visibility"].contains("PK")) << r.body;
  bool audited = false;
  auto store = OpenStore(s().db(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)
                  ->ForEachAuditOf("ver-1",
                                   [&](const AuditEntry& e) {
                                     if (e.action != "item.version") return;
                                     audited = true;
                                     EXPECT_EQ(e.actor.rfind("moderator via key:", 0), 0u);
                                     EXPECT_NE(e.payload.find(r.json["versions"][1]["content_hash"].get<std::string>()),
                                               std::string::npos);
                                   })
                  .ok());
  EXPECT_TRUE(audited);
  EXPECT_EQ(s().Call("GET", "/v1/items/never-stored", "auditor").status, 404);
  // An authority gets only items its own orders name (server_items_test.cc).
  EXPECT_EQ(s().Call("GET", "/v1/items/ver-1", "authority").status, 404);
}

// Issue 14 point 6: an authority id is not silently moved to another
// jurisdiction, jurisdictions are assigned ISO codes or EU, and a legal
// basis that is only white space is no legal basis.
TEST_F(ApiTest, IntakeRefusesWhatDueProcessRefuses) {
  const std::string path = "/v1/authorities";
  Reply r = s().Call("POST", path, "admin", R"({"id":"dp6","name":"DP6","jurisdiction":"PK","kind":"court"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(s().Call("POST", path, "admin", R"({"id":"dp6","name":"DP6","jurisdiction":"PK","kind":"court"})").status, 201);
  r = s().Call("POST", path, "admin", R"({"id":"dp6","name":"DP6","jurisdiction":"BR","kind":"court"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(s().Call("POST", path, "admin",
                     R"({"id":"dp6","name":"DP6","jurisdiction":"BR","kind":"court","replace":true,"reason":"  "})")
                .code(),
            "invalid");
  for (const char* bad : {"ZZ", "XX", "pk", "UK", "PAK", "E U"}) {
    json body = {{"id", "dp6-bad"}, {"name", "x"}, {"jurisdiction", bad}, {"kind", "court"}};
    EXPECT_EQ(s().Call("POST", path, "admin", body.dump()).code(), "invalid") << bad;
  }
  EXPECT_EQ(s().Call("POST", path, "admin", R"({"id":"dp6-eu","name":"x","jurisdiction":"EU","kind":"regulator"})").status,
            201);
  r = s().Call("GET", path, "admin");
  for (const json& a : r.json["authorities"]) {
    if (a["id"] == "dp6") {
      EXPECT_EQ(a["jurisdiction"], "PK");
    }
  }
  r = s().Call("POST", path, "admin",
               R"({"id":"dp6","name":"DP6","jurisdiction":"BR","kind":"court","replace":true,"reason":"registered under the wrong country"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const AuditEntry last = s().LastAudit();
  EXPECT_EQ(last.action, "authority.replace");
  EXPECT_NE(last.payload.find("registered under the wrong country"), std::string::npos);
  EXPECT_NE(last.payload.find(R"("previous":{"name":"DP6","jurisdiction":"PK")"), std::string::npos) << last.payload;

  // A blank legal basis is missing: the order is stored rejected, with the reason.
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("dp6-item", "free money")).status, 200);
  json order = json::parse(OrderBody("dp6-item", "DP6/1"));
  order["legal_basis"] = {{"instrument", " \t"}, {"provision", "s.37"}};
  r = s().Call("POST", "/v1/orders", "authority", order.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["state"], "rejected");
  EXPECT_NE(r.json["reason"].get<std::string>().find("no legal basis"), std::string::npos) << r.body;

  // The authority's own deadline: the stricter of it and the regime's applies; both are shown.
  json strict = json::parse(OrderBody("dp6-item", "DP6/2"));
  strict["received"] = "2026-12-01T00:00:00Z";
  strict["authority_deadline"] = "2026-12-01T02:00:00Z";
  r = s().Call("POST", "/v1/orders", "authority", strict.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["state"], "accepted") << r.body;
  EXPECT_EQ(r.json["deadline"], "2026-12-01T02:00:00Z");
  EXPECT_EQ(r.json["authority_deadline"], "2026-12-01T02:00:00Z");
  ASSERT_TRUE(r.json["regime_deadline"].is_string()) << r.body;
  EXPECT_GT(r.json["regime_deadline"].get<std::string>(), "2026-12-01T02:00:00Z");
  json lax = strict;
  lax["reference"] = "DP6/3";
  lax["authority_deadline"] = "2027-01-01T00:00:00Z";
  r = s().Call("POST", "/v1/orders", "authority", lax.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["deadline"], r.json["regime_deadline"]) << r.body;
  lax["reference"] = "DP6/4";
  lax["authority_deadline"] = "2026-11-30T00:00:00Z";
  EXPECT_EQ(s().Call("POST", "/v1/orders", "authority", lax.dump()).code(), "invalid");
}

// Issue 14 point 6: a data request for an account in another country is
// cross-border and needs a recorded legal review before approval.
TEST_F(ApiTest, CrossBorderDataRequestsNeedALegalReview) {
  json req = {{"authority", "anatel"}, {"jurisdiction", "BR"}, {"reference", "ANATEL/X1"},
              {"legal_process", {{"kind", "court_order"}, {"reference", "CO-X1"}}},
              {"fields", {"account.id"}}, {"targets", {"acc1"}}};  // acc1 is in PK
  Reply r = s().Call("POST", "/v1/datarequests", "admin", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.json["state"], "accepted") << r.body;
  EXPECT_EQ(r.json["cross_border"], true);
  const std::string events = "/v1/datarequests/" + r.json["id"].get<std::string>() + "/events";
  ASSERT_EQ(s().Call("POST", events, "moderator", R"({"event":"prepare"})").status, 200);
  r = s().Call("POST", events, "moderator2", R"({"event":"approve"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("legal review"), std::string::npos) << r.body;
  EXPECT_EQ(s().Call("POST", events, "moderator2", R"({"event":"legal_review","reason":" "})").code(), "invalid");
  r = s().Call("POST", events, "moderator2",
               R"({"event":"legal_review","reason":"MLAT route not needed: court order recognised"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["legal_review"].is_null());
  r = s().Call("POST", events, "moderator2", R"({"event":"approve"})");
  EXPECT_EQ(r.status, 200) << r.body;
  // A domestic request is not cross-border and needs no review.
  json home = {{"reference", "PTA/X2"}, {"legal_process", {{"kind", "court_order"}, {"reference", "CO-X2"}}},
               {"fields", {"account.id"}}, {"targets", {"acc1"}}};
  r = s().Call("POST", "/v1/datarequests", "authority", home.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(r.json.contains("cross_border")) << "the platform's assessment is not shown to the authority";
  r = s().Call("GET", "/v1/datarequests/" + r.json["id"].get<std::string>(), "moderator");
  EXPECT_EQ(r.json["cross_border"], false);
}

// Issue 14 point 10: login records through the API, all or nothing, audited
// by count only; then a court order gets the login addresses.
TEST_F(ApiTest, LoginRecordsAreTakenInAndDisclosedOnlyUnderTheirProcess) {
  json logins = {{"logins",
                  {{{"account", "acc1"}, {"ts", "2026-10-01T08:00:00Z"}, {"ip", "203.0.113.9"}, {"port", 40000},
                    {"event", "signup"}},
                   {{"kind", "login"}, {"account", "acc1"}, {"ts", "2026-11-01T09:00:00Z"}, {"ip", "198.51.100.4"},
                    {"port", 50000}, {"device", "Firefox"}}}}};
  Reply r = s().Call("POST", "/v1/logins", "moderator", logins.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["stored"], 2);
  EXPECT_EQ(s().LastAudit().action, "login.intake");
  EXPECT_EQ(s().LastAudit().payload.find("198.51.100.4"), std::string::npos) << "no address in the audit log";
  r = s().Call("POST", "/v1/logins", "moderator", logins.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["stored"], 0);
  EXPECT_EQ(r.json["repeats"], 2);
  // One bad record: 400 naming it, nothing stored.
  json bad = {{"logins",
               {{{"account", "acc2"}, {"ts", "2026-11-01T09:00:00Z"}, {"ip", "192.0.2.1"}},
                {{"account", "acc2"}, {"ts", "2026-11-01T09:00:00Z"}, {"ip", "not-an-ip"}}}}};
  r = s().Call("POST", "/v1/logins", "moderator", bad.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("logins[1].ip"), std::string::npos) << r.body;
  {
    auto store = OpenStore(s().db(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*store)->LoginsOf("acc2")->empty());
  }
  EXPECT_EQ(s().Call("POST", "/v1/logins", "authority", logins.dump()).status, 403);

  json req = {{"reference", "PTA/IP1"}, {"legal_process", {{"kind", "statutory_notice"}, {"reference", "N-IP1"}}},
              {"fields", {"account.registration_ip", "account.logins.ip"}}, {"targets", {"acc1"}}};
  r = s().Call("POST", "/v1/datarequests", "authority", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string events = "/v1/datarequests/" + r.json["id"].get<std::string>() + "/events";
  r = s().Call("POST", events, "moderator", R"({"event":"prepare"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["disclosed_fields"], json::array({"account.registration_ip"}));
  EXPECT_EQ(r.json["withheld_fields"][0]["reason"], "traffic data is not covered by statutory_notice");
  EXPECT_EQ(r.json["package"]["records"][0]["account.registration_ip"]["ip"], "203.0.113.9");
  EXPECT_EQ(r.body.find("198.51.100.4"), std::string::npos);
  ASSERT_EQ(s().Call("POST", events, "moderator2", R"({"event":"approve"})").status, 200);
  ASSERT_EQ(s().Call("POST", events, "moderator2", R"({"event":"disclose"})").status, 200);
  AuditEntry last = s().LastAudit();
  EXPECT_EQ(last.action, "datareq.disclose");
  json payload = json::parse(last.payload);
  EXPECT_EQ(payload["ip_data"]["authority"], "pta");
  EXPECT_EQ(payload["ip_data"]["addresses"], 1);
  r = s().Call("GET", "/v1/reports/transparency", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json["data_requests"]["ip"]["asked"].get<int>(), 1) << r.body;
}

// Issue 14 point 10: preservation requests over the API.
TEST_F(ApiTest, PreservationRequestsFreezeExtendOnceAndShowTheirState) {
  json req = {{"reference", "PTA/PR1"}, {"legal_basis", "PECA 2016 s.31"}, {"targets", {"acc1"}},
              {"received", "2026-11-01T00:00:00Z"}};
  Reply r = s().Call("POST", "/v1/preservations", "authority", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["state"], "active");
  EXPECT_EQ(r.json["authority"], "pta");
  EXPECT_EQ(r.json["until"], "2027-01-30T00:00:00Z");  // 90 days: PECA 2016 s.31(1)
  EXPECT_EQ(r.json["period_basis"].get<std::string>().rfind("pk-peca-rbuoc-2021: https://", 0), 0u) << r.body;
  EXPECT_EQ(r.json["regime"], "pk-peca-rbuoc-2021");
  const std::string id = r.json["id"];
  r = s().Call("POST", "/v1/preservations", "authority", json{{"reference", "PTA/PR2"}, {"targets", {"acc1"}}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["state"], "rejected");
  EXPECT_NE(r.json["reason"].get<std::string>().find("no legal basis"), std::string::npos);
  r = s().Call("POST", "/v1/preservations", "authority", json{{"reference", "PTA/PR3"}, {"targets", {"acc1"}},
                                                               {"jurisdiction", "BR"}}.dump());
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(s().Call("POST", "/v1/preservations", "authority", R"({"reference":"X","targets":["acc1"],"days":"9"})").code(),
            "invalid");

  const std::string events = "/v1/preservations/" + id + "/events";
  EXPECT_EQ(s().Call("POST", events, "moderator", R"({"event":"extend"})").code(), "invalid") << "a reason is needed";
  r = s().Call("POST", events, "moderator", R"({"event":"extend","reason":"the warrant is on its way"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["state"], "extended");
  EXPECT_EQ(r.json["until"], "2027-04-30T00:00:00Z");
  r = s().Call("POST", events, "moderator", R"({"event":"extend","reason":"again"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(s().Call("POST", events, "authority", R"({"event":"release","reason":"x"})").status, 403);

  r = s().Call("GET", "/v1/preservations/" + id, "authority");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["extended"], true);
  EXPECT_FALSE(r.json.contains("extension")) << "who extended it is staff business";
  EXPECT_FALSE(r.json.contains("history"));
  r = s().Call("GET", "/v1/preservations/" + id, "moderator");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["history"].empty());
  r = s().Call("GET", "/v1/preservations?state=extended", "auditor");
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  for (const json& p : r.json["preservations"]) found = found || p["id"] == id;
  EXPECT_TRUE(found) << r.body;
  EXPECT_EQ(s().Call("GET", "/v1/preservations?state=frozen", "auditor").code(), "bad_query");
  r = s().Call("GET", "/v1/reports/transparency", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_GE(r.json["preservation_requests"]["extended"].get<int>(), 1) << r.body;
}

}  // namespace
}  // namespace evenhand::server::test
