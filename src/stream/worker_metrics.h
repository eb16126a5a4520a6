// What an `evenhand worker` process has done and is doing, for its
// /metrics page (Prometheus text format 0.0.4) and its closing summary.
// Counters are relaxed atomics bumped once per batch by the worker threads;
// gauges are set by the control thread (worker_control.h). Render() may run
// on any thread at any time.
//
// Series (all prefixed evenhand_worker_):
//   messages_decided_total   posts decided, stored, published and acknowledged
//   decisions_stored_total   decisions newly stored (the rest were stored already)
//   batches_total            batches acknowledged
//   acks_total               messages acknowledged (valid posts and bad messages)
//   redeliveries_total       messages delivered more than once
//   bad_messages_total       messages that were not a valid post
//   store_retries_total, publish_retries_total, fetch_errors_total
//   lag_messages             messages of the stream not yet delivered to the consumer
//   ack_pending_messages     delivered to some worker, not yet acknowledged
//   nats_connected           1 when the control connection is up
//   store_ok                 0 while some thread's last store attempt failed
//   policy_info{policy,revision}  1, for the policy version running
//   policy_swaps_total, policy_load_failures_total
//   decision_latency_seconds      histogram: from the post stored in the stream
//                                 (JetStream's time) to its decision committed,
//                                 published and the post acknowledged (this
//                                 host's clock: skew between hosts adds in)
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace evenhand::stream {

class WorkerMetrics {
 public:
  std::atomic<uint64_t> decided{0}, stored{0}, batches{0}, acks{0}, redelivered{0}, bad{0};
  std::atomic<uint64_t> store_retries{0}, publish_retries{0}, fetch_errors{0};
  std::atomic<uint64_t> lag{0}, ack_pending{0};
  std::atomic<int> nats_connected{0}, store_failing{0};  // store_failing: threads whose last store failed
  std::atomic<uint64_t> policy_swaps{0}, policy_load_failures{0};

  // One post's ingest-to-decision latency (lock-free, allocates nothing).
  void RecordLatency(int64_t ns);
  // The bucket bound (seconds) at or below which a fraction q of the
  // recorded latencies lie (+inf past the last bound; 0 when none).
  double LatencyAtMost(double q) const;
  uint64_t latency_count() const { return latency_count_.load(std::memory_order_relaxed); }
  double latency_worst() const { return static_cast<double>(latency_worst_ns_.load(std::memory_order_relaxed)) / 1e9; }

  static constexpr std::array<double, 20> kLatencyBounds = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1,  0.15,
                                                           0.2,   0.25, 0.3,   0.4,  0.5,   0.75, 1,
                                                           1.5,   2,    3,     5,    10,    30};

  // The policy running now ("name@version") and its key-value revision.
  void SetPolicy(const std::string& id, uint64_t revision);
  std::string policy() const;

  std::string Render() const;

 private:
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency_buckets_{};  // last: +Inf
  std::atomic<uint64_t> latency_count_{0}, latency_sum_ns_{0};
  std::atomic<int64_t> latency_worst_ns_{0};
  mutable std::mutex mu_;
  std::string policy_;
  uint64_t revision_ = 0;
};

}  // namespace evenhand::stream
