// Calibration: a monotone map from a classifier's raw score in [0, 1] to a
// probability, fitted on held-out examples the model was not trained on.
//
//   isotonic: pool-adjacent-violators on (raw score, outcome) pairs, then
//             linear interpolation between the pooled blocks' centres;
//             clamped to [1/(n+1), n/(n+1)] for n fitting examples, so a
//             finite sample never claims certainty.
//   platt:    p = 1 / (1 + exp(a * logit(raw) + b)), fitted by Newton's
//             method with Platt's smoothed targets.
//   none:     the raw score.
//
// A fitted Calibration is an immutable value; Apply is thread safe and
// allocates nothing.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

namespace evenhand::classify {

struct CalibrationPoint {
  double score = 0;   // the raw score
  bool positive = false;
};

class Calibration {
 public:
  enum class Method { kNone, kIsotonic, kPlatt };

  static Calibration Identity() { return Calibration(); }
  static Calibration FitIsotonic(std::span<const CalibrationPoint> points);
  static Calibration FitPlatt(std::span<const CalibrationPoint> points);
  // Rebuilds a stored calibration (see model_file.h); false if inconsistent.
  static bool FromParts(Method method, std::vector<double> xs, std::vector<double> ys, double a, double b,
                        Calibration* out);

  double Apply(double raw) const;

  Method method() const { return method_; }
  const std::vector<double>& xs() const { return xs_; }
  const std::vector<double>& ys() const { return ys_; }
  double a() const { return a_; }
  double b() const { return b_; }

 private:
  Method method_ = Method::kNone;
  std::vector<double> xs_, ys_;  // isotonic knots, xs_ strictly increasing
  double a_ = 0, b_ = 0;         // platt
};

const char* CalibrationMethodName(Calibration::Method m);
bool ParseCalibrationMethod(const std::string& name, Calibration::Method* out);

}  // namespace evenhand::classify
