// Normalizer: see normalizer.h for the steps and promises.
//
// Two paths:
//  * ASCII fast path: pure-ASCII input is lowercased, leet-mapped,
//    separated (symbols -> spaces) and squeezed with no ICU call; the output vectors are resized in place, so
//    a warm NormalizedText allocates nothing. Case folding and leet map one
//    byte to one byte, so the offset map is the identity up to the first
//    letter a squeeze drops: offsets are written only from there on
//    (NormalizedText::identity_len covers the rest).
//  * General path: decode -> strip invisibles -> NFKC(+case fold) segment by
//    segment, Arabic-script folding on the way out -> per token: confusables,
//    leet, squeeze -> separators -> encode. Intermediate code points live in thread_local
//    scratch, so the steady state allocates nothing either.
//  * Mixed text (mostly ASCII with a few other characters) takes the general
//    path only for "islands" around the non-ASCII bytes and the fast path's
//    passes for the ASCII stretches between them. An island [L, R) is cut
//    where no step can reach across: the byte before L is an ASCII
//    non-token character and the byte at L is ASCII (so no NFKC segment, no
//    token and no run of letters spans L), and the byte at R is an ASCII
//    non-token character (likewise for R). Each step is local to a segment
//    or a token, so the result is byte for byte the general path's.
//
// Offsets: every output byte carries the original span of the code point
// (or NFKC segment) that produced it. Removed characters produce no output;
// when a squeeze drops letters, the span of the last kept letter grows to
// cover the dropped ones, so a match on "free" in "freeeee" reports the whole
// run.
//
// Order note: Arabic-script folding runs just before the confusable step, so
// Arabic-Indic digits become ASCII digits (rather than their look-alike
// letters); no other step is affected by the swap.

#include "text/normalizer.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "text/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace evenhand {

namespace {

// ---- process-wide tables (filled on first use, then read-only) ------------

enum : uint8_t {
  kWord = 1,          // letter, mark or decimal digit
  kLetter = 2,        // general category L*
  kBbCf = 4,          // NFKC_Casefold: boundary before
  kSelfCf = 8,        // NFKC_Casefold: the code point normalises to itself
  kBbKc = 16,         // NFKC: boundary before
  kSelfKc = 32,       // NFKC: normalises to itself
  kLatGr = 64,        // a Latin or Greek letter
  kMark = 128,        // general category Mn or Me
};
// A symbol or punctuation character that IsGlueSymbol takes (BMP table bit).
constexpr uint16_t kGlueSym = 256;

bool IsGlueSymbol(char32_t c);

// Look-alikes of Latin letters that ICU's skeletons do not take to ASCII
// (lower case, as they are after case folding): Greek, Cyrillic and small
// capitals. Applied like the skeletons, inside words that also hold Latin
// letters.
char ExtraConfusable(char32_t c) {
  switch (c) {
    case 0x03B1: return 'a';  // α
    case 0x03B2: return 'b';  // β
    case 0x03B3: return 'y';  // γ
    case 0x03B5: return 'e';  // ε
    case 0x03B7: return 'n';  // η
    case 0x03B9: return 'i';  // ι
    case 0x03BA: return 'k';  // κ
    case 0x03BC: return 'u';  // μ
    case 0x03BD: return 'v';  // ν
    case 0x03BF: return 'o';  // ο
    case 0x03C1: return 'p';  // ρ
    case 0x03C2: return 's';  // ς
    case 0x03C4: return 't';  // τ
    case 0x03C5: return 'u';  // υ
    case 0x03C7: return 'x';  // χ
    case 0x03C9: return 'w';  // ω
    case 0x03F2: return 'c';  // ϲ
    case 0x0430: return 'a';  // а
    case 0x0432: return 'b';  // в
    case 0x0435: return 'e';  // е
    case 0x043A: return 'k';  // к
    case 0x043C: return 'm';  // м
    case 0x043D: return 'h';  // н
    case 0x043E: return 'o';  // о
    case 0x0440: return 'p';  // р
    case 0x0441: return 'c';  // с
    case 0x0442: return 't';  // т
    case 0x0443: return 'y';  // у
    case 0x0445: return 'x';  // х
    case 0x044C: return 'b';  // ь
    case 0x0455: return 's';  // ѕ
    case 0x0456: return 'i';  // і
    case 0x0458: return 'j';  // ј
    case 0x04CF: return 'l';  // ӏ
    case 0x1D00: return 'a';  // small capitals ᴀ ...
    case 0x0299: return 'b';
    case 0x1D04: return 'c';
    case 0x1D05: return 'd';
    case 0x1D07: return 'e';
    case 0xA730: return 'f';
    case 0x0262: return 'g';
    case 0x029C: return 'h';
    case 0x026A: return 'i';
    case 0x1D0A: return 'j';
    case 0x1D0B: return 'k';
    case 0x029F: return 'l';
    case 0x1D0D: return 'm';
    case 0x0274: return 'n';
    case 0x1D0F: return 'o';
    case 0x1D18: return 'p';
    case 0x0280: return 'r';
    case 0xA731: return 's';
    case 0x1D1B: return 't';
    case 0x1D1C: return 'u';
    case 0x1D20: return 'v';
    case 0x1D21: return 'w';
    case 0x028F: return 'y';
    case 0x1D22: return 'z';
    default: return 0;
  }
}

// Pages of BMP code points none of which has an ASCII letter or digit as
// its confusable skeleton (nor its upper case's, nor ExtraConfusable):
// CJK Unified Ideographs and Extension A, Hangul syllables. BuildPage skips
// the skeleton look-ups there (uspoof_getSkeleton was about 60 % of the
// cost of building a page, and a CJK or Korean text touches a page per few
// characters). NormalizerPages.NoAsciiSkeletonInSkippedPages checks every
// code point of these pages against ICU.
bool NoAsciiSkeletonPage(size_t page) {
  return (page >= 0x34 && page <= 0x4D) || (page >= 0x4E && page <= 0x9F) || (page >= 0xAC && page <= 0xD7);
}

// The BMP tables are filled lazily, 256 code points (a page) at a time, on
// the first lookup in the page: building all 64K entries costs ICU calls
// worth a good part of a short scan's start-up, and a text touches few pages.
// A page is built under `mu` and published through its `ready` flag
// (release/acquire), so lookups from any thread are race free.
class StaticTables {
 public:
  StaticTables() {
    UErrorCode st = U_ZERO_ERROR;
    nfkc_cf_ = unorm2_getNFKCCasefoldInstance(&st);
    st = U_ZERO_ERROR;
    nfkc_ = unorm2_getNFKCInstance(&st);
    st = U_ZERO_ERROR;
    nfd_ = unorm2_getNFDInstance(&st);
    st = U_ZERO_ERROR;
    spoof_ = uspoof_open(&st);
    if (U_FAILURE(st)) spoof_ = nullptr;
  }

  // kWord | kLetter | kBbCf | ... | kGlueSym bits of BMP code point c.
  uint16_t Cls(char32_t c) const {
    Page(c);
    return cls_[c];
  }
  // ASCII skeleton (single ASCII letter/digit) of a non-ASCII BMP word
  // character, else 0.
  char Conf(char32_t c) const {
    Page(c);
    return conf_[c];
  }
  // The base letter of a precomposed Latin or Greek letter with marks
  // (canonical decomposition: the base, then marks only), else 0.
  char16_t Base(char32_t c) const {
    Page(c);
    return base_[c];
  }

 private:
  void Page(char32_t c) const {
    const size_t page = c >> 8;
    if (!ready_[page].load(std::memory_order_acquire)) BuildPage(page);
  }

