#include "stream/periodic.h"

#include <chrono>
#include <utility>

namespace evenhand::stream {

Periodic::Periodic(int64_t period_ms, std::function<void()> tick)
    : period_ms_(period_ms), tick_(std::move(tick)), thread_([this] { Run(); }) {}

Periodic::~Periodic() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Periodic::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    tick_();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stop_; });
  }
}

}  // namespace evenhand::stream
