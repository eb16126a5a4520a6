#include "stream/metrics_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace evenhand::stream {

namespace {

constexpr size_t kMaxRequest = 8192;

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace

bool ParseHostPort(const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  int p = -1;
  auto [ptr, ec] = std::from_chars(text.data() + colon + 1, text.data() + text.size(), p);
  if (ec != std::errc() || ptr != text.data() + text.size() || p < 0 || p > 65535) return false;
  *host = text.substr(0, colon);
  *port = p;
  return true;
}

Result<std::unique_ptr<MetricsListener>> MetricsListener::Start(const std::string& host, int port,
                                                                 std::function<std::string()> render) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return Status::Invalid("metrics listener: \"" + host + "\" is not an IPv4 address");
  std::unique_ptr<MetricsListener> l(new MetricsListener());
  l->render_ = std::move(render);
  l->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l->fd_ < 0) return Status::Io(std::string("metrics listener: socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(l->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(l->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(l->fd_, 16) != 0)
    return Status::Io("metrics listener: cannot listen on " + host + ":" + std::to_string(port) + ": " +
                      std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(l->fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  l->port_ = ntohs(addr.sin_port);
  l->thread_ = std::thread([raw = l.get()] { raw->Serve(); });
  return l;
}

MetricsListener::~MetricsListener() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void MetricsListener::Serve() {
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    timeval tv{2, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    Answer(c);
    ::close(c);
  }
}

void MetricsListener::Answer(int fd) {
  std::string request;
  char buf[1024];
  while (request.find("\r\n\r\n") == std::string::npos) {
    if (request.size() > kMaxRequest) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  const bool metrics = request.rfind("GET /metrics ", 0) == 0 || request.rfind("GET /metrics?", 0) == 0;
  const std::string body = metrics ? render_() : "not found: this listener serves GET /metrics\n";
  std::string head = metrics ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                             : "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n";
  head += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  WriteAll(fd, head + body);
}

}  // namespace evenhand::stream