  void BuildPage(size_t page) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (ready_[page].load(std::memory_order_relaxed)) return;
    for (UChar32 c = static_cast<UChar32>(page << 8); c < static_cast<UChar32>((page + 1) << 8); ++c) {
      uint16_t bits = 0;
      uint32_t gc = U_GET_GC_MASK(c);
      if (IsGlueSymbol(static_cast<char32_t>(c))) bits |= kGlueSym;
      if (gc & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) bits |= kWord;
      if (gc & U_GC_L_MASK) bits |= kLetter;
      if (gc & (U_GC_MN_MASK | U_GC_ME_MASK)) bits |= kMark;
      if (gc & U_GC_L_MASK) {
        UErrorCode se = U_ZERO_ERROR;
        const UScriptCode sc = uscript_getScript(c, &se);
        if (U_SUCCESS(se) && (sc == USCRIPT_LATIN || sc == USCRIPT_GREEK)) bits |= kLatGr;
      }
      conf_[c] = 0;
      base_[c] = 0;
      if (U16_IS_SURROGATE(c)) {
        cls_[c] = bits;
        continue;
      }
      UChar u = static_cast<UChar>(c);
      UErrorCode st = U_ZERO_ERROR;
      if (nfkc_cf_) {
        if (unorm2_hasBoundaryBefore(nfkc_cf_, c)) bits |= kBbCf;
        st = U_ZERO_ERROR;
        if (unorm2_isNormalized(nfkc_cf_, &u, 1, &st) && U_SUCCESS(st)) bits |= kSelfCf;
      }
      if (nfkc_) {
        if (unorm2_hasBoundaryBefore(nfkc_, c)) bits |= kBbKc;
        st = U_ZERO_ERROR;
        if (unorm2_isNormalized(nfkc_, &u, 1, &st) && U_SUCCESS(st)) bits |= kSelfKc;
      }
      cls_[c] = bits;
      if (nfd_ && (bits & kLatGr) && c >= 0x80) {
        UChar d[8];
        st = U_ZERO_ERROR;
        const int32_t n = unorm2_getDecomposition(nfd_, c, d, 8, &st);
        if (U_SUCCESS(st) && n >= 2 && !U16_IS_SURROGATE(d[0])) {
          bool marks = true;
          for (int32_t k = 1; k < n; ++k)
            if (!(U_GET_GC_MASK(d[k]) & (U_GC_MN_MASK | U_GC_ME_MASK))) marks = false;
          UErrorCode se = U_ZERO_ERROR;
          const UScriptCode sc = uscript_getScript(d[0], &se);
          if (marks && U_SUCCESS(se) && (sc == USCRIPT_LATIN || sc == USCRIPT_GREEK)) base_[c] = d[0];
        }
      }
      if (c >= 0x80 && (bits & kWord) && !NoAsciiSkeletonPage(page)) {
        // The skeleton of the character, else of its upper case (case folding
        // runs first, and some look-alikes have ASCII skeletons only in upper
        // case: Cyrillic ь folds from Ь, whose skeleton is b), else the
        // extra table.
        auto skeleton = [&](UChar32 x) -> char {
          if (!spoof_ || x > 0xFFFF) return 0;
          UChar in1 = static_cast<UChar>(x), out[8];
          UErrorCode e2 = U_ZERO_ERROR;
          int32_t n = uspoof_getSkeleton(spoof_, 0, &in1, 1, out, 8, &e2);
          if (U_SUCCESS(e2) && n == 1 && out[0] < 0x80 &&
              ((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z') ||
               (out[0] >= '0' && out[0] <= '9')))
            return static_cast<char>(out[0]);
          return 0;
        };
        char k = skeleton(c);
        if (!k) k = ExtraConfusable(static_cast<char32_t>(c));
        if (!k && u_toupper(c) != c) k = skeleton(u_toupper(c));
        conf_[c] = k;
      }
    }
    ready_[page].store(true, std::memory_order_release);
  }

 public:
  const UNormalizer2* nfkc_cf() const { return nfkc_cf_; }
  const UNormalizer2* nfkc() const { return nfkc_; }

 private:
  const UNormalizer2* nfkc_cf_ = nullptr;
  const UNormalizer2* nfkc_ = nullptr;
  const UNormalizer2* nfd_ = nullptr;
  USpoofChecker* spoof_ = nullptr;  // used under mu_ only
  mutable std::mutex mu_;
  mutable std::atomic<bool> ready_[256] = {};
  mutable uint16_t cls_[0x10000];
  mutable char conf_[0x10000];
  mutable char16_t base_[0x10000];
};

const StaticTables& Static() {
  static const StaticTables* tables = new StaticTables();
  return *tables;
}

inline bool IsLetterCp(const StaticTables& st, char32_t c) {
  if (c < 0x10000) return st.Cls(c) & kLetter;
  return U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_L_MASK;
}

inline bool IsWordCp(const StaticTables& st, char32_t c) {
  if (c < 0x10000) return st.Cls(c) & kWord;
  return U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK);
}

bool IsInvisible(char32_t c) {
  switch (c) {
    case 0x00AD:  // soft hyphen
    case 0x200B: case 0x200C: case 0x200D:  // zero-width space / non-joiner / joiner
    case 0x2060:  // word joiner
    case 0xFEFF:  // zero-width no-break space (BOM)
    case 0x200E: case 0x200F:  // LRM, RLM
    case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:  // embeddings, overrides
    case 0x2066: case 0x2067: case 0x2068: case 0x2069:  // isolates
    case 0x061C:  // Arabic letter mark
      return true;
    default:
      return false;
  }
}

constexpr char32_t kRemove = 0x110000;  // not a code point

// A code point of the Arabic script's blocks (Arabic, Supplement, Extended-A,
// Presentation Forms A and B).
inline bool IsArabicScript(char32_t c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF) ||
         (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

// Arabic-script folding. Returns the replacement, or kRemove to remove the
// code point. Code points outside the Arabic block come back unchanged.
inline char32_t ArabicFold(char32_t c) {
  if (c < 0x0600 || c > 0x06FF) return c;
  switch (c) {
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672: case 0x0673:
      return 0x0627;  // alef forms -> alef
    case 0x0624:
      return 0x0648;  // waw with hamza -> waw
    case 0x0626: case 0x0649: case 0x06CC: case 0x06CD: case 0x06D0: case 0x06D2: case 0x06D3:
      return 0x064A;  // yeh forms -> Arabic yeh
    case 0x06A9: case 0x06AA: case 0x06AB:
      return 0x0643;  // keheh / swash kaf / kaf with ring -> kaf
    case 0x0629: case 0x06BE: case 0x06C0: case 0x06C1: case 0x06C2: case 0x06C3:
      return 0x0647;  // teh marbuta, heh doachashmee, heh goal forms -> heh
    case 0x0640:
      return kRemove;  // tatweel
    default:
      break;
  }
  if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED)) return kRemove;
  if (c >= 0x0660 && c <= 0x0669) return U'0' + (c - 0x0660);
  if (c >= 0x06F0 && c <= 0x06F9) return U'0' + (c - 0x06F0);
  return c;
}

inline int Utf8Len(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

inline char* PutUtf8(char* p, char32_t cp) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

struct Cp {
  char32_t c;
  uint32_t b, e;     // original byte span
  uint8_t flags = 0;  // kStretched, kBreakBefore, kGlueBefore, kAmbiguous, kSoftStart, kSoftEnd
  char32_t orig = 0;  // the code point before NFKC and case folding, when it alone made c
};
enum : uint8_t { kStretched = 1, kBreakBefore = 2, kGlueBefore = 4, kAmbiguous = 8, kSoftStart = 16, kSoftEnd = 32 };

// A non-ASCII vertical stroke that reads as I or as l when it stands in a
// Latin word: Latin dental click, Cyrillic palochka (both cases) and
// Ukrainian capital I, Greek capital iota, Arabic-Indic and Eastern
// Arabic-Indic one. (ASCII I and 1 are not taken: see normalizer.h.)
inline bool IsIlStroke(char32_t c) {
  switch (c) {
    case 0x01C0: case 0x0399: case 0x0406: case 0x04C0: case 0x04CF: case 0x0661: case 0x06F1:
      return true;
    default:
      return false;
  }
}

// Enclosed letters that NFKC leaves alone: negative circled and negative
// squared Latin capitals, regional indicator symbols -> a..z; else 0.
inline char32_t EnclosedLetter(char32_t c) {
  if (c >= 0x1F150 && c <= 0x1F169) return U'a' + (c - 0x1F150);
  if (c >= 0x1F170 && c <= 0x1F189) return U'a' + (c - 0x1F170);
  if (c >= 0x1F1E6 && c <= 0x1F1FF) return U'a' + (c - 0x1F1E6);
  return 0;
}

// A symbol or punctuation character (general category S* or P*: emoji,
// currency, maths, modifiers, "§", "·") that is not ASCII: dropped when it
// stands between two letters.
bool IsGlueSymbol(char32_t c) {
  if (c < 0x80 || c == 0xFFFD) return false;  // U+FFFD: a bad byte, a separator
  if (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_S_MASK) return true;
  switch (c) {  // punctuation that no language writes between two letters of a word
    case 0x00A7: case 0x00B6: case 0x00B7: case 0x2020: case 0x2021: case 0x2022: case 0x203B:
      return true;
    default:
      return false;
  }
}

// IsGlueSymbol through the BMP table.
inline bool IsGlueSymbolCp(const StaticTables& st, char32_t c) {
  if (c < 0x80) return false;
  if (c < 0x10000) return (st.Cls(c) & kGlueSym) != 0;
  return IsGlueSymbol(c);
}

// Per-thread scratch for the general path (the Normalizer itself is const
// and shared).
struct Scratch {
  std::vector<Cp> a, v;
  std::vector<UChar> u16, o16;
};

Scratch& ThreadScratch() {
  static thread_local Scratch s;
  return s;
}

// ASCII class bits for the fast path.
enum : uint8_t { kAsciiTok = 1, kAsciiLetter = 2, kAsciiLeet = 4 };

// The ASCII leet keys for the vectorised search. When there are more than
// fit (or one is NUL, which the fast path's padding holds), `all` is false
// and the search goes byte by byte through the class table.
struct LeetKeys {
  unsigned char keys[16];
  int count = 0;
  bool all = true;
  // The keys that are neither letters nor digits (the bit-mask pass compares
  // only these; digits it classifies by range), and whether a letter is a key.
  int sym_count = 0;
  bool letter_key = false;
#if defined(__SSE2__)
  __m128i vecs[16];      // keys[k] in every byte
  __m128i sym_vecs[16];  // the sym_count symbol keys in every byte
#endif
};

}  // namespace

