#include "analytics/time_order.h"

#include <algorithm>
#include <cstdint>
#include <utility>


namespace evenhand::analytics {

namespace {

// Whole seconds from receipt to action (or to as_of): HoursToAction times
// 3600, so ordering by it orders by HoursToAction.
uint64_t Seconds(const CaseRow& row, int64_t as_of) {
  const int64_t end = row.acted != 0 ? row.acted : as_of;
  return end > row.received ? static_cast<uint64_t>(end - row.received) : 0;
}

// Appends a case to the columns.
void Append(const CaseRow& row, int64_t as_of, TimeColumns* t) {
  t->hours.push_back(HoursToAction(row, as_of));
  t->flags.push_back(static_cast<uint8_t>(static_cast<uint8_t>(row.source) | (row.open() ? 0 : TimeColumns::kEvent) |
                                          (row.restricts() ? TimeColumns::kRestricts : 0)));
  t->category.push_back(row.category);
  t->jurisdiction.push_back(row.jurisdiction);
  t->authority.push_back(row.authority);
  t->topic.push_back(row.topic);
  t->lang.push_back(row.lang);
  t->region.push_back(row.region);
}

void Reserve(size_t n, TimeColumns* t) {
  t->hours.reserve(n);
  t->flags.reserve(n);
  for (std::vector<Sym>* c : {&t->category, &t->jurisdiction, &t->authority, &t->topic, &t->lang, &t->region})
    c->reserve(n);
}

}  // namespace

TimeColumns SortByTime(const Record& record) {
  // One sort word per case: its key in the high half, its index in the
  // low; the words are sorted, then the cases copied out in their order.
  const std::vector<CaseRow>& cases = record.cases;
  std::vector<uint64_t> words;
  words.reserve(cases.size());
  uint64_t max_key = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].outcome == Outcome::kRejected) continue;
    const uint64_t key = Seconds(cases[i], record.as_of);
    max_key = std::max(max_key, key);
    words.push_back(key << 32 | i);
  }
  TimeColumns sorted;
  Reserve(words.size(), &sorted);
  if (max_key >> 32 != 0) {
    // Keys of 136 years or more (broken clocks): no room in a word.
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    keyed.reserve(words.size());
    for (uint64_t w : words) {
      const uint32_t i = static_cast<uint32_t>(w & 0xffffffffu);
      keyed.emplace_back(Seconds(cases[i], record.as_of), i);
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, i] : keyed) Append(cases[i], record.as_of, &sorted);
    return sorted;
  }
  // Least significant digit first over the key half, 12 bits a pass (the
  // counts stay in the cache), only as many passes as the largest key
  // needs; each pass is stable, so the words end up sorted by key.
  constexpr int kBits = 12;
  constexpr size_t kBuckets = size_t{1} << kBits;
  std::vector<uint64_t> tmp;
  tmp.reserve(words.size());
  tmp.resize(words.size());
  std::vector<size_t> count(kBuckets);
  for (int shift = 32; shift < 64 && (max_key >> (shift - 32)) != 0; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t w : words) ++count[(w >> shift) & (kBuckets - 1)];
    size_t sum = 0;
    for (size_t& c : count) sum += std::exchange(c, sum);
    for (uint64_t w : words) tmp[count[(w >> shift) & (kBuckets - 1)]++] = w;
    words.swap(tmp);
  }
  // The copy reads the cases in key order, i.e. scattered: fetch a few
  // ahead so that the misses overlap.
  constexpr size_t kAhead = 32;
  for (size_t k = 0; k < words.size(); ++k) {
    if (k + kAhead < words.size()) {
      const CaseRow* ahead = &cases[words[k + kAhead] & 0xffffffffu];
      __builtin_prefetch(ahead);
      __builtin_prefetch(reinterpret_cast<const char*>(ahead) + sizeof(CaseRow) - 1);
    }
    const uint32_t i = static_cast<uint32_t>(words[k] & 0xffffffffu);
    Append(cases[i], record.as_of, &sorted);
  }
  return sorted;
}

void IndexByTime(Record* record) {
  record->by_time = SortByTime(*record);
  record->by_time_cases = record->cases.size();
  record->by_time_as_of = record->as_of;
}

const TimeColumns& TimeOrder(const Record& record, TimeColumns* scratch) {
  if (record.by_time_cases == record.cases.size() && record.by_time_as_of == record.as_of)
    return record.by_time;
  *scratch = SortByTime(record);
  return *scratch;
}

}  // namespace evenhand::analytics
