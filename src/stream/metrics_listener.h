// A worker's /metrics endpoint: a minimal HTTP/1.1 listener on HOST:PORT
// that answers GET /metrics with render()'s text (Prometheus text format)
// and anything else with 404, one connection at a time on its own thread,
// closing each after the answer. Requests larger than 8 KiB or slower than
// 2 s are dropped. For a scraper on a trusted network, not the public.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "model/status.h"

namespace evenhand::stream {

class MetricsListener {
 public:
  // Binds HOST:PORT (PORT 0: a free one, see port()) and starts serving.
  static Result<std::unique_ptr<MetricsListener>> Start(const std::string& host, int port,
                                                         std::function<std::string()> render);
  ~MetricsListener();  // stops serving and joins the thread
  int port() const { return port_; }

 private:
  MetricsListener() = default;
  void Serve();
  void Answer(int fd);

  int fd_ = -1;
  int port_ = 0;
  std::function<std::string()> render_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Parses "HOST:PORT" (PORT 0..65535); false when it is not one.
bool ParseHostPort(const std::string& text, std::string* host, int* port);

}  // namespace evenhand::stream
