#include "server/server.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/client_key.h"
#include "server/http_target.h"
#include "server/static_files.h"

namespace evenhand::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// After an error answer the connection is closed; what the client still
// sends is read and dropped for at most this long (or kLingerBytes), so the
// close does not reset the connection before the client has read the answer.
constexpr auto kLinger = std::chrono::milliseconds(500);
constexpr size_t kLingerBytes = 1 << 20;

// The operations listener (--ops-listen) is for the platform's own probes
// and scrapers: a small cap of its own, counted apart from the API's, so a
// flood of API connections from any number of addresses cannot take its slots.
constexpr int kOpsMaxConnections = 32;

bool IsDirectory(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsApiPath(std::string_view path) {
  return path == "/healthz" || path == "/metrics" || path == "/v1" || path.substr(0, 4) == "/v1/";
}

}  // namespace

// Transport counters, shown on /metrics beside Api's.
struct TransportStats {
  std::atomic<uint64_t> accepted{0}, refused_total{0}, refused_address{0}, timeouts{0}, too_large{0},
      header_too_large{0}, bad_requests{0}, unsupported_type{0}, budget{0};
};

class Session;

class HttpServer {
 public:
  HttpServer(const ServerOptions& options, Api* api)
      : options_(options),
        api_(api),
        acceptor_(ioc_),
        ops_acceptor_(ioc_),
        workers_(static_cast<size_t>(std::max(1, options.workers))),
        light_(1) {}

  Result<int> Bind(const std::string& host, int port) { return BindTo(acceptor_, host, port); }
  // The operations listener: GET /healthz and GET /metrics only.
  Result<int> BindOps(const std::string& host, int port) { return BindTo(ops_acceptor_, host, port); }

