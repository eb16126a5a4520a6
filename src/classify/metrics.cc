#include "classify/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace evenhand::classify {

double RocAuc(std::span<const Scored> items) {
  std::vector<Scored> s(items.begin(), items.end());
  std::sort(s.begin(), s.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
  double n_pos = 0, n_neg = 0, rank_sum = 0;
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    double pos_in_tie = 0;
    while (j < s.size() && s[j].score == s[i].score) pos_in_tie += s[j++].positive ? 1 : 0;
    const double avg_rank = (double(i + 1) + double(j)) / 2.0;  // ranks i+1..j
    rank_sum += pos_in_tie * avg_rank;
    n_pos += pos_in_tie;
    n_neg += double(j - i) - pos_in_tie;
    i = j;
  }
  if (n_pos == 0 || n_neg == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
}

std::vector<PrPoint> PrecisionRecallCurve(std::span<const Scored> items) {
  std::vector<Scored> s(items.begin(), items.end());
  std::sort(s.begin(), s.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  size_t n_pos = 0;
  for (const Scored& x : s) n_pos += x.positive ? 1 : 0;
  std::vector<PrPoint> curve;
  size_t tp = 0, fp = 0;
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    while (j < s.size() && s[j].score == s[i].score) (s[j++].positive ? tp : fp) += 1;
    PrPoint p;
    p.threshold = s[i].score;
    p.tp = tp;
    p.fp = fp;
    p.precision = double(tp) / double(tp + fp);
    p.recall = n_pos ? double(tp) / double(n_pos) : 0.0;
    curve.push_back(p);
    i = j;
  }
  return curve;
}

std::optional<PrPoint> ThresholdForPrecision(std::span<const PrPoint> curve, double target) {
  std::optional<PrPoint> best;
  for (const PrPoint& p : curve)
    if (p.precision >= target && (!best || p.recall > best->recall || (p.recall == best->recall && p.threshold > best->threshold)))
      best = p;
  return best;
}

std::vector<ReliabilityBin> ReliabilityCurve(std::span<const Scored> items, int bins) {
  std::vector<ReliabilityBin> out(static_cast<size_t>(std::max(bins, 1)));
  const double width = 1.0 / double(out.size());
  for (size_t b = 0; b < out.size(); ++b) {
    out[b].lo = double(b) * width;
    out[b].hi = double(b + 1) * width;
  }
  std::vector<double> sum_score(out.size()), sum_pos(out.size());
  for (const Scored& x : items) {
    size_t b = static_cast<size_t>(std::clamp(x.score, 0.0, 1.0) / width);
    if (b >= out.size()) b = out.size() - 1;  // a score of exactly 1
    sum_score[b] += x.score;
    sum_pos[b] += x.positive ? 1 : 0;
    ++out[b].count;
  }
  for (size_t b = 0; b < out.size(); ++b)
    if (out[b].count) {
      out[b].mean_score = sum_score[b] / double(out[b].count);
      out[b].observed = sum_pos[b] / double(out[b].count);
    }
  return out;
}

double ExpectedCalibrationError(std::span<const ReliabilityBin> bins) {
  double n = 0, err = 0;
  for (const auto& b : bins) {
    n += double(b.count);
    err += double(b.count) * std::abs(b.mean_score - b.observed);
  }
  return n > 0 ? err / n : 0.0;
}

Confusion ConfusionAt(std::span<const Scored> items, double threshold) {
  Confusion c;
  for (const Scored& x : items) {
    const bool pred = x.score >= threshold;
    if (pred && x.positive) ++c.tp;
    else if (pred) ++c.fp;
    else if (x.positive) ++c.fn;
    else ++c.tn;
  }
  return c;
}

}  // namespace evenhand::classify
