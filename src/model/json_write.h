// Fast JSON writing into a caller-owned std::string (appends; no allocation
// once the buffer has grown). Used for decisions on the scan hot path.
#pragma once

#include <string>
#include <string_view>

#include "model/item.h"

namespace evenhand {

// Appends s as a quoted JSON string, escaping as RFC 8259 requires.
void AppendJsonString(std::string* out, std::string_view s);
// Appends one decision as a single-line JSON object followed by '\n'.
void AppendDecisionJson(std::string* out, const Decision& d);

}  // namespace evenhand
