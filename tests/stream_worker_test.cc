// Stream ingest and workers end to end (issue 18 point 3): `evenhand
// ingest` publishes a JSONL file to NATS JetStream, two `evenhand worker`
// processes decide it into one PostgreSQL store, and one of them is killed
// with SIGKILL several times mid-stream (and started again). Afterwards
// every ingested post has exactly one stored decision, the same one `scan`
// reaches; DECISIONS holds one message per post; the audit chain verifies;
// ingesting the file again adds nothing. Then the same with nats-server
// killed (SIGKILL) and PostgreSQL stopped as by a crash while the workers
// run: they back off, say so, resume and lose nothing. And policies through
// the key-value bucket: `policy publish` refuses a policy that does not
// check; a worker following the key swaps to each new revision between
// batches, mid-stream, without losing or double-deciding a post, shows the
// version it runs in /metrics, and keeps the old one when a revision does
// not load. One nats-server (tests/
// nats_server.h) and one PostgreSQL cluster (tests/pg_cluster.h) for the
// binary; each case has its own database and its own streams (POSTS_tN,
// DECISIONS_tN), so what one case leaves behind never reaches another.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>


#include "e2e_util.h"
#include "free_port.h"
#include "nats_server.h"
#include "pg_test.h"
#include "stream_test_util.h"
#include "store/store.h"
#include "stream/nats_client.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using e2e::Exec;
using testing::ExitedCleanly;
using testing::HttpGet;
using testing::ReadAll;
using testing::Spawn;
using testing::WaitUntil;
using testing::WritePolicy;

class StreamWorkers : public testing::StreamCaseTest {
 protected:
  void SetUp() override {
    StreamCaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    posts_ = "POSTS_" + db_;
    decisions_ = "DECISIONS_" + db_;
    streams_ = " --stream " + posts_ + " --subject posts-" + db_;
  }
  // `evenhand worker` on this case's streams and database.
  std::vector<std::string> WorkerArgs(const std::string& nats, const std::string& ack_wait_ms,
                                      const std::string& idle_exit) const {
    return {"worker", "--nats", nats, "--db", url_, "--policy", "examples/policy.yaml", "--now",
            "2026-11-30T00:00:00Z", "--batch", "20", "--ack-wait-ms", ack_wait_ms, "--idle-exit", idle_exit,
            "--stream", posts_, "--subject", "posts-" + db_, "--decisions-stream", decisions_,
            "--decisions-subject", "decisions-" + db_};
  }
  int64_t Count(const std::string& sql) {
    const std::string out = Query(sql);
    return out.empty() ? -1 : std::stoll(out);
  }
  std::string posts_, decisions_, streams_;  // this case's stream names; streams_: ingest's options
};

// `n` posts with ids PREFIX0, PREFIX1, ..., some of them scams by the
// example policy's terms, from 40 accounts.
void WritePosts(const std::string& path, int n, const std::string& prefix) {
  std::ofstream out(path);
  for (int a = 0; a < 40; ++a)
    out << R"({"kind":"account","id":"acct)" << a << R"(","created":"2026-0)" << (1 + a % 9)
        << R"(-01T00:00:00Z","country":"PK"})" << "\n";
  for (int i = 0; i < n; ++i) {
    const char* text = i % 5 == 0   ? "free money! send your bank password to claim the prize"
                       : i % 7 == 0 ? "buy followers cheap, guaranteed crypto returns"
                                    : "a photo of the river at dusk";
    out << R"({"kind":"post","id":")" << prefix << i << R"(","account":"acct)" << i % 40
        << R"(","ts":"2026-11-20T10:00:00Z","lang":"en","text":")" << text << " #" << i << R"("})" << "\n";
  }
}

