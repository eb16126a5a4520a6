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

// Inserts `p` (Conflict when the id exists). Invalid when the id is not
// normalised, a role is unknown, or role "authority" comes without an
// authority / with staff roles.
Status InsertPerson(sqlite3* db, const std::string& path, const PersonRecord& p);
// NotFound when there is no such person (`id` is compared as stored: normalise it first).
Result<PersonRecord> ReadPerson(sqlite3* db, const std::string& path, const std::string& id);
Result<std::vector<PersonRecord>> ReadPeople(sqlite3* db, const std::string& path);  // by id
Result<int64_t> CountPeople(sqlite3* db, const std::string& path);
// Whether `key` may be stored: its person is registered, holds the key's
// role, and for role "authority" works for the key's authority.
Status CheckKeyHolder(sqlite3* db, const std::string& path, const ApiKeyRecord& key);

// The roles of a person as stored ("admin,moderator") and back.
std::string JoinRoles(const std::vector<std::string>& roles);
std::vector<std::string> SplitRoles(std::string_view joined);

}  // namespace evenhand::sqlite_store
