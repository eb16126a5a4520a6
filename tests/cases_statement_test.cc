// Statements of reasons: every action gives the expected DSA statement, each
// field checked against the Transparency Database's enumerations as written
// out below from ../shared/research/platforms.md section (c) -- on purpose
// independently of model/statement.cc, so a typo there fails here. Also: the
// validator names every bad field, CSV quoting, the JSON field names and
// round trip, the store's decision walk, and `evenhand sor export` over
// examples/ end to end.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases/statement_builder.h"
#include "cases/statement_export.h"
#include "cases/statement_validate.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
using Set = std::set<std::string>;

// ---- The schema, from platforms.md section (c) -----------------------------

const Set kVisibility = {"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
                         "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
                         "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
                         "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER"};
const Set kMonetary = {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"};
const Set kProvision = {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
                        "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"};
const Set kAccount = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"};
const Set kGround = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"};
const Set kCategory = {"STATEMENT_CATEGORY_ANIMAL_WELFARE",
                       "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
                       "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                       "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
                       "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
                       "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
                       "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
                       "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
                       "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
                       "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
                       "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                       "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
                       "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
                       "STATEMENT_CATEGORY_SELF_HARM",
                       "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
                       "STATEMENT_CATEGORY_VIOLENCE"};
const Set kContentType = {"CONTENT_TYPE_APP",  "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE",
                          "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT",
                          "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"};
const Set kSourceType = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION",
                         "SOURCE_VOLUNTARY"};
const Set kYesNo = {"Yes", "No"};
const Set kAutomatedDecision = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                                "AUTOMATED_DECISION_NOT_AUTOMATED"};
const Set kEea = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
                  "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"};
// Every submission field name of the schema.
const Set kFieldNames = {
    "decision_visibility", "decision_visibility_other", "decision_monetary", "decision_monetary_other",
    "decision_provision", "decision_account", "end_date_visibility_restriction", "end_date_monetary_restriction",
    "end_date_service_restriction", "end_date_account_restriction", "account_type", "decision_ground",
    "decision_ground_reference_url", "illegal_content_legal_ground", "illegal_content_explanation",
    "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal",
    "decision_facts", "category", "category_addition", "category_specification", "category_specification_other",
    "content_type", "content_type_other", "content_language", "content_date", "application_date",
    "territorial_scope", "source_type", "source_identity", "automated_detection", "automated_decision", "puid"};
const Set kRequired = {"decision_ground", "decision_facts", "category", "content_type", "content_date",
                       "application_date", "territorial_scope", "source_type", "automated_detection",
                       "automated_decision", "puid"};

bool In(const Set& set, const std::string& v) { return set.count(v) > 0; }

bool IsDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  return true;
}

