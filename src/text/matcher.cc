// TermMatcher: see matcher.h.
//
// Every (list, term) pair is normalised with the text's Normalizer and split
// into words; each word accepts a set of spellings:
//   * the normalised word itself;
//   * the word with one or more of its double letters written once, valid
//     only where the text's letter stands for a run of three or more
//     (NormalizedText::stretched): "book" accepts "boooook" but not "bok";
//   * the word spelled out, one letter per token ("e a s y", from "e.a.s.y",
//     "e - a - s - y" or "⒠⒜⒮⒴"), valid only when no single-letter token
//     touches the spelled-out run from outside ("x e a s y" is not "easy");
//   * for Roman Urdu terms, any token with the same phonetic key (see
//     RomanUrduKey in matcher.h).
// Between two words of a term there is a run of spaces, or no space at a
// point where the normaliser dropped a symbol between two letters
// ("claim🎁your", NormalizedText::glued); or there is no space between any
// two of them (the words written as one token: "#EasyMoney"), but not a mix.
//
// Vectorscan is the prefilter. The normaliser has turned every non-word
// character into a space, so runs of separators, punctuation and emoji are
// runs of spaces; ScanMany copies each text into the scan buffer with every
// run of spaces collapsed to one (" text \0 text \0 ..."). Over collapsed
// text what the term's regex " W1 *W2 *... " (SpecRegex) matches is a
// finite set of strings: " " + one spelling of each word (as written, with
// double letters written once, or spelled out with single spaces) joined by
// " " or "" + " ". Every one ends with one of the term's literals
// (SpecLiterals): the whole string when every word is written, else the
// part from its last spelled-out word on; the spaces at the ends make every
// match whole-word. Literals
// that can only verify with stretched letters or glued points go into a
// second database, scanned only over the texts that have some; terms with a
// Roman Urdu key (or more than kMaxLiterals spellings) stay regexes over the
// collapsed text. Each report (literal, end) maps back to the normalised
// text (Uncollapse) and is verified exactly by walking back from its end
// (VerifyBack): that finds the start of the match (no start-of-match
// tracking in Vectorscan, which keeps its fastest engines) and enforces what
// the literals cannot see (stretched letters, glued points, spelled-out
// runs, phonetic keys). Spans are mapped back to the original text through
// each NormalizedText's offset map. What no literal can see, because the
// text differs from every spelling there, is looked up instead: texts with
// I/l strokes (ScanStrokes) or digits glued to words (ScanSoftEdges) have
// the tokens concerned looked up among the terms' last (or first) words and
// verified back from there; other texts pay nothing for it.
// MatcherEngine::kRegexReference compiles
// the regexes over the uncollapsed text instead (the issue-15 engine: slow
// to compile and scan), for tests that check both report the same matches.
//
// A second, case-insensitive database over the raw terms serves ScanRaw (the
// benchmark ceiling: plain Vectorscan, no normalisation, no word check). It is
// compiled on the first ScanRaw, not in Compile: a scan never uses it, and
// compiling it would double the start-up cost of every `evenhand scan`.

#include "text/matcher.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstring>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "text/db_cache.h"
#include "text/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <tmmintrin.h>
#endif

namespace evenhand {

namespace {

// One spelling of a term's word: bytes, and the byte offsets in it whose
// letter must be a stretched one in the text.
struct Alt {
  std::string s;
  std::vector<uint32_t> need;
};

struct Word {
  std::vector<Alt> alts;
  std::vector<std::string> letters;  // its code points, for the spelled-out form; or empty
  std::string key;                   // Roman Urdu phonetic key, or empty
};

struct Spec {
  uint32_t list, term;
  std::vector<Word> words;
};

// Words of the terms (each spelling of the specs' last words with l
// written i, or of their first words) -> the specs, for the look-ups of
// ScanStrokes and ScanSoftEdges. A filter of 2^16 bits over each word's
// length, first two bytes and last byte (l read as i where the index folds
// it) comes first: a token it turns away (nearly all: "win32", "1960s",
// "refcode1") costs a few arithmetic steps and one load, no string copy and
// no walk of the hash table, whose nodes are cache misses (2.5 % of a whole
// `evenhand scan` on the benchmark when every such token walked it).
class WordIndex {
 public:
  explicit WordIndex(bool fold_il) : fold_il_(fold_il), bits_(kWords, 0) {}

  // `joined`: the word is one of several of its term, which may be written
  // together ("easymoney"): see joined_lengths.
  void Add(std::string_view word, uint32_t spec, bool joined) {
    if (word.empty()) return;
    std::string k(word);
    if (fold_il_) std::replace(k.begin(), k.end(), 'l', 'i');
    const uint32_t h = Hash(k.data(), k.size());
    bits_[h >> 6] |= uint64_t{1} << (h & 63);
    if (joined && k.size() <= 64) {
      joined_by_first_[static_cast<unsigned char>(k.front())] |= uint64_t{1} << (k.size() - 1);
      joined_by_last_[static_cast<unsigned char>(k.back())] |= uint64_t{1} << (k.size() - 1);
    }
    std::vector<uint32_t>& v = map_[k];
    if (v.empty() || v.back() != spec) v.push_back(spec);
  }

  // The specs of the word t[0, n) (l read as i where folded), or null.
  // *key is scratch.
  const std::vector<uint32_t>* Find(const char* t, size_t n, std::string* key) const {
    if (n == 0 || n > 256) return nullptr;
    const uint32_t h = Hash(t, n);
    if (!(bits_[h >> 6] >> (h & 63) & 1)) return nullptr;
    key->assign(t, n);
    if (fold_il_) std::replace(key->begin(), key->end(), 'l', 'i');
    const auto it = map_.find(*key);
    return it == map_.end() ? nullptr : &it->second;
  }

  // Bit L - 1 set: some word of length L (<= 64 bytes) of a term of several
  // words ends (starts) with byte c (l read as i where folded). A token of
  // words written together ends (starts) with one of these lengths' words.
  uint64_t JoinedLengthsEndingWith(char c) const {
    return joined_by_last_[static_cast<unsigned char>(fold_il_ && c == 'l' ? 'i' : c)];
  }
  uint64_t JoinedLengthsStartingWith(char c) const {
    return joined_by_first_[static_cast<unsigned char>(fold_il_ && c == 'l' ? 'i' : c)];
  }

 private:
  static constexpr int kLog = 16;
  static constexpr size_t kWords = (size_t{1} << kLog) / 64;
  uint32_t Hash(const char* t, size_t n) const {
    auto b = [&](size_t i) -> uint32_t {
      const char c = t[i];
      return static_cast<unsigned char>(fold_il_ && c == 'l' ? 'i' : c);
    };
    uint32_t x = static_cast<uint32_t>(n) * 0x9E3779B1u;
    x ^= b(0) | b(n > 1 ? 1 : 0) << 8 | b(n - 1) << 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    return x >> (32 - kLog);
  }

