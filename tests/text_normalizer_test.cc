#include "text/normalizer.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>

#include <string>
#include <thread>
#include <vector>

namespace evenhand {
namespace {

const Normalizer& N() {
  static const Normalizer n;
  return n;
}

std::string Norm(std::string_view s) { return N().Normalize(s); }

// ---- Latin -----------------------------------------------------------------

TEST(NormalizerLatin, CaseFolding) {
  EXPECT_EQ(Norm("FREE Money"), "free money");
  EXPECT_EQ(Norm("Straße"), "strasse");  // full case folding (non-ASCII path)
}

TEST(NormalizerLatin, FullwidthNfkc) {
  EXPECT_EQ(Norm("ｆｒｅｅ"), "free");
  EXPECT_EQ(Norm("ＦＲＥＥ ｍｏｎｅｙ"), "free money");
}

TEST(NormalizerLatin, Ligature) {
  EXPECT_EQ(Norm("\xEF\xAC\x81nance"), "finance");  // U+FB01 "ﬁ"
}

TEST(NormalizerLatin, ZeroWidthInsideWord) {
  EXPECT_EQ(Norm("fr\u200Bee"), "free");
  EXPECT_EQ(Norm("s\u200Cc\u200Da\u2060m\uFEFF"), "scam");
  EXPECT_EQ(Norm("sc\u00ADam"), "scam");  // soft hyphen
}

TEST(NormalizerLatin, BidiControlsStripped) {
  EXPECT_EQ(Norm("\u202Escam\u202C"), "scam");
  EXPECT_EQ(Norm("sc\u200Eam\u200F"), "scam");
  EXPECT_EQ(Norm("\u2066sc\u2067am\u2068\u2069\u061C\u202A\u202B\u202D"), "scam");
}

TEST(NormalizerLatin, Leet) {
  EXPECT_EQ(Norm("fr33 m0ney"), "free money");
  EXPECT_EQ(Norm("p@yp4l"), "paypal");
  EXPECT_EQ(Norm("$c4m"), "scam");
  EXPECT_EQ(Norm("h4ck3r"), "hacker");
}

TEST(NormalizerLatin, LeetLeavesNumbersAlone) {
  EXPECT_EQ(Norm("2026"), "2026");
  // "$" outside a word with letters is no leet key but a separator.
  EXPECT_EQ(Norm("in 2026 we paid $100, 7 times"), "in 2026 we paid  100  7 times");
}

TEST(NormalizerLatin, Squeeze) {
  // Runs of three or more fold to one letter, marked stretched.
  EXPECT_EQ(Norm("freeeeee"), "fre");
  EXPECT_EQ(Norm("FREEEE"), "fre");
  EXPECT_EQ(Norm("good"), "good");  // two stay two
  EXPECT_EQ(Norm("1000"), "1000");  // digits are not letters
  EXPECT_EQ(Norm("!!!!"), "    ");  // separators, not letters: never squeezed
  EXPECT_EQ(Norm("fr333"), "fre");  // leet first, then squeeze
  NormalizedText t;
  N().NormalizeForMatch("a boook and baaad, bad", &t);
  EXPECT_EQ(t.text, "a bok and bad  bad");
  EXPECT_EQ(t.stretched, (std::vector<uint32_t>{3, 11}));
  N().NormalizeForMatch("\u0642\u0631\u0636\u0636\u0636 book", &t);  // قرضضض
  EXPECT_EQ(t.text, "\u0642\u0631\u0636 book");
  EXPECT_EQ(t.stretched, (std::vector<uint32_t>{4}));
}

TEST(NormalizerLatin, OptionsCanBeDisabled) {
  NormalizerOptions o;
  o.leet = false;
  o.squeeze = false;
  o.case_fold = false;
  Normalizer n(o);
  EXPECT_EQ(n.Normalize("Fr33eee"), "Fr33eee");
  EXPECT_EQ(n.Normalize("ＦＲ"), "FR");  // NFKC still on
}

TEST(NormalizerLatin, CustomLeetMap) {
  NormalizerOptions o;
  o.leet_map = {{U'8', U'b'}};
  Normalizer n(o);
  EXPECT_EQ(n.Normalize("8ad"), "bad");
  EXPECT_EQ(n.Normalize("fr33"), "fr33");  // default map replaced
}

TEST(NormalizerLatin, InvalidUtf8IsASeparator) {
  // The bad byte decodes as U+FFFD, which is no word character.
  EXPECT_EQ(Norm(std::string("a\xFF" "b")), "a b");
}

TEST(NormalizerLatin, NulBytesAreSeparators) {
  EXPECT_EQ(Norm(std::string("a\0b", 3)), "a b");
  const std::string mixed("\xC3\xA9\0\xD9\x85", 5);  // "é", NUL, Arabic meem
  EXPECT_EQ(Norm(mixed), "e \xD9\x85");  // the accent goes too
}

TEST(NormalizerLatin, EverySymbolBecomesOneSpace) {
  EXPECT_EQ(Norm("win!!! cash-now: e.mail #tag"), "win    cash now  e mail  tag");
  // One space per character; NFKC first makes the ellipsis three dots.
  EXPECT_EQ(Norm("don\u2019t \u2014 stop\u2026"), "don t   stop   ");
  EXPECT_EQ(Norm("\U0001F4B0money\U0001F4B0"), " money ");             // emoji
  EXPECT_EQ(Norm("mo\U0001F4B0ney \u00A7 a\u00A7b"), "money   ab");      // between two letters: dropped
  EXPECT_EQ(Norm("p@y $c4m $5"), "pay scam  5");  // keys in words map; outside words they separate
  NormalizerOptions o;
  o.leet = false;
  EXPECT_EQ(Normalizer(o).Normalize("p@y $5"), "p y  5");
}

TEST(NormalizerArabic, PunctuationIsASeparator) {
  // Arabic comma U+060C and question mark U+061F are separators; letters stay.
  EXPECT_EQ(Norm("\u0633\u0644\u0627\u0645\u060C\u0645\u0631\u062D\u0628\u0627\u061F"),
            "\u0633\u0644\u0627\u0645 \u0645\u0631\u062D\u0628\u0627 ");
}

// Non-ASCII input takes the ICU path; ASCII text inside it must come out as
// the fast path would produce it.
TEST(NormalizerLatin, FastAndGeneralPathsAgree) {
  const char* cases[] = {"Fr33 M0NEY!!! freeeee $100 2026 p@ypal h4ck3rrr 3eee e333",
                         "a-b_c 0x7f @home $$$ 5ecret", "AAA aaa Aaa 1st 33e"};
  for (const char* c : cases) {
    std::string ascii = Norm(c);
    std::string mixed = Norm(std::string(c) + " \xD0\xB6");  // + " ж"
    EXPECT_EQ(mixed, ascii + " \xD0\xB6") << c;
  }
}

// Randomised: the vectorised ASCII path (16-byte blocks, runs and tokens
// crossing block edges) must agree with the general path on text and spans.
TEST(NormalizerLatin, FastPathMatchesGeneralPathRandomised) {
  const std::string alphabet = "aaeeEE33x0@$ .-sS5w";
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
  };
  NormalizedText fast, general;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    const size_t len = next() % 70;
    for (size_t i = 0; i < len; ++i) s.push_back(alphabet[next() % alphabet.size()]);
    N().Normalize(s, &fast);
    N().Normalize(s + " \xD0\xB6", &general);  // " ж" forces the general path
    ASSERT_EQ(general.text, fast.text + " \xD0\xB6") << "input: '" << s << "'";
    ASSERT_EQ(general.stretched, fast.stretched) << "input: '" << s << "'";
    for (size_t i = 0; i < fast.text.size(); ++i) {
      ASSERT_EQ(fast.source_begin[i], general.source_begin[i]) << "input: '" << s << "' byte " << i;
      ASSERT_EQ(fast.source_end[i], general.source_end[i]) << "input: '" << s << "' byte " << i;
    }
  }
}

