// Evasion classes of issue 15, one test group per class: positives (the term
// is found, its span checked byte for byte against the original text) and
// negatives (words that contain a term, near misses, ordinary text a too eager
// fold would hit), in Latin and Arabic script.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/matcher.h"
#include "text/normalizer.h"

namespace evenhand {
namespace {

const Normalizer& N() {
  static const Normalizer n;
  return n;
}

struct Found {
  uint32_t term, begin, end;
};

std::vector<Found> Scan(const std::vector<std::string>& terms, const std::string& text,
                        const std::string& list_file = "") {
  TermList list;
  list.name = "l";
  list.terms = terms;
  if (list_file.find("roman-ur") != std::string::npos) list.phonetic.assign(terms.size(), true);
  auto m = TermMatcher::Compile({list}, N());
  EXPECT_TRUE(m.ok()) << m.status().message();
  if (!m.ok()) return {};
  NormalizedText nt;
  N().NormalizeForMatch(text, &nt);
  auto scratch = (*m)->NewScratch();
  std::vector<TermMatch> out;
  (*m)->Scan(nt, scratch.get(), &out);
  std::vector<Found> f;
  for (const TermMatch& x : out) f.push_back({x.term, x.begin, x.end});
  return f;
}

// Exactly one hit, on term 0, spanning exactly `span` (its first occurrence
// in `text`).
void ExpectSpan(const std::vector<std::string>& terms, const std::string& text, const std::string& span,
                const std::string& list_file = "") {
  SCOPED_TRACE("text: " + text);
  const size_t at = text.find(span);
  ASSERT_NE(at, std::string::npos) << "bad test: span not in text";
  auto f = Scan(terms, text, list_file);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].term, 0u);
  EXPECT_EQ(f[0].begin, at);
  EXPECT_EQ(f[0].end, at + span.size());
  EXPECT_EQ(text.substr(f[0].begin, f[0].end - f[0].begin), span);
}

void ExpectNone(const std::vector<std::string>& terms, const std::string& text,
                const std::string& list_file = "") {
  SCOPED_TRACE("text: " + text);
  EXPECT_TRUE(Scan(terms, text, list_file).empty());
}

// ---- runs of separators -----------------------------------------------------

TEST(EvasionSeparators, RunsBetweenWordsCountAsOne) {
  ExpectSpan({"easy money"}, "get easy  money now", "easy  money");
  ExpectSpan({"easy money"}, "get easy, money now", "easy, money");
  ExpectSpan({"easy money"}, "get easy - money now", "easy - money");
  ExpectSpan({"easy money"}, "get easy 💸 money now", "easy 💸 money");
  ExpectSpan({"easy money"}, "easy\t\n...money", "easy\t\n...money");
  ExpectSpan({"e-mail"}, "send e -- mail", "e -- mail");
}

TEST(EvasionSeparators, ArabicScript) {
  ExpectSpan({"فوری قرض"}, "یہ فوری، قرض ہے", "فوری، قرض");
  ExpectSpan({"فوری قرض"}, "یہ فوری 💸 قرض ہے", "فوری 💸 قرض");
}

TEST(EvasionSeparators, Negatives) {
  ExpectNone({"easy money"}, "easy moneybag");
  ExpectNone({"easy money"}, "uneasy money");
  ExpectNone({"easy money"}, "easy, honest money");
  ExpectNone({"فوری قرض"}, "فوری قرضہ");
}

// ---- repeated letters ---------------------------------------------------------

TEST(EvasionRepeats, RunsOfThreeOrMoreFold) {
  ExpectSpan({"money"}, "send moneyyyy now", "moneyyyy");
  ExpectSpan({"easy"}, "so eeeaaasssy!", "eeeaaasssy");
  ExpectSpan({"easy money"}, "EEEASY MONEYYYYY", "EEEASY MONEYYYYY");
  ExpectSpan({"قرض"}, "فوری قرضضض لیں", "قرضضض");
}

TEST(EvasionRepeats, DoubleLettersStillWork) {
  ExpectSpan({"book"}, "a book", "book");
  ExpectSpan({"book"}, "a boooook", "boooook");
  ExpectSpan({"coffee"}, "hot coffee", "coffee");
  ExpectSpan({"coffee"}, "hot cofffeeeee", "cofffeeeee");
  ExpectSpan({"allah"}, "allah", "allah");
  ExpectSpan({"allah"}, "alllllah", "alllllah");
  ExpectSpan({"الله"}, "ان شاء الله", "الله");
  ExpectSpan({"الله"}, "اللللله", "اللللله");
}

