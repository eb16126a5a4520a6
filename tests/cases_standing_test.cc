// Issue 14 points 1 and 2 at the cases layer: whether an action stands
// (cases/standing.h) and the appeal desk's rules (cases/appeal_desk.h), on a
// real SQLite store in a temporary directory.
#include "cases/standing.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "cases/appeal_desk.h"
#include "cases/order_json.h"
#include "cases/visibility.h"

namespace evenhand {
namespace {

class StandingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "evenhand-standing-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = OpenStore((dir_ / "db.sqlite").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    for (const char* id : {"p1", "p2", "p3"}) {
      Post p;
      p.id = id;
      p.account = "a1";
      p.region = "DE";
      ASSERT_TRUE(store_->PutPost(p).ok());
    }
    Put("p1", Action::kRemove, {});
    Put("p2", Action::kWithhold, {"DE"});
    Put("p3", Action::kAllow, {});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Put(const std::string& item, Action action, std::vector<std::string> scope) {
    Decision d;
    d.item = item;
    d.account = "a1";
    d.action = action;
    d.scope = std::move(scope);
    d.policy = "pol@1";
    bool inserted = false;
    ASSERT_TRUE(store_->PutDecision(d, "scan:pol@1", &inserted).ok());
  }
  bool Visible(const std::string& item, const std::string& from) {
    auto v = VisibleFrom(*store_, item, from);
    EXPECT_TRUE(v.ok());
    return v.ok() && v->visible;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST(DecisionRef, SplitsItemFromPolicyAtTheSecondToLastAt) {
  auto r = ParseDecisionRef("p0062@examples@1", "--decision");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, "p0062");
  EXPECT_EQ(r->second, "examples@1");
  r = ParseDecisionRef("user@mail@pol@3", "--decision");  // an item id holding '@'
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, "user@mail");
  EXPECT_EQ(r->second, "pol@3");
  for (const char* bad : {"p1", "p1@pol", "@pol@1", "p1@pol@", "p1@@1", ""}) {
    auto b = ParseDecisionRef(bad, "--decision");
    EXPECT_FALSE(b.ok()) << bad;
    if (!b.ok()) {
      EXPECT_EQ(b.status().message().rfind("--decision: ", 0), 0u) << b.status().message();
    }
  }
}

TEST(OrderStandingTest, ReadsOrdersStoredBeforeStandingWasRecorded) {
  // An order record as an earlier build stored it: no standing, appealed_at
  // or appeal_decided_at; closed after a reversal.
  auto o = OrderFromJson(
      R"({"id":"ord-1","authority":"pta","jurisdiction":"PK","targets":[{"item":"p1"}],"received":"2026-11-20T09:00:00Z",)"
      R"("state":"closed","outcome":"withheld","actioned_at":"2026-11-20T10:00:00Z","appeal":"lawful",)"
      R"("reversed_at":"2026-11-21T10:00:00Z","closed_at":"2026-11-21T11:00:00Z"})");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(OrderStanding(*o), "reversed");
  EXPECT_EQ(o->appealed_at, 0);
  EXPECT_EQ(OrderToJson(*o)["standing"], "reversed");
  o->reversed_at = 0;
  EXPECT_EQ(OrderStanding(*o), "in_force");
  o->outcome = OrderOutcome::kNoAction;
  EXPECT_EQ(OrderStanding(*o), "none");
}

TEST_F(StandingTest, AnOverturnedDecisionHidesNothingAndOnlyThatOne) {
  EXPECT_FALSE(Visible("p1", "US"));
  EXPECT_FALSE(Visible("p2", "DE"));
  ASSERT_TRUE(store_->PutDecisionReview({"p1", "pol@1", "overturn", "not spam", "mod-a via cli", 100}).ok());
  auto rev = DecisionReversals::Load(*store_);
  ASSERT_TRUE(rev.ok());
  ASSERT_NE(rev->Find("p1", "pol@1"), nullptr);
  EXPECT_EQ(rev->Find("p1", "pol@1")->how, "review");
  EXPECT_EQ(rev->Find("p1", "pol@2"), nullptr);
  EXPECT_EQ(rev->Find("p2", "pol@1"), nullptr);
  EXPECT_TRUE(Visible("p1", "US"));
  EXPECT_FALSE(Visible("p2", "DE"));  // the other decision still stands
  // A confirmation reverses nothing.
  ASSERT_TRUE(store_->PutDecisionReview({"p2", "pol@1", "confirm", "", "mod-a via cli", 100}).ok());
  EXPECT_FALSE(Visible("p2", "DE"));
}

TEST_F(StandingTest, AppealsAreDecidedBySomeoneOtherThanWhoConfirmed) {
  ASSERT_TRUE(store_->PutDecisionReview({"p2", "pol@1", "confirm", "", "Mod-A via key:0123abcd", 100}).ok());
  AppealDesk desk(store_.get());
  EXPECT_EQ(desk.File("p3", "pol@1", "why", "", "intake via cli", 200).status().code(), Status::Code::kConflict);
  EXPECT_EQ(desk.File("p9", "pol@1", "why", "", "intake via cli", 200).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(desk.File("p2", "pol@1", " \u200b", "", "intake via cli", 200).status().code(), Status::Code::kInvalid);
  auto filed = desk.File("p2", "pol@1", "lawful in DE", "", "intake via cli", 200);
  ASSERT_TRUE(filed.ok()) << filed.status().message();
  const DecisionAppeal& a = filed->appeal;
  EXPECT_EQ(a.contact, "account:a1");
  EXPECT_EQ(a.action, "withhold");
  ASSERT_EQ(a.outbox.size(), 1u);
  // The confirming person, however the actor is spelled, may not decide.
  for (const char* same : {"mod-a via cli", " MOD-A via key:ffff0000", "ｍｏｄ－ａ via cli"}) {
    auto d = desk.Decide(a.id, AppealState::kReversed, "ok", same, 300);
    EXPECT_EQ(d.status().code(), Status::Code::kConflict) << same;
  }
  EXPECT_EQ(desk.Decide(a.id, AppealState::kReversed, "  ", "mod-b via cli", 300).status().code(),
            Status::Code::kInvalid);
  EXPECT_FALSE(Visible("p2", "DE"));
  auto d = desk.Decide(a.id, AppealState::kReversed, "lawful", "mod-b via cli", 300);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->outbox.size(), 2u);
  EXPECT_TRUE(Visible("p2", "DE"));
  auto rev = DecisionReversals::Load(*store_);
  ASSERT_TRUE(rev.ok());
  ASSERT_NE(rev->Find("p2", "pol@1"), nullptr);
  EXPECT_EQ(rev->Find("p2", "pol@1")->how, "appeal");
  EXPECT_EQ(rev->Find("p2", "pol@1")->appeal, a.id);
  // An overturned decision cannot be appealed.
  ASSERT_TRUE(store_->PutDecisionReview({"p1", "pol@1", "overturn", "x", "mod-a via cli", 100}).ok());
  EXPECT_EQ(desk.File("p1", "pol@1", "why", "", "intake via cli", 200).status().code(), Status::Code::kConflict);
  auto verified = VerifyAudit(*store_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok());
}

}  // namespace
}  // namespace evenhand
