// Stored content is evidence (issue 14 point 3): a changed item becomes a
// new version with its own audit entry, decisions name the version they
// were about, retention deletes content but keeps its hash, and a store of
// schema v6 migrates with its audit chain intact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cases/item_view.h"
#include "cases/retention.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

class VersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "evenhand-versions-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "evenhand.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_, path_;
};

Post MakePost(const std::string& id, const std::string& text, const std::string& region = "PK") {
  Post p;
  p.id = id;
  p.account = "a1";
  p.ts = 1'790'000'000;
  p.lang = "en";
  p.text = text;
  p.region = region;
  return p;
}

Decision MakeDecision(const std::string& item, Action action = Action::kRemove) {
  Decision d;
  d.item = item;
  d.account = "a1";
  d.action = action;
  d.category = "scams_and_fraud";
  d.policy = "default@1";
  d.reason = "r";
  return d;
}

std::vector<AuditEntry> EntriesOf(Store& s, const std::string& action) {
  std::vector<AuditEntry> out;
  EXPECT_TRUE(s.ForEachAudit([&](const AuditEntry& e) {
                 if (e.action == action) out.push_back(e);
               }).ok());
  return out;
}

TEST_F(VersionsTest, AChangedItemIsANewVersionWithItsOwnAuditEntry) {
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  bool inserted = false;
  ASSERT_TRUE(s.PutPost(MakePost("p1", "hello friends"), "scan:default@1").ok());
  ASSERT_TRUE(s.PutDecision(MakeDecision("p1", Action::kAllow), "scan:default@1", &inserted).ok());
  ASSERT_TRUE(inserted);
  // The same content again: nothing changes.
  ASSERT_TRUE(s.PutPost(MakePost("p1", "hello friends"), "scan:default@1").ok());
  ASSERT_TRUE(s.PutDecision(MakeDecision("p1", Action::kAllow), "scan:default@1", &inserted).ok());
  EXPECT_FALSE(inserted);
  EXPECT_TRUE(EntriesOf(s, "item.version").empty());
  // Changed text (inside a batch, as the pipeline writes): version 2, decided again.
  ASSERT_TRUE(s.Begin().ok());
  ASSERT_TRUE(s.PutPost(MakePost("p1", "send your password to claim the prize"), "alice via key:0a0b0c0d").ok());
  ASSERT_TRUE(s.PutDecision(MakeDecision("p1"), "alice via key:0a0b0c0d", &inserted).ok());
  ASSERT_TRUE(s.Commit().ok());
  EXPECT_TRUE(inserted) << "the changed content gets its own decision";
  // Changed region outside a batch: version 3.
  ASSERT_TRUE(s.PutPost(MakePost("p1", "send your password to claim the prize", "BR")).ok());

  auto versions = s.PostVersions("p1");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].post.text, "hello friends");
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_NE((*versions)[0].superseded_at, 0);
  EXPECT_EQ((*versions)[1].post.text, "send your password to claim the prize");
  EXPECT_EQ((*versions)[2].post.region, "BR");
  EXPECT_EQ((*versions)[2].superseded_at, 0);
  EXPECT_NE((*versions)[0].content_hash, (*versions)[1].content_hash);
  EXPECT_NE((*versions)[1].content_hash, (*versions)[2].content_hash);
  auto current = s.GetPost("p1");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version, 3);

  const auto changes = EntriesOf(s, "item.version");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].actor, "alice via key:0a0b0c0d");
  auto payload = nlohmann::json::parse(changes[0].payload);
  EXPECT_EQ(payload["version"], 2);
  EXPECT_EQ(payload["previous_version"], 1);
  EXPECT_EQ(payload["content_hash"], (*versions)[1].content_hash);
  EXPECT_EQ(payload["previous_hash"], (*versions)[0].content_hash);
  EXPECT_EQ(payload["changed"], nlohmann::json::array({"text"}));
  EXPECT_EQ(nlohmann::json::parse(changes[1].payload)["changed"], nlohmann::json::array({"region"}));

  // Each decision names its version, and is read with that version's content.
  std::vector<std::pair<int64_t, std::string>> decided;
  ASSERT_TRUE(s.ForEachDecisionOf("p1", [&](const StoredDecision& d) {
                 decided.emplace_back(d.decision.version, d.post.text);
                 return true;
               }).ok());
  ASSERT_EQ(decided.size(), 2u);
  EXPECT_EQ(decided[0], (std::pair<int64_t, std::string>{1, "hello friends"}));
  EXPECT_EQ(decided[1], (std::pair<int64_t, std::string>{2, "send your password to claim the prize"}));
  const auto decisions = EntriesOf(s, "decision");
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(decisions[1].payload)["content_hash"], (*versions)[1].content_hash);

  auto report = VerifyAudit(s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());

  auto view = ItemViewJson(s, "p1");
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ((*view)["versions"].size(), 3u);
  EXPECT_EQ((*view)["decisions"].size(), 2u);
  EXPECT_EQ((*view)["current_version"], 3);
  EXPECT_FALSE((*view)["visibility"]["anywhere else"]["visible"]);  // removed by decision on version 2
  EXPECT_EQ(ItemViewJson(s, "nope").status().code(), Status::Code::kNotFound);
}

