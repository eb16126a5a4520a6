// Language identification: a thin wrapper around CLD2 (no global state in
// CLD2's detector, so it is safe to call from any number of threads).

#include "text/langid.h"

#include <climits>
#include <cstring>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace evenhand {

std::string_view DetectLanguage(std::string_view utf8_text) {
  static constexpr std::string_view kUnknown = "und";
  if (utf8_text.empty()) return kUnknown;
  // CLD2 looks at a bounded prefix anyway for its verdict; cap what we hand it.
  const int len = utf8_text.size() > static_cast<size_t>(INT_MAX / 2)
                      ? INT_MAX / 2
                      : static_cast<int>(utf8_text.size());
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language language3[3];
  int percent3[3];
  double normalized_score3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  // The CheckUTF8 variant rejects invalid UTF-8 instead of reading past it.
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      utf8_text.data(), len, /*is_plain_text=*/true, &hints, /*flags=*/0, language3, percent3,
      normalized_score3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable, &valid_prefix);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
    return kUnknown;
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr || *code == '\0' || std::strcmp(code, "un") == 0) return kUnknown;
  return std::string_view(code);  // static storage inside CLD2
}

}  // namespace evenhand
