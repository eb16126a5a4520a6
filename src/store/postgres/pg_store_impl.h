// Private to store/postgres: the PostgresStore class, whose methods live in
// one file per concern:
//   pg_store.cc          opening, transactions (Begin/Commit/Rollback, WriteOp)
//   pg_items.cc          accounts, items and their versions, decisions, logins
//   pg_bulk.cc           posts and decisions in multi-row statements (stream workers)
//   pg_audit.cc          the audit chain: append (batched), walks, head lock
//   pg_tlog.cc           the audit log's Merkle tree and checkpoints
//   pg_cases.cc          authorities and cases
//   pg_people.cc         people, API keys, decision reviews
//   pg_retention.cc      deleting old content and login records
//   pg_facts.cc          the analytics read path (ScanDecisionFacts)
//   pg_partitions.cc     decisions by month: partitions made on demand, detached
// Checks and audit payloads shared with the SQLite backend are in
// store/store_records.h.
//
// Transactions. Outside Begin()/Commit() each write runs in its own
// transaction. Inside a batch a write is not wrapped in a savepoint (that
// would cost two more round trips per item): a write that fails in the
// server ends the batch, and every later call says so until Rollback(), as
// with an SQLite batch that SQLite rolled back.
//
// The audit chain. The first audit append of a transaction takes the
// chain's advisory lock (pg_advisory_xact_lock, held until the transaction
// ends) and reads the head; entries are then computed here and kept in
// memory, and written with multi-row INSERTs, together with the tree's new
// leaves, when kFlushEntries are pending, when the transaction commits, or
// before anything reads the audit log in it: memory stays bounded however
// long the batch (a whole `scan` is one). Several processes and hosts may write one database: the lock
// makes their appends one sequence, and seq PRIMARY KEY refuses a fork.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/audit_tree_store.h"
#include "store/postgres/pg_conn.h"
#include "store/store.h"
#include "tlog/tiles.h"

namespace evenhand::pg_store {

// The tree's tiles in tlog_tiles (tlog/tiles.h), on the store's connection.
class PgTiles final : public tlog::TileStorage {
 public:
  explicit PgTiles(PgConn& conn) : conn_(conn) {}
  Result<std::string> ReadTile(int level, uint64_t index) override;
  Status WriteTile(int level, uint64_t index, std::string_view hashes) override;

 private:
  PgConn& conn_;
};

class PostgresStore final : public Store, public AuditTreeStore {
 public:
  PostgresStore(std::unique_ptr<PgConn> conn, int schema_version)
      : conn_(std::move(conn)), tiles_(*conn_), schema_version_(schema_version) {}
  ~PostgresStore() override;

  // ---- pg_store.cc
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  int schema_version() override { return schema_version_; }

  // ---- pg_items.cc
  Status PutAccount(const Account& account) override;
  Status PutPost(const Post& post, const std::string& actor) override;
  Result<std::vector<PostVersion>> PostVersions(const std::string& id) override;
  Status PutDecision(const Decision& decision, const std::string& actor, bool* inserted) override;
  Result<DecisionCounts> CountDecisions(const std::string& policy_id) override;
  Status ForEachDecision(const std::string& policy_id, const std::function<bool(const StoredDecision&)>& fn) override;
  Status ForEachDecisionOf(const std::string& item, const std::function<bool(const StoredDecision&)>& fn) override;
  Status ForEachDecisionNewestFirst(const std::function<bool(const StoredDecision&)>& fn) override;
  Result<bool> HasPost(const std::string& id) override;
  Result<Post> GetPost(const std::string& id) override;
  Result<bool> HasAccount(const std::string& id) override;
  Result<Account> GetAccount(const std::string& id) override;
  Result<std::vector<Post>> PostsByAccount(const std::string& account_id) override;
  Status PutLogin(const LoginRecord& login, bool* inserted) override;

  // ---- pg_bulk.cc
  Status PutPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions,
                              const std::string& actor, int64_t* inserted) override;
  Result<std::vector<LoginRecord>> LoginsOf(const std::string& account) override;

