#include "exchange/category_map.h"

#include <algorithm>

#include "model/category.h"

namespace evenhand {

namespace {

std::string Normalize(std::string_view tag) {
  std::string out;
  out.reserve(tag.size());
  for (char c : tag) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
    out.push_back(c);
  }
  return out;
}

struct Builtin {
  const char* tag;
  const char* category;
};
constexpr Builtin kBuiltin[] = {
    {"csam", "protection_of_minors"},
    {"csei", "protection_of_minors"},
    {"child_sexual_abuse", "protection_of_minors"},
    {"child_sexual_exploitation", "protection_of_minors"},
    {"ncmec", "protection_of_minors"},
    {"ncii", "cyber_violence"},
    {"stopncii", "cyber_violence"},
    {"non_consensual_intimate_imagery", "cyber_violence"},
    {"terrorism", "risk_for_public_security"},
    {"terrorist_content", "risk_for_public_security"},
    {"tvec", "risk_for_public_security"},
    {"gifct", "risk_for_public_security"},
    {"tcap", "risk_for_public_security"},
};

}  // namespace

Status CategoryMap::AddRule(std::string_view rule) {
  const size_t eq = rule.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return Status::Invalid("--map \"" + std::string(rule) + "\": want TAG=CATEGORY");
  const std::string_view category = rule.substr(eq + 1);
  auto canon = CanonicalCategory(category);
  if (!canon)
    return Status::Invalid("--map \"" + std::string(rule) + "\": \"" + std::string(category) +
                           "\" is not a category (one of the DSA short forms, e.g. protection_of_minors)");
  rules_.emplace_back(Normalize(rule.substr(0, eq)), std::string(*canon));
  return Status::Ok();
}

std::string CategoryMap::Map(std::string_view tag) const {
  const std::string t = Normalize(tag);
  for (const auto& [from, to] : rules_)
    if (from == t) return to;
  if (auto canon = CanonicalCategory(t)) return std::string(*canon);
  std::string upper(tag);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (auto canon = CanonicalCategory(upper)) return std::string(*canon);
  for (const Builtin& b : kBuiltin)
    if (t == b.tag) return b.category;
  return "";
}

std::vector<std::string> CategoryMap::MapAll(const std::vector<std::string>& tags) const {
  std::vector<std::string> out;
  for (const std::string& tag : tags) {
    std::string c = Map(tag);
    if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace evenhand