struct Normalizer::Tables {
  const StaticTables* st = nullptr;
  const UNormalizer2* n2 = nullptr;  // null when nfkc is off
  uint8_t bb_bit = 0, self_bit = 0;
  char ascii_fold[128];
  char ascii_pass1[128];  // pass 1 byte by byte: folded word bytes, leet keys, else ' '
  uint8_t ascii_cls[128];
  char32_t leet_ascii[128];  // 0: not a leet key
  std::unordered_map<char32_t, char32_t> leet_other;
  bool fast_ok = true;
  LeetKeys leet_keys;

  char32_t Leet(char32_t c) const {
    if (c < 0x80) return leet_ascii[c] ? leet_ascii[c] : c;
    if (leet_other.empty()) return c;
    auto it = leet_other.find(c);
    return it == leet_other.end() ? c : it->second;
  }
  bool IsLeetKey(char32_t c) const {
    if (c < 0x80) return leet_ascii[c] != 0;
    return !leet_other.empty() && leet_other.count(c);
  }
  char32_t FoldAscii(char32_t c) const { return static_cast<unsigned char>(ascii_fold[c]); }
};

Normalizer::Normalizer(NormalizerOptions options) : options_(std::move(options)) {
  tables_ = std::make_unique<Tables>();
  Tables& t = *tables_;
  t.st = &Static();
  if (options_.leet && options_.leet_map.empty()) {
    options_.leet_map = {{U'0', U'o'}, {U'1', U'i'}, {U'3', U'e'}, {U'4', U'a'},
                         {U'5', U's'}, {U'7', U't'}, {U'@', U'a'}, {U'$', U's'}};
  }
  if (options_.nfkc) {
    t.n2 = options_.case_fold ? t.st->nfkc_cf() : t.st->nfkc();
    t.bb_bit = options_.case_fold ? kBbCf : kBbKc;
    t.self_bit = options_.case_fold ? kSelfCf : kSelfKc;
  }
  for (int c = 0; c < 128; ++c) {
    t.ascii_fold[c] = static_cast<char>((options_.case_fold && c >= 'A' && c <= 'Z') ? c + 32 : c);
    t.leet_ascii[c] = 0;
  }
  if (options_.leet) {
    for (const auto& [k, v] : options_.leet_map) {
      if (k < 0x80) {
        t.leet_ascii[k] = v;
        if (v >= 0x80) t.fast_ok = false;
      } else {
        t.leet_other.emplace(k, v);
      }
    }
  }
  for (int c = 0; c < 128; ++c) {
    uint8_t bits = 0;
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum) bits |= kAsciiTok;
    if (letter) bits |= kAsciiLetter;
    if (t.leet_ascii[c]) {
      bits |= kAsciiLeet | kAsciiTok;
      if (t.leet_keys.count < 16 && c != 0)
        t.leet_keys.keys[t.leet_keys.count++] = static_cast<unsigned char>(c);
      else
        t.leet_keys.all = false;
    }
    t.ascii_cls[c] = bits;
    t.ascii_pass1[c] = (alnum || t.leet_ascii[c]) ? t.ascii_fold[c] : ' ';
  }
#if defined(__SSE2__)
  for (int k = 0; k < t.leet_keys.count; ++k) {
    const unsigned char c = t.leet_keys.keys[k];
    t.leet_keys.vecs[k] = _mm_set1_epi8(static_cast<char>(c));
    if (t.ascii_cls[c] & kAsciiLetter)
      t.leet_keys.letter_key = true;
    else if (!(c >= '0' && c <= '9'))
      t.leet_keys.sym_vecs[t.leet_keys.sym_count++] = _mm_set1_epi8(static_cast<char>(c));
  }
#endif
}

Normalizer::~Normalizer() = default;

std::string Normalizer::Normalize(std::string_view in) const {
  NormalizedText out;
  Normalize(in, &out);
  return std::move(out.text);
}

namespace {

// The ASCII fast path works on the output buffer padded with kPad zero
// bytes past the text, so every pass reads whole 16-byte blocks; a zero is
// neither a letter nor a token character nor (see leet_keys_all) a leet key.
constexpr size_t kPad = 16;

// What pass 1 saw, to let pass 2 skip work: leet keys can change a token
// only when one sits next to a letter (a token holding both has such a
// pair), and symbol keys need blanking only when there are any.
struct Pass1Info {
  bool key_by_letter = true;  // a leet key next to a letter (true when unknown)
  bool symbol_key = true;     // a leet key that is no letter or digit (true when unknown)
};

// Pass 1: o[0, n) = in[0, n) with ASCII case folded when `fold` and every
// byte that is neither a letter, a digit nor a leet key turned into a space
// (separators), and o[n, n + kPad) = 0. Leet keys stay for pass 2, which maps
// or blanks them. Returns false, with o partly written, as soon as a byte is
// not ASCII. `fold_table` (the same mapping, byte by byte) serves when the
// keys do not fit the vector compare.
bool FoldAsciiPadded(const char* in, size_t n, bool fold, const LeetKeys& keys, const char* fold_table,
                     char* o, Pass1Info* info) {
#if defined(__SSE2__)
  if (keys.all) {
    const __m128i lower_lo = _mm_set1_epi8('a' - 1), lower_hi = _mm_set1_epi8('z' + 1);
    const __m128i digit_lo = _mm_set1_epi8('0' - 1), digit_hi = _mm_set1_epi8('9' + 1);
    const __m128i bit20 = _mm_set1_epi8(0x20), space = _mm_set1_epi8(' ');
    const __m128i fold_mask = fold ? bit20 : _mm_setzero_si128();
    const bool any_keys = keys.count > 0;
    uint32_t prev_letter = 0, prev_key = 0, by_letter = 0, symbols = 0;
    auto map_block = [&](__m128i v) __attribute__((always_inline)) {
      const __m128i lc = _mm_or_si128(v, bit20);
      const __m128i is_letter = _mm_and_si128(_mm_cmpgt_epi8(lc, lower_lo), _mm_cmplt_epi8(lc, lower_hi));
      const __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, digit_lo), _mm_cmplt_epi8(v, digit_hi));
      __m128i is_sym = _mm_setzero_si128();
      for (int j = 0; j < keys.sym_count; ++j) is_sym = _mm_or_si128(is_sym, _mm_cmpeq_epi8(v, keys.sym_vecs[j]));
      const __m128i keep = _mm_or_si128(_mm_or_si128(is_letter, is_digit), is_sym);
      if (any_keys) {  // digits are keys only when some digit is one; over-reporting is safe
        const uint32_t letter = static_cast<uint32_t>(_mm_movemask_epi8(is_letter));
        const uint32_t sym = static_cast<uint32_t>(_mm_movemask_epi8(is_sym));
        const uint32_t key = static_cast<uint32_t>(_mm_movemask_epi8(is_digit)) | sym;
        by_letter |= (key & ((letter << 1) | prev_letter)) | (letter & ((key << 1) | prev_key));
        symbols |= sym;
        prev_letter = letter >> 15;
        prev_key = key >> 15;
      }
      const __m128i folded = _mm_or_si128(v, _mm_and_si128(is_letter, fold_mask));  // letter | 0x20 = lower case
      return _mm_or_si128(_mm_and_si128(keep, folded), _mm_andnot_si128(keep, space));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
      if (_mm_movemask_epi8(v)) return false;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i), map_block(v));
    }
    alignas(16) char tail[16] = {};
    std::memcpy(tail, in + i, n - i);
    const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
    if (_mm_movemask_epi8(v)) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i), map_block(v));  // i + 16 <= n + kPad
    std::memset(o + n, 0, kPad);
    info->key_by_letter = by_letter != 0 || keys.letter_key;
    info->symbol_key = symbols != 0;
    return true;
  }
