// Scanner: one post in, one decision out, with the policy's rule, scope,
// category, policy@version, and evidence spans in the original text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "pipeline/scanner.h"
#include "policy/loader.h"

namespace evenhand {
namespace {

std::shared_ptr<const Policy> LoadInline(const std::string& name, const std::string& yaml) {
  auto dir = std::filesystem::temp_directory_path() / ("evenhand_pipeline_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / (name + ".yaml");
  std::ofstream(path) << yaml;
  auto policy = PolicyLoader::Load(path.string());
  EXPECT_TRUE(policy.ok()) << policy.status().message();
  return policy.ok() ? *policy : nullptr;
}

const char* kPolicy = R"(policy: t
version: 7
lists:
  scam:
    terms: ["free money", "فوری قرض"]
rules:
  - id: urdu-scam
    when: list.scam and lang == "ur"
    action: withhold
    scope: [PK]
    category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD
    reason: "scam in Urdu"
  - id: scam
    when: list.scam
    action: label
    category: scams_and_fraud
    reason: "scam"
)";

TEST(Scanner, DecisionCarriesRuleScopeCategoryAndPolicyVersion) {
  auto policy = LoadInline("scope", kPolicy);
  ASSERT_TRUE(policy);
  ScanOptions options;
  options.detect_lang = ScanOptions::DetectLang::kNever;
  auto scanner = Scanner::Create(policy, options);
  ASSERT_TRUE(scanner.ok());
  auto state = (*scanner)->NewState();
  Post post;
  post.id = "p1";
  post.lang = "ur";
  post.region = "PK";
  post.text = "یہ فوری قرض ہے";
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.item, "p1");
  EXPECT_EQ(d.action, Action::kWithhold);
  EXPECT_EQ(d.scope, std::vector<std::string>{"PK"});
  EXPECT_EQ(d.category, "scams_and_fraud");
  EXPECT_EQ(d.rule, "urdu-scam");
  EXPECT_EQ(d.policy, "t@7");
  ASSERT_EQ(d.signals.size(), 1u);
  EXPECT_EQ(d.signals[0].name, "scam");
  // "یہ " is 5 bytes; the term is 15 bytes long in the original text.
  EXPECT_NE(d.signals[0].evidence.find("at [5,20)"), std::string::npos) << d.signals[0].evidence;
}

TEST(Scanner, EvidenceSpanPointsIntoTheOriginalText) {
  auto policy = LoadInline("span", kPolicy);
  auto scanner = Scanner::Create(policy, ScanOptions{});
  ASSERT_TRUE(scanner.ok());
  auto state = (*scanner)->NewState();
  Post post;
  post.id = "p2";
  post.lang = "en";
  // Fullwidth letters and a zero-width space hide the phrase.
  post.text = "get \xEF\xBD\x86ree mo\xE2\x80\x8Bney now";
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.action, Action::kLabel);
  EXPECT_EQ(d.rule, "scam");
  ASSERT_EQ(d.signals.size(), 1u);
  // [4, 19): from the fullwidth f (3 bytes) to the end of "money" with its ZWSP.
  EXPECT_NE(d.signals[0].evidence.find("at [4,19)"), std::string::npos) << d.signals[0].evidence;
  EXPECT_EQ(post.text.substr(4, 15), "\xEF\xBD\x86ree mo\xE2\x80\x8Bney");
}

TEST(Scanner, DetectedLanguageFeedsThePolicyWhenThePostHasNone) {
  auto policy = LoadInline("lang", kPolicy);
  ASSERT_TRUE(policy->uses_lang());
  auto scanner = Scanner::Create(policy, ScanOptions{});  // auto: the policy reads lang
  ASSERT_TRUE(scanner.ok());
  auto state = (*scanner)->NewState();
  Post post;
  post.id = "p3";
  post.text = "پاکستان میں لوگوں کو فوری قرض کا لالچ دے کر دھوکہ دیا جا رہا ہے اور پولیس نے خبردار کیا ہے کہ ایسے پیغامات کا جواب نہ دیں";
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.lang, "ur");
  EXPECT_EQ(d.rule, "urdu-scam");

  ScanOptions never;
  never.detect_lang = ScanOptions::DetectLang::kNever;
  auto blind = Scanner::Create(policy, never);
  auto blind_state = (*blind)->NewState();
  (*blind)->Scan(post, blind_state.get(), &d);
  EXPECT_EQ(d.lang, "");
  EXPECT_EQ(d.rule, "scam");
}

TEST(Scanner, NoMatchIsAllowWithNoRule) {
  auto policy = LoadInline("allow", kPolicy);
  auto scanner = Scanner::Create(policy, ScanOptions{});
  auto state = (*scanner)->NewState();
  Post post;
  post.id = "p4";
  post.lang = "en";
  post.text = "free moneyball tickets";  // not a whole-word match
  Decision d;
  (*scanner)->Scan(post, state.get(), &d);
  EXPECT_EQ(d.action, Action::kAllow);
  EXPECT_EQ(d.rule, "");
  EXPECT_EQ(d.category, "");
  EXPECT_TRUE(d.signals.empty());
  EXPECT_EQ(d.policy, "t@7");
}

}  // namespace
}  // namespace evenhand
