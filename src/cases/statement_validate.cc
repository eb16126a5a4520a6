#include "cases/statement_validate.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace evenhand {

namespace {

// Date ranges and length limits of the schema.
constexpr std::string_view kContentDateMin = "2000-01-01";
constexpr std::string_view kApplicationDateMin = "2020-01-01";
constexpr std::string_view kDateMax = "2038-01-01";

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Quoted(const std::string& v) { return "\"" + v + "\""; }

class Checker {
 public:
  explicit Checker(const Statement& s) : s_(s) {}

  void Add(std::string field, std::string problem) { errors_.push_back({std::move(field), std::move(problem)}); }

  void MaxLength(const char* field, const std::string& value, size_t max) {
    if (CodePoints(value) > max)
      Add(field, "is " + std::to_string(CodePoints(value)) + " characters long; at most " + std::to_string(max) +
                     " are allowed");
  }

  // An optional single enumerated value.
  void OneOf(const char* field, const std::string& value, std::span<const std::string_view> allowed) {
    if (!value.empty() && !dsa::Contains(allowed, value)) Add(field, Quoted(value) + " is not an allowed value");
  }

  // A list of enumerated values, without duplicates.
  void AllOf(const char* field, const std::vector<std::string>& values, std::span<const std::string_view> allowed) {
    std::set<std::string> seen;
    for (const std::string& v : values) {
      if (!dsa::Contains(allowed, v)) Add(field, Quoted(v) + " is not an allowed value");
      if (!seen.insert(v).second) Add(field, Quoted(v) + " is listed twice");
    }
  }

  void Required(const char* field, const std::string& value) {
    if (value.empty()) Add(field, "is required");
  }

  // A date field; `min`/`max` bound it (inclusive).
  void Date(const char* field, const std::string& value, std::string_view min, std::string_view max) {
    if (value.empty()) return;
    if (!IsDsaDate(value)) {
      Add(field, Quoted(value) + " is not a date written YYYY-MM-DD");
      return;
    }
    if (value < min || value > max)
      Add(field, Quoted(value) + " is outside " + std::string(min) + " .. " + std::string(max));
  }

  void EndDate(const char* field, const std::string& value) {
    Date(field, value, kApplicationDateMin, kDateMax);
    if (IsDsaDate(value) && IsDsaDate(s_.application_date) && value < s_.application_date)
      Add(field, Quoted(value) + " is before application_date " + s_.application_date);
  }

  std::vector<FieldError> Run();

 private:
  const Statement& s_;
  std::vector<FieldError> errors_;
};

std::vector<FieldError> Checker::Run() {
  // Identity.
  Required("puid", s_.puid);
  MaxLength("puid", s_.puid, 500);
  if (!s_.puid.empty() && !std::all_of(s_.puid.begin(), s_.puid.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      }))
    Add("puid", Quoted(s_.puid) + " may hold only letters, digits, '-' and '_'");

  // Restrictions: at least one group, each value allowed.
  if (s_.decision_visibility.empty() && s_.decision_monetary.empty() && s_.decision_provision.empty() &&
      s_.decision_account.empty())
    Add("decision_visibility",
        "at least one of decision_visibility, decision_monetary, decision_provision and decision_account is required");
  AllOf("decision_visibility", s_.decision_visibility, dsa::DecisionVisibilityValues());
  const bool visibility_other = std::find(s_.decision_visibility.begin(), s_.decision_visibility.end(),
                                          dsa::kVisibilityOther) != s_.decision_visibility.end();
  if (visibility_other) Required("decision_visibility_other", s_.decision_visibility_other);
  MaxLength("decision_visibility_other", s_.decision_visibility_other, 500);
  OneOf("decision_monetary", s_.decision_monetary, dsa::DecisionMonetaryValues());
  if (s_.decision_monetary == dsa::kMonetaryOther) Required("decision_monetary_other", s_.decision_monetary_other);
  MaxLength("decision_monetary_other", s_.decision_monetary_other, 500);
  OneOf("decision_provision", s_.decision_provision, dsa::DecisionProvisionValues());
  OneOf("decision_account", s_.decision_account, dsa::DecisionAccountValues());
  OneOf("account_type", s_.account_type, dsa::AccountTypeValues());
  EndDate("end_date_visibility_restriction", s_.end_date_visibility_restriction);
  EndDate("end_date_monetary_restriction", s_.end_date_monetary_restriction);
  EndDate("end_date_service_restriction", s_.end_date_service_restriction);
  EndDate("end_date_account_restriction", s_.end_date_account_restriction);