#endif
  (void)fold;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c >= 0x80) return false;
    o[i] = fold_table[c];
  }
  std::memset(o + n, 0, kPad);
  *info = Pass1Info{};
  return true;
}

#if defined(__SSE2__)
// Pass 2 when no leet key touches a letter: every symbol key is a
// separator. Needs keys.all; o is padded (kPad).
void BlankSymbolKeys(const LeetKeys& keys, char* o, size_t n) {
  const __m128i space = _mm_set1_epi8(' ');
  for (size_t i = 0; i < n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(o + i));
    __m128i is_sym = _mm_setzero_si128();
    for (int j = 0; j < keys.sym_count; ++j) is_sym = _mm_or_si128(is_sym, _mm_cmpeq_epi8(v, keys.sym_vecs[j]));
    if (_mm_movemask_epi8(is_sym))  // padding holds no key, so whole blocks are safe to rewrite
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i),
                       _mm_or_si128(_mm_and_si128(is_sym, space), _mm_andnot_si128(is_sym, v)));
  }
}
#endif

inline bool AsciiLetter(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
inline bool AsciiWordByte(unsigned char c) { return AsciiLetter(static_cast<char>(c)) || (c >= '0' && c <= '9'); }

// Next index >= i holding an ASCII leet key, or n. o is padded (kPad).
inline size_t NextLeetKey(const LeetKeys& keys, const uint8_t* cls, const char* o, size_t n, size_t i) {
#if defined(__SSE2__)
  if (keys.all) {
    for (; i < n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(o + i));
      __m128i hit = _mm_cmpeq_epi8(v, keys.vecs[0]);
      for (int k = 1; k < keys.count; ++k) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, keys.vecs[k]));
      if (int mask = _mm_movemask_epi8(hit)) return std::min(n, i + static_cast<size_t>(__builtin_ctz(mask)));
    }
    return n;
  }
#endif
  while (i < n && !(cls[static_cast<unsigned char>(o[i])] & kAsciiLeet)) ++i;
  return i;
}

#if defined(__SSE2__)
// Bits of 64 bytes at p (all readable): token bytes (ASCII letters, digits,
// leet keys), letters, digits or symbol keys (the bytes that may be keys,
// letter keys aside), and symbol keys alone. Needs keys.all (no NUL key), so
// zero padding is none of them.
inline void Classify64(const LeetKeys& keys, const char* p, uint64_t* tok, uint64_t* letter, uint64_t* key,
                       uint64_t* sym) {
  const __m128i lower_lo = _mm_set1_epi8('a' - 1), lower_hi = _mm_set1_epi8('z' + 1);
  const __m128i digit_lo = _mm_set1_epi8('0' - 1), digit_hi = _mm_set1_epi8('9' + 1);
  const __m128i bit20 = _mm_set1_epi8(0x20);
  uint64_t t = 0, l = 0, k = 0, y = 0;
  for (int b = 0; b < 4; ++b) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * b));
    const __m128i lc = _mm_or_si128(v, bit20);
    const __m128i is_letter = _mm_and_si128(_mm_cmpgt_epi8(lc, lower_lo), _mm_cmplt_epi8(lc, lower_hi));
    const __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, digit_lo), _mm_cmplt_epi8(v, digit_hi));
    __m128i is_sym = _mm_setzero_si128();
    for (int j = 0; j < keys.sym_count; ++j) is_sym = _mm_or_si128(is_sym, _mm_cmpeq_epi8(v, keys.sym_vecs[j]));
    const __m128i is_key = _mm_or_si128(is_digit, is_sym);
    const __m128i is_tok = _mm_or_si128(is_letter, is_key);
    const int sh = 16 * b;
    t |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_tok))) << sh;
    l |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_letter))) << sh;
    k |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_key))) << sh;
    y |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(is_sym))) << sh;
  }
  *tok = t;
  *letter = l;
  *key = k;
  *sym = y;
}
#endif

// Seeds s (a subset of t) spread to higher bits while they stay inside t.
inline uint64_t FillUp(uint64_t s, uint64_t t) {
  uint64_t p = t;
  s |= (s << 1) & p;
  p &= p << 1;
  s |= (s << 2) & p;
  p &= p << 2;
  s |= (s << 4) & p;
  p &= p << 4;
  s |= (s << 8) & p;
  p &= p << 8;
  s |= (s << 16) & p;
  p &= p << 16;
  s |= (s << 32) & p;
  return s;
}

// Seeds s (a subset of t) spread to lower bits while they stay inside t.
inline uint64_t FillDown(uint64_t s, uint64_t t) {
  uint64_t p = t;
  s |= (s >> 1) & p;
  p &= p >> 1;
  s |= (s >> 2) & p;
  p &= p >> 2;
  s |= (s >> 4) & p;
  p &= p >> 4;
  s |= (s >> 8) & p;
  p &= p >> 8;
  s |= (s >> 16) & p;
  p &= p >> 16;
  s |= (s >> 32) & p;
  return s;
}

// Per-thread masks for AsciiLeet: token and letter-filled bits and key bits
// per 64 bytes. Grows to the longest text seen, then stays.
std::vector<uint64_t>& LeetMaskScratch() {
  static thread_local std::vector<uint64_t> m;
  return m;
}

// Digits glued to a word (see NormalizedText::soft_starts): in the token
// [s, e) of pass-1 output, a letter right after the digits before its first
// letter is a soft start, a digit right after its last letter a soft end
// (offsets into o, appended in order).
struct SoftEdges {
  std::vector<uint32_t> starts, ends;
  void clear() {
    starts.clear();
    ends.clear();
  }
};
void TokenSoftEdges(const uint8_t* cls, const char* o, size_t s, size_t e, SoftEdges* edges) {
  auto letter = [&](size_t k) { return (cls[static_cast<unsigned char>(o[k])] & kAsciiLetter) != 0; };
  auto digit = [&](size_t k) { return o[k] >= '0' && o[k] <= '9'; };
  size_t first = s;
  while (first < e && !letter(first)) ++first;
  if (first == e) return;
  size_t last = e - 1;
  while (!letter(last)) --last;
  if (first > s && digit(first - 1)) edges->starts.push_back(static_cast<uint32_t>(first));
  if (last + 1 < e && digit(last + 1)) edges->ends.push_back(static_cast<uint32_t>(last + 1));
}

