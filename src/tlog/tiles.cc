#include "tlog/tiles.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

namespace evenhand::tlog {

namespace {

Hash HashAt(std::string_view tile, uint64_t i) {
  Hash h;
  std::memcpy(h.data(), tile.data() + 32 * i, 32);
  return h;
}

std::string Where(int level, uint64_t index) {
  return "tile " + std::to_string(level) + "/" + std::to_string(index);
}

}  // namespace

Hash PerfectRoot(std::span<const Hash> hashes) {
  // At most one tile (256 hashes) at a time: a fixed buffer, no allocation.
  std::array<Hash, kTileWidth> buf;
  size_t n = hashes.size();
  if (n == 1) return hashes[0];
  for (size_t i = 0; i < n / 2; ++i) buf[i] = NodeHash(hashes[2 * i], hashes[2 * i + 1]);
  n /= 2;
  while (n > 1) {
    for (size_t i = 0; i < n / 2; ++i) buf[i] = NodeHash(buf[2 * i], buf[2 * i + 1]);
    n /= 2;
  }
  return buf[0];
}

namespace {

// The first `width` hashes of tile (level, index), checked.
Result<std::string> Prefix(TileStorage& storage, int level, uint64_t index, uint64_t width, uint64_t old_size) {
  Result<std::string> t = storage.ReadTile(level, index);
  if (!t.ok()) return t.status();
  if (t->size() < 32 * width)
    return Status::Corrupt(Where(level, index) + " holds " + std::to_string(t->size() / 32) + " hashes, a tree of " +
                           std::to_string(old_size) + " entries needs " + std::to_string(width));
  t->resize(32 * width);
  return t;
}

}  // namespace

Status TileStorage::ExtendTile(int level, uint64_t index, uint64_t width, std::string_view hashes) {
  Result<std::string> t = ReadTile(level, index);
  if (!t.ok()) return t.status();
  if (t->size() < 32 * width)
    return Status::Corrupt(Where(level, index) + " holds " + std::to_string(t->size() / 32) + " hashes, the tree needs " +
                           std::to_string(width));
  t->resize(32 * width);
  t->append(hashes);
  return WriteTile(level, index, *t);
}

Status AppendLeaves(TileStorage& storage, uint64_t old_size, std::span<const Hash> leaves) {
  std::vector<Hash> pending(leaves.begin(), leaves.end());
  std::vector<Hash> next;
  std::string chunk;
  for (int level = 0; !pending.empty(); ++level) {
    const uint64_t stored = old_size >> (kTileHeight * level);  // hashes already at this level
    uint64_t index = stored / kTileWidth;
    uint64_t width = stored % kTileWidth;
    next.clear();
    size_t pos = 0;
    while (pos < pending.size()) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(kTileWidth - width, pending.size() - pos));
      chunk.clear();
      for (size_t i = pos; i < pos + take; ++i) chunk.append(Bytes(pending[i]));
      if (width + take == kTileWidth) {  // the tile fills: written whole, its root goes up a level
        std::string tile;
        if (width > 0) {
          Result<std::string> prefix = Prefix(storage, level, index, width, old_size);
          if (!prefix.ok()) return prefix.status();
          tile = std::move(*prefix);
        }
        tile.append(chunk);
        if (Status s = storage.WriteTile(level, index, tile); !s.ok()) return s;
        std::array<Hash, kTileWidth> full;
        for (uint64_t i = 0; i < kTileWidth; ++i) full[i] = HashAt(tile, i);
        next.push_back(PerfectRoot(full));
        ++index;
        width = 0;
      } else if (width == 0) {  // a new partial tile
        if (Status s = storage.WriteTile(level, index, chunk); !s.ok()) return s;
      } else {
        if (Status s = storage.ExtendTile(level, index, width, chunk); !s.ok()) return s;
      }
      pos += take;
    }
    pending.swap(next);
  }
  return Status::Ok();
}

Result<const TileSource::Cached*> TileSource::Tile(int level, uint64_t index) {
  for (const Cached& c : cache_)
    if (c.level == level && c.index == index) return &c;
  Result<std::string> t = storage_.ReadTile(level, index);
  if (!t.ok()) return t.status();
  ++tiles_read_;
  const std::string& bytes = *t;
  // Only the hashes a tree of size_ has: a later, wider version of the tile
  // is read as the prefix it was at size_.
  const uint64_t width = TileWidthAt(level, index, size_);
  if (bytes.size() % 32 != 0 || bytes.size() < 32 * width)
    return Status::Corrupt(Where(level, index) + " holds " + std::to_string(bytes.size() / 32) +
                           " hashes; a tree of " + std::to_string(size_) + " entries needs " + std::to_string(width));
  Cached c{level, index, {}};
  c.nodes.emplace_back(width);
  for (uint64_t i = 0; i < width; ++i) c.nodes[0][i] = HashAt(bytes, i);
  while (c.nodes.back().size() > 1) {
    const std::vector<Hash>& below = c.nodes.back();
    std::vector<Hash> above(below.size() / 2);
    for (size_t j = 0; j < above.size(); ++j) above[j] = NodeHash(below[2 * j], below[2 * j + 1]);
    c.nodes.push_back(std::move(above));
  }
  cache_.push_back(std::move(c));
  return &cache_.back();
}

Result<Hash> TileSource::Subtree(int height, uint64_t index) {
  if (height < 0 || height >= 64 || (index + 1) > (size_ >> height))
    return Status::Invalid("subtree " + std::to_string(index) + " at height " + std::to_string(height) +
                           " is not complete in a tree of " + std::to_string(size_) + " entries");
  const int level = height / kTileHeight;
  const int rest = height % kTileHeight;
  const uint64_t first = index << rest;  // the subtree's first hash at tile level `level`
  Result<const Cached*> tile = Tile(level, first / kTileWidth);
  if (!tile.ok()) return tile.status();
  const uint64_t j = (first % kTileWidth) >> rest;
  const std::vector<std::vector<Hash>>& nodes = (*tile)->nodes;
  if (static_cast<size_t>(rest) >= nodes.size() || j >= nodes[rest].size())
    return Status::Internal("tile " + std::to_string(level) + "/" + std::to_string(first / kTileWidth) +
                            " lacks node " + std::to_string(j) + " at height " + std::to_string(rest));
  return nodes[rest][j];
}

std::string TilePath(int level, uint64_t index, uint64_t width) {
  std::string n;
  // Index in groups of three digits, all but the last prefixed with "x".
  std::vector<std::string> groups;
  do {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03u", static_cast<unsigned>(index % 1000));
    groups.push_back(buf);
    index /= 1000;
  } while (index > 0);
  for (size_t i = groups.size(); i-- > 0;) {
    if (i > 0) n += "x";
    n += groups[i];
    if (i > 0) n += "/";
  }
  std::string path = "tile/" + std::to_string(level) + "/" + n;
  if (width > 0 && width < kTileWidth) path += ".p/" + std::to_string(width);
  return path;
}

uint64_t TileWidthAt(int level, uint64_t index, uint64_t size) {
  const uint64_t at_level = size >> (kTileHeight * level);
  const uint64_t start = index * kTileWidth;
  if (at_level <= start) return 0;
  return at_level - start >= kTileWidth ? kTileWidth : at_level - start;
}

}  // namespace evenhand::tlog
