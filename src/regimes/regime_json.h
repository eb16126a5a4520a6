// A Regime as JSON (one object, one line, no trailing newline), for
// `evenhand regime show --json` and for other faces. Null figures stay
// null; each hour figure says whether it came from the deployment.
#pragma once

#include <string>

#include "regimes/regime.h"

namespace evenhand {

std::string RegimeToJson(const Regime& regime);

}  // namespace evenhand
