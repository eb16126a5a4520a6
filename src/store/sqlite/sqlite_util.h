// Private to store/sqlite: small helpers every file of the SQLite backend
// shares (statements that finalize themselves, binding and reading text,
// turning an SQLite result code into a Status).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "model/status.h"

namespace evenhand::sqlite_store {

struct Finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
// Owns a one-off statement.
using OwnedStmt = std::unique_ptr<sqlite3_stmt, Finalizer>;

// Prepares `sql`; *rc is SQLite's result.
OwnedStmt PrepareOwned(sqlite3* db, const char* sql, int* rc);
// Binds a copy of `v` (SQLITE_TRANSIENT).
void BindText(sqlite3_stmt* s, int i, std::string_view v);
// Column `col` as text ("" for NULL).
void ReadText(sqlite3_stmt* s, int col, std::string* out);
std::string_view ColumnView(sqlite3_stmt* s, int col);

// The Status for SQLite result `rc` while `doing` something to the database
// at `path`: busy/locked and constraint failures are Conflict, I/O errors Io,
// corruption Corrupt, a file that is not SQLite Invalid.
Status SqliteError(sqlite3* db, const std::string& path, int rc, const std::string& doing);

}  // namespace evenhand::sqlite_store
