// Minimal UTF-8 helpers for hot paths (no allocation, no ICU).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace evenhand {

// Decodes the code point at s[*pos] and advances *pos. Invalid sequences
// decode as U+FFFD and advance by one byte.
char32_t DecodeUtf8(std::string_view s, size_t* pos);
// Appends cp encoded as UTF-8.
void AppendUtf8(std::string* out, char32_t cp);
// True when every byte is < 0x80.
bool IsAscii(std::string_view s);

}  // namespace evenhand
