// Whose clock a regime's deadline is (issue 14 point 11): a deadline the law
// sets for an authority's order never runs for a user's or trusted
// flagger's notice, and the other way round. Checked on the shipped regime
// files (policies/regimes/), through the lookups the desks use, through a
// NoticeDesk, and on the loader's `deadline_for` field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cases/notice_desk.h"
#include "cases/regime_lookup.h"
#include "regimes/regime_loader.h"
#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
const std::string kSource = EVENHAND_SOURCE_DIR;

std::vector<Regime> Shipped() {
  Result<std::vector<Regime>> r = LoadRegimeDir(kSource + "/policies/regimes");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : std::vector<Regime>{};
}

TEST(DeadlineFor, OrdersAndNoticesGetOnlyTheirOwnClocks) {
  RegimeLookup orders = MakeRegimeLookup(Shipped(), CaseKind::kOrder);
  RegimeLookup notices = MakeRegimeLookup(Shipped(), CaseKind::kNotice);

  // PECA s.37: 48 h for the PTA's orders; a user's notice has no such clock.
  RegimeAnswer o = orders("PK", "unlawful_content_s37", false);
  EXPECT_TRUE(o.category_covered);
  EXPECT_EQ(o.deadline_hours, 48.0);
  RegimeAnswer n = notices("PK", "unlawful_content_s37", false);
  EXPECT_FALSE(n.category_covered) << n.regime_id;
  EXPECT_FALSE(n.deadline_hours.has_value());

  // The TCO's one hour binds removal orders only; a notice about terrorist
  // content in the EU runs under Art. 16 (no hour figure).
  o = orders("EU", "risk_for_public_security", false);
  EXPECT_EQ(o.regime_id, "eu-tco-2021-784");
  EXPECT_EQ(o.deadline_hours, 1.0);
  n = notices("EU", "risk_for_public_security", false);
  EXPECT_TRUE(n.category_covered);
  EXPECT_EQ(n.regime_id, "eu-dsa");
  EXPECT_FALSE(n.deadline_hours.has_value());

  // NetzDG's 24 h runs from a user's complaint, not from an order.
  n = notices("DE", "manifestly_unlawful", false);
  EXPECT_EQ(n.regime_id, "de-netzdg");
  EXPECT_EQ(n.deadline_hours, 24.0);
  EXPECT_FALSE(orders("DE", "manifestly_unlawful", false).category_covered);

  // India: rule 3(1)(d) orders 3 h; grievances 7 days, notices only.
  EXPECT_EQ(orders("IN", "court_or_government_order_3_1_d", false).deadline_hours, 3.0);
  EXPECT_FALSE(notices("IN", "court_or_government_order_3_1_d", false).category_covered);
  EXPECT_EQ(notices("IN", "grievance_disposal", false).deadline_hours, 168.0);

  // Marco Civil binds both, with no hour figure.
  EXPECT_TRUE(orders("BR", "crimes_against_honour", false).category_covered);
  EXPECT_TRUE(notices("BR", "crimes_against_honour", false).category_covered);
}

TEST(DeadlineFor, EveryShippedCategorySaysWhomItBinds) {
  for (const Regime& r : Shipped())
    for (const RegimeCategory& c : r.categories) EXPECT_TRUE(c.for_orders || c.for_notices) << r.id << "/" << c.id;
}

class NoticeDeadlines : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_deadline_for_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = OpenStore((dir_ / "db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->PutAccount({"a1", 1'700'000'000, "PK"}).ok());
    Post p;
    p.id = "p1";
    p.account = "a1";
    p.ts = 1'790'000'000;
    p.text = "something";
    ASSERT_TRUE(store_->PutPost(p).ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  Notice UserNotice(const std::string& jurisdiction, const std::string& category, const std::string& ref) {
    Notice n;
    n.notifier.kind = NotifierKind::kUser;
    n.notifier.name = "A user";
    n.notifier.contact = "user@mail.example";
    n.explanation = "This is unlawful where I live";
    n.location = {"p1"};
    n.category = category;
    n.jurisdiction = jurisdiction;
    n.good_faith = true;
    n.reference = ref;
    n.received = 1'795'000'000;
    return n;
  }
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(NoticeDeadlines, AUsersNoticeNeverGetsAnOrdersDeadline) {
  NoticeDesk desk(store_.get(), MakeRegimeLookup(Shipped(), CaseKind::kNotice), nullptr);
  auto pk = desk.Submit(UserNotice("PK", "unlawful_content_s37", "n-pk"), "intake", 1'795'000'100);
  ASSERT_TRUE(pk.ok()) << pk.status().message();
  EXPECT_EQ(pk->notice.state, NoticeState::kConfirmed);
  EXPECT_EQ(pk->notice.deadline, 0) << "the PTA's 48 h is for its orders, not for a user's notice";
  auto de = desk.Submit(UserNotice("DE", "manifestly_unlawful", "n-de"), "intake", 1'795'000'100);
  ASSERT_TRUE(de.ok()) << de.status().message();
  EXPECT_EQ(de->notice.regime, "de-netzdg");
  EXPECT_EQ(de->notice.deadline, 1'795'000'000 + 24 * 3600);
}

// The loader: deadline_for takes orders, notices or both; anything else is
// an error with its line.
TEST(DeadlineFor, LoaderChecksTheField) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand_deadline_for_yaml_" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& deadline_for) {
    const fs::path p = dir / name;
    std::ofstream(p) << "regime: test-regime\n"
                        "jurisdiction: PK\n"
                        "instrument: \"Test Act\"\n"
                        "status: in_force\n"
                        "categories:\n"
                        "  - id: one\n"
                        "    name: \"One\"\n"
                        "    dsa_category: illegal_or_harmful_speech\n"
                        "    deadline_hours: {normal: 24, emergency: 12}\n"
                     << deadline_for
                     << "    source: https://example.org/law\n"
                        "info_request_deadline_hours: {normal: null, emergency: null}\n"
                        "penalties: []\n"
                        "geo_restriction_satisfies: null\n"
                        "authorities:\n"
                        "  - kind: regulator\n"
                        "    name: \"A regulator\"\n";
    return p.string();
  };
  auto absent = LoadRegimeFile(write("absent.yaml", ""));
  ASSERT_TRUE(absent.ok()) << absent.status().message();
  EXPECT_TRUE(absent->categories[0].for_orders);
  EXPECT_FALSE(absent->categories[0].for_notices);
  auto both = LoadRegimeFile(write("both.yaml", "    deadline_for: [orders, notices]\n"));
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_TRUE(both->categories[0].for_orders && both->categories[0].for_notices);
  auto notices = LoadRegimeFile(write("notices.yaml", "    deadline_for: notices\n"));
  ASSERT_TRUE(notices.ok()) << notices.status().message();
  EXPECT_FALSE(notices->categories[0].for_orders);
  EXPECT_TRUE(notices->categories[0].for_notices);
  const std::string bad_path = write("bad.yaml", "    deadline_for: [orders, users]\n");
  auto bad = LoadRegimeFile(bad_path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(bad_path + ":10:"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("categories[0].deadline_for: must be orders or notices, got \"users\""),
            std::string::npos)
      << bad.status().message();
  auto empty = LoadRegimeFile(write("empty.yaml", "    deadline_for: []\n"));
  EXPECT_FALSE(empty.ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evenhand
