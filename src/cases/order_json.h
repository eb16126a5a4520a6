// Orders as JSON: the submission an authority sends (one object), and the
// full record the store keeps and the CLI prints.
//
// Submission fields: authority, jurisdiction, legal_basis {instrument,
// provision}, category, emergency (bool, default false), targets
// [{"item": ID} | {"account": ID}, ...], reference, received (RFC 3339;
// default: now). A missing or empty legal basis is NOT a parse error: the
// desk rejects such an order with a stored reason. Everything else that is
// missing or mistyped is, as "field: what is wrong".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/order.h"
#include "model/status.h"

namespace evenhand {

// Parses one submission; `now` fills a missing "received".
Result<Order> ParseOrderSubmission(std::string_view json, int64_t now);

nlohmann::ordered_json OrderToJson(const Order& order);
// Reads a record written by OrderToJson (the store's body column).
Result<Order> OrderFromJson(std::string_view json);

}  // namespace evenhand
