#include "store/sqlite/wal_checkpointer.h"

#include "store/sqlite/sqlite_util.h"

namespace evenhand::sqlite_store {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path, sqlite3* writer,
                                                                int pages) {
  sqlite3* own = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(own, path, rc, "opening the checkpoint connection");
    sqlite3_close_v2(own);
    return s;
  }
  // Its own checkpoints only: no automatic one if this connection ever wrote.
  sqlite3_wal_autocheckpoint(own, 0);
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(writer, own, pages < 1 ? 1 : pages));
}

WalCheckpointer::WalCheckpointer(sqlite3* writer, sqlite3* own, int pages)
    : writer_(writer), db_(own), pages_(pages), thread_([this] { Loop(); }) {
  // Replaces the writer's automatic checkpoint (itself a WAL hook).
  sqlite3_wal_hook(writer_, &WalCheckpointer::OnCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close_v2(db_);
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (pages >= 4 * c->pages_) {
    // The thread has not caught up (a writer that never pauses leaves it
    // no moment at which all of the WAL is copied, so the WAL would never
    // start over): the writer checkpoints itself, as SQLite's automatic
    // checkpoint does, and the WAL stays within ~4 x `pages`.
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
      c->inline_checkpoints_.fetch_add(1);
    return SQLITE_OK;
  }
  if (pages >= c->pages_) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->pending_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || pending_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    // PASSIVE: as much as no reader or writer is using; a failure (busy, a
    // full disk) leaves the pages in the WAL for the next one.
    int wal_pages = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages, &copied) == SQLITE_OK)
      checkpoints_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace evenhand::sqlite_store
