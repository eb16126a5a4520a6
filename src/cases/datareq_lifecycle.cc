#include "cases/datareq_lifecycle.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<DataRequestEvent, std::string_view>, 6> kEvents = {{
    {DataRequestEvent::kAccept, "accept"},
    {DataRequestEvent::kReject, "reject"},
    {DataRequestEvent::kPrepare, "prepare"},
    {DataRequestEvent::kApprove, "approve"},
    {DataRequestEvent::kDisclose, "disclose"},
    {DataRequestEvent::kRefuse, "refuse"},
}};

struct Edge {
  DataRequestState from;
  DataRequestEvent event;
  DataRequestState to;
};

constexpr Edge kEdges[] = {
    {DataRequestState::kReceived, DataRequestEvent::kAccept, DataRequestState::kAccepted},
    {DataRequestState::kReceived, DataRequestEvent::kReject, DataRequestState::kRejected},
    {DataRequestState::kAccepted, DataRequestEvent::kPrepare, DataRequestState::kPrepared},
    {DataRequestState::kPrepared, DataRequestEvent::kApprove, DataRequestState::kApproved},
    {DataRequestState::kApproved, DataRequestEvent::kDisclose, DataRequestState::kDisclosed},
    {DataRequestState::kAccepted, DataRequestEvent::kRefuse, DataRequestState::kRefused},
    {DataRequestState::kPrepared, DataRequestEvent::kRefuse, DataRequestState::kRefused},
};

}  // namespace

std::string_view DataRequestEventName(DataRequestEvent event) {
  for (const auto& [e, name] : kEvents)
    if (e == event) return name;
  return "?";
}

std::optional<DataRequestEvent> ParseDataRequestEvent(std::string_view name) {
  for (const auto& [e, n] : kEvents)
    if (n == name) return e;
  return std::nullopt;
}

std::optional<DataRequestState> NextDataRequestState(DataRequestState from, DataRequestEvent event) {
  for (const Edge& e : kEdges)
    if (e.from == from && e.event == event) return e.to;
  return std::nullopt;
}

}  // namespace evenhand
