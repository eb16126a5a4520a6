// Checks a Statement against the DSA Transparency Database's submission rules
// (the schema in model/statement.h): required fields present, enumerated
// values in their allowed sets, lengths within the limits, dates well formed,
// in range and ordered, territorial scope made of EEA codes, and the
// conditional fields (legal ground for illegal content, contractual ground
// for incompatible content, "*_other" texts for OTHER values).
//
// Returns every problem, not just the first, each naming the field. An
// empty result means the database should accept the statement. Pure and
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/statement.h"

namespace evenhand {

struct FieldError {
  std::string field;    // schema field name, e.g. "territorial_scope"
  std::string problem;  // what is wrong, e.g. "\"PK\" is not an EEA country code"
};

std::vector<FieldError> ValidateStatement(const Statement& statement);

// "field: problem; field: problem" for messages.
std::string DescribeErrors(const std::vector<FieldError>& errors);

// Whether `date` is a real calendar date written "YYYY-MM-DD".
bool IsDsaDate(const std::string& date);

}  // namespace evenhand
