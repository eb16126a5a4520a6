#include "cases/order_lifecycle.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<OrderEvent, std::string_view>, 8> kEvents = {{
    {OrderEvent::kAccept, "accept"},
    {OrderEvent::kReject, "reject"},
    {OrderEvent::kReview, "review"},
    {OrderEvent::kAct, "act"},
    {OrderEvent::kClose, "close"},
    {OrderEvent::kReopen, "reopen"},
    {OrderEvent::kUphold, "uphold"},
    {OrderEvent::kReverse, "reverse"},
}};

struct Edge {
  OrderState from;
  OrderEvent event;
  OrderState to;
};

constexpr Edge kEdges[] = {
    {OrderState::kReceived, OrderEvent::kAccept, OrderState::kAccepted},
    {OrderState::kReceived, OrderEvent::kReject, OrderState::kRejected},
    {OrderState::kAccepted, OrderEvent::kReview, OrderState::kInReview},
    {OrderState::kInReview, OrderEvent::kAct, OrderState::kActioned},
    {OrderState::kActioned, OrderEvent::kClose, OrderState::kClosed},
    {OrderState::kUpheld, OrderEvent::kClose, OrderState::kClosed},
    {OrderState::kReversed, OrderEvent::kClose, OrderState::kClosed},
    {OrderState::kActioned, OrderEvent::kReopen, OrderState::kReopened},
    {OrderState::kClosed, OrderEvent::kReopen, OrderState::kReopened},
    {OrderState::kReopened, OrderEvent::kUphold, OrderState::kUpheld},
    {OrderState::kReopened, OrderEvent::kReverse, OrderState::kReversed},
};

}  // namespace

std::string_view OrderEventName(OrderEvent event) {
  for (const auto& [e, name] : kEvents)
    if (e == event) return name;
  return "?";
}

std::optional<OrderEvent> ParseOrderEvent(std::string_view name) {
  for (const auto& [e, n] : kEvents)
    if (n == name) return e;
  return std::nullopt;
}

std::optional<OrderState> NextOrderState(OrderState from, OrderEvent event) {
  for (const Edge& e : kEdges)
    if (e.from == from && e.event == event) return e.to;
  return std::nullopt;
}

}  // namespace evenhand
