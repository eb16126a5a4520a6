// Tests of score drift (src/classify/drift.h), recalibration
// (src/classify/recalibrate.h), the version-2 model metadata and the
// `evenhand eval` / `evenhand calibrate` verbs: hand-computed PSI and Wilson
// intervals, then real e-mail (examples/classify/spamassassin-sample.jsonl:
// 360 messages of the SpamAssassin development groups, bodies cut to 700
// bytes; no network) with a real shift: a model trained on spam and easy ham
// meets hard ham (ham that looks like spam) and a spam-only stream.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "classify/classifier.h"
#include "classify/drift.h"
#include "classify/evaluate.h"
#include "classify/labeled_data.h"
#include "classify/model_file.h"
#include "classify/recalibrate.h"
#include "classify/trainer.h"
#include "e2e_util.h"

namespace evenhand::classify {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(EVENHAND_SOURCE_DIR) + "/examples/classify/spamassassin-sample.jsonl";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("evenhand_drift_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// ---- PSI on hand cases -------------------------------------------------------

TEST(Drift, DecilesOfAUniformGridAndPsiByHand) {
  std::vector<double> ref;
  for (int i = 0; i < 100; ++i) ref.push_back(i / 100.0);
  const ScoreReference r = BuildScoreReference(ref, 10, "spam", "held_out");
  ASSERT_TRUE(r.Valid());
  ASSERT_EQ(r.edges.size(), 9u);
  for (size_t k = 0; k < 9; ++k) EXPECT_DOUBLE_EQ(r.edges[k], (k + 1) / 10.0);
  for (double f : r.fractions) EXPECT_DOUBLE_EQ(f, 0.1);
  // The same scores: no drift.
  EXPECT_NEAR(ComputeDrift(r, ref).psi, 0.0, 1e-12);
  // Everything in the top bin: nine empty bins (floored at 1e-4) and one full.
  std::vector<double> top(50, 0.95);
  const DriftReport d = ComputeDrift(r, top);
  const double expect = 9 * (kPsiFloor - 0.1) * std::log(kPsiFloor / 0.1) + (1 - 0.1) * std::log(1 / 0.1);
  EXPECT_NEAR(d.psi, expect, 1e-9);
  EXPECT_STREQ(d.level(), "major");
  ASSERT_EQ(d.bins.size(), 10u);
  EXPECT_EQ(d.bins[9].count, 50u);
  EXPECT_TRUE(std::isinf(d.bins[9].hi));
  // Half the mass moved from the bottom bin to the next: PSI by hand.
  std::vector<double> moved = ref;
  for (int i = 0; i < 5; ++i) moved[static_cast<size_t>(i)] = 0.15;
  const double a0 = 0.05, a1 = 0.15;
  EXPECT_NEAR(ComputeDrift(r, moved).psi, (a0 - 0.1) * std::log(a0 / 0.1) + (a1 - 0.1) * std::log(a1 / 0.1), 1e-12);
  EXPECT_STREQ(ComputeDrift(r, moved).level(), "stable");
}

TEST(Drift, TiedScoresCollapseBins) {
  // Saturated models put many scores on one value: edges must stay strictly increasing.
  std::vector<double> ref(60, 0.0);
  for (int i = 0; i < 40; ++i) ref.push_back(1.0 - i * 1e-3);
  const ScoreReference r = BuildScoreReference(ref, 10, "spam", "out_of_fold");
  ASSERT_TRUE(r.Valid());
  EXPECT_LT(r.edges.size(), 9u);
  EXPECT_NEAR(r.fractions[0], 0.6, 1e-12);  // every 0.0 in the first bin
  EXPECT_NEAR(ComputeDrift(r, ref).psi, 0.0, 1e-12);
}

TEST(Drift, WilsonIntervalAndLabelsNeeded) {
  const Proportion p = WilsonInterval(45, 50);
  EXPECT_DOUBLE_EQ(p.estimate, 0.9);
  EXPECT_NEAR(p.lo, 0.7864, 5e-4);
  EXPECT_NEAR(p.hi, 0.9565, 5e-4);
  // Precision 1 with half the items flagged: n / (n + z^2) >= 0.95 needs n >= 73 flagged, 146 labels.
  EXPECT_EQ(LabelsNeeded(1.0, 0.5, 0.95), 146u);
  EXPECT_EQ(LabelsNeeded(0.95, 0.5, 0.95), 0u);  // never shown
  EXPECT_GT(LabelsNeeded(0.97, 0.5, 0.95), LabelsNeeded(0.99, 0.5, 0.95));
}

// ---- real e-mail ---------------------------------------------------------------

struct Split {
  std::vector<LabeledExample> train, held_out_same, hard_ham, spam_only;
};

Split SplitSample() {
  auto all = ReadLabeledJsonl(kSample, {"text", "label", "group"});
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  Split s;
  int n = 0;
  for (auto& ex : *all) {
    if (ex.group == "hard-ham-1") {
      s.hard_ham.push_back(ex);
      continue;
    }
    (n++ % 4 == 3 ? s.held_out_same : s.train).push_back(ex);
  }
  for (const auto& ex : s.held_out_same)
    if (ex.label == "spam") s.spam_only.push_back(ex);
  return s;
}

TrainOptions Options() {
  TrainOptions o;
  o.dim = 16;
  o.epoch = 25;
  o.lr = 0.5;
  o.word_ngrams = 1;
  o.calibration_folds = 5;
  o.threads = 1;
  return o;
}

TEST(DriftRealMail, TrainRecordsReferenceAndEvalMeasuresShift) {
  TempDir dir;
  const Split s = SplitSample();
  ASSERT_EQ(s.hard_ham.size(), 80u);
  const std::string model = dir.file("spam.ftz");
  auto summary = TrainClassifier(s.train, Options(), model);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  auto c = Classifier::Load(model);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const ScoreReference& ref = (*c)->meta().score_reference;
  EXPECT_EQ(ref.label, "spam");
  EXPECT_EQ(ref.source, "out_of_fold");
  EXPECT_EQ(ref.count, s.train.size());  // every training example scored once, out of fold
  EXPECT_TRUE(ref.Valid());

  EvalOptions eo;
  auto same = Evaluate(**c, s.held_out_same, eo);
  auto spam = Evaluate(**c, s.spam_only, eo);
  auto hard = Evaluate(**c, s.hard_ham, eo);
  ASSERT_TRUE(same.ok() && spam.ok() && hard.ok());
  ASSERT_TRUE(same->drift && spam->drift && hard->drift);
  // All spam: the prior moves from ~43 % to 100 %, a major shift; the same
  // groups held out: far less (70 texts against 210: sampling noise alone
  // gives PSI ~0.15 here).
  EXPECT_GE(spam->drift->psi, kPsiMajor);
  EXPECT_LT(same->drift->psi, spam->drift->psi / 4);
  EXPECT_GE(hard->drift->psi, kPsiModerate);
  EXPECT_EQ(same->drift->count, s.held_out_same.size());
  // The JSON report carries it; the text report warns.
  auto j = nlohmann::json::parse(EvalReportJson(*spam));
  EXPECT_NEAR(j["drift"]["psi"].get<double>(), spam->drift->psi, 1e-9);
  EXPECT_EQ(j["drift"]["level"], "major");
  EXPECT_NE(EvalReportText(*spam).find("warning: score distribution has major drift"), std::string::npos);
  // Drift alone (unlabelled traffic) gives the same figure.
  auto only = MeasureDrift(**c, s.spam_only);
  ASSERT_TRUE(only.ok());
  EXPECT_DOUBLE_EQ(only->psi, spam->drift->psi);
}

TEST(DriftRealMail, CalibrateOnShiftedTrafficReachesTargetAndWritesNewVersion) {
  TempDir dir;
  const Split s = SplitSample();
  const std::string model = dir.file("spam.ftz");
  ASSERT_TRUE(TrainClassifier(s.train, Options(), model).ok());
  auto c = Classifier::Load(model);
  ASSERT_TRUE(c.ok());
  // New traffic: hard ham and spam. Sample: half of each; the rest is for checking.
  std::vector<LabeledExample> sample, rest;
  for (size_t i = 0; i < s.hard_ham.size(); ++i) (i % 2 ? rest : sample).push_back(s.hard_ham[i]);
  for (size_t i = 0; i < s.spam_only.size(); ++i) (i % 2 ? rest : sample).push_back(s.spam_only[i]);
  RecalibrateOptions o;
  o.target_precision = 0.9;
  o.sample_path = "sample.jsonl";
  auto r = Recalibrate(**c, sample, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->examples, sample.size());
  EXPECT_EQ(r->positives + r->negatives, sample.size());
  EXPECT_GE(r->precision.estimate, 0.9);
  EXPECT_LE(r->precision.lo, r->precision.estimate);
  EXPECT_GE(r->precision.hi, r->precision.estimate);
  EXPECT_EQ(r->calibration.method(), Calibration::Method::kPlatt);
  // Recount on the sample: precision and recall at the new threshold, with the new calibration.
  size_t tp = 0, fp = 0, fn = 0;
  auto scratch = Classifier::NewScratch();
  float raw[2];
  const int spam = (*c)->label_index("spam");
  NormalizedText nt;
  for (const auto& ex : sample) {
    (*c)->normalizer().NormalizeForMatch(ex.text, &nt);
    (*c)->RawNormalized(nt.text, scratch.get(), raw);
    const bool flagged = r->calibration.Apply(raw[spam]) >= r->threshold, is_spam = ex.label == "spam";
    tp += flagged && is_spam;
    fp += flagged && !is_spam;
    fn += !flagged && is_spam;
  }
  EXPECT_EQ(r->precision.successes, tp);
  EXPECT_EQ(r->precision.trials, tp + fp);
  EXPECT_EQ(r->recall.trials, tp + fn);
  ASSERT_TRUE(r->drift.has_value());
  // The sample's ~15 spam cannot show 0.9 at 95 % (that takes 35 flagged without a false positive): the estimate rule.
  EXPECT_EQ(r->rule, "estimate");
  EXPECT_FALSE(r->target_shown);
  EXPECT_GT(r->labels_needed, sample.size());

  // "keep": the model's own calibration (isotonic from training), only the threshold refitted. Its
  // steps pool the sample's scores into ties, so 0.9 is out of reach where the refit reached it.
  RecalibrateOptions keep = o;
  keep.keep_calibration = true;
  auto kept90 = Recalibrate(**c, sample, keep);
  ASSERT_FALSE(kept90.ok());
  EXPECT_NE(kept90.status().message().find("no threshold reaches precision 0.9 on this sample"), std::string::npos);
  keep.target_precision = 0.75;
  auto kept = Recalibrate(**c, sample, keep);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_TRUE(kept->kept_calibration);
  EXPECT_EQ(kept->calibration.method(), Calibration::Method::kIsotonic);
  EXPECT_EQ(kept->calibration.xs(), (*c)->meta().calibration.at("spam").xs());
  EXPECT_GE(kept->precision.estimate, 0.75);

  // Enough labels to show it (the 210 training examples, 90 spam): the bound rule, whose threshold
  // is the lowest with the interval's lower bound at the target.
  RecalibrateOptions o8 = o;
  o8.target_precision = 0.8;
  auto big = Recalibrate(**c, s.train, o8);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->rule, "bound");
  EXPECT_GE(big->precision.lo, 0.8);
  EXPECT_TRUE(big->target_shown);

  // A sample with too few of one label, and a label the model does not know.
  std::vector<LabeledExample> few(s.hard_ham.begin(), s.hard_ham.begin() + 20);
  few.push_back(s.spam_only[0]);
  auto bad = Recalibrate(**c, few, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("at least 5 of each"), std::string::npos);
  std::vector<LabeledExample> unknown = sample;
  unknown[3].label = "phish";
  unknown[3].line = 4;
  auto bad2 = Recalibrate(**c, unknown, o);
  ASSERT_FALSE(bad2.ok());
  EXPECT_NE(bad2.status().message().find("sample.jsonl:4: label: \"phish\""), std::string::npos);
}

// ---- metadata versions -----------------------------------------------------------

TEST(DriftModelFile, Version1LoadsWithoutReferenceAndBadFieldsAreRejected) {
  TempDir dir;
  const Split s = SplitSample();
  const std::string model = dir.file("m.ftz");
  TrainOptions o = Options();
  o.calibration_folds = 0;  // held out: the reference is of the held-out share
  ASSERT_TRUE(TrainClassifier(s.train, o, model).ok());
  std::string text;
  ASSERT_TRUE(ReadWholeFile(MetaPathFor(model), &text).ok());
  nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format_version"], 2);
  EXPECT_EQ(j["score_reference"]["source"], "held_out");
  auto write = [&](const nlohmann::json& m) { std::ofstream(MetaPathFor(model), std::ios::trunc) << m.dump(2); };

  nlohmann::json v1 = j;  // what evenhand wrote before format 2
  v1["format_version"] = 1;
  v1.erase("score_reference");
  write(v1);
  auto c = Classifier::Load(model);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE((*c)->meta().score_reference.empty());
  EXPECT_LT((*c)->meta().threshold, 0);
  auto rep = Evaluate(**c, s.held_out_same, EvalOptions());
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->drift.has_value());
  EXPECT_NE(EvalReportText(*rep).find("drift: not measured"), std::string::npos);
  EXPECT_FALSE(MeasureDrift(**c, s.held_out_same).ok());