  bool fold_il_;
  uint64_t joined_by_first_[256] = {};
  uint64_t joined_by_last_[256] = {};
  std::vector<uint64_t> bits_;
  std::unordered_map<std::string, std::vector<uint32_t>> map_;
};

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

// Appends `s` to *re with every byte escaped as \xHH but ASCII letters and digits.
void Escape(std::string_view s, std::string* re) {
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      re->push_back(static_cast<char>(c));
    else
      *re += fmt::format("\\x{:02x}", c);
  }
}

// A regex matching every token whose RomanUrduKey is `key` (and more: the
// verification is exact).
std::string KeyRegex(std::string_view key) {
  std::string re;
  for (char k : key) {
    switch (k) {
      case 'V': re += "[aeiouy]+"; continue;
      case 'I': case 'U': continue;  // final vowels: the trailing [aeiouyh]* covers them
      case 'k': re += "(?:[kqc]|kh)+"; break;
      case 'C': re += "(?:ch)+"; break;
      case 'S': re += "(?:sh)+"; break;
      case 'f': re += "(?:f|ph)+"; break;
      case 'v': re += "[vw]+"; break;
      case 'h': re += "h+"; break;
      default: re += fmt::format("(?:{}h?)+", k);
    }
    re += "[aeiouyh]*";
  }
  return re;
}

// Compiling takes long enough to be worth caching (see db_cache.h).
constexpr double kCacheAfterSeconds = 0.005;

// Compiles with `compile` unless dbcache has the database for `what`;
// caches what took long to compile.
template <typename F>
hs_database_t* CompileCached(const std::string& cache_dir, const std::string& what, F&& compile) {
  if (hs_database_t* db = dbcache::Load(cache_dir, what)) return db;
  const auto start = std::chrono::steady_clock::now();
  hs_database_t* db = compile();
  if (db && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= kCacheAfterSeconds)
    dbcache::Store(cache_dir, what, db);
  return db;
}

// What a database of `patterns` (ids 0, 1, ... in order) depends on.
std::string CacheKey(std::string_view kind, unsigned flag, const std::vector<std::string>& patterns) {
  std::string what = fmt::format("{} mode {} flag {} count {}\n", kind, HS_MODE_BLOCK, flag, patterns.size());
  for (const std::string& p : patterns) {
    what += std::to_string(p.size());
    what += ':';
    what += p;
  }
  return what;
}

hs_database_t* CompileRegexes(const std::vector<std::string>& res, std::string* error, int* bad_index,
                              const std::string& cache_dir = "") {
  return CompileCached(cache_dir, CacheKey("regex", 0, res), [&]() -> hs_database_t* {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    exprs.reserve(res.size());
    for (size_t i = 0; i < res.size(); ++i) {
      exprs.push_back(res[i].c_str());
      flags.push_back(0);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(res.size()), HS_MODE_BLOCK,
                         nullptr, &db, &err) != HS_SUCCESS) {
      *error = err && err->message ? err->message : "unknown Vectorscan error";
      *bad_index = err ? err->expression : -1;
      hs_free_compile_error(err);
      return nullptr;
    }
    return db;
  });
}

hs_database_t* CompileLits(const std::vector<std::string>& lits, unsigned flag, std::string* error,
                           int* bad_index, const std::string& cache_dir = "") {
  return CompileCached(cache_dir, CacheKey("literals", flag, lits), [&]() -> hs_database_t* {
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
  });
}

// Byte length of the UTF-8 sequence led by c (1 for a stray byte).
inline size_t SeqLen(unsigned char c) { return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// The word's spellings (see the file comment). `stretched` says which of its
// byte offsets were stretched in the term itself.
Word MakeWord(std::string_view w, const std::vector<uint32_t>& stretched, bool phonetic) {
  Word word;
  // Code points with their byte offsets.
  std::vector<std::pair<uint32_t, uint32_t>> cps;  // (offset, length)
  for (size_t i = 0; i < w.size();) {
    const size_t len = std::min(SeqLen(static_cast<unsigned char>(w[i])), w.size() - i);
    cps.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(len));
    i += len;
  }
  Alt plain{std::string(w), stretched};
  // Double letters: positions k where cp k == cp k+1 (and neither is stretched).
  std::vector<size_t> doubles;
  for (size_t k = 0; k + 1 < cps.size(); ++k) {
    auto [o1, l1] = cps[k];
    auto [o2, l2] = cps[k + 1];
    const bool letter = !(l1 == 1 && w[o1] >= '0' && w[o1] <= '9');
    if (letter && l1 == l2 && w.substr(o1, l1) == w.substr(o2, l2) &&
        std::find(stretched.begin(), stretched.end(), o1) == stretched.end() &&
        std::find(stretched.begin(), stretched.end(), o2) == stretched.end()) {
      doubles.push_back(k);
      ++k;
    }
  }
  if (doubles.size() > 4) doubles.resize(4);  // at most 16 spellings a word
  for (uint32_t mask = 0; mask < (1u << doubles.size()); ++mask) {
    if (mask == 0) {
      word.alts.push_back(plain);
      continue;
    }
    Alt a;
    size_t d = 0;
    for (size_t k = 0; k < cps.size(); ++k) {
      auto [o, l] = cps[k];
      const bool here = d < doubles.size() && doubles[d] == k;
      if (std::find(stretched.begin(), stretched.end(), o) != stretched.end())
        a.need.push_back(static_cast<uint32_t>(a.s.size()));
      if (here && (mask >> d & 1)) {
        a.need.push_back(static_cast<uint32_t>(a.s.size()));
        a.s.append(w.substr(o, l));
        ++k;  // skip the second letter
        ++d;
        continue;
      }
      if (here) ++d;
      a.s.append(w.substr(o, l));
    }
    word.alts.push_back(std::move(a));
  }
  if (cps.size() >= 2 && stretched.empty())
    for (const auto& [o, l] : cps) word.letters.emplace_back(w.substr(o, l));
  if (phonetic) {
    std::string key = RomanUrduKey(w);
    if (key.size() >= 2) word.key = std::move(key);
  }
  return word;
}

// The spec's regex: " W1 *W2 *... " with each Wi the alternation of its
// word's spellings (no space between two words: written together, or at a
// glued point; VerifyBack tells). Over collapsed text (`collapsed`), where a
// run of spaces is one space, " +" is " " and " *" is " ?".
std::string SpecRegex(const Spec& spec, bool collapsed) {
  std::string re = "\\x20";
  for (size_t wi = 0; wi < spec.words.size(); ++wi) {
    const Word& w = spec.words[wi];
    if (wi) re += collapsed ? "\\x20?" : "\\x20*";
    re += "(?:";
    for (size_t a = 0; a < w.alts.size(); ++a) {
      if (a) re += '|';
      Escape(w.alts[a].s, &re);
    }
    if (!w.letters.empty()) {
      re += '|';
      for (size_t k = 0; k < w.letters.size(); ++k) {
        if (k) re += collapsed ? "\\x20" : "\\x20+";
        Escape(w.letters[k], &re);
      }
    }
    if (!w.key.empty()) re += "|" + KeyRegex(w.key);
    re += ")";
  }
  re += "\\x20";
  return re;
}