// Field-by-field check of a dsa-json object against the schema above.
// `eea_scope` = false lets non-EEA territorial scope codes through (a
// withhold outside the EEA).
void ExpectSchemaValid(const nlohmann::json& j, bool eea_scope = true) {
  SCOPED_TRACE(j.dump());
  for (const auto& [key, value] : j.items()) EXPECT_TRUE(In(kFieldNames, key)) << "unknown field " << key;
  for (const std::string& key : kRequired) EXPECT_TRUE(j.contains(key)) << "missing " << key;
  const std::string puid = j.value("puid", "");
  EXPECT_FALSE(puid.empty());
  EXPECT_LE(puid.size(), 500u);
  for (char c : puid) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << puid;

  int restrictions = 0;
  if (j.contains("decision_visibility")) {
    ++restrictions;
    ASSERT_TRUE(j["decision_visibility"].is_array());
    for (const auto& v : j["decision_visibility"]) EXPECT_TRUE(In(kVisibility, v.get<std::string>())) << v;
  }
  const std::pair<const char*, const Set*> singles[] = {
      {"decision_monetary", &kMonetary}, {"decision_provision", &kProvision}, {"decision_account", &kAccount}};
  for (const auto& [key, allowed] : singles) {
    if (!j.contains(key)) continue;
    ++restrictions;
    EXPECT_TRUE(In(*allowed, j[key].get<std::string>())) << key << " " << j[key];
  }
  EXPECT_GE(restrictions, 1);

  const std::string ground = j.value("decision_ground", "");
  EXPECT_TRUE(In(kGround, ground)) << ground;
  if (ground == "DECISION_GROUND_ILLEGAL_CONTENT") {
    EXPECT_FALSE(j.value("illegal_content_legal_ground", "").empty());
    EXPECT_FALSE(j.value("illegal_content_explanation", "").empty());
    EXPECT_LE(j.value("illegal_content_legal_ground", "").size(), 500u);
  } else {
    EXPECT_FALSE(j.value("incompatible_content_ground", "").empty());
    EXPECT_FALSE(j.value("incompatible_content_explanation", "").empty());
    EXPECT_LE(j.value("incompatible_content_ground", "").size(), 500u);
  }
  EXPECT_FALSE(j.value("decision_facts", "").empty());
  EXPECT_TRUE(In(kCategory, j.value("category", ""))) << j.value("category", "");
  ASSERT_TRUE(j["content_type"].is_array());
  EXPECT_FALSE(j["content_type"].empty());
  for (const auto& v : j["content_type"]) EXPECT_TRUE(In(kContentType, v.get<std::string>())) << v;
  const std::string content_date = j.value("content_date", ""), application_date = j.value("application_date", "");
  EXPECT_TRUE(IsDate(content_date)) << content_date;
  EXPECT_TRUE(IsDate(application_date)) << application_date;
  EXPECT_GE(content_date, "2000-01-01");
  EXPECT_GE(application_date, "2020-01-01");
  EXPECT_LE(content_date, application_date);
  EXPECT_LE(application_date, "2038-01-01");
  ASSERT_TRUE(j["territorial_scope"].is_array());
  EXPECT_FALSE(j["territorial_scope"].empty());
  if (eea_scope) {
    for (const auto& v : j["territorial_scope"]) EXPECT_TRUE(In(kEea, v.get<std::string>())) << v;
  }
  const std::string source = j.value("source_type", "");
  EXPECT_TRUE(In(kSourceType, source)) << source;
  if (source == "SOURCE_VOLUNTARY") {
    EXPECT_FALSE(j.contains("source_identity"));
  }
  EXPECT_TRUE(In(kYesNo, j.value("automated_detection", "")));
  EXPECT_TRUE(In(kAutomatedDecision, j.value("automated_decision", "")));
  if (j.contains("content_language")) {
    const std::string lang = j["content_language"];
    EXPECT_TRUE(lang.size() == 2 && std::isupper(static_cast<unsigned char>(lang[0])) &&
                std::isupper(static_cast<unsigned char>(lang[1])))
        << lang;
  }
}

nlohmann::json ToJson(const Statement& s) {
  std::string line;
  AppendDsaJson(&line, s);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  return nlohmann::json::parse(line);
}

std::vector<std::string> List(const nlohmann::json& j, const char* key) {
  return j.contains(key) ? j[key].get<std::vector<std::string>>() : std::vector<std::string>{};
}

Set FieldsWithErrors(const Statement& s) {
  Set fields;
  for (const FieldError& e : ValidateStatement(s)) fields.insert(e.field);
  return fields;
}

// ---- Fixtures ----------------------------------------------------------------

const int64_t kPosted = *ParseTimestamp("2026-11-01T10:00:00Z");
const int64_t kDecided = *ParseTimestamp("2026-11-03T08:30:00Z");

Post MakePost() {
  Post p;
  p.id = "p1";
  p.account = "a1";
  p.ts = kPosted;
  p.lang = "ur";
  p.text = "some text";
  p.region = "PK";
  return p;
}

Decision MakeDecision(Action action) {
  Decision d;
  d.item = "p1";
  d.account = "a1";
  d.action = action;
  d.category = "scams_and_fraud";
  d.rule = "scam-rule";
  d.policy = "default@3";
  d.reason = "Scam solicitation";
  d.lang = "ur";
  d.region = "PK";
  d.ts = kPosted;
  d.signals.push_back({"terms", "scam_terms", 1.0, "\"send money\" at 3..13"});
  if (action == Action::kWithhold) d.scope = {"DE", "FR"};
  return d;
}

StatementOptions Options() {
  StatementOptions o;
  o.platform_name = "Example Platform";
  return o;
}

// ---- Own-initiative statements -----------------------------------------------

TEST(StatementBuilder, AllowAndReviewGiveNoStatement) {
  EXPECT_FALSE(BuildStatement(MakeDecision(Action::kAllow), MakePost(), kDecided, Options()));
  EXPECT_FALSE(BuildStatement(MakeDecision(Action::kReview), MakePost(), kDecided, Options()));
}

