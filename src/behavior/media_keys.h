// MediaKeys: the co-action item key of a post's media attachment, by what
// the picture looks like rather than by its file name. Each readable image
// is PDQ-hashed (src/image/pdq.h) and looked up in the bank index
// (src/bank/mih_index.h, HashIndex) of the pictures seen so far: a picture
// within `radius` bits of an earlier one takes that one's key, so cropped,
// rescaled and re-encoded copies of one picture are one item; otherwise it
// starts a new key. Every hash is added (each copy can match later ones),
// so a chain of small edits stays one item.
//
// A file that cannot be read or decoded, or whose PDQ quality is under
// min_quality (flat pictures hash unstably), is keyed by its path as
// before (items.h MediaKey) and counted in unreadable() / low_quality().
//
// Paths resolve against `dir` unless absolute (as `evenhand scan` does
// with the input file's folder). Files larger than max_file_bytes are not
// read. A path seen again is answered from a direct-mapped cache of
// cache_slots paths, without reading the file again.
//
// Memory is bounded by `capacity`, not by the stream: hashes go into a
// current index; when it holds `capacity` the previous one is dropped and
// the current becomes the previous (both are searched), so at most
// 2 x capacity hashes are held (HashIndex: ~300 bytes each, plus 8 for the
// key), about 40 MB at the default 2^16. A copy posted after 2 x capacity
// other pictures may start a new key (items expire after the largest time
// scale anyway).
//
// Not thread safe: one per detector. Allocates per new picture only inside
// the index (amortised) and the decoder's reused buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bank/mih_index.h"
#include "image/decoder.h"
#include "image/pdq.h"

namespace evenhand::behavior {

struct MediaKeyOptions {
  std::string dir;        // relative paths resolve here ("" = as given)
  int radius = 31;        // PDQ bits: HMA's match threshold for near-duplicate photos
  int min_quality = 50;   // as scan's known-media matching
  uint32_t capacity = 1u << 16;
  uint32_t cache_slots = 1u << 14;
  uint64_t max_file_bytes = 64ull << 20;
};

class MediaKeys {
 public:
  explicit MediaKeys(MediaKeyOptions options);
  ~MediaKeys();
  uint64_t Key(std::string_view path);

  uint64_t hashed() const { return hashed_; }        // pictures PDQ-hashed
  uint64_t matched() const { return matched_; }      // ... that took an earlier picture's key
  uint64_t unreadable() const { return unreadable_; }  // keyed by path: not read or not decoded
  uint64_t low_quality() const { return low_quality_; }  // keyed by path: quality under min_quality

 private:
  struct Generation {
    std::unique_ptr<HashIndex> index;
    std::vector<uint64_t> keys;  // by entry id
  };
  struct CacheSlot {
    uint64_t path_hash = 0, key = 0;
  };
  uint64_t KeyOfFile(std::string_view path);

  MediaKeyOptions options_;
  ImageDecoder decoder_;
  PdqHasher hasher_;
  Generation current_, previous_;
  std::vector<CacheSlot> cache_;
  std::vector<HashMatch> matches_;
  std::string full_path_;
  uint64_t hashed_ = 0, matched_ = 0, unreadable_ = 0, low_quality_ = 0;
};

}  // namespace evenhand::behavior
