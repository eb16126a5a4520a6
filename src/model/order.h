// Legal orders from authorities: the record a takedown order becomes, its
// lifecycle states and outcomes. Plain data; no I/O (see cases/ for intake,
// validation and transitions).
//
// Lifecycle: received -> rejected | accepted -> in_review -> actioned
// (withheld in the jurisdiction | removed globally | no action) -> closed;
// an appeal or counter-notice reopens an actioned or closed order ->
// upheld | reversed (the item is reinstated) -> closed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

enum class OrderState { kReceived, kRejected, kAccepted, kInReview, kActioned, kClosed, kReopened, kUpheld, kReversed };
enum class OrderOutcome { kNone, kWithheld, kRemovedGlobally, kNoAction };

std::string_view OrderStateName(OrderState state);  // "received", "in_review", ...
std::optional<OrderState> ParseOrderState(std::string_view name);
std::string_view OrderOutcomeName(OrderOutcome outcome);  // "", "withheld", "removed_globally", "no_action"
std::optional<OrderOutcome> ParseOrderOutcome(std::string_view name);

struct OrderTarget {
  std::string kind;  // "item" or "account"
  std::string id;
  int64_t version = 0;  // for an item: the stored version the order was received against (0 = unknown)
};

struct LegalBasis {
  std::string instrument;  // e.g. "PECA 2016"
  std::string provision;   // e.g. "s.37"
};

struct Order {
  std::string id;            // platform id ("ord-" + 16 hex of the intake key)
  std::string authority;     // registered authority id
  std::string jurisdiction;  // ISO 3166-1 alpha-2, or "EU"
  std::string regime;        // regime id the deadline came from; empty if none
  LegalBasis legal_basis;
  std::string category;      // the regime's category id or a DSA short form
  bool emergency = false;
  std::vector<OrderTarget> targets;
  std::string reference;     // the authority's own reference
  int64_t received = 0;      // unix seconds
  int64_t deadline = 0;      // unix seconds: the stricter of the two below; 0 when neither is set
  int64_t regime_deadline = 0;     // unix seconds: what the regime sets; 0 when the law sets no hour figure
  int64_t authority_deadline = 0;  // unix seconds: the authority's own deadline in the order; 0 = none given
  OrderState state = OrderState::kReceived;
  OrderOutcome outcome = OrderOutcome::kNone;
  std::string reason;        // why rejected / why no action / why removed globally
  std::string appeal;        // the appeal or counter-notice that reopened it
  int64_t actioned_at = 0;
  int64_t closed_at = 0;
  int64_t reversed_at = 0;   // set when an appeal reversed the action: the item is reinstated
  int64_t appealed_at = 0;   // when the (last) appeal or counter-notice was filed; 0 = none, or not recorded
  int64_t appeal_decided_at = 0;  // when that appeal was decided (upheld or reversed); 0 = not yet

  // Whether the order's action currently restricts its targets: actioned
  // (withheld or removed globally) and not reversed on appeal.
  bool InForce() const {
    return (outcome == OrderOutcome::kWithheld || outcome == OrderOutcome::kRemovedGlobally) && reversed_at == 0 &&
           (state == OrderState::kActioned || state == OrderState::kClosed || state == OrderState::kReopened ||
            state == OrderState::kUpheld);
  }
};

}  // namespace evenhand