  void Run() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      running_ = true;
    }
    work_.emplace(asio::make_work_guard(ioc_));
    Accept(acceptor_, false);
    if (ops_acceptor_.is_open()) Accept(ops_acceptor_, true);
    std::vector<std::thread> threads;
    for (int i = 1; i < std::max(1, options_.io_threads); ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
    workers_.join();  // handlers in flight finish (their answers are dropped)
    light_.join();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      if (!running_) return;
    }
    asio::post(ioc_, [this] { BeginStop(); });
  }

  bool stopping() const { return stopping_flag_.load(std::memory_order_relaxed); }
  const ServerOptions& options() const { return options_; }
  Api* api() const { return api_; }
  TransportStats& stats() { return stats_; }
  asio::thread_pool& workers() { return workers_; }
  asio::thread_pool& light() { return light_; }
  asio::io_context& ioc() { return ioc_; }

  // Bodies being received, all connections: false (nothing charged) when
  // `bytes` more would pass the budget.
  bool Charge(size_t bytes) {
    const size_t budget = options_.http.body_budget;
    size_t cur = body_bytes_.load(std::memory_order_relaxed);
    do {
      if (cur + bytes > budget) return false;
    } while (!body_bytes_.compare_exchange_weak(cur, cur + bytes, std::memory_order_relaxed));
    return true;
  }
  void Refund(size_t bytes) { body_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }

  // Called by a session's destructor.
  void Closed(Session* s, const std::string& address, bool ops) {
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sessions_.erase(s);
      if (ops) {
        --ops_open_;
      } else {
        auto it = per_address_.find(address);
        if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
      }
      --open_;
      last = stopping_ && open_ == 0 && !finished_;
    }
    if (last) asio::post(ioc_, [this] { FinishStop(); });
  }

  std::string Metrics() const {
    std::string out;
    auto line = [&out](const char* name, const char* help, const char* type, uint64_t v, const char* label = nullptr) {
      if (help != nullptr) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
      }
      out += name;
      if (label != nullptr) out += std::string("{reason=\"") + label + "\"}";
      out += " " + std::to_string(v) + "\n";
    };
    int open = 0, ops_open = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open = open_;
      ops_open = ops_open_;
    }
    line("evenhand_http_connections_open", "Connections open now.", "gauge", static_cast<uint64_t>(open));
    line("evenhand_http_ops_connections_open", "Of those, on the operations listener.", "gauge",
         static_cast<uint64_t>(ops_open));
    line("evenhand_http_connections_accepted_total", "Connections accepted.", "counter", stats_.accepted.load());
    line("evenhand_http_connections_refused_total", "Connections refused at a cap.", "counter",
         stats_.refused_total.load(), "total_cap");
    line("evenhand_http_connections_refused_total", nullptr, nullptr, stats_.refused_address.load(), "address_cap");
    line("evenhand_http_requests_refused_total", "Requests answered by the transport with an error.", "counter",
         stats_.timeouts.load(), "timeout");
    line("evenhand_http_requests_refused_total", nullptr, nullptr, stats_.too_large.load(), "body_too_large");
    line("evenhand_http_requests_refused_total", nullptr, nullptr, stats_.header_too_large.load(), "header_too_large");
    line("evenhand_http_requests_refused_total", nullptr, nullptr, stats_.bad_requests.load(), "bad_request");
    line("evenhand_http_requests_refused_total", nullptr, nullptr, stats_.unsupported_type.load(), "unsupported_type");
    line("evenhand_http_requests_refused_total", nullptr, nullptr, stats_.budget.load(), "body_budget");
    line("evenhand_http_body_bytes_receiving", "Request body bytes being received now.", "gauge",
         body_bytes_.load(std::memory_order_relaxed));
    return out;
  }

 private:
  Result<int> BindTo(tcp::acceptor& acceptor, const std::string& host, int port) {
    error_code ec;
    const std::string where = host + ":" + std::to_string(port);
    tcp::resolver resolver(ioc_);
    auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || found.empty()) return Status::Io("cannot listen on " + where + ": unknown host");
    const tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::Io("cannot listen on " + where + " (in use, or not an address of this machine): " + ec.message());
    return static_cast<int>(acceptor.local_endpoint().port());
  }
  void Accept(tcp::acceptor& acceptor, bool ops);
  void Admit(tcp::socket socket, bool ops);
  void BeginStop();
  void FinishStop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
    }
    drain_timer_.reset();
    work_.reset();
    ioc_.stop();
  }

  const ServerOptions options_;
  Api* const api_;
  TransportStats stats_;
  std::atomic<size_t> body_bytes_{0};
  std::atomic<bool> stopping_flag_{false};

  mutable std::mutex mu_;
  bool stopping_ = false;  // under mu_
  bool running_ = false;   // under mu_
  bool finished_ = false;  // under mu_: the event loop is stopping, post nothing more
  int open_ = 0;           // under mu_: every connection
  int ops_open_ = 0;       // under mu_: those on the operations listener
  std::unordered_map<std::string, int> per_address_;                  // under mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;     // under mu_

  // Declared after what sessions touch when they are destroyed: the event
  // loop (and with it every pending handler and session) goes first, after
  // the thread pools.
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  tcp::acceptor ops_acceptor_;  // open only with --ops-listen
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::optional<asio::steady_timer> accept_retry_;
  std::optional<asio::steady_timer> ops_accept_retry_;
  std::optional<asio::steady_timer> drain_timer_;
  asio::thread_pool workers_;
  asio::thread_pool light_;

  friend class Session;
};

