#include "analytics/report_set.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/sla.h"
#include "analytics/times.h"
#include "analytics/transparency.h"

namespace evenhand::analytics {

namespace {

// As the single report commands print it: one line, invalid UTF-8 replaced.
std::string JsonLine(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// A report to build, and a rough idea of how long it takes (to start the
// long ones first, so that the threads finish together).
struct Task {
  std::function<std::vector<ReportFile>()> build;
  int cost = 1;
};

}  // namespace

std::vector<ReportFile> BuildReportSet(const Record& record, const std::vector<Regime>& regimes,
                                       const ReportSetOptions& options) {
  // The tasks in output order; the longest first in the run order below.
  std::vector<Task> tasks;
  tasks.push_back({[&] {
    const TransparencyReport report = BuildTransparencyReport(record, options.from, options.to);
    std::vector<ReportFile> files;
    files.push_back({"transparency.html", RenderTransparencyHtml(report, options.title)});
    files.push_back({"transparency.json",
                     TransparencyToJson(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                         "\n"});
    for (auto& [name, contents] : TransparencyCsvFiles(report)) files.push_back({"csv/" + name, std::move(contents)});
    return files;
  }, 3});
  tasks.push_back({[&] {
    return std::vector<ReportFile>{{"sla.json", JsonLine(SlaToJson(ComputeSla(record, options.due_within)))}};
  }, 1});
  tasks.push_back({[&] {
    std::vector<ReportFile> files;
    for (const Regime& r : regimes)
      files.push_back({"penalties-" + r.id + ".json",
                       JsonLine(PenaltyExposureToJson(ComputePenaltyExposure(r, record, options.turnover)))});
    return files;
  }, 1});
  for (Dimension d : {Dimension::kCategory, Dimension::kJurisdiction, Dimension::kAuthority, Dimension::kTopic,
                      Dimension::kLanguage, Dimension::kRegion})
    tasks.push_back({[&, d] {
      return std::vector<ReportFile>{
          {"times-" + std::string(DimensionName(d)) + ".json", JsonLine(TimeRowsToJson(TimeToActionBy(record, d), d))}};
    }, 2});
  for (Dimension d : {Dimension::kTopic, Dimension::kRegion, Dimension::kLanguage, Dimension::kAuthority})
    tasks.push_back({[&, d] {
      AuditOptions o = options.audit;
      o.by = d;
      return std::vector<ReportFile>{
          {"audit-" + std::string(DimensionName(d)) + ".json", JsonLine(AuditToJson(AuditConsistency(record, o)))}};
    }, 3});

  std::vector<size_t> order(tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tasks[a].cost > tasks[b].cost; });
  std::vector<std::vector<ReportFile>> done(tasks.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next++; k < order.size(); k = next++) done[order[k]] = tasks[order[k]].build();
  };
  const int threads = std::clamp(options.threads, 1, static_cast<int>(tasks.size()));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();

  std::vector<ReportFile> files;
  for (std::vector<ReportFile>& part : done)
    for (ReportFile& f : part) files.push_back(std::move(f));
  return files;
}

}  // namespace evenhand::analytics
