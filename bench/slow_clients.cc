// slow_clients: hostile clients against `evenhand serve` on loopback, while
// a probe measures /healthz. Bounded: at most 5000 connections, at most 600
// seconds, and only addresses in 127.0.0.0/8 (it refuses any other host).
//
//   slow_clients --port P [--connections 1000] [--addresses 8] [--seconds 30]
//                [--mode slow|chunked] [--interval-ms 1000] [--body-mib 200]
//                [--probe-ms 10]
//
// slow:    every connection sends a request header one byte per interval
//          (never finishing it) and reconnects when the server closes it.
// chunked: every connection sends one chunked POST /v1/scan body of
//          --body-mib MiB (no key) as fast as the server takes it.
// Connections come from --addresses source addresses (127.0.0.2, ...), as
// an attacker with several addresses would. The probe, from 127.0.0.1, opens
// a connection, sends GET /healthz and reads the answer, every --probe-ms.
// Prints one line of figures at the end (bench/http_load.sh reads it).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 1000;
  int addresses = 8;
  int seconds = 30;
  std::string mode = "slow";
  int interval_ms = 1000;
  int body_mib = 200;
  int probe_ms = 10;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "slow_clients: %s\n", what.c_str());
  std::exit(2);
}

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") a->host = v;
    else if (k == "--port") a->port = std::atoi(v.c_str());
    else if (k == "--connections") a->connections = std::atoi(v.c_str());
    else if (k == "--addresses") a->addresses = std::atoi(v.c_str());
    else if (k == "--seconds") a->seconds = std::atoi(v.c_str());
    else if (k == "--mode") a->mode = v;
    else if (k == "--interval-ms") a->interval_ms = std::atoi(v.c_str());
    else if (k == "--body-mib") a->body_mib = std::atoi(v.c_str());
    else if (k == "--probe-ms") a->probe_ms = std::atoi(v.c_str());
    else return false;
  }
  return (argc % 2) == 1;
}

in_addr_t Loopback(int n) { return htonl(INADDR_LOOPBACK + static_cast<uint32_t>(n)); }  // 127.0.0.1 + n

// A non-blocking connection from source 127.0.0.(1 + source); -1 on failure.
int Connect(in_addr_t to, int port, int source, bool blocking) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = Loopback(source);
  if (source > 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = to;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!blocking) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// GET /healthz on a new connection; seconds taken, or -1 on failure (2 s cap).
