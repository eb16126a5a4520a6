#include "classify/labeled_data.h"

#include <simdjson.h>

#include <fstream>

namespace evenhand::classify {

bool IsValidLabel(const std::string& label) {
  if (label.empty() || label.size() > 64) return false;
  for (char c : label)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

namespace {

// A scalar field as text: strings as they are, numbers and bools written out.
bool ScalarText(simdjson::dom::element e, std::string* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: *out = std::string(std::string_view(e.get_string().value())); return true;
    case simdjson::dom::element_type::INT64: *out = std::to_string(int64_t(e.get_int64().value())); return true;
    case simdjson::dom::element_type::UINT64: *out = std::to_string(uint64_t(e.get_uint64().value())); return true;
    case simdjson::dom::element_type::BOOL: *out = e.get_bool().value() ? "true" : "false"; return true;
    default: return false;
  }
}

}  // namespace

Result<std::vector<LabeledExample>> ReadLabeledJsonl(const std::string& path, const LabeledFields& fields) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open labeled data");
  simdjson::dom::parser parser;
  std::vector<LabeledExample> out;
  std::string line;
  int64_t n = 0;
  auto fail = [&](const std::string& field, const std::string& what) {
    return Status::Invalid(path + ":" + std::to_string(n) + ": " + (field.empty() ? "" : field + ": ") + what);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::dom::element doc;
    if (auto err = parser.parse(line).get(doc); err) return fail("", std::string("invalid JSON: ") + simdjson::error_message(err));
    if (doc.type() != simdjson::dom::element_type::OBJECT) return fail("", "expected a JSON object");
    LabeledExample ex;
    simdjson::dom::element v;
    if (doc[fields.text].get(v) != simdjson::SUCCESS) return fail(fields.text, "missing");
    if (v.type() != simdjson::dom::element_type::STRING) return fail(fields.text, "must be a string");
    ex.text = std::string(std::string_view(v.get_string().value()));
    ex.line = n;
    if (doc[fields.label].get(v) != simdjson::SUCCESS) {
      if (fields.require_label) return fail(fields.label, "missing");
    } else if (!ScalarText(v, &ex.label) || ex.label.empty()) {
      return fail(fields.label, "must be a non-empty string, number or bool");
    } else if (!IsValidLabel(ex.label)) {
      return fail(fields.label, "label \"" + ex.label + "\" may only hold letters, digits, \"_\", \".\" and \"-\" (64 at most)");
    }
    if (!fields.group.empty() && doc[fields.group].get(v) == simdjson::SUCCESS) ScalarText(v, &ex.group);
    if (doc["id"].get(v) != simdjson::SUCCESS || !ScalarText(v, &ex.id)) ex.id = std::to_string(n);
    out.push_back(std::move(ex));
  }
  if (in.bad()) return Status::Io(path + ": read error");
  return out;
}

}  // namespace evenhand::classify
