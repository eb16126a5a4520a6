#include "classify/evaluate.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace evenhand::classify {

Result<DriftReport> MeasureDrift(const Classifier& c, const std::vector<LabeledExample>& data) {
  const ScoreReference& ref = c.meta().score_reference;
  if (ref.empty())
    return Status::Invalid(c.path() + ": the model records no training score reference (trained before format 2, or "
                           "no positive label): retrain it to measure drift");
  const int l = c.label_index(ref.label);
  if (l < 0) return Status::Invalid(c.path() + ": score reference names no label");
  auto scratch = Classifier::NewScratch();
  std::vector<float> raw(c.labels().size());
  std::vector<double> scores;
  scores.reserve(data.size());
  NormalizedText nt;
  for (const auto& ex : data) {
    c.normalizer().NormalizeForMatch(ex.text, &nt);
    c.RawNormalized(nt.text, scratch.get(), raw.data());
    scores.push_back(raw[static_cast<size_t>(l)]);
  }
  return ComputeDrift(ref, scores);
}

Result<EvalReport> Evaluate(const Classifier& c, const std::vector<LabeledExample>& data, const EvalOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string>& labels = c.labels();
  const size_t n_labels = labels.size();
  for (const auto& ex : data)
    if (c.label_index(ex.label) < 0)
      return Status::Invalid("example " + ex.id + ": label \"" + ex.label + "\" is not one of the model's labels");
  EvalReport r;
  r.model = c.path();
  r.examples = data.size();
  r.positive = c.meta().positive;
  r.options = o;
  std::vector<std::vector<Scored>> cal(n_labels), raw(n_labels);
  std::vector<int> predicted(data.size()), truth(data.size());
  auto scratch = Classifier::NewScratch();
  std::vector<float> s_raw(n_labels), s_cal(n_labels);
  NormalizedText nt;
  const bool binary = c.positive_index() >= 0 && n_labels == 2;
  size_t correct = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    c.normalizer().NormalizeForMatch(data[i].text, &nt);
    c.RawNormalized(nt.text, scratch.get(), s_raw.data());
    c.ScoreNormalized(nt.text, scratch.get(), s_cal.data());
    truth[i] = c.label_index(data[i].label);
    for (size_t l = 0; l < n_labels; ++l) {
      cal[l].push_back({s_cal[l], truth[i] == static_cast<int>(l)});
      raw[l].push_back({s_raw[l], truth[i] == static_cast<int>(l)});
    }
    if (binary) {
      const int p = c.positive_index();
      predicted[i] = s_cal[static_cast<size_t>(p)] >= o.threshold ? p : 1 - p;
    } else {
      predicted[i] = static_cast<int>(std::max_element(s_cal.begin(), s_cal.end()) - s_cal.begin());
    }
    correct += predicted[i] == truth[i];
  }
  r.accuracy = data.empty() ? 0.0 : double(correct) / double(data.size());
  for (size_t l = 0; l < n_labels; ++l) {
    LabelReport lr;
    lr.label = labels[l];
    for (size_t i = 0; i < data.size(); ++i) {
      const bool t = truth[i] == static_cast<int>(l), p = predicted[i] == static_cast<int>(l);
      lr.support += t;
      if (p && t) ++lr.confusion.tp;
      else if (p) ++lr.confusion.fp;
      else if (t) ++lr.confusion.fn;
      else ++lr.confusion.tn;
    }
    lr.roc_auc = RocAuc(raw[l]);
    lr.pr_curve = PrecisionRecallCurve(cal[l]);
    lr.at_target_precision = ThresholdForPrecision(lr.pr_curve, o.target_precision);
    lr.reliability = ReliabilityCurve(cal[l], o.reliability_bins);
    lr.raw_reliability = ReliabilityCurve(raw[l], o.reliability_bins);
    lr.ece = ExpectedCalibrationError(lr.reliability);
    lr.raw_ece = ExpectedCalibrationError(lr.raw_reliability);
    r.labels.push_back(std::move(lr));
  }
  if (const ScoreReference& ref = c.meta().score_reference; !ref.empty()) {
    const int l = c.label_index(ref.label);
    if (l >= 0) {
      std::vector<double> scores;
      scores.reserve(data.size());
      for (const Scored& s : raw[static_cast<size_t>(l)]) scores.push_back(s.score);
      r.drift = ComputeDrift(ref, scores);
    }
  }
  if (binary) {
    std::map<std::string, GroupReport> groups;
    const int p = c.positive_index();
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i].group.empty()) continue;
      GroupReport& g = groups[data[i].group];
      g.group = data[i].group;
      ++g.examples;
      const bool t = truth[i] == p, pr = predicted[i] == p;
      if (pr && t) ++g.confusion.tp;
      else if (pr) ++g.confusion.fp;
      else if (t) ++g.confusion.fn;
      else ++g.confusion.tn;
    }
    for (auto& [name, g] : groups) r.groups.push_back(g);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

