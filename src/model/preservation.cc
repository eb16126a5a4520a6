#include "model/preservation.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<PreservationState, std::string_view>, 6> kNames = {{
    {PreservationState::kReceived, "received"},
    {PreservationState::kRejected, "rejected"},
    {PreservationState::kActive, "active"},
    {PreservationState::kExtended, "extended"},
    {PreservationState::kReleased, "released"},
    {PreservationState::kExpired, "expired"},
}};

}  // namespace

std::string_view PreservationStateName(PreservationState s) {
  for (const auto& [state, name] : kNames)
    if (state == s) return name;
  return "?";
}

std::optional<PreservationState> ParsePreservationState(std::string_view name) {
  for (const auto& [state, n] : kNames)
    if (n == name) return state;
  return std::nullopt;
}

}  // namespace evenhand