// Fast path, pass 2: maps the leet keys of every token that holds a letter
// and turns the symbol keys of the other tokens into spaces (separators, as
// pass 1 did for every other symbol); in place, one byte for one byte. o is
// padded (kPad).
//
// With the vectorised key search (keys.all) this works on bit masks, 64
// bytes a word: classify each byte (token, letter, key, symbol key), spread
// the letters up through their token (carried across words), then down
// (backwards over the words), and map the keys among the digits and symbols
// it reaches; blank the symbol keys it does not. Tokens are those of the
// text before mapping, as in the byte-by-byte version below.
//
// Also records in *edges the soft starts and ends of the tokens where a
// digit touches a letter (TokenSoftEdges), before mapping.
void AsciiLeet(const LeetKeys& keys, const uint8_t* cls, const char32_t* leet, char* o, size_t n,
               SoftEdges* edges) {
  if (keys.all && keys.count == 0) return;  // no ASCII keys
#if defined(__SSE2__)
  if (keys.all) {
    const size_t words = (n + 63) / 64;
    std::vector<uint64_t>& m = LeetMaskScratch();
    if (m.size() < 4 * words) m.resize(4 * words);
    uint64_t* tk = m.data();  // tok, filled, key candidates, symbol keys per word
    uint64_t any_key = 0, carry = 0, prev_l = 0, prev_d = 0;
    size_t done = 0;  // tokens before this offset have their soft edges
    for (size_t w = 0; w < words; ++w) {
      const size_t i = 64 * w;
      uint64_t t, l, k, y;
      if (i + 64 <= n) {
        Classify64(keys, o + i, &t, &l, &k, &y);
      } else {
        alignas(16) char tail[64] = {};
        std::memcpy(tail, o + i, n - i);
        Classify64(keys, tail, &t, &l, &k, &y);
      }
      // A digit next to a letter: its token may have soft edges (rare).
      const uint64_t d = k & ~y;
      uint64_t touch = (d & ((l << 1) | prev_l)) | (l & ((d << 1) | prev_d));
      prev_l = l >> 63;
      prev_d = d >> 63;
      while (touch) {
        size_t p = i + static_cast<size_t>(__builtin_ctzll(touch));
        touch &= touch - 1;
        if (p < done) continue;
        size_t s = p, e = p;
        while (s > 0 && (cls[static_cast<unsigned char>(o[s - 1])] & kAsciiTok)) --s;
        while (e < n && (cls[static_cast<unsigned char>(o[e])] & kAsciiTok)) ++e;
        TokenSoftEdges(cls, o, s, e, edges);
        done = e;
      }
      const uint64_t f = FillUp(l | (carry & t & 1), t);
      carry = f >> 63;
      tk[4 * w] = t;
      tk[4 * w + 1] = f;
      tk[4 * w + 2] = keys.letter_key ? t : k;
      tk[4 * w + 3] = y;
      any_key |= k;
    }
    if (!any_key && !keys.letter_key) return;
    carry = 0;
    for (size_t w = words; w-- > 0;) {
      const uint64_t t = tk[4 * w];
      const uint64_t g = FillDown(tk[4 * w + 1] | ((carry << 63) & t), t);
      carry = g & 1;
      uint64_t hit = tk[4 * w + 2] & g;
      char* base = o + 64 * w;
      while (hit) {  // candidates: digits, symbol keys (every token byte when a letter is a key)
        const int b = __builtin_ctzll(hit);
        if (const char32_t mapped = leet[static_cast<unsigned char>(base[b])]) base[b] = static_cast<char>(mapped);
        hit &= hit - 1;
      }
      uint64_t blank = tk[4 * w + 3] & ~g;
      while (blank) {  // symbol keys outside any token with a letter
        base[__builtin_ctzll(blank)] = ' ';
        blank &= blank - 1;
      }
    }
    return;
  }
#endif
  for (size_t i = NextLeetKey(keys, cls, o, n, 0); i < n; i = NextLeetKey(keys, cls, o, n, i)) {
    // The token around the key: [s, e).
    uint8_t seen = cls[static_cast<unsigned char>(o[i])];
    size_t s = i, e = i + 1;
    while (s > 0 && (cls[static_cast<unsigned char>(o[s - 1])] & kAsciiTok))
      seen |= cls[static_cast<unsigned char>(o[--s])];
    while (e < n && (cls[static_cast<unsigned char>(o[e])] & kAsciiTok)) seen |= cls[static_cast<unsigned char>(o[e++])];
    TokenSoftEdges(cls, o, s, e, edges);
    for (size_t k = s; k < e; ++k) {
      const unsigned char c = static_cast<unsigned char>(o[k]);
      if (seen & kAsciiLetter) {
        if (char32_t mapped = leet[c]) o[k] = static_cast<char>(mapped);
      } else if (!AsciiWordByte(c)) {
        o[k] = ' ';  // a symbol key in a token without letters is a separator
      }
    }
    i = e;
  }
}

// Pass 2 as pass 1 allows: the full leet pass, only the blanking of symbol
// keys, or nothing.
void AsciiLeetAfter(const Pass1Info& info, const LeetKeys& keys, const uint8_t* cls, const char32_t* leet,
                    char* o, size_t n, SoftEdges* edges) {
#if defined(__SSE2__)
  if (keys.all && !info.key_by_letter) {
    if (info.symbol_key) BlankSymbolKeys(keys, o, n);
    return;
  }
#endif
  AsciiLeet(keys, cls, leet, o, n, edges);
}

// sb[k] = first + k and se[k] = first + k + 1 for k < n: the spans of bytes
// that are their own input byte.
void FillIdentitySpans(uint32_t* __restrict sb, uint32_t* __restrict se, size_t n, uint32_t first) {
  size_t k = 0;
#if defined(__SSE2__)
  __m128i b = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(first)), _mm_set_epi32(3, 2, 1, 0));
  const __m128i one = _mm_set1_epi32(1), four = _mm_set1_epi32(4);
  for (; k + 4 <= n; k += 4) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(sb + k), b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(se + k), _mm_add_epi32(b, one));
    b = _mm_add_epi32(b, four);
  }
#endif
  for (; k < n; ++k) {
    sb[k] = static_cast<uint32_t>(first + k);
    se[k] = static_cast<uint32_t>(first + k + 1);
  }
}

// Index of the first byte at or after `from` that is not ASCII, or n.
size_t NextNonAscii(const char* in, size_t n, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const int mask = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)));
    if (mask) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && static_cast<unsigned char>(in[i]) < 0x80) ++i;
  return i;
}

// Index of the first letter at or after `start` (>= 2) that equals the two
// bytes before it (the first one a squeeze drops), or n. o is padded (kPad).
size_t FirstSqueezeDrop(const char* o, size_t n, size_t start = 2) {
#if defined(__SSE2__)
  const __m128i lower_lo = _mm_set1_epi8('a' - 1), lower_hi = _mm_set1_epi8('z' + 1);
  const __m128i bit20 = _mm_set1_epi8(0x20);
  for (size_t k = start; k < n; k += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(o + k));
    const __m128i p1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(o + k - 1));
    const __m128i p2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(o + k - 2));
    const __m128i l = _mm_or_si128(c, bit20);
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(l, lower_lo), _mm_cmplt_epi8(l, lower_hi));
    const __m128i same = _mm_and_si128(_mm_cmpeq_epi8(c, p1), _mm_cmpeq_epi8(c, p2));
    if (int mask = _mm_movemask_epi8(_mm_and_si128(letter, same)))
      return std::min(n, k + static_cast<size_t>(__builtin_ctz(mask)));
  }
  return n;
#else
  for (size_t k = start; k < n; ++k)
    if (o[k] == o[k - 1] && o[k] == o[k - 2] && AsciiLetter(o[k])) return k;
  return n;
#endif
}

// Fast path, pass 3: folds every run of 3+ identical letters to its first
// letter, whose span grows over the run and whose output offset (plus
// `base`) is appended to *stretched. Runs of one or two stay. Nothing before
// `from` changes (from is the start of the first such run); sb and se must
// hold the spans from index `from` on. Returns the new length. Writes never
// pass reads (w <= k).
size_t AsciiSqueeze(char* o, uint32_t* sb, uint32_t* se, size_t n, size_t from,
                    std::vector<uint32_t>* stretched, size_t base) {
  // The stretches between runs move as blocks; the next run is found 16
  // bytes a step (FirstSqueezeDrop reads only at or after the block's start,
  // which nothing has overwritten yet).
  size_t w = from, k = from;  // a run of 3+ starts at k
  while (k < n) {
    const char c = o[k];
    size_t r = k + 3;
    while (r < n && o[r] == c) ++r;
    o[w] = c;
    sb[w] = sb[k];
    se[w] = se[r - 1];
    stretched->push_back(static_cast<uint32_t>(base + w));
    ++w;
    const size_t drop = r + 2 < n ? FirstSqueezeDrop(o, n, r + 2) : n;
    const size_t next = drop == n ? n : drop - 2;
    const size_t len = next - r;
    if (len) {
      std::memmove(o + w, o + r, len);
      std::memmove(sb + w, sb + r, len * sizeof(uint32_t));
      std::memmove(se + w, se + r, len * sizeof(uint32_t));
      w += len;
    }
    k = next;
  }
  return w;
}

// Appends the soft edges of an ASCII stretch (offsets k into it, before its
// squeeze) as output offsets: the stretch starts at output offset `at` and
// input offset `begin`; from `from` on its bytes may have moved (sb, its
// spans, `len` bytes long after the squeeze). A soft start on a letter the
// squeeze dropped is dropped, a soft end moves to the next byte, as on the
// general path.
void MapSoftEdges(const std::vector<uint32_t>& edges, size_t at, size_t begin, size_t from, const uint32_t* sb,
                  size_t len, bool ends, std::vector<uint32_t>* out) {
  for (uint32_t k : edges) {
    if (k < from) {
      out->push_back(static_cast<uint32_t>(at + k));
      continue;
    }
    const uint32_t* it = std::lower_bound(sb + from, sb + len, static_cast<uint32_t>(begin + k));
    // A soft end on a dropped letter moves to the next byte (or the end).
    if (ends || (it != sb + len && *it == begin + k))
      out->push_back(static_cast<uint32_t>(at + static_cast<size_t>(it - sb)));
  }
}

