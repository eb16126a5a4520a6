// TermMatcher: see matcher.h.
//
// Every (list, term) pair becomes one Vectorscan literal " term " (the
// normalised term, trimmed of separators, with a space on either side;
// hs_compile_lit_multi, so no regex escaping is needed) whose id indexes
// `patterns`. The texts are copied into one scan buffer as
// " text \0 text \0 ...": the normaliser has turned every non-word
// character into a space, so a literal match there is exactly a whole-word
// match, and no term (all spaces and word characters) can span the NUL
// between two texts. Terms are literals, so the start of a match is exactly
// end - length: the database is compiled without HS_FLAG_SOM_LEFTMOST,
// which keeps Vectorscan on its fastest literal engines and yields exactly
// one report per (pattern, end). Spans are mapped back to the original text
// through each NormalizedText's offset map.
//
// A second, case-insensitive database over the raw terms serves ScanRaw (the
// benchmark ceiling: plain Vectorscan, no normalisation, no word check). It is
// compiled on the first ScanRaw, not in Compile: a scan never uses it, and
// compiling it would double the start-up cost of every `evenhand scan`.

#include "text/matcher.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <unordered_map>


namespace evenhand {

namespace {

struct Pattern {
  uint32_t list;
  uint32_t term;
  uint32_t len;  // bytes of the literal: the normalised term and its two spaces
};

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
  std::string buffer;            // " text \0 text \0 ..." for one scan
  std::vector<uint32_t> starts;  // buffer offset of each text's first byte
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
      const size_t first = norm.find_first_not_of(' ');
      if (first == std::string::npos)
        return Status::Invalid(fmt::format("list '{}': term {} \"{}\" has no letter or digit", list.name,
                                           t + 1, term));
      norm = " " + norm.substr(first, norm.find_last_not_of(' ') + 1 - first) + " ";
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
  const NormalizedText* const* texts;
  const uint32_t* starts;
  size_t count;
  std::vector<TermMatch>* out;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const Pattern& p = c->patterns[id];
  // The term lies between the literal's two spaces.
  const uint32_t end = static_cast<uint32_t>(to) - 1;
  const uint32_t begin = static_cast<uint32_t>(to) - p.len + 1;
  const uint32_t text = static_cast<uint32_t>(std::upper_bound(c->starts, c->starts + c->count, begin) -
                                              c->starts) - 1;
  const NormalizedText& nt = *c->texts[text];
  const uint32_t base = c->starts[text];
  TermMatch m{p.list, p.term, nt.OriginalBegin(begin - base), nt.OriginalEnd(end - base), text};
  std::vector<TermMatch>& out = *c->out;
  out.push_back(m);
  // Keep (text, end) order (Vectorscan reports in end order in practice;
  // this guards the rare exception without sorting).
  auto before = [](const TermMatch& a, const TermMatch& b) { return a.text < b.text || (a.text == b.text && a.end < b.end); };
  for (size_t i = out.size() - 1; i > 0 && before(out[i], out[i - 1]); --i) std::swap(out[i - 1], out[i]);
  return 0;
}

int CountMatch(unsigned int, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

}  // namespace

void TermMatcher::Scan(const NormalizedText& text, Scratch* scratch,
                       std::vector<TermMatch>* out) const {
  const NormalizedText* texts[1] = {&text};
  ScanMany(texts, 1, scratch, out);
}

void TermMatcher::ScanMany(const NormalizedText* const* texts, size_t count, Scratch* scratch,
                           std::vector<TermMatch>* out) const {
  out->clear();
  if (!impl_->db || count == 0) return;
  Scratch::Impl* s = scratch->impl();
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += texts[i]->text.size() + 3;
  if (total > UINT_MAX) {  // beyond one Vectorscan call: one text at a time
    std::vector<TermMatch> one;
    for (size_t i = 0; i < count; ++i) {
      if (texts[i]->text.size() + 3 > UINT_MAX) continue;  // a text over 4 GiB is not scanned
      ScanMany(texts + i, 1, scratch, &one);
      for (TermMatch& m : one) m.text = static_cast<uint32_t>(i);
      out->insert(out->end(), one.begin(), one.end());
    }
    return;
  }
  if (s->buffer.size() < total) s->buffer.resize(total);
  s->starts.resize(count);
  char* b = s->buffer.data();
  size_t w = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string& t = texts[i]->text;
    b[w++] = ' ';
    s->starts[i] = static_cast<uint32_t>(w);
    std::memcpy(b + w, t.data(), t.size());
    w += t.size();
    b[w++] = ' ';
    b[w++] = '\0';
  }
  ScanContext ctx{impl_->patterns.data(), texts, s->starts.data(), count, out};
  hs_scan(impl_->db, b, static_cast<unsigned int>(w), 0, s->scratch, OnMatch, &ctx);
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
