// Orders: intake validation, idempotency, deadlines and the lifecycle, on a
// real SQLite store in a temporary directory.
#include "cases/order_desk.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "cases/order_json.h"
#include "cases/order_statements.h"
#include "model/time.h"

namespace evenhand {
namespace {

constexpr int64_t kReceived = 1'790'000'000;  // 2026-09-21

// Two regimes: PK (defamation 48 h, 12 h in an emergency; "hate" with no hour
// figure) and EU-wide terrorist content (1 h).
RegimeAnswer FakeRegimes(const std::string& jurisdiction, const std::string& category, bool emergency) {
  RegimeAnswer a;
  if (jurisdiction == "PK") {
    a.regime_found = true;
    a.regime_id = "pk-peca";
    if (category == "defamation") {
      a.category_covered = true;
      a.deadline_hours = emergency ? 12.0 : 48.0;
    } else if (category == "hate") {
      a.category_covered = true;  // covered, but the law sets no hour figure
    }
  } else if (jurisdiction == "EU") {
    a.regime_found = true;
    a.regime_id = "eu-tco";
    if (category == "terrorist_content") {
      a.category_covered = true;
      a.deadline_hours = 1.0;
    }
  }
  return a;
}

class OrderDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "evenhand-orders-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Open();
    ASSERT_TRUE(store_->PutAuthority({"pta", "Pakistan Telecommunication Authority", "PK", "regulator", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"europol", "Europol IRU", "EU", "police", 0}, "admin").ok());
    ASSERT_TRUE(store_->PutAuthority({"xx-court", "A court where no regime is configured", "NZ", "court", 0}, "admin").ok());
    Post p;
    p.id = "p1";
    p.account = "a1";
    ASSERT_TRUE(store_->PutPost(p).ok());
    p.id = "p2";
    ASSERT_TRUE(store_->PutPost(p).ok());
  }
  void TearDown() override {
    desk_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    desk_.reset();
    store_.reset();
    auto s = OpenStore((std::filesystem::path(dir_) / "db.sqlite").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    desk_ = std::make_unique<OrderDesk>(store_.get(), FakeRegimes);
  }
  Order Draft(std::string reference = "PTA/2026/1") {
    Order o;
    o.authority = "pta";
    o.jurisdiction = "PK";
    o.legal_basis = {"PECA 2016", "s.37"};
    o.category = "defamation";
    o.targets = {{"item", "p1"}};
    o.reference = std::move(reference);
    o.received = kReceived;
    return o;
  }
  Order MustSubmit(Order o) {
    auto r = desk_->Submit(std::move(o), "intake");
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->order : Order{};
  }
  std::vector<AuditEntry> Audit() {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(store_->ForEachAudit([&](const AuditEntry& e) { out.push_back(e); }).ok());
    return out;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<OrderDesk> desk_;
};

TEST_F(OrderDeskTest, ValidOrderIsAcceptedWithTheRegimeDeadline) {
  Order o = MustSubmit(Draft());
  EXPECT_EQ(o.state, OrderState::kAccepted);
  EXPECT_EQ(o.regime, "pk-peca");
  EXPECT_EQ(o.deadline, kReceived + 48 * 3600);
  EXPECT_EQ(o.id, OrderDesk::OrderId("pta", "PTA/2026/1"));
}

TEST_F(OrderDeskTest, DeadlinesPerUrgencyAndRegime) {
  Order urgent = Draft("urgent");
  urgent.emergency = true;
  EXPECT_EQ(MustSubmit(urgent).deadline, kReceived + 12 * 3600);
  Order hate = Draft("hate");
  hate.category = "hate";
  Order h = MustSubmit(hate);
  EXPECT_EQ(h.state, OrderState::kAccepted);
  EXPECT_EQ(h.deadline, 0) << "no hour figure in law: no deadline";
  Order tco = Draft("TCO-1");
  tco.authority = "europol";
  tco.jurisdiction = "EU";
  tco.legal_basis = {"Regulation (EU) 2021/784", "Art. 3"};
  tco.category = "terrorist_content";
  EXPECT_EQ(MustSubmit(tco).deadline, kReceived + 3600);
}

TEST_F(OrderDeskTest, EachRejectionIsStoredWithItsReason) {
  struct Case {
    const char* name;
    std::function<void(Order*)> change;
    const char* reason_part;
  };
  const std::vector<Case> cases = {
      {"no legal basis", [](Order* o) { o->legal_basis = {}; }, "no legal basis"},
      {"no provision", [](Order* o) { o->legal_basis.provision.clear(); }, "no legal basis"},
      {"unregistered authority", [](Order* o) { o->authority = "nobody"; }, "not registered"},
      {"authority of another jurisdiction", [](Order* o) { o->jurisdiction = "EU"; o->category = "terrorist_content"; },
       "not registered for jurisdiction EU"},
      {"no regime", [](Order* o) { o->authority = "xx-court"; o->jurisdiction = "NZ"; },
       "no regime is configured for jurisdiction NZ"},
      {"category not covered", [](Order* o) { o->category = "copyright"; }, "not covered by the regimes of PK (pk-peca)"},
      {"unknown item", [](Order* o) { o->targets.push_back({"item", "p404"}); }, "unknown targets: item \"p404\""},
      {"unknown account", [](Order* o) { o->targets = {{"account", "ghost"}}; }, "account \"ghost\""},
  };
  int n = 0;
  for (const Case& c : cases) {
    Order o = Draft("rej-" + std::to_string(n++));
    c.change(&o);
    auto r = desk_->Submit(o, "intake");
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().message();
    EXPECT_EQ(r->order.state, OrderState::kRejected) << c.name;
    EXPECT_NE(r->order.reason.find(c.reason_part), std::string::npos) << c.name << ": " << r->order.reason;
    // Stored, with the reason, and returned again on a repeat.
    auto stored = desk_->Get(r->order.id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->state, OrderState::kRejected);
    EXPECT_EQ(stored->reason, r->order.reason);
  }
}

TEST_F(OrderDeskTest, IntakeIsIdempotentByAuthorityAndReference) {
  Order first = MustSubmit(Draft());
  const size_t audit_after_first = Audit().size();
  Order again = Draft();
  again.category = "hate";  // a changed resubmission does not alter the record
  auto r = desk_->Submit(again, "intake");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->duplicate);
  EXPECT_EQ(r->order.id, first.id);
  EXPECT_EQ(r->order.category, "defamation");
  EXPECT_EQ(Audit().size(), audit_after_first);
  auto all = desk_->List(std::nullopt, std::nullopt, kReceived);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  // The same reference from another authority is another order.
  Order other = Draft();
  other.authority = "europol";
  other.jurisdiction = "EU";
  other.category = "terrorist_content";
  EXPECT_NE(MustSubmit(other).id, first.id);
}

TEST_F(OrderDeskTest, IntakeIsDurableAcrossReopen) {
  Order o = MustSubmit(Draft());
  Open();
  auto back = desk_->Get(o.id);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->state, OrderState::kAccepted);
  EXPECT_EQ(back->deadline, o.deadline);
  EXPECT_EQ(back->targets.size(), 1u);
  EXPECT_EQ(back->legal_basis.provision, "s.37");
}