// At most this many literals a spec; a spec that would need more is
// compiled as a regex. A regex costs every text a scan of its own
// (Vectorscan runs its NFA beside the literal matcher): on the benchmark one
// six-word term ("rosy palm and her 5 sisters", 1,024 spellings when every
// combination of spelled-out and written words was a literal) cost 30 ms
// per million messages as a regex.
constexpr size_t kMaxLiterals = 1024;

// What a literal's match can need of the text to verify (every spelling
// that makes the literal needs it, so a text without it is skipped unread).
enum : uint8_t {
  kNeedStretched = 1,  // a double letter written once: stretched letters
  kNeedGlued = 2,      // words both apart and together: glued points
};

struct Literal {
  std::string s;
  uint8_t need = 0;
};

// Appends to *out the spec's prefilter literals over collapsed text (each
// once, with what it needs) and returns true; or returns false (out
// unspecified) when a word has a phonetic key or there would be more than
// kMaxLiterals. Every match of SpecRegex(spec, true) ends with one of them,
// at the match's end (VerifyBack then checks the whole match):
//  * with every word as written: the whole match, " W1 W2 ... Wk " and the
//    same with any of the spaces between words left out;
//  * with some word spelled out: only the part from the last spelled-out
//    word j on, " l1 l2 ... ln" + (" " or "") + Wj+1 ... Wk + " " (a
//    spelled-out word always follows a space; the words after it are
//    written). The words before j are left to VerifyBack: writing out
//    every combination of spelled and written words (2^k times the joins)
//    made two thirds of all literals, and their compile time.
bool SpecLiterals(const Spec& spec, std::vector<Literal>* out) {
  const size_t k = spec.words.size();
  std::vector<std::vector<Literal>> forms(k);  // each word's written spellings
  std::vector<std::string> spelled(k);         // each word spelled out, or ""
  auto dedup = [](std::vector<Literal>* v, size_t from) {
    std::sort(v->begin() + static_cast<std::ptrdiff_t>(from), v->end(),
              [](const Literal& a, const Literal& b) { return a.s < b.s; });
    size_t w = from;
    for (size_t i = from; i < v->size(); ++i) {
      if (w > from && (*v)[w - 1].s == (*v)[i].s) {
        (*v)[w - 1].need &= (*v)[i].need;  // needs only what every way to make it needs
        continue;
      }
      if (w != i) (*v)[w] = std::move((*v)[i]);
      ++w;
    }
    v->resize(w);
  };
  size_t count = 1;
  for (size_t wi = 0; wi < k; ++wi) {
    const Word& w = spec.words[wi];
    if (!w.key.empty()) return false;
    for (const Alt& a : w.alts) forms[wi].push_back({a.s, static_cast<uint8_t>(a.need.empty() ? 0 : kNeedStretched)});
    for (size_t l = 0; l < w.letters.size(); ++l) {
      if (l) spelled[wi] += ' ';
      spelled[wi] += w.letters[l];
    }
    dedup(&forms[wi], 0);
    count *= forms[wi].size() * (wi ? 2 : 1);
    if (count > kMaxLiterals) return false;
  }
  // Literals from a spelled-out word j on: the combinations after it.
  size_t tail = 1;
  for (size_t j = k; j-- > 0;) {
    if (!spelled[j].empty()) count += tail;
    if (count > kMaxLiterals) return false;
    tail = std::min(tail * forms[j].size() * 2, kMaxLiterals + 1);
  }
  const size_t first = out->size();
  std::string cur;
  // Appends each written spelling of words [wi, k) to cur, with the gap
  // before each but the first, and pushes the literals.
  auto rec = [&](auto&& self, size_t wi, uint8_t need, int joined, int apart) -> void {
    const size_t mark = cur.size();
    for (const Literal& f : forms[wi]) {
      cur.resize(mark);
      cur += f.s;
      const uint8_t n = need | f.need;
      if (wi + 1 == k) {
        out->push_back({cur + ' ', static_cast<uint8_t>(n | (joined && apart ? kNeedGlued : 0))});
        continue;
      }
      self(self, wi + 1, n, joined + 1, apart);  // written together
      cur += ' ';
      self(self, wi + 1, n, joined, apart + 1);  // apart
      cur.resize(mark + f.s.size());
    }
    cur.resize(mark);
  };
  cur = " ";
  rec(rec, 0, 0, 0, 0);
  for (size_t j = 0; j < k; ++j) {
    if (spelled[j].empty()) continue;
    cur = " " + spelled[j];
    if (j + 1 == k) {
      out->push_back({cur + ' ', 0});
      continue;
    }
    rec(rec, j + 1, 0, 1, 0);  // the next word written together with it
    cur += ' ';
    rec(rec, j + 1, 0, 0, 1);  // apart
  }
  dedup(out, first);
  return true;
}

}  // namespace

std::string RomanUrduKey(std::string_view w) {
  std::string key;
  for (char c : w)
    if (c < 'a' || c > 'z') return {};
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    const char next = i + 1 < w.size() ? w[i + 1] : 0;
    char k;
    if (IsVowel(c)) {
      if (i == 0) key.push_back('V');
      continue;
    }
    if (c == 'h') {
      // Aspiration after a consonant is dropped; any other h is kept.
      if (i > 0 && !IsVowel(w[i - 1]) && w[i - 1] != 'h') continue;
      k = 'h';
    } else if (c == 'c' && next == 'h') {
      k = 'C';
      ++i;
    } else if (c == 's' && next == 'h') {
      k = 'S';
      ++i;
    } else if (c == 'p' && next == 'h') {
      k = 'f';
      ++i;
    } else if (c == 'q' || c == 'c') {
      k = 'k';
    } else if (c == 'w') {
      k = 'v';
    } else {
      k = c;
    }
    if (!key.empty() && key.back() == k) continue;  // doubled consonants
    key.push_back(k);
  }
  // The final vowel carries inflection (dunga / dungi, jeet / jeeti): the
  // run of vowels (y counted) that ends a word adds 'I' when it starts with
  // i, y or ee, 'U' when it starts with o or u, nothing when it starts with
  // a or e (paisa / paise, qarz / qarza, double / doublai, verify /
  // verifya, jaldi / jaldee).
  size_t run = w.size();
  while (run > 0 && IsVowel(w[run - 1])) --run;
  if (run > 0 && run < w.size()) {
    const char f = w[run];
    if (f == 'i' || f == 'y' || w.substr(run, 2) == "ee")
      key.push_back('I');
    else if (f == 'o' || f == 'u')
      key.push_back('U');
  }
  return key;
}

