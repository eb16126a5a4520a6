// Automation cadence of one account, updated post by post in O(1) memory:
// posting rate, burstiness and regularity of the intervals between posts.
//
//   rate_per_hour = posts / active span (span at least one hour)
//   burstiness    = (sd - mean) / (sd + mean) of the intervals, in [-1, 1]:
//                   -1 perfectly periodic, 0 random (Poisson), -> 1 bursty
//   regularity    = 1 - min(1, sd / mean): 1 periodic, 0 random or bursty
//   automation    = confidence * max(regularity, min(1, rate_per_hour / high_rate)),
//                   confidence = min(1, intervals / 20): few posts say little
//
// Intervals are taken in arrival order and their absolute value is used, so
// mildly out-of-order input does not produce negative gaps. Cadence is an
// account-level signal, never about what the posts say.
#pragma once

#include <cstdint>

namespace evenhand::behavior {

struct CadenceStats {
  uint32_t posts = 0;
  int64_t first_ts = 0, last_ts = 0;
  // Welford accumulators over intervals.
  double mean = 0, m2 = 0;
  uint32_t intervals = 0;

  void Add(int64_t ts);
  double RatePerHour() const;
  double Burstiness() const;  // 0 with fewer than 2 intervals
  double Regularity() const;  // 0 with fewer than 2 intervals
  double AutomationScore(double high_rate = 30.0) const;
};

}  // namespace evenhand::behavior
