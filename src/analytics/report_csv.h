// The transparency report as CSV files, one table a file, RFC 4180 quoting,
// a header row first: orders.csv, order_reasons.csv, notices.csv,
// data_requests.csv, own_initiative.csv, appeals.csv, complaints.csv,
// time_to_action.csv,
// dsa_orders_received.csv. Empty cells for values not reached (NaN).
// Pure function; thread safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analytics/transparency.h"

namespace evenhand::analytics {

// (file name, contents), in the order above.
std::vector<std::pair<std::string, std::string>> TransparencyCsvFiles(const TransparencyReport& report);
// One CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& text);

}  // namespace evenhand::analytics
