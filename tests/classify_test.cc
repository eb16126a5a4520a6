// Tests of src/classify: training, reload, prediction (against fastText's own
// reader), calibration and metrics on hand-computed cases, model validation
// at load, and hot swap under concurrent predictions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "classify/calibration.h"
#include "classify/classifier.h"
#include "classify/classifier_slot.h"
#include "classify/evaluate.h"
#include "classify/metrics.h"
#include "classify/model_file.h"
#include "classify/text_view.h"
#include "classify/trainer.h"
#include "text/utf8.h"

namespace evenhand::classify {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("evenhand_classify_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// A small two-label corpus: spam draws from one vocabulary, ham from
// another, both share filler words; a few examples are mislabelled noise.
std::vector<LabeledExample> MakeCorpus(int n, uint32_t seed) {
  const std::vector<std::string> spam = {"FREE", "winner", "click", "prize", "cash", "offer", "viagra", "lottery", "urgent", "money!!"};
  const std::vector<std::string> ham = {"meeting", "tomorrow", "patch", "review", "lunch", "kernel", "thanks", "agenda", "build", "report"};
  const std::vector<std::string> filler = {"the", "a", "you", "to", "and", "is", "for", "this", "we", "it"};
  std::mt19937 rng(seed);
  std::vector<LabeledExample> out;
  for (int i = 0; i < n; ++i) {
    const bool is_spam = i % 3 == 0;  // a third spam
    const auto& v = is_spam ? spam : ham;
    std::string text;
    const int words = 6 + static_cast<int>(rng() % 10);
    for (int w = 0; w < words; ++w) {
      text += (rng() % 2 ? v[rng() % v.size()] : filler[rng() % filler.size()]);
      text += w % 4 == 3 ? ". " : " ";
    }
    LabeledExample ex;
    ex.id = std::to_string(i);
    ex.text = text;
    ex.label = is_spam ? "spam" : "ham";
    if (rng() % 50 == 0) ex.label = is_spam ? "ham" : "spam";  // noise
    ex.group = is_spam ? "s" : "h";
    out.push_back(std::move(ex));
  }
  return out;
}

TrainOptions FastOptions() {
  TrainOptions o;
  o.dim = 8;
  o.epoch = 15;
  o.bucket = 10000;
  o.threads = 1;
  return o;
}

TEST(ClassifyTrain, TrainReloadPredict) {
  TempDir dir;
  const std::string model = dir.file("m.ftz");
  auto summary = TrainClassifier(MakeCorpus(300, 7), FastOptions(), model);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->positive, "spam");  // "ham" is a usual negative name
  EXPECT_EQ(summary->fit_examples + summary->calibration_examples, 300u);
  EXPECT_GT(summary->calibration_examples, 50u);
  ASSERT_TRUE(fs::exists(MetaPathFor(model)));

  auto c = Classifier::Load(model);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Classifier& cl = **c;
  ASSERT_EQ(cl.labels().size(), 2u);
  const int spam = cl.label_index("spam");
  ASSERT_EQ(cl.positive_index(), spam);
  auto scratch = Classifier::NewScratch();
  float s[2];
  cl.Score("URGENT: you are a WINNER, click for your FREE cash prize", scratch.get(), s);
  EXPECT_GT(s[spam], 0.8f);
  EXPECT_NEAR(s[0] + s[1], 1.0f, 1e-5);
  cl.Score("thanks for the review, see you at the meeting tomorrow", scratch.get(), s);
  EXPECT_LT(s[spam], 0.2f);
  // Scores are calibrated probabilities: never certainties.
  EXPECT_GT(s[spam], 0.0f);
}

TEST(ClassifyTrain, FeaturiserMatchesFastTextReader) {
  // With word bigrams (the table keyed by fastText's hash) and without (its
  // own hash, eight bytes a step): words of 1 to 20 bytes, at the text's end too.
  for (auto [quantize, word_ngrams] : {std::pair{false, 2}, std::pair{true, 2}, std::pair{false, 1}}) {
    TempDir dir;
    const std::string model = dir.file("m.ftz");
    TrainOptions o = FastOptions();
    o.quantize = quantize;
    o.word_ngrams = word_ngrams;
    std::vector<LabeledExample> corpus = MakeCorpus(300, 11);
    for (int i = 0; i < 20; ++i)  // in-vocabulary words longer than eight and sixteen bytes
      corpus.push_back({"long" + std::to_string(i), i % 2 ? "internationalization report" : "supercalifragilistic prize",
                        i % 2 ? "ham" : "spam", i % 2 ? "h" : "s"});
    auto summary = TrainClassifier(corpus, o, model);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    auto c = Classifier::Load(model);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    auto scratch = Classifier::NewScratch();
    std::string long_text;
    for (int i = 0; i < 1500; ++i) long_text += i % 7 ? "meeting " : "prize ";
    const std::vector<std::string> texts = {"free cash prize", "meeting tomorrow about the kernel patch",
                                            "unseenword another unseen", "", "a", long_text,
                                            "prize prize prize meeting meeting",
                                            "internationalization of the supercalifragilistic prize",
                                            "prize internationalization"};
    for (const std::string& text : texts) {
      NormalizedText nt;
      (*c)->normalizer().Normalize(text, &nt);
      float raw[2];
      (*c)->RawNormalized(nt.text, scratch.get(), raw);
      std::vector<float> ref = (*c)->RawReference(nt.text);
      ASSERT_EQ(ref.size(), 2u);
      EXPECT_NEAR(raw[0], ref[0], 1e-4) << "quantize=" << quantize << " n=" << word_ngrams << " text: " << text.substr(0, 40);
      EXPECT_NEAR(raw[1], ref[1], 1e-4) << "quantize=" << quantize << " n=" << word_ngrams << " text: " << text.substr(0, 40);
    }
    // Normalised text as the splitter sees it (64 bytes a step): runs of
    // spaces, words across a 64-byte boundary, texts of exactly 64 and 128
    // bytes ending inside a word, a text of spaces only.
    std::string across = std::string(60, ' ') + "prize meeting";
    std::string exact64 = std::string(59, ' ') + "prize";  // in-vocabulary words where a block ends
    std::string exact128(123, ' ');
    for (size_t at : {0, 20, 58, 100}) exact128.replace(at, 7, "meeting");
    exact128 += "prize";
    std::string mixed;
    for (int i = 0; i < 300; ++i) mixed += std::string(static_cast<size_t>(i % 4), ' ') + (i % 5 ? "review" : "supercalifragilistic");
    for (const std::string& text : {across, exact64, exact128, mixed, std::string("  prize   meeting  "), std::string(130, ' ')}) {
      float raw[2];
      (*c)->RawNormalized(text, scratch.get(), raw);
      std::vector<float> ref = (*c)->RawReference(text);
      EXPECT_NEAR(raw[0], ref[0], 1e-4) << "n=" << word_ngrams << " size " << text.size();
      EXPECT_NEAR(raw[1], ref[1], 1e-4) << "n=" << word_ngrams << " size " << text.size();
    }
  }
}

// --- text view and cross-fitted calibration ---------------------------------

TEST(ClassifyTextView, HandCases) {
  std::string out = "stale";
  EXPECT_FALSE(ApplyTextView(TextView{}, "a b c", &out));
  TextView trunc;
  trunc.max_words = 2;
  ASSERT_TRUE(ApplyTextView(trunc, "  one  two three four", &out));
  EXPECT_EQ(out, "one two");
  EXPECT_FALSE(ApplyTextView(trunc, "one  two", &out));  // nothing cut: the text itself
  TextView head;
  head.head_words = 2;
  ASSERT_TRUE(ApplyTextView(head, "subject win cash now", &out));
  EXPECT_EQ(out, "subject win cash now h_subject h_win");
  ASSERT_TRUE(ApplyTextView(head, "hi", &out));
  EXPECT_EQ(out, "hi h_hi");
  TextView script;
  script.script_tokens = true;
  EXPECT_FALSE(ApplyTextView(script, "plain ascii text", &out));
  EXPECT_FALSE(ApplyTextView(script, "caf\xc3\xa9 na\xc3\xafve", &out));  // Latin with accents: no token
  // Cyrillic, Han, a digit-only word and Hangul.
  ASSERT_TRUE(ApplyTextView(script, "\xd0\xbf\xd1\x80\xd0\xb8 hello \xe4\xbd\xa0\xe5\xa5\xbd 42 \xed\x95\x9c", &out));
  EXPECT_EQ(out, "\xd0\xbf\xd1\x80\xd0\xb8 hello \xe4\xbd\xa0\xe5\xa5\xbd 42 \xed\x95\x9c __script_cyrl__ __script_hani__ __script_hang__");
  TextView all{1, 1, true};  // truncation first: the tokens describe the words kept
  ASSERT_TRUE(ApplyTextView(all, "\xd0\xbf\xd1\x80\xd0\xb8 \xe4\xbd\xa0", &out));
  EXPECT_EQ(out, "\xd0\xbf\xd1\x80\xd0\xb8 h_\xd0\xbf\xd1\x80\xd0\xb8 __script_cyrl__");
}

// Spam in Cyrillic words, ham in Latin ones, all random and never repeated
// (so none reaches the vocabulary with min_count 2), plus shared filler:
// without script tokens both labels look alike (filler and end of line);
// with them, a Cyrillic text of unseen words is told apart by its script.
std::vector<LabeledExample> ScriptCorpus() {
  std::vector<LabeledExample> out;
  std::mt19937 rng(5);
  auto word = [&](char32_t first) {
    std::string w;
    for (int k = 0; k < 6; ++k) AppendUtf8(&w, first + static_cast<char32_t>(rng() % 26));
    return w;
  };
  const std::vector<std::string> filler = {"the", "a", "you", "to", "and", "is", "for", "this"};
  for (int i = 0; i < 240; ++i) {
    const bool spam = i % 3 == 0;
    std::string text;
    for (int w = 0; w < 8; ++w) text += (w % 3 == 0 ? filler[rng() % filler.size()] : word(spam ? U'\u0430' : U'a')) + " ";
    out.push_back({std::to_string(i), text, spam ? "spam" : "ham", ""});
  }
  return out;
}

TEST(ClassifyTrain, ScriptTokensRecordedAndAppliedAtPrediction) {
  TempDir dir;
  const std::string with = dir.file("with.ftz"), without = dir.file("without.ftz");
  TrainOptions o = FastOptions();
  o.min_count = 2;
  o.word_ngrams = 1;
  TrainOptions v = o;
  v.text_view.script_tokens = true;
  ASSERT_TRUE(TrainClassifier(ScriptCorpus(), o, without).ok());
  ASSERT_TRUE(TrainClassifier(ScriptCorpus(), v, with).ok());
  auto a = Classifier::Load(with), b = Classifier::Load(without);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->meta().text_view.script_tokens);
  EXPECT_TRUE((*b)->meta().text_view.identity());
  auto scratch = Classifier::NewScratch();
  float s[2];
  const std::string unseen = "\xd1\x8f\xd1\x8e\xd1\x8d\xd1\x8c \xd1\x8b\xd1\x8a\xd1\x89\xd1\x88 \xd1\x87\xd1\x86\xd1\x85";
  (*a)->Score(unseen, scratch.get(), s);
  const float with_view = s[(*a)->positive_index()];
  (*b)->Score(unseen, scratch.get(), s);
  const float without_view = s[(*b)->positive_index()];
  EXPECT_GT(with_view, 0.8f);
  EXPECT_LT(without_view, 0.6f);  // the end-of-line row only: about the prior (a third)
  // The featuriser and fastText's own reader agree on the viewed text.
  NormalizedText nt;
  (*a)->normalizer().Normalize(unseen, &nt);
  float raw[2];
  (*a)->RawNormalized(nt.text, scratch.get(), raw);
  std::vector<float> ref = (*a)->RawReference(nt.text);
  EXPECT_NEAR(raw[0], ref[0], 1e-4);
  EXPECT_NEAR(raw[1], ref[1], 1e-4);
}