// One connection: read a request (within its deadline and limits), hand it
// to a pool, write the answer, repeat while keep-alive allows. Every step
// runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer* server, tcp::socket socket, std::string address, bool ops)
      : server_(server),
        limits_(server->options().http),
        stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        buffer_(std::max<size_t>(limits_.max_header, 8192) + 8192),
        address_(std::move(address)),
        ops_(ops) {}

  ~Session() {
    if (charged_ > 0) server_->Refund(charged_);
    server_->Closed(this, address_, ops_);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // From Stop(): an idle connection closes now, a busy one after its answer.
  void CloseIfIdle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::kIdle) self->Close();
    });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  struct Job {
    std::string method, path, authorization, body;
    std::multimap<std::string, std::string> query;
    bool light = false, file = false;
  };

  void SetTimer(Clock::time_point when) {
    timer_.expires_at(when);
    timer_.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->OnTimer();
    });
  }

  void OnTimer() {
    if (timer_.expiry() > Clock::now()) return;  // re-armed meanwhile
    switch (phase_) {
      case Phase::kIdle:
      case Phase::kLingering:
        Close();
        break;
      case Phase::kReading:
        timed_out_ = true;
        stream_.socket().cancel();
        break;
      default:
        break;
    }
  }

  void WaitForRequest() {
    if (server_->stopping() || requests_ >= limits_.keep_alive_max) return Close();
    phase_ = Phase::kIdle;
    if (buffer_.size() > 0) return StartRequest();  // pipelined
    SetTimer(Clock::now() + std::chrono::milliseconds(limits_.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](error_code ec, size_t n) {
      if (ec || self->phase_ != Phase::kIdle) return self->Close();
      self->buffer_.commit(n);
      self->StartRequest();
    });
  }

  void StartRequest() {
    phase_ = Phase::kReading;
    timed_out_ = false;
    SetTimer(Clock::now() + std::chrono::milliseconds(limits_.request_timeout_ms));
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(std::min<size_t>(limits_.max_header, UINT32_MAX)));
    parser_->body_limit(limits_.max_body);
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t n) {
      // Beast checks header_limit only while the end of the headers is not
      // yet in its buffer; the size of a complete header is checked here.
      if (!ec && n > self->limits_.max_header) ec = http::error::header_limit;
      if (ec) return self->ReadFailed(ec);
      self->OnHeader();
    });
  }

  void OnHeader() {
    auto& req = parser_->get();
    const std::string_view target(req.target().data(), req.target().size());
    job_ = Job{};
    if (target.size() > limits_.max_target) {
      ++server_->stats().bad_requests;
      return Fail(414, "uri_too_long", "the request target is longer than " + std::to_string(limits_.max_target) +
                                           " bytes");
    }
    Target t;
    std::string error;
    if (!ParseTarget(target, limits_.max_target, &t, &error)) {
      ++server_->stats().bad_requests;
      return Fail(400, "bad_request", error);
    }
    job_.method.assign(req.method_string().data(), req.method_string().size());
    job_.path = std::move(t.path);
    job_.query = std::move(t.query);
    const bool api = IsApiPath(job_.path) || server_->options().web_dir.empty();
    const bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
    if (api && has_body) {
      auto type = req.find(http::field::content_type);
      const std::string_view ct = type == req.end() ? std::string_view() : std::string_view(type->value().data(), type->value().size());
      if (!IsJsonMediaType(ct)) {
        ++server_->stats().unsupported_type;
        return Fail(415, "unsupported_media_type",
                    ct.empty() ? "a request body needs \"Content-Type: application/json\""
                               : "the body must be JSON (Content-Type: application/json), not \"" + std::string(ct) + "\"");
      }
    }
    if (auto len = parser_->content_length(); len && *len > 0) parser_->get().body().reserve(*len);
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](error_code ec, size_t) {
        if (ec) return self->ReadFailed(ec);
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    http::async_read_some(stream_, buffer_, *parser_, [self = shared_from_this()](error_code ec, size_t) {
      // Count what arrived, even on an error: the budget is all bodies held now.
      const size_t held = self->parser_->get().body().capacity();
      if (held > self->charged_) {
        if (!self->server_->Charge(held - self->charged_)) {
          ++self->server_->stats().budget;
          Session& s = *self;
          s.parser_.reset();  // drop what was received
          s.Refund();
          return s.Fail(503, "busy", "too many request bodies are being received at once; retry later", 1);
        }
        self->charged_ = held;
      }
      if (ec) return self->ReadFailed(ec);
      self->ReadBody();
    });
  }

  void Refund() {
    if (charged_ > 0) server_->Refund(charged_);
    charged_ = 0;
  }

  void ReadFailed(error_code ec) {
    if (timed_out_) {
      ++server_->stats().timeouts;
      parser_.reset();
      Refund();
      return Fail(408, "timeout",
                  "the request did not arrive within " + std::to_string(limits_.request_timeout_ms) + " ms");
    }
    if (ec == http::error::body_limit) {
      ++server_->stats().too_large;
      return Fail(413, "body_too_large", "the request body is larger than " + std::to_string(limits_.max_body) + " bytes");
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      ++server_->stats().header_too_large;
      return Fail(431, "header_too_large",
                  "the request line and headers are larger than " + std::to_string(limits_.max_header) + " bytes");
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == http::error::partial_message || ec == beast::error::timeout) {
      return Close();  // the client went away (or the server is stopping)
    }
    ++server_->stats().bad_requests;
    Fail(400, "bad_request", "the request is not valid HTTP/1.1: " + ec.message());
  }

  void Dispatch() {
    phase_ = Phase::kHandling;
    timer_.cancel();
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    auto auth = req.find(http::field::authorization);
    if (auth != req.end()) job_.authorization.assign(auth->value().data(), auth->value().size());
    job_.body = std::move(req.body());
    parser_.reset();
    const bool api = IsApiPath(job_.path) || server_->options().web_dir.empty();
    job_.light = job_.method == "GET" && (job_.path == "/healthz" || job_.path == "/metrics");
    if (ops_ && !job_.light) {
      keep_alive_ = false;
      return Respond(Api::Error(404, "not_found", "the operations listener serves GET /healthz and GET /metrics only"));
    }
    job_.file = !api && job_.method == "GET";
    asio::thread_pool& pool = job_.light ? server_->light() : server_->workers();
    asio::post(pool, [self = shared_from_this()] {
      ApiResponse r = self->Handle(self->job_);
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->Respond(std::move(r)); });
    });
  }

  // On a pool thread; touches only the job (the session waits meanwhile).
  ApiResponse Handle(const Job& job) {
    if (job.file) {
      ApiResponse r;
      if (ReadStaticFile(server_->options().web_dir, job.path, &r.body, &r.content_type)) return r;
    }
    ApiRequest ar;
    ar.method = job.method;
    ar.path = job.path;
    ar.authorization = job.authorization;
    ar.body = job.body;
    ar.query = &job.query;
    ApiResponse r = server_->api()->Handle(ar);
    if (job.light && job.path == "/metrics" && r.status == 200) r.body += server_->Metrics();
    return r;
  }

  void Respond(ApiResponse r) {
    job_.body.clear();
    job_.body.shrink_to_fit();
    Refund();
    const bool keep = keep_alive_ && !server_->stopping() && requests_ + 1 < limits_.keep_alive_max;
    Write(std::move(r), keep);
  }

  void Write(ApiResponse r, bool keep) {
    phase_ = Phase::kWriting;
    timer_.cancel();
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::content_type, r.content_type);
    res->set("X-Content-Type-Options", "nosniff");
    res->set(http::field::cache_control, "no-store");
    if (r.retry_after > 0) res->set(http::field::retry_after, std::to_string(r.retry_after));
    res->keep_alive(keep);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(limits_.write_timeout_ms));
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](error_code ec, size_t) {
      self->stream_.expires_never();
      if (ec) return self->Close();
      ++self->requests_;
      if (!keep) return self->Linger();
      self->WaitForRequest();
    });
  }

  // An error answer; the connection closes after it.
  void Fail(int status, std::string_view code, const std::string& message, int retry_after = 0) {
    parser_.reset();
    Refund();
    ApiResponse r = Api::Error(status, code, message);
    r.retry_after = retry_after;
    Write(std::move(r), false);
  }

  // Half-close, then read and drop what the client still sends (bounded in
  // time and bytes) so it gets the answer rather than a reset.
  void Linger() {
    phase_ = Phase::kLingering;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    SetTimer(Clock::now() + kLinger);
    buffer_.consume(buffer_.size());
    Drain();
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(16384), [self = shared_from_this()](error_code ec, size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kLingerBytes || self->phase_ != Phase::kLingering) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    timer_.cancel();
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  HttpServer* const server_;
  const HttpLimits& limits_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  const std::string address_;
  const bool ops_;  // on the operations listener
  std::optional<http::request_parser<http::string_body>> parser_;
  Job job_;
  Phase phase_ = Phase::kIdle;
  bool timed_out_ = false;
  bool keep_alive_ = false;
  int requests_ = 0;
  size_t charged_ = 0;   // body bytes charged to the server's budget
  size_t lingered_ = 0;
};

