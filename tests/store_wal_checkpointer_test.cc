// WalCheckpointer: the WAL is checkpointed by a thread of its own once
// commits leave it past the threshold, every commit stays durable, and the
// WAL starts over instead of growing; a Store asked to checkpoint in the
// background keeps every committed post across a reopen.
#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand-walckpt-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

int64_t Count(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

TEST_F(WalCheckpointerTest, CheckpointsOnItsOwnThreadAndTheWalStartsOver) {
  const std::string path = (dir_ / "w.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (x BLOB)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  auto c = sqlite_store::WalCheckpointer::Start(path, db, 64);
  ASSERT_TRUE(c.ok()) << c.status().message();
  sqlite3_stmt* ins = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (randomblob(16384))", -1, &ins, nullptr), SQLITE_OK);
  // 600 commits of ~4 pages each: ~2,400 pages through a WAL checkpointed
  // every 64; without checkpoints it would hold them all (~10 MB).
  for (int i = 0; i < 600; ++i) {
    ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
    if (i % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it run
  }
  sqlite3_finalize(ins);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*c)->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GT((*c)->checkpoints(), 0);
  EXPECT_LT(fs::file_size(path + "-wal"), 6u << 20) << "the WAL never started over";
  EXPECT_EQ(Count(path), 600);
  c->reset();  // before the writer's connection closes
  sqlite3_close(db);
  EXPECT_EQ(Count(path), 600);
}

TEST_F(WalCheckpointerTest, StoreKeepsEveryCommitWithBackgroundCheckpoints) {
  const std::string path = (dir_ / "s.db").string();
  {
    auto store = OpenStore(path, OpenMode::kCreate);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->CheckpointInBackground().ok());
    ASSERT_TRUE((*store)->CheckpointInBackground().ok());  // twice: one checkpointer
    for (int i = 0; i < 300; ++i) {
      Post p;
      p.id = "p" + std::to_string(i);
      p.text = std::string(2000, 'a' + static_cast<char>(i % 26));
      ASSERT_TRUE((*store)->Begin().ok());
      ASSERT_TRUE((*store)->PutPost(p, "test").ok());
      ASSERT_TRUE((*store)->Commit().ok());
    }
  }
  auto again = OpenStore(path, OpenMode::kMustExist);
  ASSERT_TRUE(again.ok());
  for (int i : {0, 150, 299}) {
    auto post = (*again)->GetPost("p" + std::to_string(i));
    ASSERT_TRUE(post.ok()) << i;
    EXPECT_EQ(post->text, std::string(2000, 'a' + static_cast<char>(i % 26)));
  }
}

}  // namespace
}  // namespace evenhand