SoftEdges& SoftEdgeScratch() {
  static thread_local SoftEdges e;
  return e;
}

}  // namespace

void Normalizer::Normalize(std::string_view in, NormalizedText* out) const {
  NormalizeForMatch(in, out);
  const size_t n = out->text.size();
  out->source_begin.resize(n);
  out->source_end.resize(n);
  FillIdentitySpans(out->source_begin.data(), out->source_end.data(), out->identity_len, 0);
}

void Normalizer::NormalizeReference(std::string_view in, NormalizedText* out) const {
  out->stretched.clear();
  out->glued.clear();
  out->ambiguous.clear();
  out->soft_starts.clear();
  out->soft_ends.clear();
  size_t w = 0;
  AppendGeneral(in, 0, in.size(), out, &w);
  out->text.resize(w);
  out->source_begin.resize(w);
  out->source_end.resize(w);
  out->identity_len = 0;
}

void Normalizer::NormalizeForMatch(std::string_view in, NormalizedText* out) const {
  const Tables& t = *tables_;
  const size_t n = in.size();
  out->stretched.clear();
  out->glued.clear();
  out->ambiguous.clear();
  out->soft_starts.clear();
  out->soft_ends.clear();

  // ---- ASCII fast path --------------------------------------------------
  // Three passes over the padded output buffer, 16 bytes a step: fold case
  // (bailing out to the general path at the first non-ASCII byte), map leet
  // keys, find the first letter a squeeze drops. Offsets are written only
  // from that letter on; before it the map is the identity.
  if (t.fast_ok) {
    out->text.resize(n + kPad);
    char* o = out->text.data();
    Pass1Info info;
    if (FoldAsciiPadded(in.data(), n, options_.case_fold, t.leet_keys, t.ascii_pass1, o, &info)) {
      SoftEdges& edges = SoftEdgeScratch();
      edges.clear();
      if (options_.leet) AsciiLeetAfter(info, t.leet_keys, t.ascii_cls, t.leet_ascii, o, n, &edges);
      const size_t drop = options_.squeeze ? FirstSqueezeDrop(o, n) : n;
      if (drop == n) {
        out->text.resize(n);
        out->identity_len = static_cast<uint32_t>(n);
        if (!edges.starts.empty()) out->soft_starts.assign(edges.starts.begin(), edges.starts.end());
        if (!edges.ends.empty()) out->soft_ends.assign(edges.ends.begin(), edges.ends.end());
        return;
      }
      // drop >= 2 is the third letter of a run: the run's first letter gets
      // a wider span.
      const size_t from = drop - 2;
      if (out->source_begin.size() < n) out->source_begin.resize(n);
      if (out->source_end.size() < n) out->source_end.resize(n);
      uint32_t* sb = out->source_begin.data();
      uint32_t* se = out->source_end.data();
      FillIdentitySpans(sb + from, se + from, n - from, static_cast<uint32_t>(from));
      const size_t len = AsciiSqueeze(o, sb, se, n, from, &out->stretched, 0);
      out->text.resize(len);
      out->identity_len = static_cast<uint32_t>(from);
      if (!edges.starts.empty()) MapSoftEdges(edges.starts, 0, 0, from, sb, len, false, &out->soft_starts);
      if (!edges.ends.empty()) MapSoftEdges(edges.ends, 0, 0, from, sb, len, true, &out->soft_ends);
      return;
    }
  }

  // ---- Mixed text: islands through the general path ----------------------
  size_t w = 0;
  if (!t.fast_ok || !t.n2) {
    AppendGeneral(in, 0, n, out, &w);
  } else {
    const uint8_t* cls = t.ascii_cls;
    const StaticTables& st = *t.st;
    auto non_ascii = [&](size_t i) { return static_cast<unsigned char>(in[i]) >= 0x80; };
    // An ASCII character that is no part of a token.
    auto cut_char = [&](size_t i) {
      const unsigned char c = static_cast<unsigned char>(in[i]);
      return c < 0x80 && !(cls[c] & kAsciiTok);
    };
    // A non-ASCII separator that every step of the general path passes
    // through untouched, as it does an ASCII space: NFKC leaves it alone and
    // it starts a segment, it is no word character, no leet key, no glue
    // symbol, not invisible, not Arabic. When the code point after it also
    // starts an NFKC segment (and is neither an invisible one, which
    // decoding drops, nor U+0345, which decoding joins to the code point
    // before it), no segment, glue run or token reaches across it: it is a
    // cut, and its output is one space.
    auto simple_separator = [&](char32_t c) {
      if (c >= 0x10000 || (c >= 0x0600 && c <= 0x06FF)) return false;
      const uint16_t bits = st.Cls(c);
      if ((bits & kWord) || !(bits & t.self_bit) || !(bits & t.bb_bit)) return false;
      if (options_.glue_symbols && (bits & kGlueSym)) return false;
      if (options_.strip_invisible && IsInvisible(c)) return false;
      return !t.IsLeetKey(c);
    };
    // The code point at q starts an NFKC segment that decoding does not
    // join to what precedes it: q is the end, an ASCII byte, or a code
    // point with a boundary before it that is neither invisible (decoding
    // drops it, and what follows it would join) nor U+0345 (decoding joins
    // it to the code point before it).
    auto starts_segment = [&](size_t q) {
      if (q == n || !non_ascii(q)) return true;
      const char32_t d = DecodeUtf8(in, &q);
      if ((options_.strip_invisible && IsInvisible(d)) || d == 0x0345) return false;
      return d < 0x10000 ? (st.Cls(d) & t.bb_bit) != 0
                         : unorm2_hasBoundaryBefore(t.n2, static_cast<UChar32>(d)) != 0;
    };
    // The non-ASCII code point at *next is a cut (*next moves past it).
    auto cut_at = [&](size_t* next) { return simple_separator(DecodeUtf8(in, next)) && starts_segment(*next); };
    size_t done = 0;  // input consumed so far
    size_t p = NextNonAscii(in.data(), n, done);  // the next non-ASCII byte
    while (p < n) {
      size_t q = p;
      if (cut_at(&q)) {  // a separator: one space
        if (p > done) AppendAscii(in, done, p, out, &w);
        AppendSpace(p, q, out, &w);
        done = q;
        p = NextNonAscii(in.data(), n, done);
        continue;
      }
      // The island around p: from the last cut at or before p to the first
      // cut after it (adjacent islands are fine: `done` is a cut too). A
      // cut is an ASCII non-token character whose neighbours start NFKC
      // segments, or a separator as above.
      size_t left = p;
      while (left > done && !(cut_char(left - 1) && !non_ascii(left))) --left;
      size_t right = q;
      while (right < n) {
        if (!non_ascii(right)) {
          // ("<" + U+0338 is "≮", a glue symbol: no cut there.)
          if (cut_char(right) && starts_segment(right + 1)) break;
          ++right;
          continue;
        }
        size_t r = right;
        if (cut_at(&r)) break;
        right = r;
      }
      if (left > done) AppendAscii(in, done, left, out, &w);
      AppendGeneral(in, left, right, out, &w);
      done = right;
      p = NextNonAscii(in.data(), n, done);
    }
    if (done < n) AppendAscii(in, done, n, out, &w);
  }
  out->text.resize(w);
  out->identity_len = 0;
}

void Normalizer::AppendSpace(size_t begin, size_t end, NormalizedText* out, size_t* w) {
  const size_t at = *w;
  if (out->text.size() < at + 1 + kPad) out->text.resize(at + 1 + kPad);
  if (out->source_begin.size() < at + 1) out->source_begin.resize(at + 1);
  if (out->source_end.size() < at + 1) out->source_end.resize(at + 1);
  out->text[at] = ' ';
  out->source_begin[at] = static_cast<uint32_t>(begin);
  out->source_end[at] = static_cast<uint32_t>(end);
  *w = at + 1;
}

