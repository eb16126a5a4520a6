// The even-handedness audit: are cases treated the same whatever their
// topic, region, language or issuing authority?
//
// Within each stratum (source x category, so that like is compared with
// like), every pair of groups with enough cases each is compared on two
// things (pairs, not each group against the rest: a group treated
// differently would make every other group look different from a "rest"
// that contains it):
//   - time to action: the log-rank test, and the ratio of the Kaplan-Meier
//     medians (group / other; open cases right-censored);
//   - action rate among decided cases (content restricted vs not): the
//     difference of proportions with its Newcombe confidence interval.
// All p-values of one audit are corrected together for multiple
// comparisons (Holm by default; Benjamini-Hochberg on request). A
// disparity is flagged only when it is both significant (adjusted p <
// alpha) and material (median ratio >= min_ratio or <= 1/min_ratio; rate
// difference of at least min_rate_diff), in either direction. Every
// comparison keeps its evidence, flagged or not.
//
// Pure function of a Record; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/record.h"
#include "analytics/stats.h"
#include "analytics/survival.h"

namespace evenhand::analytics {

// (Dimension is in record.h.)
// "topic", "region", "language", "authority", "category", "jurisdiction"
std::string_view DimensionName(Dimension d);
std::optional<Dimension> ParseDimension(std::string_view name);
// The row's value on `d` (kNoSym when unknown; record.Name() gives the text).
inline Sym DimensionValue(const CaseRow& row, Dimension d) {
  switch (d) {
    case Dimension::kTopic: return row.topic;
    case Dimension::kRegion: return row.region;
    case Dimension::kLanguage: return row.lang;
    case Dimension::kAuthority: return row.authority;
    case Dimension::kCategory: return row.category;
    case Dimension::kJurisdiction: return row.jurisdiction;
  }
  return row.topic;
}

struct AuditOptions {
  Dimension by = Dimension::kTopic;
  double alpha = 0.05;
  Correction correction = Correction::kHolm;
  double min_ratio = 1.25;      // materiality of a median ratio
  double min_rate_diff = 0.05;  // materiality of an action-rate difference (share, 0-1)
  int64_t min_group = 20;       // groups smaller than this are not tested
  double level = 0.95;          // confidence level of the intervals
};

enum class Test { kTimeToAction, kActionRate };
std::string_view TestName(Test t);  // "time_to_action", "action_rate"

struct Comparison {
  Test test = Test::kTimeToAction;
  std::string source, category;  // the stratum
  std::string group, other;      // the pair compared
  int64_t n_group = 0, n_other = 0;
  // time to action (hours)
  QuantileEstimate median_group, median_other;
  double median_ratio = 0;  // NaN when either median is not reached
  LogRankResult log_rank;
  // action rate
  ProportionDiff rate;
  // verdict
  double p_value = 1, p_adjusted = 1;
  bool significant = false, material = false, flagged = false;
  std::string evidence;  // one sentence a person can check
};

struct AuditReport {
  AuditOptions options;
  int64_t cases = 0;          // cases audited
  int64_t without_value = 0;  // cases with no value on the dimension (not audited)
  std::vector<Comparison> comparisons;  // ordered by stratum, test, group, other
  std::vector<std::string> skipped;     // groups too small to test, with why
  int64_t flagged = 0;
};

AuditReport AuditConsistency(const Record& record, const AuditOptions& options);
nlohmann::ordered_json AuditToJson(const AuditReport& report);

}  // namespace evenhand::analytics
