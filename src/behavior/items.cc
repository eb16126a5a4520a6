#include "behavior/items.h"

#include "behavior/hash.h"

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

}  // namespace evenhand::behavior
