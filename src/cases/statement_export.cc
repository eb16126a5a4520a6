#include "cases/statement_export.h"

#include <nlohmann/json.hpp>

namespace evenhand {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kPlatformColumn = "platform_name";

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json ListJson(const std::vector<std::string>& list) {
  Json arr = Json::array();
  for (const std::string& v : list) arr.push_back(v);
  return arr;
}

}  // namespace

std::optional<StatementFormat> ParseStatementFormat(std::string_view name) {
  if (name == "dsa-json") return StatementFormat::kDsaJson;
  if (name == "dsa-csv") return StatementFormat::kDsaCsv;
  return std::nullopt;
}

void AppendDsaJson(std::string* out, const Statement& s) {
  Json j = Json::object();
  for (const StatementField& f : StatementFields()) {
    if (f.text != nullptr) {
      const std::string& v = s.*f.text;
      if (f.required || !v.empty()) j[std::string(f.name)] = v;
    } else {
      const std::vector<std::string>& v = s.*f.list;
      if (f.required || !v.empty()) j[std::string(f.name)] = ListJson(v);
    }
  }
  out->append(Dump(j));
  out->push_back('\n');
}

Result<Statement> ParseDsaJson(std::string_view line) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("statement: not valid JSON");
  if (!j.is_object()) return Status::Invalid("statement: not a JSON object");
  Statement s;
  for (const auto& [key, value] : j.items()) {
    const StatementField* field = nullptr;
    for (const StatementField& f : StatementFields())
      if (f.name == key) field = &f;
    if (field == nullptr) return Status::Invalid("statement: unknown field \"" + key + "\"");
    if (field->text != nullptr) {
      if (!value.is_string()) return Status::Invalid("statement: " + key + ": expected a string");
      s.*field->text = value.get<std::string>();
    } else {
      if (!value.is_array()) return Status::Invalid("statement: " + key + ": expected an array of strings");
      for (const Json& e : value) {
        if (!e.is_string()) return Status::Invalid("statement: " + key + ": expected an array of strings");
        (s.*field->list).push_back(e.get<std::string>());
      }
    }
  }
  return s;
}

void AppendCsvField(std::string* out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendDsaCsvHeader(std::string* out) {
  for (const StatementField& f : StatementFields()) {
    out->append(f.name);
    out->push_back(',');
  }
  out->append(kPlatformColumn);
  out->append("\r\n");
}

void AppendDsaCsvRow(std::string* out, const Statement& s) {
  for (const StatementField& f : StatementFields()) {
    if (f.text != nullptr) {
      AppendCsvField(out, s.*f.text);
    } else if (!(s.*f.list).empty()) {
      AppendCsvField(out, Dump(ListJson(s.*f.list)));
    }
    out->push_back(',');
  }
  AppendCsvField(out, s.platform_name);
  out->append("\r\n");
}

}  // namespace evenhand
