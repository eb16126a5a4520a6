#include "behavior/items.h"

#include "behavior/hash.h"
#include "text/normalizer.h"

namespace evenhand::behavior {

namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '<' || c == '>'; }
bool IsTrailing(char c) { return c == '.' || c == ',' || c == ')' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\''; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

int FindUrls(std::string_view text, std::string_view* out, int max) {
  int n = 0;
  size_t pos = 0;
  while (n < max) {
    size_t at = text.find("http", pos);
    if (at == std::string_view::npos) break;
    std::string_view rest = text.substr(at);
    size_t skip = rest.starts_with("https://") ? 8 : rest.starts_with("http://") ? 7 : 0;
    if (skip == 0 || (at > 0 && !IsSpace(text[at - 1]) && text[at - 1] != '(')) {
      pos = at + 4;
      continue;
    }
    size_t end = at + skip;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    while (end > at + skip && IsTrailing(text[end - 1])) --end;
    if (end > at + skip) out[n++] = text.substr(at, end - at);
    pos = end;
  }
  return n;
}

uint64_t UrlKey(std::string_view url) {
  if (url.starts_with("https://")) url.remove_prefix(8);
  else if (url.starts_with("http://")) url.remove_prefix(7);
  size_t slash = url.find('/');
  std::string_view host = url.substr(0, slash);
  if (host.size() > 4 && Lower(host[0]) == 'w' && Lower(host[1]) == 'w' && Lower(host[2]) == 'w' && host[3] == '.')
    host.remove_prefix(4);
  uint64_t h = 0x0071u;
  for (char c : host) h = (h ^ static_cast<unsigned char>(Lower(c))) * 0x100000001b3ULL;
  std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return HashBytes(path, Mix64(h));
}

uint64_t MediaKey(std::string_view path) { return HashBytes(path, 0x6d656469ULL); }

namespace {
// Word bytes of a tag: ASCII letters, digits, '_', and non-ASCII UTF-8
// except sequences led by 0xE2 (U+2000-U+2FFF: punctuation, symbols,
// arrows, dingbats) or 0xF0-0xF4 (emoji and other supplementary planes),
// which end a tag ("#vote\u2026", "#vote\U0001F525" are #vote).
bool IsTagByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (c >= 0x80 && c != 0xE2 && c < 0xF0);
}
bool SameTag(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}
}  // namespace

int FindHashtags(std::string_view text, std::string_view* out, int max) {
  int n = 0;
  size_t pos = 0;
  while (n < max) {
    size_t at = text.find('#', pos);
    if (at == std::string_view::npos) break;
    pos = at + 1;
    if (at > 0) {
      size_t lead = at - 1;  // the character before '#': back to its lead byte
      while (lead > 0 && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
      unsigned char prev = static_cast<unsigned char>(text[lead]);
      if (IsTagByte(prev) || prev == '&' || prev == '/' || prev == '#') continue;  // a#b, &#38;, URL fragments
    }
    size_t end = at + 1;
    while (end < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[end]);
      if (c >= 0x80 && c < 0xC0) {  // a continuation byte belongs to the sequence before it
        ++end;
        continue;
      }
      if (!IsTagByte(c)) break;
      ++end;
    }
    std::string_view tag = text.substr(at + 1, end - at - 1);
    pos = end;
    if (tag.size() < 2) continue;
    bool all_digits = true;
    for (char c : tag) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) continue;  // "#1", "#2026": numbering, not a tag
    bool dup = false;
    for (int i = 0; i < n && !dup; ++i) dup = SameTag(out[i], tag);
    if (!dup) out[n++] = tag;
  }
  return n;
}

uint64_t HashtagKey(std::string_view tag) {
  uint64_t h = 0xcbf29ce484222325ULL ^ 0x23746167ULL;
  for (char c : tag) {
    h ^= static_cast<unsigned char>(Lower(c));
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

uint64_t FoldedHashtagKey(std::string_view tag, const Normalizer& norm, NormalizedText* scratch) {
  bool ascii = true;
  for (char c : tag) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return HashtagKey(tag);
  norm.NormalizeForMatch(tag, scratch);
  for (char& c : scratch->text)
    if (c == ' ') c = '_';
  return HashtagKey(scratch->text);
}

}  // namespace evenhand::behavior
