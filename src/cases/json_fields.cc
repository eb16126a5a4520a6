#include "cases/json_fields.h"

namespace evenhand {

Status GetJsonString(const nlohmann::json& obj, const char* field, std::string* out, bool required,
                     const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) return Status::Invalid(where + field + ": missing");
    return Status::Ok();
  }
  if (!it->is_string()) return Status::Invalid(where + field + ": must be a string");
  *out = it->get<std::string>();
  if (required && out->empty()) return Status::Invalid(where + field + ": is empty");
  return Status::Ok();
}

}  // namespace evenhand
