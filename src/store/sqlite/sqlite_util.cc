#include "store/sqlite/sqlite_util.h"

#include "store/sqlite/sqlite_store.h"

namespace evenhand::sqlite_store {

OwnedStmt PrepareOwned(sqlite3* db, const char* sql, int* rc) {
  sqlite3_stmt* raw = nullptr;
  *rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  return OwnedStmt(raw);
}

void BindText(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void ReadText(sqlite3_stmt* s, int col, std::string* out) {
  const unsigned char* p = sqlite3_column_text(s, col);
  const int n = sqlite3_column_bytes(s, col);
  if (p == nullptr) {
    out->clear();
  } else {
    out->assign(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
}

std::string_view ColumnView(sqlite3_stmt* s, int col) {
  const unsigned char* p = sqlite3_column_text(s, col);
  const int n = sqlite3_column_bytes(s, col);
  return p == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

Status SqliteError(sqlite3* db, const std::string& path, int rc, const std::string& doing) {
  const int primary = rc & 0xff;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = path + ": " + doing + ": " + detail;
  switch (primary) {
    case SQLITE_NOTADB:
      return Status::Invalid(path + ": not an evenhand database (the file is not an SQLite database)");
    case SQLITE_CORRUPT:
      return Status::Corrupt(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // Io, not Conflict: nothing is wrong with the request, retrying later may succeed.
      return Status::Io(path + ": " + doing + ": the database is busy: another process held it for more than " +
                        std::to_string(StoreBusyTimeoutMs()) + " ms (--busy-timeout-ms); retry later");
    case SQLITE_CONSTRAINT:
      return Status::Conflict(msg);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return Status::Io(msg);
    default:
      return Status::Internal(msg);
  }
}

}  // namespace evenhand::sqlite_store
