// The `when` expression language: parsing, typing, evaluation, errors.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "policy/expr.h"
#include "policy/lexer.h"

// Counts heap allocations so that the test can prove evaluation makes none.
// GCC 12 misreads the malloc/free pair behind a replaced operator new/delete
// as mismatched once both are inlined (seen under -fsanitize); it is not.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace evenhand {
namespace {

const std::vector<std::string> kLists = {"scam_terms", "threats"};
constexpr int64_t kNow = 1'800'000'000;

struct Fixture {
  Post post;
  Account account;
  std::vector<uint32_t> counts = {0, 0};
  bool with_account = true;

  Fixture() {
    post.id = "p1";
    post.lang = "ur";
    post.region = "PK";
    post.topic = "elections";
    post.text = "hello";  // 5 bytes
    account.id = "a1";
    account.country = "AF";
    account.created = kNow - 3 * 86400;  // 3 days old
  }
  EvalContext Ctx() const {
    EvalContext ctx;
    ctx.post = &post;
    ctx.account = with_account ? &account : nullptr;
    ctx.now = kNow;
    ctx.list_counts = counts;
    return ctx;
  }
};

std::shared_ptr<const Expr> MustCompile(std::string_view text, bool* uses_lang = nullptr) {
  ExprError err;
  auto e = CompileExpr(text, kLists, &err, uses_lang);
  EXPECT_NE(e, nullptr) << text << ": " << err.offset << ": " << err.message;
  return e;
}

bool Eval(std::string_view text, const Fixture& f) {
  auto e = MustCompile(text);
  if (!e) return false;
  return e->EvalBool(f.Ctx());
}

ExprError MustFail(std::string_view text) {
  ExprError err;
  auto e = CompileExpr(text, kLists, &err, nullptr);
  EXPECT_EQ(e, nullptr) << text << " compiled but should not";
  return err;
}

TEST(policy_expr, Constants) {
  Fixture f;
  EXPECT_TRUE(Eval("true", f));
  EXPECT_FALSE(Eval("false", f));
  EXPECT_TRUE(Eval("1 < 2", f));
  EXPECT_TRUE(Eval("2.5 >= 2.5", f));
  EXPECT_TRUE(Eval("-1 < 0", f));
  EXPECT_TRUE(Eval("'a' == \"a\"", f));
  EXPECT_TRUE(Eval("true == true", f));
  EXPECT_TRUE(Eval("true != false", f));
}

TEST(policy_expr, PrecedenceOrAndNot) {
  Fixture f;
  // and binds tighter than or.
  EXPECT_TRUE(Eval("true or false and false", f));
  EXPECT_FALSE(Eval("(true or false) and false", f));
  EXPECT_TRUE(Eval("false and false or true", f));
  // not binds tighter than and/or.
  EXPECT_FALSE(Eval("not true and false", f));
  EXPECT_TRUE(Eval("not false and true", f));
  EXPECT_TRUE(Eval("not true or true", f));
  EXPECT_FALSE(Eval("not (false or true)", f));
  EXPECT_TRUE(Eval("not not true", f));
  // ...but looser than comparison: not (1 == 2).
  EXPECT_TRUE(Eval("not 1 == 2", f));
  EXPECT_FALSE(Eval("not region == \"PK\"", f));
  EXPECT_TRUE(Eval("not region == \"BR\" and lang == 'ur'", f));
}

TEST(policy_expr, Comparisons) {
  Fixture f;
  EXPECT_TRUE(Eval("text.length == 5", f));
  EXPECT_TRUE(Eval("text.length != 4", f));
  EXPECT_TRUE(Eval("text.length > 4", f));
  EXPECT_FALSE(Eval("text.length > 5", f));
  EXPECT_TRUE(Eval("text.length >= 5", f));
  EXPECT_TRUE(Eval("text.length <= 5", f));
  EXPECT_FALSE(Eval("text.length < 5", f));
  EXPECT_TRUE(Eval("account.age_days > 2.9 and account.age_days < 3.1", f));
  EXPECT_TRUE(Eval("account.age_days == 3", f));
  f.account.created = kNow - 43200;  // half a day: fractional days
  EXPECT_TRUE(Eval("account.age_days == 0.5", f));
}

TEST(policy_expr, StringEquality) {
  Fixture f;
  EXPECT_TRUE(Eval("lang == \"ur\"", f));
  EXPECT_TRUE(Eval("lang == 'ur'", f));
  EXPECT_FALSE(Eval("lang == 'u'", f));
  EXPECT_FALSE(Eval("lang == 'urd'", f));
  EXPECT_TRUE(Eval("lang != 'en'", f));
  EXPECT_TRUE(Eval("'PK' == region", f));
  EXPECT_TRUE(Eval("topic == 'elections'", f));
  EXPECT_TRUE(Eval("account.country == 'AF'", f));
  EXPECT_TRUE(Eval("account.id == 'a1'", f));
  EXPECT_TRUE(Eval("region == region", f));
  f.post.topic = "it's \"quoted\"";
  EXPECT_TRUE(Eval(R"(topic == 'it\'s "quoted"')", f));
  EXPECT_TRUE(Eval(R"(topic == "it's \"quoted\"")", f));
  f.post.region.clear();
  EXPECT_TRUE(Eval("region == ''", f));
}

TEST(policy_expr, LangPrefersDetectedLanguage) {
  Fixture f;
  f.post.lang.clear();
  EvalContext ctx = f.Ctx();
  auto e = MustCompile("lang == 'ur'");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->EvalBool(ctx));
  ctx.lang = "ur";  // what language id found when the post gave none
  EXPECT_TRUE(e->EvalBool(ctx));
  f.post.lang = "en";
  ctx.lang = {};
  EXPECT_FALSE(e->EvalBool(ctx));  // the post's own language otherwise
}

TEST(policy_expr, InMembership) {
  Fixture f;
  EXPECT_TRUE(Eval("lang in ['ar', 'ur', \"fa\"]", f));
  EXPECT_FALSE(Eval("lang in ['ar', 'fa']", f));
  EXPECT_TRUE(Eval("region in ['PK']", f));
  EXPECT_TRUE(Eval("text.length in [1, 5, 9]", f));
  EXPECT_FALSE(Eval("text.length in [1, 9]", f));
  EXPECT_TRUE(Eval("not lang in ['en']", f));
  EXPECT_TRUE(Eval("lang in ['ur'] and region in ['PK', 'IN']", f));
}

TEST(policy_expr, MissingAccount) {
  Fixture f;
  f.with_account = false;
  // Any comparison with a missing value is false, whatever the operator...
  EXPECT_FALSE(Eval("account.age_days < 7", f));
  EXPECT_FALSE(Eval("account.age_days >= 7", f));
  EXPECT_FALSE(Eval("account.age_days == 0", f));
  EXPECT_FALSE(Eval("account.age_days != 0", f));
  EXPECT_FALSE(Eval("account.country == 'AF'", f));
  EXPECT_FALSE(Eval("account.country != 'AF'", f));
  EXPECT_FALSE(Eval("account.id in ['a1', 'a2']", f));
  EXPECT_FALSE(Eval("account.age_days in [3]", f));
  // ...and `not` inverts that false (documented in expr.h).
  EXPECT_TRUE(Eval("not (account.age_days < 7)", f));
  EXPECT_TRUE(Eval("not account.age_days < 7", f));
  EXPECT_TRUE(Eval("has_media or not account.country == 'AF'", f));
  // Post fields are unaffected.
  EXPECT_TRUE(Eval("lang == 'ur' and not (account.age_days < 7)", f));
  // With the account present the same expressions follow the value.
  f.with_account = true;
  EXPECT_TRUE(Eval("account.age_days < 7", f));
  EXPECT_FALSE(Eval("not (account.age_days < 7)", f));
}

TEST(policy_expr, ListsAndCounts) {
  Fixture f;
  f.counts = {0, 3};
  EXPECT_FALSE(Eval("list.scam_terms", f));
  EXPECT_TRUE(Eval("list.threats", f));
  EXPECT_TRUE(Eval("list.scam_terms.count == 0", f));
  EXPECT_TRUE(Eval("list.threats.count == 3", f));
  EXPECT_TRUE(Eval("list.threats.count >= 2", f));
  EXPECT_FALSE(Eval("list.threats.count > 3", f));
  EXPECT_TRUE(Eval("list.threats and not list.scam_terms", f));
  EXPECT_TRUE(Eval("list.threats == true", f));
  f.counts = {1, 0};
  EXPECT_TRUE(Eval("list.scam_terms", f));
  EXPECT_FALSE(Eval("list.threats", f));
  EXPECT_TRUE(Eval("list.scam_terms.count == 1", f));
  // Counts shorter than the policy's lists read as zero, never out of bounds.
  f.counts = {};
  EXPECT_FALSE(Eval("list.threats", f));
  EXPECT_TRUE(Eval("list.threats.count == 0", f));
}

TEST(policy_expr, MediaAndLength) {
  Fixture f;
  EXPECT_FALSE(Eval("has_media", f));
  f.post.media.push_back(Media{"img/1.jpg"});
  EXPECT_TRUE(Eval("has_media", f));
  f.post.text = "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85";  // 4 Arabic letters, 8 bytes
  EXPECT_TRUE(Eval("text.length == 8", f));
}

TEST(policy_expr, UsesLang) {
  bool uses = false;
  MustCompile("region == 'PK' and list.threats", &uses);
  EXPECT_FALSE(uses);
  MustCompile("region == 'PK' or lang in ['ur']", &uses);
  EXPECT_TRUE(uses);
  MustCompile("has_media", &uses);
  EXPECT_TRUE(uses) << "uses_lang is only ever set, never cleared";
}

TEST(policy_expr, WhitespaceAndLayout) {
  Fixture f;
  f.counts = {1, 0};
  EXPECT_TRUE(Eval("  list.scam_terms\n  and\taccount.age_days<7  ", f));
  EXPECT_TRUE(Eval("(list.scam_terms)and(lang=='ur')", f));
}

TEST(policy_expr, EvaluationAllocatesNothing) {
  Fixture f;
  f.counts = {2, 1};
  f.post.media.push_back(Media{"x"});
  long start = g_allocations.load();
  auto e = MustCompile(
      "(list.scam_terms and account.age_days < 7 or list.threats.count >= 2) and "
      "lang in ['ur', 'ar'] and region != 'BR' and not (topic == 'x') and has_media and "
      "text.length > 1 and account.country in ['AF'] and account.id == 'a1'");
  ASSERT_NE(e, nullptr);
  ASSERT_GT(g_allocations.load(), start) << "the allocation counter is not hooked up";
  EvalContext ctx = f.Ctx();
  long before = g_allocations.load();
  bool r = false;
  for (int i = 0; i < 1000; ++i) r = e->EvalBool(ctx);
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_TRUE(r);
}

// --- errors: message and exact byte offset ------------------------------------

TEST(policy_expr_errors, UnknownListName) {
  ExprError err = MustFail("list.scam_terms and list.scamz");
  EXPECT_EQ(err.offset, 20);
  EXPECT_EQ(err.message, "unknown name \"list.scamz\" (lists: scam_terms, threats)");

  err = MustFail("list.scamz.count > 1");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "unknown name \"list.scamz.count\" (lists: scam_terms, threats)");

  err = MustFail("list.threats.cnt > 1");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "unknown name \"list.threats.cnt\" (did you mean \"list.threats.count\"?)");

