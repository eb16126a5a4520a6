#include "analytics/times.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "analytics/time_order.h"

namespace evenhand::analytics {

std::vector<TimeRow> TimeToActionBy(const Record& record, Dimension by, double level) {
  // One walk of the time order tallies each group's observations, which
  // so come out sorted for its Kaplan-Meier estimate.
  struct Group {
    Source source = Source::kOwnInitiative;
    Sym value = kNoSym;
    int64_t cases = 0, open = 0;
    std::vector<TimeTally> tallies;
  };
  const size_t symbols = record.symbols.size();
  std::vector<int32_t> group_of(3 * symbols, -1);  // by source x value Sym
  std::vector<Group> groups;
  TimeColumns scratch;
  const TimeColumns& order = TimeOrder(record, &scratch);  // no rejected case
  const std::vector<Sym>& values = order.Column(by);
  for (size_t i = 0; i < order.size(); ++i) {
    const Source source = order.source(i);
    int32_t& gi = group_of[static_cast<size_t>(source) * symbols + values[i]];
    if (gi < 0) {
      gi = static_cast<int32_t>(groups.size());
      groups.push_back(Group{source, values[i], 0, 0, {}});
    }
    Group& g = groups[gi];
    const bool event = order.event(i);
    ++g.cases;
    g.open += !event;
    AddToTallies(&g.tallies, order.hours[i], event);
  }
  // Rows by source name, then value.
  std::vector<size_t> rank(groups.size());
  for (size_t i = 0; i < rank.size(); ++i) rank[i] = i;
  std::sort(rank.begin(), rank.end(), [&](size_t a, size_t b) {
    const std::string_view sa = SourceName(groups[a].source), sb = SourceName(groups[b].source);
    return sa != sb ? sa < sb : record.Name(groups[a].value) < record.Name(groups[b].value);
  });
  std::vector<TimeRow> rows;
  for (size_t i : rank) {
    const Group& g = groups[i];
    TimeRow row;
    row.source = std::string(SourceName(g.source));
    row.value = record.Name(g.value);
    row.cases = g.cases;
    row.open = g.open;
    const KmMedianP90 estimate = KaplanMeierMedianP90(g.tallies, level);
    row.median = estimate.median;
    row.p90 = estimate.p90;
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::ordered_json TimeRowsToJson(const std::vector<TimeRow>& rows, Dimension by) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); };
  auto q = [&](const QuantileEstimate& e) {
    return nlohmann::ordered_json{{"hours", num(e.value)}, {"ci_low", num(e.low)}, {"ci_high", num(e.high)}};
  };
  nlohmann::ordered_json j;
  j["by"] = std::string(DimensionName(by));
  j["rows"] = nlohmann::ordered_json::array();
  for (const TimeRow& r : rows)
    j["rows"].push_back({{"source", r.source}, {"value", r.value}, {"cases", r.cases}, {"open", r.open},
                         {"median", q(r.median)}, {"p90", q(r.p90)}});
  return j;
}

}  // namespace evenhand::analytics