void Normalizer::AppendAscii(std::string_view in, size_t begin, size_t end, NormalizedText* out,
                             size_t* w) const {
  const Tables& t = *tables_;
  const size_t n = end - begin;
  const size_t at = *w;
  if (out->text.size() < at + n + kPad) out->text.resize(at + n + kPad);
  if (out->source_begin.size() < at + n) out->source_begin.resize(at + n);
  if (out->source_end.size() < at + n) out->source_end.resize(at + n);
  char* o = out->text.data() + at;
  uint32_t* sb = out->source_begin.data() + at;
  uint32_t* se = out->source_end.data() + at;
  Pass1Info info;
  FoldAsciiPadded(in.data() + begin, n, options_.case_fold, t.leet_keys, t.ascii_pass1, o, &info);  // ASCII by contract
  SoftEdges& edges = SoftEdgeScratch();
  edges.clear();
  if (options_.leet) AsciiLeetAfter(info, t.leet_keys, t.ascii_cls, t.leet_ascii, o, n, &edges);
  FillIdentitySpans(sb, se, n, static_cast<uint32_t>(begin));
  const size_t drop = options_.squeeze ? FirstSqueezeDrop(o, n) : n;
  const size_t from = drop == n ? n : drop - 2;
  const size_t len = drop == n ? n : AsciiSqueeze(o, sb, se, n, from, &out->stretched, at);
  if (!edges.starts.empty()) MapSoftEdges(edges.starts, at, begin, from, sb, len, false, &out->soft_starts);
  if (!edges.ends.empty()) MapSoftEdges(edges.ends, at, begin, from, sb, len, true, &out->soft_ends);
  *w = at + len;
}

