#include "store/json_dump.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace evenhand {

namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), 0 when invalid. s[i] >= 0x80.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const size_t left = s.size() - i;
  auto cont = [&](size_t k) { return (b(i + k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void DumpJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t mark = out->size();
  out->push_back('"');
  size_t run = 0;  // start of the stretch copied as is
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8Length(s, i);
      if (n == 0) {  // invalid UTF-8: nlohmann's own replacement, rare
        out->resize(mark);
        out->append(nlohmann::ordered_json(std::string(s)).dump(-1, ' ', false,
                                                                 nlohmann::ordered_json::error_handler_t::replace));
        return;
      }
      i += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out->append(s.data() + run, i - run);
    out->push_back('\\');
    switch (c) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '\b': out->push_back('b'); break;
      case '\f': out->push_back('f'); break;
      case '\n': out->push_back('n'); break;
      case '\r': out->push_back('r'); break;
      case '\t': out->push_back('t'); break;
      default: {
        const char u[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(u, sizeof u);
      }
    }
    run = ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void DumpJsonDouble(std::string* out, double v) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  char buf[64];
  char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);  // what nlohmann's serializer calls
  out->append(buf, static_cast<size_t>(end - buf));
}

void DumpJsonInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

void DumpScopeJson(std::string* out, const Decision& d) {
  out->push_back('[');
  for (size_t i = 0; i < d.scope.size(); ++i) {
    if (i > 0) out->push_back(',');
    DumpJsonString(out, d.scope[i]);
  }
  out->push_back(']');
}

void DumpSignalsJson(std::string* out, const Decision& d) {
  out->push_back('[');
  for (size_t i = 0; i < d.signals.size(); ++i) {
    const Signal& s = d.signals[i];
    if (i > 0) out->push_back(',');
    out->append("{\"detector\":");
    DumpJsonString(out, s.detector);
    out->append(",\"name\":");
    DumpJsonString(out, s.name);
    out->append(",\"score\":");
    DumpJsonDouble(out, s.score);
    out->append(",\"evidence\":");
    DumpJsonString(out, s.evidence);
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace evenhand
