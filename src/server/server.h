// Server: `evenhand serve` — the HTTP face of Api (api.h) on cpp-httplib,
// plus the dashboard's static files.
//
// Every request outside /v1, /healthz and /metrics that names a file under
// options.web_dir is served from there (GET / is index.html); everything
// else goes to Api::Handle. Limits: bodies over max_body are 413, read and
// write timeouts and an idle keep-alive timeout apply; HTTP-level errors
// (bad request line, oversized body) also get a JSON error body.
//
// Threads: cpp-httplib is blocking, one thread per open connection, so
// options.connections threads serve that many connections at once; of
// these at most options.threads handle a request on the CPU at a time (a
// thread waiting for its group commit gives its slot up). Stop() (thread safe; not from a signal
// handler) closes the listener, lets requests in flight finish, and Run()
// then drains the store writer before it returns: nothing acknowledged is lost.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "model/status.h"
#include "server/api.h"

namespace evenhand::server {

class HttpServer;  // server.cc

class Server {
 public:
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();

  // Binds options.host:options.port (port 0: any free one); returns the port.
  Result<int> Bind();
  // Serves until Stop(), then finishes queued writes. Returns at once when
  // Stop() came first.
  Status Run();
  // Thread safe, also before or while Run() starts.
  void Stop();

  Api& api() { return *api_; }

 private:
  Server() = default;
  ServerOptions options_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::mutex run_mu_;
  bool stop_requested_ = false;  // under run_mu_
  bool run_started_ = false;     // under run_mu_
  std::atomic<bool> run_returned_{false};
};

}  // namespace evenhand::server
