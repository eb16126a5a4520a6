// The request target and media type checks of the HTTP transport, as pure
// functions (no I/O; fuzzed by tests/fuzz/http_request_fuzz.cc).
//
// ParseTarget accepts only origin-form targets ("/path?query"): it percent-
// decodes the path and the query, and refuses (false, *error set) a target
// that is empty, longer than `max_bytes`, not starting with '/', with a bad
// %-escape, with a NUL or another control byte (raw or escaped), with bytes
// that are not UTF-8 once decoded, or with a "." or ".." path segment. The
// server answers those with 400, so no later step (routing, file lookup)
// ever sees such a path. Thread safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace evenhand::server {

struct Target {
  std::string path;                              // decoded, starts with '/'
  std::multimap<std::string, std::string> query; // decoded ('+' is a space)
};

bool ParseTarget(std::string_view target, size_t max_bytes, Target* out, std::string* error);

// True for "application/json" and "application/<x>+json", any case, with
// or without parameters ("; charset=utf-8").
bool IsJsonMediaType(std::string_view content_type);

}  // namespace evenhand::server
