// A one-line progress bar on stderr (only when stderr is a terminal):
// items done, rate, percentage and ETA when the input size is known.
// Not thread safe: drive it from one thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace evenhand {

class Progress {
 public:
  // enabled=false makes every call a no-op.
  explicit Progress(bool enabled);
  // Redraws at most every 200 ms.
  void Update(uint64_t items, uint64_t bytes_done, uint64_t bytes_total);
  // Clears the line.
  void Finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

// True when stderr is a terminal.
bool StderrIsTty();

}  // namespace evenhand
