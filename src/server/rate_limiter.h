// Per-key rate limits: one token bucket per key id, refilled at `rate`
// tokens per second up to `burst`. Thread safe (one mutex; the critical
// section is a map look-up and a little arithmetic).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace evenhand::server {

class RateLimiter {
 public:
  // rate <= 0 turns limiting off; burst <= 0 means 2 * rate (at least 1).
  RateLimiter(double rate, double burst);

  // Takes one token for `key` at time `now_ns` (steady clock). When none is
  // left returns false and sets *retry_after_s to the whole seconds until one is.
  bool Allow(const std::string& key, int64_t now_ns, int* retry_after_s);

 private:
  struct Bucket {
    double tokens;
    int64_t last_ns;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace evenhand::server
