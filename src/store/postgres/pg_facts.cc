// PostgresStore: the analytics read path (Store::ScanDecisionFacts, what
// `report` reads). PostgreSQL keeps no separate facts table: the facts of a
// decision are computed in the query from the decision and the post version
// it was about, by the same rules as SQLite's decision_fact_values view
// (the post's ts / lang / region when it has them, else the decision's),
// and profiles are numbered here, densely, in the order first met.
//
// One scan is one REPEATABLE READ, READ ONLY transaction (a snapshot),
// read in keyset pages by decision id, so memory stays bounded by a page
// plus the profiles. Slices are the same fixed id blocks SQLite deals out
// (2^16 ids each, round robin), so readers on their own connections agree.
#include <deque>
#include <unordered_map>

#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

constexpr int kScanBlockBits = 16;
constexpr int kFactsPage = 20000;

constexpr const char* kFactsPageSql =
    "SELECT d.id, CASE WHEN coalesce(p.ts, v.ts, 0) <> 0 THEN coalesce(p.ts, v.ts) WHEN d.ts <> 0 THEN d.ts "
    "ELSE d.stored_at END, d.stored_at, d.action, d.policy, d.category, d.review, coalesce(p.topic, v.topic, ''), "
    "CASE WHEN coalesce(p.lang, v.lang, '') <> '' THEN coalesce(p.lang, v.lang) ELSE d.lang END, "
    "CASE WHEN coalesce(p.region, v.region, '') <> '' THEN coalesce(p.region, v.region) ELSE d.region END "
    "FROM decisions d LEFT JOIN posts p ON p.id = d.item AND (d.version = 0 OR p.version = d.version) "
    "LEFT JOIN post_versions v ON p.id IS NULL AND v.item = d.item AND v.version = d.version "
    "WHERE d.id >= $1 AND d.id <= $2 ORDER BY d.id LIMIT 20000";  // kFactsPage

// Profiles met so far, numbered 0, 1, ... A deque: the views a
// DecisionFacts holds stay valid while profiles are added.
class Profiles {
 public:
  // The profile of row i of `r` (columns 3..9), added when new.
  uint32_t Of(const PgResult& r, int i) {
    key_.clear();
    for (int col = 3; col <= 9; ++col) {
      key_.append(r.View(i, col));
      key_.push_back('\x1f');
    }
    auto [it, added] = ids_.try_emplace(key_, static_cast<uint32_t>(all_.size()));
    if (added) {
      store_records::FactValues& p = all_.emplace_back();
      p.action = r.View(i, 3);
      p.policy = r.View(i, 4);
      p.category = r.View(i, 5);
      p.review = r.Bool(i, 6);
      p.topic = r.View(i, 7);
      p.lang = r.View(i, 8);
      p.region = r.View(i, 9);
    }
    return it->second;
  }
  const store_records::FactValues& operator[](uint32_t id) const { return all_[id]; }

 private:
  std::string key_;  // reused: a known profile costs no allocation
  std::unordered_map<std::string, uint32_t> ids_;
  std::deque<store_records::FactValues> all_;
};

}  // namespace

Status PostgresStore::ScanDecisionFacts(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) {
  if (slice.parts < 1 || slice.part < 0 || slice.part >= slice.parts)
    return Status::Invalid("ScanDecisionFacts: slice " + std::to_string(slice.part) + " of " +
                           std::to_string(slice.parts) + " does not exist");
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  const bool own_txn = !conn_->in_transaction();
  if (own_txn) {
    if (Status s = conn_->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a read of the decision facts");
        !s.ok())
      return s;
  }
  Status s = ScanFactsIn(slice, fn);
  if (own_txn) {
    Status end = conn_->Exec(s.ok() ? "COMMIT" : "ROLLBACK", "ending a read of the decision facts");
    if (s.ok()) s = end;
  }
  return s;
}

Status PostgresStore::ScanFactsIn(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) {
  Profiles profiles;
  DecisionFacts f;
  uint32_t current = UINT32_MAX;  // the profile f holds
  bool stopped = false;
  // Visits the decisions with id in [first, last], page by page.
  auto visit = [&](int64_t first, int64_t last) -> Status {
    int64_t from = first;
    for (;;) {
      auto r = conn_->Prepared("facts_page", kFactsPageSql, PgParams().Int(from).Int(last), "reading decision facts");
      if (!r.ok()) return r.status();
      for (int i = 0; i < r->rows(); ++i) {
        f.id = r->Int(i, 0);
        f.received = r->Int(i, 1);
        f.stored_at = r->Int(i, 2);
        const uint32_t id = profiles.Of(*r, i);
        if (id != current) store_records::SetFactProfile(profiles[current = id], id, &f);
        if (!fn(f)) {
          stopped = true;
          return Status::Ok();
        }
      }
      if (r->rows() < kFactsPage || f.id == last) return Status::Ok();
      from = f.id + 1;
    }
  };
  if (slice.parts == 1) return visit(INT64_MIN, INT64_MAX);

  // Block by block: each next block of this slice is found by seeking the
  // first id at or past its start, so empty stretches cost one query.
  constexpr int64_t kBlock = int64_t{1} << kScanBlockBits;
  int64_t from = INT64_MIN;
  while (!stopped) {
    auto next = conn_->Prepared("facts_next", "SELECT min(id) FROM decisions WHERE id >= $1", PgParams().Int(from),
                                "reading decision facts");
    if (!next.ok()) return next.status();
    if (next->IsNull(0, 0)) break;  // no more decisions
    const int64_t b = next->Int(0, 0) >> kScanBlockBits;  // floor, also below 0
    const int64_t skip = ((slice.part - b % slice.parts) % slice.parts + slice.parts) % slice.parts;
    if (skip != 0) {  // the block is another slice's: on to this slice's next one
      if (b > (INT64_MAX >> kScanBlockBits) - skip) break;
      from = (b + skip) * kBlock;
      continue;
    }
    const int64_t first = b * kBlock, last = first + (kBlock - 1);
    if (Status s = visit(first, last); !s.ok()) return s;
    if (last == INT64_MAX) break;
    from = last + 1;
  }
  return Status::Ok();
}

Result<int64_t> PostgresStore::CountDecisionFacts() {
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  auto r = conn_->Prepared("facts_count", "SELECT count(*) FROM decisions", PgParams(), "counting decisions");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

}  // namespace evenhand::pg_store
