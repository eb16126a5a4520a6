// `evenhand report transparency|sla|times|penalties|all` and `evenhand audit
// consistency`: the compliance analytics (src/analytics/) over a store.
// Reports only read the store. Files are written to a temporary name and
// renamed into place, so a failed run leaves no half-written report.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "analytics/consistency.h"
#include "model/replace_file.h"
#include "analytics/penalties.h"
#include "analytics/record.h"
#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/report_set.h"
#include "analytics/sla.h"
#include "analytics/times.h"
#include "analytics/transparency.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/time.h"
#include "regimes/regime_loader.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

using analytics::Record;

int Fail(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb.c_str(), message.c_str());
  return 1;
}

// Opens the store and reads the record. `from`/`to` are RFC 3339 or empty.
// With `readers` > 1 the decisions are read by that many threads, each on
// its own connection.
Result<Record> Load(const CaseFlags& flags, const std::string& from, const std::string& to, bool decisions,
                    int readers = 1) {
  analytics::LoadOptions options;
  auto now = ResolveNow(flags);
  if (!now.ok()) return now.status();
  options.as_of = *now;
  options.decisions = decisions;
  if (!from.empty()) {
    auto t = ParseTimestamp(from);
    if (!t) return Status::Invalid("--from: \"" + from + "\" is not an RFC 3339 time");
    options.from = *t;
  }
  if (!to.empty()) {
    auto t = ParseTimestamp(to);
    if (!t) return Status::Invalid("--to: \"" + to + "\" is not an RFC 3339 time");
    options.to = *t;
    if (options.to < options.as_of) options.as_of = options.to;  // the report looks at the period's end
  }
  auto store = OpenStore(flags.db, OpenMode::kMustExist);
  if (!store.ok()) return store.status();
  std::vector<std::unique_ptr<Store>> extra;
  for (int i = 1; i < readers && decisions; ++i) {
    auto more = OpenStore(flags.db, OpenMode::kMustExist);
    if (!more.ok()) return more.status();
    extra.push_back(std::move(more).value());
    options.readers.push_back(extra.back().get());
  }
  return analytics::LoadRecord(**store, options);
}

// --turnover AMOUNT CURRENCY; nullopt when not given.
Result<std::optional<analytics::Turnover>> ParseTurnover(const std::vector<std::string>& turnover) {
  if (turnover.empty()) return std::optional<analytics::Turnover>();
  char* end = nullptr;
  const double amount = std::strtod(turnover[0].c_str(), &end);
  if (turnover.size() != 2 || end == turnover[0].c_str() || *end != '\0' || amount < 0 || turnover[1].size() != 3)
    return Status::Invalid("--turnover: want AMOUNT CURRENCY, e.g. --turnover 2.5e9 EUR");
  return std::optional<analytics::Turnover>(analytics::Turnover{amount, turnover[1]});
}