void HttpServer::Accept(tcp::acceptor& acceptor, bool ops) {
  acceptor.async_accept(asio::make_strand(ioc_), [this, &acceptor, ops](error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or memory: try again shortly rather than spin.
      auto& retry = ops ? ops_accept_retry_ : accept_retry_;
      retry.emplace(ioc_, std::chrono::milliseconds(50));
      retry->async_wait([this, &acceptor, ops](error_code wait) {
        if (!wait) Accept(acceptor, ops);
      });
      return;
    }
    Admit(std::move(socket), ops);
    Accept(acceptor, ops);
  });
}

void HttpServer::Admit(tcp::socket socket, bool ops) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;
  std::string address = ClientKey(peer.address());
  const char* refused = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ops) {
      if (ops_open_ >= kOpsMaxConnections) {
        refused = "too many connections to the operations listener; retry later";
        ++stats_.refused_total;
      } else {
        ++open_;
        ++ops_open_;
      }
    } else if (open_ - ops_open_ >= options_.http.max_connections) {
      refused = "too many connections; retry later";
      ++stats_.refused_total;
    } else if (per_address_[address] >= options_.http.max_per_address) {
      refused = "too many connections from this address; retry later";
      ++stats_.refused_address;
    } else {
      ++open_;
      ++per_address_[address];
    }
  }
  if (refused != nullptr) {
    // One non-blocking write of a complete answer, then close: a refused
    // connection costs no more than this.
    const ApiResponse e = Api::Error(503, "too_many_connections", refused);
    const std::string text = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + e.content_type +
                             "\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(e.body.size()) + "\r\n\r\n" + e.body;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    return;
  }
  ++stats_.accepted;
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(this, std::move(socket), std::move(address), ops);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.emplace(session.get(), session);
  }
  session->Start();
}

