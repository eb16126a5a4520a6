#include "analytics/survival.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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
  std::sort(obs.begin(), obs.end(), EventsFirst);
  return EstimateKaplanMeierSorted(obs, level);
}

KaplanMeier EstimateKaplanMeierSorted(const std::vector<Observation>& obs, double level) {
  KaplanMeierBuilder km(static_cast<int64_t>(obs.size()), level);
  for (const Observation& o : obs) km.Add(o.time, o.event);
  return km.Finish();
}

KaplanMeierBuilder::KaplanMeierBuilder(int64_t n, double level) {
  km_.level = level;
  km_.n = n;
  z_ = NormalQuantile(0.5 + level / 2);
  at_risk_ = n;
}

// Events and censorings at one time are counted together, so their order
// within a tie does not matter.
void KaplanMeierBuilder::Flush() {
  const double t = time_;
  const int64_t d = events_, c = censored_;
  pending_ = false;
  events_ = censored_ = 0;
  if (d == 0) {
    censored_since_ += c;
    at_risk_ -= c;
    return;
  }
  KmStep step;
  step.time = t;
  step.at_risk = at_risk_;
  step.events = d;
  step.censored = censored_since_ + c;
  s_ *= 1.0 - static_cast<double>(d) / at_risk_;
  if (at_risk_ > d) greenwood_ += static_cast<double>(d) / (static_cast<double>(at_risk_) * (at_risk_ - d));
  step.survival = s_;
  step.std_err = s_ * std::sqrt(greenwood_);
  if (s_ > 0 && s_ < 1) {
    // log(-log S) has standard error sqrt(greenwood) / |log S|.
    const double se = std::sqrt(greenwood_) / std::fabs(std::log(s_));
    step.low = std::pow(s_, std::exp(z_ * se));
    step.high = std::pow(s_, std::exp(-z_ * se));
  } else {
    step.low = step.high = s_;
  }
  km_.events += d;
  km_.steps.push_back(step);
  censored_since_ = 0;
  at_risk_ -= d + c;
}

