// Reports speak to people (issue 14, point 9): the transparency report
// shows labels, not ids (ids stay in JSON and CSV); "decided by a person"
// counts only decisions a person reviewed, and decisions waiting for one
// are not listed as actions; no SVG text is cut or runs out of its chart.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analytics/labels.h"
#include "analytics/record.h"
#include "analytics/report_csv.h"
#include "analytics/report_html.h"
#include "analytics/svg.h"
#include "analytics/transparency.h"
#include "regimes/regime_loader.h"
#include "store/store.h"

namespace evenhand::analytics {
namespace {

constexpr int64_t kT0 = 1790000000, kHour = 3600, kDay = 86400;

std::string Unescape(std::string s) {
  const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities)
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += std::string(to).size())
      s.replace(p, std::string(from).size(), to);
  return s;
}

// The number in attribute `name="..."` of a tag's attribute text (the name
// at the start or after white space), else `fallback`.
double Attr(const std::string& attrs, const std::string& name, double fallback) {
  const std::string key = name + "=\"";
  for (size_t p = 0; (p = attrs.find(key, p)) != std::string::npos; p += key.size()) {
    if (p > 0 && !std::isspace(static_cast<unsigned char>(attrs[p - 1]))) continue;
    const size_t start = p + key.size(), end = attrs.find('"', start);
    const std::string value = attrs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (value.empty() || value.find_first_not_of("-0123456789.") != std::string::npos) return fallback;
    return std::stod(value);
  }
  return fallback;
}

// Every <text> of every <svg> in `html` lies inside its viewBox: its
// extent from x by its anchor, with the width EstimateTextWidth gives,
// within [0, width]; its baseline within (font size, height]. Returns the
// problems found, one a line.
std::string TextOutsideItsChart(const std::string& html) {
  std::string problems;
  int charts = 0;
  // Split by hand: the chart markup is the server's own, one tag per element.
  for (size_t at = 0; (at = html.find("<svg", at)) != std::string::npos;) {
    const size_t tag_end = html.find('>', at), end = html.find("</svg>", at);
    if (tag_end == std::string::npos || end == std::string::npos) return problems + "an <svg> is not closed\n";
    const std::string tag = html.substr(at, tag_end - at);
    const std::string body = html.substr(tag_end + 1, end - tag_end - 1);
    at = end;
    ++charts;
    double width = 0, height = 0;
    const size_t vb = tag.find("viewBox=\"0 0 ");
    if (vb == std::string::npos || std::sscanf(tag.c_str() + vb, "viewBox=\"0 0 %lf %lf\"", &width, &height) != 2) {
      problems += "an <svg> without a viewBox\n";
      continue;
    }
    const double base_size = Attr(tag, "font-size", 16);
    std::vector<std::pair<std::string, std::string>> texts;  // attributes, text
    for (size_t t = 0; (t = body.find("<text", t)) != std::string::npos;) {
      const size_t open_end = body.find('>', t), close = body.find("</text>", t);
      if (open_end == std::string::npos || close == std::string::npos) return problems + "a <text> is not closed\n";
      texts.emplace_back(body.substr(t + 5, open_end - t - 5), body.substr(open_end + 1, close - open_end - 1));
      t = close;
    }
    for (const auto& [attrs, raw] : texts) {
      if (raw.find('<') != std::string::npos) problems += "a <text> holds markup: " + raw + "\n";
      const std::string text = Unescape(raw);
      const double size = Attr(attrs, "font-size", base_size);
      const bool bold = attrs.find("font-weight=\"bold\"") != std::string::npos;
      const double w = EstimateTextWidth(text, size, bold);
      double x = Attr(attrs, "x", 0), y = Attr(attrs, "y", 0);
      double lo, hi, top, bottom;
      const std::string anchor = attrs.find("text-anchor=\"end\"") != std::string::npos      ? "end"
                                 : attrs.find("text-anchor=\"middle\"") != std::string::npos ? "middle"
                                                                                             : "start";
      const double a = anchor == "end" ? w : anchor == "middle" ? w / 2 : 0;
      if (attrs.find("rotate(-90") != std::string::npos) {  // runs upwards from (x, y)
        lo = x - size;
        hi = x + size * 0.3;
        top = y - (w - a);
        bottom = y + a;
      } else {
        lo = x - a;
        hi = lo + w;
        top = y - size;
        bottom = y + size * 0.3;
      }
      if (lo < 0 || hi > width || top < 0 || bottom > height)
        problems += "\"" + text + "\" spans x " + std::to_string(lo) + ".." + std::to_string(hi) + ", y " +
                    std::to_string(top) + ".." + std::to_string(bottom) + " in a " + std::to_string(width) + "x" +
                    std::to_string(height) + " chart\n";
      if (text.find("…") != std::string::npos) problems += "\"" + text + "\" is cut\n";
    }
  }
  if (charts == 0) problems += "no chart found\n";
  return problems;
}

