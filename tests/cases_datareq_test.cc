// Data-disclosure requests: intake validation, idempotency, the lifecycle,
// four-eyes approval, minimisation of the package, emergency follow-up,
// gag periods and counts, on a real SQLite store in a temporary directory.
#include "cases/datareq_desk.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cases/datareq_coverage.h"
#include "cases/datareq_json.h"
#include "cases/datareq_lifecycle.h"
#include "cases/datareq_package.h"
#include "cases/datareq_regimes.h"
#include "cases/datareq_stats.h"
#include "model/time.h"

namespace evenhand {
namespace {

using Json = nlohmann::json;

constexpr int64_t kReceived = 1'790'000'000;  // 2026-09-21
constexpr int64_t kHour = 3600;

// DE: information requests 48 h, 6 h in an emergency. IN: 72 h, no
// emergency figure. PK: a regime with no hour figure.
InfoRequestAnswer FakeRegimes(const std::string& jurisdiction) {
  InfoRequestAnswer a;
  if (jurisdiction == "DE") {
    a = {true, "de-netzdg", 48.0, 6.0};
  } else if (jurisdiction == "IN") {
    a = {true, "in-it-rules", 72.0, std::nullopt};
  } else if (jurisdiction == "PK") {
    a = {true, "pk-peca", std::nullopt, std::nullopt};
  }
  return a;
}

class DataRequestDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "evenhand-datareq-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Open();
    ASSERT_TRUE(store_->PutAuthority({"bka", "Bundeskriminalamt", "DE", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"fia", "Federal Investigation Agency", "PK", "law_enforcement", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"cbi", "Central Bureau of Investigation", "IN", "law_enforcement", 0}, "admin").ok());
    // a1 lives where the default requests' authority (bka, DE) is: those are domestic.
    ASSERT_TRUE(store_->PutAccount({"a1", kReceived - 400 * 86400, "DE"}).ok());
    ASSERT_TRUE(store_->PutAccount({"a2", kReceived - 10 * 86400, "DE"}).ok());
    Post p;
    p.id = "p1";
    p.account = "a1";
    p.ts = kReceived - 7200;
    p.lang = "ur";
    p.text = "SECRET-TEXT-ONE";
    p.region = "PK";
    ASSERT_TRUE(store_->PutPost(p).ok());
    p.id = "p2";
    p.ts = kReceived - 3600;
    p.text = "SECRET-TEXT-TWO";
    p.region = "AE";
    ASSERT_TRUE(store_->PutPost(p).ok());
  }
  void TearDown() override {
    desk_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(DataRequestDeskOptions options = {}) {
    desk_.reset();
    store_.reset();
    auto s = OpenStore((std::filesystem::path(dir_) / "db.sqlite").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    desk_ = std::make_unique<DataRequestDesk>(store_.get(), FakeRegimes, options);
  }
  static DataRequest Draft(std::string reference = "BKA/2026/7") {
    DataRequest r;
    r.authority = "bka";
    r.jurisdiction = "DE";
    r.reference = std::move(reference);
    r.legal_process = {LegalProcessKind::kCourtOrder, "AG Wiesbaden 12 Gs 34/26"};
    r.fields = {"account.id", "account.created"};
    r.targets = {"a1"};
    r.received = kReceived;
    return r;
  }
  DataRequest MustSubmit(DataRequest r) {
    auto res = desk_->Submit(std::move(r), "intake");
    EXPECT_TRUE(res.ok()) << res.status().message();
    return res.ok() ? res->request : DataRequest{};
  }
  // Submits, prepares (by "alice") and approves (by "bob").
  DataRequest Approved(DataRequest r) {
    DataRequest s = MustSubmit(std::move(r));
    EXPECT_EQ(s.state, DataRequestState::kAccepted) << s.reason;
    auto p = desk_->Prepare(s.id, "alice", kReceived + 60);
    EXPECT_TRUE(p.ok()) << p.status().message();
    if (s.cross_border) {  // an account abroad: reviewed first
      auto reviewed = desk_->RecordLegalReview(s.id, "the court order is recognised in PK", "legal", kReceived + 90);
      EXPECT_TRUE(reviewed.ok()) << reviewed.status().message();
    }
    auto a = desk_->Approve(s.id, "bob", kReceived + 120);
    EXPECT_TRUE(a.ok()) << a.status().message();
    return a.ok() ? *a : DataRequest{};
  }
  DataRequest Disclosed(DataRequest r, int64_t at = kReceived + 180) {
    DataRequest a = Approved(std::move(r));
    auto d = desk_->Disclose(a.id, "carol", at);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? *d : DataRequest{};
  }
  std::vector<AuditEntry> Audit() {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(store_->ForEachAudit([&](const AuditEntry& e) { out.push_back(e); }).ok());
    return out;
  }
  std::vector<std::string> FlaggedIds(int64_t now) {
    auto l = desk_->List(std::nullopt, true, now);
    EXPECT_TRUE(l.ok());
    std::vector<std::string> ids;
    for (const DataRequest& r : *l) ids.push_back(r.id);
    return ids;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<DataRequestDesk> desk_;
};

// ---- intake ----------------------------------------------------------------

TEST_F(DataRequestDeskTest, ValidRequestIsAcceptedWithTheInformationRequestDeadline) {
  DataRequest r = MustSubmit(Draft());
  EXPECT_EQ(r.state, DataRequestState::kAccepted);
  EXPECT_EQ(r.id, DataRequestDesk::RequestId("bka", "BKA/2026/7"));
  EXPECT_EQ(r.id.substr(0, 3), "dr-");
  EXPECT_EQ(r.id.size(), 3u + 16u);
  EXPECT_EQ(r.regime, "de-netzdg");
  EXPECT_EQ(r.deadline, kReceived + 48 * kHour);
  EXPECT_EQ(r.follow_up_due, 0) << "a request with legal process needs no follow-up";
  DataRequest pk = Draft("FIA-1");
  pk.authority = "fia";
  pk.jurisdiction = "PK";
  EXPECT_EQ(MustSubmit(pk).deadline, 0) << "no hour figure in law: no deadline";
  DataRequest urgent = Draft("urgent");
  urgent.emergency = true;
  DataRequest u = MustSubmit(urgent);
  EXPECT_EQ(u.deadline, kReceived + 6 * kHour);
  EXPECT_EQ(u.follow_up_due, 0) << "an emergency request that came with legal process needs no follow-up";
}

TEST_F(DataRequestDeskTest, EachRejectionIsStoredWithItsReason) {
  struct Case {
    const char* name;
    std::function<void(DataRequest*)> change;
    const char* reason_part;
  };
  const std::vector<Case> cases = {
      {"no legal process", [](DataRequest* r) { r->legal_process = {}; }, "no legal process"},
      {"emergency_none on a non-emergency",
       [](DataRequest* r) { r->legal_process = {LegalProcessKind::kEmergencyNone, ""}; }, "no legal process"},
      {"process without reference", [](DataRequest* r) { r->legal_process.reference.clear(); },
       "no legal process reference"},
      {"unregistered authority", [](DataRequest* r) { r->authority = "nobody"; }, "\"nobody\" is not registered"},
      {"authority of another jurisdiction", [](DataRequest* r) { r->jurisdiction = "PK"; },
       "not registered for jurisdiction PK"},
      {"no fields", [](DataRequest* r) { r->fields.clear(); }, "names no data fields"},
      {"unknown field", [](DataRequest* r) { r->fields.push_back("account.password"); },
       "unknown fields: \"account.password\""},
      {"no targets", [](DataRequest* r) { r->targets.clear(); }, "names no target account"},
      {"unknown target", [](DataRequest* r) { r->targets.push_back("ghost"); }, "unknown targets: account \"ghost\""},
  };
  int n = 0;
  for (const Case& c : cases) {
    DataRequest r = Draft("rej-" + std::to_string(n++));
    c.change(&r);
    auto res = desk_->Submit(r, "intake");
    ASSERT_TRUE(res.ok()) << c.name << ": " << res.status().message();
    EXPECT_EQ(res->request.state, DataRequestState::kRejected) << c.name;
    EXPECT_NE(res->request.reason.find(c.reason_part), std::string::npos) << c.name << ": " << res->request.reason;
    auto stored = desk_->Get(res->request.id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->state, DataRequestState::kRejected) << c.name;
    EXPECT_EQ(stored->reason, res->request.reason);
    // A rejected request can never be prepared.
    EXPECT_EQ(desk_->Prepare(stored->id, "alice", kReceived).status().code(), Status::Code::kConflict) << c.name;
  }
  // An emergency without any legal process is not rejected: it may be answered first.
  DataRequest e = Draft("emergency");
  e.emergency = true;
  e.legal_process = {};
  DataRequest accepted = MustSubmit(e);
  EXPECT_EQ(accepted.state, DataRequestState::kAccepted);
  EXPECT_EQ(accepted.legal_process.kind, LegalProcessKind::kEmergencyNone);
}

TEST_F(DataRequestDeskTest, IntakeIsIdempotentByAuthorityAndReference) {
  DataRequest first = MustSubmit(Draft());
  const size_t audit_after_first = Audit().size();
  DataRequest again = Draft();
  again.fields = {"account.posts.text"};  // a changed resubmission does not alter the record
  auto res = desk_->Submit(again, "intake");
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->duplicate);
  EXPECT_EQ(res->request.id, first.id);
  EXPECT_EQ(res->request.fields, first.fields);
  EXPECT_EQ(Audit().size(), audit_after_first);
  EXPECT_EQ(desk_->List(std::nullopt, false, kReceived)->size(), 1u);
  DataRequest other = Draft();
  other.authority = "cbi";
  other.jurisdiction = "IN";
  EXPECT_NE(MustSubmit(other).id, first.id);
}

TEST_F(DataRequestDeskTest, DurableAcrossReopen) {
  DataRequest r = MustSubmit(Draft());
  ASSERT_TRUE(desk_->Prepare(r.id, "alice", kReceived + 60).ok());
  const std::string package = desk_->Get(r.id)->package;
  Open();
  auto back = desk_->Get(r.id);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->state, DataRequestState::kPrepared);
  EXPECT_EQ(back->prepared_by, "alice");
  EXPECT_EQ(back->package, package);
  EXPECT_EQ(back->deadline, kReceived + 48 * kHour);
  EXPECT_EQ(back->legal_process.reference, "AG Wiesbaden 12 Gs 34/26");
  // Four-eyes holds across sessions too.
  EXPECT_EQ(desk_->Approve(r.id, "alice", kReceived + 90).status().code(), Status::Code::kConflict);
  ASSERT_TRUE(desk_->Approve(r.id, "bob", kReceived + 90).ok());
  Open();
  EXPECT_EQ(desk_->Get(r.id)->approved_by, "bob");
}

// ---- lifecycle -------------------------------------------------------------

TEST(DataRequestLifecycle, TransitionTableLegalAndIllegal) {
  using S = DataRequestState;
  using E = DataRequestEvent;
  const std::map<std::pair<S, E>, S> legal = {
      {{S::kReceived, E::kAccept}, S::kAccepted},  {{S::kReceived, E::kReject}, S::kRejected},
      {{S::kAccepted, E::kPrepare}, S::kPrepared}, {{S::kPrepared, E::kApprove}, S::kApproved},
      {{S::kApproved, E::kDisclose}, S::kDisclosed}, {{S::kAccepted, E::kRefuse}, S::kRefused},
      {{S::kPrepared, E::kRefuse}, S::kRefused},
  };
  const S states[] = {S::kReceived, S::kRejected, S::kAccepted, S::kPrepared, S::kApproved, S::kDisclosed, S::kRefused};
  const E events[] = {E::kAccept, E::kReject, E::kPrepare, E::kApprove, E::kDisclose, E::kRefuse};
  for (S s : states) {
    EXPECT_EQ(ParseDataRequestState(DataRequestStateName(s)), s);
    for (E e : events) {
      EXPECT_EQ(ParseDataRequestEvent(DataRequestEventName(e)), e);
      auto it = legal.find({s, e});
      auto next = NextDataRequestState(s, e);
      if (it == legal.end()) {
        EXPECT_FALSE(next.has_value()) << DataRequestStateName(s) << " + " << DataRequestEventName(e);
      } else {
        ASSERT_TRUE(next.has_value()) << DataRequestStateName(s) << " + " << DataRequestEventName(e);
        EXPECT_EQ(*next, it->second);
      }
    }
  }
}

TEST_F(DataRequestDeskTest, FullLifecycleEveryStepAudited) {
  DataRequest r = MustSubmit(Draft());
  auto prepared = desk_->Prepare(r.id, "alice", kReceived + 60);
  ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  EXPECT_EQ(prepared->state, DataRequestState::kPrepared);
  EXPECT_EQ(prepared->prepared_at, kReceived + 60);
  auto approved = desk_->Approve(r.id, "bob", kReceived + 120);
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->approved_by, "bob");
  auto disclosed = desk_->Disclose(r.id, "carol", kReceived + 180);
  ASSERT_TRUE(disclosed.ok());
  EXPECT_EQ(disclosed->state, DataRequestState::kDisclosed);
  EXPECT_EQ(disclosed->disclosed_at, kReceived + 180);
  std::vector<std::pair<std::string, std::string>> trail;
  for (const AuditEntry& e : Audit())
    if (e.subject == r.id) trail.emplace_back(e.action, e.actor);
  const std::vector<std::pair<std::string, std::string>> want = {{"datareq.submit", "intake"},
                                                                 {"datareq.prepare", "alice"},
                                                                 {"datareq.approve", "bob"},
                                                                 {"datareq.disclose", "carol"}};
  EXPECT_EQ(trail, want);
  // The audit holds the package by hash, never the user data itself.
  for (const AuditEntry& e : Audit()) EXPECT_EQ(e.payload.find("SECRET-TEXT"), std::string::npos);
  auto report = VerifyAudit(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(DataRequestDeskTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  DataRequest r = MustSubmit(Draft());
  const size_t audit = Audit().size();
  EXPECT_EQ(desk_->Approve(r.id, "bob", kReceived).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk_->Disclose(r.id, "bob", kReceived).status().code(), Status::Code::kConflict);
  auto not_prepared = desk_->Approve(r.id, "bob", kReceived);
  EXPECT_NE(not_prepared.status().message().find("cannot approve a request that is accepted"), std::string::npos);
  EXPECT_EQ(desk_->Prepare("dr-missing", "alice", kReceived).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(desk_->Refuse(r.id, "", "bob", kReceived).status().code(), Status::Code::kInvalid);
  EXPECT_EQ(Audit().size(), audit);
  EXPECT_EQ(desk_->Get(r.id)->state, DataRequestState::kAccepted);

  ASSERT_TRUE(desk_->Prepare(r.id, "alice", kReceived).ok());
  EXPECT_EQ(desk_->Prepare(r.id, "alice", kReceived).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk_->Disclose(r.id, "bob", kReceived).status().code(), Status::Code::kConflict);
  ASSERT_TRUE(desk_->Approve(r.id, "bob", kReceived).ok());
  EXPECT_EQ(desk_->Refuse(r.id, "changed our mind", "bob", kReceived).status().code(), Status::Code::kConflict)
      << "an approved package is disclosed or left; refusal was possible before approval";
  ASSERT_TRUE(desk_->Disclose(r.id, "carol", kReceived).ok());
  EXPECT_EQ(desk_->Disclose(r.id, "carol", kReceived).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk_->Refuse(r.id, "too late", "bob", kReceived).status().code(), Status::Code::kConflict);
}

TEST_F(DataRequestDeskTest, RefuseFromAcceptedAndFromPreparedWithReason) {
  DataRequest a = MustSubmit(Draft("A"));
  auto refused = desk_->Refuse(a.id, "overbroad: asks for every account of a region", "legal-1", kReceived);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->state, DataRequestState::kRefused);
  EXPECT_EQ(refused->reason, "overbroad: asks for every account of a region");
  EXPECT_EQ(desk_->Prepare(a.id, "alice", kReceived).status().code(), Status::Code::kConflict);
  DataRequest b = MustSubmit(Draft("B"));
  ASSERT_TRUE(desk_->Prepare(b.id, "alice", kReceived).ok());
  ASSERT_TRUE(desk_->Refuse(b.id, "process is not valid in DE", "bob", kReceived).ok());
  EXPECT_EQ(desk_->Approve(b.id, "bob", kReceived).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk_->Get(b.id)->state, DataRequestState::kRefused);
}

TEST_F(DataRequestDeskTest, FourEyesSamePersonCannotApproveAnotherCan) {
  DataRequest r = MustSubmit(Draft());
  ASSERT_TRUE(desk_->Prepare(r.id, "alice", kReceived).ok());
  const size_t audit = Audit().size();
  auto self = desk_->Approve(r.id, "alice", kReceived);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.status().code(), Status::Code::kConflict);
  EXPECT_NE(self.status().message().find("four-eyes"), std::string::npos);
  EXPECT_EQ(Audit().size(), audit);
  EXPECT_EQ(desk_->Get(r.id)->state, DataRequestState::kPrepared);
  EXPECT_EQ(desk_->Approve(r.id, "", kReceived).status().code(), Status::Code::kInvalid);
  auto other = desk_->Approve(r.id, "bob", kReceived);
  ASSERT_TRUE(other.ok()) << other.status().message();
  EXPECT_EQ(other->approved_by, "bob");
  EXPECT_EQ(other->prepared_by, "alice");
}

// ---- minimisation ----------------------------------------------------------

std::set<std::string> Keys(const Json& obj) {
  std::set<std::string> out;
  for (auto it = obj.begin(); it != obj.end(); ++it) out.insert(it.key());
  return out;
}

TEST_F(DataRequestDeskTest, FieldNotAskedForNeverAppearsInThePackage) {
  DataRequest d = Draft();
  d.fields = {"account.id", "account.posts.ts"};  // court order: both covered
  d.targets = {"a1", "a2"};
  DataRequest r = Disclosed(d);
  EXPECT_EQ(r.disclosed_fields, (std::vector<std::string>{"account.id", "account.posts.ts"}));
  EXPECT_TRUE(r.withheld_fields.empty());
  Json pkg = Json::parse(r.package);
  EXPECT_EQ(pkg["fields_disclosed"], Json({"account.id", "account.posts.ts"}));
  EXPECT_TRUE(pkg["fields_withheld"].empty());
  ASSERT_EQ(pkg["records"].size(), 2u);
  for (const Json& rec : pkg["records"]) {
    EXPECT_EQ(Keys(rec), (std::set<std::string>{"target", "account.id", "account.posts"}));
    for (const Json& post : rec["account.posts"]) EXPECT_EQ(Keys(post), std::set<std::string>{"ts"});
  }
  EXPECT_EQ(pkg["records"][0]["account.posts"].size(), 2u);
  EXPECT_EQ(pkg["records"][0]["account.posts"][0]["ts"], FormatTimestamp(kReceived - 7200));
  EXPECT_TRUE(pkg["records"][1]["account.posts"].empty());
  // Nothing else of the accounts leaks: not the text, the country, the
  // creation date, the post ids, regions or languages.
  const std::vector<std::string> never = {"SECRET-TEXT", "\"PK\"", "\"AE\"", "\"ur\"", "\"p1\"", "\"p2\"",
                                         FormatTimestamp(kReceived - 400 * 86400)};
  for (const std::string& value : never) EXPECT_EQ(r.package.find(value), std::string::npos) << value;
}

TEST_F(DataRequestDeskTest, AskedForButNotCoveredIsWithheldAndListed) {
  DataRequest d = Draft();
  d.legal_process = {LegalProcessKind::kStatutoryNotice, "s.5 notice 2026/11"};
  d.fields = {"account.id", "account.country", "account.posts.text", "account.posts.ids", "account.id"};
  DataRequest r = Disclosed(d);
  EXPECT_EQ(r.disclosed_fields, (std::vector<std::string>{"account.id", "account.country"}));
  ASSERT_EQ(r.withheld_fields.size(), 2u);
  EXPECT_EQ(r.withheld_fields[0].field, "account.posts.text");
  EXPECT_NE(r.withheld_fields[0].reason.find("content data is not covered by statutory_notice"), std::string::npos);
  EXPECT_EQ(r.withheld_fields[1].field, "account.posts.ids");
  Json pkg = Json::parse(r.package);
  ASSERT_EQ(pkg["fields_withheld"].size(), 2u);
  EXPECT_EQ(pkg["fields_withheld"][0]["field"], "account.posts.text");
  ASSERT_EQ(pkg["records"].size(), 1u);
  EXPECT_EQ(Keys(pkg["records"][0]), (std::set<std::string>{"target", "account.id", "account.country"}));
  EXPECT_EQ(pkg["records"][0]["account.country"], "DE");
  EXPECT_EQ(r.package.find("SECRET-TEXT"), std::string::npos);
  EXPECT_EQ(OutcomeOf(r), DataRequestOutcome::kPartlyGranted);
}

TEST_F(DataRequestDeskTest, NothingCoveredCannotBePreparedOnlyRefused) {
  DataRequest d = Draft();
  d.legal_process = {LegalProcessKind::kSubpoena, "GJ-2026-4"};
  d.fields = {"account.posts.text"};
  DataRequest r = MustSubmit(d);
  auto p = desk_->Prepare(r.id, "alice", kReceived);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kInvalid);
  EXPECT_EQ(desk_->Get(r.id)->state, DataRequestState::kAccepted);
  ASSERT_TRUE(desk_->Refuse(r.id, "a subpoena does not reach content", "alice", kReceived).ok());
}

