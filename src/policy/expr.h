// The `when` expression language.
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | cmp
//   cmp     := primary (("=="|"!="|"<"|"<="|">"|">=") primary | "in" list)?
//   primary := NUMBER | STRING | "true" | "false" | NAME | "(" expr ")"
//   list    := "[" (NUMBER|STRING) ("," (NUMBER|STRING))* "]"
//
// Names: list.NAME (bool: at least one whole-word match), list.NAME.count
// (number), lang, region, topic, account.country, account.id (strings),
// account.age_days, text.length (numbers), has_media (bool),
// bank.NAME.match (bool: some media of the post is within the bank's radius)
// and bank.NAME.distance (number: the smallest such distance; missing, so
// every comparison is false, when there is no match),
// classifier.NAME (number: the calibrated probability, 0..1, that the
// classifier's label applies; missing when no score was computed).
// Text in the post's images (OCR; read only when an evaluation reaches one
// of these names): ocr.list.NAME (bool) and ocr.list.NAME.count (number),
// the policy's term lists applied to that text; ocr.classifier.NAME (number)
// likewise for classifiers; ocr.text.length (number: bytes read; missing
// when the post has no image). See EvalContext::ocr.
// Behaviour (numbers; missing unless a behaviour run filled them):
// account.network_size, account.coordination_score, account.automation_score,
// cluster.size (see EvalContext and src/behavior).
// Nesting: at most kMaxExprNesting levels of "(" and "not" (deeper is a
// compile error at the token that goes too deep; the parser and evaluator
// recurse once per level).
// Strings are "double" or 'single' quoted. Types are checked at compile
// time: and/or/not need bools, < <= > >= need numbers, == != need equal
// types. Unknown names and type errors are reported with the column of the
// offending token. Evaluation allocates nothing; a missing value (no account)
// makes any comparison with it false.
//
// Missing values, precisely: without an account, account.age_days,
// account.country and account.id are missing, and every comparison or `in`
// that reads one is false -- `!=` included. `not` then inverts that false:
// `account.age_days < 7` is false without an account, so
// `not (account.age_days < 7)` is TRUE. Write
// `account.age_days >= 7` to require an (old) account. Post fields are
// missing only when EvalContext::post is null; list.NAME is false and
// list.NAME.count is 0 for an index beyond list_counts.
// account.age_days = (now - account->created) / 86400.0 (fractional days);
// text.length = bytes of post->text; has_media = the post has media;
// lang = EvalContext::lang when set (the detected language), else post->lang.
// Numbers are doubles written as digits with an optional fraction and an
// optional leading '-' (e.g. 7, 0.5, -1).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "policy/policy.h"

namespace evenhand {

constexpr int kMaxExprNesting = 64;

struct ExprError {
  int offset = 0;  // 0-based byte offset in the expression text
  std::string message;
};

class Expr {
 public:
  virtual ~Expr() = default;
  virtual bool EvalBool(const EvalContext& ctx) const = 0;
};

// Compiles `text`. `list_names` are the policy's lists (index = list index
// in EvalContext::list_counts). On error returns nullptr and fills *error.
// When the expression reads `lang`, sets *uses_lang to true (never writes
// false, so one flag can collect a whole policy); uses_lang may be null.
// The returned Expr is immutable and safe to evaluate from many threads.
// `bank_names` are the policy's banks (index = EvalContext::bank_distances index); may be null.
// `classifier_names` likewise for EvalContext::classifier_scores; may be null.
// `uses_ocr`, like uses_lang, is set when the expression reads an ocr.* name.
std::shared_ptr<const Expr> CompileExpr(std::string_view text, const std::vector<std::string>& list_names,
                                        ExprError* error, bool* uses_lang,
                                        const std::vector<std::string>* bank_names = nullptr,
                                        const std::vector<std::string>* classifier_names = nullptr,
                                        bool* uses_ocr = nullptr);

}  // namespace evenhand