TEST(StatementBuilder, EveryActionGivesTheExpectedStatement) {
  struct Case {
    Action action;
    std::vector<std::string> visibility;
    std::string account;
    std::vector<std::string> scope;  // empty = the whole EEA
  };
  const std::vector<std::string> all_eea(kEea.begin(), kEea.end());
  const Case cases[] = {
      {Action::kLabel, {"DECISION_VISIBILITY_CONTENT_LABELLED"}, "", {}},
      {Action::kWithhold, {"DECISION_VISIBILITY_CONTENT_DISABLED"}, "", {"DE", "FR"}},
      {Action::kRemove, {"DECISION_VISIBILITY_CONTENT_REMOVED"}, "", {}},
      {Action::kSuspendAccount, {}, "DECISION_ACCOUNT_SUSPENDED", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ActionName(c.action)));
    std::optional<Statement> s = BuildStatement(MakeDecision(c.action), MakePost(), kDecided, Options());
    ASSERT_TRUE(s);
    EXPECT_TRUE(ValidateStatement(*s).empty()) << DescribeErrors(ValidateStatement(*s));
    nlohmann::json j = ToJson(*s);
    ExpectSchemaValid(j);
    EXPECT_EQ(List(j, "decision_visibility"), c.visibility);
    EXPECT_EQ(j.value("decision_account", ""), c.account);
    std::vector<std::string> scope = List(j, "territorial_scope");
    if (c.scope.empty()) {
      std::sort(scope.begin(), scope.end());
      EXPECT_EQ(scope, all_eea);
    } else {
      EXPECT_EQ(scope, c.scope);
    }
    EXPECT_EQ(j["decision_ground"], "DECISION_GROUND_INCOMPATIBLE_CONTENT");
    EXPECT_EQ(j["incompatible_content_ground"], "Scam solicitation");
    EXPECT_NE(j.value("incompatible_content_explanation", "").find("scam-rule"), std::string::npos);
    EXPECT_EQ(j["category"], "STATEMENT_CATEGORY_SCAMS_AND_FRAUD");
    EXPECT_EQ(List(j, "content_type"), std::vector<std::string>{"CONTENT_TYPE_TEXT"});
    EXPECT_EQ(j["content_language"], "UR");
    EXPECT_EQ(j["content_date"], "2026-11-01");
    EXPECT_EQ(j["application_date"], "2026-11-03");
    EXPECT_EQ(j["source_type"], "SOURCE_VOLUNTARY");
    EXPECT_FALSE(j.contains("source_identity"));
    EXPECT_EQ(j["automated_detection"], "Yes");
    EXPECT_EQ(j["automated_decision"], "AUTOMATED_DECISION_FULLY");
    EXPECT_FALSE(j.contains("illegal_content_legal_ground"));
    EXPECT_FALSE(j.contains("platform_name"));  // the database assigns it from the API token
    // Published text must not quote the post or the evidence.
    EXPECT_EQ(j.dump().find("send money"), std::string::npos);
    EXPECT_EQ(j.dump().find("some text"), std::string::npos);
  }
}

TEST(StatementBuilder, ReviewedDecisionsArePartiallyAutomated) {
  Decision d = MakeDecision(Action::kRemove);
  d.review = true;
  std::optional<Statement> s = BuildStatement(d, MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->automated_decision, "AUTOMATED_DECISION_PARTIALLY");
  EXPECT_EQ(s->automated_detection, "Yes");
  EXPECT_NE(s->decision_facts.find("human review"), std::string::npos);
}

TEST(StatementBuilder, MediaTypesAndTermsUrl) {
  Post p = MakePost();
  p.media = {{"img/1.jpg"}, {"clip.MP4"}, {"doc.pdf"}};
  StatementOptions o = Options();
  o.terms_url = "https://example.org/terms#scams";
  std::optional<Statement> s = BuildStatement(MakeDecision(Action::kRemove), p, kDecided, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->content_type, (std::vector<std::string>{"CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE",
                                                      "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"}));
  EXPECT_FALSE(s->content_type_other.empty());
  EXPECT_EQ(s->decision_ground_reference_url, "https://example.org/terms#scams");
  EXPECT_TRUE(ValidateStatement(*s).empty()) << DescribeErrors(ValidateStatement(*s));
}

