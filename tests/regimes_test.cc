// Regimes: the shipped files in policies/regimes/ against a table of the
// deadlines in ../shared/regimes.yaml (every category of every file must
// have a row, so a changed or added figure fails here until the table is
// updated); each validation error with its line; duplicate ids; overrides;
// and `evenhand regime check|show` through the binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "regimes/overrides.h"
#include "regimes/regime_loader.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
const std::string kSource = EVENHAND_SOURCE_DIR;
const std::string kRegimeDir = kSource + "/policies/regimes";

std::string Fixture(const std::string& name) { return kSource + "/tests/data/regimes/" + name; }

std::vector<Regime> LoadShipped() {
  Result<std::vector<Regime>> r = LoadRegimeDir(kRegimeDir);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::vector<Regime>{};
}

// --- the shipped regimes ------------------------------------------------------

constexpr double kNull = -1;  // "the law sets no hour figure"

struct Row {
  const char* regime;
  const char* category;  // category id, or "info_request"
  double normal;         // hours, or kNull
  double emergency;
};

// From ../shared/regimes.yaml (and the brief: PK 48 h / 12 h per the 2021
// rules; IN as amended in 2026). Where the law has one figure for every
// order, emergency repeats it.
const Row kTable[] = {
    {"pk-peca-rbuoc-2021", "unlawful_content_s37", 48, 12},
    {"pk-peca-rbuoc-2021", "livestream_terrorism_hate_pornography", kNull, kNull},
    {"pk-peca-rbuoc-2021", "info_request", kNull, kNull},
    {"pk-peca-amendment-2025", "unlawful_content_smpra", kNull, kNull},
    {"pk-peca-amendment-2025", "info_request", kNull, kNull},
    {"br-marco-civil-stf-2025", "crimes_against_honour", kNull, kNull},
    {"br-marco-civil-stf-2025", "other_unlawful_content", kNull, kNull},
    {"br-marco-civil-stf-2025", "identical_reposts", kNull, kNull},
    {"br-marco-civil-stf-2025", "paid_ads_and_artificial_distribution", kNull, kNull},
    {"br-marco-civil-stf-2025", "serious_categories_duty_of_care", kNull, kNull},
    {"br-marco-civil-stf-2025", "non_consensual_intimate_images", kNull, kNull},
    {"br-marco-civil-stf-2025", "eca_digital_child_exploitation", kNull, kNull},
    {"br-marco-civil-stf-2025", "info_request", kNull, kNull},
    {"in-it-rules-2021", "court_or_government_order_3_1_d", 3, 3},
    {"in-it-rules-2021", "non_consensual_intimate_imagery", 2, 2},
    {"in-it-rules-2021", "grievance_disposal", 168, 168},
    {"in-it-rules-2021", "urgent_grievance_3_1_b", 36, 36},
    {"in-it-rules-2021", "blocking_order_s69a", kNull, kNull},
    {"in-it-rules-2021", "info_request", 72, 72},
    {"de-netzdg", "manifestly_unlawful", 24, 24},
    {"de-netzdg", "other_unlawful", 168, 168},
    {"de-netzdg", "info_request", 48, 48},
    {"eu-dsa", "art9_order_to_act", kNull, kNull},
    {"eu-dsa", "art16_notice", kNull, kNull},
    {"eu-dsa", "info_request", kNull, kNull},
    {"eu-tco-2021-784", "terrorist_content_removal_order", 1, 1},
    {"eu-tco-2021-784", "info_request", kNull, kNull},
    {"au-osa-2021", "class_1_material_s109", 24, 24},
    {"au-osa-2021", "cyber_abuse_adult_s88", 24, 24},
    {"au-osa-2021", "child_cyberbullying_and_intimate_images", 24, 24},
    {"au-osa-2021", "abhorrent_violent_material_s95", kNull, kNull},
    {"au-osa-2021", "social_media_minimum_age", kNull, kNull},
    {"au-osa-2021", "info_request", kNull, kNull},
    {"uk-osa-2023", "illegal_content", kNull, kNull},
    {"uk-osa-2023", "content_harmful_to_children", kNull, kNull},
    {"uk-osa-2023", "info_request", kNull, kNull},
    {"tr-5651", "art_8a_urgent", 4, 4},
    {"tr-5651", "personal_rights_application", 48, 48},
    {"tr-5651", "court_removal_decision", 24, 24},
    {"tr-5651", "info_request", kNull, kNull},
};