struct TermMatcher::Impl {
  std::vector<TermList> lists;   // names and terms as given
  std::vector<Spec> specs;
  MatcherEngine engine = MatcherEngine::kLiterals;
  // kLiterals: the literal database over collapsed text (id -> spec in
  // lit_spec); the literals that need stretched letters or glued points,
  // scanned only over texts that have some (id -> spec in need_spec, what
  // it needs in need_bits); and, when some spec needs one, the regex
  // database over collapsed text (id -> spec in re_spec). kRegexReference:
  // ref_db, id = spec, over the text as normalised.
  hs_database_t* lit_db = nullptr;
  std::vector<uint32_t> lit_spec;
  hs_database_t* need_db = nullptr;
  std::vector<uint32_t> need_spec;
  std::vector<uint8_t> need_bits;  // kNeedStretched | kNeedGlued
  hs_database_t* re_db = nullptr;
  std::vector<uint32_t> re_spec;
  hs_database_t* ref_db = nullptr;
  // The raw database, built by RawDb() on first use (thread safe).
  std::once_flag raw_once;
  hs_database_t* raw_db = nullptr;
  // Each spelling of each spec's last word with l written i -> the specs:
  // where a text has I/l strokes or digits glued after a word, its tokens
  // are looked up here and verified (see ScanStrokes, ScanSoftEdges).
  WordIndex last_word_il{true};
  size_t max_words = 0;
  // Each spelling of each spec's first word -> the specs (ScanSoftEdges).
  WordIndex first_word{false};

  ~Impl() {
    if (lit_db) hs_free_database(lit_db);
    if (need_db) hs_free_database(need_db);
    if (re_db) hs_free_database(re_db);
    if (ref_db) hs_free_database(ref_db);
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
  std::string buffer;            // " text \0 text \0 ..." for one scan (text collapsed, see ScanMany)
  std::vector<uint32_t> starts;  // buffer offset of each text's first byte
  std::vector<TermMatch> more;   // another database's matches, merged into the output
  std::string key;               // ScanStrokes' look-up key
  // The texts with stretched letters or glued points (for the need
  // database): pointers, their indices, their buffer and its starts.
  std::vector<const NormalizedText*> sub_texts;
  std::vector<uint32_t> sub_ids;
  std::string buffer2;
  std::vector<uint32_t> starts2;
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
                                                          const Normalizer& normalizer, MatcherEngine engine) {
  auto impl = std::make_unique<Impl>();
  impl->lists = lists;
  NormalizedText nt;
  for (uint32_t l = 0; l < lists.size(); ++l) {
    const TermList& list = lists[l];
    std::unordered_map<std::string, uint32_t> seen;  // identical normalised terms in one list
    for (uint32_t t = 0; t < list.terms.size(); ++t) {
      const std::string& term = list.terms[t];
      normalizer.Normalize(term, &nt);
      const std::string& norm = nt.text;
      const size_t first = norm.find_first_not_of(' ');
      if (first == std::string::npos)
        return Status::Invalid(fmt::format("list '{}': term {} \"{}\" has no letter or digit", list.name,
                                           t + 1, term));
      if (norm.size() > (1u << 20))
        return Status::Invalid(fmt::format("list '{}': term {} is too long", list.name, t + 1));
      const bool phonetic = t < list.phonetic.size() && list.phonetic[t];
      Spec spec{l, t, {}};
      std::string dedup;
      bool any_need = false;
      for (size_t i = first; i < norm.size();) {
        size_t j = norm.find(' ', i);
        if (j == std::string::npos) j = norm.size();
        std::vector<uint32_t> st;
        for (uint32_t x : nt.stretched)
          if (x >= i && x < j) st.push_back(static_cast<uint32_t>(x - i));
        any_need |= !st.empty();
        spec.words.push_back(MakeWord(std::string_view(norm).substr(i, j - i), st, phonetic));
        dedup += norm.substr(i, j - i);
        for (uint32_t x : st) dedup += fmt::format("/{}", x);
        dedup += ' ';
        i = norm.find_first_not_of(' ', j);
        if (i == std::string::npos) break;
      }
      if (!seen.emplace(dedup, t).second) continue;
      (void)any_need;
      impl->specs.push_back(std::move(spec));
    }
  }
  impl->engine = engine;
  for (uint32_t si = 0; si < impl->specs.size(); ++si) {
    const Spec& spec = impl->specs[si];
    impl->max_words = std::max(impl->max_words, spec.words.size());
    const bool joined = spec.words.size() > 1;
    for (const Alt& a : spec.words.back().alts) impl->last_word_il.Add(a.s, si, joined);
    for (const Alt& a : spec.words.front().alts) impl->first_word.Add(a.s, si, joined);
  }
  std::string error;
  int bad = -1;
  auto fail = [&](const std::vector<uint32_t>* ids) -> Status {
    if (bad >= 0 && (!ids || static_cast<size_t>(bad) < ids->size())) {
      const uint32_t si = ids ? (*ids)[bad] : static_cast<uint32_t>(bad);
      if (si < impl->specs.size()) {
        const Spec& p = impl->specs[si];
        return Status::Invalid(fmt::format("list '{}': term {} \"{}\": {}", lists[p.list].name, p.term + 1,
                                           lists[p.list].terms[p.term], error));
      }
    }
    return Status::Invalid(fmt::format("term lists: {}", error));
  };
  if (engine == MatcherEngine::kRegexReference) {
    std::vector<std::string> regexes;
    for (const Spec& spec : impl->specs) regexes.push_back(SpecRegex(spec, false));
    if (!regexes.empty() && !(impl->ref_db = CompileRegexes(regexes, &error, &bad))) return fail(nullptr);
    return std::unique_ptr<TermMatcher>(new TermMatcher(std::move(impl)));
  }
  // Every spelling of every spec as a literal over collapsed text, when
  // there are at most kMaxLiterals; else (and for Roman Urdu keys) a regex.
  std::vector<std::string> lits, need_lits, regexes;
  std::vector<Literal> one;
  for (uint32_t si = 0; si < impl->specs.size(); ++si) {
    const Spec& spec = impl->specs[si];
    one.clear();
    if (SpecLiterals(spec, &one)) {
      for (Literal& lit : one) {
        if (lit.need) {
          need_lits.push_back(std::move(lit.s));
          impl->need_spec.push_back(si);
          impl->need_bits.push_back(lit.need);
        } else {
          lits.push_back(std::move(lit.s));
          impl->lit_spec.push_back(si);
        }
      }
    } else {
      regexes.push_back(SpecRegex(spec, true));
      impl->re_spec.push_back(si);
    }
  }
  const std::string cache_dir = dbcache::Dir();
  // The other databases compile on a second thread while this one compiles
  // the literal database (the largest): a first scan with new lists starts
  // that much sooner when a second core is free. The thread only compiles
  // (no exception leaves it: a failure is a null database and a message).
  std::string side_error;
  int side_bad = -1;
  const std::vector<uint32_t>* side_ids = nullptr;
  auto side = [&]() noexcept {
    try {
      if (!need_lits.empty() && !(impl->need_db = CompileLits(need_lits, 0, &side_error, &side_bad, cache_dir))) {
        side_ids = &impl->need_spec;
        return;
      }
      if (!regexes.empty() && !(impl->re_db = CompileRegexes(regexes, &side_error, &side_bad, cache_dir)))
        side_ids = &impl->re_spec;
    } catch (const std::exception& e) {
      side_error = e.what();
      side_bad = -1;
      side_ids = &impl->need_spec;
    }
  };
  std::thread side_thread;
  if (!lits.empty() && (!need_lits.empty() || !regexes.empty())) {
    try {
      side_thread = std::thread(side);
    } catch (const std::system_error&) {  // no thread to be had: one after the other
    }
  }
  if (!lits.empty()) impl->lit_db = CompileLits(lits, 0, &error, &bad, cache_dir);
  if (side_thread.joinable())
    side_thread.join();
  else
    side();
  if (!lits.empty() && !impl->lit_db) return fail(&impl->lit_spec);
  if (side_ids) {
    error = std::move(side_error);
    bad = side_bad;
    return fail(side_ids);
  }
  return std::unique_ptr<TermMatcher>(new TermMatcher(std::move(impl)));
}

std::unique_ptr<TermMatcher::Scratch> TermMatcher::NewScratch() const {
  auto s = std::make_unique<Scratch::Impl>();
  // All databases share one scratch: ScanRaw grows it to fit the raw one.
  for (hs_database_t* db : {impl_->lit_db, impl_->need_db, impl_->re_db, impl_->ref_db})
    if (db && hs_alloc_scratch(db, &s->scratch) != HS_SUCCESS) {
      if (s->scratch) hs_free_scratch(s->scratch);
      s->scratch = nullptr;
      break;
    }
  return std::make_unique<Scratch>(std::move(s));
}

namespace {

struct ScanContext {
  const Spec* specs;
  const uint32_t* ids;  // database id -> spec index; null: the id is the spec index
  const uint8_t* needs;  // database id -> kNeed* bits, or null
  const NormalizedText* const* texts;
  const uint32_t* starts;
  size_t count;
  std::vector<TermMatch>* out;
  bool collapsed;  // the buffer holds the texts collapsed (see ScanMany)
  const uint32_t* text_ids = nullptr;  // index in texts -> TermMatch::text; null: the same
  // Collapsed -> normalised offsets: a cursor in text `text`, at normalised
  // offset `o`, before which `kept` bytes were kept.
  uint32_t text = UINT32_MAX;
  size_t o = 0, kept = 0;
};

// Whether byte o of t[0, n) is dropped when runs of spaces are collapsed to
// their first space (with a space before t[0]).
inline bool Dropped(const char* t, size_t o) { return t[o] == ' ' && (o == 0 || t[o - 1] == ' '); }

// The normalised offset of the byte at collapsed offset `c` of text `text`
// (c may be the space after the text: offset n). Amortised linear: reports
// come in offset order, so the cursor only moves forward but on the rare
// report out of order.
size_t Uncollapse(ScanContext* x, uint32_t text, size_t c) {
  const NormalizedText& nt = *x->texts[text];
  const char* t = nt.text.data();
  const size_t n = nt.text.size();
  if (x->text != text || c < x->kept) {
    x->text = text;
    x->o = 0;
    x->kept = 0;
  }
  size_t o = x->o, kept = x->kept;
#if defined(__SSE2__)
  // 16 bytes a step while the byte sought lies past the block.
  const __m128i space = _mm_set1_epi8(' ');
  while (o + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + o));
    const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    const uint32_t before = o == 0 || t[o - 1] == ' ';
    uint32_t keep = ~(sp & ((sp << 1) | before)) & 0xFFFF;
    const size_t k = static_cast<size_t>(__builtin_popcount(keep));
    if (kept + k <= c) {
      o += 16;
      kept += k;
      continue;
    }
    for (size_t skip = c - kept; skip > 0; --skip) keep &= keep - 1;  // the (c - kept)th kept byte
    o += static_cast<size_t>(__builtin_ctz(keep));
    kept = c;
    x->o = o;
    x->kept = kept;
    return o;
  }
#endif
  while (o < n) {
    if (Dropped(t, o)) {
      ++o;
      continue;
    }
    if (kept == c) break;
    ++kept;
    ++o;
  }
  x->o = o;
  x->kept = kept;
  return o;
}

