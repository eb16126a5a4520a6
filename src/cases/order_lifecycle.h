// The order state machine: which event moves an order from which state to
// which. Pure functions; the OrderDesk applies them and refuses the rest.
//
//   accept   received            -> accepted
//   reject   received            -> rejected      (reason required)
//   review   accepted            -> in_review
//   act      in_review           -> actioned      (outcome required; a reason for
//                                                  no_action and removed_globally)
//   close    actioned | upheld | reversed -> closed
//   reopen   actioned | closed   -> reopened      (the appeal or counter-notice)
//   uphold   reopened            -> upheld
//   reverse  reopened            -> reversed      (the item is reinstated)
#pragma once

#include <optional>
#include <string_view>

#include "model/order.h"

namespace evenhand {

enum class OrderEvent { kAccept, kReject, kReview, kAct, kClose, kReopen, kUphold, kReverse };

std::string_view OrderEventName(OrderEvent event);
std::optional<OrderEvent> ParseOrderEvent(std::string_view name);

// The state `event` leads to from `from`, or nullopt when it is not allowed.
std::optional<OrderState> NextOrderState(OrderState from, OrderEvent event);

}  // namespace evenhand
