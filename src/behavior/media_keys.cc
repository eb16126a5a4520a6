#include "behavior/media_keys.h"

#include <bit>

#include "behavior/hash.h"
#include "behavior/items.h"

namespace evenhand::behavior {

namespace {
DecodeOptions Decode(const MediaKeyOptions& o) {
  DecodeOptions d;
  d.limits.max_file_bytes = o.max_file_bytes;
  return d;
}
}  // namespace

MediaKeys::MediaKeys(MediaKeyOptions options) : options_(std::move(options)), decoder_(Decode(options_)) {
  current_.index = std::make_unique<HashIndex>();
  previous_.index = std::make_unique<HashIndex>();
  cache_.resize(std::bit_ceil(std::max<uint32_t>(options_.cache_slots, 16)));
  matches_.reserve(64);
}

MediaKeys::~MediaKeys() = default;

uint64_t MediaKeys::Key(std::string_view path) {
  uint64_t ph = HashBytes(path, 0x70617468ULL) | 1;  // never 0: 0 marks an empty slot
  CacheSlot& slot = cache_[ph & (cache_.size() - 1)];
  if (slot.path_hash == ph) return slot.key;
  uint64_t key = KeyOfFile(path);
  slot = {ph, key};
  return key;
}

uint64_t MediaKeys::KeyOfFile(std::string_view path) {
  if (!path.empty() && path[0] != '/' && !options_.dir.empty()) {
    full_path_.assign(options_.dir);
    full_path_.push_back('/');
    full_path_.append(path);
  } else {
    full_path_.assign(path);
  }
  PdqResult r;
  if (!hasher_.HashFile(decoder_, full_path_, &r).ok()) {
    ++unreadable_;
    return MediaKey(path);
  }
  if (r.quality < options_.min_quality) {
    ++low_quality_;
    return MediaKey(path);
  }
  ++hashed_;
  // The closest earlier picture within the radius, in either generation.
  uint64_t key = 0;
  int best = options_.radius + 1;
  for (Generation* g : {&current_, &previous_}) {
    matches_.clear();
    g->index->Search(r.hash, options_.radius, &matches_);
    for (const HashMatch& m : matches_)
      if (m.distance < best) best = m.distance, key = g->keys[m.id];
  }
  if (best <= options_.radius) {
    ++matched_;
  } else {
    key = Mix64(r.hash.w[0] ^ Mix64(r.hash.w[1] ^ Mix64(r.hash.w[2] ^ Mix64(r.hash.w[3])))) ^ 0x5044510000000000ULL;
  }
  if (current_.keys.size() >= options_.capacity) {
    std::swap(previous_, current_);
    current_.index = std::make_unique<HashIndex>();
    current_.keys.clear();
  }
  current_.index->Add(r.hash);
  current_.keys.push_back(key);
  return key;
}

}  // namespace evenhand::behavior
