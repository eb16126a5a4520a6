// Evaluation of a Classifier on labeled examples, and the report's forms
// (JSON, text, precision-recall CSV and SVG).
//
// Decisions: a binary model with a positive label predicts it when the
// calibrated score >= options.threshold; otherwise the label with the
// highest calibrated score wins. Per label: precision, recall, F1 and
// support of those decisions; ROC-AUC of the raw model score (ranking
// quality, untouched by calibration); the precision-recall curve and the
// threshold for a target precision on the calibrated score (the number a
// policy compares with); the reliability curve and expected calibration
// error of calibrated and of raw scores. Per group (when the data has one):
// size, and for binary models the false-positive rate among the group's
// negatives and the recall among its positives.
//
// Drift (drift.h): when the model records a score reference (models trained
// since format 2), the PSI of the evaluated data's raw scores of that label
// against it, per bin; EvalReportText prints a warning line when it is at or
// above 0.1 (moderate) or 0.25 (major). Labels are not needed for this part,
// so it is also what to watch on unlabelled traffic (`--unlabeled`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "classify/drift.h"
#include "classify/labeled_data.h"
#include "classify/metrics.h"

namespace evenhand::classify {

struct EvalOptions {
  double threshold = 0.5;
  double target_precision = 0.95;
  int reliability_bins = 10;
};

struct LabelReport {
  std::string label;
  size_t support = 0;
  Confusion confusion;
  double roc_auc = 0;
  std::vector<PrPoint> pr_curve;
  std::optional<PrPoint> at_target_precision;
  std::vector<ReliabilityBin> reliability, raw_reliability;
  double ece = 0, raw_ece = 0;
};

struct GroupReport {
  std::string group;
  size_t examples = 0;
  Confusion confusion;  // of the positive label (binary models)
};

struct EvalReport {
  std::string model;
  size_t examples = 0;
  double accuracy = 0;
  std::string positive;
  EvalOptions options;
  std::vector<LabelReport> labels;
  std::vector<GroupReport> groups;
  std::optional<DriftReport> drift;  // when the model has a score reference
  double seconds = 0;
};

Result<EvalReport> Evaluate(const Classifier& classifier, const std::vector<LabeledExample>& data,
                            const EvalOptions& options);
// Drift alone: labels are not read. An error when the model has no reference.
Result<DriftReport> MeasureDrift(const Classifier& classifier, const std::vector<LabeledExample>& data);
std::string DriftReportJson(const std::string& model, const DriftReport& drift);

std::string EvalReportJson(const EvalReport& report);
std::string EvalReportText(const EvalReport& report);
// The drift part alone (also used for unlabelled data).
std::string DriftText(const DriftReport& drift);
// label,threshold,precision,recall,tp,fp
std::string PrCurveCsv(const EvalReport& report);
// A self-contained SVG chart: precision against recall, one line per label.
std::string PrCurveSvg(const EvalReport& report);

}  // namespace evenhand::classify
