// TermMatcher: see matcher.h.
//
// Every (list, term) pair becomes one Vectorscan literal (hs_compile_lit_multi,
// so no regex escaping is needed) whose id indexes `patterns`. Terms are
// literals, so the start of a match is exactly end - length: the database is
// compiled without HS_FLAG_SOM_LEFTMOST, which keeps Vectorscan on its fastest
// literal engines and yields exactly one report per (pattern, end), hence one
// per (list, term, start). Whole-word checks run in the match callback on the
// normalised text; spans are mapped back to the original text through the
// NormalizedText offset map.
//
// A second, case-insensitive database over the raw terms serves ScanRaw (the
// benchmark ceiling: plain Vectorscan, no normalisation, no word check). It is
// compiled on the first ScanRaw, not in Compile: a scan never uses it, and
// compiling it would double the start-up cost of every `evenhand scan`.

#include "text/matcher.h"

#include <fmt/format.h>
#include <hs/hs.h>
#include <unicode/uchar.h>

#include <climits>
#include <mutex>
#include <unordered_map>

#include "text/utf8.h"

namespace evenhand {

namespace {

struct Pattern {
  uint32_t list;
  uint32_t term;
  uint32_t len;  // bytes of the normalised term
};

// Word characters: letters, marks, decimal digits.
struct WordTable {
  bool ascii[128] = {};
  constexpr WordTable() {
    for (int c = 0; c < 128; ++c)
      ascii[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
};
constexpr WordTable kWord;

inline bool IsWordCp(char32_t c) {
  if (c < 0x80) return kWord.ascii[c];
  return U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK);
}

// Is the code point that starts at text[pos] a word character?
inline bool WordAt(const char* text, size_t len, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return kWord.ascii[c];
  size_t p = pos;
  return IsWordCp(DecodeUtf8(std::string_view(text, len), &p));
}

// Is the code point that ends just before text[pos] a word character?
inline bool WordBefore(const char* text, size_t len, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos - 1]);
  if (c < 0x80) return kWord.ascii[c];
  size_t p = pos - 1;
  // Step back over at most three continuation bytes to the lead byte.
  while (p > 0 && pos - p < 4 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
  size_t q = p;
  char32_t cp = DecodeUtf8(std::string_view(text, len), &q);
  if (q != pos) return false;  // not a well-formed character ending at pos
  return IsWordCp(cp);
}

hs_database_t* CompileLits(const std::vector<std::string>& lits, unsigned flag, std::string* error,
                           int* bad_index) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  std::vector<size_t> lens;
  exprs.reserve(lits.size());
  for (size_t i = 0; i < lits.size(); ++i) {
    exprs.push_back(lits[i].data());
    flags.push_back(flag);
    ids.push_back(static_cast<unsigned>(i));
    lens.push_back(lits[i].size());
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(lits.size()), HS_MODE_BLOCK, nullptr, &db,
                           &err) != HS_SUCCESS) {
    *error = err && err->message ? err->message : "unknown Vectorscan error";
    *bad_index = err ? err->expression : -1;
    hs_free_compile_error(err);
    return nullptr;
  }
  return db;
}

}  // namespace

struct TermMatcher::Impl {
  std::vector<TermList> lists;   // names and terms as given
  std::vector<Pattern> patterns;  // normalised database: id -> (list, term)
  hs_database_t* db = nullptr;
  // The raw database, built by RawDb() on first use (thread safe).
  std::once_flag raw_once;
  hs_database_t* raw_db = nullptr;

  ~Impl() {
    if (db) hs_free_database(db);
    if (raw_db) hs_free_database(raw_db);
  }

  // The caseless database over the raw terms; null when there are none (or
  // Vectorscan rejected one, which the normalised database would have too).
  hs_database_t* RawDb() {
    std::call_once(raw_once, [this] {
      std::vector<std::string> raw_lits;
      for (const TermList& list : lists)
        for (const std::string& term : list.terms)
          if (!term.empty()) raw_lits.push_back(term);
      if (raw_lits.empty()) return;
      std::string error;
      int bad = -1;
      raw_db = CompileLits(raw_lits, HS_FLAG_CASELESS, &error, &bad);
    });
    return raw_db;
  }
};

struct TermMatcher::Scratch::Impl {
  hs_scratch_t* scratch = nullptr;
  bool raw_ready = false;  // scratch also fits the raw database
  ~Impl() {
    if (scratch) hs_free_scratch(scratch);
  }
};

TermMatcher::Scratch::Scratch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TermMatcher::Scratch::~Scratch() = default;

TermMatcher::TermMatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TermMatcher::~TermMatcher() = default;