TEST_F(OrderDeskTest, FullLifecycleWithAppealAndEveryTransitionAudited) {
  Order o = MustSubmit(Draft());
  const int64_t t = kReceived + 3600;
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kReview, {}, "mod-1", t).ok());
  OrderEventArgs withhold;
  withhold.outcome = OrderOutcome::kWithheld;
  auto acted = desk_->Apply(o.id, OrderEvent::kAct, withhold, "mod-1", t + 60);
  ASSERT_TRUE(acted.ok()) << acted.status().message();
  EXPECT_EQ(acted->state, OrderState::kActioned);
  EXPECT_EQ(acted->actioned_at, t + 60);
  EXPECT_TRUE(acted->InForce());
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kClose, {}, "mod-2", t + 120).ok());
  OrderEventArgs appeal;
  appeal.appeal = "the post is a news report, not defamation";
  auto reopened = desk_->Apply(o.id, OrderEvent::kReopen, appeal, "user-a1", t + 500);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->state, OrderState::kReopened);
  auto reversed = desk_->Apply(o.id, OrderEvent::kReverse, {}, "mod-3", t + 900);
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(reversed->state, OrderState::kReversed);
  EXPECT_EQ(reversed->reversed_at, t + 900);
  EXPECT_FALSE(reversed->InForce());
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kClose, {}, "mod-3", t + 901).ok());

  std::vector<std::pair<std::string, std::string>> trail;  // (action, actor) for this order
  for (const AuditEntry& e : Audit())
    if (e.subject == o.id) trail.emplace_back(e.action, e.actor);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"order.submit", "intake"}, {"order.review", "mod-1"},   {"order.act", "mod-1"},    {"order.close", "mod-2"},
      {"order.reopen", "user-a1"}, {"order.reverse", "mod-3"}, {"order.close", "mod-3"}};
  EXPECT_EQ(trail, want);
  auto report = VerifyAudit(*store_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(OrderDeskTest, TransitionTableLegalAndIllegal) {
  // Every (state, event) pair against the documented table.
  const std::map<std::pair<OrderState, OrderEvent>, OrderState> legal = {
      {{OrderState::kReceived, OrderEvent::kAccept}, OrderState::kAccepted},
      {{OrderState::kReceived, OrderEvent::kReject}, OrderState::kRejected},
      {{OrderState::kAccepted, OrderEvent::kReview}, OrderState::kInReview},
      {{OrderState::kInReview, OrderEvent::kAct}, OrderState::kActioned},
      {{OrderState::kActioned, OrderEvent::kClose}, OrderState::kClosed},
      {{OrderState::kUpheld, OrderEvent::kClose}, OrderState::kClosed},
      {{OrderState::kReversed, OrderEvent::kClose}, OrderState::kClosed},
      {{OrderState::kActioned, OrderEvent::kReopen}, OrderState::kReopened},
      {{OrderState::kClosed, OrderEvent::kReopen}, OrderState::kReopened},
      {{OrderState::kReopened, OrderEvent::kUphold}, OrderState::kUpheld},
      {{OrderState::kReopened, OrderEvent::kReverse}, OrderState::kReversed},
  };
  const OrderState states[] = {OrderState::kReceived, OrderState::kRejected, OrderState::kAccepted,
                               OrderState::kInReview, OrderState::kActioned, OrderState::kClosed,
                               OrderState::kReopened, OrderState::kUpheld,   OrderState::kReversed};
  const OrderEvent events[] = {OrderEvent::kAccept, OrderEvent::kReject, OrderEvent::kReview, OrderEvent::kAct,
                               OrderEvent::kClose,  OrderEvent::kReopen, OrderEvent::kUphold, OrderEvent::kReverse};
  for (OrderState s : states)
    for (OrderEvent e : events) {
      auto it = legal.find({s, e});
      auto next = NextOrderState(s, e);
      if (it == legal.end()) {
        EXPECT_FALSE(next.has_value()) << OrderStateName(s) << " + " << OrderEventName(e);
      } else {
        ASSERT_TRUE(next.has_value()) << OrderStateName(s) << " + " << OrderEventName(e);
        EXPECT_EQ(*next, it->second);
      }
    }
}

TEST_F(OrderDeskTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  Order o = MustSubmit(Draft());
  const size_t audit = Audit().size();
  OrderEventArgs withhold;
  withhold.outcome = OrderOutcome::kWithheld;
  auto r = desk_->Apply(o.id, OrderEvent::kAct, withhold, "mod", kReceived);  // not in review yet
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_NE(r.status().message().find("cannot act an order that is accepted"), std::string::npos);
  EXPECT_EQ(desk_->Apply(o.id, OrderEvent::kUphold, {}, "mod", kReceived).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk_->Apply("ord-missing", OrderEvent::kReview, {}, "mod", kReceived).status().code(),
            Status::Code::kNotFound);
  // A rejected order can never be actioned.
  Order bad = Draft("bad");
  bad.legal_basis = {};
  Order rejected = MustSubmit(bad);
  EXPECT_EQ(desk_->Apply(rejected.id, OrderEvent::kReview, {}, "mod", kReceived).status().code(),
            Status::Code::kConflict);
  EXPECT_EQ(Audit().size(), audit + 1);  // only the rejected intake
  EXPECT_EQ(desk_->Get(o.id)->state, OrderState::kAccepted);
}

TEST_F(OrderDeskTest, OutcomesNeedTheirArguments) {
  Order o = MustSubmit(Draft());
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kReview, {}, "mod", kReceived).ok());
  EXPECT_EQ(desk_->Apply(o.id, OrderEvent::kAct, {}, "mod", kReceived).status().code(), Status::Code::kInvalid);
  OrderEventArgs none;
  none.outcome = OrderOutcome::kNoAction;
  EXPECT_EQ(desk_->Apply(o.id, OrderEvent::kAct, none, "mod", kReceived).status().code(), Status::Code::kInvalid);
  OrderEventArgs global;
  global.outcome = OrderOutcome::kRemovedGlobally;
  EXPECT_EQ(desk_->Apply(o.id, OrderEvent::kAct, global, "mod", kReceived).status().code(), Status::Code::kInvalid);
  global.reason = "also breaks the global scams policy (rule scam-terms)";
  auto r = desk_->Apply(o.id, OrderEvent::kAct, global, "mod", kReceived);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, OrderOutcome::kRemovedGlobally);
  EXPECT_EQ(desk_->Apply(o.id, OrderEvent::kReopen, {}, "user", kReceived).status().code(), Status::Code::kInvalid);
}

