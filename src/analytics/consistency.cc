#include "analytics/consistency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>

#include "analytics/time_order.h"

namespace evenhand::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
  Sym value = kNoSym;
  std::vector<TimeTally> tallies;  // by time, ascending (filled in time order)
  QuantileEstimate median;
  int64_t size = 0, decided = 0, restricted = 0;
};

// One source x category stratum and its groups.
struct StratumData {
  Source source = Source::kOwnInitiative;
  Sym category = kNoSym;
  std::vector<int32_t> group_of;  // by value Sym: index in `groups`, -1 = none yet
  std::vector<GroupData> groups;
};

void CompareTimes(const GroupData& a, const GroupData& b, Comparison* c) {
  c->n_group = a.size;
  c->n_other = b.size;
  c->median_group = a.median;
  c->median_other = b.median;
  c->median_ratio = a.median.reached() && b.median.reached() && b.median.value > 0 ? a.median.value / b.median.value
                                                                                    : kNaN;
  c->log_rank = LogRankTestTallies(a.tallies, b.tallies);
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

std::string_view TestName(Test t) { return t == Test::kTimeToAction ? "time_to_action" : "action_rate"; }

AuditReport AuditConsistency(const Record& record, const AuditOptions& options) {
  AuditReport report;
  report.options = options;
  // One walk in time order finds the groups and tallies their
  // observations, which so come out sorted.
  const size_t symbols = record.symbols.size();
  std::vector<int32_t> stratum_of(3 * symbols, -1);  // by source x category Sym
  std::vector<StratumData> strata;
  TimeColumns scratch;
  const TimeColumns& order = TimeOrder(record, &scratch);  // no rejected case
  auto group = [&](Source source, Sym category, Sym value) -> GroupData& {
    int32_t& si = stratum_of[static_cast<size_t>(source) * symbols + category];
    if (si < 0) {
      si = static_cast<int32_t>(strata.size());
      StratumData& fresh = strata.emplace_back();
      fresh.source = source;
      fresh.category = category;
      fresh.group_of.assign(symbols, -1);
    }
    StratumData& stratum = strata[si];
    int32_t& gi = stratum.group_of[value];
    if (gi < 0) {
      gi = static_cast<int32_t>(stratum.groups.size());
      stratum.groups.emplace_back().value = value;
    }
    return stratum.groups[gi];
  };
  const std::vector<Sym>& values = order.Column(options.by);
  for (size_t i = 0; i < order.size(); ++i) {
    const Sym value = values[i];
    if (value == kNoSym) {
      ++report.without_value;
      continue;
    }
    ++report.cases;
    GroupData& g = group(order.source(i), order.category[i], value);
    ++g.size;
    const bool event = order.event(i);
    g.decided += event;
    g.restricted += event && order.restricts(i);
    AddToTallies(&g.tallies, order.hours[i], event);
  }
  // Strata by source name then category, groups by name.
  std::sort(strata.begin(), strata.end(), [&](const StratumData& a, const StratumData& b) {
    const std::string_view sa = SourceName(a.source), sb = SourceName(b.source);
    return sa != sb ? sa < sb : record.Name(a.category) < record.Name(b.category);
  });
  for (StratumData& stratum : strata) {
    std::sort(stratum.groups.begin(), stratum.groups.end(),
              [&](const GroupData& a, const GroupData& b) { return record.Name(a.value) < record.Name(b.value); });
    const std::string source(SourceName(stratum.source));
    const std::string& category = record.Name(stratum.category);
    std::vector<GroupData*> tested;
    for (GroupData& g : stratum.groups) {
      if (g.size >= options.min_group) {
        g.median = KaplanMeierMedianP90(g.tallies, options.level).median;
        tested.push_back(&g);
        continue;
      }
      report.skipped.push_back(source + "/" + category + ": " + record.Name(g.value) + ": " +
                               std::to_string(g.size) + " case(s), fewer than " +
                               std::to_string(options.min_group));
    }
    for (Test test : {Test::kTimeToAction, Test::kActionRate})
      for (size_t i = 0; i < tested.size(); ++i)
        for (size_t j = i + 1; j < tested.size(); ++j) {
          Comparison c;
          c.test = test;
          c.source = source;
          c.category = category;
          c.group = record.Name(tested[i]->value);
          c.other = record.Name(tested[j]->value);
          if (test == Test::kTimeToAction) CompareTimes(*tested[i], *tested[j], &c);
          else CompareRates(*tested[i], *tested[j], options.level, &c);
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
