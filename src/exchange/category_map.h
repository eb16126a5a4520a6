// Tags of an industry hash list -> evenhand's categories (the DSA
// statement-of-reasons short forms, model/category.h).
//
// A tag maps, compared case-insensitively after '-' and ' ' become '_':
//   1. by a rule the operator gave (`--map TAG=CATEGORY`), first;
//   2. to itself when it is a DSA category (short form or
//      STATEMENT_CATEGORY_ key);
//   3. by the built-in table: csam, csei, child_sexual_abuse,
//      child_sexual_exploitation, ncmec -> protection_of_minors; ncii,
//      stopncii, non_consensual_intimate_imagery -> cyber_violence;
//      terrorism, terrorist_content, tvec, gifct, tcap ->
//      risk_for_public_security.
// Other tags map to nothing (they stay in the entry's label).
//
// Thread safety: immutable once built; Map is const.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/status.h"

namespace evenhand {

class CategoryMap {
 public:
  // Adds an operator rule from "TAG=CATEGORY"; Invalid when CATEGORY is not
  // a DSA category or the text has no '='.
  Status AddRule(std::string_view rule);
  // The category `tag` maps to, or "".
  std::string Map(std::string_view tag) const;
  // The distinct categories `tags` map to, in tag order.
  std::vector<std::string> MapAll(const std::vector<std::string>& tags) const;

 private:
  std::vector<std::pair<std::string, std::string>> rules_;  // normalized tag -> short form
};

}  // namespace evenhand
