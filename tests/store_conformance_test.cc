// The Store conformance suite (issue 18 point 2): the promises of
// store/store.h, checked against every backend through OpenStore(url) and
// nothing else, so both backends are held to the same behaviour. Each
// test runs once per backend: Backends/StoreConformance.Name/sqlite and
// .../postgres. PostgreSQL runs on one throwaway cluster for this binary
// (tests/pg_cluster.h), a fresh database per test; it skips (with the
// reason) only when PostgreSQL 15 is not installed.
//
// Backend-specific behaviour (SQLite's schema steps, WAL, file checks, the
// analytics facts table) stays in store_sqlite_test.cc. Every Store method
// is covered here on both backends.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "pg_cluster.h"
#include "store/audit_tree.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store_test_util.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using store_test::Describe;
using store_test::FillFive;
using store_test::MakeDecision;
using store_test::MustVerify;

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  bool postgres() const { return GetParam() == "postgres"; }

  void SetUp() override {
    if (postgres()) {
      testing::PgCluster& pg = testing::SharedPgCluster();
      if (pg.missing()) GTEST_SKIP() << pg.error();
      ASSERT_TRUE(pg.ready()) << pg.error();
      url_ = pg.NewDatabase();
      ASSERT_FALSE(url_.empty()) << pg.error();
      db_ = url_.substr(url_.rfind('/') + 1);
      return;
    }
    std::string tmpl = (fs::path(::testing::TempDir()) / "evenhand-conf-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "evenhand.db").string();
    url_ = "sqlite:" + path_;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  std::unique_ptr<Store> Open() {
    auto r = OpenStore(url_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // SQL run behind the Store's back (as a tamperer would); the first column
  // of the first row, "" when none. The SQL is what both dialects accept.
  std::string Raw(const std::string& sql) {
    std::string out;
    if (postgres()) {
      EXPECT_TRUE(testing::SharedPgCluster().Query(db_, sql, &out)) << testing::SharedPgCluster().error();
      return out;
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    const char* tail = sql.c_str();
    while (*tail != '\0') {
      EXPECT_EQ(sqlite3_prepare_v2(db, tail, -1, &s, &tail), SQLITE_OK) << sqlite3_errmsg(db) << "\n" << sql;
      if (s == nullptr) break;
      if (sqlite3_step(s) == SQLITE_ROW && out.empty() && sqlite3_column_text(s, 0) != nullptr)
        out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return out;
  }
  int64_t RawInt(const std::string& sql) { return std::stoll(Raw(sql)); }
  // A second, empty store of the same backend.
  std::string SecondUrl() {
    if (postgres()) return testing::SharedPgCluster().NewDatabase();
    return "sqlite:" + (fs::path(dir_) / "second.db").string();
  }

  std::string url_;
  std::string db_;  // PostgreSQL database name
  std::string dir_, path_;  // SQLite
};

// The chain and the Merkle tree over it both verify, with `entries` entries.
void ExpectSound(Store& store, int64_t entries) {
  AuditVerifyReport r = MustVerify(store);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.entries, entries);
  auto tree = VerifyAuditTree(store);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  EXPECT_TRUE(tree->ok()) << (tree->problems.empty() ? "" : tree->problems[0]);
  EXPECT_EQ(tree->tree_size, static_cast<uint64_t>(entries));
}

Post MakePost(const std::string& id, const std::string& text) {
  Post p;
  p.id = id;
  p.account = "a1";
  p.ts = 1793520000;
  p.lang = "en";
  p.text = text;
  p.region = "PK";
  return p;
}

// ---- decisions and the audit chain

TEST_P(StoreConformance, ReopenKeepsDecisionsAndAudit) {
  std::string head;
  {
    auto store = Open();
    ASSERT_TRUE(store);
    FillFive(*store);
    ASSERT_TRUE(store->AppendAudit("cli:root", "policy.load", "default@3", R"({"rules":4})").ok());
    head = MustVerify(*store).head_hash;
  }
  auto store = Open();
  ASSERT_TRUE(store);
  auto counts = store->CountDecisions("default@3");
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->total, 5);
  AuditVerifyReport r = MustVerify(*store);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.entries, 6);
  EXPECT_EQ(r.head_hash, head);
  // The chain continues from the stored head after reopening.
  ASSERT_TRUE(store->PutDecision(MakeDecision("p6"), "scan", nullptr).ok());
  ExpectSound(*store, 7);
}

TEST_P(StoreConformance, DecisionIsStoredWithAuditPayload) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutPost(MakePost("p1", "hello")).ok());
  Decision d = MakeDecision("p1", "default@3", Action::kWithhold, "illegal_speech");
  ASSERT_TRUE(store->PutDecision(d, "scan", nullptr).ok());
  EXPECT_EQ(Raw("SELECT scope FROM decisions WHERE item = 'p1'"), R"(["PK"])");
  EXPECT_EQ(Raw("SELECT action FROM decisions WHERE item = 'p1'"), "withhold");
  auto signals = nlohmann::json::parse(Raw("SELECT signals FROM decisions WHERE item = 'p1'"));
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0]["name"], "scam_terms");

  std::vector<AuditEntry> entries;
  ASSERT_TRUE(store->ForEachAudit([&](const AuditEntry& e) { entries.push_back(e); }).ok());
  ASSERT_EQ(entries.size(), 1u);
  const AuditEntry& e = entries[0];
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.actor, "scan");
  EXPECT_EQ(e.action, "decision");
  EXPECT_EQ(e.subject, "p1");
  EXPECT_EQ(e.prev_hash, kGenesisHash);
  EXPECT_EQ(e.hash, ComputeAuditHash(e));
  EXPECT_GT(e.ts, 0);
  auto p = nlohmann::json::parse(e.payload);
  EXPECT_EQ(p["action"], "withhold");
  EXPECT_EQ(p["scope"], nlohmann::json::array({"PK"}));
  EXPECT_EQ(p["category"], "illegal_speech");
  EXPECT_EQ(p["rule"], "scam-terms");
  EXPECT_EQ(p["policy"], "default@3");
  EXPECT_EQ(p["review"], true);
  EXPECT_EQ(p["reason"], "matched scam terms");
  EXPECT_EQ(p["signals"][0]["evidence"], "free money @ 10..21");
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(p["content_hash"].get<std::string>().size(), 64u);

  // Read back: the decision, its item version and its post.
  std::vector<StoredDecision> got;
  ASSERT_TRUE(store->ForEachDecisionOf("p1", [&](const StoredDecision& s) {
    got.push_back(s);
    return true;
  }).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].decision.action, Action::kWithhold);
  EXPECT_EQ(got[0].decision.scope, std::vector<std::string>{"PK"});
  EXPECT_EQ(got[0].decision.version, 1);
  EXPECT_TRUE(got[0].decision.review);
  ASSERT_EQ(got[0].decision.signals.size(), 1u);
  EXPECT_EQ(got[0].decision.signals[0].evidence, "free money @ 10..21");
  EXPECT_TRUE(got[0].post_found);
  EXPECT_EQ(got[0].post.text, "hello");
  EXPECT_GT(got[0].stored_at, 0);
}

