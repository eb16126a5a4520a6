#include "analytics/times.h"

#include <cmath>
#include <map>

namespace evenhand::analytics {

std::vector<TimeRow> TimeToActionBy(const Record& record, Dimension by, double level) {
  std::map<std::pair<std::string, std::string>, std::vector<Observation>> groups;
  for (const CaseRow& c : record.cases) {
    if (c.outcome == Outcome::kRejected) continue;
    groups[{std::string(SourceName(c.source)), DimensionValue(c, by)}].push_back(
        {HoursToAction(c, record.as_of), !c.open()});
  }
  std::vector<TimeRow> rows;
  for (auto& [key, obs] : groups) {
    TimeRow row;
    row.source = key.first;
    row.value = key.second;
    row.cases = static_cast<int64_t>(obs.size());
    for (const Observation& o : obs) row.open += !o.event;
    const KaplanMeier km = EstimateKaplanMeier(std::move(obs), level);
    row.median = KmQuantile(km, 0.5);
    row.p90 = KmQuantile(km, 0.9);
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
