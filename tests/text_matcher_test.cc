#include "text/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace evenhand {
namespace {

const Normalizer& N() {
  static const Normalizer n;
  return n;
}

TermList List(std::string name, std::vector<std::string> terms) {
  TermList l;
  l.name = std::move(name);
  l.terms = std::move(terms);
  return l;
}

std::unique_ptr<TermMatcher> MustCompile(const std::vector<TermList>& lists,
                                         const Normalizer& n = N()) {
  auto r = TermMatcher::Compile(lists, n);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

using Hit = std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>;  // list, term, begin, end

std::vector<Hit> ScanAll(const TermMatcher& m, std::string_view text, const Normalizer& n = N()) {
  NormalizedText nt;
  n.Normalize(text, &nt);
  auto scratch = m.NewScratch();
  std::vector<TermMatch> out;
  m.Scan(nt, scratch.get(), &out);
  std::vector<Hit> hits;
  for (const auto& h : out) hits.emplace_back(h.list, h.term, h.begin, h.end);
  return hits;
}

// ---- spans in the original text --------------------------------------------

TEST(MatcherSpans, HiddenByZeroWidth) {
  auto m = MustCompile({List("scam", {"free money"})});
  ASSERT_TRUE(m);
  const std::string text = "Get fr\u200Bee money now";  // ZWSP is 3 bytes
  auto hits = ScanAll(*m, text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0], Hit(0, 0, 4, 17));
  EXPECT_EQ(text.substr(4, 13), "fr\u200Bee money");
}

TEST(MatcherSpans, HiddenByFullwidth) {
  auto m = MustCompile({List("scam", {"free"})});
  ASSERT_TRUE(m);
  const std::string text = "win ｆｒｅｅ stuff";  // 4 x 3 bytes at [4,16)
  auto hits = ScanAll(*m, text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0], Hit(0, 0, 4, 16));
}

TEST(MatcherSpans, HiddenByLeetAndCase) {
  auto m = MustCompile({List("scam", {"free money"})});
  ASSERT_TRUE(m);
  auto hits = ScanAll(*m, "Totally FR33 M0NEY!!");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0], Hit(0, 0, 8, 18));
}

TEST(MatcherSpans, HiddenByConfusablesAndSqueeze) {
  auto m = MustCompile({List("phish", {"paypal"}), List("spam", {"free"})});
  ASSERT_TRUE(m);
  // Cyrillic er (2 bytes) at [6,8); "freeeee" at [19,26)
  auto hits = ScanAll(*m, "login \u0440aypal now, freeeee");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0], Hit(0, 0, 6, 13));
  EXPECT_EQ(hits[1], Hit(1, 0, 19, 26));
}