TEST_P(StoreConformance, RefusesWhatTheAuditChainCannotRecord) {
  auto store = Open();
  ASSERT_TRUE(store);
  bool inserted = true;
  Status s = store->PutDecision(MakeDecision("p\n1"), "scan", &inserted);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(inserted);
  EXPECT_FALSE(store->PutDecision(MakeDecision(""), "scan", &inserted).ok());
  EXPECT_FALSE(store->PutDecision(MakeDecision("p1", ""), "scan", &inserted).ok());
  EXPECT_FALSE(store->AppendAudit("scan", "x", "s", "{broken").ok());
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM decisions"), 0);
  EXPECT_EQ(MustVerify(*store).entries, 0);
  // Refused inside a batch too, and the batch goes on.
  ASSERT_TRUE(store->Begin().ok());
  EXPECT_FALSE(store->AppendAudit("scan", "x", "s\r", "").ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", &inserted).ok());
  ASSERT_TRUE(store->Commit().ok());
  ExpectSound(*store, 1);
}

TEST_P(StoreConformance, PutDecisionIsIdempotentByItemVersionAndPolicy) {
  auto store = Open();
  ASSERT_TRUE(store);
  bool inserted = false;
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
  // Same item, same policy version: nothing new, even with other contents.
  Decision again = MakeDecision("p1", "default@3", Action::kLabel, "spam");
  ASSERT_TRUE(store->PutDecision(again, "scan", &inserted).ok());
  EXPECT_FALSE(inserted);
  // Inside a batch too.
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", &inserted).ok());
  EXPECT_FALSE(inserted);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM decisions"), 1);
  EXPECT_EQ(Raw("SELECT action FROM decisions"), "remove");
  EXPECT_EQ(MustVerify(*store).entries, 1);
  // A new policy version decides again.
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1", "default@4"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
  ExpectSound(*store, 2);
}

TEST_P(StoreConformance, NewestFirstWalkIsTheReverseAndStopsEarly) {
  auto store = Open();
  ASSERT_TRUE(store);
  bool inserted = false;
  for (const char* item : {"a", "b", "c", "d"})
    ASSERT_TRUE(store->PutDecision(MakeDecision(item), "scan", &inserted).ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("a", "default@4"), "scan", &inserted).ok());
  std::vector<std::string> oldest, newest, of_a, of_policy;
  ASSERT_TRUE(store->ForEachDecision("", [&](const StoredDecision& d) {
    oldest.push_back(d.decision.item + "/" + d.decision.policy);
    return true;
  }).ok());
  ASSERT_TRUE(store->ForEachDecisionNewestFirst([&](const StoredDecision& d) {
    newest.push_back(d.decision.item + "/" + d.decision.policy);
    return newest.size() < 3;  // stop after three
  }).ok());
  ASSERT_TRUE(store->ForEachDecisionOf("a", [&](const StoredDecision& d) {
    of_a.push_back(d.decision.policy);
    return true;
  }).ok());
  ASSERT_TRUE(store->ForEachDecision("default@4", [&](const StoredDecision& d) {
    of_policy.push_back(d.decision.item);
    return true;
  }).ok());
  ASSERT_EQ(oldest.size(), 5u);
  EXPECT_EQ(oldest[0], "a/default@3");
  EXPECT_EQ(newest, (std::vector<std::string>{oldest[4], oldest[3], oldest[2]}));
  EXPECT_EQ(of_a, (std::vector<std::string>{"default@3", "default@4"}));
  EXPECT_EQ(of_policy, std::vector<std::string>{"a"});
}

TEST_P(StoreConformance, AuditOfOneSubject) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (const char* subject : {"o1", "o2", "o1", "o3", "o1"})
    ASSERT_TRUE(store->AppendAudit("cli:test", "order.event", subject, "{}").ok());
  std::vector<int64_t> seqs;
  ASSERT_TRUE(store->ForEachAuditOf("o1", [&](const AuditEntry& e) {
    EXPECT_EQ(e.subject, "o1");
    seqs.push_back(e.seq);
  }).ok());
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3, 5}));
  int none = 0;
  ASSERT_TRUE(store->ForEachAuditOf("o9", [&](const AuditEntry&) { ++none; }).ok());
  EXPECT_EQ(none, 0);
  auto tree = AuditTreeOf(*store);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  auto third = (*tree)->GetAudit(3);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->subject, "o1");
  EXPECT_EQ((*tree)->GetAudit(6).status().code(), Status::Code::kNotFound);
}

TEST_P(StoreConformance, SecondScanIntoTheSameStoreAddsNothing) {
  auto scan = [&](Store& store) {
    int added = 0;
    EXPECT_TRUE(store.Begin().ok());
    for (int i = 0; i < 1200; ++i) {  // past one page of a walk and one INSERT of the audit
      const std::string id = "p" + std::to_string(i);
      EXPECT_TRUE(store.PutPost(MakePost(id, "text " + std::to_string(i))).ok());
      bool inserted = false;
      EXPECT_TRUE(store.PutDecision(MakeDecision(id), "scan", &inserted).ok());
      added += inserted;
      if (i % 700 == 699) {  // one batch of 700 (audit written mid-batch), one of 500
        EXPECT_TRUE(store.Commit().ok());
        EXPECT_TRUE(store.Begin().ok());
      }
    }
    EXPECT_TRUE(store.Commit().ok());
    return added;
  };
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ(scan(*store), 1200);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(scan(*store), 0);
  EXPECT_EQ(store->CountDecisions("default@3")->total, 1200);
  int walked = 0;
  ASSERT_TRUE(store->ForEachDecision("default@3", [&](const StoredDecision& d) {
    EXPECT_EQ(d.decision.item, "p" + std::to_string(walked));
    ++walked;
    return true;
  }).ok());
  EXPECT_EQ(walked, 1200);
  ExpectSound(*store, 1200);
}

// SQLite keeps the bytes it is given; PostgreSQL keeps text as UTF-8 and
// refuses other bytes (Invalid, nothing stored) rather than changing them.
TEST_P(StoreConformance, TextThatIsNotUtf8IsKeptOrRefusedNeverChanged) {
  auto store = Open();
  ASSERT_TRUE(store);
  Decision d = MakeDecision("p1");
  d.reason = "line one\nline two \xff\xfe";
  bool inserted = false;
  Status s = store->PutDecision(d, "scan", &inserted);
  if (postgres()) {
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
    EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
    EXPECT_FALSE(inserted);
    EXPECT_EQ(RawInt("SELECT COUNT(*) FROM decisions"), 0);
    ExpectSound(*store, 0);
  } else {
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::string reason;
    ASSERT_TRUE(store->ForEachDecision("", [&](const StoredDecision& x) {
      reason = x.decision.reason;
      return true;
    }).ok());
    EXPECT_EQ(reason, d.reason);
    ExpectSound(*store, 1);
  }
  // A NUL byte is never cut short silently either.
  Decision nul = MakeDecision("p2");
  nul.reason = std::string("before\0after", 12);
  s = store->PutDecision(nul, "scan", &inserted);
  if (postgres()) {
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
  } else if (s.ok()) {
    ASSERT_TRUE(store->ForEachDecisionOf("p2", [&](const StoredDecision& x) {
      EXPECT_EQ(x.decision.reason, nul.reason);
      return true;
    }).ok());
  }
}

