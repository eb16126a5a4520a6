// Test helper: a throwaway PostgreSQL 15 cluster for one test binary.
//
//   PgCluster& pg = SharedPgCluster();   // started on first use, stopped at exit
//   if (pg.missing()) GTEST_SKIP() << pg.error();
//   ASSERT_TRUE(pg.ready()) << pg.error();
//   std::string url = pg.NewDatabase();   // "postgres://postgres@127.0.0.1:PORT/tN"
//
// Start: initdb and pg_ctl from /usr/lib/postgresql/15/bin (Debian's
// postgresql-15) in a new directory under /tmp, on a free port of
// 127.0.0.1 with its unix socket in that directory, trust authentication,
// fsync off (a test cluster holds nothing worth a disk flush). When the
// process is root (CI) everything runs as the unprivileged `postgres` user
// (runuser), which owns the directory, since PostgreSQL refuses root.
//
// Stop: a watchdog process, started before the cluster, stops it
// (pg_ctl stop -m immediate) and removes the directory when this process
// ends by any means: at exit, on a failed assertion, on a crash or a
// SIGKILL from ctest's timeout (it runs in its own session and notices the
// end of a pipe).
//
// Fault trials: StopImmediate() ends the server as a crash would
// (`pg_ctl stop -m immediate`), StartAgain() starts it on the same port.
//
// missing() is true only when the binaries are not installed; the tests
// then skip with error() as the reason, unless EVENHAND_REQUIRE_POSTGRES is
// set (scripts/test.sh sets it: in CI they must run). Any other failure to
// start is an error the tests report.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "free_port.h"

namespace evenhand::testing {

class PgCluster {
 public:
  static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

  PgCluster() { Start(); }
  ~PgCluster() { Stop(); }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  bool ready() const { return ready_; }
  bool missing() const { return missing_; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string Url(const std::string& db) const {
    return "postgres://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }

  // Creates database tN (N = 1, 2, ...) and returns its URL; "" on failure
  // (error() says why).
  // `pg_ctl stop -m immediate`: the server ends as if it crashed (no
  // checkpoint; the next start recovers from the WAL). For fault trials.
  bool StopImmediate() {
    return std::system(AsUser(std::string(kBinDir) + "/pg_ctl -D " + dir_ + "/data -m immediate stop").c_str()) == 0;
  }
  // Starts the stopped server again, same port and data.
  bool StartAgain() { return PgCtlStart(); }

  std::string NewDatabase() {
    const std::string name = "t" + std::to_string(++databases_);
    std::string out;
    if (!Query("postgres", "CREATE DATABASE " + name, &out)) return "";
    return Url(name);
  }

  // Runs `sql` on database `db`; *out receives the first column of the
  // first row ("" when none). False with error() set when it fails.
  bool Query(const std::string& db, const std::string& sql, std::string* out) {
    out->clear();
    PGconn* c = PQconnectdb(Url(db).c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      error_ = "connecting to " + Url(db) + ": " + PQerrorMessage(c);
      PQfinish(c);
      return false;
    }
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) error_ = sql + ": " + PQresultErrorMessage(r);
    if (ok && st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) *out = PQgetvalue(r, 0, 0);
    PQclear(r);
    PQfinish(c);
    return ok;
  }

 private:
  // `cmd` as the postgres user when root; output appended to the log.
  std::string AsUser(const std::string& cmd) const {
    const std::string quoted = "'" + cmd + "'";  // cmd holds no single quote
    std::string full = geteuid() == 0 ? "runuser -u postgres -- sh -c " + quoted : "sh -c " + quoted;
    return full + " >>" + dir_ + "/setup.log 2>&1";
  }


  std::string Log() const {
    std::ifstream in(dir_ + "/setup.log");
    std::stringstream ss;
    ss << in.rdbuf();
    std::ifstream server(dir_ + "/server.log");
    ss << server.rdbuf();
    return ss.str();
  }

  void Start() {
    const std::string bin = kBinDir;
    if (access((bin + "/initdb").c_str(), X_OK) != 0 || access((bin + "/pg_ctl").c_str(), X_OK) != 0) {
      missing_ = true;
      error_ = "PostgreSQL 15 is not installed (" + bin +
               "/initdb or pg_ctl missing): run scripts/install-deps.sh (postgresql-15) to run these tests";
      if (std::getenv("EVENHAND_REQUIRE_POSTGRES") != nullptr) {
        missing_ = false;
        error_ += " (EVENHAND_REQUIRE_POSTGRES is set: failing instead of skipping)";
      }
      return;
    }
    char tmpl[] = "/tmp/evenhand-pg-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      error_ = "cannot make a temporary directory under /tmp";
      return;
    }
    dir_ = tmpl;
    if (geteuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (pw == nullptr) {
        error_ = "running as root and there is no `postgres` user to run the cluster as (install postgresql-15)";
        std::filesystem::remove_all(dir_);
        return;
      }
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        error_ = "cannot hand " + dir_ + " to the postgres user";
        std::filesystem::remove_all(dir_);
        return;
      }
    }
    StartWatchdog();
    port_ = FreeLoopbackPort();
    const std::string data = dir_ + "/data";
    if (std::system(AsUser(bin + "/initdb -D " + data + " -U postgres --auth=trust -E UTF8 --no-locale --no-sync")
                        .c_str()) != 0) {
      error_ = "initdb failed:\n" + Log();
      return;
    }
    ready_ = PgCtlStart();
  }

  bool PgCtlStart() {
    const std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                                " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
                                " -c max_connections=40 -c shared_buffers=16MB";
    if (std::system(AsUser(std::string(kBinDir) + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                           "/server.log -w -t 60 -o \"" + options + "\" start")
                        .c_str()) != 0) {
      error_ = "pg_ctl start failed (port " + std::to_string(port_) + "):\n" + Log();
      return false;
    }
    return true;
  }

  // The watchdog: in its own session, waits for the end of a pipe whose
  // write end only this process holds, then stops the cluster and removes
  // its directory.
  void StartWatchdog() {
    int fds[2];
    if (pipe(fds) != 0) return;
    const std::string cleanup = AsUser(std::string(kBinDir) + "/pg_ctl -D " + dir_ + "/data -m immediate stop") +
                                "; rm -rf " + dir_;
    pid_t pid = fork();
    if (pid == 0) {
      setsid();
      signal(SIGINT, SIG_IGN);
      close(fds[1]);
      for (int fd = 3; fd < 1024; ++fd)
        if (fd != fds[0]) close(fd);
      char c;
      for (;;) {
        const ssize_t n = read(fds[0], &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR)) break;
      }
      execl("/bin/sh", "sh", "-c", cleanup.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[0]);
    if (pid < 0) {
      close(fds[1]);
      return;
    }
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);  // children (the evenhand binary) must not keep it open
    watchdog_ = pid;
    watchdog_pipe_ = fds[1];
  }

  void Stop() {
    ready_ = false;
    if (watchdog_pipe_ >= 0) {
      close(watchdog_pipe_);
      watchdog_pipe_ = -1;
      int status = 0;
      waitpid(watchdog_, &status, 0);
    }
  }

  std::string dir_;
  std::string error_;
  int port_ = 0;
  int databases_ = 0;
  bool ready_ = false;
  bool missing_ = false;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;
};

// The one cluster of this test binary, started on first use.
inline PgCluster& SharedPgCluster() {
  static PgCluster cluster;
  return cluster;
}

}  // namespace evenhand::testing