TEST(MatcherSpans, TermsAreNormalisedToo) {
  // A term written in fullwidth and upper case still matches plain text.
  auto m = MustCompile({List("l", {"ＦＲＥＥ"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanAll(*m, "free"), std::vector<Hit>{Hit(0, 0, 0, 4)});
}

// ---- word boundaries -------------------------------------------------------

TEST(MatcherWords, LatinWholeWords) {
  auto m = MustCompile({List("scam", {"scam"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanAll(*m, "a scam!"), std::vector<Hit>{Hit(0, 0, 2, 6)});
  EXPECT_TRUE(ScanAll(*m, "scampi").empty());
  EXPECT_TRUE(ScanAll(*m, "antiscam").empty());
  EXPECT_TRUE(ScanAll(*m, "scamx2").empty());
  // Digits glued to a word end it there too (issue 15); the span leaves them out.
  EXPECT_EQ(ScanAll(*m, "scam2"), std::vector<Hit>{Hit(0, 0, 0, 4)});
  EXPECT_EQ(ScanAll(*m, "99scam"), std::vector<Hit>{Hit(0, 0, 2, 6)});
  EXPECT_EQ(ScanAll(*m, "scam"), std::vector<Hit>{Hit(0, 0, 0, 4)});
  EXPECT_EQ(ScanAll(*m, "(scam)"), std::vector<Hit>{Hit(0, 0, 1, 5)});
  EXPECT_EQ(ScanAll(*m, "scam-scam").size(), 2u);
  // A non-ASCII letter next to the term is a word character too.
  EXPECT_TRUE(ScanAll(*m, "scam\xC3\xA9").empty());   // "scamé"
  EXPECT_TRUE(ScanAll(*m, "\xC3\xA9scam").empty());
  EXPECT_EQ(ScanAll(*m, "\xC2\xABscam\xC2\xBB"), std::vector<Hit>{Hit(0, 0, 2, 6)});  // «scam»
}

TEST(MatcherWords, MultiwordPhrase) {
  auto m = MustCompile({List("spam", {"free money", "free"})});
  ASSERT_TRUE(m);
  auto hits = ScanAll(*m, "get free money today");
  // Both the phrase and the single word, ordered by end offset.
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0], Hit(0, 1, 4, 8));
  EXPECT_EQ(hits[1], Hit(0, 0, 4, 14));
  EXPECT_EQ(ScanAll(*m, "free moneyball"), std::vector<Hit>{Hit(0, 1, 0, 4)});
  EXPECT_TRUE(ScanAll(*m, "carefree moneys").empty());
}

TEST(MatcherWords, PunctuationInsideAndAroundTerms) {
  // Inside a term, punctuation matches any one separator; at its ends it is dropped.
  auto m = MustCompile({List("spam", {"e-mail", "#scam", "c.a.s.h"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanAll(*m, "my e.mail!"), std::vector<Hit>{Hit(0, 0, 3, 9)});
  EXPECT_EQ(ScanAll(*m, "e mail"), std::vector<Hit>{Hit(0, 0, 0, 6)});
  // The words of a term written as one word match too ("#EasyMoney").
  EXPECT_EQ(ScanAll(*m, "email"), std::vector<Hit>{Hit(0, 0, 0, 5)});
  EXPECT_TRUE(ScanAll(*m, "emails").empty());
  EXPECT_EQ(ScanAll(*m, "a scam"), std::vector<Hit>{Hit(0, 1, 2, 6)});
  EXPECT_EQ(ScanAll(*m, "#scam"), std::vector<Hit>{Hit(0, 1, 1, 5)});
  EXPECT_EQ(ScanAll(*m, "c-a-s-h now"), std::vector<Hit>{Hit(0, 2, 0, 7)});
}

TEST(MatcherMany, SameMatchesAsOneByOneAndNothingAcrossTexts) {
  auto m = MustCompile({List("spam", {"free money", "scam"}), List("x", {"money"})});
  ASSERT_TRUE(m);
  const std::vector<std::string> texts = {"free", "money scam", "", "no match here", "SCAM, free money!"};
  std::vector<NormalizedText> nts(texts.size());
  std::vector<const NormalizedText*> ptrs;
  for (size_t i = 0; i < texts.size(); ++i) {
    N().Normalize(texts[i], &nts[i]);
    ptrs.push_back(&nts[i]);
  }
  auto scratch = m->NewScratch();
  std::vector<TermMatch> many;
  m->ScanMany(ptrs.data(), ptrs.size(), scratch.get(), &many);
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>> got, want;
  for (const auto& h : many) got.emplace_back(h.text, h.list, h.term, h.begin, h.end);
  for (uint32_t i = 0; i < texts.size(); ++i)
    for (const Hit& h : ScanAll(*m, texts[i]))
      want.emplace_back(i, std::get<0>(h), std::get<1>(h), std::get<2>(h), std::get<3>(h));
  EXPECT_EQ(got, want);
  // "free" ending text 0 and "money" starting text 1 must not make "free money".
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(std::get<0>(got[0]), 1u);
  EXPECT_EQ(got.size(), 5u);  // text 1: money, scam; text 4: scam, money, free money
}

TEST(MatcherWords, ArabicScriptBoundaries) {
  auto m = MustCompile({List("ar", {"مال"})});
  ASSERT_TRUE(m);
  // Between spaces: "هذا مال كثير"; مال is 6 bytes after "هذا " (7 bytes).
  EXPECT_EQ(ScanAll(*m, "هذا مال كثير"), std::vector<Hit>{Hit(0, 0, 7, 13)});
  // Between punctuation.
  EXPECT_EQ(ScanAll(*m, "(مال)"), std::vector<Hit>{Hit(0, 0, 1, 7)});
  EXPECT_EQ(ScanAll(*m, "مال،"), std::vector<Hit>{Hit(0, 0, 0, 6)});  // Arabic comma
  // Prefix of a longer word (followed by an Arabic letter): no match.
  EXPECT_TRUE(ScanAll(*m, "مالك").empty());
  // Suffix of a longer word (preceded by an Arabic letter): no match.
  EXPECT_TRUE(ScanAll(*m, "المال").empty());
  // Harakat and tatweel are folded away in text, so the word still matches
  // and the span covers them.
  EXPECT_EQ(ScanAll(*m, "مَـال"), std::vector<Hit>{Hit(0, 0, 0, 10)});
}

TEST(MatcherWords, CombiningMarkIsAWordCharacter) {
  // Without Arabic folding, harakat stay in the text; a mark after the term
  // makes it part of a longer word.
  NormalizerOptions o;
  o.arabic_fold = false;
  Normalizer n(o);
  auto m = MustCompile({List("ar", {"مال"})}, n);
  ASSERT_TRUE(m);
  EXPECT_TRUE(ScanAll(*m, "مالٌ", n).empty());
  EXPECT_EQ(ScanAll(*m, "مال ٌ", n).size(), 1u);
}

TEST(MatcherWords, UrduSpellingMatchesArabicSpelling) {
  auto m = MustCompile({List("ur", {"پاکستان", "مدرسہ"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanAll(*m, "پاكستان").size(), 1u);  // Arabic kaf in text
  auto hits = ScanAll(*m, "یہ مدرسة ہے");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(std::get<1>(hits[0]), 1u);
  EXPECT_TRUE(ScanAll(*m, "پاکستانی").empty());  // longer word ("Pakistani")
}

// ---- lists and terms -------------------------------------------------------

TEST(MatcherLists, SameTermInTwoLists) {
  auto m = MustCompile({List("a", {"fraud", "scam"}), List("b", {"lottery", "winner", "scam"})});
  ASSERT_TRUE(m);
  auto hits = ScanAll(*m, "it is a scam");
  ASSERT_EQ(hits.size(), 2u);
  std::sort(hits.begin(), hits.end());
  EXPECT_EQ(hits[0], Hit(0, 1, 8, 12));
  EXPECT_EQ(hits[1], Hit(1, 2, 8, 12));
  EXPECT_EQ(m->list_count(), 2u);
  EXPECT_EQ(m->list_name(1), "b");
  EXPECT_EQ(m->term(1, 2), "scam");
}

TEST(MatcherLists, DuplicateNormalisedTermsInOneListReportOnce) {
  auto m = MustCompile({List("a", {"Free", "FREE", "ｆｒｅｅ"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanAll(*m, "free"), std::vector<Hit>{Hit(0, 0, 0, 4)});
}

TEST(MatcherLists, EmptyTermAfterNormalisationIsAnError) {
  auto r = TermMatcher::Compile({List("good", {"ok"}), List("bad_list", {"fine", "\u200B\u200D"})}, N());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
  EXPECT_NE(r.status().message().find("bad_list"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("term 2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("no letter or digit"), std::string::npos) << r.status().message();
}

TEST(MatcherLists, NoListsMatchesNothing) {
  auto m = MustCompile({});
  ASSERT_TRUE(m);
  EXPECT_TRUE(ScanAll(*m, "anything").empty());
  auto s = m->NewScratch();
  EXPECT_EQ(m->ScanRaw("anything", s.get()), 0u);
}

TEST(MatcherLists, OutputIsClearedAndOrderedByEnd) {
  auto m = MustCompile({List("a", {"win", "prize", "now"})});
  ASSERT_TRUE(m);
  NormalizedText nt;
  auto s = m->NewScratch();
  std::vector<TermMatch> out = {TermMatch{9, 9, 9, 9}};
  N().Normalize("Win a prize now, win!", &nt);
  m->Scan(nt, s.get(), &out);
  ASSERT_EQ(out.size(), 4u);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LE(out[i - 1].end, out[i].end);
  EXPECT_EQ(out[0].term, 0u);
  EXPECT_EQ(out[3].begin, 17u);
}

TEST(MatcherRaw, CountsCaseInsensitiveRawMatches) {
  auto m = MustCompile({List("a", {"scam", "Free"})});
  ASSERT_TRUE(m);
  auto s = m->NewScratch();
  EXPECT_EQ(m->ScanRaw("SCAM scampi FREE fr33", s.get()), 3u);  // no word check, no leet
}

// ---- threads ---------------------------------------------------------------

TEST(MatcherThreads, SeparateScratchGivesIdenticalResults) {
  auto m = MustCompile({List("spam", {"free money", "winner", "scam"}),
                        List("ur", {"پاکستان", "مال"}), List("phish", {"paypal", "scam"})});
  ASSERT_TRUE(m);
  const std::vector<std::string> texts = {
      "You are a WINNER of fr33 m0ney!!! not a scam",
      "login to \u0440aypal now",
      "پاكستان کا مال، مالك",
      "nothing to see here",
      "scam scam scampi scam.",
      "ｆｒｅｅ ｍｏｎｅｙ for the winnerrrr"};
  std::vector<std::vector<Hit>> expected;
  for (const auto& t : texts) expected.push_back(ScanAll(*m, t));
  ASSERT_EQ(expected[0].size(), 4u);  // winner, free money, scam x2 lists
  ASSERT_EQ(expected[2].size(), 2u);

  constexpr int kThreads = 4;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      auto scratch = m->NewScratch();
      NormalizedText nt;
      std::vector<TermMatch> out;
      for (int rep = 0; rep < 300; ++rep) {
        for (size_t i = 0; i < texts.size(); ++i) {
          N().Normalize(texts[(i + th) % texts.size()], &nt);
          m->Scan(nt, scratch.get(), &out);
          std::vector<Hit> hits;
          for (const auto& h : out) hits.emplace_back(h.list, h.term, h.begin, h.end);
          if (hits != expected[(i + th) % texts.size()]) ++mismatches[th];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int th = 0; th < kThreads; ++th) EXPECT_EQ(mismatches[th], 0) << "thread " << th;
}

// ---- the literal engine against the issue-15 regex engine -------------------

// Random texts built from the terms' words, disguised the ways the evasion
// classes undo (separator runs, letters spelled out, stretched, emoji and
// symbols glued in, words written together, single letters around), must
// give the same matches, spans and order from both engines, one text at a
// time and many per call.
TEST(MatcherEngines, LiteralsAgreeWithRegexReference) {
  std::vector<TermList> lists = {
      List("en", {"easy money", "book", "ass", "butt", "free", "i am", "blow job", "coffee", "x",
                  "big black cock", "zzz", "a b"}),
      List("ur", {"\u0642\u0631\u0636", "\u062c\u0644\u062f\u06cc \u067e\u06cc\u0633\u06c1"}),
      List("pt", {"dinheiro f\u00e1cil", "gr\u00e1tis"})};
  TermList ru = List("ru", {"jaldi paisa", "qarz"});
  ru.phonetic = {true, true};
  lists.push_back(ru);
  auto fast = MustCompile(lists);
  auto ref = TermMatcher::Compile(lists, N(), MatcherEngine::kRegexReference);
  ASSERT_TRUE(fast);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  std::vector<std::string> pieces;
  for (const TermList& l : lists)
    for (const std::string& t : l.terms) {
      size_t i = 0;
      while (i <= t.size()) {
        size_t j = t.find(' ', i);
        if (j == std::string::npos) j = t.size();
        pieces.push_back(t.substr(i, j - i));
        i = j + 1;
      }
    }
  for (const char* p : {"a", "e", "s", "y", "i", "m", "o", "\u0642", "oo", "yyyy", "ssss", "\U0001F4B0",
                        "\u00a7", "mon", "jldi", "pesa", "karz", "2026", "\u06f2", "U.S.A."})
    pieces.emplace_back(p);
  const char* seps[] = {" ", "  ", ", ", " - ", ".", "", "\U0001F4B8", " \U0001F4B8 ", "\u200b", "!!"};
  uint64_t rng = 12345;
  auto next = [&](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  auto spell = [&](const std::string& w) {  // letter by letter, one separator between
    std::string out;
    for (size_t i = 0; i < w.size();) {
      size_t len = 1;
      while (i + len < w.size() && (static_cast<unsigned char>(w[i + len]) & 0xC0) == 0x80) ++len;
      if (i) out += seps[next(3)];
      out += w.substr(i, len);
      i += len;
    }
    return out;
  };
  std::vector<std::string> texts;
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    const size_t words = 1 + next(6);
    for (size_t k = 0; k < words; ++k) {
      if (k) text += seps[next(std::size(seps))];
      std::string w = pieces[next(pieces.size())];
      switch (next(6)) {
        case 0: w = spell(w); break;
        case 1: if (!w.empty()) w.insert(0, std::string(2, w[0])); break;
        case 2: if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32); break;
        default: break;
      }
      text += w;
    }
    texts.push_back(std::move(text));
  }
  auto scratch_fast = fast->NewScratch();
  auto scratch_ref = (*ref)->NewScratch();
  std::vector<NormalizedText> nts(texts.size());
  std::vector<const NormalizedText*> ptrs;
  for (size_t i = 0; i < texts.size(); ++i) {
    N().NormalizeForMatch(texts[i], &nts[i]);
    ptrs.push_back(&nts[i]);
  }
  auto key = [](const std::vector<TermMatch>& v) {
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>> k;
    for (const TermMatch& m : v) k.emplace_back(m.text, m.end, m.list, m.term, m.begin);
    return k;
  };
  std::vector<TermMatch> a, b;
  size_t found = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    fast->Scan(nts[i], scratch_fast.get(), &a);
    (*ref)->Scan(nts[i], scratch_ref.get(), &b);
    found += a.size();
    // The regex engine orders one end's matches as Vectorscan reports them.
    auto kb = key(b);
    std::sort(kb.begin(), kb.end());
    ASSERT_EQ(key(a), kb) << "text " << i << ": " << texts[i];
  }
  EXPECT_GT(found, 300u);  // the texts do hold terms
  for (size_t from = 0; from < texts.size(); from += 64) {
    const size_t count = std::min<size_t>(64, texts.size() - from);
    fast->ScanMany(ptrs.data() + from, count, scratch_fast.get(), &a);
    (*ref)->ScanMany(ptrs.data() + from, count, scratch_ref.get(), &b);
    auto kb = key(b);
    std::sort(kb.begin(), kb.end());
    ASSERT_EQ(key(a), kb) << "batch at " << from;
  }
}


// A six-word term has 1,024 spellings over collapsed text (each word as
// written or spelled out, apart or together): a few dozen literals (the
// spelled-out ones only from the last spelled-out word on), not a regex;
// both engines still report the same matches.
TEST(MatcherEngines, SixWordTermAsLiteralsAgreesWithRegexReference) {
  std::vector<TermList> lists = {List("en", {"rosy palm and her 5 sisters", "palm"})};
  auto fast = MustCompile(lists);
  auto ref = TermMatcher::Compile(lists, N(), MatcherEngine::kRegexReference);
  ASSERT_TRUE(fast);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"rosy palm and her 5 sisters", 2},
      {"r o s y palm and her 5 sisters", 2},
      {"rosy  palm, and h.e.r 5 s i s t e r s!", 2},
      {"R.O.S.Y. PALM & HER 5 SISTERS", 1},  // "and" is a word of the term
      {"rosy palm and her 5 sister", 1},
      {"x r o s y palm and her 5 sisters", 1},  // a one-letter token touches the spelled-out word
  };
  auto scratch_fast = fast->NewScratch();
  auto scratch_ref = (*ref)->NewScratch();
  for (const auto& [text, want] : cases) {
    NormalizedText nt;
    N().NormalizeForMatch(text, &nt);
    std::vector<TermMatch> a, b;
    fast->Scan(nt, scratch_fast.get(), &a);
    (*ref)->Scan(nt, scratch_ref.get(), &b);
    EXPECT_EQ(a.size(), want) << text;
    ASSERT_EQ(a.size(), b.size()) << text;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(std::tie(a[i].term, a[i].begin, a[i].end), std::tie(b[i].term, b[i].begin, b[i].end)) << text;
      if (a[i].term == 0) {
        EXPECT_EQ(a[i].begin, 0u) << text;
        EXPECT_EQ(a[i].end, text.size() - (text.back() == '!' ? 1 : 0)) << text;
      }
    }
  }
}

}  // namespace
}  // namespace evenhand