TEST(ClassifyTrain, CrossFittedCalibration) {
  TempDir dir;
  const std::string m1 = dir.file("a.ftz"), m2 = dir.file("b.ftz"), holdout = dir.file("h.ftz");
  TrainOptions o = FastOptions();
  o.calibration_folds = 4;
  o.calibration = Calibration::Method::kPlatt;
  const auto corpus = MakeCorpus(300, 7);
  auto s1 = TrainClassifier(corpus, o, m1);
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  EXPECT_EQ(s1->fit_examples, 300u);           // the model written saw every example
  EXPECT_EQ(s1->calibration_examples, 300u);   // each scored once, out of fold
  EXPECT_EQ(s1->calibration_folds, 4);
  ASSERT_TRUE(TrainClassifier(corpus, o, m2).ok());
  auto a = Classifier::Load(m1), b = Classifier::Load(m2);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString();
  // Deterministic for a seed: the same model and the same calibration.
  EXPECT_EQ((*a)->meta().model_sha256, (*b)->meta().model_sha256);
  const Calibration& ca = (*a)->meta().calibration.at("spam");
  EXPECT_EQ(ca.method(), Calibration::Method::kPlatt);
  EXPECT_EQ(ca.a(), (*b)->meta().calibration.at("spam").a());
  EXPECT_EQ(ca.b(), (*b)->meta().calibration.at("spam").b());
  EXPECT_NE((*a)->meta().training_json.find("\"calibration_folds\":4"), std::string::npos);
  // The holdout way trains on a share only, so it is a different model.
  TrainOptions h = FastOptions();
  h.calibration = Calibration::Method::kPlatt;
  auto sh = TrainClassifier(corpus, h, holdout);
  ASSERT_TRUE(sh.ok());
  EXPECT_LT(sh->fit_examples, 300u);
  auto c = Classifier::Load(holdout);
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*c)->meta().model_sha256, (*a)->meta().model_sha256);
  // Scores stay sensible probabilities.
  auto scratch = Classifier::NewScratch();
  float s[2];
  (*a)->Score("URGENT: you are a WINNER, click for your FREE cash prize", scratch.get(), s);
  EXPECT_GT(s[(*a)->positive_index()], 0.8f);
  (*a)->Score("thanks for the review, see you at the meeting tomorrow", scratch.get(), s);
  EXPECT_LT(s[(*a)->positive_index()], 0.2f);
  // Bad settings are errors, not surprises.
  TrainOptions bad = o;
  bad.calibration_folds = 1;
  EXPECT_FALSE(TrainClassifier(corpus, bad, dir.file("x.ftz")).ok());
  bad.calibration_folds = 3;
  std::vector<LabeledExample> tiny(corpus.begin(), corpus.begin() + 4);  // spam only at 0 and 3
  EXPECT_FALSE(TrainClassifier(tiny, bad, dir.file("x.ftz")).ok());
  bad.autotune_seconds = 5;
  EXPECT_FALSE(TrainClassifier(corpus, bad, dir.file("x.ftz")).ok());
}