TEST(DataRequestCoverage, TableByProcessAndField) {
  using K = LegalProcessKind;
  // Expected coverage per field, in catalogue order: id, created, country,
  // posts.ids, posts.text, posts.ts, posts.region, posts.lang, then
  // registration_ip (subscriber) and logins.ts, .ip, .port, .device (traffic).
  const std::map<K, std::vector<bool>> want = {
      {K::kStatutoryNotice, {true, true, true, false, false, false, false, false, true, false, false, false, false}},
      {K::kSubpoena, {true, true, true, false, false, false, false, false, true, false, false, false, false}},
      {K::kCourtOrder, {true, true, true, true, true, true, true, true, true, true, true, true, true}},
      {K::kWarrant, {true, true, true, true, true, true, true, true, true, true, true, true, true}},
      {K::kEmergencyNone, {true, true, true, true, false, true, true, true, true, true, true, true, true}},
      {K::kNone, {false, false, false, false, false, false, false, false, false, false, false, false, false}},
  };
  const auto catalogue = DataFieldCatalogue();
  ASSERT_EQ(catalogue.size(), 13u);
  for (const auto& [kind, covered] : want)
    for (size_t i = 0; i < catalogue.size(); ++i)
      EXPECT_EQ(ProcessCovers(kind, catalogue[i]), covered[i])
          << LegalProcessKindName(kind) << " / " << catalogue[i];
  EXPECT_FALSE(ProcessCovers(K::kWarrant, "account.password"));
  EXPECT_EQ(ClassOfField("account.posts.text"), DataClass::kContent);
  EXPECT_EQ(ClassOfField("account.posts.region"), DataClass::kMetadata);
  EXPECT_EQ(ClassOfField("account.country"), DataClass::kSubscriber);
  EXPECT_EQ(ClassOfField("account.registration_ip"), DataClass::kSubscriber);
  EXPECT_EQ(ClassOfField("account.logins.ip"), DataClass::kTraffic);
}

