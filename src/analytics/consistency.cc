#include "analytics/consistency.h"

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

void CompareTimes(const std::vector<const CaseRow*>& in, const std::vector<const CaseRow*>& out, int64_t as_of,
                  double level, Comparison* c) {
  std::vector<Observation> a, b;
  for (const CaseRow* r : in) a.push_back({HoursToAction(*r, as_of), !r->open()});
  for (const CaseRow* r : out) b.push_back({HoursToAction(*r, as_of), !r->open()});
  c->n_group = static_cast<int64_t>(a.size());
  c->n_other = static_cast<int64_t>(b.size());
  c->median_group = KmQuantile(EstimateKaplanMeier(a, level), 0.5);
  c->median_other = KmQuantile(EstimateKaplanMeier(b, level), 0.5);
  c->median_ratio = c->median_group.reached() && c->median_other.reached() && c->median_other.value > 0
                        ? c->median_group.value / c->median_other.value
                        : kNaN;
  c->log_rank = LogRankTest(a, b);
  c->p_value = c->log_rank.p_value;
}

void CompareRates(const std::vector<const CaseRow*>& in, const std::vector<const CaseRow*>& out, double level,
                  Comparison* c) {
  auto count = [](const std::vector<const CaseRow*>& rows, int64_t* x, int64_t* n) {
    for (const CaseRow* r : rows)
      if (!r->open()) {
        ++*n;
        *x += r->restricts();
      }
  };
  int64_t x1 = 0, n1 = 0, x2 = 0, n2 = 0;
  count(in, &x1, &n1);
  count(out, &x2, &n2);
  c->n_group = n1;
  c->n_other = n2;
  c->rate = CompareProportions(x1, n1, x2, n2, level);
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
  }
  return "?";
}

std::optional<Dimension> ParseDimension(std::string_view name) {
  for (Dimension d : {Dimension::kTopic, Dimension::kRegion, Dimension::kLanguage, Dimension::kAuthority})
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
    for (const auto& [group, rows] : stratum.groups) {
      if (static_cast<int64_t>(rows.size()) >= options.min_group) {
        tested.push_back(&group);
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
          const auto& a = stratum.groups.at(c.group);
          const auto& b = stratum.groups.at(c.other);
          if (test == Test::kTimeToAction) CompareTimes(a, b, record.as_of, options.level, &c);
          else CompareRates(a, b, options.level, &c);
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