TEST_F(StreamWorkers, EveryPostIsDecidedOnceWhenWorkersAreKilled) {
  constexpr int kPosts = 3000;
  const std::string posts = (dir_ / "posts.jsonl").string();
  WritePosts(posts, kPosts, "s");
  const std::string& nats = nats_;
  e2e::Outcome ingest = Exec("ingest " + posts + " --nats " + nats + streams_);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_NE(ingest.out.find("published 3000 posts"), std::string::npos) << ingest.out;

  ASSERT_TRUE(OpenStore(url_).ok());  // the tables, before the workers race to make them
  const std::vector<std::string> worker = WorkerArgs(nats, "1500", "4");
  const std::string log_a = (dir_ / "worker-a.log").string(), log_b = (dir_ / "worker-b.log").string();
  pid_t a = Spawn(worker, log_a);
  pid_t b = Spawn(worker, log_b);
  // Kill worker A with SIGKILL at a few points of the stream, and start it again.
  int kills = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int64_t next = kPosts / 6; kills < 4 && std::chrono::steady_clock::now() < give_up;) {
    const int64_t stored = Count("SELECT count(*) FROM decisions");
    if (stored >= kPosts) break;
    if (stored >= next) {
      ASSERT_EQ(kill(a, SIGKILL), 0);
      waitpid(a, nullptr, 0);
      ++kills;
      next += kPosts / 6;
      a = Spawn(worker, log_a);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t p : {a, b}) {  // both end once the stream is empty for 4 s
    int status = 0;
    ASSERT_EQ(waitpid(p, &status, 0), p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << std::ifstream(p == a ? log_a : log_b).rdbuf();
  }
  EXPECT_GE(kills, 2) << "the workers finished before they could be killed mid-stream";

  // Every post decided once, and as `scan` decides it.
  EXPECT_EQ(Count("SELECT count(*) FROM decisions"), kPosts);
  EXPECT_EQ(Count("SELECT count(DISTINCT item) FROM decisions"), kPosts);
  EXPECT_EQ(Count("SELECT count(*) FROM posts"), kPosts);
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'decision'"), kPosts);
  e2e::Outcome scan = Exec("scan " + posts + " --policy examples/policy.yaml --now 2026-11-30T00:00:00Z "
                           "--detect-lang always --quiet", false);
  ASSERT_EQ(scan.exit_code, 0);
  std::map<std::string, int64_t> by_action;
  for (const auto& d : e2e::JsonLines(scan.out)) ++by_action[d.value("action", "")];
  ASSERT_GE(by_action.size(), 2u);
  for (const auto& [action, n] : by_action)
    EXPECT_EQ(Count("SELECT count(*) FROM decisions WHERE action = '" + action + "'"), n) << action;

  auto client = stream::NatsClient::Connect(nats, "evenhand test");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(*(*client)->StreamMessages(decisions_), static_cast<uint64_t>(kPosts));  // no duplicate message id
  EXPECT_EQ(*(*client)->StreamMessages(posts_), static_cast<uint64_t>(kPosts));
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;

  // The same file again: JetStream drops every post (same message ids).
  ingest = Exec("ingest " + posts + " --nats " + nats + streams_);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_EQ(*(*client)->StreamMessages(posts_), static_cast<uint64_t>(kPosts));
  client->reset();
}

TEST_F(StreamWorkers, WorkersRideOutANatsKillAndAPostgresCrash) {
  constexpr int kPosts = 2000;
  const std::string posts = (dir_ / "posts.jsonl").string();
  WritePosts(posts, kPosts, "f");
  testing::NatsServer& server = testing::SharedNatsServer();
  testing::PgCluster& pg = testing::SharedPgCluster();
  const std::string nats = server.url();
  e2e::Outcome ingest = Exec("ingest " + posts + " --nats " + nats + streams_);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;

  ASSERT_TRUE(OpenStore(url_).ok());
  const std::vector<std::string> worker = WorkerArgs(nats, "3000", "8");
  const std::string log_a = (dir_ / "worker-a.log").string(), log_b = (dir_ / "worker-b.log").string();
  pid_t a = Spawn(worker, log_a);
  pid_t b = Spawn(worker, log_b);
  auto wait_for = [&](int64_t stored) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (Count("SELECT count(*) FROM decisions") < stored && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  wait_for(kPosts / 4);
  server.Kill();  // NATS gone for a second: fetches, publishes and acks fail
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(server.Start()) << server.error();
  wait_for(kPosts / 2);
  ASSERT_TRUE(pg.StopImmediate());  // PostgreSQL crashes for a second: commits fail
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(pg.StartAgain()) << pg.error();
  EXPECT_TRUE(ExitedCleanly(a)) << ReadAll(log_a);
  EXPECT_TRUE(ExitedCleanly(b)) << ReadAll(log_b);

  EXPECT_EQ(Count("SELECT count(*) FROM decisions"), kPosts);
  EXPECT_EQ(Count("SELECT count(DISTINCT item) FROM decisions"), kPosts);
  EXPECT_EQ(Count("SELECT count(*) FROM audit WHERE action = 'decision'"), kPosts);
  auto client = stream::NatsClient::Connect(nats, "evenhand test");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(*(*client)->StreamMessages(decisions_), static_cast<uint64_t>(kPosts));
  client->reset();
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  // The workers said what they were doing.
  const std::string logs = ReadAll(log_a) + ReadAll(log_b);
  EXPECT_NE(logs.find("store: "), std::string::npos) << logs;
  EXPECT_NE(logs.find("trying again"), std::string::npos) << logs;
  EXPECT_NE(logs.find("ok again"), std::string::npos) << logs;
}

TEST_F(StreamWorkers, PublishedPoliciesAreSwappedInMidStream) {
  const std::string& nats = nats_;
  const fs::path pol = dir_ / "policy";
  WritePolicy(pol, 1, "review");
  WritePolicy(pol, 2, "label");
  WritePolicy(pol, 3, "remove");
  std::ofstream(pol / "bad.yaml") << "policy: hot\nversion: 9\nrules:\n  - id: x\n    when: list.nowhere\n"
                                  << "    action: review\n    category: scams_and_fraud\n    reason: r\n";
  const std::string key = "hot_" + db_;
  const std::string publish = "policy publish --nats " + nats + " --key " + key + " ";

  e2e::Outcome out = Exec(publish + (pol / "v1.yaml").string());
  ASSERT_EQ(out.exit_code, 0) << out.out;
  EXPECT_NE(out.out.find("published hot@1 as evenhand_policies/" + key), std::string::npos) << out.out;
  auto client = stream::NatsClient::Connect(nats, "evenhand test");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const uint64_t rev1 = (*client)->KvGet("evenhand_policies", key)->revision;
  // A policy that does not check is refused, naming the problem; the key keeps its value.
  out = Exec(publish + (pol / "bad.yaml").string());
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.out.find("bad.yaml:5:"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("nothing published"), std::string::npos) << out.out;
  EXPECT_EQ((*client)->KvGet("evenhand_policies", key)->revision, rev1);

  // The worker runs revision 1 and shows it in /metrics.
  ASSERT_TRUE(OpenStore(url_).ok());
  const int port = testing::FreeLoopbackPort();
  std::vector<std::string> worker = WorkerArgs(nats, "3000", "6");
  worker[5] = "--policy-key";  // instead of --policy FILE
  worker[6] = key;
  worker[10] = "5";  // --batch 5: the stream takes long enough to swap in the middle of it
  for (const char* a : {"--control-poll-ms", "100", "--metrics-listen"}) worker.push_back(a);
  worker.push_back("127.0.0.1:" + std::to_string(port));
  const std::string log = (dir_ / "worker.log").string();
  const std::string posts_a = (dir_ / "a.jsonl").string(), posts_b = (dir_ / "b.jsonl").string();
  WritePosts(posts_a, 500, "a");
  WritePosts(posts_b, 4000, "b");
  ASSERT_EQ(Exec("ingest " + posts_a + " --nats " + nats + streams_).exit_code, 0);
  struct Reap {  // the worker is killed if the test ends early
    pid_t pid;
    ~Reap() {
      if (pid > 0 && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } w{Spawn(worker, log)};
  ASSERT_TRUE(WaitUntil([&] { return Count("SELECT count(*) FROM decisions") == 500; }, 60)) << ReadAll(log);
  std::string metrics = HttpGet(port, "/metrics");
  EXPECT_NE(metrics.find("evenhand_worker_policy_info{policy=\"hot@1\",revision=\"" + std::to_string(rev1) + "\"} 1"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("evenhand_worker_messages_decided_total 500\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("evenhand_worker_lag_messages "), std::string::npos) << metrics;
  EXPECT_NE(HttpGet(port, "/other").find("404 Not Found"), std::string::npos);

  // Revision 2, then the 4,000 posts; revision 3 while they are being decided.
  ASSERT_EQ(Exec(publish + (pol / "v2.yaml").string()).exit_code, 0);
  ASSERT_TRUE(WaitUntil([&] { return HttpGet(port, "/metrics").find("policy=\"hot@2\"") != std::string::npos; }, 20))
      << ReadAll(log);
  ASSERT_EQ(Exec("ingest " + posts_b + " --nats " + nats + streams_).exit_code, 0);
  ASSERT_TRUE(WaitUntil([&] { return Count("SELECT count(*) FROM decisions") >= 1000; }, 60)) << ReadAll(log);
  ASSERT_EQ(Exec(publish + (pol / "v3.yaml").string()).exit_code, 0);
  const int64_t at_swap = Count("SELECT count(*) FROM decisions");
  EXPECT_LT(at_swap, 4500) << "the stream was decided before revision 3 came: no mid-stream swap was tried";
  ASSERT_TRUE(WaitUntil([&] { return HttpGet(port, "/metrics").find("policy=\"hot@3\"") != std::string::npos; }, 20))
      << ReadAll(log);
  // A revision that does not load: the worker keeps hot@3 and says so.
  ASSERT_TRUE((*client)->KvPut("evenhand_policies", key, "not a policy bundle", nullptr).ok());
  ASSERT_TRUE(WaitUntil([&] {
    return HttpGet(port, "/metrics").find("evenhand_worker_policy_load_failures_total 1\n") != std::string::npos;
  }, 20)) << ReadAll(log);
  EXPECT_NE(HttpGet(port, "/metrics").find("policy=\"hot@3\""), std::string::npos);
  ASSERT_TRUE(ExitedCleanly(w.pid)) << ReadAll(log);
  w.pid = -1;
  const std::string logs = ReadAll(log);
  EXPECT_NE(logs.find("now running hot@3"), std::string::npos) << logs;
  EXPECT_NE(logs.find("cannot load: policy bundle: not an evenhand policy bundle"), std::string::npos) << logs;
  EXPECT_NE(logs.find("keeping hot@3"), std::string::npos) << logs;

  // Every post decided once, each by one version: A by 1, B by 2 or 3 (3 at least from the swap on).
  EXPECT_EQ(Count("SELECT count(*) FROM decisions"), 4500);
  EXPECT_EQ(Count("SELECT count(DISTINCT item) FROM decisions"), 4500);
  EXPECT_EQ(Count("SELECT count(*) FROM decisions WHERE item LIKE 'a%' AND policy = 'hot@1'"), 500);
  const int64_t b2 = Count("SELECT count(*) FROM decisions WHERE item LIKE 'b%' AND policy = 'hot@2'");
  const int64_t b3 = Count("SELECT count(*) FROM decisions WHERE item LIKE 'b%' AND policy = 'hot@3'");
  EXPECT_EQ(b2 + b3, 4000);
  EXPECT_GE(b2, 500);
  EXPECT_GT(b3, 0);
  // The versions' rules really decided: scams (every 5th and 7th post) got each version's action.
  EXPECT_GT(Count("SELECT count(*) FROM decisions WHERE policy = 'hot@2' AND action = 'label'"), 0);
  EXPECT_GT(Count("SELECT count(*) FROM decisions WHERE policy = 'hot@3' AND action = 'remove'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM decisions WHERE policy = 'hot@3' AND action = 'label'"), 0);
  EXPECT_EQ(*(*client)->StreamMessages(decisions_), 4500u);
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  client->reset();
}

}  // namespace
}  // namespace evenhand
