// analytics_bench DB [N]: every compliance report over N own-initiative
// actions (default 10 million) in an SQLite store, timed.
//
// When DB holds no decisions yet it is filled first (untimed): N posts and
// N decisions through the Store interface, in batches of 100,000, spread
// over 6 topics, 5 regions, 6 languages and 3 categories, with 1,000
// orders under pk-peca-rbuoc-2021 (some late). Then, timed: reading the
// snapshot (LoadRecord), the deadline report, penalty exposure for every
// shipped regime, the even-handedness audit by topic, region and language,
// and the transparency report with its HTML, CSV and JSON. Figures go to
// docs/PERFORMANCE.md.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "analytics/consistency.h"
#include "analytics/penalties.h"
#include "analytics/record.h"
#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/sla.h"
#include "analytics/transparency.h"
#include "cases/order_json.h"
#include "regimes/regime_loader.h"
#include "store/store.h"

namespace {

using namespace evenhand;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int Fill(Store& store, int64_t n) {
  const char* topics[] = {"elections", "health", "sport", "religion", "finance", "music"};
  const char* regions[] = {"PK", "BR", "IN", "DE", "TR"};
  const char* langs[] = {"en", "ur", "pt", "hi", "de", "tr"};
  const char* cats[] = {"scams_and_fraud", "illegal_or_harmful_speech", "violence"};
  const Action actions[] = {Action::kRemove, Action::kWithhold, Action::kLabel, Action::kReview};
  std::mt19937_64 rng(7);
  const int64_t t0 = 1790000000;
  const auto start = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    if (i % 100000 == 0) {
      if (i > 0 && !store.Commit().ok()) return 1;
      if (!store.Begin().ok()) return 1;
      if (i > 0) std::fprintf(stderr, "\rfilled %lld of %lld (%.0f/s)", (long long)i, (long long)n, i / Since(start));
    }
    const uint64_t r = rng();
    Post p;
    p.id = "p" + std::to_string(i);
    p.account = "a" + std::to_string(r % 100000);
    p.ts = t0 + static_cast<int64_t>(r % (30 * 86400));
    p.topic = topics[(r >> 20) % 6];
    p.region = regions[(r >> 24) % 5];
    p.lang = langs[(r >> 28) % 6];
    p.text = "bench";
    if (!store.PutPost(p).ok()) return 1;
    Decision d;
    d.item = p.id;
    d.account = p.account;
    d.action = actions[(r >> 32) % 4];
    d.category = cats[(r >> 36) % 3];
    d.policy = "bench@1";
    d.rule = "r";
    d.reason = "bench";
    d.review = (r >> 40) % 3 == 0;
    d.lang = p.lang;
    d.region = p.region;
    d.ts = p.ts;
    if (d.action == Action::kWithhold) d.scope = {p.region};
    bool inserted = false;
    if (!store.PutDecision(d, "bench", &inserted).ok()) return 1;
  }
  if (!store.Commit().ok()) return 1;
  for (int i = 0; i < 1000; ++i) {
    Order o;
    o.id = "ord-bench-" + std::to_string(i);
    o.authority = "pta";
    o.jurisdiction = "PK";
    o.regime = "pk-peca-rbuoc-2021";
    o.category = "unlawful_content_s37";
    o.legal_basis = {"PECA 2016", "s.37"};
    o.targets = {{"item", "p" + std::to_string(i)}};
    o.reference = "BENCH/" + std::to_string(i);
    o.received = t0 + i * 600;
    o.deadline = o.received + 48 * 3600;
    o.state = OrderState::kActioned;
    o.outcome = OrderOutcome::kWithheld;
    o.actioned_at = o.received + (i % 10 == 0 ? 60 : 20) * 3600;
    CaseRecord c{o.id, "order", o.authority, o.reference, o.jurisdiction, "actioned", o.received, o.deadline,
                 OrderToJson(o).dump()};
    bool inserted = false;
    CaseRecord existing;
    if (!store.InsertCase(c, "bench", "order.submit", "{}", &inserted, &existing).ok()) return 1;
  }
  std::fprintf(stderr, "\rfilled %lld decisions and 1000 orders in %.1f s\n", (long long)n, Since(start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: analytics_bench DB [N]\n");
    return 2;
  }
  const int64_t n = argc > 2 ? std::atoll(argv[2]) : 10'000'000;
  auto store = OpenStore(argv[1]);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
  auto counts = (*store)->CountDecisions("");
  if (counts.ok() && counts->total == 0 && Fill(**store, n) != 0) return std::fprintf(stderr, "fill failed\n"), 1;
  auto regimes = LoadRegimeDir(std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes");
  if (!regimes.ok()) return 1;

  const auto all = Clock::now();
  auto t = Clock::now();
  analytics::LoadOptions options;
  options.as_of = 1795000000;
  auto record = analytics::LoadRecord(**store, options);
  if (!record.ok()) return std::fprintf(stderr, "%s\n", record.status().message().c_str()), 1;
  std::printf("load      %8.2f s  %zu cases\n", Since(t), record->cases.size());
  t = Clock::now();
  auto sla = analytics::ComputeSla(*record, 6 * 3600);
  std::printf("sla       %8.2f s  %zu rows\n", Since(t), sla.rows.size());
  t = Clock::now();
  for (const Regime& r : *regimes) analytics::ComputePenaltyExposure(r, *record, analytics::Turnover{1e9, "EUR"});
  std::printf("penalties %8.2f s  %zu regimes\n", Since(t), regimes->size());
  for (auto d : {analytics::Dimension::kTopic, analytics::Dimension::kRegion, analytics::Dimension::kLanguage}) {
    t = Clock::now();
    analytics::AuditOptions o;
    o.by = d;
    auto audit = analytics::AuditConsistency(*record, o);
    std::printf("audit %-8s%6.2f s  %zu comparisons, %lld flagged\n", std::string(analytics::DimensionName(d)).c_str(),
                Since(t), audit.comparisons.size(), (long long)audit.flagged);
  }
  t = Clock::now();
  auto report = analytics::BuildTransparencyReport(*record, 0, 0);
  size_t bytes = analytics::RenderTransparencyHtml(report, "bench").size();
  for (const auto& [name, body] : analytics::TransparencyCsvFiles(report)) bytes += body.size();
  bytes += analytics::TransparencyToJson(report).dump().size();
  std::printf("transparency %5.2f s  %zu bytes written\n", Since(t), bytes);
  std::printf("all       %8.2f s\n", Since(all));
  return 0;
}