// ---- emergency follow-up ---------------------------------------------------

TEST_F(DataRequestDeskTest, EmergencyFollowUpFlagAtTheWindowsEdge) {
  DataRequest d = Draft("E-DE");
  d.emergency = true;
  d.legal_process = {};
  DataRequest de = Disclosed(d, kReceived + 600);  // answered before any legal process
  ASSERT_EQ(de.follow_up_due, kReceived + 6 * kHour) << "the regime's emergency information-request figure";
  EXPECT_TRUE(FlaggedIds(de.follow_up_due - 1).empty());
  EXPECT_TRUE(FlaggedIds(de.follow_up_due).empty()) << "due at the edge, not yet late";
  EXPECT_EQ(FlaggedIds(de.follow_up_due + 1), std::vector<std::string>{de.id});

  // No emergency figure in law (IN): the deployment default of 48 h.
  DataRequest in = Draft("E-IN");
  in.authority = "cbi";
  in.jurisdiction = "IN";
  in.emergency = true;
  in.legal_process = {};
  DataRequest i = MustSubmit(in);
  EXPECT_EQ(i.follow_up_due, kReceived + 48 * kHour);
  EXPECT_EQ(i.deadline, 0) << "IN sets no emergency figure";
  // Recorded in time: never flagged.
  ASSERT_TRUE(desk_->RecordFollowUp(i.id, {LegalProcessKind::kCourtOrder, "CMM/77/2026"}, "legal-1",
                                    i.follow_up_due)
                  .ok());
  EXPECT_EQ(FlaggedIds(i.follow_up_due + 100 * kHour), std::vector<std::string>{de.id});
  // Recorded late: stays flagged.
  auto late = desk_->RecordFollowUp(de.id, {LegalProcessKind::kWarrant, "W-1"}, "legal-1", de.follow_up_due + 1);
  ASSERT_TRUE(late.ok()) << late.status().message();
  EXPECT_EQ(FlaggedIds(de.follow_up_due + 2), std::vector<std::string>{de.id});
  // Only once, only with a real process, only for an emergency answered without one.
  EXPECT_EQ(desk_->RecordFollowUp(de.id, {LegalProcessKind::kWarrant, "W-2"}, "legal-1", kReceived).status().code(),
            Status::Code::kConflict);
  DataRequest plain = MustSubmit(Draft("plain"));
  EXPECT_EQ(
      desk_->RecordFollowUp(plain.id, {LegalProcessKind::kWarrant, "W-3"}, "legal-1", kReceived).status().code(),
      Status::Code::kConflict);
  DataRequest pending = MustSubmit([] {
    DataRequest p = Draft("E-2");
    p.emergency = true;
    p.legal_process = {};
    return p;
  }());
  EXPECT_EQ(desk_->RecordFollowUp(pending.id, {LegalProcessKind::kEmergencyNone, "x"}, "l", kReceived).status().code(),
            Status::Code::kInvalid);
  EXPECT_EQ(desk_->RecordFollowUp(pending.id, {LegalProcessKind::kWarrant, ""}, "l", kReceived).status().code(),
            Status::Code::kInvalid);
}

