// `evenhand serve --policy-key` (issue 18 point 3: "workers and servers
// hot-swap to the new version atomically and expose the version they run in
// /metrics; a worker that cannot load it keeps the old and says so"). Two
// serve processes on one PostgreSQL store follow one key of the policy
// bucket: each runs the revision published at its start, swaps to the next
// one published while it serves (GET /v1/policy, /metrics, and the decision
// /v1/scan returns all change), audits the swap under its own name, keeps
// the running policy when a revision does not load (and counts it), and
// refuses POST /v1/policy/reload. A serve given a key with nothing published
// exits 1 saying how to publish one. One nats-server and one PostgreSQL
// cluster for the binary (tests/nats_server.h, tests/pg_cluster.h).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "free_port.h"
#include "nats_server.h"
#include "pg_test.h"
#include "stream/nats_client.h"
#include "stream_test_util.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using e2e::Exec;
using testing::ReadAll;
using testing::WaitUntil;

class ServePolicy : public testing::StreamCaseTest {
 protected:
  void SetUp() override {
    StreamCaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    key_ = "serve_" + db_;
  }
  std::string Publish(int version) {
    e2e::Outcome out =
        Exec("policy publish --nats " + nats_ + " --key " + key_ + " " + (dir_ / "policy" / ("v" + std::to_string(version) + ".yaml")).string());
    EXPECT_EQ(out.exit_code, 0) << out.out;
    return out.out;
  }
  std::vector<std::string> ServeArgs(int port) const {
    return {"serve", "--db", url_, "--policy-key", key_, "--nats", nats_, "--policy-poll-ms", "100", "--no-web",
            "--listen", "127.0.0.1:" + std::to_string(port), "--threads", "1", "--workers", "4"};
  }
  std::string key_;
};

// An answer of a serve on 127.0.0.1:PORT with the bearer `key`.
struct Answer {
  int status = 0;
  nlohmann::json json;
};
Answer Call(int port, const std::string& method, const std::string& path, const std::string& key,
            const std::string& body = "") {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(10, 0);
  httplib::Headers h{{"Authorization", "Bearer " + key}};
  httplib::Result r = method == "GET" ? cli.Get(path.c_str(), h) : cli.Post(path.c_str(), h, body, "application/json");
  Answer a;
  if (!r) return a;
  a.status = r->status;
  a.json = nlohmann::json::parse(r->body, nullptr, false);
  return a;
}

