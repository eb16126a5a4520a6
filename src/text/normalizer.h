// Text normalisation that defeats common evasion, with a map back to the
// original bytes so matches can be reported as spans in the input.
//
// Steps, in order: zero-width and bidi-control stripping, NFKC, case folding,
// confusable folding (ICU confusable skeletons for non-ASCII characters whose
// skeleton is ASCII, applied inside words that also hold ASCII letters, so
// Cyrillic "рaypal" -> "paypal" while all-Cyrillic words stay as written),
// Arabic-script folding (alef/hamza forms -> ا, Farsi/Urdu yeh forms -> ي,
// keheh/kaf forms -> ك, heh forms -> ه, teh marbuta -> ه, tatweel and
// harakat removed), non-ASCII symbols and emoji between two letters
// removed ("mo💰ney" -> "money", the point kept in
// NormalizedText::glued), diacritics and combining overlays on Latin and
// Greek letters removed ("mönéy", "m̶o̶n̶e̶y̶" -> "money"; Arabic-script marks
// are left to the Arabic folding), the leet map (only inside tokens that
// contain a Latin letter and no Arabic-script letter, so "fr33" -> "free"
// but "2026" and "قرض2026" keep their digits; look-alikes are not folded
// in a word with an Arabic-script letter either), a word boundary between a non-Latin letter and a
// digit ("قرض۲۰۲۶" -> "قرض 2026"), folding of runs of three or more
// identical letters to one letter marked as stretched ("moneyyyy" -> "money",
// recorded in NormalizedText::stretched; runs of two stay: "book"), vertical
// strokes in Latin words (palochka, Arabic-Indic one) written i and
// recorded as I/l-ambiguous (NormalizedText::ambiguous; ASCII "I" and "1"
// are case-folded and leet-mapped to i as before, unmarked), and separators:
// every character that is not a letter, a mark or a digit becomes one space
// ("win! $100" -> "win  100"), so in the output a word boundary is always a
// space byte (or an end of the text). The term matcher relies on that.
//
// Thread safety: a Normalizer is immutable after construction and may be
// shared by any number of threads; each thread passes its own
// NormalizedText, whose buffers are reused (no allocation per item once warm).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/status.h"

namespace evenhand {

struct NormalizerOptions {
  bool strip_invisible = true;
  bool nfkc = true;
  bool case_fold = true;
  bool confusables = true;
  bool arabic_fold = true;
  bool leet = true;
  bool squeeze = true;      // fold runs of 3+ identical letters to one, marked stretched
  bool diacritics = true;   // strip marks from Latin and Greek letters
  bool glue_symbols = true; // drop symbols/emoji between two letters
  // Leet substitutions (one code point each side); defaults when empty:
  // 0->o 1->i 3->e 4->a 5->s 7->t @->a $->s
  std::unordered_map<char32_t, char32_t> leet_map;
};

// The result of normalising one text: UTF-8 bytes plus, for each output
// byte i, the original byte span [source_begin[i], source_end[i]) that
// produced it.
//
// Output bytes below identity_len came from the input byte at the same
// index (span [i, i + 1)). Normalize also writes them into source_begin and
// source_end; NormalizeForMatch leaves those entries unwritten (and the
// arrays may then be longer than text), so read spans through OriginalBegin
// and OriginalEnd, which work after either.
struct NormalizedText {
  std::string text;
  std::vector<uint32_t> source_begin;
  std::vector<uint32_t> source_end;
  uint32_t identity_len = 0;
  // Output byte offsets (ascending) of letters that stand for a run of three
  // or more identical letters in the original ("yyyy" -> "y", marked).
  std::vector<uint32_t> stretched;
  bool Stretched(uint32_t at) const {
    return !stretched.empty() && std::binary_search(stretched.begin(), stretched.end(), at);
  }
  // Output byte offsets (ascending) of letters right after a dropped run of
  // non-ASCII symbols or punctuation between two letters ("claim🎁your" ->
  // "claimyour", 5 recorded): the matcher reads such a point both as no
  // boundary ("mo💰ney") and as a word boundary ("claim🎁your").
  std::vector<uint32_t> glued;
  bool Glued(uint32_t at) const {
    return !glued.empty() && std::binary_search(glued.begin(), glued.end(), at);
  }
  // Output byte offsets (ascending) of letters written "i" for a vertical
  // stroke that reads as I or as l in a Latin word (Cyrillic palochka,
  // Arabic-Indic one, Greek capital iota...: "doub١e" -> "doubie", 4
  // recorded): the matcher reads such a letter as i or as l. Strokes do not
  // fold as runs ("wІӏӏ" stays four letters: "will").
  std::vector<uint32_t> ambiguous;
  bool Ambiguous(uint32_t at) const {
    return !ambiguous.empty() && std::binary_search(ambiguous.begin(), ambiguous.end(), at);
  }
  // Digits glued to a Latin word (leading or trailing, "542free",
  // "money2026"; leet reads them as letters, "fr33"): output offsets
  // (ascending) where such a word starts after its leading digits
  // (soft_starts) and where the digits after its last letter start
  // (soft_ends). The matcher reads each as a word boundary too.
  std::vector<uint32_t> soft_starts, soft_ends;
  bool SoftStart(uint32_t at) const {
    return !soft_starts.empty() && std::binary_search(soft_starts.begin(), soft_starts.end(), at);
  }
  // Original span of normalised bytes [begin, end); end > begin.
  uint32_t OriginalBegin(uint32_t begin) const { return begin < identity_len ? begin : source_begin[begin]; }
  uint32_t OriginalEnd(uint32_t end) const { return end <= identity_len ? end : source_end[end - 1]; }
};

class Normalizer {
 public:
  explicit Normalizer(NormalizerOptions options = {});
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Normalises `in` into *out (cleared first). Never fails: invalid UTF-8
  // bytes pass through as U+FFFD. Fills source_begin and source_end for
  // every output byte.
  void Normalize(std::string_view in, NormalizedText* out) const;
  // The same text and spans, but the offset entries below out->identity_len
  // are not written (see NormalizedText): the scan hot path, where most
  // texts are ASCII and the map is the identity up to the first squeeze.
  void NormalizeForMatch(std::string_view in, NormalizedText* out) const;
  // The same text, spans, stretched and glued points as Normalize, every
  // byte through the general (ICU) path: the reference that the fast path
  // and the splitting of mixed text into islands are tested against.
  void NormalizeReference(std::string_view in, NormalizedText* out) const;
  // Convenience for tests and term compilation (allocates).
  std::string Normalize(std::string_view in) const;

  const NormalizerOptions& options() const { return options_; }

 private:
  struct Tables;
  // Normalises the ASCII bytes in[begin, end) into out->text at *w (the
  // spans in out->source_begin/end), growing the buffers as needed; *w moves
  // past the output.
  void AppendAscii(std::string_view in, size_t begin, size_t end, NormalizedText* out, size_t* w) const;
  // One space for the separator in[begin, end) (see NormalizeForMatch).
  static void AppendSpace(size_t begin, size_t end, NormalizedText* out, size_t* w);
  // The same for any bytes, through ICU (the general path).
  void AppendGeneral(std::string_view in, size_t begin, size_t end, NormalizedText* out, size_t* w) const;

  NormalizerOptions options_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace evenhand
