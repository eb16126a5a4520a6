#include "classify/recalibrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "classify/metrics.h"

namespace evenhand::classify {

namespace {

constexpr double kZ = 1.959963984540054;  // 95 %
constexpr double kWideMargin = 0.1;        // warn when the precision interval's lower bound is this far below target

double WilsonLower(double p, double n) {
  if (n <= 0) return 0;
  const double z2 = kZ * kZ;
  const double centre = p + z2 / (2 * n);
  const double spread = kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return (centre - spread) / (1 + z2 / n);
}

nlohmann::ordered_json ProportionJson(const Proportion& p) {
  return {{"estimate", p.estimate}, {"lo", p.lo}, {"hi", p.hi}, {"successes", p.successes}, {"trials", p.trials}};
}

std::string ProportionText(const Proportion& p) {
  return fmt::format("{:.3f} [{:.3f}, {:.3f}] ({} of {})", p.estimate, p.lo, p.hi, p.successes, p.trials);
}

}  // namespace

Proportion WilsonInterval(size_t successes, size_t trials) {
  Proportion p;
  p.successes = successes;
  p.trials = trials;
  if (trials == 0) return p;
  const double n = static_cast<double>(trials), ph = static_cast<double>(successes) / n;
  const double z2 = kZ * kZ;
  const double centre = (ph + z2 / (2 * n)) / (1 + z2 / n);
  const double spread = kZ * std::sqrt(ph * (1 - ph) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  p.estimate = ph;
  p.lo = std::max(0.0, centre - spread);
  p.hi = std::min(1.0, centre + spread);
  return p;
}

size_t LabelsNeeded(double precision, double flagged_rate, double target) {
  if (!(precision > target) || !(flagged_rate > 0)) return 0;
  // The lower bound rises with n for a fixed precision: double, then bisect.
  double hi = 1;
  while (WilsonLower(precision, hi) < target) {
    hi *= 2;
    if (hi > 1e9) return 0;
  }
  double lo = hi / 2;
  if (WilsonLower(precision, lo) >= target) lo = 0;
  while (hi - lo > 0.5) {
    const double mid = (lo + hi) / 2;
    (WilsonLower(precision, mid) >= target ? hi : lo) = mid;
  }
  return static_cast<size_t>(std::ceil(std::ceil(hi) / flagged_rate));
}

Result<RecalibrationResult> Recalibrate(const Classifier& c, const std::vector<LabeledExample>& sample,
                                        const RecalibrateOptions& o) {
  const int pos = c.positive_index();
  if (pos < 0 || c.labels().size() != 2)
    return Status::Invalid(c.path() + ": calibrate needs a binary model with a positive label");
  if (!(o.target_precision > 0 && o.target_precision < 1)) return Status::Invalid("target precision must be in (0, 1)");
  RecalibrationResult r;
  r.positive = c.labels()[static_cast<size_t>(pos)];
  for (const auto& ex : sample) {
    if (ex.label.empty())
      return Status::Invalid(fmt::format("{}:{}: label: missing", o.sample_path, ex.line));
    if (c.label_index(ex.label) < 0)
      return Status::Invalid(fmt::format("{}:{}: label: \"{}\" is not one of the model's labels ({}, {})", o.sample_path,
                                         ex.line, ex.label, c.labels()[0], c.labels()[1]));
  }
  // Raw and current calibrated scores of the positive label.
  auto scratch = Classifier::NewScratch();
  std::vector<float> raw(2), cal(2);
  std::vector<CalibrationPoint> points;
  std::vector<Scored> current;
  std::vector<double> raw_scores;
  NormalizedText nt;
  for (const auto& ex : sample) {
    c.normalizer().NormalizeForMatch(ex.text, &nt);
    c.RawNormalized(nt.text, scratch.get(), raw.data());
    c.ScoreNormalized(nt.text, scratch.get(), cal.data());
    const bool is_pos = ex.label == r.positive;
    points.push_back({raw[static_cast<size_t>(pos)], is_pos});
    current.push_back({cal[static_cast<size_t>(pos)], is_pos});
    raw_scores.push_back(raw[static_cast<size_t>(pos)]);
    (is_pos ? r.positives : r.negatives) += 1;
  }
  r.examples = sample.size();
  if (r.positives < kMinPerLabel || r.negatives < kMinPerLabel)
    return Status::Invalid(fmt::format("{}: {} \"{}\" and {} other labelled examples: calibrate needs at least {} of each",
                                       o.sample_path, r.positives, r.positive, r.negatives, kMinPerLabel));
  if (!c.meta().score_reference.empty() && c.label_index(c.meta().score_reference.label) == pos)
    r.drift = ComputeDrift(c.meta().score_reference, raw_scores);

  // The previous operating point.
  r.current_threshold = o.current_threshold >= 0 ? o.current_threshold : c.meta().threshold >= 0 ? c.meta().threshold : 0.5;
  const Confusion before = ConfusionAt(current, r.current_threshold);
  r.current_precision = WilsonInterval(before.tp, before.tp + before.fp);
  r.current_recall = WilsonInterval(before.tp, before.tp + before.fn);
  r.ece_before = ExpectedCalibrationError(ReliabilityCurve(current, 10));

  // The new calibration and the sample's new calibrated scores.
  if (o.keep_calibration) {
    auto it = c.meta().calibration.find(r.positive);
    r.calibration = it == c.meta().calibration.end() ? Calibration::Identity() : it->second;
    r.kept_calibration = true;
  } else if (o.method == Calibration::Method::kPlatt) {
    r.calibration = Calibration::FitPlatt(points);
  } else if (o.method == Calibration::Method::kIsotonic) {
    r.calibration = Calibration::FitIsotonic(points);
  } else {
    r.calibration = Calibration::Identity();
  }
  std::vector<Scored> after;
  for (const CalibrationPoint& p : points) after.push_back({r.calibration.Apply(p.score), p.positive});
  r.ece_after = ExpectedCalibrationError(ReliabilityCurve(after, 10));

  const std::vector<PrPoint> curve = PrecisionRecallCurve(after);
  // First choice: the highest recall whose precision interval clears the
  // target; only when none does (too few labels), the sample's point estimate.
  std::optional<PrPoint> at;
  for (const PrPoint& p : curve)
    if (WilsonInterval(p.tp, p.tp + p.fp).lo >= o.target_precision && (!at || p.recall > at->recall)) at = p;
  r.rule = at ? "bound" : "estimate";
  if (!at) at = ThresholdForPrecision(curve, o.target_precision);
  if (!at) {
    double best_p = 0, best_r = 0;
    for (const PrPoint& p : curve)
      if (p.precision > best_p) best_p = p.precision, best_r = p.recall;
    return Status::Invalid(fmt::format(
        "{}: no threshold reaches precision {} on this sample (best {:.3f}, at recall {:.3f}); nothing written",
        o.sample_path, o.target_precision, best_p, best_r));
  }
  r.threshold = at->threshold;
  r.raw_threshold = 1;
  for (size_t i = 0; i < after.size(); ++i)
    if (after[i].score >= r.threshold) r.raw_threshold = std::min(r.raw_threshold, points[i].score);
  const Confusion now = ConfusionAt(after, r.threshold);
  r.precision = WilsonInterval(now.tp, now.tp + now.fp);
  r.recall = WilsonInterval(now.tp, now.tp + now.fn);
  r.target_shown = r.precision.lo >= o.target_precision;
  const double flagged_rate = static_cast<double>(now.tp + now.fp) / static_cast<double>(r.examples);
  r.labels_needed = LabelsNeeded(r.precision.estimate, flagged_rate, o.target_precision);
  return r;
}

std::string RecalibrationText(const RecalibrationResult& r, double target) {
  std::string s = fmt::format("sample: {} labelled examples ({} \"{}\", {} other)\n", r.examples, r.positives, r.positive,
                              r.negatives);
  if (r.drift)
    s += fmt::format("sample's raw-score drift vs the training run: PSI {:.4f} ({})\n", r.drift->psi, r.drift->level());
  s += fmt::format("before: threshold {:.4f} on the model's calibration: precision {}, recall {}; ECE {:.4f}\n",
                   r.current_threshold, ProportionText(r.current_precision), ProportionText(r.current_recall), r.ece_before);
  s += fmt::format("after:  {} calibration, threshold {:.4f} (raw score {:.4g}) for precision >= {}: precision {}, recall {}; "
                   "ECE {:.4f}\n",
                   r.kept_calibration ? "kept" : CalibrationMethodName(r.calibration.method()), r.threshold, r.raw_threshold,
                   target, ProportionText(r.precision), ProportionText(r.recall), r.ece_after);
  s += r.rule == "bound" ? fmt::format("rule: the lowest threshold whose 95 % precision interval clears {}\n", target)
                         : fmt::format("rule: no threshold's 95 % precision interval clears {} with these labels; the lowest "
                                       "whose sample precision reaches it\n",
                                       target);
  if (r.target_shown)
    s += fmt::format("labels: {} are enough: the 95 % interval's lower bound of precision ({:.3f}) reaches {}\n", r.examples,
                     r.precision.lo, target);
  else if (r.labels_needed > 0)
    s += fmt::format("labels: the sample's precision meets {} but its interval does not exclude less; about {} labels (at this "
                     "share of flagged items) would show it at 95 % confidence if precision holds at {:.3f}\n",
                     target, r.labels_needed, r.precision.estimate);
  else
    s += fmt::format("labels: the sample's precision equals the target exactly; no sample size would show it exceeds {}\n",
                     target);
  if (r.precision.lo < target - kWideMargin)
    s += fmt::format("warning: the threshold rests on {} flagged example(s) and the precision interval reaches down to {:.3f}: "
                     "this sample is too small to trust it; label more before using it\n",
                     r.precision.trials, r.precision.lo);
  s += fmt::format("use in policies: classifier.{} >= {:.4f}   (NAME as the policy declares it)\n", r.positive, r.threshold);
  return s;
}

std::string RecalibrationRecordJson(const RecalibrationResult& r, const RecalibrateOptions& o, const std::string& sample_sha256,
                                    const std::string& at_utc) {
  nlohmann::ordered_json j;
  j["at"] = at_utc;
  j["sample"] = o.sample_path;
  j["sample_sha256"] = sample_sha256;
  j["examples"] = r.examples;
  j["positives"] = r.positives;
  j["method"] = r.kept_calibration ? "keep" : CalibrationMethodName(r.calibration.method());
  j["target_precision"] = o.target_precision;
  j["rule"] = r.rule;
  j["threshold"] = r.threshold;
  j["raw_threshold"] = r.raw_threshold;
  j["precision"] = ProportionJson(r.precision);
  j["recall"] = ProportionJson(r.recall);
  j["labels_needed"] = r.labels_needed;
  j["previous_threshold"] = r.current_threshold;
  j["previous_precision"] = ProportionJson(r.current_precision);
  j["previous_recall"] = ProportionJson(r.current_recall);
  j["ece_before"] = r.ece_before;
  j["ece_after"] = r.ece_after;
  if (r.drift) j["sample_psi"] = r.drift->psi;
  return j.dump();
}

}  // namespace evenhand::classify