// A view of one normalised text for VerifyBack.
struct TextView {
  const char* t;
  size_t n;
  const NormalizedText* nt;
};

// True when the token that ends at `end` (exclusive; t[end] is a space or the
// end) is one code point long.
bool SingleBefore(const TextView& v, size_t end) {
  size_t s = end;
  while (s > 0 && v.t[s - 1] != ' ') --s;
  return s < end && SeqLen(static_cast<unsigned char>(v.t[s])) >= end - s;
}

// True when the token that starts at `begin` is one code point long.
bool SingleAfter(const TextView& v, size_t begin) {
  size_t e = begin;
  while (e < v.n && v.t[e] != ' ') ++e;
  return e > begin && SeqLen(static_cast<unsigned char>(v.t[begin])) >= e - begin;
}

// Whether the spelled-out run [s, e) stands alone: no single-letter token
// right before or right after it (across any run of spaces).
bool SpacedAlone(const TextView& v, size_t s, size_t e, bool check_before, bool check_after) {
  if (check_before) {
    size_t p = s;
    while (p > 0 && v.t[p - 1] == ' ') --p;
    if (p > 0 && p < s && SingleBefore(v, p)) return false;
  }
  if (check_after) {
    size_t p = e;
    while (p < v.n && v.t[p] == ' ') ++p;
    if (p < v.n && p > e && SingleAfter(v, p)) return false;
  }
  return true;
}

// Whether the text at `at` reads as s: byte for byte, or with an I/l
// stroke of the text (an "i" in NormalizedText::ambiguous) where s has l.
bool Equal(const TextView& v, size_t at, std::string_view s) {
  if (at + s.size() > v.n) return false;
  if (std::memcmp(v.t + at, s.data(), s.size()) == 0) return true;
  if (v.nt->ambiguous.empty()) return false;
  for (size_t k = 0; k < s.size(); ++k)
    if (v.t[at + k] != s[k] && !(s[k] == 'l' && v.t[at + k] == 'i' && v.nt->Ambiguous(static_cast<uint32_t>(at + k))))
      return false;
  return true;
}

// The spelled-out word `letters` ending at `pos`, one letter per token with
// runs of spaces between: its start, or SIZE_MAX.
size_t SpelledBack(const std::vector<std::string>& letters, size_t pos, const TextView& v) {
  for (size_t k = letters.size(); k-- > 0;) {
    const std::string& l = letters[k];
    if (l.size() > pos || !Equal(v, pos - l.size(), l)) return SIZE_MAX;
    pos -= l.size();
    if (k == 0) break;
    const size_t after = pos;
    while (pos > 0 && v.t[pos - 1] == ' ') --pos;
    if (pos == after) return SIZE_MAX;
  }
  return pos;
}

