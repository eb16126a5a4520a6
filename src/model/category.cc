#include "model/category.h"

#include <cctype>

namespace evenhand {

namespace {
constexpr std::string_view kPrefix = "STATEMENT_CATEGORY_";
}

const std::vector<std::string_view>& AllCategories() {
  static const std::vector<std::string_view> kAll = {
      "animal_welfare",
      "consumer_information",
      "cyber_violence",
      "cyber_violence_against_women",
      "data_protection_and_privacy_violations",
      "illegal_or_harmful_speech",
      "intellectual_property_infringements",
      "negative_effects_on_civic_discourse_or_elections",
      "not_specified_notice",
      "other_violation_tc",
      "protection_of_minors",
      "risk_for_public_security",
      "scams_and_fraud",
      "self_harm",
      "unsafe_and_prohibited_products",
      "violence",
  };
  return kAll;
}

std::optional<std::string_view> CanonicalCategory(std::string_view name) {
  std::string lowered;
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  lowered.reserve(name.size());
  for (char c : name) lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view c : AllCategories())
    if (c == lowered) return c;
  return std::nullopt;
}

std::string DsaCategoryKey(std::string_view short_form) {
  std::string key(kPrefix);
  for (char c : short_form) key.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return key;
}

}  // namespace evenhand
