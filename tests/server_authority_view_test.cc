// What an authority sees (issue 14 point 5), against the one table that
// says it (server/field_visibility.h): every field of every answer an
// authority's key can get is a path the table shows to authorities; every
// path the table keeps from them is absent; no staff identity, internal
// note or user appeal text appears anywhere in those answers; staff see the
// same fields; and an authority never reads another authority's orders or
// data requests.
#include <set>

#include "server/field_visibility.h"
#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

const char* const kAppealText = "APPEAL-TEXT-7f3a: the post is satire";
const char* const kReviewNote = "INTERNAL-NOTE-91c2: checked with counsel";

// Every member path of `j` under `view` ("order.history[].ts"), with the
// values below a `subtree` row left out.
void Paths(const json& j, const std::string& path, std::set<std::string>* out) {
  if (j.is_array()) {
    for (const json& e : j) Paths(e, path + "[]", out);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string child = path + "." + it.key();
    out->insert(child);
    bool subtree = false;
    for (const FieldRule& r : FieldTable())
      if (r.path == child) subtree = r.subtree;
    if (!subtree) Paths(it.value(), child, out);
  }
}

class AuthorityView : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    TestServer& s = *server_;
    auto post = json{{"id", "av-1"}, {"account", "acc1"}, {"text", "free money"}, {"region", "PK"},
                     {"ts", "2026-11-01T10:00:00Z"}};
    ASSERT_EQ(s.Call("POST", "/v1/scan", "moderator", post.dump()).status, 200);
    json order = {{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                  {"category", "unlawful_content_s37"},
                  {"targets", json::array({{{"item", "av-1"}}, {{"account", "acc1"}}})},
                  {"reference", "AV/1"}};
    Reply r = s.Call("POST", "/v1/orders", "authority", order.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    submitted_ = new json(r.json);
    order_ = r.json["id"];
    const std::string events = "/v1/orders/" + order_ + "/events";
    ASSERT_EQ(s.Call("POST", events, "moderator", R"({"event":"review"})").status, 200);
    ASSERT_EQ(s.Call("POST", events, "moderator", R"({"event":"act","outcome":"withheld"})").status, 200);
    ASSERT_EQ(s.Call("POST", "/v1/orders/" + order_ + "/appeal", "moderator", json{{"text", kAppealText}}.dump()).status,
              200);
    ASSERT_EQ(s.Call("POST", "/v1/orders/" + order_ + "/appeal/decision", "moderator2",
                     R"({"outcome":"reversed","reason":"news reporting, not unlawful"})")
                  .status,
              200);

    {
      // An account outside the authority's jurisdiction: the request is
      // cross-border, so staff record a legal review the authority must not read.
      auto store = OpenStore(s.db(), OpenMode::kMustExist);
      ASSERT_TRUE(store.ok()) << store.status().message();
      ASSERT_TRUE((*store)->PutAccount({"acc-de", 1'700'000'000, "DE"}).ok());
    }
    json req = {{"reference", "AV/DR/1"},
                {"legal_process", {{"kind", "court_order"}, {"reference", "CO-1"}}},
                {"fields", {"account.id", "account.created"}},
                {"targets", {"acc1", "acc-de"}}};
    r = s.Call("POST", "/v1/datarequests", "authority", req.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    request_ = r.json["id"];
    const std::string dr = "/v1/datarequests/" + request_ + "/events";
    ASSERT_EQ(s.Call("POST", dr, "moderator", R"({"event":"prepare"})").status, 200);
    ASSERT_EQ(s.Call("POST", dr, "moderator2", json{{"event", "legal_review"}, {"reason", kReviewNote}}.dump()).status,
              200);
    ASSERT_EQ(s.Call("POST", dr, "moderator2", R"({"event":"approve"})").status, 200);
    ASSERT_EQ(s.Call("POST", dr, "moderator", R"({"event":"disclose"})").status, 200);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete submitted_;
    server_ = nullptr;
    submitted_ = nullptr;
  }

  // Every answer the authority's key can get, each as (view, object).
  std::vector<std::pair<std::string, json>> AuthorityAnswers(const std::string& who) {
    std::vector<std::pair<std::string, json>> out;
    auto get = [&](const std::string& path) {
      Reply r = server_->Call("GET", path, who);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      bodies_.push_back(r.body);
      return r.json;
    };
    out.emplace_back("order", *submitted_);
    out.emplace_back("order", get("/v1/orders/" + order_));
    const json orders = get("/v1/orders");
    for (const json& o : orders.value("orders", json::array())) out.emplace_back("order", o);
    out.emplace_back("datarequest", get("/v1/datarequests/" + request_));
    const json requests = get("/v1/datarequests");
    for (const json& d : requests.value("requests", json::array())) out.emplace_back("datarequest", d);
    out.emplace_back("me", get("/v1/me"));
    out.emplace_back("item", get("/v1/items/av-1"));  // named by its order
    const json authorities = get("/v1/authorities");
    for (const json& a : authorities.value("authorities", json::array())) out.emplace_back("authority", a);
    // A repeat submission answers with the order (and request) on file.
    Reply again = server_->Call("POST", "/v1/orders", who,
                                json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                                     {"category", "unlawful_content_s37"},
                                     {"targets", json::array({{{"item", "av-1"}}})},
                                     {"reference", "AV/1"}}
                                    .dump());
    EXPECT_EQ(again.status, 200) << again.body;
    bodies_.push_back(again.body);
    out.emplace_back("order", again.json);
    return out;
  }

  static TestServer* server_;
  static json* submitted_;
  static std::string order_, request_;
  std::vector<std::string> bodies_;
};
TestServer* AuthorityView::server_ = nullptr;
json* AuthorityView::submitted_ = nullptr;
std::string AuthorityView::order_, AuthorityView::request_;

TEST_F(AuthorityView, EveryFieldAnAuthorityGetsIsOneTheTableShowsIt) {
  std::set<std::string> seen;
  for (const auto& [view, answer] : AuthorityAnswers("authority")) {
    ASSERT_TRUE(answer.is_object()) << view;
    std::set<std::string> paths;
    Paths(answer, view, &paths);
    for (const std::string& p : paths) {
      EXPECT_TRUE(MaySee(Role::kAuthority, p)) << "an authority got " << p << ", which the table keeps from it";
      seen.insert(p);
    }
  }
  // And the converse, field by field: what the table keeps from an
  // authority never reaches it; what it shows does (so the check above
  // is not vacuous).
  for (const FieldRule& r : FieldTable()) {
    const bool shown = (r.roles & RoleBit(Role::kAuthority)) != 0;
    if (!shown) {
      EXPECT_FALSE(seen.count(std::string(r.path))) << r.path << " reached an authority";
    }
  }
  for (const char* p : {"order.state", "order.deadline", "order.outcome", "order.reason", "order.targets[].outcome",
                        "order.appeal_status.filed", "order.appeal_status.decided", "order.appeal_status.outcome",
                        "order.history[].ts", "order.history[].action", "order.history[].payload.to",
                        "datarequest.state", "datarequest.disclosed_fields", "datarequest.package",
                        "datarequest.deadline", "me.fields"})
    EXPECT_TRUE(seen.count(p)) << p << " should reach the authority";
}

TEST_F(AuthorityView, NoStaffIdentityNoteOrAppealTextAnywhere) {
  AuthorityAnswers("authority");
  ASSERT_FALSE(bodies_.empty());
  for (const std::string& body : bodies_) {
    EXPECT_EQ(body.find(kAppealText), std::string::npos) << body;
    EXPECT_EQ(body.find("INTERNAL-NOTE"), std::string::npos) << body;
    EXPECT_EQ(body.find("via key:"), std::string::npos) << body;
    EXPECT_EQ(body.find("\"moderator"), std::string::npos) << body;  // the staff people are named moderator, moderator2
  }
  // What it does learn: the appeal was filed and decided, reversed, and why.
  Reply o = server_->Call("GET", "/v1/orders/" + order_, "authority");
  ASSERT_EQ(o.status, 200);
  EXPECT_EQ(o.json["appeal_status"], (json{{"filed", true}, {"decided", true}, {"outcome", "reversed"}}));
  EXPECT_EQ(o.json["reason"], "news reporting, not unlawful");
  EXPECT_EQ(o.json["state"], "reversed");
  for (const json& t : o.json["targets"]) EXPECT_EQ(t["outcome"], "reinstated") << t.dump();
  std::set<std::string> actions;
  for (const json& h : o.json["history"]) actions.insert(h["action"].get<std::string>());
  EXPECT_EQ(actions, (std::set<std::string>{"order.submit", "order.review", "order.act", "order.reopen",
                                            "order.reverse"}));
}

TEST_F(AuthorityView, StaffSeeWhatIsKeptFromAuthorities) {
  Reply o = server_->Call("GET", "/v1/orders/" + order_, "auditor");
  ASSERT_EQ(o.status, 200);
  EXPECT_EQ(o.json["appeal"], kAppealText);
  bool actor = false;
  for (const json& h : o.json["history"]) actor = actor || h["actor"].get<std::string>().find("moderator2 via key:") == 0;
  EXPECT_TRUE(actor) << o.body;
  Reply d = server_->Call("GET", "/v1/datarequests/" + request_, "moderator");
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(d.json["prepared_by"].get<std::string>().rfind("moderator via key:", 0), 0u) << d.body;
  EXPECT_EQ(d.json["legal_review"]["note"], kReviewNote);
  // The dashboard gets the role's paths: staff every row, an authority its own.
  Reply me = server_->Call("GET", "/v1/me", "moderator");
  EXPECT_EQ(me.json["fields"].size(), FieldTable().size());
  Reply mine = server_->Call("GET", "/v1/me", "authority");
  std::set<std::string> fields;
  for (const json& f : mine.json["fields"]) fields.insert(f.get<std::string>());
  EXPECT_FALSE(fields.count("order.appeal"));
  EXPECT_FALSE(fields.count("order.history[].actor"));
  EXPECT_TRUE(fields.count("order.appeal_status.filed"));
}

TEST_F(AuthorityView, AnAuthorityNeverReadsAnotherAuthoritysRequests) {
  // fia (authority_b) asks for pta's order and request by id, and lists.
  for (const std::string& path : {"/v1/orders/" + order_, "/v1/datarequests/" + request_}) {
    Reply r = server_->Call("GET", path, "authority_b");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("pta"), std::string::npos) << r.body;
  }
  for (const auto& [path, key] : {std::pair<std::string, std::string>{"/v1/orders", "orders"},
                                  {"/v1/datarequests", "requests"}}) {
    Reply r = server_->Call("GET", path, "authority_b");
    ASSERT_EQ(r.status, 200);
    for (const json& x : r.json[key]) EXPECT_EQ(x["authority"], "fia") << x.dump();
  }
  // The same reference from another authority is another request, not pta's.
  Reply same = server_->Call("POST", "/v1/orders", "authority_b",
                             json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                                  {"category", "unlawful_content_s37"},
                                  {"targets", json::array({{{"item", "av-1"}}})},
                                  {"reference", "AV/1"}}
                                 .dump());
  EXPECT_EQ(same.status, 201) << same.body;
  EXPECT_NE(same.json["id"], order_);
  EXPECT_EQ(same.json["state"], "accepted");
  // Nor can it act on, appeal or decide anything.
  EXPECT_EQ(server_->Call("POST", "/v1/orders/" + order_ + "/events", "authority_b", R"({"event":"close"})").status,
            403);
  EXPECT_EQ(server_->Call("POST", "/v1/datarequests/" + request_ + "/events", "authority_b", R"({"event":"refuse"})")
                .status,
            403);
}

}  // namespace
}  // namespace evenhand::server::test