TEST_F(DataRequestDeskTest, FollowUpWindowDefaultIsADeploymentSetting) {
  Open(DataRequestDeskOptions{24.0});
  DataRequest d = Draft("E-PK");
  d.authority = "fia";
  d.jurisdiction = "PK";
  d.emergency = true;
  d.legal_process = {};
  EXPECT_EQ(MustSubmit(d).follow_up_due, kReceived + 24 * kHour);
}

TEST_F(DataRequestDeskTest, EmergencyPackageWithholdsContentUntilTheFollowUpCoversIt) {
  DataRequest d = Draft("E-content");
  d.emergency = true;
  d.legal_process = {};
  d.fields = {"account.posts.region", "account.posts.text"};
  DataRequest r = MustSubmit(d);
  auto before = desk_->Prepare(r.id, "alice", kReceived);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->disclosed_fields, std::vector<std::string>{"account.posts.region"});
  EXPECT_EQ(before->package.find("SECRET-TEXT"), std::string::npos);
  ASSERT_TRUE(desk_->Refuse(r.id, "re-prepare once the warrant arrives", "bob", kReceived).ok());

  DataRequest d2 = Draft("E-content-2");
  d2.emergency = true;
  d2.legal_process = {};
  d2.fields = {"account.posts.text"};
  DataRequest r2 = MustSubmit(d2);
  ASSERT_TRUE(desk_->RecordFollowUp(r2.id, {LegalProcessKind::kWarrant, "W-9"}, "legal-1", kReceived + 60).ok());
  auto after = desk_->Prepare(r2.id, "alice", kReceived + 120);
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->disclosed_fields, std::vector<std::string>{"account.posts.text"});
  EXPECT_NE(after->package.find("SECRET-TEXT-ONE"), std::string::npos);
  EXPECT_EQ(Json::parse(after->package)["legal_process"]["kind"], "warrant");
}