TEST(StatementBuilder, WithholdOutsideTheEeaIsFlaggedAndDroppedByRestrictToEea) {
  Decision d = MakeDecision(Action::kWithhold);
  d.scope = {"PK"};
  std::optional<Statement> s = BuildStatement(d, MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->territorial_scope, std::vector<std::string>{"PK"});
  EXPECT_EQ(FieldsWithErrors(*s), Set{"territorial_scope"});
  EXPECT_FALSE(RestrictToEea(&*s));

  d.scope = {"PK", "DE"};
  s = BuildStatement(d, MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_TRUE(RestrictToEea(&*s));
  EXPECT_EQ(s->territorial_scope, std::vector<std::string>{"DE"});
  EXPECT_TRUE(ValidateStatement(*s).empty());
}

TEST(StatementBuilder, PuidsAreStableUniqueAndInTheAllowedAlphabet) {
  Decision a = MakeDecision(Action::kRemove);
  std::string first = BuildStatement(a, MakePost(), kDecided, Options())->puid;
  EXPECT_EQ(first, BuildStatement(a, MakePost(), kDecided + 999, Options())->puid);

  std::set<std::string> seen;
  const std::pair<std::string, std::string> keys[] = {
      {"p1", "default@3"}, {"p1", "default@4"}, {"p2", "default@3"},
      {"a-b", "c@1"},      {"a", "b-c@1"},      {"a_b", "c@1"},
      {"x y/é", "p@1"},    {"p 1", "default@3"}, {"p_201", "default@3"}};
  for (const auto& [item, policy] : keys) {
    Decision d = MakeDecision(Action::kLabel);
    d.item = item;
    d.policy = policy;
    std::string puid = BuildStatement(d, MakePost(), kDecided, Options())->puid;
    EXPECT_TRUE(seen.insert(puid).second) << "duplicate " << puid;
    Statement s;
    s.puid = puid;
    EXPECT_EQ(FieldsWithErrors(s).count("puid"), 0u) << puid;
  }

  Decision long_item = MakeDecision(Action::kLabel);
  long_item.item = std::string(400, '/');
  std::string puid = BuildStatement(long_item, MakePost(), kDecided, Options())->puid;
  EXPECT_LE(puid.size(), 500u);
  long_item.item.back() = '.';
  EXPECT_NE(puid, BuildStatement(long_item, MakePost(), kDecided, Options())->puid);
}

// ---- Ordered statements --------------------------------------------------------

OrderFacts MakeOrder() {
  OrderFacts o;
  o.id = "ord-17";
  o.authority = "Landgericht Berlin";
  o.jurisdiction = "de";
  o.instrument = "StGB";
  o.provision = "s. 130";
  o.received = *ParseTimestamp("2026-11-02T09:00:00Z");
  return o;
}

TEST(StatementBuilder, OrderedWithholdIsIllegalContentInTheOrdersJurisdiction) {
  Decision action = MakeDecision(Action::kWithhold);
  action.category = "illegal_or_harmful_speech";
  std::optional<Statement> s = BuildOrderStatement(MakeOrder(), action, MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_TRUE(ValidateStatement(*s).empty()) << DescribeErrors(ValidateStatement(*s));
  nlohmann::json j = ToJson(*s);
  ExpectSchemaValid(j);
  EXPECT_EQ(List(j, "decision_visibility"), std::vector<std::string>{"DECISION_VISIBILITY_CONTENT_DISABLED"});
  EXPECT_EQ(List(j, "territorial_scope"), std::vector<std::string>{"DE"});
  EXPECT_EQ(j["decision_ground"], "DECISION_GROUND_ILLEGAL_CONTENT");
  EXPECT_EQ(j["illegal_content_legal_ground"], "StGB, s. 130");
  EXPECT_NE(j.value("illegal_content_explanation", "").find("Landgericht Berlin"), std::string::npos);
  EXPECT_FALSE(j.contains("incompatible_content_ground"));
  EXPECT_EQ(j["category"], "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH");
  EXPECT_EQ(j["source_type"], "SOURCE_TYPE_OTHER_NOTIFICATION");
  EXPECT_EQ(j["source_identity"], "Landgericht Berlin");
  EXPECT_EQ(j["automated_detection"], "No");
  EXPECT_EQ(j["automated_decision"], "AUTOMATED_DECISION_NOT_AUTOMATED");
  EXPECT_EQ(j["puid"], BuildOrderStatement(MakeOrder(), action, MakePost(), kDecided + 5, Options())->puid);
  EXPECT_NE(j["puid"], BuildStatement(action, MakePost(), kDecided, Options())->puid);
}

TEST(StatementBuilder, OrderedActionsOverTheirScopes) {
  OrderFacts eu = MakeOrder();
  eu.jurisdiction = "EU";
  std::optional<Statement> s = BuildOrderStatement(eu, MakeDecision(Action::kWithhold), MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_EQ(Set(s->territorial_scope.begin(), s->territorial_scope.end()), kEea);

  s = BuildOrderStatement(MakeOrder(), MakeDecision(Action::kRemove), MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->decision_visibility, std::vector<std::string>{"DECISION_VISIBILITY_CONTENT_REMOVED"});
  EXPECT_EQ(Set(s->territorial_scope.begin(), s->territorial_scope.end()), kEea);
  ExpectSchemaValid(ToJson(*s));

  EXPECT_FALSE(BuildOrderStatement(MakeOrder(), MakeDecision(Action::kReview), MakePost(), kDecided, Options()));

  OrderFacts pk = MakeOrder();
  pk.jurisdiction = "PK";
  s = BuildOrderStatement(pk, MakeDecision(Action::kWithhold), MakePost(), kDecided, Options());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->territorial_scope, std::vector<std::string>{"PK"});
  EXPECT_EQ(FieldsWithErrors(*s), Set{"territorial_scope"});
}

// ---- Validation ------------------------------------------------------------------

Statement ValidStatement() { return *BuildStatement(MakeDecision(Action::kRemove), MakePost(), kDecided, Options()); }

TEST(StatementValidate, BadStatementNamesEveryBadField) {
  Statement s = ValidStatement();
  s.puid = "bad id!";
  s.decision_visibility = {"DECISION_VISIBILITY_HIDDEN"};
  s.decision_account = "DECISION_ACCOUNT_BANNED";
  s.decision_ground.clear();
  s.category = "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT";  // retired in v1.0
  s.category_specification = {"KEYWORD_NOPE"};
  s.content_type.clear();
  s.content_language = "urd";
  s.content_date = "2026-02-30";
  s.application_date = "2019-12-31";
  s.territorial_scope = {"UK", "DE", "DE"};
  s.source_type = "SOURCE_ORDER";
  s.automated_detection = "yes";
  s.automated_decision.clear();
  const Set expected = {"puid",           "decision_visibility", "decision_account", "decision_ground",
                        "category",       "category_specification", "content_type", "content_language",
                        "content_date",   "application_date",    "territorial_scope", "source_type",
                        "automated_detection", "automated_decision"};
  EXPECT_EQ(FieldsWithErrors(s), expected) << DescribeErrors(ValidateStatement(s));
  // Each problem says what is wrong with the value.
  std::string all = DescribeErrors(ValidateStatement(s));
  EXPECT_NE(all.find("\"UK\" is not an EEA country code"), std::string::npos) << all;
  EXPECT_NE(all.find("\"DE\" is listed twice"), std::string::npos) << all;
  EXPECT_NE(all.find("2026-02-30"), std::string::npos) << all;
}

TEST(StatementValidate, ConditionalFieldsAndOrdering) {
  {
    Statement s = ValidStatement();
    s.decision_visibility.clear();
    EXPECT_EQ(FieldsWithErrors(s), Set{"decision_visibility"});
    s.decision_monetary = "DECISION_MONETARY_OTHER";
    EXPECT_EQ(FieldsWithErrors(s), Set{"decision_monetary_other"});
  }
  {
    Statement s = ValidStatement();
    s.decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT";
    s.incompatible_content_illegal = "Yes";
    EXPECT_EQ(FieldsWithErrors(s),
              (Set{"illegal_content_legal_ground", "illegal_content_explanation", "incompatible_content_illegal"}));
  }
  {
    Statement s = ValidStatement();
    s.incompatible_content_ground.clear();
    s.incompatible_content_explanation = std::string(2001, 'x');
    EXPECT_EQ(FieldsWithErrors(s), (Set{"incompatible_content_ground", "incompatible_content_explanation"}));
  }
  {
    Statement s = ValidStatement();
    s.decision_visibility.push_back("DECISION_VISIBILITY_OTHER");
    s.content_type.push_back("CONTENT_TYPE_OTHER");
    s.source_identity = "someone";
    EXPECT_EQ(FieldsWithErrors(s), (Set{"decision_visibility_other", "content_type_other", "source_identity"}));
  }
  {
    Statement s = ValidStatement();
    s.content_date = "2026-11-04";  // after application_date 2026-11-03
    s.end_date_visibility_restriction = "2026-11-02";
    s.end_date_account_restriction = "2038-01-02";
    EXPECT_EQ(FieldsWithErrors(s),
              (Set{"content_date", "end_date_visibility_restriction", "end_date_account_restriction"}));
  }
  {
    Statement s = ValidStatement();
    s.decision_ground_reference_url = "terms.html";
    s.territorial_scope.clear();
    s.decision_facts.clear();
    EXPECT_EQ(FieldsWithErrors(s), (Set{"decision_ground_reference_url", "territorial_scope", "decision_facts"}));
  }
  EXPECT_TRUE(IsDsaDate("2024-02-29"));
  EXPECT_FALSE(IsDsaDate("2023-02-29"));
  EXPECT_FALSE(IsDsaDate("2026-1-01"));
}

TEST(StatementValidate, CodeTablesMatchTheSchema) {
  auto as_set = [](std::span<const std::string_view> values) {
    Set out;
    for (std::string_view v : values) out.emplace(v);
    return out;
  };
  EXPECT_EQ(as_set(dsa::DecisionVisibilityValues()), kVisibility);
  EXPECT_EQ(as_set(dsa::DecisionMonetaryValues()), kMonetary);
  EXPECT_EQ(as_set(dsa::DecisionProvisionValues()), kProvision);
  EXPECT_EQ(as_set(dsa::DecisionAccountValues()), kAccount);
  EXPECT_EQ(as_set(dsa::DecisionGroundValues()), kGround);
  EXPECT_EQ(as_set(dsa::CategoryValues()), kCategory);
  EXPECT_EQ(as_set(dsa::ContentTypeValues()), kContentType);
  EXPECT_EQ(as_set(dsa::SourceTypeValues()), kSourceType);
  EXPECT_EQ(as_set(dsa::AutomatedDecisionValues()), kAutomatedDecision);
  EXPECT_EQ(as_set(dsa::EeaCountries()), kEea);
  EXPECT_EQ(dsa::KeywordValues().size(), 69u);
  Set names;
  for (const StatementField& f : StatementFields()) {
    names.emplace(f.name);
    EXPECT_EQ(f.required, In(kRequired, std::string(f.name))) << f.name;
    EXPECT_NE(f.text == nullptr, f.list == nullptr) << f.name;
  }
  EXPECT_EQ(names, kFieldNames);
}

// ---- Writers -----------------------------------------------------------------------

// Minimal RFC 4180 reader for the checks below.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

TEST(StatementExport, CsvQuoting) {
  auto field = [](std::string_view v) {
    std::string out;
    AppendCsvField(&out, v);
    return out;
  };
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(field("cr\rhere"), "\"cr\rhere\"");
}

TEST(StatementExport, CsvRowsRoundTripThroughAnRfc4180Reader) {
  Statement s = ValidStatement();
  s.decision_facts = "Facts, with a comma; \"quotes\"\nand a second line\r\nand a third";
  s.platform_name = "Acme, \"Inc\"";
  s.territorial_scope = {"DE", "FR"};
  std::string csv;
  AppendDsaCsvHeader(&csv);
  AppendDsaCsvRow(&csv, s);
  AppendDsaCsvRow(&csv, ValidStatement());
  auto rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), 3u);
  const auto& header = rows[0];
  EXPECT_EQ(header.size(), kFieldNames.size() + 1);
  EXPECT_EQ(Set(header.begin(), header.end() - 1), kFieldNames);
  EXPECT_EQ(header.back(), "platform_name");
  for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());
  std::map<std::string, std::string> r;
  for (size_t i = 0; i < header.size(); ++i) r[header[i]] = rows[1][i];
  EXPECT_EQ(r["decision_facts"], s.decision_facts);
  EXPECT_EQ(r["platform_name"], s.platform_name);
  EXPECT_EQ(r["puid"], s.puid);
  // List fields are JSON arrays, as in the database's own CSV export.
  EXPECT_EQ(r["territorial_scope"], "[\"DE\",\"FR\"]");
  EXPECT_EQ(r["decision_visibility"], "[\"DECISION_VISIBILITY_CONTENT_REMOVED\"]");
  EXPECT_EQ(r["decision_account"], "");
}

