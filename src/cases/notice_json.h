// Notices as JSON: the submission a notifier sends (one object), and the
// full record the store keeps and the CLI prints.
//
// Submission fields: notifier {name, contact (e-mail), kind: user |
// trusted_flagger, flagger_id (required for trusted flaggers)},
// explanation, location [ITEM_ID, ...], category (default
// "not_specified_notice"), jurisdiction (ISO 3166-1 alpha-2 or "EU"; omit
// for a terms-of-service notice), good_faith (bool), reference (default:
// "gen-" + a hash of the notifier and the notice's content, so a repeat of
// the same notice is recognised), received (RFC 3339; default: now).
//
// A missing or empty explanation, location or good-faith statement is NOT a
// parse error: the desk stores such a notice as rejected with the reason
// and tells the notifier. Everything else that is missing, mistyped or
// unknown is, as "field: what is wrong".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/notice.h"
#include "model/status.h"

namespace evenhand {

// Parses one submission; `now` fills a missing "received".
Result<Notice> ParseNoticeSubmission(std::string_view json, int64_t now);

nlohmann::ordered_json NoticeMessageToJson(const NoticeMessage& message);
nlohmann::ordered_json NoticeToJson(const Notice& notice);
// Reads a record written by NoticeToJson (the store's body column).
Result<Notice> NoticeFromJson(std::string_view json);

}  // namespace evenhand
