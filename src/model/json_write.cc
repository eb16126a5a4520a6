#include "model/json_write.h"

#include <fmt/format.h>

#include "model/time.h"

namespace evenhand {

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
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendDecisionJson(std::string* out, const Decision& d) {
  out->append("{\"item\":");
  AppendJsonString(out, d.item);
  out->append(",\"action\":\"");
  out->append(ActionName(d.action));
  out->append("\",\"scope\":[");
  for (size_t i = 0; i < d.scope.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, d.scope[i]);
  }
  out->append("],\"category\":");
  AppendJsonString(out, d.category);
  out->append(",\"rule\":");
  AppendJsonString(out, d.rule);
  out->append(",\"policy\":");
  AppendJsonString(out, d.policy);
  out->append(",\"review\":");
  out->append(d.review ? "true" : "false");
  if (!d.reason.empty()) {
    out->append(",\"reason\":");
    AppendJsonString(out, d.reason);
  }
  if (!d.account.empty()) {
    out->append(",\"account\":");
    AppendJsonString(out, d.account);
  }
  if (!d.lang.empty()) {
    out->append(",\"lang\":");
    AppendJsonString(out, d.lang);
  }
  if (!d.region.empty()) {
    out->append(",\"region\":");
    AppendJsonString(out, d.region);
  }
  out->append(",\"signals\":[");
  for (size_t i = 0; i < d.signals.size(); ++i) {
    const Signal& s = d.signals[i];
    if (i) out->push_back(',');
    out->append("{\"detector\":");
    AppendJsonString(out, s.detector);
    out->append(",\"name\":");
    AppendJsonString(out, s.name);
    fmt::format_to(std::back_inserter(*out), ",\"score\":{}", s.score);
    out->append(",\"evidence\":");
    AppendJsonString(out, s.evidence);
    out->push_back('}');
  }
  out->append("]}\n");
}

}  // namespace evenhand
