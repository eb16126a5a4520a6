#include "analytics/consistency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>

namespace evenhand::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Stratum {
  std::map<std::string, std::vector<const CaseRow*>> groups;
};

std::string Fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

std::string Hours(const QuantileEstimate& q) {
  return q.reached() ? Fmt("%.1f h", q.value) : std::string("not reached");
}

// What a group contributes to every comparison it is in, computed once.
struct GroupData {
  std::vector<Observation> sorted;  // by time, ascending
  QuantileEstimate median;
  int64_t decided = 0, restricted = 0;
};

GroupData Prepare(const std::vector<const CaseRow*>& rows, int64_t as_of, double level) {
  GroupData g;
  g.sorted.reserve(rows.size());
  for (const CaseRow* r : rows) {
    g.sorted.push_back({HoursToAction(*r, as_of), !r->open()});
    if (!r->open()) {
      ++g.decided;
      g.restricted += r->restricts();
    }
  }
  std::sort(g.sorted.begin(), g.sorted.end(),
            [](const Observation& x, const Observation& y) { return x.time < y.time; });
  g.median = KmQuantile(EstimateKaplanMeier(g.sorted, level), 0.5);
  return g;
}

void CompareTimes(const GroupData& a, const GroupData& b, Comparison* c) {
  c->n_group = static_cast<int64_t>(a.sorted.size());
  c->n_other = static_cast<int64_t>(b.sorted.size());
  c->median_group = a.median;
  c->median_other = b.median;
  c->median_ratio = a.median.reached() && b.median.reached() && b.median.value > 0 ? a.median.value / b.median.value
                                                                                    : kNaN;
  c->log_rank = LogRankTestSorted(a.sorted, b.sorted);
  c->p_value = c->log_rank.p_value;
}

void CompareRates(const GroupData& a, const GroupData& b, double level, Comparison* c) {
  c->n_group = a.decided;
  c->n_other = b.decided;
  c->rate = CompareProportions(a.restricted, a.decided, b.restricted, b.decided, level);
  c->p_value = std::isnan(c->rate.p_value) ? 1.0 : c->rate.p_value;
}

void Judge(const AuditOptions& o, Comparison* c) {
  c->significant = c->p_adjusted < o.alpha;
  if (c->test == Test::kTimeToAction) {
    c->material = !std::isnan(c->median_ratio) &&
                  (c->median_ratio >= o.min_ratio || c->median_ratio <= 1.0 / o.min_ratio);
    c->evidence = "median " + Hours(c->median_group) + " vs " + Hours(c->median_other) + " for " + c->other +
                  (std::isnan(c->median_ratio) ? std::string() : Fmt(" (ratio %.2f)", c->median_ratio)) +
                  Fmt("; log-rank chi2 %.2f, p %.3g, adjusted %.3g", c->log_rank.chi_square, c->p_value,
                      c->p_adjusted) +
                  Fmt("; %.0f of %.0f acted on", c->log_rank.observed_a, static_cast<double>(c->n_group));
  } else {
    c->material = std::fabs(c->rate.diff) >= o.min_rate_diff;
    c->evidence = Fmt("action rate %.1f%% vs %.1f%%: difference %+.1f points", 100 * c->rate.p1, 100 * c->rate.p2,
                      100 * c->rate.diff) +
                  Fmt(" (%.0f%% CI %+.1f to %+.1f)", 100 * o.level, 100 * c->rate.low, 100 * c->rate.high) +
                  Fmt("; p %.3g, adjusted %.3g", c->p_value, c->p_adjusted);
  }
  c->flagged = c->significant && c->material;
}

}  // namespace

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kTopic: return "topic";
    case Dimension::kRegion: return "region";
    case Dimension::kLanguage: return "language";
    case Dimension::kAuthority: return "authority";
    case Dimension::kCategory: return "category";
    case Dimension::kJurisdiction: return "jurisdiction";
  }
  return "?";
}

std::optional<Dimension> ParseDimension(std::string_view name) {
  for (Dimension d : {Dimension::kTopic, Dimension::kRegion, Dimension::kLanguage, Dimension::kAuthority,
                      Dimension::kCategory, Dimension::kJurisdiction})
    if (DimensionName(d) == name) return d;
  if (name == "lang") return Dimension::kLanguage;
  return std::nullopt;
}

