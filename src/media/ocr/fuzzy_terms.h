// FuzzyTerms: a policy's long terms matched in OCR text with a few errors
// allowed, as OCR makes them (a letter misread, dropped or added, a space
// moved: Nastaliq "حاص لکریں" for "حاصل کریں").
//
// Both sides are normalised as the term matcher does (text/normalizer.h) and
// compared with every space, newline and other white space removed; a term
// with at least Options::min_chars such code points matches where some
// stretch of the text is within edit distance floor(chars * max_error) of
// it (Levenshtein over code points; Myers' bit-parallel search, so a term
// costs one pass over the text). Shorter terms are left to the exact,
// whole-word matcher: a short word with one error allowed matches too much.
//
// Match spans are byte offsets in the ORIGINAL (un-normalised) text, from
// the code point where the best alignment is taken to start (end - chars,
// clamped) to its end. One match per term and stretch: among overlapping
// ends, the one with the smallest distance.
//
// Immutable after Compile, shared between threads; Scan uses a Scratch per
// thread and allocates nothing once its buffers have grown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/normalizer.h"
#include "text/term_list.h"

namespace evenhand::ocr {

class FuzzyTerms {
 public:
  struct Options {
    int min_chars = 10;       // terms with fewer non-space code points are not matched fuzzily
    double max_error = 0.25;  // edits allowed per code point of the term
  };
  struct Match {
    uint32_t list = 0, term = 0;  // as in TermMatch
    uint32_t begin = 0, end = 0;  // bytes of the original text
    int distance = 0;             // edits
  };
  struct Scratch {
    std::vector<uint32_t> ids;          // the text's code points as alphabet ids, white space dropped
    std::vector<uint32_t> byte_begin;   // normalised byte offset of each kept code point
    std::vector<uint32_t> byte_end;
    std::vector<int> best;              // per text position: distance of a match ending there, or -1
  };

  static FuzzyTerms Compile(const std::vector<TermList>& lists, const Normalizer& normalizer, Options options);
  FuzzyTerms() = default;

  // Appends the matches in `text` to *out (not cleared), in order of term, then position.
  void Scan(const NormalizedText& text, Scratch* scratch, std::vector<Match>* out) const;

  size_t size() const { return terms_.size(); }
  const Options& options() const { return options_; }

 private:
  struct Term {
    uint32_t list = 0, term = 0;
    int chars = 0;         // m, <= 64
    int max_distance = 0;  // k
    std::vector<uint64_t> peq;  // per alphabet id: bit i set when the term's code point i has that id
  };
  Options options_;
  std::vector<Term> terms_;
  std::vector<char32_t> alphabet_;  // sorted; id = index + 1 (0 = a code point no term has)
  uint32_t Id(char32_t c) const;
};

}  // namespace evenhand::ocr
