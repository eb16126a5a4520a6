// The shareable items of a post that co-action is measured on, as 64-bit
// keys: each URL in the raw text (scheme and "www." dropped, host lower
// case, trailing punctuation trimmed), each hashtag (a '#' at the start of
// the text or after a non-word character, then at least two word bytes:
// ASCII letters, digits, '_' or any non-ASCII byte; ASCII case folded, so
// #Vote2026 and #vote2026 are one item) and each media attachment
// (MediaKey: a hash of its path; media_keys.h keys readable images by PDQ
// hash instead).
// Pure functions, thread safe, no allocation (FindUrls and FindHashtags
// write into caller arrays).
#pragma once

#include <cstdint>
#include <string_view>

namespace evenhand::behavior {

// Writes up to `max` URL spans of `text` (views into it, as found) and
// returns their number.
int FindUrls(std::string_view text, std::string_view* out, int max);
uint64_t UrlKey(std::string_view url);
uint64_t MediaKey(std::string_view path);
// Writes up to `max` hashtag spans of `text` (without the '#') and returns
// their number; a tag repeated in the text is reported once.
int FindHashtags(std::string_view text, std::string_view* out, int max);
uint64_t HashtagKey(std::string_view tag);

}  // namespace evenhand::behavior