TEST_F(ServePolicy, ServersFollowThePublishedPolicyAndKeepItWhenARevisionDoesNotLoad) {
  testing::WritePolicy(dir_ / "policy", 1, "review");
  testing::WritePolicy(dir_ / "policy", 2, "remove");
  // Nothing published yet: serve says so and exits 1.
  e2e::Outcome early = Exec("serve --db " + url_ + " --policy-key " + key_ + " --nats " + nats_ + " --listen 127.0.0.1:0");
  EXPECT_EQ(early.exit_code, 1) << early.out;
  EXPECT_NE(early.out.find("no policy published under evenhand_policies/" + key_), std::string::npos) << early.out;
  EXPECT_NE(early.out.find("evenhand policy publish"), std::string::npos) << early.out;
  // Both --policy and --policy-key: refused.
  e2e::Outcome both = Exec("serve --db " + url_ + " --policy examples/policy.yaml --policy-key " + key_);
  EXPECT_EQ(both.exit_code, 1) << both.out;
  EXPECT_NE(both.out.find("not both"), std::string::npos) << both.out;

  Publish(1);
  auto client = stream::NatsClient::Connect(nats_, "evenhand test");
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const uint64_t rev1 = (*client)->KvGet("evenhand_policies", key_)->revision;

  ASSERT_TRUE(e2e::RegisterPeople(url_, {"mod"}));
  e2e::Outcome made = Exec("keys create --db " + url_ + " --actor admin --person mod --role moderator", false);
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::string key = nlohmann::json::parse(made.out).at("key");
  made = Exec("keys create --db " + url_ + " --actor admin --person admin --role admin", false);
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::string admin = nlohmann::json::parse(made.out).at("key");

  const int ports[2] = {testing::FreeLoopbackPort(), testing::FreeLoopbackPort()};
  const std::string logs[2] = {(dir_ / "serve-a.log").string(), (dir_ / "serve-b.log").string()};
  struct Reap {  // the servers are killed if the test ends early
    pid_t pid[2] = {-1, -1};
    ~Reap() {
      for (pid_t p : pid)
        if (p > 0 && kill(p, SIGKILL) == 0) waitpid(p, nullptr, 0);
    }
  } r;
  for (int i = 0; i < 2; ++i) r.pid[i] = testing::Spawn(ServeArgs(ports[i]), logs[i]);
  auto running = [&](int i, const std::string& id) {
    Answer a = Call(ports[i], "GET", "/v1/policy", key);
    return a.status == 200 && a.json.value("id", "") == id;
  };
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(WaitUntil([&] { return running(i, "hot@1"); }, 30)) << ReadAll(logs[i]);

  // Revision 1 answers: the scam rule reviews.
  const std::string post = R"({"id":"ID","account":"a1","ts":"2026-11-20T10:00:00Z","lang":"en","text":"free money, send your bank password"})";
  auto scan = [&](int i, const std::string& id) {
    std::string body = post;
    body.replace(body.find("ID"), 2, id);
    return Call(ports[i], "POST", "/v1/scan", key, body);
  };
  for (int i = 0; i < 2; ++i) {
    Answer policy = Call(ports[i], "GET", "/v1/policy", key);
    EXPECT_EQ(policy.json.value("source", ""), "nats evenhand_policies/" + key_) << policy.json.dump();
    EXPECT_EQ(policy.json.value("revision", uint64_t{0}), rev1) << policy.json.dump();
    Answer a = scan(i, "one" + std::to_string(i));
    ASSERT_EQ(a.status, 200) << a.json.dump();
    EXPECT_EQ(a.json.value("policy", ""), "hot@1");
    EXPECT_EQ(a.json.value("action", ""), "review") << a.json.dump();
    EXPECT_NE(testing::HttpGet(ports[i], "/metrics")
                  .find("evenhand_policy_info{policy=\"hot@1\",revision=\"" + std::to_string(rev1) + "\"} 1\n"),
              std::string::npos);
    // Reloading from a file is refused: the bucket is the source.
    Answer reload = Call(ports[i], "POST", "/v1/policy/reload", admin, "{}");
    EXPECT_EQ(reload.status, 409) << reload.json.dump();
  }

  // Revision 2, published while both serve: both swap to it.
  Publish(2);
  const uint64_t rev2 = (*client)->KvGet("evenhand_policies", key_)->revision;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(WaitUntil([&] { return running(i, "hot@2"); }, 20)) << ReadAll(logs[i]);
    Answer a = scan(i, "two" + std::to_string(i));
    ASSERT_EQ(a.status, 200) << a.json.dump();
    EXPECT_EQ(a.json.value("policy", ""), "hot@2");
    EXPECT_EQ(a.json.value("action", ""), "remove") << a.json.dump();
    const std::string metrics = testing::HttpGet(ports[i], "/metrics");
    EXPECT_NE(metrics.find("evenhand_policy_info{policy=\"hot@2\",revision=\"" + std::to_string(rev2) + "\"} 1\n"),
              std::string::npos) << metrics;
    EXPECT_NE(metrics.find("evenhand_policy_swaps_total 1\n"), std::string::npos) << metrics;
  }

  // A revision that does not load: both keep hot@2, count it and say so.
  ASSERT_TRUE((*client)->KvPut("evenhand_policies", key_, "not a policy bundle", nullptr).ok());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(WaitUntil([&] {
      return testing::HttpGet(ports[i], "/metrics").find("evenhand_policy_load_failures_total 1\n") != std::string::npos;
    }, 20)) << ReadAll(logs[i]);
    EXPECT_TRUE(running(i, "hot@2"));
    Answer a = scan(i, "three" + std::to_string(i));
    EXPECT_EQ(a.json.value("policy", ""), "hot@2") << a.json.dump();
  }
  client->reset();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(kill(r.pid[i], SIGTERM), 0);
    EXPECT_TRUE(testing::ExitedCleanly(r.pid[i])) << ReadAll(logs[i]);
    r.pid[i] = -1;
    const std::string log = ReadAll(logs[i]);
    EXPECT_NE(log.find("now running hot@2 (revision " + std::to_string(rev2) + ")"), std::string::npos) << log;
    EXPECT_NE(log.find("cannot load: policy bundle: not an evenhand policy bundle (no header); keeping hot@2"), std::string::npos)
        << log;
  }
  // Each server audited its own swap; the chain verifies.
  EXPECT_EQ(Query("SELECT count(*) FROM audit WHERE action = 'policy.reload' AND subject = 'hot@2'"), "2");
  EXPECT_EQ(Query("SELECT count(DISTINCT actor) FROM audit WHERE action = 'policy.reload'"), "2");
  EXPECT_EQ(Query("SELECT count(*) FROM decisions WHERE policy = 'hot@2'"), "4");
  e2e::Outcome verify = Exec("audit verify --db " + url_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

}  // namespace
}  // namespace evenhand
