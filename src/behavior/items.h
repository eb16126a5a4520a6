// The shareable items of a post that co-action is measured on, as 64-bit
// keys: each URL in the raw text (scheme and "www." dropped, host lower
// case, trailing punctuation trimmed), each hashtag (a '#' at the start of
// the text or after a non-word character, then at least two word bytes:
// ASCII letters, digits, '_' or any non-ASCII byte; ASCII case folded, so
// #Vote2026 and #vote2026 are one item) and each media attachment
// (MediaKey: a hash of its path; media_keys.h keys readable images by PDQ
// hash instead); FoldedHashtagKey folds look-alike letters in tags first.
// Pure functions, thread safe, no allocation (FindUrls and FindHashtags
// write into caller arrays).
#pragma once

#include <cstdint>
#include <string_view>

namespace evenhand {
class Normalizer;
struct NormalizedText;
}  // namespace evenhand

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
// The key of a tag as people disguise it: a tag with a non-ASCII byte is
// folded by `norm` first (NFKC: fullwidth to ASCII; case; look-alike
// letters to their ASCII skeleton inside words that also hold ASCII
// letters; emoji between letters dropped; the separators it makes become
// '_'), so #vоte (Cyrillic о), #ｖｏｔｅ and #VOTE are one item, while a tag
// all in another script keeps its letters. An ASCII tag is keyed as
// HashtagKey keys it (no normaliser call). `norm` should not fold leet
// digits (the detector's tag normaliser does not): #vote2026 keeps its
// digits. Thread safe with a scratch per thread.
uint64_t FoldedHashtagKey(std::string_view tag, const Normalizer& norm, NormalizedText* scratch);

}  // namespace evenhand::behavior
