#include "store/postgres/pg_conn.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace evenhand::pg_store {

PgParams& PgParams::Text(std::string_view v) {
  if (nul_at_ == 0 && v.find('\0') != std::string_view::npos) nul_at_ = values_.size() + 1;
  values_.emplace_back(v);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(int64_t v) {
  values_.push_back(std::to_string(v));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Bytes(std::string_view v) {
  values_.emplace_back(v);
  formats_.push_back(1);
  return *this;
}

int64_t PgResult::Int(int row, int col) const {
  std::string_view v = View(row, col);
  int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

namespace {

std::string Trim(const char* s) {
  std::string out = s != nullptr ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

PgConn::PgConn(PGconn* c) : conn_(c) {
  const char* host = PQhost(c);
  std::string h = host != nullptr ? host : "";
  if (!h.empty() && h[0] == '/') h = "[socket " + h + "]";
  where_ = std::string("postgres://") + PQuser(c) + "@" + h + ":" + PQport(c) + "/" + PQdb(c);
}

PgConn::~PgConn() { PQfinish(conn_); }

Result<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& url) {
  // A server that does not answer fails the connection after 10 s instead
  // of hanging (libpq waits for ever by default); the URL's own
  // connect_timeout, if any, comes later and wins.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", url.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr) return Status::Io("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = Trim(PQerrorMessage(c));
    PQfinish(c);
    // The URL may hold a password: name only what follows the '@'.
    std::string shown = url;
    if (size_t at = shown.rfind('@'); at != std::string::npos) shown = "postgres://...@" + shown.substr(at + 1);
    return Status::Io("cannot connect to PostgreSQL at " + shown + ": " + why);
  }
  auto conn = std::unique_ptr<PgConn>(new PgConn(c));
  // Client messages in UTF-8; notices (e.g. "relation exists") are not printed.
  PQsetClientEncoding(c, "UTF8");
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return conn;
}

bool PgConn::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
bool PgConn::transaction_failed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

Status PgConn::Check(PGresult* r, const std::string& doing, PgResult* out) {
  PgResult owned(r);
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    if (out != nullptr) *out = std::move(owned);
    return Status::Ok();
  }
  const char* code = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = code != nullptr ? code : "";
  std::string why = Trim(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (why.empty()) why = Trim(PQerrorMessage(conn_));
  const std::string msg = where_ + ": " + doing + ": " + why;
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Io(msg + " (the connection to the server is lost)");
  if (sqlstate == "23505") return Status::Conflict(msg);
  if (sqlstate == "22021" || sqlstate == "22P05")
    return Status::Invalid(msg + " (PostgreSQL keeps text as UTF-8; this value is not)");
  if (sqlstate.starts_with("42")) return Status::Internal(msg + " (SQLSTATE " + sqlstate + ")");
  return Status::Io(msg + (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")"));
}

Status PgConn::Exec(const std::string& sql, const std::string& doing) {
  return Check(PQexec(conn_, sql.c_str()), doing, nullptr);
}

namespace {

struct Raw {
  std::vector<const char*> values;
  std::vector<int> lengths;
};

Raw RawOf(const std::vector<std::string>& values) {
  Raw raw;
  raw.values.reserve(values.size());
  raw.lengths.reserve(values.size());
  for (const std::string& v : values) {
    raw.values.push_back(v.c_str());
    raw.lengths.push_back(static_cast<int>(v.size()));
  }
  return raw;
}

Status NulError(const std::string& where, const std::string& doing, size_t at) {
  return Status::Invalid(where + ": " + doing + ": parameter " + std::to_string(at) +
                         " holds a NUL byte, which PostgreSQL text cannot store");
}

}  // namespace

Result<PgResult> PgConn::Query(const std::string& sql, const PgParams& p, const std::string& doing, bool binary) {
  if (p.nul_at() != 0) return NulError(where_, doing, p.nul_at());
  Raw raw = RawOf(p.values_);
  PgResult out;
  Status s = Check(PQexecParams(conn_, sql.c_str(), static_cast<int>(p.size()), nullptr, raw.values.data(),
                                raw.lengths.data(), p.formats_.data(), binary ? 1 : 0),
                   doing, &out);
  if (!s.ok()) return s;
  return out;
}

namespace {
constexpr size_t kCopyPiece = size_t{1} << 20;  // bytes handed to libpq at a time
}  // namespace

void AppendCopyField(std::string_view v, std::string* out) {
  for (char c : v) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

Status PgConn::CopyIn(const std::string& copy_sql, std::string_view data, const std::string& doing) {
  PGresult* started = PQexec(conn_, copy_sql.c_str());
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) return Check(started, doing, nullptr);
  PQclear(started);
  bool sent = true;
  for (size_t at = 0; sent && at < data.size(); at += kCopyPiece)
    sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(std::min(kCopyPiece, data.size() - at))) == 1;
  if (PQputCopyEnd(conn_, sent ? nullptr : "evenhand: sending the rows failed") != 1)
    return Status::Io(where_ + ": " + doing + ": " + Trim(PQerrorMessage(conn_)) + " (the connection to the server is lost)");
  // The COPY's own result, then nothing more.
  Status s = Check(PQgetResult(conn_), doing, nullptr);
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  return s;
}

Result<PgResult> PgConn::Prepared(const char* name, const char* sql, const PgParams& p, const std::string& doing,
                                  bool binary) {
  if (p.nul_at() != 0) return NulError(where_, doing, p.nul_at());
  if (!prepared_.contains(name)) {
    if (Status s = Check(PQprepare(conn_, name, sql, 0, nullptr), std::string("preparing ") + name, nullptr); !s.ok())
      return s;
    prepared_.insert(name);
  }
  Raw raw = RawOf(p.values_);
  PgResult out;
  Status s = Check(PQexecPrepared(conn_, name, static_cast<int>(p.size()), raw.values.data(), raw.lengths.data(),
                                  p.formats_.data(), binary ? 1 : 0),
                   doing, &out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace evenhand::pg_store
