#include "cases/authority_check.h"

#include <vector>

namespace evenhand {

Result<std::string> AuthorityRegistrationProblem(Store& store, const std::string& authority,
                                                 const std::string& jurisdiction) {
  Result<std::vector<AuthorityRecord>> authorities = store.ListAuthorities();
  if (!authorities.ok()) return authorities.status();
  bool known = false, registered = false;
  for (const AuthorityRecord& a : *authorities) {
    if (a.id != authority) continue;
    known = true;
    registered = a.jurisdiction == jurisdiction;
  }
  if (!known) return "authority \"" + authority + "\" is not registered";
  if (!registered) return "authority \"" + authority + "\" is not registered for jurisdiction " + jurisdiction;
  return std::string();
}

}  // namespace evenhand