// ---- transactions

TEST_P(StoreConformance, RollbackLeavesNothing) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutDecision(MakeDecision("p0"), "scan", nullptr).ok());
  const std::string head = MustVerify(*store).head_hash;

  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutAccount(Account{"a1", 1790000000, "PK"}).ok());
  ASSERT_TRUE(store->PutPost(MakePost("p1", "hello")).ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(store->PutDecision(MakeDecision("p" + std::to_string(i)), "scan", nullptr).ok());
  ASSERT_TRUE(store->AppendAudit("scan", "batch", "", "").ok());
  ASSERT_TRUE(store->Rollback().ok());

  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM accounts"), 0);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM posts"), 0);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM decisions"), 1);
  AuditVerifyReport r = MustVerify(*store);
  EXPECT_EQ(r.entries, 1);
  EXPECT_EQ(r.head_hash, head);

  // The in-memory head was dropped with the batch: the chain continues from 1.
  bool inserted = false;
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", &inserted).ok());
  EXPECT_TRUE(inserted);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->PutDecision(MakeDecision("p2"), "scan", &inserted).ok());
  ASSERT_TRUE(store->Commit().ok());
  ExpectSound(*store, 3);
}

TEST_P(StoreConformance, ReadsInsideABatchSeeItsOwnEntries) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Begin().ok());
  FillFive(*store);
  EXPECT_EQ(MustVerify(*store).entries, 5);
  ASSERT_TRUE(store->PutDecision(MakeDecision("p6"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Commit().ok());
  ExpectSound(*store, 6);
}

TEST_P(StoreConformance, ClosingWithAnOpenBatchStoresNothingOfIt) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Begin().ok());
    ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", nullptr).ok());
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->CountDecisions("")->total, 0);
  EXPECT_EQ(MustVerify(*store).entries, 0);
}

TEST_P(StoreConformance, TransactionMisuseIsReported) {
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->Commit().ok());
  EXPECT_TRUE(store->Rollback().ok());  // nothing open: nothing to undo
  ASSERT_TRUE(store->Begin().ok());
  Status s = store->Begin();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  ASSERT_TRUE(store->Commit().ok());
}

TEST_P(StoreConformance, CommittedBatchSurvivesACrash) {
  // A child process commits one batch, leaves a second one open and dies
  // without closing anything: the first batch is there, the second is not.
  { ASSERT_TRUE(Open()); }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = OpenStore(url_);
    if (!r.ok()) _exit(2);
    Store& store = **r;
    if (!store.Begin().ok()) _exit(3);
    for (int i = 0; i < 10; ++i)
      if (!store.PutDecision(MakeDecision("p" + std::to_string(i)), "scan", nullptr).ok()) _exit(4);
    if (!store.Commit().ok()) _exit(5);
    if (!store.Begin().ok()) _exit(6);
    for (int i = 10; i < 20; ++i)
      if (!store.PutDecision(MakeDecision("p" + std::to_string(i)), "scan", nullptr).ok()) _exit(7);
    _exit(0);  // no Commit, no destructors
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->CountDecisions("default@3")->total, 10);
  ExpectSound(*store, 10);
}

TEST_P(StoreConformance, TwoStoresOnOneDatabaseKeepOneChain) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 10; ++i) {
    Store& s = i % 2 ? *a : *b;
    ASSERT_TRUE(s.Begin().ok());
    ASSERT_TRUE(s.PutDecision(MakeDecision("p" + std::to_string(i)), i % 2 ? "scan:a" : "scan:b", nullptr).ok());
    ASSERT_TRUE(s.AppendAudit("cli", "note", "", R"({"i":)" + std::to_string(i) + "}").ok());
    ASSERT_TRUE(s.Commit().ok());
    ASSERT_TRUE((i % 3 ? *a : *b).AppendAudit("cli", "ping", "", "").ok());  // outside a batch
  }
  ExpectSound(*a, 30);
}

