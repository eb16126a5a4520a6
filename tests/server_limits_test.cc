// Limits, errors and shutdown of `evenhand serve`, in process: oversized,
// deep and malformed bodies store nothing; per-key rate limits; the key
// format; dashboard files; and a graceful stop that loses nothing it
// acknowledged.
#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>

#include "server/json_body.h"
#include "server/rate_limiter.h"
#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

std::string Post(const std::string& id, const std::string& text) {
  return json{{"id", id}, {"text", text}, {"region", "PK"}}.dump();
}

TEST(ServerUnits, KeysAreWellFormedAndCheckedByHash) {
  auto k = GenerateApiKey(Role::kModerator, "", "m", 1);
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE(ApiKeyId(k->key).has_value());
  EXPECT_EQ(*ApiKeyId(k->key), k->record.id);
  EXPECT_EQ(k->record.hash.size(), 64u);
  EXPECT_EQ(k->record.hash.find(k->key), std::string::npos);
  EXPECT_TRUE(ApiKeyMatches(k->key, k->record.hash));
  std::string other = k->key;
  other[other.size() - 1] = other.back() == 'x' ? 'y' : 'x';
  EXPECT_FALSE(ApiKeyMatches(other, k->record.hash));
  EXPECT_FALSE(ApiKeyId("ehk_1234567_" + std::string(43, 'a')).has_value());
  EXPECT_FALSE(ApiKeyId(k->key + "a").has_value());
  auto k2 = GenerateApiKey(Role::kModerator, "", "m", 1);
  EXPECT_NE(k2->key, k->key);
  EXPECT_FALSE(GenerateApiKey(Role::kAuthority, "", "", 1).ok());
  EXPECT_FALSE(GenerateApiKey(Role::kAdmin, "pta", "", 1).ok());
}

