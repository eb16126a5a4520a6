// Stream ingest and workers end to end (issue 18 point 3): `evenhand
// ingest` publishes a JSONL file to NATS JetStream, two `evenhand worker`
// processes decide it into one PostgreSQL store, and one of them is killed
// with SIGKILL several times mid-stream (and started again). Afterwards
// every ingested post has exactly one stored decision, the same one `scan`
// reaches; DECISIONS holds one message per post; the audit chain verifies;
// ingesting the file again adds nothing. Then the same with nats-server
// killed (SIGKILL) and PostgreSQL stopped as by a crash while the workers
// run: they back off, say so, resume and lose nothing. One nats-server (tests/
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
#include "nats_server.h"
#include "pg_cluster.h"
#include "store/store.h"
#include "stream/nats_client.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using e2e::Exec;

// `evenhand ARGS` in the background, its output in `log`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(e2e::kSource.c_str()) != 0) _exit(126);
    if (freopen(log.c_str(), "a", stdout) == nullptr || freopen(log.c_str(), "a", stderr) == nullptr) _exit(126);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(e2e::kBinary.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(e2e::kBinary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

class StreamWorkers : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PgCluster& pg = testing::SharedPgCluster();
    if (pg.missing()) GTEST_SKIP() << pg.error();
    ASSERT_TRUE(pg.ready()) << pg.error();
    testing::NatsServer& nats = testing::SharedNatsServer();
    if (nats.missing()) GTEST_SKIP() << nats.error();
    ASSERT_TRUE(nats.ready()) << nats.error();
    url_ = pg.NewDatabase();
    ASSERT_FALSE(url_.empty()) << pg.error();
    db_ = url_.substr(url_.rfind('/') + 1);
    dir_ = fs::path(nats.dir()) / db_;
    fs::create_directories(dir_);
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
    std::string out;
    EXPECT_TRUE(testing::SharedPgCluster().Query(db_, sql, &out)) << testing::SharedPgCluster().error();
    return out.empty() ? -1 : std::stoll(out);
  }
  std::string url_, db_;
  std::string posts_, decisions_, streams_;  // this case's stream names; streams_: ingest's options
  fs::path dir_;
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
  const std::string nats = testing::SharedNatsServer().url();
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

// Waits for `pid`; true when it exited 0.
bool ExitedCleanly(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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

}  // namespace
}  // namespace evenhand
