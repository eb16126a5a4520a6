// Issue 14 point 10: sign-up and login records (JSONL intake, the store, a
// migration from schema v7 that keeps `audit verify` working), the
// subscriber and traffic fields of the catalogue with their coverage per
// legal process, minimised packages, the audit of each IP disclosure and
// the counts by authority with the reasons IP data was not given.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/transparency.h"
#include "cases/datareq_coverage.h"
#include "cases/datareq_desk.h"
#include "cases/datareq_stats.h"
#include "model/jsonl_reader.h"
#include "model/time.h"
#include "store/sqlite/sqlite_migrations.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kT = 1'790'000'000;  // 2026-09-21

// ---- the JSONL record -------------------------------------------------------

struct Parsed {
  ItemParser::Kind kind;
  LoginRecord login;
  ReadError error;
};

Parsed ParseLine(const std::string& line) {
  static ItemParser parser;
  Post post;
  Account account;
  Parsed p;
  p.kind = parser.Parse(line, &post, &account, &p.error);
  if (p.kind == ItemParser::Kind::kLogin) p.login = parser.login();
  return p;
}

TEST(LoginRecord, ParsesEveryFieldAndCanonicalisesTheAddress) {
  Parsed p = ParseLine(
      R"({"kind":"login","account":"a1","ts":"2026-09-21T10:00:00Z","ip":"2001:DB8:0::0:1","port":51514,)"
      R"("device":"Android 14","event":"signup"})");
  ASSERT_EQ(p.kind, ItemParser::Kind::kLogin) << p.error.field << ": " << p.error.what;
  EXPECT_EQ(p.login.account, "a1");
  EXPECT_EQ(p.login.ts, *ParseTimestamp("2026-09-21T10:00:00Z"));
  EXPECT_EQ(p.login.ip, "2001:db8::1");
  EXPECT_EQ(p.login.port, 51514);
  EXPECT_EQ(p.login.device, "Android 14");
  EXPECT_EQ(p.login.event, LoginEvent::kSignup);
  Parsed q = ParseLine(R"({"kind":"login","account":"a1","ts":"2026-09-21T10:00:00Z","ip":"203.0.113.7"})");
  ASSERT_EQ(q.kind, ItemParser::Kind::kLogin);
  EXPECT_EQ(q.login.port, 0);
  EXPECT_EQ(q.login.event, LoginEvent::kLogin);
}

TEST(LoginRecord, EachBadFieldIsNamed) {
  const std::string base = R"("kind":"login","account":"a1","ts":"2026-09-21T10:00:00Z")";
  struct Case {
    std::string line, field;
  } cases[] = {
      {"{" + base + "}", "ip"},
      {"{" + base + R"(,"ip":"203.0.113.300"})", "ip"},
      {"{" + base + R"(,"ip":"203.0.113.7:80"})", "ip"},
      {"{" + base + R"(,"ip":"203.0.113.7","port":0})", "port"},
      {"{" + base + R"(,"ip":"203.0.113.7","port":70000})", "port"},
      {"{" + base + R"(,"ip":"203.0.113.7","port":"80"})", "port"},
      {"{" + base + R"(,"ip":"203.0.113.7","event":"logout"})", "event"},
      {R"({"kind":"login","account":"a1","ip":"203.0.113.7"})", "ts"},
      {R"({"kind":"login","ts":"2026-09-21T10:00:00Z","ip":"203.0.113.7"})", "account"},
      {R"({"kind":"login","account":"a1","ts":"yesterday","ip":"203.0.113.7"})", "ts"},
  };
  for (const Case& c : cases) {
    Parsed p = ParseLine(c.line);
    EXPECT_EQ(p.kind, ItemParser::Kind::kError) << c.line;
    EXPECT_EQ(p.error.field, c.field) << c.line << " -> " << p.error.what;
  }
  // Posts keep ignoring fields they do not know, whatever their type.
  Parsed post = ParseLine(R"({"kind":"post","id":"p1","text":"hi","port":"x","ip":7})");
  EXPECT_EQ(post.kind, ItemParser::Kind::kPost);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "evenhand-ip-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (fs::path(dir_) / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

using LoginReaderTest = TempDir;

TEST_F(LoginReaderTest, LoginLinesAreAbsorbedAndAnUnknownAccountIsAnError) {
  const std::string path = Write("in.jsonl",
                                 R"({"kind":"account","id":"a1","country":"PK"})"
                                 "\n"
                                 R"({"kind":"login","account":"a1","ts":"2026-09-21T10:00:00Z","ip":"198.51.100.4","port":443})"
                                 "\n"
                                 R"({"kind":"post","id":"p1","account":"a1","text":"hello"})"
                                 "\n"
                                 R"({"kind":"login","account":"zz","ts":"2026-09-21T10:00:00Z","ip":"198.51.100.4"})"
                                 "\n");
  auto reader = JsonlReader::Open(path);
  ASSERT_TRUE(reader.ok());
  Post post;
  ReadError error;
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.id, "p1");
  ASSERT_EQ((*reader)->logins().size(), 1u);
  EXPECT_EQ((*reader)->logins()[0].port, 443);
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kError);
  EXPECT_EQ(error.line, 4);
  EXPECT_EQ(error.field, "account");
  EXPECT_EQ((*reader)->logins_seen(), 1);
}

