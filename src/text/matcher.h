// Term matching: every term of every list compiled (after normalisation with
// the same Normalizer the text will see) into one Vectorscan database.
//
// Whole-word semantics: a match counts only when the characters just before
// and just after it are not letters, marks or digits (Unicode-aware, so it
// works for Arabic script as for Latin), or are digits glued to a Latin
// word ("money2026", NormalizedText::soft_starts/soft_ends). An I/l stroke
// of the text (NormalizedText::ambiguous) matches a term's i or l. The Normalizer turns every such
// separator into a space, so each term is compiled as " term " and the text
// is scanned with a space on either side: Vectorscan itself reports only
// whole-word matches. Punctuation inside a term matches any one separator
// ("e-mail" matches "e mail" and "e.mail"); punctuation at its ends is
// dropped ("#scam" matches the word "scam"). Each match reports the list,
// the term and the byte span in the ORIGINAL text.
//
// Thread safety: a TermMatcher is immutable and shared; each thread owns a
// Scratch (from NewScratch) and its output vector. Scans allocate nothing
// once the buffers have grown.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "text/normalizer.h"
#include "text/term_list.h"

namespace evenhand {

struct TermMatch {
  uint32_t list = 0;   // index into the lists given to Compile
  uint32_t term = 0;   // index into that list's terms
  uint32_t begin = 0;  // byte span in the original text
  uint32_t end = 0;
  uint32_t text = 0;   // ScanMany: which of its texts
};

// The phonetic key of a Roman Urdu word (lower-case ASCII letters; anything
// else has no key: returns ""). Spelling variation in Roman Urdu is mostly in
// the vowels and a few consonant spellings of the same sound, so the key
// keeps the consonant skeleton: vowels (a e i o u y) are dropped, except that
// a word starting with a vowel begins with 'V'; q and c (not before h) -> k,
// w -> v, ph -> f, ch -> C, sh -> S; an h after another consonant
// (aspiration: bh, kh, gh, th, dh) is dropped; doubled consonants count once;
// the run of vowels that ends the word, which carries inflection, adds 'I'
// when it starts with i, ee or y, 'U' when it starts with o or u, and
// nothing when it starts with a or e (or there is none: "doublai" is
// "double", "verifya" is "verify").
// "jaldi", "jldi", "jaldee" -> "jldI"; "qarz", "karz", "qarza" -> "krz";
// "paisa", "pesa", "paise" -> "ps"; "dunga" -> "dng" but "dungi" -> "dngI".
std::string RomanUrduKey(std::string_view word);

// How a TermMatcher finds candidate matches (both verify them the same way
// and report the same matches; see matcher.cc):
//  * kLiterals (the product): every spelling of a term as a literal, scanned
//    over the text with its runs of spaces collapsed; a regex only for terms
//    with a Roman Urdu key or too many spellings;
//  * kRegexReference: one regex a term over the text as normalised (slow to
//    compile and to scan); kept so tests can check the two agree.
enum class MatcherEngine { kLiterals, kRegexReference };

class TermMatcher {
 public:
  class Scratch;

  // Compiles all lists. Fails with a message naming the list and term if a
  // term has no letter or digit left after normalisation or Vectorscan
  // rejects it.
  static Result<std::unique_ptr<TermMatcher>> Compile(const std::vector<TermList>& lists,
                                                      const Normalizer& normalizer,
                                                      MatcherEngine engine = MatcherEngine::kLiterals);
  ~TermMatcher();

  std::unique_ptr<Scratch> NewScratch() const;

  // Scans normalised text; *out is cleared and receives the whole-word
  // matches in order of end offset (then list, then term), spans mapped to
  // the original text.
  void Scan(const NormalizedText& text, Scratch* scratch, std::vector<TermMatch>* out) const;

  // Scans `count` texts in one Vectorscan call (much cheaper than a call
  // each for short texts). *out is cleared and receives the matches of
  // texts[0], then of texts[1], ..., each text's in order of end offset
  // (then list, then term) and with TermMatch::text set to its index.
  void ScanMany(const NormalizedText* const* texts, size_t count, Scratch* scratch,
                std::vector<TermMatch>* out) const;

  // Scans raw bytes with no normalisation and no word check: the ceiling for
  // benchmarks. Returns the number of matches.
  size_t ScanRaw(std::string_view text, Scratch* scratch) const;

  size_t list_count() const;
  const std::string& list_name(uint32_t list) const;
  const std::string& term(uint32_t list, uint32_t term) const;

 private:
  struct Impl;
  explicit TermMatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Vectorscan scratch space for one thread.
class TermMatcher::Scratch {
 public:
  ~Scratch();
  struct Impl;
  explicit Scratch(std::unique_ptr<Impl> impl);
  Impl* impl() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace evenhand
