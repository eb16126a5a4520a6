#include "analytics/survival.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analytics/stats.h"

namespace evenhand::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool EventsFirst(const Observation& x, const Observation& y) {
  if (x.time != y.time) return x.time < y.time;
  return x.event && !y.event;
}

}  // namespace

double KaplanMeier::SurvivalAt(double t) const {
  // The last step with time <= t.
  auto it = std::upper_bound(steps.begin(), steps.end(), t,
                             [](double v, const KmStep& s) { return v < s.time; });
  return it == steps.begin() ? 1.0 : std::prev(it)->survival;
}

KaplanMeier EstimateKaplanMeier(std::vector<Observation> obs, double level) {
  KaplanMeier km;
  km.level = level;
  km.n = static_cast<int64_t>(obs.size());
  std::sort(obs.begin(), obs.end(), EventsFirst);
  const double z = NormalQuantile(0.5 + level / 2);
  double s = 1, greenwood = 0;  // running sum of d / (n (n - d))
  int64_t at_risk = km.n, censored_since = 0;
  size_t i = 0;
  while (i < obs.size()) {
    const double t = obs[i].time;
    int64_t d = 0, c = 0;
    for (; i < obs.size() && obs[i].time == t; ++i) (obs[i].event ? d : c) += 1;
    if (d == 0) {
      censored_since += c;
      at_risk -= c;
      continue;
    }
    KmStep step;
    step.time = t;
    step.at_risk = at_risk;
    step.events = d;
    step.censored = censored_since + c;
    s *= 1.0 - static_cast<double>(d) / at_risk;
    if (at_risk > d) greenwood += static_cast<double>(d) / (static_cast<double>(at_risk) * (at_risk - d));
    step.survival = s;
    step.std_err = s * std::sqrt(greenwood);
    if (s > 0 && s < 1) {
      // log(-log S) has standard error sqrt(greenwood) / |log S|.
      const double se = std::sqrt(greenwood) / std::fabs(std::log(s));
      step.low = std::pow(s, std::exp(z * se));
      step.high = std::pow(s, std::exp(-z * se));
    } else {
      step.low = step.high = s;
    }
    km.events += d;
    km.steps.push_back(step);
    censored_since = 0;
    at_risk -= d + c;
  }
  return km;
}

QuantileEstimate KmQuantile(const KaplanMeier& km, double q) {
  const double target = 1.0 - q;
  const double eps = 1e-12;
  auto first = [&](auto value_of) {
    for (const KmStep& s : km.steps)
      if (value_of(s) <= target + eps) return s.time;
    return kNaN;
  };
  QuantileEstimate e;
  e.value = first([](const KmStep& s) { return s.survival; });
  e.low = first([](const KmStep& s) { return s.low; });
  e.high = first([](const KmStep& s) { return s.high; });
  return e;
}

LogRankResult LogRankTest(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  std::vector<Observation> sa = a, sb = b;
  std::sort(sa.begin(), sa.end(), EventsFirst);
  std::sort(sb.begin(), sb.end(), EventsFirst);
  return LogRankTestSorted(sa, sb);
}

LogRankResult LogRankTestSorted(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  LogRankResult r;
  if (a.empty() || b.empty()) {
    r.chi_square = kNaN;
    return r;
  }
  double n_a = static_cast<double>(a.size()), n_b = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    // The next distinct time in either group, and what happens at it.
    const double t = j == b.size() || (i < a.size() && a[i].time <= b[j].time) ? a[i].time : b[j].time;
    double d_a = 0, d_b = 0, gone_a = 0, gone_b = 0;
    for (; i < a.size() && a[i].time == t; ++i) gone_a += 1, d_a += a[i].event;
    for (; j < b.size() && b[j].time == t; ++j) gone_b += 1, d_b += b[j].event;
    const double n = n_a + n_b, d = d_a + d_b;
    if (d > 0) {
      r.observed_a += d_a;
      r.observed_b += d_b;
      r.expected_a += d * n_a / n;
      r.expected_b += d * n_b / n;
      if (n > 1) r.variance += d * (n_a / n) * (n_b / n) * (n - d) / (n - 1);
    }
    n_a -= gone_a;
    n_b -= gone_b;
  }
  if (r.variance <= 0) {
    r.chi_square = kNaN;
    r.p_value = 1;
    return r;
  }
  const double diff = r.observed_a - r.expected_a;
  r.chi_square = diff * diff / r.variance;
  r.p_value = ChiSquareSf(r.chi_square, 1);
  return r;
}

}  // namespace evenhand::analytics