// ---- the store ------------------------------------------------------------

using LoginStoreTest = TempDir;

LoginRecord Login(const std::string& account, int64_t ts, const std::string& ip, int port,
                  LoginEvent event = LoginEvent::kLogin) {
  LoginRecord l;
  l.account = account;
  l.ts = ts;
  l.ip = ip;
  l.port = port;
  l.device = "web";
  l.event = event;
  return l;
}

TEST_F(LoginStoreTest, StoredOnceOldestFirstAndDurable) {
  const std::string db = (fs::path(dir_) / "db.sqlite").string();
  {
    auto s = OpenStore(db);
    ASSERT_TRUE(s.ok());
    bool inserted = false;
    ASSERT_TRUE((*s)->PutLogin(Login("a1", kT + 60, "198.51.100.4", 50000), &inserted).ok());
    EXPECT_TRUE(inserted);
    ASSERT_TRUE((*s)->PutLogin(Login("a1", kT, "203.0.113.9", 40000, LoginEvent::kSignup), &inserted).ok());
    EXPECT_TRUE(inserted);
    ASSERT_TRUE((*s)->PutLogin(Login("a1", kT + 60, "198.51.100.4", 50000), &inserted).ok());
    EXPECT_FALSE(inserted) << "a repeat changes nothing";
    ASSERT_TRUE((*s)->PutLogin(Login("a2", kT, "198.51.100.5", 1), nullptr).ok());
    EXPECT_FALSE((*s)->PutLogin(Login("a1", kT, "", 1), nullptr).ok());
  }
  auto s = OpenStore(db);
  ASSERT_TRUE(s.ok());
  auto logins = (*s)->LoginsOf("a1");
  ASSERT_TRUE(logins.ok());
  ASSERT_EQ(logins->size(), 2u);
  EXPECT_EQ((*logins)[0].event, LoginEvent::kSignup);
  EXPECT_EQ((*logins)[0].ip, "203.0.113.9");
  EXPECT_EQ((*logins)[1].port, 50000);
  EXPECT_TRUE((*s)->LoginsOf("nobody")->empty());
}