  // Grounds.
  Required("decision_ground", s_.decision_ground);
  OneOf("decision_ground", s_.decision_ground, dsa::DecisionGroundValues());
  MaxLength("decision_ground_reference_url", s_.decision_ground_reference_url, 500);
  if (!s_.decision_ground_reference_url.empty() && s_.decision_ground_reference_url.rfind("http://", 0) != 0 &&
      s_.decision_ground_reference_url.rfind("https://", 0) != 0)
    Add("decision_ground_reference_url", Quoted(s_.decision_ground_reference_url) + " is not an http(s) URL");
  if (s_.decision_ground == dsa::kGroundIllegal) {
    Required("illegal_content_legal_ground", s_.illegal_content_legal_ground);
    Required("illegal_content_explanation", s_.illegal_content_explanation);
  }
  if (s_.decision_ground == dsa::kGroundIncompatible) {
    Required("incompatible_content_ground", s_.incompatible_content_ground);
    Required("incompatible_content_explanation", s_.incompatible_content_explanation);
  }
  MaxLength("illegal_content_legal_ground", s_.illegal_content_legal_ground, 500);
  MaxLength("illegal_content_explanation", s_.illegal_content_explanation, 2000);
  MaxLength("incompatible_content_ground", s_.incompatible_content_ground, 500);
  MaxLength("incompatible_content_explanation", s_.incompatible_content_explanation, 2000);
  OneOf("incompatible_content_illegal", s_.incompatible_content_illegal, dsa::YesNoValues());
  if (!s_.incompatible_content_illegal.empty() && s_.decision_ground != dsa::kGroundIncompatible)
    Add("incompatible_content_illegal", "may be set only with DECISION_GROUND_INCOMPATIBLE_CONTENT");
  Required("decision_facts", s_.decision_facts);
  MaxLength("decision_facts", s_.decision_facts, 5000);

  // Category.
  Required("category", s_.category);
  OneOf("category", s_.category, dsa::CategoryValues());
  AllOf("category_addition", s_.category_addition, dsa::CategoryValues());
  AllOf("category_specification", s_.category_specification, dsa::KeywordValues());
  MaxLength("category_specification_other", s_.category_specification_other, 500);

  // Content.
  if (s_.content_type.empty()) Add("content_type", "is required");
  AllOf("content_type", s_.content_type, dsa::ContentTypeValues());
  if (std::find(s_.content_type.begin(), s_.content_type.end(), dsa::kContentOther) != s_.content_type.end())
    Required("content_type_other", s_.content_type_other);
  MaxLength("content_type_other", s_.content_type_other, 500);
  if (!s_.content_language.empty() &&
      !(s_.content_language.size() == 2 && std::isupper(static_cast<unsigned char>(s_.content_language[0])) &&
        std::isupper(static_cast<unsigned char>(s_.content_language[1]))))
    Add("content_language", Quoted(s_.content_language) + " is not an upper-case ISO 639-1 code");
  Required("content_date", s_.content_date);
  Date("content_date", s_.content_date, kContentDateMin, kDateMax);
  Required("application_date", s_.application_date);
  Date("application_date", s_.application_date, kApplicationDateMin, kDateMax);
  if (IsDsaDate(s_.content_date) && IsDsaDate(s_.application_date) && s_.content_date > s_.application_date)
    Add("content_date", Quoted(s_.content_date) + " is after application_date " + s_.application_date);

  // Territorial scope: the API documentation requires it.
  if (s_.territorial_scope.empty()) Add("territorial_scope", "is required");
  std::set<std::string> seen;
  for (const std::string& c : s_.territorial_scope) {
    if (!dsa::IsEeaCountry(c)) Add("territorial_scope", Quoted(c) + " is not an EEA country code");
    if (!seen.insert(c).second) Add("territorial_scope", Quoted(c) + " is listed twice");
  }

  // Source and automation.
  Required("source_type", s_.source_type);
  OneOf("source_type", s_.source_type, dsa::SourceTypeValues());
  MaxLength("source_identity", s_.source_identity, 500);
  if (s_.source_type == dsa::kSourceVoluntary && !s_.source_identity.empty())
    Add("source_identity", "must be empty with SOURCE_VOLUNTARY (the database drops it)");
  Required("automated_detection", s_.automated_detection);
  OneOf("automated_detection", s_.automated_detection, dsa::YesNoValues());
  Required("automated_decision", s_.automated_decision);
  OneOf("automated_decision", s_.automated_decision, dsa::AutomatedDecisionValues());
  return std::move(errors_);
}

}  // namespace

bool IsDsaDate(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  const int year = std::stoi(d.substr(0, 4));
  const int month = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::vector<FieldError> ValidateStatement(const Statement& statement) { return Checker(statement).Run(); }

std::string DescribeErrors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& e : errors) out += (out.empty() ? "" : "; ") + e.field + ": " + e.problem;
  return out;
}

}  // namespace evenhand
