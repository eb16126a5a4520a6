#include "model/notice.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<NoticeState, std::string_view>, 6> kStates = {{
    {NoticeState::kReceived, "received"},
    {NoticeState::kRejected, "rejected"},
    {NoticeState::kConfirmed, "confirmed"},
    {NoticeState::kInReview, "in_review"},
    {NoticeState::kDecided, "decided"},
    {NoticeState::kNotified, "notified"},
}};

constexpr std::array<std::pair<NoticeOutcome, std::string_view>, 3> kOutcomes = {{
    {NoticeOutcome::kNone, ""},
    {NoticeOutcome::kActionTaken, "action_taken"},
    {NoticeOutcome::kNoAction, "no_action"},
}};

constexpr std::array<std::pair<NoticeAction, std::string_view>, 4> kActions = {{
    {NoticeAction::kNone, ""},
    {NoticeAction::kWithheld, "withheld"},
    {NoticeAction::kRemoved, "removed"},
    {NoticeAction::kLabelled, "labelled"},
}};

constexpr std::array<std::pair<NotifierKind, std::string_view>, 2> kKinds = {{
    {NotifierKind::kUser, "user"},
    {NotifierKind::kTrustedFlagger, "trusted_flagger"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <typename E, size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

}  // namespace

std::string_view NoticeStateName(NoticeState state) { return NameOf(kStates, state); }
std::optional<NoticeState> ParseNoticeState(std::string_view name) { return ValueOf(kStates, name); }
std::string_view NoticeOutcomeName(NoticeOutcome outcome) { return NameOf(kOutcomes, outcome); }
std::optional<NoticeOutcome> ParseNoticeOutcome(std::string_view name) { return ValueOf(kOutcomes, name); }
std::string_view NoticeActionName(NoticeAction action) { return NameOf(kActions, action); }
std::optional<NoticeAction> ParseNoticeAction(std::string_view name) { return ValueOf(kActions, name); }
std::string_view NotifierKindName(NotifierKind kind) { return NameOf(kKinds, kind); }
std::optional<NotifierKind> ParseNotifierKind(std::string_view name) { return ValueOf(kKinds, name); }

}  // namespace evenhand
