#include "analytics/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace evenhand::analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Regularised upper incomplete gamma Q(a, x): a series for x < a + 1, a
// continued fraction (modified Lentz) otherwise.
double UpperGammaQ(double a, double x) {
  if (x <= 0) return 1.0;
  const double log_prefix = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * 1e-15) break;
    }
    return std::max(0.0, 1.0 - sum * std::exp(log_prefix));
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return std::exp(log_prefix) * h;
}

}  // namespace

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) return kNaN;
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    const double mid = 0.5 * (lo + hi);
    (NormalCdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double ChiSquareSf(double x, int df) {
  if (df < 1 || std::isnan(x)) return kNaN;
  if (x <= 0) return 1.0;
  return UpperGammaQ(df / 2.0, x / 2.0);
}

Interval WilsonInterval(int64_t x, int64_t n, double level) {
  if (n <= 0) return {kNaN, kNaN};
  const double z = NormalQuantile(0.5 + level / 2);
  const double p = static_cast<double>(x) / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

ProportionDiff CompareProportions(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level) {
  ProportionDiff r;
  r.x1 = x1, r.n1 = n1, r.x2 = x2, r.n2 = n2;
  if (n1 <= 0 || n2 <= 0) {
    r.p1 = r.p2 = r.diff = r.low = r.high = r.z = r.p_value = kNaN;
    return r;
  }
  r.p1 = static_cast<double>(x1) / n1;
  r.p2 = static_cast<double>(x2) / n2;
  r.diff = r.p1 - r.p2;
  // Newcombe's hybrid score interval from the two Wilson intervals.
  const Interval w1 = WilsonInterval(x1, n1, level), w2 = WilsonInterval(x2, n2, level);
  r.low = r.diff - std::sqrt((r.p1 - w1.low) * (r.p1 - w1.low) + (w2.high - r.p2) * (w2.high - r.p2));
  r.high = r.diff + std::sqrt((w1.high - r.p1) * (w1.high - r.p1) + (r.p2 - w2.low) * (r.p2 - w2.low));
  const double pooled = static_cast<double>(x1 + x2) / (n1 + n2);
  const double se = std::sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
  if (se == 0) {
    r.z = 0;
    r.p_value = 1;
  } else {
    r.z = r.diff / se;
    r.p_value = 2 * NormalCdf(-std::fabs(r.z));
  }
  return r;
}

std::vector<double> AdjustPValues(const std::vector<double>& p, Correction method) {
  std::vector<double> out = p;
  if (method == Correction::kNone) return out;
  std::vector<size_t> idx;
  for (size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) idx.push_back(i);
  const size_t m = idx.size();
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  if (method == Correction::kHolm) {
    double running = 0;
    for (size_t k = 0; k < m; ++k) {
      running = std::max(running, std::min(1.0, (m - k) * p[idx[k]]));
      out[idx[k]] = running;
    }
  } else {
    double running = 1;
    for (size_t k = m; k-- > 0;) {
      running = std::min(running, std::min(1.0, p[idx[k]] * m / (k + 1)));
      out[idx[k]] = running;
    }
  }
  return out;
}

}  // namespace evenhand::analytics
