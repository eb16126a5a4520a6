#include "stream/worker_metrics.h"

#include <fmt/format.h>

#include <limits>

#include "model/prom_label.h"

namespace evenhand::stream {

namespace {

void Series(std::string* out, const char* name, const char* type, const char* help, uint64_t value) {
  fmt::format_to(std::back_inserter(*out), "# HELP evenhand_worker_{0} {1}\n# TYPE evenhand_worker_{0} {2}\n"
                 "evenhand_worker_{0} {3}\n", name, help, type, value);
}

}  // namespace

void WorkerMetrics::SetPolicy(const std::string& id, uint64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  policy_ = id;
  revision_ = revision;
}

std::string WorkerMetrics::policy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

void WorkerMetrics::RecordLatency(int64_t ns) {
  if (ns < 0) ns = 0;  // clocks a little apart
  const double s = static_cast<double>(ns) / 1e9;
  size_t b = 0;
  while (b < kLatencyBounds.size() && s > kLatencyBounds[b]) ++b;
  constexpr auto r = std::memory_order_relaxed;
  latency_buckets_[b].fetch_add(1, r);
  latency_count_.fetch_add(1, r);
  latency_sum_ns_.fetch_add(static_cast<uint64_t>(ns), r);
  for (int64_t worst = latency_worst_ns_.load(r); ns > worst && !latency_worst_ns_.compare_exchange_weak(worst, ns, r);) {
  }
}

double WorkerMetrics::LatencyAtMost(double q) const {
  constexpr auto r = std::memory_order_relaxed;
  uint64_t total = 0;
  for (const auto& b : latency_buckets_) total += b.load(r);
  if (total == 0) return 0;
  const double want = q * static_cast<double>(total);
  uint64_t seen = 0;
  for (size_t b = 0; b < kLatencyBounds.size(); ++b) {
    seen += latency_buckets_[b].load(r);
    if (static_cast<double>(seen) >= want) return kLatencyBounds[b];
  }
  return std::numeric_limits<double>::infinity();
}

std::string WorkerMetrics::Render() const {
  constexpr auto r = std::memory_order_relaxed;
  std::string out;
  Series(&out, "messages_decided_total", "counter", "Posts decided, stored, published and acknowledged.", decided.load(r));
  Series(&out, "decisions_stored_total", "counter", "Decisions newly stored.", stored.load(r));
  Series(&out, "batches_total", "counter", "Batches acknowledged.", batches.load(r));
  Series(&out, "acks_total", "counter", "Messages acknowledged.", acks.load(r));
  Series(&out, "redeliveries_total", "counter", "Messages delivered more than once.", redelivered.load(r));
  Series(&out, "bad_messages_total", "counter", "Messages that were not a valid post.", bad.load(r));
  Series(&out, "store_retries_total", "counter", "Store commits tried again.", store_retries.load(r));
  Series(&out, "publish_retries_total", "counter", "Decision publishes tried again.", publish_retries.load(r));
  Series(&out, "fetch_errors_total", "counter", "Failed fetches from the stream.", fetch_errors.load(r));
  Series(&out, "lag_messages", "gauge", "Messages of the stream not yet delivered to the consumer.", lag.load(r));
  Series(&out, "ack_pending_messages", "gauge", "Messages delivered and not yet acknowledged.", ack_pending.load(r));
  Series(&out, "nats_connected", "gauge", "1 when the control connection to NATS is up.",
         static_cast<uint64_t>(nats_connected.load(r)));
  Series(&out, "store_ok", "gauge", "0 while a thread's last store attempt failed.", store_failing.load(r) > 0 ? 0 : 1);
  Series(&out, "policy_swaps_total", "counter", "Published policy revisions swapped in.", policy_swaps.load(r));
  Series(&out, "policy_load_failures_total", "counter", "Published policy revisions that did not load (the running one was kept).",
         policy_load_failures.load(r));
  out += "# HELP evenhand_worker_decision_latency_seconds From the post stored in the stream to its decision "
         "committed, published and the post acknowledged.\n"
         "# TYPE evenhand_worker_decision_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= kLatencyBounds.size(); ++b) {
    cumulative += latency_buckets_[b].load(r);
    if (b < kLatencyBounds.size())
      fmt::format_to(std::back_inserter(out), "evenhand_worker_decision_latency_seconds_bucket{{le=\"{}\"}} {}\n",
                     kLatencyBounds[b], cumulative);
    else
      fmt::format_to(std::back_inserter(out), "evenhand_worker_decision_latency_seconds_bucket{{le=\"+Inf\"}} {}\n",
                     cumulative);
  }
  fmt::format_to(std::back_inserter(out),
                 "evenhand_worker_decision_latency_seconds_sum {:.6f}\nevenhand_worker_decision_latency_seconds_count {}\n",
                 static_cast<double>(latency_sum_ns_.load(r)) / 1e9, cumulative);
  std::lock_guard<std::mutex> lock(mu_);
  fmt::format_to(std::back_inserter(out),
                 "# HELP evenhand_worker_policy_info The policy version running.\n"
                 "# TYPE evenhand_worker_policy_info gauge\n"
                 "evenhand_worker_policy_info{{policy=\"{}\",revision=\"{}\"}} 1\n",
                 PromLabel(policy_), revision_);
  return out;
}

}  // namespace evenhand::stream
