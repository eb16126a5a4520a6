#include "model/statement.h"

#include <algorithm>

#include "model/category.h"

namespace evenhand {

namespace {

using S = Statement;
constexpr std::vector<std::string> Statement::*kNoList = nullptr;
constexpr std::string Statement::*kNoText = nullptr;

constexpr StatementField T(std::string_view name, bool required, std::string S::*m) {
  return {name, required, m, kNoList};
}
constexpr StatementField L(std::string_view name, bool required, std::vector<std::string> S::*m) {
  return {name, required, kNoText, m};
}

const StatementField kFields[] = {
    L("decision_visibility", false, &S::decision_visibility),
    T("decision_visibility_other", false, &S::decision_visibility_other),
    T("end_date_visibility_restriction", false, &S::end_date_visibility_restriction),
    T("decision_monetary", false, &S::decision_monetary),
    T("decision_monetary_other", false, &S::decision_monetary_other),
    T("end_date_monetary_restriction", false, &S::end_date_monetary_restriction),
    T("decision_provision", false, &S::decision_provision),
    T("end_date_service_restriction", false, &S::end_date_service_restriction),
    T("decision_account", false, &S::decision_account),
    T("end_date_account_restriction", false, &S::end_date_account_restriction),
    T("account_type", false, &S::account_type),
    T("decision_ground", true, &S::decision_ground),
    T("decision_ground_reference_url", false, &S::decision_ground_reference_url),
    T("illegal_content_legal_ground", false, &S::illegal_content_legal_ground),
    T("illegal_content_explanation", false, &S::illegal_content_explanation),
    T("incompatible_content_ground", false, &S::incompatible_content_ground),
    T("incompatible_content_explanation", false, &S::incompatible_content_explanation),
    T("incompatible_content_illegal", false, &S::incompatible_content_illegal),
    T("category", true, &S::category),
    L("category_addition", false, &S::category_addition),
    L("category_specification", false, &S::category_specification),
    T("category_specification_other", false, &S::category_specification_other),
    L("content_type", true, &S::content_type),
    T("content_type_other", false, &S::content_type_other),
    T("content_language", false, &S::content_language),
    T("content_date", true, &S::content_date),
    L("territorial_scope", true, &S::territorial_scope),
    T("application_date", true, &S::application_date),
    T("decision_facts", true, &S::decision_facts),
    T("source_type", true, &S::source_type),
    T("source_identity", false, &S::source_identity),
    T("automated_detection", true, &S::automated_detection),
    T("automated_decision", true, &S::automated_decision),
    T("puid", true, &S::puid),
};

constexpr std::string_view kVisibility[] = {
    "DECISION_VISIBILITY_CONTENT_REMOVED",          "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",          "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
};
constexpr std::string_view kMonetary[] = {
    "DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"};
constexpr std::string_view kProvision[] = {
    "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"};
constexpr std::string_view kAccount[] = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"};
constexpr std::string_view kAccountType[] = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"};
constexpr std::string_view kGround[] = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"};
constexpr std::string_view kContentType[] = {
    "CONTENT_TYPE_APP",  "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"};
constexpr std::string_view kSourceType[] = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER",
                                            "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"};
constexpr std::string_view kAutomatedDecision[] = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                                                   "AUTOMATED_DECISION_NOT_AUTOMATED"};
constexpr std::string_view kYesNo[] = {"Yes", "No"};
constexpr std::string_view kEea[] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
                                     "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
                                     "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"};
