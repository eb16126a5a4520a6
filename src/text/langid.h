// Language identification with CLD2. Thread safe, no allocation.
#pragma once

#include <string_view>

namespace evenhand {

// Returns an ISO 639-1 code ("en", "ur", "pt", ...) or "und" when CLD2 is not
// reliable or the text is too short.
std::string_view DetectLanguage(std::string_view utf8_text);

}  // namespace evenhand
