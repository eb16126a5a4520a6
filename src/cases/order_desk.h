// OrderDesk: intake and lifecycle of legal orders, on top of a Store.
//
// Submit validates a parsed order and stores it — accepted, or rejected
// with a stated reason (no legal basis; authority not registered for the
// jurisdiction; no regime for the jurisdiction or category not covered by
// it; unknown targets). Intake is idempotent by (authority, reference): a
// repeat returns the stored order untouched. The deadline comes from the
// regime (received + hours for the category and urgency; none when the law
// sets no hour figure). Apply moves an order through the lifecycle
// (cases/order_lifecycle.h) and refuses illegal transitions. Every stored
// change appends an audit entry with the actor in the same transaction, and
// both calls return only once the change is durable.
//
// Not thread safe (a Store is used by one thread at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cases/order_lifecycle.h"
#include "model/order.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// What a regime says about an order's jurisdiction and category.
struct RegimeAnswer {
  bool regime_found = false;  // some regime covers the jurisdiction
  std::string regime_id;
  bool category_covered = false;
  std::optional<double> deadline_hours;  // nullopt: no hour figure in law or deployment
};
using RegimeLookup =
    std::function<RegimeAnswer(const std::string& jurisdiction, const std::string& category, bool emergency)>;

struct SubmitResult {
  Order order;
  bool duplicate = false;  // (authority, reference) was already on file
};

// Arguments of an event: the outcome for "act", the reason (required for
// reject, for act with no_action or removed_globally), the appeal text for
// "reopen".
struct OrderEventArgs {
  OrderOutcome outcome = OrderOutcome::kNone;
  std::string reason;
  std::string appeal;
};

class OrderDesk {
 public:
  OrderDesk(Store* store, RegimeLookup regimes) : store_(store), regimes_(std::move(regimes)) {}

  // The platform id of the order (authority, reference) gets.
  static std::string OrderId(const std::string& authority, const std::string& reference);

  Result<SubmitResult> Submit(Order order, const std::string& actor);
  Result<Order> Apply(const std::string& id, OrderEvent event, const OrderEventArgs& args, const std::string& actor,
                      int64_t now);
  Result<Order> Get(const std::string& id);
  // Orders in `state` (any when nullopt); with due_within_seconds, only open
  // orders (accepted, in review) whose deadline is at or before now + that.
  Result<std::vector<Order>> List(std::optional<OrderState> state, std::optional<int64_t> due_within_seconds,
                                  int64_t now);

 private:
  // Why the order must be rejected, or empty when it is valid.
  Result<std::string> RejectionReason(const Order& order, RegimeAnswer* regime);

  Store* store_;
  RegimeLookup regimes_;
};

}  // namespace evenhand
