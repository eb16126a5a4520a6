// The bridge from loaded regimes to the desks' RegimeLookup: for a case's
// jurisdiction and category, the regime that covers it and the deadline in
// hours. When several regimes of the jurisdiction cover the category (the
// EU's DSA and its terrorist-content regulation), the one with the shortest
// figure wins: the platform must meet the strictest deadline that may
// apply. The lookup copies the regimes it is given.
//
// `kind` says whose case it is: only the categories whose deadline binds
// that kind of case (RegimeCategory::deadline_for) are considered, so a
// user's or trusted flagger's notice never gets a deadline the law sets for
// an authority's order (issue 14 point 11), and an order never gets one the
// law sets for user complaints.
#pragma once

#include <vector>

#include "cases/order_desk.h"
#include "regimes/regime.h"

namespace evenhand {

RegimeLookup MakeRegimeLookup(std::vector<Regime> regimes, CaseKind kind = CaseKind::kOrder);

}  // namespace evenhand
