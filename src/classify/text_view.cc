// See text_view.h.
#include "classify/text_view.h"

#include <unicode/uscript.h>

#include <bit>
#include <cstdint>
#include <cstring>

#include "text/utf8.h"

namespace evenhand::classify {

namespace {

// Calls f(word) for each space-separated word of `text`, in order, until f
// returns false.
template <typename F>
void ForEachWord(std::string_view text, F&& f) {
  size_t i = 0;
  const size_t n = text.size();
  for (;;) {
    while (i < n && text[i] == ' ') ++i;
    if (i == n) return;
    const size_t begin = i;
    while (i < n && text[i] != ' ') ++i;
    if (!f(text.substr(begin, i - begin))) return;
  }
}

// The script of the first letter in `word` that belongs to one script
// (digits and marks are shared), or USCRIPT_COMMON.
UScriptCode WordScript(std::string_view word) {
  size_t pos = 0;
  while (pos < word.size()) {
    if (static_cast<unsigned char>(word[pos]) < 0x80) {
      if ((word[pos] >= 'a' && word[pos] <= 'z') || (word[pos] >= 'A' && word[pos] <= 'Z')) return USCRIPT_LATIN;
      ++pos;
      continue;
    }
    const char32_t cp = DecodeUtf8(word, &pos);
    UErrorCode err = U_ZERO_ERROR;
    const UScriptCode s = uscript_getScript(static_cast<UChar32>(cp), &err);
    if (U_FAILURE(err)) continue;
    if (s != USCRIPT_COMMON && s != USCRIPT_INHERITED && s != USCRIPT_UNKNOWN) return s;
  }
  return USCRIPT_COMMON;
}

}  // namespace

// The ICU script code of a word that adds a script token, or -1.
static int WordScriptCode(std::string_view w) {
  const UScriptCode s = WordScript(w);
  if (s == USCRIPT_COMMON || s == USCRIPT_LATIN || uscript_getShortName(s) == nullptr) return -1;
  return static_cast<int>(s);
}

// The first byte >= 0x80 in s[from, s.size()), or s.size(); eight bytes a step.
static size_t NextHighByte(std::string_view s, size_t from) {
  static_assert(std::endian::native == std::endian::little, "the lowest set bit must be the first byte");
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (x & kHigh) return i + static_cast<size_t>(__builtin_ctzll(x & kHigh)) / 8;  // little-endian: lowest address first
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return i;
  return s.size();
}

// Appends " __script_X__" to *out for each word of `text` in a script other
// than Latin, in the words' order; with `set_base`, *out is first set to
// `base` when the first token is found (so nothing is copied when no word
// adds one). Only words holding a byte >= 0x80 are looked at: the scan
// jumps from one such byte to the next. Returns whether any token was added.
static bool AppendScriptTokens(std::string_view text, bool set_base, std::string_view base, std::string* out) {
  bool added = false;
  const size_t n = text.size();
  for (size_t i = NextHighByte(text, 0); i < n; i = NextHighByte(text, i)) {
    size_t begin = i, end = i;  // the word around byte i
    while (begin > 0 && text[begin - 1] != ' ') --begin;
    while (end < n && text[end] != ' ') ++end;
    i = end;
    const int code = WordScriptCode(text.substr(begin, end - begin));
    if (code < 0) continue;
    if (!added && set_base) out->assign(base);
    added = true;
    if (!out->empty()) out->push_back(' ');
    out->append("__script_");
    for (const char* c = uscript_getShortName(static_cast<UScriptCode>(code)); *c; ++c)
      out->push_back(*c >= 'A' && *c <= 'Z' ? static_cast<char>(*c - 'A' + 'a') : *c);
    out->append("__");
  }
  return added;
}

bool ApplyTextView(const TextView& v, std::string_view text, std::string* out) {
  if (v.identity()) return false;
  // Script tokens only (the usual case): the text as it is, plus tokens.
  if (v.max_words <= 0 && v.head_words <= 0) return AppendScriptTokens(text, true, text, out);
  out->clear();
  bool changed = false;
  size_t kept_bytes = 0;  // text[0, kept_bytes) holds the words kept
  int words = 0;
  ForEachWord(text, [&](std::string_view w) {
    if (v.max_words > 0 && words == v.max_words) {
      changed = true;
      return false;
    }
    if (!out->empty()) out->push_back(' ');
    out->append(w);
    kept_bytes = static_cast<size_t>(w.data() + w.size() - text.data());
    ++words;
    return true;
  });
  const std::string_view kept = text.substr(0, kept_bytes);
  if (v.head_words > 0) {
    int n = 0;
    ForEachWord(kept, [&](std::string_view w) {
      if (n++ == v.head_words) return false;
      if (!out->empty()) out->push_back(' ');
      out->append("h_");
      out->append(w);
      changed = true;
      return true;
    });
  }
  if (v.script_tokens && AppendScriptTokens(kept, false, {}, out)) changed = true;
  return changed;
}

}  // namespace evenhand::classify