TEST_F(OrderDeskTest, DueWithinListsOnlyOpenOrdersWithNearDeadlines) {
  Order urgent = Draft("u");
  urgent.emergency = true;  // due at +12 h
  Order u = MustSubmit(urgent);
  Order normal = MustSubmit(Draft("n"));  // due at +48 h
  Order hate = Draft("h");
  hate.category = "hate";  // no deadline
  MustSubmit(hate);
  auto due = desk_->List(std::nullopt, 6 * 3600, kReceived + 7 * 3600);  // now +7 h: urgent due in 5 h
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, u.id);
  auto overdue = desk_->List(std::nullopt, 0, kReceived + 49 * 3600);
  ASSERT_TRUE(overdue.ok());
  EXPECT_EQ(overdue->size(), 2u);
  // Once actioned it is no longer due.
  ASSERT_TRUE(desk_->Apply(normal.id, OrderEvent::kReview, {}, "mod", kReceived).ok());
  OrderEventArgs w;
  w.outcome = OrderOutcome::kWithheld;
  ASSERT_TRUE(desk_->Apply(normal.id, OrderEvent::kAct, w, "mod", kReceived).ok());
  EXPECT_EQ(desk_->List(std::nullopt, 0, kReceived + 49 * 3600)->size(), 1u);
}