// How words may be apart: counts of gaps with no space and no glued point
// ("easymoney": the words written together) and of the others.
struct Gaps {
  int joined = 0, apart = 0;
};

// Words [0, wi] of `spec` end at `pos` (exclusive) in the text: sets *begin
// to the start of word 0. Between two words there is a run of spaces or, at a
// glued point, none; or there is none between any two (the words written as
// one, "#EasyMoney"), but not a mix. `end` is the end of the whole match
// (for the spelled-out check after the last word).
bool VerifyBack(const Spec& spec, size_t wi, size_t pos, size_t end, const TextView& v, Gaps gaps,
                size_t* begin) {
  const Word& w = spec.words[wi];
  const bool last = wi + 1 == spec.words.size();
  auto rest = [&](size_t start) -> bool {
    if (wi == 0) {
      if (start > 0 && v.t[start - 1] != ' ' && !v.nt->SoftStart(static_cast<uint32_t>(start))) return false;
      if (gaps.joined && gaps.apart) return false;
      *begin = start;
      return true;
    }
    size_t p = start;
    while (p > 0 && v.t[p - 1] == ' ') --p;
    if (p == 0) return false;
    Gaps g = gaps;
    if (p < start || v.nt->Glued(static_cast<uint32_t>(start)))
      ++g.apart;
    else
      ++g.joined;
    return VerifyBack(spec, wi - 1, p, end, v, g, begin);
  };
  for (const Alt& a : w.alts) {
    if (a.s.size() > pos) continue;
    const size_t s = pos - a.s.size();
    if (!Equal(v, s, a.s)) continue;
    bool ok = true;
    for (uint32_t off : a.need)
      if (!v.nt->Stretched(static_cast<uint32_t>(s + off))) ok = false;
    if (ok && rest(s)) return true;
  }
  if (!w.letters.empty()) {
    const size_t s = SpelledBack(w.letters, pos, v);
    if (s != SIZE_MAX && (s == 0 || v.t[s - 1] == ' ') && SpacedAlone(v, s, end, wi == 0, last) && rest(s))
      return true;
  }
  if (!w.key.empty()) {
    size_t s = pos;
    while (s > 0 && v.t[s - 1] != ' ') --s;
    if (pos - s <= 64 && RomanUrduKey(std::string_view(v.t + s, pos - s)) == w.key && rest(s)) return true;
  }
  return false;
}

// Output order: by text, end, list, term.
inline bool Before(const TermMatch& a, const TermMatch& b) {
  return std::tie(a.text, a.end, a.list, a.term) < std::tie(b.text, b.end, b.list, b.term);
}

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const Spec& spec = c->specs[c->ids ? c->ids[id] : id];
  // The term ends just before the pattern's last space.
  const uint32_t bend = static_cast<uint32_t>(to) - 1;
  const uint32_t text = static_cast<uint32_t>(std::upper_bound(c->starts, c->starts + c->count, bend) -
                                              c->starts) - 1;
  const NormalizedText& nt = *c->texts[text];
  if (c->needs && c->needs[id] &&
      (((c->needs[id] & kNeedStretched) && nt.stretched.empty()) || ((c->needs[id] & kNeedGlued) && nt.glued.empty())))
    return 0;
  const uint32_t base = c->starts[text];
  const size_t end = c->collapsed ? Uncollapse(c, text, bend - base) : bend - base;
  TextView v{nt.text.data(), nt.text.size(), &nt};
  size_t begin = 0;
  if (!VerifyBack(spec, spec.words.size() - 1, end, end, v, Gaps{}, &begin)) return 0;
  TermMatch m{spec.list, spec.term, nt.OriginalBegin(static_cast<uint32_t>(begin)),
              nt.OriginalEnd(static_cast<uint32_t>(end)), c->text_ids ? c->text_ids[text] : text};
  std::vector<TermMatch>& out = *c->out;
  // Two literals of one spec can end at one offset: report it once.
  for (size_t i = out.size(); i > 0 && out[i - 1].text == m.text && out[i - 1].end == m.end; --i)
    if (out[i - 1].list == m.list && out[i - 1].term == m.term) return 0;
  out.push_back(m);
  // Keep the output order (Vectorscan reports in end order in practice;
  // this guards the rare exception, and orders one end's matches, without
  // sorting).
  for (size_t i = out.size() - 1; i > 0 && Before(out[i], out[i - 1]); --i) std::swap(out[i - 1], out[i]);
  return 0;
}

// Calls fn(spec index) for each spec whose last word (one of its
// spellings; l read as i where the index folds it) is the token t[p, q)
// or, for words written together ("easymoney" in "easymoney2026"), a tail
// of it as long as some word of a term of several words. Maybe twice.
template <typename F>
void ForLastWords(const WordIndex& index, const char* t, size_t p, size_t q, std::string* key, F&& fn) {
  const size_t n = q - p;
  if (const std::vector<uint32_t>* found = index.Find(t + p, n, key))
    for (uint32_t si : *found) fn(si);
  uint64_t m = index.JoinedLengthsEndingWith(t[q - 1]);
  if (n <= 64) m &= (uint64_t{1} << (n - 1)) - 1;  // shorter than the token
  for (; m; m &= m - 1) {
    const size_t len = static_cast<size_t>(__builtin_ctzll(m)) + 1;
    if (const std::vector<uint32_t>* found = index.Find(t + q - len, len, key))
      for (uint32_t si : *found) fn(si);
  }
}

// The same for first words: the token t[q, e) or a head of it.
template <typename F>
void ForFirstWords(const WordIndex& index, const char* t, size_t q, size_t e, std::string* key, F&& fn) {
  const size_t n = e - q;
  if (const std::vector<uint32_t>* found = index.Find(t + q, n, key))
    for (uint32_t si : *found) fn(si);
  uint64_t m = index.JoinedLengthsStartingWith(t[q]);
  if (n <= 64) m &= (uint64_t{1} << (n - 1)) - 1;
  for (; m; m &= m - 1) {
    const size_t len = static_cast<size_t>(__builtin_ctzll(m)) + 1;
    if (const std::vector<uint32_t>* found = index.Find(t + q, len, key))
      for (uint32_t si : *found) fn(si);
  }
}

