#include "classify/drift.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace evenhand::classify {

bool ScoreReference::Valid() const {
  if (count == 0 || fractions.size() != edges.size() + 1) return false;
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i])) return false;
    if (i > 0 && !(edges[i] > edges[i - 1])) return false;
  }
  double sum = 0;
  for (double f : fractions) {
    if (!(f >= 0 && f <= 1)) return false;
    sum += f;
  }
  return std::fabs(sum - 1) < 1e-6;
}

size_t DriftBinOf(std::span<const double> edges, double score) {
  return static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), score) - edges.begin());
}

ScoreReference BuildScoreReference(std::span<const double> scores, int bins, const std::string& label,
                                   const std::string& source) {
  ScoreReference r;
  r.label = label;
  r.source = source;
  r.count = scores.size();
  if (scores.empty() || bins < 1) return r;
  std::vector<double> sorted(scores.begin(), scores.end());
  std::sort(sorted.begin(), sorted.end());
  for (int k = 1; k < bins; ++k) {
    // The k-th quantile: the lowest score with at least k/bins of the scores below or at it.
    const size_t at = std::min(sorted.size() - 1, sorted.size() * static_cast<size_t>(k) / static_cast<size_t>(bins));
    const double edge = sorted[at];
    if (edge > sorted.front() && (r.edges.empty() || edge > r.edges.back())) r.edges.push_back(edge);
  }
  r.fractions.assign(r.edges.size() + 1, 0.0);
  for (double s : sorted) r.fractions[DriftBinOf(r.edges, s)] += 1;
  for (double& f : r.fractions) f /= static_cast<double>(sorted.size());
  return r;
}

DriftReport ComputeDrift(const ScoreReference& ref, std::span<const double> scores) {
  DriftReport d;
  d.label = ref.label;
  d.count = scores.size();
  if (ref.empty() || scores.empty()) return d;
  d.bins.resize(ref.fractions.size());
  for (double s : scores) ++d.bins[DriftBinOf(ref.edges, s)].count;
  const double inf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < d.bins.size(); ++i) {
    DriftBin& b = d.bins[i];
    b.lo = i == 0 ? -inf : ref.edges[i - 1];
    b.hi = i == ref.edges.size() ? inf : ref.edges[i];
    b.expected = ref.fractions[i];
    b.actual = static_cast<double>(b.count) / static_cast<double>(scores.size());
    const double e = std::max(b.expected, kPsiFloor), a = std::max(b.actual, kPsiFloor);
    b.contribution = (a - e) * std::log(a / e);
    d.psi += b.contribution;
  }
  return d;
}

}  // namespace evenhand::classify
