// The shareable items of a post that co-action is measured on, as 64-bit
// keys: each URL in the raw text (scheme and "www." dropped, host lower
// case, trailing punctuation trimmed) and each media attachment. Media are
// keyed by a hash of their path: the PDQ hashes of src/image are not wired
// into behaviour detection yet, so re-encoded copies of one image under
// different names are not linked (a limitation; see docs).
// Pure functions, thread safe, no allocation (FindUrls writes into a
// caller array).
#pragma once

#include <cstdint>
#include <string_view>

namespace evenhand::behavior {

// Writes up to `max` URL spans of `text` (views into it, as found) and
// returns their number.
int FindUrls(std::string_view text, std::string_view* out, int max);
uint64_t UrlKey(std::string_view url);
uint64_t MediaKey(std::string_view path);

}  // namespace evenhand::behavior
