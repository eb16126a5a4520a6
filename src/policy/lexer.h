// Internal to the policy module: the tokeniser of the `when` language (see
// expr.h for the grammar) and small helpers shared by the parser and the
// loader. Not part of the module's public interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/expr.h"

namespace evenhand::policy_internal {

enum class Tok {
  kEnd,
  kNumber,
  kString,
  kName,
  kAnd,
  kOr,
  kNot,
  kIn,
  kTrue,
  kFalse,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
};

struct Token {
  Tok kind = Tok::kEnd;
  int offset = 0;  // byte offset of the first character in the expression
  int length = 0;  // bytes in the source (quotes included for strings)
  double number = 0;
  std::string text;  // kString: the decoded value; kName: the name
};

// Tokenises `text`. NAME is [A-Za-z_][A-Za-z0-9_.]*; NUMBER is digits with
// an optional fraction (an optional leading '-' directly before a digit is
// part of the number); strings are "..." or '...' with backslash escapes
// for the quote, backslash, \n and \t. Keywords (and or not in true false)
// are case-sensitive. The kEnd token sits just after the last non-blank
// character. On error returns false and fills *error (offset of the bad
// character or of the opening quote of an unterminated string).
bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error);

// How a token is named in an error message: `"and"`, `string "ur"`,
// `number 5`, `end of expression`.
std::string DescribeToken(std::string_view text, const Token& token);

// Levenshtein distance, for "did you mean" hints.
int EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a likely typo,
// else empty.
std::string_view ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace evenhand::policy_internal