// ---- gag periods -----------------------------------------------------------

TEST_F(DataRequestDeskTest, GagUsersNotifiedOnlyAfterItEnds) {
  DataRequest d = Draft("gagged");
  const int64_t gag_end = kReceived + 90 * 86400;
  d.gag_until = gag_end;
  DataRequest r = Disclosed(d);
  EXPECT_EQ(r.user_notified_at, 0);
  EXPECT_TRUE(desk_->NotifyDue(gag_end - 1)->empty());
  EXPECT_EQ(desk_->MarkNotified(r.id, "notifier", gag_end - 1).status().code(), Status::Code::kConflict);
  auto due = desk_->NotifyDue(gag_end);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, r.id);
  EXPECT_EQ((*due)[0].targets, std::vector<std::string>{"a1"});
  auto marked = desk_->MarkNotified(r.id, "notifier", gag_end + 5);
  ASSERT_TRUE(marked.ok()) << marked.status().message();
  EXPECT_EQ(marked->user_notified_at, gag_end + 5);
  EXPECT_TRUE(desk_->NotifyDue(gag_end + 10)->empty());
  EXPECT_EQ(desk_->MarkNotified(r.id, "notifier", gag_end + 10).status().code(), Status::Code::kConflict);
  EXPECT_EQ(Audit().back().action, "datareq.notify");
  EXPECT_EQ(Audit().back().subject, r.id);
}

