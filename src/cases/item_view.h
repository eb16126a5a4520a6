// Everything the platform holds about one stored item, for `evenhand item
// show` and GET /v1/items/{id} (issue 14 point 3): every version (content,
// content hash, when stored, replaced, or deleted by retention), every
// decision with the version it was about and its review, the cases that
// name it (orders, notices) with the version they were received against,
// and whether it is visible from each country that any of those concern.
//
// For the dashboard's item view (issue 20 point 1) it also gives: each
// decision's signals, each with `parts`, the places its evidence points at
// (cases/item_evidence.h: text spans, image regions, video times); whether
// the item's media are `sensitive` (shown blurred until a person reveals
// them: a decision in a graphic category, or any known-media bank match),
// with why; and its author's `account` (when created, age in days at `now`,
// country, the decisions about their items by action, the latest ones).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// NotFound when the store holds no version, decision or case of `id`.
// `now` (unix seconds, 0 = the clock) dates the account's age.
Result<nlohmann::ordered_json> ItemViewJson(Store& store, const std::string& id, int64_t now = 0);

// The categories whose media are blurred by default (DSA short forms).
bool BlurredCategory(const std::string& category);

// Why the item's media are blurred by default, sorted, without repeats
// (empty: they are not): each decision in a BlurredCategory, each
// known-media bank that matched (whatever became of the decision later).
Result<std::vector<std::string>> SensitiveBecause(Store& store, const std::string& id);

}  // namespace evenhand
