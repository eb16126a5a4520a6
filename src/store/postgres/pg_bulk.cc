// PostgresStore::PutPostsAndDecisions: a stream worker's batch of posts and
// their decisions in a few multi-row statements instead of two round trips
// per post (store.h promises the same rows and audit entries as the calls
// one by one).
//
// Per chunk of kBulkRows: one INSERT of every post (ON CONFLICT DO NOTHING
// RETURNING id). When every post was new -- the usual case -- each decision
// is about version 1 of its post, whose content hash is computed here as
// PutPost computes it, and one INSERT stores them all; their audit entries
// are appended in input order. When some post was stored already (a
// redelivered batch, a new version, an id twice in the chunk), the chunk
// goes through PutPost / PutDecision one by one (the posts inserted by the
// first statement are then the same content again: nothing changes), so
// versions and their audit entries come out exactly as they would. So does a
// chunk with a value PostgreSQL cannot take (a NUL byte: refused before
// anything is sent, at the item where the one-by-one calls refuse it).
#include <unordered_set>

#include "store/content_hash.h"
#include "store/json_dump.h"
#include "store/postgres/pg_store_impl.h"
#include "store/store_records.h"

namespace evenhand::pg_store {

namespace {

constexpr size_t kBulkRows = 500;  // 14 parameters a decision: well under PostgreSQL's 65,535

// "($1,$2,...,$k)" rows for `rows` rows of `per_row` parameters, with
// `literal` inserted after parameter `literal_after` of each row.
void AppendRows(size_t rows, size_t per_row, size_t literal_after, const char* literal, std::string* sql) {
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql->append(r == 0 ? "(" : ",(");
    for (size_t k = 1; k <= per_row; ++k) {
      sql->append("$").append(std::to_string(++n));
      if (k == literal_after) sql->append(",").append(literal);
      sql->append(k < per_row ? "," : ")");
    }
  }
}

}  // namespace

Status PostgresStore::PutPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions,
                                           const std::string& actor, int64_t* inserted) {
  if (!explicit_txn_) return Store::PutPostsAndDecisions(posts, decisions, actor, inserted);
  if (inserted != nullptr) *inserted = 0;
  if (Status s = CheckPostsAndDecisions(posts, decisions); !s.ok()) return s;
  for (size_t from = 0; from < posts.size(); from += kBulkRows) {
    const size_t n = std::min(kBulkRows, posts.size() - from);
    int64_t added = 0;
    if (Status s = BulkChunk(posts.subspan(from, n), decisions.subspan(from, n), actor, &added); !s.ok()) return s;
    if (inserted != nullptr) *inserted += added;
    if (pending_.size() >= kFlushEntries)
      if (Status s = FlushAudit(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status PostgresStore::BulkChunk(std::span<const Post> posts, std::span<const Decision> decisions,
                                const std::string& actor, int64_t* inserted) {
  auto one_by_one = [&] { return Store::PutPostsAndDecisions(posts, decisions, actor, inserted); };
  // What PutPost and PutDecision refuse before sending anything: the calls
  // one by one refuse it at the right item.
  for (size_t i = 0; i < posts.size(); ++i)
    if (posts[i].id.empty() || decisions[i].policy.empty() ||
        !ValidateAuditFields(actor, "decision", decisions[i].item, "").ok())
      return one_by_one();
  if (Status s = CheckBatchAlive(); !s.ok()) return s;
  const int64_t now = Now();

  std::vector<std::string> hashes(posts.size());
  PgParams post_params;
  for (size_t i = 0; i < posts.size(); ++i) {
    const Post& p = posts[i];
    const std::string media = store_records::MediaJson(p);
    hashes[i] = ContentHash(p, media);
    post_params.Text(p.id).Text(p.account).Int(p.ts).Text(p.lang).Text(p.text).Text(p.topic).Text(p.region).Text(
        media).Text(hashes[i]).Int(now);
  }
  std::vector<std::string> scopes(posts.size()), signals(posts.size());
  PgParams decision_params;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const Decision& d = decisions[i];
    DumpScopeJson(&scopes[i], d);
    DumpSignalsJson(&signals[i], d);
    decision_params.Text(d.item).Text(d.policy).Text(d.account).Text(ActionName(d.action)).Text(scopes[i]).Text(
        d.category).Text(d.rule).Text(d.reason).Text(d.review ? "t" : "f").Text(d.lang).Text(d.region).Int(d.ts).Text(
        signals[i]).Int(now);
  }
  if (post_params.nul_at() != 0 || decision_params.nul_at() != 0) return one_by_one();

  std::string sql =
      "INSERT INTO posts (id, account, ts, lang, text, topic, region, media, content_hash, stored_at, version) VALUES ";
  AppendRows(posts.size(), 10, 10, "1", &sql);
  sql += " ON CONFLICT (id) DO NOTHING RETURNING id";
  auto new_posts = conn_->Query(sql, post_params, "storing a batch of posts");
  if (!new_posts.ok()) return new_posts.status();
  if (static_cast<size_t>(new_posts->rows()) != posts.size()) return one_by_one();

  sql = "INSERT INTO decisions (item, policy, account, action, scope, category, rule, reason, review, lang, region, "
        "ts, signals, stored_at, version) VALUES ";
  AppendRows(decisions.size(), 14, 14, "1", &sql);
  sql += " ON CONFLICT (item, version, policy) DO NOTHING RETURNING item, policy";
  auto stored = conn_->Query(sql, decision_params, "storing a batch of decisions");
  if (!stored.ok()) return stored.status();
  std::unordered_set<std::string> added;
  std::string payload;
  for (int r = 0; r < stored->rows(); ++r) added.insert(stored->Text(r, 0) + '\n' + stored->Text(r, 1));
  for (size_t i = 0; i < decisions.size(); ++i) {
    const Decision& d = decisions[i];
    if (!added.contains(d.item + '\n' + d.policy)) continue;
    store_records::DecisionPayloadHead(d, scopes[i], signals[i], &payload);
    store_records::DecisionPayloadTail(1, hashes[i], &payload);
    if (Status s = AppendAuditLocked(actor, "decision", d.item, payload); !s.ok()) return s;
    ++*inserted;
  }
  return Status::Ok();
}

}  // namespace evenhand::pg_store