TEST_F(DataRequestDeskTest, NoGagNotifiesAtDisclosure) {
  DataRequest r = Disclosed(Draft("open"), kReceived + 500);
  EXPECT_EQ(r.user_notified_at, kReceived + 500);
  EXPECT_TRUE(desk_->NotifyDue(kReceived + 86400)->empty());
  // A gagged request that was never disclosed is never due.
  DataRequest g = Draft("gag-pending");
  g.gag_until = kReceived + 10;
  MustSubmit(g);
  EXPECT_TRUE(desk_->NotifyDue(kReceived + 86400)->empty());
}

// ---- counts ----------------------------------------------------------------

TEST_F(DataRequestDeskTest, StatsCountEveryRequestByJurisdictionProcessAndOutcome) {
  Disclosed(Draft("granted-1"));
  Disclosed(Draft("granted-2"));
  DataRequest partly = Draft("partly");
  partly.legal_process = {LegalProcessKind::kStatutoryNotice, "n-1"};
  partly.fields = {"account.id", "account.posts.text"};
  Disclosed(partly);
  DataRequest refused = MustSubmit(Draft("refused"));
  ASSERT_TRUE(desk_->Refuse(refused.id, "no jurisdiction over the account", "legal", kReceived).ok());
  DataRequest rejected = Draft("rejected");
  rejected.legal_process = {};
  MustSubmit(rejected);
  MustSubmit(Draft("pending"));
  DataRequest emergency = Draft("emergency");
  emergency.emergency = true;
  emergency.legal_process = {};
  Disclosed(emergency);
  DataRequest in = Draft("in");
  in.authority = "cbi";
  in.jurisdiction = "IN";
  MustSubmit(in);

  auto all = desk_->List(std::nullopt, false, kReceived);
  ASSERT_TRUE(all.ok());
  const int64_t now = kReceived + 7 * kHour;  // the DE emergency follow-up (6 h) is overdue
  DataRequestStats s = CountDataRequests(*all, now);
  EXPECT_EQ(s.all.total(), 8);
  EXPECT_EQ(s.all.granted, 3);
  EXPECT_EQ(s.all.partly_granted, 1);
  EXPECT_EQ(s.all.refused, 1);
  EXPECT_EQ(s.all.rejected, 1);
  EXPECT_EQ(s.all.pending, 2);
  EXPECT_EQ(s.emergency.total(), 1);
  EXPECT_EQ(s.emergency.granted, 1);
  EXPECT_EQ(s.emergency_flagged, 1);
  EXPECT_EQ(s.emergency_followed_up, 0);
  // The Indian authority asks about a1 (DE): cross-border, counted apart (pending, not reviewed).
  EXPECT_EQ(s.cross_border.total(), 1);
  EXPECT_EQ(s.cross_border.pending, 1);
  EXPECT_EQ(s.cross_border_reviewed, 0);
  std::map<std::tuple<std::string, std::string, bool>, OutcomeCounts> rows;
  for (const DataRequestStatsRow& r : s.rows) rows[{r.jurisdiction, r.legal_process, r.emergency}] = r.counts;
  ASSERT_EQ(rows.size(), 5u);
  const OutcomeCounts& court = rows[{"DE", "court_order", false}];
  EXPECT_EQ(court.granted, 2);
  EXPECT_EQ(court.refused, 1);
  EXPECT_EQ(court.pending, 1);
  EXPECT_EQ(court.total(), 4);
  EXPECT_EQ((rows[{"DE", "statutory_notice", false}].partly_granted), 1);
  EXPECT_EQ((rows[{"DE", "none", false}].rejected), 1);
  EXPECT_EQ((rows[{"DE", "emergency_none", true}].granted), 1);
  EXPECT_EQ((rows[{"IN", "court_order", false}].pending), 1);
  // A window by received time.
  EXPECT_EQ(CountDataRequests(*all, now, kReceived + 1).all.total(), 0);
  Json j = Json::parse(DataRequestStatsToJson(s).dump());
  EXPECT_EQ(j["all"]["total"], 8);
  EXPECT_EQ(j["cross_border"]["total"], 1);
  EXPECT_EQ(j["emergency"]["flagged"], 1);
  EXPECT_EQ(j["rows"].size(), 5u);
}