// Randomised: mixed text is cut into ASCII stretches, non-ASCII separators
// written as one space each, and islands through the general path; the
// result (text, spans, stretched, glued, I/l-stroke and soft points) must equal the general
// path over the whole text. The pieces are the neighbours that could make a
// cut wrong: combining marks that compose with what precedes them ("<" +
// U+0338 is "≮"), invisibles between a separator and a mark, glue symbols,
// separators NFKC changes ("½", fullwidth ","), invalid and truncated bytes,
// Arabic, CJK, letters with marks, leet keys, runs of letters.
TEST(NormalizerMixed, IslandsMatchTheGeneralPathRandomised) {
  const std::vector<std::string> pieces = {
      "a", "e", "E", "l", "o", "s", "3", "0", "1", "@", "$", " ", ".", "-", "<", "=", "#", "aaa", "eee",
      "\xEF\xBF\xBD",            // U+FFFD
      "\xC2\xBF", "\xC2\xBD",     // ¿ ½
      "\xC3\xAF", "\xC3\xA9",     // ï é
      "\xE2\x80\x99",            // ’
      "\xE2\x80\x94",            // — (em dash)
      "\xEF\xBC\x8C",            // fullwidth comma
      "\xE3\x80\x82",            // ideographic full stop
      "\xCC\x81", "\xCC\xB8", "\xCC\xB6",  // combining acute, long solidus overlay, long stroke overlay
      "\xCD\x85",                 // combining ypogegrammeni
      "\xE2\x80\x8D", "\xC2\xAD",  // zero-width joiner, soft hyphen
      "\xF0\x9F\x92\xB0",         // money bag emoji
      "\xE2\x98\x85",            // black star
      "\xC2\xA7", "\xC2\xB7",     // section sign, middle dot
      "\xD9\x82", "\xD8\xB1", "\xD8\xB6", "\xD9\xA2", "\xD8\x8C",  // ق ر ض ٢ ،
      "\xE5\xAD\xA6", "\xE3\x81\x84",  // 学 い
      "\xD0\xB0", "\xD0\xAC",     // Cyrillic а Ь
      "\xD3\x8F", "\xD9\xA1", "\xDB\xB1", "I",  // I/l strokes: palochka, Arabic-Indic and Eastern one; ASCII I
      "2", "9", "42", "0000",     // digits to glue to words
      "\xCE\xBF",                 // Greek omicron
      "\xF0\x9D\x90\x9A",         // mathematical bold a
      "\xE2\x91\xA0",            // circled digit one
      "\x80", "\xE2\x82", "\xF0\x9F\x92", "\xC3",  // invalid and truncated sequences
  };
  uint32_t seed = 2026;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFF;
  };
  NormalizedText fast, ref;
  int mixed = 0, strokes = 0, soft = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const size_t len = next() % 24;
    for (size_t i = 0; i < len; ++i) s += pieces[next() % pieces.size()];
    N().Normalize(s, &fast);
    N().NormalizeReference(s, &ref);
    mixed += s.find_first_of("\x80\x81\x82\x8C\x8D\x99\xAD\xAF\xBD\xBF") != std::string::npos;
    ASSERT_EQ(fast.text, ref.text) << "input: '" << s << "'";
    ASSERT_EQ(fast.stretched, ref.stretched) << "input: '" << s << "'";
    ASSERT_EQ(fast.glued, ref.glued) << "input: '" << s << "'";
    ASSERT_EQ(fast.ambiguous, ref.ambiguous) << "input: '" << s << "'";
    ASSERT_EQ(fast.soft_starts, ref.soft_starts) << "input: '" << s << "'";
    ASSERT_EQ(fast.soft_ends, ref.soft_ends) << "input: '" << s << "'";
    soft += !ref.soft_starts.empty() || !ref.soft_ends.empty();
    strokes += !ref.ambiguous.empty();
    for (size_t i = 0; i < ref.text.size(); ++i) {
      ASSERT_EQ(fast.source_begin[i], ref.source_begin[i]) << "input: '" << s << "' byte " << i;
      ASSERT_EQ(fast.source_end[i], ref.source_end[i]) << "input: '" << s << "' byte " << i;
    }
  }
  EXPECT_GT(mixed, 10000);  // most inputs hold non-ASCII bytes
  EXPECT_GT(strokes, 500);  // and many an I/l stroke in a Latin word
  EXPECT_GT(soft, 1000);    // and digits glued to a word
}

