// The transport against hostile clients (issue 17), over raw sockets so the
// attacks are sent byte for byte: slow clients, a request that never ends,
// chunked bodies past the limit, NUL bytes and dot segments in paths, bodies
// that are not JSON, oversized headers, connection caps, idle connections.
// Each of these held a thread, was read whole, or was served on the
// thread-per-connection server this replaced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <sqlite3.h>

#include <atomic>
#include <fstream>

#include "e2e_util.h"
#include "server/client_key.h"
#include "store/sqlite/sqlite_store.h"
#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;
using Ms = std::chrono::milliseconds;

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A client socket on loopback that sends exactly what it is told.
class Raw {
 public:
  // `from`: the source address (any of loopback's 127.0.0.0/8); 0 = the kernel's choice.
  explicit Raw(int port, uint32_t from = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (from != 0) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      local.sin_addr.s_addr = htonl(from);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool connected() const { return connected_; }
  // False once the peer closed or reset the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until the peer closes, `until` appears, or `timeout` passes.
  std::string Read(Ms timeout, std::string_view until = {}) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<Ms>(end - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
      if (!until.empty() && out.find(until) != std::string::npos) break;
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string ScanBody(const std::string& id, size_t text_bytes) {
  return json{{"id", id}, {"text", std::string(text_bytes, 'a')}, {"region", "PK"}}.dump();
}

std::string Chunked(const std::string& body, size_t chunk) {
  std::string out;
  char size[32];
  for (size_t i = 0; i < body.size(); i += chunk) {
    const size_t n = std::min(chunk, body.size() - i);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out.append(body, i, n);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

// 100 clients that send one header byte every 200 ms (the read timeout of
// each read never fires) hold no thread: /healthz answers at once.
TEST(ServerAttack, SlowClientsDoNotStopHealthz) {
  TestServer s;
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(std::make_unique<Raw>(s.port()));
    ASSERT_TRUE(slow.back()->connected());
  }
  std::atomic<bool> go{true};
  std::thread trickle([&] {
    const std::string header = "POST /v1/scan HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (size_t i = 0; go.load(); ++i) {
      for (auto& r : slow) r->Send(std::string(1, i < header.size() ? header[i] : 'a'));
      std::this_thread::sleep_for(Ms(200));
    }
  });
  std::this_thread::sleep_for(Ms(500));  // every slow connection has started its request
  for (int i = 0; i < 5; ++i) {
    const auto t = std::chrono::steady_clock::now();
    Raw h(s.port());
    ASSERT_TRUE(h.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string r = h.Read(Ms(3000), "\"ok\"");
    EXPECT_EQ(StatusOf(r), 200) << r;
    EXPECT_LT(Since(t), 1.0);
  }
  EXPECT_EQ(s.Call("POST", "/v1/scan", "moderator", ScanBody("beside-slow", 10)).status, 200);
  go.store(false);
  trickle.join();
}

// A request that trickles in forever is cut at the whole-request deadline
// with 408, however often a byte arrives.
TEST(ServerAttack, WholeRequestDeadline) {
  TestServer s([](ServerOptions& o) { o.http.request_timeout_ms = 1000; });
  Raw r(s.port());
  const auto t = std::chrono::steady_clock::now();
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  std::string got;
  for (size_t i = 0; i < header.size() && Since(t) < 4; ++i) {
    if (!r.Send(std::string(1, header[i]))) break;
    got += r.Read(Ms(100));
    if (r.closed() || !got.empty()) break;
  }
  got += r.Read(Ms(1000));
  EXPECT_EQ(StatusOf(got), 408) << got;
  EXPECT_NE(got.find("\"timeout\""), std::string::npos);
  EXPECT_LT(Since(t), 2.5);
}

// A body announced and never sent: 408 at the deadline (not 400, not later).
TEST(ServerAttack, MissingBodyIs408AtTheDeadline) {
  TestServer s([](ServerOptions& o) { o.http.request_timeout_ms = 1000; });
  Raw r(s.port());
  const auto t = std::chrono::steady_clock::now();
  ASSERT_TRUE(r.Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.key("moderator") +
                     "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":"));
  const std::string got = r.Read(Ms(4000), "}}");
  EXPECT_EQ(StatusOf(got), 408) << got;
  EXPECT_GT(Since(t), 0.9);
  EXPECT_LT(Since(t), 2.5);
}

// A chunked body is counted as it arrives: past --max-body it is 413 and
// nothing is stored, with or without a key.
TEST(ServerAttack, ChunkedBodyOverTheLimitIs413AndStoresNothing) {
  TestServer s([](ServerOptions& o) { o.http.max_body = 4096; });
  const int64_t before = s.Decisions();
  Raw r(s.port());
  const std::string body = ScanBody("chunked-big", 100000);
  ASSERT_TRUE(r.Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.key("moderator") +
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  r.Send(Chunked(body, 1000));
  const std::string got = r.Read(Ms(5000), "}}");
  EXPECT_EQ(StatusOf(got), 413) << got.substr(0, 300);
  EXPECT_NE(got.find("body_too_large"), std::string::npos);
  EXPECT_EQ(s.Decisions(), before);
  // Under the limit, chunked is fine.
  Raw ok(s.port());
  ASSERT_TRUE(ok.Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.key("moderator") +
                      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      Chunked(ScanBody("chunked-small", 100), 7)));
  EXPECT_EQ(StatusOf(ok.Read(Ms(5000), "}")), 200);
  EXPECT_EQ(s.Decisions(), before + 1);
}

// Without a key, an endless chunked body is cut off after about --max-body:
// the server neither reads it whole nor holds it.
TEST(ServerAttack, EndlessChunkedBodyIsCutEarly) {
  TestServer s([](ServerOptions& o) { o.http.max_body = 65536; });
  Raw r(s.port());
  ASSERT_TRUE(r.Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "10000\r\n" + std::string(65536, 'x') + "\r\n";
  size_t sent = 0;
  const auto t = std::chrono::steady_clock::now();
  while (sent < (256u << 20) && Since(t) < 20) {
    if (!r.Send(chunk)) break;
    sent += chunk.size();
  }
  EXPECT_LT(sent, 32u << 20) << "the server kept reading";
}

// NUL bytes, control bytes, bad escapes and dot segments never reach a file
// or a route: 400.
TEST(ServerAttack, MalformedPathsAre400) {
  const auto web = std::filesystem::temp_directory_path() / ("evenhand-attack-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(web);
  std::ofstream(web / "index.html") << "<!doctype html><title>evenhand</title>";
  {
    TestServer s([&](ServerOptions& o) { o.web_dir = web.string(); });
    for (const char* target : {"/index.html%00.js", "/index.html%00", "/%00", "/v1/orders/a%00b", "/index.html%0a",
                               "/%zz", "/%2", "/a/%2e%2e/index.html", "/../index.html", "/./index.html",
                               "/index.html%ff", "/v1/orders/%c0%af"}) {
      Raw r(s.port());
      ASSERT_TRUE(r.Send(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n"));
      const std::string got = r.Read(Ms(3000), "}}");
      EXPECT_EQ(StatusOf(got), 400) << target << "\n" << got;
      EXPECT_EQ(got.find("<title>"), std::string::npos) << target;
      EXPECT_EQ(got.find("javascript"), std::string::npos) << target;
    }
    // A raw NUL in the request line.
    Raw r(s.port());
    ASSERT_TRUE(r.Send(std::string("GET /index.html\0.js HTTP/1.1\r\nHost: x\r\n\r\n", 40)));
    EXPECT_EQ(StatusOf(r.Read(Ms(3000), "}}")), 400);
    // The file itself is still served.
    Raw ok(s.port());
    ASSERT_TRUE(ok.Send("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string got = ok.Read(Ms(3000), "</title>");
    EXPECT_EQ(StatusOf(got), 200);
    EXPECT_NE(got.find("text/html"), std::string::npos);
  }
  std::filesystem::remove_all(web);
}

// JSON routes take JSON bodies only: 415, and nothing stored.
TEST(ServerAttack, NonJsonBodiesAre415) {
  TestServer s;
  const int64_t before = s.Decisions();
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""}) {
    Raw r(s.port());
    const std::string body = ScanBody(std::string("typed-") + type, 10);
    std::string req = "POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.key("moderator") + "\r\n";
    if (*type) req += std::string("Content-Type: ") + type + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_TRUE(r.Send(req));
    const std::string got = r.Read(Ms(3000), "}}");
    EXPECT_EQ(StatusOf(got), 415) << type << "\n" << got;
    EXPECT_NE(got.find("unsupported_media_type"), std::string::npos);
  }
  EXPECT_EQ(s.Decisions(), before);
  Raw r(s.port());
  const std::string body = ScanBody("typed-json", 10);
  ASSERT_TRUE(r.Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.key("moderator") +
                     "\r\nContent-Type: Application/JSON; charset=utf-8\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body));
  EXPECT_EQ(StatusOf(r.Read(Ms(3000), "}")), 200);
}

TEST(ServerAttack, OversizedHeadersAndTargets) {
  TestServer s([](ServerOptions& o) {
    o.http.max_header = 4096;
    o.http.max_target = 512;
  });
  Raw big(s.port());
  big.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(big.Read(Ms(3000), "}}")), 431);
  Raw many(s.port());
  std::string headers;
  for (int i = 0; i < 500; ++i) headers += "X-" + std::to_string(i) + ": y\r\n";
  many.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
  EXPECT_EQ(StatusOf(many.Read(Ms(3000), "}}")), 431);
  Raw uri(s.port());
  uri.Send("GET /v1/orders/" + std::string(1000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(uri.Read(Ms(3000), "}}")), 414);
  EXPECT_EQ(s.Call("GET", "/healthz", "").status, 200);
}

// Caps on open connections, per address and in all: the next one gets a
// 503 answer and is closed; a closed one frees its place.
TEST(ServerAttack, ConnectionCaps) {
  TestServer s([](ServerOptions& o) {
    o.http.max_per_address = 4;
    o.http.max_connections = 6;
  });
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<Raw>(s.port()));
    held.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(held.back()->Read(Ms(3000), "}")), 200);  // admitted, kept alive
  }
  Raw fifth(s.port());
  const std::string refused = fifth.Read(Ms(3000), "}}");
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos);
  EXPECT_NE(refused.find("Retry-After"), std::string::npos);
  held.pop_back();
  std::this_thread::sleep_for(Ms(200));
  Raw again(s.port());
  again.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(again.Read(Ms(3000), "}")), 200);
}

// Many source addresses (loopback answers all of 127.0.0.0/8): the cap per
// address counts each address on its own, and the total cap still bounds
// them all together.
TEST(ServerAttack, ConnectionCapsAcrossSourceAddresses) {
  TestServer s([](ServerOptions& o) {
    o.http.max_per_address = 2;
    o.http.max_connections = 5;
  });
  auto admitted = [&](Raw& r) {
    r.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    return StatusOf(r.Read(Ms(3000), "}"));
  };
  std::vector<std::unique_ptr<Raw>> held;
  // 127.0.0.2 takes its two slots; a third from it is refused for the address.
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Raw>(s.port(), 0x7f000002));
    ASSERT_EQ(admitted(*held.back()), 200);
  }
  Raw third(s.port(), 0x7f000002);
  std::string refused = third.Read(Ms(3000), "}}");
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("from this address"), std::string::npos) << refused;
  // Other addresses are still admitted, up to the total of 5.
  for (uint32_t a = 0x7f000003; a < 0x7f000006; ++a) {
    held.push_back(std::make_unique<Raw>(s.port(), a));
    ASSERT_EQ(admitted(*held.back()), 200) << "address " << (a & 0xff);
  }
  // A sixth connection, from an address never seen, is over the total.
  Raw sixth(s.port(), 0x7f0000fe);
  refused = sixth.Read(Ms(3000), "}}");
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos) << refused;
  EXPECT_EQ(refused.find("from this address"), std::string::npos) << refused;
  // One closed: a new address gets its slot.
  held.pop_back();
  std::this_thread::sleep_for(Ms(200));
  Raw again(s.port(), 0x7f0000fd);
  EXPECT_EQ(admitted(again), 200);
}

// Every API slot held by slow clients from many addresses (each within its
// per-address cap): the API port refuses even /healthz, the operations
// listener still answers /healthz and /metrics at once, and serves nothing else.
TEST(ServerAttack, OperationsListenerAnswersWhenManyAddressesHoldEverySlot) {
  TestServer s([](ServerOptions& o) {
    o.http.max_per_address = 2;
    o.http.max_connections = 12;
    o.ops_host = "127.0.0.1";
    o.ops_port = 0;
  });
  ASSERT_GT(s.ops_port(), 0);
  std::vector<std::unique_ptr<Raw>> held;
  for (uint32_t a = 0x7f000010; a < 0x7f000016; ++a)
    for (int i = 0; i < 2; ++i) {
      held.push_back(std::make_unique<Raw>(s.port(), a));
      ASSERT_TRUE(held.back()->Send("POST /v1/scan HTTP/1.1\r\nHost: x\r\nX-Slow: a"));
    }
  std::this_thread::sleep_for(Ms(300));
  Raw api(s.port(), 0x7f0000f0);
  const std::string refused = api.Read(Ms(3000), "}}");
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos) << refused;

