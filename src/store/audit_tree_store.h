// The audit log's Merkle tree as a store keeps it (schema v9, tlog/,
// docs/AUDIT.md): an interface beside Store that a backend implements, so
// that Store's own interface stays as it was. Audit entries 1..n are leaves
// 0..n-1; the tree grows with the entries' own transaction, in batches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/status.h"
#include "store/audit.h"
#include "store/audit_leaf.h"
#include "store/store.h"

namespace evenhand {

// A signed checkpoint the log issued (tlog/checkpoint.h): the note as
// signed, and the tree size it commits to.
struct StoredCheckpoint {
  int64_t id = 0;     // 1, 2, ... in the order issued
  uint64_t size = 0;  // tree size
  int64_t ts = 0;     // unix seconds issued
  std::string note;   // the signed note, text as served
};

class AuditTreeStore {
 public:
  virtual ~AuditTreeStore() = default;
  // Entries in the tree (committed ones). Invalid on a store older than v9.
  virtual Result<uint64_t> AuditTreeSize() = 0;
  // The stored hashes of tile (level, index) (tlog/tiles.h): the widest
  // version, 32 bytes a hash; "" when no such tile.
  virtual Result<std::string> ReadAuditTile(int level, uint64_t index) = 0;
  // Audit entry `seq` (NotFound when there is none).
  virtual Result<AuditEntry> GetAudit(int64_t seq) = 0;
  // Keeps a checkpoint the log issued (its own durable write, or part of
  // the open batch); ListCheckpoints: the newest `limit`, newest first.
  virtual Status PutCheckpoint(uint64_t size, int64_t ts, const std::string& note) = 0;
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints(int64_t limit) = 0;
  // The leaf format of the tree: 1 (schema v9: leaf data = the chain's
  // canonical text) or 2 (schema v10: salted commitments, store/audit_leaf.h).
  virtual int AuditLeafVersion() = 0;
  // The salts of entry `seq`'s commitments (leaf v2; Invalid for v1). The
  // store's secret itself never leaves the store.
  virtual Result<AuditSalts> GetAuditSalts(int64_t seq) = 0;
};

// The tree of `store`; Invalid when its backend keeps none.
Result<AuditTreeStore*> AuditTreeOf(Store& store);

// The text an audit entry's chain hash covers (seq \n ts \n ... \n
// prev_hash): also its leaf data in a v1 tree (schema v9).
std::string AuditCanonicalText(const AuditEntry& e);

}  // namespace evenhand
