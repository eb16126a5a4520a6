// A statement of reasons (DSA Art. 17) in the shape of the DSA Transparency
// Database's submission schema: every schema value is kept as the exact
// string the database accepts (enumeration keys such as
// "DECISION_GROUND_ILLEGAL_CONTENT", dates as "YYYY-MM-DD", "Yes"/"No"), so
// that a statement can be checked against the schema (cases/statement_validate.h)
// and exported without translation (cases/statement_export.h).
//
// This header also holds the schema's vocabulary: the allowed values of each
// enumerated field and the EEA country codes. The field table
// (StatementFields) names every schema field once; the writers and the
// validator walk it. Plain data, no I/O; all functions are thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

struct Statement {
  // ---- schema fields (names as in the Transparency Database) ----
  std::string puid;  // the platform's unique id for this statement

  // Restrictions: at least one of the four groups is set.
  std::vector<std::string> decision_visibility;  // DECISION_VISIBILITY_*
  std::string decision_visibility_other;
  std::string end_date_visibility_restriction;  // "" = indefinite
  std::string decision_monetary;                // DECISION_MONETARY_*
  std::string decision_monetary_other;
  std::string end_date_monetary_restriction;
  std::string decision_provision;  // DECISION_PROVISION_*
  std::string end_date_service_restriction;
  std::string decision_account;  // DECISION_ACCOUNT_*
  std::string end_date_account_restriction;
  std::string account_type;  // ACCOUNT_TYPE_*, optional

  // Grounds.
  std::string decision_ground;  // DECISION_GROUND_*
  std::string decision_ground_reference_url;
  std::string illegal_content_legal_ground;
  std::string illegal_content_explanation;
  std::string incompatible_content_ground;
  std::string incompatible_content_explanation;
  std::string incompatible_content_illegal;  // "Yes" | "No" | "" (unset)
  std::string decision_facts;

  // Category.
  std::string category;                           // STATEMENT_CATEGORY_*
  std::vector<std::string> category_addition;     // STATEMENT_CATEGORY_*
  std::vector<std::string> category_specification;  // KEYWORD_*
  std::string category_specification_other;

  // Content, scope, source and automation.
  std::vector<std::string> content_type;  // CONTENT_TYPE_*
  std::string content_type_other;
  std::string content_language;  // uppercase ISO 639-1, optional
  std::string content_date;      // YYYY-MM-DD
  std::string application_date;  // YYYY-MM-DD
  std::vector<std::string> territorial_scope;  // EEA country codes
  std::string source_type;                     // SOURCE_*
  std::string source_identity;
  std::string automated_detection;  // "Yes" | "No"
  std::string automated_decision;   // AUTOMATED_DECISION_*

  // ---- evenhand's own bookkeeping (not submitted) ----
  std::string platform_name;  // written in the CSV export, as the database's own CSV does
};

// One schema field: its name, whether the schema requires it, and where it
// lives in Statement (exactly one of `text` / `list` is set).
struct StatementField {
  std::string_view name;
  bool required;
  std::string Statement::*text;
  std::vector<std::string> Statement::*list;
};

// Every schema field, in the order of the database's CSV export, then puid.
std::span<const StatementField> StatementFields();

namespace dsa {

// Enumeration keys used by the builder (the full sets are below).
inline constexpr std::string_view kVisibilityRemoved = "DECISION_VISIBILITY_CONTENT_REMOVED";
inline constexpr std::string_view kVisibilityDisabled = "DECISION_VISIBILITY_CONTENT_DISABLED";
inline constexpr std::string_view kVisibilityLabelled = "DECISION_VISIBILITY_CONTENT_LABELLED";
inline constexpr std::string_view kVisibilityOther = "DECISION_VISIBILITY_OTHER";
inline constexpr std::string_view kMonetaryOther = "DECISION_MONETARY_OTHER";
inline constexpr std::string_view kAccountSuspended = "DECISION_ACCOUNT_SUSPENDED";
inline constexpr std::string_view kGroundIllegal = "DECISION_GROUND_ILLEGAL_CONTENT";
inline constexpr std::string_view kGroundIncompatible = "DECISION_GROUND_INCOMPATIBLE_CONTENT";
inline constexpr std::string_view kContentText = "CONTENT_TYPE_TEXT";
inline constexpr std::string_view kContentImage = "CONTENT_TYPE_IMAGE";
inline constexpr std::string_view kContentVideo = "CONTENT_TYPE_VIDEO";
inline constexpr std::string_view kContentAudio = "CONTENT_TYPE_AUDIO";
inline constexpr std::string_view kContentOther = "CONTENT_TYPE_OTHER";
inline constexpr std::string_view kSourceNotice = "SOURCE_ARTICLE_16";
inline constexpr std::string_view kSourceTrustedFlagger = "SOURCE_TRUSTED_FLAGGER";
inline constexpr std::string_view kSourceOtherNotification = "SOURCE_TYPE_OTHER_NOTIFICATION";
inline constexpr std::string_view kSourceVoluntary = "SOURCE_VOLUNTARY";
inline constexpr std::string_view kAutomatedFully = "AUTOMATED_DECISION_FULLY";
inline constexpr std::string_view kAutomatedPartially = "AUTOMATED_DECISION_PARTIALLY";
inline constexpr std::string_view kAutomatedNot = "AUTOMATED_DECISION_NOT_AUTOMATED";
inline constexpr std::string_view kKeywordOther = "KEYWORD_OTHER";
inline constexpr std::string_view kYes = "Yes";
inline constexpr std::string_view kNo = "No";

// The allowed values of each enumerated field.
std::span<const std::string_view> DecisionVisibilityValues();
std::span<const std::string_view> DecisionMonetaryValues();
std::span<const std::string_view> DecisionProvisionValues();
std::span<const std::string_view> DecisionAccountValues();
std::span<const std::string_view> AccountTypeValues();
std::span<const std::string_view> DecisionGroundValues();
std::span<const std::string_view> CategoryValues();  // STATEMENT_CATEGORY_*
std::span<const std::string_view> KeywordValues();   // KEYWORD_*
std::span<const std::string_view> ContentTypeValues();
std::span<const std::string_view> SourceTypeValues();
std::span<const std::string_view> AutomatedDecisionValues();
std::span<const std::string_view> YesNoValues();
// EU27 plus IS, LI and NO; Greece is "GR". In the database's order.
std::span<const std::string_view> EeaCountries();

bool Contains(std::span<const std::string_view> set, std::string_view value);
inline bool IsEeaCountry(std::string_view code) { return Contains(EeaCountries(), code); }

}  // namespace dsa
}  // namespace evenhand