// Matches that read an I/l stroke of `nt` (NormalizedText::ambiguous) as
// l, which the databases, built from the terms as written, cannot see:
// each token from the first stroke's on, until max_words tokens past the
// last stroke, is looked up with l written i among the specs' last words
// (`index`) and verified back from its end (Equal reads a stroke as i or
// l). Words written together ("#DoubleYourB١tcoin") are looked up by the
// length of the last word (ForLastWords). Appends to *out, unordered and
// maybe twice. Spelled-out last words are not looked up.
void ScanStrokes(const std::vector<Spec>& specs, const WordIndex& index,
                 size_t max_words, const NormalizedText& nt, uint32_t text_id, std::string* key,
                 std::vector<TermMatch>* out) {
  const char* t = nt.text.data();
  const size_t n = nt.text.size();
  const TextView v{t, n, &nt};
  const std::vector<uint32_t>& strokes = nt.ambiguous;
  size_t next = 0;  // the first stroke not yet passed
  size_t left = 0;  // tokens still to look up
  size_t p = 0;
  while (p < n) {
    if (left == 0) {  // on to the token of the next stroke
      if (next == strokes.size()) break;
      p = std::max<size_t>(p, strokes[next]);
      while (p > 0 && t[p - 1] != ' ') --p;
    }
    while (p < n && t[p] == ' ') ++p;
    if (p == n) break;
    size_t e = p;
    while (e < n && t[e] != ' ') ++e;
    bool stroke = false;
    for (; next < strokes.size() && strokes[next] < e; ++next) stroke = true;
    if (stroke) left = max_words;
    if (left == 0) {
      p = e;
      continue;
    }
    --left;
    ForLastWords(index, t, p, e, key, [&](uint32_t si) {
      const Spec& spec = specs[si];
      size_t begin = 0;
      if (VerifyBack(spec, spec.words.size() - 1, e, e, v, Gaps{}, &begin))
        out->push_back({spec.list, spec.term, nt.OriginalBegin(static_cast<uint32_t>(begin)),
                        nt.OriginalEnd(static_cast<uint32_t>(e)), text_id});
    });
    p = e;
  }
}

// Matches that end or start where digits are glued to a word
// (NormalizedText::soft_ends, soft_starts: "money2026", "542free"), which
// the databases cannot see (no space there): the letters before a soft end
// are looked up among the specs' last words (with l written i) and
// verified back from the soft end; the letters after a soft start among
// their first words, and verified back from the ends of the tokens that
// follow, keeping a match that starts there. Words written together
// ("easymoney2026", "2026easymoney") are looked up by their last (first)
// word's length (ForLastWords, ForFirstWords). Digits glued on both sides
// ("542free99", "542fr33") give both readings: the word between the
// digits, and the leet reading of the digits on the other side. Appends
// to *out, unordered and maybe twice.
void ScanSoftEdges(const std::vector<Spec>& specs, const WordIndex& last, const WordIndex& first, const NormalizedText& nt,
                   uint32_t text_id, std::string* key, std::vector<TermMatch>* out) {
  const char* t = nt.text.data();
  const size_t n = nt.text.size();
  const TextView v{t, n, &nt};
  auto push = [&](const Spec& spec, size_t begin, size_t end) {
    out->push_back({spec.list, spec.term, nt.OriginalBegin(static_cast<uint32_t>(begin)),
                    nt.OriginalEnd(static_cast<uint32_t>(end)), text_id});
  };
  const std::vector<uint32_t>& starts = nt.soft_starts;
  const std::vector<uint32_t>& ends = nt.soft_ends;
  auto verify_end = [&](uint32_t si, size_t q) {
    size_t begin = 0;
    if (VerifyBack(specs[si], specs[si].words.size() - 1, q, q, v, Gaps{}, &begin)) push(specs[si], begin, q);
  };
  for (uint32_t q : ends) {
    size_t p = q;
    while (p > 0 && t[p - 1] != ' ') --p;
    if (p == q) continue;
    ForLastWords(last, t, p, q, key, [&](uint32_t si) { verify_end(si, q); });
    // Digits glued on both sides ("542free99"): also the word after them
    // (the leading digits read as leet letters: "fr33" is "free").
    if (auto it = std::upper_bound(starts.begin(), starts.end(), static_cast<uint32_t>(p));
        it != starts.end() && *it < q)
      ForLastWords(last, t, *it, q, key, [&](uint32_t si) { verify_end(si, q); });
  }
  // A match that starts at soft start q, its first word ending at e or
  // written together with the next words up to e; it ends at e or at the
  // end of one of the next tokens (at most two a word: words apart, or
  // spelled out, stay within it).
  auto from_start = [&](uint32_t q, size_t e) {
    ForFirstWords(first, t, q, e, key, [&](uint32_t si) {
      const Spec& spec = specs[si];
      size_t end = e;
      for (size_t tokens = 0; tokens < 2 * spec.words.size(); ++tokens) {
        size_t begin = 0;
        if (VerifyBack(spec, spec.words.size() - 1, end, end, v, Gaps{}, &begin) && begin == q) {
          push(spec, begin, end);
          break;
        }
        while (end < n && t[end] == ' ') ++end;
        if (end == n) break;
        while (end < n && t[end] != ' ') ++end;
      }
    });
  };
  for (uint32_t q : starts) {
    size_t e = q;
    while (e < n && t[e] != ' ') ++e;
    if (e == q) continue;
    from_start(q, e);  // to the token's end (digits after it as leet letters: "542fr33")
    // Digits glued on both sides ("542free99"): also to the digits after it.
    if (auto it = std::upper_bound(ends.begin(), ends.end(), q); it != ends.end() && *it < e) from_start(q, *it);
  }
}

// Copies t[0, n) to b[w, ...) with every run of spaces collapsed to its
// first space (a space is taken to precede t[0]); returns the new w. b needs
// n + 16 bytes of room from w. 16 bytes a step: a block without a space run
// is copied whole; one with is packed with two 8-byte shuffles (SSSE3) or
// byte by byte.
// The byte before t[0] counts as a space (carry); tails go byte by byte.
inline size_t CollapseTail(char* b, size_t w, const char* t, size_t i, size_t n, uint32_t carry) {
  for (; i < n; ++i) {
    const uint32_t sp = t[i] == ' ';
    b[w] = t[i];
    w += !(sp & carry);
    carry = sp;
  }
  return w;
}

#if defined(__SSE2__)
struct PackTable {
  uint8_t idx[256][8];  // keep mask -> the kept bytes' indices, packed
  uint8_t count[256];   // keep mask -> bytes kept
};
constexpr PackTable MakePackTable() {
  PackTable t{};
  for (int m = 0; m < 256; ++m) {
    int c = 0;
    for (int k = 0; k < 8; ++k)
      if (m >> k & 1) t.idx[m][c++] = static_cast<uint8_t>(k);
    for (int k = c; k < 8; ++k) t.idx[m][k] = 0x80;
    t.count[m] = static_cast<uint8_t>(c);
  }
  return t;
}
constexpr PackTable kPack = MakePackTable();

