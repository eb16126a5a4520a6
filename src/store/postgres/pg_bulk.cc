// PostgresStore::PutPostsAndDecisions: a batch of posts and their decisions
// (stream workers, `scan --db`) in a few statements instead of two round
// trips per post (store.h promises the same rows and audit entries as the
// calls one by one).
//
// Per chunk of kBulkRows, when every post is new -- the usual case -- each
// decision is about version 1 of its post, whose content hash is computed
// here as PutPost computes it, and the chunk is written in one go:
//  - COPY (the default): inside a savepoint, one COPY each of the posts,
//    the decisions' keys (decision_keys, schema v3) and the decisions. A
//    post or key already stored makes COPY fail with a duplicate key; the
//    savepoint is rolled back and nothing of the chunk stays.
//  - VALUES (EVENHAND_PG_BULK=values, kept to compare): one multi-row
//    INSERT of the posts (ON CONFLICT DO NOTHING RETURNING id), then one of
//    the keys (likewise), then one of the decisions whose key was new.
// Either way the month's partition of decisions is made first if needed
// (pg_partitions.cc).
// The decisions' audit entries are appended in input order. When some post
// was stored already (a redelivered batch, a new version, an id twice in the
// chunk), the chunk goes through PutPost / PutDecision one by one (posts the
// VALUES path inserted are then the same content again: nothing changes), so
// versions and their audit entries come out exactly as they would. So does a
// chunk with a value PostgreSQL cannot take (a NUL byte: refused before
// anything is sent, at the item where the one-by-one calls refuse it).
#include <cstdlib>
#include <string_view>
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

bool PostgresStore::BulkByCopy() {
  const char* how = std::getenv("EVENHAND_PG_BULK");
  return how == nullptr || std::string_view(how) != "values";
}

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

  std::vector<std::string> hashes(posts.size()), media(posts.size());
  std::vector<std::string> scopes(posts.size()), signals(posts.size());
  for (size_t i = 0; i < posts.size(); ++i) {
    media[i] = store_records::MediaJson(posts[i]);
    hashes[i] = ContentHash(posts[i], media[i]);
    DumpScopeJson(&scopes[i], decisions[i]);
    DumpSignalsJson(&signals[i], decisions[i]);
  }
  if (Status e = PartitionInTxn(now); !e.ok()) return e;
  const ChunkColumns cols{posts, decisions, hashes, media, scopes, signals, now};
  bool all_new = false, nul = false;
  std::vector<char> stored(decisions.size(), 1);  // which decisions were inserted
  Status s = bulk_copy_ ? CopyChunk(cols, &all_new, &nul) : ValuesChunk(cols, &all_new, &nul, &stored);
  if (!s.ok()) return s;
  if (nul || !all_new) return one_by_one();
  std::string payload;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const Decision& d = decisions[i];
    if (!stored[i]) continue;
    store_records::DecisionPayloadHead(d, scopes[i], signals[i], &payload);
    store_records::DecisionPayloadTail(1, hashes[i], &payload);
    if (Status a = AppendAuditLocked(actor, "decision", d.item, payload); !a.ok()) return a;
    ++*inserted;
  }
  return Status::Ok();
}

Status PostgresStore::CopyChunk(const ChunkColumns& c, bool* all_new, bool* nul) {
  std::string rows;
  auto field = [&](std::string_view v, char end) {
    if (v.find('\0') != std::string_view::npos) *nul = true;
    AppendCopyField(v, &rows);
    rows.push_back(end);
  };
  auto number = [&](int64_t v, char end) { rows.append(std::to_string(v)).push_back(end); };
  for (size_t i = 0; i < c.posts.size(); ++i) {
    const Post& p = c.posts[i];
    field(p.id, '\t'), field(p.account, '\t'), number(p.ts, '\t'), field(p.lang, '\t'), field(p.text, '\t');
    field(p.topic, '\t'), field(p.region, '\t'), field(c.media[i], '\t'), field(c.hashes[i], '\t');
    number(c.now, '\t'), number(1, '\n');
  }
  const size_t posts_end = rows.size();
  for (size_t i = 0; i < c.decisions.size(); ++i)
    field(c.decisions[i].item, '\t'), number(1, '\t'), field(c.decisions[i].policy, '\n');
  const size_t keys_end = rows.size();
  for (size_t i = 0; i < c.decisions.size(); ++i) {
    const Decision& d = c.decisions[i];
    field(d.item, '\t'), field(d.policy, '\t'), field(d.account, '\t'), field(ActionName(d.action), '\t');
    field(c.scopes[i], '\t'), field(d.category, '\t'), field(d.rule, '\t'), field(d.reason, '\t');
    field(d.review ? "t" : "f", '\t'), field(d.lang, '\t'), field(d.region, '\t'), number(d.ts, '\t');
    field(c.signals[i], '\t'), number(c.now, '\t'), number(1, '\n');
  }
  if (*nul) return Status::Ok();
  if (Status s = conn_->Exec("SAVEPOINT evenhand_bulk", "storing a batch of posts"); !s.ok()) return s;
  Status s = conn_->CopyIn(
      "COPY posts (id, account, ts, lang, text, topic, region, media, content_hash, stored_at, version) FROM STDIN",
      std::string_view(rows).substr(0, posts_end), "storing a batch of posts");
  if (s.ok())
    s = conn_->CopyIn("COPY decision_keys (item, version, policy) FROM STDIN",
                      std::string_view(rows).substr(posts_end, keys_end - posts_end), "storing a batch of decisions");
  if (s.ok())
    s = conn_->CopyIn("COPY decisions (item, policy, account, action, scope, category, rule, reason, review, lang, "
                      "region, ts, signals, stored_at, version) FROM STDIN",
                      std::string_view(rows).substr(keys_end), "storing a batch of decisions");
  // Something of the chunk is stored already, or a value the server refuses
  // (text that is not UTF-8): undo the chunk, which then goes one by one
  // (and is refused at the item where the calls one by one refuse it).
  if (s.code() == Status::Code::kConflict || s.code() == Status::Code::kInvalid)
    return conn_->Exec("ROLLBACK TO SAVEPOINT evenhand_bulk", "storing a batch of posts");
  if (!s.ok()) return s;
  *all_new = true;
  return conn_->Exec("RELEASE SAVEPOINT evenhand_bulk", "storing a batch of posts");
}