// Separators outside ASCII come out as one space spanning their bytes, and
// one before a combining mark is no cut ("¿" + U+0301 stays one segment).
TEST(NormalizerMixed, NonAsciiSeparatorSpans) {
  NormalizedText out;
  N().Normalize("free\xEF\xBF\xBDmoney\xC2\xBF", &out);  // free�money¿
  EXPECT_EQ(out.text, "free money ");
  EXPECT_EQ(out.OriginalBegin(4), 4u);
  EXPECT_EQ(out.OriginalEnd(5), 7u);
  EXPECT_EQ(out.OriginalBegin(10), 12u);
  EXPECT_EQ(out.OriginalEnd(11), 14u);
  NormalizedText ref;
  for (const char* s : {"a\xC2\xBF\xCC\x81" "b",        // a¿ + combining acute + b
                        "\xC2\xBF\xCD\x85" "$ o",      // ¿ + U+0345 (joined to the ¿ by decoding)
                        "\xEF\xBF\xBD\xE2\x80\x8D\xCC\x81" "e"}) {  // U+FFFD, zero-width joiner, acute
    N().Normalize(s, &out);
    N().NormalizeReference(s, &ref);
    EXPECT_EQ(out.text, ref.text) << s;
    EXPECT_EQ(out.source_end, ref.source_end) << s;
  }
}

