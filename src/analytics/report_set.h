// Every compliance report of one record at once (`evenhand report all`):
// the transparency report (HTML, JSON and one CSV per table), deadline
// compliance, penalty exposure under each regime, time to action by each
// dimension and the even-handedness audit by topic, region, language and
// authority, each as the file a regulator's package holds.
//
// The reports are independent pure functions of the record, so they run
// on up to `threads` threads at once; the files are the same, byte for
// byte, whatever the number of threads, and each equals what the single
// report's command writes for the same record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/consistency.h"
#include "analytics/penalties.h"
#include "analytics/record.h"
#include "regimes/regime.h"

namespace evenhand::analytics {

struct ReportSetOptions {
  int64_t from = 0, to = 0;              // the transparency report's period (0 = open end)
  std::string title = "Transparency report";
  int64_t due_within = 6 * 3600;         // seconds: "due soon" in the deadline report
  std::optional<Turnover> turnover;      // for percentage-of-turnover penalty lines
  AuditOptions audit;                    // thresholds of the audit (`by` is set per file)
  int threads = 1;                       // >= 1
};

struct ReportFile {
  std::string name;      // relative path: "transparency.html", "csv/orders.csv", "times-topic.json", ...
  std::string contents;
};

// In a fixed order: transparency, sla, penalties by regime id, times by
// dimension, audits by dimension.
std::vector<ReportFile> BuildReportSet(const Record& record, const std::vector<Regime>& regimes,
                                       const ReportSetOptions& options);

}  // namespace evenhand::analytics
