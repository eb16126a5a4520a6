#include "store/sqlite/logins_sql.h"

#include "store/sqlite/sqlite_util.h"

namespace evenhand::sqlite_store {

const char kLoginsMigrationSql[] = R"sql(
CREATE TABLE logins (
  account   TEXT NOT NULL,
  ts        INTEGER NOT NULL,  -- unix seconds
  event     TEXT NOT NULL,     -- 'signup' | 'login'
  ip        TEXT NOT NULL,     -- canonical text (inet_ntop)
  port      INTEGER NOT NULL,  -- source port; 0 = not given
  device    TEXT NOT NULL,
  stored_at INTEGER NOT NULL,  -- unix seconds
  PRIMARY KEY (account, ts, event, ip, port, device)
) WITHOUT ROWID;
)sql";

Status InsertLogin(sqlite3* db, const std::string& path, const LoginRecord& l, bool* inserted) {
  if (inserted) *inserted = false;
  if (l.account.empty()) return Status::Invalid("login record: account is empty");
  if (l.ip.empty()) return Status::Invalid("login record of \"" + l.account + "\": ip is empty");
  int rc = 0;
  OwnedStmt st = PrepareOwned(db,
                              "INSERT INTO logins (account, ts, event, ip, port, device, stored_at) VALUES "
                              "(?1, ?2, ?3, ?4, ?5, ?6, CAST(strftime('%s','now') AS INTEGER)) ON CONFLICT DO NOTHING",
                              &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "storing a login record");
  BindText(st.get(), 1, l.account);
  sqlite3_bind_int64(st.get(), 2, l.ts);
  BindText(st.get(), 3, LoginEventName(l.event));
  BindText(st.get(), 4, l.ip);
  sqlite3_bind_int(st.get(), 5, l.port);
  BindText(st.get(), 6, l.device);
  rc = sqlite3_step(st.get());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "storing a login record");
  if (inserted) *inserted = sqlite3_changes(db) > 0;
  return Status::Ok();
}

Result<std::vector<LoginRecord>> ReadLogins(sqlite3* db, const std::string& path, const std::string& account) {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db,
                              "SELECT ts, event, ip, port, device FROM logins WHERE account = ?1 "
                              "ORDER BY ts, event DESC, ip, port, device",
                              &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "reading login records");
  BindText(st.get(), 1, account);
  std::vector<LoginRecord> out;
  std::string event;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    LoginRecord l;
    l.account = account;
    l.ts = sqlite3_column_int64(st.get(), 0);
    ReadText(st.get(), 1, &event);
    l.event = ParseLoginEvent(event).value_or(LoginEvent::kLogin);
    ReadText(st.get(), 2, &l.ip);
    l.port = sqlite3_column_int(st.get(), 3);
    ReadText(st.get(), 4, &l.device);
    out.push_back(std::move(l));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "reading login records");
  return out;
}

Result<std::vector<LoginAge>> ReadLoginsOlderThan(sqlite3* db, const std::string& path, int64_t cutoff) {
  int rc = 0;
  OwnedStmt st = PrepareOwned(db,
                              "SELECT account, COUNT(*), MIN(ts), MAX(ts) FROM logins WHERE ts < ?1 "
                              "GROUP BY account ORDER BY account",
                              &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "reading old login records");
  sqlite3_bind_int64(st.get(), 1, cutoff);
  std::vector<LoginAge> out;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    LoginAge a;
    ReadText(st.get(), 0, &a.account);
    a.count = sqlite3_column_int64(st.get(), 1);
    a.oldest = sqlite3_column_int64(st.get(), 2);
    a.newest = sqlite3_column_int64(st.get(), 3);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "reading old login records");
  return out;
}

Status DeleteLoginsBefore(sqlite3* db, const std::string& path, const std::string& account, int64_t cutoff,
                          LoginAge* age) {
  *age = LoginAge{account, 0, 0, 0};
  int rc = 0;
  {
    OwnedStmt st = PrepareOwned(db, "SELECT COUNT(*), MIN(ts), MAX(ts) FROM logins WHERE account = ?1 AND ts < ?2",
                                &rc);
    if (rc != SQLITE_OK) return SqliteError(db, path, rc, "reading old login records");
    BindText(st.get(), 1, account);
    sqlite3_bind_int64(st.get(), 2, cutoff);
    rc = sqlite3_step(st.get());
    if (rc != SQLITE_ROW) return SqliteError(db, path, rc, "reading old login records");
    age->count = sqlite3_column_int64(st.get(), 0);
    age->oldest = sqlite3_column_int64(st.get(), 1);
    age->newest = sqlite3_column_int64(st.get(), 2);
  }
  if (age->count == 0) return Status::Ok();
  OwnedStmt del = PrepareOwned(db, "DELETE FROM logins WHERE account = ?1 AND ts < ?2", &rc);
  if (rc != SQLITE_OK) return SqliteError(db, path, rc, "deleting login records");
  BindText(del.get(), 1, account);
  sqlite3_bind_int64(del.get(), 2, cutoff);
  rc = sqlite3_step(del.get());
  if (rc != SQLITE_DONE) return SqliteError(db, path, rc, "deleting login records");
  return Status::Ok();
}

}  // namespace evenhand::sqlite_store
