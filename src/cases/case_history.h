// A case's history for `show` (CLI and API): the audit entries about one
// subject (an order, a notice, a data request), oldest first, as JSON
// objects {seq, ts, actor, action, payload}. Reads through the store's
// index by subject, so it costs the case's entries, not the whole chain.
//
// One clock (issue 14 point 7): `ts` is the entry's time, which the store
// stamps with the same clock as the record (Store::SetClock: --now on the
// CLI, the API's clock); every time in a payload is RFC 3339 (or null).
// Payloads written before that held unix seconds under time keys
// (deadline, *_deadline, *_due, *_until, *_at, received): they are shown
// as RFC 3339 too; the stored entry (and its hash) is untouched.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// A time as a person sees it: RFC 3339, or null for 0 (none). For payloads.
nlohmann::ordered_json TimeJson(int64_t unix_seconds);

Result<nlohmann::ordered_json> CaseHistoryJson(Store& store, const std::string& subject);

}  // namespace evenhand