// ---- Cyrillic --------------------------------------------------------------

TEST(NormalizerCyrillic, ConfusablesInsideLatinWord) {
  EXPECT_EQ(Norm("\u0440aypal"), "paypal");        // Cyrillic er + Latin
  EXPECT_EQ(Norm("p\u0430yp\u0430l"), "paypal");   // Cyrillic a
  EXPECT_EQ(Norm("\u0420AYPAL"), "paypal");        // uppercase Cyrillic Er
  EXPECT_EQ(Norm("g\u043E\u043Egle"), "google");   // Cyrillic o
}

TEST(NormalizerCyrillic, AllCyrillicWordStaysCyrillic) {
  EXPECT_EQ(Norm("\u0440\u0430\u0443"), "\u0440\u0430\u0443");  // "рау": every letter has an ASCII look-alike
  EXPECT_EQ(Norm("МОСКВА"), "москва");
  EXPECT_EQ(Norm("рaypal и Москва"), "paypal и москва");
}

TEST(NormalizerGreek, ConfusablesInsideLatinWord) {
  EXPECT_EQ(Norm("\u03BFk"), "ok");  // Greek omicron
  EXPECT_EQ(Norm("\u03BA\u03B1\u03BB\u03B7"), "\u03BA\u03B1\u03BB\u03B7");  // Greek word untouched
}

// ---- Arabic script ---------------------------------------------------------

TEST(NormalizerArabic, UrduPakistan) {
  // Urdu keheh (U+06A9) folds to Arabic kaf (U+0643); peh stays.
  EXPECT_EQ(Norm("پاکستان"), "پاكستان");
  EXPECT_EQ(Norm("پاکستان"), Norm("پاكستان"));
}

TEST(NormalizerArabic, YehKafHehVariantsFoldTogether) {
  // Farsi yeh / yeh barree / alef maksura -> Arabic yeh.
  EXPECT_EQ(Norm("\u06CC"), "\u064A");
  EXPECT_EQ(Norm("\u06D2"), "\u064A");
  EXPECT_EQ(Norm("\u0649"), "\u064A");
  EXPECT_EQ(Norm("\u06D0"), "\u064A");
  EXPECT_EQ(Norm("\u06CD"), "\u064A");
  // Keheh / kaf with ring -> kaf.
  EXPECT_EQ(Norm("\u06A9"), "\u0643");
  EXPECT_EQ(Norm("\u06AB"), "\u0643");
  // Heh goal / heh doachashmee / teh marbuta / heh with yeh -> heh.
  EXPECT_EQ(Norm("\u06C1"), "\u0647");
  EXPECT_EQ(Norm("\u06BE"), "\u0647");
  EXPECT_EQ(Norm("\u0629"), "\u0647");
  EXPECT_EQ(Norm("\u06C0"), "\u0647");
  // Urdu spelling vs Arabic spelling of the same words.
  EXPECT_EQ(Norm("کتاب"), Norm("كتاب"));       // book
  EXPECT_EQ(Norm("مدرسہ"), Norm("مدرسة"));     // school: heh goal vs teh marbuta
  EXPECT_EQ(Norm("علی"), Norm("علي"));         // Ali: Farsi yeh vs Arabic yeh
  EXPECT_EQ(Norm("مصطفى"), Norm("مصطفي"));     // alef maksura
  EXPECT_EQ(Norm("بھائی"), "بهايي");           // do-chashmi heh, hamza-on-yeh, Farsi yeh
}