constexpr std::string_view kKeywords[] = {
    "KEYWORD_ADULT_SEXUAL_MATERIAL",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
    "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
    "KEYWORD_ANIMAL_HARM",
    "KEYWORD_BIOMETRIC_DATA_BREACH",
    "KEYWORD_BULLYING_AGAINST_GIRLS",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
    "KEYWORD_COORDINATED_HARM",
    "KEYWORD_COPYRIGHT_INFRINGEMENT",
    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
    "KEYWORD_CYBER_HARASSMENT",
    "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
    "KEYWORD_CYBER_INCITEMENT",
    "KEYWORD_CYBER_STALKING",
    "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
    "KEYWORD_DATA_FALSIFICATION",
    "KEYWORD_DEFAMATION",
    "KEYWORD_DESIGN_INFRINGEMENT",
    "KEYWORD_DISCRIMINATION",
    "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
    "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
    "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
    "KEYWORD_HATE_SPEECH",
    "KEYWORD_HIDDEN_ADVERTISEMENT",
    "KEYWORD_HUMAN_EXPLOITATION",
    "KEYWORD_HUMAN_TRAFFICKING",
    "KEYWORD_ILLEGAL_ORGANIZATIONS",
    "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
    "KEYWORD_INAUTHENTIC_ACCOUNTS",
    "KEYWORD_INAUTHENTIC_LISTINGS",
    "KEYWORD_INAUTHENTIC_USER_REVIEWS",
    "KEYWORD_INCITEMENT_AGAINST_WOMEN",
    "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
    "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
    "KEYWORD_LANGUAGE_REQUIREMENTS",
    "KEYWORD_MISINFORMATION_DISINFORMATION",
    "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
    "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
    "KEYWORD_MISSING_PROCESSING_GROUND",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
    "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    "KEYWORD_NONCOMPLIANCE_PRICING",
    "KEYWORD_NUDITY",
    "KEYWORD_PATENT_INFRINGEMENT",
    "KEYWORD_PHISHING",
    "KEYWORD_PROHIBITED_PRODUCTS",
    "KEYWORD_PYRAMID_SCHEMES",
    "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
    "KEYWORD_RISK_PUBLIC_HEALTH",
    "KEYWORD_SELF_MUTILATION",
    "KEYWORD_STALKING",
    "KEYWORD_SUICIDE",
    "KEYWORD_TERRORIST_CONTENT",
    "KEYWORD_TRADE_SECRET_INFRINGEMENT",
    "KEYWORD_TRADEMARK_INFRINGEMENT",
    "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    "KEYWORD_UNLAWFUL_SALE_ANIMALS",
    "KEYWORD_UNSAFE_CHALLENGES",
    "KEYWORD_UNSAFE_PRODUCTS",
    "KEYWORD_VIOLATION_EU_LAW",
    "KEYWORD_VIOLATION_NATIONAL_LAW",
    "KEYWORD_OTHER",
};

}  // namespace

std::span<const StatementField> StatementFields() { return kFields; }

namespace dsa {

std::span<const std::string_view> DecisionVisibilityValues() { return kVisibility; }
std::span<const std::string_view> DecisionMonetaryValues() { return kMonetary; }
std::span<const std::string_view> DecisionProvisionValues() { return kProvision; }
std::span<const std::string_view> DecisionAccountValues() { return kAccount; }
std::span<const std::string_view> AccountTypeValues() { return kAccountType; }
std::span<const std::string_view> DecisionGroundValues() { return kGround; }
std::span<const std::string_view> KeywordValues() { return kKeywords; }
std::span<const std::string_view> ContentTypeValues() { return kContentType; }
std::span<const std::string_view> SourceTypeValues() { return kSourceType; }
std::span<const std::string_view> AutomatedDecisionValues() { return kAutomatedDecision; }
std::span<const std::string_view> YesNoValues() { return kYesNo; }
std::span<const std::string_view> EeaCountries() { return kEea; }

// The category keys come from model/category.h, the one list of categories.
std::span<const std::string_view> CategoryValues() {
  struct Keys {
    std::vector<std::string> owned;
    std::vector<std::string_view> views;
    Keys() {
      for (std::string_view c : AllCategories()) owned.push_back(DsaCategoryKey(c));
      for (const std::string& k : owned) views.push_back(k);
    }
  };
  static const Keys keys;
  return keys.views;
}

bool Contains(std::span<const std::string_view> set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

}  // namespace dsa
}  // namespace evenhand