TEST_P(StoreConformance, ConcurrentWritersKeepOneChain) {
  // One Store per thread, as store.h prescribes; they contend for the chain.
  { ASSERT_TRUE(Open()); }
  constexpr int kThreads = 8, kRounds = 12;
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = OpenStore(url_);
      if (!r.ok()) {
        errors[t] = r.status().ToString();
        return;
      }
      Store& store = **r;
      for (int i = 0; i < kRounds && errors[t].empty(); ++i) {
        const std::string item = "t" + std::to_string(t) + "-" + std::to_string(i);
        Status s = store.AppendAudit("worker", "note", item, "");  // its own transaction
        if (s.ok()) s = store.Begin();
        if (s.ok()) s = store.PutDecision(MakeDecision(item), "worker", nullptr);
        if (s.ok()) s = store.Commit();
        if (!s.ok()) errors[t] = s.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  auto store = Open();
  ExpectSound(*store, 2 * kThreads * kRounds);
  EXPECT_EQ(store->CountDecisions("")->total, kThreads * kRounds);
}

// ---- a stream worker's batch

TEST_P(StoreConformance, PostsAndDecisionsInBulkAreTheCallsOneByOne) {
  auto bulk = Open();
  auto second = OpenStore(SecondUrl());
  ASSERT_TRUE(bulk && second.ok()) << second.status().ToString();
  Store& single = **second;
  for (Store* s : {bulk.get(), &single}) s->SetClock([] { return int64_t{1795000000}; });
  std::vector<Post> posts;
  std::vector<Decision> decisions;
  auto add = [&](const std::string& id, const std::string& text, const std::string& policy) {
    posts.push_back(MakePost(id, text));
    decisions.push_back(MakeDecision(id, policy, Action::kRemove, "scams_and_fraud"));
  };
  // Both ways, in one batch each; the decisions newly stored.
  auto apply = [&](int64_t* by_bulk, int64_t* by_calls) {
    ASSERT_TRUE(bulk->Begin().ok());
    ASSERT_TRUE(bulk->PutPostsAndDecisions(posts, decisions, "worker:default@3", by_bulk).ok());
    ASSERT_TRUE(bulk->Commit().ok());
    *by_calls = 0;
    ASSERT_TRUE(single.Begin().ok());
    for (size_t i = 0; i < posts.size(); ++i) {
      bool inserted = false;
      ASSERT_TRUE(single.PutPost(posts[i]).ok());
      ASSERT_TRUE(single.PutDecision(decisions[i], "worker:default@3", &inserted).ok());
      *by_calls += inserted;
    }
    ASSERT_TRUE(single.Commit().ok());
  };
  int64_t by_bulk = -1, by_calls = -1;
  for (int i = 0; i < 620; ++i) add("p" + std::to_string(i), "text " + std::to_string(i), "default@3");
  // Bytes that COPY's text format escapes, and a "\N" that must stay text.
  const std::string awkward = "tab\there, newline\nhere, CR\r, backslash \\ and \\N, \\t, ünïcode";
  add("esc\t1", awkward, "default@3");
  decisions.back().reason = awkward;
  apply(&by_bulk, &by_calls);  // new posts, more than one statement's worth
  EXPECT_EQ(by_bulk, 621);
  EXPECT_EQ(by_calls, 621);
  EXPECT_EQ(bulk->GetPost("esc\t1")->text, awkward);
  bool seen = false;
  ASSERT_TRUE(bulk->ForEachDecisionOf("esc\t1", [&](const StoredDecision& d) {
    seen = true;
    EXPECT_EQ(d.decision.reason, awkward);
    return true;
  }).ok());
  EXPECT_TRUE(seen);
  apply(&by_bulk, &by_calls);  // the same batch delivered again: nothing new
  EXPECT_EQ(by_bulk, 0);
  EXPECT_EQ(by_calls, 0);
  posts.clear();
  decisions.clear();
  add("p1", "text 1, edited", "default@3");  // a new version, decided again
  add("n1", "new", "default@3");
  add("n1", "new, edited at once", "default@3");  // an id twice in one batch
  add("p2", "text 2", "default@4");               // the same content under a new policy
  apply(&by_bulk, &by_calls);
  EXPECT_EQ(by_bulk, by_calls);
  EXPECT_EQ(by_bulk, 4);

  std::vector<AuditEntry> a, b;
  ASSERT_TRUE(bulk->ForEachAudit([&](const AuditEntry& e) { a.push_back(e); }).ok());
  ASSERT_TRUE(single.ForEachAudit([&](const AuditEntry& e) { b.push_back(e); }).ok());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {  // the same entries, hash for hash
    EXPECT_EQ(a[i].hash, b[i].hash) << i << ": " << a[i].action << " " << a[i].subject << " " << a[i].payload
                                    << "\n   vs " << b[i].action << " " << b[i].subject << " " << b[i].payload;
    if (a[i].hash != b[i].hash) break;
  }
  EXPECT_EQ(bulk->CountDecisions("")->total, single.CountDecisions("")->total);
  EXPECT_EQ(bulk->PostVersions("n1")->size(), 2u);
  ExpectSound(*bulk, static_cast<int64_t>(a.size()));
  // Spans that do not pair up are refused, nothing stored.
  posts.pop_back();
  int64_t n = -1;
  EXPECT_EQ(bulk->PutPostsAndDecisions(posts, decisions, "worker", &n).code(), Status::Code::kInvalid);
  decisions.pop_back();
  decisions.back().item = "other";
  EXPECT_EQ(bulk->PutPostsAndDecisions(posts, decisions, "worker", &n).code(), Status::Code::kInvalid);
  EXPECT_EQ(MustVerify(*bulk).entries, static_cast<int64_t>(a.size()));
}

// ---- accounts, items, versions, logins

TEST_P(StoreConformance, AccountsAreUpsertedAndPostsVersioned) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutAccount(Account{"a1", 100, "PK"}).ok());
  ASSERT_TRUE(store->PutAccount(Account{"a1", 200, "BR"}).ok());
  auto account = store->GetAccount("a1");
  ASSERT_TRUE(account.ok()) << account.status().ToString();
  EXPECT_EQ(account->created, 200);
  EXPECT_EQ(account->country, "BR");
  EXPECT_EQ(store->GetAccount("zz").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM accounts"), 1);

  Post p = MakePost("p1", "first");
  p.media.push_back(Media{"img/1.jpg"});
  ASSERT_TRUE(store->PutPost(p).ok());
  ASSERT_TRUE(store->PutPost(p).ok());  // the same content: nothing new
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", nullptr).ok());
  p.text = "second";
  ASSERT_TRUE(store->PutPost(p, "cli:edit").ok());
  EXPECT_EQ(Raw("SELECT text FROM posts"), "second");
  EXPECT_EQ(Raw("SELECT media FROM posts"), R"([{"path":"img/1.jpg"}])");

  auto versions = store->PostVersions("p1");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].post.text, "first");
  EXPECT_GT((*versions)[0].superseded_at, 0);
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].post.text, "second");
  EXPECT_EQ((*versions)[1].superseded_at, 0);
  ASSERT_EQ((*versions)[1].post.media.size(), 1u);
  EXPECT_NE((*versions)[0].content_hash, (*versions)[1].content_hash);

  auto current = store->GetPost("p1");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(store->GetPost("nope").status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(*store->HasPost("p1"));
  EXPECT_FALSE(*store->HasPost("nope"));
  EXPECT_TRUE(*store->HasAccount("a1"));
  auto posts = store->PostsByAccount("a1");
  ASSERT_TRUE(posts.ok());
  ASSERT_EQ(posts->size(), 1u);

  // The decision stays about version 1; the change is audited with both hashes.
  ASSERT_TRUE(store->ForEachDecisionOf("p1", [&](const StoredDecision& d) {
    EXPECT_EQ(d.decision.version, 1);
    EXPECT_EQ(d.post.text, "first");
    return true;
  }).ok());
  std::vector<AuditEntry> entries;
  ASSERT_TRUE(store->ForEachAuditOf("p1", [&](const AuditEntry& e) { entries.push_back(e); }).ok());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].action, "item.version");
  EXPECT_EQ(entries[1].actor, "cli:edit");
  auto payload = nlohmann::json::parse(entries[1].payload);
  EXPECT_EQ(payload["version"], 2);
  EXPECT_EQ(payload["previous_hash"], (*versions)[0].content_hash);
  EXPECT_EQ(payload["changed"], nlohmann::json::array({"text"}));
  ExpectSound(*store, 2);
  EXPECT_FALSE(store->PutAccount(Account{}).ok());
  EXPECT_FALSE(store->PutPost(Post{}).ok());
}

TEST_P(StoreConformance, LoginRecordsAreStoredOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  LoginRecord l;
  l.account = "a1";
  l.ts = 1790000000;
  l.ip = "203.0.113.7";
  l.port = 51000;
  l.device = "android";
  bool inserted = false;
  ASSERT_TRUE(store->PutLogin(l, &inserted).ok());
  EXPECT_TRUE(inserted);
  ASSERT_TRUE(store->PutLogin(l, &inserted).ok());
  EXPECT_FALSE(inserted);
  l.ts -= 100;
  l.event = LoginEvent::kSignup;
  ASSERT_TRUE(store->PutLogin(l, &inserted).ok());
  auto got = store->LoginsOf("a1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].event, LoginEvent::kSignup);
  EXPECT_EQ((*got)[1].port, 51000);
  EXPECT_FALSE(store->PutLogin(LoginRecord{}, &inserted).ok());
}

TEST_P(StoreConformance, CountDecisionsGroupsByActionAndCategory) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Begin().ok());
  int n = 0;
  auto put = [&](const std::string& policy, Action a, const std::string& cat, int times) {
    for (int i = 0; i < times; ++i)
      ASSERT_TRUE(store->PutDecision(MakeDecision("p" + std::to_string(n++), policy, a, cat), "scan", nullptr).ok());
  };
  put("default@3", Action::kRemove, "scams_and_fraud", 3);
  put("default@3", Action::kRemove, "illegal_speech", 1);
  put("default@3", Action::kWithhold, "illegal_speech", 2);
  put("default@3", Action::kAllow, "", 4);
  put("default@2", Action::kRemove, "scams_and_fraud", 7);
  ASSERT_TRUE(store->Commit().ok());

  auto c = store->CountDecisions("default@3");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->total, 10);
  using Row = std::tuple<std::string, std::string, int64_t>;
  EXPECT_EQ(c->by_action_category, (std::vector<Row>{{"allow", "", 4},
                                                     {"remove", "illegal_speech", 1},
                                                     {"remove", "scams_and_fraud", 3},
                                                     {"withhold", "illegal_speech", 2}}));
  EXPECT_EQ(store->CountDecisions("")->total, 17);
  auto none = store->CountDecisions("other@1");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total, 0);
  EXPECT_TRUE(none->by_action_category.empty());
}

