// `evenhand scan` of a stored id with other content, then `evenhand item
// show` and `evenhand retention run` (issue 14 point 3), as a user runs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::RegisterPeople;

TEST(ItemsEndToEnd, ARescanWithOtherTextIsANewVersionAndRetentionKeepsTheHash) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand_e2e_items_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "db.sqlite").string();
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(dir / name);
    f << R"({"kind":"post","id":"x1","account":"a1","ts":"2026-01-01T00:00:00Z","lang":"en","region":"PK","text":")"
      << text << "\"}\n";
    return (dir / name).string();
  };
  const std::string first = write("a.jsonl", "hello friends"), second = write("b.jsonl", "free money, claim now");
  for (const std::string& in : {first, first, second})
    ASSERT_EQ(Exec("scan " + in + " --policy examples/policy.yaml -q -o - --db " + db, false).exit_code, 0);
  auto shown = Exec("item show --db " + db + " x1", false);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  auto j = nlohmann::json::parse(shown.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << shown.out;
  ASSERT_EQ(j["versions"].size(), 2u) << shown.out;
  EXPECT_EQ(j["versions"][0]["text"], "hello friends");
  EXPECT_EQ(j["versions"][1]["text"], "free money, claim now");
  ASSERT_EQ(j["decisions"].size(), 2u) << shown.out;
  const std::string hash = j["versions"][0]["content_hash"];

  ASSERT_TRUE(RegisterPeople(db, {}));
  auto run = Exec("retention run --db " + db + " --keep 180d --now 2026-12-01T00:00:00Z --actor admin", false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["deleted"], 2) << run.out;
  j = nlohmann::json::parse(Exec("item show --db " + db + " x1", false).out);
  EXPECT_TRUE(j["versions"][0]["text"].is_null());
  EXPECT_EQ(j["versions"][0]["content_hash"], hash);
  EXPECT_FALSE(j["versions"][0]["content_deleted_at"].is_null());
  EXPECT_EQ(Exec("audit verify --db " + db).exit_code, 0);
  EXPECT_EQ(Exec("retention run --db " + db + " --keep 180d --actor nobody").exit_code, 1);
  fs::remove_all(dir);
}

}  // namespace
