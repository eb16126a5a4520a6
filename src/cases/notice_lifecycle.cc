#include "cases/notice_lifecycle.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<NoticeEvent, std::string_view>, 5> kEvents = {{
    {NoticeEvent::kConfirm, "confirm"},
    {NoticeEvent::kReject, "reject"},
    {NoticeEvent::kReview, "review"},
    {NoticeEvent::kDecide, "decide"},
    {NoticeEvent::kNotify, "notify"},
}};

struct Edge {
  NoticeState from;
  NoticeEvent event;
  NoticeState to;
};

constexpr Edge kEdges[] = {
    {NoticeState::kReceived, NoticeEvent::kConfirm, NoticeState::kConfirmed},
    {NoticeState::kReceived, NoticeEvent::kReject, NoticeState::kRejected},
    {NoticeState::kConfirmed, NoticeEvent::kReview, NoticeState::kInReview},
    {NoticeState::kInReview, NoticeEvent::kDecide, NoticeState::kDecided},
    {NoticeState::kDecided, NoticeEvent::kNotify, NoticeState::kNotified},
};

}  // namespace

std::string_view NoticeEventName(NoticeEvent event) {
  for (const auto& [e, name] : kEvents)
    if (e == event) return name;
  return "?";
}

std::optional<NoticeEvent> ParseNoticeEvent(std::string_view name) {
  for (const auto& [e, n] : kEvents)
    if (n == name) return e;
  return std::nullopt;
}

std::optional<NoticeState> NextNoticeState(NoticeState from, NoticeEvent event) {
  for (const Edge& e : kEdges)
    if (e.from == from && e.event == event) return e.to;
  return std::nullopt;
}

bool NoticeIsOpen(NoticeState state) { return state == NoticeState::kConfirmed || state == NoticeState::kInReview; }

}  // namespace evenhand
