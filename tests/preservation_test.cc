// Issue 14 point 10: preservation requests. Intake (with its rejections),
// the period (asked for, the regime's, the deployment default), one
// extension, release, visible expiry, the hold on retention while in force
// and not after, the counts, and the regime files' preservation block.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "analytics/report_csv.h"
#include "analytics/transparency.h"
#include "cases/datareq_regimes.h"
#include "cases/preservation_desk.h"
#include "cases/preservation_json.h"
#include "cases/preservation_stats.h"
#include "cases/retention.h"
#include "model/time.h"
#include "regimes/regime_loader.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kT = 1'790'000'000;  // 2026-09-21
constexpr int64_t kDay = 86400;

// DE: a regime with a 30-day period and a 20-day extension; PK: a regime
// with a preservation block but no figures; elsewhere none.
PreservationAnswer FakeRegimes(const std::string& jurisdiction) {
  PreservationAnswer a;
  if (jurisdiction == "DE") {
    a.regime_id = "de-test";
    a.days = 30;
    a.extension_days = 20;
    a.source = "https://example.org/de";
  } else if (jurisdiction == "PK") {
    a.regime_id = "pk-peca-rbuoc-2021";
  }
  return a;
}

class PreservationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "evenhand-preserve-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = OpenStore((fs::path(dir_) / "db.sqlite").string());
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    desk_ = std::make_unique<PreservationDesk>(store_.get(), FakeRegimes);
    ASSERT_TRUE(store_->PutAuthority({"fia", "FIA", "PK", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"bka", "BKA", "DE", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAccount({"a1", kT - 400 * kDay, "PK"}).ok());
    ASSERT_TRUE(store_->PutAccount({"a2", kT - 400 * kDay, "PK"}).ok());
    Post p;
    p.account = "a1";
    p.ts = kT - 300 * kDay;  // old enough for any retention period below
    p.text = "KEPT-WHILE-PRESERVED";
    p.id = "p1";
    ASSERT_TRUE(store_->PutPost(p).ok());
    p.id = "p2";
    p.account = "a2";
    p.text = "NOT-PRESERVED";
    ASSERT_TRUE(store_->PutPost(p).ok());
  }
  void TearDown() override {
    desk_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  static PreservationRequest Draft(const std::string& ref, const std::string& authority = "fia",
                                   const std::string& jurisdiction = "PK") {
    PreservationRequest r;
    r.authority = authority;
    r.jurisdiction = jurisdiction;
    r.reference = ref;
    r.legal_basis = "PECA 2016 s.31";
    r.targets = {"a1"};
    r.received = kT;
    return r;
  }
  PreservationRequest MustSubmit(PreservationRequest r) {
    auto res = desk_->Submit(std::move(r), "intake via cli");
    EXPECT_TRUE(res.ok()) << res.status().message();
    return res.ok() ? res->request : PreservationRequest{};
  }
  RetentionReport Retain(int64_t now, bool dry_run = true) {
    RetentionOptions o;
    o.keep_seconds = 180 * kDay;
    o.now = now;
    o.actor = "admin via cli";
    o.dry_run = dry_run;
    auto r = ApplyRetention(*store_, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : RetentionReport{};
  }
  std::vector<AuditEntry> Audit(const std::string& action) {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(store_->ForEachAudit([&](const AuditEntry& e) {
                        if (e.action == action) out.push_back(e);
                      }).ok());
    return out;
  }
  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<PreservationDesk> desk_;
};

TEST_F(PreservationTest, PeriodComesFromTheRequestTheRegimeOrTheDeploymentDefault) {
  // PK: the regime sets no period: the deployment default, said so.
  PreservationRequest pk = MustSubmit(Draft("PK/1"));
  EXPECT_EQ(pk.state, PreservationState::kActive);
  EXPECT_EQ(pk.days, 90);
  EXPECT_EQ(pk.until, kT + 90 * kDay);
  EXPECT_NE(pk.period_basis.find("deployment default"), std::string::npos) << pk.period_basis;
  EXPECT_NE(pk.period_basis.find("pk-peca-rbuoc-2021 sets no period"), std::string::npos) << pk.period_basis;
  // DE: the regime's 30 days, with its source.
  PreservationRequest de = MustSubmit(Draft("DE/1", "bka", "DE"));
  EXPECT_EQ(de.days, 30);
  EXPECT_EQ(de.regime, "de-test");
  EXPECT_NE(de.period_basis.find("https://example.org/de"), std::string::npos);
  // Asked for fewer days than the law allows: those.
  PreservationRequest asked = Draft("DE/2", "bka", "DE");
  asked.days = 10;
  EXPECT_EQ(MustSubmit(asked).until, kT + 10 * kDay);
  // The audit entry holds the period.
  auto submits = Audit("preservation.submit");
  ASSERT_EQ(submits.size(), 3u);
  EXPECT_EQ(Json::parse(submits[0].payload)["until"], FormatTimestamp(kT + 90 * kDay));
  // Idempotent by (authority, reference).
  auto again = desk_->Submit(Draft("PK/1"), "intake via cli");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(Audit("preservation.submit").size(), 3u);
}

TEST_F(PreservationTest, EachRejectionIsStoredWithItsReason) {
  struct Case {
    std::function<void(PreservationRequest*)> edit;
    std::string why;
  } cases[] = {
      {[](PreservationRequest* r) { r->legal_basis = " \t"; }, "no legal basis"},
      {[](PreservationRequest* r) { r->authority = "nobody"; }, "is not registered"},
      {[](PreservationRequest* r) { r->jurisdiction = "DE"; }, "not registered for jurisdiction DE"},
      {[](PreservationRequest* r) { r->targets.clear(); }, "names no target"},
      {[](PreservationRequest* r) { r->targets = {"ghost"}; }, "unknown targets: account \"ghost\""},
  };
  int n = 0;
  for (const Case& c : cases) {
    PreservationRequest r = Draft("BAD/" + std::to_string(n++));
    c.edit(&r);
    PreservationRequest got = MustSubmit(r);
    EXPECT_EQ(got.state, PreservationState::kRejected) << c.why;
    EXPECT_NE(got.reason.find(c.why), std::string::npos) << got.reason;
    EXPECT_EQ(got.until, 0);
  }
  PreservationRequest too_long = Draft("DE/LONG", "bka", "DE");
  too_long.days = 31;
  PreservationRequest got = MustSubmit(too_long);
  EXPECT_EQ(got.state, PreservationState::kRejected);
  EXPECT_NE(got.reason.find("at most 30"), std::string::npos) << got.reason;
  // Rejected requests hold nothing.
  EXPECT_EQ(Retain(kT + kDay).kept.size(), 0u);
}

TEST_F(PreservationTest, RetentionIsBlockedWhileInForceAndNotAfter) {
  PreservationRequest r = MustSubmit(Draft("PK/R"));
  RetentionReport during = Retain(kT + 10 * kDay);
  ASSERT_EQ(during.kept.size(), 1u);
  EXPECT_EQ(during.kept[0].item, "p1");
  EXPECT_NE(during.kept[0].why.find(r.id), std::string::npos) << during.kept[0].why;
  ASSERT_EQ(during.deleted.size(), 1u);
  EXPECT_EQ(during.deleted[0].first, "p2");
  // At its end it lapses (no recorded expiry needed).
  RetentionReport after = Retain(r.until);
  EXPECT_TRUE(after.kept.empty());
  EXPECT_EQ(after.deleted.size(), 2u);
}

TEST_F(PreservationTest, ExtendedOnceThenExpiresVisibly) {
  PreservationRequest r = MustSubmit(Draft("DE/X", "bka", "DE"));  // 30 days
  EXPECT_EQ(desk_->Extend(r.id, 5, " ", "mod via cli", kT + kDay).status().code(), Status::Code::kInvalid)
      << "an extension needs a reason";
  EXPECT_EQ(desk_->Extend(r.id, 21, "warrant applied for", "mod via cli", kT + kDay).status().code(),
            Status::Code::kInvalid)
      << "beyond the regime's 20-day extension";
  auto ext = desk_->Extend(r.id, 0, "warrant applied for", "mod via cli", kT + kDay);
  ASSERT_TRUE(ext.ok()) << ext.status().message();
  EXPECT_EQ(ext->state, PreservationState::kExtended);
  EXPECT_EQ(ext->until, kT + 50 * kDay);
  auto twice = desk_->Extend(r.id, 1, "again", "mod via cli", kT + 2 * kDay);
  EXPECT_EQ(twice.status().code(), Status::Code::kConflict);
  EXPECT_NE(twice.status().message().find("only once"), std::string::npos);
  // In force until the new end; then listed as expired before anyone records it.
  auto in_force = desk_->List("extended", kT + 49 * kDay);
  ASSERT_EQ(in_force->size(), 1u);
  EXPECT_TRUE((*in_force)[0].InForce(kT + 49 * kDay));
  auto lapsed = desk_->List("expired", kT + 50 * kDay);
  ASSERT_EQ(lapsed->size(), 1u);
  EXPECT_EQ(PreservationToJson((*lapsed)[0], kT + 50 * kDay)["in_force"], false);
  // The sweep records it once.
  auto swept = desk_->ExpireDue("admin via cli", kT + 50 * kDay);
  ASSERT_TRUE(swept.ok());
  ASSERT_EQ(swept->size(), 1u);
  EXPECT_EQ(desk_->Get(r.id)->state, PreservationState::kExpired);
  EXPECT_TRUE(desk_->ExpireDue("admin via cli", kT + 51 * kDay)->empty());
  EXPECT_EQ(Audit("preservation.expire").size(), 1u);
  EXPECT_EQ(desk_->Extend(r.id, 1, "late", "mod via cli", kT + 51 * kDay).status().code(), Status::Code::kConflict);
  auto report = VerifyAudit(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(PreservationTest, ReleaseEndsTheHoldWithAReason) {
  PreservationRequest r = MustSubmit(Draft("PK/REL"));
  EXPECT_EQ(desk_->Release(r.id, "", "mod via cli", kT + kDay).status().code(), Status::Code::kInvalid);
  auto rel = desk_->Release(r.id, "warrant served; data disclosed under dr-1", "mod via cli", kT + kDay);
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->state, PreservationState::kReleased);
  EXPECT_FALSE(rel->InForce(kT + 2 * kDay));
  EXPECT_TRUE(Retain(kT + 2 * kDay).kept.empty());
  EXPECT_EQ(desk_->Release(r.id, "again", "mod via cli", kT + kDay).status().code(), Status::Code::kConflict);
}

TEST_F(PreservationTest, CountedByJurisdictionAndAuthority) {
  PreservationRequest a = MustSubmit(Draft("PK/C1"));
  PreservationRequest b = MustSubmit(Draft("PK/C2"));
  MustSubmit(Draft("PK/C3"));
  PreservationRequest bad = Draft("PK/C4");
  bad.legal_basis = "";
  MustSubmit(bad);
  MustSubmit(Draft("DE/C5", "bka", "DE"));  // 30 days: lapsed at kT + 40 days
  ASSERT_TRUE(desk_->Extend(a.id, 0, "process pending", "mod via cli", kT + kDay).ok());
  ASSERT_TRUE(desk_->Release(b.id, "withdrawn", "mod via cli", kT + kDay).ok());
  auto all = desk_->List("", kT + 40 * kDay);
  ASSERT_TRUE(all.ok());
  PreservationStats s = CountPreservations(*all, kT + 40 * kDay);
  EXPECT_EQ(s.all.total, 5);
  EXPECT_EQ(s.all.in_force, 2);  // a (extended), C3
  EXPECT_EQ(s.all.extended, 1);
  EXPECT_EQ(s.all.expired, 1);   // DE/C5, not yet recorded
  EXPECT_EQ(s.all.released, 1);
  EXPECT_EQ(s.all.rejected, 1);
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[0].jurisdiction, "DE");
  EXPECT_EQ(s.rows[1].authority, "fia");
  EXPECT_EQ(s.rows[1].total, 4);
  Json j = PreservationStatsToJson(s);
  EXPECT_EQ(j["in_force"], 2);
  EXPECT_EQ(j["rows"][1]["released"], 1);
  // In the transparency report.
  analytics::Record record;
  record.as_of = kT + 40 * kDay;
  record.preservations = *all;
  auto t = analytics::BuildTransparencyReport(record, 0, 0);
  EXPECT_EQ(analytics::TransparencyToJson(t)["preservation_requests"]["total"], 5);
  std::string csv;
  for (auto& [name, body] : analytics::TransparencyCsvFiles(t))
    if (name == "preservation_requests.csv") csv = body;
  EXPECT_NE(csv.find("PK,fia,4,2,1,0,1,1"), std::string::npos) << csv;
}

TEST(PreservationJson, SubmissionErrorsNameTheField) {
  EXPECT_TRUE(ParsePreservationSubmission(R"({"authority":"fia","jurisdiction":"PK","reference":"R",)"
                                          R"("legal_basis":"PECA 2016 s.31","targets":["a1"],"days":30})",
                                          kT)
                  .ok());
  struct Case {
    std::string json, field;
  } cases[] = {
      {R"({"jurisdiction":"PK","reference":"R","targets":["a1"]})", "authority"},
      {R"({"authority":"fia","jurisdiction":"PK","reference":"R","targets":"a1"})", "targets"},
      {R"({"authority":"fia","jurisdiction":"PK","reference":"R","targets":["a1"],"days":0})", "days"},
      {R"({"authority":"fia","jurisdiction":"PK","reference":"R","targets":["a1"],"days":1.5})", "days"},
      {R"({"authority":"fia","jurisdiction":"PK","reference":"R","targets":["a1"],"until":"x"})", "until"},
      {R"({"authority":"fia","jurisdiction":"PK","reference":"R","targets":["a1"],"received":"soon"})", "received"},
  };
  for (const Case& c : cases) {
    auto r = ParsePreservationSubmission(c.json, kT);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().message().rfind(c.field, 0), 0u) << r.status().message();
  }
}

TEST(PreservationRegime, BlockIsReadAndAFigureNeedsItsSource) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand-pres-regime-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string path = std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes/pk-peca-rbuoc-2021.yaml";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pk = LoadRegimeFile(path);
  ASSERT_TRUE(pk.ok()) << pk.status().message();
  // PECA 2016 s.31(1): a preservation notice for at most ninety days; s.31(2):
  // extended by the Court, no length fixed; s.32(1): traffic data kept a
  // minimum of one year. Each with the Act as its source.
  EXPECT_TRUE(pk->preservation.present);
  EXPECT_EQ(pk->preservation.days, 90.0);
  EXPECT_FALSE(pk->preservation.extension_days) << "the Court sets an extension's length";
  EXPECT_EQ(pk->preservation.traffic_retention_days, 365.0);
  EXPECT_NE(pk->preservation.source.find("na.gov.pk"), std::string::npos) << pk->preservation.source;
  EXPECT_NE(pk->preservation.note.find("s.31(1)"), std::string::npos);
  EXPECT_NE(pk->preservation.note.find("s.32(1)"), std::string::npos);
  // A figure without a source is refused, naming the field.
  const size_t at = text.find("  source: https://www.na.gov.pk/");
  ASSERT_NE(at, std::string::npos);
  std::string without_source = text;
  without_source.erase(at, text.find('\n', at) - at + 1);
  std::ofstream(dir / "nosource.yaml") << without_source;
  auto bad = LoadRegimeFile((dir / "nosource.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("preservation.source"), std::string::npos) << bad.status().message();
  // With every figure null, no source is needed.
  std::string nulls = without_source;
  nulls.replace(nulls.find("  days: 90"), 10, "  days: null");
  nulls.replace(nulls.find("  traffic_retention_days: 365"), 29, "  traffic_retention_days: null");
  std::ofstream(dir / "nulls.yaml") << nulls;
  auto ok = LoadRegimeFile((dir / "nulls.yaml").string());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_FALSE(ok->preservation.days);
  std::string negative = text;
  negative.replace(negative.find("  days: 90"), 10, "  days: -1");
  std::ofstream(dir / "neg.yaml") << negative;
  auto neg = LoadRegimeFile((dir / "neg.yaml").string());
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.status().message().find("preservation.days"), std::string::npos) << neg.status().message();
  fs::remove_all(dir);
}

// The real regime files, through the lookups the desks and retention use:
// a PK preservation gets PECA's 90 days; PK traffic data is kept a year.
TEST(PreservationRegime, PecaPeriodsReachTheDeskAndRetention) {
  std::vector<Regime> regimes;
  for (const auto& e : fs::directory_iterator(std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes")) {
    auto r = LoadRegimeFile(e.path().string());
    ASSERT_TRUE(r.ok()) << r.status().message();
    regimes.push_back(*r);
  }
  PreservationAnswer pk = MakePreservationLookup(regimes)("PK");
  EXPECT_EQ(pk.regime_id, "pk-peca-rbuoc-2021");
  EXPECT_EQ(pk.days, 90.0);
  EXPECT_FALSE(pk.extension_days);
  TrafficRetentionAnswer traffic = MakeTrafficRetentionLookup(regimes)("PK");
  EXPECT_EQ(traffic.regime_id, "pk-peca-rbuoc-2021");
  EXPECT_EQ(traffic.days, 365.0);
  EXPECT_FALSE(MakeTrafficRetentionLookup(regimes)("GB").days) << "no UK figure on file";
}

// Issue 14 point 3 / 10: retention deletes login records (IP addresses are
// personal data) older than their period, audited without the addresses,
// unless a hold covers the account or the law of its country keeps them.
TEST_F(PreservationTest, LoginRecordsGoWithRetentionUnlessHeldOrKeptByLaw) {
  auto login = [&](const std::string& account, int64_t ts, const std::string& ip) {
    LoginRecord l;
    l.account = account;
    l.ts = ts;
    l.ip = ip;
    l.port = 40000;
    l.device = "Firefox";
    bool inserted = false;
    ASSERT_TRUE(store_->PutLogin(l, &inserted).ok());
    ASSERT_TRUE(inserted);
  };
  login("a1", kT - 300 * kDay, "192.0.2.1");
  login("a1", kT - 10 * kDay, "192.0.2.2");
  login("a2", kT - 300 * kDay, "198.51.100.9");
  login("a2", kT - 200 * kDay, "198.51.100.10");
  login("a2", kT - 5 * kDay, "198.51.100.11");
  PreservationRequest hold = MustSubmit(Draft("PK/LOGINS"));  // a1, 90 days from kT

  // A dry run reports and deletes nothing.
  RetentionReport dry = Retain(kT + 10 * kDay);
  ASSERT_EQ(dry.logins_deleted.size(), 1u);
  EXPECT_EQ(dry.logins_deleted[0].account, "a2");
  EXPECT_EQ(dry.logins_deleted[0].records, 2);
  EXPECT_EQ(store_->LoginsOf("a2")->size(), 3u);
  EXPECT_TRUE(Audit("login.deleted").empty());

  // Run: a2's two old records go; a1's old one is held by the preservation.
  RetentionReport run = Retain(kT + 10 * kDay, false);
  ASSERT_EQ(run.logins_deleted.size(), 1u);
  EXPECT_EQ(run.logins_deleted[0].records, 2);
  EXPECT_EQ(run.logins_deleted[0].oldest, kT - 300 * kDay);
  EXPECT_EQ(run.logins_deleted[0].newest, kT - 200 * kDay);
  ASSERT_EQ(run.logins_kept.size(), 1u);
  EXPECT_EQ(run.logins_kept[0].account, "a1");
  EXPECT_NE(run.logins_kept[0].why.find(hold.id), std::string::npos) << run.logins_kept[0].why;
  auto a2 = store_->LoginsOf("a2");
  ASSERT_TRUE(a2.ok());
  ASSERT_EQ(a2->size(), 1u);
  EXPECT_EQ((*a2)[0].ip, "198.51.100.11");
  EXPECT_EQ(store_->LoginsOf("a1")->size(), 2u);
  // One audit entry per account: how many and when, never an address.
  auto deleted = Audit("login.deleted");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].subject, "a2");
  EXPECT_EQ(deleted[0].actor, "admin via cli");
  Json payload = Json::parse(deleted[0].payload);
  EXPECT_EQ(payload["records"], 2);
  EXPECT_EQ(payload["oldest"], FormatTimestamp(kT - 300 * kDay));
  EXPECT_EQ(payload["newest"], FormatTimestamp(kT - 200 * kDay));
  EXPECT_EQ(deleted[0].payload.find("198.51.100"), std::string::npos) << deleted[0].payload;
  EXPECT_EQ(deleted[0].payload.find("Firefox"), std::string::npos) << deleted[0].payload;
  // Run again: nothing more to delete, no new entry.
  EXPECT_TRUE(Retain(kT + 10 * kDay, false).logins_deleted.empty());
  EXPECT_EQ(Audit("login.deleted").size(), 1u);

  // The law of the account's country keeps traffic data longer (PECA s.32:
  // a year): with a 30-day login period, only what is older than the year goes.
  login("a2", kT - 400 * kDay, "198.51.100.12");
  login("a2", kT - 250 * kDay, "198.51.100.13");
  RetentionOptions o;
  o.keep_seconds = 180 * kDay;
  o.keep_login_seconds = 30 * kDay;
  o.now = kT + 10 * kDay;
  o.actor = "admin via cli";
  o.login_minimum = [](const std::string& account) -> std::optional<RetentionOptions::Minimum> {
    if (account != "a2") return std::nullopt;
    return RetentionOptions::Minimum{365 * kDay, "pk-test: traffic data kept 365 days"};
  };
  auto law = ApplyRetention(*store_, o);
  ASSERT_TRUE(law.ok()) << law.status().message();
  ASSERT_EQ(law->logins_deleted.size(), 1u);
  EXPECT_EQ(law->logins_deleted[0].account, "a2");
  EXPECT_EQ(law->logins_deleted[0].records, 1);  // the 400-day-old record
  ASSERT_EQ(law->logins_kept.size(), 2u);        // a1 (held), a2's 250-day-old record (the law)
  EXPECT_EQ(law->logins_kept[1].account, "a2");
  EXPECT_EQ(law->logins_kept[1].records, 1);
  EXPECT_EQ(law->logins_kept[1].why, "pk-test: traffic data kept 365 days");
  a2 = store_->LoginsOf("a2");
  ASSERT_EQ(a2->size(), 2u);
  EXPECT_EQ((*a2)[0].ip, "198.51.100.13");
  EXPECT_NE(Audit("login.deleted").back().payload.find("pk-test"), std::string::npos);

  // Once the preservation lapses, a1's old record goes too.
  RetentionReport after = Retain(hold.until + kDay, false);
  bool a1_gone = false;
  for (const RetentionLogins& l : after.logins_deleted) a1_gone = a1_gone || (l.account == "a1" && l.records == 1);
  EXPECT_TRUE(a1_gone);
  EXPECT_EQ(store_->LoginsOf("a1")->size(), 1u);
  auto verify = VerifyAudit(*store_);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
  // The report's JSON says the same, without addresses.
  const std::string json = RetentionReportJson(run).dump();
  EXPECT_NE(json.find("\"logins\""), std::string::npos);
  EXPECT_EQ(json.find("198.51.100"), std::string::npos) << json;
}

}  // namespace
}  // namespace evenhand