std::optional<double> Want(double v) { return v == kNull ? std::nullopt : std::optional<double>(v); }

TEST(regimes, ShippedDirectoryHasTheNineRegimesOfIssue3) {
  std::vector<Regime> regimes = LoadShipped();
  std::set<std::string> ids;
  for (const Regime& r : regimes) ids.insert(r.id + "/" + r.jurisdiction);
  EXPECT_EQ(ids, (std::set<std::string>{"au-osa-2021/AU", "br-marco-civil-stf-2025/BR", "de-netzdg/DE", "eu-dsa/EU",
                                        "eu-tco-2021-784/EU", "in-it-rules-2021/IN", "pk-peca-amendment-2025/PK",
                                        "pk-peca-rbuoc-2021/PK", "tr-5651/TR", "uk-osa-2023/GB"}));
}

TEST(regimes, DeadlinesMatchTheResearchTable) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  std::set<std::string> covered;
  for (const Row& row : kTable) {
    const Regime* r = FindRegime(regimes, row.regime);
    ASSERT_NE(r, nullptr) << row.regime;
    for (bool emergency : {false, true}) {
      SCOPED_TRACE(std::string(row.regime) + " / " + row.category + (emergency ? " / emergency" : " / normal"));
      const Hours* h = r->DeadlineFor(row.category, emergency);
      ASSERT_NE(h, nullptr);
      EXPECT_EQ(h->value, Want(emergency ? row.emergency : row.normal));
      EXPECT_EQ(r->DeadlineHours(row.category, emergency), Want(emergency ? row.emergency : row.normal));
      EXPECT_FALSE(h->from_deployment);
      if (h->value) {
        EXPECT_EQ(h->source.rfind("http", 0), 0u) << "a figure without a source URL";
      }
    }
    covered.insert(std::string(row.regime) + "/" + row.category);
  }
  // Every category in the files has a row: a new category fails until the
  // table says what its deadline should be.
  for (const Regime& r : regimes) {
    EXPECT_TRUE(covered.count(r.id + "/info_request")) << r.id;
    for (const RegimeCategory& c : r.categories) EXPECT_TRUE(covered.count(r.id + "/" + c.id)) << r.id << "/" << c.id;
  }
}

TEST(regimes, EveryFigureCarriesItsSource) {
  for (const Regime& r : LoadShipped()) {
    SCOPED_TRACE(r.id);
    EXPECT_FALSE(r.authorities.empty());
    for (const RegimeCategory& c : r.categories) {
      EXPECT_EQ(c.source.rfind("https://", 0) == 0 || c.source.rfind("http://", 0) == 0, true) << c.id;
      EXPECT_FALSE(c.dsa_categories.empty()) << c.id;
    }
    for (const Penalty& p : r.penalties) EXPECT_EQ(p.source.rfind("http", 0), 0u) << PenaltyKindName(p.kind);
    if (r.info_request.normal.value) {
      EXPECT_EQ(r.info_request.normal.source.rfind("http", 0), 0u);
    }
    if (r.geo_restriction_satisfies) {
      EXPECT_EQ(r.geo_restriction_source.rfind("http", 0), 0u);
    }
  }
}

TEST(regimes, GeoRestrictionAndPenaltiesFromResearch) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  EXPECT_EQ(FindRegime(regimes, "eu-dsa")->geo_restriction_satisfies, std::optional<bool>(true));
  EXPECT_EQ(FindRegime(regimes, "eu-tco-2021-784")->geo_restriction_satisfies, std::optional<bool>(true));
  for (const char* id : {"pk-peca-rbuoc-2021", "br-marco-civil-stf-2025", "in-it-rules-2021", "au-osa-2021", "tr-5651"})
    EXPECT_EQ(FindRegime(regimes, id)->geo_restriction_satisfies, std::nullopt) << id;

  const Regime* pk = FindRegime(regimes, "pk-peca-rbuoc-2021");
  ASSERT_GE(pk->penalties.size(), 3u);
  EXPECT_EQ(pk->penalties[0].kind, PenaltyKind::kFixedMax);
  EXPECT_EQ(pk->penalties[0].amount, std::optional<double>(500000000));
  EXPECT_EQ(pk->penalties[0].currency, "PKR");

  // Turkey's five-stage escalation for not appointing a representative.
  const Regime* tr = FindRegime(regimes, "tr-5651");
  std::vector<std::pair<int, PenaltyKind>> stages;
  for (const Penalty& p : tr->penalties)
    if (p.source.find("mondaq") != std::string::npos || p.source.find("sott") != std::string::npos)
      stages.emplace_back(p.step, p.kind);
  EXPECT_EQ(stages, (std::vector<std::pair<int, PenaltyKind>>{{1, PenaltyKind::kFixedMax},
                                                              {2, PenaltyKind::kFixedMax},
                                                              {3, PenaltyKind::kBlocking},
                                                              {4, PenaltyKind::kThrottling},
                                                              {5, PenaltyKind::kThrottling}}));
  const Regime* au = FindRegime(regimes, "au-osa-2021");
  EXPECT_EQ(au->penalties[0].kind, PenaltyKind::kPerDayLate);
  EXPECT_EQ(au->penalties[0].amount, std::optional<double>(782500));
}

