#include "stream/worker_control.h"

namespace evenhand::stream {

WorkerControl::WorkerControl(const WorkerOptions& options, PolicySlot& slot, WorkerMetrics& metrics)
    : o_(options),
      slot_(slot),
      metrics_(metrics),
      watch_(PublishedOf(options), slot.revision(), [this](const std::string& line) { Log(line); }),
      poll_(options.control_poll_ms, [this] { PollOnce(); }) {}

void WorkerControl::PollOnce() {
  if (!nats_) {
    auto client = NatsClient::Connect(o_.nats_url, "evenhand worker control", 64, 1000);
    if (!client.ok()) {
      metrics_.nats_connected.store(0);
      return;
    }
    nats_ = std::move(client).value();
  }
  auto consumer = nats_->Consumer(o_.posts_stream, o_.durable);
  metrics_.nats_connected.store(consumer.ok() || consumer.status().code() == Status::Code::kNotFound ? 1 : 0);
  if (consumer.ok()) {
    metrics_.lag.store(consumer->pending);
    metrics_.ack_pending.store(consumer->ack_pending);
  }
  if (o_.policy_key.empty()) return;
  PolicyWatch::Change change = watch_.Poll(*nats_, metrics_.policy());
  if (change.failed) metrics_.policy_load_failures.fetch_add(1);
  if (!change.scanner) return;
  const std::string id = change.scanner->policy().id();
  slot_.Swap(std::move(change.scanner), change.revision);
  metrics_.SetPolicy(id, change.revision);
  metrics_.policy_swaps.fetch_add(1);
  Log("policy " + o_.policy_key + ": now running " + id + " (revision " + std::to_string(change.revision) + ")");
}

}  // namespace evenhand::stream
