// A thread that keeps a process on the policy published under one key of
// the policy bucket (issue 18: "workers and servers hot-swap to the new
// version atomically"). `evenhand serve --policy-key KEY` runs one; the
// worker's control thread (worker_control.h) does the same with its own.
//
// Every poll_ms it reads the key (PolicyWatch, policy_source.h) on a NATS
// connection of its own, which reconnects by itself. A new revision that
// compiles is handed to `install`, which swaps it in (and may audit it);
// when `install` fails the revision is tried again at the next poll. A
// revision that does not load is logged and counted through `failed`; the
// running policy stays. Callbacks run on the follower's thread, one at a
// time (periodic.h). The destructor stops and joins the thread (within one
// NATS call, at most a few seconds).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "model/status.h"
#include "stream/periodic.h"
#include "stream/policy_source.h"

namespace evenhand::stream {

struct FollowerOptions {
  PublishedPolicy where;
  uint64_t revision = 0;    // the revision running at start
  std::string running_id;   // its policy id ("name@version"), for log lines
  int64_t poll_ms = 1000;
  std::function<Status(std::shared_ptr<const Scanner>, uint64_t revision)> install;
  std::function<void()> failed;                 // a revision did not load (may be empty)
  std::function<void(const std::string&)> log;  // one line each (may be empty)
};

class PolicyFollower {
 public:
  explicit PolicyFollower(FollowerOptions options);
  ~PolicyFollower();
  PolicyFollower(const PolicyFollower&) = delete;
  PolicyFollower& operator=(const PolicyFollower&) = delete;

 private:
  void PollOnce();
  void Log(const std::string& line) const {
    if (o_.log) o_.log(line);
  }

  FollowerOptions o_;
  PolicyWatch watch_;
  std::unique_ptr<NatsClient> nats_;
  Periodic poll_;  // last: stopped before the rest goes
};

}  // namespace evenhand::stream
