// The tree stored as tiles, in the C2SP tlog-tiles layout: tiles of height
// 8, so a tile holds up to 256 hashes of 32 bytes. The tile at level L,
// index N holds the hashes of the tree's nodes at height 8*L, indices
// 256*N .. 256*N+255 (level 0: the leaf hashes). The rightmost tile of a
// level is partial (width 1..255) until it fills; a partial tile of width W
// is a prefix of every later version of that tile, so one stored blob per
// (level, index), the widest, serves every tree size.
//
// AppendLeaves grows the tiles of a tree by a batch of leaf hashes, reading
// and writing only the rightmost tile of each level it touches. TileSource
// answers subtree hashes of a tree of a given size from tiles, reading each
// tile once and hashing the nodes inside it once (a proof at 10^8 leaves
// reads 4 tiles and hashes at most 255 nodes per tile).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "tlog/hash.h"
#include "tlog/proof.h"

namespace evenhand::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr uint64_t kTileWidth = 256;

// Where tiles are kept. A missing tile reads as an empty string.
class TileStorage {
 public:
  virtual ~TileStorage() = default;
  // The stored hashes of tile (level, index): 32 bytes each, concatenated.
  virtual Result<std::string> ReadTile(int level, uint64_t index) = 0;
  // Stores tile (level, index) whole: AppendLeaves writes a tile this way
  // when it fills (256 hashes), or when it begins a partial one.
  virtual Status WriteTile(int level, uint64_t index, std::string_view hashes) = 0;
  // Appends `hashes` to tile (level, index), which holds `width` > 0 hashes
  // and stays partial (width + hashes/32 < 256). The default reads the tile,
  // checks its width (Corrupt when it holds fewer) and writes it whole; a
  // storage that can append without rewriting (store/sqlite's tail rows)
  // overrides it.
  virtual Status ExtendTile(int level, uint64_t index, uint64_t width, std::string_view hashes);
};

// Appends `leaves` (leaf hashes) to the tree of `old_size` leaves kept in
// `storage`. Touches only the rightmost tile of each level: a tile that
// fills is read (its first hashes) and written whole, a tile that stays
// partial is extended (TileStorage::ExtendTile); Corrupt when a stored tile
// does not have the width old_size implies.
Status AppendLeaves(TileStorage& storage, uint64_t old_size, std::span<const Hash> leaves);

// The hash of a perfect tree over `hashes` (a power of two of them, >= 1).
Hash PerfectRoot(std::span<const Hash> hashes);

// Subtree hashes of the tree of `size` leaves from its tiles.
class TileSource final : public SubtreeSource {
 public:
  TileSource(TileStorage& storage, uint64_t size) : storage_(storage), size_(size) {}
  Result<Hash> Subtree(int height, uint64_t index) override;
  int tiles_read() const { return tiles_read_; }

 private:
  // A tile read, with the nodes above its hashes inside the tile:
  // nodes[r][j] is the hash at height r over hashes [j << r, (j + 1) << r).
  struct Cached {
    int level;
    uint64_t index;
    std::vector<std::vector<Hash>> nodes;
  };
  Result<const Cached*> Tile(int level, uint64_t index);

  TileStorage& storage_;
  uint64_t size_;
  std::vector<Cached> cache_;
  int tiles_read_ = 0;
};

// The C2SP path of a tile: "tile/L/x001/x234/067" and, for a partial tile
// of width W < 256, ".p/W" appended.
std::string TilePath(int level, uint64_t index, uint64_t width);
// The width tile (level, index) has in a tree of `size` leaves (0 when it
// does not exist yet).
uint64_t TileWidthAt(int level, uint64_t index, uint64_t size);

}  // namespace evenhand::tlog
