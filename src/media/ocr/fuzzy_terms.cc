#include "media/ocr/fuzzy_terms.h"

#include <algorithm>

#include "text/utf8.h"

namespace evenhand::ocr {

namespace {

// Dropped before comparing: white space, and the punctuation OCR scatters
// (ASCII, Arabic comma, full stop and question mark, bidi marks).
bool Skipped(char32_t c) {
  if (c <= 0x20) return true;
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  switch (c) {
    case 0x00A0: case 0x060C: case 0x061F: case 0x06D4: case 0x200B: case 0x200C: case 0x200D:
    case 0x200E: case 0x200F: case 0x2066: case 0x2067: case 0x2068: case 0x2069: case 0xFEFF:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint32_t FuzzyTerms::Id(char32_t c) const {
  auto it = std::lower_bound(alphabet_.begin(), alphabet_.end(), c);
  return it != alphabet_.end() && *it == c ? static_cast<uint32_t>(it - alphabet_.begin()) + 1 : 0;
}

FuzzyTerms FuzzyTerms::Compile(const std::vector<TermList>& lists, const Normalizer& normalizer, Options options) {
  FuzzyTerms out;
  out.options_ = options;
  std::vector<std::vector<char32_t>> chars;
  std::vector<Term> terms;
  for (uint32_t l = 0; l < lists.size(); ++l) {
    for (uint32_t t = 0; t < lists[l].terms.size(); ++t) {
      const std::string norm = normalizer.Normalize(lists[l].terms[t]);
      std::vector<char32_t> cps;
      for (size_t pos = 0; pos < norm.size();) {
        const char32_t c = DecodeUtf8(norm, &pos);
        if (!Skipped(c)) cps.push_back(c);
      }
      if (static_cast<int>(cps.size()) < options.min_chars || cps.size() > 64) continue;
      Term term;
      term.list = l;
      term.term = t;
      term.chars = static_cast<int>(cps.size());
      term.max_distance = static_cast<int>(term.chars * options.max_error);
      for (char32_t c : cps) out.alphabet_.push_back(c);
      chars.push_back(std::move(cps));
      terms.push_back(std::move(term));
    }
  }
  std::sort(out.alphabet_.begin(), out.alphabet_.end());
  out.alphabet_.erase(std::unique(out.alphabet_.begin(), out.alphabet_.end()), out.alphabet_.end());
  for (size_t i = 0; i < terms.size(); ++i) {
    terms[i].peq.assign(out.alphabet_.size() + 1, 0);
    for (size_t k = 0; k < chars[i].size(); ++k) terms[i].peq[out.Id(chars[i][k])] |= 1ull << k;
  }
  out.terms_ = std::move(terms);
  return out;
}

void FuzzyTerms::Scan(const NormalizedText& text, Scratch* s, std::vector<Match>* out) const {
  if (terms_.empty()) return;
  s->ids.clear();
  s->byte_begin.clear();
  s->byte_end.clear();
  const std::string& t = text.text;
  for (size_t pos = 0; pos < t.size();) {
    const size_t start = pos;
    const char32_t c = DecodeUtf8(t, &pos);
    if (Skipped(c)) continue;
    s->ids.push_back(Id(c));
    s->byte_begin.push_back(static_cast<uint32_t>(start));
    s->byte_end.push_back(static_cast<uint32_t>(pos));
  }
  const size_t n = s->ids.size();
  s->best.resize(n);
  for (const Term& term : terms_) {
    // Myers (1999) / Hyyrö: the last row of the edit-distance matrix of the
    // term against every text prefix, the text's start free (search).
    const int m = term.chars;
    const uint64_t high = 1ull << (m - 1);
    uint64_t pv = ~0ull, mv = 0;
    int score = m;
    bool any = false;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t eq = term.peq[s->ids[j]];
      const uint64_t xv = eq | mv;
      const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      if (ph & high) {
        ++score;
      } else if (mh & high) {
        --score;
      }
      ph <<= 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
      s->best[j] = score <= term.max_distance ? score : -1;
      any |= score <= term.max_distance;
    }
    if (!any) continue;
    // One match per run of nearby ends: the first end with the run's smallest distance.
    for (size_t j = 0; j < n;) {
      if (s->best[j] < 0) {
        ++j;
        continue;
      }
      size_t pick = j, last = j;
      for (size_t k = j; k < n && k <= last + static_cast<size_t>(m / 2); ++k) {
        if (s->best[k] < 0) continue;
        last = k;
        if (s->best[k] < s->best[pick]) pick = k;
      }
      const size_t first = pick + 1 >= static_cast<size_t>(m) ? pick + 1 - static_cast<size_t>(m) : 0;
      Match match;
      match.list = term.list;
      match.term = term.term;
      match.begin = text.OriginalBegin(s->byte_begin[first]);
      match.end = text.OriginalEnd(s->byte_end[pick]);
      match.distance = s->best[pick];
      out->push_back(match);
      j = last + 1;
    }
  }
}

}  // namespace evenhand::ocr