std::string Hours(double h) {
  if (std::isnan(h)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", h);
  return buf;
}

// ---- report transparency

struct TransparencyArgs : CaseFlags {
  std::string from, to, html, csv, json, title = "Transparency report";
};

int Transparency(const TransparencyArgs& a) {
  auto record = Load(a, a.from, a.to, true);
  if (!record.ok()) return Fail("report transparency", record.status().message());
  // The regimes name their categories; without them the ids are spelled out.
  if (auto regimes = LoadRegimes(a); regimes.ok())
    analytics::AddRegimeLabels(*regimes, &record->labels);
  else
    std::fprintf(stderr, "report transparency: regime category names not shown: %s\n",
                 regimes.status().message().c_str());
  const int64_t from = a.from.empty() ? 0 : *ParseTimestamp(a.from);
  const int64_t to = a.to.empty() ? 0 : *ParseTimestamp(a.to);
  const analytics::TransparencyReport report = analytics::BuildTransparencyReport(*record, from, to);
  const nlohmann::ordered_json json = analytics::TransparencyToJson(report);
  if (a.html.empty() && a.csv.empty() && a.json.empty()) {
    PrintJsonLine(json);
    return 0;
  }
  if (!a.json.empty())
    if (Status s = WriteFileReplacing(a.json, json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
        !s.ok())
      return Fail("report transparency", s.message());
  if (!a.html.empty())
    if (Status s = WriteFileReplacing(a.html, analytics::RenderTransparencyHtml(report, a.title)); !s.ok())
      return Fail("report transparency", s.message());
  if (!a.csv.empty()) {
    if (::mkdir(a.csv.c_str(), 0755) != 0 && errno != EEXIST)
      return Fail("report transparency", a.csv + ": cannot create directory: " + std::strerror(errno));
    for (const auto& [name, contents] : analytics::TransparencyCsvFiles(report))
      if (Status s = WriteFileReplacing(a.csv + "/" + name, contents); !s.ok())
        return Fail("report transparency", s.message());
  }
  std::fprintf(stderr, "transparency report: %lld orders, %lld notices, %lld data requests, %lld own-initiative actions\n",
               static_cast<long long>(report.orders_total.total()), static_cast<long long>(report.notices_total.total()),
               static_cast<long long>(report.data_requests.all.total()),
               static_cast<long long>(report.own_automated + report.own_human));
  return 0;
}

// ---- report sla

struct SlaArgs : CaseFlags {
  std::string due_within = "6h";
  std::string from, to;
  bool json = false;
};

int Sla(const SlaArgs& a) {
  auto window = ParseDuration(a.due_within);
  if (!window) return Fail("report sla", "--due-within: \"" + a.due_within + "\" is not a duration (6h, 90m, 2d)");
  auto record = Load(a, a.from, a.to, false);
  if (!record.ok()) return Fail("report sla", record.status().message());
  const analytics::SlaReport r = analytics::ComputeSla(*record, *window);
  if (a.json) {
    PrintJsonLine(analytics::SlaToJson(r));
    return 0;
  }
  std::printf("deadline compliance as of %s (due soon: within %s)\n", FormatTimestamp(r.as_of).c_str(),
              a.due_within.c_str());
  std::printf("%-7s %-26s %-34s %6s %7s %5s %11s %8s %9s %8s %9s %8s\n", "source", "regime", "category", "cases",
              "on_time", "late", "late_med_h", "late_max", "overdue", "due_soon", "no_dline", "reversed");
  auto row = [](const analytics::SlaRow& x) {
    std::printf("%-7s %-26s %-34s %6lld %7lld %5lld %11s %8s %9lld %8lld %9lld %8lld\n", x.source.c_str(),
                x.regime.empty() ? "(none)" : x.regime.c_str(), x.category.c_str(), static_cast<long long>(x.cases),
                static_cast<long long>(x.on_time), static_cast<long long>(x.late), Hours(x.late_median_hours).c_str(),
                Hours(x.late_max_hours).c_str(), static_cast<long long>(x.open_overdue),
                static_cast<long long>(x.open_due_soon), static_cast<long long>(x.no_deadline),
                static_cast<long long>(x.reversed));
  };
  for (const auto& x : r.rows) row(x);
  row(r.total);
  for (const auto& x : r.rows)
    for (const auto& id : x.overdue_ids) std::printf("overdue: %s (%s, %s)\n", id.c_str(), x.regime.c_str(), x.category.c_str());
  for (const auto& x : r.rows)
    for (const auto& id : x.reversed_ids)
      std::printf("reversed on appeal (the action no longer applies): %s (%s, %s)\n", id.c_str(), x.regime.c_str(),
                  x.category.c_str());
  return 0;
}

// ---- report penalties

struct PenaltyArgs : CaseFlags {
  std::string regime;
  std::vector<std::string> turnover;  // AMOUNT CURRENCY
  bool json = false;
};

void PrintLines(const char* heading, const std::vector<analytics::PenaltyLine>& lines) {
  if (lines.empty()) return;
  std::printf("%s:\n", heading);
  for (const auto& l : lines) {
    std::string exposure = "unquantified";
    if (l.exposure) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s %.0f", l.currency.c_str(), *l.exposure);
      exposure = buf;
    }
    std::printf("  %-16s %-22s %s%s\n    source: %s\n", std::string(PenaltyKindName(l.penalty.kind)).c_str(),
                exposure.c_str(), l.basis.c_str(), l.triggered ? "" : " (not triggered)", l.penalty.source.c_str());
    if (!l.penalty.note.empty()) std::printf("    note: %s\n", l.penalty.note.c_str());
  }
}

int Penalties(const PenaltyArgs& a) {
  auto turnover = ParseTurnover(a.turnover);
  if (!turnover.ok()) return Fail("report penalties", turnover.status().message());
  auto regimes = LoadRegimes(a);
  if (!regimes.ok()) return Fail("report penalties", regimes.status().message());
  const Regime* regime = FindRegime(*regimes, a.regime);
  if (regime == nullptr) return Fail("report penalties", "--regime: no regime \"" + a.regime + "\" in " + a.regimes);
  auto record = Load(a, "", "", false);
  if (!record.ok()) return Fail("report penalties", record.status().message());
  const analytics::PenaltyExposure e = analytics::ComputePenaltyExposure(*regime, *record, *turnover);
  if (a.json) {
    PrintJsonLine(analytics::PenaltyExposureToJson(e));
    return 0;
  }
  std::printf("%s (%s): %s\n", e.regime.c_str(), e.jurisdiction.c_str(), e.instrument.c_str());
  std::printf("cases %lld; non-compliant %lld (late %lld, open past deadline %lld, refused %lld); days late %lld\n",
              static_cast<long long>(e.cases), static_cast<long long>(e.non_compliant), static_cast<long long>(e.late),
              static_cast<long long>(e.open_overdue), static_cast<long long>(e.refused),
              static_cast<long long>(e.days_late));
  for (const auto& r : e.range) std::printf("statutory exposure: %s %.0f - %.0f\n", r.currency.c_str(), r.low, r.high);
  if (e.range.empty()) std::printf("statutory exposure: none quantified\n");
  for (const auto& r : e.precedent_range)
    std::printf("by precedent (reported cases, not the schedule): %s %.0f - %.0f\n", r.currency.c_str(), r.low, r.high);
  PrintLines("statutory lines", e.statutory);
  PrintLines("precedent lines", e.precedent);
  PrintLines("lines on individuals (not counted above)", e.individual);
  PrintLines("escalation", e.escalation);
  return 0;
}

// ---- report times

struct TimesArgs : CaseFlags {
  std::string by = "category";
  std::string from, to;
  bool json = false;
};

int Times(const TimesArgs& a) {
  auto by = analytics::ParseDimension(a.by);
  if (!by)
    return Fail("report times",
                "--by: \"" + a.by + "\" is not category, jurisdiction, authority, topic, language or region");
  auto record = Load(a, a.from, a.to, true);
  if (!record.ok()) return Fail("report times", record.status().message());
  const auto rows = analytics::TimeToActionBy(*record, *by);
  if (a.json) {
    PrintJsonLine(analytics::TimeRowsToJson(rows, *by));
    return 0;
  }
  auto q = [](const analytics::QuantileEstimate& e) {
    if (!e.reached()) return std::string("not reached");
    return Hours(e.value) + " (" + Hours(e.low) + "-" + (std::isnan(e.high) ? std::string("not reached") : Hours(e.high)) +
           ")";
  };
  std::printf("time to action in hours by %s (Kaplan-Meier; open cases censored as of %s)\n", a.by.c_str(),
              FormatTimestamp(record->as_of).c_str());
  std::printf("%-15s %-28s %8s %7s  %-24s %s\n", "source", a.by.c_str(), "cases", "open", "median (95% CI)",
              "p90 (95% CI)");
  for (const auto& r : rows)
    std::printf("%-15s %-28s %8lld %7lld  %-24s %s\n", r.source.c_str(), r.value.empty() ? "(none)" : r.value.c_str(),
                static_cast<long long>(r.cases), static_cast<long long>(r.open), q(r.median).c_str(), q(r.p90).c_str());
  return 0;
}

// ---- report all

struct AllArgs : CaseFlags {
  std::string from, to, out, title = "Transparency report", due_within = "6h";
  std::vector<std::string> turnover;  // AMOUNT CURRENCY
  int threads = 0;
};

int All(const AllArgs& a) {
  const std::string verb = "report all";
  auto window = ParseDuration(a.due_within);
  if (!window) return Fail(verb, "--due-within: \"" + a.due_within + "\" is not a duration (6h, 90m, 2d)");
  auto turnover = ParseTurnover(a.turnover);
  if (!turnover.ok()) return Fail(verb, turnover.status().message());
  if (a.threads < 0) return Fail(verb, "--threads: must be 0 (all cores) or more");
  auto regimes = LoadRegimes(a);
  if (!regimes.ok()) return Fail(verb, regimes.status().message());
  const int threads = a.threads > 0 ? a.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  auto record = Load(a, a.from, a.to, true, threads);
  if (!record.ok()) return Fail(verb, record.status().message());
  analytics::AddRegimeLabels(*regimes, &record->labels);
  analytics::ReportSetOptions options;
  options.from = a.from.empty() ? 0 : *ParseTimestamp(a.from);
  options.to = a.to.empty() ? 0 : *ParseTimestamp(a.to);
  options.title = a.title;
  options.due_within = *window;
  options.turnover = *turnover;
  options.threads = threads;
  const std::vector<analytics::ReportFile> files = analytics::BuildReportSet(*record, *regimes, options);
  for (const std::string& dir : {a.out, a.out + "/csv"})
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
      return Fail(verb, dir + ": cannot create directory: " + std::strerror(errno));
  for (const analytics::ReportFile& f : files)
    if (Status s = WriteFileReplacing(a.out + "/" + f.name, f.contents); !s.ok()) return Fail(verb, s.message());
  std::fprintf(stderr, "%zu report files in %s (%zu cases as of %s)\n", files.size(), a.out.c_str(),
               record->cases.size(), FormatTimestamp(record->as_of).c_str());
  return 0;
}

// ---- audit consistency

struct AuditArgs : CaseFlags {
  std::string by = "topic";
  std::string correction = "holm";
  analytics::AuditOptions options;
  bool json = false;
  bool all = false;
};

int Consistency(AuditArgs a) {
  auto by = analytics::ParseDimension(a.by);
  if (!by || *by == analytics::Dimension::kCategory)
    return Fail("audit consistency", "--by: \"" + a.by + "\" is not topic, region, language, authority or jurisdiction");
  a.options.by = *by;
  if (a.correction == "holm") a.options.correction = analytics::Correction::kHolm;
  else if (a.correction == "bh" || a.correction == "benjamini-hochberg")
    a.options.correction = analytics::Correction::kBenjaminiHochberg;
  else if (a.correction == "none") a.options.correction = analytics::Correction::kNone;
  else return Fail("audit consistency", "--correction: \"" + a.correction + "\" is not holm, bh or none");
  auto record = Load(a, "", "", true);
  if (!record.ok()) return Fail("audit consistency", record.status().message());
  const analytics::AuditReport r = analytics::AuditConsistency(*record, a.options);
  if (a.json) {
    PrintJsonLine(analytics::AuditToJson(r));
    return 0;
  }
  std::printf("even-handedness by %s: %lld cases audited (%lld without a %s), %zu comparisons, %lld flagged\n",
              a.by.c_str(), static_cast<long long>(r.cases), static_cast<long long>(r.without_value), a.by.c_str(),
              r.comparisons.size(), static_cast<long long>(r.flagged));
  for (const auto& c : r.comparisons) {
    if (!c.flagged && !a.all) continue;
    std::printf("%s %s/%s %s: %s vs %s (n %lld vs %lld): %s\n", c.flagged ? "FLAG" : "ok  ", c.source.c_str(),
                c.category.c_str(), std::string(analytics::TestName(c.test)).c_str(), c.group.c_str(),
                c.other.c_str(), static_cast<long long>(c.n_group), static_cast<long long>(c.n_other),
                c.evidence.c_str());
  }
  if (a.all)
    for (const auto& s : r.skipped) std::printf("not tested: %s\n", s.c_str());
  return 0;
}

}  // namespace

