// Preservation requests as JSON: the submission an authority sends (one
// object) and the record the store keeps, the CLI prints and the API
// answers.
//
// Submission: {"authority", "jurisdiction", "reference", "legal_basis"
// (the provision relied on, e.g. "PECA 2016 s.31"), "targets": [ID |
// {"account": ID}, ...], "days" (optional: the period asked for, a whole
// number > 0), "received" (RFC 3339; default: now)}. A blank legal basis,
// an empty target list or an unknown account are NOT parse errors: the
// desk rejects the request with a stored reason, so that it is counted.
// Everything else that is missing or mistyped is, as "field: what".
//
// The record keeps "targets" (account ids) and "until" (RFC 3339), which
// cases/retention.cc reads to hold the accounts' content.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/preservation.h"
#include "model/status.h"

namespace evenhand {

Result<PreservationRequest> ParsePreservationSubmission(std::string_view json, int64_t now);
// The record; with `now`, "state_now" and "in_force" say where it stands then.
nlohmann::ordered_json PreservationToJson(const PreservationRequest& request, int64_t now);
Result<PreservationRequest> PreservationFromJson(std::string_view json);

}  // namespace evenhand
