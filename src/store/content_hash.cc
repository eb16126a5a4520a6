#include "store/content_hash.h"

#include <charconv>
#include <string_view>

#include "store/sha256.h"

namespace evenhand {

std::string ContentHash(const Post& p, const std::string& media_json) {
  // One buffer per thread, reused: no allocation per post on the scan path
  // but the hex result.
  thread_local std::string text;
  text.clear();
  char digits[24];
  auto number = [&](int64_t v) {
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    (void)ec;
    return std::string_view(digits, static_cast<size_t>(end - digits));
  };
  auto field = [&](std::string_view v) {
    text += number(static_cast<int64_t>(v.size()));
    text += ':';
    text += v;
    text += '\n';
  };
  field(p.account);
  {
    char ts[24];
    auto [end, ec] = std::to_chars(ts, ts + sizeof ts, p.ts);
    (void)ec;
    field(std::string_view(ts, static_cast<size_t>(end - ts)));
  }
  field(p.lang);
  field(p.text);
  field(p.topic);
  field(p.region);
  field(media_json);
  return Sha256Hex(text);
}

}  // namespace evenhand