  ExprError none;
  EXPECT_EQ(CompileExpr("list.x", {}, &none, nullptr), nullptr);
  EXPECT_EQ(none.message, "unknown name \"list.x\" (no lists are defined)");
}

TEST(policy_expr_errors, UnknownName) {
  ExprError err = MustFail("has_media or langg == 'ur'");
  EXPECT_EQ(err.offset, 13);
  EXPECT_EQ(err.message, "unknown name \"langg\" (did you mean \"lang\"?)");

  err = MustFail("bogus");
  EXPECT_EQ(err.offset, 0);
  EXPECT_NE(err.message.find("unknown name \"bogus\" (names: lang, region"), std::string::npos) << err.message;
}

// "Did you mean": at most 2 edits and under half the word. Candidates more
// than 2 bytes longer or shorter are skipped without a distance table (the
// fuzz-found cost of a long unknown word), which must not change the answer.
TEST(policy_expr_errors, ClosestMatchSkipsOnlyWhatCannotMatch) {
  using evenhand::policy_internal::ClosestMatch;
  const std::vector<std::string_view> names = {"lang", "region", "abcd", "list.threats.count"};
  EXPECT_EQ(ClosestMatch("langg", names), "lang");
  EXPECT_EQ(ClosestMatch("ab", names), "abcd");  // 2 shorter, 2 edits: still a hint
  EXPECT_EQ(ClosestMatch("list.threats.cnt", names), "list.threats.count");
  EXPECT_EQ(ClosestMatch("a", names), "");       // 3 shorter than "abcd"
  EXPECT_EQ(ClosestMatch("lang", names), "");    // exact: no hint
  EXPECT_EQ(ClosestMatch(std::string(1 << 16, 'l'), names), "");
}

