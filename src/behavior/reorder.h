// Resequencer: puts a stream of posts that is out of time order by at most
// `bound` seconds back into time order (ties by input line).
//
//   Push(post)  takes the post (swapping buffers with a pooled one, so no
//               allocation per post once warm) and hands every post that
//               can no longer be overtaken -- ts <= newest seen - bound --
//               to `emit` in time order. A post older than newest - bound
//               arrives too late to be re-sequenced: Push returns it as
//               kLate and leaves it with the caller (who stops, skips it or
//               feeds it anyway, see --on-disorder).
//   Flush()     emits everything held, in order.
//
// Timestamps are instants (the reader converts UTC offsets), so a stream
// sorted by local clock time with mixed offsets is out of order and handled
// here like any other disorder. Memory: the posts of one `bound` of stream
// time. Not thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "model/item.h"

namespace evenhand::behavior {

class Resequencer {
 public:
  enum class Push { kHeld, kLate };
  Resequencer(int64_t bound, std::function<void(const Post&)> emit) : bound_(bound), emit_(std::move(emit)) {}
  Push Add(Post* post);
  void Flush();
  int64_t newest() const { return newest_; }
  int64_t newest_line() const { return newest_line_; }
  size_t held() const { return heap_.size(); }
  size_t max_held() const { return max_held_; }

 private:
  struct Key {
    int64_t ts;
    int64_t line;
    uint32_t slot;
    bool operator>(const Key& o) const { return ts != o.ts ? ts > o.ts : line > o.line; }
  };
  void EmitUntil(int64_t ts_limit);

  int64_t bound_;
  std::function<void(const Post&)> emit_;
  std::vector<Post> pool_;
  std::vector<uint32_t> free_;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap_;
  int64_t newest_ = INT64_MIN, newest_line_ = 0;
  size_t max_held_ = 0;
};

}  // namespace evenhand::behavior