// ---- checkpoints and tampering behind the store's back

TEST_P(StoreConformance, CheckpointsAreKeptNewestFirst) {
  auto store = Open();
  ASSERT_TRUE(store);
  FillFive(*store);
  auto tree = AuditTreeOf(*store);
  ASSERT_TRUE(tree.ok());
  ASSERT_TRUE((*tree)->PutCheckpoint(3, 1790000000, "note three").ok());
  ASSERT_TRUE((*tree)->PutCheckpoint(5, 1790000100, "note five").ok());
  auto list = (*tree)->ListCheckpoints(10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].size, 5u);
  EXPECT_EQ((*list)[0].note, "note five");
  EXPECT_EQ((*list)[1].ts, 1790000000);
  EXPECT_EQ(*(*tree)->AuditTreeSize(), 5u);
}

TEST_P(StoreConformance, FindsAnEditedEntry) {
  { FillFive(*Open()); }
  Raw(R"(UPDATE audit SET payload = replace(payload, '"remove"', '"allow"') WHERE seq = 3)");
  auto store = Open();
  AuditVerifyReport r = MustVerify(*store);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].what, "entry 3: contents do not match its hash (edited)");
  auto tree = VerifyAuditTree(*store);
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->ok());  // leaf 2 no longer matches entry 3
}

TEST_P(StoreConformance, FindsARemovedEntry) {
  { FillFive(*Open()); }
  Raw("DELETE FROM audit WHERE seq = 3");
  auto store = Open();
  AuditVerifyReport r = MustVerify(*store);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].what, "entry 3 missing (removed)");
  EXPECT_EQ(r.entries, 4);
}

TEST_P(StoreConformance, FindsAnEditThatWasRehashed) {
  { FillFive(*Open()); }
  std::vector<AuditEntry> entries;
  {
    auto store = Open();
    ASSERT_TRUE(store->ForEachAudit([&](const AuditEntry& e) { entries.push_back(e); }).ok());
  }
  AuditEntry e = entries[2];
  e.subject = "p-innocent";
  e.hash = ComputeAuditHash(e);
  Raw("UPDATE audit SET subject = 'p-innocent', hash = '" + e.hash + "' WHERE seq = 3");
  auto store = Open();
  AuditVerifyReport r = MustVerify(*store);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].what,
            "entry 4: does not follow entry 3 (an entry before it was removed, reordered or edited)");
}

// ---- authorities and cases

// The audit entries of `action`, in order.
std::vector<AuditEntry> EntriesOf(Store& store, const std::string& action) {
  std::vector<AuditEntry> out;
  EXPECT_TRUE(store.ForEachAudit([&](const AuditEntry& e) {
    if (e.action == action) out.push_back(e);
  }).ok());
  return out;
}