namespace {

nlohmann::ordered_json Num(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); }

nlohmann::ordered_json BinsJson(const std::vector<ReliabilityBin>& bins) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& b : bins)
    a.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"mean_score", b.mean_score}, {"observed", b.observed}});
  return a;
}

nlohmann::ordered_json DriftJson(const DriftReport& d) {
  nlohmann::ordered_json j;
  j["label"] = d.label;
  j["score"] = "raw";
  j["examples"] = d.count;
  j["psi"] = d.psi;
  j["level"] = d.level();
  nlohmann::ordered_json bins = nlohmann::ordered_json::array();
  for (const DriftBin& b : d.bins)
    bins.push_back({{"lo", Num(b.lo)}, {"hi", Num(b.hi)}, {"reference", b.expected}, {"share", b.actual},
                    {"count", b.count}, {"psi", b.contribution}});
  j["bins"] = std::move(bins);
  return j;
}

}  // namespace

std::string DriftReportJson(const std::string& model, const DriftReport& d) {
  nlohmann::ordered_json j;
  j["model"] = model;
  j["drift"] = DriftJson(d);
  return j.dump(2) + "\n";
}

std::string DriftText(const DriftReport& d) {
  std::string s = fmt::format("drift of \"{}\" raw scores vs the training run: PSI {:.4f} ({}; {} examples)\n", d.label, d.psi,
                              d.level(), d.count);
  if (d.psi >= kPsiModerate)
    s += fmt::format("warning: score distribution has {} drift (PSI {:.3f} >= {}): the threshold may no longer give the "
                     "precision it was chosen for; check a labelled sample with `evenhand calibrate`\n",
                     d.psi >= kPsiMajor ? "major" : "moderate", d.psi, d.psi >= kPsiMajor ? kPsiMajor : kPsiModerate);
  s += "  raw score bin            reference    share  count      psi\n";
  for (const DriftBin& b : d.bins) {
    const std::string lo = std::isfinite(b.lo) ? fmt::format("{:.4g}", b.lo) : "-inf";
    const std::string hi = std::isfinite(b.hi) ? fmt::format("{:.4g}", b.hi) : "+inf";
    s += fmt::format("  [{:>9},{:>9})   {:>9.4f} {:>8.4f} {:>6} {:>8.4f}\n", lo, hi, b.expected, b.actual, b.count,
                     b.contribution);
  }
  return s;
}

std::string EvalReportJson(const EvalReport& r) {
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["examples"] = r.examples;
  j["accuracy"] = r.accuracy;
  j["positive"] = r.positive;
  j["threshold"] = r.options.threshold;
  j["target_precision"] = r.options.target_precision;
  nlohmann::ordered_json labels = nlohmann::ordered_json::array();
  for (const LabelReport& l : r.labels) {
    nlohmann::ordered_json x;
    x["label"] = l.label;
    x["support"] = l.support;
    x["precision"] = l.confusion.precision();
    x["recall"] = l.confusion.recall();
    x["f1"] = l.confusion.f1();
    x["tp"] = l.confusion.tp;
    x["fp"] = l.confusion.fp;
    x["fn"] = l.confusion.fn;
    x["roc_auc"] = Num(l.roc_auc);
    if (l.at_target_precision)
      x["threshold_for_target_precision"] = {{"threshold", l.at_target_precision->threshold},
                                             {"precision", l.at_target_precision->precision},
                                             {"recall", l.at_target_precision->recall}};
    else
      x["threshold_for_target_precision"] = nullptr;
    x["ece"] = l.ece;
    x["raw_ece"] = l.raw_ece;
    x["reliability"] = BinsJson(l.reliability);
    x["raw_reliability"] = BinsJson(l.raw_reliability);
    labels.push_back(std::move(x));
  }
  j["labels"] = std::move(labels);
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const GroupReport& g : r.groups)
    groups.push_back({{"group", g.group},
                      {"examples", g.examples},
                      {"negatives", g.confusion.fp + g.confusion.tn},
                      {"false_positives", g.confusion.fp},
                      {"false_positive_rate", g.confusion.fp + g.confusion.tn ? Num(g.confusion.fpr()) : nullptr},
                      {"positives", g.confusion.tp + g.confusion.fn},
                      {"recall", g.confusion.tp + g.confusion.fn ? Num(g.confusion.recall()) : nullptr}});
  j["groups"] = std::move(groups);
  j["drift"] = r.drift ? DriftJson(*r.drift) : nlohmann::ordered_json();
  return j.dump(2) + "\n";
}

