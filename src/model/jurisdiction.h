// Jurisdiction codes: ISO 3166-1 alpha-2 codes officially assigned (249 of
// them), or "EU". User-assigned codes (AA, QM-QZ, XA-XZ, ZZ) and reserved
// ones (UK, EU as a country, ...) are not jurisdictions. Pure functions.
#pragma once

#include <string_view>

namespace evenhand {

// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsIsoCountry(std::string_view code);
// IsIsoCountry(code) or code == "EU".
bool IsJurisdiction(std::string_view code);

}  // namespace evenhand
