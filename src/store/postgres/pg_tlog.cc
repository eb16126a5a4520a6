// PostgresStore: the audit log's Merkle tree (tlog/, docs/AUDIT.md) in
// tlog_tiles and tlog_tree, grown in the transaction that appends the
// entries (SyncTree, each time FlushAudit writes entries, holding the
// chain's lock), so the tree and the chain commit together and never
// differ in length; and the checkpoints issued over it.
#include <string>

#include "store/audit_leaf.h"
#include "store/audit_tree.h"
#include "store/postgres/pg_store_impl.h"

namespace evenhand::pg_store {

Result<std::string> PgTiles::ReadTile(int level, uint64_t index) {
  auto r = conn_.Prepared("tile_read", "SELECT hashes FROM tlog_tiles WHERE level = $1 AND idx = $2",
                          PgParams().Int(level).Int(static_cast<int64_t>(index)),
                          "reading " + tlog::TilePath(level, index, 0), /*binary=*/true);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::string();
  return r->Text(0, 0);
}

Status PgTiles::WriteTile(int level, uint64_t index, std::string_view hashes) {
  auto r = conn_.Prepared("tile_write",
                          "INSERT INTO tlog_tiles (level, idx, hashes) VALUES ($1, $2, $3) "
                          "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes",
                          PgParams().Int(level).Int(static_cast<int64_t>(index)).Bytes(hashes),
                          "writing " + tlog::TilePath(level, index, 0));
  return r.status();
}

Result<uint64_t> PostgresStore::AuditTreeSize() {
  auto r = conn_->Prepared("tree_size", "SELECT size FROM tlog_tree WHERE id = 1", PgParams(),
                           "reading the audit tree's size");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::Corrupt(conn_->where() + ": the audit tree has no size row (tlog_tree)");
  const int64_t size = r->Int(0, 0);
  if (size < 0) return Status::Corrupt(conn_->where() + ": the audit tree's size is negative");
  return static_cast<uint64_t>(size);
}

Status PostgresStore::SyncTree() {
  if (pending_.empty()) return Status::Ok();
  Result<uint64_t> size = AuditTreeSize();
  if (!size.ok()) return size.status();
  // This transaction holds the chain's lock, read the head after taking
  // it, and appended pending_ right after that head: the tree must end
  // where pending_ begins.
  const int64_t first = pending_.front().seq;
  if (static_cast<int64_t>(*size) + 1 != first)
    return Status::Corrupt(conn_->where() + ": the audit tree holds " + std::to_string(*size) +
                           " entries but the chain continues at entry " + std::to_string(first) +
                           "; the tree cannot take it (run `evenhand audit verify`)");
  if (Status s = LoadTreeSecret(); !s.ok()) return s;
  std::vector<tlog::Hash> leaves;
  leaves.reserve(pending_.size());
  for (const AuditEntry& e : pending_) leaves.push_back(AuditLeafHashV2(e, std::string_view(tree_secret_)));
  if (Status s = tlog::AppendLeaves(tiles_, *size, leaves); !s.ok()) return s;
  auto r = conn_->Prepared("tree_set_size", "UPDATE tlog_tree SET size = $1 WHERE id = 1",
                           PgParams().Int(static_cast<int64_t>(*size + leaves.size())),
                           "recording the audit tree's size");
  return r.status();
}

Status PostgresStore::LoadTreeSecret() {
  if (!tree_secret_.empty()) return Status::Ok();
  auto r = conn_->Prepared("tree_secret", "SELECT secret FROM tlog_secret WHERE id = 1", PgParams(),
                           "reading the audit tree's secret", /*binary=*/true);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::Corrupt(conn_->where() + ": the audit tree's secret is missing (tlog_secret)");
  if (r->View(0, 0).size() < 16) return Status::Corrupt(conn_->where() + ": the audit tree's secret is too short");
  tree_secret_ = r->Text(0, 0);
  return Status::Ok();
}

Result<AuditSalts> PostgresStore::GetAuditSalts(int64_t seq) {
  if (Status s = LoadTreeSecret(); !s.ok()) return s;
  return DeriveAuditSalts(tree_secret_, seq);
}

Result<std::string> PostgresStore::ReadAuditTile(int level, uint64_t index) { return tiles_.ReadTile(level, index); }

Status PostgresStore::PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) {
  return WriteOp("storing a checkpoint", [&]() -> Status {
    auto r = conn_->Prepared("checkpoint_put", "INSERT INTO tlog_checkpoints (size, ts, note) VALUES ($1, $2, $3)",
                             PgParams().Int(static_cast<int64_t>(size)).Int(ts).Text(note), "storing a checkpoint");
    return r.status();
  });
}

Result<std::vector<StoredCheckpoint>> PostgresStore::ListCheckpoints(int64_t limit) {
  auto r = conn_->Prepared("checkpoint_list", "SELECT id, size, ts, note FROM tlog_checkpoints ORDER BY id DESC LIMIT $1",
                           PgParams().Int(limit), "listing checkpoints");
  if (!r.ok()) return r.status();
  std::vector<StoredCheckpoint> out;
  for (int i = 0; i < r->rows(); ++i) {
    StoredCheckpoint c;
    c.id = r->Int(i, 0);
    c.size = static_cast<uint64_t>(r->Int(i, 1));
    c.ts = r->Int(i, 2);
    c.note = r->Text(i, 3);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace evenhand::pg_store