Status PostgresStore::ValuesChunk(const ChunkColumns& c, bool* all_new, bool* nul, std::vector<char>* stored) {
  PgParams post_params;
  for (size_t i = 0; i < c.posts.size(); ++i) {
    const Post& p = c.posts[i];
    post_params.Text(p.id).Text(p.account).Int(p.ts).Text(p.lang).Text(p.text).Text(p.topic).Text(p.region).Text(
        c.media[i]).Text(c.hashes[i]).Int(c.now);
  }
  PgParams key_params;
  for (const Decision& d : c.decisions) key_params.Text(d.item).Text(d.policy);
  PgParams decision_params;
  for (size_t i = 0; i < c.decisions.size(); ++i) {
    const Decision& d = c.decisions[i];
    decision_params.Text(d.item).Text(d.policy).Text(d.account).Text(ActionName(d.action)).Text(c.scopes[i]).Text(
        d.category).Text(d.rule).Text(d.reason).Text(d.review ? "t" : "f").Text(d.lang).Text(d.region).Int(d.ts).Text(
        c.signals[i]).Int(c.now);
  }
  *nul = post_params.nul_at() != 0 || decision_params.nul_at() != 0 || key_params.nul_at() != 0;
  if (*nul) return Status::Ok();

  std::string sql =
      "INSERT INTO posts (id, account, ts, lang, text, topic, region, media, content_hash, stored_at, version) VALUES ";
  AppendRows(c.posts.size(), 10, 10, "1", &sql);
  sql += " ON CONFLICT (id) DO NOTHING RETURNING id";
  auto new_posts = conn_->Query(sql, post_params, "storing a batch of posts");
  if (!new_posts.ok()) return new_posts.status();
  if (static_cast<size_t>(new_posts->rows()) != c.posts.size()) return Status::Ok();

  // The keys first: only the (item, 1, policy) not decided yet get a row.
  sql = "INSERT INTO decision_keys (item, policy, version) VALUES ";
  AppendRows(c.decisions.size(), 2, 2, "1", &sql);
  sql += " ON CONFLICT DO NOTHING RETURNING item, policy";
  auto added = conn_->Query(sql, key_params, "storing a batch of decisions");
  if (!added.ok()) return added.status();
  std::unordered_set<std::string> keys;
  for (int r = 0; r < added->rows(); ++r) keys.insert(added->Text(r, 0) + '\n' + added->Text(r, 1));
  size_t n = 0;
  for (size_t i = 0; i < c.decisions.size(); ++i) {
    (*stored)[i] = keys.contains(c.decisions[i].item + '\n' + c.decisions[i].policy) ? 1 : 0;
    n += (*stored)[i];
  }
  *all_new = true;
  if (n == 0) return Status::Ok();
  if (n < c.decisions.size()) {  // rare: only the new ones
    PgParams some;
    for (size_t i = 0; i < c.decisions.size(); ++i) {
      if (!(*stored)[i]) continue;
      const Decision& d = c.decisions[i];
      some.Text(d.item).Text(d.policy).Text(d.account).Text(ActionName(d.action)).Text(c.scopes[i]).Text(
          d.category).Text(d.rule).Text(d.reason).Text(d.review ? "t" : "f").Text(d.lang).Text(d.region).Int(d.ts).Text(
          c.signals[i]).Int(c.now);
    }
    decision_params = std::move(some);
  }
  sql = "INSERT INTO decisions (item, policy, account, action, scope, category, rule, reason, review, lang, region, "
        "ts, signals, stored_at, version) VALUES ";
  AppendRows(n, 14, 14, "1", &sql);
  auto inserted = conn_->Query(sql, decision_params, "storing a batch of decisions");
  if (!inserted.ok()) return inserted.status();
  return Status::Ok();
}

}  // namespace evenhand::pg_store