const std::string& DimensionValue(const CaseRow& row, Dimension d) {
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

std::string_view TestName(Test t) { return t == Test::kTimeToAction ? "time_to_action" : "action_rate"; }

AuditReport AuditConsistency(const Record& record, const AuditOptions& options) {
  AuditReport report;
  report.options = options;
  std::map<std::pair<std::string, std::string>, Stratum> strata;
  for (const CaseRow& row : record.cases) {
    if (row.outcome == Outcome::kRejected) continue;
    const std::string& value = DimensionValue(row, options.by);
    if (value.empty()) {
      ++report.without_value;
      continue;
    }
    ++report.cases;
    strata[{std::string(SourceName(row.source)), row.category}].groups[value].push_back(&row);
  }
  for (const auto& [key, stratum] : strata) {
    std::vector<const std::string*> tested;
    std::vector<GroupData> data;
    for (const auto& [group, rows] : stratum.groups) {
      if (static_cast<int64_t>(rows.size()) >= options.min_group) {
        tested.push_back(&group);
        data.push_back(Prepare(rows, record.as_of, options.level));
        continue;
      }
      report.skipped.push_back(key.first + "/" + key.second + ": " + group + ": " + std::to_string(rows.size()) +
                               " case(s), fewer than " + std::to_string(options.min_group));
    }
    for (Test test : {Test::kTimeToAction, Test::kActionRate})
      for (size_t i = 0; i < tested.size(); ++i)
        for (size_t j = i + 1; j < tested.size(); ++j) {
          Comparison c;
          c.test = test;
          std::tie(c.source, c.category) = key;
          c.group = *tested[i];
          c.other = *tested[j];
          if (test == Test::kTimeToAction) CompareTimes(data[i], data[j], &c);
          else CompareRates(data[i], data[j], options.level, &c);
          if (test == Test::kActionRate && (c.n_group < options.min_group || c.n_other < options.min_group))
            continue;  // too few decided cases to compare rates
          report.comparisons.push_back(std::move(c));
        }
  }
  std::vector<double> p;
  for (const Comparison& c : report.comparisons) p.push_back(c.p_value);
  const std::vector<double> adjusted = AdjustPValues(p, options.correction);
  for (size_t i = 0; i < report.comparisons.size(); ++i) {
    report.comparisons[i].p_adjusted = adjusted[i];
    Judge(options, &report.comparisons[i]);
    report.flagged += report.comparisons[i].flagged;
  }
  return report;
}

namespace {

nlohmann::ordered_json Num(double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

nlohmann::ordered_json QuantileJson(const QuantileEstimate& q) {
  return {{"hours", Num(q.value)}, {"low", Num(q.low)}, {"high", Num(q.high)}};
}

}  // namespace

nlohmann::ordered_json AuditToJson(const AuditReport& r) {
  nlohmann::ordered_json j;
  const AuditOptions& o = r.options;
  j["by"] = std::string(DimensionName(o.by));
  j["alpha"] = o.alpha;
  j["correction"] = o.correction == Correction::kHolm ? "holm"
                    : o.correction == Correction::kBenjaminiHochberg ? "benjamini-hochberg"
                                                                     : "none";
  j["min_ratio"] = o.min_ratio;
  j["min_rate_diff"] = o.min_rate_diff;
  j["min_group"] = o.min_group;
  j["cases"] = r.cases;
  j["without_value"] = r.without_value;
  j["flagged"] = r.flagged;
  j["comparisons"] = nlohmann::ordered_json::array();
  for (const Comparison& c : r.comparisons) {
    nlohmann::ordered_json x;
    x["test"] = std::string(TestName(c.test));
    x["source"] = c.source;
    x["category"] = c.category;
    x["group"] = c.group;
    x["n_group"] = c.n_group;
    x["other"] = c.other;
    x["n_other"] = c.n_other;
    if (c.test == Test::kTimeToAction) {
      x["median_group"] = QuantileJson(c.median_group);
      x["median_other"] = QuantileJson(c.median_other);
      x["median_ratio"] = Num(c.median_ratio);
      x["log_rank_chi2"] = Num(c.log_rank.chi_square);
      x["observed"] = c.log_rank.observed_a;
      x["expected"] = c.log_rank.expected_a;
    } else {
      x["rate_group"] = Num(c.rate.p1);
      x["rate_other"] = Num(c.rate.p2);
      x["difference"] = Num(c.rate.diff);
      x["ci_low"] = Num(c.rate.low);
      x["ci_high"] = Num(c.rate.high);
    }
    x["p"] = Num(c.p_value);
    x["p_adjusted"] = Num(c.p_adjusted);
    x["significant"] = c.significant;
    x["material"] = c.material;
    x["flagged"] = c.flagged;
    x["evidence"] = c.evidence;
    j["comparisons"].push_back(std::move(x));
  }
  j["skipped"] = r.skipped;
  return j;
}

}  // namespace evenhand::analytics
