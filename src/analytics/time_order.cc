#include "analytics/time_order.h"

#include <algorithm>
#include <utility>

namespace evenhand::analytics {

namespace {

// Whole seconds from receipt to action (or to as_of): HoursToAction times
// 3600, so ordering by it orders by HoursToAction.
uint64_t Seconds(const CaseRow& row, int64_t as_of) {
  const int64_t end = row.acted != 0 ? row.acted : as_of;
  return end > row.received ? static_cast<uint64_t>(end - row.received) : 0;
}

}  // namespace

std::vector<TimedCase> SortByTime(const Record& record) {
  // Copy out in storage order (reading `cases` front to back) with one
  // sort word per copy: its key in the high half, its place in the low.
  std::vector<TimedCase> timed;
  std::vector<uint64_t> words;
  timed.reserve(record.cases.size());
  words.reserve(record.cases.size());
  uint64_t max_key = 0;
  for (size_t i = 0; i < record.cases.size(); ++i) {
    const CaseRow& row = record.cases[i];
    if (row.outcome == Outcome::kRejected) continue;
    const uint64_t key = Seconds(row, record.as_of);
    max_key = std::max(max_key, key);
    words.push_back(key << 32 | timed.size());
    TimedCase& t = timed.emplace_back();
    t.hours = HoursToAction(row, record.as_of);
    t.row = static_cast<uint32_t>(i);
    t.source = row.source;
    t.event = !row.open();
    t.restricts = row.restricts();
    t.category = row.category;
    t.jurisdiction = row.jurisdiction;
    t.authority = row.authority;
    t.topic = row.topic;
    t.lang = row.lang;
    t.region = row.region;
  }
  if (max_key >> 32 != 0) {
    // Keys of 136 years or more (broken clocks): no room in a word.
    std::vector<uint32_t> place(timed.size());
    for (uint32_t i = 0; i < place.size(); ++i) place[i] = i;
    std::sort(place.begin(), place.end(), [&](uint32_t a, uint32_t b) { return timed[a].hours < timed[b].hours; });
    std::vector<TimedCase> sorted(timed.size());
    for (size_t i = 0; i < place.size(); ++i) sorted[i] = timed[place[i]];
    return sorted;
  }
  // Least significant digit first over the key half, 12 bits a pass (the
  // counts stay in the cache), only as many passes as the largest key
  // needs; each pass is stable, so the words end up sorted by key.
  constexpr int kBits = 12;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<uint64_t> tmp(words.size());
  std::vector<size_t> count(kBuckets);
  for (int shift = 32; shift < 64 && (max_key >> (shift - 32)) != 0; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t w : words) ++count[(w >> shift) & (kBuckets - 1)];
    size_t sum = 0;
    for (size_t& c : count) sum += std::exchange(c, sum);
    for (uint64_t w : words) tmp[count[(w >> shift) & (kBuckets - 1)]++] = w;
    words.swap(tmp);
  }
  std::vector<TimedCase> sorted(timed.size());
  for (size_t i = 0; i < words.size(); ++i) sorted[i] = timed[words[i] & 0xffffffffu];
  return sorted;
}

void IndexByTime(Record* record) {
  record->by_time = SortByTime(*record);
  record->by_time_cases = record->cases.size();
  record->by_time_as_of = record->as_of;
}

const std::vector<TimedCase>& TimeOrder(const Record& record, std::vector<TimedCase>* scratch) {
  if (record.by_time_cases == record.cases.size() && record.by_time_as_of == record.as_of)
    return record.by_time;
  *scratch = SortByTime(record);
  return *scratch;
}

}  // namespace evenhand::analytics