TEST(EvasionRepeats, Negatives) {
  ExpectNone({"book"}, "bok choy");      // a single letter is not a double one
  ExpectNone({"bot"}, "boot camp");      // nor a double a single one
  ExpectNone({"god"}, "good");
  ExpectNone({"coffee"}, "cofee");
  ExpectNone({"money"}, "moneys");
  ExpectNone({"الله"}, "اله");
  ExpectNone({"قرض"}, "قرضہ");
}

// ---- diacritics and combining overlays ------------------------------------------

TEST(EvasionDiacritics, LatinAndGreek) {
  ExpectSpan({"easy money"}, "éäsy mönéy", "éäsy mönéy");                               // precomposed
  ExpectSpan({"easy money"}, "e\u0301a\u0308sy mo\u0308ne\u0301y!", "e\u0301a\u0308sy mo\u0308ne\u0301y");  // decomposed
  ExpectSpan({"money"}, "m\u0336o\u0336n\u0336e\u0336y\u0336 now", "m\u0336o\u0336n\u0336e\u0336y\u0336");
  ExpectSpan({"money"}, "m\u0332o\u0332n\u0332e\u0332y\u0332", "m\u0332o\u0332n\u0332e\u0332y\u0332");
  ExpectSpan({"dinheiro fácil"}, "DINHEIRO FACIL", "DINHEIRO FACIL");
  ExpectSpan({"dinheiro facil"}, "dinheiro fácil", "dinheiro fácil");
}

TEST(EvasionDiacritics, ArabicMarksThatChangeAWordStay) {
  // ڈ (ddal) is not د (dal) with a mark stripped; ٹ is not ت.
  ExpectNone({"دال"}, "ڈال");
  ExpectNone({"تیل"}, "ٹیل");
  ExpectSpan({"ڈال"}, "ڈال دو", "ڈال");
}

TEST(EvasionDiacritics, ArabicHarakatAndTatweel) {
  ExpectSpan({"قرض"}, "فوری قَرْض لیں", "قَرْض");   // fatha, sukun
  ExpectSpan({"قرض"}, "فوری قـــرض لیں", "قـــرض");  // tatweel (kashida) stretching
}

TEST(EvasionDiacritics, Negatives) {
  ExpectNone({"money"}, "mönéys");
  ExpectNone({"easy"}, "e\u0301asyy\u0301x");
}

// ---- confusables, Greek, mathematical, enclosed, fullwidth, superscripts -------------

TEST(EvasionConfusables, IndependentOfCase) {
  ExpectSpan({"bank"}, "your Ьank details", "Ьank");   // Cyrillic capital soft sign
  ExpectSpan({"bank"}, "your ьank details", "ьank");   // its small form
  ExpectSpan({"paypal"}, "PАYPАL login", "PАYPАL");     // Cyrillic capital A
}

TEST(EvasionConfusables, GreekLookAlikes) {
  ExpectSpan({"easy money"}, "εasy mοnεy", "εasy mοnεy");
  ExpectSpan({"easy"}, "ΕΑSΥ ΜΟΝΕΥ", "ΕΑSΥ");   // capitals too (Υ reads Y; its small form υ reads u)
  ExpectSpan({"money"}, "get мοηеу", "мοηеу");               // Cyrillic and Greek mixed
}

TEST(EvasionConfusables, MathEnclosedFullwidthSuperscript) {
  ExpectSpan({"money"}, "get 𝐦𝐨𝐧𝐞𝐲 now", "𝐦𝐨𝐧𝐞𝐲");
  ExpectSpan({"money"}, "get 𝓂𝑜𝓃𝑒𝓎 now", "𝓂𝑜𝓃𝑒𝓎");
  ExpectSpan({"money"}, "get ⓜⓞⓝⓔⓨ now", "ⓜⓞⓝⓔⓨ");
  ExpectSpan({"money"}, "get 🅜🅞🅝🅔🅨 now", "🅜🅞🅝🅔🅨");
  ExpectSpan({"money"}, "get 🅼🅾🅽🅴🆈 now", "🅼🅾🅽🅴🆈");
  ExpectSpan({"money"}, "get ｍｏｎｅｙ now", "ｍｏｎｅｙ");
  ExpectSpan({"money"}, "get ᵐᵒⁿᵉʸ now", "ᵐᵒⁿᵉʸ");
  ExpectSpan({"money"}, "get ᴍᴏɴᴇʏ now", "ᴍᴏɴᴇʏ");
}

