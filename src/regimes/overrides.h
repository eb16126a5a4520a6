// Deployment overrides of regime deadlines. Where the law sets no hour
// figure ("without undue delay", "set in each order"), a deployment must
// still run a clock; an override file gives it one. Format:
//
//   overrides:
//     - regime: eu-dsa                 # a loaded regime id
//       category: art9_order_to_act    # a category id, or info_request
//       normal: 24                     # hours > 0; at least one of normal/emergency
//       emergency: 6
//       reason: "Internal target agreed with the DSC"   # optional
//       replace: false                 # optional; true to replace a figure the law sets
//
// By default an override only fills a null; replacing a figure the law sets
// needs `replace: true`, so that a typo cannot silently shorten or lengthen
// a legal deadline. Every overridden figure records that it came from the
// deployment (Hours::from_deployment, source "FILE:LINE", note = reason).
//
// All or nothing: on any problem (FILE:LINE:COLUMN: field: what is wrong,
// all of them) no regime is changed. Never throws.
#pragma once

#include <string>
#include <vector>

#include "model/status.h"
#include "regimes/regime.h"

namespace evenhand {

Status ApplyOverrides(const std::string& override_yaml_path, std::vector<Regime>* regimes);

}  // namespace evenhand
