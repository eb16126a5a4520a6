// A seeded generator of synthetic records for testing the audit and the
// deadline report: own-initiative decisions, notices and orders spread
// evenly over topics, regions and languages, with disparities and late
// orders planted where the spec says. The same spec and seed give the same
// record on every machine (std::mt19937_64 and hand-rolled draws; no
// std:: distributions, whose output the standard leaves open).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics/consistency.h"
#include "analytics/record.h"

namespace evenhand::analytics {

// A group treated differently on purpose.
struct PlantedDisparity {
  Dimension by = Dimension::kTopic;
  std::string group;
  double time_factor = 1.0;  // multiplies its times to action
  double rate_delta = 0.0;   // added to its action rate (share, 0-1)
};

struct SyntheticSpec {
  uint64_t seed = 1;
  int64_t cases = 20000;  // own-initiative decisions, notices and orders together
  std::vector<std::string> topics = {"elections", "health", "sport", "religion", "finance", "music"};
  std::vector<std::string> regions = {"PK", "BR", "IN", "DE", "TR"};
  std::vector<std::string> langs = {"en", "ur", "pt", "hi", "de", "tr"};
  std::vector<std::string> categories = {"scams_and_fraud", "illegal_or_harmful_speech"};
  double median_hours = 6.0;  // time to action, exponential, before any factor
  double action_rate = 0.7;   // share of decided cases that are restricted
  std::vector<PlantedDisparity> planted;
  // Orders under regime "synthetic-regime" (deadline 24 h): this many are
  // acted on late (by 2-50 h) and this many are open past their deadline;
  // every other order is acted on in time.
  int64_t orders = 200;
  int64_t late_orders = 0;
  int64_t overdue_orders = 0;
  int64_t as_of = 1795000000;  // the reference time; cases arrive in the 30 days before
};

// The record comes indexed by time (IndexByTime).
Record GenerateRecord(const SyntheticSpec& spec);

}  // namespace evenhand::analytics