TEST(regimes, LookupByDsaCategoryTakesTheStrictestMatch) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  const Regime* pk = FindRegime(regimes, "pk-peca-rbuoc-2021");
  // s.37 (48/12) and livestreaming (null) both cover public security.
  EXPECT_EQ(pk->Resolve("risk_for_public_security").size(), 2u);
  EXPECT_EQ(pk->DeadlineHours("risk_for_public_security", false), std::optional<double>(48));
  EXPECT_EQ(pk->DeadlineHours("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", true), std::optional<double>(12));
  const Regime* de = FindRegime(regimes, "de-netzdg");
  EXPECT_EQ(de->DeadlineHours("illegal_or_harmful_speech", false), std::optional<double>(24));
  EXPECT_EQ(de->DeadlineHours("not_specified_notice", false), std::optional<double>(168));
  const Regime* in = FindRegime(regimes, "in-it-rules-2021");
  EXPECT_EQ(in->DeadlineHours("cyber_violence_against_women", false), std::optional<double>(2));
  const Regime* tco = FindRegime(regimes, "eu-tco-2021-784");
  EXPECT_EQ(tco->DeadlineHours("violence", true), std::optional<double>(1));
  // Not covered, or unknown: no deadline and no match.
  EXPECT_EQ(tco->DeadlineFor("animal_welfare", false), nullptr);
  EXPECT_EQ(tco->DeadlineFor("no_such_thing", false), nullptr);
  EXPECT_TRUE(tco->Resolve("scams_and_fraud").empty());
  // A covered category whose law sets no hour figure: a match, but null.
  const Regime* dsa = FindRegime(regimes, "eu-dsa");
  ASSERT_NE(dsa->DeadlineFor("violence", false), nullptr);
  EXPECT_EQ(dsa->DeadlineHours("violence", false), std::nullopt);
}

// --- validation ---------------------------------------------------------------

struct Diag {
  int line;
  int column;
  std::string field;
  std::string message_start;
};

std::string Dump(const std::vector<RegimeDiagnostic>& diags) {
  std::string out;
  for (const RegimeDiagnostic& d : diags) out += d.ToString() + "\n";
  return out;
}

void ExpectDiagnostics(const std::string& name, const std::vector<Diag>& want) {
  std::vector<RegimeDiagnostic> got = CheckRegimeFile(Fixture(name));
  ASSERT_EQ(got.size(), want.size()) << Dump(got);
  // The same file's text given as a source (the fuzz target's entry) reports the same.
  std::ifstream in(Fixture(name), std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(Dump(CheckRegimeSource(Fixture(name), text)), Dump(got));
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(got[i].ToString());
    EXPECT_EQ(got[i].file, Fixture(name));
    EXPECT_EQ(got[i].line, want[i].line);
    EXPECT_EQ(got[i].column, want[i].column);
    EXPECT_EQ(got[i].field, want[i].field);
    EXPECT_EQ(got[i].message.substr(0, want[i].message_start.size()), want[i].message_start);
  }
}

