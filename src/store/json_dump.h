// JSON written straight into a caller's string, byte for byte what
// nlohmann::ordered_json's dump(-1, ' ', false, error_handler_t::replace)
// gives for the same values (the bytes the store kept before these
// writers; stored audit payloads are hashed, so their form must not move):
//
//   string  quoted; \" \\ \b \f \n \r \t escaped, other bytes below 0x20 as
//           \u00xx (lowercase); valid UTF-8 copied as is; a string with
//           invalid UTF-8 is handed to nlohmann (each bad sequence U+FFFD)
//   double  nlohmann's shortest round-trip form ("1.0", "0.25", "1e-05");
//           NaN and infinities "null"
//   integer decimal
//
// For the store's hot path (a decision's scope, signals and audit payload):
// appends, no allocation once `out` has grown, except for invalid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/item.h"

namespace evenhand {

void DumpJsonString(std::string* out, std::string_view s);
void DumpJsonDouble(std::string* out, double v);
void DumpJsonInt(std::string* out, int64_t v);

// A decision's scope ["EU",...] and signals [{"detector":..,"name":..,
// "score":..,"evidence":..},...], as stored in the decisions table and in
// the decision's audit payload.
void DumpScopeJson(std::string* out, const Decision& d);
void DumpSignalsJson(std::string* out, const Decision& d);

}  // namespace evenhand