TEST(Svg, TextWidthErrsWideAndWrapsAtSpaces) {
  // DejaVu Sans, 12 px: "outcome" is 7 glyphs of about 0.6 em.
  EXPECT_GT(EstimateTextWidth("outcome", 12), 7 * 0.55 * 12);
  EXPECT_GT(EstimateTextWidth("WWW", 12), EstimateTextWidth("iii", 12) * 3);
  EXPECT_GT(EstimateTextWidth("abc", 14, true), EstimateTextWidth("abc", 14, false));
  EXPECT_DOUBLE_EQ(EstimateTextWidth("ا", 10), EstimateTextWidth("W", 10) / 0.989);  // non-ASCII: a full em
  const auto lines = WrapText("Data requests by country, legal process and outcome", 200, 14, true);
  ASSERT_GE(lines.size(), 2u);
  std::string joined;
  for (const auto& l : lines) {
    EXPECT_LE(EstimateTextWidth(l, 14, true), 200) << l;
    joined += (joined.empty() ? "" : " ") + l;
  }
  EXPECT_EQ(joined, "Data requests by country, legal process and outcome");
  EXPECT_EQ(WrapText("", 100, 12), std::vector<std::string>{""});
}

TEST(Svg, EveryTextFitsItsChart) {
  const std::vector<std::string> long_labels = {
      "PK, None yet (emergency request), emergency",
      "Negative effects on civic discourse or elections",
      "Pakistan Telecommunication Authority, Unlawful online content under s.37(1)",
      "ادارہ برائے ٹیلی مواصلات پاکستان",
      "Averyveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces"};
  const std::vector<std::vector<double>> values = {{3, 1, 0, 2, 1}, {1, 0, 0, 0, 0}, {120000, 5, 5, 5, 5},
                                                    {1, 1, 1, 1, 1}, {0, 0, 0, 0, 9}};
  const std::vector<std::string> series = {"fully complied", "partly complied", "not complied", "rejected", "pending"};
  const std::string charts[] = {
      StackedBarsSvg("Data requests by country, legal process and outcome", long_labels, series, values),
      StackedBarsSvg("Short", {"PK", "DE"}, {"a", "b"}, {{1, 2}, {3, 4}}),
      StackedBarsSvg("A chart whose title is a single Enormouslylongwordthatcannotbewrappedanywhereatallreally",
                     {"x"}, {"a series name that is quite long indeed, longer than most"}, {{1}}),
      StackedBarsSvg("Nothing to show in this period for the orders by country and outcome", {}, series, {}),
      StepChartSvg("Share acted on, by hours since receipt, for every source of cases in this report",
                   "hours since receipt", "acted on",
                   {{"Own initiative", {{0, 0}, {1234.5, 0.5}, {98765.4, 1}}},
                    {"Authority orders", {{0, 0}, {2, 1}}},
                    {"Notices", {{0, 0}, {3, 0.2}}}}),
      StepChartSvg("Empty", "x", "y", {}),
  };
  for (const std::string& svg : charts) EXPECT_EQ(TextOutsideItsChart(svg), "") << svg;
}

