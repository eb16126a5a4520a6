// Durations in query strings: "6h", "90m", "2d", "30s" or plain seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace evenhand::server {

inline std::optional<int64_t> ParseQueryDuration(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const int64_t n = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit.empty() || unit == "s") return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return std::nullopt;
}

}  // namespace evenhand::server
