// The bridge from loaded regimes to the OrderDesk's RegimeLookup: for an
// order's jurisdiction and category, the regime that covers it and the
// deadline in hours. When several regimes of the jurisdiction cover the
// category (the EU's DSA and its terrorist-content regulation), the one
// with the shortest figure wins: the platform must meet the strictest
// deadline that may apply. The lookup copies the regimes it is given.
#pragma once

#include <vector>

#include "cases/order_desk.h"
#include "regimes/regime.h"

namespace evenhand {

RegimeLookup MakeRegimeLookup(std::vector<Regime> regimes);

}  // namespace evenhand
