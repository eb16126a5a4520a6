#include "behavior/reorder.h"

#include <utility>

namespace evenhand::behavior {

Resequencer::Push Resequencer::Add(Post* post) {
  if (newest_ != INT64_MIN && post->ts < newest_ - bound_) return Push::kLate;
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  std::swap(pool_[slot], *post);  // the caller's post gets the pooled buffers back
  const Post& p = pool_[slot];
  heap_.push({p.ts, p.line, slot});
  max_held_ = std::max(max_held_, heap_.size());
  if (p.ts > newest_ || newest_ == INT64_MIN) newest_ = p.ts, newest_line_ = p.line;
  EmitUntil(newest_ - bound_);
  return Push::kHeld;
}

void Resequencer::EmitUntil(int64_t ts_limit) {
  while (!heap_.empty() && heap_.top().ts <= ts_limit) {
    Key k = heap_.top();
    heap_.pop();
    emit_(pool_[k.slot]);
    free_.push_back(k.slot);
  }
}

void Resequencer::Flush() { EmitUntil(INT64_MAX); }

}  // namespace evenhand::behavior