TEST(policy_expr_errors, TypeErrors) {
  ExprError err = MustFail("region < 5");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "type error: \"<\" needs numbers, got string (region)");

  err = MustFail("has_media and 5 >= region");
  EXPECT_EQ(err.offset, 19);
  EXPECT_EQ(err.message, "type error: \">=\" needs numbers, got string (region)");

  err = MustFail("lang == 5");
  EXPECT_EQ(err.offset, 8);
  EXPECT_EQ(err.message, "type error: \"==\" needs the same type on both sides, got string (lang) and number (5)");

  err = MustFail("list.threats and account.age_days");
  EXPECT_EQ(err.offset, 17);
  EXPECT_EQ(err.message, "type error: \"and\" needs bools, got number (account.age_days)");

  err = MustFail("(lang) or has_media");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "type error: \"or\" needs bools, got string ((lang))");

  err = MustFail("not region");
  EXPECT_EQ(err.offset, 4);
  EXPECT_EQ(err.message, "type error: \"not\" needs a bool, got string (region)");

  err = MustFail("account.age_days");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "type error: expression must be a bool, got number (account.age_days)");

  err = MustFail("lang in ['ur', 3]");
  EXPECT_EQ(err.offset, 15);
  EXPECT_EQ(err.message, "type error: \"in\" list holds a number (3) but the left side is a string (lang)");

  err = MustFail("has_media in [1]");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "type error: \"in\" needs a string or number on the left, got bool (has_media)");
}