void AddReportCommand(CLI::App& app, int* exit_code) {
  auto* report = app.add_subcommand("report", "Compliance reports: transparency, deadlines, times to action, penalty exposure");
  report->require_subcommand(1);

  auto t = std::make_shared<TransparencyArgs>();
  auto* tr = report->add_subcommand(
      "transparency",
      "Orders, notices, data requests, own-initiative actions, appeals and times to action for a period, as "
      "HTML (charts), CSV and JSON; prints the JSON when no output is named");
  AddCaseFlags(tr, t.get(), false, "Directory of regime files (the names of their categories)");
  tr->add_option("--from", t->from, "Start of the period, RFC 3339 (cases received from then on)");
  tr->add_option("--to", t->to, "End of the period, RFC 3339 (exclusive); open cases are counted as of then");
  tr->add_option("--html", t->html, "Write the self-contained HTML report here");
  tr->add_option("--csv", t->csv, "Write one CSV per table into this directory (created if missing)");
  tr->add_option("--json", t->json, "Write the JSON report here");
  tr->add_option("--title", t->title, "Heading of the HTML report")->capture_default_str();
  tr->callback([t, exit_code] { *exit_code = Transparency(*t); });

  auto s = std::make_shared<SlaArgs>();
  auto* sla = report->add_subcommand(
      "sla", "Deadline compliance per regime and category: on time, late (by how much), open and overdue, due soon");
  AddCaseFlags(sla, s.get(), false);
  sla->add_option("--due-within", s->due_within, "Window for \"due soon\" (6h, 90m, 2d)")->capture_default_str();
  sla->add_option("--from", s->from, "Only cases received from then on (RFC 3339)");
  sla->add_option("--to", s->to, "Only cases received before then (RFC 3339)");
  sla->add_flag("--json", s->json, "Print JSON instead of a table");
  sla->callback([s, exit_code] { *exit_code = Sla(*s); });

  auto tm = std::make_shared<TimesArgs>();
  auto* times = report->add_subcommand(
      "times", "Time to action (Kaplan-Meier median and p90 with 95% CI, open cases censored) per source and group");
  AddCaseFlags(times, tm.get(), false);
  times->add_option("--by", tm->by, "Group by category, jurisdiction, authority, topic, language or region")
      ->capture_default_str();
  times->add_option("--from", tm->from, "Only cases received from then on (RFC 3339)");
  times->add_option("--to", tm->to, "Only cases received before then (RFC 3339); open cases are counted as of then");
  times->add_flag("--json", tm->json, "Print JSON instead of a table");
  times->callback([tm, exit_code] { *exit_code = Times(*tm); });

  auto p = std::make_shared<PenaltyArgs>();
  auto* pen = report->add_subcommand(
      "penalties",
      "Penalty exposure under one regime: its schedule applied to the record, with the lines and sources behind "
      "the range; precedent amounts kept apart from statutory ones");
  AddCaseFlags(pen, p.get(), false, "Directory of regime files");
  pen->add_option("--regime", p->regime, "Regime id (see `evenhand regime list`)")->required();
  pen->add_option("--turnover", p->turnover, "Turnover for percentage-of-turnover lines: AMOUNT CURRENCY")
      ->expected(2);
  pen->add_flag("--json", p->json, "Print JSON instead of text");
  pen->callback([p, exit_code] { *exit_code = Penalties(*p); });

  auto al = std::make_shared<AllArgs>();
  auto* all = report->add_subcommand(
      "all",
      "Every report at once into a directory, from one read of the store: the transparency report (HTML, JSON, "
      "CSV), deadlines, penalty exposure under every regime, times to action by every dimension and the "
      "even-handedness audit by topic, region, language and authority; the reports run in parallel");
  AddCaseFlags(all, al.get(), false, "Directory of regime files");
  all->add_option("--out", al->out, "Directory to write the reports into (created if missing)")->required();
  all->add_option("--from", al->from, "Start of the transparency report's period, RFC 3339");
  all->add_option("--to", al->to, "End of the period, RFC 3339 (exclusive); open cases are counted as of then");
  all->add_option("--title", al->title, "Heading of the HTML report")->capture_default_str();
  all->add_option("--due-within", al->due_within, "Window for \"due soon\" (6h, 90m, 2d)")->capture_default_str();
  all->add_option("--turnover", al->turnover, "Turnover for percentage-of-turnover lines: AMOUNT CURRENCY")
      ->expected(2);
  all->add_option("--threads", al->threads, "Threads to read and report with (0 = all cores)")->capture_default_str();
  all->callback([al, exit_code] { *exit_code = All(*al); });
}

