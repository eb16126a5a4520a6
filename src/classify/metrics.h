// Quality measures for a scored binary question ("is this label?"), each a
// pure function of (score, truth) pairs. No I/O, no allocation beyond the
// returned values.
//
//   RocAuc: the probability that a random positive outscores a random
//     negative, ties counting one half (Mann-Whitney with average ranks);
//     NaN when either class is absent.
//   PrecisionRecallCurve: one point per distinct score t, highest first:
//     precision and recall of "score >= t". Precision is 1 at recall 0 by
//     convention of the first point only if it is in the data.
//   ThresholdForPrecision: of the curve's points with precision >= target,
//     the one with the highest recall (lowest threshold); none if no point
//     reaches the target.
//   ReliabilityCurve: `bins` equal-width score bins over [0, 1]; per bin the
//     mean score, the observed positive rate and the count; the expected
//     calibration error is the count-weighted mean |score - observed|.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace evenhand::classify {

struct Scored {
  double score = 0;
  bool positive = false;
};

struct PrPoint {
  double threshold = 0;
  double precision = 0;
  double recall = 0;
  size_t tp = 0, fp = 0;
};

struct ReliabilityBin {
  double lo = 0, hi = 0;
  double mean_score = 0;
  double observed = 0;
  size_t count = 0;
};

struct Confusion {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
  double precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0.0; }
  double recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  double fpr() const { return fp + tn ? double(fp) / double(fp + tn) : 0.0; }
};

double RocAuc(std::span<const Scored> items);
std::vector<PrPoint> PrecisionRecallCurve(std::span<const Scored> items);
std::optional<PrPoint> ThresholdForPrecision(std::span<const PrPoint> curve, double target);
std::vector<ReliabilityBin> ReliabilityCurve(std::span<const Scored> items, int bins);
double ExpectedCalibrationError(std::span<const ReliabilityBin> bins);
// Counts for the decision "score >= threshold".
Confusion ConfusionAt(std::span<const Scored> items, double threshold);

}  // namespace evenhand::classify
