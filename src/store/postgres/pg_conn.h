// Private to store/postgres: one libpq connection, its results and
// parameters, and what a PostgreSQL error means as a Status. Nothing
// outside store/postgres/ includes libpq.
//
// Promises: every call returns a Status instead of throwing; a PgResult
// frees its PGresult; text parameters holding a NUL byte are refused
// (Invalid) instead of being cut short by libpq; errors name what was being
// done and the database (never a password). SQLSTATE classes map to codes:
// 23505 (unique) -> Conflict, 22021/22P05 (bytes that are not UTF-8) ->
// Invalid, a lost connection or anything else -> Io.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/status.h"

namespace evenhand::pg_store {

// The values of one statement's parameters ($1, $2, ... in order). Text
// by default; Bytes() sends raw bytes (bytea) in binary format.
class PgParams {
 public:
  PgParams& Text(std::string_view v);
  PgParams& Int(int64_t v);
  PgParams& Bytes(std::string_view v);
  size_t size() const { return values_.size(); }
  // The first text parameter holding a NUL byte (index + 1), or 0.
  size_t nul_at() const { return nul_at_; }

 private:
  friend class PgConn;
  std::vector<std::string> values_;
  std::vector<int> formats_;
  size_t nul_at_ = 0;
};

// A result set (or a command's completion).
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view View(int row, int col) const {
    return std::string_view(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::string Text(int row, int col) const { return std::string(View(row, col)); }
  int64_t Int(int row, int col) const;  // 0 for NULL
  bool Bool(int row, int col) const { return View(row, col) == "t"; }

 private:
  std::shared_ptr<PGresult> r_;
};

// Appends `v` as one field of COPY's text format (backslash, tab, newline
// and carriage return escaped). The caller refuses NUL bytes first.
void AppendCopyField(std::string_view v, std::string* out);

class PgConn {
 public:
  // Connects with a libpq URI ("postgres://USER@HOST:PORT/DB" or
  // "postgresql://..."); Io naming the server when it cannot, after at
  // most connect_timeout seconds (10 unless the URL says otherwise).
  static Result<std::unique_ptr<PgConn>> Connect(const std::string& url);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // "postgres://USER@HOST:PORT/DB" as connected, for messages.
  const std::string& where() const { return where_; }

  // One or more statements without parameters.
  Status Exec(const std::string& sql, const std::string& doing);
  // One statement with parameters; `binary` asks for the result in binary
  // format (bytea columns as raw bytes).
  Result<PgResult> Query(const std::string& sql, const PgParams& params, const std::string& doing,
                         bool binary = false);
  // The same through a named statement prepared once per connection.
  Result<PgResult> Prepared(const char* name, const char* sql, const PgParams& params, const std::string& doing,
                            bool binary = false);

  // COPY ... FROM STDIN (text format) with `data` as its rows: each row
  // ends with a newline, fields separated by tabs and escaped with
  // AppendCopyField. Errors as Query's (a duplicate key: Conflict).
  Status CopyIn(const std::string& copy_sql, std::string_view data, const std::string& doing);

  // Inside a transaction block (open, or failed and waiting for ROLLBACK).
  bool in_transaction() const;
  // A statement failed in the open transaction: only ROLLBACK is accepted.
  bool transaction_failed() const;

 private:
  explicit PgConn(PGconn* c);
  Status Check(PGresult* r, const std::string& doing, PgResult* out);

  PGconn* conn_;
  std::string where_;
  std::unordered_set<std::string> prepared_;
};

}  // namespace evenhand::pg_store
