// PromLabel: a Prometheus label value (text format 0.0.4) with backslash,
// double quote and newline escaped, for every /metrics page (serve's and
// the worker's). Allocates the returned string only.
#pragma once

#include <string>
#include <string_view>

namespace evenhand {

inline std::string PromLabel(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace evenhand