TEST(policy_expr_errors, SyntaxErrors) {
  ExprError err = MustFail("(list.threats or has_media");
  EXPECT_EQ(err.offset, 26);
  EXPECT_EQ(err.message, "expected \")\", got end of expression");

  err = MustFail("(list.threats or has_media   ");  // end sits after the last token
  EXPECT_EQ(err.offset, 26);

  err = MustFail("(list.threats has_media)");
  EXPECT_EQ(err.offset, 14);
  EXPECT_EQ(err.message, "expected \")\", got \"has_media\"");

  err = MustFail("lang == \"ur");
  EXPECT_EQ(err.offset, 8);
  EXPECT_EQ(err.message, "unterminated string");

  err = MustFail("lang == 'ur' region == 'PK'");
  EXPECT_EQ(err.offset, 13);
  EXPECT_EQ(err.message, "expected \"and\", \"or\" or end of expression, got \"region\"");

  err = MustFail("1 < 2 < 3");
  EXPECT_EQ(err.offset, 6);

  err = MustFail("has_media and");
  EXPECT_EQ(err.offset, 13);
  EXPECT_EQ(err.message, "expected a value (number, string, name or \"(\"), got end of expression");

  err = MustFail("lang in 'ur'");
  EXPECT_EQ(err.offset, 8);
  EXPECT_EQ(err.message, "expected \"[\" after \"in\", got string 'ur'");

  err = MustFail("lang in ['ur' 'ar']");
  EXPECT_EQ(err.offset, 14);

  err = MustFail("lang in []");
  EXPECT_EQ(err.offset, 9);

  err = MustFail("list.threats && has_media");
  EXPECT_EQ(err.offset, 13);
  EXPECT_EQ(err.message, "unexpected \"&&\" (use \"and\")");

  err = MustFail("lang = 'ur'");
  EXPECT_EQ(err.offset, 5);
  EXPECT_EQ(err.message, "unexpected \"=\" (use \"==\" to compare)");

  err = MustFail("lang == 'ur' and region == PK$");
  EXPECT_EQ(err.offset, 29);
  EXPECT_EQ(err.message, "unexpected character \"$\"");

  err = MustFail("text.length > 1.");
  EXPECT_EQ(err.offset, 14);
  EXPECT_EQ(err.message, "bad number \"1.\"");

  err = MustFail("");
  EXPECT_EQ(err.offset, 0);
  EXPECT_EQ(err.message, "empty expression");

  err = MustFail("  ");
  EXPECT_EQ(err.message, "empty expression");

  err = MustFail("has_media or )");
  EXPECT_EQ(err.offset, 13);
  EXPECT_EQ(err.message, "expected a value (number, string, name or \"(\"), got \")\"");
}