// ---- JSON and regimes ------------------------------------------------------

TEST(DataRequestJson, SubmissionParsesAndErrorsNameTheField) {
  const std::string good =
      R"({"authority":"bka","jurisdiction":"DE","reference":"R1","legal_process":{"kind":"warrant","reference":"W"},)"
      R"("fields":["account.id","account.posts.text"],"targets":["a1",{"account":"a2"}],"emergency":true,)"
      R"("received":"2026-11-01T10:00:00Z","gag_until":"2027-02-01T00:00:00Z"})";
  auto ok = ParseDataRequestSubmission(good, kReceived);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->legal_process.kind, LegalProcessKind::kWarrant);
  EXPECT_EQ(ok->targets, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_TRUE(ok->emergency);
  EXPECT_EQ(ok->received, *ParseTimestamp("2026-11-01T10:00:00Z"));
  EXPECT_EQ(ok->gag_until, *ParseTimestamp("2027-02-01T00:00:00Z"));
  const std::string base = R"("authority":"a","jurisdiction":"DE","reference":"r")";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"nope", "not valid JSON"},
      {"[1]", "JSON object"},
      {R"({"jurisdiction":"DE","reference":"r","fields":[],"targets":[]})", "authority: missing"},
      {"{" + base + R"(,"targets":[]})", "fields: must be an array"},
      {"{" + base + R"(,"fields":[1],"targets":[]})", "fields[0]"},
      {"{" + base + R"(,"fields":[],"targets":[{"item":"p1"}]})", "targets[0]"},
      {"{" + base + R"(,"fields":[],"targets":[],"legal_process":{"kind":"letter"}})", "legal_process.kind"},
      {"{" + base + R"(,"fields":[],"targets":[],"legal_process":"warrant"})", "legal_process: must be an object"},
      {"{" + base + R"(,"fields":[],"targets":[],"gag_until":"later"})", "gag_until"},
      {"{" + base + R"(,"fields":[],"targets":[],"colour":1})", "colour: unknown field"},
  };
  for (const auto& [text, want] : bad) {
    auto r = ParseDataRequestSubmission(text, kReceived);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(want), std::string::npos) << text << " -> " << r.status().message();
  }
  // Missing process, unknown fields, empty lists parse: the desk rejects them, counted.
  auto lax = ParseDataRequestSubmission("{" + base + R"(,"fields":["x.y"],"targets":[]})", kReceived);
  ASSERT_TRUE(lax.ok()) << lax.status().message();
  EXPECT_EQ(lax->legal_process.kind, LegalProcessKind::kNone);
}

TEST(DataRequestJson, RecordRoundTrips) {
  DataRequest r;
  r.id = "dr-1";
  r.authority = "bka";
  r.jurisdiction = "DE";
  r.regime = "de-netzdg";
  r.reference = "R";
  r.legal_process = {LegalProcessKind::kEmergencyNone, ""};
  r.fields = {"account.id"};
  r.targets = {"a1"};
  r.emergency = true;
  r.received = kReceived;
  r.deadline = kReceived + 100;
  r.follow_up_due = kReceived + 200;
  r.follow_up = {LegalProcessKind::kWarrant, "W"};
  r.follow_up_at = kReceived + 150;
  r.gag_until = kReceived + 999;
  r.state = DataRequestState::kDisclosed;
  r.prepared_by = "alice";
  r.prepared_at = kReceived + 1;
  r.approved_by = "bob";
  r.approved_at = kReceived + 2;
  r.disclosed_by = "carol";
  r.disclosed_at = kReceived + 3;
  r.disclosed_fields = {"account.id"};
  r.withheld_fields = {{"account.posts.text", "why"}};
  r.package = R"({"request":"dr-1","records":[{"target":"a1","account.id":"a1"}]})";
  auto back = DataRequestFromJson(DataRequestToJson(r, true).dump());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(DataRequestToJson(*back, true), DataRequestToJson(r, true));
  EXPECT_EQ(back->package, r.package);
  EXPECT_FALSE(DataRequestToJson(r, false).contains("package"));
}

