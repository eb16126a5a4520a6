// Request bodies: the JSON-depth limit and a parse that never throws.
// Thread safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evenhand::server {

// Deepest nesting of arrays/objects in `text`, counting brackets outside
// strings; stops counting (returns limit + 1) as soon as `limit` is passed,
// so a hostile body costs one linear pass and no recursion.
int JsonDepth(std::string_view text, int limit);

enum class BodyError { kNone, kBadJson, kTooDeep, kNotObject };

// Parses `text` as one JSON object no deeper than `max_depth`. On failure
// returns the error and fills *message; *out is then unspecified.
BodyError ParseJsonObject(std::string_view text, int max_depth, nlohmann::json* out, std::string* message);

}  // namespace evenhand::server
