// Deadline compliance: for every regime and category whose law starts a
// clock (orders and notices with a deadline), how many cases were acted on
// in time, how many late and by how much, how many are open and already
// overdue, and how many are open and due within the next N hours.
//
// Pure function of a Record; thread safe. Rejected cases are left out (no
// clock runs on them); cases without a deadline are counted apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/record.h"

namespace evenhand::analytics {

// Late-by buckets, in hours: (0,1], (1,6], (6,24], (24,168], > 168.
inline constexpr int kLateBuckets = 5;
const char* LateBucketName(int bucket);  // "<=1h", "1-6h", "6-24h", "1-7d", ">7d"
int LateBucket(double hours_late);

struct SlaRow {
  std::string source;    // "order" | "notice"
  std::string regime;    // "" when no regime covers it
  std::string category;
  int64_t cases = 0;        // not rejected
  int64_t no_deadline = 0;  // the law sets no hour figure
  int64_t on_time = 0;      // acted on by the deadline
  int64_t late = 0;         // acted on after it
  double late_median_hours = 0, late_max_hours = 0;
  int64_t late_by_bucket[kLateBuckets] = {};
  int64_t open_overdue = 0;  // open, deadline passed
  double overdue_max_hours = 0;
  int64_t open_due_soon = 0;  // open, due within the window
  int64_t open_later = 0;     // open, due after the window
  int64_t reversed = 0;       // acted on (and counted on time or late above), then reversed on appeal:
                              // the action no longer applies (cases/standing.h)
  std::vector<std::string> late_ids, overdue_ids;  // the first few, for follow-up
  std::vector<std::string> reversed_ids;           // the first few reversed ones
  double on_time_rate() const {
    const int64_t closed = on_time + late + open_overdue;
    return closed == 0 ? 1.0 : static_cast<double>(on_time) / closed;
  }
};

struct SlaReport {
  int64_t as_of = 0;
  int64_t due_within = 0;  // seconds
  std::vector<SlaRow> rows;  // ordered by source, regime, category
  SlaRow total;
};

// `due_within`: the window for "due soon", in seconds.
SlaReport ComputeSla(const Record& record, int64_t due_within);
nlohmann::ordered_json SlaToJson(const SlaReport& report);

}  // namespace evenhand::analytics
