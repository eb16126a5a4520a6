// Recalibration of a binary classifier from a small labelled sample of new
// traffic (`evenhand calibrate`): the model's ranking is kept (the fastText
// model is not retrained), its calibration and decision threshold are fitted
// again for the traffic it sees now.
//
// Recalibrate scores the sample with the model's RAW scores and
//   1. fits a new calibration of the positive label on them (platt by
//      default: two parameters, what a sample of ~100 supports; isotonic on
//      request; "keep" leaves the model's calibration as it is);
//   2. picks the decision threshold on the new calibrated score, among the
//      sample's distinct scores (so the sample's figures hold exactly at it):
//      rule "bound": the lowest t whose "score >= t" has a 95 % Wilson
//      interval of precision with its lower bound >= target; when no t has
//      (too few labels: with no false positive at all that takes
//      z^2 P / (1 - P) flagged examples, 73 for 0.95), rule "estimate": the
//      lowest t whose sample precision >= target. (Why both: the estimate
//      alone lands at the target on average, so below it about as often as
//      above once samples are large; see docs/PERFORMANCE.md.) No t reaching
//      the target at all is an error (nothing is written);
//   3. reports at that threshold the precision and recall on the sample with
//      Wilson score intervals (95 %), the same at the model's current
//      threshold and calibration, the expected calibration error on the
//      sample before and after, and how many labels it needs: the labels
//      (at this sample's rate of flagged items) for the interval's lower
//      bound of precision to reach the target if the sample's precision holds
//      (0 when the sample's precision does not exceed the target, so no
//      number of labels would show it). RecalibrationText warns when the
//      interval's lower bound is more than 0.1 below the target (a threshold
//      resting on a handful of flagged examples).
// A sample needs at least kMinPerLabel examples of each label; each example's
// label must be one of the model's (errors name FILE:LINE).
//
// Pure computation over an immutable Classifier; thread compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classify/calibration.h"
#include "classify/classifier.h"
#include "classify/drift.h"
#include "classify/labeled_data.h"
#include "model/status.h"

namespace evenhand::classify {

inline constexpr size_t kMinPerLabel = 5;

struct RecalibrateOptions {
  double target_precision = 0.95;
  // kPlatt or kIsotonic refit; kNone keeps the model's calibration ("keep").
  Calibration::Method method = Calibration::Method::kPlatt;
  bool keep_calibration = false;
  double current_threshold = -1;  // < 0: the model's recorded threshold, else 0.5
  std::string sample_path;        // for FILE:LINE errors
};

struct Proportion {
  size_t successes = 0, trials = 0;
  double estimate = 0, lo = 0, hi = 0;  // Wilson 95 %
};

Proportion WilsonInterval(size_t successes, size_t trials);

// The labels needed for the Wilson lower bound of a precision that stays at
// `precision` to reach `target`, when a share `flagged_rate` of labelled
// items is flagged; 0 when precision <= target or flagged_rate <= 0.
size_t LabelsNeeded(double precision, double flagged_rate, double target);

struct RecalibrationResult {
  size_t examples = 0, positives = 0, negatives = 0;
  std::string positive;
  Calibration calibration;      // the new calibration of the positive label
  bool kept_calibration = false;
  std::string rule;             // "bound" or "estimate" (see above)
  double threshold = 0;         // on the new calibrated score
  double raw_threshold = 0;     // the raw score it corresponds to (lowest flagged raw score)
  Proportion precision, recall;  // at threshold, on the sample
  double current_threshold = 0;  // the previous operating point, old calibration
  Proportion current_precision, current_recall;
  size_t labels_needed = 0;
  bool target_shown = false;     // the precision interval's lower bound >= target already
  double ece_before = 0, ece_after = 0;
  std::optional<DriftReport> drift;  // of the sample, when the model has a reference
};

Result<RecalibrationResult> Recalibrate(const Classifier& classifier, const std::vector<LabeledExample>& sample,
                                        const RecalibrateOptions& options);

std::string RecalibrationText(const RecalibrationResult& r, double target_precision);
// The record appended to the model's "recalibrations" (JSON object text).
std::string RecalibrationRecordJson(const RecalibrationResult& r, const RecalibrateOptions& options,
                                    const std::string& sample_sha256, const std::string& at_utc);

}  // namespace evenhand::classify
