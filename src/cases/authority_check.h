// Whether a case's sender is a registered authority of the jurisdiction it
// names: the one check shared by the order, data-request and preservation
// desks' intake.
#pragma once

#include <string>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// "" when `authority` is registered for `jurisdiction`; otherwise the
// rejection reason (not registered at all, or registered for another
// jurisdiction). A store error is returned as the Status.
Result<std::string> AuthorityRegistrationProblem(Store& store, const std::string& authority,
                                                 const std::string& jurisdiction);

}  // namespace evenhand
