// Appeals of decisions (model/appeal.h) as JSON: the record the store keeps
// in a case's body (kind "appeal") and the CLI and API print, and back.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "model/appeal.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

inline constexpr const char* kAppealKind = "appeal";

nlohmann::ordered_json AppealToJson(const DecisionAppeal& appeal);
// Reads a record written by AppealToJson; Corrupt when it is not one.
Result<DecisionAppeal> AppealFromJson(std::string_view json);
// The case the store keeps: kind "appeal", issuer "decision", reference
// "ITEM@POLICY" (so one appeal per decision), state, received = filed_at.
CaseRecord AppealToRecord(const DecisionAppeal& appeal);

}  // namespace evenhand
