// A case's history for `show` (CLI and API): the audit entries about one
// subject (an order, a notice, a data request), oldest first, as JSON
// objects {seq, ts, actor, action, payload}. Reads through the store's
// index by subject, so it costs the case's entries, not the whole chain.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

Result<nlohmann::ordered_json> CaseHistoryJson(Store& store, const std::string& subject);

}  // namespace evenhand
