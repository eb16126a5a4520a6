// A thread that calls one function now and then every period_ms until it is
// destroyed: the loop of the worker's control thread (worker_control.h) and
// of serve's policy follower (policy_follower.h).
//
// `tick` runs on the Periodic's own thread, one call at a time. The
// destructor wakes the wait, lets a running tick finish, and joins; it
// returns within one tick. An owner declares its Periodic as its last
// member, so the thread starts after, and stops before, everything the tick
// uses.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace evenhand::stream {

class Periodic {
 public:
  Periodic(int64_t period_ms, std::function<void()> tick);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  void Run();

  const int64_t period_ms_;
  const std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is set
};

}  // namespace evenhand::stream