TEST(NormalizerArabic, AlefAndHamzaForms) {
  EXPECT_EQ(Norm("أحمد"), "احمد");
  EXPECT_EQ(Norm("إسلام"), "اسلام");
  EXPECT_EQ(Norm("آم"), "ام");
  EXPECT_EQ(Norm("\u0671"), "\u0627");
  EXPECT_EQ(Norm("مؤمن"), "مومن");
  EXPECT_EQ(Norm("\u0626"), "\u064A");
  // Decomposed alef + hamza above composes under NFKC, then folds.
  EXPECT_EQ(Norm("\u0627\u0654"), "\u0627");
}

TEST(NormalizerArabic, TatweelRemoved) {
  EXPECT_EQ(Norm("مـــال"), "مال");
}

TEST(NormalizerArabic, HarakatRemoved) {
  EXPECT_EQ(Norm("مَالٌ"), "مال");
  EXPECT_EQ(Norm("كِتَابٌ"), "كتاب");
  EXPECT_EQ(Norm("\u0645\u0670"), "\u0645");  // superscript alef
  EXPECT_EQ(Norm("\u0628\u06E1"), "\u0628");  // Quranic small high dotless head of khah
}

TEST(NormalizerArabic, Digits) {
  EXPECT_EQ(Norm("٢٠٢٦"), "2026");   // Arabic-Indic
  EXPECT_EQ(Norm("۲۰۲۶"), "2026");   // Extended Arabic-Indic (Urdu/Persian)
}

// Digits glued to a Latin word: the word's first letter after leading digits
// is a soft start, the first digit after its last letter a soft end; the
// same on the ASCII fast path (with a squeeze before them) and the general
// path.
TEST(NormalizerSoftEdges, DigitsGluedToLatinWords) {
  NormalizedText nt;
  for (const char* text : {"542free money2026", "zzzz 542free money2026", "542free money2026 é"}) {
    SCOPED_TRACE(text);
    N().Normalize(text, &nt);
    const size_t free = nt.text.find("free"), digits = nt.text.find("2o26");
    ASSERT_NE(free, std::string::npos);
    ASSERT_NE(digits, std::string::npos);
    EXPECT_EQ(nt.soft_starts, std::vector<uint32_t>{static_cast<uint32_t>(free)});
    EXPECT_EQ(nt.soft_ends, std::vector<uint32_t>{static_cast<uint32_t>(digits)});
  }
  N().Normalize("fr3e 2026 قرض٢ b00k", &nt);  // inside a word, a number, an Arabic word
  EXPECT_TRUE(nt.soft_starts.empty());
  EXPECT_TRUE(nt.soft_ends.empty());
}

