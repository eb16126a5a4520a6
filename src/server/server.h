// Server: `evenhand serve` -- the HTTP face of Api (api.h) on Boost.Beast and
// Asio, event-driven, plus the dashboard's static files (static_files.h).
//
// Connections are served by an event loop (options.io_threads threads), so an
// open connection costs a socket and a few KiB, never a thread: slow or idle
// clients cannot starve the others. A complete request is handed to a pool of
// options.workers threads that call Api::Handle (which lets at most
// options.threads run on the CPU); GET /healthz and GET /metrics go to a
// thread of their own, so they answer while the API is saturated, and may
// have a listener of their own (BindOps) that API floods cannot fill.
//
// Limits (options.http, model/limits.h), each answered with a JSON error body:
//  - a whole-request deadline from the first byte to the last body byte (408),
//    an idle keep-alive timeout and a cap on requests per connection;
//  - caps on open connections in all and per client address (503, closed);
//  - the body counted as it arrives, chunked or not, cut at max_body (413),
//    and all bodies being received at once within body_budget (503);
//  - the request line and headers within max_header (431), the target within
//    max_target (414); a NUL, control byte, bad escape or dot segment in the
//    path is 400 (http_target.h); a body that is not JSON on an API route 415.
// Stop() (thread safe; not from a signal handler) closes the listener and idle
// connections, lets requests in flight finish, and Run() then drains the store
// writer before it returns: nothing acknowledged is lost.
#pragma once

#include <memory>

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
  // Binds the operations listener, options.ops_host:options.ops_port: it
  // serves GET /healthz and GET /metrics only (404 for anything else), with
  // a cap of its own (32 connections) that API connections never count
  // against, so probes get through however many addresses flood the API
  // port. Call before Run(); returns the port.
  Result<int> BindOps();
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
};

}  // namespace evenhand::server
