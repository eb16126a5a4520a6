// Paging of the API's lists: query parsing, sort keys and cursors.
#include "server/list_page.h"

#include <cstdlib>

namespace evenhand::server {

namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool ParsePageQuery(const std::string& limit, const std::string& cursor, size_t default_limit, size_t max_limit,
                    PageRequest* out, std::string* message) {
  out->limit = default_limit;
  out->after.clear();
  if (!limit.empty()) {
    const std::string range = "limit: a number from 1 to " + std::to_string(max_limit);
    if (limit.size() > 9 || limit.find_first_not_of("0123456789") != std::string::npos) {
      *message = range;
      return false;
    }
    const unsigned long v = std::strtoul(limit.c_str(), nullptr, 10);
    if (v < 1 || v > max_limit) {
      *message = range;
      return false;
    }
    out->limit = v;
  }
  if (!cursor.empty()) {
    if (cursor.size() % 2 != 0) {
      *message = "cursor: not a cursor of this list (use next_cursor as given)";
      return false;
    }
    for (size_t i = 0; i < cursor.size(); i += 2) {
      const int hi = HexValue(cursor[i]), lo = HexValue(cursor[i + 1]);
      if (hi < 0 || lo < 0) {
        *message = "cursor: not a cursor of this list (use next_cursor as given)";
        out->after.clear();
        return false;
      }
      out->after.push_back(static_cast<char>(hi * 16 + lo));
    }
  }
  return true;
}

std::string KeyOf(int64_t v) {
  // Flipping the sign bit orders negative numbers before positive ones.
  uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, u >>= 4) out[i] = kHex[u & 15];
  return out;
}

std::string EncodeCursor(std::string_view key) {
  std::string out;
  out.reserve(key.size() * 2);
  for (unsigned char c : key) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace evenhand::server