// A store made by schema v7 (with posts, a decision and a case in its audit
// chain) migrates, verifies, and then takes login records.
TEST_F(LoginStoreTest, AStoreOfSchemaSevenMigratesAndStillVerifies) {
  const std::string db = (fs::path(dir_) / "old.sqlite").string();
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(db, sqlite_store::Migrations().subspan(0, 7));
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    Post p;
    p.id = "p1";
    p.account = "a1";
    p.text = "text";
    ASSERT_TRUE((*old)->PutPost(p).ok());
    Decision d;
    d.item = "p1";
    d.policy = "default@1";
    ASSERT_TRUE((*old)->PutDecision(d, "scan:default@1", nullptr).ok());
    ASSERT_TRUE((*old)->PutAuthority({"fia", "FIA", "PK", "law_enforcement", kT}, "admin via cli").ok());
    EXPECT_EQ((*old)->schema_version(), 7);
  }
  auto s = OpenStore(db);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->schema_version(), sqlite_store::CurrentSchemaVersion());
  auto report = VerifyAudit(**s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 2);
  ASSERT_TRUE((*s)->PutLogin(Login("a1", kT, "198.51.100.4", 1), nullptr).ok());
  EXPECT_EQ((*s)->LoginsOf("a1")->size(), 1u);
  report = VerifyAudit(**s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

// ---- the desk: coverage, packages, audit, counts ---------------------------

InfoRequestAnswer NoFigures(const std::string&) { return {}; }

class IpDeskTest : public TempDir {
 protected:
  void SetUp() override {
    TempDir::SetUp();
    auto s = OpenStore((fs::path(dir_) / "db.sqlite").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    desk_ = std::make_unique<DataRequestDesk>(store_.get(), NoFigures);
    ASSERT_TRUE(store_->PutAuthority({"fia", "FIA", "PK", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"bka", "BKA", "DE", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAccount({"a1", kT - 86400 * 30, "PK"}).ok());
    ASSERT_TRUE(store_->PutLogin(Login("a1", kT - 86400 * 30, "203.0.113.9", 40000, LoginEvent::kSignup), nullptr).ok());
    ASSERT_TRUE(store_->PutLogin(Login("a1", kT - 3600, "198.51.100.4", 50000), nullptr).ok());
    ASSERT_TRUE(store_->PutLogin(Login("a1", kT - 60, "2001:db8::7", 0), nullptr).ok());
  }
  DataRequest Draft(const std::string& ref, LegalProcessKind kind, std::vector<std::string> fields,
                    const std::string& authority = "fia", const std::string& jurisdiction = "PK") {
    DataRequest r;
    r.authority = authority;
    r.jurisdiction = jurisdiction;
    r.reference = ref;
    r.legal_process = {kind, "REF-" + ref};
    r.fields = std::move(fields);
    r.targets = {"a1"};
    r.received = kT;
    return r;
  }
  DataRequest Disclose(DataRequest r) {
    auto s = desk_->Submit(std::move(r), "intake");
    EXPECT_TRUE(s.ok());
    const std::string id = s->request.id;
    EXPECT_TRUE(desk_->Prepare(id, "alice", kT + 60).ok());
    auto got = desk_->Get(id);
    if (got->cross_border) {
      EXPECT_TRUE(desk_->RecordLegalReview(id, "reviewed", "legal", kT + 90).ok());
    }
    EXPECT_TRUE(desk_->Approve(id, "bob", kT + 120).ok());
    auto d = desk_->Disclose(id, "carol", kT + 180);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? *d : DataRequest{};
  }
  std::unique_ptr<Store> store_;
  std::unique_ptr<DataRequestDesk> desk_;
};

TEST_F(IpDeskTest, CourtOrderPackageHoldsOnlyTheLoginFieldsAskedFor) {
  DataRequest d = Disclose(Draft("C1", LegalProcessKind::kCourtOrder,
                                 {"account.registration_ip", "account.logins.ip", "account.logins.ts"}));
  ASSERT_EQ(d.state, DataRequestState::kDisclosed);
  EXPECT_TRUE(d.withheld_fields.empty());
  Json pkg = Json::parse(d.package);
  const Json& rec = pkg["records"][0];
  EXPECT_EQ(rec["account.registration_ip"], (Json{{"ip", "203.0.113.9"}, {"port", 40000},
                                                  {"ts", FormatTimestamp(kT - 86400 * 30)}}));
  ASSERT_EQ(rec["account.logins"].size(), 3u);  // the sign-up is a login too
  EXPECT_EQ(rec["account.logins"][1], (Json{{"ts", FormatTimestamp(kT - 3600)}, {"ip", "198.51.100.4"}}));
  EXPECT_EQ(pkg.dump().find("50000"), std::string::npos) << "the port was not asked for";
  EXPECT_EQ(pkg.dump().find("web"), std::string::npos) << "the device was not asked for";
  EXPECT_FALSE(rec.contains("account.posts"));
  EXPECT_EQ(d.ip_addresses, 4);  // the registration address and three login addresses
}

TEST_F(IpDeskTest, SubpoenaGetsTheRegistrationAddressNotTheLoginTraffic) {
  DataRequest d = Disclose(Draft("S1", LegalProcessKind::kSubpoena,
                                 {"account.registration_ip", "account.logins.ip", "account.logins.port"}));
  ASSERT_EQ(d.state, DataRequestState::kDisclosed);
  EXPECT_EQ(d.disclosed_fields, std::vector<std::string>{"account.registration_ip"});
  ASSERT_EQ(d.withheld_fields.size(), 2u);
  EXPECT_EQ(d.withheld_fields[0].field, "account.logins.ip");
  EXPECT_EQ(d.withheld_fields[0].reason, "traffic data is not covered by subpoena");
  Json rec = Json::parse(d.package)["records"][0];
  EXPECT_FALSE(rec.contains("account.logins"));
  EXPECT_EQ(Json::parse(d.package).dump().find("198.51.100.4"), std::string::npos);
}

TEST_F(IpDeskTest, EachIpDisclosureIsAuditedWithItsAuthorityAndAddressCount) {
  DataRequest d = Disclose(Draft("C2", LegalProcessKind::kWarrant, {"account.logins.ip"}));
  DataRequest plain = Disclose(Draft("C3", LegalProcessKind::kWarrant, {"account.created"}));
  std::vector<Json> ip_entries;
  ASSERT_TRUE(store_
                  ->ForEachAudit([&](const AuditEntry& e) {
                    if (e.action != "datareq.disclose") return;
                    Json p = Json::parse(e.payload);
                    if (p.contains("ip_data")) ip_entries.push_back(p["ip_data"]);
                  })
                  .ok());
  ASSERT_EQ(ip_entries.size(), 1u) << "only the request that disclosed addresses";
  EXPECT_EQ(ip_entries[0]["authority"], "fia");
  EXPECT_EQ(ip_entries[0]["addresses"], 3);
  EXPECT_EQ(ip_entries[0]["fields"], Json::array({"account.logins.ip"}));
  EXPECT_EQ(ip_entries[0]["legal_process"], "warrant");
  auto report = VerifyAudit(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(IpDeskTest, IpRequestsAreCountedByAuthorityWithWhyNotGranted) {
  Disclose(Draft("G1", LegalProcessKind::kCourtOrder, {"account.logins.ip"}));                       // granted
  Disclose(Draft("P1", LegalProcessKind::kSubpoena, {"account.registration_ip", "account.logins.ip"}));  // partly
  Disclose(Draft("W1", LegalProcessKind::kSubpoena, {"account.logins.ip", "account.id"}));         // withheld
  auto refused = desk_->Submit(Draft("R1", LegalProcessKind::kCourtOrder, {"account.logins.ip"}), "intake");
  ASSERT_TRUE(desk_->Refuse(refused->request.id, "the order names another platform", "legal", kT + 60).ok());
  DataRequest none = Draft("X1", LegalProcessKind::kNone, {"account.logins.ip"});
  ASSERT_EQ(desk_->Submit(none, "intake")->request.state, DataRequestState::kRejected);
  // BKA (DE) asks about a1 (PK): cross-border, pending.
  ASSERT_TRUE(desk_->Submit(Draft("B1", LegalProcessKind::kCourtOrder, {"account.registration_ip"}, "bka", "DE"),
                            "intake")
                  .ok());
  desk_->Submit(Draft("N1", LegalProcessKind::kCourtOrder, {"account.created"}), "intake");  // no IP asked

  auto all = desk_->List(std::nullopt, false, kT + 600);
  ASSERT_TRUE(all.ok());
  DataRequestStats s = CountDataRequests(*all, kT + 600);
  EXPECT_EQ(s.ip.asked, 6);
  EXPECT_EQ(s.ip.granted, 1);
  EXPECT_EQ(s.ip.partly_granted, 1);
  EXPECT_EQ(s.ip.withheld, 1);
  EXPECT_EQ(s.ip.refused, 1);
  EXPECT_EQ(s.ip.rejected, 1);
  EXPECT_EQ(s.ip.pending, 1);
  EXPECT_EQ(s.ip.addresses, 3 + 1);
  ASSERT_EQ(s.ip_by_authority.size(), 2u);
  EXPECT_EQ(s.ip_by_authority[0].authority, "bka");
  EXPECT_EQ(s.ip_by_authority[0].pending, 1);
  EXPECT_EQ(s.ip_by_authority[1].authority, "fia");
  EXPECT_EQ(s.ip_by_authority[1].asked, 5);
  std::map<std::string, int64_t> why;
  for (const ReasonCount& r : s.ip_not_granted) why[r.reason] = r.requests;
  EXPECT_EQ(why["account.logins.ip: traffic data is not covered by subpoena"], 2);
  EXPECT_EQ(why["the order names another platform"], 1);
  EXPECT_EQ(s.ip_not_granted[0].requests, 2) << "most frequent reason first";
  EXPECT_EQ(s.cross_border.total(), 1);
  Json j = DataRequestStatsToJson(s);
  EXPECT_EQ(j["ip"]["asked"], 6);
  EXPECT_EQ(j["ip"]["by_authority"][1]["refused"], 1);
  EXPECT_EQ(j["ip"]["not_granted_reasons"][0]["requests"], 2);

  // The transparency report answers the same questions in HTML and CSV.
  analytics::Record record;
  record.as_of = kT + 600;
  record.data_requests = *all;
  analytics::TransparencyReport t = analytics::BuildTransparencyReport(record, 0, 0);
  const std::string html = analytics::RenderTransparencyHtml(t, "test");
  EXPECT_NE(html.find("Requests for IP addresses"), std::string::npos);
  EXPECT_NE(html.find("traffic data is not covered by subpoena"), std::string::npos);
  EXPECT_NE(html.find("Cross-border requests"), std::string::npos);
  std::map<std::string, std::string> csv;
  for (auto& [name, body] : analytics::TransparencyCsvFiles(t)) csv[name] = body;
  EXPECT_NE(csv["ip_requests.csv"].find("fia,PK,5,1,1,1,1,1,0,4"), std::string::npos) << csv["ip_requests.csv"];
  EXPECT_NE(csv["data_requests_cross_border.csv"].find("\n1,0,0,0,0,1,0"), std::string::npos)
      << csv["data_requests_cross_border.csv"];
}

}  // namespace
}  // namespace evenhand