// Arabic script: letter forms that look alike (Urdu keheh and Arabic kaf, Farsi
// and Arabic yeh, heh goal and heh) and presentation forms.
TEST(EvasionConfusables, ArabicScriptLetterForms) {
  ExpectSpan({"پاکستان"}, "سفر پاكستان کا", "پاكستان");  // Arabic kaf for Urdu keheh
  ExpectSpan({"قرضہ"}, "آسان قرضه لیں", "قرضه");         // heh for heh goal
  ExpectSpan({"فوری"}, "فوري قرض", "فوري");               // Arabic yeh for Farsi yeh
  ExpectSpan({"قرض"}, "فوری \uFED7\uFEAE\uFEBD لیں", "\uFED7\uFEAE\uFEBD");  // presentation forms
}

// A vertical stroke in a Latin word reads as i or as l, whichever the term
// has there (NormalizedText::ambiguous): Cyrillic palochka, Ukrainian
// capital I, Greek capital iota, Arabic-Indic and Eastern Arabic-Indic one;
// one word may use it for both letters.
TEST(EvasionConfusables, IlStrokesReadAsEitherLetter) {
  ExpectSpan({"claim"}, "Сӏaim now", "Сӏaim");                    // palochka for l
  ExpectSpan({"claim"}, "cӏaӏm now", "cӏaӏm");  // the same stroke for l and for i
  ExpectSpan({"lottery winner"}, "your ӏОTТЕRУ WINNЕR", "ӏОTТЕRУ WINNЕR");
  ExpectSpan({"i will kill you"}, "i wІӏӏ kІӏӏ you", "i wІӏӏ kІӏӏ you");  // strokes do not fold as a run
  ExpectSpan({"double your bitcoin"}, "d۰ub۱e y۰ur b۱tc۰۱n!",
             "d۰ub۱e y۰ur b۱tc۰۱n");  // Eastern Arabic-Indic, l and i in one term
  ExpectSpan({"bill"}, "pay the bi١١ today", "bi١١");
  ExpectSpan({"paypal"}, "payрaӏ", "payрaӏ");
}

// Strokes inside words written together: the last word is looked up by its
// length at the end of the run.
TEST(EvasionConfusables, IlStrokesInWordsWrittenTogether) {
  ExpectSpan({"double your bitcoin"}, "#Doub١eYourBitcoin", "Doub١eYourBitcoin");
  ExpectSpan({"claim your prize"}, "#cӏaimyourprize!", "cӏaimyourprize");
}

TEST(EvasionConfusables, IlStrokesInWordsWrittenTogetherNegatives) {
  ExpectNone({"double your bitcoin"}, "#xDoub١eYourBitcoin");
  ExpectNone({"double your bitcoin"}, "#Doub١eYourBitcoins");
  ExpectNone({"the mall"}, "#checkthemaiӏ");  // a real i is no l, written together or not
}

// The stroke is read as l only where it stands: a real i is no l ("mail" is
// not "mall"), and words of Arabic script or of Cyrillic alone keep their
// strokes and digits.
TEST(EvasionConfusables, IlStrokesNegatives) {
  ExpectNone({"mall"}, "check your mail");
  ExpectNone({"mall"}, "check your MAIL");
  ExpectNone({"bill"}, "bi١١s");          // a longer word
  ExpectNone({"lily"}, "ӏӏy");            // three letters are not four
  ExpectNone({"lot"}, "١otx");                  // nor a longer token
  ExpectNone({"قرضi", "قرضl"}, "قرض١");       // an Arabic-script word keeps its digit
  ExpectNone({"la"}, "ӏа");                     // all Cyrillic (palochka + Cyrillic a): a Caucasian word
}

TEST(EvasionConfusables, Negatives) {
  ExpectNone({"cop"}, "сор");           // an all-Cyrillic word stays Cyrillic
  ExpectNone({"cop"}, "СОР");
  ExpectNone({"money"}, "ΜΟΝΕΥ");       // so does an all-Greek one (not handled as an evasion)
  ExpectNone({"pax"}, "рах");
  ExpectNone({"money"}, "μονεy");       // not every Greek letter is a look-alike (ν is v)
  ExpectNone({"قرض"}, "قرص");           // Arabic letters are not folded into each other
}

// ---- spelled-out letters --------------------------------------------------------

TEST(EvasionSpaced, LettersSpacedOrDotted) {
  ExpectSpan({"easy money"}, "e a s y  m o n e y", "e a s y  m o n e y");
  ExpectSpan({"easy money"}, "get e.a.s.y money", "e.a.s.y money");
  ExpectSpan({"easy"}, "so e-a-s-y!", "e-a-s-y");
  ExpectSpan({"scam"}, "S.C.A.M.", "S.C.A.M");
  ExpectSpan({"قرض"}, "فوری ق ر ض لیں", "ق ر ض");
}

