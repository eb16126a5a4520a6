// Typed reads of JSON submission fields shared by the case codecs (orders,
// notices, data requests). Errors are Invalid and name the field as
// "WHERE FIELD: what is wrong" (WHERE is a prefix such as "notifier.").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/status.h"

namespace evenhand {

// Reads the string member `field` of `obj` into *out. Absent or null is an
// error only when `required`; so is an empty string. A non-string value is
// always an error. *out is untouched when the member is absent.
Status GetJsonString(const nlohmann::json& obj, const char* field, std::string* out, bool required,
                     const std::string& where = "");

}  // namespace evenhand
