#include "stream/policy_follower.h"

#include <chrono>

namespace evenhand::stream {

PolicyFollower::PolicyFollower(FollowerOptions options)
    : o_(std::move(options)), watch_(o_.where, o_.revision, [this](const std::string& line) { Log(line); }) {
  thread_ = std::thread([this] { Run(); });
}

PolicyFollower::~PolicyFollower() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PolicyFollower::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    PollOnce();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(o_.poll_ms), [this] { return stop_; });
  }
  lock.unlock();
  nats_.reset();
}

void PolicyFollower::PollOnce() {
  if (!nats_) {
    auto client = NatsClient::Connect(o_.where.nats_url, "evenhand policy follower", 64, 1000);
    if (!client.ok()) return;
    nats_ = std::move(client).value();
  }
  PolicyWatch::Change change = watch_.Poll(*nats_, o_.running_id);
  if (change.failed && o_.failed) o_.failed();
  if (!change.scanner) return;
  const std::string id = change.scanner->policy().id();
  if (Status s = o_.install(std::move(change.scanner), change.revision); !s.ok()) {
    Log("policy " + o_.where.key + " revision " + std::to_string(change.revision) + ": cannot install " + id + ": " +
        s.message() + "; keeping " + o_.running_id + ", trying again");
    watch_.Retry();
    return;
  }
  o_.running_id = id;
  Log("policy " + o_.where.key + ": now running " + id + " (revision " + std::to_string(change.revision) + ")");
}

}  // namespace evenhand::stream
