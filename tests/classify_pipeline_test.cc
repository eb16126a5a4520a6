// Classifiers in policies and in the scanner: `classifiers:` in the policy
// YAML, `classifier.NAME` in `when`, models loaded once at Scanner::Create
// (errors there, not at first use), scores and signals in decisions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "classify/classifier.h"
#include "classify/model_file.h"
#include "classify/trainer.h"
#include "pipeline/scanner.h"
#include "policy/loader.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

class ClassifyPipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("evenhand_classify_pipeline_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::vector<classify::LabeledExample> data;
    const char* spam[] = {"win free cash now", "claim your prize money", "free lottery winner click", "cash offer urgent"};
    const char* ham[] = {"meeting notes for tomorrow", "the build is green again", "lunch at noon", "review my patch please"};
    for (int i = 0; i < 240; ++i) {
      classify::LabeledExample ex;
      ex.id = std::to_string(i);
      ex.label = i % 2 ? "spam" : "ham";
      ex.text = std::string(i % 2 ? spam[i % 4] : ham[i % 4]) + " " + (i % 2 ? spam[(i / 2) % 4] : ham[(i / 2) % 4]);
      data.push_back(ex);
    }
    classify::TrainOptions o;
    o.dim = 8;
    o.epoch = 20;
    o.bucket = 10000;
    auto s = classify::TrainClassifier(data, o, (dir_ / "spam.ftz").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  std::string WritePolicy(const std::string& classifiers, const std::string& when) {
    const std::string path = (dir_ / ("p" + std::to_string(n_++) + ".yaml")).string();
    std::ofstream(path) << "policy: t\nversion: 1\n" << classifiers << "rules:\n  - id: spam\n    when: " << when
                        << "\n    action: label\n    category: scams_and_fraud\n    reason: spam\n";
    return path;
  }

  static inline fs::path dir_;
  int n_ = 0;
};

TEST_F(ClassifyPipeline, ScoresDecideAndSignal) {
  auto policy = PolicyLoader::Load(WritePolicy("classifiers:\n  spam: spam.ftz\n", "classifier.spam >= 0.9"));
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  ASSERT_EQ((*policy)->classifiers().size(), 1u);
  EXPECT_EQ((*policy)->classifiers()[0].file, (dir_ / "spam.ftz").string());
  auto scanner = Scanner::Create(*policy, ScanOptions{});
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  auto state = (*scanner)->NewState();
  Post post;
  post.id = "p1";
  post.text = "WIN free CASH now -- claim your PRIZE money!";
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.rule, "spam");
  ASSERT_FALSE(d.signals.empty());
  EXPECT_EQ(d.signals.back().detector, "classifier");
  EXPECT_EQ(d.signals.back().name, "spam");
  EXPECT_GE(d.signals.back().score, 0.9);
  post.text = "meeting notes for tomorrow: review my patch please";
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.rule, "");
  EXPECT_TRUE(d.signals.empty());
}