  // ---- pg_audit.cc
  Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                     const std::string& payload) override;
  Status ForEachAudit(const std::function<void(const AuditEntry&)>& fn) override;
  Status ForEachAuditOf(const std::string& subject, const std::function<void(const AuditEntry&)>& fn) override;
  Result<AuditEntry> GetAudit(int64_t seq) override;

  // ---- pg_tlog.cc
  Result<uint64_t> AuditTreeSize() override;
  Result<std::string> ReadAuditTile(int level, uint64_t index) override;
  Status PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints(int64_t limit) override;
  int AuditLeafVersion() override { return 2; }  // every PostgreSQL store: leaf data v2
  Result<AuditSalts> GetAuditSalts(int64_t seq) override;

  // ---- pg_retention.cc
  Result<std::vector<PostVersion>> ContentOlderThan(int64_t cutoff, int64_t limit) override;
  Status DeleteContent(const std::string& id, int64_t version, int64_t now, const std::string& actor,
                       const std::string& reason) override;
  Result<std::vector<LoginAge>> LoginsOlderThan(int64_t cutoff) override;
  Status DeleteLoginsOlderThan(const std::string& account, int64_t cutoff, const std::string& actor,
                               const std::string& reason, int64_t* deleted) override;

  // ---- pg_facts.cc
  Status ScanDecisionFacts(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) override;
  Result<int64_t> CountDecisionFacts() override;

  // ---- pg_cases.cc
  Status PutAuthority(const AuthorityRecord& authority, const std::string& actor) override;
  Status ReplaceAuthority(const AuthorityRecord& authority, const std::string& reason,
                          const std::string& actor) override;
  Result<std::vector<AuthorityRecord>> ListAuthorities() override;
  Status InsertCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                    const std::string& audit_payload, bool* inserted, CaseRecord* existing) override;
  Status UpdateCase(const CaseRecord& c, const std::string& expected_state, const std::string& actor,
                    const std::string& audit_action, const std::string& audit_payload) override;
  Result<CaseRecord> GetCase(const std::string& id) override;
  Result<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) override;

  // ---- pg_people.cc
  Status PutPerson(const PersonRecord& person, const std::string& actor) override;
  Result<PersonRecord> GetPerson(const std::string& id) override;
  Result<std::vector<PersonRecord>> ListPeople() override;
  Status PutApiKey(const ApiKeyRecord& key, const std::string& actor) override;
  Result<ApiKeyRecord> GetApiKey(const std::string& id) override;
  Result<std::vector<ApiKeyRecord>> ListApiKeys() override;
  Status RevokeApiKey(const std::string& id, int64_t now, const std::string& actor) override;
  Status PutDecisionReview(const DecisionReview& review) override;
  Result<std::vector<DecisionReview>> ListDecisionReviews() override;
  Result<std::vector<ReviewedDecision>> ListReviewedDecisions() override;

  // ---- pg_partitions.cc
  Result<std::vector<StorePartition>> DecisionPartitions() override;
  Status DetachDecisionPartitions(int64_t before, bool drop, const std::string& actor,
                                  std::vector<StorePartition>* detached) override;

 private:
  static constexpr size_t kFlushEntries = 500;
  static bool BulkByCopy();  // pg_bulk.cc: reads EVENHAND_PG_BULK

  // pg_store.cc: runs `body` atomically (its own transaction outside a
  // batch; inside one, see the header comment).
  template <typename F>
  Status WriteOp(const std::string& doing, F&& body);
  Status CheckBatchAlive() const;
  // Writes the pending audit entries and the tree's new leaves, commits.
  Status FinishAndCommit(const std::string& doing);
  void EndTransaction();

  // pg_audit.cc
  Status LockAuditHead();
  Status AppendAuditLocked(const std::string& actor, const std::string& action, const std::string& subject,
                           const std::string& payload);
  Status FlushAudit();  // pending_ -> the audit table and the tree; pending_ emptied
  Status WalkAudit(const std::string* subject, const std::function<void(const AuditEntry&)>& fn);

  // pg_tlog.cc: appends pending_ to the tree (after FlushAudit wrote them).
  Status SyncTree();
  Status LoadTreeSecret();  // tree_secret_, once

  // pg_items.cc
  Status WalkDecisions(int which, const std::string& key, const std::function<bool(const StoredDecision&)>& fn);
  Status NewVersion(const Post& p, const std::string& media_json, const std::string& hash, const std::string& actor);

  // pg_partitions.cc: the month of now and the next made (decisions and
  // audit), outside a transaction (remembered); and the month of `now`
  // inside the open one when it is not among those (not remembered: it may
  // be rolled back).
  Status EnsurePartitionsAhead();
  Status PartitionInTxn(int64_t now);

  // pg_bulk.cc: one chunk of PutPostsAndDecisions, written by COPY or by
  // multi-row INSERTs; *all_new when every post was new and the chunk is
  // stored, *nul (nothing sent) when a value holds a NUL byte.
  Status BulkChunk(std::span<const Post> posts, std::span<const Decision> decisions, const std::string& actor,
                   int64_t* inserted);
  struct ChunkColumns {
    std::span<const Post> posts;
    std::span<const Decision> decisions;
    const std::vector<std::string>&hashes, &media, &scopes, &signals;
    int64_t now;
  };
  Status CopyChunk(const ChunkColumns& c, bool* all_new, bool* nul);
  // *stored[i]: decision i was inserted (the others were there already).
  Status ValuesChunk(const ChunkColumns& c, bool* all_new, bool* nul, std::vector<char>* stored);
  // pg_cases.cc: PutAuthority (replace_reason null) and ReplaceAuthority.
  Status WriteAuthority(const AuthorityRecord& a, const std::string& actor, const std::string* replace_reason);
  // pg_facts.cc: the scan inside its transaction.
  Status ScanFactsIn(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn);

  std::unique_ptr<PgConn> conn_;
  PgTiles tiles_;
  int schema_version_ = 0;
  bool explicit_txn_ = false;  // between a successful Begin() and Commit()/Rollback()
  // Bulk writes by COPY; EVENHAND_PG_BULK=values at open: multi-row INSERTs (to compare).
  bool bulk_copy_ = BulkByCopy();
  int64_t parts_from_ = 0, parts_until_ = 0;  // [from, until): months whose partitions exist (made ahead)
  bool head_locked_ = false;   // this transaction holds the chain's lock; head_* valid
  int64_t head_seq_ = 0;
  std::string head_hash_;
  std::string tree_secret_;  // tlog_secret's, once read
  std::vector<AuditEntry> pending_;  // appended in this transaction and not yet written, in seq order
};

}  // namespace evenhand::pg_store

namespace evenhand::pg_store {

template <typename F>
Status PostgresStore::WriteOp(const std::string& doing, F&& body) {
  if (explicit_txn_) {
    if (Status s = CheckBatchAlive(); !s.ok()) return s;
    // Bodies check their input before they write, so a failure the server
    // did not see leaves the batch as it was: take back what the body
    // appended to the chain in memory.
    const size_t mark = pending_.size();
    const int64_t seq = head_seq_;
    const std::string hash = head_hash_;
    Status s = body();
    if (!s.ok() && !conn_->transaction_failed()) {
      pending_.resize(mark);
      head_seq_ = seq;
      head_hash_ = hash;
    }
    if (s.ok() && pending_.size() >= kFlushEntries) s = FlushAudit();
    return s;
  }
  if (Status s = EnsurePartitionsAhead(); !s.ok()) return s;
  if (Status s = conn_->Exec("BEGIN", doing); !s.ok()) return s;
  Status s = body();
  if (s.ok()) s = FinishAndCommit(doing);
  if (!s.ok() && conn_->in_transaction()) (void)conn_->Exec("ROLLBACK", doing);
  EndTransaction();
  return s;
}

}  // namespace evenhand::pg_store
