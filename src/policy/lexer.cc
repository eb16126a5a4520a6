#include "policy/lexer.h"

#include <algorithm>
#include <charconv>

namespace evenhand::policy_internal {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c) || c == '.'; }

// The bytes of the (possibly multi-byte UTF-8) character at text[i].
std::string_view CharAt(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  n = std::min(n, text.size() - i);
  return text.substr(i, n);
}

struct Keyword {
  std::string_view word;
  Tok kind;
};
constexpr Keyword kKeywords[] = {
    {"and", Tok::kAnd}, {"or", Tok::kOr},     {"not", Tok::kNot},
    {"in", Tok::kIn},   {"true", Tok::kTrue}, {"false", Tok::kFalse},
};

bool Fail(ExprError* error, size_t offset, std::string message) {
  error->offset = static_cast<int>(offset);
  error->message = std::move(message);
  return false;
}

}  // namespace

bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error) {
  tokens->clear();
  size_t i = 0;
  const size_t n = text.size();
  auto push = [&](Tok kind, size_t start, size_t len) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<int>(start);
    t.length = static_cast<int>(len);
    tokens->push_back(std::move(t));
  };
  while (i < n) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    if (IsDigit(c) || (c == '-' && i + 1 < n && IsDigit(text[i + 1]))) {
      size_t j = i + 1;
      while (j < n && IsDigit(text[j])) ++j;
      if (j < n && text[j] == '.') {
        ++j;
        if (j >= n || !IsDigit(text[j])) {
          while (j < n && (IsNameChar(text[j]))) ++j;
          return Fail(error, start, "bad number \"" + std::string(text.substr(start, j - start)) + "\"");
        }
        while (j < n && IsDigit(text[j])) ++j;
      }
      if (j < n && IsNameChar(text[j])) {
        while (j < n && IsNameChar(text[j])) ++j;
        return Fail(error, start, "bad number \"" + std::string(text.substr(start, j - start)) + "\"");
      }
      Token t;
      t.kind = Tok::kNumber;
      t.offset = static_cast<int>(start);
      t.length = static_cast<int>(j - start);
      auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + j, t.number);
      if (ec != std::errc() || ptr != text.data() + j)
        return Fail(error, start, "bad number \"" + std::string(text.substr(start, j - start)) + "\"");
      tokens->push_back(std::move(t));
      i = j;
      continue;
    }
    if (IsNameStart(c)) {
      size_t j = i + 1;
      while (j < n && IsNameChar(text[j])) ++j;
      std::string_view word = text.substr(start, j - start);
      Tok kind = Tok::kName;
      for (const Keyword& k : kKeywords)
        if (k.word == word) kind = k.kind;
      push(kind, start, j - start);
      if (kind == Tok::kName) tokens->back().text = std::string(word);
      i = j;
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string value;
      size_t j = i + 1;
      bool closed = false;
      while (j < n) {
        char d = text[j];
        if (d == c) {
          closed = true;
          ++j;
          break;
        }
        if (d == '\\') {
          if (j + 1 >= n) break;
          char e = text[j + 1];
          switch (e) {
            case '\\': value.push_back('\\'); break;
            case '"': value.push_back('"'); break;
            case '\'': value.push_back('\''); break;
            case 'n': value.push_back('\n'); break;
            case 't': value.push_back('\t'); break;
            default:
              return Fail(error, j, "bad escape \"\\" + std::string(CharAt(text, j + 1)) +
                                        "\" in string (use \\\\, \\\", \\', \\n or \\t)");
          }
          j += 2;
          continue;
        }
        value.push_back(d);
        ++j;
      }
      if (!closed) return Fail(error, start, "unterminated string");
      push(Tok::kString, start, j - start);
      tokens->back().text = std::move(value);
      i = j;
      continue;
    }
    auto two = [&](char next) { return i + 1 < n && text[i + 1] == next; };
    switch (c) {
      case '(': push(Tok::kLParen, i, 1); ++i; continue;
      case ')': push(Tok::kRParen, i, 1); ++i; continue;
      case '[': push(Tok::kLBracket, i, 1); ++i; continue;
      case ']': push(Tok::kRBracket, i, 1); ++i; continue;
      case ',': push(Tok::kComma, i, 1); ++i; continue;
      case '=':
        if (two('=')) { push(Tok::kEq, i, 2); i += 2; continue; }
        return Fail(error, i, "unexpected \"=\" (use \"==\" to compare)");
      case '!':
        if (two('=')) { push(Tok::kNe, i, 2); i += 2; continue; }
        return Fail(error, i, "unexpected \"!\" (use \"not\")");
      case '<':
        if (two('=')) { push(Tok::kLe, i, 2); i += 2; continue; }
        push(Tok::kLt, i, 1); ++i; continue;
      case '>':
        if (two('=')) { push(Tok::kGe, i, 2); i += 2; continue; }
        push(Tok::kGt, i, 1); ++i; continue;
      case '&':
        return Fail(error, i, two('&') ? "unexpected \"&&\" (use \"and\")" : "unexpected character \"&\"");
      case '|':
        return Fail(error, i, two('|') ? "unexpected \"||\" (use \"or\")" : "unexpected character \"|\"");
      default:
        return Fail(error, i, "unexpected character \"" + std::string(CharAt(text, i)) + "\"");
    }
  }
  size_t end = n;
  while (end > 0 && IsSpace(text[end - 1])) --end;
  push(Tok::kEnd, end, 0);
  return true;
}

std::string DescribeToken(std::string_view text, const Token& token) {
  std::string_view src = text.substr(static_cast<size_t>(token.offset), static_cast<size_t>(token.length));
  switch (token.kind) {
    case Tok::kEnd: return "end of expression";
    case Tok::kString: return "string " + std::string(src);
    case Tok::kNumber: return "number " + std::string(src);
    default: return "\"" + std::string(src) + "\"";
  }
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string_view ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  int best_d = 0;
  for (std::string_view c : candidates) {
    // The length difference is a lower bound on the distance, and nothing
    // past 2 edits is suggested: skip the quadratic work for such a pair
    // (a long unknown word costs one pass over the candidates, not a table).
    const size_t gap = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
    if (gap > 2) continue;
    int d = EditDistance(word, c);
    if (best.empty() || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  // A likely typo: at most 2 edits, and fewer than half of the word changed.
  int limit = std::min<int>(2, static_cast<int>(std::max(word.size(), best.size())) / 2);
  if (best.empty() || best_d == 0 || best_d > limit) return {};
  return best;
}

}  // namespace evenhand::policy_internal