  nlohmann::json v3 = j;
  v3["format_version"] = 3;
  write(v3);
  auto c3 = Classifier::Load(model);
  ASSERT_FALSE(c3.ok());
  EXPECT_NE(c3.status().message().find("format_version"), std::string::npos);

  nlohmann::json unsorted = j;
  unsorted["score_reference"]["edges"] = {0.5, 0.2};
  unsorted["score_reference"]["fractions"] = {0.3, 0.3, 0.4};
  write(unsorted);
  auto cu = Classifier::Load(model);
  ASSERT_FALSE(cu.ok());
  EXPECT_NE(cu.status().message().find("score_reference"), std::string::npos);

  nlohmann::json thr = j;
  thr["threshold"] = 1.5;
  write(thr);
  EXPECT_FALSE(Classifier::Load(model).ok());
}

// ---- the verbs, as a user runs them ------------------------------------------------

TEST(DriftCli, EvalReportsDriftCalibrateWritesVersionAndRejectsBadSamples) {
  TempDir dir;
  const Split s = SplitSample();
  auto write_jsonl = [&](const std::string& path, const std::vector<LabeledExample>& rows, bool labels) {
    std::ofstream out(path);
    for (const auto& ex : rows) {
      nlohmann::json j = {{"id", ex.id}, {"text", ex.text}};
      if (labels) j["label"] = ex.label;
      out << j.dump() << "\n";
    }
  };
  const std::string train = dir.file("train.jsonl"), traffic = dir.file("traffic.jsonl"), sample = dir.file("sample.jsonl");
  write_jsonl(train, s.train, true);
  std::vector<LabeledExample> shifted = s.hard_ham;
  shifted.insert(shifted.end(), s.spam_only.begin(), s.spam_only.end());
  write_jsonl(traffic, shifted, false);
  write_jsonl(sample, shifted, true);
  const std::string model = dir.file("spam.ftz"), model2 = dir.file("spam2.ftz");
  auto t = e2e::Exec("train --data " + train + " -o " + model + " --word-ngrams 1 --calibration-folds 5");
  ASSERT_EQ(t.exit_code, 0) << t.out;

  auto d = e2e::Exec("eval --model " + model + " --data " + traffic + " --unlabeled --format json", false);
  ASSERT_EQ(d.exit_code, 0) << d.out;
  auto dj = nlohmann::json::parse(d.out);
  EXPECT_GE(dj["drift"]["psi"].get<double>(), kPsiModerate);
  EXPECT_EQ(dj["drift"]["bins"].size(), 10u);
  auto d3 = e2e::Exec("eval --model " + model + " --data " + traffic + " --unlabeled --fail-on-drift");
  EXPECT_EQ(d3.exit_code, dj["drift"]["psi"].get<double>() >= kPsiMajor ? 3 : 0) << d3.out;
  EXPECT_NE(d3.out.find("PSI"), std::string::npos);

  auto cal = e2e::Exec("calibrate --model " + model + " --labels " + sample + " --target-precision 0.9 -o " + model2);
  ASSERT_EQ(cal.exit_code, 0) << cal.out;
  EXPECT_NE(cal.out.find("labels:"), std::string::npos);
  EXPECT_NE(cal.out.find("model version 2"), std::string::npos);
  auto c2 = Classifier::Load(model2);
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_GE((*c2)->meta().threshold, 0);
  auto hist = nlohmann::json::parse((*c2)->meta().recalibrations_json);
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0]["examples"], shifted.size());
  EXPECT_GE(hist[0]["precision"]["estimate"].get<double>(), 0.9);
  // The training reference is kept, so drift stays measured against the training run.
  EXPECT_EQ((*c2)->meta().score_reference.fractions, (*Classifier::Load(model))->meta().score_reference.fractions);
  // eval uses the recorded threshold unless told otherwise.
  auto e = e2e::Exec("eval --model " + model2 + " --data " + sample + " --format json", false);
  ASSERT_EQ(e.exit_code, 0) << e.out;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(e.out)["threshold"].get<double>(), (*c2)->meta().threshold);

  // Bad samples: FILE:LINE: field, exit 1, nothing written.
  const std::string bad = dir.file("bad.jsonl"), model3 = dir.file("spam3.ftz");
  {
    std::ofstream out(bad);
    out << R"({"text": "cheap meds", "label": "spam"})" << "\n"
        << R"({"text": "see you at lunch", "label": "ham"})" << "\n"
        << R"({"text": "hello", "label": "phish"})" << "\n";
  }
  auto b1 = e2e::Exec("calibrate --model " + model + " --labels " + bad + " -o " + model3);
  EXPECT_EQ(b1.exit_code, 1);
  EXPECT_NE(b1.out.find(bad + ":3: label: \"phish\" is not one of the model's labels"), std::string::npos) << b1.out;
  {
    std::ofstream out(bad);
    out << R"({"text": "cheap meds", "label": "spam"})" << "\n" << R"({"text": "no label here"})" << "\n";
  }
  auto b2 = e2e::Exec("calibrate --model " + model + " --labels " + bad + " -o " + model3);
  EXPECT_EQ(b2.exit_code, 1);
  EXPECT_NE(b2.out.find(bad + ":2: label: missing"), std::string::npos) << b2.out;
  auto b3 = e2e::Exec("calibrate --model " + model + " --labels " + sample + " --target-precision 1.5 -o " + model3);
  EXPECT_EQ(b3.exit_code, 1) << b3.out;
  EXPECT_FALSE(fs::exists(model3));
  EXPECT_FALSE(fs::exists(MetaPathFor(model3)));
}

}  // namespace
}  // namespace evenhand::classify
