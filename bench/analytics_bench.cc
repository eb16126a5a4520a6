// analytics_bench DB [N] [THREADS]: every compliance report over N
// own-initiative actions (default 10 million) in an SQLite store, timed.
//
// When DB holds no decisions yet it is filled first (untimed): N posts and
// N decisions with their audit entries, spread over 6 topics, 5 regions, 6
// languages and 3 categories, then 1,000 orders under pk-peca-rbuoc-2021
// (some late) through the Store interface. The posts, decisions and audit
// chain are written with the store's own schema and exactly the rows
// SqliteStore::PutPost / PutDecision write (same columns, same JSON, same
// hash chain, checked with VerifyAudit on small fills), but in one
// transaction with prepared statements and a large page cache, which is
// ~10x faster than one PutDecision at a time; the analytics facts of the
// decisions are then written with RefreshDecisionFacts. A decision is stored 1 minute
// to 48 hours after its post (stored_at), as a live pipeline would.
//
// Timed: reading the snapshot (LoadRecord with THREADS readers, default 1,
// each with its own connection), then every report as `evenhand report
// all` builds it (analytics::BuildReportSet on THREADS threads): the
// deadline report, penalty exposure for every shipped regime, time to
// action by each of six dimensions, the even-handedness audit by topic,
// region, language and authority, and the transparency report with its
// HTML, CSV and JSON. Prints wall and process CPU time (all threads).
// EVENHAND_BENCH_SCAN=1 also times the store read alone and
// EVENHAND_BENCH_DETAIL=1 each report alone (neither counts in "all").
// Figures go to docs/PERFORMANCE.md.
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/consistency.h"
#include "analytics/penalties.h"
#include "analytics/record.h"
#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/report_set.h"
#include "analytics/sla.h"
#include "analytics/times.h"
#include "analytics/transparency.h"
#include "cases/order_json.h"
#include "regimes/regime_loader.h"
#include "store/audit.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace {

