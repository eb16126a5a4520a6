// Loading policy files: the valid fixture, evaluation order, and the exact
// FILE:LINE:COLUMN of each kind of problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "policy/expr.h"
#include "policy/loader.h"

namespace evenhand {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(EVENHAND_SOURCE_DIR) + "/tests/data/policy/" + name;
}

std::string Dump(const std::vector<PolicyDiagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += d.ToString() + "\n";
  return out;
}

// Expects exactly one diagnostic and returns it.
PolicyDiagnostic One(const std::string& name) {
  std::vector<PolicyDiagnostic> diags = PolicyLoader::Check(Fixture(name));
  EXPECT_EQ(diags.size(), 1u) << Dump(diags);
  return diags.empty() ? PolicyDiagnostic{} : diags[0];
}

struct Pos {
  int line;
  int column;
  std::string message;
};

void ExpectDiagnostics(const std::string& name, const std::vector<Pos>& want) {
  std::vector<PolicyDiagnostic> got = PolicyLoader::Check(Fixture(name));
  ASSERT_EQ(got.size(), want.size()) << Dump(got);
  // The same file's text given as a source (the fuzz target's entry) reports the same.
  std::ifstream in(Fixture(name), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(Dump(PolicyLoader::CheckSource(Fixture(name), text)), Dump(got));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].file, Fixture(name));
    EXPECT_EQ(got[i].line, want[i].line) << got[i].ToString();
    EXPECT_EQ(got[i].column, want[i].column) << got[i].ToString();
    EXPECT_EQ(got[i].message.substr(0, want[i].message.size()), want[i].message) << got[i].ToString();
  }
}