TEST(ClassifyMetrics, HandCase) {
  // Positives 0.9 0.8 0.6 0.3; negatives 0.7 0.55 0.4 0.2.
  const std::vector<Scored> items = {{0.9, true}, {0.8, true}, {0.7, false}, {0.6, true},
                                     {0.55, false}, {0.4, false}, {0.3, true}, {0.2, false}};
  // ROC-AUC recomputed here by counting pairs: 12 of 16 pairs ordered right.
  double wins = 0, pairs = 0;
  for (const auto& p : items)
    for (const auto& n : items)
      if (p.positive && !n.positive) {
        pairs += 1;
        wins += p.score > n.score ? 1 : p.score == n.score ? 0.5 : 0;
      }
  EXPECT_DOUBLE_EQ(wins / pairs, 0.75);
  EXPECT_DOUBLE_EQ(RocAuc(items), 0.75);
  EXPECT_DOUBLE_EQ(RocAuc(std::vector<Scored>{{0.5, true}, {0.5, false}}), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc(std::vector<Scored>{{0.5, true}})));

  auto curve = PrecisionRecallCurve(items);
  ASSERT_EQ(curve.size(), 8u);
  EXPECT_DOUBLE_EQ(curve[3].threshold, 0.6);  // tp 3, fp 1
  EXPECT_DOUBLE_EQ(curve[3].precision, 0.75);
  EXPECT_DOUBLE_EQ(curve[3].recall, 0.75);
  auto at = ThresholdForPrecision(curve, 0.9);
  ASSERT_TRUE(at.has_value());
  EXPECT_DOUBLE_EQ(at->threshold, 0.8);
  EXPECT_DOUBLE_EQ(at->recall, 0.5);
  EXPECT_FALSE(ThresholdForPrecision(std::vector<PrPoint>{}, 0.5).has_value());

  Confusion cm = ConfusionAt(items, 0.5);  // predicted: .9 .8 .7 .6 .55
  EXPECT_EQ(cm.tp, 3u);
  EXPECT_EQ(cm.fp, 2u);
  EXPECT_EQ(cm.fn, 1u);
  EXPECT_EQ(cm.tn, 2u);
  EXPECT_DOUBLE_EQ(cm.precision(), 0.6);
  EXPECT_DOUBLE_EQ(cm.recall(), 0.75);
  EXPECT_DOUBLE_EQ(cm.f1(), 2 * 0.6 * 0.75 / 1.35);

  auto bins = ReliabilityCurve(items, 2);  // [0,.5): .4 .3 .2 ; [.5,1]: the rest
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_EQ(bins[0].count, 3u);
  EXPECT_NEAR(bins[0].mean_score, 0.3, 1e-12);
  EXPECT_NEAR(bins[0].observed, 1.0 / 3, 1e-12);
  EXPECT_EQ(bins[1].count, 5u);
  EXPECT_NEAR(bins[1].observed, 0.6, 1e-12);
  EXPECT_NEAR(ExpectedCalibrationError(bins), (3 * std::abs(0.3 - 1.0 / 3) + 5 * std::abs(0.71 - 0.6)) / 8, 1e-12);
}

