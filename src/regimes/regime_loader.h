// Loading and checking regime files (YAML), one regime a file. Format:
//
//   regime: pk-peca-rbuoc-2021        # id: [a-z0-9][a-z0-9.-]*, unique
//   jurisdiction: PK                  # ISO 3166-1 alpha-2, or EU
//   instrument: "PECA 2016 s.37 + ..."
//   status: in_force                  # in_force | phased | superseded | pending
//   categories:                       # at least one
//     - id: unlawful_content_s37      # snake_case; "info_request" is reserved
//       name: "Unlawful online content under s.37(1)"
//       dsa_category: [risk_for_public_security, illegal_or_harmful_speech]  # or one name
//       deadline_hours: {normal: 48, emergency: 12}   # > 0, or null: no hour figure
//       source: https://...           # required
//       emergency_source: https://... # optional: when the emergency figure has its own
//       deadline_for: orders          # optional: whom the deadline binds: orders (from
//                                     # authorities; the default), notices (from users and
//                                     # trusted flaggers) or [orders, notices]
//       note: "..."                   # optional
//   info_request_deadline_hours: {normal: null, emergency: null}
//   info_request_source: https://...  # required when a figure is given
//   info_request_note: "..."
//   penalties:                        # may be empty ([])
//     - kind: fixed_max               # per_item | per_day_late | fixed_max |
//                                     # percent_turnover | blocking | throttling
//       amount: 500000000             # number or null (percent for percent_turnover
//                                     # and throttling; null for blocking)
//       currency: PKR                 # ISO 4217; required for a money amount
//       cap: 500000000                # optional number or null
//       step: 1                       # escalation order; required for blocking/throttling
//       applies_to: platform          # optional: platform (default) | individual
//       precedent: false              # optional: amount from a reported case
//       source: https://...           # required
//       note: "..."
//   geo_restriction_satisfies: null   # true | false | null (not established)
//   geo_restriction_source: https://...   # required unless null
//   geo_restriction_note: "..."
//   authorities:                      # at least one
//     - kind: regulator               # court | regulator | government |
//                                     # law_enforcement | user | trusted_flagger
//       name: "Pakistan Telecommunication Authority (PTA)"
//       note: "..."
//   preservation:                     # optional: expedited preservation of an
//     days: null                      #   account's data (initial period) and its
//     extension_days: null            #   one extension, in days; traffic-data
//     traffic_retention_days: null    #   retention; > 0 or null (not set / not
//     source: https://...             #   established); source required when a
//     note: "..."                     #   figure is given
//   note: "..."                       # optional
//
// Every problem is reported as FILE:LINE:COLUMN: field: what is wrong, and
// checking goes on after a problem so that one run reports them all.
// Thread-safe (no shared state); never throws.
#pragma once

#include <string>
#include <vector>

#include "model/status.h"
#include "regimes/regime.h"
#include "regimes/yaml_doc.h"

namespace evenhand {

// Checks a regime file; empty when it is valid. When `out` is given and the
// file is valid, the regime is stored there.
std::vector<RegimeDiagnostic> CheckRegimeFile(const std::string& path, Regime* out = nullptr);
// The same checks of a regime whose text is `source` (already read); `path`
// names it in diagnostics. CheckRegimeFile(path) is CheckRegimeSource(path,
// the file's bytes).
std::vector<RegimeDiagnostic> CheckRegimeSource(const std::string& path, const std::string& source,
                                                Regime* out = nullptr);

// Loads one regime file. On failure the Status (kInvalid, or kIo when the
// file cannot be read) holds every diagnostic, one per line.
Result<Regime> LoadRegimeFile(const std::string& path);

// Loads every *.yaml / *.yml file in `dir` (not recursive), in name order.
// Fails if any file fails or two files share a regime id; the message lists
// every problem in every file.
Result<std::vector<Regime>> LoadRegimeDir(const std::string& dir);

// The regime with this id, or nullptr.
const Regime* FindRegime(const std::vector<Regime>& regimes, std::string_view id);

}  // namespace evenhand
