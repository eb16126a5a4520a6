// Private to store/sqlite: sign-up and login records (model/login.h; issue
// 14 point 10). One row per distinct record; a repeat changes nothing.
// Each function runs on `db` inside the caller's transaction; `path` is for
// error messages.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "model/login.h"
#include "model/status.h"

namespace evenhand::sqlite_store {

// Schema step 8: the logins table.
extern const char kLoginsMigrationSql[];

// Inserts `l` unless the same record is stored; *inserted (may be null)
// says which. Invalid when the account or address is empty.
Status InsertLogin(sqlite3* db, const std::string& path, const LoginRecord& l, bool* inserted);
// The records of `account`, oldest first (then sign-up before login, then
// by address and port); empty when there are none.
Result<std::vector<LoginRecord>> ReadLogins(sqlite3* db, const std::string& path, const std::string& account);

// Per account, the records with ts < cutoff (count, oldest, newest), by account.
Result<std::vector<LoginAge>> ReadLoginsOlderThan(sqlite3* db, const std::string& path, int64_t cutoff);
// Deletes the records of `account` with ts < cutoff; *age gets what was
// deleted (count 0 when nothing).
Status DeleteLoginsBefore(sqlite3* db, const std::string& path, const std::string& account, int64_t cutoff,
                          LoginAge* age);

}  // namespace evenhand::sqlite_store