TEST(EvasionSpaced, Negatives) {
  ExpectNone({"easy"}, "x e a s y");     // part of a longer spelled-out run
  ExpectNone({"easy"}, "e a s y z");
  ExpectNone({"ab", "bc"}, "options a b c");
  ExpectNone({"us", "sa"}, "made in the U.S.A.");
  ExpectNone({"قر"}, "ق ر ض");
}

// ---- symbols inside words, hashtags, digits ------------------------------------------

TEST(EvasionInsideWords, EmojiAndSymbols) {
  ExpectSpan({"money"}, "get mo💰ney", "mo💰ney");
  ExpectSpan({"money"}, "get mo💰💰ney", "mo💰💰ney");
  ExpectSpan({"money"}, "get m★oney", "m★oney");
  ExpectSpan({"قرض"}, "فوری قر💰ض", "قر💰ض");
}

TEST(EvasionInsideWords, Hashtags) {
  ExpectSpan({"easy money"}, "#EasyMoney", "EasyMoney");
  ExpectSpan({"easy money"}, "#easy_money", "easy_money");
  ExpectSpan({"فوری قرض"}, "#فوریقرض", "فوریقرض");
}

TEST(EvasionInsideWords, DigitsGluedToArabicScript) {
  ExpectSpan({"قرض"}, "قرض۲۰۲۶ اسکیم", "قرض");
  ExpectSpan({"قرض"}, "قرض2026", "قرض");
  ExpectSpan({"قرض"}, "۲۰۲۶قرض", "قرض");
  // Digits that are leet keys (0 1 3 4 5 7) glued to a word with an alef:
  // no look-alike step (alef is no l) and no leet (the digits stay digits).
  ExpectSpan({"اسکیم"}, "اسکیم2017", "اسکیم");
  ExpectSpan({"اسکیم"}, "1اسکیم", "اسکیم");
  ExpectSpan({"قرض"}, "قرض0", "قرض");
}

// Digits glued before or after a Latin word are also read as a word
// boundary (leet still reads them as letters: "fr33"); the span is the
// word's, without the digits.
TEST(EvasionInsideWords, DigitsGluedToLatinWords) {
  ExpectSpan({"free money"}, "get free money2026 now", "free money");
  ExpectSpan({"free money"}, "get 542free money now", "free money");
  ExpectSpan({"claim your prize"}, "62claim your prize701 ok", "claim your prize");
  ExpectSpan({"money"}, "money99", "money");
  ExpectSpan({"money"}, "money٢٠٢٦", "money");  // Arabic-Indic digits glued to a Latin word
  ExpectSpan({"free"}, "fr33 stuff", "fr33");                       // leet as before
  ExpectSpan({"dinheiro"}, "ganhe 100dinheiro", "dinheiro");
  // Leet reads "33" as "ee", one run with the word's last e: the squeezed
  // run's span takes them in.
  ExpectSpan({"wire transfer fee"}, "wire transfer fee3374 now", "wire transfer fee33");
}

TEST(EvasionInsideWords, DigitsGluedToLatinWordsNegatives) {
  ExpectNone({"money"}, "moneyx2026");        // a longer word
  ExpectNone({"free"}, "1freedom");
  ExpectNone({"free money"}, "free2money");   // digits between the words join them
  ExpectNone({"money"}, "2money2s");
  ExpectNone({"easy"}, "eas1y");              // digits inside a word stay leet
}

// Digits glued to words written together (a hashtag with a year, a
// run-together phrase with a code): the digits end (or start) the run, and
// the words inside it are read as written together; digits glued on both
// sides of one word are both edges. Arabic script: its digits are a word
// boundary already ("قرض۲۰۲۶"), written together or not.
TEST(EvasionInsideWords, DigitsGluedToWordsWrittenTogether) {
  ExpectSpan({"easy money"}, "#easymoney2026 now", "easymoney");
  ExpectSpan({"easy money"}, "#EasyMoney2026", "EasyMoney");
  ExpectSpan({"easy money"}, "2026easymoney!", "easymoney");
  ExpectSpan({"claim your prize"}, "claimyourprize99", "claimyourprize");
  ExpectSpan({"claim your prize"}, "42claimyourprize", "claimyourprize");
  ExpectSpan({"free"}, "542free99 stuff", "free");        // digits on both sides
  ExpectSpan({"fool"}, "685fOOl31", "fOOl");               // "31" would be leet "ei": the word ends before
  ExpectSpan({"free"}, "542fr33 now", "fr33");             // leet after a soft start
  ExpectSpan({"double your bitcoin"}, "#Doub١eYourBitcoin2026", "Doub١eYourBitcoin");  // and an I/l stroke
  ExpectSpan({"فوری قرض"}, "فوریقرض۲۰۲۶ لیں", "فوریقرض");
  ExpectSpan({"فوری قرض"}, "۲۰۲۶فوریقرض لیں", "فوریقرض");
}

