// Data-disclosure requests as JSON: the submission an authority sends (one
// object), and the full record the store keeps and the CLI prints.
//
// Submission fields: authority, jurisdiction, reference, legal_process
// {kind: court_order | warrant | subpoena | statutory_notice |
// emergency_none, reference}, fields [catalogue names], targets [ID |
// {"account": ID}, ...], emergency (bool, default false), received (RFC
// 3339; default: now), gag_until (RFC 3339; delayed notice, optional).
// A missing legal process, an empty field list or target list, or a field
// not in the catalogue are NOT parse errors: the desk rejects such a
// request with a stored reason, so that it is counted. Everything else
// that is missing or mistyped is, as "field: what is wrong".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/data_request.h"
#include "model/status.h"

namespace evenhand {

// Parses one submission; `now` fills a missing "received".
Result<DataRequest> ParseDataRequestSubmission(std::string_view json, int64_t now);

// The record. The package (user data) is included only when asked for;
// listings leave it out.
nlohmann::ordered_json DataRequestToJson(const DataRequest& request, bool with_package);
// Reads a record written by DataRequestToJson(..., true).
Result<DataRequest> DataRequestFromJson(std::string_view json);

}  // namespace evenhand
