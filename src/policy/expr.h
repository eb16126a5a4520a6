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
// account.age_days, text.length (numbers), has_media (bool).
// Strings are "double" or 'single' quoted. Types are checked at compile
// time: and/or/not need bools, < <= > >= need numbers, == != need equal
// types. Unknown names and type errors are reported with the column of the
// offending token. Evaluation allocates nothing; a missing value (no account)
// makes any comparison with it false.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "policy/policy.h"

namespace evenhand {

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
std::shared_ptr<const Expr> CompileExpr(std::string_view text, const std::vector<std::string>& list_names,
                                        ExprError* error, bool* uses_lang);

}  // namespace evenhand
