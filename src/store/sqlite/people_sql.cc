#include "store/sqlite/people_sql.h"

#include "model/time.h"
#include "store/sqlite/sqlite_util.h"

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

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const std::string& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> SplitRoles(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const size_t comma = joined.find(',');
    std::string_view part = joined.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return out;
}

namespace {

void ReadRow(sqlite3_stmt* s, PersonRecord* p) {
  ReadText(s, 0, &p->id);
  ReadText(s, 1, &p->name);
  std::string roles;
  ReadText(s, 2, &roles);
  p->roles = SplitRoles(roles);
  ReadText(s, 3, &p->authority);
  p->added = sqlite3_column_int64(s, 4);
}

constexpr const char* kColumns = "id, name, roles, authority, added";

}  // namespace

Status InsertPerson(sqlite3* db, const std::string& path, const PersonRecord& p) {
  Result<std::string> id = NormalizePersonId(p.id, "person id");
  if (!id.ok()) return id.status();
  if (*id != p.id) return Status::Invalid("person id: \"" + p.id + "\" is not normalised (it reads \"" + *id + "\")");
  if (p.roles.empty()) return Status::Invalid("person \"" + p.id + "\": at least one role is needed");
  bool authority = false, staff = false;
  for (const std::string& r : p.roles) {
    if (!IsPersonRole(r))
      return Status::Invalid("person \"" + p.id + "\": role \"" + r + "\" is not one of admin, moderator, auditor, authority");
    (r == "authority" ? authority : staff) = true;
  }
  if (authority && staff)
    return Status::Invalid("person \"" + p.id + "\": an authority's officer cannot also hold a staff role");
  if (authority && p.authority.empty())
    return Status::Invalid("person \"" + p.id + "\": role authority needs the authority they work for");
  if (!authority && !p.authority.empty())
    return Status::Invalid("person \"" + p.id + "\": only a person with role authority works for an authority");
  const std::string doing = "registering person \"" + p.id + "\"";
  int rc = 0;
  if (authority) {
    OwnedStmt q = PrepareOwned(db, "SELECT 1 FROM authorities WHERE id = ?1", &rc);
    if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
    BindText(q.get(), 1, p.authority);
    rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) return Status::Invalid("person \"" + p.id + "\": authority \"" + p.authority + "\" is not registered");
    if (rc != SQLITE_ROW) return SqliteError(db, path, rc, doing);
  }
  OwnedStmt st = PrepareOwned(db, "INSERT INTO people (id, name, roles, authority, added) VALUES (?1, ?2, ?3, ?4, ?5)", &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, doing);
  BindText(st.get(), 1, p.id);
  BindText(st.get(), 2, p.name);
  BindText(st.get(), 3, JoinRoles(p.roles));
  BindText(st.get(), 4, p.authority);
  sqlite3_bind_int64(st.get(), 5, p.added != 0 ? p.added : NowUnixSeconds());
  rc = sqlite3_step(st.get());
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::Conflict("person \"" + p.id + "\" is registered already");
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
  if (rc == SQLITE_DONE) return Status::NotFound("\"" + id + "\" is not a registered person (evenhand people add)");
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

Status CheckKeyHolder(sqlite3* db, const std::string& path, const ApiKeyRecord& key) {
  if (key.person.empty()) return Status::Invalid("API key \"" + key.id + "\": a key belongs to a registered person (person is empty)");
  Result<PersonRecord> p = ReadPerson(db, path, key.person);
  if (!p.ok()) {
    if (p.status().code() == Status::Code::kNotFound)
      return Status::Invalid("API key: person: " + p.status().message());
    return p.status();
  }
  if (!HasRole(*p, key.role))
    return Status::Invalid("API key: person \"" + p->id + "\" does not hold role " + key.role + " (roles: " +
                           JoinRoles(p->roles) + ")");
  if (key.role == "authority" && key.authority != p->authority)
    return Status::Invalid("API key: person \"" + p->id + "\" works for authority \"" + p->authority + "\", not \"" +
                           key.authority + "\"");
  return Status::Ok();
}

}  // namespace evenhand::sqlite_store