TEST_P(StoreConformance, AuthoritiesArePutOnceReplacedWithAReason) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutAuthority({"pta", "PTA", "PK", "regulator", 1790000000}, "alice via cli").ok());
  ASSERT_TRUE(store->PutAuthority({"pta", "PTA", "PK", "regulator", 0}, "alice via cli").ok());  // a repeat
  EXPECT_EQ(EntriesOf(*store, "authority.put").size(), 1u);
  ASSERT_TRUE(store->PutAuthority({"pta", "Pakistan Telecommunication Authority", "PK", "regulator", 0}, "bob via cli")
                  .ok());
  ASSERT_TRUE(store->PutAuthority({"bnetza", "BNetzA", "DE", "regulator", 1790000100}, "bob via cli").ok());
  Status s = store->PutAuthority({"pta", "PTA", "IN", "regulator", 0}, "bob via cli");
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_EQ(store->PutAuthority({"x", "X", "XX", "court", 0}, "bob via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(store->PutAuthority({"x", "X", "", "court", 0}, "bob via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(store->PutAuthority({" ", "X", "PK", "court", 0}, "bob via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(store->ReplaceAuthority({"pta", "PTA", "IN", "regulator", 0}, " ", "bob via cli").code(),
            Status::Code::kInvalid);
  EXPECT_EQ(store->ReplaceAuthority({"nobody", "N", "IN", "court", 0}, "typo", "bob via cli").code(),
            Status::Code::kNotFound);
  ASSERT_TRUE(store->ReplaceAuthority({"pta", "PTA", "IN", "regulator", 0}, "registered in error", "bob via cli").ok());

  auto list = store->ListAuthorities();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "bnetza");  // by id
  EXPECT_EQ((*list)[1].jurisdiction, "IN");
  EXPECT_EQ((*list)[1].added, 1790000000);  // the first registration's
  auto replaced = EntriesOf(*store, "authority.replace");
  ASSERT_EQ(replaced.size(), 1u);
  auto payload = nlohmann::json::parse(replaced[0].payload);
  EXPECT_EQ(payload["previous"]["jurisdiction"], "PK");
  EXPECT_EQ(payload["previous"]["name"], "Pakistan Telecommunication Authority");
  EXPECT_EQ(payload["reason"], "registered in error");
  ExpectSound(*store, 4);
}

CaseRecord MakeCase(const std::string& id, const std::string& reference, int64_t received) {
  return CaseRecord{id, "order", "pta", reference, "PK", "received", received, received + 86400,
                    R"({"targets":[{"item":"p1","version":1}]})"};
}

TEST_P(StoreConformance, CasesAreStoredOnceAndChangedByCompareAndSet) {
  auto store = Open();
  ASSERT_TRUE(store);
  bool inserted = false;
  CaseRecord existing;
  ASSERT_TRUE(store->InsertCase(MakeCase("ord-2", "R2", 200), "pta via key:1", "order.submit", R"({"n":2})", &inserted,
                                &existing)
                  .ok());
  EXPECT_TRUE(inserted);
  ASSERT_TRUE(store->InsertCase(MakeCase("ord-1", "R1", 100), "pta via key:1", "order.submit", "", &inserted, nullptr).ok());
  // The same (kind, issuer, reference) again: nothing new, the stored one back.
  ASSERT_TRUE(store->InsertCase(MakeCase("ord-9", "R2", 900), "pta via key:1", "order.submit", "", &inserted, &existing)
                  .ok());
  EXPECT_FALSE(inserted);
  EXPECT_EQ(existing.id, "ord-2");
  EXPECT_EQ(existing.received, 200);
  EXPECT_EQ(existing.body, R"({"targets":[{"item":"p1","version":1}]})");
  // Another case under a taken id: refused, and inside a batch the batch goes on.
  ASSERT_TRUE(store->Begin().ok());
  Status s = store->InsertCase(MakeCase("ord-1", "R3", 300), "pta via key:1", "order.submit", "", &inserted, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  ASSERT_TRUE(store->PutDecision(MakeDecision("p1"), "scan", nullptr).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(store->InsertCase(MakeCase("", "R4", 1), "x", "order.submit", "", &inserted, nullptr).code(),
            Status::Code::kInvalid);
  EXPECT_EQ(store->InsertCase(MakeCase("ord-5", "R5", 1), "x\n", "order.submit", "", &inserted, nullptr).code(),
            Status::Code::kInvalid);

  CaseRecord c = *store->GetCase("ord-1");
  c.state = "accepted";
  c.body = R"({"accepted":true})";
  ASSERT_TRUE(store->UpdateCase(c, "received", "alice via cli", "order.accept", "").ok());
  s = store->UpdateCase(c, "received", "bob via cli", "order.accept", "");  // the state moved on
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  c.id = "ord-404";
  EXPECT_EQ(store->UpdateCase(c, "received", "bob via cli", "order.accept", "").code(), Status::Code::kNotFound);
  auto got = store->GetCase("ord-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, "accepted");
  EXPECT_EQ(got->body, R"({"accepted":true})");
  EXPECT_EQ(got->reference, "R1");
  EXPECT_EQ(store->GetCase("ord-404").status().code(), Status::Code::kNotFound);

  ASSERT_TRUE(store->InsertCase(CaseRecord{"ntc-1", "notice", "flagger", "N1", "DE", "received", 150, 0, "{}"},
                                "flagger via key:2", "notice.submit", "", &inserted, nullptr)
                  .ok());
  auto ids = [&](const CaseFilter& f) {
    std::vector<std::string> out;
    auto list = store->ListCases(f);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (list.ok())
      for (const CaseRecord& x : *list) out.push_back(x.id);
    return out;
  };
  EXPECT_EQ(ids({}), (std::vector<std::string>{"ord-1", "ntc-1", "ord-2"}));  // by received
  EXPECT_EQ(ids({"order", "", ""}), (std::vector<std::string>{"ord-1", "ord-2"}));
  EXPECT_EQ(ids({"", "received", ""}), (std::vector<std::string>{"ntc-1", "ord-2"}));
  EXPECT_EQ(ids({"", "", "flagger"}), std::vector<std::string>{"ntc-1"});
  std::vector<std::string> history;
  ASSERT_TRUE(store->ForEachAuditOf("ord-1", [&](const AuditEntry& e) { history.push_back(e.action); }).ok());
  EXPECT_EQ(history, (std::vector<std::string>{"order.submit", "order.accept"}));
  ExpectSound(*store, 5);  // two orders, one decision, one acceptance, one notice
}

// ---- people, API keys, decision reviews

ApiKeyRecord MakeKey(const std::string& id, const std::string& role, const std::string& person,
                     const std::string& authority = "", int64_t created = 1790000000) {
  ApiKeyRecord k;
  k.id = id;
  k.hash = std::string(64, 'a');
  k.role = role;
  k.person = person;
  k.authority = authority;
  k.name = "key " + id;
  k.created = created;
  return k;
}

TEST_P(StoreConformance, KeysBelongToRegisteredPeopleInTheirRoles) {
  auto store = Open();
  ASSERT_TRUE(store);
  Store& s = *store;
  ASSERT_TRUE(s.PutAuthority({"pta", "PTA", "PK", "regulator", 0}, "admin via cli").ok());
  ASSERT_TRUE(s.PutPerson({"alice", "Alice", {"admin", "moderator"}, "", 1}, "alice via cli").ok());
  ASSERT_TRUE(s.PutPerson({"pta-desk", "", {"authority"}, "pta", 2}, "alice via cli").ok());
  EXPECT_EQ(s.PutPerson({"alice", "", {"auditor"}, "", 1}, "alice via cli").code(), Status::Code::kConflict);
  EXPECT_EQ(s.PutPerson({"Bob", "", {"auditor"}, "", 1}, "x").code(), Status::Code::kInvalid);  // not normalised
  EXPECT_EQ(s.PutPerson({"bob", "", {"king"}, "", 1}, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutPerson({"bob", "", {}, "", 1}, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutPerson({"bob", "", {"authority"}, "", 1}, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutPerson({"bob", "", {"authority"}, "nobody", 1}, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutPerson({"bob", "", {"authority", "moderator"}, "pta", 1}, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.GetPerson("bob").status().code(), Status::Code::kNotFound);

  EXPECT_TRUE(s.PutApiKey(MakeKey("00000002", "admin", "alice", "", 1790000000), "alice via cli").ok());
  EXPECT_TRUE(s.PutApiKey(MakeKey("00000001", "moderator", "alice", "", 1790000000), "alice via cli").ok());
  EXPECT_EQ(s.PutApiKey(MakeKey("00000001", "moderator", "alice"), "alice via cli").code(), Status::Code::kConflict);
  EXPECT_EQ(s.PutApiKey(MakeKey("00000003", "auditor", "alice"), "alice via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutApiKey(MakeKey("00000004", "moderator", "nobody"), "alice via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutApiKey(MakeKey("00000005", "moderator", ""), "alice via cli").code(), Status::Code::kInvalid);
  EXPECT_EQ(s.PutApiKey(MakeKey("", "moderator", "alice"), "alice via cli").code(), Status::Code::kInvalid);
  EXPECT_TRUE(s.PutApiKey(MakeKey("00000006", "authority", "pta-desk", "pta", 1789000000), "alice via cli").ok());
  EXPECT_EQ(s.PutApiKey(MakeKey("00000007", "authority", "pta-desk", "fia"), "alice via cli").code(),
            Status::Code::kInvalid);

  auto k = s.GetApiKey("00000001");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->person, "alice");
  EXPECT_EQ(k->role, "moderator");
  EXPECT_EQ(k->hash, std::string(64, 'a'));
  EXPECT_EQ(k->revoked, 0);
  EXPECT_EQ(s.GetApiKey("ffffffff").status().code(), Status::Code::kNotFound);
  ASSERT_TRUE(s.RevokeApiKey("00000001", 1795000000, "alice via cli").ok());
  EXPECT_EQ(s.RevokeApiKey("00000001", 1795000001, "alice via cli").code(), Status::Code::kConflict);
  EXPECT_EQ(s.RevokeApiKey("ffffffff", 1795000001, "alice via cli").code(), Status::Code::kNotFound);
  EXPECT_EQ(s.GetApiKey("00000001")->revoked, 1795000000);
  auto keys = s.ListApiKeys();
  ASSERT_TRUE(keys.ok());
  std::vector<std::string> key_ids;
  for (const ApiKeyRecord& x : *keys) key_ids.push_back(x.id);
  EXPECT_EQ(key_ids, (std::vector<std::string>{"00000006", "00000001", "00000002"}));  // by creation, then id

  auto people = s.ListPeople();
  ASSERT_TRUE(people.ok());
  ASSERT_EQ(people->size(), 2u);
  EXPECT_EQ((*people)[0].id, "alice");
  EXPECT_EQ((*people)[0].roles, (std::vector<std::string>{"admin", "moderator"}));
  EXPECT_EQ((*people)[1].authority, "pta");
  EXPECT_EQ(s.GetPerson("pta-desk")->added, 2);
  auto created = EntriesOf(s, "key.create");
  ASSERT_EQ(created.size(), 3u);
  EXPECT_EQ(created[0].payload.find(std::string(64, 'a')), std::string::npos);  // never the hash
  EXPECT_EQ(nlohmann::json::parse(created[0].payload)["person"], "alice");
  EXPECT_EQ(EntriesOf(s, "person.add").size(), 2u);
  ExpectSound(s, 1 + 2 + 3 + 1);  // authority, people, keys, revocation
}

TEST_P(StoreConformance, ReviewsAreStoredOnceAndPointAtTheFirstDecision) {
  auto store = Open();
  ASSERT_TRUE(store);
  for (const char* item : {"p1", "p2", "p3"})
    ASSERT_TRUE(store->PutDecision(MakeDecision(item), "scan", nullptr).ok());
  ASSERT_TRUE(store->PutPost(MakePost("p2", "edited")).ok());  // a new version of p2...
  ASSERT_TRUE(store->PutDecision(MakeDecision("p2"), "scan", nullptr).ok());  // ...decided again
  ASSERT_TRUE(store->PutDecisionReview({"p3", "default@3", "overturn", "satire", "mo via key:1", 1795000000}).ok());
  ASSERT_TRUE(store->PutDecisionReview({"p2", "default@3", "confirm", "", "mo via key:1", 1795000100}).ok());
  ASSERT_TRUE(store->PutDecisionReview({"gone", "default@3", "confirm", "", "mo via key:1", 1795000200}).ok());
  Status s = store->PutDecisionReview({"p3", "default@3", "confirm", "", "other via key:2", 1795000300});
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_EQ(store->PutDecisionReview({"p1", "", "confirm", "", "mo via key:1", 0}).code(), Status::Code::kInvalid);

  auto reviews = store->ListDecisionReviews();
  ASSERT_TRUE(reviews.ok()) << reviews.status().ToString();
  ASSERT_EQ(reviews->size(), 3u);
  EXPECT_EQ((*reviews)[0].item, "p3");  // in the order stored
  EXPECT_EQ((*reviews)[0].reason, "satire");
  EXPECT_EQ((*reviews)[1].item, "p2");
  EXPECT_EQ((*reviews)[2].at, 1795000200);
  auto reviewed = store->ListReviewedDecisions();
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  ASSERT_EQ(reviewed->size(), 2u);  // "gone" has no decision
  // By decision id: p2's first decision (the second stored), then p3's.
  EXPECT_LT((*reviewed)[0].decision, (*reviewed)[1].decision);
  EXPECT_FALSE((*reviewed)[0].overturned);
  EXPECT_TRUE((*reviewed)[1].overturned);
  EXPECT_EQ((*reviewed)[1].at, 1795000000);
  std::vector<int64_t> fact_ids;
  ASSERT_TRUE(store->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts& f) {
    fact_ids.push_back(f.id);
    return true;
  }).ok());
  ASSERT_EQ(fact_ids.size(), 4u);
  EXPECT_EQ((*reviewed)[0].decision, fact_ids[1]);
  EXPECT_EQ((*reviewed)[1].decision, fact_ids[2]);
  EXPECT_EQ(EntriesOf(*store, "decision.review").size(), 3u);
}

// ---- retention

TEST_P(StoreConformance, RetentionDeletesContentAndOldLoginsWithTheirEntries) {
  auto store = Open();
  ASSERT_TRUE(store);
  const int64_t t0 = 1790000000;
  Post old = MakePost("old", "old text");
  old.ts = t0;
  old.media.push_back(Media{"img/old.jpg"});
  ASSERT_TRUE(store->PutPost(old).ok());
  old.text = "old text, edited";
  old.ts = t0 + 10;
  ASSERT_TRUE(store->PutPost(old).ok());  // version 2; version 1 kept
  Post fresh = MakePost("fresh", "fresh text");
  fresh.ts = t0 + 1000;
  ASSERT_TRUE(store->PutPost(fresh).ok());

  auto due = store->ContentOlderThan(t0 + 100, 10);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 2u);  // both versions of "old", oldest first
  EXPECT_EQ((*due)[0].post.id, "old");
  EXPECT_EQ((*due)[0].version, 1);
  EXPECT_EQ((*due)[0].post.text, "old text");
  ASSERT_EQ((*due)[0].post.media.size(), 1u);
  EXPECT_GT((*due)[0].superseded_at, 0);
  EXPECT_EQ((*due)[1].version, 2);
  EXPECT_EQ((*due)[1].superseded_at, 0);
  EXPECT_EQ(store->ContentOlderThan(t0 + 100, 1)->size(), 1u);

  const std::string hash1 = (*due)[0].content_hash;
  ASSERT_TRUE(store->DeleteContent("old", 1, t0 + 2000, "admin via cli", "retention 180 days").ok());
  ASSERT_TRUE(store->DeleteContent("old", 2, t0 + 2000, "admin via cli", "retention 180 days").ok());
  EXPECT_EQ(store->DeleteContent("old", 2, t0 + 2001, "admin via cli", "again").code(), Status::Code::kConflict);
  EXPECT_EQ(store->DeleteContent("old", 7, t0 + 2001, "admin via cli", "x").code(), Status::Code::kNotFound);
  EXPECT_EQ(store->DeleteContent("nope", 1, t0 + 2001, "admin via cli", "x").code(), Status::Code::kNotFound);
  EXPECT_TRUE(store->ContentOlderThan(t0 + 100, 10)->empty());
  auto versions = store->PostVersions("old");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  for (const PostVersion& v : *versions) {
    EXPECT_EQ(v.post.text, "");
    EXPECT_TRUE(v.post.media.empty());
    EXPECT_EQ(v.content_deleted, t0 + 2000);
    EXPECT_EQ(v.post.account, "a1");  // metadata kept
  }
  EXPECT_EQ((*versions)[0].content_hash, hash1);  // the hash too
  auto deleted = EntriesOf(*store, "item.content_deleted");
  ASSERT_EQ(deleted.size(), 2u);
  auto payload = nlohmann::json::parse(deleted[0].payload);
  EXPECT_EQ(payload["version"], 1);
  EXPECT_EQ(payload["content_hash"], hash1);
  EXPECT_EQ(payload["reason"], "retention 180 days");
  // The same content again changes nothing (its hash is kept); other
  // content is a new version, whose entry does not count the deleted text.
  ASSERT_TRUE(store->PutPost(old).ok());
  EXPECT_EQ(store->PostVersions("old")->size(), 2u);
  old.topic = "news";
  ASSERT_TRUE(store->PutPost(old).ok());
  EXPECT_EQ(store->PostVersions("old")->size(), 3u);
  auto changed = EntriesOf(*store, "item.version");
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(changed[1].payload)["changed"], nlohmann::json::array({"topic"}));

  // Login records: per account, how many are older than the cutoff; deleted with one entry, never an address.
  LoginRecord l;
  l.account = "a1";
  l.ip = "203.0.113.7";
  l.port = 51000;
  for (int64_t ts : {t0, t0 + 5, t0 + 5000}) {
    l.ts = ts;
    ASSERT_TRUE(store->PutLogin(l, nullptr).ok());
  }
  l.account = "a0";
  l.ts = t0 + 1;
  ASSERT_TRUE(store->PutLogin(l, nullptr).ok());
  auto ages = store->LoginsOlderThan(t0 + 100);
  ASSERT_TRUE(ages.ok()) << ages.status().ToString();
  ASSERT_EQ(ages->size(), 2u);
  EXPECT_EQ((*ages)[0].account, "a0");
  EXPECT_EQ((*ages)[1].count, 2);
  EXPECT_EQ((*ages)[1].oldest, t0);
  EXPECT_EQ((*ages)[1].newest, t0 + 5);
  int64_t n = -1;
  ASSERT_TRUE(store->DeleteLoginsOlderThan("a1", t0 + 100, "admin via cli", "traffic data kept 90 days", &n).ok());
  EXPECT_EQ(n, 2);
  ASSERT_TRUE(store->DeleteLoginsOlderThan("a1", t0 + 100, "admin via cli", "again", &n).ok());
  EXPECT_EQ(n, 0);  // nothing left: no entry
  EXPECT_EQ(store->LoginsOf("a1")->size(), 1u);
  EXPECT_EQ(store->LoginsOlderThan(t0 + 100)->size(), 1u);
  auto gone = EntriesOf(*store, "login.deleted");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].subject, "a1");
  EXPECT_EQ(gone[0].payload.find("203.0.113"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(gone[0].payload)["records"], 2);
  ExpectSound(*store, 1 + 2 + 1 + 1);  // version 2, two deletions, version 3, logins
}

// ---- the analytics read path

TEST_P(StoreConformance, ScanDecisionFactsAgreesWithTheDecisionWalk) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto post = [&](const std::string& id, int64_t ts, const std::string& topic) {
    Post p = MakePost(id, "text of " + id);
    p.ts = ts;
    p.lang = "ur";
    p.topic = topic;
    ASSERT_TRUE(store->PutPost(p).ok());
  };
  auto decide = [&](const std::string& item, const std::string& policy, Action a) {
    ASSERT_TRUE(store->PutDecision(MakeDecision(item, policy, a), "scan", nullptr).ok());
  };
  // The next decision id is at least `id` (blocks of 2^16 ids make the slices).
  auto skip_ids_to = [&](int64_t id) {
    const std::string row = "'gap" + std::to_string(id) +
                            "', 0, 'gap@1', 'a1', 'label', '[]', 'spam', 'r', 'x', " +
                            (postgres() ? "false" : "0") + ", 'de', 'DE', 5, '[]', 6)";
    const std::string columns =
        "decisions (id, item, version, policy, account, action, scope, category, rule, reason, review, lang, region, "
        "ts, signals, stored_at) ";
    if (postgres()) {
      Raw("SELECT evenhand_decision_partition(6)");  // the month of stored_at 6 (schema v3: by month)
      Raw("INSERT INTO " + columns + "OVERRIDING SYSTEM VALUE VALUES (" + std::to_string(id) + ", " + row);
      Raw("SELECT setval(pg_get_serial_sequence('decisions', 'id'), " + std::to_string(id) + ")");
    } else {
      Raw("INSERT INTO " + columns + "VALUES (" + std::to_string(id) + ", " + row);
      ASSERT_TRUE(RefreshDecisionFacts(path_).ok());  // the facts of a row written behind the Store's back
    }
  };
  ASSERT_TRUE(store->Begin().ok());
  for (int i = 0; i < 20; ++i) {  // the pipeline's order: each post, then its decision
    post("p" + std::to_string(i), 1793500000 + i, i % 2 ? "health" : "sport");
    decide("p" + std::to_string(i), "default@3", i % 3 ? Action::kRemove : Action::kReview);
  }
  post("q1", 1793600001, "music");  // posts stored ahead of their decisions, in another order
  post("q0", 1793600000, "finance");
  decide("q0", "default@3", Action::kWithhold);
  decide("nopost", "default@3", Action::kLabel);  // no post stored
  ASSERT_TRUE(store->Commit().ok());
  skip_ids_to(70000);
  decide("q1", "default@3", Action::kAllow);
  decide("p3", "default@4", Action::kRemove);  // an old post under a new policy
  post("p3", 1793500003, "elections");         // and the post edited since
  skip_ids_to(200000);
  decide("p4", "default@4", Action::kRemove);

  const std::vector<std::string> expected = store_test::ExpectedFacts(*store);
  ASSERT_EQ(expected.size(), 27u);
  EXPECT_EQ(*store->CountDecisionFacts(), 27);
  store_test::FactsReader reader(*store);
  std::vector<std::string> whole;
  ASSERT_TRUE(reader.Scan(ScanSlice{}, &whole).ok());
  EXPECT_EQ(whole, expected);  // same rows, same storage order
  EXPECT_TRUE(std::any_of(whole.begin(), whole.end(), [](const std::string& r) {
    return r.rfind("default@4|remove|", 0) == 0 && r.find("|1793500003|") != std::string::npos &&
           r.find("|health|ur|PK") != std::string::npos;
  })) << "a post edited after its decision is a new version: the decision keeps the facts of the one it was about";
  EXPECT_TRUE(std::any_of(whole.begin(), whole.end(), [](const std::string& r) {
    return r.rfind("default@3|label|", 0) == 0 && r.find("||ur|PK") != std::string::npos;
  })) << "a decision without a post has its own lang and region and no topic";
  // Two or three slices: disjoint, and together every decision.
  for (int parts : {2, 3}) {
    std::vector<std::string> joined;
    for (int k = 0; k < parts; ++k) {
      std::vector<std::string> part;
      ASSERT_TRUE(reader.Scan(ScanSlice{k, parts}, &part).ok());
      if (parts == 2) {
        EXPECT_EQ(part.size(), k == 0 ? 22u : 5u);  // block 0 | blocks 1 and 3
      }
      joined.insert(joined.end(), part.begin(), part.end());
    }
    std::vector<std::string> a = joined, b = expected;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << parts << " slices";
  }
  EXPECT_TRUE(reader.ProfilesConsistent());
  // Inside a batch too, and it stops early; slices that do not exist are refused.
  ASSERT_TRUE(store->Begin().ok());
  decide("p5", "default@5", Action::kRemove);
  int seen = 0;
  EXPECT_TRUE(store->ScanDecisionFacts(ScanSlice{}, [&](const DecisionFacts&) { return ++seen < 3; }).ok());
  EXPECT_EQ(seen, 3);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_FALSE(store->ScanDecisionFacts(ScanSlice{2, 2}, [](const DecisionFacts&) { return true; }).ok());
  EXPECT_FALSE(store->ScanDecisionFacts(ScanSlice{0, 0}, [](const DecisionFacts&) { return true; }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace evenhand