Result<std::unique_ptr<TermMatcher>> TermMatcher::Compile(const std::vector<TermList>& lists,
                                                          const Normalizer& normalizer) {
  auto impl = std::make_unique<Impl>();
  impl->lists = lists;
  std::vector<std::string> norm_lits;
  for (uint32_t l = 0; l < lists.size(); ++l) {
    const TermList& list = lists[l];
    std::unordered_map<std::string, uint32_t> seen;  // identical normalised terms in one list
    for (uint32_t t = 0; t < list.terms.size(); ++t) {
      const std::string& term = list.terms[t];
      std::string norm = normalizer.Normalize(term);
      if (norm.empty())
        return Status::Invalid(fmt::format("list '{}': term {} \"{}\" is empty after normalisation",
                                           list.name, t + 1, term));
      if (norm.size() > UINT32_MAX)
        return Status::Invalid(fmt::format("list '{}': term {} is too long", list.name, t + 1));
      if (!seen.emplace(norm, t).second) continue;
      impl->patterns.push_back({l, t, static_cast<uint32_t>(norm.size())});
      norm_lits.push_back(std::move(norm));
    }
  }
  if (!norm_lits.empty()) {
    std::string error;
    int bad = -1;
    impl->db = CompileLits(norm_lits, 0, &error, &bad);
    if (!impl->db) {
      if (bad >= 0 && static_cast<size_t>(bad) < impl->patterns.size()) {
        const Pattern& p = impl->patterns[bad];
        return Status::Invalid(fmt::format("list '{}': term {} \"{}\": {}", lists[p.list].name,
                                           p.term + 1, lists[p.list].terms[p.term], error));
      }
      return Status::Invalid(fmt::format("term lists: {}", error));
    }
  }
  return std::unique_ptr<TermMatcher>(new TermMatcher(std::move(impl)));
}

std::unique_ptr<TermMatcher::Scratch> TermMatcher::NewScratch() const {
  auto s = std::make_unique<Scratch::Impl>();
  // Both databases share one scratch: ScanRaw grows it to fit the raw one.
  if (impl_->db && hs_alloc_scratch(impl_->db, &s->scratch) != HS_SUCCESS) s->scratch = nullptr;
  return std::make_unique<Scratch>(std::move(s));
}

namespace {

struct ScanContext {
  const Pattern* patterns;
  const char* text;
  size_t len;
  const NormalizedText* nt;
  std::vector<TermMatch>* out;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const Pattern& p = c->patterns[id];
  const size_t end = static_cast<size_t>(to);
  const size_t start = end - p.len;
  if (start > 0 && WordBefore(c->text, c->len, start)) return 0;
  if (end < c->len && WordAt(c->text, c->len, end)) return 0;
  TermMatch m{p.list, p.term, c->nt->OriginalBegin(static_cast<uint32_t>(start)),
              c->nt->OriginalEnd(static_cast<uint32_t>(end))};
  std::vector<TermMatch>& out = *c->out;
  out.push_back(m);
  // Keep ascending end order (Vectorscan reports in end order in practice;
  // this guards the rare exception without sorting).
  for (size_t i = out.size() - 1; i > 0 && out[i - 1].end > out[i].end; --i) std::swap(out[i - 1], out[i]);
  return 0;
}

int CountMatch(unsigned int, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

}  // namespace

void TermMatcher::Scan(const NormalizedText& text, Scratch* scratch,
                       std::vector<TermMatch>* out) const {
  out->clear();
  if (!impl_->db || text.text.empty()) return;
  ScanContext ctx{impl_->patterns.data(), text.text.data(), text.text.size(), &text, out};
  const size_t len = text.text.size() > UINT_MAX ? UINT_MAX : text.text.size();
  hs_scan(impl_->db, text.text.data(), static_cast<unsigned int>(len), 0, scratch->impl()->scratch,
          OnMatch, &ctx);
}

size_t TermMatcher::ScanRaw(std::string_view text, Scratch* scratch) const {
  size_t count = 0;
  hs_database_t* raw_db = impl_->RawDb();
  if (!raw_db || text.empty()) return 0;
  Scratch::Impl* s = scratch->impl();
  if (!s->raw_ready) {
    if (hs_alloc_scratch(raw_db, &s->scratch) != HS_SUCCESS) return 0;
    s->raw_ready = true;
  }
  const size_t len = text.size() > UINT_MAX ? UINT_MAX : text.size();
  hs_scan(raw_db, text.data(), static_cast<unsigned int>(len), 0, s->scratch, CountMatch, &count);
  return count;
}

size_t TermMatcher::list_count() const { return impl_->lists.size(); }

const std::string& TermMatcher::list_name(uint32_t list) const { return impl_->lists.at(list).name; }

const std::string& TermMatcher::term(uint32_t list, uint32_t term) const {
  return impl_->lists.at(list).terms.at(term);
}

}  // namespace evenhand
