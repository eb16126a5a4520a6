// POST /v1/retention/run (issue 14 points 3 and 10): the API form of
// `evenhand retention run`. Admin only; login records older than
// keep_logins go unless the law of the account's country keeps them longer
// (PECA 2016 s.32 for PK: a year), each deletion audited under the caller;
// the answer counts, never an address; a bad field is a 400 naming it and
// nothing is deleted; a dry run deletes nothing.
#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1798588800;  // 2026-12-30T00:00:00Z

int64_t Logins(const std::string& db, const std::string& account) {
  auto store = OpenStore(db, OpenMode::kMustExist);
  EXPECT_TRUE(store.ok());
  auto l = (*store)->LoginsOf(account);
  EXPECT_TRUE(l.ok());
  return l.ok() ? static_cast<int64_t>(l->size()) : -1;
}

TEST(RetentionApi, LoginRecordsGoUnlessTheLawKeepsThemAdminOnlyAndAudited) {
  TestServer s([](ServerOptions& o) { o.clock = [] { return kNow; }; });
  {
    auto store = OpenStore(s.db(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutAccount({"acc-gb", 1'700'000'000, "GB"}).ok());
  }
  // acc1 is in PK (a year kept by law), acc-gb in GB (no figure): two old, one recent each.
  json logins = {{"logins", json::array()}};
  for (const char* account : {"acc1", "acc-gb"})
    for (const char* ts : {"2026-09-01T08:00:00Z", "2026-10-01T08:00:00Z", "2026-12-20T08:00:00Z"})
      logins["logins"].push_back({{"account", account}, {"ts", ts}, {"ip", "203.0.113.9"}, {"port", 40000}});
  Reply r = s.Call("POST", "/v1/logins", "moderator", logins.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Logins(s.db(), "acc-gb"), 3);

  const std::string run = R"({"keep":"3650d","keep_logins":"30d"})";
  for (const char* who : {"moderator", "auditor", "authority"}) {
    r = s.Call("POST", "/v1/retention/run", who, run);
    EXPECT_EQ(r.status, 403) << who << ": " << r.body;
  }
  EXPECT_EQ(s.Call("POST", "/v1/retention/run", "", run).status, 401);
  // Bad fields: 400 naming the field; nothing deleted.
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"keep_logins":"30d"})", "keep"},
           {R"({"keep":"soon"})", "keep"},
           {R"({"keep":"0d"})", "keep"},
           {R"({"keep":"3650d","keep_logins":30})", "keep_logins"},
           {R"({"keep":"3650d","keep_logins":"soon"})", "keep_logins"},
           {R"({"keep":"3650d","dry_run":"yes"})", "dry_run"}}) {
    r = s.Call("POST", "/v1/retention/run", "admin", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.code(), "invalid") << body;
    EXPECT_EQ(r.json["error"]["message"].get<std::string>().rfind(field, 0), 0u) << body << ": " << r.body;
  }
  r = s.Call("POST", "/v1/retention/run", "admin", R"(["keep"])");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.code(), "bad_json") << r.body;
  EXPECT_EQ(Logins(s.db(), "acc-gb"), 3);
  EXPECT_EQ(Logins(s.db(), "acc1"), 3);

  // A dry run reports and deletes nothing.
  r = s.Call("POST", "/v1/retention/run", "admin", R"({"keep":"3650d","keep_logins":"30d","dry_run":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["dry_run"], true);
  EXPECT_EQ(r.json["logins"]["deleted"], 2) << r.body;
  EXPECT_EQ(Logins(s.db(), "acc-gb"), 3);

  r = s.Call("POST", "/v1/retention/run", "admin", run);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["logins"]["cutoff"], "2026-11-30T00:00:00Z");
  EXPECT_EQ(r.json["logins"]["deleted"], 2) << r.body;  // acc-gb's September and October logins
  EXPECT_EQ(r.json["logins"]["kept"], 2) << r.body;     // acc1's: younger than PECA's year
  ASSERT_EQ(r.json["logins"]["kept_accounts"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["logins"]["kept_accounts"][0]["account"], "acc1");
  EXPECT_NE(r.json["logins"]["kept_accounts"][0]["why"].get<std::string>().find("pk-peca-rbuoc-2021"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("203.0.113"), std::string::npos) << "no address in the answer";
  EXPECT_EQ(Logins(s.db(), "acc-gb"), 1);
  EXPECT_EQ(Logins(s.db(), "acc1"), 3);
  const AuditEntry last = s.LastAudit();
  EXPECT_EQ(last.action, "login.deleted");
  EXPECT_EQ(last.subject, "acc-gb");
  EXPECT_NE(last.actor.find("admin"), std::string::npos) << last.actor;
  EXPECT_EQ(last.payload.find("203.0.113"), std::string::npos) << "no address in the audit log";
}

}  // namespace
}  // namespace evenhand::server::test
