// People (issue 14 point 4): person ids compared after normalisation, keys
// held by registered people in their roles, and stores of schema v5 (keys
// without people) migrated with their audit chain intact.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "model/person.h"
#include "store/sqlite/sqlite_migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

TEST(PersonIdTest, NormalisesTrimCaseAndCompatibilityForms) {
  EXPECT_EQ(*NormalizePersonId("alice"), "alice");
  EXPECT_EQ(*NormalizePersonId("  Alice \t"), "alice");
  EXPECT_EQ(*NormalizePersonId("ALICE\xE2\x80\x8B"), "alice");             // zero-width space
  EXPECT_EQ(*NormalizePersonId("\xEF\xBD\x81lice"), "alice");              // fullwidth a
  EXPECT_EQ(*NormalizePersonId("\xC2\xA0mod-aisha\xE3\x80\x80"), "mod-aisha");  // no-break and ideographic spaces
  EXPECT_EQ(*NormalizePersonId("Stra\xC3\x9F" "e"), "strasse");             // case folding, not just lowering
  EXPECT_FALSE(NormalizePersonId("").ok());
  EXPECT_FALSE(NormalizePersonId(" \xE2\x80\x8B ").ok());
  EXPECT_FALSE(NormalizePersonId("al ice").ok());
  EXPECT_FALSE(NormalizePersonId("al\x01ice").ok());
  EXPECT_FALSE(NormalizePersonId("\xFF\xFE").ok());
  EXPECT_FALSE(NormalizePersonId(std::string(65, 'a')).ok());
}

TEST(PersonIdTest, SamePersonComparesThePersonPartsOfActors) {
  EXPECT_TRUE(SamePerson("alice via key:0123abcd", "Alice via cli"));
  EXPECT_TRUE(SamePerson("alice ", "alice"));
  EXPECT_TRUE(SamePerson("analyst-1 via cli", "ANALYST-1"));
  EXPECT_TRUE(SamePerson("\xEF\xBD\x81lice via key:1", "alice via key:2"));
  EXPECT_FALSE(SamePerson("alice via key:1", "bob via key:1"));  // one key id says nothing: people differ
  EXPECT_FALSE(SamePerson("", ""));
  EXPECT_FALSE(SamePerson("alice", ""));
  EXPECT_EQ(FormatActor("alice", "cli"), "alice via cli");
  EXPECT_EQ(ActorPerson("alice via key:0123abcd"), "alice");
  EXPECT_EQ(ActorVia("alice via key:0123abcd"), "key:0123abcd");
  EXPECT_EQ(ActorPerson("scan:examples@1"), "scan:examples@1");
  EXPECT_EQ(ActorVia("scan:examples@1"), "");
}

TEST(PersonIdTest, BlankMeansNothingVisible) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\n"));
  EXPECT_TRUE(IsBlank("\xC2\xA0\xE2\x80\x8B\xE3\x80\x80"));
  EXPECT_FALSE(IsBlank(" s.37 "));
  EXPECT_EQ(TrimSpace("  PECA s.37\xC2\xA0"), "PECA s.37");
}

class PeopleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::path(::testing::TempDir()) / "evenhand-people-XXXXXX").string();
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

// Keys and people on every backend: store_conformance_test
// (KeysBelongToRegisteredPeopleInTheirRoles).

// A store made by schema v5 (keys without people) is migrated: each key
// becomes a person of its own, named as the audit log already named it,
// and `audit verify` still passes.
TEST_F(PeopleStoreTest, AStoreOfSchemaFiveMigratesAndStillVerifies) {
  auto v5 = sqlite_store::Migrations().subspan(0, 5);
  {
    auto old = sqlite_store::OpenSqliteStoreWithMigrations(path_, v5);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    ASSERT_EQ((*old)->schema_version(), 5);
    Decision d;
    d.item = "p1";
    d.policy = "default@1";
    ASSERT_TRUE((*old)->PutDecision(d, "scan:default@1", nullptr).ok());
    ASSERT_TRUE((*old)->AppendAudit("key:0a0b0c0d", "api.read", "GET /v1/orders", "").ok());
  }
  {  // the key as a v5 server stored it
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO api_keys (id, hash, role, authority, name, created, revoked) VALUES "
                           "('0a0b0c0d', 'h', 'moderator', '', 'desk', 5, 0)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->schema_version(), sqlite_store::CurrentSchemaVersion());
  auto report = VerifyAudit(**store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 2);
  auto key = (*store)->GetApiKey("0a0b0c0d");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->person, "key:0a0b0c0d");
  auto person = (*store)->GetPerson("key:0a0b0c0d");
  ASSERT_TRUE(person.ok()) << person.status().ToString();
  EXPECT_EQ(person->roles, std::vector<std::string>{"moderator"});
  EXPECT_TRUE(SamePerson("key:0a0b0c0d", FormatActor(person->id, "key:0a0b0c0d")));
  // The chain goes on after the migration.
  ASSERT_TRUE((*store)->AppendAudit("key:0a0b0c0d via key:0a0b0c0d", "api.read", "GET /v1/me", "").ok());
  report = VerifyAudit(**store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 3);
}

}  // namespace
}  // namespace evenhand
