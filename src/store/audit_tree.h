// The audit log's Merkle tree as the rest of evenhand sees it (tlog/ over a
// Store): the leaf of an entry, tiles read through the Store, and the check
// `evenhand audit verify` runs on the tree beside the chain.
//
// Leaf data of audit entry seq: v2 (schema v10) salted commitments
// (store/audit_leaf.h); v1 (schema v9) AuditCanonicalText, the text its
// chain hash covers. Leaf index = seq - 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/audit_tree_store.h"
#include "store/store.h"
#include "tlog/hash.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace evenhand {

// The leaf of `e` in `tree`, in the tree's leaf format.
Result<tlog::Hash> AuditLeafOf(AuditTreeStore& tree, const AuditEntry& e);

// Tiles read through Store::ReadAuditTile; writing is refused (the store
// writes its own tiles as entries commit).
class StoreTiles final : public tlog::TileStorage {
 public:
  explicit StoreTiles(AuditTreeStore& store) : store_(store) {}
  Result<std::string> ReadTile(int level, uint64_t index) override { return store_.ReadAuditTile(level, index); }
  Status WriteTile(int, uint64_t, std::string_view) override {
    return Status::Internal("the audit tree's tiles are written by the store only");
  }

 private:
  AuditTreeStore& store_;
};

// What `audit verify` finds of the tree: the stored tiles against the
// entries they claim to hash.
struct AuditTreeReport {
  uint64_t tree_size = 0;     // as the store records it
  uint64_t entries = 0;       // audit entries read
  tlog::Hash root{};          // from the tiles, at tree_size
  tlog::Hash entries_root{};  // recomputed from the entries
  std::vector<std::string> problems;  // at most 1000 listed
  bool ok() const { return problems.empty(); }
};

// Recomputes every leaf from the stored entries and compares it with the
// level-0 tiles, and the root from the entries with the root from the
// tiles. Invalid for stores older than schema v9.
Result<AuditTreeReport> VerifyAuditTree(Store& store);

}  // namespace evenhand