TEST(ClassifyCalibration, IsotonicHandCase) {
  const std::vector<CalibrationPoint> pts = {{0.1, false}, {0.2, true}, {0.3, false}, {0.4, true}, {0.5, true}};
  Calibration c = Calibration::FitIsotonic(pts);
  // Blocks: {0.1}: 0, {0.2, 0.3}: 1/2, {0.4, 0.5}: 1; clamped to [1/6, 5/6].
  ASSERT_EQ(c.xs().size(), 3u);
  EXPECT_NEAR(c.xs()[1], 0.25, 1e-12);
  EXPECT_NEAR(c.Apply(0.0), 1.0 / 6, 1e-12);
  EXPECT_NEAR(c.Apply(0.25), 0.5, 1e-12);
  EXPECT_NEAR(c.Apply(0.35), 0.5 + 0.5 * (5.0 / 6 - 0.5), 1e-12);
  EXPECT_NEAR(c.Apply(0.9), 5.0 / 6, 1e-12);
}

TEST(ClassifyCalibration, PlattIsMonotoneAndFitsRates) {
  std::vector<CalibrationPoint> pts;
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    const double s = (rng() % 1000) / 1000.0;
    const double p_true = 0.2 + 0.6 * s;  // the truth is a gentler slope than the raw score
    pts.push_back({s, (rng() % 10000) / 10000.0 < p_true});
  }
  Calibration c = Calibration::FitPlatt(pts);
  double prev = -1;
  for (double s = 0.01; s < 1; s += 0.05) {
    EXPECT_GT(c.Apply(s), prev);
    prev = c.Apply(s);
  }
  EXPECT_NEAR(c.Apply(0.5), 0.5, 0.06);
  EXPECT_GT(c.Apply(0.02), 0.1);
  EXPECT_LT(c.Apply(0.98), 0.9);
}

