// Request metrics for /metrics: counts by (route, status) and latency
// histograms by route, plus scan counters. Routes are registered once at
// start (index = position); recording is lock-free (relaxed atomics), so it
// is safe from every server thread and allocates nothing.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace evenhand::server {

class Metrics {
 public:
  // `routes`: labels such as "POST /v1/scan"; one more, "unmatched", is added.
  explicit Metrics(std::vector<std::string> routes);

  int unmatched() const { return static_cast<int>(labels_.size()) - 1; }
  void Record(int route, int status, double seconds);
  void AddScanned(uint64_t items) { scanned_.fetch_add(items, std::memory_order_relaxed); }
  // One group commit of scan decisions that took `seconds` (Begin to durable Commit).
  void AddCommit(double seconds);

  // The request and scan series in Prometheus text format 0.0.4.
  std::string Render() const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  static constexpr std::array<int, 15> kCodes = {200, 201, 400, 401, 403, 404, 405, 408, 409, 413, 429, 500, 503, 0, -1};

 private:
  struct PerRoute {
    std::array<std::atomic<uint64_t>, kCodes.size()> by_code{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
  };
  std::vector<std::string> labels_;
  std::unique_ptr<PerRoute[]> routes_;
  std::atomic<uint64_t> scanned_{0}, commits_{0};
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> commit_buckets_{};
  std::atomic<uint64_t> commit_sum_ns_{0};
};

}  // namespace evenhand::server