TEST(policy_loader, LoadsValidFixture) {
  auto loaded = PolicyLoader::Load(Fixture("valid.yaml"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& p = *loaded.value();
  EXPECT_EQ(p.name(), "test-default");
  EXPECT_EQ(p.version(), 3);
  EXPECT_EQ(p.id(), "test-default@3");
  EXPECT_TRUE(p.uses_lang());

  ASSERT_EQ(p.lists().size(), 2u);
  EXPECT_EQ(p.lists()[0].name, "scam_terms");
  EXPECT_EQ(p.lists()[0].terms,
            (std::vector<std::string>{"guaranteed returns", "crypto giveaway", "double your money", "padded term"}));
  ASSERT_EQ(p.lists()[0].sources.size(), 1u);
  EXPECT_TRUE(std::filesystem::equivalent(p.lists()[0].sources[0], Fixture("lists/scams.txt")));
  EXPECT_EQ(p.lists()[1].name, "threats");
  EXPECT_EQ(p.lists()[1].terms, (std::vector<std::string>{"i will hurt you"}));

  ASSERT_EQ(p.rules().size(), 4u);
  const Rule& r0 = p.rules()[0];
  EXPECT_EQ(r0.id, "threat-remove");
  EXPECT_EQ(r0.action, Action::kRemove);
  EXPECT_EQ(r0.category, "violence");  // STATEMENT_CATEGORY_VIOLENCE, stored short
  EXPECT_EQ(r0.reason, "Threat of violence");
  EXPECT_EQ(r0.when_text, "list.threats");
  EXPECT_TRUE(r0.scope.empty());
  EXPECT_FALSE(r0.review);
  EXPECT_EQ(r0.line, 12);
  ASSERT_NE(r0.when, nullptr);

  const Rule& r1 = p.rules()[1];
  EXPECT_EQ(r1.id, "scam-new-account");
  EXPECT_EQ(r1.action, Action::kWithhold);
  EXPECT_EQ(r1.scope, (std::vector<std::string>{"PK", "EU"}));
  EXPECT_EQ(r1.category, "scams_and_fraud");
  EXPECT_EQ(r1.reason, "Scam terms from a new account");
  EXPECT_TRUE(r1.review);
  EXPECT_EQ(r1.line, 17);

  EXPECT_EQ(p.rules()[2].id, "urdu-media-label");
  EXPECT_EQ(p.rules()[2].action, Action::kLabel);
  EXPECT_EQ(p.rules()[3].id, "clean");
  EXPECT_EQ(p.rules()[3].action, Action::kAllow);
  EXPECT_EQ(p.rules()[3].category, "");
  EXPECT_EQ(p.rules()[3].reason, "");

  EXPECT_TRUE(PolicyLoader::Check(Fixture("valid.yaml")).empty());
}

TEST(policy_loader, EvaluatesValidFixture) {
  auto loaded = PolicyLoader::Load(Fixture("valid.yaml"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& p = *loaded.value();
  Post post;
  post.lang = "en";
  Account young{"a1", 1000, "PK"};
  std::vector<uint32_t> counts = {1, 0};  // scam_terms, threats
  EvalContext ctx;
  ctx.post = &post;
  ctx.account = &young;
  ctx.now = 1000 + 86400;
  ctx.list_counts = counts;
  EXPECT_EQ(p.Evaluate(ctx), 1);  // scam terms from a one-day-old account
  ctx.account = nullptr;
  EXPECT_EQ(p.Evaluate(ctx), -1);  // no account: age comparison is false
  counts = {1, 1};
  ctx.list_counts = counts;
  EXPECT_EQ(p.Evaluate(ctx), 0);  // threats come first
  counts = {0, 0};
  ctx.list_counts = counts;
  EXPECT_EQ(p.Evaluate(ctx), 3);  // clean -> explicit allow rule
  post.lang = "ur";
  post.media.push_back(Media{"x.jpg"});
  EXPECT_EQ(p.Evaluate(ctx), 2);
}

TEST(policy_loader, FirstMatchingRuleWins) {
  auto loaded = PolicyLoader::Load(Fixture("order.yaml"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Policy& p = *loaded.value();
  EXPECT_EQ(p.id(), "order@1");
  EXPECT_FALSE(p.uses_lang());
  Post post;
  std::vector<uint32_t> counts(3, 0);
  EvalContext ctx;
  ctx.post = &post;
  ctx.list_counts = counts;
  auto eval = [&](uint32_t a, uint32_t b, uint32_t c) {
    counts = {a, b, c};
    ctx.list_counts = counts;
    return p.Evaluate(ctx);
  };
  // a and b: label-a (first) wins over the more severe remove-a-and-b.
  EXPECT_EQ(eval(1, 1, 0), 0);
  EXPECT_EQ(eval(1, 1, 1), 0);
  EXPECT_EQ(eval(0, 1, 1), 2);
  EXPECT_EQ(eval(0, 0, 1), 2);
  EXPECT_EQ(eval(0, 1, 0), -1);  // nothing holds: the default
  EXPECT_EQ(eval(0, 0, 0), -1);
  EXPECT_EQ(p.rules()[2].action, Action::kSuspendAccount);
}

TEST(policy_loader_errors, UnknownListInWhen) {
  PolicyDiagnostic d = One("bad_unknown_list.yaml");
  EXPECT_EQ(d.line, 8);
  EXPECT_EQ(d.column, 30);
  EXPECT_EQ(d.message, "unknown name \"list.scamz\" (lists: scam_terms, threats)");
  EXPECT_EQ(d.ToString(),
            Fixture("bad_unknown_list.yaml") + ":8:30: unknown name \"list.scamz\" (lists: scam_terms, threats)");
}

TEST(policy_loader_errors, BadAction) {
  PolicyDiagnostic d = One("bad_action.yaml");
  EXPECT_EQ(d.line, 6);
  EXPECT_EQ(d.column, 13);
  EXPECT_EQ(d.message, "rule \"r1\": unknown action \"delete\" (allow, label, review, withhold, remove, suspend_account)");
}

TEST(policy_loader_errors, WithholdScope) {
  ExpectDiagnostics("bad_withhold_scope.yaml", {
                                                   {6, 13, "rule \"r1\": withhold needs a \"scope\""},
                                                   {12, 12, "rule \"r2\": \"scope\" is empty"},
                                               });
}

TEST(policy_loader_errors, DuplicateRuleId) {
  PolicyDiagnostic d = One("bad_dup_id.yaml");
  EXPECT_EQ(d.line, 14);
  EXPECT_EQ(d.column, 11);
  EXPECT_EQ(d.message, "duplicate rule id \"same\" (first at line 4)");
}

TEST(policy_loader_errors, YamlSyntaxError) {
  PolicyDiagnostic d = One("bad_syntax.yaml");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.column, 17);  // the second ": " on `when: list.a: b`
  EXPECT_EQ(d.message, "YAML syntax error: illegal map value (quote a value that holds \": \")");
}

TEST(policy_loader_errors, WhenPositionsInEveryScalarStyle) {
  ExpectDiagnostics("bad_when_positions.yaml",
                    {
                        {7, 33, "type error: \"<\" needs numbers, got string (region)"},   // "double quoted"
                        {12, 33, "type error: \"<\" needs numbers, got string (lang)"},    // 'single quoted'
                        {19, 13, "unknown name \"list.threatz\" (lists: threats)"},        // literal block |
                        {26, 33, "expected \")\", got end of expression"},                 // folded block >
                        {32, 24, "unknown name \"bogus\""},                                // plain, two lines
                        {37, 19, "unterminated string"},
                    });
}

TEST(policy_loader_errors, CollectsEveryProblem) {
  ExpectDiagnostics("bad_many.yaml",
                    {
                        {1, 1, "missing \"version\""},
                        {3, 3, "list name \"Bad-Name\" must be an identifier: [a-z_][a-z0-9_]*"},
                        {5, 13, "list \"missing_file\": file \"lists/does-not-exist.txt\" not found"},
                        {6, 3, "list \"empty_list\": needs \"files\" and/or \"terms\""},
                        {8, 5, "rule \"r1\": missing \"category\""},
                        {11, 5, "rule \"r1\": unknown key \"catgory\" (did you mean \"category\"?)"},
                        {16, 5, "rule \"r2\": \"scope\" is only for withhold (remove applies everywhere)"},
                        {17, 15, "rule \"r2\": unknown category \"scams\" (DSA categories: animal_welfare,"},
                        {19, 5, "rule \"r3\": missing \"reason\""},
                        {22, 13, "rule \"r3\": jurisdiction \"pk\" must be an ISO 3166-1 alpha-2 code"},
                        {22, 17, "rule \"r3\": jurisdiction \"EUR\""},
                        {29, 13, "rule \"r4\": \"review\" must be true or false"},
                    });
  // Load reports the same, one diagnostic a line.
  auto loaded = PolicyLoader::Load(Fixture("bad_many.yaml"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kInvalid);
  const std::string& msg = loaded.status().message();
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 11);
  EXPECT_EQ(msg.rfind(Fixture("bad_many.yaml") + ":1:1: missing \"version\"", 0), 0u) << msg;
}

TEST(policy_loader_errors, MissingPolicyFile) {
  auto loaded = PolicyLoader::Load(Fixture("no-such-policy.yaml"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kIo);
  EXPECT_NE(loaded.status().message().find("no-such-policy.yaml: cannot read policy file"), std::string::npos)
      << loaded.status().message();
  EXPECT_EQ(PolicyLoader::Check(Fixture("no-such-policy.yaml")).size(), 1u);
}

// Small inline cases, written to a temporary file.
class policy_loader_inline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("evenhand_policy_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    std::string path = (dir_ / "p.yaml").string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::vector<PolicyDiagnostic> CheckText(const std::string& text) { return PolicyLoader::Check(Write(text)); }
  std::filesystem::path dir_;
};

TEST_F(policy_loader_inline, MinimalPolicy) {
  auto loaded = PolicyLoader::Load(Write("policy: p\nversion: 0\nrules: []\n"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value()->id(), "p@0");
  EXPECT_EQ(loaded.value()->Evaluate(EvalContext{}), -1);
}

TEST_F(policy_loader_inline, Version) {
  for (const char* bad : {"version: 3.1", "version: \"3\"", "version: -1", "version: three", "version:",
                          "version: [3]"}) {
    auto diags = CheckText(std::string("policy: p\n") + bad + "\nrules: []\n");
    ASSERT_EQ(diags.size(), 1u) << bad << "\n" << Dump(diags);
    EXPECT_EQ(diags[0].line, 2) << bad;
    EXPECT_NE(diags[0].message.find("\"version\" must be a non-negative integer"), std::string::npos)
        << diags[0].message;
  }
}

TEST_F(policy_loader_inline, MissingPolicyName) {
  auto diags = CheckText("version: 1\nrules: []\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].ToString(), (dir_ / "p.yaml").string() + ":1:1: missing \"policy\" (the policy's name)");
}

TEST_F(policy_loader_inline, EmptyAndNonMappingFiles) {
  EXPECT_EQ(CheckText("").size(), 1u);
  EXPECT_EQ(CheckText("# only a comment\n").size(), 1u);
  auto diags = CheckText("- a\n- b\n");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("must be a mapping"), std::string::npos);
}

TEST_F(policy_loader_inline, StrayTokenIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll never returns on this input; the loader must.
  auto diags = CheckText("# a comment\n, stray\npolicy: p\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].line, 2);
  EXPECT_EQ(diags[0].column, 1);
  EXPECT_EQ(diags[0].message, "YAML syntax error: unexpected \",\"");
}

TEST_F(policy_loader_inline, OneDocumentOnly) {
  auto diags = CheckText("policy: p\nversion: 1\nrules: []\n---\npolicy: q\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].line, 4);
  EXPECT_EQ(diags[0].message, "only one YAML document is allowed in a policy file");
  EXPECT_TRUE(CheckText("---\npolicy: p\nversion: 1\nrules: []\n...\n").empty());
}

TEST_F(policy_loader_inline, UnknownTopLevelKeyAndDuplicateKeys) {
  auto diags = CheckText(
      "policy: p\nversion: 1\nrule:\n  - x\nrules:\n  - id: a\n    when: has_media\n    when: true\n"
      "    action: allow\n");
  ASSERT_EQ(diags.size(), 2u) << Dump(diags);
  EXPECT_EQ(diags[0].line, 3);
  EXPECT_EQ(diags[0].column, 1);
  EXPECT_EQ(diags[0].message, "unknown key \"rule\" (did you mean \"rules\"?)");
  EXPECT_EQ(diags[1].line, 8);
  EXPECT_EQ(diags[1].column, 5);
  EXPECT_EQ(diags[1].message, "duplicate key \"when\" (first at line 7)");
}

TEST_F(policy_loader_inline, CategoryForms) {
  auto loaded = PolicyLoader::Load(Write(
      "policy: p\nversion: 1\nrules:\n"
      "  - {id: a, when: has_media, action: label, category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD, reason: r}\n"
      "  - {id: b, when: has_media, action: allow, category: self_harm}\n"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value()->rules()[0].category, "scams_and_fraud");
  EXPECT_EQ(loaded.value()->rules()[1].category, "self_harm");

  auto diags = CheckText(
      "policy: p\nversion: 1\nrules:\n"
      "  - {id: a, when: has_media, action: label, category: scams_and_frud, reason: r}\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].column, 55);
  EXPECT_EQ(diags[0].message, "rule \"a\": unknown category \"scams_and_frud\" (did you mean \"scams_and_fraud\"?)");
}

TEST_F(policy_loader_inline, RequiredRuleFields) {
  auto diags = CheckText("policy: p\nversion: 1\nrules:\n  - action: remove\n");
  ASSERT_EQ(diags.size(), 4u) << Dump(diags);
  for (const auto& d : diags) {
    EXPECT_EQ(d.line, 4);
    EXPECT_EQ(d.column, 5);
  }
  EXPECT_EQ(diags[0].message, "rule #1: missing \"id\"");
  EXPECT_EQ(diags[1].message, "rule #1: missing \"when\"");
  EXPECT_NE(diags[2].message.find("missing \"category\""), std::string::npos);
  EXPECT_NE(diags[3].message.find("missing \"reason\""), std::string::npos);
}

TEST_F(policy_loader_inline, WhenErrorAfterUtf8ByteOrderMark) {
  auto diags = CheckText("\xEF\xBB\xBFpolicy: p\nversion: 1\nrules:\n  - {id: a, when: langg == 'ur', action: allow}\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].line, 4);
  EXPECT_EQ(diags[0].column, 19);
  EXPECT_EQ(diags[0].message, "unknown name \"langg\" (did you mean \"lang\"?)");
}

TEST_F(policy_loader_inline, ListFilesRelativeToPolicyAndBadUtf8) {
  std::filesystem::create_directories(dir_ / "lists");
  std::ofstream(dir_ / "lists" / "ok.txt") << "one\ntwo\n";
  std::ofstream(dir_ / "lists" / "bad.txt", std::ios::binary) << "fine\n\xFF\xFE\n";
  auto loaded = PolicyLoader::Load(Write(
      "policy: p\nversion: 1\nlists:\n  good: {files: [lists/ok.txt]}\nrules:\n"
      "  - {id: a, when: list.good.count >= 2, action: allow}\n"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value()->lists()[0].terms, (std::vector<std::string>{"one", "two"}));

  auto diags = CheckText("policy: p\nversion: 1\nlists:\n  bad: {files: [lists/bad.txt]}\nrules: []\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_EQ(diags[0].line, 4);
  EXPECT_EQ(diags[0].column, 17);
  EXPECT_NE(diags[0].message.find("bad.txt:2: term: not valid UTF-8"), std::string::npos) << diags[0].message;
}

TEST_F(policy_loader_inline, BrokenListStillKnownToRules) {
  // The missing file is reported once; the rule naming the list is not also
  // reported as using an unknown list.
  auto diags = CheckText(
      "policy: p\nversion: 1\nlists:\n  gone: {files: [nope.txt]}\nrules:\n"
      "  - {id: a, when: list.gone, action: allow}\n");
  ASSERT_EQ(diags.size(), 1u) << Dump(diags);
  EXPECT_NE(diags[0].message.find("file \"nope.txt\" not found"), std::string::npos);
}

}  // namespace
}  // namespace evenhand
