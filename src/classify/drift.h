// Score drift: how far the scores a classifier gives new traffic have moved
// from the scores it gave when it was trained, as a population stability
// index (PSI) over the reference's quantile bins.
//
//   ScoreReference: summary of the training run's scores of one label (the
//     positive one): the interior edges of `bins` quantile bins of those
//     scores (duplicates removed, so fewer bins when scores tie) and the share
//     of the reference scores in each bin. Bin i holds scores s with
//     edges[i-1] <= s < edges[i] (bin 0: below edges[0]; the last bin: at or
//     above the last edge). The scores summarised are RAW model scores
//     (uncalibrated): recalibration (`evenhand calibrate`) changes the
//     calibrated scores, never the raw ones, so drift stays measured against
//     the training run after any number of recalibrations.
//   ComputeDrift: the same binning of new scores, and
//     PSI = sum over bins of (a - e) * ln(a / e), with a (new) and e
//     (reference) shares floored at kPsiFloor so an empty bin costs a finite
//     amount. Levels: < 0.1 "stable", 0.1 - 0.25 "moderate", >= 0.25 "major"
//     (the usual credit-scoring rule of thumb).
//
// Pure functions; no I/O, no global state; thread safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace evenhand::classify {

inline constexpr double kPsiFloor = 1e-4;
inline constexpr double kPsiModerate = 0.1;
inline constexpr double kPsiMajor = 0.25;

struct ScoreReference {
  std::string label;             // whose score
  std::string source;            // "out_of_fold", "held_out" or "training": which scores were summarised
  size_t count = 0;              // how many scores
  std::vector<double> edges;     // interior edges, strictly increasing
  std::vector<double> fractions;  // edges.size() + 1 shares, summing to 1
  bool empty() const { return count == 0; }
  // True when the parts are consistent (see above); a loaded reference must be.
  bool Valid() const;
};

ScoreReference BuildScoreReference(std::span<const double> scores, int bins, const std::string& label,
                                   const std::string& source);

struct DriftBin {
  double lo = 0, hi = 0;  // -inf / +inf at the ends
  double expected = 0;    // reference share
  double actual = 0;      // new share
  size_t count = 0;       // new scores in the bin
  double contribution = 0;
};

struct DriftReport {
  std::string label;
  size_t count = 0;
  double psi = 0;
  std::vector<DriftBin> bins;
  const char* level() const { return psi >= kPsiMajor ? "major" : psi >= kPsiModerate ? "moderate" : "stable"; }
};

// Bin index of `score` under `edges` (see above).
size_t DriftBinOf(std::span<const double> edges, double score);

DriftReport ComputeDrift(const ScoreReference& reference, std::span<const double> scores);

}  // namespace evenhand::classify