TEST(EvasionInsideWords, DigitsGluedToWordsWrittenTogetherNegatives) {
  ExpectNone({"easy money"}, "#xeasymoney2026");   // more letters before the words
  ExpectNone({"easy money"}, "2026easymoneyx");    // and after
  ExpectNone({"easy money"}, "easy2money");        // digits between the words join them
  ExpectNone({"easy money"}, "uneasymoney99");
  ExpectNone({"free"}, "542freedom99");
  ExpectNone({"فوری قرض"}, "فوریقرضہ۲۰۲۶");        // an Arabic-script word that goes on
}

TEST(EvasionInsideWords, ArabicIndicDigitsAsLeet) {
  ExpectSpan({"money"}, "m٠ney", "m٠ney");
  ExpectSpan({"free"}, "fr۳۳ now", "fr۳۳");
}

TEST(EvasionInsideWords, Negatives) {
  ExpectNone({"money"}, "mo 💰 ney");     // spaces on both sides: two words
  ExpectNone({"easy money"}, "#EasyMoneyNow");
  ExpectNone({"free"}, "fr33dom");
  ExpectNone({"قرض"}, "قرضہ2026");
}

// ---- Roman Urdu phonetic key ---------------------------------------------------------

TEST(EvasionRomanUrdu, Key) {
  EXPECT_EQ(RomanUrduKey("jaldi"), "jldI");
  EXPECT_EQ(RomanUrduKey("jldi"), "jldI");
  EXPECT_EQ(RomanUrduKey("jaldee"), "jldI");
  EXPECT_EQ(RomanUrduKey("dunga"), "dng");
  EXPECT_EQ(RomanUrduKey("dungi"), "dngI");
  EXPECT_EQ(RomanUrduKey("paisa"), "ps");
  EXPECT_EQ(RomanUrduKey("pesa"), "ps");
  EXPECT_EQ(RomanUrduKey("paise"), "ps");
  EXPECT_EQ(RomanUrduKey("qarz"), "krz");
  EXPECT_EQ(RomanUrduKey("karz"), "krz");
  EXPECT_EQ(RomanUrduKey("qarza"), "krz");
  EXPECT_EQ(RomanUrduKey("inaam"), "Vnm");
  EXPECT_EQ(RomanUrduKey("khatra"), "ktr");
  EXPECT_EQ(RomanUrduKey("money!"), "");
  // The vowels that end a word count by how they start.
  EXPECT_EQ(RomanUrduKey("doublai"), RomanUrduKey("double"));
  EXPECT_EQ(RomanUrduKey("verifya"), RomanUrduKey("verify"));
  EXPECT_EQ(RomanUrduKey("vairifya"), RomanUrduKey("verify"));
  EXPECT_EQ(RomanUrduKey("lia"), RomanUrduKey("liya"));
  EXPECT_NE(RomanUrduKey("bhai"), RomanUrduKey("bhi"));
}

TEST(EvasionRomanUrdu, SpellingsMatch) {
  const std::string f = "scams.roman-ur.txt";
  ExpectSpan({"jaldi paisa"}, "jldi pesa lo", "jldi pesa", f);
  ExpectSpan({"jaldi paisa"}, "JALDEE PAISE", "JALDEE PAISE", f);
  ExpectSpan({"fori qarz"}, "fauri karz milega", "fauri karz", f);
  ExpectSpan({"fori qarz"}, "fori qarza", "fori qarza", f);
}

TEST(EvasionRomanUrdu, Negatives) {
  const std::string f = "scams.roman-ur.txt";
  ExpectNone({"fori qarz"}, "fori kar do", f);
  ExpectNone({"jaldi paisa"}, "jaldi post", f);
  ExpectNone({"goli maar dunga"}, "goli maar dungi nahi", f);  // inflection, not spelling
  // Only lists from Roman Urdu files get the key.
  ExpectNone({"jaldi paisa"}, "jldi pesa");
}

}  // namespace
}  // namespace evenhand