void Normalizer::AppendGeneral(std::string_view whole, size_t begin, size_t end, NormalizedText* out,
                               size_t* w) const {
  const Tables& t = *tables_;
  const std::string_view in = whole.substr(0, end);
  const size_t n = end - begin;
  const StaticTables& st = *t.st;
  Scratch& s = ThreadScratch();
  std::vector<Cp>& a = s.a;
  std::vector<Cp>& v = s.v;
  v.clear();

  // 1. Decode, strip invisibles.
  if (a.size() < n) a.resize(n);  // at most one code point per byte; never shrunk
  size_t na = 0;
  for (size_t pos = begin; pos < end;) {
    const unsigned char byte = static_cast<unsigned char>(in[pos]);
    if (byte < 0x80) {
      a[na++] = {byte, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + 1)};
      ++pos;
      continue;
    }
    size_t b = pos;
    char32_t c = DecodeUtf8(in, &pos);
    if (options_.strip_invisible && c >= 0xAD && IsInvisible(c)) continue;
    if (options_.confusables && c >= 0x1F150)
      if (const char32_t l = EnclosedLetter(c)) c = l;
    if (c == 0x0345 && options_.diacritics && na > 0) {
      // The combining ypogegrammeni: case folding would make it a letter (ι).
      a[na - 1].e = static_cast<uint32_t>(pos);
      continue;
    }
    a[na++] = {c, static_cast<uint32_t>(b), static_cast<uint32_t>(pos)};
  }
  v.reserve(na + 16);

  // Arabic-script folding is applied as code points leave NFKC.
  const bool arabic = options_.arabic_fold;
  auto emit = [&](char32_t c, uint32_t b, uint32_t e, char32_t orig = 0) {
    if (arabic && c >= 0x0600 && c <= 0x06FF) {
      c = ArabicFold(c);
      if (c == kRemove) return;
    }
    v.push_back({c, b, e, 0, orig});
  };

  // 2. NFKC (+ case fold), segment by segment.
  if (t.n2) {
    auto boundary_before = [&](char32_t c) -> bool {
      if (c < 0x80) return true;
      if (c < 0x10000) return st.Cls(c) & t.bb_bit;
      return unorm2_hasBoundaryBefore(t.n2, static_cast<UChar32>(c));
    };
    size_t i = 0;
    while (i < na) {
      size_t j = i + 1;
      while (j < na && !boundary_before(a[j].c)) ++j;
      if (j == i + 1) {
        char32_t c = a[i].c;
        if (c < 0x80) {
          v.push_back({t.FoldAscii(c), a[i].b, a[i].e});
          i = j;
          continue;
        }
        if (c < 0x10000 && (st.Cls(c) & t.self_bit)) {
          emit(c, a[i].b, a[i].e, c);
          i = j;
          continue;
        }
      }
      // Normalise the segment with ICU.
      s.u16.clear();
      for (size_t k = i; k < j; ++k) {
        char32_t c = a[k].c;
        if (c < 0x10000) {
          s.u16.push_back(static_cast<UChar>(c));
        } else {
          s.u16.push_back(U16_LEAD(c));
          s.u16.push_back(U16_TRAIL(c));
        }
      }
      if (s.o16.size() < s.u16.size() * 4 + 16) s.o16.resize(s.u16.size() * 4 + 16);
      UErrorCode err = U_ZERO_ERROR;
      int32_t len = unorm2_normalize(t.n2, s.u16.data(), static_cast<int32_t>(s.u16.size()), s.o16.data(),
                                     static_cast<int32_t>(s.o16.size()), &err);
      if (err == U_BUFFER_OVERFLOW_ERROR) {
        s.o16.resize(static_cast<size_t>(len) + 16);
        err = U_ZERO_ERROR;
        len = unorm2_normalize(t.n2, s.u16.data(), static_cast<int32_t>(s.u16.size()), s.o16.data(),
                               static_cast<int32_t>(s.o16.size()), &err);
      }
      if (U_FAILURE(err) || (static_cast<size_t>(len) == s.u16.size() &&
                             std::equal(s.u16.begin(), s.u16.end(), s.o16.begin()))) {
        for (size_t k = i; k < j; ++k) emit(a[k].c, a[k].b, a[k].e);  // unchanged: per-character spans
      } else {
        const uint32_t b = a[i].b, e = a[j - 1].e;
        // One code point in, one out (case folding "Ь" -> "ь"): keep the
        // original for the confusable step.
        const bool one = j == i + 1 && (len == 1 || (len == 2 && U16_IS_LEAD(s.o16[0])));
        for (int32_t k = 0; k < len;) {
          UChar32 c;
          U16_NEXT(s.o16.data(), k, len, c);
          emit(static_cast<char32_t>(c), b, e, one ? a[i].c : 0);
        }
      }
      i = j;
    }
  } else if (options_.case_fold) {
    for (size_t k = 0; k < na; ++k) {
      const Cp& x = a[k];
      char32_t c = x.c < 0x80 ? t.FoldAscii(x.c) : static_cast<char32_t>(u_foldCase(x.c, U_FOLD_CASE_DEFAULT));
      emit(c, x.b, x.e);
    }
  } else {
    for (size_t k = 0; k < na; ++k) emit(a[k].c, a[k].b, a[k].e);
  }

  // 2b. Symbols and emoji between two letters are dropped ("mo💰ney").
  if (options_.glue_symbols) {
    const size_t nv = v.size();
    size_t w = 0, i = 0;
    while (i < nv) {
      if (w > 0 && IsGlueSymbolCp(st, v[i].c) && IsLetterCp(st, v[w - 1].c)) {
        size_t j = i;
        while (j < nv && IsGlueSymbolCp(st, v[j].c)) ++j;
        if (j < nv && IsLetterCp(st, v[j].c)) {
          v[j].flags |= kGlueBefore;
          i = j;
          continue;
        }
        while (i < j) v[w++] = v[i++];
        continue;
      }
      v[w++] = v[i++];
    }
    v.resize(w);
  }

  // 3. Per token: diacritics, confusables, leet, runs (in place; never grows).
  const bool use_leet = options_.leet;
  auto is_tok = [&](char32_t c) {
    if (c < 0x80) return (t.ascii_cls[c] & kAsciiTok) != 0;
    return IsWordCp(st, c) || (use_leet && t.IsLeetKey(c));
  };
  auto lat_gr = [&](char32_t c) {
    return c < 0x80 ? AsciiLetter(static_cast<char>(c)) : (c < 0x10000 && (st.Cls(c) & kLatGr));
  };
  auto is_mark = [&](char32_t c) {
    return c >= 0x80 && (c < 0x10000 ? (st.Cls(c) & kMark) != 0
                                     : (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_MN_MASK | U_GC_ME_MASK)) != 0);
  };
  auto is_digit = [](char32_t c) { return c >= U'0' && c <= U'9'; };
  // A Latin-script letter (small capitals, IPA, Latin Extended) that has an
  // ASCII look-alike: a word of these is a Latin word in disguise.
  auto latin_lookalike = [&](char32_t c) {
    const bool latin_block = c < 0x0370 || (c >= 0x1D00 && c <= 0x1DBF) || (c >= 0x1E00 && c <= 0x1EFF) ||
                             (c >= 0xA720 && c <= 0xA7FF) || (c >= 0xAB30 && c <= 0xAB6F);
    return latin_block && c < 0x10000 && (st.Cls(c) & kLatGr) && st.Conf(c);
  };
  // A soft end on a letter that a squeeze drops moves to what comes next.
  bool soft_end_pending = false;
  {
    const size_t nv = v.size();
    size_t w = 0, i = 0;
    while (i < nv) {
      if (!is_tok(v[i].c)) {
        if (soft_end_pending) v[i].flags |= kSoftEnd;
        soft_end_pending = false;
        v[w++] = v[i++];
        continue;
      }
      size_t j = i;
      bool letter = false, ascii_letter = false, leet_ascii_letter = false, arabic_letter = false;
      for (; j < nv && is_tok(v[j].c); ++j) {
        char32_t c = v[j].c;
        if (IsLetterCp(st, c)) {
          letter = true;
          arabic_letter |= IsArabicScript(c);
          if (c < 0x80 || latin_lookalike(c)) ascii_letter = true;
        } else if (use_leet) {
          char32_t m = t.Leet(c);
          if (m != c && m < 0x80 && IsLetterCp(st, m)) leet_ascii_letter = true;
        }
      }
      bool do_conf = options_.confusables && (ascii_letter || (letter && leet_ascii_letter));
      if (options_.confusables && !do_conf && letter && j - i >= 2) {
        // A word of look-alikes only: folded when it mixes Greek and
        // Cyrillic ("мοηеу"); a word of one script stays as written (real
        // Greek or Russian, "МОСКВА").
        bool all = true, upper = true;
        int scripts = 0;
        for (size_t k = i; k < j && all; ++k) {
          const char32_t o = v[k].orig ? v[k].orig : v[k].c;
          if (!IsLetterCp(st, v[k].c)) continue;
          all = v[k].c < 0x10000 && (st.Conf(v[k].c) || (o < 0x10000 && st.Conf(o)));
          upper = upper && u_isupper(static_cast<UChar32>(o));
          scripts |= (o >= 0x0370 && o < 0x0400) ? 1 : (o >= 0x0400 && o < 0x0530) ? 2 : 4;
        }
        (void)upper;
        do_conf = all && scripts == 3;
      }
      // Leet only in tokens with a Latin letter (after confusables): digits
      // glued to Arabic-script words stay digits.
      bool latin = ascii_letter;
      if (!latin && do_conf)
        for (size_t k = i; k < j && !latin; ++k) latin = v[k].c < 0x10000 && v[k].c >= 0x80 && st.Conf(v[k].c) &&
                                                         IsLetterCp(st, v[k].c);
      // A word with an Arabic-script letter is no Latin word in disguise:
      // no look-alikes, no leet ("قرض2026" keeps its alef and its digits).
      if (arabic_letter) do_conf = latin = false;
      const bool do_leet = use_leet && letter && latin;
      if (do_leet) {  // digits glued before the first letter or after the last: soft edges
        size_t first = i, last = j;
        while (first < j && !IsLetterCp(st, v[first].c)) ++first;
        while (last > first && !IsLetterCp(st, v[last - 1].c)) --last;
        if (first > i && is_digit(v[first - 1].c)) v[first].flags |= kSoftStart;
        if (last < j && is_digit(v[last].c)) v[last].flags |= kSoftEnd;
      }
      const size_t tok_w = w;
      for (size_t k = i; k < j; ++k) {
        Cp x = v[k];
        char32_t c = x.c;
        if (options_.diacritics && c >= 0x80) {
          if (w > tok_w && is_mark(c) && lat_gr(v[w - 1].c)) {  // a mark on a Latin/Greek letter
            v[w - 1].e = std::max(v[w - 1].e, x.e);
            continue;
          }
          if (c < 0x10000)
            if (const char16_t base = st.Base(c)) c = base;
        }
        if (do_conf && c >= 0x80 && c < 0x10000) {
          // The skeleton of the character as written, else of what NFKC and
          // case folding made of it: Greek capital Υ reads as Y, its small
          // form υ as u.
          char skeleton = (x.orig >= 0x80 && x.orig < 0x10000) ? st.Conf(x.orig) : 0;
          // A capital whose skeleton is l (Cyrillic І, Greek Ι, palochka Ӏ)
          // reads as I, which folds to i.
          if (skeleton == 'l' && u_isupper(static_cast<UChar32>(x.orig))) skeleton = 'i';
          if (!skeleton) skeleton = st.Conf(c);
          if (skeleton) c = t.FoldAscii(static_cast<char32_t>(skeleton));
        }
        if (do_leet) c = t.Leet(c);
        // An I/l stroke is written i and marked: the matcher reads it as
        // either letter. Strokes never fold as a run ("wІӏӏ" is "will").
        if ((do_conf || do_leet) && (c == 'i' || c == 'l') && IsIlStroke(x.orig)) {
          c = 'i';
          x.flags |= kAmbiguous;
        }
        if (options_.squeeze && w > tok_w && v[w - 1].c == c && IsLetterCp(st, c) &&
            !((v[w - 1].flags | x.flags) & kAmbiguous)) {
          if (v[w - 1].flags & kStretched) {  // a run already folded: grow it
            v[w - 1].e = std::max(v[w - 1].e, x.e);
            soft_end_pending |= (x.flags & kSoftEnd) != 0;
            continue;
          }
          if (w - 1 > tok_w && v[w - 2].c == c && !(v[w - 2].flags & kAmbiguous)) {
            // the third of a run: fold to the first
            v[w - 2].e = std::max(v[w - 1].e, x.e);
            v[w - 2].flags |= kStretched;
            soft_end_pending |= ((v[w - 1].flags | x.flags) & kSoftEnd) != 0;
            --w;
            continue;
          }
        }
        if (soft_end_pending) x.flags |= kSoftEnd;
        soft_end_pending = false;
        // A word boundary between a non-Latin letter and a digit.
        if (w > tok_w && ((is_digit(c) && IsLetterCp(st, v[w - 1].c) && !lat_gr(v[w - 1].c)) ||
                          (is_digit(v[w - 1].c) && IsLetterCp(st, c) && !lat_gr(c))))
          x.flags |= kBreakBefore;
        x.c = c;
        v[w++] = x;
      }
      i = j;
    }
    v.resize(w);
  }

  // 4. Separators, then encode at *w.
  size_t bytes = 0;
  for (Cp& x : v) {
    if (!IsWordCp(st, x.c)) x.c = U' ';
    bytes += Utf8Len(x.c) + ((x.flags & kBreakBefore) ? 1 : 0);
  }
  const size_t at = *w;
  if (out->text.size() < at + bytes) out->text.resize(at + bytes);
  if (out->source_begin.size() < at + bytes) out->source_begin.resize(at + bytes);
  if (out->source_end.size() < at + bytes) out->source_end.resize(at + bytes);
  char* o = out->text.data();
  uint32_t* sb = out->source_begin.data();
  uint32_t* se = out->source_end.data();
  size_t pos = at;
  for (const Cp& x : v) {
    if (x.flags & kBreakBefore) {  // an inserted boundary: an empty span at the character
      o[pos] = ' ';
      sb[pos] = x.b;
      se[pos] = x.b;
      ++pos;
    }
    if (x.flags & kStretched) out->stretched.push_back(static_cast<uint32_t>(pos));
    if (x.flags & kGlueBefore) out->glued.push_back(static_cast<uint32_t>(pos));
    if (x.flags & kAmbiguous) out->ambiguous.push_back(static_cast<uint32_t>(pos));
    if (x.flags & kSoftStart) out->soft_starts.push_back(static_cast<uint32_t>(pos));
    if (x.flags & kSoftEnd) out->soft_ends.push_back(static_cast<uint32_t>(pos));
    char* p = PutUtf8(o + pos, x.c);
    size_t len = static_cast<size_t>(p - (o + pos));
    for (size_t k = 0; k < len; ++k) {
      sb[pos + k] = x.b;
      se[pos + k] = x.e;
    }
    pos += len;
  }
  if (soft_end_pending) out->soft_ends.push_back(static_cast<uint32_t>(pos));
  *w = pos;
}

}  // namespace evenhand
