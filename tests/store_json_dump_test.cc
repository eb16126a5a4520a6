// store/json_dump.h writes the bytes nlohmann's dump(-1, ' ', false,
// replace) wrote for the same values: strings with every escape, UTF-8 of
// each length, invalid UTF-8 of every kind; doubles of every shape; and a
// decision's scope and signals, against nlohmann on the same values.
#include "store/json_dump.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace evenhand {
namespace {

std::string Nl(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

TEST(JsonDumpTest, StringsAreNlohmannsBytes) {
  std::vector<std::string> cases = {
      "", "plain", "quote \" backslash \\ slash /", std::string("nul \0 here", 10), "\b\f\n\r\t",
      "\x01\x02\x1f\x7f", "caf\xc3\xa9", "\xe2\x82\xac euro", "\xf0\x9f\x98\x80 emoji", "\xd8\xb9\xd8\xb1\xd8\xa8",
      // invalid: lone continuation, truncated, overlong, surrogate, past U+10FFFF, C0/C1, F5+
      "\x80", "a\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\xc1\xbf", "\xf5\x80\x80\x80", "\xff", "ok \xe2\x82\xac then \xc3 bad \" and \n"};
  std::mt19937 rng(7);
  for (int n = 0; n < 3000; ++n) {  // random bytes, biased to the interesting ones
    std::string s;
    const int len = static_cast<int>(rng() % 12);
    for (int i = 0; i < len; ++i) {
      const unsigned r = rng() % 8;
      s.push_back(static_cast<char>(r < 3 ? 'a' + rng() % 26 : r < 4 ? rng() % 0x20 : r < 6 ? 0x80 + rng() % 0x40 : 0xC0 + rng() % 0x40));
    }
    cases.push_back(s);
  }
  for (const std::string& s : cases) {
    std::string out = "x";  // appends
    DumpJsonString(&out, s);
    EXPECT_EQ(out, "x" + Nl(s)) << nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  }
}

TEST(JsonDumpTest, NumbersAreNlohmannsBytes) {
  std::vector<double> cases = {0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.25, 1.0 / 3, 2.0 / 3, 0.85, 0.9, 1e-5, 1e-4,
                               1e15, 1e16, 1e17, 123456789012345678.0, 5e-324, 1.7976931348623157e308,
                               std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(11);
  for (int n = 0; n < 2000; ++n) {
    double v;
    uint64_t bits = rng();
    std::memcpy(&v, &bits, sizeof v);
    cases.push_back(v);
    cases.push_back(static_cast<double>(rng() % 1000) / 1000.0);
  }
  for (double v : cases) {
    std::string out;
    DumpJsonDouble(&out, v);
    EXPECT_EQ(out, Nl(v)) << v;
  }
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-7}, int64_t{1234567890123}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string out;
    DumpJsonInt(&out, v);
    EXPECT_EQ(out, Nl(v));
  }
}

TEST(JsonDumpTest, ScopeAndSignalsAreNlohmannsBytes) {
  Decision d;
  EXPECT_EQ([&] { std::string o; DumpScopeJson(&o, d); return o; }(), "[]");
  EXPECT_EQ([&] { std::string o; DumpSignalsJson(&o, d); return o; }(), "[]");
  d.scope = {"DE", "FR", "a\"b"};
  d.signals.push_back({"terms", "list.words", 1.0, "kill @ 2..6"});
  d.signals.push_back({"classifier", "spam", 0.8500000000000001, "p=\xc3\xa9\x80"});
  nlohmann::ordered_json signals = nlohmann::ordered_json::array();
  for (const Signal& s : d.signals)
    signals.push_back({{"detector", s.detector}, {"name", s.name}, {"score", s.score}, {"evidence", s.evidence}});
  std::string scope, sig;
  DumpScopeJson(&scope, d);
  DumpSignalsJson(&sig, d);
  EXPECT_EQ(scope, Nl(nlohmann::ordered_json(d.scope)));
  EXPECT_EQ(sig, Nl(signals));
}

// The decision's audit payload as PutDecision built it with nlohmann
// before: the stored entry has these bytes.
TEST(JsonDumpTest, ADecisionsAuditPayloadIsTheBytesOfBefore) {
  auto store = OpenSqliteStore(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Post p;
  p.id = "p\"1";
  p.account = "a1";
  p.text = "caf\xc3\xa9 \x80 text";
  ASSERT_TRUE((*store)->PutPost(p, "scan").ok());
  Decision d;
  d.item = p.id;
  d.policy = "default@1";
  d.action = Action::kWithhold;
  d.scope = {"DE", "F\tR"};
  d.category = "illegal_speech";
  d.rule = "r\x01";
  d.reason = "line\nbreak \xff";
  d.review = true;
  d.signals.push_back({"terms", "list.words", 1.0, "kill @ 2..6"});
  d.signals.push_back({"classifier", "spam", 0.1 + 0.2, "\xe2\x82\xac"});
  bool inserted = false;
  ASSERT_TRUE((*store)->PutDecision(d, "scan", &inserted).ok());
  ASSERT_TRUE(inserted);
  std::string stored;
  ASSERT_TRUE((*store)->ForEachAudit([&](const AuditEntry& e) {
    if (e.action == "decision") stored = e.payload;
  }).ok());
  nlohmann::ordered_json signals = nlohmann::ordered_json::array();
  for (const Signal& s : d.signals)
    signals.push_back({{"detector", s.detector}, {"name", s.name}, {"score", s.score}, {"evidence", s.evidence}});
  nlohmann::ordered_json payload;
  payload["action"] = std::string(ActionName(d.action));
  payload["scope"] = d.scope;
  payload["category"] = d.category;
  payload["rule"] = d.rule;
  payload["policy"] = d.policy;
  payload["review"] = d.review;
  payload["reason"] = d.reason;
  payload["signals"] = signals;
  payload["version"] = 1;
  const size_t at = stored.find(",\"content_hash\":\"");
  ASSERT_NE(at, std::string::npos) << stored;
  payload["content_hash"] = stored.substr(at + 17, 64);
  EXPECT_EQ(stored, Nl(payload));
}

}  // namespace
}  // namespace evenhand