TEST(DataRequestRegimes, ShortestInformationRequestFigureWins) {
  Regime a;
  a.id = "eu-a";
  a.jurisdiction = "EU";
  a.info_request.normal.value = 72;
  Regime b;
  b.id = "eu-b";
  b.jurisdiction = "EU";
  b.info_request.normal.value = 24;
  b.info_request.emergency.value = 8;
  Regime c;
  c.id = "br";
  c.jurisdiction = "BR";
  InfoRequestLookup lookup = MakeInfoRequestLookup({a, b, c});
  InfoRequestAnswer eu = lookup("EU");
  EXPECT_TRUE(eu.regime_found);
  EXPECT_EQ(eu.regime_id, "eu-b");
  EXPECT_EQ(eu.normal_hours, 24.0);
  EXPECT_EQ(eu.emergency_hours, 8.0);
  InfoRequestAnswer br = lookup("BR");
  EXPECT_TRUE(br.regime_found);
  EXPECT_FALSE(br.normal_hours.has_value());
  EXPECT_FALSE(lookup("XX").regime_found);
}

// ---- the CLI ---------------------------------------------------------------

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr
};

CliRun Cli(const std::string& args) {
  const std::string cmd = std::string(EVENHAND_BINARY) + " " + args + " 2>&1";
  CliRun r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_F(DataRequestDeskTest, CliSubmitPrepareFourEyesDiscloseAndStats) {
  const std::string db = (std::filesystem::path(dir_) / "db.sqlite").string();
  desk_.reset();
  store_.reset();  // the CLI opens the store itself
  const std::string input = (std::filesystem::path(dir_) / "requests.jsonl").string();
  {
    std::ofstream f(input);
    f << R"({"authority":"bka","jurisdiction":"DE","reference":"CLI-1","legal_process":{"kind":"court_order","reference":"AG-1"},"fields":["account.id","account.posts.ts"],"targets":["a1"],"received":"2026-11-02T00:00:00Z"})"
      << "\n"
      << R"({"authority":"bka","jurisdiction":"DE","reference":"CLI-2","fields":["account.id"],"targets":["a1"]})"
      << "\n";
  }
  const std::string common = " --db " + db + " --now 2026-11-02T01:00:00Z";
  // Every --actor is a registered person.
  ASSERT_EQ(Cli("people add --db " + db + " --id alice --role admin --role moderator --actor alice").code, 0);
  for (const char* who : {"intake", "bob", "carol"})
    ASSERT_EQ(Cli("people add --db " + db + " --id " + who + " --role moderator --actor alice").code, 0);
  CliRun submit = Cli("datareq submit" + common + " --actor intake " + input);
  ASSERT_EQ(submit.code, 0) << submit.out;
  std::istringstream lines(submit.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  Json a = Json::parse(first), b = Json::parse(second);
  EXPECT_EQ(a["state"], "accepted");
  EXPECT_EQ(a["deadline"], "2026-11-04T00:00:00Z") << "DE NetzDG s.5(2): 48 h";
  EXPECT_EQ(b["state"], "rejected");
  const std::string id = a["id"];
  EXPECT_EQ(Cli("datareq prepare" + common + " --actor alice " + id).code, 0);
  CliRun self = Cli("datareq approve" + common + " --actor alice " + id);
  EXPECT_EQ(self.code, 1);
  EXPECT_NE(self.out.find("four-eyes"), std::string::npos) << self.out;
  EXPECT_EQ(Cli("datareq approve" + common + " --actor bob " + id).code, 0);
  const std::string package = (std::filesystem::path(dir_) / "package.json").string();
  CliRun disclose = Cli("datareq disclose" + common + " --actor carol " + id + " -o " + package);
  ASSERT_EQ(disclose.code, 0) << disclose.out;
  std::ifstream in(package);
  Json pkg = Json::parse(in);
  ASSERT_EQ(pkg["records"].size(), 1u);
  EXPECT_EQ(Keys(pkg["records"][0]), (std::set<std::string>{"target", "account.id", "account.posts"}));
  EXPECT_FALSE(std::filesystem::exists(package + ".tmp"));
  // A second disclose fails and leaves no file behind.
  const std::string again = (std::filesystem::path(dir_) / "again.json").string();
  EXPECT_EQ(Cli("datareq disclose" + common + " --actor carol " + id + " -o " + again).code, 1);
  EXPECT_FALSE(std::filesystem::exists(again));
  EXPECT_FALSE(std::filesystem::exists(again + ".tmp"));
  CliRun stats = Cli("datareq stats" + common);
  ASSERT_EQ(stats.code, 0) << stats.out;
  Json st = Json::parse(stats.out);
  EXPECT_EQ(st["all"]["granted"], 1);
  EXPECT_EQ(st["all"]["rejected"], 1);
  for (const char* verb : {"submit", "list", "show", "prepare", "approve", "refuse", "disclose", "follow-up",
                           "notify-due", "stats"})
    EXPECT_EQ(Cli(std::string("datareq ") + verb + " --help").code, 0) << verb;
  CliRun audit = Cli("audit verify --db " + db);
  EXPECT_EQ(audit.code, 0) << audit.out;
}

}  // namespace
}  // namespace evenhand
