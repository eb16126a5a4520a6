#include "model/order.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<OrderState, std::string_view>, 9> kStates = {{
    {OrderState::kReceived, "received"},
    {OrderState::kRejected, "rejected"},
    {OrderState::kAccepted, "accepted"},
    {OrderState::kInReview, "in_review"},
    {OrderState::kActioned, "actioned"},
    {OrderState::kClosed, "closed"},
    {OrderState::kReopened, "reopened"},
    {OrderState::kUpheld, "upheld"},
    {OrderState::kReversed, "reversed"},
}};

constexpr std::array<std::pair<OrderOutcome, std::string_view>, 4> kOutcomes = {{
    {OrderOutcome::kNone, ""},
    {OrderOutcome::kWithheld, "withheld"},
    {OrderOutcome::kRemovedGlobally, "removed_globally"},
    {OrderOutcome::kNoAction, "no_action"},
}};

}  // namespace

std::string_view OrderStateName(OrderState state) {
  for (const auto& [s, name] : kStates)
    if (s == state) return name;
  return "?";
}

std::optional<OrderState> ParseOrderState(std::string_view name) {
  for (const auto& [s, n] : kStates)
    if (n == name) return s;
  return std::nullopt;
}

std::string_view OrderOutcomeName(OrderOutcome outcome) {
  for (const auto& [o, name] : kOutcomes)
    if (o == outcome) return name;
  return "?";
}

std::optional<OrderOutcome> ParseOrderOutcome(std::string_view name) {
  for (const auto& [o, n] : kOutcomes)
    if (n == name) return o;
  return std::nullopt;
}

}  // namespace evenhand
