// The DSA statement-of-reasons categories (Transparency Database, v1.x).
// Policies name a category either by its short form ("scams_and_fraud") or by
// the DSA key ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD"); decisions carry the
// short form, exports use the key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

// Returns the short form for either spelling, or nullopt if unknown.
std::optional<std::string_view> CanonicalCategory(std::string_view name);
// "scams_and_fraud" -> "STATEMENT_CATEGORY_SCAMS_AND_FRAUD".
std::string DsaCategoryKey(std::string_view short_form);
// All sixteen short forms, in the DSA database's order.
const std::vector<std::string_view>& AllCategories();

}  // namespace evenhand
