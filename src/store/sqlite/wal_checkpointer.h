// WalCheckpointer: checkpoints an SQLite WAL from a thread and a connection
// of its own, so that the writer's commits never wait for a checkpoint.
//
// SQLite's automatic checkpoint runs inside the commit that leaves the WAL
// past 1,000 pages: that commit copies the pages into the database file and
// fsyncs it before it returns, and every request waiting on that group commit
// waits too (the scan p99 of `evenhand serve` at 10,000 req/s went from 2.8
// to 5-7 ms with it: docs/PERFORMANCE.md). Start(path, writer) turns the
// writer connection's automatic checkpoint off and installs a WAL hook on it:
// after a commit leaves at least `pages` pages in the WAL the hook (on the
// writer's thread: an atomic flag and a notify, no I/O) wakes this thread,
// which runs a PASSIVE checkpoint on its own connection (never waits for the
// writer or a reader; copies what no reader still needs; the WAL starts over
// from its beginning once all of it is copied). Should the WAL still reach
// 4 x `pages` (a writer that never pauses leaves the thread no moment when
// all of it is copied, and the WAL would grow without end), that commit
// checkpoints on the writer's thread as SQLite's own automatic checkpoint
// would: the WAL stays bounded, at the cost of that one commit.
//
// Durability is unchanged: every commit is in the WAL and fsynced before it
// returns (synchronous=FULL); a checkpoint only moves committed pages into
// the database file, and a crash at any point of it loses nothing (SQLite
// replays the WAL on the next open).
//
// Thread safe. The writer connection must outlive the checkpointer (destroy
// the checkpointer first: it removes the hook and joins its thread).
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "model/status.h"

namespace evenhand::sqlite_store {

class WalCheckpointer {
 public:
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, sqlite3* writer, int pages = 1000);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run so far by the thread, and by the writer itself (below).
  int64_t checkpoints() const { return checkpoints_.load(); }
  int64_t inline_checkpoints() const { return inline_checkpoints_.load(); }

 private:
  WalCheckpointer(sqlite3* writer, sqlite3* own, int pages);
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages);
  void Loop();

  sqlite3* writer_;
  sqlite3* db_;  // this thread's connection
  const int pages_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::atomic<int64_t> checkpoints_{0};
  std::atomic<int64_t> inline_checkpoints_{0};
  std::thread thread_;
};

}  // namespace evenhand::sqlite_store
