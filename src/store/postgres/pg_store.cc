// PostgresStore: opening (connect, migrate) and transactions. See
// pg_store_impl.h for how batches and the audit chain use them.
//
// Durability: COMMIT returns once the server has made the transaction
// durable (synchronous_commit = on, PostgreSQL's default; a server set to
// off trades that away, and then an acknowledged batch may be lost).
#include "store/postgres/postgres_store.h"

#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store_impl.h"

namespace evenhand {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, OpenMode mode) {
  auto conn = pg_store::PgConn::Connect(url);
  if (!conn.ok()) return conn.status();
  int version = 0;
  if (Status s = pg_store::Migrate(**conn, pg_store::Migrations(), mode, &version); !s.ok()) return s;
  return std::unique_ptr<Store>(new pg_store::PostgresStore(std::move(conn).value(), version));
}

namespace pg_store {

PostgresStore::~PostgresStore() {
  // An open batch was never acknowledged: undo it (the server would too
  // when the connection closes).
  if (conn_->in_transaction()) (void)conn_->Exec("ROLLBACK", "rolling back an open batch");
}

Status PostgresStore::CheckBatchAlive() const {
  if (explicit_txn_ && conn_->transaction_failed())
    return Status::Io(conn_->where() +
                      ": the open batch failed after an earlier error; nothing in it will be stored. Call "
                      "Rollback() and retry the batch.");
  return Status::Ok();
}

void PostgresStore::EndTransaction() {
  head_locked_ = false;
  pending_.clear();
}

Status PostgresStore::FinishAndCommit(const std::string& doing) {
  if (Status s = FlushAudit(); !s.ok()) return s;
  return conn_->Exec("COMMIT", doing);
}

Status PostgresStore::Begin() {
  if (explicit_txn_)
    return Status::Conflict(conn_->where() + ": Begin(): a transaction is already open; Commit() or Rollback() it first");
  if (Status s = EnsurePartitionsAhead(); !s.ok()) return s;
  if (Status s = conn_->Exec("BEGIN", "starting a transaction"); !s.ok()) return s;
  explicit_txn_ = true;
  EndTransaction();
  return Status::Ok();
}

Status PostgresStore::Commit() {
  if (!explicit_txn_) return Status::Invalid(conn_->where() + ": Commit() without Begin()");
  Status s = CheckBatchAlive();
  if (s.ok()) s = FinishAndCommit("committing");
  if (!s.ok() && conn_->in_transaction()) (void)conn_->Exec("ROLLBACK", "rolling back a failed batch");
  explicit_txn_ = false;
  EndTransaction();
  return s;
}

Status PostgresStore::Rollback() {
  EndTransaction();
  if (!explicit_txn_) return Status::Ok();
  explicit_txn_ = false;
  if (!conn_->in_transaction()) return Status::Ok();
  return conn_->Exec("ROLLBACK", "rolling back");
}

}  // namespace pg_store
}  // namespace evenhand
