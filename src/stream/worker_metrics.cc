#include "stream/worker_metrics.h"

#include <fmt/format.h>

namespace evenhand::stream {

namespace {

void Series(std::string* out, const char* name, const char* type, const char* help, uint64_t value) {
  fmt::format_to(std::back_inserter(*out), "# HELP evenhand_worker_{0} {1}\n# TYPE evenhand_worker_{0} {2}\n"
                 "evenhand_worker_{0} {3}\n", name, help, type, value);
}

// A label value with \, " and newlines escaped as the text format wants.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
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
  std::lock_guard<std::mutex> lock(mu_);
  fmt::format_to(std::back_inserter(out),
                 "# HELP evenhand_worker_policy_info The policy version running.\n"
                 "# TYPE evenhand_worker_policy_info gauge\n"
                 "evenhand_worker_policy_info{{policy=\"{}\",revision=\"{}\"}} 1\n",
                 Label(policy_), revision_);
  return out;
}

}  // namespace evenhand::stream