TEST_F(OrderDeskTest, StatementsOfReasonsForOrdersInForce) {
  Regime pk;
  pk.id = "pk-peca";
  pk.jurisdiction = "PK";
  RegimeCategory defamation;
  defamation.id = "defamation";
  defamation.dsa_categories = {"illegal_or_harmful_speech"};
  pk.categories.push_back(defamation);
  const std::vector<Regime> regimes = {pk};
  auto collect = [&] {
    std::vector<Statement> out;
    EXPECT_TRUE(ForEachOrderStatement(*store_, regimes, {}, [&](const Statement& s) { out.push_back(s); }).ok());
    return out;
  };
  Order account_order = Draft("acct");
  account_order.targets = {{"account", "a1"}};  // a1 posted p1 and p2
  Order o = MustSubmit(account_order);
  EXPECT_TRUE(collect().empty()) << "accepted but not actioned: nothing restricted yet";
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kReview, {}, "mod", kReceived).ok());
  OrderEventArgs w;
  w.outcome = OrderOutcome::kWithheld;
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kAct, w, "mod", kReceived + 600).ok());
  std::vector<Statement> st = collect();
  ASSERT_EQ(st.size(), 2u);
  for (const Statement& s : st) {
    EXPECT_EQ(s.category, "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
    EXPECT_EQ(s.territorial_scope, std::vector<std::string>{"PK"});
    EXPECT_EQ(s.decision_ground, "DECISION_GROUND_ILLEGAL_CONTENT");
    EXPECT_EQ(s.source_identity, "pta");
  }
  EXPECT_NE(st[0].puid, st[1].puid);
  // Reversed on appeal: the items are reinstated and no statement remains.
  OrderEventArgs appeal;
  appeal.appeal = "counter-notice";
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kReopen, appeal, "user", kReceived + 700).ok());
  EXPECT_EQ(collect().size(), 2u) << "the action stands while the appeal is pending";
  ASSERT_TRUE(desk_->Apply(o.id, OrderEvent::kReverse, {}, "mod-2", kReceived + 800).ok());
  EXPECT_TRUE(collect().empty());
}

