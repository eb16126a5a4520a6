// Helpers of the stream tests (stream_worker_test, stream_serve_policy_test):
//   Spawn(ARGS, LOG)         `evenhand ARGS` in the background, output to LOG
//   ExitedCleanly(PID)       waits for it; true when it exited 0
//   ReadAll(PATH)            a file's text
//   HttpGet(PORT, PATH)      GET on 127.0.0.1 (Connection: close): status line, headers, body
//   WaitUntil(DONE, SECONDS) polls DONE() every 20 ms; its last answer
//   WritePolicy(DIR, V, A)   policy "hot" version V with list files beside it
//   StreamCaseTest           fixture: a database of the shared PostgreSQL
//                            cluster (pg_test.h) and the shared nats-server
//                            (nats_server.h); nats_ its URL, dir_ a directory
//                            of this case's own under the server's
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "e2e_util.h"
#include "nats_server.h"
#include "pg_test.h"

namespace evenhand::testing {

// `evenhand ARGS` in the background, its output in `log`.
inline pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
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

// Waits for `pid`; true when it exited 0.
inline bool ExitedCleanly(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// GET http://127.0.0.1:PORT/PATH; the whole answer (status line, headers,
// body), empty when nothing answers.
inline std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

// A policy "hot" at `version` whose scam rule takes `action`; the scam
// terms come from a list file beside it (published with it).
inline void WritePolicy(const std::filesystem::path& dir, int version, const std::string& action) {
  std::filesystem::create_directories(dir / "lists");
  std::ofstream(dir / "lists" / "scam.txt") << "free money\nbank password\ncrypto returns\n";
  std::ofstream(dir / ("v" + std::to_string(version) + ".yaml"))
      << "policy: hot\nversion: " << version << "\nlists:\n  scam:\n    files: [lists/scam.txt]\n"
      << "rules:\n  - id: scam\n    when: list.scam\n    action: " << action
      << "\n    category: scams_and_fraud\n    reason: \"Scam terms\"\n";
}

// A case on PostgreSQL and NATS: skips when either is not installed
// (unless required, as in CI), fails when either does not start.
class StreamCaseTest : public PgDatabaseTest {
 protected:
  void SetUp() override {
    PgDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    NatsServer& nats = SharedNatsServer();
    if (nats.missing()) GTEST_SKIP() << nats.error();
    ASSERT_TRUE(nats.ready()) << nats.error();
    nats_ = nats.url();
    dir_ = std::filesystem::path(nats.dir()) / db_;
    std::filesystem::create_directories(dir_);
  }
  std::string nats_;
  std::filesystem::path dir_;
};

template <typename Done>
bool WaitUntil(Done done, int seconds) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done() && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return done();
}

}  // namespace evenhand::testing