__attribute__((target("ssse3"))) size_t CollapseCopySsse3(char* b, size_t w, const char* t, size_t n) {
  size_t i = 0;
  uint32_t carry = 1;
  const __m128i space = _mm_set1_epi8(' '), eight = _mm_set1_epi8(8);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i));
    const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    const uint32_t drop = sp & ((sp << 1) | carry);
    carry = sp >> 15;
    // No branch on whether anything drops: which blocks have a run is as
    // good as random, and a mispredicted branch costs more than the shuffles.
    const uint32_t keep = ~drop & 0xFFFF, lo = keep & 0xFF, hi = keep >> 8;
    const __m128i il = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kPack.idx[lo]));
    const __m128i ih = _mm_or_si128(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(kPack.idx[hi])), eight);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(b + w), _mm_shuffle_epi8(v, il));
    w += kPack.count[lo];
    _mm_storel_epi64(reinterpret_cast<__m128i*>(b + w), _mm_shuffle_epi8(v, ih));  // 0x80 | 8: still zero
    w += kPack.count[hi];
  }
  return CollapseTail(b, w, t, i, n, carry);
}

size_t CollapseCopySse2(char* b, size_t w, const char* t, size_t n) {
  size_t i = 0;
  uint32_t carry = 1;
  const __m128i space = _mm_set1_epi8(' ');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i));
    const uint32_t sp = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    const uint32_t drop = sp & ((sp << 1) | carry);
    carry = sp >> 15;
    if (!drop) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(b + w), v);
      w += 16;
      continue;
    }
    for (size_t k = 0; k < 16; ++k) {
      b[w] = t[i + k];
      w += !((drop >> k) & 1);
    }
  }
  return CollapseTail(b, w, t, i, n, carry);
}

size_t CollapseCopy(char* b, size_t w, const char* t, size_t n) {
  static const bool ssse3 = __builtin_cpu_supports("ssse3");
  return ssse3 ? CollapseCopySsse3(b, w, t, n) : CollapseCopySse2(b, w, t, n);
}
#else
size_t CollapseCopy(char* b, size_t w, const char* t, size_t n) { return CollapseTail(b, w, t, 0, n, 1); }
#endif

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
  const Impl& im = *impl_;
  const bool reference = im.engine == MatcherEngine::kRegexReference;
  if (count == 0 || (reference ? !im.ref_db : !im.lit_db && !im.need_db && !im.re_db)) return;
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
  // The buffer: " text \0 text \0 ...". For the literal engine each text
  // goes in with its runs of spaces collapsed to one space (a space before
  // and after it included), so that separator runs need no regex; the
  // matches map back through Uncollapse.
  if (s->buffer.size() < total + 16) s->buffer.resize(total + 16);
  s->starts.resize(count);
  char* b = s->buffer.data();
  size_t w = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string& t = texts[i]->text;
    b[w++] = ' ';
    s->starts[i] = static_cast<uint32_t>(w);
    if (reference) {
      std::memcpy(b + w, t.data(), t.size());
      w += t.size();
      b[w++] = ' ';
    } else {
      w = CollapseCopy(b, w, t.data(), t.size());
      if (b[w - 1] != ' ') b[w++] = ' ';
    }
    b[w++] = '\0';
  }
  const auto len = static_cast<unsigned int>(w);
  // Merges s->more (sorted) into *out (sorted), from the back; a match both
  // hold (a spec whose spellings are in two databases) is kept once.
  auto merge_more = [&] {
    size_t m = 0;
    for (const TermMatch& x : s->more)
      if (!std::binary_search(out->begin(), out->end(), x, Before)) s->more[m++] = x;
    s->more.resize(m);
    size_t a = out->size();
    if (m == 0) return;
    out->resize(a + m);
    TermMatch* o = out->data();
    for (size_t k = a + m; m > 0;) {
      if (a > 0 && Before(s->more[m - 1], o[a - 1]))
        o[--k] = o[--a];
      else
        o[--k] = s->more[--m];
    }
  };
  // Texts with I/l strokes or digits glued to words: looked up (ScanStrokes,
  // ScanSoftEdges).
  auto strokes = [&] {
    s->more.clear();
    for (size_t i = 0; i < count; ++i) {
      const NormalizedText& nt = *texts[i];
      if (!nt.ambiguous.empty())
        ScanStrokes(im.specs, im.last_word_il, im.max_words, nt, static_cast<uint32_t>(i), &s->key, &s->more);
      if (!nt.soft_starts.empty() || !nt.soft_ends.empty())
        ScanSoftEdges(im.specs, im.last_word_il, im.first_word, nt, static_cast<uint32_t>(i), &s->key, &s->more);
    }
    if (s->more.empty()) return;
    std::sort(s->more.begin(), s->more.end(), Before);
    s->more.erase(std::unique(s->more.begin(), s->more.end(),
                              [](const TermMatch& a, const TermMatch& b) { return !Before(a, b) && !Before(b, a); }),
                  s->more.end());
    merge_more();
  };
  if (reference) {
    ScanContext ctx{im.specs.data(), nullptr, nullptr, texts, s->starts.data(), count, out, false};
    hs_scan(im.ref_db, b, len, 0, s->scratch, OnMatch, &ctx);
    strokes();
    return;
  }
  if (im.lit_db) {
    ScanContext ctx{im.specs.data(), im.lit_spec.data(), nullptr, texts, s->starts.data(), count, out, true};
    hs_scan(im.lit_db, b, len, 0, s->scratch, OnMatch, &ctx);
  }
  if (im.need_db) {
    // Only the texts with stretched letters or glued points, in a second buffer.
    s->sub_texts.clear();
    s->sub_ids.clear();
    size_t sub_total = 0;
    for (size_t i = 0; i < count; ++i)
      if (!texts[i]->stretched.empty() || !texts[i]->glued.empty()) {
        s->sub_texts.push_back(texts[i]);
        s->sub_ids.push_back(static_cast<uint32_t>(i));
        sub_total += texts[i]->text.size() + 3;
      }
    if (!s->sub_texts.empty()) {
      if (s->buffer2.size() < sub_total + 16) s->buffer2.resize(sub_total + 16);
      s->starts2.resize(s->sub_texts.size());
      char* b2 = s->buffer2.data();
      size_t w2 = 0;
      for (size_t i = 0; i < s->sub_texts.size(); ++i) {
        const std::string& t = s->sub_texts[i]->text;
        b2[w2++] = ' ';
        s->starts2[i] = static_cast<uint32_t>(w2);
        w2 = CollapseCopy(b2, w2, t.data(), t.size());
        if (b2[w2 - 1] != ' ') b2[w2++] = ' ';
        b2[w2++] = '\0';
      }
      s->more.clear();
      ScanContext ctx{im.specs.data(), im.need_spec.data(), im.need_bits.data(), s->sub_texts.data(),
                      s->starts2.data(), s->sub_texts.size(), &s->more, true, s->sub_ids.data()};
      hs_scan(im.need_db, b2, static_cast<unsigned int>(w2), 0, s->scratch, OnMatch, &ctx);
      merge_more();
    }
  }
  if (im.re_db) {
    s->more.clear();
    ScanContext ctx{im.specs.data(), im.re_spec.data(), nullptr, texts, s->starts.data(), count, &s->more, true};
    hs_scan(im.re_db, b, len, 0, s->scratch, OnMatch, &ctx);
    merge_more();
  }
  strokes();
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
