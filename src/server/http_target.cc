#include "server/http_target.h"

#include <cctype>

#include <simdjson.h>

namespace evenhand::server {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in` into *out; '+' becomes ' ' when `plus_is_space`.
// False on a bad escape or a control byte (raw or decoded).
bool Decode(std::string_view in, bool plus_is_space, std::string* out, std::string* error) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      const int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *error = "a bad %-escape in the request target";
        return false;
      }
      c = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c < 0x20 || c == 0x7f) {
      *error = c == 0 ? "a NUL byte in the request target" : "a control character in the request target";
      return false;
    }
    out->push_back(static_cast<char>(c));
  }
  if (!simdjson::validate_utf8(out->data(), out->size())) {
    *error = "the request target is not UTF-8";
    return false;
  }
  return true;
}

}  // namespace

bool ParseTarget(std::string_view target, size_t max_bytes, Target* out, std::string* error) {
  out->path.clear();
  out->query.clear();
  if (target.empty() || target[0] != '/') {
    *error = "the request target must start with '/'";
    return false;
  }
  if (target.size() > max_bytes) {
    *error = "the request target is longer than " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  const size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (const size_t hash = raw_path.find('#'); hash != std::string_view::npos) {
    *error = "a fragment in the request target";
    return false;
  }
  if (!Decode(raw_path, false, &out->path, error)) return false;
  // No "." or ".." segments (after decoding, so "%2e%2e" counts too).
  std::string_view p = out->path;
  for (size_t i = 0; i < p.size();) {
    size_t j = p.find('/', i + 1);
    if (j == std::string_view::npos) j = p.size();
    const std::string_view seg = p.substr(i + 1, j - i - 1);
    if (seg == "." || seg == "..") {
      *error = "a \".\" or \"..\" segment in the request path";
      return false;
    }
    i = j;
  }
  if (q == std::string_view::npos) return true;
  std::string_view query = target.substr(q + 1);
  std::string key, value;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (!Decode(pair.substr(0, eq), true, &key, error)) return false;
    if (eq == std::string_view::npos) value.clear();
    else if (!Decode(pair.substr(eq + 1), true, &value, error)) return false;
    out->query.emplace(key, value);
  }
  return true;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string lower(t);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/json") return true;
  constexpr std::string_view kApp = "application/", kSuffix = "+json";
  return lower.size() > kApp.size() + kSuffix.size() && lower.compare(0, kApp.size(), kApp) == 0 &&
         lower.compare(lower.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

}  // namespace evenhand::server
