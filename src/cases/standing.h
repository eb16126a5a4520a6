// Standing: whether an action taken on content still stands. THE one place
// that accounts for reversals; every view that says whether content is
// restricted asks here (visibility and `evenhand visible`, the item view,
// statements of reasons, the order list and page, the reports).
//
// An own-initiative decision stands until it is reversed, in one of two ways:
//   * a moderator overturns it on review (Store::PutDecisionReview with
//     verdict "overturn": POST /v1/decisions/{item}/review,
//     `evenhand decision review`);
//   * the user's appeal of it is decided "reversed" (cases/appeal_desk.h).
// An order's action stands until an appeal reverses it (Order::reversed_at;
// Order::InForce is "acted and not reversed").
//
// A reversal undoes the decision everywhere its action applied: the item is
// visible again wherever that decision hid it (other decisions, orders and
// notices that restrict it still do). Pure reads; thread safe once loaded.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "model/item.h"
#include "model/order.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct Reversal {
  std::string how;     // "review" (overturned on review) | "appeal" (reversed on appeal)
  std::string by;      // the audit actor who reversed it
  std::string reason;
  int64_t at = 0;      // unix seconds
  std::string appeal;  // the appeal's id when how == "appeal"
};

// The reversed own-initiative decisions, by (item, policy).
class DecisionReversals {
 public:
  // Every overturning review and every appeal decided "reversed" in `store`.
  static Result<DecisionReversals> Load(Store& store);
  // The reversal of decision (item, policy "name@version"), or null when it stands.
  const Reversal* Find(const std::string& item, const std::string& policy) const;
  const Reversal* Find(const Decision& d) const { return Find(d.item, d.policy); }
  // Records a reversal; the earliest one of a decision is kept.
  void Add(const std::string& item, const std::string& policy, Reversal reversal);
  size_t size() const { return by_decision_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, Reversal> by_decision_;
};

// Whether the decision's action hides content somewhere (remove,
// suspend_account, withhold); labels, reviews and allows hide nothing.
bool DecisionHides(const Decision& decision);

// An order's standing, as every view shows it: "in_force" (acted and not
// reversed: Order::InForce), "reversed" (its action was reversed on
// appeal: the targets are reinstated), "none" (it restricts nothing:
// pending, rejected, or acted with no action).
std::string_view OrderStanding(const Order& order);

}  // namespace evenhand
