#include "store/audit_tree.h"

#include <cstring>

namespace evenhand {

Result<AuditTreeStore*> AuditTreeOf(Store& store) {
  auto* tree = dynamic_cast<AuditTreeStore*>(&store);
  if (tree == nullptr) return Status::Invalid("this store's backend keeps no audit tree");
  return tree;
}

Result<tlog::Hash> AuditLeafOf(AuditTreeStore& tree, const AuditEntry& e) {
  if (tree.AuditLeafVersion() < 2) return tlog::LeafHash(AuditCanonicalText(e));
  Result<AuditSalts> salts = tree.GetAuditSalts(e.seq);
  if (!salts.ok()) return salts.status();
  return AuditLeafHashV2(e, *salts);
}

Result<AuditTreeReport> VerifyAuditTree(Store& store) {
  AuditTreeReport report;
  Result<AuditTreeStore*> tree = AuditTreeOf(store);
  if (!tree.ok()) return tree.status();
  Result<uint64_t> size = (*tree)->AuditTreeSize();
  if (!size.ok()) return size.status();
  report.tree_size = *size;
  auto problem = [&](std::string what) {
    if (report.problems.size() < 1000) report.problems.push_back(std::move(what));
  };

  StoreTiles tiles(**tree);
  tlog::StreamingRoot from_entries;
  std::string tile;
  int64_t tile_index = -1;
  Status read_error;
  Status s = store.ForEachAudit([&](const AuditEntry& e) {
    ++report.entries;
    if (!read_error.ok()) return;
    Result<tlog::Hash> computed = AuditLeafOf(**tree, e);
    if (!computed.ok()) {
      read_error = computed.status();
      return;
    }
    const tlog::Hash leaf = *computed;
    from_entries.Add(leaf);
    if (e.seq < 1 || static_cast<uint64_t>(e.seq) > report.tree_size) return;
    const uint64_t i = static_cast<uint64_t>(e.seq - 1);
    if (static_cast<int64_t>(i / tlog::kTileWidth) != tile_index) {
      tile_index = static_cast<int64_t>(i / tlog::kTileWidth);
      Result<std::string> t = tiles.ReadTile(0, static_cast<uint64_t>(tile_index));
      if (!t.ok()) {
        read_error = t.status();
        return;
      }
      tile = std::move(*t);
    }
    const uint64_t at = i % tlog::kTileWidth;
    if (tile.size() < 32 * (at + 1) || std::memcmp(tile.data() + 32 * at, leaf.data(), 32) != 0)
      problem("entry " + std::to_string(e.seq) + ": its contents do not match leaf " + std::to_string(i) +
              " of the audit tree (edited, moved or removed after it was logged)");
  });
  if (!s.ok()) return s;
  if (!read_error.ok()) return read_error;
  report.entries_root = from_entries.Root();
  if (report.entries != report.tree_size)
    problem("the audit tree holds " + std::to_string(report.tree_size) + " entries, the log " +
            std::to_string(report.entries));
  tlog::TileSource source(tiles, report.tree_size);
  Result<tlog::Hash> root = tlog::TreeHash(source, report.tree_size);
  if (!root.ok()) {
    problem("the audit tree's tiles: " + root.status().message());
  } else {
    report.root = *root;
    if (report.entries == report.tree_size && report.root != report.entries_root)
      problem("the audit tree's root " + tlog::ToHex(report.root) + " is not the root of the entries, " +
              tlog::ToHex(report.entries_root) + " (tiles edited)");
  }
  return report;
}

}  // namespace evenhand
