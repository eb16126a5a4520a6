#include "cases/item_evidence.h"

#include <charconv>
#include <string_view>

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;

// Reads an unsigned integer at s[*i]; advances *i.
bool Uint(std::string_view s, size_t* i, uint64_t* out) {
  const char* b = s.data() + *i;
  const char* e = s.data() + s.size();
  auto [p, ec] = std::from_chars(b, e, *out);
  if (ec != std::errc() || p == b) return false;
  *i = static_cast<size_t>(p - s.data());
  return true;
}

bool Int(std::string_view s, size_t* i, int64_t* out) {
  const char* b = s.data() + *i;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), *out);
  if (ec != std::errc() || p == b) return false;
  *i = static_cast<size_t>(p - s.data());
  return true;
}

// "12.5" at s[*i]; advances *i.
bool Decimal(std::string_view s, size_t* i, double* out) {
  const char* b = s.data() + *i;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), *out, std::chars_format::fixed);
  if (ec != std::errc() || p == b) return false;
  *i = static_cast<size_t>(p - s.data());
  return true;
}

bool Lit(std::string_view s, size_t* i, std::string_view lit) {
  if (s.substr(*i, lit.size()) != lit) return false;
  *i += lit.size();
  return true;
}

// "media[I] PATH" at s[*i] where PATH is media[I].path; advances past PATH.
bool MediaRef(std::string_view s, size_t* i, const std::vector<Media>& media, uint64_t* index) {
  size_t j = *i;
  if (!Lit(s, &j, "media[") || !Uint(s, &j, index) || !Lit(s, &j, "] ")) return false;
  if (*index >= media.size()) return false;
  if (!Lit(s, &j, media[*index].path)) return false;
  *i = j;
  return true;
}

// Terms: "TERM" at [B,E) separated by "; ".
void TermParts(std::string_view s, size_t text_bytes, OJson* out) {
  size_t i = 0;
  while (i < s.size() && s[i] == '"') {
    const size_t close = s.find("\" at [", i + 1);
    if (close == std::string_view::npos) return;
    size_t j = close + 6;
    uint64_t b = 0, e = 0;
    if (!Uint(s, &j, &b) || !Lit(s, &j, ",") || !Uint(s, &j, &e) || !Lit(s, &j, ")")) return;
    if (b <= e && e <= text_bytes)
      out->push_back({{"kind", "text"}, {"term", std::string(s.substr(i + 1, close - i - 1))}, {"begin", b}, {"end", e}});
    i = j;
    if (!Lit(s, &i, "; ")) return;
  }
}

// OCR: "TERM" (N edits) in media[I] PATH at [S s ][X0,Y0,X1,Y1] separated by "; ".
void OcrParts(std::string_view s, const std::vector<Media>& media, OJson* out) {
  size_t i = 0;
  while (i < s.size() && s[i] == '"') {
    // The term holds no `" in media[` (terms are words); the first one closes it.
    const size_t close = s.find("\" ", i + 1);
    if (close == std::string_view::npos) return;
    std::string term(s.substr(i + 1, close - i - 1));
    size_t j = close + 2;
    uint64_t edits = 0;
    if (Lit(s, &j, "(")) {
      if (!Uint(s, &j, &edits) || !Lit(s, &j, " edits) ")) return;
    }
    uint64_t index = 0;
    if (!Lit(s, &j, "in ") || !MediaRef(s, &j, media, &index) || !Lit(s, &j, " at ")) return;
    OJson seconds = nullptr;
    if (j < s.size() && s[j] != '[') {
      double sec = 0;
      if (!Decimal(s, &j, &sec) || !Lit(s, &j, " s ")) return;
      seconds = sec;
    }
    int64_t box[4];
    if (!Lit(s, &j, "[")) return;
    for (int k = 0; k < 4; ++k)
      if (!Int(s, &j, &box[k]) || !Lit(s, &j, k < 3 ? "," : "]")) return;
    out->push_back({{"kind", "image_region"}, {"term", std::move(term)}, {"edits", edits}, {"media", index},
                    {"seconds", seconds}, {"box", {box[0], box[1], box[2], box[3]}}});
    i = j;
    if (!Lit(s, &i, "; ")) return;
  }
}

// Bank: media[I] PATH: ... [, closest frame at S s (bank video at T s)]
void MediaParts(std::string_view s, const std::vector<Media>& media, OJson* out) {
  size_t i = 0;
  uint64_t index = 0;
  if (!MediaRef(s, &i, media, &index) || !Lit(s, &i, ":")) return;
  OJson seconds = nullptr, bank_seconds = nullptr;
  const size_t at = s.find(", closest frame at ", i);
  if (at != std::string_view::npos) {
    size_t j = at + 19;
    double a = 0, b = 0;
    if (Decimal(s, &j, &a) && Lit(s, &j, " s (bank video at ") && Decimal(s, &j, &b) && Lit(s, &j, " s)")) {
      seconds = a;
      bank_seconds = b;
    }
  }
  out->push_back({{"kind", "media"}, {"media", index}, {"seconds", seconds}, {"bank_seconds", bank_seconds}});
}

}  // namespace

OJson EvidenceParts(const Signal& signal, const std::vector<Media>& media, size_t text_bytes) {
  OJson out = OJson::array();
  const std::string_view s = signal.evidence;
  if (signal.detector == "terms") TermParts(s, text_bytes, &out);
  else if (signal.detector == "ocr") OcrParts(s, media, &out);
  else if (signal.detector == "bank") MediaParts(s, media, &out);
  return out;
}

}  // namespace evenhand