TEST(ServerUnits, JsonDepthCountsOutsideStrings) {
  EXPECT_EQ(JsonDepth(R"({"a":[1,{"b":2}]})", 32), 3);
  EXPECT_EQ(JsonDepth(R"({"a":"[[[[{{{{"})", 32), 1);
  EXPECT_EQ(JsonDepth(R"({"a":"\"[[["})", 32), 1);
  EXPECT_EQ(JsonDepth(std::string(100000, '['), 32), 33);
}

TEST(ServerUnits, RateLimiterRefills) {
  RateLimiter limiter(10, 2);
  int retry = 0;
  EXPECT_TRUE(limiter.Allow("k", 0, &retry));
  EXPECT_TRUE(limiter.Allow("k", 0, &retry));
  EXPECT_FALSE(limiter.Allow("k", 0, &retry));
  EXPECT_GE(retry, 1);
  EXPECT_TRUE(limiter.Allow("other", 0, &retry));
  EXPECT_TRUE(limiter.Allow("k", 100'000'000, &retry));  // 0.1 s later: one token back
  EXPECT_FALSE(limiter.Allow("k", 100'000'000, &retry));
  RateLimiter off(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.Allow("k", 0, &retry));
}

TEST(ServerLimits, BadBodiesGet4xxAndStoreNothing) {
  TestServer s([](ServerOptions& o) {
    o.http.max_body = 4096;
    o.max_batch = 5;
  });
  ASSERT_EQ(s.Call("POST", "/v1/scan", "moderator", Post("ok-1", "free money")).status, 200);
  const int64_t decisions = s.Decisions(), audit = s.AuditEntries(), cases = s.Cases();

  // Oversized.
  Reply r = s.Call("POST", "/v1/scan", "moderator", Post("big", std::string(5000, 'a')));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.code(), "body_too_large");
  r = s.Call("POST", "/v1/orders", "authority", std::string(10000, ' ') + "{}");
  EXPECT_EQ(r.status, 413);
  // Too many items.
  json items = json::array();
  for (int i = 0; i < 6; ++i) items.push_back(json::parse(Post("many-" + std::to_string(i), "x")));
  r = s.Call("POST", "/v1/scan/batch", "moderator", json{{"items", items}}.dump());
  EXPECT_EQ(r.status, 413);
  // Too deep.
  std::string deep = R"({"id":"deep","text":"x","extra":)" + std::string(40, '[') + std::string(40, ']') + "}";
  r = s.Call("POST", "/v1/scan", "moderator", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "too_deep");
  r = s.Call("POST", "/v1/orders", "authority", std::string(64, '[') + std::string(64, ']'));
  EXPECT_EQ(r.code(), "too_deep");
  // Malformed, in many ways; a fixed seed so a failure can be replayed.
  std::mt19937 rng(8);
  const std::string valid = json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                                 {"category", "unlawful_content_s37"},
                                 {"targets", json::array({{{"item", "ok-1"}}})},
                                 {"reference", "X"}}
                                .dump();
  std::vector<std::string> bad = {"", "null", "[]", "42", "\"str\"", "{", "{\"a\":}", "\xff\xfe", "{\"id\":\"\\u0000\"}",
                                  R"({"id":"a\nb","text":"x"})", R"({"id":1,"text":2})"};
  for (int i = 0; i < 60; ++i) {
    std::string m = valid.substr(0, rng() % valid.size());  // truncated
    bad.push_back(m);
    std::string flipped = valid;
    flipped[rng() % flipped.size()] = "{}[]\",:\\"[rng() % 8];
    if (json::parse(flipped, nullptr, false).is_discarded()) bad.push_back(flipped);
  }
  for (const std::string& body : bad) {
    for (const char* path : {"/v1/scan", "/v1/scan/batch", "/v1/orders", "/v1/datarequests", "/v1/keys"}) {
      const char* who = std::string(path) == "/v1/keys" ? "admin" : (std::string(path).find("scan") != std::string::npos
                                                                          ? "moderator"
                                                                          : "authority");
      Reply br = s.Call("POST", path, who, body);
      SCOPED_TRACE(std::string(path) + " <- " + body);
      EXPECT_GE(br.status, 400);
      EXPECT_LT(br.status, 500);
      EXPECT_FALSE(br.code().empty()) << br.body;
    }
  }
  EXPECT_EQ(s.Decisions(), decisions);
  EXPECT_EQ(s.AuditEntries(), audit);
  EXPECT_EQ(s.Cases(), cases);
  // Still serving.
  EXPECT_EQ(s.Call("GET", "/healthz", "").status, 200);
}

TEST(ServerLimits, RateLimitPerKey) {
  TestServer s([](ServerOptions& o) {
    o.rate_limit = 0.01;  // one token per 100 s: no refill during the test, however slow
    o.rate_burst = 3;
  });
  int ok = 0, limited = 0;
  Reply last;
  for (int i = 0; i < 5; ++i) {
    Reply r = s.Call("GET", "/v1/me", "auditor");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      last = r;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(last.code(), "rate_limited");
  EXPECT_FALSE(last.retry_after.empty());
  // Another key has its own bucket.
  EXPECT_EQ(s.Call("GET", "/v1/me", "moderator").status, 200);
}

TEST(ServerLimits, ServesDashboardFiles) {
  const auto web = std::filesystem::temp_directory_path() / ("evenhand-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>evenhand</title>";
  std::ofstream(web / "assets" / "app.js") << "console.log(1);";
  {
    TestServer s([&](ServerOptions& o) { o.web_dir = web.string(); });
    Reply r = s.Call("GET", "/", "");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<title>evenhand</title>"), std::string::npos);
    EXPECT_NE(r.content_type.find("text/html"), std::string::npos);
    r = s.Call("GET", "/assets/app.js", "");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.content_type.find("javascript"), std::string::npos);
    r = s.Call("GET", "/assets/../../etc/passwd", "");
    EXPECT_EQ(r.status, 400);  // a dot segment: refused before any file lookup
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_EQ(s.Call("GET", "/missing.css", "").code(), "no_route");
    EXPECT_EQ(s.Call("GET", "/v1/me", "admin").status, 200);  // the API is not shadowed
  }
  std::filesystem::remove_all(web);
}

TEST(ServerLimits, GracefulStopLosesNothingAcknowledged) {
  TestServer s;
  std::atomic<bool> go{true};
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      httplib::Client cli("127.0.0.1", s.port());
      const httplib::Headers h = {{"Authorization", "Bearer " + s.key("moderator")}};
      for (int i = 0; go.load(); ++i) {
        const std::string id = "stop-" + std::to_string(t) + "-" + std::to_string(i);
        auto r = cli.Post("/v1/scan", h, Post(id, "free money " + id), "application/json");
        if (!r) break;  // the server closed the connection
        if (r->status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(id);
        } else {
          EXPECT_EQ(r->status, 503) << r->body;
          break;
        }
      }
    });
  // Stop while the clients are sending: once some scans were acknowledged
  // (however slow the machine or the sanitizer), not at a fixed time.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acknowledged.size() >= 20) break;
    }
    if (std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  s.Stop();
  go.store(false);
  for (auto& c : clients) c.join();
  EXPECT_TRUE(s.run_status().ok()) << s.run_status().message();
  ASSERT_GE(acknowledged.size(), 20u);
  std::set<std::string> stored;
  auto store = OpenStore(s.db(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->ForEachDecision("", [&](const StoredDecision& d) {
    stored.insert(d.decision.item);
    return true;
  }).ok());
  for (const std::string& id : acknowledged) EXPECT_TRUE(stored.count(id)) << id << " was acknowledged but not stored";
  auto verify = VerifyAudit(**store);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
}

}  // namespace
}  // namespace evenhand::server::test

namespace evenhand::server::test {
namespace {

// `evenhand serve` as a process: it prints where it listens, answers, and on
// SIGTERM stops with exit code 0 after committing what it acknowledged.
TEST(ServerProcess, SigtermStopsGracefully) {
  TestServer fixture;  // a store with keys (its own server is not used)
  fixture.Stop();
  const std::string log = (fixture.dir() / "serve.log").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stderr);
    ::execl(EVENHAND_BINARY, EVENHAND_BINARY, "serve", "--db", fixture.db().c_str(), "--policy",
            (kSource + "/examples/policy.yaml").c_str(), "--regimes", (kSource + "/policies/regimes").c_str(),
            "--listen", "127.0.0.1:0", "--no-web", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int port = 0;
  for (int i = 0; i < 200 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t at = text.find("listening on http://127.0.0.1:");
    if (at != std::string::npos) port = std::atoi(text.c_str() + at + std::strlen("listening on http://127.0.0.1:"));
  }
  ASSERT_GT(port, 0) << "serve did not start";
  httplib::Client cli("127.0.0.1", port);
  auto r = cli.Post("/v1/scan", {{"Authorization", "Bearer " + fixture.key("moderator")}},
                    Post("sigterm-1", "free money"), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  bool stored = false;
  auto store = OpenStore(fixture.db(), OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->ForEachDecision("", [&](const StoredDecision& d) {
    stored = stored || d.decision.item == "sigterm-1";
    return true;
  }).ok());
  EXPECT_TRUE(stored);
}

}  // namespace
}  // namespace evenhand::server::test