// Random token soup: compiling never crashes, an error's offset always lies
// within the text, and whatever compiles evaluates (with and without data).
// Found by policy_fuzz (2026-12-07): 1,650 "(" overflowed the stack of the
// recursive parser. Nesting is bounded: 64 levels of "(" and "not" compile
// and evaluate; the 65th is an error at its own offset, however deep the rest.
TEST(policy_expr_errors, NestingIsBounded) {
  Fixture f;
  auto repeat = [](std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  EXPECT_TRUE(Eval(repeat("(", 64) + "true" + repeat(")", 64), f));
  EXPECT_TRUE(Eval(repeat("not ", 64) + "true", f));
  EXPECT_FALSE(Eval(repeat("not (", 31) + "true" + repeat(")", 31), f));  // 31 "not": false

  for (int n : {65, 1650, 200000}) {
    SCOPED_TRACE(n);
    ExprError err = MustFail(repeat("(", n) + "true" + repeat(")", n));
    EXPECT_EQ(err.offset, 64);
    EXPECT_EQ(err.message, "nested too deeply: more than 64 levels of \"(\" and \"not\"");
    err = MustFail(repeat("not ", n) + "true");
    EXPECT_EQ(err.offset, 4 * 64);
    err = MustFail(repeat("not (", n) + "true" + repeat(")", n));
    EXPECT_EQ(err.offset, 5 * 32);
  }
}

TEST(policy_expr_errors, RandomInputIsHandled) {
  const char* parts[] = {"list.threats", "list.scam_terms.count", "lang", "account.age_days", "region", "has_media",
                         "and", "or", "not", "in", "(", ")", "[", "]", ",", "==", "!=", "<", ">=", "1", "-2.5",
                         "'ur'", "\"PK\"", "'", "\"", "\\", "true", "x", "=", "&", "\xC3\xA9", " ", "\n"};
  const size_t n = sizeof(parts) / sizeof(parts[0]);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  Fixture f;
  f.counts = {1, 2};
  EvalContext empty;
  int compiled = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    int len = static_cast<int>(next() % 9);
    for (int j = 0; j < len; ++j) {
      text += parts[next() % n];
      if (next() % 2) text += ' ';
    }
    ExprError err;
    auto e = CompileExpr(text, kLists, &err, nullptr);
    if (e) {
      ++compiled;
      e->EvalBool(f.Ctx());
      e->EvalBool(empty);
    } else {
      EXPECT_GE(err.offset, 0) << text;
      EXPECT_LE(err.offset, static_cast<int>(text.size())) << text;
      EXPECT_FALSE(err.message.empty()) << text;
    }
  }
  EXPECT_GT(compiled, 0);
}

}  // namespace
}  // namespace evenhand
