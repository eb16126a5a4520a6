// Decisions are written straight into the output string: one resize to an
// upper bound of the record's size, raw writes, one resize down. The bytes
// are exactly those of the field-by-field appends this replaces.
#include "model/json_write.h"

#include <fmt/format.h>

#include <cstring>

#include "model/time.h"

namespace evenhand {

namespace {

// Upper bound of s as a quoted JSON string: a byte becomes at most 6
// ("\u00XX"), plus the quotes.
inline size_t QuotedBound(std::string_view s) { return 6 * s.size() + 2; }

// Writes s as a quoted JSON string at p, escaping as RFC 8259 requires.
// Returns the end of what was written.
char* PutJsonString(char* p, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  *p++ = '"';
  size_t run = 0;  // start of the pending stretch that needs no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    std::memcpy(p, s.data() + run, i - run);
    p += i - run;
    run = i + 1;
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 15];
    }
  }
  std::memcpy(p, s.data() + run, s.size() - run);
  p += s.size() - run;
  *p++ = '"';
  return p;
}

// Writes a string literal (without its NUL) at p.
template <size_t N>
inline char* PutLit(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}

inline char* PutBytes(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Room for the literals of one record and one signal (generous).
constexpr size_t kRecordLiterals = 160;
constexpr size_t kSignalLiterals = 64;
constexpr size_t kScoreBound = 40;  // shortest round-trip double

size_t DecisionBound(const Decision& d, std::string_view action) {
  size_t bound = kRecordLiterals + action.size() + QuotedBound(d.item) + QuotedBound(d.category) +
                 QuotedBound(d.rule) + QuotedBound(d.policy) + QuotedBound(d.reason) + QuotedBound(d.account) +
                 QuotedBound(d.lang) + QuotedBound(d.region);
  for (const std::string& s : d.scope) bound += QuotedBound(s) + 1;
  for (const Signal& s : d.signals)
    bound += kSignalLiterals + kScoreBound + QuotedBound(s.detector) + QuotedBound(s.name) + QuotedBound(s.evidence);
  return bound;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  const size_t old = out->size();
  out->resize(old + QuotedBound(s));
  char* end = PutJsonString(out->data() + old, s);
  out->resize(static_cast<size_t>(end - out->data()));
}

void AppendDecisionJson(std::string* out, const Decision& d) {
  const std::string_view action = ActionName(d.action);
  const size_t old = out->size();
  out->resize(old + DecisionBound(d, action));
  char* p = out->data() + old;
  p = PutLit(p, "{\"item\":");
  p = PutJsonString(p, d.item);
  p = PutLit(p, ",\"action\":\"");
  p = PutBytes(p, action);
  p = PutLit(p, "\",\"scope\":[");
  for (size_t i = 0; i < d.scope.size(); ++i) {
    if (i) *p++ = ',';
    p = PutJsonString(p, d.scope[i]);
  }
  p = PutLit(p, "],\"category\":");
  p = PutJsonString(p, d.category);
  p = PutLit(p, ",\"rule\":");
  p = PutJsonString(p, d.rule);
  p = PutLit(p, ",\"policy\":");
  p = PutJsonString(p, d.policy);
  p = d.review ? PutLit(p, ",\"review\":true") : PutLit(p, ",\"review\":false");
  if (!d.reason.empty()) {
    p = PutLit(p, ",\"reason\":");
    p = PutJsonString(p, d.reason);
  }
  if (!d.account.empty()) {
    p = PutLit(p, ",\"account\":");
    p = PutJsonString(p, d.account);
  }
  if (!d.lang.empty()) {
    p = PutLit(p, ",\"lang\":");
    p = PutJsonString(p, d.lang);
  }
  if (!d.region.empty()) {
    p = PutLit(p, ",\"region\":");
    p = PutJsonString(p, d.region);
  }
  p = PutLit(p, ",\"signals\":[");
  for (size_t i = 0; i < d.signals.size(); ++i) {
    const Signal& s = d.signals[i];
    if (i) *p++ = ',';
    p = PutLit(p, "{\"detector\":");
    p = PutJsonString(p, s.detector);
    p = PutLit(p, ",\"name\":");
    p = PutJsonString(p, s.name);
    p = PutLit(p, ",\"score\":");
    p = fmt::format_to_n(p, kScoreBound, "{}", s.score).out;
    p = PutLit(p, ",\"evidence\":");
    p = PutJsonString(p, s.evidence);
    *p++ = '}';
  }
  p = PutLit(p, "]}\n");
  out->resize(static_cast<size_t>(p - out->data()));
}

}  // namespace evenhand