TEST_F(VersionsTest, RetentionDeletesOldContentKeepsHashAndSparesCasesAndHolds) {
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  const int64_t day = 86400, t0 = 1'790'000'000;
  auto post = [&](const std::string& id, const std::string& account, int64_t ts) {
    Post p = MakePost(id, "text of " + id);
    p.account = account;
    p.ts = ts;
    ASSERT_TRUE(s.PutPost(p).ok());
  };
  post("old-free", "a1", t0);
  post("old-ordered", "a1", t0);
  post("old-held", "a2", t0);
  post("new", "a1", t0 + 300 * day);
  // An order names old-ordered; a preservation in force covers account a2.
  CaseRecord order{"ord-1", "order", "pta", "R1", "PK", "accepted", t0, 0,
                   R"({"targets":[{"item":"old-ordered","version":1}]})"};
  bool inserted = false;
  ASSERT_TRUE(s.InsertCase(order, "x via cli", "order.submit", "", &inserted, nullptr).ok());
  CaseRecord hold{"prs-1", "preservation", "fia", "P1", "PK", "active", t0, 0,
                  R"({"targets":["a2"],"until":"2027-06-01T00:00:00Z"})"};
  ASSERT_TRUE(s.InsertCase(hold, "x via cli", "preservation.submit", "", &inserted, nullptr).ok());

  RetentionOptions o;
  o.keep_seconds = 180 * day;
  o.now = t0 + 365 * day;  // 2027-09: the preservation has expired by then
  o.actor = "admin via cli";
  o.dry_run = true;
  auto dry = ApplyRetention(s, o);
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(dry->deleted.size(), 2u);  // old-free and old-held (hold expired)
  auto untouched = s.PostVersions("old-free");
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ((*untouched)[0].post.text, "text of old-free");

  o.now = t0 + 200 * day;  // the preservation is still in force
  o.dry_run = false;
  auto run = ApplyRetention(s, o);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->deleted.size(), 1u);
  EXPECT_EQ(run->deleted[0].first, "old-free");
  ASSERT_EQ(run->kept.size(), 2u);
  auto free_versions = s.PostVersions("old-free");
  ASSERT_TRUE(free_versions.ok());
  const PostVersion& v = (*free_versions)[0];
  EXPECT_EQ(v.post.text, "");
  EXPECT_NE(v.content_deleted, 0);
  EXPECT_EQ(v.content_hash.size(), 64u);
  EXPECT_EQ(v.post.account, "a1");  // metadata kept
  const auto deletions = EntriesOf(s, "item.content_deleted");
  ASSERT_EQ(deletions.size(), 1u);
  EXPECT_EQ(deletions[0].subject, "old-free");
  EXPECT_EQ(nlohmann::json::parse(deletions[0].payload)["content_hash"], v.content_hash);
  EXPECT_EQ((*s.PostVersions("old-ordered"))[0].post.text, "text of old-ordered");
  EXPECT_EQ((*s.PostVersions("old-held"))[0].post.text, "text of old-held");
  EXPECT_EQ((*s.PostVersions("new"))[0].post.text, "text of new");
  EXPECT_EQ(s.DeleteContent("old-free", 1, o.now, "admin via cli", "again").code(), Status::Code::kConflict);
  auto report = VerifyAudit(s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

// A store made by schema v6 migrates: its posts are version 1, its
// decisions name version 1, and `audit verify` still passes.
TEST_F(VersionsTest, AStoreOfSchemaSixMigratesAndStillVerifies) {
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, sqlite_store::Migrations().subspan(0, 6));
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    ASSERT_TRUE((*old)->PutPost(MakePost("p1", "first")).ok());
    ASSERT_TRUE((*old)->PutDecision(MakeDecision("p1"), "scan:default@1", nullptr).ok());
    ASSERT_TRUE((*old)->PutDecision(MakeDecision("account:a9", Action::kReview), "behavior", nullptr).ok());
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Store& s = **store;
  auto report = VerifyAudit(s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 2);
  auto versions = s.PostVersions("p1");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].content_hash.size(), 64u);  // computed for content stored before v7
  std::vector<int64_t> seen;
  ASSERT_TRUE(s.ForEachDecision("", [&](const StoredDecision& d) {
                 seen.push_back(d.decision.version);
                 return true;
               }).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 0}));
  int64_t facts = 0;
  ASSERT_TRUE(s.ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts&) { return ++facts, true; }).ok());
  EXPECT_EQ(facts, 2);
  // A change after the migration is versioned and audited; the chain still verifies.
  ASSERT_TRUE(s.PutPost(MakePost("p1", "second")).ok());
  EXPECT_EQ(s.PostVersions("p1")->size(), 2u);
  report = VerifyAudit(s);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 3);
}

}  // namespace
}  // namespace evenhand
