#include "text/langid.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace evenhand {
namespace {

const char kEnglish[] =
    "The city council met on Tuesday evening to discuss the new budget for public schools, "
    "and several parents asked why the library would close earlier during the winter months.";
const char kPortuguese[] =
    "O conselho municipal se reuniu na terça-feira à noite para discutir o novo orçamento das "
    "escolas públicas, e vários pais perguntaram por que a biblioteca fechará mais cedo no inverno.";
const char kUrdu[] =
    "شہر کی کونسل نے منگل کی شام سرکاری اسکولوں کے نئے بجٹ پر بات چیت کے لیے اجلاس کیا، اور کئی "
    "والدین نے پوچھا کہ سردیوں کے مہینوں میں لائبریری جلدی کیوں بند ہوگی۔ ہم سب چاہتے ہیں کہ بچوں کو "
    "اچھی تعلیم ملے اور ان کے اساتذہ کو وقت پر تنخواہ دی جائے۔";
const char kArabic[] =
    "اجتمع مجلس المدينة مساء يوم الثلاثاء لمناقشة الميزانية الجديدة للمدارس العامة، وسأل عدد من "
    "أولياء الأمور عن سبب إغلاق المكتبة في وقت مبكر خلال أشهر الشتاء. ونحن جميعا نريد أن يحصل "
    "الأطفال على تعليم جيد وأن يتقاضى المعلمون رواتبهم في الوقت المحدد.";

TEST(LangId, English) { EXPECT_EQ(DetectLanguage(kEnglish), "en"); }
TEST(LangId, Portuguese) { EXPECT_EQ(DetectLanguage(kPortuguese), "pt"); }
TEST(LangId, Urdu) { EXPECT_EQ(DetectLanguage(kUrdu), "ur"); }
TEST(LangId, Arabic) { EXPECT_EQ(DetectLanguage(kArabic), "ar"); }

TEST(LangId, UnknownWhenEmptyOrNotText) {
  EXPECT_EQ(DetectLanguage(""), "und");
  EXPECT_EQ(DetectLanguage("12345 67890 !!! ???"), "und");
}

TEST(LangId, InvalidUtf8IsUnknownNotACrash) {
  std::string bad = std::string(kEnglish) + "\xFF\xFE";
  EXPECT_EQ(DetectLanguage(bad), "und");
}

TEST(LangId, ThreadSafe) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {kEnglish, "en"}, {kPortuguese, "pt"}, {kUrdu, "ur"}, {kArabic, "ar"}};
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (int rep = 0; rep < 50; ++rep)
        for (const auto& [text, code] : cases)
          if (DetectLanguage(text) != code) ++wrong[th];
    });
  }
  for (auto& t : threads) t.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace evenhand
