#include "analytics/sla.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "model/time.h"

namespace evenhand::analytics {

namespace {

constexpr size_t kIdsKept = 10;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// `id`: the case's id (record.Id(c)).
void Count(const CaseRow& c, const std::string& id, int64_t as_of, int64_t due_within, SlaRow* row,
           std::vector<double>* late_hours) {
  ++row->cases;
  if (c.reversed && !c.open()) {
    ++row->reversed;
    if (row->reversed_ids.size() < kIdsKept) row->reversed_ids.push_back(id);
  }
  if (c.deadline == 0) {
    ++row->no_deadline;
    return;
  }
  if (!c.open()) {
    if (c.acted <= c.deadline) {
      ++row->on_time;
      return;
    }
    const double hours = (c.acted - c.deadline) / 3600.0;
    ++row->late;
    ++row->late_by_bucket[LateBucket(hours)];
    row->late_max_hours = std::max(row->late_max_hours, hours);
    late_hours->push_back(hours);
    if (row->late_ids.size() < kIdsKept) row->late_ids.push_back(id);
    return;
  }
  if (c.deadline < as_of) {
    ++row->open_overdue;
    row->overdue_max_hours = std::max(row->overdue_max_hours, (as_of - c.deadline) / 3600.0);
    if (row->overdue_ids.size() < kIdsKept) row->overdue_ids.push_back(id);
  } else if (c.deadline <= as_of + due_within) {
    ++row->open_due_soon;
  } else {
    ++row->open_later;
  }
}

nlohmann::ordered_json RowToJson(const SlaRow& r) {
  nlohmann::ordered_json j;
  j["source"] = r.source;
  j["regime"] = r.regime;
  j["category"] = r.category;
  j["cases"] = r.cases;
  j["no_deadline"] = r.no_deadline;
  j["on_time"] = r.on_time;
  j["late"] = r.late;
  j["late_median_hours"] = r.late_median_hours;
  j["late_max_hours"] = r.late_max_hours;
  nlohmann::ordered_json buckets;
  for (int b = 0; b < kLateBuckets; ++b) buckets[LateBucketName(b)] = r.late_by_bucket[b];
  j["late_by"] = buckets;
  j["open_overdue"] = r.open_overdue;
  j["overdue_max_hours"] = r.overdue_max_hours;
  j["open_due_soon"] = r.open_due_soon;
  j["open_later"] = r.open_later;
  j["reversed"] = r.reversed;
  j["on_time_rate"] = r.on_time_rate();
  j["late_ids"] = r.late_ids;
  j["overdue_ids"] = r.overdue_ids;
  j["reversed_ids"] = r.reversed_ids;
  return j;
}

}  // namespace

const char* LateBucketName(int bucket) {
  static const char* const kNames[kLateBuckets] = {"<=1h", "1-6h", "6-24h", "1-7d", ">7d"};
  return bucket >= 0 && bucket < kLateBuckets ? kNames[bucket] : "?";
}

int LateBucket(double h) { return h <= 1 ? 0 : h <= 6 ? 1 : h <= 24 ? 2 : h <= 168 ? 3 : 4; }

SlaReport ComputeSla(const Record& record, int64_t due_within) {
  SlaReport report;
  report.as_of = record.as_of;
  report.due_within = due_within;
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<SlaRow, std::vector<double>>> rows;
  std::vector<double> all_late;
  report.total.source = "all";
  for (const CaseRow& c : record.cases) {
    if (c.source == Source::kOwnInitiative || c.outcome == Outcome::kRejected) continue;
    auto& [row, late] = rows[{std::string(SourceName(c.source)), record.Name(c.regime), record.Name(c.category)}];
    Count(c, record.Id(c), record.as_of, due_within, &row, &late);
    Count(c, record.Id(c), record.as_of, due_within, &report.total, &all_late);
  }
  for (auto& [key, value] : rows) {
    auto& [row, late] = value;
    std::tie(row.source, row.regime, row.category) = key;
    row.late_median_hours = Median(late);
    report.rows.push_back(std::move(row));
  }
  report.total.late_median_hours = Median(all_late);
  return report;
}

nlohmann::ordered_json SlaToJson(const SlaReport& report) {
  nlohmann::ordered_json j;
  j["as_of"] = FormatTimestamp(report.as_of);
  j["due_within_hours"] = report.due_within / 3600.0;
  j["rows"] = nlohmann::ordered_json::array();
  for (const SlaRow& r : report.rows) j["rows"].push_back(RowToJson(r));
  j["total"] = RowToJson(report.total);
  return j;
}

}  // namespace evenhand::analytics
