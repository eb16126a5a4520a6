#include "stream/worker_control.h"

#include <chrono>

namespace evenhand::stream {

WorkerControl::WorkerControl(const WorkerOptions& options, PolicySlot& slot, WorkerMetrics& metrics)
    : o_(options), slot_(slot), metrics_(metrics), seen_revision_(slot.revision()) {
  thread_ = std::thread([this] { Run(); });
}

WorkerControl::~WorkerControl() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WorkerControl::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    PollOnce();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(o_.control_poll_ms), [this] { return stop_; });
  }
  lock.unlock();
  nats_.reset();
}

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
  auto entry = nats_->KvGet(o_.policy_bucket, o_.policy_key);
  if (!entry.ok()) {
    if (entry.status().code() == Status::Code::kNotFound && !said_missing_) {
      Log("policy " + o_.policy_key + ": " + entry.status().message() + "; keeping " + metrics_.policy());
      said_missing_ = true;
    }
    return;
  }
  said_missing_ = false;
  if (entry->revision == seen_revision_) return;
  seen_revision_ = entry->revision;
  auto scanner = CompilePublishedPolicy(*entry, o_.policy_dir, o_.scan_options);
  if (!scanner.ok()) {
    metrics_.policy_load_failures.fetch_add(1);
    Log("policy " + o_.policy_key + " revision " + std::to_string(entry->revision) +
        ": cannot load: " + scanner.status().message() + "; keeping " + metrics_.policy());
    return;
  }
  const std::string id = (*scanner)->policy().id();
  slot_.Swap(std::move(scanner).value(), entry->revision);
  metrics_.SetPolicy(id, entry->revision);
  metrics_.policy_swaps.fetch_add(1);
  Log("policy " + o_.policy_key + ": now running " + id + " (revision " + std::to_string(entry->revision) + ")");
}

}  // namespace evenhand::stream