TEST(regimes, ReportsEveryProblemWithItsPosition) {
  ExpectDiagnostics("bad_many.yaml",
                    {
                        {1, 9, "regime", "id \"Bad_ID\" may hold only"},
                        {2, 15, "jurisdiction", "\"pk\" is not an ISO 3166-1 alpha-2 code"},
                        {5, 1, "colour", "unknown key"},
                        {9, 19, "categories[0].dsa_category", "unknown DSA category \"hate_speech\""},
                        {10, 30, "categories[0].deadline_hours.normal", "must be positive, got -5"},
                        {15, 45, "categories[1].deadline_hours.emergency", "emergency deadline (24 h) is longer"},
                        {17, 5, "categories[2].source", "missing"},
                        {20, 44, "categories[2].deadline_hours.emergency", "must be a number or null, got the quoted"},
                        {21, 9, "categories[3].id", "duplicate category id \"fast_track\" (first at line 7)"},
                        {24, 21, "categories[3].deadline_hours.emergency", "missing"},
                        {26, 1, "info_request_source", "missing"},
                        {28, 11, "penalties[0].kind", "unknown penalty kind \"per_day\" (did you mean \"per_day_late\"?)"},
                        {32, 5, "penalties[1].step", "missing"},
                        {36, 5, "penalties[2].currency", "missing"},
                        {37, 13, "penalties[2].source", "must be an http(s) URL"},
                        {38, 1, "geo_restriction_source", "missing"},
                        {40, 11, "authorities[0].kind", "unknown authority kind \"police\""},
                    });
}

TEST(regimes, ReportsMissingFieldsAndWrongTypes) {
  ExpectDiagnostics("missing_fields.yaml",
                    {
                        {1, 1, "instrument", "missing"},
                        {3, 9, "status", "unknown status \"repealed\""},
                        {4, 13, "categories", "is empty"},
                        {5, 30, "info_request_deadline_hours", "must be a mapping"},
                        {8, 13, "penalties[0].amount", "throttling amount is a percentage"},
                        {9, 11, "penalties[0].step", "must be a whole number"},
                        {11, 28, "geo_restriction_satisfies", "must be true, false or null"},
                        {13, 5, "authorities[0].kind", "missing"},
                    });
}

TEST(regimes, SyntaxErrorsAndSeveralDocuments) {
  ExpectDiagnostics("bad_syntax.yaml", {{3, 11, "", "YAML syntax error"}});
  ExpectDiagnostics("two_docs.yaml", {{2, 1, "", "only one YAML document"}});
  Result<Regime> missing = LoadRegimeFile(Fixture("no_such_file.yaml"));
  EXPECT_EQ(missing.status().code(), Status::Code::kIo);
  Result<Regime> bad = LoadRegimeFile(Fixture("bad_many.yaml"));
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalid);
  EXPECT_NE(bad.status().message().find("bad_many.yaml:10:30: categories[0].deadline_hours.normal: must be positive"),
            std::string::npos)
      << bad.status().message();
}

TEST(regimes, DuplicateRegimeIdsAcrossFiles) {
  Result<std::vector<Regime>> r = LoadRegimeDir(Fixture("dup"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("dup/b.yaml:1:9: regime: duplicate regime id \"same-id\" (also in "),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(LoadRegimeDir(Fixture("no_such_dir")).status().code(), Status::Code::kNotFound);
}

// --- overrides ----------------------------------------------------------------

TEST(regimes, OverridesFillNullsAndRecordTheDeployment) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  const Regime* br = FindRegime(regimes, "br-marco-civil-stf-2025");
  ASSERT_EQ(br->DeadlineHours("crimes_against_honour", false), std::nullopt);

  Status st = ApplyOverrides(Fixture("overrides_ok.yaml"), &regimes);
  ASSERT_TRUE(st.ok()) << st.message();
  br = FindRegime(regimes, "br-marco-civil-stf-2025");
  const Hours* h = br->DeadlineFor("crimes_against_honour", false);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->value, std::optional<double>(48));
  EXPECT_TRUE(h->from_deployment);
  EXPECT_EQ(h->source, Fixture("overrides_ok.yaml") + ":5");
  EXPECT_EQ(h->note, "Internal target agreed with counsel");
  EXPECT_EQ(br->DeadlineHours("crimes_against_honour", true), std::optional<double>(24));
  // Untouched categories keep their null; the info-request clock can be set.
  EXPECT_EQ(br->DeadlineHours("identical_reposts", false), std::nullopt);
  const Regime* dsa = FindRegime(regimes, "eu-dsa");
  EXPECT_EQ(dsa->DeadlineHours("info_request", false), std::optional<double>(72));
  EXPECT_EQ(dsa->DeadlineHours("info_request", true), std::nullopt);
}