TEST(ClassifyEval, ReportMatchesRecount) {
  TempDir dir;
  const std::string model = dir.file("m.ftz");
  ASSERT_TRUE(TrainClassifier(MakeCorpus(300, 5), FastOptions(), model).ok());
  auto c = Classifier::Load(model);
  ASSERT_TRUE(c.ok());
  auto test = MakeCorpus(120, 99);
  EvalOptions o;
  auto r = Evaluate(**c, test, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Recount precision/recall of "spam" and the group FPR here.
  auto scratch = Classifier::NewScratch();
  const int spam = (*c)->label_index("spam");
  size_t tp = 0, fp = 0, fn = 0, h_neg = 0, h_fp = 0;
  for (const auto& ex : test) {
    float s[2];
    (*c)->Score(ex.text, scratch.get(), s);
    const bool pred = s[spam] >= 0.5f, truth = ex.label == "spam";
    tp += pred && truth;
    fp += pred && !truth;
    fn += !pred && truth;
    if (ex.group == "h" && !truth) {
      ++h_neg;
      h_fp += pred;
    }
  }
  const LabelReport& l = r->labels[static_cast<size_t>(spam)];
  EXPECT_EQ(l.confusion.tp, tp);
  EXPECT_EQ(l.confusion.fp, fp);
  EXPECT_EQ(l.confusion.fn, fn);
  EXPECT_GT(l.confusion.f1(), 0.8);
  EXPECT_GT(l.roc_auc, 0.9);
  ASSERT_FALSE(r->groups.empty());  // groups only when asked: the corpus sets them
  for (const auto& g : r->groups)
    if (g.group == "h") {
      EXPECT_EQ(g.confusion.fp, h_fp);
      EXPECT_EQ(g.confusion.fp + g.confusion.tn, h_neg);
    }
  EXPECT_NE(EvalReportJson(*r).find("\"roc_auc\""), std::string::npos);
  EXPECT_NE(PrCurveSvg(*r).find("<polyline"), std::string::npos);
  EXPECT_EQ(PrCurveCsv(*r).rfind("label,threshold,precision,recall,tp,fp\n", 0), 0u);
}

// --- load-time validation ---------------------------------------------------

class ClassifyLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dir_.file("m.ftz");
    ASSERT_TRUE(TrainClassifier(MakeCorpus(150, 1), FastOptions(), model_).ok());
    ASSERT_TRUE(ReadWholeFile(model_, &bytes_).ok());
  }
  void Write(const std::string& bytes) {
    std::ofstream out(model_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  std::string Error() {
    auto c = Classifier::Load(model_);
    EXPECT_FALSE(c.ok());
    return c.ok() ? "" : c.status().message();
  }
  TempDir dir_;
  std::string model_, bytes_;
};

TEST_F(ClassifyLoad, MissingModel) {
  auto c = Classifier::Load(dir_.file("nope.ftz"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
  EXPECT_NE(c.status().message().find("nope.ftz"), std::string::npos);
  auto slot = ClassifierSlot::Open(dir_.file("nope.ftz"));
  EXPECT_FALSE(slot.ok());
}

TEST_F(ClassifyLoad, MissingMetadata) {
  fs::remove(MetaPathFor(model_));
  EXPECT_NE(Error().find("metadata not found"), std::string::npos);
}

TEST_F(ClassifyLoad, Truncated) {
  Write(bytes_.substr(0, bytes_.size() / 2));
  EXPECT_NE(Error().find("truncated"), std::string::npos);
}

TEST_F(ClassifyLoad, FlippedByte) {
  std::string b = bytes_;
  b[b.size() / 2] ^= 0x40;
  Write(b);
  EXPECT_NE(Error().find("SHA-256"), std::string::npos);
}

TEST_F(ClassifyLoad, GarbageWithMatchingMetadata) {
  // Even with metadata that vouches for it, a file that is not a fastText
  // model is refused before fastText parses it.
  for (std::string garbage : {std::string(4096, 'x'), bytes_.substr(0, 200) + std::string(100000, '\xff'),
                              bytes_.substr(0, 70) + std::string(64, '\x7f')}) {
    Write(garbage);
    ModelMeta meta;
    std::string ignored;
    // Rewrite the metadata to match the garbage.
    std::string meta_text;
    ASSERT_TRUE(ReadWholeFile(MetaPathFor(model_), &meta_text).ok());
    meta.model_bytes = garbage.size();
    meta.model_sha256 = Sha256Hex(garbage);
    meta.labels = {"spam", "ham"};
    meta.positive = "spam";
    ASSERT_TRUE(WriteMeta(model_, meta).ok());
    const std::string e = Error();
    EXPECT_NE(e.find("m.ftz"), std::string::npos) << e;
  }
}

TEST_F(ClassifyLoad, UnknownTextViewKey) {
  // A view this evenhand cannot apply would change the scores silently: refused.
  std::string meta;
  ASSERT_TRUE(ReadWholeFile(MetaPathFor(model_), &meta).ok());
  const size_t at = meta.find("\"training\"");
  ASSERT_NE(at, std::string::npos);
  meta.insert(at, "\"text_view\": {\"script_tokens\": true, \"stem_words\": 3},\n  ");
  std::ofstream(MetaPathFor(model_), std::ios::trunc) << meta;
  EXPECT_NE(Error().find("stem_words"), std::string::npos);
}

TEST_F(ClassifyLoad, BadMetadataJson) {
  std::ofstream(MetaPathFor(model_)) << "{not json";
  EXPECT_NE(Error().find("not a JSON object"), std::string::npos);
}

// --- hot swap ------------------------------------------------------------------

TEST(ClassifySwap, ConcurrentPredictionsDuringSwaps) {
  TempDir dir;
  const std::string a = dir.file("a.ftz"), b = dir.file("b.ftz");
  ASSERT_TRUE(TrainClassifier(MakeCorpus(150, 2), FastOptions(), a).ok());
  TrainOptions other = FastOptions();
  other.dim = 12;  // a different shape: scratch buffers must adapt
  other.text_view.script_tokens = true;  // and a text view, applied in each thread's scratch
  ASSERT_TRUE(TrainClassifier(MakeCorpus(150, 3), other, b).ok());
  auto slot = ClassifierSlot::Open(a);
  ASSERT_TRUE(slot.ok()) << slot.status().ToString();
  auto model_b = Classifier::Load(b);
  ASSERT_TRUE(model_b.ok());
  auto model_a = (*slot)->Current();

  std::atomic<bool> stop{false};
  std::atomic<long> predictions{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      auto scratch = Classifier::NewScratch();
      float s[2];
      while (!stop.load()) {
        std::shared_ptr<const Classifier> c = (*slot)->Current();
        c->Score("free cash prize for the winner \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb7", scratch.get(), s);
        if (!(s[0] >= 0 && s[0] <= 1 && std::abs(s[0] + s[1] - 1) < 1e-4)) ++bad;
        ++predictions;
      }
    });
  for (int i = 0; i < 200; ++i) (*slot)->Set(i % 2 ? model_a : *model_b);
  // Reload from disk: replace a's files with b's (model, then metadata).
  fs::copy_file(b, a, fs::copy_options::overwrite_existing);
  bool swapped = true;
  EXPECT_FALSE((*slot)->ReloadIfChanged(&swapped).ok());  // metadata not yet there: old model kept
  EXPECT_FALSE(swapped);
  fs::copy_file(MetaPathFor(b), MetaPathFor(a), fs::copy_options::overwrite_existing);
  EXPECT_TRUE((*slot)->ReloadIfChanged(&swapped).ok());
  EXPECT_TRUE(swapped);
  EXPECT_TRUE((*slot)->ReloadIfChanged(&swapped).ok());
  EXPECT_FALSE(swapped);  // unchanged since
  while (predictions.load() < 2000) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ((*slot)->Current()->meta().model_sha256, (*model_b)->meta().model_sha256);
}

}  // namespace
}  // namespace evenhand::classify
