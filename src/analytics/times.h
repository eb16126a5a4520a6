// Time to action broken down by a dimension: for each source (own
// initiative, notice, order) and each value of the dimension (category,
// jurisdiction, authority, topic, language or region), the Kaplan-Meier
// median and p90 in hours with their confidence intervals, and how many
// cases are still open (right-censored at the record's reference time).
// Rejected cases are left out. Pure function of a Record; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/consistency.h"
#include "analytics/record.h"
#include "analytics/survival.h"

namespace evenhand::analytics {

struct TimeRow {
  std::string source, value;  // value "" when the case has none on the dimension
  int64_t cases = 0, open = 0;
  QuantileEstimate median, p90;  // hours
};

// Ordered by source, then value.
std::vector<TimeRow> TimeToActionBy(const Record& record, Dimension by, double level = 0.95);
nlohmann::ordered_json TimeRowsToJson(const std::vector<TimeRow>& rows, Dimension by);

}  // namespace evenhand::analytics