  for (int i = 0; i < 3; ++i) {
    const auto t = std::chrono::steady_clock::now();
    Raw h(s.ops_port(), 0x7f0000f1);
    ASSERT_TRUE(h.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string r = h.Read(Ms(3000), "\"ok\"");
    EXPECT_EQ(StatusOf(r), 200) << r;
    EXPECT_LT(Since(t), 1.0);
  }
  Raw m(s.ops_port());
  ASSERT_TRUE(m.Send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string metrics = m.Read(Ms(3000), "evenhand_http_body_bytes_receiving");
  EXPECT_EQ(StatusOf(metrics), 200) << metrics.substr(0, 300);
  EXPECT_NE(metrics.find("evenhand_http_connections_open 13"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("evenhand_http_ops_connections_open 1"), std::string::npos) << metrics;
  // Only the two probes: the API is not reachable through the operations port.
  for (const char* req : {"GET /v1/orders HTTP/1.1\r\nHost: x\r\n\r\n",
                          "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                          "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    Raw o(s.ops_port());
    ASSERT_TRUE(o.Send(req));
    const std::string r = o.Read(Ms(3000), "}}");
    EXPECT_EQ(StatusOf(r), 404) << req << r;
    EXPECT_NE(r.find("operations listener"), std::string::npos) << r;
  }
}

// The key connections are counted under: IPv4 as is, IPv4-mapped IPv6 as the
// IPv4 address, other IPv6 by /64 (one host commonly holds a whole /64).
TEST(ClientKey, Ipv4Ipv6AndMapped) {
  namespace ip = boost::asio::ip;
  EXPECT_EQ(ClientKey(ip::make_address("127.0.0.2")), "127.0.0.2");
  EXPECT_EQ(ClientKey(ip::make_address("::ffff:10.1.2.3")), "10.1.2.3");
  EXPECT_EQ(ClientKey(ip::make_address("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientKey(ip::make_address("2001:db8:1:2:ffff:1:2:3")), "2001:db8:1:2::/64");
  EXPECT_NE(ClientKey(ip::make_address("2001:db8:1:3::1")), ClientKey(ip::make_address("2001:db8:1:2::1")));
  EXPECT_EQ(ClientKey(ip::make_address("::1")), "::/64");
}

TEST(ServerAttack, IdleAndKeepAliveLimits) {
  TestServer s([](ServerOptions& o) {
    o.http.idle_timeout_ms = 300;
    o.http.keep_alive_max = 3;
  });
  Raw idle(s.port());
  const auto t = std::chrono::steady_clock::now();
  EXPECT_EQ(idle.Read(Ms(3000)), "");
  EXPECT_TRUE(idle.closed());
  EXPECT_LT(Since(t), 1.5);
  Raw r(s.port());
  std::string all;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(r.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    all += r.Read(Ms(3000), "}");
  }
  EXPECT_EQ(StatusOf(all), 200);
  EXPECT_NE(all.find("Connection: close"), std::string::npos);
  r.Read(Ms(1000));
  EXPECT_TRUE(r.closed());
}

// Pipelined requests on one connection are answered in order.
TEST(ServerAttack, PipelinedRequests) {
  TestServer s;
  Raw r(s.port());
  ASSERT_TRUE(r.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string got = r.Read(Ms(3000), "no_route");
  EXPECT_EQ(StatusOf(got), 200);
  EXPECT_NE(got.find("HTTP/1.1 404"), std::string::npos);
}

// Another process holds the store's write lock (a CLI verb, another server):
// after the busy timeout the API answers 503 with Retry-After, never 500,
// and once the lock is gone the same request succeeds.
class HeldStore {
 public:
  explicit HeldStore(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~HeldStore() { Release(); }
  void Release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(ServerStore, BusyStoreIs503WithRetryAfter) {
  SetStoreBusyTimeoutMs(300);
  TestServer s;
  ASSERT_EQ(s.Call("POST", "/v1/scan", "moderator", ScanBody("before-lock", 10)).status, 200);
  {
    HeldStore held(s.db());
    const auto t = std::chrono::steady_clock::now();
    Reply r = s.Call("POST", "/v1/scan", "moderator", ScanBody("under-lock", 10));
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.code(), "busy");
    EXPECT_FALSE(r.retry_after.empty());
    EXPECT_GT(Since(t), 0.25);  // it waited for the lock first
    json items = json::array({json::parse(ScanBody("batch-under-lock", 10))});
    r = s.Call("POST", "/v1/scan/batch", "moderator", json{{"items", items}}.dump());
    EXPECT_EQ(r.status, 503) << r.body;
    r = s.Call("GET", "/v1/me", "auditor");  // an audited read
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(s.Call("GET", "/healthz", "").status, 200);
  }
  EXPECT_EQ(s.Call("POST", "/v1/scan", "moderator", ScanBody("under-lock", 10)).status, 200);
  SetStoreBusyTimeoutMs(kDefaultBusyTimeoutMs);
}

// The CLI on a store another process holds: a clear "busy" error naming the
// flag, exit code 1, after the timeout given.
TEST(ServerStore, BusyStoreIsAClearCliError) {
  TestServer s;
  s.Stop();
  HeldStore held(s.db());
  const std::string input = (s.dir() / "in.jsonl").string();
  std::ofstream(input) << R"({"kind":"post","id":"cli-1","text":"free money"})" << "\n";
  const auto t = std::chrono::steady_clock::now();
  e2e::Outcome o = e2e::Exec("--busy-timeout-ms 300 scan " + input + " --policy examples/policy.yaml --db " + s.db());
  EXPECT_EQ(o.exit_code, 1) << o.out;
  EXPECT_NE(o.out.find("busy"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--busy-timeout-ms"), std::string::npos) << o.out;
  EXPECT_LT(Since(t), 5.0);
  held.Release();
  o = e2e::Exec("scan " + input + " --policy examples/policy.yaml --db " + s.db() + " --busy-timeout-ms 300");
  EXPECT_EQ(o.exit_code, 0) << o.out;
}

}  // namespace
}  // namespace evenhand::server::test