// An I/l stroke is written i and recorded only inside a Latin word.
TEST(NormalizerStrokes, RecordedInLatinWordsOnly) {
  NormalizedText nt;
  N().Normalize("doub١e", &nt);  // Arabic-Indic one
  EXPECT_EQ(nt.text, "doubie");
  EXPECT_EQ(nt.ambiguous, std::vector<uint32_t>{4});
  N().Normalize("wІӏӏ", &nt);  // Ukrainian capital I, two palochkas: no run folded
  EXPECT_EQ(nt.text, "wiii");
  EXPECT_EQ(nt.ambiguous, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_TRUE(nt.stretched.empty());
  N().Normalize("قرض١ ӏа doubIe ki11", &nt);  // Arabic word, Cyrillic word, ASCII
  EXPECT_TRUE(nt.ambiguous.empty());
}

TEST(NormalizerArabic, PresentationFormsViaNfkc) {
  // U+FEF7 LAM WITH ALEF WITH HAMZA ABOVE isolated -> lam + alef
  EXPECT_EQ(Norm("\uFEF7"), "\u0644\u0627");
  // U+FE8D/U+FE8E alef isolated/final forms
  EXPECT_EQ(Norm("\uFE8D"), "\u0627");
}

TEST(NormalizerArabic, AllArabicWordsUntouchedByConfusables) {
  // Arabic heh and alef have ASCII look-alike skeletons ('o', 'l'); they must
  // stay Arabic in an all-Arabic word.
  EXPECT_EQ(Norm("الله"), "الله");
  EXPECT_EQ(Norm("سلام دنیا"), "سلام دنيا");
}

// ---- Devanagari ------------------------------------------------------------

TEST(NormalizerDevanagari, PassesThroughNfkc) {
  EXPECT_EQ(Norm("नमस्ते दुनिया"), "नमस्ते दुनिया");
  // U+0958 QA is a composition exclusion: NFKC gives KA + NUKTA.
  EXPECT_EQ(Norm("\u0958"), "\u0915\u093C");
  // Devanagari digits are left as digits.
  EXPECT_EQ(Norm("२०२६"), "२०२६");
}

// ---- offsets ---------------------------------------------------------------

void ExpectSpans(const NormalizedText& t, const std::vector<std::pair<uint32_t, uint32_t>>& spans) {
  ASSERT_EQ(t.text.size(), spans.size()) << t.text;
  ASSERT_EQ(t.source_begin.size(), spans.size());
  ASSERT_EQ(t.source_end.size(), spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(t.source_begin[i], spans[i].first) << "byte " << i;
    EXPECT_EQ(t.source_end[i], spans[i].second) << "byte " << i;
  }
}

TEST(NormalizerOffsets, AsciiOneToOne) {
  NormalizedText t;
  N().Normalize("Ab3 c", &t);  // "ab3" has a letter, so 3 -> e
  EXPECT_EQ(t.text, "abe c");
  ExpectSpans(t, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}});
  EXPECT_EQ(t.OriginalBegin(0), 0u);
  EXPECT_EQ(t.OriginalEnd(3), 3u);
}

TEST(NormalizerOffsets, RemovedCharactersProduceNoOutput) {
  NormalizedText t;
  N().Normalize("a\u200Bb", &t);  // ZWSP is 3 bytes at [1,4)
  EXPECT_EQ(t.text, "ab");
  ExpectSpans(t, {{0, 1}, {4, 5}});
}

TEST(NormalizerOffsets, SegmentMapsToWholeSpan) {
  NormalizedText t;
  // "x" + U+FB01 (3 bytes at [1,4)) + "y"
  N().Normalize("x\xEF\xAC\x81y", &t);
  EXPECT_EQ(t.text, "xfiy");
  ExpectSpans(t, {{0, 1}, {1, 4}, {1, 4}, {4, 5}});
}

TEST(NormalizerOffsets, FullwidthMapsPerCharacter) {
  NormalizedText t;
  N().Normalize("ｆｒ", &t);  // each 3 bytes
  EXPECT_EQ(t.text, "fr");
  ExpectSpans(t, {{0, 3}, {3, 6}});
}

TEST(NormalizerOffsets, MultiByteOutputRepeatsSpan) {
  NormalizedText t;
  N().Normalize("aЖ", &t);  // Cyrillic capital ZHE (2 bytes) -> ж (2 bytes)
  EXPECT_EQ(t.text, "aж");
  ExpectSpans(t, {{0, 1}, {1, 3}, {1, 3}});
}

TEST(NormalizerOffsets, CombiningSequenceIsOneSegment) {
  NormalizedText t;
  N().Normalize("E\u0301", &t);  // E + combining acute -> é (composed) -> e (diacritics)
  EXPECT_EQ(t.text, "e");
  ExpectSpans(t, {{0, 3}});
}