TEST(regimes, OverridesAreCheckedAndAllOrNothing) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  Status st = ApplyOverrides(Fixture("overrides_bad.yaml"), &regimes);
  ASSERT_FALSE(st.ok());
  const std::string f = Fixture("overrides_bad.yaml");
  for (const std::string& want : {
           f + ":4:13: overrides[0].normal: the law sets 48 h here",
           f + ":5:13: overrides[1].regime: unknown regime \"no-such-regime\"",
           f + ":8:5: overrides[2]: emergency deadline (5 h) would be longer than the normal one (2 h)",
           f + ":14:13: overrides[3].normal: must be positive, got -1",
           f + ":15:5: overrides[3].colour: unknown key",
       })
    EXPECT_NE(st.message().find(want), std::string::npos) << want << "\n" << st.message();
  // Nothing was applied.
  EXPECT_EQ(FindRegime(regimes, "pk-peca-rbuoc-2021")->DeadlineHours("unlawful_content_s37", false),
            std::optional<double>(48));
  EXPECT_EQ(FindRegime(regimes, "eu-dsa")->DeadlineHours("art9_order_to_act", false), std::nullopt);
}

TEST(regimes, ReplacingALegalFigureNeedsReplaceTrue) {
  std::vector<Regime> regimes = LoadShipped();
  ASSERT_FALSE(regimes.empty());
  fs::path file = fs::temp_directory_path() / ("evenhand_regime_override_" + std::to_string(getpid()) + ".yaml");
  {
    std::ofstream out(file);
    out << "overrides:\n"
           "  - regime: pk-peca-rbuoc-2021\n"
           "    category: unlawful_content_s37\n"
           "    normal: 24\n"
           "    replace: true\n"
           "    reason: stricter internal target\n";
  }
  Status st = ApplyOverrides(file.string(), &regimes);
  fs::remove(file);
  ASSERT_TRUE(st.ok()) << st.message();
  const Regime* pk = FindRegime(regimes, "pk-peca-rbuoc-2021");
  EXPECT_EQ(pk->DeadlineHours("unlawful_content_s37", false), std::optional<double>(24));
  EXPECT_TRUE(pk->DeadlineFor("unlawful_content_s37", false)->from_deployment);
  // The emergency figure is still the law's.
  EXPECT_EQ(pk->DeadlineHours("unlawful_content_s37", true), std::optional<double>(12));
  EXPECT_FALSE(pk->DeadlineFor("unlawful_content_s37", true)->from_deployment);
}

// --- the CLI ------------------------------------------------------------------

struct Outcome {
  int exit_code = -1;
  std::string out;
};

Outcome Exec(const std::string& args) {
  std::string cmd = std::string(EVENHAND_BINARY) + " " + args + " 2>&1";
  Outcome r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(regimes, CliCheck) {
  const std::string good = kRegimeDir + "/pk-peca-rbuoc-2021.yaml";
  Outcome ok = Exec("regime check " + good);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out, good + ": ok (2 categories)\n");

  Outcome bad = Exec("regime check " + good + " " + Fixture("bad_many.yaml"));
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find(good + ": ok"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(Fixture("bad_many.yaml") + ":28:11: penalties[0].kind: unknown penalty kind"),
            std::string::npos)
      << bad.out;
}

TEST(regimes, CliListAndShow) {
  Outcome list = Exec("regime list --dir " + kRegimeDir);
  EXPECT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find("eu-tco-2021-784"), std::string::npos) << list.out;

  Outcome show = Exec("regime show in-it-rules-2021 --json --dir " + kRegimeDir);
  EXPECT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("\"id\":\"court_or_government_order_3_1_d\""), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\"normal\":{\"hours\":3,\"from_deployment\":false"), std::string::npos) << show.out;

  Outcome overridden = Exec("regime show br-marco-civil-stf-2025 --dir " + kRegimeDir + " --overrides " +
                            Fixture("overrides_ok.yaml"));
  EXPECT_EQ(overridden.exit_code, 0) << overridden.out;
  EXPECT_NE(overridden.out.find("48*"), std::string::npos) << overridden.out;

  Outcome unknown = Exec("regime show no-such-regime --dir " + kRegimeDir);
  EXPECT_EQ(unknown.exit_code, 1);
}

}  // namespace
}  // namespace evenhand