void HttpServer::BeginStop() {
  stopping_flag_.store(true);
  error_code ec;
  acceptor_.close(ec);
  ops_acceptor_.close(ec);
  if (accept_retry_) accept_retry_->cancel();
  if (ops_accept_retry_) ops_accept_retry_->cancel();
  std::vector<std::shared_ptr<Session>> open;
  bool none = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [_, weak] : sessions_)
      if (auto s = weak.lock()) open.push_back(std::move(s));
    none = open_ == 0;
  }
  for (auto& s : open) s->CloseIfIdle();
  open.clear();
  if (none) return FinishStop();
  // Requests being read have their deadline; answers being written theirs.
  const auto grace = std::chrono::milliseconds(options_.http.request_timeout_ms + options_.http.write_timeout_ms) +
                     std::chrono::seconds(1);
  drain_timer_.emplace(ioc_, grace);
  drain_timer_->async_wait([this](error_code wait) {
    if (!wait) FinishStop();
  });
}

Server::~Server() {
  if (http_) http_.reset();
}

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.threads < 1 || options.threads > 256) return Status::Invalid("--threads: 1 to 256");
  if (options.workers < 1 || options.workers > 1024) return Status::Invalid("--workers: 1 to 1024");
  if (options.io_threads < 1 || options.io_threads > 64) return Status::Invalid("--io-threads: 1 to 64");
  const HttpLimits& l = options.http;
  if (l.max_connections < 1) return Status::Invalid("--max-connections: at least 1");
  if (l.max_per_address < 1) return Status::Invalid("--max-connections-per-address: at least 1");
  if (l.max_header < 256) return Status::Invalid("--max-header: at least 256 bytes");
  if (l.request_timeout_ms < 1 || l.idle_timeout_ms < 1 || l.write_timeout_ms < 1)
    return Status::Invalid("--request-timeout, --idle-timeout, --write-timeout: positive");
  if (l.keep_alive_max < 1) return Status::Invalid("--keep-alive-max: at least 1");
  if (l.body_budget < l.max_body) return Status::Invalid("--body-budget: at least --max-body");
  if (!options.web_dir.empty() && !IsDirectory(options.web_dir))
    return Status::Invalid("--web: \"" + options.web_dir + "\" is not a directory");
  auto api = Api::Create(options);
  if (!api.ok()) return api.status();
  std::unique_ptr<Server> s(new Server());
  s->options_ = options;
  s->api_ = std::move(api).value();
  s->http_ = std::make_unique<HttpServer>(options, s->api_.get());
  return s;
}

Result<int> Server::Bind() { return http_->Bind(options_.host, options_.port); }

Result<int> Server::BindOps() {
  if (options_.ops_host.empty()) return Status::Invalid("no operations listener was asked for (--ops-listen)");
  return http_->BindOps(options_.ops_host, options_.ops_port);
}

Status Server::Run() {
  http_->Run();
  api_->Shutdown();  // every request has finished: drain and stop the writer
  return Status::Ok();
}

void Server::Stop() {
  api_->BeginDrain();
  http_->Stop();
}

}  // namespace evenhand::server
