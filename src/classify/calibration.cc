#include "classify/calibration.h"

#include <algorithm>
#include <cmath>

namespace evenhand::classify {

namespace {

double Logit(double p) {
  p = std::clamp(p, 1e-7, 1.0 - 1e-7);
  return std::log(p / (1.0 - p));
}

}  // namespace

const char* CalibrationMethodName(Calibration::Method m) {
  switch (m) {
    case Calibration::Method::kNone: return "none";
    case Calibration::Method::kIsotonic: return "isotonic";
    case Calibration::Method::kPlatt: return "platt";
  }
  return "none";
}

bool ParseCalibrationMethod(const std::string& name, Calibration::Method* out) {
  if (name == "none") *out = Calibration::Method::kNone;
  else if (name == "isotonic") *out = Calibration::Method::kIsotonic;
  else if (name == "platt") *out = Calibration::Method::kPlatt;
  else return false;
  return true;
}

Calibration Calibration::FitIsotonic(std::span<const CalibrationPoint> points) {
  Calibration c;
  if (points.empty()) return c;
  std::vector<CalibrationPoint> sorted(points.begin(), points.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& x, const auto& y) { return x.score < y.score; });
  struct Block {
    double sum_x = 0, sum_y = 0, n = 0;
    double mean() const { return sum_y / n; }
  };
  std::vector<Block> blocks;
  for (size_t i = 0; i < sorted.size();) {
    Block b;  // equal scores form one block from the start
    size_t j = i;
    for (; j < sorted.size() && sorted[j].score == sorted[i].score; ++j) {
      b.sum_x += sorted[j].score;
      b.sum_y += sorted[j].positive ? 1.0 : 0.0;
      b.n += 1;
    }
    i = j;
    blocks.push_back(b);
    // Pool while the last two blocks violate monotonicity.
    while (blocks.size() >= 2 && blocks[blocks.size() - 2].mean() >= blocks.back().mean()) {
      Block last = blocks.back();
      blocks.pop_back();
      blocks.back().sum_x += last.sum_x;
      blocks.back().sum_y += last.sum_y;
      blocks.back().n += last.n;
    }
  }
  const double n = static_cast<double>(sorted.size());
  const double lo = 1.0 / (n + 1.0), hi = n / (n + 1.0);
  c.method_ = Method::kIsotonic;
  for (const Block& b : blocks) {
    c.xs_.push_back(b.sum_x / b.n);
    c.ys_.push_back(std::clamp(b.mean(), lo, hi));
  }
  return c;
}

Calibration Calibration::FitPlatt(std::span<const CalibrationPoint> points) {
  Calibration c;
  c.method_ = Method::kPlatt;
  double n_pos = 0, n_neg = 0;
  for (const auto& p : points) (p.positive ? n_pos : n_neg) += 1;
  const double t_pos = (n_pos + 1) / (n_pos + 2), t_neg = 1 / (n_neg + 2);
  double a = 0, b = std::log((n_neg + 1) / (n_pos + 1));
  auto loss = [&](double a_, double b_) {
    double l = 0;
    for (const auto& p : points) {
      const double z = a_ * Logit(p.score) + b_, t = p.positive ? t_pos : t_neg;
      // -[t log q + (1-t) log(1-q)], q = 1/(1+e^z), computed stably
      l += z >= 0 ? t * z + std::log1p(std::exp(-z)) : (t - 1) * z + std::log1p(std::exp(z));
    }
    return l;
  };
  double current = loss(a, b);
  for (int iter = 0; iter < 100; ++iter) {
    double g_a = 0, g_b = 0, h_aa = 1e-12, h_ab = 0, h_bb = 1e-12;
    for (const auto& p : points) {
      const double f = Logit(p.score), z = a * f + b, t = p.positive ? t_pos : t_neg;
      const double q = 1 / (1 + std::exp(z));
      const double d = t - q, w = q * (1 - q);  // dL/dz = t - q
      g_a += d * f;
      g_b += d;
      h_aa += w * f * f;
      h_ab += w * f;
      h_bb += w;
    }
    const double det = h_aa * h_bb - h_ab * h_ab;
    if (std::abs(det) < 1e-18) break;
    const double da = (h_bb * g_a - h_ab * g_b) / det, db = (h_aa * g_b - h_ab * g_a) / det;
    double step = 1;
    bool moved = false;
    for (int k = 0; k < 30; ++k, step /= 2) {
      const double l = loss(a - step * da, b - step * db);
      if (l < current) {
        a -= step * da;
        b -= step * db;
        moved = current - l > 1e-10;
        current = l;
        break;
      }
    }
    if (!moved) break;
  }
  c.a_ = a;
  c.b_ = b;
  return c;
}

bool Calibration::FromParts(Method method, std::vector<double> xs, std::vector<double> ys, double a, double b,
                            Calibration* out) {
  Calibration c;
  c.method_ = method;
  if (method == Method::kIsotonic) {
    if (xs.empty() || xs.size() != ys.size()) return false;
    for (size_t i = 0; i < xs.size(); ++i) {
      if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]) || ys[i] < 0 || ys[i] > 1) return false;
      if (i > 0 && (xs[i] <= xs[i - 1] || ys[i] < ys[i - 1])) return false;
    }
    c.xs_ = std::move(xs);
    c.ys_ = std::move(ys);
  } else if (method == Method::kPlatt) {
    if (!std::isfinite(a) || !std::isfinite(b)) return false;
    c.a_ = a;
    c.b_ = b;
  }
  *out = std::move(c);
  return true;
}

double Calibration::Apply(double raw) const {
  switch (method_) {
    case Method::kNone: return raw;
    case Method::kPlatt: return 1.0 / (1.0 + std::exp(a_ * Logit(raw) + b_));
    case Method::kIsotonic: {
      if (raw <= xs_.front()) return ys_.front();
      if (raw >= xs_.back()) return ys_.back();
      const size_t hi = static_cast<size_t>(std::upper_bound(xs_.begin(), xs_.end(), raw) - xs_.begin());
      const size_t lo = hi - 1;
      const double t = (raw - xs_[lo]) / (xs_[hi] - xs_[lo]);
      return ys_[lo] + t * (ys_[hi] - ys_[lo]);
    }
  }
  return raw;
}

}  // namespace evenhand::classify