TEST(StatementExport, JsonRoundTripKeepsEveryFieldName) {
  Statement s = ValidStatement();
  s.category_addition = {"STATEMENT_CATEGORY_VIOLENCE"};
  s.category_specification = {"KEYWORD_PHISHING"};
  s.end_date_visibility_restriction = "2027-01-01";
  s.account_type = "ACCOUNT_TYPE_PRIVATE";
  s.incompatible_content_illegal = "No";
  s.decision_facts = "Line one\nline \"two\" — ünïcode";
  std::string line;
  AppendDsaJson(&line, s);
  nlohmann::json j = nlohmann::json::parse(line);
  for (const auto& [key, value] : j.items()) EXPECT_TRUE(In(kFieldNames, key)) << key;
  for (const char* key : {"category_addition", "category_specification", "end_date_visibility_restriction",
                          "account_type", "incompatible_content_illegal"})
    EXPECT_TRUE(j.contains(key)) << key;
  ExpectSchemaValid(j);

  Result<Statement> back = ParseDsaJson(line);
  ASSERT_TRUE(back.ok()) << back.status().message();
  for (const StatementField& f : StatementFields()) {
    if (f.text != nullptr) {
      EXPECT_EQ((*back).*f.text, s.*f.text) << f.name;
    } else {
      EXPECT_EQ((*back).*f.list, s.*f.list) << f.name;
    }
  }
  EXPECT_FALSE(ParseDsaJson("{\"puid\":\"x\",\"platform\":\"y\"}").ok());
  EXPECT_FALSE(ParseDsaJson("{\"territorial_scope\":\"DE\"}").ok());
  EXPECT_FALSE(ParseDsaJson("[1]").ok());
  EXPECT_FALSE(ParseDsaJson("{").ok());
  EXPECT_TRUE(ParseStatementFormat("dsa-json"));
  EXPECT_TRUE(ParseStatementFormat("dsa-csv"));
  EXPECT_FALSE(ParseStatementFormat("csv"));
}

