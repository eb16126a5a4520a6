#include "server/server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace evenhand::server {

// cpp-httplib's Server with access to its listening socket: Debian's build
// listens with a backlog of 5, so a burst of new connections (a load test,
// a browser opening six) overflows the accept queue and the kernel drops
// handshakes, which clients only retry after a second. Bind() raises it.
class HttpServer : public httplib::Server {
 public:
  int listening_socket() const { return static_cast<int>(svr_sock_); }
};

namespace {

const char* StatusMessage(int status) {
  switch (status) {
    case 400: return "the request is not valid HTTP";
    case 404: return "no such file or route";
    case 408: return "the request took too long to arrive";
    case 413: return "the request body is too large";
    case 414: return "the request URI is too long";
    default: return "the request failed";
  }
}

const char* StatusCode(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "no_route";
    case 405: return "method_not_allowed";
    case 408: return "timeout";
    case 413: return "body_too_large";
    case 414: return "uri_too_long";
    case 416: return "bad_range";
    case 503: return "shutting_down";
    default: return status >= 500 ? "internal" : "http_error";
  }
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.threads < 1 || options.threads > 256) return Status::Invalid("--threads: 1 to 256");
  if (options.connections < 1 || options.connections > 1024) return Status::Invalid("--connections: 1 to 1024");
  if (!options.web_dir.empty() && !IsDirectory(options.web_dir))
    return Status::Invalid("--web: \"" + options.web_dir + "\" is not a directory");
  auto api = Api::Create(options);
  if (!api.ok()) return api.status();
  std::unique_ptr<Server> s(new Server());
  s->options_ = options;
  s->api_ = std::move(api).value();
  s->http_ = std::make_unique<HttpServer>();
  httplib::Server& h = *s->http_;
  const int connections = std::max(options.connections, options.threads);
  h.new_task_queue = [connections] { return new httplib::ThreadPool(static_cast<size_t>(connections)); };
  h.set_tcp_nodelay(true);
  h.set_payload_max_length(options.max_body);
  h.set_read_timeout(options.read_timeout_s, 0);
  h.set_write_timeout(options.write_timeout_s, 0);
  h.set_keep_alive_timeout(options.keep_alive_s);
  h.set_keep_alive_max_count(1'000'000);
  h.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});
  if (!options.web_dir.empty()) {
    h.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
    h.set_file_extension_and_mimetype_mapping("ico", "image/x-icon");
    h.set_mount_point("/", options.web_dir);
  }
  Api* a = s->api_.get();
  auto handle = [a](const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    ApiRequest ar;
    ar.method = req.method;
    ar.path = req.path;
    ar.authorization = auth;
    ar.body = req.body;
    ar.query = &req.params;
    ApiResponse r = a->Handle(ar);
    res.status = r.status;
    res.set_content(r.body, r.content_type);
    if (r.retry_after > 0) res.set_header("Retry-After", std::to_string(r.retry_after));
  };
  h.Get(".*", handle);
  h.Post(".*", handle);
  h.Put(".*", handle);
  h.Patch(".*", handle);
  h.Delete(".*", handle);
  h.Options(".*", handle);
  h.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const ApiResponse e = Api::Error(res.status, StatusCode(res.status), StatusMessage(res.status));
    res.set_content(e.body, e.content_type);
    return httplib::Server::HandlerResponse::Handled;
  }));
  h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    const ApiResponse e = Api::Error(500, "internal", "unexpected error");
    res.status = 500;
    res.set_content(e.body, e.content_type);
  });
  return s;
}

Result<int> Server::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port <= 0) return Status::Io("cannot listen on " + options_.host + ": no free port");
  } else if (!http_->bind_to_port(options_.host, port)) {
    return Status::Io("cannot listen on " + options_.host + ":" + std::to_string(port) +
                      " (in use, or not an address of this machine)");
  }
  // Calling listen() again on a listening socket sets its backlog (Linux).
  if (::listen(http_->listening_socket(), SOMAXCONN) != 0)
    return Status::Io("cannot raise the listen backlog on " + options_.host + ":" + std::to_string(port));
  return port;
}

Status Server::Run() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    if (stop_requested_) {
      api_->Shutdown();
      run_returned_ = true;
      return Status::Ok();
    }
    run_started_ = true;
  }
  const bool ok = http_->listen_after_bind();
  api_->Shutdown();  // every request has finished: drain and stop the writer
  run_returned_ = true;
  return ok ? Status::Ok() : Status::Io("the listening socket failed");
}

void Server::Stop() {
  api_->BeginDrain();
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop_requested_ = true;
    if (!run_started_) return;  // Run() will return at once
  }
  // cpp-httplib's stop() acts only once the server is running: Run() may
  // be between its check above and the listen loop, so wait for that.
  while (!run_returned_) {
    if (http_->is_running()) {
      http_->stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace evenhand::server
