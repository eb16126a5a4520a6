#include "store/sqlite/people_sql.h"

#include "model/time.h"
#include "store/sqlite/sqlite_util.h"
#include "store/store_records.h"

namespace evenhand::sqlite_store {

const char kPeopleMigrationSql[] = R"sql(
CREATE TABLE people (
  id        TEXT PRIMARY KEY,  -- normalised (model/person.h NormalizePersonId)
  name      TEXT NOT NULL,
  roles     TEXT NOT NULL,     -- comma-separated: admin, moderator, auditor, authority
  authority TEXT NOT NULL,     -- '' unless the person has role authority
  added     INTEGER NOT NULL
);
ALTER TABLE api_keys ADD COLUMN person TEXT NOT NULL DEFAULT '';
INSERT INTO people (id, name, roles, authority, added)
  SELECT 'key:' || id, name, role, authority, created FROM api_keys;
UPDATE api_keys SET person = 'key:' || id;
)sql";

namespace {

void ReadRow(sqlite3_stmt* s, PersonRecord* p) {
  ReadText(s, 0, &p->id);
  ReadText(s, 1, &p->name);
  std::string roles;
  ReadText(s, 2, &roles);
  p->roles = store_records::SplitRoles(roles);
  ReadText(s, 3, &p->authority);
  p->added = sqlite3_column_int64(s, 4);
}

constexpr const char* kColumns = "id, name, roles, authority, added";

}  // namespace

Status InsertPerson(sqlite3* db, const std::string& path, const PersonRecord& p) {
  if (Status s = store_records::CheckPerson(p); !s.ok()) return s;
  const bool authority = !p.authority.empty();
  const std::string doing = "registering person \"" + p.id + "\"";
  int rc = 0;
  if (authority) {
    OwnedStmt q = PrepareOwned(db, "SELECT 1 FROM authorities WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
    BindText(q.get(), 1, p.authority);
    rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) return store_records::AuthorityNotRegistered(p);
    if (rc != SQLITE_ROW) return SqliteError(db, path, rc, doing);
  }
  OwnedStmt st = PrepareOwned(db, "INSERT INTO people (id, name, roles, authority, added) VALUES (?1, ?2, ?3, ?4, ?5)", &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, p.id);
  BindText(st.get(), 2, p.name);
  BindText(st.get(), 3, store_records::JoinRoles(p.roles));
  BindText(st.get(), 4, p.authority);
  sqlite3_bind_int64(st.get(), 5, p.added != 0 ? p.added : NowUnixSeconds());
  rc = sqlite3_step(st.get());
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return store_records::PersonExists(p);
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, doing);
  return Status::Ok();
}

Result<PersonRecord> ReadPerson(sqlite3* db, const std::string& path, const std::string& id) {
  const std::string doing = "reading person \"" + id + "\"";
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kColumns + " FROM people WHERE id = ?1";
  OwnedStmt st = PrepareOwned(db, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, id);
  rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return store_records::PersonNotFound(id);
  if (rc != SQLITE_ROW) return SqliteError(db, path, rc, doing);
  PersonRecord p;
  ReadRow(st.get(), &p);
  return p;
}

Result<std::vector<PersonRecord>> ReadPeople(sqlite3* db, const std::string& path) {
  int rc = 0;
  const std::string sql = std::string("SELECT ") + kColumns + " FROM people ORDER BY id";
  OwnedStmt st = PrepareOwned(db, sql.c_str(), &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "listing people");
  std::vector<PersonRecord> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) ReadRow(st.get(), &out.emplace_back());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "listing people");
  return out;
}

Result<int64_t> CountPeople(sqlite3* db, const std::string& path) {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db, "SELECT count(*) FROM people", &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "counting people");
  rc = sqlite3_step(st.get());
  if (rc != SQLITE_ROW) return SqliteError(db, path, rc, "counting people");
  return sqlite3_column_int64(st.get(), 0);
}

}  // namespace evenhand::sqlite_store
