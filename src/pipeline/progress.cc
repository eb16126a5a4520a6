#include "pipeline/progress.h"

#include <unistd.h>

#include <cstdio>

namespace evenhand {

bool StderrIsTty() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::Update(uint64_t items, uint64_t bytes_done, uint64_t bytes_total) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? items / seconds : 0;
  if (bytes_total > 0 && bytes_done <= bytes_total) {
    double fraction = static_cast<double>(bytes_done) / bytes_total;
    double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
    int width = 30, filled = static_cast<int>(fraction * width);
    char bar[32];
    for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    std::fprintf(stderr, "\r[%s] %5.1f%%  %llu items  %.0f items/s  ETA %.0fs   ", bar, fraction * 100,
                 static_cast<unsigned long long>(items), rate, eta);
  } else {
    std::fprintf(stderr, "\r%llu items  %.0f items/s   ", static_cast<unsigned long long>(items), rate);
  }
  drawn_ = true;
}

void Progress::Finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace evenhand
