#include "behavior/cadence.h"

#include <algorithm>
#include <cmath>

namespace evenhand::behavior {

void CadenceStats::Add(int64_t ts) {
  if (posts == 0) {
    first_ts = last_ts = ts;
  } else {
    double x = static_cast<double>(ts > last_ts ? ts - last_ts : last_ts - ts);
    ++intervals;
    double d = x - mean;
    mean += d / intervals;
    m2 += d * (x - mean);
    if (ts > last_ts) last_ts = ts;
    if (ts < first_ts) first_ts = ts;
  }
  ++posts;
}

double CadenceStats::RatePerHour() const {
  double hours = std::max(1.0, static_cast<double>(last_ts - first_ts) / 3600.0);
  return posts / hours;
}

static double Sd(const CadenceStats& c) { return c.intervals > 1 ? std::sqrt(c.m2 / (c.intervals - 1)) : 0.0; }

double CadenceStats::Burstiness() const {
  if (intervals < 2) return 0.0;
  double sd = Sd(*this);
  return sd + mean > 0 ? (sd - mean) / (sd + mean) : -1.0;
}

double CadenceStats::Regularity() const {
  if (intervals < 2) return 0.0;
  if (mean <= 0) return 1.0;
  return 1.0 - std::min(1.0, Sd(*this) / mean);
}

double CadenceStats::AutomationScore(double high_rate) const {
  double confidence = std::min(1.0, intervals / 20.0);
  return confidence * std::max(Regularity(), std::min(1.0, RatePerHour() / high_rate));
}

}  // namespace evenhand::behavior