TEST(OrderJson, SubmissionErrorsNameTheField) {
  const int64_t now = kReceived;
  const std::string good =
      R"({"authority":"pta","jurisdiction":"PK","legal_basis":{"instrument":"PECA 2016","provision":"s.37"},)"
      R"("category":"defamation","targets":[{"item":"p1"}],"reference":"R1","received":"2026-11-01T10:00:00Z"})";
  auto ok = ParseOrderSubmission(good, now);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->received, *ParseTimestamp("2026-11-01T10:00:00Z"));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", "not valid JSON"},
      {R"([1])", "JSON object"},
      {R"({"jurisdiction":"PK","category":"x","targets":[{"item":"p"}],"reference":"r"})", "authority: missing"},
      {R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[],"reference":"r"})", "targets:"},
      {R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[{"post":"p"}],"reference":"r"})",
       "targets[0]"},
      {R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[{"item":"p"}],"reference":"r","emergency":"yes"})",
       "emergency:"},
      {R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[{"item":"p"}],"reference":"r","received":"soon"})",
       "received:"},
      {R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[{"item":"p"}],"reference":"r","colour":1})",
       "colour: unknown field"},
  };
  for (const auto& [text, want] : bad) {
    auto r = ParseOrderSubmission(text, now);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(want), std::string::npos) << text << " -> " << r.status().message();
  }
  // No legal basis parses: the desk rejects it with a stored reason.
  auto no_basis = ParseOrderSubmission(
      R"({"authority":"a","jurisdiction":"PK","category":"x","targets":[{"item":"p"}],"reference":"r"})", now);
  ASSERT_TRUE(no_basis.ok());
  EXPECT_TRUE(no_basis->legal_basis.instrument.empty());
}

TEST(OrderJson, RecordRoundTrips) {
  Order o;
  o.id = "ord-1";
  o.authority = "pta";
  o.jurisdiction = "PK";
  o.regime = "pk-peca";
  o.legal_basis = {"PECA 2016", "s.37"};
  o.category = "defamation";
  o.emergency = true;
  o.targets = {{"item", "p1"}, {"account", "a1"}};
  o.reference = "R";
  o.received = kReceived;
  o.deadline = kReceived + 43200;
  o.state = OrderState::kActioned;
  o.outcome = OrderOutcome::kWithheld;
  o.actioned_at = kReceived + 100;
  auto back = OrderFromJson(OrderToJson(o).dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(OrderToJson(*back), OrderToJson(o));
}

}  // namespace
}  // namespace evenhand
