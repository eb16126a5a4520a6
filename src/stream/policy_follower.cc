#include "stream/policy_follower.h"

#include <utility>

namespace evenhand::stream {

PolicyFollower::PolicyFollower(FollowerOptions options)
    : o_(std::move(options)),
      watch_(o_.where, o_.revision, [this](const std::string& line) { Log(line); }),
      poll_(o_.poll_ms, [this] { PollOnce(); }) {}

PolicyFollower::~PolicyFollower() = default;

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