Labels PeopleLabels() {
  Labels labels;
  labels.authorities["pta"] = "Pakistan Telecommunication Authority";
  auto br = LoadRegimeFile(std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes/br-marco-civil-stf-2025.yaml");
  auto pk = LoadRegimeFile(std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes/pk-peca-rbuoc-2021.yaml");
  EXPECT_TRUE(br.ok() && pk.ok());
  if (br.ok() && pk.ok()) AddRegimeLabels({*br, *pk}, &labels);
  return labels;
}

Record LabelledRecord() {
  Record rec;
  rec.as_of = kT0 + 10 * kDay;
  rec.labels = PeopleLabels();
  auto order = [&](const char* country, const char* authority, const char* category, Outcome o) {
    CaseRow c;
    c.source = Source::kOrder;
    c.id = rec.AddId("o" + std::to_string(rec.cases.size()));
    c.jurisdiction = rec.Intern(country);
    c.authority = rec.Intern(authority);
    c.category = rec.Intern(category);
    c.received = kT0;
    c.acted = o == Outcome::kOpen ? 0 : kT0 + 3 * kHour;
    c.outcome = o;
    rec.cases.push_back(c);
  };
  order("BR", "stf", "crimes_against_honour", Outcome::kWithheld);
  order("PK", "pta", "unlawful_content_s37", Outcome::kRemoved);
  auto own = [&](const char* category, Outcome o, bool automated) {
    CaseRow c;
    c.source = Source::kOwnInitiative;
    c.category = rec.Intern(category);
    c.authority = rec.Intern("examples@1");
    c.received = kT0;
    c.acted = o == Outcome::kOpen ? 0 : kT0 + 60;
    c.outcome = o;
    c.automated = automated;
    rec.cases.push_back(c);
  };
  own("scams_and_fraud", Outcome::kWithheld, true);
  own("scams_and_fraud", Outcome::kOpen, true);
  own("violence", Outcome::kRemoved, false);
  DataRequest dr;
  dr.id = "dr1";
  dr.jurisdiction = "PK";
  dr.emergency = true;
  dr.received = kT0;
  rec.data_requests.push_back(dr);
  return rec;
}

TEST(TransparencyLabels, PeopleReadLabelsMachinesReadIds) {
  const TransparencyReport r = BuildTransparencyReport(LabelledRecord(), 0, 0);
  const std::string html = RenderTransparencyHtml(r, "Transparency report");
  for (const char* label : {"Crimes against honour", "Unlawful online content under s.37(1)",
                            "Pakistan Telecommunication Authority", "Scams and fraud", "Withheld in some countries",
                            "Removed", "Authority orders", "Own initiative", "PK, None named, emergency"})
    EXPECT_NE(html.find(label), std::string::npos) << label;
  for (const char* id : {">crimes_against_honour<", ">unlawful_content_s37<", ">pta<", ">scams_and_fraud<",
                         ">withheld<", ">open<", "PK none", "PK emergency_none", ">own_initiative<", ">order<"})
    EXPECT_EQ(html.find(id), std::string::npos) << id;
  EXPECT_EQ(TextOutsideItsChart(html), "");

  const auto json = TransparencyToJson(r);
  const auto& rows = json["government_orders"]["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["category"], "crimes_against_honour");
  EXPECT_EQ(rows[0]["category_label"], "Crimes against honour");
  EXPECT_EQ(rows[0]["authority"], "stf");
  EXPECT_EQ(rows[0]["authority_name"], "stf");  // not registered: the id
  EXPECT_EQ(rows[1]["authority"], "pta");
  EXPECT_EQ(rows[1]["authority_name"], "Pakistan Telecommunication Authority");
  EXPECT_EQ(json["own_initiative"]["rows"][0]["action"], "withheld");
  EXPECT_EQ(json["own_initiative"]["rows"][0]["action_label"], "Withheld in some countries");
  EXPECT_EQ(json["data_requests"]["rows"][0]["legal_process"], "none");
  EXPECT_EQ(json["data_requests"]["rows"][0]["legal_process_label"], "None named");

  const auto csv = TransparencyCsvFiles(r);
  EXPECT_NE(csv[0].second.find("pta,Pakistan Telecommunication Authority,unlawful_content_s37,"
                               "Unlawful online content under s.37(1)"),
            std::string::npos)
      << csv[0].second;
}

TEST(TransparencyLabels, WaitingForAPersonIsNotAnAction) {
  const TransparencyReport r = BuildTransparencyReport(LabelledRecord(), 0, 0);
  EXPECT_EQ(r.own_automated, 1);
  EXPECT_EQ(r.own_human, 1);
  EXPECT_EQ(r.own_awaiting_review, 1);
  for (const OwnInitiativeRow& row : r.own_initiative) EXPECT_NE(row.action, "open");
  const std::string html = RenderTransparencyHtml(r, "t");
  EXPECT_EQ(html.find("with human review"), std::string::npos);
  EXPECT_NE(html.find("<b>1</b>decided by a person"), std::string::npos);
  EXPECT_NE(html.find("<b>1</b>awaiting a decision"), std::string::npos);
}

namespace fs = std::filesystem;

// From a real store: a decision the policy flagged for review is automated
// until a person reviews it; "review" decisions wait, and are no action
// once a person has decided them.
TEST(LoadRecordReview, OnlyDecisionsAPersonMadeCountAsHuman) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand-labels-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "store.db").string();
  fs::remove(db);
  auto store = OpenStore(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  struct Planted {
    const char* item;
    Action action;
    bool flagged;
    const char* verdict;  // "" = not reviewed
  };
  const Planted planted[] = {
      {"p1", Action::kRemove, true, ""},           // flagged, nobody looked: automated
      {"p2", Action::kRemove, true, "confirm"},    // a person confirmed: human, removed
      {"p3", Action::kReview, false, ""},          // waiting for a person
      {"p4", Action::kReview, false, "confirm"},   // a person decided: human, no action
      {"p5", Action::kWithhold, false, "overturn"},  // a person overturned: human, no action
      {"p6", Action::kLabel, false, ""},           // automated
  };
  for (const Planted& p : planted) {
    Post post;
    post.id = p.item;
    post.account = "a1";
    post.ts = kT0;
    post.lang = "en";
    post.region = "PK";
    post.text = "t";
    ASSERT_TRUE((*store)->PutPost(post).ok());
    Decision d;
    d.item = p.item;
    d.account = "a1";
    d.action = p.action;
    d.review = p.flagged;
    d.category = "scams_and_fraud";
    d.policy = "examples@1";
    d.rule = "r";
    d.ts = kT0;
    ASSERT_TRUE((*store)->PutDecision(d, "test", nullptr).ok());
  }
  for (const Planted& p : planted) {
    if (std::string(p.verdict).empty()) continue;
    DecisionReview review{p.item, "examples@1", p.verdict, "checked", "mod-aisha", kT0 + 5 * kHour};
    ASSERT_TRUE((*store)->PutDecisionReview(review).ok());
  }
  AuthorityRecord pta{"pta", "Pakistan Telecommunication Authority", "PK", "regulator", kT0};
  ASSERT_TRUE((*store)->PutAuthority(pta, "test").ok());
  LoadOptions options;
  options.as_of = static_cast<int64_t>(std::time(nullptr)) + kDay;
  auto rec = LoadRecord(**store, options);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->labels.Authority("pta"), "Pakistan Telecommunication Authority");
  const TransparencyReport r = BuildTransparencyReport(*rec, 0, 0);
  EXPECT_EQ(r.own_automated, 2);       // p1, p6
  EXPECT_EQ(r.own_human, 3);           // p2, p4, p5
  EXPECT_EQ(r.own_awaiting_review, 1);  // p3
  int64_t no_action_by_people = 0, removed_by_people = 0;
  for (const OwnInitiativeRow& row : r.own_initiative) {
    EXPECT_NE(row.action, "open");
    if (row.action == "no_action") no_action_by_people += row.human;
    if (row.action == "removed") removed_by_people += row.human;
  }
  EXPECT_EQ(no_action_by_people, 2);
  EXPECT_EQ(removed_by_people, 1);
  // A review after the reference time had not happened yet.
  options.as_of = kT0 + 2 * kHour;
  auto before = LoadRecord(**store, options);
  ASSERT_TRUE(before.ok());
  const TransparencyReport b = BuildTransparencyReport(*before, 0, 0);
  EXPECT_EQ(b.own_human, 0);
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evenhand::analytics
