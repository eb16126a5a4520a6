// Test helper: a throwaway NATS server with JetStream for one test binary.
//
//   NatsServer& nats = SharedNatsServer();   // started on first use
//   if (nats.missing()) GTEST_SKIP() << nats.error();
//   ASSERT_TRUE(nats.ready()) << nats.error();
//   nats.url();                              // "nats://127.0.0.1:PORT"
//   nats.Kill(); nats.Start();               // kill -9 and start again (same port, same store)
//   nats.Pause(); nats.Resume();             // SIGSTOP / SIGCONT: up but silent meanwhile
//
// `nats-server -js` (Debian's nats-server) on a free port of 127.0.0.1
// with its JetStream store in a new directory under /tmp. The server gets
// SIGKILL when this process dies however it dies (PR_SET_PDEATHSIG); the
// directory is removed at exit. missing() is true only when nats-server is
// not installed (the tests then skip), unless EVENHAND_REQUIRE_NATS is set
// (scripts/test.sh sets it: in CI they must run).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "free_port.h"

namespace evenhand::testing {

class NatsServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nats-server";

  NatsServer() {
    if (access(kBinary, X_OK) != 0) {
      missing_ = std::getenv("EVENHAND_REQUIRE_NATS") == nullptr;
      error_ = std::string(kBinary) + " is not installed: run scripts/install-deps.sh (nats-server) to run these tests";
      return;
    }
    char tmpl[] = "/tmp/evenhand-nats-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      error_ = "cannot make a temporary directory under /tmp";
      return;
    }
    dir_ = tmpl;
    port_ = FreeLoopbackPort();
    Start();
  }
  ~NatsServer() {
    Kill();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  bool ready() const { return pid_ > 0 && error_.empty(); }
  bool missing() const { return missing_; }
  const std::string& error() const { return error_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  // Starts the server (again); true once it accepts connections.
  bool Start() {
    if (pid_ > 0) return true;
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      const std::string log = dir_ + "/server.log", port = std::to_string(port_), store = dir_ + "/js";
      if (freopen(log.c_str(), "a", stdout) == nullptr || freopen(log.c_str(), "a", stderr) == nullptr) _exit(1);
      execl(kBinary, kBinary, "-js", "-sd", store.c_str(), "-a", "127.0.0.1", "-p", port.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid < 0) {
      error_ = "fork failed";
      return false;
    }
    pid_ = pid;
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (Accepts()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "nats-server did not start on port " + std::to_string(port_) + " (see " + dir_ + "/server.log)";
    return false;
  }

  // Freezes the server (SIGSTOP): connections stay open, nothing is answered.
  bool Pause() { return pid_ > 0 && kill(pid_, SIGSTOP) == 0; }
  bool Resume() { return pid_ > 0 && kill(pid_, SIGCONT) == 0; }

  // kill -9, and wait until it is gone.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  bool Accepts() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port_));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }

  std::string dir_, error_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool missing_ = false;
};

// The one server of this test binary, started on first use.
inline NatsServer& SharedNatsServer() {
  static NatsServer server;
  return server;
}

}  // namespace evenhand::testing