double Probe(in_addr_t to, int port, int* status) {
  const auto start = Clock::now();
  *status = 0;
  const int fd = Connect(to, port, 0, true);
  if (fd < 0) return -1;
  const char req[] = "GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
  if (::send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof req - 1)) {
    ::close(fd);
    return -1;
  }
  std::string got;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::milliseconds(2000) -
                      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    if (got.find("\r\n\r\n") != std::string::npos && got.find('}') != std::string::npos) break;
  }
  ::close(fd);
  if (got.rfind("HTTP/1.1 ", 0) == 0) *status = std::atoi(got.c_str() + 9);
  if (*status == 0) return -1;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Conn {
  int fd = -1;
  size_t sent = 0;  // header bytes (slow) or body bytes (chunked)
  bool done = false;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, &a) || a.port <= 0) Die("usage: slow_clients --port P [--connections N] [--addresses K] "
                                                  "[--seconds S] [--mode slow|chunked] [--interval-ms I] "
                                                  "[--body-mib M] [--probe-ms P]");
  in_addr to{};
  if (::inet_pton(AF_INET, a.host.c_str(), &to) != 1 || (ntohl(to.s_addr) >> 24) != 127)
    Die("--host must be an address in 127.0.0.0/8 (loopback only)");
  if (a.connections < 0 || a.connections > 5000) Die("--connections: 0 to 5000");
  if (a.seconds < 1 || a.seconds > 600) Die("--seconds: 1 to 600");
  if (a.addresses < 1 || a.addresses > 250) Die("--addresses: 1 to 250");
  if (a.mode != "slow" && a.mode != "chunked") Die("--mode: slow or chunked");
  const auto end = Clock::now() + std::chrono::seconds(a.seconds);

  std::atomic<bool> stop{false};
  std::vector<double> latencies;
  int probe_fail = 0, probe_non200 = 0;
  std::thread probe([&] {
    if (a.probe_ms <= 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, a.seconds * 200)));  // let the attack start
    while (!stop.load()) {
      int status = 0;
      const double s = Probe(to.s_addr, a.port, &status);
      if (s < 0) ++probe_fail;
      else if (status != 200) ++probe_non200;
      else latencies.push_back(s);
      std::this_thread::sleep_for(std::chrono::milliseconds(a.probe_ms));
    }
  });

  const std::string slow_head = "POST /v1/scan HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nX-Slow: ";
  const std::string chunked_head =
      "POST /v1/scan HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk = "10000\r\n" + std::string(65536, 'a') + "\r\n";
  const size_t body_bytes = static_cast<size_t>(a.body_mib) << 20;
  std::vector<Conn> conns(static_cast<size_t>(a.connections));
  long opened = 0, reconnects = 0, connect_fail = 0, closed_by_server = 0;
  size_t max_open = 0;
  unsigned long long body_sent = 0;
  auto open_one = [&](size_t i) {
    Conn& c = conns[i];
    c.fd = Connect(to.s_addr, a.port, 1 + static_cast<int>(i % static_cast<size_t>(a.addresses)), false);
    c.sent = 0;
    if (c.fd < 0) {
      ++connect_fail;
      return;
    }
    ++opened;
    const std::string& head = a.mode == "slow" ? slow_head : chunked_head;
    const size_t first = a.mode == "slow" ? 1 : head.size();
    if (::send(c.fd, head.data(), first, MSG_NOSIGNAL) < 0) {
      ::close(c.fd);
      c.fd = -1;
    }
    c.sent = a.mode == "slow" ? 1 : 0;
  };
  for (size_t i = 0; i < conns.size() && Clock::now() < end; ++i) open_one(i);

  auto next_tick = Clock::now();
  char sink[65536];
  while (Clock::now() < end) {
    // Reap connections the server closed (or answered); reopen slow ones.
    size_t open_now = 0;
    std::vector<pollfd> polls;
    polls.reserve(conns.size());
    for (const Conn& c : conns) polls.push_back({c.fd, static_cast<short>(a.mode == "chunked" && !c.done ? POLLIN | POLLOUT : POLLIN), 0});
    ::poll(polls.data(), polls.size(), a.mode == "slow" ? 50 : 10);
    for (size_t i = 0; i < conns.size(); ++i) {
      Conn& c = conns[i];
      if (c.fd < 0) continue;
      if (polls[i].revents & (POLLIN | POLLERR | POLLHUP)) {
        const ssize_t n = ::recv(c.fd, sink, sizeof sink, 0);
        if (n <= 0 || a.mode == "chunked") {  // closed, or answered (the server is done with this body)
          ++closed_by_server;
          ::close(c.fd);
          c.fd = -1;
          c.done = true;
          if (a.mode == "slow") {
            ++reconnects;
            open_one(i);
          }
          continue;
        }
      }
      if (a.mode == "chunked" && !c.done && (polls[i].revents & POLLOUT)) {
        const ssize_t n = ::send(c.fd, chunk.data() + (c.sent % chunk.size()), chunk.size() - (c.sent % chunk.size()),
                                 MSG_NOSIGNAL);
        if (n > 0) {
          c.sent += static_cast<size_t>(n);
          body_sent += static_cast<unsigned long long>(n);
          if (c.sent >= body_bytes) {
            ::send(c.fd, "0\r\n\r\n", 5, MSG_NOSIGNAL);
            c.done = true;
          }
        }
      }
      if (c.fd >= 0) ++open_now;
    }
    max_open = std::max(max_open, open_now);
    if (a.mode == "slow" && Clock::now() >= next_tick) {
      next_tick += std::chrono::milliseconds(a.interval_ms);
      for (Conn& c : conns)
        if (c.fd >= 0) {
          const char byte = c.sent < slow_head.size() ? slow_head[c.sent] : 'a';
          if (::send(c.fd, &byte, 1, MSG_NOSIGNAL) == 1) ++c.sent;
        }
    }
    if (a.mode == "chunked" && std::all_of(conns.begin(), conns.end(), [](const Conn& c) { return c.fd < 0; })) break;
  }
  stop.store(true);
  probe.join();
  for (Conn& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return -1.0;
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * static_cast<double>(latencies.size())))] * 1000;
  };
  std::printf("slow_clients: mode=%s connections=%d addresses=%d max_open=%zu opened=%ld reconnects=%ld "
              "connect_fail=%ld closed_by_server=%ld body_sent_mib=%.1f healthz_n=%zu healthz_p50_ms=%.2f "
              "healthz_p99_ms=%.2f healthz_max_ms=%.2f healthz_fail=%d healthz_non200=%d\n",
              a.mode.c_str(), a.connections, a.addresses, max_open, opened, reconnects, connect_fail,
              closed_by_server, static_cast<double>(body_sent) / (1 << 20), latencies.size(), pct(0.5), pct(0.99),
              latencies.empty() ? -1.0 : latencies.back() * 1000, probe_fail, probe_non200);
  return 0;
}