std::string EvalReportText(const EvalReport& r) {
  std::string s = fmt::format("model {}: {} examples, accuracy {:.4f}{}\n", r.model, r.examples, r.accuracy,
                              r.positive.empty() ? "" : fmt::format(", positive label \"{}\" at score >= {:.4g}", r.positive, r.options.threshold));
  s += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>9} {:>8}  {}\n", "label", "precision", "recall", "f1", "roc_auc", "support",
                   fmt::format("threshold for precision >= {}", r.options.target_precision));
  for (const LabelReport& l : r.labels) {
    std::string t = l.at_target_precision ? fmt::format("{:.4f} (precision {:.4f}, recall {:.4f})", l.at_target_precision->threshold,
                                                        l.at_target_precision->precision, l.at_target_precision->recall)
                                          : "none reaches it";
    s += fmt::format("{:<16} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>8}  {}\n", l.label, l.confusion.precision(),
                     l.confusion.recall(), l.confusion.f1(), l.roc_auc, l.support, t);
  }
  for (const GroupReport& g : r.groups) {
    const size_t neg = g.confusion.fp + g.confusion.tn, pos = g.confusion.tp + g.confusion.fn;
    s += fmt::format("group {:<14} {:>6} examples", g.group, g.examples);
    if (neg) s += fmt::format(", false-positive rate {:.4f} ({} of {})", g.confusion.fpr(), g.confusion.fp, neg);
    if (pos) s += fmt::format(", recall {:.4f} ({} of {})", g.confusion.recall(), g.confusion.tp, pos);
    s += "\n";
  }
  for (const LabelReport& l : r.labels) {
    if (!r.positive.empty() && l.label != r.positive) continue;
    s += fmt::format("reliability of \"{}\" (calibrated; ECE {:.4f}, raw ECE {:.4f}):\n  bin          n   mean score   observed\n",
                     l.label, l.ece, l.raw_ece);
    for (const auto& b : l.reliability)
      if (b.count) s += fmt::format("  [{:.1f},{:.1f}) {:>6}   {:>10.4f} {:>10.4f}\n", b.lo, b.hi, b.count, b.mean_score, b.observed);
  }
  s += r.drift ? DriftText(*r.drift) : "drift: not measured (the model records no training score reference: it was trained before format 2 "
                   "(retrain it), or has no positive label)\n";
  return s;
}

std::string PrCurveCsv(const EvalReport& r) {
  std::string s = "label,threshold,precision,recall,tp,fp\n";
  for (const LabelReport& l : r.labels)
    for (const PrPoint& p : l.pr_curve)
      s += fmt::format("{},{:.6f},{:.6f},{:.6f},{},{}\n", l.label, p.threshold, p.precision, p.recall, p.tp, p.fp);
  return s;
}

std::string PrCurveSvg(const EvalReport& r) {
  const double w = 520, h = 400, left = 60, right = 130, top = 30, bottom = 50;
  const double pw = w - left - right, ph = h - top - bottom;
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      w, h);
  s += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"14\">Precision-recall ({} examples)</text>\n", left, r.examples);
  for (int i = 0; i <= 10; ++i) {
    const double v = i / 10.0, x = left + v * pw, y = top + (1 - v) * ph;
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#eee\"/>"
                     "<line x1=\"{3}\" y1=\"{4}\" x2=\"{5}\" y2=\"{4}\" stroke=\"#eee\"/>\n",
                     x, top, top + ph, left, y, left + pw);
    if (i % 2 == 0)
      s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{:.1f}</text>"
                       "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.1f}</text>\n",
                       x, top + ph + 16, v, left - 6, y + 4, v);
  }
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", left, top, pw, ph);
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">recall</text>\n", left + pw / 2, h - 12);
  s += fmt::format("<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {0})\">precision</text>\n",
                   top + ph / 2);
  size_t k = 0;
  for (const LabelReport& l : r.labels) {
    if (!r.positive.empty() && l.label != r.positive) continue;
    const char* color = kColors[k % 6];
    std::string pts = fmt::format("{:.1f},{:.1f}", left, top + (1 - (l.pr_curve.empty() ? 1.0 : l.pr_curve.front().precision)) * ph);
    for (const PrPoint& p : l.pr_curve) pts += fmt::format(" {:.1f},{:.1f}", left + p.recall * pw, top + (1 - p.precision) * ph);
    s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color, pts);
    s += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{} (AUC {:.3f})</text>\n", left + pw + 8, top + 14 + 16 * k, color,
                     l.label, l.roc_auc);
    if (l.at_target_precision)
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>threshold {:.4f}</title></circle>\n",
                       left + l.at_target_precision->recall * pw, top + (1 - l.at_target_precision->precision) * ph, color,
                       l.at_target_precision->threshold);
    ++k;
  }
  s += "</svg>\n";
  return s;
}

}  // namespace evenhand::classify
