#include "server/json_body.h"

namespace evenhand::server {

int JsonDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

BodyError ParseJsonObject(std::string_view text, int max_depth, nlohmann::json* out, std::string* message) {
  if (JsonDepth(text, max_depth) > max_depth) {
    *message = "the body nests JSON deeper than " + std::to_string(max_depth) + " levels";
    return BodyError::kTooDeep;
  }
  *out = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    *message = text.empty() ? "the body is empty; a JSON object is expected" : "the body is not valid JSON";
    return BodyError::kBadJson;
  }
  if (!out->is_object()) {
    *message = "the body must be a JSON object";
    return BodyError::kNotObject;
  }
  return BodyError::kNone;
}

}  // namespace evenhand::server
