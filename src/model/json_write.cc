#include "model/json_write.h"

#include <fmt/format.h>

#include "model/time.h"

namespace evenhand {

namespace {

// Appends a string literal without measuring it at run time.
template <size_t N>
inline void Lit(std::string* out, const char (&s)[N]) {
  out->append(s, N - 1);
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': Lit(out, "\\\""); break;
      case '\\': Lit(out, "\\\\"); break;
      case '\n': Lit(out, "\\n"); break;
      case '\r': Lit(out, "\\r"); break;
      case '\t': Lit(out, "\\t"); break;
      default:
        Lit(out, "\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendDecisionJson(std::string* out, const Decision& d) {
  Lit(out, "{\"item\":");
  AppendJsonString(out, d.item);
  Lit(out, ",\"action\":\"");
  out->append(ActionName(d.action));
  Lit(out, "\",\"scope\":[");
  for (size_t i = 0; i < d.scope.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, d.scope[i]);
  }
  Lit(out, "],\"category\":");
  AppendJsonString(out, d.category);
  Lit(out, ",\"rule\":");
  AppendJsonString(out, d.rule);
  Lit(out, ",\"policy\":");
  AppendJsonString(out, d.policy);
  Lit(out, ",\"review\":");
  if (d.review)
    Lit(out, "true");
  else
    Lit(out, "false");
  if (!d.reason.empty()) {
    Lit(out, ",\"reason\":");
    AppendJsonString(out, d.reason);
  }
  if (!d.account.empty()) {
    Lit(out, ",\"account\":");
    AppendJsonString(out, d.account);
  }
  if (!d.lang.empty()) {
    Lit(out, ",\"lang\":");
    AppendJsonString(out, d.lang);
  }
  if (!d.region.empty()) {
    Lit(out, ",\"region\":");
    AppendJsonString(out, d.region);
  }
  Lit(out, ",\"signals\":[");
  for (size_t i = 0; i < d.signals.size(); ++i) {
    const Signal& s = d.signals[i];
    if (i) out->push_back(',');
    Lit(out, "{\"detector\":");
    AppendJsonString(out, s.detector);
    Lit(out, ",\"name\":");
    AppendJsonString(out, s.name);
    fmt::format_to(std::back_inserter(*out), ",\"score\":{}", s.score);
    Lit(out, ",\"evidence\":");
    AppendJsonString(out, s.evidence);
    out->push_back('}');
  }
  Lit(out, "]}\n");
}

}  // namespace evenhand