// Scores are computed only when a rule's evaluation reaches classifier.NAME:
// a post decided by an earlier rule, or whose `and` fails before the
// classifier, carries no classifier signal even when it is spam; a post that
// reaches it does.
TEST_F(ClassifyPipeline, LazyScoringOnlyWhenReached) {
  const std::string path = (dir_ / "lazy.yaml").string();
  std::ofstream(path) << "policy: t\nversion: 1\n"
                      << "lists:\n  urgent:\n    terms: [urgent]\n  money:\n    terms: [cash, money]\n"
                      << "classifiers:\n  spam: spam.ftz\n"
                      << "rules:\n"
                      << "  - {id: urgent, when: list.urgent, action: review, category: other_violation_tc, reason: u}\n"
                      << "  - {id: money-spam, when: list.money and classifier.spam >= 0.9, action: label,"
                         " category: scams_and_fraud, reason: s}\n";
  auto policy = PolicyLoader::Load(path);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto scanner = Scanner::Create(*policy, ScanOptions{});
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  auto state = (*scanner)->NewState();
  auto classifier_signals = [](const Decision& d) {
    int n = 0;
    for (const Signal& s : d.signals) n += s.detector == "classifier";
    return n;
  };
  Post posts[3];
  posts[0].text = "urgent: win free cash now, claim your prize money";  // decided by rule 1
  posts[1].text = "free lottery winner click, claim your prize";         // no money term: `and` stops
  posts[2].text = "win free cash now, claim your prize money";           // reaches the classifier
  Decision d[3];
  (*scanner)->ScanBatch(posts, 3, state.get(), d);
  EXPECT_EQ(d[0].rule, "urgent");
  EXPECT_EQ(classifier_signals(d[0]), 0);
  EXPECT_EQ(d[1].rule, "");
  EXPECT_EQ(classifier_signals(d[1]), 0);
  EXPECT_EQ(d[2].rule, "money-spam");
  ASSERT_EQ(classifier_signals(d[2]), 1);
  // The same post scored eagerly by the model gives the score the rule saw.
  auto model = classify::Classifier::Load((dir_ / "spam.ftz").string());
  ASSERT_TRUE(model.ok());
  auto scratch = classify::Classifier::NewScratch();
  float s[2];
  (*model)->Score(posts[2].text, scratch.get(), s);
  EXPECT_FLOAT_EQ(static_cast<float>(d[2].signals.back().score), s[(*model)->positive_index()]);
}

TEST_F(ClassifyPipeline, MappingFormAndLabel) {
  auto policy = PolicyLoader::Load(
      WritePolicy("classifiers:\n  hammy: {model: spam.ftz, label: ham}\n", "classifier.hammy > 0.5"));
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto scanner = Scanner::Create(*policy, ScanOptions{});
  ASSERT_TRUE(scanner.ok()) << scanner.status().ToString();
  auto state = (*scanner)->NewState();
  Post post;
  post.text = "lunch at noon, the build is green again";
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.rule, "spam");  // the rule's id; it fired on the ham score
}

TEST_F(ClassifyPipeline, PolicyErrors) {
  auto diags = PolicyLoader::Check(WritePolicy("classifiers:\n  spam: spam.ftz\n", "classifier.spma >= 0.9"));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("classifiers: spam"), std::string::npos) << diags[0].message;
  diags = PolicyLoader::Check(WritePolicy("classifiers:\n  spam: missing.ftz\n", "classifier.spam >= 0.9"));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].line, 4);
  EXPECT_NE(diags[0].message.find("not found"), std::string::npos) << diags[0].message;
  diags = PolicyLoader::Check(WritePolicy("", "classifier.spam >= 0.9"));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("no classifiers are defined"), std::string::npos);
  diags = PolicyLoader::Check(WritePolicy("classifiers:\n  spam: spam.ftz\n", "classifier.spam"));
  ASSERT_EQ(diags.size(), 1u);  // a number, not a bool
  EXPECT_NE(diags[0].message.find("type error"), std::string::npos);
}

TEST_F(ClassifyPipeline, CorruptModelFailsAtCreate) {
  fs::copy_file(dir_ / "spam.ftz", dir_ / "bad.ftz", fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "spam.ftz.meta.json", dir_ / "bad.ftz.meta.json", fs::copy_options::overwrite_existing);
  {
    std::fstream f(dir_ / "bad.ftz", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x5a');
  }
  auto policy = PolicyLoader::Load(WritePolicy("classifiers:\n  spam: bad.ftz\n", "classifier.spam >= 0.9"));
  ASSERT_TRUE(policy.ok());  // the file exists; its content is checked when the pipeline loads it
  auto scanner = Scanner::Create(*policy, ScanOptions{});
  ASSERT_FALSE(scanner.ok());
  EXPECT_NE(scanner.status().message().find("classifier \"spam\""), std::string::npos) << scanner.status().message();
  EXPECT_NE(scanner.status().message().find("SHA-256"), std::string::npos) << scanner.status().message();
}

}  // namespace
}  // namespace evenhand
