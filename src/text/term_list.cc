#include "text/term_list.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace evenhand {

Status AppendTermFile(const std::string& path, TermList* list) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(fmt::format("{}: {}", path, std::strerror(errno)));
  std::string line;
  int line_no = 0;
  const bool roman_urdu = std::filesystem::path(path).filename().string().find("roman-ur") != std::string::npos;
  list->phonetic.resize(list->terms.size(), false);
  while (std::getline(in, line)) {
    ++line_no;
    if (!simdjson::validate_utf8(line.data(), line.size()))
      return Status::Invalid(fmt::format("{}:{}: term: not valid UTF-8", path, line_no));
    size_t b = line.find_first_not_of(" \t\r\xEF\xBB\xBF");
    if (b == std::string::npos) continue;
    size_t e = line.find_last_not_of(" \t\r");
    std::string term = line.substr(b, e - b + 1);
    if (term[0] == '#') continue;
    list->terms.push_back(std::move(term));
    list->phonetic.push_back(roman_urdu);
  }
  list->sources.push_back(path);
  return Status::Ok();
}

}  // namespace evenhand
