// Labeled text for training and evaluation: JSON Lines, one object a line,
// with a text field and a label field named by the caller (an optional
// group field is kept for per-group reports, e.g. SpamAssassin's hard-ham).
//
// ReadLabeledJsonl reads the whole file. A line that is not a JSON object,
// lacks either field, or holds a label that is not a non-empty string,
// number or bool is an error "FILE:LINE: field: what"; blank lines are
// skipped. Labels may hold only [A-Za-z0-9_.-] (they become fastText
// labels and policy-visible names). Not thread safe; no global state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/status.h"

namespace evenhand::classify {

struct LabeledExample {
  std::string id;     // the "id" field when present, else "LINE"
  std::string text;   // as written (not normalised)
  std::string label;
  std::string group;  // the group field when asked for and present, else ""
  int64_t line = 0;   // 1-based line number in the file (for FILE:LINE errors)
};

struct LabeledFields {
  std::string text = "text";
  std::string label = "label";
  std::string group;  // "" = none
  bool require_label = true;  // false: a missing label is "" (unlabelled traffic, e.g. for drift)
};

Result<std::vector<LabeledExample>> ReadLabeledJsonl(const std::string& path, const LabeledFields& fields);

// True when `label` is a usable label name: 1..64 bytes of [A-Za-z0-9_.-].
bool IsValidLabel(const std::string& label);

}  // namespace evenhand::classify