void AddAuditConsistencyCommand(CLI::App& audit, int* exit_code) {
  auto a = std::make_shared<AuditArgs>();
  auto* cmd = audit.add_subcommand(
      "consistency",
      "Even-handedness audit: compare groups on time to action (log-rank, ratio of medians) and action rate "
      "(difference with CI) within each source and category; flag only significant AND material disparities");
  AddCaseFlags(cmd, a.get(), false);
  cmd->add_option("--by", a->by, "Group by topic, region, language, authority or jurisdiction")
      ->capture_default_str();
  cmd->add_option("--alpha", a->options.alpha, "Significance level after correction")->capture_default_str();
  cmd->add_option("--correction", a->correction, "Multiple-comparison correction: holm, bh or none")
      ->capture_default_str();
  cmd->add_option("--min-ratio", a->options.min_ratio,
                  "Material when the ratio of medians is at least this (or at most its inverse)")
      ->capture_default_str();
  cmd->add_option("--min-rate-diff", a->options.min_rate_diff,
                  "Material when action rates differ by at least this share (0.05 = 5 points)")
      ->capture_default_str();
  cmd->add_option("--min-group", a->options.min_group, "Groups smaller than this are not tested")
      ->capture_default_str();
  cmd->add_flag("--all", a->all, "Print every comparison and untested group, not only the flagged ones");
  cmd->add_flag("--json", a->json, "Print JSON (every comparison with its evidence)");
  cmd->callback([a, exit_code] { *exit_code = Consistency(*a); });
}

}  // namespace evenhand::cli
