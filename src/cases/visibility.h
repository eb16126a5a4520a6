// Geo-scoped visibility: may a viewer in country CC see an item?
//
// An item is hidden from CC when any of these holds, and visible otherwise:
//  * a stored decision that stands (not reversed on review or appeal, see
//    cases/standing.h) removed it, or suspended its account (everywhere);
//  * such a decision withheld it with a scope that covers CC;
//  * an order in force (actioned and not reversed on appeal, see
//    Order::InForce) targets the item or its account and either removed it
//    globally or withheld it in a jurisdiction that covers CC;
//  * a decided notice names the item and removed it, or withheld it in a
//    jurisdiction that covers CC (NoticeRestricts).
// A jurisdiction covers a country when they are equal, or when it is "EU"
// and the country is an EU member state. Each restriction found is named
// in `because`, so the answer can be checked; every restriction that was
// reversed (decisions overturned or reversed on appeal, orders reversed on
// appeal) is named in `reversed`.
//
// Reads the item's decisions through the Store's index, and every order,
// notice and reversal (a linear walk: a tool for reviewers and tests, not a
// serving path).
#pragma once

#include <string>
#include <vector>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct VisibilityAnswer {
  bool item_known = false;            // the item is a stored post or has a decision or order
  bool visible = true;
  std::vector<std::string> because;   // every restriction that applies to the country
  std::vector<std::string> elsewhere; // restrictions in other jurisdictions (for context)
  std::vector<std::string> reversed;  // restrictions undone on review or appeal: restrict nothing now
};

bool JurisdictionCovers(const std::string& jurisdiction, const std::string& country);

Result<VisibilityAnswer> VisibleFrom(Store& store, const std::string& item, const std::string& country);

}  // namespace evenhand
