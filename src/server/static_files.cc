#include "server/static_files.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string_view>

namespace evenhand::server {

namespace {

constexpr off_t kMaxFile = 16 << 20;

const char* MediaType(std::string_view path) {
  const size_t dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

bool ReadStaticFile(const std::string& dir, const std::string& path, std::string* body, std::string* content_type) {
  if (dir.empty() || path.empty() || path[0] != '/') return false;
  for (size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && i + 1 < path.size() && path[i + 1] == '.') return false;  // hidden, "." or ".."
  std::string file = dir + path;
  if (file.back() == '/') file += "index.html";
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFile) return false;
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  body->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  *content_type = MediaType(file);
  return true;
}

}  // namespace evenhand::server
