// Private to store/sqlite: the people table (who may hold keys and act) and
// the checks that tie an API key to its holder. Each function runs its
// statements on `db` inside the caller's transaction; `path` is for error
// messages.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "model/person.h"
#include "store/store.h"

namespace evenhand::sqlite_store {

// Schema step 6: people, and the person who holds each API key. Keys made
// before it each become a person of their own, "key:ID", which is the
// actor the audit log already names them by.
extern const char kPeopleMigrationSql[];

// Inserts `p` (Conflict when the id exists). Invalid when
// store_records::CheckPerson refuses it or its authority is not registered.
Status InsertPerson(sqlite3* db, const std::string& path, const PersonRecord& p);
// NotFound when there is no such person (`id` is compared as stored: normalise it first).
Result<PersonRecord> ReadPerson(sqlite3* db, const std::string& path, const std::string& id);
Result<std::vector<PersonRecord>> ReadPeople(sqlite3* db, const std::string& path);  // by id
Result<int64_t> CountPeople(sqlite3* db, const std::string& path);
// (Whether a key may be stored, and the roles' stored form, are
// store_records.h's: the same in every backend.)

}  // namespace evenhand::sqlite_store