// ---- Store and CLI -------------------------------------------------------------------

const std::string kSource = EVENHAND_SOURCE_DIR;
const std::string kBinary = EVENHAND_BINARY;

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("evenhand_sor_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(StatementStore, ForEachDecisionReturnsDecisionsWithTheirPosts) {
  fs::path dir = TempDir("store");
  auto store = OpenStore((dir / "t.db").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  Post p = MakePost();
  p.media = {{"img/1.png"}};
  ASSERT_TRUE((*store)->PutPost(p).ok());
  Decision with_post = MakeDecision(Action::kWithhold);
  Decision without_post = MakeDecision(Action::kLabel);
  without_post.item = "p-missing";
  bool inserted = false;
  ASSERT_TRUE((*store)->PutDecision(with_post, "test", &inserted).ok());
  ASSERT_TRUE((*store)->PutDecision(without_post, "test", &inserted).ok());

  std::vector<StoredDecision> rows;
  ASSERT_TRUE((*store)->ForEachDecision("", [&](const StoredDecision& r) {
    rows.push_back(r);
    return true;
  }).ok());
  ASSERT_EQ(rows.size(), 2u);
  const StoredDecision& a = rows[0];
  EXPECT_EQ(a.decision.item, "p1");
  EXPECT_EQ(a.decision.action, Action::kWithhold);
  EXPECT_EQ(a.decision.scope, (std::vector<std::string>{"DE", "FR"}));
  EXPECT_EQ(a.decision.category, "scams_and_fraud");
  EXPECT_EQ(a.decision.rule, "scam-rule");
  EXPECT_EQ(a.decision.policy, "default@3");
  EXPECT_EQ(a.decision.reason, "Scam solicitation");
  ASSERT_EQ(a.decision.signals.size(), 1u);
  EXPECT_EQ(a.decision.signals[0].name, "scam_terms");
  EXPECT_GT(a.stored_at, 0);
  EXPECT_TRUE(a.post_found);
  EXPECT_EQ(a.post.ts, kPosted);
  EXPECT_EQ(a.post.region, "PK");
  EXPECT_EQ(a.post.account, "a1");
  ASSERT_EQ(a.post.media.size(), 1u);
  EXPECT_EQ(a.post.media[0].path, "img/1.png");
  EXPECT_EQ(rows[1].decision.item, "p-missing");
  EXPECT_FALSE(rows[1].post_found);

  int seen = 0;
  ASSERT_TRUE((*store)->ForEachDecision("other@1", [&](const StoredDecision&) { return ++seen, true; }).ok());
  EXPECT_EQ(seen, 0);
  ASSERT_TRUE((*store)->ForEachDecision("", [&](const StoredDecision&) { return ++seen, false; }).ok());
  EXPECT_EQ(seen, 1);
}

struct Outcome {
  int exit_code = -1;
  std::string out;
};

Outcome Exec(const std::string& args) {
  std::string cmd = kBinary + " " + args + " 2>&1";
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

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SorExportEndToEnd, OneValidStatementPerActionDecisionOfTheExamples) {
  fs::path dir = TempDir("e2e");
  const std::string db = (dir / "t.db").string();
  Outcome scan = Exec("scan " + kSource + "/examples/posts.jsonl --policy " + kSource +
                      "/examples/policy.yaml -q -o /dev/null --db " + db);
  ASSERT_EQ(scan.exit_code, 0) << scan.out;

  auto expected = nlohmann::json::parse(ReadFile(kSource + "/examples/expected.json"));
  std::map<std::string, std::string> action_of;  // item -> action
  int64_t actions = 0, withholds = 0;
  for (const auto& [item, d] : expected["decisions"].items()) {
    const std::string action = d["action"];
    action_of[item] = action;
    if (action != "allow" && action != "review") ++actions;
    if (action == "withhold") ++withholds;
  }
  ASSERT_GT(actions, 0);

  // By default (issue 14 point 11) the export is a valid submission: only
  // what restricts something in the EEA; the withholds in PK are left out.
  const fs::path default_out = dir / "default.jsonl";
  Outcome def = Exec("sor export --db " + db + " --format dsa-json --platform Example -o " + default_out.string());
  ASSERT_EQ(def.exit_code, 0) << def.out;
  {
    std::istringstream in(ReadFile(default_out));
    std::string l;
    int64_t n = 0;
    while (std::getline(in, l)) {
      ++n;
      ExpectSchemaValid(nlohmann::json::parse(l), /*eea_scope=*/true);
    }
    EXPECT_EQ(n, actions - withholds);
  }
  EXPECT_EQ(def.out.find("is not an EEA country code"), std::string::npos) << def.out;
  EXPECT_NE(def.out.find(std::to_string(withholds) + " restrict nothing in the EEA"), std::string::npos) << def.out;
  Outcome def_strict = Exec("sor export --db " + db + " --format dsa-json --strict -o " + (dir / "s.jsonl").string());
  EXPECT_EQ(def_strict.exit_code, 0) << def_strict.out;

  // --all-scopes: every action, the withholds with their own territory.
  const fs::path json_out = dir / "sor.jsonl";
  Outcome exp = Exec("sor export --db " + db + " --format dsa-json --all-scopes --platform Example -o " +
                     json_out.string());
  ASSERT_EQ(exp.exit_code, 0) << exp.out;
  const std::string text = ReadFile(json_out);
  std::istringstream lines(text);
  std::string line;
  int64_t count = 0;
  std::set<std::string> puids;
  std::map<std::string, int64_t> by_action;
  while (std::getline(lines, line)) {
    ++count;
    nlohmann::json j = nlohmann::json::parse(line);
    const std::string puid = j["puid"];
    EXPECT_TRUE(puids.insert(puid).second) << puid;
    // puid "d-ITEM-POLICY": find the decision it stands for.
    const std::string item = puid.substr(2, puid.find('-', 2) - 2);
    ASSERT_TRUE(action_of.count(item)) << puid;
    const std::string& action = action_of[item];
    ++by_action[action];
    // Withholds in examples/ are in PK, outside the DSA's territory.
    ExpectSchemaValid(j, /*eea_scope=*/action != "withhold");
    const std::map<std::string, std::pair<std::string, std::string>> restriction = {
        {"withhold", {"decision_visibility", "DECISION_VISIBILITY_CONTENT_DISABLED"}},
        {"remove", {"decision_visibility", "DECISION_VISIBILITY_CONTENT_REMOVED"}},
        {"label", {"decision_visibility", "DECISION_VISIBILITY_CONTENT_LABELLED"}},
        {"suspend_account", {"decision_account", "DECISION_ACCOUNT_SUSPENDED"}}};
    ASSERT_TRUE(restriction.count(action)) << action;
    const auto& [key, value] = restriction.at(action);
    const nlohmann::json& got = j[key];
    EXPECT_EQ(got.is_array() ? got[0] : got, value) << puid;
    if (action == "withhold") {
      EXPECT_EQ(List(j, "territorial_scope"), std::vector<std::string>{"PK"});
    }
  }
  EXPECT_EQ(count, actions);
  for (const char* a : {"label", "withhold", "remove", "suspend_account"})
    EXPECT_EQ(by_action[a], expected["by_action"][a].get<int64_t>()) << a;
  EXPECT_NE(exp.out.find("territorial_scope: \"PK\" is not an EEA country code"), std::string::npos) << exp.out;

  // Exporting again gives the same statements, puids included.
  Outcome again = Exec("sor export --db " + db + " --format dsa-json --all-scopes --platform Example -o " +
                       (dir / "again.jsonl").string());
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(ReadFile(dir / "again.jsonl"), text);

  // Submission file (--eea-only, the default, still accepted): all valid.
  const fs::path csv_out = dir / "sor.csv";
  Outcome csv = Exec("sor export --db " + db + " --format dsa-csv --eea-only --strict --platform Example -o " +
                     csv_out.string());
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  auto rows = ParseCsv(ReadFile(csv_out));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(static_cast<int64_t>(rows.size()) - 1, actions - withholds);
  EXPECT_EQ(rows[0].back(), "platform_name");
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), rows[0].size());
    EXPECT_EQ(rows[i].back(), "Example");
  }
  EXPECT_EQ(Exec("sor export --db " + db + " --format dsa-csv --eea-only --all-scopes").exit_code, 1);

  // --strict refuses a file with statements the database would reject, and
  // leaves nothing behind.
  const fs::path strict_out = dir / "strict.jsonl";
  Outcome strict = Exec("sor export --db " + db + " --format dsa-json --all-scopes --strict -o " + strict_out.string());
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  EXPECT_FALSE(fs::exists(strict_out));

  Outcome bad = Exec("sor export --db " + db + " --format xml");
  EXPECT_NE(bad.exit_code, 0);
  Outcome missing = Exec("sor export --db " + (dir / "nope.db").string() + " --format dsa-json");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir / "nope.db"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evenhand
