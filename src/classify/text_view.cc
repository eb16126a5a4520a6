// See text_view.h.
#include "classify/text_view.h"

#include <unicode/uscript.h>

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

// True when a byte of s is >= 0x80; eight bytes a step, four steps at a time
// (this runs on every text a script-token model scores).
bool HasHighByte(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  for (; n >= 32; p += 32, n -= 32) {
    uint64_t a, b, c, d;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&c, p + 16, 8);
    std::memcpy(&d, p + 24, 8);
    if ((a | b | c | d) & kHigh) return true;
  }
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t a;
    std::memcpy(&a, p, 8);
    if (a & kHigh) return true;
  }
  unsigned char acc = 0;
  for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
  return acc >= 0x80;
}

}  // namespace

// Appends " __script_X__" to *out for each word of `text` in a script other
// than Latin; with `set_base`, *out is first set to `base` when the first
// token is found (so nothing is copied when no word adds one). Returns
// whether any token was added.
bool AppendScriptTokens(std::string_view text, bool set_base, std::string_view base, std::string* out) {
  bool added = false;
  if (!HasHighByte(text)) return false;
  ForEachWord(text, [&](std::string_view w) {
    if (!HasHighByte(w)) return true;
    const UScriptCode s = WordScript(w);
    if (s == USCRIPT_COMMON || s == USCRIPT_LATIN) return true;
    const char* name = uscript_getShortName(s);
    if (name == nullptr) return true;
    if (!added && set_base) out->assign(base);
    added = true;
    if (!out->empty()) out->push_back(' ');
    out->append("__script_");
    for (const char* c = name; *c; ++c) out->push_back(*c >= 'A' && *c <= 'Z' ? static_cast<char>(*c - 'A' + 'a') : *c);
    out->append("__");
    return true;
  });
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