using namespace evenhand;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds used by the whole process so far (every thread): on a shared
// machine the wall time depends on the neighbours, this does less.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// One prepared statement of the fill.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return ok_; }
  void Text(int i, const std::string& v) { sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8); }
  void Int(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  bool Run() {
    const int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    return rc == SQLITE_DONE;
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

int FillDecisions(const std::string& path, int64_t n) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owned(db, sqlite3_close);
  // Untimed fill of a scratch file: no fsync, a 4 GB page cache.
  for (const char* sql : {"PRAGMA synchronous = OFF", "PRAGMA cache_size = -4000000", "BEGIN IMMEDIATE"})
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return 1;
  int64_t seq = 0;
  std::string prev_hash = kGenesisHash;
  {
    Stmt post(db, "INSERT INTO posts (id, account, ts, lang, text, topic, region, media) VALUES (?1, ?2, ?3, ?4, ?5, "
                  "?6, ?7, ?8)");
    Stmt decision(db, "INSERT INTO decisions (item, policy, account, action, scope, category, rule, reason, review, "
                      "lang, region, ts, signals, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                      "?12, ?13, ?14)");
    Stmt audit(db, "INSERT INTO audit (seq, ts, actor, action, subject, payload, prev_hash, hash) VALUES (?1, ?2, ?3, "
                   "?4, ?5, ?6, ?7, ?8)");
    if (!post.ok() || !decision.ok() || !audit.ok()) return 1;
    const char* topics[] = {"elections", "health", "sport", "religion", "finance", "music"};
    const char* regions[] = {"PK", "BR", "IN", "DE", "TR"};
    const char* langs[] = {"en", "ur", "pt", "hi", "de", "tr"};
    const char* cats[] = {"scams_and_fraud", "illegal_or_harmful_speech", "violence"};
    const Action actions[] = {Action::kRemove, Action::kWithhold, Action::kLabel, Action::kReview};
    std::mt19937_64 rng(7);
    const int64_t t0 = 1790000000;
    const std::string policy = "bench@1", rule = "r", reason = "bench", text = "bench", media = "[]", signals = "[]";
    const auto start = Clock::now();
    AuditEntry e;
    e.actor = "bench";
    e.action = "decision";
    for (int64_t i = 0; i < n; ++i) {
      if (i % 1000000 == 0 && i > 0)
        std::fprintf(stderr, "\rfilled %lld of %lld (%.0f/s)", (long long)i, (long long)n, i / Since(start));
      const uint64_t r = rng();
      const std::string id = "p" + std::to_string(i);
      const std::string account = "a" + std::to_string(r % 100000);
      const int64_t ts = t0 + static_cast<int64_t>(r % (30 * 86400));
      const std::string topic = topics[(r >> 20) % 6], region = regions[(r >> 24) % 5], lang = langs[(r >> 28) % 6];
      post.Text(1, id);
      post.Text(2, account);
      post.Int(3, ts);
      post.Text(4, lang);
      post.Text(5, text);
      post.Text(6, topic);
      post.Text(7, region);
      post.Text(8, media);
      if (!post.Run()) return 1;
      const Action action = actions[(r >> 32) % 4];
      const std::string action_name(ActionName(action));
      const std::string category = cats[(r >> 36) % 3];
      const bool review = (r >> 40) % 3 == 0;
      const std::vector<std::string> scope =
          action == Action::kWithhold ? std::vector<std::string>{region} : std::vector<std::string>{};
      const std::string scope_json = nlohmann::ordered_json(scope).dump();
      const int64_t stored_at = ts + 60 + static_cast<int64_t>((r >> 44) % (48 * 3600));
      decision.Text(1, id);
      decision.Text(2, policy);
      decision.Text(3, account);
      decision.Text(4, action_name);
      decision.Text(5, scope_json);
      decision.Text(6, category);
      decision.Text(7, rule);
      decision.Text(8, reason);
      decision.Int(9, review ? 1 : 0);
      decision.Text(10, lang);
      decision.Text(11, region);
      decision.Int(12, ts);
      decision.Text(13, signals);
      decision.Int(14, stored_at);
      if (!decision.Run()) return 1;
      // The audit entry PutDecision appends, with the same payload.
      nlohmann::ordered_json payload;
      payload["action"] = action_name;
      payload["scope"] = scope;
      payload["category"] = category;
      payload["rule"] = rule;
      payload["policy"] = policy;
      payload["review"] = review;
      payload["reason"] = reason;
      payload["signals"] = nlohmann::ordered_json::array();
      e.seq = ++seq;
      e.ts = stored_at;
      e.subject = id;
      e.payload = payload.dump();
      e.prev_hash = prev_hash;
      e.hash = ComputeAuditHash(e);
      audit.Int(1, e.seq);
      audit.Int(2, e.ts);
      audit.Text(3, e.actor);
      audit.Text(4, e.action);
      audit.Text(5, e.subject);
      audit.Text(6, e.payload);
      audit.Text(7, e.prev_hash);
      audit.Text(8, e.hash);
      if (!audit.Run()) return 1;
      prev_hash = e.hash;
    }
    std::fprintf(stderr, "\rfilled %lld posts and decisions in %.1f s\n", (long long)n, Since(start));
  }
  return sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK ? 0 : 1;
}

int FillOrders(Store& store) {
  const int64_t t0 = 1790000000;
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
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: analytics_bench DB [N] [THREADS]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int64_t n = argc > 2 ? std::atoll(argv[2]) : 10'000'000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  if (threads < 1) return std::fprintf(stderr, "THREADS must be at least 1\n"), 2;
  {
    auto store = OpenStore(path);
    if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
    auto counts = (*store)->CountDecisionFacts();
    if (counts.ok() && *counts == 0) {
      store->reset();  // the fill writes through its own connection
      if (FillDecisions(path, n) != 0) return std::fprintf(stderr, "fill failed\n"), 1;
      if (Status s = RefreshDecisionFacts(path); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
      auto again = OpenStore(path);
      if (!again.ok() || FillOrders(**again) != 0) return std::fprintf(stderr, "filling orders failed\n"), 1;
    }
  }
  auto regimes = LoadRegimeDir(std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes");
  if (!regimes.ok()) return 1;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < threads; ++i) {
    auto s = OpenStore(path, OpenMode::kMustExist);
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.status().message().c_str()), 1;
    stores.push_back(std::move(s).value());
  }

  if (std::getenv("EVENHAND_BENCH_SCAN") != nullptr) {
    // Untimed in "all": the store read alone, every fact handed to a no-op.
    auto t0 = Clock::now();
    int64_t facts = 0;
    Status s = stores[0]->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts&) { return ++facts, true; });
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
    std::printf("(scan only %.2f s, %lld facts; not part of \"all\")\n", Since(t0), static_cast<long long>(facts));
  }
  const auto all = Clock::now();
  const double cpu_all = CpuSeconds();
  auto t = Clock::now();
  analytics::LoadOptions options;
  options.as_of = 1795000000;
  for (int i = 1; i < threads; ++i) options.readers.push_back(stores[i].get());
  auto record = analytics::LoadRecord(*stores[0], options);
  if (!record.ok()) return std::fprintf(stderr, "%s\n", record.status().message().c_str()), 1;
  size_t open = 0;
  for (const auto& c : record->cases) open += c.open();
  std::printf("load      %8.2f s  %zu cases (%zu open), %d reader(s); CPU %.2f s\n", Since(t), record->cases.size(),
              open, threads, CpuSeconds() - cpu_all);
  // What `evenhand report all` builds (it then writes the files).
  t = Clock::now();
  const double cpu_reports = CpuSeconds();
  analytics::ReportSetOptions set;
  set.turnover = analytics::Turnover{1e9, "EUR"};
  set.threads = threads;
  set.title = "bench";
  const std::vector<analytics::ReportFile> files = analytics::BuildReportSet(*record, *regimes, set);
  size_t bytes = 0;
  for (const auto& f : files) bytes += f.contents.size();
  std::printf("reports   %8.2f s  %zu files, %zu bytes, %d thread(s); CPU %.2f s\n", Since(t), files.size(), bytes,
              threads, CpuSeconds() - cpu_reports);
  std::printf("all       %8.2f s  CPU %.2f s\n", Since(all), CpuSeconds() - cpu_all);
  if (std::getenv("EVENHAND_BENCH_DETAIL") == nullptr) return 0;

  // Each report alone, one after another (not part of "all").
  t = Clock::now();
  auto sla = analytics::ComputeSla(*record, 6 * 3600);
  std::printf("  sla       %8.2f s  %zu rows, %lld late\n", Since(t), sla.rows.size(), (long long)sla.total.late);
  t = Clock::now();
  double exposure = 0;
  for (const Regime& r : *regimes)
    for (const auto& m : analytics::ComputePenaltyExposure(r, *record, analytics::Turnover{1e9, "EUR"}).range)
      exposure += m.high;
  std::printf("  penalties %8.2f s  %zu regimes (sum of highs %.0f)\n", Since(t), regimes->size(), exposure);
  t = Clock::now();
  size_t time_rows = 0;
  for (auto d : {analytics::Dimension::kCategory, analytics::Dimension::kJurisdiction, analytics::Dimension::kAuthority,
                 analytics::Dimension::kTopic, analytics::Dimension::kLanguage, analytics::Dimension::kRegion})
    time_rows += analytics::TimeToActionBy(*record, d).size();
  std::printf("  times     %8.2f s  6 dimensions, %zu rows\n", Since(t), time_rows);
  for (auto d : {analytics::Dimension::kTopic, analytics::Dimension::kRegion, analytics::Dimension::kLanguage,
                 analytics::Dimension::kAuthority}) {
    t = Clock::now();
    analytics::AuditOptions o;
    o.by = d;
    auto audit = analytics::AuditConsistency(*record, o);
    std::printf("  audit %-10s%6.2f s  %zu comparisons, %lld flagged\n", std::string(analytics::DimensionName(d)).c_str(),
                Since(t), audit.comparisons.size(), (long long)audit.flagged);
  }
  t = Clock::now();
  auto report = analytics::BuildTransparencyReport(*record, 0, 0);
  bytes = analytics::RenderTransparencyHtml(report, "bench").size();
  for (const auto& [name, body] : analytics::TransparencyCsvFiles(report)) bytes += body.size();
  bytes += analytics::TransparencyToJson(report).dump().size();
  std::printf("  transparency %5.2f s  %zu bytes\n", Since(t), bytes);
  return 0;
}
