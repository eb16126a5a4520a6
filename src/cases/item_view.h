// Everything the platform holds about one stored item, for `evenhand item
// show` and GET /v1/items/{id} (issue 14 point 3): every version (content,
// content hash, when stored, replaced, or deleted by retention), every
// decision with the version it was about and its review, the cases that
// name it (orders, notices) with the version they were received against,
// and whether it is visible from each country that any of those concern.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// NotFound when the store holds no version, decision or case of `id`.
Result<nlohmann::ordered_json> ItemViewJson(Store& store, const std::string& id);

}  // namespace evenhand