KaplanMeier KaplanMeierBuilder::Finish() {
  if (pending_) Flush();
  return std::move(km_);
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

KmMedianP90 KaplanMeierMedianP90(const std::vector<TimeTally>& tallies, double level) {
  KmMedianP90 r;
  QuantileEstimate* found[2] = {&r.median, &r.p90};
  for (QuantileEstimate* q : found) q->value = q->low = q->high = kNaN;
  // As KmQuantile: the first step at which a value is <= 1 - q (+ eps).
  constexpr double kEps = 1e-12;
  const double target[2] = {0.5 + kEps, 0.1 + kEps};
  const double log_target[2] = {std::log(target[0]), std::log(target[1])};
  const double z = NormalQuantile(0.5 + level / 2);
  int64_t at_risk = 0;
  for (const TimeTally& t : tallies) at_risk += t.events + t.censored;
  double s = 1, greenwood = 0;
  int pending = 6;
  for (const TimeTally& t : tallies) {
    const int64_t d = t.events;
    if (d > 0) {
      s *= 1.0 - static_cast<double>(d) / at_risk;
      if (at_risk > d) greenwood += static_cast<double>(d) / (static_cast<double>(at_risk) * (at_risk - d));
      bool need_band = false;
      for (int i = 0; i < 2; ++i) {
        QuantileEstimate& q = *found[i];
        if (std::isnan(q.value) && s <= target[i]) q.value = t.time, --pending;
        // low <= S <= high: a lower bound may cross first; an upper one
        // only once S has.
        need_band |= std::isnan(q.low) || (std::isnan(q.high) && s <= target[i]);
      }
      if (need_band) {
        // The log-log band: low = S^e, high = S^(1/e), e = exp(z se),
        // se = sqrt(greenwood) / |log S|; compared as logs.
        double log_low = 0, log_high = 0;
        const bool inside = s > 0 && s < 1;
        if (inside) {
          const double log_s = std::log(s);
          const double e = std::exp(z * std::sqrt(greenwood) / std::fabs(log_s));
          log_low = e * log_s;
          log_high = log_s / e;
        }
        for (int i = 0; i < 2; ++i) {
          QuantileEstimate& q = *found[i];
          if (std::isnan(q.low) && (inside ? log_low <= log_target[i] : s <= target[i])) q.low = t.time, --pending;
          if (std::isnan(q.high) && (inside ? log_high <= log_target[i] : s <= target[i])) q.high = t.time, --pending;
        }
      }
      if (pending == 0) break;
    }
    at_risk -= d + t.censored;
  }
  return r;
}

LogRankResult LogRankTest(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  std::vector<Observation> sa = a, sb = b;
  std::sort(sa.begin(), sa.end(), EventsFirst);
  std::sort(sb.begin(), sb.end(), EventsFirst);
  return LogRankTestSorted(sa, sb);
}

namespace {

std::vector<TimeTally> Tally(const std::vector<Observation>& sorted) {
  std::vector<TimeTally> t;
  for (const Observation& o : sorted) AddToTallies(&t, o.time, o.event);
  return t;
}

}  // namespace

KaplanMeier EstimateKaplanMeierTallies(const std::vector<TimeTally>& tallies, double level) {
  int64_t n = 0;
  for (const TimeTally& t : tallies) n += t.events + t.censored;
  KaplanMeierBuilder km(n, level);
  for (const TimeTally& t : tallies) km.AddCounts(t.time, t.events, t.censored);
  return km.Finish();
}

LogRankResult LogRankTestSorted(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  return LogRankTestTallies(Tally(a), Tally(b));
}

LogRankResult LogRankTestTallies(const std::vector<TimeTally>& a, const std::vector<TimeTally>& b) {
  LogRankResult r;
  if (a.empty() || b.empty()) {
    r.chi_square = kNaN;
    return r;
  }
  double n_a = 0, n_b = 0;  // at risk
  for (const TimeTally& t : a) n_a += static_cast<double>(t.events + t.censored);
  for (const TimeTally& t : b) n_b += static_cast<double>(t.events + t.censored);
  // One distinct time: d_x events and gone_x leaving group x.
  auto step = [&](double d_a, double d_b, double gone_a, double gone_b) {
    const double n = n_a + n_b, d = d_a + d_b;
    if (d > 0) {
      const double inv_n = 1.0 / n;
      const double share_a = n_a * inv_n, share_b = n_b * inv_n;
      r.observed_a += d_a;
      r.observed_b += d_b;
      r.expected_a += d * share_a;
      r.expected_b += d * share_b;
      if (n > 1) r.variance += d * share_a * share_b * (n - d) / (n - 1);
    }
    n_a -= gone_a;
    n_b -= gone_b;
  };
  size_t i = 0, j = 0;
  // While both groups have times left, take the earlier (or both, when
  // equal) without branching on which: that branch goes either way at
  // random when two groups are merged.
  while (i < a.size() && j < b.size()) {
    const TimeTally& x = a[i];
    const TimeTally& y = b[j];
    const bool take_a = x.time <= y.time, take_b = y.time <= x.time;
    const double d_a = take_a ? static_cast<double>(x.events) : 0.0;
    const double d_b = take_b ? static_cast<double>(y.events) : 0.0;
    const double gone_a = take_a ? static_cast<double>(x.events + x.censored) : 0.0;
    const double gone_b = take_b ? static_cast<double>(y.events + y.censored) : 0.0;
    i += take_a;
    j += take_b;
    step(d_a, d_b, gone_a, gone_b);
  }
  for (; i < a.size(); ++i) step(static_cast<double>(a[i].events), 0, static_cast<double>(a[i].events + a[i].censored), 0);
  for (; j < b.size(); ++j) step(0, static_cast<double>(b[j].events), 0, static_cast<double>(b[j].events + b[j].censored));
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