TEST(NormalizerOffsets, SqueezeExtendsLastKeptLetter) {
  NormalizedText t;
  N().Normalize("freeee!", &t);
  EXPECT_EQ(t.text, "fre ");
  ExpectSpans(t, {{0, 1}, {1, 2}, {2, 6}, {6, 7}});
  // Same through the general path (non-ASCII later in the text).
  N().Normalize("freeee \xC3\xA9", &t);
  EXPECT_EQ(t.text, "fre e");
  ExpectSpans(t, {{0, 1}, {1, 2}, {2, 6}, {6, 7}, {7, 9}});
}

TEST(NormalizerOffsets, ArabicTatweelAndHarakat) {
  NormalizedText t;
  // م (0,2) ـ (2,4) َ (4,6) ا (6,8) ل (8,10)
  N().Normalize("\u0645\u0640\u064E\u0627\u0644", &t);
  EXPECT_EQ(t.text, "\u0645\u0627\u0644");
  ExpectSpans(t, {{0, 2}, {0, 2}, {6, 8}, {6, 8}, {8, 10}, {8, 10}});
}

TEST(NormalizerOffsets, BuffersAreReused) {
  NormalizedText t;
  N().Normalize(std::string(300, 'x') + " y", &t);
  const char* data = t.text.data();
  const uint32_t* sb = t.source_begin.data();
  N().Normalize("short text", &t);
  N().Normalize("another one, still ASCII", &t);
  EXPECT_EQ(t.text.data(), data);
  EXPECT_EQ(t.source_begin.data(), sb);
  EXPECT_EQ(t.text, "another one  still ascii");
}

TEST(NormalizerThreads, SharedNormalizerIsDeterministic) {
  const std::vector<std::string> inputs = {"ＦＲＥＥ m0ney", "рaypal", "پاکستان زندہ باد",
                                           "fr\u200Beeeee", "नमस्ते", "Plain ASCII text 2026"};
  std::vector<std::string> expected;
  for (const auto& s : inputs) expected.push_back(Norm(s));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      NormalizedText t;
      for (int rep = 0; rep < 200; ++rep)
        for (size_t i = 0; i < inputs.size(); ++i) {
          N().Normalize(inputs[i], &t);
          if (t.text != expected[i]) ++failures[th];
        }
    });
  }
  for (auto& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

// The normaliser skips the confusable-skeleton look-ups for the pages of
// CJK Unified Ideographs (and Extension A) and Hangul syllables
// (NoAsciiSkeletonPage in normalizer.cc; the same ranges here): that is
// only right while no code point there has an ASCII letter or digit as its
// skeleton, nor its upper case. Checked against ICU, every code point.
TEST(NormalizerPages, NoAsciiSkeletonInSkippedPages) {
  UErrorCode st = U_ZERO_ERROR;
  USpoofChecker* spoof = uspoof_open(&st);
  ASSERT_TRUE(U_SUCCESS(st));
  auto ascii_skeleton = [&](UChar32 c) {
    if (c > 0xFFFF) return false;
    UChar in = static_cast<UChar>(c), out[8];
    UErrorCode e = U_ZERO_ERROR;
    const int32_t n = uspoof_getSkeleton(spoof, 0, &in, 1, out, 8, &e);
    return U_SUCCESS(e) && n == 1 && out[0] < 0x80 && u_isalnum(out[0]);
  };
  int checked = 0;
  for (UChar32 page : {0x34, 0x4E, 0xAC}) {
    const UChar32 last = page == 0x34 ? 0x4D : page == 0x4E ? 0x9F : 0xD7;
    for (UChar32 c = page << 8; c < (last + 1) << 8; ++c) {
      ASSERT_FALSE(ascii_skeleton(c)) << std::hex << c;
      ASSERT_FALSE(ascii_skeleton(u_toupper(c))) << std::hex << c;
      ++checked;
    }
  }
  EXPECT_EQ(checked, (0x4E - 0x34 + 0xA0 - 0x4E + 0xD8 - 0xAC) * 256);
  uspoof_close(spoof);
  // And a CJK or Korean word still normalises as before (unchanged, no look-alike).
  EXPECT_EQ(Norm("学习 한국어"), "学习 한국어");
}

}  // namespace
}  // namespace evenhand
